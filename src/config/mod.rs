//! Configuration files.
//!
//! `.layerlint.yaml` (or `.layerlint.yml`) is found by walking up from the
//! directory of each linted file; the nearest wins. Without one, hadolint's
//! `.hadolint.yaml` (or `.yml`) is found the same way, then in hadolint's
//! own places (the current directory, `$XDG_CONFIG_HOME`, `~/.hadolint/`,
//! the home directory), and read with hadolint's meaning. See [`discover`].
//!
//! [`load`] reads and validates a file into a [`Config`]; every problem is a
//! [`ConfigError`] naming the file, line, column and key. The command line
//! then combines a config with its own flags ([`Overrides`], which win) into
//! the engine's [`Settings`]:
//!
//! ```no_run
//! # fn main() -> Result<(), layerlint::config::ConfigError> {
//! use std::path::Path;
//! use layerlint::config::{self, Overrides};
//!
//! let dockerfile = Path::new("app/Dockerfile");
//! let config = match config::discover(Path::new("app"))? {
//!     Some(path) => config::load(&path)?,
//!     None => config::Config::default(),
//! };
//! let settings = config.settings_for(dockerfile, &Overrides::default())?;
//! # let _ = settings;
//! # Ok(())
//! # }
//! ```

mod discover;
mod hadolint;
mod layerlint;
mod reader;
mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::GlobSet;

pub use discover::{ConfigCache, Discovery, discover};

use crate::diagnostic::Severity;
use crate::engine::{Selection, Settings, UnknownSelector};

/// Which tool's format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    /// `.layerlint.yaml`: layerlint's keys.
    Layerlint,
    /// `.hadolint.yaml`: hadolint's keys, with hadolint's meaning.
    Hadolint,
}

impl ConfigKind {
    /// The kind a file's name implies: hadolint's names (`.hadolint.yaml`,
    /// `hadolint.yml`, anything in a `.hadolint` directory), else layerlint.
    pub fn of(path: &Path) -> ConfigKind {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let in_hadolint_dir = path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == ".hadolint");
        let name = name.trim_start_matches('.');
        if name.starts_with("hadolint") || (in_hadolint_dir && !name.starts_with("layerlint")) {
            ConfigKind::Hadolint
        } else {
            ConfigKind::Layerlint
        }
    }
}

/// A problem with a configuration file or with the flags that override it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("{}: cannot read the configuration: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not YAML.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A key or value is not valid.
    #[error("{}:{line}:{column}: {message}{}", path.display(), key_suffix(key))]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        key: String,
        message: String,
    },
    /// A command-line value is not valid.
    #[error("{flag}: {message}")]
    Flag { flag: &'static str, message: String },
}

impl ConfigError {
    /// The file the error is in (none for a command-line flag).
    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigError::Io { path, .. }
            | ConfigError::Syntax { path, .. }
            | ConfigError::Invalid { path, .. } => Some(path),
            ConfigError::Flag { .. } => None,
        }
    }

    /// The 1-based line of the problem, when it has one.
    pub fn line(&self) -> Option<usize> {
        match self {
            ConfigError::Syntax { line, .. } | ConfigError::Invalid { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The key the problem is under, when it has one.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::Invalid { key, .. } => Some(key),
            _ => None,
        }
    }
}

/// Something in a configuration file that layerlint reads past: keys
/// hadolint ignores, rule codes it has no rule for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}{}", path.display(), key_suffix(key))]
pub struct ConfigWarning {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub key: String,
    pub message: String,
}

/// ` (key `x`)`, or nothing for the document itself.
fn key_suffix(key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        format!(" (key `{key}`)")
    }
}

/// What the command line says; it wins over the configuration file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--select`: replaces the file's selection when given.
    pub select: Option<Vec<String>>,
    /// `--extend-select`: added.
    pub extend_select: Vec<String>,
    /// `--ignore`: removed (on top of the file's `ignore`).
    pub ignore: Vec<String>,
    /// `--severity-threshold`.
    pub severity_threshold: Option<Severity>,
    /// `--no-inline-ignores`: disregard every suppression comment.
    pub no_inline_ignores: bool,
    /// `--build-arg K=V`, in order (a later one wins).
    pub build_args: Vec<(String, String)>,
    /// `--context DIR`.
    pub context: Option<PathBuf>,
    /// `--target NAME`: the stage the build stops at.
    pub target: Option<String>,
    /// `--shellcheck`.
    pub shellcheck: Option<crate::shellcheck::Mode>,
}

