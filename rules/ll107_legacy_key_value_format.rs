use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::{Args, Instruction, KeyValue};

declare_rule! {
    /// ## What it does
    /// Flags `ENV` and `LABEL` written in the legacy `KEY value` form, with
    /// whitespace instead of `=` between the key and the value.
    ///
    /// ## Why is this bad?
    /// In the legacy form the value is the whole rest of the line, spaces
    /// included: `ENV OPTS -a -b` sets `OPTS` to `-a -b`, while the same
    /// text with `=` (`ENV OPTS=-a -b`) is an error. The form cannot set
    /// several variables at once and is easy to misread. BuildKit reports it
    /// as `LegacyKeyValueFormat`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV JAVA_OPTS -Xms256m -Xmx1g
    /// LABEL maintainer team@example.com
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV JAVA_OPTS="-Xms256m -Xmx1g"
    /// LABEL maintainer=team@example.com
    /// ```
    ///
    /// ## Fix safety
    /// The fix writes `KEY=value`, quoting the value so that it means the
    /// same after BuildKit's quote removal and variable expansion:
    ///
    /// - a value that is one word is kept as written;
    /// - a value with spaces but without quotes or backslashes is wrapped in
    ///   double quotes (inside them, `$VAR` expands exactly as outside);
    /// - otherwise each unquoted space is escaped with the escape character.
    ///
    /// The fix is safe, except when an unquoted space sits inside a `${…}`
    /// substitution (`ENV A ${B:-x y}`): the `KEY=value` form splits words
    /// before it expands variables, so the escaped form is only probably
    /// right and the fix is unsafe.
    pub struct LegacyKeyValueFormat { keyword: String, key: String, replacement: String }
    code = "LL107", name = "legacy-key-value-format", aliases = ["LegacyKeyValueFormat"],
    category = Style, severity = Warning, fix = Sometimes,
    visits = [Env, Label],
}

impl Violation for LegacyKeyValueFormat {
    fn message(&self) -> String {
        format!(
            "\"{kw} key=value\" should be used instead of legacy \"{kw} key value\" format (`{}`)",
            self.key,
            kw = self.keyword,
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!("Write `{} {}`", self.keyword, self.replacement))
    }
}

/// A value rewritten for the `key=value` form.
struct Requoted {
    text: String,
    /// The rewrite provably keeps the value.
    exact: bool,
}

/// Rewrites a legacy value (the raw rest of the line) as one word of the
/// `key=value` form with the same meaning.
fn requote(value: &str, escape: char) -> Requoted {
    let has_space = unquoted_spaces(value, escape).next().is_some();
    if !has_space {
        return Requoted {
            text: value.to_string(),
            exact: true,
        };
    }
    if !value.contains(['"', '\'', escape]) {
        return Requoted {
            text: format!("\"{value}\""),
            exact: true,
        };
    }
    let mut text = String::with_capacity(value.len() + 8);
    let mut exact = true;
    let mut spaces = unquoted_spaces(value, escape).peekable();
    for (i, c) in value.char_indices() {
        if let Some(&(at, in_braces)) = spaces.peek()
            && at == i
        {
            spaces.next();
            exact &= !in_braces;
            text.push(escape);
        }
        text.push(c);
    }
    Requoted { text, exact }
}

/// Byte offsets of whitespace outside quotes and escapes, each with whether
/// it sits inside a `${…}` substitution.
fn unquoted_spaces(value: &str, escape: char) -> impl Iterator<Item = (usize, bool)> + '_ {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut depth = 0usize;
    let mut prev_dollar = false;
    value.char_indices().filter_map(move |(i, c)| {
        let dollar = prev_dollar;
        prev_dollar = false;
        if escaped {
            escaped = false;
            return None;
        }
        match quote {
            Some('\'') => {
                if c == '\'' {
                    quote = None;
                }
                None
            }
            Some(q) => {
                if c == escape {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                None
            }
            None => {
                if c == escape {
                    escaped = true;
                } else if c == '"' || c == '\'' {
                    quote = Some(c);
                } else if c == '$' {
                    prev_dollar = true;
                } else if c == '{' && dollar {
                    depth += 1;
                } else if c == '}' && depth > 0 {
                    depth -= 1;
                } else if c.is_whitespace() {
                    return Some((i, depth > 0));
                }
                None
            }
        }
    })
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::KeyValues { pairs } = &inst.args else {
        return;
    };
    for pair in pairs.iter().filter(|p| p.equals.is_none()) {
        report(checker, inst, pair);
    }
}

