//! ShellCheck findings (`SC####`) for the scripts of shell-form `RUN`s.
//!
//! As hadolint does, each script is checked under the shell in force
//! (`#!/bin/sh`, or the program of `SHELL`), with the stage's `ARG` and
//! `ENV` names (and the predefined proxy variables) exported first, so they
//! are not reported as unassigned; an `ONBUILD RUN` is checked as if it ran
//! in the stage. Scripts for PowerShell, `cmd` or another interpreter are
//! not checked (hadolint reads Windows scripts as POSIX ones, which gives
//! parse errors such as SC1072 and SC1088).
//!
//! [`lint`] is pure: it builds the scripts, hands them to a runner, and
//! maps ShellCheck's `json1` report back to exact ranges in the Dockerfile
//! through the shell model's offset map. Running the `shellcheck` process
//! ([`run`]) is for the CLI (and later the language server); the engine
//! never does it. One process checks many scripts (all those of a file,
//! or, from the CLI, of many files at once).

pub mod cache;

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::{self, Settings};
use crate::semantic::Stages;
use crate::semantic::shell::dialect::program_basename;
use crate::semantic::shell::{RunForm, ShellKind, ShellScripts, ShellText};
use crate::syntax::{self, Args, Keyword, TextRange};

/// Whether the CLI runs ShellCheck.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// When the `shellcheck` program is on the `PATH`.
    #[default]
    Auto,
    /// Never.
    Off,
    /// Always; a missing program is an error.
    Required,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Auto, Mode::Off, Mode::Required];

    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Off => "off",
            Mode::Required => "required",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// The `name` of every ShellCheck finding.
pub const NAME: &str = "shellcheck";

/// Codes hadolint leaves out: SC2187 (ShellCheck does not support `ash`)
/// and SC1090 (a `source` ShellCheck cannot follow without a directive,
/// which a Dockerfile cannot give).
const EXCLUDED: [u32; 2] = [2187, 1090];

/// Variables every stage sees (BuildKit's predefined proxy arguments),
/// exported before each script as hadolint does.
const PREDEFINED: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// One script to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// A file name for ShellCheck's report (`run-3.sh`).
    pub name: String,
    /// The script: a `#!` line, the exported variables, then the `RUN`'s
    /// shell text.
    pub script: String,
}

/// `SC` followed by digits (or nothing: every ShellCheck code), as a rule
/// selector.
pub fn is_selector(name: &str) -> bool {
    let b = name.trim().as_bytes();
    b.len() >= 2
        && b.len() <= 6
        && b[..2].eq_ignore_ascii_case(b"SC")
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// Whether the selector `selector` (`SC`, `SC2`, `SC2086`) covers the
/// ShellCheck code `code`: a case-insensitive prefix.
pub fn covers(selector: &str, code: &str) -> bool {
    code.get(..selector.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(selector))
}

/// `SC1000`…`SC3999` as `&'static str` (`SC` for other numbers). Each
/// code's text is made the first time it is seen and kept for the process:
/// at most 3,000 short strings, and a run meets a few dozen.
fn code_str(code: u32) -> &'static str {
    static CODES: OnceLock<Mutex<HashMap<u32, &'static str>>> = OnceLock::new();
    if !(1000..4000).contains(&code) {
        return "SC";
    }
    let mut codes = CODES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    codes
        .entry(code)
        .or_insert_with(|| Box::leak(format!("SC{code}").into_boxed_str()))
}

/// A script with what is needed to map ShellCheck's positions back.
#[derive(Debug)]
struct Prepared<'a> {
    /// Its [`Input::name`].
    name: String,
    text: ShellText<'a>,
    /// Lines before the `RUN`'s text (the `#!` line and the exports).
    prefix_lines: usize,
    /// Where to report a finding that falls in the prefix.
    fallback: TextRange,
}

/// The shell-form `RUN`s of `source` as ShellCheck inputs.
fn prepare<'a>(
    file: &syntax::Dockerfile<'a>,
    shells: &ShellScripts<'_, 'a>,
) -> (Vec<Input>, Vec<Prepared<'a>>) {
    let mut inputs = Vec::new();
    let mut prepared = Vec::new();
    let mut vars: BTreeSet<String> = BTreeSet::new();
    for (index, inst) in file.instructions.iter().enumerate() {
        match (&inst.kind, &inst.args) {
            (Keyword::From, _) => {
                vars = PREDEFINED.iter().map(|v| (*v).to_string()).collect();
            }
            (Keyword::Arg, Args::ArgDecls { decls }) => {
                vars.extend(decls.iter().map(|d| d.name.value.to_string()));
            }
            (Keyword::Env, Args::KeyValues { pairs }) => {
                vars.extend(pairs.iter().map(|p| p.key.value.to_string()));
            }
            _ if inst.effective().kind == Keyword::Run => {
                let Some(run) = shells.run_unparsed(index) else {
                    continue;
                };
                let (Some(text), true) = (
                    &run.text,
                    matches!(run.form, RunForm::Shell | RunForm::Heredoc) && run.shell.is_posix(),
                ) else {
                    continue;
                };
                let mut script = format!("#!{}\n", shebang(run.shell.program(), run.shell.kind));
                for var in vars.iter().filter(|v| is_name(v)) {
                    script.push_str("export ");
                    script.push_str(var);
                    script.push_str("=1\n");
                }
                let prefix_lines = script.matches('\n').count();
                script.push_str(text.as_str());
                let name = format!("run-{index}.sh");
                inputs.push(Input {
                    name: name.clone(),
                    script,
                });
                prepared.push(Prepared {
                    name,
                    text: text.clone(),
                    prefix_lines,
                    fallback: inst.keyword.range,
                });
            }
            _ => {}
        }
    }
    (inputs, prepared)
}

