//! Which context files a `COPY`/`ADD` source reads, as BuildKit resolves it.
//!
//! BuildKit joins the source to `/` and cleans it, so `.`, `./` and `/`
//! name the whole context, `/app` is `app` at the context root, a trailing
//! `/` changes nothing, and `..` cannot climb out (it stops at the root).
//! A source with `*`, `?` or `[` is a wildcard: Go's `path.Match` against
//! every context path, component by component (`**` is just `*`), a
//! matched directory bringing everything below it; a wildcard that matches
//! nothing copies nothing and the build goes on. A source without one must
//! exist in the context the ignore file leaves, or the build fails with
//! `"/<path>": not found`. Symlinks named by the source are followed inside
//! the context; symlinks below a copied directory are copied as links.

use std::collections::VecDeque;
use std::fmt;
use std::fs;
use std::path::Path;
use std::sync::Arc;

use super::gopath;
use super::walk::{self, EntryKind, Walk};
use super::{BuildContext, Entry, Pattern};

/// A file the source names that the ignore file keeps out of the context.
#[derive(Debug, Clone, Copy)]
pub struct Excluded<'c> {
    /// A file, or an excluded directory the walk skipped (its contents are
    /// not listed).
    pub entry: &'c Entry,
    pub pattern: &'c Pattern,
}

/// Why a source reads nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Missing {
    /// No such path in the context: the build fails.
    NotFound,
    /// The path exists but the ignore file keeps it out: the build fails
    /// just as if it did not exist.
    Excluded,
    /// A wildcard that matches nothing the build can see: BuildKit copies
    /// nothing and carries on (the legacy builder fails).
    NoWildcardMatch,
}

/// The context files one source reads: its [`Resolution`] (shared by
/// everything that resolves the same source), read with the context's
/// ignore file.
#[derive(Debug, Clone)]
pub struct SourceFiles<'c> {
    resolution: Arc<Resolution>,
    context: &'c BuildContext,
}

impl std::ops::Deref for SourceFiles<'_> {
    type Target = Resolution;

    fn deref(&self) -> &Resolution {
        &self.resolution
    }
}

impl SourceFiles<'_> {
    /// Files (and symlinks, sockets…) the build reads, in walk order.
    pub fn included(&self) -> impl ExactSizeIterator<Item = &Entry> + '_ {
        let walk = &self.resolution.walk;
        self.resolution
            .found
            .included
            .iter()
            .map(|&i| &walk.entries[i])
    }

    /// What the source names but the ignore file excludes, with the pattern
    /// that excludes each, in walk order.
    pub fn excluded(&self) -> impl Iterator<Item = Excluded<'_>> + '_ {
        let walk = &self.resolution.walk;
        self.resolution
            .found
            .excluded
            .iter()
            .filter_map(|&(i, pattern)| {
                Some(Excluded {
                    entry: &walk.entries[i],
                    pattern: self.context.pattern(pattern)?,
                })
            })
    }
}

/// One source resolved, kept by its context: the layer model and the rules
/// that resolve the same source share it.
#[derive(Debug)]
pub struct Resolution {
    /// The source as BuildKit resolves it, relative to the context root
    /// (`""` for the whole context).
    pub path: String,
    /// Whether the source is a wildcard.
    pub wildcard: bool,
    pub missing: Option<Missing>,
    /// The walk stopped early or could not read part of the source, so the
    /// lists may be short (and "missing" is only a guess).
    pub incomplete: bool,
    /// The walk the files were found in (shared, not copied).
    walk: Arc<Walk>,
    found: Found,
}

impl Resolution {
    fn new(path: String, wildcard: bool, walk: Arc<Walk>, found: Found) -> Self {
        Self {
            path,
            wildcard,
            missing: found.missing,
            incomplete: found.incomplete,
            walk,
            found,
        }
    }
}

