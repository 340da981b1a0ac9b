//! Build stages: each `FROM` starts one; instructions before the first
//! `FROM` (global `ARG`s, directives) belong to none.

use crate::syntax::{Args, Dockerfile, Instruction, Keyword, Word};

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

    /// The stage named `name` (case-insensitive) defined before stage `before`.
    pub fn by_name(&self, name: &str, before: usize) -> Option<&Stage<'s>> {
        self.stages[..before.min(self.stages.len())]
            .iter()
            .rev()
            .find(|s| {
                s.name
                    .as_ref()
                    .is_some_and(|n| n.value.eq_ignore_ascii_case(name))
            })
    }
}