/// Rules to ignore in the files a glob matches.
#[derive(Debug, Clone)]
struct PerFileIgnores {
    /// Globs against the path relative to the config directory.
    relative: GlobSet,
    /// Globs without a `/`, against the file name.
    basename: GlobSet,
    /// The selectors per glob (rule codes, names, prefixes, ShellCheck
    /// codes), in the order of both sets' patterns.
    relative_codes: Vec<Vec<String>>,
    basename_codes: Vec<Vec<String>>,
}

/// A validated configuration file (or the defaults).
#[derive(Debug, Clone, Default)]
pub struct Config {
    path: Option<PathBuf>,
    kind: Option<ConfigKind>,
    /// The directory `per-file-ignores` and `context` are relative to.
    dir: PathBuf,
    selection: Selection,
    severity: Vec<(&'static str, Severity)>,
    per_file_ignores: Option<PerFileIgnores>,
    trusted_registries: Vec<String>,
    required_labels: Vec<(String, String)>,
    strict_labels: bool,
    build_args: BTreeMap<String, String>,
    context: Option<PathBuf>,
    target: Option<String>,
    severity_threshold: Option<Severity>,
    inline_ignores: Option<bool>,
    shellcheck: Option<crate::shellcheck::Mode>,
    format: Option<String>,
    color: Option<bool>,
    exit_zero: Option<bool>,
    warnings: Vec<ConfigWarning>,
}

/// Reads and validates a configuration file, in the format its name
/// implies ([`ConfigKind::of`]). An empty file is an empty configuration.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    load_as(path, ConfigKind::of(path))
}

/// Reads and validates a configuration file in the given format.
pub fn load_as(path: &Path, kind: ConfigKind) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path, kind)
}

