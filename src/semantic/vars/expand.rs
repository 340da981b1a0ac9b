//! BuildKit's shell lexer (`frontend/dockerfile/shell/lex.go`), written
//! again: the same scan, the same modifiers, the same error messages, but
//! the result keeps track of what is known and where each piece came from.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::ops::Range;

use super::pattern;
use super::{Binding, Env, Missing, Origin, UnknownReason, Value};
use crate::syntax::{TextRange, Word};

/// How a word is lexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lex {
    /// The escape character: a backslash, or the backtick an `escape`
    /// directive set.
    pub escape: char,
    /// Quotes group and are removed. BuildKit turns this off for the
    /// bodies of `COPY`/`ADD` heredocs.
    pub quotes: bool,
}

impl Lex {
    pub const fn new(escape: char) -> Self {
        Self {
            escape,
            quotes: true,
        }
    }

    /// How BuildKit expands a `COPY`/`ADD` heredoc body whose delimiter is
    /// not quoted: `\` escapes whatever the file's escape character, and
    /// quotes are plain text.
    pub const fn heredoc() -> Self {
        Self {
            escape: '\\',
            quotes: false,
        }
    }
}

/// The result of expanding a word: its value, or, where part of it is not
/// known, a display form with `${NAME}` in place of each unknown part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expanded {
    value: String,
    parts: Vec<Part>,
    references: Vec<Reference>,
    known: bool,
}

impl Expanded {
    /// The whole value is known.
    pub fn is_known(&self) -> bool {
        self.known
    }

    /// The value, when all of it is known.
    pub fn known(&self) -> Option<&str> {
        self.known.then_some(self.value.as_str())
    }

    /// The value with unknown parts shown as `${NAME}` (or with their
    /// modifier, `${TAG:-latest}`), e.g. `node:${NODE_VERSION}`.
    pub fn display(&self) -> &str {
        &self.value
    }

    /// The pieces of the value in order. Adjacent pieces of written text are
    /// merged; a variable whose value is empty leaves no piece.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The text of `part` in [`display`](Self::display).
    pub fn text_of(&self, part: &Part) -> &str {
        self.value.get(part.text.clone()).unwrap_or("")
    }

    /// Every variable reference met while expanding, nested ones included
    /// (in `${A:-$B}` both `A` and `B`), in the order BuildKit looks them up.
    pub fn references(&self) -> &[Reference] {
        &self.references
    }

    /// The unknown parts.
    pub fn unknown_parts(&self) -> impl Iterator<Item = (&Part, &UnknownPart)> {
        self.parts.iter().filter_map(|p| match &p.kind {
            PartKind::Unknown(u) => Some((p, &**u)),
            _ => None,
        })
    }

    /// Some known part of the value is not empty.
    pub fn has_known_text(&self) -> bool {
        self.parts
            .iter()
            .any(|p| !matches!(p.kind, PartKind::Unknown(_)) && !p.text.is_empty())
    }

    /// The value as a variable's value.
    pub fn to_value(&self) -> Value<'static> {
        if self.known {
            Value::Known(self.value.clone().into())
        } else {
            Value::Unknown(UnknownReason::Partial {
                display: self.value.clone(),
                nonempty: self.has_known_text(),
            })
        }
    }
}

/// A piece of an expanded value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub kind: PartKind,
    /// Where the piece is in [`Expanded::display`].
    pub text: Range<usize>,
    /// Where it comes from in the source: the written text, or the whole
    /// variable reference (`$NAME`, `${NAME:-…}`).
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// Text written in the word (quotes and escapes removed).
    Text,
    /// The known value of a variable reference.
    Var { name: String },
    /// A reference whose value is not known.
    Unknown(Box<UnknownPart>),
}

/// A variable reference that could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPart {
    pub name: String,
    /// Why the variable's value is unknown; `None` when the variable is
    /// known but the modifier's argument is not (`${V#$UNKNOWN}`).
    pub reason: Option<UnknownReason>,
    /// The modifier, when one could not be applied (`${TAG:-latest}` with
    /// `TAG` unknown keeps `:-latest` here).
    pub modifier: Option<Modifier>,
}

/// A modifier that could not be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Modifier {
    pub op: Op,
    /// The word after the operator, expanded (the pattern for `#`, `%` and
    /// `/`, without the doubled operator of `##` and `%%`).
    pub word: String,
    /// The replacement of `/` and `//`.
    pub replacement: Option<String>,
    /// `word` and `replacement` are fully known.
    pub known: bool,
}

/// A `${NAME…}` operator. `colon` is the `:` form, which treats an empty
/// value as unset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `-`, `:-`: the word if unset.
    Default { colon: bool },
    /// `+`, `:+`: the word if set.
    Alternative { colon: bool },
    /// `?`, `:?`: fail if unset.
    Required { colon: bool },
    /// `#`, `##`.
    TrimPrefix { longest: bool },
    /// `%`, `%%`.
    TrimSuffix { longest: bool },
    /// `/`, `//`.
    Replace { all: bool },
}

