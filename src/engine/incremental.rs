//! Linting a document again after an edit (the language server's
//! keystroke): the findings of stages the edit cannot affect are kept and
//! moved to where their text now is; only the rest is linted again.
//!
//! A document is cut into segments: the text before the first `FROM`, then
//! one per stage, from its `FROM` to the next. Stages that name one another
//! (`FROM <stage>`, `COPY --from`, `RUN --mount=from=`) are connected; a
//! connected group is a component. A [`Pass::Local`] finding in a stage
//! depends only on the stage's component, the first segment, the `FROM`
//! lines, and the line numbers its message quotes. So while the first
//! segment and the `FROM` lines are unchanged, a stage whose component's
//! segments all have the same text on the same lines keeps its findings.
//! The components that changed are linted again, in a copy of the file
//! without the other stages' instructions (their `FROM`s stay, so stage
//! indices, names and the last stage are what they were). Anything else
//! (a `FROM` line or the first segment edited, other settings or build
//! context, a first lint) lints the whole file. [`Pass::Document`] rules
//! run on the whole file every time, and suppression comments apply to the
//! whole result, exactly as in [`super::lint_in_context`], which this must
//! always agree with (`tests/incremental.rs` checks edit sequences over
//! the corpus).

use std::collections::HashMap;

use super::{Pass, Settings, collect, finish};
use crate::diagnostic::Diagnostic;
use crate::semantic::Stages;
use crate::semantic::context::BuildContext;
use crate::semantic::shell::RunFlags;
use crate::syntax::{Dockerfile, Instruction, Keyword, TextRange};

/// The findings of a document's last lint, for linting its next version.
#[derive(Debug, Default)]
pub struct IncrementalLint {
    state: Option<State>,
}

#[derive(Debug)]
struct State {
    /// Addresses of the settings and build context it was linted with.
    identity: (usize, usize),
    source: String,
    layout: Layout,
    /// The [`Pass::Local`] findings, unsuppressed, by the segment their
    /// range starts in.
    found: Vec<Vec<Diagnostic>>,
    /// How many stages the last lint linted (the others kept their
    /// findings).
    linted: usize,
}

/// Where a document's segments are.
#[derive(Debug)]
struct Layout {
    /// Segment `i` starts at `starts[i]` and ends where the next starts (the
    /// last at the end of the text). Segment 0 is the text before the first
    /// `FROM`; segment `s + 1` is stage `s`.
    starts: Vec<u32>,
    len: u32,
    /// The 0-based line each segment starts on.
    lines: Vec<u32>,
    /// The range of each stage's `FROM` instruction.
    froms: Vec<TextRange>,
    /// Each stage's component, named by its first stage.
    component: Vec<usize>,
}

impl Layout {
    fn new(file: &Dockerfile<'_>, stages: &Stages<'_>) -> Self {
        let froms: Vec<TextRange> = stages
            .stages
            .iter()
            .map(|s| file.instructions[s.from].range)
            .collect();
        let starts: Vec<u32> = std::iter::once(0)
            .chain(froms.iter().map(|r| r.start))
            .collect();
        let lines = starts.iter().map(|&s| file.line_index.line_of(s)).collect();
        Self {
            starts,
            len: u32::try_from(file.source.len()).unwrap_or(u32::MAX),
            lines,
            froms,
            component: components(file, stages),
        }
    }

    fn end(&self, segment: usize) -> u32 {
        self.starts.get(segment + 1).copied().unwrap_or(self.len)
    }

    fn text<'s>(&self, source: &'s str, segment: usize) -> &'s str {
        source
            .get(self.starts[segment] as usize..self.end(segment) as usize)
            .unwrap_or("")
    }

    /// The segment an offset falls in (the end of the text: the last).
    fn segment_of(&self, offset: u32) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The stages of `stage`'s component.
    fn members(&self, stage: usize) -> impl Iterator<Item = usize> + '_ {
        let component = self.component[stage];
        (0..self.component.len()).filter(move |&s| self.component[s] == component)
    }
}

