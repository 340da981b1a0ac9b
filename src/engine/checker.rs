//! The context a rule runs in: the file, the settings, the stages, the
//! semantic models (built on first use and shared by every rule), and the
//! list the rule reports into.

use std::cell::OnceCell;

use super::rule::{RuleMeta, Violation};
use super::settings::Settings;
use crate::diagnostic::{Diagnostic, Related};
use crate::fix::Fix;
use crate::semantic::context::BuildContext;
use crate::semantic::layers::Layers;
use crate::semantic::shell::ShellScripts;
use crate::semantic::vars::{VarModel, VarOptions};
use crate::semantic::{Stage, StageGraph, Stages};
use crate::syntax::{Dockerfile, TextRange};

/// The models rules share, each built the first time a rule asks for it.
#[derive(Debug, Default)]
pub(crate) struct Models<'f, 's> {
    vars: OnceCell<VarModel<'s>>,
    shell: OnceCell<ShellScripts<'f, 's>>,
    layers: OnceCell<Layers>,
    graph: OnceCell<StageGraph>,
}

#[derive(Debug)]
pub struct Checker<'f, 's> {
    pub file: &'f Dockerfile<'s>,
    pub settings: &'f Settings,
    pub stages: &'f Stages<'s>,
    /// The build context, when the caller gave one (the CLI and the
    /// language server do; linting a bare text does not).
    context: Option<&'f BuildContext>,
    models: &'f Models<'f, 's>,
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
        context: Option<&'f BuildContext>,
        models: &'f Models<'f, 's>,
    ) -> Self {
        Self {
            file,
            settings,
            stages,
            context,
            models,
            index: 0,
            rule: None,
            diagnostics: Vec::new(),
        }
    }

    pub fn source(&self) -> &'s str {
        self.file.source
    }

    /// The ARG/ENV model of the file, with the configured build arguments
    /// and target.
    pub fn vars(&self) -> &'f VarModel<'s> {
        self.models.vars.get_or_init(|| {
            let options = &self.settings.options;
            VarModel::new(
                self.file,
                self.stages,
                &VarOptions {
                    build_args: options
                        .build_args
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    target: options.target.clone(),
                    ..VarOptions::default()
                },
            )
        })
    }

    /// The stage graph: bases as expanded, `FROM`/`COPY --from`/
    /// `RUN --mount=from=` edges, the target stage (`--target` or the last)
    /// and the stages it does not need.
    pub fn graph(&self) -> &'f StageGraph {
        self.models.graph.get_or_init(|| {
            StageGraph::new(
                self.file,
                self.stages,
                self.vars(),
                self.settings.options.target.as_deref(),
            )
        })
    }

    /// The shell models of the file's `RUN`s (each parsed on first use).
    pub fn shell(&self) -> &'f ShellScripts<'f, 's> {
        self.models
            .shell
            .get_or_init(|| ShellScripts::new(self.file, self.stages))
    }

    /// The layer model: each instruction's cache inputs and cost (built on
    /// first use, with the build context when there is one).
    pub fn layers(&self) -> &'f Layers {
        self.models.layers.get_or_init(|| {
            Layers::new(
                self.file,
                self.stages,
                self.vars(),
                self.shell(),
                self.context,
            )
        })
    }

    /// The build context, if the caller gave one.
    pub fn context(&self) -> Option<&'f BuildContext> {
        self.context
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
