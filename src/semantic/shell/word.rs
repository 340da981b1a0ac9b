//! Shell words: what the shell reads (`raw`), what it passes to the
//! program when that is known statically (`value`), and where each part
//! came from.

use std::borrow::Cow;

use serde::Serialize;

use crate::syntax::TextRange;

/// One shell word (a command name, an argument, a redirect target).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShellWord<'a> {
    /// The word as the shell reads it: quotes, escapes and expansions kept.
    pub raw: Cow<'a, str>,
    /// The word with quotes and escapes removed. Dynamic parts (`$VAR`,
    /// `$(…)`, `$((…))`) appear as written; [`ShellWord::is_static`] tells
    /// whether there are any.
    pub value: Cow<'a, str>,
    /// Where the word is in the Dockerfile.
    pub range: TextRange,
    /// The word's parts in order.
    pub parts: Vec<WordPart<'a>>,
}

/// A piece of a [`ShellWord`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WordPart<'a> {
    /// Text whose value is known. `quoted` when it sat inside quotes or was
    /// escaped, so glob characters in it are literal.
    Literal {
        text: Cow<'a, str>,
        quoted: bool,
        range: TextRange,
    },
    /// `$NAME`, `${NAME}`, `${NAME:-default}`… (`name` is `NAME`, or the
    /// special parameter such as `@` or `1`).
    Parameter {
        name: Cow<'a, str>,
        raw: Cow<'a, str>,
        range: TextRange,
    },
    /// `$(…)` or `` `…` ``: its commands are in the script, in a
    /// [`ConstructKind::CommandSubstitution`](super::ConstructKind::CommandSubstitution).
    CommandSubstitution { raw: Cow<'a, str>, range: TextRange },
    /// `$((…))`.
    Arithmetic { raw: Cow<'a, str>, range: TextRange },
    /// `<(…)` or `>(…)`.
    ProcessSubstitution { raw: Cow<'a, str>, range: TextRange },
}

impl WordPart<'_> {
    pub fn range(&self) -> TextRange {
        match self {
            WordPart::Literal { range, .. }
            | WordPart::Parameter { range, .. }
            | WordPart::CommandSubstitution { range, .. }
            | WordPart::Arithmetic { range, .. }
            | WordPart::ProcessSubstitution { range, .. } => *range,
        }
    }

    pub fn is_literal(&self) -> bool {
        matches!(self, WordPart::Literal { .. })
    }
}

/// Characters that make an unquoted word a pathname pattern.
const GLOB_CHARS: [char; 3] = ['*', '?', '['];

impl<'a> ShellWord<'a> {
    /// The value, when no part of it is decided at run time.
    pub fn static_value(&self) -> Option<&str> {
        self.is_static().then_some(&*self.value)
    }

    /// No expansion or substitution in the word.
    pub fn is_static(&self) -> bool {
        self.parts.iter().all(WordPart::is_literal)
    }

    /// The value equals `text` and is static.
    pub fn is(&self, text: &str) -> bool {
        self.static_value() == Some(text)
    }

    /// Some part of the word was quoted or escaped.
    pub fn has_quotes(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, WordPart::Literal { quoted: true, .. }))
    }

    /// An unquoted `*`, `?` or `[` makes the shell expand the word as a
    /// pathname pattern.
    pub fn has_unquoted_glob(&self) -> bool {
        self.parts.iter().any(|p| match p {
            WordPart::Literal {
                text,
                quoted: false,
                ..
            } => text.contains(GLOB_CHARS),
            _ => false,
        })
    }

    /// The value as a pathname pattern: unquoted glob characters keep
    /// their meaning, quoted ones are escaped with `\`. `None` when the word
    /// is not static.
    pub fn pattern(&self) -> Option<String> {
        let mut out = String::with_capacity(self.value.len());
        for part in &self.parts {
            let WordPart::Literal { text, quoted, .. } = part else {
                return None;
            };
            for c in text.chars() {
                if *quoted && (GLOB_CHARS.contains(&c) || c == '\\') {
                    out.push('\\');
                }
                out.push(c);
            }
        }
        Some(out)
    }

    /// The names of the parameters the word expands.
    pub fn parameters(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            WordPart::Parameter { name, .. } => Some(&**name),
            _ => None,
        })
    }

    /// A word whose text, value and range are all given (a JSON element of
    /// an exec-form `RUN`, say).
    pub fn literal(raw: Cow<'a, str>, value: Cow<'a, str>, range: TextRange, quoted: bool) -> Self {
        ShellWord {
            parts: vec![WordPart::Literal {
                text: value.clone(),
                quoted,
                range,
            }],
            raw,
            value,
            range,
        }
    }
}

impl std::fmt::Display for ShellWord<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &'static str, quoted: bool) -> WordPart<'static> {
        WordPart::Literal {
            text: Cow::Borrowed(text),
            quoted,
            range: TextRange::default(),
        }
    }

    fn word(parts: Vec<WordPart<'static>>) -> ShellWord<'static> {
        let value: String = parts
            .iter()
            .map(|p| match p {
                WordPart::Literal { text, .. } => text.to_string(),
                WordPart::Parameter { raw, .. }
                | WordPart::CommandSubstitution { raw, .. }
                | WordPart::Arithmetic { raw, .. }
                | WordPart::ProcessSubstitution { raw, .. } => raw.to_string(),
            })
            .collect();
        ShellWord {
            raw: Cow::Owned(value.clone()),
            value: Cow::Owned(value),
            range: TextRange::default(),
            parts,
        }
    }

    #[test]
    fn globs_count_only_when_unquoted() {
        let w = word(vec![lit("/var/lib/apt/lists", true), lit("/*", false)]);
        assert!(w.has_unquoted_glob());
        assert_eq!(w.pattern().as_deref(), Some("/var/lib/apt/lists/*"));
        let quoted = word(vec![lit("/tmp/*", true)]);
        assert!(!quoted.has_unquoted_glob());
        assert_eq!(quoted.pattern().as_deref(), Some("/tmp/\\*"));
        assert!(quoted.has_quotes());
    }

    #[test]
    fn dynamic_words_have_no_static_value() {
        let w = word(vec![
            lit("/opt/", false),
            WordPart::Parameter {
                name: Cow::Borrowed("APP"),
                raw: Cow::Borrowed("${APP}"),
                range: TextRange::default(),
            },
        ]);
        assert!(!w.is_static());
        assert_eq!(w.static_value(), None);
        assert_eq!(w.value, "/opt/${APP}");
        assert_eq!(w.parameters().collect::<Vec<_>>(), vec!["APP"]);
        assert_eq!(w.pattern(), None);
        assert!(word(vec![lit("-y", false)]).is("-y"));
    }
}
