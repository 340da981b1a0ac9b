//! The layer model: what each instruction's build-cache key depends on, how
//! expensive the step probably is, and what a change rebuilds.
//!
//! BuildKit caches each instruction by its text and flags, the `ARG`/`ENV`
//! values it sees, its parent's key and, for `COPY`/`ADD`, the content of
//! the context files it copies (after `.dockerignore`). Every `ARG`
//! declared in a stage is in the environment of every later `RUN` of that
//! stage, used or not, so its value is part of their keys. A miss
//! invalidates the rest of the stage, and the stages that build on it
//! (`FROM <stage>`) or read from it (`COPY --from`, `RUN --mount=from=`).
//! `ADD <url>` without `--checksum` is checked again on every build.
//!
//! [`Layers::new`] builds the model of a file; [`Layers::rebuild`] says, for
//! a set of changed context files, which steps are rebuilt and why.

pub mod deps;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::semantic::context::sources::Missing;
use crate::semantic::context::{BuildContext, glob_match, is_remote_source};
use crate::semantic::shell::{MountType, RunFlags, ShellScripts};
use crate::semantic::vars::{DefKind, VarModel};
use crate::semantic::{Stage, Stages};
use crate::syntax::{Args, Dockerfile, Instruction, Keyword, Word};

pub use deps::{Install, Manifest};

/// How expensive a step probably is, cheapest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cost {
    /// Image configuration only (`ENV`, `LABEL`, `WORKDIR`, `CMD`…).
    Metadata,
    /// Copies files (`COPY`, local `ADD`).
    Copy,
    /// A command that is none of the below.
    Command,
    /// Fetches from the network (`curl`, `wget`, `git clone`, `ADD <url>`).
    Download,
    /// Compiles (`make`, `go build`, `cargo build`, `npm run build`…).
    Compile,
    /// Installs packages (`apt-get install`, `npm ci`, `pip install`…).
    Install,
}

impl Cost {
    pub const fn as_str(self) -> &'static str {
        match self {
            Cost::Metadata => "metadata",
            Cost::Copy => "copy",
            Cost::Command => "command",
            Cost::Download => "download",
            Cost::Compile => "compile",
            Cost::Install => "install",
        }
    }

    /// Worth keeping cached: installs, compiles and downloads.
    pub fn is_expensive(self) -> bool {
        self >= Cost::Download
    }
}

/// Context files one source of a step reads.
#[derive(Clone, Debug, Serialize)]
pub struct ContextInput {
    /// The source as written.
    pub source: String,
    /// Resolved against the context root (`""`: the whole context); `None`
    /// when the source holds a variable whose value is unknown.
    pub path: Option<String>,
    pub wildcard: bool,
    /// The files it reads (empty without a context).
    pub files: Vec<String>,
    /// How many files or skipped directories `.dockerignore` keeps out.
    pub excluded: usize,
    pub missing: Option<Missing>,
}

/// A stage as the model sees it.
#[derive(Clone, Debug, Serialize)]
pub struct StageInfo {
    pub index: usize,
    pub name: Option<String>,
    /// The image or stage it starts from, as written.
    pub base: Option<String>,
    /// The stage it builds on (`FROM <stage>`).
    pub parent: Option<usize>,
    /// Indices into [`Layers::steps`].
    pub steps: std::ops::Range<usize>,
}

/// One instruction's cache inputs.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// Index in `Dockerfile::instructions`.
    pub instruction: usize,
    pub stage: usize,
    pub keyword: Keyword,
    /// 1-based line of the instruction.
    pub line: u32,
    pub cost: Cost,
    /// Context files read by `COPY`/`ADD` sources and `RUN` bind mounts.
    pub context: Vec<ContextInput>,
    /// Build arguments whose values are part of the key: for `RUN`, every
    /// `ARG` of the stage declared before it; otherwise the ones it uses.
    pub args: Vec<String>,
    /// `RUN --mount`s, as `type:target` (`cache:/root/.npm`).
    pub mounts: Vec<String>,
    pub urls: Vec<String>,
    /// Stages whose result the step reads (`FROM`, `COPY --from`,
    /// `RUN --mount=from=`).
    pub stages: Vec<usize>,
    /// Checked again on every build (`ADD <url>` without `--checksum`).
    pub always: bool,
    /// Manifest-driven dependency installs in a `RUN`.
    #[serde(skip)]
    pub installs: Vec<Install>,
}

