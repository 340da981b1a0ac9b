//! `.dockerignore` files with moby/patternmatcher's semantics.
//!
//! Reading follows `ignorefile.ReadAll`: a UTF-8 BOM is dropped, a line is a
//! comment only when `#` is its first byte, lines are trimmed, blank lines
//! skipped, `!` marks an exception, each pattern is `filepath.Clean`ed and
//! one leading `/` removed (patterns are relative to the context root).
//! Matching follows `PatternMatcher`: patterns are checked in order, the last
//! one that matches decides, and a path is excluded when it or one of its
//! parent directories matches.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock, PoisonError};

use regex::Regex;

use super::gopath;
use super::goregex::{self, MatchType};

/// One pattern of an ignore file.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The cleaned pattern, without its `!` (patternmatcher's `String()`).
    text: String,
    /// The line as written (trimmed), for messages.
    source: String,
    /// 1-based line in the file; 0 when the pattern did not come from a file.
    line: usize,
    exception: bool,
    match_type: MatchType,
    regex: Option<Regex>,
}

impl Pattern {
    /// The cleaned pattern without `!`, as Docker matches it.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The pattern as written in the file (trimmed).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// 1-based line number in the ignore file (0 if not read from a file).
    pub fn line(&self) -> usize {
        self.line
    }

    /// A `!pattern` that re-includes what earlier patterns excluded.
    pub fn is_exception(&self) -> bool {
        self.exception
    }

    fn matches(&self, path: &str) -> bool {
        match self.match_type {
            MatchType::Exact => path == self.text,
            MatchType::Prefix => path.starts_with(&self.text[..self.text.len() - 2]),
            MatchType::Suffix => {
                let suffix = &self.text[2..];
                path.ends_with(suffix) || suffix.strip_prefix('/').is_some_and(|s| path == s)
            }
            MatchType::Regex => self.regex.as_ref().is_some_and(|re| re.is_match(path)),
        }
    }

    /// Matches `path` or, failing that, one of its parent directories
    /// (`parents` from [`parent_prefixes`]).
    fn matches_or_parent(&self, path: &str, parents: &[&str]) -> bool {
        self.matches(path) || parents.iter().any(|p| self.matches(p))
    }

    /// fsutil's `patternWithoutTrailingGlob`.
    fn without_trailing_glob(&self) -> &str {
        let text = self.text.strip_suffix("/**").unwrap_or(&self.text);
        text.strip_suffix("/*").unwrap_or(text)
    }
}

/// An ignore file that Docker would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// 1-based line (0 if the pattern did not come from a file).
    pub line: usize,
    /// The pattern as written.
    pub pattern: String,
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: ", self.line)?;
        }
        write!(f, "invalid pattern `{}`: {}", self.pattern, self.message)
    }
}

impl std::error::Error for PatternError {}

/// Per-pattern results for a directory, handed to its children
/// (patternmatcher's `MatchInfo`). Empty means "no information".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchInfo(Box<[bool]>);

/// An ordered list of patterns: patternmatcher's `PatternMatcher`.
#[derive(Debug, Clone, Default)]
pub struct PatternMatcher {
    patterns: Vec<Pattern>,
    has_exceptions: bool,
    /// fsutil's `onlyPrefixExcludeExceptions`: no exception has a wildcard
    /// (ignoring a trailing `/*` or `/**`), so excluded directories can be
    /// skipped unless an exception names something inside them.
    prefix_only_exceptions: bool,
}

/// How many compiled patterns [`compiled`] keeps.
const COMPILED_KEPT: usize = 1024;

/// `source` compiled, from a process-wide cache: many `.dockerignore`
/// files of a repository share their patterns (`**/*.md`, `**/.git`), and
/// compiling one costs more than linting a small Dockerfile.
fn compiled(source: &str) -> Result<Regex, regex::Error> {
    static COMPILED: OnceLock<Mutex<HashMap<String, Regex>>> = OnceLock::new();
    let cache = COMPILED.get_or_init(Mutex::default);
    let lock = || cache.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(regex) = lock().get(source) {
        return Ok(regex.clone());
    }
    let regex = Regex::new(source)?;
    let mut kept = lock();
    if kept.len() < COMPILED_KEPT {
        kept.insert(source.to_owned(), regex.clone());
    }
    Ok(regex)
}

