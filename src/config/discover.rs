//! Finding the configuration file for a Dockerfile, and a cache for linting
//! many files at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::{Config, ConfigError, load};

/// layerlint's file names, in order of preference within a directory.
pub const LAYERLINT_NAMES: &[&str] = &[".layerlint.yaml", ".layerlint.yml"];
/// hadolint's per-project file names.
pub const HADOLINT_NAMES: &[&str] = &[".hadolint.yaml", ".hadolint.yml"];

/// Where to look: the environment discovery depends on, explicit so that
/// tests do not depend on the machine.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// The current directory (hadolint reads `./.hadolint.yaml` from it).
    pub cwd: Option<PathBuf>,
    /// `$HOME`.
    pub home: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME` (default `$HOME/.config`).
    pub xdg_config_home: Option<PathBuf>,
}

impl Discovery {
    /// The process's current directory and environment.
    pub fn from_env() -> Self {
        let absolute_var = |name: &str| {
            std::env::var_os(name)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        Self {
            cwd: std::env::current_dir().ok(),
            home: absolute_var("HOME"),
            xdg_config_home: absolute_var("XDG_CONFIG_HOME"),
        }
    }

    /// The configuration for files in `dir`: the nearest `.layerlint.yaml`
    /// or `.layerlint.yml` in `dir` or above; else the nearest
    /// `.hadolint.yaml`/`.yml` likewise; else hadolint's global files, in
    /// hadolint's order: `$PWD/.hadolint.yaml`, `$XDG_CONFIG_HOME/hadolint.yaml`,
    /// `~/.hadolint/hadolint.yaml`, `~/.hadolint/config.yaml`,
    /// `~/.hadolint.yaml` (each also as `.yml`).
    pub fn find(&self, dir: &Path) -> Result<Option<PathBuf>, ConfigError> {
        self.find_with(dir, &Searched::default())
    }

    /// [`Discovery::find`], reusing what `searched` knows of directories
    /// and the global files from earlier searches, and adding to it.
    fn find_with(&self, dir: &Path, searched: &Searched) -> Result<Option<PathBuf>, ConfigError> {
        let dir = match (dir.is_absolute(), &self.cwd) {
            (true, _) => dir.to_path_buf(),
            (false, Some(cwd)) => cwd.join(dir),
            (false, None) => std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()),
        };
        for (set, names) in [LAYERLINT_NAMES, HADOLINT_NAMES].into_iter().enumerate() {
            if let Some(found) = searched.nearest(set, names, &dir)? {
                return Ok(Some(found));
            }
        }
        if let Some(global) = searched.global.get() {
            return Ok(global.clone());
        }
        let mut global = None;
        for candidate in self.hadolint_globals() {
            if is_file(&candidate)? {
                global = Some(candidate);
                break;
            }
        }
        // Another thread may have searched meanwhile, with the same answer.
        let _ = searched.global.set(global.clone());
        Ok(global)
    }

    fn hadolint_globals(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        if let Some(cwd) = &self.cwd {
            out.extend(HADOLINT_NAMES.iter().map(|n| cwd.join(n)));
        }
        let xdg = self
            .xdg_config_home
            .clone()
            .or_else(|| self.home.as_ref().map(|h| h.join(".config")));
        if let Some(xdg) = xdg {
            out.extend(
                ["hadolint.yaml", "hadolint.yml"]
                    .iter()
                    .map(|n| xdg.join(n)),
            );
        }
        if let Some(home) = &self.home {
            let app = home.join(".hadolint");
            out.extend(
                ["hadolint.yaml", "hadolint.yml", "config.yaml", "config.yml"]
                    .iter()
                    .map(|n| app.join(n)),
            );
            out.extend(HADOLINT_NAMES.iter().map(|n| home.join(n)));
        }
        out
    }
}

/// [`Discovery::find`] with the process's environment.
pub fn discover(dir: &Path) -> Result<Option<PathBuf>, ConfigError> {
    Discovery::from_env().find(dir)
}

/// What searches for configuration files found: per set of names, the
/// nearest file for a directory (in it or above), and hadolint's global
/// file. Directories share their ancestors, so many searches look at the
/// same few directories.
#[derive(Debug, Default)]
struct Searched {
    nearest: Mutex<HashMap<(usize, PathBuf), Option<PathBuf>>>,
    global: OnceLock<Option<PathBuf>>,
}

impl Searched {
    /// The first of `names` (set number `set`) in `dir` or the nearest
    /// directory above it that has one.
    fn nearest(
        &self,
        set: usize,
        names: &[&str],
        dir: &Path,
    ) -> Result<Option<PathBuf>, ConfigError> {
        let mut visited = Vec::new();
        let mut found = None;
        for ancestor in dir.ancestors() {
            let key = (set, ancestor.to_path_buf());
            if let Some(known) = lock(&self.nearest).get(&key) {
                found.clone_from(known);
                break;
            }
            visited.push(key);
            if let Some(file) = first_file(ancestor, names)? {
                found = Some(file);
                break;
            }
        }
        let mut nearest = lock(&self.nearest);
        for key in visited {
            nearest.insert(key, found.clone());
        }
        Ok(found)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn first_file(dir: &Path, names: &[&str]) -> Result<Option<PathBuf>, ConfigError> {
    for name in names {
        let candidate = dir.join(name);
        if is_file(&candidate)? {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// Whether `path` is a file. A path that does not exist, or sits in a
/// directory the user may not search, is no file; any other failure to
/// examine it (a symlink loop, say) is an error rather than silently skipped.
fn is_file(path: &Path) -> Result<bool, ConfigError> {
    use std::io::ErrorKind;
    match std::fs::metadata(path) {
        Ok(meta) => Ok(meta.is_file()),
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::NotFound | ErrorKind::NotADirectory | ErrorKind::PermissionDenied
            ) =>
        {
            Ok(false)
        }
        Err(source) => Err(ConfigError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Configurations for many files linted in parallel: each directory is
/// searched once and each file loaded once. Shareable across threads.
#[derive(Debug)]
pub struct ConfigCache {
    discovery: Discovery,
    /// A `--config` file that replaces discovery.
    explicit: Option<Arc<Config>>,
    by_dir: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    searched: Searched,
    by_path: Mutex<HashMap<PathBuf, Arc<Config>>>,
    default: Arc<Config>,
}

impl ConfigCache {
    /// Discovers configurations with `discovery`.
    pub fn new(discovery: Discovery) -> Self {
        Self {
            discovery,
            explicit: None,
            by_dir: Mutex::new(HashMap::new()),
            searched: Searched::default(),
            by_path: Mutex::new(HashMap::new()),
            default: Arc::new(Config::default()),
        }
    }

    /// Uses one configuration for every file (`--config`, or the defaults
    /// for `--no-config`).
    pub fn fixed(config: Config) -> Self {
        let mut cache = Self::new(Discovery::default());
        cache.explicit = Some(Arc::new(config));
        cache
    }

    /// The configuration for the Dockerfile at `file` (the defaults when no
    /// file is found). A file's configuration comes from its directory;
    /// standard input should be given a path in the directory to search.
    pub fn for_file(&self, file: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(config) = &self.explicit {
            return Ok(Arc::clone(config));
        }
        let dir = file.parent().unwrap_or_else(|| Path::new(""));
        self.for_dir(dir)
    }

    /// The configuration for files in `dir`.
    pub fn for_dir(&self, dir: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(config) = &self.explicit {
            return Ok(Arc::clone(config));
        }
        let cached = lock(&self.by_dir).get(dir).cloned();
        let found = match cached {
            Some(found) => found,
            None => {
                let found = self.discovery.find_with(dir, &self.searched)?;
                lock(&self.by_dir).insert(dir.to_path_buf(), found.clone());
                found
            }
        };
        let Some(path) = found else {
            return Ok(Arc::clone(&self.default));
        };
        if let Some(config) = lock(&self.by_path).get(&path) {
            return Ok(Arc::clone(config));
        }
        let config = Arc::new(load(&path)?);
        lock(&self.by_path)
            .entry(path)
            .or_insert_with(|| Arc::clone(&config));
        Ok(config)
    }
}
