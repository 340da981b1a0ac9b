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

use super::gopath;
use super::walk::{self, EntryKind};
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

/// The context files one source reads.
#[derive(Debug, Clone)]
pub struct SourceFiles<'c> {
    /// The source as BuildKit resolves it, relative to the context root
    /// (`""` for the whole context).
    pub path: String,
    /// Whether the source is a wildcard.
    pub wildcard: bool,
    /// Files (and symlinks, sockets…) the build reads, in walk order.
    pub included: Vec<&'c Entry>,
    /// What the source names but the ignore file excludes, with the pattern
    /// that excludes each.
    pub excluded: Vec<Excluded<'c>>,
    pub missing: Option<Missing>,
    /// The walk stopped early or could not read part of the source, so the
    /// lists may be short (and "missing" is only a guess).
    pub incomplete: bool,
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
    /// the context files it reads.
    pub fn resolve_source(&self, source: &str) -> Result<SourceFiles<'_>, SourceError> {
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
        let mut files = SourceFiles {
            wildcard: gopath::contains_wildcards(&path),
            path,
            included: Vec::new(),
            excluded: Vec::new(),
            missing: None,
            incomplete: false,
        };
        let scope = if files.wildcard {
            self.resolve_wildcard(&mut files)?
        } else {
            self.resolve_literal(&mut files)
        };
        // Links and overlapping matches can name a file twice.
        files
            .included
            .sort_by(|a, b| walk::path_order(a.path(), b.path()));
        files.included.dedup_by(|a, b| a.path() == b.path());
        files
            .excluded
            .sort_by(|a, b| walk::path_order(a.entry.path(), b.entry.path()));
        files
            .excluded
            .dedup_by(|a, b| a.entry.path() == b.entry.path());
        files.incomplete |= self.stopped_after.is_some()
            || self.problems.iter().any(|p| {
                !p.excluded
                    && (walk::is_within(&p.path, &scope) || walk::is_within(&scope, &p.path))
            });
        Ok(files)
    }

    /// A source without wildcards. Returns the directory it covers.
    fn resolve_literal<'c>(&'c self, files: &mut SourceFiles<'c>) -> String {
        if files.path.is_empty() {
            self.collect_below("", files);
            return String::new();
        }
        let Some(real) = resolve_in_root(&self.root, &files.path) else {
            files.missing = Some(Missing::NotFound);
            return files.path.clone();
        };
        if real.is_empty() {
            // A link to the context root.
            self.collect_below("", files);
            return real;
        }
        match self.entry(&real) {
            Some(entry) => {
                if !self.in_context(entry) {
                    files.missing = Some(Missing::Excluded);
                }
                self.collect(entry, files);
            }
            None => {
                // On disk but not walked: below a skipped directory, or past
                // the file limit.
                if self.excluded_by(&real).is_some() {
                    files.missing = Some(Missing::Excluded);
                    if let Some(dir) = self.walked_ancestor(&real) {
                        self.push_excluded(dir, files);
                    }
                } else {
                    files.incomplete = true;
                }
            }
        }
        real
    }

    /// A wildcard source. Returns the directory all its matches lie in.
    fn resolve_wildcard<'c>(&'c self, files: &mut SourceFiles<'c>) -> Result<String, SourceError> {
        let pattern = files.path.clone();
        let bad = || SourceError::BadPattern {
            pattern: pattern.clone(),
        };
        gopath::glob_match(&pattern, "").map_err(|_| bad())?;
        let scope = literal_prefix(&pattern);
        let mut matched_any = false;
        let mut last_match: Option<&str> = None;
        for entry in self.below(&scope) {
            if last_match.is_some_and(|m| walk::is_within(entry.path(), m)) {
                continue;
            }
            if !gopath::glob_match(&pattern, entry.path()).map_err(|_| bad())? {
                continue;
            }
            last_match = Some(entry.path());
            matched_any |= self.in_context(entry);
            self.collect(entry, files);
        }
        if let Some(dir) = self.walked_ancestor(&scope).filter(|d| d.is_pruned()) {
            // The wildcard points into a directory the walk skipped.
            self.push_excluded(dir, files);
        }
        if !matched_any {
            files.missing = Some(Missing::NoWildcardMatch);
        }
        Ok(scope)
    }

    /// Adds what `entry` brings: a file itself, a directory everything
    /// below it, a symlink what it points to.
    fn collect<'c>(&'c self, entry: &'c Entry, files: &mut SourceFiles<'c>) {
        let mut target = entry;
        if entry.kind() == EntryKind::Symlink {
            match resolve_in_root(&self.root, entry.path()) {
                Some(real) if real.is_empty() => return self.collect_below("", files),
                Some(real) => target = self.entry(&real).unwrap_or(entry),
                None => {}
            }
        }
        if target.kind() == EntryKind::Dir {
            if target.is_pruned() {
                self.push_excluded(target, files);
            } else {
                self.collect_below(target.path(), files);
            }
        } else if target.is_excluded() {
            self.push_excluded(target, files);
        } else {
            files.included.push(target);
        }
    }

    fn collect_below<'c>(&'c self, dir: &str, files: &mut SourceFiles<'c>) {
        for entry in self.below(dir) {
            if entry.is_pruned() || (entry.kind() != EntryKind::Dir && entry.is_excluded()) {
                self.push_excluded(entry, files);
            } else if entry.kind() != EntryKind::Dir {
                files.included.push(entry);
            }
        }
    }

    fn push_excluded<'c>(&'c self, entry: &'c Entry, files: &mut SourceFiles<'c>) {
        if let Some(pattern) = entry.pattern_index().and_then(|i| self.pattern(i)) {
            files.excluded.push(Excluded { entry, pattern });
        }
    }

    /// Whether the build sees `entry`: it is not excluded, or it is a
    /// directory holding something that is (BuildKit then sends the
    /// directory too).
    fn in_context(&self, entry: &Entry) -> bool {
        !entry.is_excluded()
            || (entry.kind() == EntryKind::Dir
                && self.below(entry.path()).iter().any(|e| !e.is_excluded()))
    }

    /// The deepest walked entry that is `path` or one of its parents.
    fn walked_ancestor(&self, path: &str) -> Option<&Entry> {
        let mut prefix = path;
        while !prefix.is_empty() {
            if let Some(entry) = self.entry(prefix) {
                return Some(entry);
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