impl PatternMatcher {
    /// Builds a matcher from `(line, pattern)` pairs as `patternmatcher.New`
    /// does (trim, skip blanks, `Clean`, `!`, syntax check), and compiles
    /// each pattern once.
    ///
    /// Unlike patternmatcher, which compiles a pattern's regexp the first
    /// time it is evaluated and only then fails, every pattern is compiled
    /// here, so a pattern Docker would choke on is reported up front.
    pub fn new<'a, I>(lines: I) -> Result<Self, PatternError>
    where
        I: IntoIterator<Item = (usize, &'a str)>,
    {
        let mut matcher = Self {
            prefix_only_exceptions: true,
            ..Self::default()
        };
        for (line, raw) in lines {
            let trimmed = raw.trim();
            if trimmed.is_empty() {
                continue;
            }
            let error = |message: String| PatternError {
                line,
                pattern: trimmed.to_owned(),
                message,
            };
            let cleaned = gopath::clean(trimmed);
            let (exception, text) = match cleaned.strip_prefix('!') {
                Some("") => return Err(error(r#"illegal exclusion pattern: "!""#.to_owned())),
                Some(rest) => (true, rest.to_owned()),
                None => (false, cleaned),
            };
            if gopath::glob_match(&text, ".").is_err() {
                return Err(error("syntax error in pattern".to_owned()));
            }
            let (match_type, go_regex) = goregex::compile(&text);
            let regex = if match_type == MatchType::Regex {
                let rust = goregex::translate(&go_regex).map_err(&error)?;
                Some(compiled(&rust).map_err(|e| error(e.to_string()))?)
            } else {
                None
            };
            let pattern = Pattern {
                text,
                source: trimmed.to_owned(),
                line,
                exception,
                match_type,
                regex,
            };
            if exception {
                matcher.has_exceptions = true;
                if pattern
                    .without_trailing_glob()
                    .contains(['*', '[', ']', '?', '^', '\\'])
                {
                    matcher.prefix_only_exceptions = false;
                }
            }
            matcher.patterns.push(pattern);
        }
        Ok(matcher)
    }

    /// The patterns in file order.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Whether any pattern is a `!` exception.
    pub fn has_exceptions(&self) -> bool {
        self.has_exceptions
    }

    /// The index of the pattern that excludes `path` itself, no parent
    /// matching (`MatchesExact`).
    pub fn matches_exact(&self, path: &str) -> Option<usize> {
        self.decide(|p| p.matches(path))
    }

    /// The index of the pattern that excludes `path` or one of its parents
    /// (`MatchesOrParentMatches`, what BuildKit's `CopyIgnoredFile` check
    /// uses). `path` is slash-separated and relative to the context root.
    pub fn matches_or_parent_matches(&self, path: &str) -> Option<usize> {
        let parent = gopath::dir(path);
        let parents = parent_prefixes(&parent);
        self.decide(|p| p.matches_or_parent(path, &parents))
    }

    /// `MatchesUsingParentResults`: the verdict for `path` given its parent
    /// directory's [`MatchInfo`] (empty for a top-level path), and the info
    /// to hand to `path`'s children. This is how BuildKit's context transfer
    /// (fsutil) decides, walking down from the root.
    pub fn matches_using_parent_results(
        &self,
        path: &str,
        parent: &MatchInfo,
    ) -> (Option<usize>, MatchInfo) {
        let inherited = (parent.0.len() == self.patterns.len()).then_some(&parent.0);
        let mut info = vec![false; self.patterns.len()].into_boxed_slice();
        let mut matched = false;
        let mut decider = None;
        let mut parents: Option<Vec<String>> = None;
        for (i, pattern) in self.patterns.iter().enumerate() {
            let mut hit = inherited.is_some_and(|m| m[i]);
            if !hit {
                if pattern.exception != matched {
                    continue;
                }
                hit = pattern.matches(path);
                if !hit && inherited.is_none() {
                    let parents = parents.get_or_insert_with(|| {
                        let dir = gopath::dir(path);
                        parent_prefixes(&dir)
                            .into_iter()
                            .map(str::to_owned)
                            .collect()
                    });
                    hit = parents.iter().any(|p| pattern.matches(p));
                }
            }
            info[i] = hit;
            if hit {
                matched = !pattern.exception;
                decider = matched.then_some(i);
            }
        }
        (decider.filter(|_| matched), MatchInfo(info))
    }

    /// The pattern that keeps `path` out of the context, deciding each
    /// directory on the way down as BuildKit's context transfer does.
    pub fn excluded_by(&self, path: &str) -> Option<&Pattern> {
        let mut info = MatchInfo::default();
        let mut verdict = None;
        let mut end = 0;
        while end < path.len() {
            end = path[end..].find('/').map_or(path.len(), |i| end + i);
            let prefix = &path[..end];
            end += 1;
            if prefix.is_empty() {
                continue;
            }
            let (v, next) = self.matches_using_parent_results(prefix, &info);
            verdict = v;
            info = next;
        }
        verdict.map(|i| &self.patterns[i])
    }

    /// fsutil's pruning rule for an excluded directory: it is walked anyway
    /// only when an exception could re-include something below it.
    pub fn must_walk_excluded_dir(&self, dir: &str) -> bool {
        if !self.prefix_only_exceptions {
            return true;
        }
        if !self.has_exceptions {
            return false;
        }
        let dir_slash = format!("{dir}/");
        self.patterns
            .iter()
            .filter(|p| p.exception)
            .any(|p| format!("{}/", p.without_trailing_glob()).starts_with(&dir_slash))
    }

    /// Runs the patterns in order: an inclusion is tried while unmatched, an
    /// exception while matched; the last one to switch decides.
    fn decide(&self, hit: impl Fn(&Pattern) -> bool) -> Option<usize> {
        let mut decider = None;
        for (i, pattern) in self.patterns.iter().enumerate() {
            if pattern.exception != decider.is_some() {
                continue;
            }
            if hit(pattern) {
                decider = (!pattern.exception).then_some(i);
            }
        }
        decider
    }
}

/// The parent directories of `path` given its `Dir`, shortest first, as
/// patternmatcher joins them (`a`, `a/b` for `a/b/c`); none for `.`.
fn parent_prefixes(parent: &str) -> Vec<&str> {
    if parent == "." {
        return Vec::new();
    }
    let mut prefixes: Vec<&str> = parent
        .match_indices('/')
        .map(|(i, _)| &parent[..i])
        .collect();
    prefixes.push(parent);
    prefixes
}

/// `ignorefile.ReadAll`: the patterns of an ignore file with their 1-based
/// line numbers.
pub fn read_patterns(bytes: &[u8]) -> Vec<(usize, String)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut out = Vec::new();
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.first() == Some(&b'#') {
            continue;
        }
        let line = String::from_utf8_lossy(raw);
        let mut pattern = line.trim();
        if pattern.is_empty() {
            continue;
        }
        let invert = pattern.starts_with('!');
        if invert {
            pattern = pattern[1..].trim();
        }
        let mut cleaned = String::new();
        if !pattern.is_empty() {
            cleaned = gopath::clean(pattern);
            if cleaned.len() > 1 && cleaned.starts_with('/') {
                cleaned.remove(0);
            }
        }
        if invert {
            cleaned.insert(0, '!');
        }
        out.push((index + 1, cleaned));
    }
    out
}

/// A parsed ignore file.
#[derive(Debug, Clone)]
pub struct IgnoreFile {
    matcher: PatternMatcher,
}

impl IgnoreFile {
    /// Parses the bytes of a `.dockerignore` file.
    pub fn parse(bytes: &[u8]) -> Result<Self, PatternError> {
        let lines = read_patterns(bytes);
        // Keep the written text for messages: re-read the raw lines.
        let raw = raw_lines(bytes);
        let written = |line: usize| raw.get(line.wrapping_sub(1)).map(|t| t.trim().to_owned());
        let mut matcher = PatternMatcher::new(
            lines.iter().map(|(line, text)| (*line, text.as_str())),
        )
        .map_err(|mut e| {
            e.pattern = written(e.line).unwrap_or(e.pattern);
            e
        })?;
        for pattern in &mut matcher.patterns {
            if let Some(text) = written(pattern.line) {
                pattern.source = text;
            }
        }
        Ok(Self { matcher })
    }

    pub fn matcher(&self) -> &PatternMatcher {
        &self.matcher
    }

    pub fn patterns(&self) -> &[Pattern] {
        self.matcher.patterns()
    }

    /// The pattern that keeps `path` (relative, `/`-separated) out of the
    /// context, if any.
    pub fn excluded_by(&self, path: &str) -> Option<&Pattern> {
        self.matcher.excluded_by(path)
    }
}

fn raw_lines(bytes: &[u8]) -> Vec<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes
        .split(|&b| b == b'\n')
        .map(|l| String::from_utf8_lossy(l.strip_suffix(b"\r").unwrap_or(l)).into_owned())
        .collect()
}