/// A variable reference in a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    /// The whole reference: `$NAME` or `${NAME…}`.
    pub range: TextRange,
    /// Its binding's origin; `None` when the name is not defined (it then
    /// expanded to nothing, or to something unknown, by the environment's
    /// [`Missing`]).
    pub origin: Option<Origin>,
}

/// The words of [`expand_words`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words {
    pub words: Vec<Expanded>,
    /// Every reference met, as in [`Expanded::references`].
    pub references: Vec<Reference>,
}

/// An expansion failure, with BuildKit's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpandError {
    pub kind: ExpandErrorKind,
    /// BuildKit's message, e.g. `syntax error: bad substitution`.
    pub message: String,
    /// The offending reference or quote, from its start to where the
    /// problem was found.
    pub range: TextRange,
    /// The word that was being expanded.
    pub word: String,
}

impl ExpandError {
    /// The message as BuildKit prints it: `failed to process "<word>": …`.
    /// A word spanning lines or longer than 100 characters is replaced by
    /// the part the error is about, `source[range]`.
    pub fn describe(&self, source: &str) -> String {
        let word = if self.word.contains('\n') || self.word.chars().count() > 100 {
            self.range.slice(source)
        } else {
            &self.word
        };
        format!("failed to process {}: {}", go_quote(word), self.message)
    }
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "failed to process {}: {}",
            go_quote(&self.word),
            self.message
        )
    }
}

impl std::error::Error for ExpandError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpandErrorKind {
    /// `${}`, `${:…}`, `${{…`: `syntax error: bad substitution`.
    BadSubstitution,
    /// `${NAME` or `${NAME:-word` without `}`: `syntax error: missing '}'`.
    MissingBrace,
    /// `${NAME/pattern` without the second `/`.
    MissingSlash,
    /// `${NAME=…}`, `${NAME:x…}`: `unsupported modifier (…) in substitution`.
    UnsupportedModifier,
    /// A pattern with an escape other than `\*`, `\?`, `\\`.
    InvalidPattern,
    /// `${NAME?message}` or `${NAME:?message}` with `NAME` unset (or empty).
    Required,
    /// A quote that is never closed.
    UnterminatedQuote,
    /// More than [`MAX_DEPTH`] nested `${…}` (a limit of ours; BuildKit has
    /// none).
    TooDeep,
}

/// How deep `${…}` may nest.
pub const MAX_DEPTH: usize = 200;

/// Expands one word the way BuildKit's `ProcessWord` does: quotes and
/// escapes are removed, variables replaced, and white space kept.
pub fn expand_word<E: Env + ?Sized>(
    word: &Word<'_>,
    source: &str,
    env: &E,
    lex: Lex,
) -> Result<Expanded, ExpandError> {
    let text: &str = &word.value;
    let map = SourceMap::new(text, word.range, source);
    if is_plain(text, lex) {
        return Ok(Expanded {
            value: text.to_string(),
            parts: if text.is_empty() {
                Vec::new()
            } else {
                vec![Part {
                    kind: PartKind::Text,
                    text: 0..text.len(),
                    range: map.range(0..text.len()),
                }]
            },
            references: Vec::new(),
            known: true,
        });
    }
    let mut lexer = Lexer::new(text, env, lex);
    let result = lexer.scan(None, None);
    finish(result, &lexer, &map, text)
}

/// Expands a word and splits the result into words the way BuildKit's
/// `ProcessWords` does (used for `EXPOSE`): white space coming from the
/// text or from a variable's value separates words, quoted or escaped
/// white space does not, and empty words are dropped. An unknown part is
/// taken to hold no white space.
pub fn expand_words<E: Env + ?Sized>(
    word: &Word<'_>,
    source: &str,
    env: &E,
    lex: Lex,
) -> Result<Words, ExpandError> {
    let text: &str = &word.value;
    let map = SourceMap::new(text, word.range, source);
    let mut lexer = Lexer::new(text, env, lex);
    let mut words = WordsBuf::default();
    let result = lexer.scan(None, Some(&mut words));
    if let Err(fail) = result {
        return Err(fail.into_error(&map, text));
    }
    let references = lexer.references(&map);
    let words = words
        .finish()
        .into_iter()
        .map(|buf| buf.into_expanded(&map, Vec::new()))
        .collect();
    Ok(Words { words, references })
}

/// Whether `text` expands to itself.
pub(super) fn is_plain(text: &str, lex: Lex) -> bool {
    !text.starts_with('\u{feff}')
        && !text.contains(|c: char| {
            c == '$' || c == lex.escape || (lex.quotes && (c == '\'' || c == '"'))
        })
}