/// Why a step is rebuilt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    /// It reads changed context files.
    Changed { files: Vec<String> },
    /// It is checked again on every build.
    AlwaysRuns,
    /// An earlier step of its stage was rebuilt (the step at this index of
    /// [`Layers::steps`]).
    Previous { step: usize },
    /// A stage it builds on or reads from was rebuilt.
    Stage { stage: usize },
}

/// The layer model of a Dockerfile.
#[derive(Clone, Debug, Serialize)]
pub struct Layers {
    pub stages: Vec<StageInfo>,
    pub steps: Vec<Step>,
}

impl Layers {
    pub fn new<'f, 's>(
        file: &'f Dockerfile<'s>,
        stages: &'f Stages<'s>,
        vars: &VarModel<'s>,
        shell: &ShellScripts<'f, 's>,
        context: Option<&BuildContext>,
    ) -> Self {
        let mut layers = Layers {
            stages: Vec::new(),
            steps: Vec::new(),
        };
        for stage in &stages.stages {
            let first = layers.steps.len();
            for index in stage.from..stage.end {
                let step = step(file, stages, stage, vars, shell, context, index);
                layers.steps.push(step);
            }
            layers.stages.push(StageInfo {
                index: stage.index,
                name: stage.name.as_ref().map(|n| n.value.to_string()),
                base: stage.base.as_ref().map(|b| b.value.to_string()),
                parent: parent_stage(stages, stage),
                steps: first..layers.steps.len(),
            });
        }
        layers
    }

    /// The step of instruction `index`.
    pub fn step_of(&self, instruction: usize) -> Option<&Step> {
        self.steps
            .binary_search_by_key(&instruction, |s| s.instruction)
            .ok()
            .map(|i| &self.steps[i])
    }

    /// For each step, `None` when it stays cached, or why it is rebuilt,
    /// when the context files `changed` (relative to the context root,
    /// `/`-separated) differ from the last build. Files `.dockerignore`
    /// keeps out change nothing.
    pub fn rebuild(
        &self,
        changed: &[String],
        context: Option<&BuildContext>,
    ) -> Vec<Option<Reason>> {
        let visible: Vec<&str> = changed
            .iter()
            .map(|c| c.trim_start_matches("./").trim_end_matches('/'))
            .filter(|c| context.is_none_or(|ctx| ctx.excluded_by(c).is_none()))
            .collect();
        let mut verdicts: Vec<Option<Reason>> = vec![None; self.steps.len()];
        let mut stage_rebuilt = vec![false; self.stages.len()];
        for stage in &self.stages {
            let mut previous: Option<usize> = None;
            for i in stage.steps.clone() {
                let step = &self.steps[i];
                let files: Vec<String> = visible
                    .iter()
                    .filter(|c| step.context.iter().any(|input| input.covers(c)))
                    .map(|c| (*c).to_owned())
                    .collect();
                let verdict = if let Some(p) = previous {
                    Some(Reason::Previous { step: p })
                } else if !files.is_empty() {
                    Some(Reason::Changed { files })
                } else if step.always {
                    Some(Reason::AlwaysRuns)
                } else {
                    step.stages
                        .iter()
                        .find(|&&s| stage_rebuilt.get(s).copied().unwrap_or(false))
                        .map(|&s| Reason::Stage { stage: s })
                };
                if verdict.is_some() && previous.is_none() {
                    previous = Some(i);
                }
                verdicts[i] = verdict;
            }
            stage_rebuilt[stage.index] = previous.is_some();
        }
        verdicts
    }
}

