//! Syntax errors: what BuildKit would refuse to build, each kind with its own
//! `LL0xx` code.

use serde::Serialize;

use super::text::TextRange;

/// The kinds of syntax error, one code each. Codes are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SyntaxErrorKind {
    /// The file holds no instruction at all.
    NoInstructions,
    /// A physical line longer than BuildKit's 65,535-byte limit.
    LineTooLong,
    /// An `escape` directive with a value other than `\` or `` ` ``.
    InvalidDirective,
    /// The same parser directive twice.
    DuplicateDirective,
    /// A heredoc whose terminator never comes.
    UnterminatedHeredoc,
    /// A JSON array with an element that is not a string.
    JsonNonString,
    /// `ENV`/`LABEL` without a value, or a word without `=` in the `k=v` form.
    MissingKeyValue,
    /// An instruction keyword BuildKit does not know.
    UnknownInstruction,
    /// Too few or too many arguments for the instruction.
    ArgumentCount,
    /// A flag the instruction does not accept.
    UnknownFlag,
    /// A flag with a missing or malformed value, or given twice.
    InvalidFlagValue,
    /// An invalid `${…}` substitution.
    BadSubstitution,
    /// The file is not valid UTF-8 text (binary data, another encoding).
    InvalidEncoding,
    /// An argument that the instruction cannot take (a bad stage name, a
    /// non-JSON `SHELL`, an unknown `HEALTHCHECK` type, a forbidden `ONBUILD`…).
    InvalidArgument,
}

impl SyntaxErrorKind {
    pub const ALL: [SyntaxErrorKind; 14] = [
        SyntaxErrorKind::NoInstructions,
        SyntaxErrorKind::LineTooLong,
        SyntaxErrorKind::InvalidDirective,
        SyntaxErrorKind::DuplicateDirective,
        SyntaxErrorKind::UnterminatedHeredoc,
        SyntaxErrorKind::JsonNonString,
        SyntaxErrorKind::MissingKeyValue,
        SyntaxErrorKind::UnknownInstruction,
        SyntaxErrorKind::ArgumentCount,
        SyntaxErrorKind::UnknownFlag,
        SyntaxErrorKind::InvalidFlagValue,
        SyntaxErrorKind::BadSubstitution,
        SyntaxErrorKind::InvalidEncoding,
        SyntaxErrorKind::InvalidArgument,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            SyntaxErrorKind::NoInstructions => "LL001",
            SyntaxErrorKind::LineTooLong => "LL002",
            SyntaxErrorKind::InvalidDirective => "LL003",
            SyntaxErrorKind::DuplicateDirective => "LL004",
            SyntaxErrorKind::UnterminatedHeredoc => "LL005",
            SyntaxErrorKind::JsonNonString => "LL006",
            SyntaxErrorKind::MissingKeyValue => "LL007",
            SyntaxErrorKind::UnknownInstruction => "LL008",
            SyntaxErrorKind::ArgumentCount => "LL009",
            SyntaxErrorKind::UnknownFlag => "LL010",
            SyntaxErrorKind::InvalidFlagValue => "LL011",
            SyntaxErrorKind::BadSubstitution => "LL012",
            SyntaxErrorKind::InvalidEncoding => "LL013",
            SyntaxErrorKind::InvalidArgument => "LL014",
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            SyntaxErrorKind::NoInstructions => "no-instructions",
            SyntaxErrorKind::LineTooLong => "line-too-long",
            SyntaxErrorKind::InvalidDirective => "invalid-directive",
            SyntaxErrorKind::DuplicateDirective => "duplicate-directive",
            SyntaxErrorKind::UnterminatedHeredoc => "unterminated-heredoc",
            SyntaxErrorKind::JsonNonString => "json-non-string-element",
            SyntaxErrorKind::MissingKeyValue => "missing-key-value",
            SyntaxErrorKind::UnknownInstruction => "unknown-instruction",
            SyntaxErrorKind::ArgumentCount => "wrong-argument-count",
            SyntaxErrorKind::UnknownFlag => "unknown-flag",
            SyntaxErrorKind::InvalidFlagValue => "invalid-flag-value",
            SyntaxErrorKind::BadSubstitution => "bad-substitution",
            SyntaxErrorKind::InvalidEncoding => "invalid-encoding",
            SyntaxErrorKind::InvalidArgument => "invalid-argument",
        }
    }
}

/// One syntax error with the range it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub message: String,
    pub range: TextRange,
}

impl SyntaxError {
    pub fn new(kind: SyntaxErrorKind, range: TextRange, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            range,
        }
    }

    pub const fn code(&self) -> &'static str {
        self.kind.code()
    }
}
