//! The pieces of Go's `path/filepath` (Unix flavour) that Docker's context
//! handling is built on: `Clean`, `Dir` and `Match`.
//!
//! Docker cleans every `.dockerignore` pattern with `Clean`, validates it with
//! `Match`, and BuildKit resolves wildcard `COPY` sources with `Match`; the
//! behaviour here follows Go's, byte for byte where it matters.

/// Go's `filepath.Clean`: the shortest equivalent path, purely lexically.
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            _ => parts.push(part),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_owned(),
        (false, false) => body,
    }
}

/// Go's `filepath.Dir`: everything up to the last `/`, cleaned.
pub(crate) fn dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean(&path[..=i]),
        None => ".".to_owned(),
    }
}

/// A pattern that Go's `filepath.Match` rejects (`ErrBadPattern`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPattern;

impl std::fmt::Display for BadPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("syntax error in pattern")
    }
}

/// Go's `filepath.Match` on Unix: `*` (any run without `/`), `?` (one
/// character but `/`), `[...]` classes with ranges and `^` negation, `\`
/// escapes. `**` means nothing special. Like Go, any malformed part of the
/// pattern is an error, even when the name fails to match before it.
pub fn glob_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let mut pattern = pattern.as_bytes();
    let mut name = name.as_bytes();
    'chunks: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing `*` matches the rest unless it holds a `/`.
            return Ok(!name.contains(&b'/'));
        }
        let attempt = match_chunk(chunk, name)?;
        if let Some(tail) = attempt
            && (tail.is_empty() || !pattern.is_empty())
        {
            name = tail;
            continue;
        }
        if star {
            // Let the star swallow one more byte at a time, never a `/`.
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                if let Some(tail) = match_chunk(chunk, &name[i + 1..])? {
                    if pattern.is_empty() && !tail.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = tail;
                    continue 'chunks;
                }
                i += 1;
            }
        }
        // No match: still report a malformed remainder, as Go does.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Whether `name` holds a wildcard as BuildKit's `containsWildcards` sees it
/// (`*`, `?` or `[`, a `\` hiding the byte after it).
pub fn contains_wildcards(name: &str) -> bool {
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'*' | b'?' | b'[' => return true,
            b'\\' => i += 1,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Splits off leading stars and the chunk up to the next star outside a class.
fn scan_chunk(pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    let mut pattern = pattern;
    while let [b'*', rest @ ..] = pattern {
        star = true;
        pattern = rest;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// Matches one chunk at the start of `s`; `Some(rest)` on success. The whole
/// chunk is checked for syntax even after the match has failed.
fn match_chunk<'n>(mut chunk: &[u8], mut s: &'n [u8]) -> Result<Option<&'n [u8]>, BadPattern> {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            b'[' => {
                let mut r = 0;
                if !failed {
                    let (c, n) = decode_rune(s);
                    r = c;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&b'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = class_char(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        let (h, rest) = class_char(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            c => {
                let literal = if c == b'\\' {
                    chunk = &chunk[1..];
                    *chunk.first().ok_or(BadPattern)?
                } else {
                    c
                };
                if !failed {
                    if literal != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

/// One character of a class (`getEsc`): not `-` or `]` unescaped, and never
/// the last byte of the chunk.
fn class_char(chunk: &[u8]) -> Result<(u32, &[u8]), BadPattern> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-' | b']') => return Err(BadPattern),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(BadPattern);
            }
        }
        Some(_) => {}
    }
    let (r, n) = decode_rune(chunk);
    let rest = &chunk[n..];
    if (r == REPLACEMENT && n == 1) || rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, rest))
}

const REPLACEMENT: u32 = 0xFFFD;

