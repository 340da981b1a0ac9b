//! The shell model of `RUN`.
//!
//! BuildKit joins continuation lines and drops comment lines before the
//! shell sees a `RUN`'s text; heredocs, exec form and `SHELL` change what
//! runs it. This module rebuilds the text the shell reads with a byte map
//! back to the Dockerfile ([`ShellText`]), parses it (plain command lists
//! by hand, the rest with tree-sitter's bash grammar) into a typed model
//! ([`Script`]: commands with their words, assignments, redirects,
//! connectors and constructs), decides which shell
//! runs it ([`ShellTable`]), reads `RUN --mount` ([`RunFlags`]), and offers
//! the helpers rules share: program invocations seen through wrappers
//! ([`Invocation`]), per-program option parsing ([`programs`]) and "is
//! this path removed later" ([`Script::removal_after`]).
//!
//! [`ShellScripts`] holds the models of a file's `RUN`s, each parsed once,
//! on first use.

pub mod dialect;
pub mod dump;
pub mod fsops;
pub mod invocation;
pub mod mounts;
pub mod packages;
pub mod paths;
pub mod pkgcache;
pub mod programs;
pub mod rpm;
pub mod run;
pub mod script;
pub mod text;
pub mod word;

use std::cell::OnceCell;

pub use dialect::{ActiveShell, ShellKind, ShellOrigin, ShellTable};
pub use invocation::Invocation;
pub use mounts::{Mount, MountType, RunFlags};
pub use run::{RunForm, RunScript};
pub use script::{
    Assignment, Command, Connector, Construct, ConstructId, ConstructKind, KEPT_BY_SERVER,
    KEPT_IN_BATCH, Redirect, RedirectOp, Script, keep_parses,
};
pub use text::ShellText;
pub use word::{Parts, ShellWord, WordPart};

use crate::semantic::Stages;
use crate::syntax::{Dockerfile, Keyword};

/// The shell models of a file's `RUN`s, built on first use and kept for
/// the rest of the lint (so every rule shares one parse).
#[derive(Debug)]
pub struct ShellScripts<'f, 'a> {
    file: &'f Dockerfile<'a>,
    shells: ShellTable,
    runs: Vec<OnceCell<Option<RunScript<'a>>>>,
}

impl<'f, 'a> ShellScripts<'f, 'a> {
    /// Decides the shell of every instruction; parses nothing yet.
    pub fn new(file: &'f Dockerfile<'a>, stages: &Stages<'a>) -> Self {
        Self {
            file,
            shells: ShellTable::new(file, stages),
            runs: (0..file.instructions.len())
                .map(|_| OnceCell::new())
                .collect(),
        }
    }

    /// The shell in force at instruction `index`.
    pub fn shell_at(&self, index: usize) -> Option<&ActiveShell> {
        self.shells.at(index)
    }

    /// The model of the `RUN` (or `ONBUILD RUN`) at instruction `index`;
    /// `None` for other instructions.
    pub fn run(&self, index: usize) -> Option<&RunScript<'a>> {
        let cell = self.runs.get(index)?;
        cell.get_or_init(|| {
            let inst = self.file.instructions.get(index)?;
            let shell = self.shells.at(index)?;
            RunScript::new(self.file, inst, shell)
        })
        .as_ref()
    }

    /// The `RUN` at instruction `index` with its text but without its
    /// parsed script ([`RunScript::unparsed`]); not kept.
    pub fn run_unparsed(&self, index: usize) -> Option<RunScript<'a>> {
        let inst = self.file.instructions.get(index)?;
        RunScript::unparsed(self.file, inst, self.shells.at(index)?)
    }

    /// Every `RUN` of the file with its instruction index, in order.
    pub fn runs(&self) -> impl Iterator<Item = (usize, &RunScript<'a>)> {
        self.file
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, inst)| inst.effective().kind == Keyword::Run)
            .filter_map(|(i, _)| self.run(i).map(|r| (i, r)))
    }
}