fn finish<E: Env + ?Sized>(
    result: Result<Buf, Fail>,
    lexer: &Lexer<'_, E>,
    map: &SourceMap,
    text: &str,
) -> Result<Expanded, ExpandError> {
    match result {
        Ok(buf) => Ok(buf.into_expanded(map, lexer.references(map))),
        Err(fail) => Err(fail.into_error(map, text)),
    }
}

// ---------------------------------------------------------------------------
// Output buffers

/// A part while lexing: spans are byte ranges in the word's text.
#[derive(Clone, Debug)]
struct RawPart {
    kind: PartKind,
    text: Range<usize>,
    span: Range<usize>,
}

/// Decides whether text parts on both sides of a gap in the word can be
/// one part: when the lexer dropped every character of the gap (quotes and
/// escapes).
#[derive(Clone, Copy, Debug)]
struct Gap<'a> {
    text: &'a str,
    escape: char,
}

impl Gap<'_> {
    /// Only adjacent parts merge.
    const NONE: Gap<'static> = Gap {
        text: "",
        escape: '\\',
    };

    fn allows(self, gap: Range<usize>) -> bool {
        gap.is_empty()
            || self
                .text
                .get(gap)
                .is_some_and(|g| g.chars().all(|c| c == '\'' || c == '"' || c == self.escape))
    }
}

/// The longest value an expansion produces (1 MiB); a longer one is
/// unknown.
pub(crate) const MAX_VALUE_LEN: usize = 1 << 20;

/// An expansion in progress.
#[derive(Clone, Debug, Default)]
struct Buf {
    /// At most [`MAX_VALUE_LEN`] bytes: what would go beyond is left out
    /// and the value is then unknown.
    value: String,
    parts: Vec<RawPart>,
    unknown: bool,
}

impl Buf {
    fn push(&mut self, kind: &PartKind, s: &str, span: Range<usize>, gap: Gap<'_>) {
        self.push_part(Cow::Borrowed(kind), s, span, gap);
    }

    /// [`Buf::push`] of a part kind that is moved in when it starts a new
    /// part (a variable's name is not copied again).
    fn push_part(&mut self, kind: Cow<'_, PartKind>, s: &str, span: Range<usize>, gap: Gap<'_>) {
        if s.is_empty() {
            return;
        }
        if self.value.len() + s.len() > MAX_VALUE_LEN {
            // `ARG B=$A$A`, `ARG C=$B$B`…: forty lines would need
            // terabytes. No real value comes near the limit.
            self.unknown = true;
            return;
        }
        let start = self.value.len();
        self.value.push_str(s);
        let end = self.value.len();
        if let Some(last) = self.parts.last_mut() {
            let merge = match (&last.kind, &*kind) {
                (PartKind::Text, PartKind::Text) => {
                    last.span.end <= span.start && gap.allows(last.span.end..span.start)
                }
                (PartKind::Var { name: a }, PartKind::Var { name: b }) => {
                    a == b && last.span == span
                }
                _ => false,
            };
            if merge && last.text.end == start {
                last.text.end = end;
                last.span.end = last.span.end.max(span.end);
                return;
            }
        }
        if matches!(*kind, PartKind::Unknown(_)) {
            self.unknown = true;
        }
        self.parts.push(RawPart {
            kind: kind.into_owned(),
            text: start..end,
            span,
        });
    }

    fn text(&mut self, c: char, span: Range<usize>, gap: Gap<'_>) {
        let mut utf8 = [0; 4];
        self.push(&PartKind::Text, c.encode_utf8(&mut utf8), span, gap);
    }

    /// The characters of `text[span]`, each standing for itself: one push
    /// makes the same part as a push per character, unless the value would
    /// outgrow its limit part way.
    fn text_run(&mut self, text: &str, span: Range<usize>, gap: Gap<'_>) {
        let run = &text[span.clone()];
        if self.value.len() + run.len() <= MAX_VALUE_LEN {
            self.push(&PartKind::Text, run, span, gap);
        } else {
            for (i, c) in run.char_indices() {
                let at = span.start + i;
                self.text(c, at..at + c.len_utf8(), gap);
            }
        }
    }

    fn append(&mut self, other: Buf, gap: Gap<'_>) {
        let Buf { value, parts, .. } = other;
        for part in parts {
            let s = &value[part.text.clone()];
            self.push_part(Cow::Owned(part.kind), s, part.span, gap);
        }
    }

    fn var(name: &str, value: &str, span: Range<usize>) -> Buf {
        let mut buf = Buf::default();
        let kind = PartKind::Var {
            name: name.to_string(),
        };
        buf.push_part(Cow::Owned(kind), value, span, Gap::NONE);
        buf
    }

    fn unknown(part: UnknownPart, display: &str, span: Range<usize>) -> Buf {
        let mut buf = Buf::default();
        let kind = PartKind::Unknown(Box::new(part));
        buf.push_part(Cow::Owned(kind), display, span, Gap::NONE);
        buf.unknown = true;
        buf
    }