impl ContextInput {
    /// Whether a change to `path` (relative to the context root) changes
    /// what this source reads.
    pub fn covers(&self, path: &str) -> bool {
        let Some(source) = &self.path else {
            return false;
        };
        if source.is_empty() {
            return true;
        }
        if !self.wildcard {
            return path == source
                || path
                    .strip_prefix(source.as_str())
                    .is_some_and(|rest| rest.starts_with('/'));
        }
        // A wildcard matching the path or one of its parent directories.
        let mut prefix = path;
        loop {
            if glob_match(source, prefix).unwrap_or(false) {
                return true;
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return false,
            }
        }
    }
}

fn parent_stage(stages: &Stages<'_>, stage: &Stage<'_>) -> Option<usize> {
    let base = stage.base.as_ref()?;
    stages.by_name(&base.value, stage.index).map(|s| s.index)
}

/// The stage a `--from` value names: a stage name or index before `before`.
fn from_stage(stages: &Stages<'_>, value: &str, before: usize) -> Option<usize> {
    if let Ok(n) = value.parse::<usize>() {
        return (n < before).then_some(n);
    }
    stages.by_name(value, before).map(|s| s.index)
}

fn step<'f, 's>(
    file: &'f Dockerfile<'s>,
    stages: &'f Stages<'s>,
    stage: &'f Stage<'s>,
    vars: &VarModel<'s>,
    shell: &ShellScripts<'f, 's>,
    context: Option<&BuildContext>,
    index: usize,
) -> Step {
    let inst = &file.instructions[index];
    let effective = inst.effective();
    let line = file.line_index.line_of(inst.range.start) + 1;
    let mut step = Step {
        instruction: index,
        stage: stage.index,
        keyword: inst.kind,
        line,
        cost: Cost::Metadata,
        context: Vec::new(),
        args: Vec::new(),
        mounts: Vec::new(),
        urls: Vec::new(),
        stages: Vec::new(),
        always: false,
        installs: Vec::new(),
    };
    match inst.kind {
        Keyword::From => {
            step.stages.extend(parent_stage(stages, stage));
            step.args = used_args(vars, index, &inst.args_text.value, true);
        }
        Keyword::Copy | Keyword::Add => {
            step.cost = Cost::Copy;
            step.args = used_args(vars, index, &inst.args_text.value, false);
            copy_inputs(stages, stage, vars, context, inst, index, &mut step);
        }
        Keyword::Run if effective.kind == Keyword::Run => {
            step.args = stage_args(vars, stage, index);
            run_inputs(stages, stage, shell, context, inst, index, &mut step);
        }
        _ => {
            step.args = used_args(vars, index, &inst.args_text.value, false);
        }
    }
    step
}

fn copy_inputs(
    stages: &Stages<'_>,
    stage: &Stage<'_>,
    vars: &VarModel<'_>,
    context: Option<&BuildContext>,
    inst: &Instruction<'_>,
    index: usize,
    step: &mut Step,
) {
    let from = inst.flag("from").and_then(|f| f.value.as_ref());
    if let Some(from) = from {
        step.stages
            .extend(from_stage(stages, &from.value, stage.index));
        return;
    }
    for source in copy_sources(inst) {
        let value = vars
            .expand(index, source)
            .ok()
            .and_then(|e| e.known().map(str::to_owned));
        let Some(value) = value else {
            step.context.push(ContextInput {
                source: source.value.to_string(),
                path: None,
                wildcard: false,
                files: Vec::new(),
                excluded: 0,
                missing: None,
            });
            continue;
        };
        if is_remote_source(&value) {
            step.cost = Cost::Download;
            step.always |= inst.kind == Keyword::Add && inst.flag("checksum").is_none();
            step.urls.push(value);
            continue;
        }
        step.context
            .push(context_input(context, &source.value, &value));
    }
}

