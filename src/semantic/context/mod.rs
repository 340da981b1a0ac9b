//! The build context: which files a build can see and which files each
//! `COPY`/`ADD` reads.
//!
//! - [`IgnoreFile`] and [`PatternMatcher`] reproduce moby/patternmatcher
//!   (the `.dockerignore` reader and matcher BuildKit uses).
//! - [`find_ignore_file`] picks the ignore file BuildKit would:
//!   `<Dockerfile>.dockerignore` next to the Dockerfile, else `.dockerignore`
//!   at the context root.
//! - [`BuildContext::load`] walks the context once, like BuildKit's context
//!   transfer: symlinks are never followed, excluded directories are skipped
//!   unless an exception may re-include something below them, unreadable
//!   entries are reported, and the walk stops after a configurable number of
//!   entries so a huge context cannot hang a pre-commit hook.
//! - [`BuildContext::resolve_source`] turns a `COPY`/`ADD` source into the
//!   context files it reads ([`sources`]).
//! - [`ContextCache`] shares one walk per context between Dockerfiles and
//!   threads.

mod gopath;
mod goregex;
mod ignore;
pub mod sources;
mod walk;

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

pub use gopath::{BadPattern, contains_wildcards, glob_match};
pub use ignore::{IgnoreFile, MatchInfo, Pattern, PatternError, PatternMatcher, read_patterns};
pub use sources::{Excluded, Missing, SourceError, SourceFiles, is_remote_source};
pub use walk::{Entry, EntryKind, WalkProblem};

/// The ignore file every context may have at its root.
pub const DOCKERIGNORE: &str = ".dockerignore";

/// How far a walk may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkOptions {
    /// The most entries (files, directories, symlinks) the walk examines
    /// before it stops.
    pub file_limit: usize,
}

impl WalkOptions {
    pub const DEFAULT_FILE_LIMIT: usize = 200_000;
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            file_limit: Self::DEFAULT_FILE_LIMIT,
        }
    }
}

/// Why a context could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextError {
    /// The context directory or the ignore file could not be read.
    Io { path: PathBuf, message: String },
    /// The ignore file holds a pattern Docker refuses.
    Pattern { file: PathBuf, error: PatternError },
}

impl fmt::Display for ContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, message } => write!(f, "{}: {message}", path.display()),
            Self::Pattern { file, error } => write!(f, "{}: {error}", file.display()),
        }
    }
}

impl std::error::Error for ContextError {}

impl ContextError {
    fn io(path: &Path, error: &io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            message: error.to_string(),
        }
    }
}

/// The ignore file BuildKit applies to `context` when building
/// `dockerfile`: `<name>.dockerignore` beside the Dockerfile (for
/// `Dockerfile.dev`, `Dockerfile.dev.dockerignore`), even when empty;
/// otherwise `.dockerignore` at the context root; otherwise none.
pub fn find_ignore_file(context: &Path, dockerfile: Option<&Path>) -> Option<PathBuf> {
    let own = dockerfile.and_then(|file| {
        let mut name = file.file_name()?.to_owned();
        name.push(".dockerignore");
        Some(file.with_file_name(name))
    });
    own.into_iter()
        .chain([context.join(DOCKERIGNORE)])
        .find(|p| p.is_file())
}

/// A walked build context.
#[derive(Debug)]
pub struct BuildContext {
    root: PathBuf,
    ignore_path: Option<PathBuf>,
    ignore: Option<IgnoreFile>,
    entries: Vec<Entry>,
    problems: Vec<WalkProblem>,
    stopped_after: Option<usize>,
    visited: usize,
}

impl BuildContext {
    /// Loads the context at `root` for `dockerfile` (which picks the ignore
    /// file, see [`find_ignore_file`]) and walks it.
    pub fn load(
        root: &Path,
        dockerfile: Option<&Path>,
        options: WalkOptions,
    ) -> Result<Self, ContextError> {
        let ignore_path = find_ignore_file(root, dockerfile);
        Self::load_with(root, ignore_path, options)
    }