    fn into_expanded(self, map: &SourceMap, references: Vec<Reference>) -> Expanded {
        Expanded {
            parts: self
                .parts
                .into_iter()
                .map(|p| Part {
                    kind: p.kind,
                    text: p.text,
                    range: map.range(p.span),
                })
                .collect(),
            value: self.value,
            references,
            known: !self.unknown,
        }
    }
}

/// BuildKit's word splitter for `ProcessWords`, fed as the scan goes.
#[derive(Debug, Default)]
struct WordsBuf {
    words: Vec<Buf>,
    cur: Buf,
    in_word: bool,
}

impl WordsBuf {
    // Every method takes the lexer's `Gap`, so parts merge as in `Buf`.

    /// A character that splits words when it is white space.
    fn add_char(&mut self, kind: &PartKind, c: char, span: Range<usize>, gap: Gap<'_>) {
        if c.is_whitespace() {
            if self.in_word && !self.cur.value.is_empty() {
                self.words.push(std::mem::take(&mut self.cur));
                self.in_word = false;
            }
        } else {
            self.add_raw(kind, c, span, gap);
        }
    }

    /// A character that never splits (escaped, quoted).
    fn add_raw(&mut self, kind: &PartKind, c: char, span: Range<usize>, gap: Gap<'_>) {
        let mut utf8 = [0; 4];
        self.cur.push(kind, c.encode_utf8(&mut utf8), span, gap);
        self.in_word = true;
    }

    /// A variable's expansion: its text splits on white space; an unknown
    /// part is kept whole.
    fn add_expansion(&mut self, buf: &Buf, gap: Gap<'_>) {
        for part in &buf.parts {
            match part.kind {
                PartKind::Unknown(_) => {
                    self.cur.push(
                        &part.kind,
                        &buf.value[part.text.clone()],
                        part.span.clone(),
                        gap,
                    );
                    self.in_word = true;
                }
                _ => {
                    for c in buf.value[part.text.clone()].chars() {
                        self.add_char(&part.kind, c, part.span.clone(), gap);
                    }
                }
            }
        }
    }

    /// A quoted string: one piece of the current word, even when empty.
    fn add_quoted(&mut self, buf: &Buf, gap: Gap<'_>) {
        self.cur.append(buf.clone(), gap);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<Buf> {
        if !self.cur.value.is_empty() {
            self.words.push(self.cur);
        }
        self.words
    }
}

// ---------------------------------------------------------------------------
// The lexer

/// An error while lexing, located in the word's text.
#[derive(Debug)]
struct Fail {
    kind: ExpandErrorKind,
    message: String,
    span: Range<usize>,
}

impl Fail {
    fn new(kind: ExpandErrorKind, message: impl Into<String>, span: Range<usize>) -> Self {
        Self {
            kind,
            message: message.into(),
            span,
        }
    }

    fn into_error(self, map: &SourceMap, text: &str) -> ExpandError {
        ExpandError {
            kind: self.kind,
            message: self.message,
            range: map.range(self.span),
            word: text.to_string(),
        }
    }
}

const MISSING_BRACE: &str = "syntax error: missing '}'";

static BASE_IMAGE: UnknownReason = UnknownReason::BaseImage;

/// What a variable lookup found.
#[derive(Clone, Copy, Debug)]
enum Looked<'e> {
    Unset,
    Known(&'e str),
    Unknown(&'e UnknownReason),
}

impl Looked<'_> {
    fn is_set(self) -> Option<bool> {
        match self {
            Looked::Unset => Some(false),
            Looked::Known(_) => Some(true),
            Looked::Unknown(r) => r.is_set(),
        }
    }

    fn is_empty(self) -> Option<bool> {
        match self {
            Looked::Unset => Some(true),
            Looked::Known(v) => Some(v.is_empty()),
            Looked::Unknown(r) => r.is_nonempty().map(|n| !n),
        }
    }

    /// Whether `${v-w}` (`colon` false) or `${v:-w}` takes the word: unset,
    /// or empty in the colon form.
    fn unset_or_null(self, colon: bool) -> Option<bool> {
        let null = if colon { self.is_empty() } else { Some(false) };
        match (self.is_set(), null) {
            (Some(false), _) | (_, Some(true)) => Some(true),
            (Some(true), Some(false)) => Some(false),
            _ => None,
        }
    }
}

struct Lexer<'a, E: Env + ?Sized> {
    text: &'a str,
    pos: usize,
    lex: Lex,
    raw_escapes: bool,
    env: &'a E,
    depth: usize,
    refs: Vec<(String, Range<usize>, Option<Origin>)>,
}

impl<'a, E: Env + ?Sized> Lexer<'a, E> {
    fn new(text: &'a str, env: &'a E, lex: Lex) -> Self {
        Self {
            text,
            // Go's text/scanner skips a byte-order mark at the start.
            pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
            lex,
            raw_escapes: false,
            env,
            depth: 0,
            refs: Vec::new(),
        }
    }

