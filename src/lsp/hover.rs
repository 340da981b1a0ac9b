//! Hover: the rule's docs on a finding, the value and definition of a
//! `$VAR`, the stage a `--from`, `FROM` or stage name refers to.

use std::fmt::Write as _;

use lsp_types as lsp;

use super::session::{Document, Session};
use crate::engine;
use crate::semantic::shell::RunFlags;
use crate::semantic::vars::{
    Binding, DefKind, Missing, UnknownReason, Value, VarModel, VarOptions,
};
use crate::semantic::{Stage, Stages};
use crate::syntax::{self, Dockerfile, Instruction, Keyword, TextRange};

pub(crate) fn hover(session: &Session, params: &lsp::HoverParams) -> Option<lsp::Hover> {
    let position = &params.text_document_position_params;
    let doc = session.documents.get(&position.text_document.uri)?;
    let lines = doc.lines(session.encoding);
    let offset = lines.offset(position.position);
    let file = syntax::parse(&doc.text);
    let mut sections: Vec<(TextRange, String)> = Vec::new();
    if let Some(index) = instruction_at(&file, offset) {
        let stages = Stages::new(&file);
        if let Some(found) = stage_hover(&file, &stages, index, offset) {
            sections.push(found);
        } else if let Some(found) = var_hover(doc, &file, &stages, index, offset) {
            sections.push(found);
        }
    }
    for d in doc
        .diagnostics
        .iter()
        .filter(|d| d.range.contains(offset) || (d.range.is_empty() && d.range.start == offset))
    {
        let mut text = format!("**{}** ({}): {}", d.code, d.name, d.message);
        if let Some(help) = &d.help {
            let _ = write!(text, "\n\n*{help}*");
        }
        if let Some(rule) = engine::find(d.code) {
            let _ = write!(
                text,
                "\n\n{}\n[{} docs]({})",
                rule.meta.docs(),
                d.code,
                rule.meta.url()
            );
        }
        sections.push((d.range, text));
    }
    let (first, _) = sections.first()?;
    let range = sections.iter().fold(*first, |r, (s, _)| r.cover(*s));
    let value = sections
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join("\n\n---\n\n");
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value,
        }),
        range: Some(lines.range(range)),
    })
}

/// The top-level instruction that `offset` is in.
fn instruction_at(file: &Dockerfile<'_>, offset: u32) -> Option<usize> {
    file.instructions
        .iter()
        .position(|i| i.range.start <= offset && offset <= i.range.end)
}

/// `COPY --from=x`, `RUN --mount=from=x`, `FROM x` and `AS x`.
fn stage_hover(
    file: &Dockerfile<'_>,
    stages: &Stages<'_>,
    index: usize,
    offset: u32,
) -> Option<(TextRange, String)> {
    let outer = &file.instructions[index];
    let inst = outer.effective();
    let current = stages.stage_of.get(index).copied().flatten();
    let before = current.unwrap_or(0);
    let hit = |range: TextRange| range.contains(offset) || range.end == offset;
    let mut reference: Option<(String, TextRange)> = None;
    for flag in &inst.flags {
        if let Some(value) = flag.value.as_ref().filter(|v| hit(v.range)) {
            if flag.name.value == "from" {
                reference = Some((value.value.to_string(), value.range));
            }
        }
    }
    if inst.kind == Keyword::Run && reference.is_none() {
        for mount in RunFlags::of(inst).mounts {
            if let Some(from) = mount.from.filter(|f| hit(f.range)) {
                reference = Some((from.value.to_string(), from.range));
            }
        }
    }
    if inst.kind == Keyword::From && reference.is_none() {
        let stage = current.and_then(|i| stages.stages.get(i))?;
        if let Some(name) = stage.name.as_ref().filter(|n| hit(n.range)) {
            return Some((name.range, describe_stage(file, stages, stage)));
        }
        if let Some(base) = stage.base.as_ref().filter(|b| hit(b.range)) {
            let target = stages.by_name(&base.value, before)?;
            return Some((base.range, describe_stage(file, stages, target)));
        }
    }
    let (name, range) = reference?;
    let target = match name.parse::<usize>() {
        Ok(n) => stages.stages.get(n).filter(|s| s.index < before),
        Err(_) => stages.by_name(&name, before),
    };
    let text = match target {
        Some(stage) => describe_stage(file, stages, stage),
        None => {
            format!("`{name}` is not a stage defined before here: BuildKit uses the image `{name}`")
        }
    };
    Some((range, text))
}

fn describe_stage(file: &Dockerfile<'_>, stages: &Stages<'_>, stage: &Stage<'_>) -> String {
    let from = &file.instructions[stage.from];
    let line = file.line_index.line_of(from.range.start) + 1;
    let title = match &stage.name {
        Some(name) => format!("stage `{}`", name.value),
        None => format!("stage {}", stage.index),
    };
    format!(
        "**{title}** (stage {} of {}, line {line})\n```dockerfile\n{}\n```",
        stage.index + 1,
        stages.stages.len(),
        from.range.slice(file.source).trim_end()
    )
}