impl IncrementalLint {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets the last lint (the document's settings or build context
    /// changed).
    pub fn clear(&mut self) {
        self.state = None;
    }

    /// Of the last lint: how many stages were linted, of how many.
    pub fn stages_linted(&self) -> Option<(usize, usize)> {
        self.state
            .as_ref()
            .map(|s| (s.linted, s.layout.froms.len()))
    }

    /// Lints `file`, a new version of the document last linted through
    /// this value, with the same findings as
    /// [`lint_in_context`](super::lint_in_context).
    pub fn lint(
        &mut self,
        file: &Dockerfile<'_>,
        settings: &Settings,
        context: Option<&BuildContext>,
    ) -> Vec<Diagnostic> {
        let stages = Stages::new(file);
        let layout = Layout::new(file, &stages);
        let identity = (
            std::ptr::from_ref(settings).addr(),
            context.map_or(0, |c| std::ptr::from_ref(c).addr()),
        );
        let source = file.source;
        let reused = self
            .state
            .take()
            .filter(|old| old.identity == identity && old.same_frame(&layout, source))
            .map(|old| old.reuse(&layout, source));
        // Nothing to reuse: every segment is linted (`relint` does the
        // whole file when the first segment has no findings).
        let mut found = reused.unwrap_or_else(|| vec![None; layout.starts.len()]);
        let linted = relint(file, settings, context, &stages, &layout, &mut found);
        let found: Vec<Vec<Diagnostic>> =
            found.into_iter().map(Option::unwrap_or_default).collect();
        let mut all: Vec<Diagnostic> = found.iter().flatten().cloned().collect();
        all.extend(collect(file, settings, context, Pass::Document));
        self.state = Some(State {
            identity,
            source: source.to_string(),
            layout,
            found,
            linted,
        });
        finish(file, settings, all)
    }
}

impl State {
    /// The text before the first `FROM` and every `FROM` line are as they
    /// were.
    fn same_frame(&self, new: &Layout, source: &str) -> bool {
        let old = &self.layout;
        old.froms.len() == new.froms.len()
            && old.text(&self.source, 0) == new.text(source, 0)
            && old
                .froms
                .iter()
                .zip(&new.froms)
                .all(|(a, b)| self.source.get(a.as_usize()) == source.get(b.as_usize()))
    }