    fn references(&self, map: &SourceMap) -> Vec<Reference> {
        self.refs
            .iter()
            .map(|(name, span, origin)| Reference {
                name: name.clone(),
                range: map.range(span.clone()),
                origin: *origin,
            })
            .collect()
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Moves past the characters before the first one matching `stop`
    /// (or the end).
    fn run_until(&mut self, stop: impl Fn(char) -> bool) {
        let rest = &self.text[self.pos..];
        self.pos += rest.find(stop).unwrap_or(rest.len());
    }

    fn gap(&self) -> Gap<'a> {
        Gap {
            text: self.text,
            escape: self.lex.escape,
        }
    }

    /// `processStopOn`: the text up to `stop` (consumed) or the end.
    fn scan(&mut self, stop: Option<char>, mut words: Option<&mut WordsBuf>) -> Result<Buf, Fail> {
        let gap = self.gap();
        let open = self.pos;
        let mut out = Buf::default();
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.next();
                return Ok(out);
            }
            let start = self.pos;
            if ch == '$' {
                let buf = self.dollar()?;
                if let Some(w) = words.as_deref_mut() {
                    w.add_expansion(&buf, gap);
                }
                out.append(buf, gap);
            } else if self.lex.quotes && (ch == '\'' || ch == '"') {
                let buf = if ch == '\'' {
                    self.single_quote()?
                } else {
                    self.double_quote()?
                };
                if let Some(w) = words.as_deref_mut() {
                    w.add_quoted(&buf, gap);
                }
                out.append(buf, gap);
            } else if words.is_none() && ch != self.lex.escape {
                let quotes = self.lex.quotes;
                let escape = self.lex.escape;
                self.run_until(|c| {
                    c == '$'
                        || c == escape
                        || Some(c) == stop
                        || (quotes && (c == '\'' || c == '"'))
                });
                out.text_run(self.text, start..self.pos, gap);
            } else {
                self.next();
                if ch == self.lex.escape {
                    let mid = self.pos;
                    if self.raw_escapes {
                        out.text(ch, start..mid, gap);
                        if let Some(w) = words.as_deref_mut() {
                            w.add_raw(&PartKind::Text, ch, start..mid, gap);
                        }
                    }
                    let Some(escaped) = self.next() else { break };
                    let span = if self.raw_escapes {
                        mid..self.pos
                    } else {
                        start..self.pos
                    };
                    out.text(escaped, span.clone(), gap);
                    if let Some(w) = words.as_deref_mut() {
                        w.add_raw(&PartKind::Text, escaped, span, gap);
                    }
                } else {
                    out.text(ch, start..self.pos, gap);
                    if let Some(w) = words.as_deref_mut() {
                        w.add_char(&PartKind::Text, ch, start..self.pos, gap);
                    }
                }
            }
        }
        match stop {
            Some(stop) => Err(Fail::new(
                ExpandErrorKind::MissingBrace,
                format!("unexpected end of statement while looking for matching {stop}"),
                open..self.pos,
            )),
            None => Ok(out),
        }
    }

    /// `processStopOn` with the raw-escapes setting changed for its
    /// duration.
    fn scan_with(&mut self, stop: char, raw: bool) -> Result<Buf, Fail> {
        let saved = std::mem::replace(&mut self.raw_escapes, raw);
        let result = self.scan(Some(stop), None);
        self.raw_escapes = saved;
        result
    }

    fn single_quote(&mut self) -> Result<Buf, Fail> {
        let gap = self.gap();
        let start = self.pos;
        self.next();
        let mut out = Buf::default();
        loop {
            let at = self.pos;
            match self.next() {
                None => {
                    return Err(Fail::new(
                        ExpandErrorKind::UnterminatedQuote,
                        "unexpected end of statement while looking for matching single-quote",
                        start..self.pos,
                    ));
                }
                Some('\'') => return Ok(out),
                Some(_) => {
                    self.run_until(|c| c == '\'');
                    out.text_run(self.text, at..self.pos, gap);
                }
            }
        }
    }

    fn double_quote(&mut self) -> Result<Buf, Fail> {
        let gap = self.gap();
        let start = self.pos;
        self.next();
        let mut out = Buf::default();
        loop {
            match self.peek() {
                None => {
                    return Err(Fail::new(
                        ExpandErrorKind::UnterminatedQuote,
                        "unexpected end of statement while looking for matching double-quote",
                        start..self.pos,
                    ));
                }
                Some('"') => {
                    self.next();
                    return Ok(out);
                }
                Some('$') => {
                    let buf = self.dollar()?;
                    out.append(buf, gap);
                }
                Some(_) => {
                    let at = self.pos;
                    let Some(mut ch) = self.next() else { continue };
                    let mut span = at..self.pos;
                    if ch == self.lex.escape {
                        if self.raw_escapes {
                            out.text(ch, span.clone(), gap);
                        }
                        match self.peek() {
                            // A trailing escape is dropped; the quote is
                            // then unterminated.
                            None => continue,
                            Some(c) if c == '"' || c == '$' || c == self.lex.escape => {
                                let mid = self.pos;
                                self.next();
                                ch = c;
                                span = if self.raw_escapes {
                                    mid..self.pos
                                } else {
                                    at..self.pos
                                };
                            }
                            Some(_) => {}
                        }
                    }
                    out.text(ch, span, gap);
                }
            }
        }
    }

    /// A name after `$`: a run of digits, one special parameter, or letters,
    /// digits and `_`.
    fn name(&mut self) -> &'a str {
        let text = self.text;
        let start = self.pos;
        match self.peek() {
            Some(c) if is_digit(c) => {
                while self.peek().is_some_and(is_digit) {
                    self.next();
                }
                return &text[start..self.pos];
            }
            Some(c) if is_special_param(c) => {
                self.next();
                return &text[start..self.pos];
            }
            _ => {}
        }
        while self
            .peek()
            .is_some_and(|c| is_letter(c) || is_digit(c) || c == '_')
        {
            self.next();
        }
        &text[start..self.pos]
    }

    fn look(&mut self, name: &str, span: Range<usize>) -> Looked<'a> {
        // Positional and special parameters are never set in a Dockerfile.
        let binding: Option<&'a Binding<'a>> = if is_parameter(name) {
            None
        } else {
            self.env.lookup(name)
        };
        self.refs
            .push((name.to_string(), span, binding.map(|b| b.origin)));
        match binding {
            Some(b) => match &b.value {
                Value::Known(v) => Looked::Known(v),
                Value::Unknown(r) => Looked::Unknown(r),
            },
            None if is_parameter(name) => Looked::Unset,
            None => match self.env.missing() {
                Missing::Empty => Looked::Unset,
                Missing::Unknown => Looked::Unknown(&BASE_IMAGE),
            },
        }
    }

    /// A reference's value, without modifier.
    fn plain(name: &str, looked: Looked<'_>, span: Range<usize>) -> Buf {
        match looked {
            Looked::Unset => Buf::default(),
            Looked::Known(v) => Buf::var(name, v, span),
            Looked::Unknown(r) => Buf::unknown(
                UnknownPart {
                    name: name.to_string(),
                    reason: Some(r.clone()),
                    modifier: None,
                },
                &r.display(name),
                span,
            ),
        }
    }

    fn dollar(&mut self) -> Result<Buf, Fail> {
        let start = self.pos;
        self.next();
        if self.peek() != Some('{') {
            let name = self.name();
            let span = start..self.pos;
            if name.is_empty() {
                let mut out = Buf::default();
                out.text('$', span, Gap::NONE);
                return Ok(out);
            }
            let looked = self.look(name, span.clone());
            return Ok(Self::plain(name, looked, span));
        }
        self.next();
        match self.peek() {
            None => {
                return Err(Fail::new(
                    ExpandErrorKind::MissingBrace,
                    MISSING_BRACE,
                    start..self.pos,
                ));
            }
            Some(c @ ('{' | '}' | ':')) => {
                return Err(Fail::new(
                    ExpandErrorKind::BadSubstitution,
                    "syntax error: bad substitution",
                    start..self.pos + c.len_utf8(),
                ));
            }
            Some(_) => {}
        }
        if self.depth >= MAX_DEPTH {
            return Err(Fail::new(
                ExpandErrorKind::TooDeep,
                "syntax error: substitutions nested too deeply",
                start..self.pos,
            ));
        }
        self.depth += 1;
        let result = self.braced(start);
        self.depth -= 1;
        result
    }

    /// `${NAME…` after the `{`.
    fn braced(&mut self, start: usize) -> Result<Buf, Fail> {
        let name = self.name();
        match self.next() {
            Some('}') => {
                let span = start..self.pos;
                let looked = self.look(name, span.clone());
                Ok(Self::plain(name, looked, span))
            }
            Some(':') => {
                let op = self.next();
                let written = format!(":{}", op.unwrap_or('\u{fffd}'));
                self.modifier(start, name, true, op, &written)
            }
            Some(op @ ('+' | '-' | '?' | '#' | '%')) => {
                self.modifier(start, name, false, Some(op), &op.to_string())
            }
            Some('/') => self.replace(start, name),
            Some(c) => Err(Fail::new(
                ExpandErrorKind::UnsupportedModifier,
                format!("unsupported modifier ({c}) in substitution"),
                start..self.pos,
            )),
            // BuildKit reports "unsupported modifier (\u{fffd})" here, the
            // end of input read as a character; the missing brace is what
            // is wrong.
            None => Err(Fail::new(
                ExpandErrorKind::MissingBrace,
                MISSING_BRACE,
                start..self.pos,
            )),
        }
    }

    /// The word of a modifier, up to `}`.
    fn modifier_word(&mut self, start: usize, stop: char, raw: bool) -> Result<Buf, Fail> {
        self.scan_with(stop, raw).map_err(|fail| {
            if self.peek().is_none() {
                if stop == '/' {
                    Fail::new(
                        ExpandErrorKind::MissingSlash,
                        "syntax error: missing '/' in ${}",
                        start..self.pos,
                    )
                } else {
                    Fail::new(
                        ExpandErrorKind::MissingBrace,
                        MISSING_BRACE,
                        start..self.pos,
                    )
                }
            } else {
                fail
            }
        })
    }

    fn modifier(
        &mut self,
        start: usize,
        name: &str,
        colon: bool,
        op: Option<char>,
        written: &str,
    ) -> Result<Buf, Fail> {
        let raw = matches!(op, Some('#' | '%'));
        let word = self.modifier_word(start, '}', raw)?;
        let span = start..self.pos;
        let looked = self.look(name, span.clone());
        let reason = match looked {
            Looked::Unknown(r) => Some(r.clone()),
            _ => None,
        };
        let unresolved = |op: Op, reason: Option<UnknownReason>, pattern: &str| {
            let display = format!("${{{name}{written}{}}}", word.value);
            unknown_modifier(
                name,
                op,
                reason,
                &word,
                pattern,
                None,
                &display,
                span.clone(),
            )
        };
        match op {
            Some('-') => Ok(match looked.unset_or_null(colon) {
                Some(true) => word,
                Some(false) => Self::plain(name, looked, span),
                None => unresolved(Op::Default { colon }, reason, &word.value),
            }),
            Some('+') => Ok(match looked.unset_or_null(colon) {
                Some(true) => Buf::default(),
                Some(false) => word,
                None => unresolved(Op::Alternative { colon }, reason, &word.value),
            }),
            Some('?') => {
                let failure = if looked.is_set() == Some(false) {
                    Some("is not allowed to be unset")
                } else if colon && looked.is_empty() == Some(true) {
                    Some("is not allowed to be empty")
                } else {
                    None
                };
                if let Some(default) = failure {
                    let message = if word.value.is_empty() {
                        default
                    } else {
                        &word.value
                    };
                    return Err(Fail::new(
                        ExpandErrorKind::Required,
                        format!("{name}: {message}"),
                        span,
                    ));
                }
                if looked.is_set() == Some(true) && (!colon || looked.is_empty() == Some(false)) {
                    Ok(Self::plain(name, looked, span))
                } else {
                    Ok(unresolved(Op::Required { colon }, reason, &word.value))
                }
            }
            Some(c @ ('#' | '%')) => {
                let longest = word.value.starts_with(c);
                let pattern = if longest {
                    &word.value[1..]
                } else {
                    &word.value[..]
                };
                let op = if c == '#' {
                    Op::TrimPrefix { longest }
                } else {
                    Op::TrimSuffix { longest }
                };
                // BuildKit compiles the pattern whatever the value; the
                // suffix forms compile it reversed.
                let shown = if c == '%' {
                    pattern::reverse_pattern(pattern)
                } else {
                    pattern.to_string()
                };
                if !word.unknown
                    && let Err(e) = pattern::compile(&shown, longest)
                {
                    return Err(invalid_pattern(&shown, &e, span));
                }
                let value = match looked {
                    Looked::Unset => "",
                    Looked::Known(v) => v,
                    Looked::Unknown(_) => return Ok(unresolved(op, reason, pattern)),
                };
                if value.is_empty() {
                    return Ok(Buf::default());
                }
                if word.unknown || pattern::too_costly(pattern, value) {
                    return Ok(unresolved(op, None, pattern));
                }
                let trimmed = if c == '#' {
                    pattern::trim_prefix(pattern, value, longest)
                } else {
                    pattern::trim_suffix(pattern, value, longest)
                };
                match trimmed {
                    Ok(v) => Ok(Buf::var(name, &v, span)),
                    Err(e) => Err(invalid_pattern(&shown, &e, span)),
                }
            }
            _ => Err(Fail::new(
                ExpandErrorKind::UnsupportedModifier,
                format!("unsupported modifier ({written}) in substitution"),
                span,
            )),
        }
    }

    /// `${NAME/pattern/replacement}` and `${NAME//pattern/replacement}`.
    fn replace(&mut self, start: usize, name: &str) -> Result<Buf, Fail> {
        let all = self.peek() == Some('/');
        if all {
            self.next();
        }
        let pattern = self.modifier_word(start, '/', true)?;
        let replacement = self.modifier_word(start, '}', true)?;
        let span = start..self.pos;
        let looked = self.look(name, span.clone());
        if !pattern.unknown
            && let Err(e) = pattern::compile(&pattern.value, true)
        {
            return Err(invalid_pattern(&pattern.value, &e, span));
        }
        let unresolved = |reason: Option<UnknownReason>| {
            let slash = if all { "//" } else { "/" };
            let display = format!("${{{name}{slash}{}/{}}}", pattern.value, replacement.value);
            unknown_modifier(
                name,
                Op::Replace { all },
                reason,
                &pattern,
                &pattern.value,
                Some(&replacement),
                &display,
                span.clone(),
            )
        };
        let value = match looked {
            Looked::Unset => "",
            Looked::Known(v) => v,
            Looked::Unknown(r) => return Ok(unresolved(Some(r.clone()))),
        };
        if pattern.unknown || pattern::too_costly(&pattern.value, value) {
            return Ok(unresolved(None));
        }
        let result = pattern::matches(&pattern.value, value).and_then(|matched| {
            if !matched {
                Ok(Some(value.to_string()))
            } else if replacement.unknown {
                Ok(None)
            } else {
                pattern::replace(&pattern.value, value, &replacement.value, all)
            }
        });
        match result {
            Ok(Some(v)) => Ok(Buf::var(name, &v, span)),
            Ok(None) => Ok(unresolved(None)),
            Err(e) => Err(invalid_pattern(&pattern.value, &e, span)),
        }
    }
}

