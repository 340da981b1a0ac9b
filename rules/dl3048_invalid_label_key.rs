use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags `LABEL` keys that break the key format: keys should use only
    /// lower-case letters, digits, `.`, `-`, `_` and `/`, start with a
    /// letter, end with a letter or digit, have no `..` or `--`, and stay out
    /// of the namespaces Docker reserves (`com.docker.`, `io.docker.`,
    /// `org.dockerproject.`).
    ///
    /// ## Why is this bad?
    /// Tools that read labels expect this format, and the reserved namespaces
    /// belong to Docker. Reverse-DNS keys of your own
    /// (`com.example.release-date`) or the OCI keys
    /// (`org.opencontainers.image.source`) never collide with anyone else's.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL Maintainer=team@example.com com.docker.version=1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer=team@example.com com.example.version=1
    /// ```
    ///
    /// The characters allowed are hadolint's (2.15): Docker's own guidance
    /// is stricter and leaves out `_` and `/`.
    ///
    /// ## Differences from hadolint
    /// Each invalid key is reported on its own, at the key, with what is
    /// wrong with it; hadolint reports one finding per `LABEL` instruction,
    /// at its first line. A `LABEL` continued over several lines therefore
    /// counts once for hadolint and once per bad key for layerlint, on the
    /// lines of the keys; counted per instruction, both flag the same ones.
    /// Keys of a `LABEL` inside `ONBUILD` are checked too.
    pub struct InvalidLabelKey { key: String, reason: Reason }
    code = "DL3048", name = "invalid-label-key", aliases = [],
    category = Style, severity = Style, fix = None,
    visits = [Label],
}

/// What is wrong with a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    Empty,
    Reserved(&'static str),
    Character(char),
    Start,
    End,
    Separators(&'static str),
}

const RESERVED: [&str; 3] = ["com.docker.", "io.docker.", "org.dockerproject."];

impl Violation for InvalidLabelKey {
    fn message(&self) -> String {
        let key = &self.key;
        match &self.reason {
            Reason::Empty => "Label key is empty".to_string(),
            Reason::Reserved(ns) => {
                format!("Label key `{key}` is in the reserved namespace `{ns}`")
            }
            Reason::Character(c) => format!(
                "Label key `{key}` contains `{c}`: only lower-case letters, digits, `.`, `-`, `_` and `/` are allowed"
            ),
            Reason::Start => format!("Label key `{key}` does not start with a lower-case letter"),
            Reason::End => {
                format!("Label key `{key}` does not end with a lower-case letter or digit")
            }
            Reason::Separators(s) => format!("Label key `{key}` contains `{s}`"),
        }
    }

    fn help(&self) -> Option<String> {
        Some(match &self.reason {
            Reason::Reserved(_) => {
                "Use a namespace of your own, such as `com.example.`".to_string()
            }
            Reason::Character(c) if c.is_ascii_uppercase() => {
                format!("Write the key in lower case: `{}`", self.key.to_lowercase())
            }
            _ => "Use a key such as `com.example.name`".to_string(),
        })
    }
}

/// The first problem with `key`, checked in a fixed order.
fn problem(key: &str) -> Option<Reason> {
    let Some(first) = key.chars().next() else {
        return Some(Reason::Empty);
    };
    if let Some(ns) = RESERVED.iter().find(|ns| key.starts_with(**ns)) {
        return Some(Reason::Reserved(ns));
    }
    if let Some(c) = key.chars().find(|c| {
        !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '/'))
    }) {
        return Some(Reason::Character(c));
    }
    if !first.is_ascii_lowercase() {
        return Some(Reason::Start);
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some(Reason::End);
    }
    for sep in ["..", "--"] {
        if key.contains(sep) {
            return Some(Reason::Separators(sep));
        }
    }
    None
}

/// The key with one pair of surrounding quotes removed.
fn unquote(key: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = key.strip_prefix(q).and_then(|k| k.strip_suffix(q)) {
            return inner;
        }
    }
    key
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::KeyValues { pairs } = &inst.args else {
        return;
    };
    for pair in pairs {
        let key = unquote(&pair.key.value);
        if let Some(reason) = problem(key) {
            checker.report(
                InvalidLabelKey {
                    key: key.to_string(),
                    reason,
                },
                pair.key.range,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\nLABEL Maintainer=me\n",
                    "FROM alpine\nLABEL com.docker.thing=1 io.docker.x=2 org.dockerproject.y=3\n",
                    "FROM alpine\nLABEL 1abc=1 .abc=2 abc.=3 a..b=4 a--b=5 a+b=6 a_=7\n",
                    "FROM alpine\nLABEL \"Vendor\"=\"ACME\"\n",
                    "FROM alpine\nLABEL version 1.0\nLABEL Version 1.0\n",
                    "FROM alpine\nLABEL \"\"=x\n",
                    "FROM alpine\nONBUILD LABEL Built=yes\n",
                ],
                good: &[
                    "FROM alpine\nLABEL maintainer=me\n",
                    "FROM alpine\nLABEL org.opencontainers.image.source=https://example.com\n",
                    "FROM alpine\nLABEL \"com.example.vendor\"=\"ACME Inc\" version=1.0 a-b.c2=x\n",
                    "FROM alpine\nLABEL com.dockerx=1 build_id=2 a/b=3 'quoted'=4\n",
                ],
                fixes: &[],
            },
        );
    }
}
