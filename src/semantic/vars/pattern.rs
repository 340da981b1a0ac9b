//! Shell patterns in `${v#p}`, `${v%p}` and `${v/p/r}`, matched the way
//! BuildKit does: it turns the pattern into a Go regular expression (`*` is
//! `.*` or `.*?`, `?` is `.`, everything else literal, brackets included)
//! and takes Go's leftmost-first match. Go's `.` does not match a newline,
//! and neither do `*` and `?` here.
//!
//! The match is computed without regular expressions: a pattern is a list of
//! tokens, and one backward pass over the text finds, for every start
//! position, the end of the match a backtracking matcher would report first.

/// The most steps (pattern characters × value characters) a match may
/// take; a costlier one is not attempted and the result is unknown. Both
/// come from expansions that can be long (a value up to a MiB), and the
/// match visits every pair.
const MAX_MATCH_STEPS: usize = 1 << 24;

/// Whether matching `pattern` against `value` would exceed
/// [`MAX_MATCH_STEPS`].
pub(super) fn too_costly(pattern: &str, value: &str) -> bool {
    pattern.len().saturating_mul(value.len() + 1) > MAX_MATCH_STEPS
}

/// One pattern element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    /// `*`: any run of characters other than a newline.
    Star,
    /// `?`: one character other than a newline.
    Any,
    Lit(char),
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub(super) struct Pattern {
    toks: Vec<Tok>,
    /// `*` takes as much as it can (`##`, `%%`, `/`) rather than as little.
    greedy: bool,
}

/// Compiles `pattern`. An escape (`\`) may only precede `*`, `?` or `\`;
/// before `}` and `/` it is dropped; anything else is BuildKit's
/// `invalid escape '\c'` error.
pub(super) fn compile(pattern: &str, greedy: bool) -> Result<Pattern, String> {
    // Go's text/scanner skips a byte-order mark at the start.
    let pattern = pattern.strip_prefix('\u{feff}').unwrap_or(pattern);
    let mut toks = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => toks.push(Tok::Star),
            '?' => toks.push(Tok::Any),
            '\\' => {
                if matches!(chars.peek(), Some('}' | '/')) {
                    continue;
                }
                match chars.next() {
                    Some(e @ ('*' | '?' | '\\')) => toks.push(Tok::Lit(e)),
                    Some(e) => return Err(format!("invalid escape '\\{e}'")),
                    // Go prints an invalid rune as U+FFFD.
                    None => return Err("invalid escape '\\\u{fffd}'".to_string()),
                }
            }
            c => toks.push(Tok::Lit(c)),
        }
    }
    Ok(Pattern { toks, greedy })
}

/// A text split into characters, with the byte offset of each (and of the
/// end).
struct Subject<'t> {
    text: &'t str,
    list: Vec<char>,
    offsets: Vec<usize>,
}

impl<'t> Subject<'t> {
    fn new(text: &'t str) -> Self {
        let mut list = Vec::with_capacity(text.len());
        let mut offsets = Vec::with_capacity(text.len() + 1);
        for (i, c) in text.char_indices() {
            list.push(c);
            offsets.push(i);
        }
        offsets.push(text.len());
        Self {
            text,
            list,
            offsets,
        }
    }

    fn len(&self) -> usize {
        self.list.len()
    }

    fn slice(&self, from: usize, to: usize) -> &'t str {
        &self.text[self.offsets[from]..self.offsets[to]]
    }
}

impl Pattern {
    /// For every start position `i` (in characters, `0..=len`), the end of
    /// the match starting there that a backtracking matcher finds first, or
    /// `None` when no match starts there.
    fn ends(&self, text: &Subject<'_>) -> Vec<Option<usize>> {
        let n = text.len();
        // The row for "pattern consumed": the match ends where we are.
        let mut next: Vec<Option<usize>> = (0..=n).map(Some).collect();
        let mut cur: Vec<Option<usize>> = vec![None; n + 1];
        for tok in self.toks.iter().rev() {
            match *tok {
                Tok::Lit(c) => {
                    for i in 0..=n {
                        cur[i] = if i < n && text.list[i] == c {
                            next[i + 1]
                        } else {
                            None
                        };
                    }
                }
                Tok::Any => {
                    for i in 0..=n {
                        cur[i] = if i < n && text.list[i] != '\n' {
                            next[i + 1]
                        } else {
                            None
                        };
                    }
                }
                Tok::Star => {
                    // From `i`, the star may stop anywhere in `i..=stop`,
                    // where `stop` is the next newline (or the end). Greedy:
                    // the furthest stop whose rest matches; lazy: the nearest.
                    let mut furthest: Option<usize> = None;
                    let mut nearest: Option<usize> = None;
                    for i in (0..=n).rev() {
                        if i < n && text.list[i] == '\n' {
                            furthest = None;
                            nearest = None;
                        }
                        if next[i].is_some() {
                            if furthest.is_none() {
                                furthest = Some(i);
                            }
                            nearest = Some(i);
                        }
                        let pick = if self.greedy { furthest } else { nearest };
                        cur[i] = pick.and_then(|j| next[j]);
                    }
                }
            }
            std::mem::swap(&mut next, &mut cur);
        }
        next
    }
}

