use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::rules::label_schema::{check_format, is_semver};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a label that `required-labels` (hadolint: `label-schema`) declares
    /// with the format `semver` when its value is not a semantic version as
    /// Semantic Versioning 2.0.0 defines it: `MAJOR.MINOR.PATCH` without
    /// leading zeros, optionally `-prerelease` and `+build` (`1.4.0`,
    /// `2.0.0-rc.1+build.7`); no `v` prefix.
    ///
    /// Every `LABEL` is checked, in every stage and in `ONBUILD`. Quotes are
    /// removed and variables expanded as the build does; a value that depends
    /// on a build argument without a default, or on the base image, is not
    /// checked.
    ///
    /// ## Why is this bad?
    /// Tools that compare versions of an image (update bots, registries) sort
    /// by the version label; `v1.2`, `latest` or `1.02.0` sort wrongly or not
    /// at all.
    ///
    /// ## Example
    /// With `required-labels: {org.opencontainers.image.version: semver}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version=v1.2
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version=1.2.0
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint checks the value as written, so `LABEL x=$VERSION` fails there;
    /// layerlint expands variables and skips values unknown at lint time. An
    /// empty value is left to DL3051 (hadolint reports it under both rules).
    pub struct LabelInvalidSemver { label: String, value: String }
    code = "DL3056", name = "label-invalid-semver", aliases = [],
    category = Maintainability, severity = Warning, fix = None,
    visits = [Label],
}

impl Violation for LabelInvalidSemver {
    fn message(&self) -> String {
        format!(
            "Label `{}` is `{}`, which is not a semantic version",
            self.label, self.value
        )
    }

    fn help(&self) -> Option<String> {
        Some("Write a semantic version, e.g. `1.2.0`".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    check_format(checker, inst, "semver", is_semver, |label, value| {
        LabelInvalidSemver { label, value }
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
                        "org.opencontainers.image.version".to_string(),
                        "semver".to_string(),
                    ),
                    ("version".to_string(), "semver".to_string()),
                ],
                ..RuleOptions::default()
            },
            Cases {
                bad: &[
                    "FROM alpine\nLABEL version=v1.2.3\n",
                    "FROM alpine\nLABEL version=1.2\n",
                    "FROM alpine\nLABEL version=1.02.3\n",
                    "FROM alpine\nARG VERSION=latest\nLABEL version=${VERSION}\n",
                ],
                good: &[
                    "FROM alpine\nLABEL version=1.2.3\n",
                    "FROM alpine\nLABEL version=1.0.0-rc.1+build.5\n",
                    "FROM alpine\nARG VERSION\nLABEL version=${VERSION}\n",
                    "FROM alpine\nARG VERSION=2.0.0\nLABEL version=$VERSION\n",
                ],
                fixes: &[],
            },
        );
    }
}