/// The `COPY`/`ADD` sources (every path but the destination), heredocs
/// left out.
pub fn copy_sources<'i, 's>(inst: &'i Instruction<'s>) -> &'i [Word<'s>] {
    let Args::Paths { paths, .. } = &inst.args else {
        return &[];
    };
    let sources = paths.split_last().map_or(&[][..], |(_, s)| s);
    let heredoc = sources
        .iter()
        .position(|w| w.value.starts_with("<<"))
        .unwrap_or(sources.len());
    &sources[..heredoc]
}

/// Resolves a source written as `written` with value `value`.
pub fn context_input(context: Option<&BuildContext>, written: &str, value: &str) -> ContextInput {
    let Some(ctx) = context else {
        let clean = value.trim_start_matches('/').trim_start_matches("./");
        let path = if clean == "." { "" } else { clean }.trim_end_matches('/');
        return ContextInput {
            source: written.to_owned(),
            path: Some(path.to_owned()),
            wildcard: crate::semantic::context::contains_wildcards(path),
            files: Vec::new(),
            excluded: 0,
            missing: None,
        };
    };
    match ctx.resolve_source(value) {
        Ok(files) => ContextInput {
            source: written.to_owned(),
            wildcard: files.wildcard,
            files: files.included().map(|e| e.path().to_owned()).collect(),
            excluded: files.excluded().count(),
            missing: files.missing,
            path: Some(files.path.clone()),
        },
        Err(_) => ContextInput {
            source: written.to_owned(),
            path: None,
            wildcard: false,
            files: Vec::new(),
            excluded: 0,
            missing: None,
        },
    }
}

fn run_inputs<'s>(
    stages: &Stages<'s>,
    stage: &Stage<'s>,
    shell: &ShellScripts<'_, 's>,
    context: Option<&BuildContext>,
    inst: &Instruction<'s>,
    index: usize,
    step: &mut Step,
) {
    step.cost = Cost::Command;
    let flags = RunFlags::of(inst.effective());
    for mount in &flags.mounts {
        let target = mount.target.as_ref().map_or("", |t| t.value.as_ref());
        step.mounts
            .push(format!("{}:{target}", mount_type_name(mount.kind)));
        if let Some(from) = &mount.from {
            step.stages
                .extend(from_stage(stages, &from.value, stage.index));
        } else if mount.kind == MountType::Bind {
            let source = mount.source.as_ref().map_or(".", |s| s.value.as_ref());
            step.context.push(context_input(context, source, source));
        }
    }
    if let Some(script) = shell.run(index).and_then(|r| r.script.as_ref()) {
        for inv in script.invocations() {
            step.cost = step.cost.max(command_cost(&inv));
        }
        step.installs = deps::installs(script);
    }
}

fn mount_type_name(kind: MountType) -> &'static str {
    match kind {
        MountType::Bind => "bind",
        MountType::Cache => "cache",
        MountType::Tmpfs => "tmpfs",
        MountType::Secret => "secret",
        MountType::Ssh => "ssh",
    }
}