/// Go's `utf8.DecodeRune`: the first scalar and its length, or U+FFFD and 1
/// for an invalid byte (and 0, 0 for nothing).
fn decode_rune(bytes: &[u8]) -> (u32, usize) {
    if bytes.is_empty() {
        return (REPLACEMENT, 0);
    }
    let head = &bytes[..bytes.len().min(4)];
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    valid
        .chars()
        .next()
        .map_or((REPLACEMENT, 1), |c| (u32::from(c), c.len_utf8()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go() {
        let cases = [
            ("", "."),
            (".", "."),
            ("/", "/"),
            ("//", "/"),
            ("a/", "a"),
            ("a//b", "a/b"),
            ("./a/./b/.", "a/b"),
            ("a/../b", "b"),
            ("a/../..", ".."),
            ("../a/..", ".."),
            ("/../a", "/a"),
            ("/a/../../b", "/b"),
            ("**/", "**"),
            ("!docs/../x", "x"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "clean({input:?})");
        }
    }

    #[test]
    fn dir_matches_go() {
        let cases = [
            ("file", "."),
            ("file/", "file"),
            ("/", "/"),
            ("a/b/c", "a/b"),
            ("/a", "/"),
            ("dir/file/", "dir/file"),
        ];
        for (input, want) in cases {
            assert_eq!(dir(input), want, "dir({input:?})");
        }
    }

    /// Go's own `filepath.Match` table (`path/filepath/match_test.go`), Unix.
    #[test]
    fn glob_match_matches_go() {
        let ok = |p: &str, s: &str, want: bool| {
            assert_eq!(glob_match(p, s), Ok(want), "Match({p:?}, {s:?})");
        };
        let bad = |p: &str, s: &str| {
            assert_eq!(glob_match(p, s), Err(BadPattern), "Match({p:?}, {s:?})");
        };
        ok("abc", "abc", true);
        ok("*", "abc", true);
        ok("*c", "abc", true);
        ok("a*", "a", true);
        ok("a*", "abc", true);
        ok("a*", "ab/c", false);
        ok("a*/b", "abc/b", true);
        ok("a*/b", "a/c/b", false);
        ok("a*b*c*d*e*/f", "axbxcxdxe/f", true);
        ok("a*b*c*d*e*/f", "axbxcxdxexxx/f", true);
        ok("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false);
        ok("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false);
        ok("a*b?c*x", "abxbbxdbxebxczzx", true);
        ok("a*b?c*x", "abxbbxdbxebxczzy", false);
        ok("ab[c]", "abc", true);
        ok("ab[b-d]", "abc", true);
        ok("ab[e-g]", "abc", false);
        ok("ab[^c]", "abc", false);
        ok("ab[^b-d]", "abc", false);
        ok("ab[^e-g]", "abc", true);
        ok("a\\*b", "a*b", true);
        ok("a\\*b", "ab", false);
        ok("a?b", "a☺b", true);
        ok("a[^a]b", "a☺b", true);
        ok("a???b", "a☺b", false);
        ok("a[^a][^a][^a]b", "a☺b", false);
        ok("[a-ζ]*", "α", true);
        ok("*[a-ζ]", "A", false);
        ok("a?b", "a/b", false);
        ok("a*b", "a/b", false);
        ok("[\\]a]", "]", true);
        ok("[\\-]", "-", true);
        ok("[x\\-]", "x", true);
        ok("[x\\-]", "-", true);
        ok("[x\\-]", "z", false);
        ok("[\\-x]", "x", true);
        ok("[\\-x]", "-", true);
        ok("[\\-x]", "a", false);
        bad("[]a]", "]");
        bad("[-]", "-");
        bad("[x-]", "x");
        bad("[x-]", "-");
        bad("[x-]", "z");
        bad("[-x]", "x");
        bad("[-x]", "-");
        bad("[-x]", "a");
        bad("\\", "a");
        bad("[a-b-c]", "a");
        bad("[", "a");
        bad("[^", "a");
        bad("[^bc", "a");
        bad("a[", "a");
        bad("a[", "ab");
        bad("a[", "x");
        bad("a/b[", "x");
        bad("*x[", "a");
        bad("[a", "a");
        ok("*x", "xxx", true);
        // `[!x]` is no negation in Go: a class of `!` and `x`.
        ok("[!x]", "!", true);
        ok("[!x]", "y", false);
        // `**` is just two stars.
        ok("**/*.go", "a/b.go", true);
        ok("**/*.go", "a/b/c.go", false);
    }

    #[test]
    fn wildcards_as_buildkit_sees_them() {
        assert!(contains_wildcards("*.txt"));
        assert!(contains_wildcards("a/b?"));
        assert!(contains_wildcards("[ab]"));
        assert!(!contains_wildcards("a\\*b"));
        assert!(!contains_wildcards("plain/path"));
    }
}
