//! Build stages: each `FROM` starts one; instructions before the first
//! `FROM` (global `ARG`s, directives) belong to none.
//!
//! [`Stages`] is what the text says; [`StageGraph`] adds what BuildKit
//! makes of it once variables are expanded: what each stage is built on,
//! which stages it reads from (`FROM <stage>`, `COPY --from`,
//! `RUN --mount=from=`), which stage is the image (`--target` or the last)
//! and which stages that image does not need.

use super::shell::RunFlags;
use super::vars::{StageVars, VarModel};
use crate::syntax::{Args, Dockerfile, Instruction, Keyword, TextRange, Word};

/// One build stage.
#[derive(Debug)]
pub struct Stage<'s> {
    pub index: usize,
    /// Index of its `FROM` in [`Dockerfile::instructions`].
    pub from: usize,
    /// One past the index of its last instruction.
    pub end: usize,
    /// The base image or stage reference as written.
    pub base: Option<Word<'s>>,
    /// `AS name` as written.
    pub name: Option<Word<'s>>,
}

impl Stage<'_> {
    /// The name as BuildKit compares it (lower case).
    pub fn name_lower(&self) -> Option<String> {
        self.name.as_ref().map(|n| n.value.to_lowercase())
    }
}

#[derive(Debug, Default)]
pub struct Stages<'s> {
    pub stages: Vec<Stage<'s>>,
    /// The stage of each instruction (by index), `None` before the first `FROM`.
    pub stage_of: Vec<Option<usize>>,
}

impl<'s> Stages<'s> {
    pub fn new(file: &Dockerfile<'s>) -> Self {
        let mut stages: Vec<Stage<'s>> = Vec::new();
        let mut stage_of = Vec::with_capacity(file.instructions.len());
        for (i, inst) in file.instructions.iter().enumerate() {
            if inst.kind == Keyword::From {
                if let Some(last) = stages.last_mut() {
                    last.end = i;
                }
                let words = match &inst.args {
                    Args::Words { words } => words.as_slice(),
                    _ => &[],
                };
                let name = match words {
                    [_, as_kw, name] if as_kw.value.eq_ignore_ascii_case("as") => {
                        Some(name.clone())
                    }
                    _ => None,
                };
                stages.push(Stage {
                    index: stages.len(),
                    from: i,
                    end: file.instructions.len(),
                    base: words.first().cloned(),
                    name,
                });
            }
            stage_of.push(stages.len().checked_sub(1));
        }
        Self { stages, stage_of }
    }

    /// Instructions of `kind` that a later one of the same kind in the same
    /// stage overrides (`CMD`, `ENTRYPOINT`, `HEALTHCHECK`), each with the
    /// one that takes effect. `ONBUILD` triggers are not counted.
    pub fn overridden<'f>(
        &self,
        file: &'f Dockerfile<'s>,
        kind: Keyword,
    ) -> Vec<(&'f Instruction<'s>, &'f Instruction<'s>)> {
        let mut pairs = Vec::new();
        for stage in &self.stages {
            let found: Vec<_> = file.instructions[stage.from..stage.end]
                .iter()
                .filter(|i| i.kind == kind)
                .collect();
            if let Some((last, earlier)) = found.split_last() {
                pairs.extend(earlier.iter().map(|&inst| (inst, *last)));
            }
        }
        pairs
    }

    /// The stage a `COPY --from` or `RUN --mount=from=` value names, as
    /// BuildKit resolves it: a stage name (ignoring case, any stage of the
    /// file), else for `COPY` (`index_allowed`) a decimal stage index.
    /// `None`: the value names an image.
    pub fn resolve(&self, reference: &str, index_allowed: bool) -> Option<usize> {
        if index_allowed && let Some(index) = parse_index(reference) {
            return (index < self.stages.len()).then_some(index);
        }
        self.stages
            .iter()
            .rev()
            .find(|s| {
                s.name
                    .as_ref()
                    .is_some_and(|n| n.value.eq_ignore_ascii_case(reference))
            })
            .map(|s| s.index)
    }

    /// The stage a `FROM <name>` in stage `before` is built on, as BuildKit
    /// resolves it: BuildKit records stage names in lower case and looks the
    /// `FROM` value up as written, so `FROM build` finds `AS Build` but
    /// `FROM Build` finds nothing (and is taken for an image).
    pub fn by_name(&self, name: &str, before: usize) -> Option<&Stage<'s>> {
        self.stages[..before.min(self.stages.len())]
            .iter()
            .rev()
            .find(|s| {
                s.name.as_ref().is_some_and(|n| {
                    n.value.eq_ignore_ascii_case(name) && n.value.to_lowercase() == name
                })
            })
    }
}

/// A decimal stage index as Go's `strconv.Atoi` reads it (an optional sign,
/// then ASCII digits); a negative one is never a stage.
fn parse_index(text: &str) -> Option<usize> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if let Some(negative) = digits.strip_prefix('-') {
        return (!negative.is_empty() && negative.bytes().all(|b| b.is_ascii_digit()))
            .then_some(usize::MAX);
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse().unwrap_or(usize::MAX))
}

