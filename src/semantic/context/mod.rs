//! The build context: which files a build can see and which files each
//! `COPY`/`ADD` reads.
//!
//! - [`IgnoreFile`] and [`PatternMatcher`] reproduce moby/patternmatcher
//!   (the `.dockerignore` reader and matcher BuildKit uses).
//! - [`find_ignore_file`] picks the ignore file BuildKit would:
//!   `<Dockerfile>.dockerignore` next to the Dockerfile, else `.dockerignore`
//!   at the context root.
//! - [`BuildContext`] walks the context like BuildKit's context transfer:
//!   symlinks are never followed, excluded directories are skipped unless an
//!   exception may re-include something below them, unreadable entries are
//!   reported, and a walk stops after a configurable number of entries so a
//!   huge context cannot hang a pre-commit hook. It walks only what the
//!   sources need: `COPY package.json .` lists the directories on the way to
//!   `package.json`, not the rest of the repository; the whole context is
//!   walked once, when a source names all of it.
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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

pub use gopath::{BadPattern, contains_wildcards, glob_match};
pub use ignore::{IgnoreFile, MatchInfo, Pattern, PatternError, PatternMatcher, read_patterns};
pub use sources::{Excluded, Missing, Resolution, SourceError, SourceFiles, is_remote_source};
use walk::Listing;
pub(crate) use walk::Walk;
pub use walk::{Entry, EntryKind, WalkProblem};

/// A source's resolution, as the context keeps it.
type Resolved = Result<Arc<Resolution>, SourceError>;

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
    own_ignore_file(dockerfile).or_else(|| context_ignore_file(context))
}

/// `<Dockerfile>.dockerignore`, when it is a file.
fn own_ignore_file(dockerfile: Option<&Path>) -> Option<PathBuf> {
    let file = dockerfile?;
    let mut name = file.file_name()?.to_owned();
    name.push(".dockerignore");
    Some(file.with_file_name(name)).filter(|p| p.is_file())
}

/// The context's own `.dockerignore`, when it is a file.
fn context_ignore_file(context: &Path) -> Option<PathBuf> {
    Some(context.join(DOCKERIGNORE)).filter(|p| p.is_file())
}

/// A build context: its root, its ignore file, and what has been walked
/// of it. Nothing is walked at load: a source naming one path walks only
/// the way to it and what lies below it, and the whole context is walked
/// once, on first need (a source naming the whole context, or
/// [`BuildContext::entries`]).
#[derive(Debug)]
pub struct BuildContext {
    root: PathBuf,
    ignore_path: Option<PathBuf>,
    ignore: Option<IgnoreFile>,
    options: WalkOptions,
    whole: OnceLock<Arc<Walk>>,
    /// Listings of the directories partial walks went through, so that
    /// sources in one directory read it once.
    listings: Mutex<HashMap<String, Arc<Listing>>>,
    /// Partial walks by scope: the layer model and the rules that resolve
    /// one source share one walk.
    scopes: Mutex<HashMap<String, Arc<Walk>>>,
    /// Some walk stopped at the file limit.
    stopped: AtomicBool,
    /// Sources resolved so far, by source as written.
    resolved: Mutex<HashMap<String, Resolved>>,
}