/// A source that cannot be resolved against the context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// A URL or git source: not a context file (the caller handles it).
    Remote,
    /// The source climbs above the context root with `..`. BuildKit stops
    /// at the root and reads `resolved_as` instead, which is almost never
    /// what was meant.
    EscapesContext { resolved_as: String },
    /// A wildcard Go's `path.Match` rejects: the build fails.
    BadPattern { pattern: String },
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Remote => f.write_str("remote source, not a context path"),
            Self::EscapesContext { resolved_as } => {
                let shown = if resolved_as.is_empty() {
                    "."
                } else {
                    resolved_as
                };
                write!(
                    f,
                    "source is outside the build context (BuildKit reads `{shown}` from the context root instead)"
                )
            }
            Self::BadPattern { pattern } => write!(f, "invalid wildcard `{pattern}`"),
        }
    }
}

impl std::error::Error for SourceError {}

/// URL and git sources (`ADD https://…`, `ADD git@…`): not context files.
pub fn is_remote_source(source: &str) -> bool {
    ["http://", "https://", "git://", "git@", "ssh://"]
        .iter()
        .any(|p| source.starts_with(p))
}

impl BuildContext {
    /// Resolves one `COPY`/`ADD` source (already expanded: no `$VAR`s) to
    /// the context files it reads. Only the part of the context the source
    /// names is walked, unless the whole context was walked already.
    pub fn resolve_source(&self, source: &str) -> Result<SourceFiles<'_>, SourceError> {
        Ok(SourceFiles {
            resolution: self.resolution(source)?,
            context: self,
        })
    }

    /// The resolution of `source`, made on first use.
    pub(crate) fn resolution(&self, source: &str) -> Result<Arc<Resolution>, SourceError> {
        if let Some(known) = self.resolved().get(source) {
            return known.clone();
        }
        let resolution = self.resolve(source).map(Arc::new);
        self.resolved()
            .insert(source.to_owned(), resolution.clone());
        resolution
    }

    fn resolve(&self, source: &str) -> Result<Resolution, SourceError> {
        if is_remote_source(source) {
            return Err(SourceError::Remote);
        }
        let relative = gopath::clean(source.trim_start_matches('/'));
        if relative == ".." || relative.starts_with("../") {
            let clamped = gopath::clean(&format!("/{source}"));
            return Err(SourceError::EscapesContext {
                resolved_as: clamped.trim_start_matches('/').to_owned(),
            });
        }
        let path = if relative == "." {
            String::new()
        } else {
            relative
        };
        let wildcard = gopath::contains_wildcards(&path);
        // Where the source leads: a wildcard's directory, or the literal
        // path with every symlink on the way followed.
        let (real, scope) = if wildcard {
            gopath::glob_match(&path, "").map_err(|_| SourceError::BadPattern {
                pattern: path.clone(),
            })?;
            (None, literal_prefix(&path))
        } else if path.is_empty() {
            (Some(String::new()), String::new())
        } else {
            let real = resolve_in_root(&self.root, &path);
            let scope = real.clone().unwrap_or_else(|| path.clone());
            (real, scope)
        };
        if !scope.is_empty() && self.whole_if_walked().is_none() {
            let walk = self.walk_scope(&scope);
            if let Some(found) = Resolver::new(self, &walk, Some(&scope)).resolve(
                &path,
                wildcard,
                real.as_deref(),
                &scope,
            )? {
                return Ok(Resolution::new(path, wildcard, walk, found));
            }
        }
        let walk = Arc::clone(self.whole_arc());
        let found = Resolver::new(self, &walk, None)
            .resolve(&path, wildcard, real.as_deref(), &scope)?
            .unwrap_or_else(|| unreachable!("the whole walk has no scope to leave"));
        Ok(Resolution::new(path, wildcard, walk, found))
    }
}

/// What a source reads, as indices into the walk it was resolved in (and,
/// for what is excluded, into the ignore file's patterns).
#[derive(Debug, Default)]
struct Found {
    included: Vec<usize>,
    excluded: Vec<(usize, usize)>,
    missing: Option<Missing>,
    incomplete: bool,
}

