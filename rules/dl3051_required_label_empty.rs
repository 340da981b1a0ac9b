use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::rules::label_schema::{format_of, labels};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a label listed in `required-labels` (hadolint: `label-schema`)
    /// that is set to an empty value, including one that expands to nothing
    /// (`ARG VERSION=` … `LABEL version=$VERSION`). Every `LABEL` is checked,
    /// in every stage and in `ONBUILD`.
    ///
    /// ## Why is this bad?
    /// An empty required label satisfies the letter of the rule and none of
    /// its purpose: the tools that read it get nothing.
    ///
    /// ## Example
    /// With `required-labels: {maintainer: email}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer=""
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="dev@example.com"
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint compares the text as written; layerlint expands variables,
    /// so a value that depends on a build argument without a default is not
    /// flagged, and one whose variables are all empty is.
    pub struct RequiredLabelEmpty { label: String }
    code = "DL3051", name = "required-label-empty", aliases = [],
    category = Maintainability, severity = Warning, fix = None,
    visits = [Label],
}

impl Violation for RequiredLabelEmpty {
    fn message(&self) -> String {
        format!("Required label `{}` is empty", self.label)
    }

    fn help(&self) -> Option<String> {
        Some(format!("Give `{}` a value", self.label))
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    if checker.settings.options.required_labels.is_empty() {
        return;
    }
    for label in labels(checker, checker.instruction_index(), inst) {
        if label.value.as_deref() == Some("") && format_of(checker, &label.key).is_some() {
            checker.report(
                RequiredLabelEmpty { label: label.key },
                label.key_range.cover(label.value_range),
            );
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
                    ("maintainer".to_string(), "email".to_string()),
                    ("version".to_string(), "text".to_string()),
                ],
                ..RuleOptions::default()
            },
            Cases {
                bad: &[
                    "FROM alpine\nLABEL maintainer=\"\"\n",
                    "FROM alpine\nLABEL version=\n",
                    "FROM alpine\nARG V=\nLABEL version=${V}\n",
                    "FROM alpine\nLABEL version=''\n",
                ],
                good: &[
                    "FROM alpine\nLABEL maintainer=dev@example.com version=1\n",
                    "FROM alpine\nLABEL other=\"\"\n",
                    "FROM alpine\nARG V\nLABEL version=$V\n",
                ],
                fixes: &[],
            },
        );
    }
}