/// What a stage is built on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`.
    Scratch,
    /// An earlier stage (`FROM build`).
    Stage(usize),
    /// An image, with the reference as expanded (`node:${V}` with
    /// `ARG V=20` is `node:20`).
    Image(String),
    /// The reference could not be expanded to a known value; `display`
    /// shows unknown parts as `${NAME}`.
    Unknown { display: String },
    /// `FROM` without an argument.
    Missing,
}

/// How one stage uses another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// `FROM <stage>`.
    From,
    /// `COPY --from=<stage|index>`.
    CopyFrom,
    /// `RUN --mount=from=<stage>`.
    MountFrom,
}

/// Stage `stage` uses stage `uses`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub stage: usize,
    pub uses: usize,
    pub kind: EdgeKind,
    /// The instruction (index in [`Dockerfile::instructions`]).
    pub instruction: usize,
    /// The reference as written (the `FROM` word, the flag value).
    pub range: TextRange,
}

/// The stages as BuildKit builds them.
#[derive(Debug, Default)]
pub struct StageGraph {
    /// What each stage is built on, by stage index.
    pub bases: Vec<Base>,
    /// Each stage's `--platform`, expanded when its value is known.
    pub platforms: Vec<Option<String>>,
    /// Every use of a stage by another, in source order.
    pub edges: Vec<Edge>,
    /// The stage that becomes the image: `--target` (by name, ignoring case)
    /// or the last one. `None` when there is no stage or `--target` names
    /// none.
    pub target: Option<usize>,
    /// Whether building the target needs each stage (all `true` when the
    /// target is not known).
    reachable: Vec<bool>,
}

impl StageGraph {
    /// Builds the graph. `target` is `--target` (`None`: the last stage).
    pub fn new(
        file: &Dockerfile<'_>,
        stages: &Stages<'_>,
        vars: &VarModel<'_>,
        target: Option<&str>,
    ) -> Self {
        let count = stages.stages.len();
        let mut graph = StageGraph {
            bases: Vec::with_capacity(count),
            platforms: Vec::with_capacity(count),
            ..StageGraph::default()
        };
        for stage in &stages.stages {
            let stage_vars = vars.stage(stage.index);
            let expanded = stage_vars.and_then(|v| v.base()).map(|r| match r {
                Ok(e) => (e.known().map(str::to_string), e.display().to_string()),
                Err(_) => (None, String::new()),
            });
            let base = match (stage_vars.and_then(StageVars::parent_stage), expanded) {
                (Some(parent), _) => Base::Stage(parent),
                (None, None) => Base::Missing,
                (None, Some((Some(known), _))) if known.eq_ignore_ascii_case("scratch") => {
                    Base::Scratch
                }
                (None, Some((Some(known), _))) => Base::Image(known),
                (None, Some((None, display))) => Base::Unknown { display },
            };
            if let (Base::Stage(parent), Some(word)) = (&base, &stage.base) {
                graph.edges.push(Edge {
                    stage: stage.index,
                    uses: *parent,
                    kind: EdgeKind::From,
                    instruction: stage.from,
                    range: word.range,
                });
            }
            graph.bases.push(base);
            graph.platforms.push(
                stage_vars
                    .and_then(|v| v.platform())
                    .and_then(|r| r.as_ref().ok())
                    .and_then(|e| e.known().map(str::to_string)),
            );
        }
        for (index, inst) in file.instructions.iter().enumerate() {
            let Some(stage) = stages.stage_of.get(index).copied().flatten() else {
                continue;
            };
            for (uses, kind, range) in stage_references(stages, inst) {
                graph.edges.push(Edge {
                    stage,
                    uses,
                    kind,
                    instruction: index,
                    range,
                });
            }
        }
        graph.target = match target {
            Some(name) => stages
                .stages
                .iter()
                .find(|s| {
                    s.name
                        .as_ref()
                        .is_some_and(|n| n.value.eq_ignore_ascii_case(name))
                })
                .map(|s| s.index),
            None => count.checked_sub(1),
        };
        graph.reachable = match graph.target {
            None => vec![true; count],
            Some(target) => {
                let mut seen = vec![false; count];
                let mut todo = vec![target];
                while let Some(stage) = todo.pop() {
                    if std::mem::replace(&mut seen[stage], true) {
                        continue;
                    }
                    todo.extend(
                        graph
                            .edges
                            .iter()
                            .filter(|e| e.stage == stage && e.uses < count)
                            .map(|e| e.uses),
                    );
                }
                seen
            }
        };
        graph
    }

    /// Whether building the target needs stage `stage`.
    pub fn is_reachable(&self, stage: usize) -> bool {
        self.reachable.get(stage).copied().unwrap_or(true)
    }