/// A `$NAME` or `${NAME…}` reference around `offset` in the source.
fn reference_at(source: &str, escape: char, offset: u32) -> Option<(String, TextRange)> {
    let offset = offset as usize;
    let line_start = source[..offset.min(source.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = source[offset.min(source.len())..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    let line = &source[line_start..line_end];
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let escaped = line[..i].chars().rev().take_while(|&c| c == escape).count() % 2 == 1;
        let (name, end) = if bytes.get(i + 1) == Some(&b'{') {
            let name_len = name_len(&line[i + 2..], false);
            let mut depth = 1;
            let mut end = line.len();
            for (j, c) in line[i + 2..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 2 + j + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            (&line[i + 2..i + 2 + name_len], end)
        } else {
            let name_len = name_len(&line[i + 1..], true);
            (&line[i + 1..i + 1 + name_len], i + 1 + name_len)
        };
        let start = line_start + i;
        let stop = line_start + end;
        if !escaped && !name.is_empty() && start <= offset && offset < stop.max(start + 1) {
            return Some((name.to_string(), TextRange::from_usize(start, stop)));
        }
        i += 1;
    }
    None
}

/// Length of the variable name at the start of `text`.
fn name_len(text: &str, plain: bool) -> usize {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_alphabetic() || c == '_' => {}
        // `$1`, `${1}`: positional, only in braces for BuildKit.
        Some((_, c)) if c.is_ascii_digit() && !plain => return c.len_utf8(),
        _ => return 0,
    }
    chars
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(text.len(), |(i, _)| i)
}

fn var_hover(
    doc: &Document,
    file: &Dockerfile<'_>,
    stages: &Stages<'_>,
    index: usize,
    offset: u32,
) -> Option<(TextRange, String)> {
    let (name, range) = reference_at(file.source, file.escape, offset)?;
    let options = &doc.setup.settings.options;
    let vars = VarModel::new(
        file,
        stages,
        &VarOptions {
            build_args: options
                .build_args
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            target: options.target.clone(),
            ..VarOptions::default()
        },
    );
    let mut text = format!("**`${name}`**");
    match vars.lookup(index, &name) {
        Some(binding) => describe_binding(&mut text, file, &name, binding),
        None => {
            match vars.missing(index) {
                Missing::Empty => {
                    text.push_str(" is not defined here: it expands to an empty string");
                }
                Missing::Unknown => text.push_str(
                    " is not defined in this Dockerfile: its value comes from the base image's environment, if it sets one",
                ),
            }
            let elsewhere: Vec<String> = vars
                .definitions()
                .filter(|(n, _)| *n == name)
                .filter_map(|(_, b)| b.origin.site)
                .map(|site| (file.line_index.line_of(site.range.start) + 1).to_string())
                .collect();
            if !elsewhere.is_empty() {
                let _ = write!(
                    text,
                    "\n\nDefined on line {}, which is not in scope here",
                    elsewhere.join(", ")
                );
                if is_global(file, stages, &vars, &name) {
                    let _ = write!(
                        text,
                        " (a global `ARG` is visible in a stage only after `ARG {name}` in that stage)"
                    );
                }
            }
        }
    }
    Some((range, text))
}

fn is_global(file: &Dockerfile<'_>, stages: &Stages<'_>, vars: &VarModel<'_>, name: &str) -> bool {
    let first_from = stages
        .stages
        .first()
        .map_or(file.instructions.len(), |s| s.from);
    vars.lookup(first_from, name)
        .is_some_and(|b| b.origin.kind == DefKind::GlobalArg)
}

fn describe_binding(text: &mut String, file: &Dockerfile<'_>, name: &str, binding: &Binding<'_>) {
    match &binding.value {
        Value::Known(v) => {
            let _ = write!(text, " = `{v}`");
        }
        Value::Unknown(reason) => {
            let _ = match reason {
                UnknownReason::UnsetArg => write!(
                    text,
                    ": no value unless the build passes `--build-arg {name}=…` (it is empty otherwise)"
                ),
                UnknownReason::BaseImage => {
                    write!(text, ": set by the base image, value unknown")
                }
                UnknownReason::Platform => {
                    write!(text, ": set by BuildKit from the build's platform")
                }
                UnknownReason::Partial { display, .. } => {
                    write!(text, " = `{display}` (partly known)")
                }
            };
        }
    }
    if binding.origin.from_build_arg {
        text.push_str(" (from the build arguments in the settings)");
    }
    let what = match binding.origin.kind {
        DefKind::Env => "`ENV`".to_string(),
        DefKind::Arg => "`ARG`".to_string(),
        DefKind::GlobalArg => "global `ARG` (before the first `FROM`)".to_string(),
        DefKind::RedeclaredGlobal { global } => match global {
            Some(site) => format!(
                "`ARG` taking the global `ARG` of line {}",
                file.line_index.line_of(site.range.start) + 1
            ),
            None => "`ARG` taking the automatic value".to_string(),
        },
        DefKind::Automatic => "BuildKit (automatic build argument)".to_string(),
        DefKind::DefaultPath => "BuildKit (the default `PATH`)".to_string(),
    };
    match binding.origin.site {
        Some(site) => {
            let inst: Option<&Instruction<'_>> = file.instructions.get(site.instruction);
            let line = file.line_index.line_of(site.range.start) + 1;
            let _ = write!(text, "\n\nDefined by {what} on line {line}");
            if let Some(inst) = inst {
                let _ = write!(
                    text,
                    ":\n```dockerfile\n{} {}\n```",
                    inst.keyword.value,
                    site.range.slice(file.source)
                );
            }
        }
        None => {
            let _ = write!(text, "\n\nDefined by {what}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references_around_the_cursor() {
        let src = "RUN echo $A ${B:-x} \\$C $";
        let at = |needle: &str| src.find(needle).unwrap() as u32;
        assert_eq!(reference_at(src, '\\', at("$A")).unwrap().0, "A");
        assert_eq!(reference_at(src, '\\', at("A ")).unwrap().0, "A");
        let (name, range) = reference_at(src, '\\', at("x}")).unwrap();
        assert_eq!((name.as_str(), range.slice(src)), ("B", "${B:-x}"));
        assert!(reference_at(src, '\\', at("C")).is_none());
        assert!(reference_at(src, '\\', at("echo")).is_none());
        assert!(reference_at(src, '\\', src.len() as u32 - 1).is_none());
    }
}
