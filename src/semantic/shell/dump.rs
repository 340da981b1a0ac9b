//! A compact text rendering of the shell model, for snapshots and
//! debugging: one line per command with its words, connectors and
//! constructs, positions as `line:column` in the Dockerfile.

use std::fmt::Write as _;

use super::run::{RunForm, RunScript};
use super::script::{Command, ConstructKind, Script};
use super::word::{ShellWord, WordPart};
use crate::syntax::{Dockerfile, TextRange};

/// Renders the models of every `RUN` of a file.
pub fn dump_runs(file: &Dockerfile<'_>, scripts: &super::ShellScripts<'_, '_>) -> String {
    let mut out = String::new();
    for (i, run) in scripts.runs() {
        let line = file.lines_of(file.instructions[i].range).0;
        let _ = writeln!(out, "== RUN at line {line}");
        out.push_str(&dump_run(file, run));
    }
    out
}

/// Renders the model of one `RUN`.
pub fn dump_run(file: &Dockerfile<'_>, run: &RunScript<'_>) -> String {
    let mut out = String::new();
    let form = match &run.form {
        RunForm::Empty => "empty".to_owned(),
        RunForm::Exec => "exec".to_owned(),
        RunForm::Shell => "shell".to_owned(),
        RunForm::Heredoc => "heredoc".to_owned(),
        RunForm::Shebang { interpreter } => format!("shebang {interpreter}"),
    };
    let _ = writeln!(
        out,
        "form: {form}; shell: {} ({:?}{})",
        run.shell.argv.join(" "),
        run.shell.kind,
        if run.shell.pipefail { ", pipefail" } else { "" }
    );
    if let Some(text) = &run.text {
        let _ = writeln!(out, "text: {:?}", text.as_str());
    }
    for mount in &run.flags.mounts {
        let _ = writeln!(
            out,
            "mount: {:?} target={} readonly={} problems={}",
            mount.kind,
            mount.target.as_ref().map_or("-", |t| &t.value),
            mount.readonly,
            mount.problems.len()
        );
    }
    match &run.script {
        Some(script) => out.push_str(&dump_script(file, script)),
        None => out.push_str("(no shell commands)\n"),
    }
    out
}

/// Renders a script: constructs as a tree, then one line per command.
pub fn dump_script(file: &Dockerfile<'_>, script: &Script<'_>) -> String {
    let mut out = String::new();
    let pos = |r: TextRange| {
        let a = file.line_index.line_col(file.source, r.start);
        let b = file.line_index.line_col(file.source, r.end);
        format!("{}:{}-{}:{}", a.line, a.column, b.line, b.column)
    };
    for (i, c) in script.constructs.iter().enumerate() {
        let kind = match &c.kind {
            ConstructKind::Function { name } => format!("function {name}"),
            ConstructKind::ShellCommand { shell } => format!("{shell} -c"),
            ConstructKind::HeredocScript { shell } => format!("{shell} <<heredoc"),
            other => format!("{other:?}"),
        };
        let parent = c.parent.map_or(String::new(), |p| format!(" in #{p}"));
        let _ = writeln!(out, "#{i} {kind} {}{parent}", pos(c.range));
    }
    for c in &script.commands {
        let _ = writeln!(out, "{}", command_line(c, &pos));
        let _ = writeln!(out, "    source {:?}", c.range.slice(file.source));
    }
    for e in &script.errors {
        let _ = writeln!(out, "error {}", pos(*e));
    }
    out
}

fn command_line(c: &Command<'_>, pos: &dyn Fn(TextRange) -> String) -> String {
    let mut line = format!(
        "[{} {} #{}{}] ",
        c.connector_before.map_or("-", |x| x.as_str()),
        c.connector_after.map_or("-", |x| x.as_str()),
        c.construct,
        if c.negated { " !" } else { "" }
    );
    for a in &c.assignments {
        let _ = write!(
            line,
            "{}{}={} ",
            a.name,
            if a.append { "+" } else { "" },
            a.value.as_ref().map_or(String::new(), word)
        );
    }
    match &c.name {
        Some(n) => line.push_str(&word(n)),
        None => line.push_str("(no name)"),
    }
    for a in &c.args {
        line.push(' ');
        line.push_str(&word(a));
    }
    for r in &c.redirects {
        let _ = write!(
            line,
            " {}{:?}{}",
            r.fd.map_or(String::new(), |f| f.to_string()),
            r.op,
            r.target
                .as_ref()
                .map_or(String::new(), |t| format!(" {}", word(t)))
        );
    }
    let _ = write!(line, "  @{}", pos(c.range));
    line
}

/// `value` when the word is plain, else `raw→value` with dynamic parts
/// marked `{…}`.
fn word(w: &ShellWord<'_>) -> String {
    let plain = w.raw == w.value
        && w.parts
            .iter()
            .all(|p| matches!(p, WordPart::Literal { quoted: false, .. }));
    if plain {
        return w.value.to_string();
    }
    let mut value = String::new();
    for p in &w.parts {
        match p {
            WordPart::Literal { text, quoted, .. } => {
                if *quoted {
                    let _ = write!(value, "‹{text}›");
                } else {
                    value.push_str(text);
                }
            }
            WordPart::Parameter { name, .. } => {
                let _ = write!(value, "{{${name}}}");
            }
            WordPart::CommandSubstitution { raw, .. }
            | WordPart::Arithmetic { raw, .. }
            | WordPart::ProcessSubstitution { raw, .. } => {
                let _ = write!(value, "{{{raw}}}");
            }
        }
    }
    format!("{}→{value}", w.raw)
}
