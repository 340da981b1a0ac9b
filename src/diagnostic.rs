//! The one model of a finding that every output, the fixer and the language
//! server read.

use serde::Serialize;

use crate::fix::Fix;
use crate::syntax::TextRange;

/// How serious a finding is, from most to least.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Style,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Error,
        Severity::Warning,
        Severity::Info,
        Severity::Style,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Style => "style",
        }
    }

    /// Parses `error`, `warning`, `info`, `style` (and hadolint's `ignore`/`none`
    /// are handled by callers).
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location that explains a finding ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

/// One finding in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// What to do about it, as an imperative sentence.
    pub help: Option<String>,
    pub range: TextRange,
    pub fix: Option<Fix>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// Sort key: position, then code.
    pub fn sort_key(&self) -> (u32, u32, &'static str) {
        (self.range.start, self.range.end, self.code)
    }
}
