//! Walking a build context the way BuildKit's context transfer (fsutil)
//! does: lexical order, symlinks listed but never followed, each path
//! decided against the ignore file from its parent's results, and excluded
//! directories skipped unless an exception may re-include something below.

use std::cmp::Ordering;
use std::fs;
use std::path::Path;

use super::ignore::{MatchInfo, PatternMatcher};

/// What a context entry is (from `lstat`: a symlink is never followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    /// A socket, FIFO or device.
    Other,
}

/// One path in the context.
#[derive(Debug, Clone)]
pub struct Entry {
    path: String,
    kind: EntryKind,
    excluded_by: Option<u32>,
    pruned: bool,
}

impl Entry {
    /// Relative to the context root, `/`-separated, no leading `/`.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn kind(&self) -> EntryKind {
        self.kind
    }

    /// Index (into the ignore file's patterns) of the pattern that keeps
    /// this path out of the context.
    pub fn pattern_index(&self) -> Option<usize> {
        self.excluded_by.map(|i| i as usize)
    }

    pub fn is_excluded(&self) -> bool {
        self.excluded_by.is_some()
    }

    /// An excluded directory whose contents were not walked (BuildKit
    /// skips it too): nothing below it is listed.
    pub fn is_pruned(&self) -> bool {
        self.pruned
    }
}

/// An entry the walk could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkProblem {
    pub path: String,
    pub message: String,
    /// The ignore file excludes it, so the build never reads it either
    /// (BuildKit skips permission errors on excluded paths).
    pub excluded: bool,
}

#[derive(Debug, Default)]
pub struct Walk {
    pub entries: Vec<Entry>,
    pub problems: Vec<WalkProblem>,
    pub stopped_after: Option<usize>,
    pub visited: usize,
}

impl Walk {
    /// The index of the entry at `path`, if the walk saw it.
    pub fn position(&self, path: &str) -> Option<usize> {
        self.entries
            .binary_search_by(|e| path_order(e.path(), path))
            .ok()
    }

    /// The entry at `path`, if the walk saw it.
    pub fn entry(&self, path: &str) -> Option<&Entry> {
        self.position(path).map(|i| &self.entries[i])
    }

    /// The indices of the entries strictly below directory `dir` (`""` =
    /// everything).
    pub fn below_range(&self, dir: &str) -> std::ops::Range<usize> {
        if dir.is_empty() {
            return 0..self.entries.len();
        }
        let start = self
            .entries
            .partition_point(|e| path_order(e.path(), dir) != Ordering::Greater);
        let len = self.entries[start..].partition_point(|e| is_within(e.path(), dir));
        start..start + len
    }

    /// The entries strictly below directory `dir` (`""` = everything).
    pub fn below(&self, dir: &str) -> &[Entry] {
        &self.entries[self.below_range(dir)]
    }
}

struct Frame {
    dir: String,
    children: std::vec::IntoIter<(String, Option<fs::FileType>)>,
    info: MatchInfo,
}

/// A directory's children, sorted by name, with their types (`None` when
/// the type could not be read).
pub(crate) type Listing = Vec<(String, Option<fs::FileType>)>;

/// Walks `root`, examining at most `limit` entries.
pub(crate) fn walk(
    root: &Path,
    matcher: Option<&PatternMatcher>,
    limit: usize,
) -> std::io::Result<Walk> {
    let mut out = Walk::default();
    let top = read_children(root)?;
    descend(
        root,
        matcher,
        limit,
        &mut out,
        Frame {
            dir: String::new(),
            children: top.into_iter(),
            info: MatchInfo::default(),
        },
    );
    Ok(out)
}

/// Walks only what the whole walk of `root` lists on the way to `scope`
/// (a relative `/`-separated path, not empty) and below it: the same
/// entries, decided the same way, in the same order. `list` reads a
/// directory's children (`""` = the root), so the caller can keep the
/// listings of directories on the way.
pub(crate) fn walk_scope(
    root: &Path,
    matcher: Option<&PatternMatcher>,
    limit: usize,
    scope: &str,
    list: impl Fn(&str) -> std::io::Result<std::sync::Arc<Listing>>,
) -> Walk {
    let mut out = Walk::default();
    let mut dir = String::new();
    let mut info = MatchInfo::default();
    let mut parts = scope.split('/').peekable();
    while let Some(part) = parts.next() {
        let children = match list(&dir) {
            Ok(children) => children,
            Err(e) => {
                // `dir` is the last entry recorded (none for the root).
                out.problems.push(WalkProblem {
                    path: dir,
                    message: e.to_string(),
                    excluded: out.entries.last().is_some_and(Entry::is_excluded),
                });
                return out;
            }
        };
        let Ok(at) = children.binary_search_by(|(name, _)| name.as_str().cmp(part)) else {
            return out;
        };
        if out.visited >= limit {
            out.stopped_after = Some(limit);
            return out;
        }
        out.visited += 1;
        let path = if dir.is_empty() {
            part.to_owned()
        } else {
            format!("{dir}/{part}")
        };
        let Some(child_info) = visit(&mut out, matcher, path.clone(), children[at].1, &info) else {
            return out;
        };
        if parts.peek().is_none() {
            if let Some(frame) = open(root, &mut out, path, child_info) {
                descend(root, matcher, limit, &mut out, frame);
            }
            return out;
        }
        dir = path;
        info = child_info;
    }
    out
}