fn report(checker: &mut Checker, inst: &Instruction, pair: &KeyValue) {
    let requoted = requote(&pair.value.value, checker.file.escape);
    let replacement = format!("{}={}", pair.key.value, requoted.text);
    let keyword = inst.kind.as_str().to_string();
    // Legacy pairs span from the key to the end of the instruction text, so
    // replacing the pair's range rewrites exactly the arguments.
    let edit = Edit::replace(pair.range, replacement.clone());
    // A comment line inside a continued value would be lost.
    let outer = &checker.file.instructions[checker.instruction_index()];
    let keeps_comments = !outer
        .continuation_comments
        .iter()
        .any(|c| pair.range.contains_range(*c));
    let title = format!("Write `{keyword} {replacement}`");
    let fix = if requoted.exact {
        Fix::safe(title, vec![edit])
    } else {
        Fix::unsafe_edits(title, vec![edit])
    };
    let diagnostic = checker.report(
        LegacyKeyValueFormat {
            keyword,
            key: pair.key.value.to_string(),
            replacement,
        },
        pair.range,
    );
    // A key holding `=` would split at it once written as `key=value`
    // (the fix would change the variable's name, and fire again).
    let keeps_key = !pair.key.value.contains('=');
    if keeps_comments && keeps_key {
        diagnostic.with_fix(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::requote;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\nENV A b\n",
                    "FROM alpine\nENV A b c\n",
                    "FROM alpine\nLABEL maintainer \"Jane Doe <jane@example.com>\"\n",
                    "FROM alpine\nENV PATH /opt/bin:$PATH\n",
                    "FROM alpine\nENV A ${B:-x y}\n",
                    "FROM alpine\nENV A it\\'s \"a b\"  c\n",
                    "FROM alpine\nONBUILD ENV A b\n",
                    "FROM alpine\nENV A first \\\n    second\n",
                ],
                good: &[
                    "FROM alpine\nENV A=b\n",
                    "FROM alpine\nENV A=b C=\"d e\"\n",
                    "FROM alpine\nLABEL a=b\n",
                    "FROM alpine\nENV A=\n",
                ],
                fixes: &[
                    ("FROM alpine\nENV A b\n", "FROM alpine\nENV A=b\n"),
                    ("FROM alpine\nENV A b  c\n", "FROM alpine\nENV A=\"b  c\"\n"),
                    (
                        "FROM alpine\nENV PATH /opt/bin:$PATH\n",
                        "FROM alpine\nENV PATH=/opt/bin:$PATH\n",
                    ),
                    (
                        "FROM alpine\nENV A x $B y\n",
                        "FROM alpine\nENV A=\"x $B y\"\n",
                    ),
                    (
                        "FROM alpine\nLABEL maintainer \"Jane Doe\"\n",
                        "FROM alpine\nLABEL maintainer=\"Jane Doe\"\n",
                    ),
                    (
                        "FROM alpine\nENV A it\\'s \"a b\"  c\n",
                        "FROM alpine\nENV A=it\\'s\\ \"a b\"\\ \\ c\n",
                    ),
                    (
                        "# escape=`\nFROM alpine\nENV A C:\\x \"y z\"\n",
                        "# escape=`\nFROM alpine\nENV A=C:\\x` \"y z\"\n",
                    ),
                    (
                        "FROM alpine\nENV A ${B:-x y}\n",
                        "FROM alpine\nENV A=\"${B:-x y}\"\n",
                    ),
                    (
                        "FROM alpine\nENV A \"q\" ${B:-x y}\n",
                        "FROM alpine\nENV A=\"q\"\\ ${B:-x\\ y}\n",
                    ),
                    (
                        "FROM alpine\nENV A first \\\n    second\n",
                        "FROM alpine\nENV A=\"first     second\"\n",
                    ),
                ],
            },
        );
    }

    #[test]
    fn requote_keeps_one_word_values() {
        let r = requote("\"a b\"", '\\');
        assert_eq!(r.text, "\"a b\"");
        assert!(r.exact);
        let r = requote("a\\ b", '\\');
        assert_eq!(r.text, "a\\ b");
        assert!(r.exact);
    }

    #[test]
    fn requote_marks_spaces_in_substitutions_inexact() {
        assert!(requote("${B:-x y}", '\\').exact, "no quotes: wrapped whole");
        let r = requote("\"q\" ${B:-x y}", '\\');
        assert!(!r.exact);
    }
}
