use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::rules::label_schema::{format_of, labels};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// With `strict-labels: true`, flags every label that `required-labels`
    /// (hadolint: `label-schema`) does not list. Every `LABEL` is checked,
    /// in every stage and in `ONBUILD`.
    ///
    /// ## Why is this bad?
    /// A team that keeps a closed set of labels wants typos
    /// (`org.opencontainers.image.sorce`) and ad-hoc keys caught before
    /// they reach the registry.
    ///
    /// ## Example
    /// With `required-labels: {org.opencontainers.image.source: url}` and
    /// `strict-labels: true`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.sorce=https://github.com/example/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source=https://github.com/example/app
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint reports a `LABEL` instruction once; layerlint reports each
    /// label that is not in the schema.
    pub struct LabelNotInSchema { label: String }
    code = "DL3050", name = "label-not-in-schema", aliases = [],
    category = Maintainability, severity = Info, fix = None,
    visits = [Label],
}

impl Violation for LabelNotInSchema {
    fn message(&self) -> String {
        format!(
            "Label `{}` is not in `required-labels`, and `strict-labels` is on",
            self.label
        )
    }

    fn help(&self) -> Option<String> {
        Some("Remove the label, or add it to `required-labels`".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    if !checker.settings.options.strict_labels {
        return;
    }
    for label in labels(checker, checker.instruction_index(), inst) {
        if format_of(checker, &label.key).is_none() {
            checker.report(LabelNotInSchema { label: label.key }, label.key_range);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::RuleOptions;
    use crate::testing::{Cases, test_rule_with_options};

    #[test]
    fn cases() {
        test_rule_with_options(
            &super::RULE,
            RuleOptions {
                required_labels: vec![
                    (
                        "org.opencontainers.image.source".to_string(),
                        "url".to_string(),
                    ),
                    ("maintainer".to_string(), "text".to_string()),
                ],
                strict_labels: true,
                ..RuleOptions::default()
            },
            Cases {
                bad: &[
                    "FROM alpine\nLABEL version=1\n",
                    "FROM alpine\nLABEL maintainer=me \\\n  Maintainer=me\n",
                    "FROM alpine\nONBUILD LABEL extra=1\n",
                ],
                good: &[
                    "FROM alpine\nLABEL maintainer=me \"org.opencontainers.image.source\"=https://x.y\n",
                    "FROM alpine\nRUN true\n",
                ],
                fixes: &[],
            },
        );
    }
}
