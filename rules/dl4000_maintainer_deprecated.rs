use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags the `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` is deprecated: it sets the image's legacy `Author`
    /// field, which few tools read. The OCI annotation
    /// `org.opencontainers.image.authors`, set with `LABEL`, is where
    /// registries and scanners look for the author.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces the instruction with that `LABEL`, quoting the value
    /// so that the label holds exactly the text `MAINTAINER` stored (`"`, `$`
    /// and the escape character are escaped). One pair of double quotes
    /// around the whole value is taken as quoting and dropped. The fix is
    /// safe: nothing but the metadata changes, and the build itself is the
    /// same. It is not offered when comment lines sit inside the instruction,
    /// which the rewrite would lose.
    ///
    /// ## Differences from hadolint
    /// `ONBUILD MAINTAINER` is left to `DL3043`, which flags it as a
    /// forbidden trigger, as hadolint does.
    pub struct MaintainerDeprecated { keyword: String }
    code = "DL4000", name = "maintainer-deprecated", aliases = ["MaintainerDeprecated"],
    category = Maintainability, severity = Error, fix = Sometimes,
    visits = [Maintainer],
}

impl Violation for MaintainerDeprecated {
    fn message(&self) -> String {
        format!("`{}` is deprecated", self.keyword)
    }

    fn help(&self) -> Option<String> {
        Some("Use `LABEL org.opencontainers.image.authors=\"…\"` instead".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let outer = checker.file.instructions.get(checker.instruction_index());
    if !outer.is_some_and(|outer| std::ptr::eq(outer, inst)) {
        return;
    }
    let fix = match &inst.args {
        Args::Text { text: Some(author) } if inst.continuation_comments.is_empty() => {
            let label_kw = if inst.keyword.value.chars().any(|c| c.is_ascii_uppercase()) {
                "LABEL"
            } else {
                "label"
            };
            let value = quote(unquote(&author.value), checker.file.escape);
            Some(Fix::safe(
                "Replace with `LABEL org.opencontainers.image.authors`",
                vec![Edit::replace(
                    inst.range,
                    format!("{label_kw} org.opencontainers.image.authors={value}"),
                )],
            ))
        }
        _ => None,
    };
    let diagnostic = checker.report(
        MaintainerDeprecated {
            keyword: inst.keyword.value.to_string(),
        },
        inst.keyword.range,
    );
    if let Some(fix) = fix {
        diagnostic.with_fix(fix);
    }
}

/// The value without one pair of double quotes around all of it.
fn unquote(value: &str) -> &str {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') => inner,
        _ => value,
    }
}

/// A double-quoted Dockerfile word whose value is `value`: inside double
/// quotes BuildKit treats `"`, `$` and the escape character specially.
fn quote(value: &str, escape: char) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '$' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\nMAINTAINER Jane Doe <jane@example.com>\n",
                    "FROM alpine\nmaintainer \"Jane Doe\"\n",
                    "FROM alpine\nMAINTAINER Jane \"JD\" $Doe \\o/\n",
                    "# escape=`\nFROM alpine\nMAINTAINER C:\\Users\\jd `o` x\n",
                    "FROM alpine\nMAINTAINER Jane \\\n# the team\n  Doe\n",
                ],
                good: &[
                    "FROM alpine\nLABEL org.opencontainers.image.authors=\"Jane\"\n",
                    "FROM alpine\nONBUILD MAINTAINER Jane\n",
                ],
                fixes: &[
                    (
                        "FROM alpine\nMAINTAINER Jane Doe <jane@example.com>\nRUN true\n",
                        "FROM alpine\nLABEL org.opencontainers.image.authors=\"Jane Doe <jane@example.com>\"\nRUN true\n",
                    ),
                    (
                        "FROM alpine\nmaintainer \"Jane Doe\"\n",
                        "FROM alpine\nlabel org.opencontainers.image.authors=\"Jane Doe\"\n",
                    ),
                    (
                        "FROM alpine\nMAINTAINER Jane \"JD\" $Doe \\o/\n",
                        "FROM alpine\nLABEL org.opencontainers.image.authors=\"Jane \\\"JD\\\" \\$Doe \\\\o/\"\n",
                    ),
                    (
                        "# escape=`\nFROM alpine\nMAINTAINER C:\\Users\\jd `o` x\n",
                        "# escape=`\nFROM alpine\nLABEL org.opencontainers.image.authors=\"C:\\Users\\jd ``o`` x\"\n",
                    ),
                    (
                        "FROM alpine\nMAINTAINER Jane \\\n  Doe\n",
                        "FROM alpine\nLABEL org.opencontainers.image.authors=\"Jane   Doe\"\n",
                    ),
                ],
            },
        );
    }

    #[test]
    fn quotes_for_buildkit() {
        assert_eq!(quote("a \"b\" $c \\d", '\\'), r#""a \"b\" \$c \\d""#);
        assert_eq!(quote("a \"b\" \\d `e", '`'), r#""a `"b`" \d ``e""#);
    }
}