/// A reference whose modifier could not be applied.
#[allow(clippy::too_many_arguments)]
fn unknown_modifier(
    name: &str,
    op: Op,
    reason: Option<UnknownReason>,
    word: &Buf,
    pattern: &str,
    replacement: Option<&Buf>,
    display: &str,
    span: Range<usize>,
) -> Buf {
    Buf::unknown(
        UnknownPart {
            name: name.to_string(),
            reason,
            modifier: Some(Modifier {
                op,
                word: pattern.to_string(),
                replacement: replacement.map(|r| r.value.clone()),
                known: !word.unknown && !replacement.is_some_and(|r| r.unknown),
            }),
        },
        display,
        span,
    )
}

fn invalid_pattern(pattern: &str, error: &str, span: Range<usize>) -> Fail {
    Fail::new(
        ExpandErrorKind::InvalidPattern,
        format!("invalid pattern ({pattern}) in substitution: {error}"),
        span,
    )
}

/// Go's `unicode.IsDigit` (decimal digits), approximated outside ASCII.
pub(super) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// Go's `unicode.IsLetter`, approximated outside ASCII.
pub(super) fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// A positional (`1`, `001`) or special (`@`, `#`…) parameter.
fn is_parameter(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| is_digit(c) || is_special_param(c))
}