    /// The stages the target does not need, in order.
    pub fn unreachable(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.reachable.len()).filter(|&s| !self.reachable[s])
    }

    /// The stages that stage `stage` uses directly, each once, in order.
    pub fn uses(&self, stage: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for edge in self.edges.iter().filter(|e| e.stage == stage) {
            if !out.contains(&edge.uses) {
                out.push(edge.uses);
            }
        }
        out
    }
}

/// The stages a `COPY --from` or `RUN --mount=from=` of `inst` refers to.
/// `ONBUILD` triggers run only in a child build, so they add no edge.
fn stage_references(
    stages: &Stages<'_>,
    inst: &Instruction<'_>,
) -> Vec<(usize, EdgeKind, TextRange)> {
    let mut out = Vec::new();
    match inst.kind {
        Keyword::Copy => {
            if let Some(value) = inst.flag("from").and_then(|f| f.value.as_ref())
                && let Some(uses) = stages.resolve(&value.value, true)
            {
                out.push((uses, EdgeKind::CopyFrom, value.range));
            }
        }
        Keyword::Run => {
            for mount in RunFlags::of(inst).mounts {
                if let Some(from) = &mount.from
                    && let Some(uses) = stages.resolve(&from.value, false)
                {
                    out.push((uses, EdgeKind::MountFrom, from.range));
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Base, EdgeKind, StageGraph, Stages};
    use crate::semantic::vars::{VarModel, VarOptions};
    use crate::syntax;

    fn graph(source: &str, target: Option<&str>, args: &[(&str, &str)]) -> StageGraph {
        let file = syntax::parse(source);
        let stages = Stages::new(&file);
        let options = VarOptions {
            build_args: args
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
            target: target.map(str::to_string),
            ..VarOptions::default()
        };
        let vars = VarModel::new(&file, &stages, &options);
        StageGraph::new(&file, &stages, &vars, target)
    }

    #[test]
    fn bases_use_expanded_values() {
        let g = graph(
            "ARG V=20\nARG IMAGE\nFROM node:${V} AS Build\nFROM build\nFROM scratch\nFROM ${IMAGE}\nFROM $EMPTY\n",
            None,
            &[],
        );
        assert_eq!(
            g.bases,
            [
                Base::Image("node:20".to_string()),
                Base::Stage(0),
                Base::Scratch,
                Base::Unknown {
                    display: "${IMAGE}".to_string()
                },
                Base::Image(String::new()),
            ]
        );
        // BuildKit looks `FROM` values up as written among lower-cased names.
        let g = graph("FROM alpine AS Build\nFROM build\nFROM Build\n", None, &[]);
        assert_eq!(
            g.bases,
            [
                Base::Image("alpine".to_string()),
                Base::Stage(0),
                Base::Image("Build".to_string()),
            ]
        );
        let g = graph("ARG V=20\nFROM node:${V}\n", None, &[("V", "latest")]);
        assert_eq!(g.bases, [Base::Image("node:latest".to_string())]);
    }

    #[test]
    fn edges_resolve_names_ignoring_case_and_indices() {
        let g = graph(
            "FROM alpine AS Deps\nFROM alpine AS tools\n\
             FROM deps AS build\nCOPY --from=TOOLS /a /a\nCOPY --from=0 /b /b\n\
             RUN --mount=type=bind,from=Tools,target=/t true\n\
             COPY --from=nginx:1 /c /c\nCOPY --from=7 /d /d\n",
            None,
            &[],
        );
        let edges: Vec<_> = g.edges.iter().map(|e| (e.stage, e.uses, e.kind)).collect();
        assert_eq!(
            edges,
            [
                (2, 0, EdgeKind::From),
                (2, 1, EdgeKind::CopyFrom),
                (2, 0, EdgeKind::CopyFrom),
                (2, 1, EdgeKind::MountFrom),
            ]
        );
        assert_eq!(g.uses(2), [0, 1]);
    }

    #[test]
    fn target_and_unreachable_stages() {
        let source = "FROM alpine AS base\nFROM base AS build\nFROM alpine AS lint\n\
                      FROM alpine AS final\nCOPY --from=build /app /app\n";
        let g = graph(source, None, &[]);
        assert_eq!(g.target, Some(3));
        assert_eq!(g.unreachable().collect::<Vec<_>>(), [2]);
        let g = graph(source, Some("LINT"), &[]);
        assert_eq!(g.target, Some(2));
        assert_eq!(g.unreachable().collect::<Vec<_>>(), [0, 1, 3]);
        let g = graph(source, Some("nope"), &[]);
        assert_eq!(g.target, None);
        assert_eq!(g.unreachable().count(), 0);
        assert!(g.is_reachable(2));
    }

    #[test]
    fn platforms_are_expanded() {
        let g = graph(
            "ARG P=linux/arm64\nFROM --platform=$P alpine\nFROM --platform=$BUILDPLATFORM alpine\nFROM alpine\n",
            None,
            &[],
        );
        assert_eq!(g.platforms, [Some("linux/arm64".to_string()), None, None]);
    }
}
