//! The shell model of one `RUN`: which form it has, the text its shell
//! reads, the parsed script and its flags.

use std::borrow::Cow;

use serde::Serialize;

use super::dialect::{ActiveShell, ShellKind, program_basename};
use super::mounts::RunFlags;
use super::script::{Command, ConstructKind, HeredocBody, Script};
use super::text::{ShellText, ShellTextBuilder};
use super::word::ShellWord;
use crate::syntax::{Args, CommandLine, Dockerfile, Heredoc, Instruction, Keyword, TextRange};

/// How a `RUN` states its command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunForm {
    /// No command at all.
    Empty,
    /// A JSON array: run as an argv, no shell.
    Exec,
    /// Shell form, run by the active shell (heredoc bodies opened on the
    /// line are fed to it after the command line).
    Shell,
    /// `RUN <<EOF`: the heredoc body is the script of the active shell.
    Heredoc,
    /// `RUN <<EOF` whose body starts with `#!`: BuildKit runs the body as
    /// a file, so the shebang's program runs it, not the active shell.
    Shebang { interpreter: String },
}

/// The shell model of a `RUN`.
#[derive(Clone, Debug, Serialize)]
pub struct RunScript<'a> {
    pub form: RunForm,
    /// The `SHELL` in force (also for exec form, which does not use it).
    pub shell: ActiveShell,
    /// The text the shell or interpreter reads; `None` for exec and empty
    /// forms.
    #[serde(skip)]
    pub text: Option<ShellText<'a>>,
    /// The commands: the parsed shell script, or the argv of exec form as
    /// one command. `None` when the script is for a non-POSIX shell or a
    /// non-shell interpreter, which rules about shell commands skip.
    pub script: Option<Script<'a>>,
    pub flags: RunFlags<'a>,
}

impl<'a> RunScript<'a> {
    /// Builds the model of `inst` (a `RUN`, or an `ONBUILD RUN`) under
    /// `shell`; `None` for other instructions.
    pub fn new(file: &Dockerfile<'a>, inst: &Instruction<'a>, shell: &ActiveShell) -> Option<Self> {
        Self::build(file, inst, shell, true)
    }

    /// [`RunScript::new`] without parsing the shell script (`script` is
    /// `None` for shell forms): the form and text alone, for callers that
    /// hand the text to another tool.
    pub fn unparsed(
        file: &Dockerfile<'a>,
        inst: &Instruction<'a>,
        shell: &ActiveShell,
    ) -> Option<Self> {
        Self::build(file, inst, shell, false)
    }

    fn build(
        file: &Dockerfile<'a>,
        inst: &Instruction<'a>,
        shell: &ActiveShell,
        parse: bool,
    ) -> Option<Self> {
        let run = inst.effective();
        if run.kind != Keyword::Run {
            return None;
        }
        let Args::Command { command } = &run.args else {
            return None;
        };
        let flags = RunFlags::of(run);
        let mut model = RunScript {
            form: RunForm::Empty,
            shell: shell.clone(),
            text: None,
            script: None,
            flags,
        };
        match command {
            CommandLine::Empty => {}
            CommandLine::Exec { args, range } => {
                model.form = RunForm::Exec;
                model.script = Some(exec_script(file.source, args, *range));
            }
            CommandLine::Shell { text } => {
                let logical = file.logical_line(inst);
                let line_text = match logical.logical_range(text.range) {
                    Some((lo, hi)) if logical.text().get(lo..hi) == Some(&*text.value) => {
                        ShellText::from_logical(file.source, &logical, lo, hi)
                    }
                    _ => ShellText::verbatim(file.source, text.range),
                };
                model.shell_form(file.source, line_text, &run.heredocs, text.range, parse);
            }
        }
        Some(model)
    }