/// Programs and the first operand that make a command of a cost class
/// (no operands listed: any; `""`: no operand at all), checked in order.
const COSTS: &[(&[&str], &[&str], Cost)] = &[
    (
        &["apt-get", "apt", "aptitude"],
        &["install", "upgrade", "dist-upgrade"],
        Cost::Install,
    ),
    (&["apk"], &["add", "upgrade"], Cost::Install),
    (
        &["yum", "dnf", "microdnf", "tdnf"],
        &["install", "upgrade", "update"],
        Cost::Install,
    ),
    (
        &["zypper"],
        &["install", "in", "update", "up"],
        Cost::Install,
    ),
    (
        &["pip", "pip3", "pip2", "pipx", "gem"],
        &["install"],
        Cost::Install,
    ),
    (
        &["npm", "pnpm"],
        &["install", "i", "ci", "add"],
        Cost::Install,
    ),
    (&["yarn"], &["", "install", "add"], Cost::Install),
    (&["bundle", "bundler"], &["install"], Cost::Install),
    (
        &["composer"],
        &["install", "require", "update"],
        Cost::Install,
    ),
    (
        &["conda", "mamba", "micromamba"],
        &["install", "create", "env"],
        Cost::Install,
    ),
    (&["poetry", "pipenv"], &["install", "sync"], Cost::Install),
    (&["uv"], &["sync", "pip"], Cost::Install),
    (&["go"], &["mod", "get", "install"], Cost::Install),
    (&["cargo"], &["fetch", "install"], Cost::Install),
    (&["dotnet"], &["restore"], Cost::Install),
    (&["mix"], &["deps.get"], Cost::Install),
    (
        &["choco", "winget", "brew", "pacman", "emerge", "port"],
        &[],
        Cost::Install,
    ),
    (&["go", "cargo"], &["build", "test", "vet"], Cost::Compile),
    (&["dotnet"], &["build", "publish"], Cost::Compile),
    (&["npm", "yarn", "pnpm"], &["run", "build"], Cost::Compile),
    (&["mix"], &["compile", "release"], Cost::Compile),
    (
        &[
            "make",
            "cmake",
            "ninja",
            "gcc",
            "g++",
            "cc",
            "clang",
            "javac",
            "rustc",
            "tsc",
            "msbuild",
            "configure",
            "bazel",
            "scons",
            "meson",
            "mvn",
            "mvnw",
            "gradle",
            "gradlew",
            "sbt",
            "lein",
        ],
        &[],
        Cost::Compile,
    ),
    (&["curl", "wget", "aria2c"], &[], Cost::Download),
    (&["git"], &["clone", "fetch", "pull"], Cost::Download),
];

/// The cost class of one command.
fn command_cost(inv: &crate::semantic::shell::Invocation<'_, '_>) -> Cost {
    let args: Vec<&str> = inv
        .args
        .iter()
        .filter_map(|w| w.static_value())
        .filter(|a| !a.starts_with('-'))
        .collect();
    let program = inv.program();
    if matches!(program, "mvn" | "mvnw") && args.iter().any(|a| a.starts_with("dependency:")) {
        return Cost::Install;
    }
    let first = args.first().copied().unwrap_or("");
    COSTS
        .iter()
        .find(|(programs, firsts, _)| {
            programs.contains(&program) && (firsts.is_empty() || firsts.contains(&first))
        })
        .map_or(Cost::Command, |&(_, _, cost)| cost)
}

/// `ARG`s of the stage declared before instruction `index`: all of them
/// are in a `RUN`'s environment.
fn stage_args(vars: &VarModel<'_>, stage: &Stage<'_>, index: usize) -> Vec<String> {
    let mut names = BTreeSet::new();
    for (name, binding) in vars.definitions() {
        let Some(site) = binding.origin.site else {
            continue;
        };
        let is_arg = matches!(
            binding.origin.kind,
            DefKind::Arg | DefKind::RedeclaredGlobal { .. }
        );
        if is_arg && site.instruction > stage.from && site.instruction < index {
            names.insert(name.to_owned());
        }
    }
    names.into_iter().collect()
}

/// `ARG`s an instruction's text refers to (`$NAME`, `${NAME…}`).
fn used_args(vars: &VarModel<'_>, index: usize, text: &str, global: bool) -> Vec<String> {
    let mut names = BTreeSet::new();
    for name in referenced_names(text) {
        let Some(binding) = vars.lookup(index, name) else {
            continue;
        };
        let wanted = if global {
            matches!(binding.origin.kind, DefKind::GlobalArg)
        } else {
            matches!(
                binding.origin.kind,
                DefKind::Arg | DefKind::RedeclaredGlobal { .. }
            )
        };
        if wanted {
            names.insert(name.to_owned());
        }
    }
    names.into_iter().collect()
}

/// The variable names `$NAME` and `${NAME…}` in a text.
pub fn referenced_names(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(dollar) = text.get(i..).and_then(|rest| rest.find('$')) {
            i += dollar + 1;
            let braced = bytes.get(i) == Some(&b'{');
            if braced {
                i += 1;
            }
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if i > start && !bytes[start].is_ascii_digit() {
                return Some(&text[start..i]);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests;
