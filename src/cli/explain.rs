//! `layerlint explain`: the layer/cache report of one Dockerfile. For each
//! stage and step, what its cache key depends on and how expensive it is;
//! with `--changed`/`--since`, which steps a change rebuilds.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use super::check::Contexts;
use super::error::CliError;
use super::settings::{ConfigRequest, SettingsSource};
use super::{ExplainArgs, ExplainFormat, Outcome, fs};
use crate::engine::Selection;
use crate::semantic::Stages;
use crate::semantic::context::BuildContext;
use crate::semantic::layers::{ContextInput, Layers, Reason, Step};
use crate::semantic::shell::ShellScripts;
use crate::semantic::vars::{VarModel, VarOptions};
use crate::syntax::{self, Dockerfile, Keyword};

pub fn run(args: &ExplainArgs) -> Result<Outcome, CliError> {
    let request = ConfigRequest {
        config: args.config.clone(),
        no_config: args.no_config,
        context: args.context.clone(),
        build_args: args.build_args.clone(),
        target: None,
        shellcheck: None,
    };
    let source = SettingsSource::new(Selection::default(), false, request)?;
    let settings = source.for_file(Some(&args.dockerfile))?;
    let bytes = fs::read(&args.dockerfile)?;
    let text = String::from_utf8_lossy(&bytes);
    let (dir, explicit) = source.context_for(&args.dockerfile)?;
    let contexts = Contexts::new(args.context.clone());
    let context = contexts.load(&dir, Some(&args.dockerfile), explicit)?;
    let context = context.as_deref();
    let changed = match &args.since {
        Some(reference) => changed_since(&dir, reference)?,
        None => args
            .changed
            .iter()
            .map(|c| relative_to_context(c, context.map_or(dir.as_path(), |c| c.root())))
            .collect(),
    };
    let file = syntax::parse(&text);
    let stages = Stages::new(&file);
    let options = &settings.options;
    let vars = VarModel::new(
        &file,
        &stages,
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
    let shell = ShellScripts::new(&file, &stages);
    let layers = Layers::new(&file, &stages, &vars, &shell, context);
    contexts.after_lint(context);
    let report = Report {
        dockerfile: &args.dockerfile,
        context_dir: &dir,
        file: &file,
        layers: &layers,
        context,
        changed: (args.since.is_some() || !args.changed.is_empty()).then_some(&changed),
    };
    let mut out = Vec::new();
    match args.format {
        ExplainFormat::Text => out.extend(report.text().into_bytes()),
        ExplainFormat::Json => {
            let value = report.json();
            out.extend(
                serde_json::to_string_pretty(&value)
                    .unwrap_or_default()
                    .into_bytes(),
            );
            out.push(b'\n');
        }
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&out)
        .and_then(|()| stdout.flush())
        .map_err(CliError::Output)?;
    Ok(Outcome::Clean)
}

/// A `--changed` path as a context path: absolute paths and paths that
/// exist from the current directory are made relative to the context
/// root; others are taken as context paths already.
fn relative_to_context(path: &str, root: &Path) -> String {
    let clean = |p: &str| {
        p.trim_start_matches("./")
            .trim_end_matches('/')
            .replace('\\', "/")
    };
    let candidate = Path::new(path);
    let absolute = if candidate.is_absolute() {
        Some(candidate.to_path_buf())
    } else if candidate.exists() {
        std::fs::canonicalize(candidate).ok()
    } else {
        None
    };
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if let Some(rel) = absolute.as_deref().and_then(|a| a.strip_prefix(&root).ok()) {
        return clean(&rel.to_string_lossy());
    }
    clean(path)
}

/// Files that differ from `reference` in the git repository holding the
/// context: changed, added, deleted and untracked ones, relative to the
/// context directory.
fn changed_since(dir: &Path, reference: &str) -> Result<Vec<String>, CliError> {
    let git = |args: &[&str]| -> Result<std::process::Output, CliError> {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .map_err(|e| CliError::Usage(format!("--since: cannot run git: {e}")))
    };
    let inside = git(&["rev-parse", "--git-dir"])?;
    if !inside.status.success() {
        return Err(CliError::Usage(format!(
            "--since: `{}` is not in a git repository",
            dir.display()
        )));
    }
    let verify = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{reference}^{{commit}}"),
    ])?;
    if !verify.status.success() {
        return Err(CliError::Usage(format!(
            "--since: `{reference}` is not a commit in the git repository at `{}`",
            dir.display()
        )));
    }
    let mut files: Vec<String> = Vec::new();
    for args in [
        &["diff", "--name-only", "--relative", reference, "--"][..],
        &["ls-files", "--others", "--exclude-standard"][..],
    ] {
        let out = git(args)?;
        if !out.status.success() {
            return Err(CliError::Usage(format!(
                "--since: git {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        files.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    files.sort();
    files.dedup();
    Ok(files)
}

struct Report<'r> {
    dockerfile: &'r Path,
    /// The context directory as the user gave it (or the default).
    context_dir: &'r Path,
    file: &'r Dockerfile<'r>,
    layers: &'r Layers,
    context: Option<&'r BuildContext>,
    changed: Option<&'r Vec<String>>,
}

impl Report<'_> {
    fn verdicts(&self) -> Option<Vec<Option<Reason>>> {
        self.changed
            .map(|changed| self.layers.rebuild(changed, self.context))
    }

    fn instruction(&self, step: &Step) -> String {
        let inst = &self.file.instructions[step.instruction];
        let text = inst.range.slice(self.file.source);
        let line: String = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_end_matches('\\')
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let more = text.lines().nth(1).is_some();
        shorten(&line, 44, more)
    }

    fn stage_label(&self, index: usize) -> String {
        match self
            .layers
            .stages
            .get(index)
            .and_then(|s| s.name.as_deref())
        {
            Some(name) => format!("`{name}`"),
            None => format!("#{index}"),
        }
    }

    /// What the step's key depends on besides the steps before it.
    fn inputs(&self, step: &Step) -> Vec<String> {
        let mut parts = Vec::new();
        for input in &step.context {
            parts.push(files_summary(input));
        }
        for url in &step.urls {
            parts.push(format!("url {url}"));
        }
        for &stage in &step.stages {
            parts.push(format!("stage {}", self.stage_label(stage)));
        }
        if step.keyword == Keyword::From && step.stages.is_empty() {
            let base = self
                .layers
                .stages
                .get(step.stage)
                .and_then(|s| s.base.clone())
                .unwrap_or_default();
            parts.push(format!("image {base}"));
        }
        if !step.args.is_empty() {
            parts.push(format!("args {}", step.args.join(", ")));
        }
        for mount in &step.mounts {
            parts.push(format!("mount {mount}"));
        }
        if step.always {
            parts.push("re-checked every build".to_owned());
        }
        parts
    }

    fn reason_text(&self, reason: &Reason) -> String {
        match reason {
            Reason::Changed { files } => format!("{} changed", list(files, 2)),
            Reason::AlwaysRuns => "re-checked every build".to_owned(),
            Reason::Previous { step } => format!("after line {}", self.layers.steps[*step].line),
            Reason::Stage { stage } => format!("stage {} rebuilt", self.stage_label(*stage)),
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Dockerfile: {}", self.dockerfile.display());
        match self.context {
            Some(ctx) => {
                let ignore = ctx.ignore_path().map_or_else(
                    || "no .dockerignore".to_owned(),
                    |p| {
                        let shown = p.strip_prefix(ctx.root()).unwrap_or(p);
                        format!("ignore file {}", shown.display())
                    },
                );
                let _ = writeln!(out, "Context:    {} ({ignore})", self.context_dir.display());
            }
            None => {
                let _ = writeln!(out, "Context:    (none)");
            }
        }
        if let Some(changed) = self.changed {
            let _ = writeln!(out, "Changed:    {}", list(changed, 5));
        }
        let verdicts = self.verdicts();
        for stage in &self.layers.stages {
            let base = stage.base.as_deref().unwrap_or("?");
            let _ = writeln!(
                out,
                "\nStage {} (FROM {base})",
                self.stage_label(stage.index)
            );
            let rows: Vec<[String; 5]> = stage
                .steps
                .clone()
                .map(|i| {
                    let step = &self.layers.steps[i];
                    let status = match &verdicts {
                        None => String::new(),
                        Some(v) => match &v[i] {
                            None => "cached".to_owned(),
                            Some(reason) => format!("REBUILT ({})", self.reason_text(reason)),
                        },
                    };
                    let inputs = self.inputs(step);
                    [
                        step.line.to_string(),
                        self.instruction(step),
                        step.cost.as_str().to_owned(),
                        if inputs.is_empty() {
                            "-".to_owned()
                        } else {
                            inputs.join("; ")
                        },
                        status,
                    ]
                })
                .collect();
            let headers = [
                "line",
                "step",
                "cost",
                "depends on (and every earlier step)",
                if verdicts.is_some() { "status" } else { "" },
            ];
            let mut widths = headers.map(|h| h.chars().count());
            for row in &rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            let mut line = |cells: [&str; 5]| {
                let mut text = String::from("  ");
                for (i, cell) in cells.iter().enumerate() {
                    let pad = widths[i].saturating_sub(cell.chars().count());
                    if i == 0 {
                        let _ = write!(text, "{}{cell}  ", " ".repeat(pad));
                    } else {
                        let _ = write!(text, "{cell}{}  ", " ".repeat(pad));
                    }
                }
                let _ = writeln!(out, "{}", text.trim_end());
            };
            line(headers);
            for row in &rows {
                line([&row[0], &row[1], &row[2], &row[3], &row[4]]);
            }
        }
        if let Some(verdicts) = &verdicts {
            let rebuilt = verdicts.iter().filter(|v| v.is_some()).count();
            out.push('\n');
            match self.first_miss(verdicts) {
                Some((step, reason)) => {
                    let _ = writeln!(
                        out,
                        "First cache miss: line {} `{}` ({})",
                        step.line,
                        self.instruction(step),
                        self.reason_text(reason)
                    );
                }
                None => {
                    let _ = writeln!(out, "Every step stays cached.");
                }
            }
            let _ = writeln!(
                out,
                "Rebuilt: {rebuilt} of {} steps; cached: {}.",
                verdicts.len(),
                verdicts.len() - rebuilt
            );
        }
        out
    }

    /// The first step rebuilt for a reason of its own (not because of an
    /// earlier step).
    fn first_miss<'v>(&self, verdicts: &'v [Option<Reason>]) -> Option<(&Step, &'v Reason)> {
        verdicts.iter().enumerate().find_map(|(i, v)| match v {
            Some(Reason::Previous { .. }) | None => None,
            Some(reason) => Some((&self.layers.steps[i], reason)),
        })
    }

    fn json(&self) -> Value {
        let verdicts = self.verdicts();
        let stages: Vec<Value> = self
            .layers
            .stages
            .iter()
            .map(|stage| {
                let steps: Vec<Value> = stage
                    .steps
                    .clone()
                    .map(|i| {
                        let step = &self.layers.steps[i];
                        let mut value = json!({
                            "line": step.line,
                            "keyword": step.keyword.as_str(),
                            "instruction": self.instruction(step),
                            "cost": step.cost.as_str(),
                            "context": step.context.iter().map(|c| json!({
                                "source": c.source,
                                "path": c.path,
                                "files": c.files,
                                "excluded": c.excluded,
                                "missing": c.missing,
                            })).collect::<Vec<_>>(),
                            "args": step.args,
                            "mounts": step.mounts,
                            "urls": step.urls,
                            "stages": step.stages,
                            "always": step.always,
                        });
                        if let (Some(v), Some(map)) = (&verdicts, value.as_object_mut()) {
                            map.insert(
                                "status".to_owned(),
                                json!(if v[i].is_some() { "rebuilt" } else { "cached" }),
                            );
                            map.insert("reason".to_owned(), json!(v[i]));
                        }
                        value
                    })
                    .collect();
                json!({
                    "index": stage.index,
                    "name": stage.name,
                    "base": stage.base,
                    "parent": stage.parent,
                    "steps": steps,
                })
            })
            .collect();
        let mut value = json!({
            "dockerfile": self.dockerfile.display().to_string(),
            "context": self.context.map(|c| c.root().display().to_string()),
            "ignore_file": self.context.and_then(|c| c.ignore_path()).map(|p| p.display().to_string()),
            "stages": stages,
        });
        if let (Some(verdicts), Some(map)) = (&verdicts, value.as_object_mut()) {
            let rebuilt = verdicts.iter().filter(|v| v.is_some()).count();
            map.insert("changed".to_owned(), json!(self.changed));
            map.insert(
                "first_miss".to_owned(),
                self.first_miss(verdicts).map_or(Value::Null, |(step, reason)| {
                    json!({"line": step.line, "instruction": self.instruction(step), "reason": reason})
                }),
            );
            map.insert(
                "summary".to_owned(),
                json!({"steps": verdicts.len(), "rebuilt": rebuilt, "cached": verdicts.len() - rebuilt}),
            );
        }
        value
    }
}

fn files_summary(input: &ContextInput) -> String {
    let Some(path) = &input.path else {
        return format!("context {} (unknown)", input.source);
    };
    let what = if path.is_empty() {
        "whole context".to_owned()
    } else {
        path.clone()
    };
    let ignored = if input.excluded > 0 {
        format!(", {} ignored", input.excluded)
    } else {
        String::new()
    };
    match input.files.as_slice() {
        [] if input.missing.is_some() => format!("{what} (missing)"),
        [] => what,
        [one] if one == path => one.clone(),
        files => format!(
            "{what} ({} file{}{ignored})",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        ),
    }
}

fn list(items: &[String], max: usize) -> String {
    let mut shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    let more = items.len().saturating_sub(max);
    let tail = format!("{more} more");
    if more > 0 {
        shown.push(&tail);
    }
    if shown.is_empty() {
        "(nothing)".to_owned()
    } else {
        shown.join(", ")
    }
}

fn shorten(text: &str, max: usize, more: bool) -> String {
    if text.chars().count() > max {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    } else if more {
        format!("{text} …")
    } else {
        text.to_owned()
    }
}
