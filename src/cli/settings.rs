//! Where each file's [`Settings`] come from: the one place the CLI asks.
//!
//! Today they come from the command line alone. Configuration discovery
//! (`.layerlint.yaml` / `.hadolint.yaml` found by walking up from each file,
//! or `--config`) plugs in at [`SettingsSource::for_file`]: read the nearest
//! config, then apply the command line's selection on top.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::CheckArgs;
use super::error::CliError;
use crate::engine::{Selection, Settings, resolve};

/// The options that configuration files will be combined with.
#[derive(Debug, Clone, Default)]
pub struct ConfigRequest {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--no-config`.
    pub no_config: bool,
    /// `--context DIR`.
    pub context: Option<PathBuf>,
    /// `--build-arg K=V`, in order.
    pub build_args: Vec<(String, String)>,
}

/// Hands out the settings for each linted file. Shared by the threads that
/// lint files in parallel.
#[derive(Debug)]
pub struct SettingsSource {
    /// The command line's rule selection (applied over configuration).
    pub selection: Selection,
    /// `--no-inline-ignores`.
    pub no_inline_ignores: bool,
    pub request: ConfigRequest,
    base: Arc<Settings>,
}

impl SettingsSource {
    /// Settings from the command line. Unknown rule names are errors.
    pub fn from_args(args: &CheckArgs) -> Result<Self, CliError> {
        for (option, names) in [("select", &args.select), ("ignore", &args.ignore)] {
            for name in names.iter().filter(|n| !n.trim().is_empty()) {
                resolve(name).map_err(|source| CliError::Selector { option, source })?;
            }
        }
        let nonempty = |names: &[String]| -> Vec<String> {
            names
                .iter()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect()
        };
        let selection = Selection {
            select: (!args.select.is_empty()).then(|| nonempty(&args.select)),
            extend_select: Vec::new(),
            ignore: nonempty(&args.ignore),
        };
        let request = ConfigRequest {
            config: args.config.clone(),
            no_config: args.no_config,
            context: args.context.clone(),
            build_args: args.build_args.clone(),
        };
        Self::new(selection, args.no_inline_ignores, request)
    }

    pub fn new(
        selection: Selection,
        no_inline_ignores: bool,
        request: ConfigRequest,
    ) -> Result<Self, CliError> {
        let mut base =
            Settings::from_selection(&selection).map_err(|source| CliError::Selector {
                option: "select",
                source,
            })?;
        base.inline_ignores = !no_inline_ignores;
        // Until configuration files land these options are accepted (so
        // scripts can use them already) but change nothing.
        for (given, option) in [
            (request.config.is_some(), "--config"),
            (request.context.is_some(), "--context"),
            (!request.build_args.is_empty(), "--build-arg"),
        ] {
            if given {
                super::warn(&format!(
                    "{option} has no effect yet: this build has no configuration or build-context support"
                ));
            }
        }
        Ok(Self {
            selection,
            no_inline_ignores,
            request,
            base: Arc::new(base),
        })
    }

    /// The settings for one file; `path` is `None` for standard input
    /// without `--stdin-filename`.
    pub fn for_file(&self, path: Option<&Path>) -> Result<Arc<Settings>, CliError> {
        let _ = path;
        Ok(Arc::clone(&self.base))
    }
}