/// `${v#p}` / `${v##p}`: `value` without the match of `pattern` anchored at
/// its start.
pub(super) fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let compiled = compile(pattern, greedy)?;
    let text = Subject::new(value);
    Ok(match compiled.ends(&text)[0] {
        Some(end) => text.slice(end, text.len()).to_string(),
        None => value.to_string(),
    })
}

/// `${v%p}` / `${v%%p}`: as BuildKit does it, the prefix trim of the
/// reversed value by the reversed pattern, reversed back.
pub(super) fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let reversed: String = value.chars().rev().collect();
    let trimmed = trim_prefix(&reverse_pattern(pattern), &reversed, greedy)?;
    Ok(trimmed.chars().rev().collect())
}

/// Reverses a pattern, keeping each `\c` escape in front of its character.
pub(super) fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = vec!['\0'; chars.len()];
    let last = chars.len().saturating_sub(1);
    let mut i = 0;
    while i < chars.len() {
        let at = last - i;
        if chars[i] == '\\' && i != last {
            out[at - 1] = '\\';
            out[at] = chars[i + 1];
            i += 2;
        } else {
            out[at] = chars[i];
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// Whether `pattern` (greedy or not, it does not matter here) matches
/// anywhere in `value`.
pub(super) fn matches(pattern: &str, value: &str) -> Result<bool, String> {
    let compiled = compile(pattern, true)?;
    Ok(compiled
        .ends(&Subject::new(value))
        .iter()
        .any(Option::is_some))
}

/// `${v/p/r}` (first match) and `${v//p/r}` (every match). Like BuildKit,
/// the first-match form inserts `replacement` as is, while the every-match
/// form goes through Go's `ReplaceAllString`, where `$$` is `$`, `$0` the
/// match, and any other `$name` nothing. `None` when the result would be
/// longer than [`MAX_VALUE_LEN`](super::expand::MAX_VALUE_LEN): an empty
/// pattern matches between every two characters, so nested replacements
/// grow a value exponentially.
pub(super) fn replace(
    pattern: &str,
    value: &str,
    replacement: &str,
    all: bool,
) -> Result<Option<String>, String> {
    let limit = super::expand::MAX_VALUE_LEN;
    let compiled = compile(pattern, true)?;
    let text = Subject::new(value);
    let ends = compiled.ends(&text);
    let n = text.len();
    let find = |from: usize| (from..=n).find_map(|s| ends[s].map(|e| (s, e)));
    if !all {
        let out = match find(0) {
            Some((s, e)) => format!("{}{replacement}{}", text.slice(0, s), text.slice(e, n)),
            None => value.to_string(),
        };
        return Ok((out.len() <= limit).then_some(out));
    }
    let mut out = String::with_capacity(value.len());
    let mut last_end = 0;
    let mut search = 0;
    while search <= n {
        let Some((s, e)) = find(search) else { break };
        out.push_str(text.slice(last_end, s));
        // No replacement for an empty match right after the previous one.
        if e > last_end || s == 0 {
            expand_template(replacement, text.slice(s, e), &mut out);
        }
        if out.len() > limit {
            return Ok(None);
        }
        last_end = e;
        search = if search + 1 > e { search + 1 } else { e };
    }
    out.push_str(text.slice(last_end, n));
    Ok((out.len() <= limit).then_some(out))
}

/// Go's `Regexp.Expand` for a pattern without groups: `$$` is `$`, `$0` and
/// `${0}` the whole match, any other well-formed `$name` nothing, and a `$`
/// that starts no name stays.
fn expand_template(template: &str, matched: &str, out: &mut String) {
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        match extract_name(rest) {
            Some((name, after)) => {
                if name == "0" {
                    out.push_str(matched);
                }
                rest = after;
            }
            None => out.push('$'),
        }
    }
    out.push_str(rest);
}

/// The name after a `$` in a replacement template, and what follows it.
fn extract_name(s: &str) -> Option<(&str, &str)> {
    let (brace, body) = match s.strip_prefix('{') {
        Some(body) => (true, body),
        None => (false, s),
    };
    let len = body
        .char_indices()
        .find(|&(_, c)| !(super::expand::is_letter(c) || super::expand::is_digit(c) || c == '_'))
        .map_or(body.len(), |(i, _)| i);
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    if brace {
        body[len..].strip_prefix('}').map(|after| (name, after))
    } else {
        Some((name, &body[len..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_buildkit() {
        for ok in ["*", "?", "\\*", "(()[]{\\}^$.\\*\\?|\\\\", "a\\/b"] {
            assert!(compile(ok, true).is_ok(), "{ok}");
        }
        assert_eq!(
            compile("\\", true).err().as_deref(),
            Some("invalid escape '\\\u{fffd}'")
        );
        assert_eq!(
            compile("\\x", true).err().as_deref(),
            Some("invalid escape '\\x'")
        );
        assert!(compile("\\\\\\", true).is_err());
    }

    #[test]
    fn reverses_patterns_keeping_escapes() {
        for (pattern, reversed) in [
            ("a\\*c", "c\\*a"),
            ("\\\\\\ab", "b\\a\\\\"),
            ("ab\\", "\\ba"),
            ("👽\\🚀🖖", "🖖\\🚀👽"),
            ("\\\\b", "b\\\\"),
        ] {
            assert_eq!(reverse_pattern(pattern), reversed, "{pattern}");
        }
    }

    #[test]
    fn trims_shortest_and_longest() {
        let t = |p: &str, v: &str, g: bool| trim_prefix(p, v, g).unwrap_or_default();
        let s = |p: &str, v: &str, g: bool| trim_suffix(p, v, g).unwrap_or_default();
        assert_eq!(t("*x*y", "xxyy", false), "y");
        assert_eq!(t("*", "xxyy", false), "xxyy");
        assert_eq!(t("*x", "xxyy", true), "yy");
        assert_eq!(t("?\\?", "???y", false), "?y");
        assert_eq!(t("", "xxyy", false), "xxyy");
        assert_eq!(s("x", "xxyy", false), "xxyy");
        assert_eq!(s("\\**", "xx**", true), "xx");
        assert_eq!(s("\\**\\*", "a***yy*", true), "a");
        assert_eq!(s(".*", "1.2.3", false), "1.2");
        assert_eq!(s(".*", "1.2.3", true), "1");
        // `*` stops at a newline, as Go's `.` does.
        assert_eq!(t("*b", "a\nb", true), "a\nb");
        assert_eq!(t("a?b", "a\nb", true), "a\nb");
        // Brackets are literal.
        assert_eq!(t("[ab]", "[ab]c", true), "c");
        assert_eq!(t("[ab]", "ac", true), "ac");
    }

    #[test]
    fn replaces_like_go() {
        let r = |p: &str, v: &str, with: &str, all: bool| {
            replace(p, v, with, all).ok().flatten().unwrap_or_default()
        };
        assert_eq!(r("\\*/", "/foo*/*/*.txt", ".", false), "/foo.*/*.txt");
        assert_eq!(r("\\*/", "/foo*/*/*.txt", ".", true), "/foo..*.txt");
        assert_eq!(r("/tmp", "/tmp/tmp/bar.txt", "", false), "/tmp/bar.txt");
        assert_eq!(r("/tmp", "/tmp/tmp/bar.txt", "", true), "/bar.txt");
        assert_eq!(r("/?/", "/a/foo/b/c.txt", "/", true), "/foo/c.txt");
        assert_eq!(r("", "xxyy", "ww", false), "wwxxyy");
        assert_eq!(r("", "xxyy", "", true), "xxyy");
        assert_eq!(r("", "ab", "-", true), "-a-b-");
        assert_eq!(r("\\/", "/tmp/foo.txt", "\\/", true), "\\/tmp\\/foo.txt");
        assert_eq!(r("arm64", "x-arm64.tar", "aarch64", true), "x-aarch64.tar");
        assert_eq!(r("b*", "abcbd", "X", true), "aX");
        // Go's template rules apply to the every-match form only.
        assert_eq!(r("b", "abc", "[$0]", true), "a[b]c");
        assert_eq!(r("b", "abc", "[${0}$$$x$]", true), "a[b$$]c");
        assert_eq!(r("b", "abc", "[$0]", false), "a[$0]c");
    }
}
