use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::rules::dl3002_last_user_root::{chain, final_stage};
use crate::rules::label_schema::labels;
use crate::syntax::Keyword;

declare_rule! {
    /// ## What it does
    /// Flags an image that lacks a label listed in `required-labels`
    /// (hadolint: `label-schema`). One finding per missing label, at the
    /// `FROM` of the stage that becomes the image (the last stage, or the
    /// `--target` stage). Labels set in that stage or in the stages it is
    /// built `FROM` count; labels of other stages don't end up in the image.
    ///
    /// ## Why is this bad?
    /// Registries, scanners and deployment tools find the source, version,
    /// owner and license of an image through its labels. A team that agreed
    /// on a set of labels wants every image to carry them.
    ///
    /// ## Example
    /// With `required-labels: {org.opencontainers.image.source: url,
    /// maintainer: email}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.title=app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source=https://github.com/example/app \
    ///       maintainer=dev@example.com
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint checks each stage (except stages only copied from), so a
    /// build stage without the labels is a finding there; layerlint checks
    /// the image, since only its labels are published. A label set only in
    /// an `ONBUILD` trigger does not count.
    pub struct RequiredLabelMissing { label: String }
    code = "DL3049", name = "required-label-missing", aliases = [],
    category = Maintainability, severity = Info, fix = None,
    visits = file,
}

impl Violation for RequiredLabelMissing {
    fn message(&self) -> String {
        format!("The image has no label `{}`", self.label)
    }

    fn help(&self) -> Option<String> {
        Some(format!("Add `LABEL {}=…`", self.label))
    }
}

fn check(checker: &mut Checker) {
    if checker.settings.options.required_labels.is_empty() {
        return;
    }
    let Some(stage) = final_stage(checker) else {
        return;
    };
    let file = checker.file;
    let mut present: Vec<String> = Vec::new();
    for s in chain(checker, stage) {
        for index in s.from..s.end {
            let inst = &file.instructions[index];
            if inst.kind == Keyword::Label {
                present.extend(labels(checker, index, inst).into_iter().map(|l| l.key));
            }
        }
    }
    let from = &file.instructions[stage.from];
    let range = stage.base.as_ref().map_or(from.keyword.range, |b| b.range);
    let missing: Vec<String> = checker
        .settings
        .options
        .required_labels
        .iter()
        .map(|(label, _)| label)
        .filter(|label| !present.contains(label))
        .cloned()
        .collect();
    for label in missing {
        checker.report(RequiredLabelMissing { label }, range);
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
                    ("maintainer".to_string(), "email".to_string()),
                ],
                ..RuleOptions::default()
            },
            Cases {
                bad: &[
                    "FROM alpine\nRUN true\n",
                    "FROM alpine\nLABEL maintainer=me@example.com\n",
                    "FROM alpine AS build\nLABEL maintainer=a@b.c org.opencontainers.image.source=https://x.y\nFROM alpine\nCOPY --from=build /a /a\n",
                    "FROM alpine\nONBUILD LABEL maintainer=a@b.c org.opencontainers.image.source=https://x.y\n",
                ],
                good: &[
                    "FROM alpine\nLABEL maintainer=me@example.com \\\n  org.opencontainers.image.source=https://example.com\n",
                    "FROM alpine AS base\nLABEL maintainer=me@example.com\nFROM base\nLABEL \"org.opencontainers.image.source\"=https://example.com\n",
                    "FROM alpine\nLABEL maintainer=\nLABEL org.opencontainers.image.source=$UNKNOWN\n",
                ],
                fixes: &[],
            },
        );
    }
}