    fn shell_form(
        &mut self,
        source: &'a str,
        line: ShellText<'a>,
        heredocs: &[Heredoc<'a>],
        range: TextRange,
        parse: bool,
    ) {
        let windows = matches!(self.shell.kind, ShellKind::Cmd | ShellKind::PowerShell);
        match heredocs {
            [] => self.form = RunForm::Shell,
            [only] if only.marker == range => {
                let body = heredoc_body(source, only);
                let shebang = body
                    .as_str()
                    .strip_prefix("#!")
                    .filter(|_| !windows)
                    .map(|rest| shebang_program(rest.lines().next().unwrap_or("")));
                match shebang {
                    Some(interpreter) => {
                        let posix = ShellKind::of_program(&interpreter).is_posix();
                        self.form = RunForm::Shebang { interpreter };
                        if posix && parse {
                            self.script = Some(Script::parse(&body));
                        }
                        self.text = Some(body);
                        return;
                    }
                    None => {
                        self.form = RunForm::Heredoc;
                        self.text = Some(body);
                    }
                }
            }
            _ => {
                // BuildKit hands the shell the command line, then each body
                // and its delimiter after a line break.
                let mut builder = ShellTextBuilder::new(source);
                builder.push_text(&line, 0, line.len());
                for doc in heredocs {
                    builder.push_synthetic("\n", builder.end_offset());
                    builder.push_source(doc.body.range.start as usize, doc.body.range.end as usize);
                    match doc.terminator {
                        Some(t) => {
                            let text = t.slice(source);
                            let tabs = text.len() - text.trim_start_matches('\t').len();
                            builder.push_source(t.start as usize + tabs, t.end as usize);
                        }
                        None => builder.push_synthetic(&doc.name.value, builder.end_offset()),
                    }
                }
                self.form = RunForm::Shell;
                self.text = Some(builder.finish());
                if self.shell.is_posix() && parse {
                    let (parsed, bodies) = heredoc_command_line(source, &line, heredocs);
                    self.script = Some(Script::parse_with_heredocs(&parsed, &bodies));
                }
                return;
            }
        }
        if self.text.is_none() {
            self.text = Some(line);
        }
        if self.shell.is_posix()
            && parse
            && let Some(text) = &self.text
        {
            self.script = Some(Script::parse(text));
        }
    }

    /// The script, when there are commands to look at.
    pub fn commands(&self) -> &[Command<'a>] {
        self.script.as_ref().map_or(&[], |s| s.commands.as_slice())
    }

    pub fn is_exec(&self) -> bool {
        self.form == RunForm::Exec
    }
}

/// The command line with each heredoc marker written as an input redirect
/// (`3<<-"EOF"` as `3<"EOF"`), and the bodies those redirects stand for.
fn heredoc_command_line<'a>(
    source: &'a str,
    line: &ShellText<'a>,
    heredocs: &[Heredoc<'a>],
) -> (ShellText<'a>, Vec<HeredocBody>) {
    let text = line.as_str();
    let mut builder = ShellTextBuilder::new(source);
    let mut bodies = Vec::with_capacity(heredocs.len());
    let mut done = 0;
    for (lo, hi) in word_spans(text) {
        let Some(doc) = heredocs.iter().find(|d| line.range(lo, hi) == d.marker) else {
            continue;
        };
        let word = &text[lo..hi];
        let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let delimiter = lo + digits + 2 + usize::from(doc.chomp);
        builder.push_text(line, done, lo + digits);
        builder.push_synthetic("<", line.range(lo + digits, lo + digits).start as usize);
        builder.push_text(line, delimiter.min(hi), hi);
        done = hi;
        bodies.push(HeredocBody {
            marker: doc.marker,
            body: doc.body.range,
            strip_tabs: doc.chomp,
            expand: doc.expand,
        });
    }
    builder.push_text(line, done, line.len());
    (builder.finish(), bodies)
}

/// Offsets of the whitespace-separated words of `text`.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// A heredoc body as the script BuildKit runs: `<<-` strips leading tabs.
fn heredoc_body<'a>(source: &'a str, doc: &Heredoc<'a>) -> ShellText<'a> {
    if !doc.chomp {
        return ShellText::verbatim(source, doc.body.range);
    }
    let mut builder = ShellTextBuilder::new(source);
    let (mut lo, hi) = (doc.body.range.start as usize, doc.body.range.end as usize);
    while lo < hi {
        let line = source.get(lo..hi).unwrap_or("");
        let end = line.find('\n').map_or(hi, |i| lo + i + 1);
        let tabs = line.len() - line.trim_start_matches('\t').len();
        builder.push_source((lo + tabs).min(end), end);
        lo = end;
    }
    builder.finish()
}

/// The program of a shebang line (after `#!`), seeing through `env`.
fn shebang_program(line: &str) -> String {
    let mut words = line.split_whitespace();
    let mut program = words.next().unwrap_or("");
    if program_basename(program) == "env" {
        program = words.find(|w| !w.starts_with('-')).unwrap_or("");
    }
    program_basename(program).to_owned()
}

/// Exec form as one command; `["sh", "-c", "…"]` also gets the script of
/// its `-c` argument parsed.
fn exec_script<'a>(
    source: &'a str,
    args: &[crate::syntax::Word<'a>],
    range: TextRange,
) -> Script<'a> {
    let words: Vec<ShellWord<'a>> = args
        .iter()
        .map(|a| {
            ShellWord::literal(
                Cow::Borrowed(a.range.slice(source)),
                a.value.clone(),
                a.range,
                true,
            )
        })
        .collect();
    let mut words = words.into_iter();
    let name = words.next();
    let command = Command {
        name,
        args: words.collect(),
        assignments: Vec::new(),
        redirects: Vec::new(),
        connector_before: None,
        connector_after: None,
        construct: 0,
        negated: false,
        range,
    };
    if command.name.is_none() {
        return Script::single(None, range);
    }
    let mut script = Script::single(Some(command), range);
    let inner = script.commands.first().and_then(|c| {
        let program = c.program()?;
        if !ShellKind::of_program(program).is_posix() {
            return None;
        }
        let flag = c.args.iter().position(|a| {
            a.static_value()
                .is_some_and(|v| v.starts_with('-') && !v.starts_with("--") && v.contains('c'))
        })?;
        let arg = c.args.get(flag + 1)?;
        Some((
            program.to_owned(),
            arg.range,
            arg.value.clone(),
            arg.raw.clone(),
        ))
    });
    if let Some((shell, range, value, raw)) = inner {
        let text = json_string_text(source, range, &raw, &value);
        let nested = Script::parse(&text);
        script.graft(nested, &ConstructKind::ShellCommand { shell }, range, 0);
    }
    script
}

