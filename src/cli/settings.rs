//! Where each file's [`Settings`] come from: the one place the CLI asks.
//!
//! The nearest configuration file (`.layerlint.yaml`, else `.hadolint.yaml`,
//! found by walking up from each file; or `--config`; none with
//! `--no-config`), with the command line's options applied on top.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use super::CheckArgs;
use super::error::CliError;
use crate::config::{self, Config, ConfigCache, Discovery, Overrides};
use crate::diagnostic::Severity;
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
    /// `--target NAME`.
    pub target: Option<String>,
    /// `--shellcheck`.
    pub shellcheck: Option<crate::shellcheck::Mode>,
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
    overrides: Overrides,
    cache: ConfigCache,
    /// The settings made so far, by configuration and per-file ignores.
    settings: Mutex<SettingsByConfig>,
    /// The configuration for each directory of a linted file, as the
    /// file's path names it: the files of a directory share it, and making
    /// each path absolute to look it up again was a measurable part of a
    /// run over many small files.
    by_parent: Mutex<HashMap<OsString, Arc<Config>>>,
    /// Configuration files whose warnings were printed.
    warned: Mutex<HashSet<PathBuf>>,
    /// The current directory, read once: relative paths are made absolute
    /// against it for every file of a run.
    cwd: Option<PathBuf>,
}

type SettingsByConfig = HashMap<(usize, Vec<String>), (Arc<Config>, Arc<Settings>)>;

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
            target: args.target.clone(),
            shellcheck: args.shellcheck,
        };
        Self::new(selection, args.no_inline_ignores, request)
    }

    pub fn new(
        selection: Selection,
        no_inline_ignores: bool,
        request: ConfigRequest,
    ) -> Result<Self, CliError> {
        let cache = if request.no_config {
            ConfigCache::fixed(Config::default())
        } else if let Some(path) = &request.config {
            ConfigCache::fixed(config::load(path)?)
        } else {
            ConfigCache::new(Discovery::from_env())
        };
        let overrides = Overrides {
            select: selection.select.clone(),
            extend_select: selection.extend_select.clone(),
            ignore: selection.ignore.clone(),
            severity_threshold: None,
            no_inline_ignores,
            build_args: request.build_args.clone(),
            context: request.context.clone(),
            target: request.target.clone(),
            shellcheck: request.shellcheck,
        };
        let source = Self {
            selection,
            no_inline_ignores,
            request,
            overrides,
            cache,
            settings: Mutex::default(),
            by_parent: Mutex::default(),
            warned: Mutex::new(HashSet::new()),
            cwd: std::env::current_dir().ok(),
        };
        // Validate the configuration that applies here up front, so a broken
        // file is reported once and before any linting.
        source.for_file(None)?;
        Ok(source)
    }

    /// The settings for one file; `path` is `None` for standard input
    /// without `--stdin-filename` (configuration is then looked up from the
    /// current directory).
    pub fn for_file(&self, path: Option<&Path>) -> Result<Arc<Settings>, CliError> {
        let config = self.config_for(path)?;
        let ignored = path.map_or_else(Vec::new, |p| config.per_file_ignored(p));
        // Files under one configuration (with the same per-file ignores)
        // share their settings. The key is the configuration's address:
        // the entry holds the configuration, so the address stays its own.
        let key = (Arc::as_ptr(&config) as usize, ignored);
        let lock = || self.settings.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, settings)) = lock().get(&key) {
            return Ok(Arc::clone(settings));
        }
        let settings = Arc::new(config.build_settings(&self.overrides, &key.1)?);
        lock().insert(key, (config, Arc::clone(&settings)));
        Ok(settings)
    }

    /// The build context for a Dockerfile at `path`: `--context`, else the
    /// configuration's `context`, else the Dockerfile's directory. The flag
    /// is `true` when the user named the directory (a context that cannot
    /// be read is then an error, not a warning).
    pub fn context_for(&self, path: &Path) -> Result<(PathBuf, bool), CliError> {
        if let Some(dir) = &self.request.context {
            return Ok((dir.clone(), true));
        }
        let config = self.config_for(Some(path))?;
        if let Some(dir) = config.effective_context(&self.overrides) {
            return Ok((dir, true));
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok((dir, false))
    }

    /// The failure threshold a configuration file sets for the current
    /// directory (or `--config`), if any.
    pub fn config_threshold(&self) -> Option<Severity> {
        self.config_for(None).ok()?.severity_threshold()
    }

    fn config_for(&self, path: Option<&Path>) -> Result<Arc<Config>, CliError> {
        let config = match path {
            Some(p) => {
                let parent = p.parent().unwrap_or_else(|| Path::new("")).as_os_str();
                let lock = || {
                    self.by_parent
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                };
                let known = lock().get(parent).cloned();
                match known {
                    Some(config) => config,
                    None => {
                        // Joining leaves an absolute `p` as it is.
                        let joined = self
                            .cwd
                            .as_ref()
                            .map_or_else(|| p.to_path_buf(), |cwd| cwd.join(p));
                        let absolute = std::path::absolute(&joined).unwrap_or(joined);
                        let config = self.cache.for_file(&without_dot_dot(&absolute))?;
                        lock().insert(parent.to_os_string(), Arc::clone(&config));
                        config
                    }
                }
            }
            None => {
                let here = self.cwd.clone().unwrap_or_else(|| PathBuf::from("."));
                self.cache.for_dir(&here)?
            }
        };
        if let Some(file) = config.path() {
            let first = self
                .warned
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(file.to_path_buf());
            if first {
                for warning in config.warnings() {
                    super::warn(&warning.to_string());
                }
            }
        }
        Ok(config)
    }
}

/// `path` with each `..` taken with the name before it, as the user reads
/// it: configuration is looked up from `a/b/../../Dockerfile`'s own
/// directory, not from `a/b` on the way up.
fn without_dot_dot(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
