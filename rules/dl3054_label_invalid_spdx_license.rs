use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::rules::label_schema::{check_format, is_spdx};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a label that `required-labels` (hadolint: `label-schema`) declares
    /// with the format `spdx` when its value is not an SPDX license expression:
    /// a license identifier (`MIT`, `Apache-2.0`, `GPL-3.0-or-later`,
    /// `LicenseRef-…`), optionally with `+` or `WITH <exception>`, combined
    /// with `AND`/`OR` and parentheses.
    ///
    /// Every `LABEL` is checked, in every stage and in `ONBUILD`. Quotes are
    /// removed and variables expanded as the build does; a value that depends
    /// on a build argument without a default, or on the base image, is not
    /// checked.
    ///
    /// ## Why is this bad?
    /// License scanners and SBOM generators read
    /// `org.opencontainers.image.licenses` as an SPDX expression; `Apache 2.0`
    /// or `GPLv2` cannot be matched to a license.
    ///
    /// ## Example
    /// With `required-labels: {org.opencontainers.image.licenses: spdx}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.licenses="Apache 2"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.licenses=Apache-2.0
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint accepts a single license identifier only; layerlint accepts
    /// SPDX expressions (`MIT OR Apache-2.0`), which the OCI specification asks
    /// for. The identifiers known are the commonly used ones; others can be
    /// written `LicenseRef-…`. Deprecated identifiers that are still on the
    /// SPDX list (`GPL-2.0`, `LGPL-2.1`, `GPL-2.0+`) are accepted; hadolint
    /// rejects them. hadolint checks the value as written, so `LABEL
    /// x=$VERSION` fails there; layerlint expands variables and skips values
    /// unknown at lint time. An empty value is left to DL3051 (hadolint reports
    /// it under both rules).
    pub struct LabelInvalidSpdxLicense { label: String, value: String }
    code = "DL3054", name = "label-invalid-spdx-license", aliases = [],
    category = Maintainability, severity = Warning, fix = None,
    visits = [Label],
}

impl Violation for LabelInvalidSpdxLicense {
    fn message(&self) -> String {
        format!(
            "Label `{}` is `{}`, which is not an SPDX license expression",
            self.label, self.value
        )
    }

    fn help(&self) -> Option<String> {
        Some("Write an SPDX license expression, e.g. `Apache-2.0`".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    check_format(checker, inst, "spdx", is_spdx, |label, value| {
        LabelInvalidSpdxLicense { label, value }
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
                        "org.opencontainers.image.licenses".to_string(),
                        "spdx".to_string(),
                    ),
                    ("license".to_string(), "spdx".to_string()),
                ],
                ..RuleOptions::default()
            },
            Cases {
                bad: &[
                    "FROM alpine\nLABEL license=GPLv2\n",
                    "FROM alpine\nLABEL license=\"MIT OR\"\n",
                    "FROM alpine\nLABEL license=\"Apache 2.0\"\n",
                ],
                good: &[
                    "FROM alpine\nLABEL license=MIT\n",
                    "FROM alpine\nLABEL license=\"(MIT OR Apache-2.0) AND BSD-3-Clause\"\n",
                    "FROM alpine\nLABEL license=\"GPL-2.0-only WITH Classpath-exception-2.0\"\n",
                    "FROM alpine\nLABEL license=LicenseRef-Proprietary\n",
                ],
                fixes: &[],
            },
        );
    }
}