/// Resolves a source against a walk: the whole context's, or a partial one
/// that holds everything within `scope` (and the directories on the way).
struct Resolver<'c, 'w> {
    ctx: &'c BuildContext,
    walk: &'w Walk,
    scope: Option<&'w str>,
    /// A symlink led out of `scope`: the partial walk cannot answer.
    left_scope: bool,
    found: Found,
}

impl<'c, 'w> Resolver<'c, 'w> {
    fn new(ctx: &'c BuildContext, walk: &'w Walk, scope: Option<&'w str>) -> Self {
        Self {
            ctx,
            walk,
            scope,
            left_scope: false,
            found: Found::default(),
        }
    }

    /// `None` when the answer needs entries outside the partial walk.
    fn resolve(
        mut self,
        path: &str,
        wildcard: bool,
        real: Option<&str>,
        scope: &str,
    ) -> Result<Option<Found>, SourceError> {
        if wildcard {
            self.resolve_wildcard(path, scope)?;
        } else {
            self.resolve_literal(real);
        }
        if self.left_scope {
            return Ok(None);
        }
        // Links and overlapping matches can name a file twice. The walk is
        // in path order, so its indices are too.
        let found = &mut self.found;
        found.included.sort_unstable();
        found.included.dedup();
        found.excluded.sort_unstable_by_key(|&(i, _)| i);
        found.excluded.dedup_by_key(|&mut (i, _)| i);
        found.incomplete |= self.walk.stopped_after.is_some()
            || self.walk.problems.iter().any(|p| {
                !p.excluded && (walk::is_within(&p.path, scope) || walk::is_within(scope, &p.path))
            });
        Ok(Some(self.found))
    }

    /// A source without wildcards; `real` is where it leads (`None`: it
    /// does not exist).
    fn resolve_literal(&mut self, real: Option<&str>) {
        let Some(real) = real else {
            self.found.missing = Some(Missing::NotFound);
            return;
        };
        if real.is_empty() {
            // The whole context, or a link to its root.
            self.collect_below("");
            return;
        }
        match self.walk.position(real) {
            Some(i) => {
                if !self.in_context(i) {
                    self.found.missing = Some(Missing::Excluded);
                }
                self.collect(i);
            }
            None => {
                // On disk but not walked: below a skipped directory, or past
                // the file limit.
                if self.ctx.excluded_by(real).is_some() {
                    self.found.missing = Some(Missing::Excluded);
                    if let Some(dir) = self.walked_ancestor(real) {
                        self.push_excluded(dir);
                    }
                } else {
                    self.found.incomplete = true;
                }
            }
        }
    }

    /// A wildcard source whose matches all lie in `scope`.
    fn resolve_wildcard(&mut self, pattern: &str, scope: &str) -> Result<(), SourceError> {
        let bad = || SourceError::BadPattern {
            pattern: pattern.to_owned(),
        };
        let mut matched_any = false;
        let mut last_match: Option<&str> = None;
        let walk = self.walk;
        for i in walk.below_range(scope) {
            let entry = &walk.entries[i];
            if last_match.is_some_and(|m| walk::is_within(entry.path(), m)) {
                continue;
            }
            if !gopath::glob_match(pattern, entry.path()).map_err(|_| bad())? {
                continue;
            }
            last_match = Some(entry.path());
            matched_any |= self.in_context(i);
            self.collect(i);
        }
        if let Some(dir) = self
            .walked_ancestor(scope)
            .filter(|&d| walk.entries[d].is_pruned())
        {
            // The wildcard points into a directory the walk skipped.
            self.push_excluded(dir);
        }
        if !matched_any {
            self.found.missing = Some(Missing::NoWildcardMatch);
        }
        Ok(())
    }

