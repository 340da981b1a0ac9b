//! Code actions: a quick fix per fix the engine offers, "ignore CODE for
//! this instruction", and `source.fixAll.layerlint`.

use std::collections::HashMap;

use lsp_types as lsp;

use super::convert;
use super::session::{Document, Session};
use crate::diagnostic::Diagnostic;
use crate::engine;
use crate::fix::Applicability;
use crate::syntax::{self, TextRange};

/// The kind of the fix-everything action.
pub const FIX_ALL: &str = "source.fixAll.layerlint";

/// Whether the client asked for actions of `kind` (no filter: all kinds).
fn wanted(only: Option<&[lsp::CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|k| {
            let k = k.as_str();
            kind == k || kind.strip_prefix(k).is_some_and(|r| r.starts_with('.'))
        })
    })
}

pub(crate) fn code_actions(
    session: &Session,
    params: &lsp::CodeActionParams,
) -> Vec<lsp::CodeActionOrCommand> {
    let Some(doc) = session.documents.get(&params.text_document.uri) else {
        return Vec::new();
    };
    let lines = doc.lines(session.encoding);
    let only = params.context.only.as_deref();
    let wanted_range = lines.text_range(params.range);
    let mut actions = Vec::new();
    if wanted(only, lsp::CodeActionKind::QUICKFIX.as_str()) {
        let file = syntax::parse(&doc.text);
        let touching = doc
            .diagnostics
            .iter()
            .filter(|d| d.range.start <= wanted_range.end && wanted_range.start <= d.range.end);
        let mut ignores = Vec::new();
        for d in touching {
            let diagnostic = convert::diagnostic(d, &lines, &doc.uri);
            if let Some(fix) = d
                .fix
                .as_ref()
                .filter(|f| f.applicability != Applicability::DisplayOnly && !f.edits.is_empty())
            {
                let safe = fix.applicability == Applicability::Safe;
                let title = if safe {
                    fix.title.clone()
                } else {
                    format!("{} (unsafe)", fix.title)
                };
                actions.push(action(
                    title,
                    lsp::CodeActionKind::QUICKFIX,
                    doc,
                    convert::edits(fix, &lines),
                    Some(diagnostic.clone()),
                    safe,
                ));
            }
            if let Some(edit) = ignore_edit(&file, d) {
                ignores.push(action(
                    format!("Ignore {} for this instruction", d.code),
                    lsp::CodeActionKind::QUICKFIX,
                    doc,
                    vec![lsp::TextEdit {
                        range: lines.range(edit.0),
                        new_text: edit.1,
                    }],
                    Some(diagnostic),
                    false,
                ));
            }
        }
        // Fixes first, then the suppressions.
        actions.extend(ignores);
    }
    if wanted(only, FIX_ALL)
        && doc
            .diagnostics
            .iter()
            .any(|d| d.fix.as_ref().is_some_and(|f| f.allowed(false)))
    {
        if let Some((range, new_text)) =
            Session::fix_all(doc).and_then(|fixed| convert::minimal_edit(&doc.text, &fixed))
        {
            actions.push(action(
                "Fix all safely fixable layerlint problems".to_string(),
                lsp::CodeActionKind::new(FIX_ALL),
                doc,
                vec![lsp::TextEdit {
                    range: lines.range(range),
                    new_text,
                }],
                None,
                false,
            ));
        }
    }
    actions
}

fn action(
    title: String,
    kind: lsp::CodeActionKind,
    doc: &Document,
    edits: Vec<lsp::TextEdit>,
    diagnostic: Option<lsp::Diagnostic>,
    preferred: bool,
) -> lsp::CodeActionOrCommand {
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
            ..lsp::WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..lsp::CodeAction::default()
    })
}

/// The edit that suppresses `d` for the instruction it is in: a
/// `# layerlint ignore=CODE` comment above it, with its indentation, or
/// the code added to such a comment already there.
fn ignore_edit(file: &syntax::Dockerfile<'_>, d: &Diagnostic) -> Option<(TextRange, String)> {
    // Only rules can be suppressed (not a failure of the linter itself).
    engine::find(d.code)?;
    let inst = file.instructions.iter().find(|i| {
        i.range.start <= d.range.start && d.range.start < i.range.end.max(i.range.start + 1)
    })?;
    let source = file.source;
    let index = &file.line_index;
    let line = index.line_of(inst.range.start);
    let line_start = index.line_start(line);
    let before = &source[line_start as usize..inst.range.start as usize];
    let indent: String = before
        .chars()
        .take_while(|c| c.is_whitespace() && *c != '\u{feff}')
        .collect();
    if line > 0 {
        let above = index.line_range(line - 1);
        let text = above.slice(source);
        if let Some(at) = extend_ignore_comment(text, d.code) {
            let at = above.start + at;
            return Some((TextRange::empty(at), format!(",{}", d.code)));
        }
    }
    let newline = if index.line_range(line).slice(source).ends_with('\r') {
        "\r\n"
    } else {
        "\n"
    };
    // After a byte-order mark, not before it.
    let at = line_start + (before.len() - before.trim_start_matches('\u{feff}').len()) as u32;
    Some((
        TextRange::empty(at),
        format!("{indent}# layerlint ignore={}{newline}", d.code),
    ))
}

/// Where to append `,CODE` in a `# layerlint ignore=…` line (the end of its
/// list of codes), or `None` when the line is not one.
fn extend_ignore_comment(line: &str, code: &str) -> Option<u32> {
    let trimmed = line.trim_start();
    let body = trimmed.strip_prefix('#')?.trim_start();
    let rest = body.strip_prefix("layerlint")?;
    let rest = rest.trim_start().strip_prefix("ignore=")?;
    let list_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let list = &rest[..list_len];
    if list.split(',').any(|c| c.eq_ignore_ascii_case(code)) {
        return None;
    }
    let start = line.len() - rest.len();
    Some((start + list_len) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_filter_by_prefix() {
        let fix_all = lsp::CodeActionKind::new(FIX_ALL);
        assert!(wanted(None, FIX_ALL));
        assert!(wanted(Some(&[lsp::CodeActionKind::SOURCE]), FIX_ALL));
        assert!(wanted(
            Some(&[lsp::CodeActionKind::SOURCE_FIX_ALL]),
            FIX_ALL
        ));
        assert!(wanted(Some(&[fix_all]), FIX_ALL));
        assert!(!wanted(Some(&[lsp::CodeActionKind::QUICKFIX]), FIX_ALL));
        assert!(!wanted(
            Some(&[lsp::CodeActionKind::new("source.fix")]),
            FIX_ALL
        ));
    }

    #[test]
    fn ignore_comment_is_extended_not_repeated() {
        assert_eq!(
            extend_ignore_comment("  # layerlint ignore=DL3000 -- why", "DL3025"),
            Some(27)
        );
        assert_eq!(
            extend_ignore_comment("# layerlint ignore=DL3000", "dl3000"),
            None
        );
        assert_eq!(
            extend_ignore_comment("# layerlint global ignore=DL3000", "X"),
            None
        );
        assert_eq!(extend_ignore_comment("# a comment", "X"), None);
    }
}
