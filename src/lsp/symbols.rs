//! Document symbols: each stage, with its instructions as children;
//! instructions before the first `FROM` at the top level.

use lsp_types as lsp;

use super::convert::Lines;
use super::session::Session;
use crate::semantic::Stages;
use crate::syntax::{self, Instruction, Keyword, TextRange};

/// How much of an instruction's arguments a symbol's name shows.
const NAME_CHARS: usize = 60;

pub(crate) fn document_symbols(
    session: &Session,
    params: &lsp::DocumentSymbolParams,
) -> Option<Vec<lsp::DocumentSymbol>> {
    let doc = session.documents.get(&params.text_document.uri)?;
    let lines = doc.lines(session.encoding);
    let file = syntax::parse(&doc.text);
    let stages = Stages::new(&file);
    let first = stages
        .stages
        .first()
        .map_or(file.instructions.len(), |s| s.from);
    let mut symbols: Vec<lsp::DocumentSymbol> = file.instructions[..first]
        .iter()
        .map(|inst| instruction_symbol(inst, &lines))
        .collect();
    for stage in &stages.stages {
        let from = &file.instructions[stage.from];
        let steps = &file.instructions[stage.from + 1..stage.end];
        let end = steps.last().map_or(from.range.end, |i| i.range.end);
        let name = match &stage.name {
            Some(n) => n.value.to_string(),
            None => format!("stage {}", stage.index),
        };
        let selection = stage.name.as_ref().map_or(from.keyword.range, |n| n.range);
        symbols.push(symbol(
            name,
            stage.base.as_ref().map(|b| b.value.to_string()),
            lsp::SymbolKind::CLASS,
            lines.range(TextRange::new(from.range.start, end)),
            lines.range(selection),
            Some(
                steps
                    .iter()
                    .map(|i| instruction_symbol(i, &lines))
                    .collect(),
            ),
        ));
    }
    Some(symbols)
}

fn instruction_symbol(inst: &Instruction<'_>, lines: &Lines<'_>) -> lsp::DocumentSymbol {
    // The first line as written, flags included.
    let text = inst.range.slice(lines.text);
    let first = text.lines().next().unwrap_or("").trim_end();
    let first = first.strip_suffix('\\').unwrap_or(first).trim_end();
    let keyword_len = inst.keyword.range.len() as usize;
    let args = first.get(keyword_len..).unwrap_or("").trim();
    let mut shown: String = args.chars().take(NAME_CHARS).collect();
    if shown.len() < args.len() {
        shown.push('…');
    }
    let keyword = inst.keyword.value.to_uppercase();
    let name = if shown.is_empty() {
        keyword
    } else {
        format!("{keyword} {shown}")
    };
    let kind = match inst.kind {
        Keyword::Arg | Keyword::Env => lsp::SymbolKind::VARIABLE,
        Keyword::Label => lsp::SymbolKind::PROPERTY,
        Keyword::Cmd | Keyword::Entrypoint => lsp::SymbolKind::EVENT,
        _ => lsp::SymbolKind::FUNCTION,
    };
    symbol(
        name,
        None,
        kind,
        lines.range(inst.range),
        lines.range(inst.keyword.range),
        None,
    )
}

fn symbol(
    name: String,
    detail: Option<String>,
    kind: lsp::SymbolKind,
    range: lsp::Range,
    selection_range: lsp::Range,
    children: Option<Vec<lsp::DocumentSymbol>>,
) -> lsp::DocumentSymbol {
    #[allow(deprecated)] // `deprecated` is a field every literal must fill
    lsp::DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children,
    }
}
