//! The typed syntax tree. Every node carries a byte range into the original
//! source; values borrow from the source whenever they are a contiguous slice
//! of it, and are owned only where joining continuation lines or removing
//! quotes changed them.

use std::borrow::Cow;

use serde::Serialize;

use super::error::SyntaxError;
use super::logical::Logical;
use super::text::{LineIndex, TextRange};

/// A value with the source range it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Word<'a> {
    pub value: Cow<'a, str>,
    pub range: TextRange,
}

impl Word<'_> {
    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn into_owned(self) -> Word<'static> {
        Word {
            value: Cow::Owned(self.value.into_owned()),
            range: self.range,
        }
    }
}

/// A parsed Dockerfile.
#[derive(Clone, Debug, Serialize)]
pub struct Dockerfile<'a> {
    #[serde(skip)]
    pub source: &'a str,
    /// The file started with a UTF-8 byte-order mark (skipped by the parser).
    pub bom: bool,
    /// The escape character in force: `\` unless an `escape` directive set `` ` ``.
    pub escape: char,
    pub directives: Vec<Directive<'a>>,
    pub instructions: Vec<Instruction<'a>>,
    /// Every comment line that is not a parser directive, in source order,
    /// including those skipped inside a continuation.
    pub comments: Vec<Comment<'a>>,
    pub errors: Vec<SyntaxError>,
    #[serde(skip)]
    pub line_index: LineIndex,
}

impl<'a> Dockerfile<'a> {
    pub fn directive(&self, kind: DirectiveKind) -> Option<&Directive<'a>> {
        self.directives.iter().find(|d| d.kind == kind)
    }

    /// The logical line of `inst` (one of this file's instructions, or the
    /// instruction an `ONBUILD` wraps): its text from the keyword on, with
    /// continuation lines joined and skipped comment lines removed as the
    /// parser did, and the map from that text back to the source.
    pub fn logical_line(&self, inst: &Instruction<'_>) -> Logical<'a> {
        super::parser::logical_line(self.source, self.escape, inst.range.start as usize)
    }

    /// 1-based lines where a range starts and where its end position sits.
    /// Instruction ranges exclude their final line break, so for them this
    /// is the first and last physical line they consumed.
    pub fn lines_of(&self, range: TextRange) -> (u32, u32) {
        (
            self.line_index.line_of(range.start) + 1,
            self.line_index.line_of(range.end) + 1,
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DirectiveKind {
    Syntax,
    Escape,
    Check,
}

/// A parser directive such as `# syntax=docker/dockerfile:1`.
#[derive(Clone, Debug, Serialize)]
pub struct Directive<'a> {
    pub kind: DirectiveKind,
    /// The key as written (`Escape`, `syntax`…).
    pub name: Word<'a>,
    pub value: Word<'a>,
    /// The whole line from `#` to its end.
    pub range: TextRange,
}

/// A comment line. `text` is everything after the `#`.
#[derive(Clone, Debug, Serialize)]
pub struct Comment<'a> {
    pub text: &'a str,
    /// From the `#` to the end of the line (without the line break).
    pub range: TextRange,
    /// The comment sits inside a continued instruction, which skips it.
    pub in_continuation: bool,
}

/// Instruction keywords BuildKit knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Anything else; BuildKit's parser accepts it and the build then fails.
    Unknown,
}

impl Keyword {
    pub const ALL: [Keyword; 18] = [
        Keyword::Add,
        Keyword::Arg,
        Keyword::Cmd,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Env,
        Keyword::Expose,
        Keyword::From,
        Keyword::Healthcheck,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Onbuild,
        Keyword::Run,
        Keyword::Shell,
        Keyword::Stopsignal,
        Keyword::User,
        Keyword::Volume,
        Keyword::Workdir,
    ];

    /// The keyword for `word`, compared ASCII case-insensitively.
    pub fn parse(word: &str) -> Keyword {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word))
            .unwrap_or(Keyword::Unknown)
    }

    /// The canonical upper-case spelling (`""` for unknown).
    pub const fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "",
        }
    }

    /// Instructions whose shell form may open heredocs.
    pub const fn allows_heredoc(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }
}

/// One instruction (a logical line, with the heredoc bodies it consumed).
#[derive(Clone, Debug, Serialize)]
pub struct Instruction<'a> {
    /// From the keyword to the end of the last line it consumed (continuation
    /// lines, skipped comment and blank lines, heredoc bodies and terminators).
    pub range: TextRange,
    pub keyword: Word<'a>,
    pub kind: Keyword,
    pub flags: Vec<Flag<'a>>,
    /// The argument text after the flags (joined across continuations, trimmed).
    pub args_text: Word<'a>,
    pub args: Args<'a>,
    pub heredocs: Vec<Heredoc<'a>>,
    /// Blank lines inside the continuation (BuildKit warns about them).
    pub empty_continuation_lines: Vec<TextRange>,
    /// Comment lines inside the continuation, which are skipped.
    pub continuation_comments: Vec<TextRange>,
}