/// Walks depth-first from `top` until the stack empties or `limit`
/// entries were examined.
fn descend(
    root: &Path,
    matcher: Option<&PatternMatcher>,
    limit: usize,
    out: &mut Walk,
    top: Frame,
) {
    let mut stack = vec![top];
    while let Some(frame) = stack.last_mut() {
        let Some((name, file_type)) = frame.children.next() else {
            stack.pop();
            continue;
        };
        if out.visited >= limit {
            out.stopped_after = Some(limit);
            break;
        }
        out.visited += 1;
        let path = if frame.dir.is_empty() {
            name
        } else {
            format!("{}/{name}", frame.dir)
        };
        let Some(info) = visit(out, matcher, path.clone(), file_type, &frame.info) else {
            continue;
        };
        stack.extend(open(root, out, path, info));
    }
}

/// Reads the children of directory `path`, just recorded by [`visit`], to
/// walk them; records a problem when they cannot be read.
fn open(root: &Path, out: &mut Walk, path: String, info: MatchInfo) -> Option<Frame> {
    match read_children(&root.join(&path)) {
        Ok(children) => Some(Frame {
            dir: path,
            children: children.into_iter(),
            info,
        }),
        Err(e) => {
            out.problems.push(WalkProblem {
                path,
                message: e.to_string(),
                excluded: out.entries.last().is_some_and(Entry::is_excluded),
            });
            None
        }
    }
}

/// Records the entry at `path`; returns its match information when it is
/// a directory the walk goes into (not excluded, or excluded with an
/// exception that may re-include something below it).
fn visit(
    out: &mut Walk,
    matcher: Option<&PatternMatcher>,
    path: String,
    file_type: Option<fs::FileType>,
    parent: &MatchInfo,
) -> Option<MatchInfo> {
    let (excluded_by, info) = match matcher {
        Some(m) => m.matches_using_parent_results(&path, parent),
        None => (None, MatchInfo::default()),
    };
    let Some(file_type) = file_type else {
        out.problems.push(WalkProblem {
            message: "cannot read file type".to_owned(),
            path,
            excluded: excluded_by.is_some(),
        });
        return None;
    };
    let kind = if file_type.is_dir() {
        EntryKind::Dir
    } else if file_type.is_symlink() {
        EntryKind::Symlink
    } else if file_type.is_file() {
        EntryKind::File
    } else {
        EntryKind::Other
    };
    let pruned = kind == EntryKind::Dir
        && excluded_by.is_some()
        && !matcher.is_some_and(|m| m.must_walk_excluded_dir(&path));
    out.entries.push(Entry {
        path,
        kind,
        excluded_by: excluded_by.map(|i| i as u32),
        pruned,
    });
    (kind == EntryKind::Dir && !pruned).then_some(info)
}

/// A directory's entries sorted by name, as Go's `os.ReadDir` returns them.
pub(crate) fn read_children(dir: &Path) -> std::io::Result<Listing> {
    let mut children: Vec<(String, Option<fs::FileType>)> = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        // A UTF-8 name (nearly all are) becomes the String without a copy;
        // any other is converted lossily.
        let name = entry
            .file_name()
            .into_string()
            .unwrap_or_else(|name| name.to_string_lossy().into_owned());
        children.push((name, entry.file_type().ok()));
    }
    children.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(children)
}

/// The walk's order: paths compared component by component (`a/b` before
/// `a.txt`), which is what depth-first with sorted children produces.
pub(crate) fn path_order(a: &str, b: &str) -> Ordering {
    let key = |c: u8| if c == b'/' { 0 } else { c };
    a.bytes().map(key).cmp(b.bytes().map(key))
}

/// Whether `path` is `dir` itself or below it (`dir` empty = the root).
pub(crate) fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn children_sorted_by_name_with_other_names_converted() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        for name in ["b", "a.txt", "é"] {
            fs::write(dir.path().join(name), "").unwrap();
        }
        fs::create_dir(dir.path().join("a")).unwrap();
        // Not UTF-8: `x`, the byte 0xff, `y`.
        let odd = std::ffi::OsStr::from_bytes(b"x\xffy");
        fs::write(dir.path().join(odd), "").unwrap();
        let listing = read_children(dir.path()).unwrap();
        let names: Vec<&str> = listing.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "a.txt", "b", "x\u{fffd}y", "é"]);
        assert!(listing[0].1.is_some_and(|t| t.is_dir()));
        assert!(listing[1].1.is_some_and(|t| t.is_file()));
    }
}
