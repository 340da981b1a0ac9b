use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::rules::label_schema::{check_format, is_rfc3339};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a label that `required-labels` (hadolint: `label-schema`) declares
    /// with the format `rfc3339` when its value is not an RFC 3339 date and
    /// time (`2024-05-01T12:30:00Z`, `2024-05-01T14:30:00+02:00`): date, `T`,
    /// time with seconds, and `Z` or an offset.
    ///
    /// Every `LABEL` is checked, in every stage and in `ONBUILD`. Quotes are
    /// removed and variables expanded as the build does; a value that depends
    /// on a build argument without a default, or on the base image, is not
    /// checked.
    ///
    /// ## Why is this bad?
    /// The OCI `org.opencontainers.image.created` label and the tools that sort
    /// or compare images by it expect this one format; `2024-05-01` or a Unix
    /// timestamp is read as garbage or not at all.
    ///
    /// ## Example
    /// With `required-labels: {org.opencontainers.image.created: rfc3339}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created=2024-05-01
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created=2024-05-01T12:30:00Z
    /// ```
    ///
    /// ## Differences from hadolint
    /// The date is checked as a calendar date (`2023-02-29` is rejected).
    /// hadolint checks the value as written, so `LABEL x=$VERSION` fails there;
    /// layerlint expands variables and skips values unknown at lint time. An
    /// empty value is left to DL3051 (hadolint reports it under both rules).
    pub struct LabelInvalidRfc3339Time { label: String, value: String }
    code = "DL3053", name = "label-invalid-rfc3339-time", aliases = [],
    category = Maintainability, severity = Warning, fix = None,
    visits = [Label],
}

impl Violation for LabelInvalidRfc3339Time {
    fn message(&self) -> String {
        format!(
            "Label `{}` is `{}`, which is not an RFC 3339 date and time",
            self.label, self.value
        )
    }

    fn help(&self) -> Option<String> {
        Some("Write an RFC 3339 date and time, e.g. `2024-05-01T12:30:00Z`".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    check_format(checker, inst, "rfc3339", is_rfc3339, |label, value| {
        LabelInvalidRfc3339Time { label, value }
    });
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
                        "org.opencontainers.image.created".to_string(),
                        "rfc3339".to_string(),
                    ),
                    ("created".to_string(), "rfc3339".to_string()),
                ],
                ..RuleOptions::default()
            },
            Cases {
                bad: &[
                    "FROM alpine\nLABEL created=2024-05-01\n",
                    "FROM alpine\nLABEL created=\"2024-05-01 12:30:00Z\"\n",
                    "FROM alpine\nLABEL created=2023-02-29T00:00:00Z\n",
                    "FROM alpine\nLABEL created=1714566600\n",
                ],
                good: &[
                    "FROM alpine\nLABEL created=2024-05-01T12:30:00Z\n",
                    "FROM alpine\nLABEL created=2024-05-01T12:30:00.25-07:00\n",
                    "FROM alpine\nARG BUILD_DATE\nLABEL created=$BUILD_DATE\n",
                    "FROM alpine\nLABEL other=yesterday\n",
                ],
                fixes: &[],
            },
        );
    }
}