impl<'a> Instruction<'a> {
    pub fn flag(&self, name: &str) -> Option<&Flag<'a>> {
        self.flags.iter().find(|f| f.name.value == name)
    }

    /// The instruction an `ONBUILD` wraps, or this one.
    pub fn effective(&self) -> &Instruction<'a> {
        match &self.args {
            Args::Onbuild(Some(inner)) => inner.effective(),
            _ => self,
        }
    }
}

/// A flag such as `--from=build`.
#[derive(Clone, Debug, Serialize)]
pub struct Flag<'a> {
    /// From the leading `--` to the end of the flag word.
    pub range: TextRange,
    /// The name without `--`.
    pub name: Word<'a>,
    /// What follows the first `=`, with quotes and escapes removed.
    pub value: Option<Word<'a>>,
}

impl Flag<'_> {
    /// The flag as BuildKit records it: `--name` or `--name=value`, unquoted.
    pub fn text(&self) -> String {
        match &self.value {
            Some(v) => format!("--{}={}", self.name.value, v.value),
            None => format!("--{}", self.name.value),
        }
    }
}

/// An instruction's arguments, by the grammar of its keyword.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Args<'a> {
    /// `FROM`, `EXPOSE`: whitespace separated words, verbatim.
    Words { words: Vec<Word<'a>> },
    /// `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`.
    Command { command: CommandLine<'a> },
    /// `COPY`, `ADD`, `VOLUME`: a JSON array or whitespace separated words.
    Paths { json: bool, paths: Vec<Word<'a>> },
    /// `ENV`, `LABEL`.
    KeyValues { pairs: Vec<KeyValue<'a>> },
    /// `ARG`.
    ArgDecls { decls: Vec<ArgDecl<'a>> },
    /// `USER`, `WORKDIR`, `STOPSIGNAL`, `MAINTAINER`: the whole text.
    Text { text: Option<Word<'a>> },
    Healthcheck {
        /// `CMD`, `NONE`, or whatever word was written there.
        kind: Option<Word<'a>>,
        command: CommandLine<'a>,
    },
    /// `ONBUILD`: the instruction it wraps.
    #[serde(serialize_with = "serialize_onbuild")]
    Onbuild(Option<Box<Instruction<'a>>>),
    /// An unknown instruction: its arguments are not interpreted.
    Unknown,
}

/// Serializes `ONBUILD`'s wrapped instruction as `{"instruction": …}` so the
/// enum's `form` tag has a map to sit in.
#[allow(clippy::ref_option)] // the signature serde's `serialize_with` requires
fn serialize_onbuild<S: serde::Serializer>(
    inner: &Option<Box<Instruction<'_>>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(1))?;
    map.serialize_entry("instruction", inner)?;
    map.end()
}

/// The command of `RUN`, `CMD`, `ENTRYPOINT`, `SHELL` and `HEALTHCHECK CMD`.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum CommandLine<'a> {
    /// No argument text at all.
    Empty,
    /// Exec form: a JSON array of strings. `range` covers the array.
    Exec {
        args: Vec<Word<'a>>,
        range: TextRange,
    },
    /// Shell form: the text as written (quotes and escapes kept). Text that
    /// starts with `[` but is not a valid JSON array ends up here too; see
    /// [`CommandLine::looks_like_json`].
    Shell { text: Word<'a> },
}

impl CommandLine<'_> {
    pub fn is_exec(&self) -> bool {
        matches!(self, CommandLine::Exec { .. })
    }

    /// Shell-form text that starts with `[`: an attempted JSON array that
    /// BuildKit silently runs through a shell.
    pub fn looks_like_json(&self) -> bool {
        matches!(self, CommandLine::Shell { text } if text.value.starts_with('['))
    }
}

/// `key=value` (or the legacy `key value`) in `ENV` and `LABEL`.
#[derive(Clone, Debug, Serialize)]
pub struct KeyValue<'a> {
    pub key: Word<'a>,
    /// The value as written: quotes and escapes are kept.
    pub value: Word<'a>,
    /// The `=`; `None` in the legacy `KEY value` form.
    pub equals: Option<TextRange>,
    pub range: TextRange,
}

/// `NAME` or `NAME=default` in `ARG`.
#[derive(Clone, Debug, Serialize)]
pub struct ArgDecl<'a> {
    pub name: Word<'a>,
    /// The default as written (quotes and escapes kept); `Some("")` for `NAME=`.
    pub default: Option<Word<'a>>,
    pub range: TextRange,
}

/// A heredoc opened by `<<NAME` on a `RUN`, `COPY` or `ADD` line.
#[derive(Clone, Debug, Serialize)]
pub struct Heredoc<'a> {
    /// The delimiter with quotes removed.
    pub name: Word<'a>,
    /// The `<<NAME` word on the instruction line.
    pub marker: TextRange,
    /// The file descriptor of `3<<EOF`.
    pub fd: Option<u32>,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub chomp: bool,
    /// Variables are expanded in the body (the delimiter was not quoted).
    pub expand: bool,
    /// The body lines, including their line breaks, as in the source.
    pub body: Word<'a>,
    /// The terminator line; `None` when the heredoc is unterminated.
    pub terminator: Option<TextRange>,
}