    /// The old findings of every segment that can keep them, moved to the
    /// new offsets; `None` for the stages to lint again.
    fn reuse(self, new: &Layout, source: &str) -> Vec<Option<Vec<Diagnostic>>> {
        let old = &self.layout;
        let unchanged: Vec<bool> = (0..new.starts.len())
            .map(|i| {
                old.lines[i] == new.lines[i] && old.text(&self.source, i) == new.text(source, i)
            })
            .collect();
        let moved = |range: TextRange| -> Option<TextRange> {
            let segment = old.segment_of(range.start);
            if !unchanged[segment] || range.end > old.end(segment) {
                return None;
            }
            let to = i64::from(new.starts[segment]) - i64::from(old.starts[segment]);
            let shift = |at: u32| u32::try_from(i64::from(at) + to).ok();
            Some(TextRange::new(shift(range.start)?, shift(range.end)?))
        };
        let stages = new.froms.len();
        let keep = |segment: usize| {
            segment == 0
                || new.members(segment - 1).eq(old.members(segment - 1))
                    && new.members(segment - 1).all(|s| unchanged[s + 1])
        };
        let mut found: Vec<Option<Vec<Diagnostic>>> = Vec::with_capacity(stages + 1);
        for (segment, diagnostics) in self.found.into_iter().enumerate() {
            let kept = keep(segment)
                .then(|| {
                    diagnostics
                        .into_iter()
                        .map(|d| move_diagnostic(d, &moved))
                        .collect::<Option<Vec<_>>>()
                })
                .flatten();
            found.push(kept);
        }
        found
    }
}

/// Lints again the components of the stages that have no findings yet;
/// returns how many stages it linted.
fn relint(
    file: &Dockerfile<'_>,
    settings: &Settings,
    context: Option<&BuildContext>,
    stages: &Stages<'_>,
    layout: &Layout,
    found: &mut [Option<Vec<Diagnostic>>],
) -> usize {
    if found[0].is_none() {
        // A first lint, or the findings before the first `FROM` could not
        // be kept: lint the whole file (every segment).
        for slot in found.iter_mut() {
            *slot = Some(Vec::new());
        }
        for d in collect(file, settings, context, Pass::Local) {
            if let Some(list) = &mut found[layout.segment_of(d.range.start)] {
                list.push(d);
            }
        }
        return layout.froms.len();
    }
    let mut dirty = vec![false; layout.froms.len()];
    for stage in 0..dirty.len() {
        if found[stage + 1].is_none() {
            for member in layout.members(stage) {
                dirty[member] = true;
            }
        }
    }
    let linted = dirty.iter().filter(|&&d| d).count();
    if linted == 0 {
        return 0;
    }
    let part = Dockerfile {
        source: file.source,
        bom: file.bom,
        escape: file.escape,
        directives: file.directives.clone(),
        instructions: file
            .instructions
            .iter()
            .enumerate()
            .filter(|&(i, inst)| match stages.stage_of[i] {
                None => true,
                Some(s) => dirty[s] || inst.kind == Keyword::From,
            })
            .map(|(_, inst)| inst.clone())
            .collect(),
        comments: file.comments.clone(),
        errors: file.errors.clone(),
        line_index: file.line_index.clone(),
    };
    for (stage, &d) in dirty.iter().enumerate() {
        if d {
            found[stage + 1] = Some(Vec::new());
        }
    }
    for d in collect(&part, settings, context, Pass::Local) {
        let segment = layout.segment_of(d.range.start);
        if segment > 0
            && dirty[segment - 1]
            && let Some(list) = &mut found[segment]
        {
            list.push(d);
        }
    }
    linted
}

/// `d` with every range moved by `moved`; `None` if one cannot be.
fn move_diagnostic(
    mut d: Diagnostic,
    moved: &impl Fn(TextRange) -> Option<TextRange>,
) -> Option<Diagnostic> {
    d.range = moved(d.range)?;
    for related in &mut d.related {
        related.range = moved(related.range)?;
    }
    if let Some(fix) = &mut d.fix {
        for edit in &mut fix.edits {
            edit.range = moved(edit.range)?;
        }
    }
    Some(d)
}

/// Each stage's component (named by its first stage). A stage is joined
/// to every stage its `FROM`, a `COPY --from` or a `RUN --mount=from=` of
/// it (or of its `ONBUILD` triggers) could name, matching names without
/// regard to case; a reference with a variable joins every stage.
fn components(file: &Dockerfile<'_>, stages: &Stages<'_>) -> Vec<usize> {
    let count = stages.stages.len();
    let mut parent: Vec<usize> = (0..count).collect();
    let mut named: HashMap<String, Vec<usize>> = HashMap::new();
    for stage in &stages.stages {
        if let Some(name) = &stage.name {
            named
                .entry(name.value.to_ascii_lowercase())
                .or_default()
                .push(stage.index);
        }
    }
    let mut wild = false;
    for stage in &stages.stages {
        let mut references: Vec<&str> = Vec::new();
        if let Some(base) = &stage.base {
            references.push(&base.value);
        }
        let mounts: Vec<RunFlags<'_>> = file.instructions[stage.from..stage.end]
            .iter()
            .map(Instruction::effective)
            .filter(|inst| inst.kind == Keyword::Run && inst.flag("mount").is_some())
            .map(RunFlags::of)
            .collect();
        for inst in &file.instructions[stage.from..stage.end] {
            if let Some(value) = inst.effective().flag("from").and_then(|f| f.value.as_ref()) {
                references.push(&value.value);
            }
        }
        references.extend(
            mounts
                .iter()
                .flat_map(|flags| &flags.mounts)
                .filter_map(|m| m.from.as_ref())
                .map(|from| &*from.value),
        );
        for reference in references {
            if reference.contains('$') {
                wild = true;
                continue;
            }
            // Every stage the name could mean (rules differ on which of
            // several stages of the same name they take), and the index.
            for &other in named
                .get(&reference.to_ascii_lowercase())
                .map_or(&[][..], Vec::as_slice)
            {
                join(&mut parent, stage.index, other);
            }
            if let Some(other) = stages.resolve(reference, true) {
                join(&mut parent, stage.index, other);
            }
        }
    }
    if wild {
        return vec![0; count];
    }
    (0..count).map(|i| root(&mut parent, i)).collect()
}

/// The representative of `i`'s set (union-find, with path halving).
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Joins the sets of `a` and `b`; the smaller index represents them.
fn join(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (root(parent, a), root(parent, b));
    parent[a.max(b)] = a.min(b);
}
