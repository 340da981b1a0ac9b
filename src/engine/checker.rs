//! The context a rule runs in: the file, the settings, the stages, and the
//! list the rule reports into.

use super::rule::{RuleMeta, Violation};
use super::settings::Settings;
use crate::diagnostic::{Diagnostic, Related};
use crate::fix::Fix;
use crate::semantic::{Stage, Stages};
use crate::syntax::{Dockerfile, TextRange};

#[derive(Debug)]
pub struct Checker<'f, 's> {
    pub file: &'f Dockerfile<'s>,
    pub settings: &'f Settings,
    pub stages: &'f Stages<'s>,
    /// Index of the instruction being visited (for ONBUILD, the outer one).
    pub(crate) index: usize,
    pub(crate) rule: Option<&'static RuleMeta>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'f, 's> Checker<'f, 's> {
    pub(crate) fn new(
        file: &'f Dockerfile<'s>,
        settings: &'f Settings,
        stages: &'f Stages<'s>,
    ) -> Self {
        Self {
            file,
            settings,
            stages,
            index: 0,
            rule: None,
            diagnostics: Vec::new(),
        }
    }

    pub fn source(&self) -> &'s str {
        self.file.source
    }

    /// Index of the visited instruction in `file.instructions`.
    pub fn instruction_index(&self) -> usize {
        self.index
    }

    /// The stage of the visited instruction.
    pub fn stage(&self) -> Option<&'f Stage<'s>> {
        let stages: &'f Stages<'s> = self.stages;
        stages
            .stage_of
            .get(self.index)
            .copied()
            .flatten()
            .and_then(|i| stages.stages.get(i))
    }

    /// Reports a violation at `range`; returns the diagnostic so a fix or
    /// related locations can be attached.
    #[allow(clippy::needless_pass_by_value)] // violations are built at the call
    pub fn report<V: Violation>(&mut self, violation: V, range: TextRange) -> &mut Diagnostic {
        let meta = V::meta();
        let severity = self.settings.severity_of(meta);
        self.diagnostics.push(Diagnostic {
            code: meta.code,
            name: meta.name,
            severity,
            message: violation.message(),
            help: violation.help(),
            range,
            fix: None,
            related: Vec::new(),
        });
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }
}

impl Diagnostic {
    /// Attaches a fix.
    pub fn with_fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }

    /// Attaches a related location.
    pub fn with_related(&mut self, range: TextRange, message: impl Into<String>) -> &mut Self {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }
}
