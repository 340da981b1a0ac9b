//! A disk cache of ShellCheck's findings, one entry per script.
//!
//! ShellCheck spends tens of milliseconds on a script that layerlint lints
//! in a fraction of one, and a commit hook or a CI job checks the same
//! `RUN` scripts again and again. An entry is keyed by the script's text
//! and by the `shellcheck` program (its resolved path, size and
//! modification time: an upgraded program is a new one), and holds the
//! findings as ShellCheck reported them; layerlint's own settings and
//! suppressions are applied afterwards, as for a fresh report.
//!
//! - Entries are written to a temporary file and renamed into place, so
//!   concurrent runs share a cache safely.
//! - An unreadable or corrupt entry is a miss; a cache that cannot be
//!   written costs speed, never findings.
//! - Only complete reports are stored: a `shellcheck` that failed or was
//!   stopped leaves nothing behind.
//!
//! The cache lives in `$LAYERLINT_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/layerlint`, else `~/.cache/layerlint` (on Windows
//! `%LOCALAPPDATA%\layerlint`), under `shellcheck/<program>/`; deleting it
//! is always safe.

use std::ffi::OsStr;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::{Comment, Report, parse_report};

/// What the entries were made with: a new layout or new `shellcheck`
/// arguments change it, and with it every key.
const FORMAT: &str = "layerlint-shellcheck-cache-1 --format=json1 --norc --severity=style";

/// Where [`Cache::open`] keeps entries when the user did not say:
/// `$LAYERLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/layerlint`, else
/// `$HOME/.cache/layerlint` (`%LOCALAPPDATA%\layerlint` on Windows). Relative
/// `XDG_CACHE_HOME` and `HOME` values are ignored, as the XDG specification
/// asks.
pub fn default_root() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("LAYERLINT_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let absolute = |name: &str| var(name).map(PathBuf::from).filter(|p| p.is_absolute());
    if cfg!(windows) {
        return absolute("LOCALAPPDATA").map(|d| d.join("layerlint"));
    }
    absolute("XDG_CACHE_HOME")
        .or_else(|| absolute("HOME").map(|h| h.join(".cache")))
        .map(|d| d.join("layerlint"))
}

/// The cached reports of one `shellcheck` program.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The entries under `root` for `program`, run with `options` in
    /// `SHELLCHECK_OPTS` (which ShellCheck reads even with `--norc`); `None`
    /// when the program cannot be examined (then nothing is cached).
    pub fn open(root: &Path, program: &Path, options: Option<&OsStr>) -> Option<Cache> {
        let meta = std::fs::metadata(program).ok()?;
        let resolved = std::fs::canonicalize(program).unwrap_or_else(|_| program.to_path_buf());
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let identity = digest(|h| {
            FORMAT.hash(h);
            resolved.hash(h);
            meta.len().hash(h);
            modified.hash(h);
            options.hash(h);
        });
        Some(Cache {
            dir: root.join("shellcheck").join(&identity[..16]),
        })
    }

    /// The directory holding this program's entries.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn entry(&self, script: &str) -> PathBuf {
        let key = digest(|h| {
            script.len().hash(h);
            script.hash(h);
        });
        self.dir.join(format!("{key}.json"))
    }

    /// ShellCheck's findings for `script` when they are cached (their
    /// `file` is to be set by the caller).
    pub fn get(&self, script: &str) -> Option<Vec<Comment>> {
        let text = std::fs::read_to_string(self.entry(script)).ok()?;
        parse_report(&text).ok()
    }

    /// Stores ShellCheck's findings for `script`.
    pub fn put(&self, script: &str, comments: &[Comment]) -> io::Result<()> {
        let json = serde_json::to_vec(&Report {
            comments: comments.to_vec(),
        })
        .map_err(io::Error::other)?;
        std::fs::create_dir_all(&self.dir)?;
        let mut file = tempfile::NamedTempFile::new_in(&self.dir)?;
        file.write_all(&json)?;
        file.persist(self.entry(script)).map_err(|e| e.error)?;
        Ok(())
    }
}

/// 128 bits of hash over what `feed` writes, in hex: two `SipHash` runs
/// that differ in a leading byte.
fn digest(feed: impl Fn(&mut DefaultHasher)) -> String {
    let [a, b] = [0u8, 1].map(|salt| {
        let mut hasher = DefaultHasher::new();
        salt.hash(&mut hasher);
        feed(&mut hasher);
        hasher.finish()
    });
    format!("{a:016x}{b:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(file: &str, code: u32) -> Comment {
        Comment {
            file: file.to_string(),
            line: 3,
            end_line: 3,
            column: 6,
            end_column: 10,
            level: "info".to_string(),
            code,
            message: "Double quote to prevent globbing and word splitting.".to_string(),
        }
    }

    fn program(dir: &Path, body: &str) -> PathBuf {
        let path = dir.join("program");
        std::fs::write(&path, body).unwrap();
        path
    }

    #[test]
    fn entries_round_trip_per_script() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), &program(dir.path(), "v1"), None).unwrap();
        assert!(cache.get("echo $x").is_none());
        cache.put("echo $x", &[comment("a.sh", 2086)]).unwrap();
        cache.put("echo $y", &[]).unwrap();
        let got = cache.get("echo $x").unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].code, got[0].line, got[0].column), (2086, 3, 6));
        assert_eq!(got[0].message, comment("", 0).message);
        assert_eq!(cache.get("echo $y").unwrap().len(), 0);
        assert!(cache.get("echo $z").is_none());
        assert!(cache.dir().starts_with(dir.path()));
    }

    #[test]
    fn another_program_does_not_see_the_entries() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cache");
        let path = program(dir.path(), "v1");
        let old = Cache::open(&root, &path, None).unwrap();
        old.put("echo $x", &[comment("a.sh", 2086)]).unwrap();
        // An upgrade rewrites the program: another size, another identity.
        program(dir.path(), "version 2");
        let new = Cache::open(&root, &path, None).unwrap();
        assert_ne!(old.dir(), new.dir());
        assert!(new.get("echo $x").is_none());
        // Options from SHELLCHECK_OPTS change the report: another identity.
        let opts = Cache::open(&root, &path, Some(OsStr::new("-e SC2086"))).unwrap();
        assert_ne!(opts.dir(), new.dir());
        assert_eq!(Cache::open(&root, &path, None).unwrap().dir(), new.dir());
        assert!(Cache::open(&root, &dir.path().join("missing"), None).is_none());
    }

    #[test]
    fn damaged_entries_are_misses_and_unwritable_caches_fail_softly() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), &program(dir.path(), "v1"), None).unwrap();
        cache.put("ls", &[comment("a.sh", 2012)]).unwrap();
        std::fs::write(cache.entry("ls"), "{\"comments\": [").unwrap();
        assert!(cache.get("ls").is_none());
        // A cache root that is a file: storing fails with an error, not a
        // panic, and reading finds nothing.
        let program = program(dir.path(), "v1");
        let blocked = Cache::open(&program, &program, None).unwrap();
        assert!(blocked.put("ls", &[]).is_err());
        assert!(blocked.get("ls").is_none());
    }
}
