use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::rules::label_schema::{check_format, is_url};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a label that `required-labels` (hadolint: `label-schema`) declares
    /// with the format `url` when its value is not an absolute URL with a
    /// scheme and a host (`https://example.com/repo`).
    ///
    /// Every `LABEL` is checked, in every stage and in `ONBUILD`. Quotes are
    /// removed and variables expanded as the build does; a value that depends
    /// on a build argument without a default, or on the base image, is not
    /// checked.
    ///
    /// ## Why is this bad?
    /// Tools that read the label (registries, dashboards, SBOM generators) link
    /// to it; a bare host name or a relative path leads nowhere.
    ///
    /// ## Example
    /// With `required-labels: {org.opencontainers.image.source: url}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source=github.com/example/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source=https://github.com/example/app
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint accepts any URI with a scheme, `mailto:` and `urn:` included;
    /// layerlint asks for a host (`scheme://host…`). hadolint checks the value
    /// as written, so `LABEL x=$VERSION` fails there; layerlint expands
    /// variables and skips values unknown at lint time. An empty value is left
    /// to DL3051 (hadolint reports it under both rules).
    pub struct LabelInvalidUrl { label: String, value: String }
    code = "DL3052", name = "label-invalid-url", aliases = [],
    category = Maintainability, severity = Warning, fix = None,
    visits = [Label],
}

impl Violation for LabelInvalidUrl {
    fn message(&self) -> String {
        format!(
            "Label `{}` is `{}`, which is not a URL",
            self.label, self.value
        )
    }

    fn help(&self) -> Option<String> {
        Some("Write a URL, e.g. `https://github.com/example/app`".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    check_format(checker, inst, "url", is_url, |label, value| {
        LabelInvalidUrl { label, value }
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
                        "org.opencontainers.image.source".to_string(),
                        "url".to_string(),
                    ),
                    ("src".to_string(), "url".to_string()),
                ],
                ..RuleOptions::default()
            },
            Cases {
                bad: &[
                    "FROM alpine\nLABEL src=example.com\n",
                    "FROM alpine\nLABEL src=\"https://exa mple.com\"\n",
                    "FROM alpine\nARG SRC=/relative/path\nLABEL src=$SRC\n",
                    "FROM alpine\nONBUILD LABEL src=ftp:nohost\n",
                ],
                good: &[
                    "FROM alpine\nLABEL src=https://example.com/repo other=nope\n",
                    "FROM alpine\nLABEL src=$UNKNOWN\n",
                    "FROM alpine\nLABEL src=\"\"\n",
                    "FROM alpine\nLABEL \"src\"=\"git+ssh://git@github.com/a/b.git\"\n",
                ],
                fixes: &[],
            },
        );
    }
}