/// Validates configuration text as if read from `path`.
pub fn parse(text: &str, path: &Path, kind: ConfigKind) -> Result<Config, ConfigError> {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut config = Config {
        path: Some(path.to_path_buf()),
        kind: Some(kind),
        dir: absolute.parent().map(Path::to_path_buf).unwrap_or_default(),
        ..Config::default()
    };
    let root = yaml::parse(text).map_err(|e| ConfigError::Syntax {
        path: path.to_path_buf(),
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    let Some(root) = root else {
        return Ok(config);
    };
    let reader = reader::Reader::new(path);
    match kind {
        ConfigKind::Layerlint => layerlint::read(&reader, &root, &mut config)?,
        ConfigKind::Hadolint => hadolint::read(&reader, &root, &mut config)?,
    }
    config.warnings = reader.into_warnings();
    Ok(config)
}

impl Config {
    /// The file this was read from (`None` for the defaults).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The file's format (`None` for the defaults).
    pub fn kind(&self) -> Option<ConfigKind> {
        self.kind
    }

    /// Things read past without an error (hadolint keys with no meaning
    /// here, unknown rule codes in a hadolint file).
    pub fn warnings(&self) -> &[ConfigWarning] {
        &self.warnings
    }

    /// `severity-threshold` (hadolint: `failure-threshold`): findings below
    /// it do not fail the run.
    pub fn severity_threshold(&self) -> Option<Severity> {
        self.severity_threshold
    }

    /// The threshold in force: the command line's, else the file's, else
    /// `info`.
    pub fn effective_threshold(&self, cli: &Overrides) -> Severity {
        cli.severity_threshold
            .or(self.severity_threshold)
            .unwrap_or(Severity::Info)
    }

    /// `build-args` from the file.
    pub fn build_args(&self) -> &BTreeMap<String, String> {
        &self.build_args
    }

    /// `context`, resolved against the config file's directory.
    pub fn context(&self) -> Option<&Path> {
        self.context.as_deref()
    }

    /// The build context in force: `--context`, else the file's `context`
    /// (`None`: the caller uses the Dockerfile's directory).
    pub fn effective_context(&self, cli: &Overrides) -> Option<PathBuf> {
        cli.context.clone().or_else(|| self.context.clone())
    }

    /// hadolint's `format`, as a layerlint format name (`text`, `json`,
    /// `sarif`, `gitlab`, `checkstyle`, `junit`, `gnu`).
    pub fn format(&self) -> Option<&str> {
        self.format.as_deref()
    }

    /// hadolint's `no-color: true` gives `Some(false)`.
    pub fn color(&self) -> Option<bool> {
        self.color
    }

    /// hadolint's `no-fail`: exit 0 whatever is found.
    pub fn exit_zero(&self) -> Option<bool> {
        self.exit_zero
    }

    /// Whether suppression comments count: `inline-ignores` (hadolint:
    /// `disable-ignore-pragma`), unless `--no-inline-ignores`.
    pub fn inline_ignores(&self, cli: &Overrides) -> bool {
        !cli.no_inline_ignores && self.inline_ignores.unwrap_or(true)
    }

    /// The engine settings for every file under this configuration: the
    /// file's selection, then the command line's; severities; rule options;
    /// build arguments (command line over file).
    pub fn settings(&self, cli: &Overrides) -> Result<Settings, ConfigError> {
        self.build_settings(cli, &[])
    }

    /// [`Config::settings`] plus the `per-file-ignores` that match `file`.
    pub fn settings_for(&self, file: &Path, cli: &Overrides) -> Result<Settings, ConfigError> {
        let ignored = self.per_file_ignored(file);
        self.build_settings(cli, &ignored)
    }

    /// [`Config::settings`] with `per_file` ignored as well: what
    /// [`Config::settings_for`] gives a file whose `per-file-ignores` are
    /// [`Config::per_file_ignored`].
    pub fn build_settings(
        &self,
        cli: &Overrides,
        per_file: &[String],
    ) -> Result<Settings, ConfigError> {
        let cli_layer = Selection {
            select: cli.select.clone(),
            extend_select: cli.extend_select.clone(),
            ignore: cli.ignore.clone(),
        };
        let file_layer = Selection {
            ignore: per_file.to_vec(),
            ..Selection::default()
        };
        let mut settings =
            Settings::from_selections(&[self.selection.clone(), cli_layer, file_layer])
                .map_err(|UnknownSelector(name)| flag_error(cli, &name))?;
        for &(code, severity) in &self.severity {
            settings.set_severity(code, severity);
        }
        settings
            .options
            .trusted_registries
            .clone_from(&self.trusted_registries);
        settings
            .options
            .required_labels
            .clone_from(&self.required_labels);
        settings.options.strict_labels = self.strict_labels;
        settings.options.build_args.clone_from(&self.build_args);
        for (key, value) in &cli.build_args {
            settings
                .options
                .build_args
                .insert(key.clone(), value.clone());
        }
        settings.options.target = cli.target.clone().or_else(|| self.target.clone());
        settings.inline_ignores = self.inline_ignores(cli);
        settings.shellcheck = cli.shellcheck.or(self.shellcheck).unwrap_or_default();
        Ok(settings)
    }

    /// Whether `per-file-ignores` turn off `code` (a rule's, or a
    /// ShellCheck code) for `file`.
    pub fn is_ignored_for(&self, file: &Path, code: &str) -> bool {
        self.per_file_ignored(file).iter().any(|selector| {
            crate::engine::resolve(selector).is_ok_and(|hits| {
                hits.iter()
                    .any(|&i| crate::rules::RULES[i].meta.code == code)
            }) || (crate::shellcheck::is_selector(selector)
                && crate::shellcheck::covers(selector, code))
        })
    }

    /// The selectors `per-file-ignores` apply to `file`.
    /// The codes the `per-file-ignores` that match `file` turn off.
    pub fn per_file_ignored(&self, file: &Path) -> Vec<String> {
        let Some(pfi) = &self.per_file_ignores else {
            return Vec::new();
        };
        let mut codes = Vec::new();
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        if let Ok(relative) = absolute.strip_prefix(&self.dir) {
            for i in pfi.relative.matches(relative) {
                codes.extend(pfi.relative_codes[i].iter().cloned());
            }
        }
        if let Some(name) = absolute.file_name() {
            for i in pfi.basename.matches(Path::new(name)) {
                codes.extend(pfi.basename_codes[i].iter().cloned());
            }
        }
        codes.sort_unstable();
        codes.dedup();
        codes
    }
}

/// Names the flag an unknown rule name came from.
fn flag_error(cli: &Overrides, name: &str) -> ConfigError {
    let in_list = |list: &[String]| list.iter().any(|n| n == name);
    let flag = if cli.select.as_deref().is_some_and(in_list) {
        "--select"
    } else if in_list(&cli.extend_select) {
        "--extend-select"
    } else {
        "--ignore"
    };
    ConfigError::Flag {
        flag,
        message: format!("unknown rule or prefix `{name}`"),
    }
}

#[cfg(test)]
mod tests;
