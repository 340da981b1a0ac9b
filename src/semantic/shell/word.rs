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
    pub parts: Parts<'a>,
}

/// The parts of a word, read as a slice.
pub type Parts<'a> = OneOrMany<WordPart<'a>>;

/// A sequence read as a slice that holds a single element inline: most
/// words are one part (and one segment while they are read), and then
/// need no allocation for it.
#[derive(Clone)]
pub struct OneOrMany<T>(Repr<T>);

/// Never `Many` of exactly one element.
#[derive(Clone)]
enum Repr<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// A sequence of one element.
    pub fn one(item: T) -> Self {
        OneOrMany(Repr::One(item))
    }

    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            Repr::One(item) => std::slice::from_ref(item),
            Repr::Many(items) => items,
        }
    }

    pub fn push(&mut self, item: T) {
        if let Repr::Many(items) = &mut self.0
            && !items.is_empty()
        {
            items.push(item);
            return;
        }
        let repr = std::mem::replace(&mut self.0, Repr::Many(Vec::new()));
        self.0 = match repr {
            Repr::Many(_) => Repr::One(item),
            Repr::One(first) => Repr::Many(vec![first, item]),
        };
    }
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany(Repr::Many(Vec::new()))
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(mut items: Vec<T>) -> Self {
        match items.pop() {
            Some(item) if items.is_empty() => OneOrMany::one(item),
            Some(item) => {
                items.push(item);
                OneOrMany(Repr::Many(items))
            }
            None => OneOrMany(Repr::Many(items)),
        }
    }
}

impl<T> std::ops::Deref for OneOrMany<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<'s, T> IntoIterator for &'s OneOrMany<T> {
    type Item = &'s T;
    type IntoIter = std::slice::Iter<'s, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T> IntoIterator for OneOrMany<T> {
    type Item = T;
    type IntoIter = std::iter::Chain<std::option::IntoIter<T>, std::vec::IntoIter<T>>;

    fn into_iter(self) -> Self::IntoIter {
        match self.0 {
            Repr::One(item) => Some(item).into_iter().chain(Vec::new()),
            Repr::Many(items) => None.into_iter().chain(items),
        }
    }
}

impl<T: PartialEq> PartialEq for OneOrMany<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for OneOrMany<T> {}

impl<T: std::fmt::Debug> std::fmt::Debug for OneOrMany<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(serializer)
    }
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
            parts: Parts::one(WordPart::Literal {
                text: value.clone(),
                quoted,
                range,
            }),
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
            parts: parts.into(),
        }
    }

    #[test]
    fn parts_read_as_the_vector_they_come_from() {
        for parts in [
            vec![],
            vec![lit("a", false)],
            vec![lit("a", false), lit("b", true)],
        ] {
            let kept: Parts<'_> = parts.clone().into();
            assert_eq!(kept.as_slice(), parts.as_slice());
            assert_eq!(kept.len(), parts.len());
            assert_eq!(format!("{kept:?}"), format!("{parts:?}"));
            assert_eq!(
                serde_json::to_string(&kept).unwrap(),
                serde_json::to_string(&parts).unwrap()
            );
        }
        assert_eq!(Parts::one(lit("a", false)), vec![lit("a", false)].into());
        assert_ne!(Parts::one(lit("a", false)), vec![lit("a", true)].into());
    }

    #[test]
    fn one_or_many_pushes_and_iterates_in_order() {
        let mut items = OneOrMany::default();
        assert!(items.is_empty());
        for i in 0..5 {
            items.push(i);
            assert_eq!(items.as_slice(), (0..=i).collect::<Vec<_>>().as_slice());
            assert_eq!(items, (0..=i).collect::<Vec<_>>().into());
        }
        assert_eq!(items.into_iter().collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        assert_eq!(OneOrMany::one(7).into_iter().collect::<Vec<_>>(), [7]);
        assert_eq!(OneOrMany::<u8>::default().into_iter().count(), 0);
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
