//! Between the engine's model (byte ranges, [`Diagnostic`]) and the
//! protocol's (line/character positions in the negotiated encoding).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::OnceLock;

use lsp_types as lsp;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::syntax::{Encoding, LineIndex, TextRange};

/// What the server names itself in diagnostics.
pub const SOURCE: &str = "layerlint";

/// A text with its line index, to convert positions.
#[derive(Debug, Clone, Copy)]
pub struct Lines<'t> {
    pub text: &'t str,
    pub index: &'t LineIndex,
    pub encoding: Encoding,
}

impl Lines<'_> {
    pub fn position(&self, offset: u32) -> lsp::Position {
        let (line, character) = self.index.position(self.text, offset, self.encoding);
        lsp::Position { line, character }
    }

    pub fn range(&self, range: TextRange) -> lsp::Range {
        lsp::Range {
            start: self.position(range.start),
            end: self.position(range.end),
        }
    }

    pub fn offset(&self, position: lsp::Position) -> u32 {
        self.index
            .offset(self.text, position.line, position.character, self.encoding)
    }

    /// The byte range of a protocol range (start and end ordered).
    pub fn text_range(&self, range: lsp::Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end);
        TextRange::new(start.min(end), start.max(end))
    }
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Style => lsp::DiagnosticSeverity::HINT,
    }
}

/// The link to a rule's documentation (each rule's built once: a
/// keystroke publishes hundreds).
pub fn docs_link(code: &str) -> Option<lsp::CodeDescription> {
    static LINKS: OnceLock<HashMap<&'static str, lsp::CodeDescription>> = OnceLock::new();
    let links = LINKS.get_or_init(|| {
        crate::rules::RULES
            .iter()
            .filter_map(|rule| {
                let href = lsp::Uri::from_str(&rule.meta.url()).ok()?;
                Some((rule.meta.code, lsp::CodeDescription { href }))
            })
            .collect()
    });
    // `engine::find` searches the same registry: a code not in the map
    // (ShellCheck's) has no page.
    links.get(code).cloned()
}

pub fn diagnostic(d: &Diagnostic, lines: &Lines<'_>, uri: &lsp::Uri) -> lsp::Diagnostic {
    let related = (!d.related.is_empty()).then(|| {
        d.related
            .iter()
            .map(|r| lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: uri.clone(),
                    range: lines.range(r.range),
                },
                message: r.message.clone(),
            })
            .collect()
    });
    lsp::Diagnostic {
        range: lines.range(d.range),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        code_description: docs_link(d.code),
        source: Some(SOURCE.to_string()),
        message: d.message.clone(),
        related_information: related,
        tags: None,
        data: None,
    }
}

/// A diagnostic about the whole file that is not a rule's finding (the
/// linter failed, the configuration is broken): on the first line.
pub fn file_problem(message: String) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: lsp::Range::default(),
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_string()),
        message,
        ..lsp::Diagnostic::default()
    }
}

/// The edits of a fix.
pub fn edits(fix: &Fix, lines: &Lines<'_>) -> Vec<lsp::TextEdit> {
    fix.edits
        .iter()
        .map(|e| lsp::TextEdit {
            range: lines.range(e.range),
            new_text: e.content.clone(),
        })
        .collect()
}

/// One edit that turns `old` into `new`: the changed middle, after the
/// common prefix and before the common suffix (on character boundaries).
pub fn minimal_edit(old: &str, new: &str) -> Option<(TextRange, String)> {
    if old == new {
        return None;
    }
    let prefix = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map_or(old.len().min(new.len()), |((i, _), _)| i);
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old[prefix..]
        .chars()
        .rev()
        .zip(new[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .scan(0, |total, n| {
            *total += n;
            Some(*total)
        })
        .take_while(|&total| total <= max_suffix)
        .last()
        .unwrap_or(0);
    Some((
        TextRange::from_usize(prefix, old.len() - suffix),
        new[prefix..new.len() - suffix].to_string(),
    ))
}

/// The path of a `file:` URI (percent-decoded); `None` for other schemes.
pub fn file_path(uri: &lsp::Uri) -> Option<std::path::PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file://host/path`: only the local host is a path here.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if &rest[..i] == "localhost" => &rest[i..],
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode(path)?;
    // `/C:/dir` on Windows.
    let decoded = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() && cfg!(windows) => {
            decoded[1..].to_string()
        }
        _ => decoded,
    };
    Some(std::path::PathBuf::from(decoded))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_edit_keeps_common_ends() {
        let (range, text) = minimal_edit("FROM a\nRUN x\n", "FROM a\nRUN yz\n").unwrap();
        assert_eq!((range.start, range.end, text.as_str()), (11, 12, "yz"));
        let (range, text) = minimal_edit("aaa", "aa").unwrap();
        assert_eq!((range.start, range.end, text.as_str()), (2, 3, ""));
        let (range, text) = minimal_edit("é", "è").unwrap();
        assert_eq!((range.start, range.end, text.as_str()), (0, 2, "è"));
        assert!(minimal_edit("same", "same").is_none());
    }

    #[test]
    fn file_uris_become_paths() {
        let uri = lsp::Uri::from_str("file:///work/my%20app/Dockerfile").unwrap();
        assert_eq!(
            file_path(&uri).unwrap(),
            std::path::PathBuf::from("/work/my app/Dockerfile")
        );
        let uri = lsp::Uri::from_str("untitled:Untitled-1").unwrap();
        assert!(file_path(&uri).is_none());
    }
}