/// The value of a JSON string literal (`raw`, at `range`) as shell text:
/// characters map to where they are written, and an escape that stands
/// for the character after its backslash (`\"`, `\\`, `\/`) to that
/// character; other escapes (`\n`, `\u00e9`) are inserted text.
fn json_string_text<'a>(
    source: &'a str,
    range: TextRange,
    raw: &str,
    value: &str,
) -> ShellText<'a> {
    let start = range.start as usize + 1;
    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
    let mut builder = ShellTextBuilder::new(source);
    let mut chars = inner.char_indices();
    let mut run = 0;
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        builder.push_source(start + run, start + i);
        match chars.next() {
            Some((j, e @ ('"' | '\\' | '/'))) => {
                builder.push_source(start + j, start + j + e.len_utf8());
                run = j + e.len_utf8();
            }
            Some((j, e)) => {
                let end = if e == 'u' {
                    (j + 5).min(inner.len())
                } else {
                    j + e.len_utf8()
                };
                let escape = inner.get(i..end).unwrap_or("");
                let decoded: String =
                    serde_json::from_str(&format!("\"{escape}\"")).unwrap_or_default();
                builder.push_synthetic(&decoded, start + i);
                while chars.clone().next().is_some_and(|(k, _)| k < end) {
                    chars.next();
                }
                run = end;
            }
            None => run = inner.len(),
        }
    }
    builder.push_source(start + run, start + inner.len());
    let text = builder.finish();
    if text.as_str() == value {
        return text;
    }
    // Surrogate pairs and the like: the whole value at the string.
    let mut builder = ShellTextBuilder::new(source);
    builder.push_synthetic(value, range.start as usize);
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::shell::dialect::ShellOrigin;
    use crate::syntax::parse;

    fn model(src: &str) -> (Vec<String>, RunForm) {
        let file = parse(src);
        let inst = file
            .instructions
            .iter()
            .find(|i| i.effective().kind == Keyword::Run)
            .unwrap_or_else(|| panic!("no RUN in {src}"));
        let shell = ActiveShell::default_for(false);
        let run = RunScript::new(&file, inst, &shell).unwrap_or_else(|| panic!("no model"));
        let names = run
            .commands()
            .iter()
            .map(|c| {
                let name = c.name.as_ref().map_or("", |n| n.range.slice(src));
                format!("{}@{}", c.name_str().unwrap_or("?"), name)
            })
            .collect();
        (names, run.form)
    }

    #[test]
    fn continuation_lines_map_back_to_the_source() {
        let src = "FROM a\nRUN apt-get update \\\n# a comment\n    && apt-get install -y \\\n      curl\n";
        let (names, form) = model(src);
        assert_eq!(form, RunForm::Shell);
        assert_eq!(names, vec!["apt-get@apt-get", "apt-get@apt-get"]);
        let file = parse(src);
        let run = RunScript::new(
            &file,
            &file.instructions[1],
            &ActiveShell::default_for(false),
        )
        .unwrap_or_else(|| panic!("no model"));
        let curl = &run.commands()[1].args[2];
        assert_eq!(curl.value, "curl");
        assert_eq!(curl.range.slice(src), "curl");
        assert_eq!(
            run.text.as_ref().map(ShellText::as_str),
            Some("apt-get update     && apt-get install -y       curl")
        );
    }

    #[test]
    fn heredoc_forms() {
        let (names, form) = model("FROM a\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n");
        assert_eq!(form, RunForm::Heredoc);
        assert_eq!(names, vec!["apt-get@apt-get", "apt-get@apt-get"]);

        let (names, form) = model("FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n");
        assert_eq!(
            form,
            RunForm::Shebang {
                interpreter: "python3".into()
            }
        );
        assert!(names.is_empty());

        let (names, form) = model("FROM a\nRUN <<-EOF\n\t#!/bin/bash\n\tset -e\n\tls\n\tEOF\n");
        assert_eq!(
            form,
            RunForm::Shebang {
                interpreter: "bash".into()
            }
        );
        assert_eq!(names, vec!["set@set", "ls@ls"]);

        let (names, form) = model("FROM a\nRUN <<EOF bash\necho hi\nEOF\n");
        assert_eq!(form, RunForm::Shell);
        assert_eq!(names, vec!["bash@bash", "echo@echo"]);

        let (names, _) = model("FROM a\nRUN python3 <<'EOF'\nimport os\nEOF\n");
        assert_eq!(names, vec!["python3@python3"]);

        let (names, _) =
            model("FROM a\nRUN cat <<EOF > /etc/x && bash <<EOT\nline\nEOF\nls -l\nEOT\n");
        assert_eq!(names, vec!["cat@cat", "bash@bash", "ls@ls"]);
    }

    #[test]
    fn exec_form_is_one_command() {
        let (names, form) = model("FROM a\nRUN [\"apt-get\", \"install\", \"-y\", \"x\"]\n");
        assert_eq!(form, RunForm::Exec);
        assert_eq!(names, vec!["apt-get@\"apt-get\""]);
        let (names, _) =
            model("FROM a\nRUN [\"/bin/sh\", \"-c\", \"apk add x && rm -rf /var/cache/apk/*\"]\n");
        assert_eq!(names, vec!["/bin/sh@\"/bin/sh\"", "apk@apk", "rm@rm"]);
    }

    #[test]
    fn non_posix_shells_give_no_commands() {
        let src = "FROM a\nRUN Get-ChildItem | Select-Object Name\n";
        let file = parse(src);
        let shell =
            ActiveShell::from_argv(vec!["pwsh".into(), "-Command".into()], ShellOrigin::Default);
        let run = RunScript::new(&file, &file.instructions[1], &shell)
            .unwrap_or_else(|| panic!("no model"));
        assert!(run.script.is_none());
        assert!(run.commands().is_empty());
        assert_eq!(run.form, RunForm::Shell);
    }

    #[test]
    fn onbuild_run() {
        let (names, _) = model("FROM a\nONBUILD RUN npm ci \\\n  && npm run build\n");
        assert_eq!(names, vec!["npm@npm", "npm@npm"]);
    }
}