/// The `#!` program: the shell as `SHELL` names it (hadolint's choice), or
/// its kind when it is reached through `env` or `busybox`.
fn shebang(program: &str, kind: ShellKind) -> String {
    match program_basename(program) {
        "env" | "busybox" | "" => match kind {
            ShellKind::Bash => "/bin/bash",
            ShellKind::Dash => "/bin/dash",
            ShellKind::Ksh => "/bin/ksh",
            ShellKind::Zsh => "/bin/zsh",
            ShellKind::Ash => "/bin/ash",
            _ => "/bin/sh",
        }
        .to_string(),
        _ => program.to_string(),
    }
}

fn is_name(var: &str) -> bool {
    let mut chars = var.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// ShellCheck's `json1` report.
#[derive(Debug, Deserialize, Serialize)]
struct Report {
    comments: Vec<Comment>,
}

/// One finding of ShellCheck's `json1` report.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    /// The [`Input::name`] it is about.
    pub file: String,
    line: usize,
    end_line: usize,
    column: usize,
    end_column: usize,
    level: String,
    code: u32,
    message: String,
}

/// The findings of a `json1` report.
pub fn parse_report(json: &str) -> Result<Vec<Comment>, Error> {
    Ok(serde_json::from_str::<Report>(json)?.comments)
}

/// The scripts of one Dockerfile for ShellCheck, and what maps ShellCheck's
/// findings on them back to the Dockerfile: the source is parsed once for
/// both steps, with the `shellcheck` run in between.
#[derive(Debug)]
pub struct Scripts<'a> {
    file: syntax::Dockerfile<'a>,
    prepared: Vec<Prepared<'a>>,
}

impl<'a> Scripts<'a> {
    /// The scripts of `source`, and the inputs to check, named
    /// `run-<instruction>.sh`.
    pub fn new(source: &'a str) -> (Scripts<'a>, Vec<Input>) {
        let file = syntax::parse(source);
        let stages = Stages::new(&file);
        let shells = ShellScripts::new(&file, &stages);
        let (inputs, prepared) = prepare(&file, &shells);
        (Scripts { file, prepared }, inputs)
    }

    /// The diagnostics for `comments`, ShellCheck's findings on the inputs,
    /// selected and suppressed as `settings` and the file's comments say.
    pub fn diagnostics(&self, settings: &Settings, comments: &[Comment]) -> Vec<Diagnostic> {
        let mut seen = BTreeSet::new();
        let mut diagnostics = Vec::new();
        // Where each script's lines start, for the scripts with findings.
        let mut starts: Vec<Option<Vec<usize>>> = Vec::new();
        for comment in comments {
            if EXCLUDED.contains(&comment.code) {
                continue;
            }
            let code = code_str(comment.code);
            if !settings.shellcheck_enabled(code) {
                continue;
            }
            let Some(k) = self.prepared.iter().position(|p| p.name == comment.file) else {
                continue;
            };
            let script = &self.prepared[k];
            if starts.is_empty() {
                starts.resize(self.prepared.len(), None);
            }
            let lines = starts[k].get_or_insert_with(|| line_starts(script.text.as_str()));
            let range = map_range(script, lines, comment);
            if !seen.insert((range.start, range.end, comment.code)) {
                continue;
            }
            diagnostics.push(Diagnostic {
                code,
                name: NAME,
                severity: severity(&comment.level),
                message: comment.message.clone(),
                help: None,
                range,
                fix: None,
                related: Vec::new(),
            });
        }
        engine::suppress_external(&self.file, settings, &mut diagnostics);
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diagnostics
    }
}