    /// Adds what entry `i` brings: a file itself, a directory everything
    /// below it, a symlink what it points to.
    fn collect(&mut self, i: usize) {
        let walk = self.walk;
        let entry = &walk.entries[i];
        let mut target = i;
        if entry.kind() == EntryKind::Symlink {
            match resolve_in_root(&self.ctx.root, entry.path()) {
                Some(real) if !self.scope.is_none_or(|s| walk::is_within(&real, s)) => {
                    self.left_scope = true;
                    return;
                }
                Some(real) if real.is_empty() => return self.collect_below(""),
                Some(real) => target = walk.position(&real).unwrap_or(i),
                None => {}
            }
        }
        let entry = &walk.entries[target];
        if entry.kind() == EntryKind::Dir {
            if entry.is_pruned() {
                self.push_excluded(target);
            } else {
                self.collect_below(entry.path());
            }
        } else if entry.is_excluded() {
            self.push_excluded(target);
        } else {
            self.found.included.push(target);
        }
    }

    fn collect_below(&mut self, dir: &str) {
        for i in self.walk.below_range(dir) {
            let entry = &self.walk.entries[i];
            if entry.is_pruned() || (entry.kind() != EntryKind::Dir && entry.is_excluded()) {
                self.push_excluded(i);
            } else if entry.kind() != EntryKind::Dir {
                self.found.included.push(i);
            }
        }
    }

    fn push_excluded(&mut self, i: usize) {
        let index = self.walk.entries[i].pattern_index();
        if let Some(pattern) = index.filter(|&k| self.ctx.pattern(k).is_some()) {
            self.found.excluded.push((i, pattern));
        }
    }

    /// Whether the build sees entry `i`: it is not excluded, or it is a
    /// directory holding something that is (BuildKit then sends the
    /// directory too).
    fn in_context(&self, i: usize) -> bool {
        let entry = &self.walk.entries[i];
        !entry.is_excluded()
            || (entry.kind() == EntryKind::Dir
                && self
                    .walk
                    .below(entry.path())
                    .iter()
                    .any(|e| !e.is_excluded()))
    }

    /// The deepest walked entry that is `path` or one of its parents.
    fn walked_ancestor(&self, path: &str) -> Option<usize> {
        let mut prefix = path;
        while !prefix.is_empty() {
            if let Some(i) = self.walk.position(prefix) {
                return Some(i);
            }
            prefix = prefix.rfind('/').map_or("", |i| &prefix[..i]);
        }
        None
    }
}

/// The leading components of a wildcard that hold no wildcard (fsutil's
/// `splitWildcards`): the directory its matches all lie in.
fn literal_prefix(pattern: &str) -> String {
    pattern
        .split('/')
        .take_while(|part| !gopath::contains_wildcards(part))
        .collect::<Vec<_>>()
        .join("/")
}

/// Resolves `path` inside `root` the way BuildKit follows a source: every
/// symlink on the way (the last one too) is followed, absolute targets and
/// `..` stay inside the root. `None` if something on the way is missing.
fn resolve_in_root(root: &Path, path: &str) -> Option<String> {
    const MAX_LINKS: usize = 255;
    let mut pending: VecDeque<String> = path.split('/').map(str::to_owned).collect();
    let mut resolved: Vec<String> = Vec::new();
    let mut links = 0;
    while let Some(part) = pending.pop_front() {
        match part.as_str() {
            "" | "." => continue,
            ".." => {
                resolved.pop();
                continue;
            }
            _ => {}
        }
        let mut candidate = root.to_path_buf();
        candidate.extend(&resolved);
        candidate.push(&part);
        let meta = fs::symlink_metadata(&candidate).ok()?;
        if !meta.file_type().is_symlink() {
            resolved.push(part);
            continue;
        }
        links += 1;
        if links > MAX_LINKS {
            return None;
        }
        let target = fs::read_link(&candidate).ok()?;
        let target = target.to_string_lossy();
        if target.starts_with('/') {
            resolved.clear();
        }
        for (i, piece) in target.split('/').enumerate() {
            pending.insert(i, piece.to_owned());
        }
    }
    Some(resolved.join("/"))
}
