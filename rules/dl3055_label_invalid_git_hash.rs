use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::rules::label_schema::{check_format, is_git_hash};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a label that `required-labels` (hadolint: `label-schema`) declares
    /// with the format `hash` when its value is not a git commit hash: 7 to 40
    /// hexadecimal digits (abbreviated or full SHA-1), or 64 (SHA-256).
    ///
    /// Every `LABEL` is checked, in every stage and in `ONBUILD`. Quotes are
    /// removed and variables expanded as the build does; a value that depends
    /// on a build argument without a default, or on the base image, is not
    /// checked.
    ///
    /// ## Why is this bad?
    /// `org.opencontainers.image.revision` ties the image to the commit it was
    /// built from; a branch name or tag moves and says nothing about the exact
    /// source.
    ///
    /// ## Example
    /// With `required-labels: {org.opencontainers.image.revision: hash}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.revision=main
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.revision=4f2c1e9d0b7a8c3e5f6a7b8c9d0e1f2a3b4c5d6e
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint accepts exactly 7 or 40 lower-case digits; layerlint accepts
    /// any abbreviation git prints (7 to 40 digits, in either case) and SHA-256
    /// hashes. hadolint checks the value as written, so `LABEL x=$VERSION`
    /// fails there; layerlint expands variables and skips values unknown at
    /// lint time. An empty value is left to DL3051 (hadolint reports it under
    /// both rules).
    pub struct LabelInvalidGitHash { label: String, value: String }
    code = "DL3055", name = "label-invalid-git-hash", aliases = [],
    category = Maintainability, severity = Warning, fix = None,
    visits = [Label],
}

impl Violation for LabelInvalidGitHash {
    fn message(&self) -> String {
        format!(
            "Label `{}` is `{}`, which is not a git commit hash",
            self.label, self.value
        )
    }

    fn help(&self) -> Option<String> {
        Some("Write a git commit hash, e.g. `4f2c1e9d0b7a8c3e5f6a7b8c9d0e1f2a3b4c5d6e`".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    check_format(checker, inst, "hash", is_git_hash, |label, value| {
        LabelInvalidGitHash { label, value }
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
                        "org.opencontainers.image.revision".to_string(),
                        "hash".to_string(),
                    ),
                    ("rev".to_string(), "hash".to_string()),
                ],
                ..RuleOptions::default()
            },
            Cases {
                bad: &[
                    "FROM alpine\nLABEL rev=main\n",
                    "FROM alpine\nLABEL rev=v1.2.3\n",
                    "FROM alpine\nLABEL rev=abc12\n",
                ],
                good: &[
                    "FROM alpine\nLABEL rev=4f2c1e9\n",
                    "FROM alpine\nLABEL rev=4f2c1e9d0b7a8c3e5f6a7b8c9d0e1f2a3b4c5d6e\n",
                    "FROM alpine\nARG GIT_SHA\nLABEL rev=${GIT_SHA}\n",
                ],
                fixes: &[],
            },
        );
    }
}