    fn load_with(
        root: &Path,
        ignore_path: Option<PathBuf>,
        options: WalkOptions,
    ) -> Result<Self, ContextError> {
        let ignore = match &ignore_path {
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|e| ContextError::io(path, &e))?;
                let file = IgnoreFile::parse(&bytes).map_err(|error| ContextError::Pattern {
                    file: path.clone(),
                    error,
                })?;
                Some(file)
            }
            None => None,
        };
        let walk = walk::walk(
            root,
            ignore.as_ref().map(IgnoreFile::matcher),
            options.file_limit,
        )
        .map_err(|e| ContextError::io(root, &e))?;
        Ok(Self {
            root: root.to_owned(),
            ignore_path,
            ignore,
            entries: walk.entries,
            problems: walk.problems,
            stopped_after: walk.stopped_after,
            visited: walk.visited,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The ignore file in force, if any.
    pub fn ignore_path(&self) -> Option<&Path> {
        self.ignore_path.as_deref()
    }

    pub fn ignore_file(&self) -> Option<&IgnoreFile> {
        self.ignore.as_ref()
    }

    /// Every entry walked, in walk order (directories before their
    /// contents), excluded ones included.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry at `path` (relative, `/`-separated), if the walk saw it.
    pub fn entry(&self, path: &str) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| walk::path_order(e.path(), path))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// The entries strictly below directory `dir` (`""` = everything).
    pub fn below(&self, dir: &str) -> &[Entry] {
        if dir.is_empty() {
            return &self.entries;
        }
        let start = self
            .entries
            .partition_point(|e| walk::path_order(e.path(), dir) != std::cmp::Ordering::Greater);
        let rest = &self.entries[start..];
        let len = rest.partition_point(|e| walk::is_within(e.path(), dir));
        &rest[..len]
    }

    /// The pattern of the ignore file with this index.
    pub fn pattern(&self, index: usize) -> Option<&Pattern> {
        self.ignore.as_ref()?.patterns().get(index)
    }

    /// The pattern that keeps `path` out of the context, whether or not the
    /// walk reached it.
    pub fn excluded_by(&self, path: &str) -> Option<&Pattern> {
        self.ignore.as_ref()?.excluded_by(path)
    }

    /// Entries that could not be read.
    pub fn problems(&self) -> &[WalkProblem] {
        &self.problems
    }

    /// `Some(limit)` when the walk stopped early at the file limit.
    pub fn stopped_after(&self) -> Option<usize> {
        self.stopped_after
    }

    /// A note for the user when the walk stopped early.
    pub fn note(&self) -> Option<String> {
        self.stopped_after
            .map(|n| format!("context walk stopped after {n} files"))
    }

    /// How many entries the walk examined.
    pub fn visited(&self) -> usize {
        self.visited
    }
}

type Slot = Arc<OnceLock<Result<Arc<BuildContext>, ContextError>>>;

/// One walk per (context directory, ignore file), shared by every
/// Dockerfile linted in a run, from any thread.
#[derive(Debug, Default)]
pub struct ContextCache {
    options: WalkOptions,
    slots: Mutex<HashMap<(PathBuf, Option<PathBuf>), Slot>>,
}

impl ContextCache {
    pub fn new(options: WalkOptions) -> Self {
        Self {
            options,
            slots: Mutex::default(),
        }
    }

    /// The context at `root` as seen when building `dockerfile`, walked on
    /// first use. Concurrent callers for the same context wait for one walk.
    pub fn get(
        &self,
        root: &Path,
        dockerfile: Option<&Path>,
    ) -> Result<Arc<BuildContext>, ContextError> {
        let root = std::fs::canonicalize(root).map_err(|e| ContextError::io(root, &e))?;
        let ignore = find_ignore_file(&root, dockerfile);
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(slots.entry((root.clone(), ignore.clone())).or_default())
        };
        slot.get_or_init(|| BuildContext::load_with(&root, ignore, self.options).map(Arc::new))
            .clone()
    }
}

#[cfg(test)]
mod tests;
