use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::rules::label_schema::{check_format, is_email};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a label that `required-labels` (hadolint: `label-schema`) declares
    /// with the format `email` when its value is not an e-mail address as RFC
    /// 5322 writes a mailbox: `dev@example.com`, or with a display name, `Jane
    /// Doe <dev@example.com>`.
    ///
    /// Every `LABEL` is checked, in every stage and in `ONBUILD`. Quotes are
    /// removed and variables expanded as the build does; a value that depends
    /// on a build argument without a default, or on the base image, is not
    /// checked.
    ///
    /// ## Why is this bad?
    /// Whoever reads the label needs an address that mail can be sent to; `Jane
    /// Doe` or `jane at example.com` is not one.
    ///
    /// ## Example
    /// With `required-labels: {maintainer: email}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="Jane Doe"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint accepts only the bare address (`dev@example.com`); layerlint
    /// also accepts a display name with the address in angle brackets, as RFC
    /// 5322 does and as `maintainer` labels are usually written. hadolint
    /// checks the value as written, so `LABEL x=$VERSION` fails there;
    /// layerlint expands variables and skips values unknown at lint time. An
    /// empty value is left to DL3051 (hadolint reports it under both rules).
    pub struct LabelInvalidEmail { label: String, value: String }
    code = "DL3058", name = "label-invalid-email", aliases = [],
    category = Maintainability, severity = Warning, fix = None,
    visits = [Label],
}

impl Violation for LabelInvalidEmail {
    fn message(&self) -> String {
        format!(
            "Label `{}` is `{}`, which is not an e-mail address",
            self.label, self.value
        )
    }

    fn help(&self) -> Option<String> {
        Some("Write an e-mail address, e.g. `Jane Doe <jane@example.com>`".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    check_format(checker, inst, "email", is_email, |label, value| {
        LabelInvalidEmail { label, value }
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
                    ("maintainer".to_string(), "email".to_string()),
                    ("maintainer".to_string(), "email".to_string()),
                ],
                ..RuleOptions::default()
            },
            Cases {
                bad: &[
                    "FROM alpine\nLABEL maintainer=\"Jane Doe\"\n",
                    "FROM alpine\nLABEL maintainer=jane.example.com\n",
                    "FROM alpine\nLABEL maintainer=\"jane@example com\"\n",
                ],
                good: &[
                    "FROM alpine\nLABEL maintainer=jane@example.com\n",
                    "FROM alpine\nLABEL maintainer=\"Jane Doe <jane@example.com>\"\n",
                    "FROM alpine\nLABEL author=\"Jane Doe\"\n",
                ],
                fixes: &[],
            },
        );
    }
}