// ---------------------------------------------------------------------------
// Source mapping

/// Maps byte offsets in a word's value to the source.
#[derive(Debug)]
pub(super) enum SourceMap {
    /// The value is the source text at `start`.
    Verbatim { start: u32 },
    /// The value was transformed (joined across lines, unquoted, decoded):
    /// each character is aligned with the same character in the source
    /// where one can be found, in order.
    Aligned {
        starts: Vec<u32>,
        ends: Vec<u32>,
        end: u32,
    },
}

impl SourceMap {
    pub(super) fn new(value: &str, range: TextRange, source: &str) -> Self {
        let slice = source.get(range.as_usize());
        if slice == Some(value) {
            return SourceMap::Verbatim { start: range.start };
        }
        let (base, src) = match slice {
            Some(s) => (range.start as usize, s),
            None => {
                let mut at = (range.start as usize).min(source.len());
                while !source.is_char_boundary(at) {
                    at -= 1;
                }
                (at, "")
            }
        };
        let mut starts = vec![0; value.len()];
        let mut ends = vec![0; value.len()];
        let mut j = 0;
        for (i, c) in value.char_indices() {
            let (s, e) = match src[j..].find(c) {
                Some(k) => {
                    let s = j + k;
                    j = s + c.len_utf8();
                    (s, j)
                }
                None => (j, j),
            };
            for b in i..i + c.len_utf8() {
                starts[b] = (base + s) as u32;
                ends[b] = (base + e) as u32;
            }
        }
        SourceMap::Aligned {
            starts,
            ends,
            end: (base + j) as u32,
        }
    }

    /// The source range of `span` (a byte range of the value).
    pub(super) fn range(&self, span: Range<usize>) -> TextRange {
        match self {
            SourceMap::Verbatim { start } => TextRange::from_usize(
                *start as usize + span.start,
                *start as usize + span.end.max(span.start),
            ),
            SourceMap::Aligned { starts, ends, end } => {
                let at = |i: usize| starts.get(i).copied().unwrap_or(*end);
                let start = at(span.start);
                if span.end <= span.start {
                    return TextRange::empty(start);
                }
                let stop = ends.get(span.end - 1).copied().unwrap_or(*end);
                TextRange::new(start, stop.max(start))
            }
        }
    }
}

/// Go's `%q`, closely enough for messages.
pub(super) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let code = u32::from(c);
                if code < 0x80 {
                    let _ = write!(out, "\\x{code:02x}");
                } else {
                    let _ = write!(out, "\\u{code:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