/// Why ShellCheck gave no findings.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot run `{program}`: {source}")]
    Spawn {
        program: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write ShellCheck's input: {0}")]
    Input(#[source] io::Error),
    #[error("`{program}` ran for more than {seconds} s and was stopped")]
    TimedOut { program: PathBuf, seconds: u64 },
    #[error("`{program}` failed ({status}): {stderr}")]
    Failed {
        program: PathBuf,
        status: String,
        stderr: String,
    },
    #[error("cannot read ShellCheck's report: {0}")]
    Report(#[from] serde_json::Error),
}

/// ShellCheck's findings in `source`, as diagnostics at exact ranges,
/// selected and suppressed as `settings` and the file's comments say.
/// `runner` checks the inputs and returns the `json1` report; it is not
/// called when there is nothing to check.
pub fn lint<E: From<Error>>(
    source: &str,
    settings: &Settings,
    runner: impl FnOnce(&[Input]) -> Result<String, E>,
) -> Result<Vec<Diagnostic>, E> {
    let (scripts, inputs) = Scripts::new(source);
    if inputs.is_empty() {
        return Ok(Vec::new());
    }
    let comments = parse_report(&runner(&inputs)?)?;
    Ok(scripts.diagnostics(settings, &comments))
}

/// hadolint's mapping of ShellCheck levels.
fn severity(level: &str) -> Severity {
    match level {
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        "style" => Severity::Style,
        _ => Severity::Error,
    }
}

/// Where each line of `text` starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The Dockerfile range of a finding: ShellCheck counts lines from the
/// start of the input and columns in characters, from 1. `lines` are the
/// [`line_starts`] of the script's text.
fn map_range(script: &Prepared, lines: &[usize], comment: &Comment) -> TextRange {
    let text = script.text.as_str();
    let offset = |line: usize, column: usize| -> Option<usize> {
        let line = line.checked_sub(script.prefix_lines + 1)?;
        let start = *lines.get(line)?;
        let rest = &text[start..];
        let chars = column.saturating_sub(1);
        let within = match rest.as_bytes().get(..chars) {
            // In ASCII a character is a byte.
            Some(head) if head.is_ascii() => chars,
            _ => rest
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(rest.len()))
                .nth(chars)
                .unwrap_or(rest.len()),
        };
        Some(start + within)
    };
    match (
        offset(comment.line, comment.column),
        offset(comment.end_line, comment.end_column),
    ) {
        (Some(lo), Some(hi)) if lo <= hi => {
            let range = script.text.range(lo, hi);
            if range.start == range.end && lo < hi {
                script.fallback
            } else {
                range
            }
        }
        (Some(lo), _) => script.text.range(lo, lo),
        _ => script.fallback,
    }
}

/// The `shellcheck` program on the `PATH`.
pub fn find_program() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("shellcheck"))
        .find(|p| p.is_file())
}

/// Checks `inputs` with one `shellcheck` process (each input a file in a
/// temporary directory) and returns its `json1` report.
pub fn run(program: &Path, inputs: &[Input]) -> Result<String, Error> {
    run_with_limit(program, inputs, time_limit())
}

/// How long one `shellcheck` process may run: some pathological scripts
/// (thousands of nested `$(…)`) keep it busy for minutes, and a linter in a
/// commit hook or an editor must not hang on them. 20 seconds, or
/// `LAYERLINT_SHELLCHECK_TIMEOUT` seconds.
pub fn time_limit() -> std::time::Duration {
    let seconds = std::env::var("LAYERLINT_SHELLCHECK_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(20);
    std::time::Duration::from_secs(seconds)
}

/// [`run`] with a time limit; a process that runs over it is killed and
/// the batch gives [`Error::TimedOut`].
pub fn run_with_limit(
    program: &Path,
    inputs: &[Input],
    limit: std::time::Duration,
) -> Result<String, Error> {
    let dir = tempfile::tempdir().map_err(Error::Input)?;
    for input in inputs {
        std::fs::write(dir.path().join(&input.name), &input.script).map_err(Error::Input)?;
    }
    // Output goes to files, so a large report cannot fill a pipe while the
    // process is being watched.
    let out_path = dir.path().join(".stdout");
    let err_path = dir.path().join(".stderr");
    let out = std::fs::File::create(&out_path).map_err(Error::Input)?;
    let err = std::fs::File::create(&err_path).map_err(Error::Input)?;
    let spawn_error = |source| Error::Spawn {
        program: program.to_path_buf(),
        source,
    };
    let mut child = std::process::Command::new(program)
        .current_dir(dir.path())
        .args(["--format=json1", "--norc", "--severity=style"])
        .args(inputs.iter().map(|i| i.name.as_str()))
        .stdin(std::process::Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(spawn_error)?;
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(spawn_error)? {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::TimedOut {
                program: program.to_path_buf(),
                seconds: limit.as_secs(),
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let read = |path: &Path| {
        std::fs::read(path)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .map_err(Error::Input)
    };
    // 0: no findings, 1: findings; anything else is a failure.
    match status.code() {
        Some(0 | 1) => read(&out_path),
        _ => Err(Error::Failed {
            program: program.to_path_buf(),
            status: status.to_string(),
            stderr: read(&err_path)?.trim().to_string(),
        }),
    }
}

#[cfg(test)]
mod tests;