impl BuildContext {
    /// Loads the context at `root` for `dockerfile` (which picks the ignore
    /// file, see [`find_ignore_file`]).
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
        // A context that cannot be listed fails now, not at its first use.
        std::fs::read_dir(root).map_err(|e| ContextError::io(root, &e))?;
        Ok(Self {
            root: root.to_owned(),
            ignore_path,
            ignore,
            options,
            whole: OnceLock::new(),
            listings: Mutex::default(),
            scopes: Mutex::default(),
            stopped: AtomicBool::new(false),
            resolved: Mutex::default(),
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

    fn matcher(&self) -> Option<&PatternMatcher> {
        self.ignore.as_ref().map(IgnoreFile::matcher)
    }

    /// The walk of the whole context, made on first use.
    pub(crate) fn whole(&self) -> &Walk {
        self.whole_arc()
    }

    fn whole_arc(&self) -> &Arc<Walk> {
        self.whole.get_or_init(|| {
            let walk = walk::walk(&self.root, self.matcher(), self.options.file_limit)
                .unwrap_or_else(|e| Walk {
                    problems: vec![WalkProblem {
                        path: String::new(),
                        message: e.to_string(),
                        excluded: false,
                    }],
                    ..Walk::default()
                });
            self.note_walk(&walk);
            Arc::new(walk)
        })
    }

    /// The whole walk if it was made already.
    pub(crate) fn whole_if_walked(&self) -> Option<&Walk> {
        self.whole.get().map(|w| &**w)
    }

    /// A walk holding everything the whole walk lists on the way to `dir`
    /// and below it: the whole walk if it was made (or `dir` is the root),
    /// else a walk of that part only.
    pub(crate) fn walk_of(&self, dir: &str) -> Arc<Walk> {
        match self.whole.get() {
            Some(whole) => Arc::clone(whole),
            None if dir.is_empty() => Arc::clone(self.whole_arc()),
            None => self.walk_scope(dir),
        }
    }

    /// What the whole walk lists on the way to `scope` and below it (see
    /// [`walk::walk_scope`]), walked on first use.
    pub(crate) fn walk_scope(&self, scope: &str) -> Arc<Walk> {
        if let Some(walk) = self
            .scopes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(scope)
        {
            return Arc::clone(walk);
        }
        let walk = walk::walk_scope(
            &self.root,
            self.matcher(),
            self.options.file_limit,
            scope,
            |dir| {
                let mut listings = self.listings.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(listing) = listings.get(dir) {
                    return Ok(Arc::clone(listing));
                }
                let listing = Arc::new(walk::read_children(&self.root.join(dir))?);
                listings.insert(dir.to_owned(), Arc::clone(&listing));
                Ok(listing)
            },
        );
        self.note_walk(&walk);
        let walk = Arc::new(walk);
        self.scopes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(scope.to_owned(), Arc::clone(&walk));
        walk
    }

    fn resolved(&self) -> std::sync::MutexGuard<'_, HashMap<String, Resolved>> {
        self.resolved.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn note_walk(&self, walk: &Walk) {
        if walk.stopped_after.is_some() {
            self.stopped.store(true, Ordering::Relaxed);
        }
    }

    /// Every entry of the whole context (walked now if it was not), in
    /// walk order (directories before their contents), excluded ones
    /// included.
    pub fn entries(&self) -> &[Entry] {
        &self.whole().entries
    }

    /// The entry at `path` (relative, `/`-separated), if the whole walk
    /// sees it.
    pub fn entry(&self, path: &str) -> Option<&Entry> {
        self.whole().entry(path)
    }

    /// The entries strictly below directory `dir` (`""` = everything).
    pub fn below(&self, dir: &str) -> &[Entry] {
        self.whole().below(dir)
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

    /// Entries of the whole context that could not be read.
    pub fn problems(&self) -> &[WalkProblem] {
        &self.whole().problems
    }

    /// `Some(limit)` when the whole walk stopped early at the file limit.
    pub fn stopped_after(&self) -> Option<usize> {
        self.whole().stopped_after
    }

    /// A note for the user when a walk made so far stopped early.
    pub fn note(&self) -> Option<String> {
        self.stopped.load(Ordering::Relaxed).then(|| {
            format!(
                "context walk stopped after {} files",
                self.options.file_limit
            )
        })
    }

    /// How many entries the whole walk examined.
    pub fn visited(&self) -> usize {
        self.whole().visited
    }
}

type Slot = Arc<OnceLock<Result<Arc<BuildContext>, ContextError>>>;

/// A context directory, canonical, and its own ignore file.
#[derive(Debug, Clone)]
struct Root {
    path: PathBuf,
    ignore: Option<PathBuf>,
}

/// One walk per (context directory, ignore file), shared by every
/// Dockerfile linted in a run, from any thread.
#[derive(Debug, Default)]
pub struct ContextCache {
    options: WalkOptions,
    slots: Mutex<HashMap<(PathBuf, Option<PathBuf>), Slot>>,
    /// Each context directory as given, resolved once, with its
    /// `.dockerignore`: the Dockerfiles of one directory share them.
    roots: Mutex<HashMap<PathBuf, Root>>,
}

impl ContextCache {
    pub fn new(options: WalkOptions) -> Self {
        Self {
            options,
            slots: Mutex::default(),
            roots: Mutex::default(),
        }
    }

    /// The context at `root` as seen when building `dockerfile`, walked on
    /// first use. Concurrent callers for the same context wait for one walk.
    pub fn get(
        &self,
        root: &Path,
        dockerfile: Option<&Path>,
    ) -> Result<Arc<BuildContext>, ContextError> {
        let known = self
            .roots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(root)
            .cloned();
        let Root { path: root, ignore } = match known {
            Some(known) => known,
            None => {
                let path = std::fs::canonicalize(root).map_err(|e| ContextError::io(root, &e))?;
                let found = Root {
                    ignore: context_ignore_file(&path),
                    path,
                };
                self.roots
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(root.to_path_buf(), found.clone());
                found
            }
        };
        // The same choice as `find_ignore_file`, with the context's own
        // file looked up once.
        let ignore = own_ignore_file(dockerfile).or(ignore);
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
