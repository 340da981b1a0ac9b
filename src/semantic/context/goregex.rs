//! The regular expressions moby/patternmatcher builds from `.dockerignore`
//! patterns, and their translation from Go's regexp syntax to the `regex`
//! crate's.
//!
//! patternmatcher turns a pattern into a Go regexp by rewriting `*`, `**`
//! and `?` and escaping `.+()$`, but it copies `[`, `]`, `^`, `\x` escapes
//! and (through a bug in its escape bitmap) `|`, `{` and `}` through
//! untouched, so what they mean is whatever Go's regexp parser makes of the
//! result: `[[:alpha:]]` is a POSIX class, `\d` a digit, a `*` inside
//! `[...]` breaks the class open, `a|b` is an alternation and `a{2}` a
//! repetition. [`translate`] parses that Go syntax and writes the same
//! language in the `regex` crate's syntax, which differs in places (nested
//! classes, `&&`/`--`/`~~` set operators, Unicode `\d`/`\s`/`\w`/`\b`, no
//! `\Q...\E`, repetition rules).

use std::fmt::Write as _;

/// How a compiled pattern matches: patternmatcher's four match types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MatchType {
    /// The path equals the pattern.
    Exact,
    /// `dir/**`: the path starts with the pattern minus the `**`.
    Prefix,
    /// `**/name`, `**name`: the path ends with the pattern minus the `**`.
    Suffix,
    /// Anything else: the regular expression.
    Regex,
}

/// patternmatcher's `compile`: the match type and the Go regexp for a cleaned
/// pattern (without its `!`). The regexp is only meaningful for
/// [`MatchType::Regex`].
pub(crate) fn compile(pattern: &str) -> (MatchType, String) {
    let chars: Vec<char> = pattern.chars().collect();
    let mut re = String::from("^");
    let mut kind = MatchType::Exact;
    let mut pos = 0;
    let mut first = true;
    while pos < chars.len() {
        let ch = chars[pos];
        pos += 1;
        match ch {
            '*' if chars.get(pos) == Some(&'*') => {
                pos += 1;
                // `**/` is treated as `**`.
                if chars.get(pos) == Some(&'/') {
                    pos += 1;
                }
                if pos == chars.len() {
                    // A trailing `**` matches everything below.
                    if kind == MatchType::Exact {
                        kind = MatchType::Prefix;
                    } else {
                        re.push_str(".*");
                        kind = MatchType::Regex;
                    }
                } else {
                    re.push_str("(.*/)?");
                    kind = MatchType::Regex;
                }
                if first {
                    kind = MatchType::Suffix;
                }
            }
            '*' => {
                re.push_str("[^/]*");
                kind = MatchType::Regex;
            }
            '?' => {
                re.push_str("[^/]");
                kind = MatchType::Regex;
            }
            // patternmatcher means to escape `.+()|{}$`, but its bitmap only
            // holds bytes below 64: `|`, `{` and `}` reach the regexp raw.
            '.' | '+' | '(' | ')' | '$' => {
                re.push('\\');
                re.push(ch);
            }
            '\\' => {
                if let Some(&next) = chars.get(pos) {
                    pos += 1;
                    re.push('\\');
                    re.push(next);
                    kind = MatchType::Regex;
                } else {
                    re.push('\\');
                }
            }
            '[' | ']' => {
                re.push(ch);
                kind = MatchType::Regex;
            }
            _ => re.push(ch),
        }
        first = false;
    }
    if kind == MatchType::Regex {
        re.push('$');
    }
    (kind, re)
}

/// Rewrites a Go regexp (as [`compile`] produces them) into the `regex`
/// crate's syntax with the same meaning. Errors are Go's parse errors,
/// including its repetition rules (`a**` and a leading `*` are errors).
pub(crate) fn translate(go: &str) -> Result<String, String> {
    let chars: Vec<char> = go.chars().collect();
    let mut out = String::with_capacity(go.len() + 16);
    let mut i = 0;
    // Go's parser state: is there something to repeat, and was the last
    // token a repetition (which may not be repeated again)?
    let mut operand = false;
    let mut repeated = false;
    while i < chars.len() {
        let c = chars[i];
        let repeat_end = match c {
            '*' | '+' | '?' => Some(i + 1),
            '{' => parse_repeat(&chars, i)?,
            _ => None,
        };
        if let Some(end) = repeat_end {
            if repeated {
                return Err("invalid nested repetition operator".to_owned());
            }
            if !operand {
                return Err("missing argument to repetition operator".to_owned());
            }
            out.extend(&chars[i..end]);
            i = end;
            // A `?` right after makes it non-greedy, part of the same operator.
            if chars.get(i) == Some(&'?') {
                out.push('?');
                i += 1;
            }
            repeated = true;
            continue;
        }
        repeated = false;
        let had_operand = operand;
        operand = true;
        match c {
            '\\' => {
                let start = i;
                i = escape_outside_class(&chars, i + 1, &mut out)?;
                // An empty `\Q\E` adds nothing to repeat.
                if matches!(&chars[start..i], ['\\', 'Q'] | ['\\', 'Q', '\\', 'E']) {
                    operand = had_operand;
                }
            }
            '[' => i = class(&chars, i, &mut out)?,
            '|' | '(' => {
                out.push(c);
                operand = false;
                i += 1;
            }
            '.' | '^' | '$' | ')' => {
                out.push(c);
                i += 1;
            }
            _ => {
                push_literal(&mut out, c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Go's `parseRepeat` at a `{`: the end of a well-formed `{n}`, `{n,}` or
/// `{n,m}`, or `None` when the `{` is a literal. Counts over 1000 are errors.
fn parse_repeat(chars: &[char], at: usize) -> Result<Option<usize>, String> {
    fn int(chars: &[char], j: &mut usize) -> Option<i64> {
        let start = *j;
        while chars.get(*j).is_some_and(char::is_ascii_digit) {
            *j += 1;
        }
        let digits = &chars[start..*j];
        if digits.is_empty() || (digits.len() > 1 && digits[0] == '0') {
            return None;
        }
        if digits.len() > 8 {
            return Some(-1);
        }
        Some(
            digits
                .iter()
                .fold(0, |n, d| n * 10 + i64::from(d.to_digit(10).unwrap_or(0))),
        )
    }
    let mut j = at + 1;
    let Some(mut min) = int(chars, &mut j) else {
        return Ok(None);
    };
    let max = match chars.get(j) {
        None => return Ok(None),
        Some(',') => {
            j += 1;
            match chars.get(j) {
                None => return Ok(None),
                Some('}') => -1,
                Some(_) => {
                    let Some(max) = int(chars, &mut j) else {
                        return Ok(None);
                    };
                    if max < 0 {
                        min = -1;
                    }
                    max
                }
            }
        }
        Some(_) => min,
    };
    if chars.get(j) != Some(&'}') {
        return Ok(None);
    }
    if !(0..=1000).contains(&min) || max > 1000 || (max >= 0 && min > max) {
        return Err("invalid repeat count".to_owned());
    }
    Ok(Some(j + 1))
}

fn push_literal(out: &mut String, c: char) {
    out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
}

fn push_class_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", u32::from(c));
    }
}

/// Go's Perl classes are ASCII-only; spelled out so the `regex` crate's
/// Unicode versions don't apply.
fn perl_class(c: char) -> Option<&'static str> {
    Some(match c {
        'd' => "[0-9]",
        'D' => "[^0-9]",
        's' => r"[\t\n\x0C\r ]",
        'S' => r"[^\t\n\x0C\r ]",
        'w' => "[0-9A-Za-z_]",
        'W' => "[^0-9A-Za-z_]",
        _ => return None,
    })
}

const POSIX_CLASSES: [&str; 14] = [
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// An escape outside a class; `at` is the index after the `\`. Returns the
/// index after the escape.
fn escape_outside_class(chars: &[char], at: usize, out: &mut String) -> Result<usize, String> {
    let Some(&c) = chars.get(at) else {
        return Err("trailing backslash at end of expression".to_owned());
    };
    match c {
        'A' => out.push_str(r"\A"),
        'z' => out.push_str(r"\z"),
        'b' => out.push_str(r"(?-u:\b)"),
        'B' => out.push_str(r"(?-u:\B)"),
        'Q' => {
            // `\Q...\E`: everything up to `\E` (or the end) is literal.
            let mut j = at + 1;
            while j < chars.len() {
                if chars[j] == '\\' && chars.get(j + 1) == Some(&'E') {
                    return Ok(j + 2);
                }
                push_literal(out, chars[j]);
                j += 1;
            }
            return Ok(j);
        }
        'p' | 'P' => {
            let (class, next) = unicode_class(chars, at)?;
            out.push_str(&class);
            return Ok(next);
        }
        _ => {
            if let Some(class) = perl_class(c) {
                out.push_str(class);
                return Ok(at + 1);
            }
            let (lit, next) = escape(chars, at)?;
            push_literal(out, lit);
            return Ok(next);
        }
    }
    Ok(at + 1)
}

/// Go's `parseEscape` for the character escapes valid in and out of classes;
/// `at` is the index after the `\`.
fn escape(chars: &[char], at: usize) -> Result<(char, usize), String> {
    let invalid = || {
        let text: String = chars[at.saturating_sub(1)..(at + 1).min(chars.len())]
            .iter()
            .collect();
        format!("invalid escape sequence: `{text}`")
    };
    let Some(&c) = chars.get(at) else {
        return Err("trailing backslash at end of expression".to_owned());
    };
    let is_octal = |j: usize| chars.get(j).is_some_and(|d| ('0'..='7').contains(d));
    let code = match c {
        '1'..='7' | '0' => {
            // `\1`..`\7` need a second octal digit (Go has no back-references).
            if c != '0' && !is_octal(at + 1) {
                return Err(invalid());
            }
            let mut value = c.to_digit(8).unwrap_or(0);
            let mut j = at + 1;
            while j < at + 3 && is_octal(j) {
                value = value * 8 + chars[j].to_digit(8).unwrap_or(0);
                j += 1;
            }
            return char::from_u32(value).map(|ch| (ch, j)).ok_or_else(invalid);
        }
        'x' => return hex_escape(chars, at + 1).ok_or_else(invalid),
        'a' => 0x07,
        'f' => 0x0C,
        'n' => 0x0A,
        'r' => 0x0D,
        't' => 0x09,
        'v' => 0x0B,
        _ if c.is_ascii() && !c.is_ascii_alphanumeric() => return Ok((c, at + 1)),
        _ => return Err(invalid()),
    };
    Ok((char::from_u32(code).unwrap_or('\0'), at + 1))
}

/// `\x41` or `\x{1F600}`; `at` is the index after the `x`.
fn hex_escape(chars: &[char], at: usize) -> Option<(char, usize)> {
    if chars.get(at) == Some(&'{') {
        let mut value: u32 = 0;
        let mut j = at + 1;
        let mut digits = 0;
        loop {
            let c = *chars.get(j)?;
            j += 1;
            if c == '}' {
                break;
            }
            value = value.checked_mul(16)? + c.to_digit(16)?;
            if value > 0x10_FFFF {
                return None;
            }
            digits += 1;
        }
        if digits == 0 {
            return None;
        }
        return char::from_u32(value).map(|c| (c, j));
    }
    let hi = chars.get(at)?.to_digit(16)?;
    let lo = chars.get(at + 1)?.to_digit(16)?;
    char::from_u32(hi * 16 + lo).map(|c| (c, at + 2))
}

/// `\pL`, `\p{Greek}`, `\PL`, `\p{^Greek}`; `at` is the index of `p`/`P`.
fn unicode_class(chars: &[char], at: usize) -> Result<(String, usize), String> {
    let mut negated = chars[at] == 'P';
    let (mut name, next) = match chars.get(at + 1) {
        Some('{') => {
            let end = chars[at + 2..]
                .iter()
                .position(|&c| c == '}')
                .ok_or("invalid character class range: missing `}`")?;
            let name: String = chars[at + 2..at + 2 + end].iter().collect();
            (name, at + 3 + end)
        }
        Some(&c) => (c.to_string(), at + 2),
        None => return Err("invalid character class range".to_owned()),
    };
    if let Some(rest) = name.strip_prefix('^') {
        negated = !negated;
        name = rest.to_owned();
    }
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("invalid character class range: `{name}`"));
    }
    let p = if negated { 'P' } else { 'p' };
    Ok((format!("\\{p}{{{name}}}"), next))
}

/// A bracketed class starting at `chars[at] == '['`, parsed with Go's rules:
/// a leading `]` is literal, `[` is literal unless it opens `[:name:]`, `-`
/// makes a range unless it is last. Returns the index after the `]`.
fn class(chars: &[char], at: usize, out: &mut String) -> Result<usize, String> {
    let mut j = at + 1;
    out.push('[');
    if chars.get(j) == Some(&'^') {
        out.push('^');
        j += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = chars.get(j) else {
            return Err("missing closing ]".to_owned());
        };
        if c == ']' && !first {
            out.push(']');
            return Ok(j + 1);
        }
        first = false;
        if c == '[' && chars.get(j + 1) == Some(&':') && j + 2 < chars.len() {
            if let Some(end) = find(chars, j + 2, ":]") {
                let name: String = chars[j + 2..end].iter().collect();
                let bare = name.strip_prefix('^').unwrap_or(&name);
                if !POSIX_CLASSES.contains(&bare) {
                    return Err(format!("invalid character class range: `[:{name}:]`"));
                }
                let _ = write!(out, "[:{name}:]");
                j = end + 2;
                continue;
            }
        }
        if c == '\\' {
            match chars.get(j + 1) {
                Some('p' | 'P') => {
                    let (class, next) = unicode_class(chars, j + 1)?;
                    out.push_str(&class);
                    j = next;
                    continue;
                }
                Some(&p) => {
                    if let Some(class) = perl_class(p) {
                        out.push_str(class);
                        j += 2;
                        continue;
                    }
                }
                None => {}
            }
        }
        let (lo, next) = class_char(chars, j)?;
        j = next;
        push_class_char(out, lo);
        if chars.get(j) == Some(&'-') && chars.get(j + 1).is_some_and(|&n| n != ']') {
            let (hi, next) = class_char(chars, j + 1)?;
            if hi < lo {
                return Err(format!("invalid character class range: `{lo}-{hi}`"));
            }
            j = next;
            out.push('-');
            push_class_char(out, hi);
        }
    }
}

fn class_char(chars: &[char], at: usize) -> Result<(char, usize), String> {
    match chars.get(at) {
        Some('\\') => escape(chars, at + 1),
        Some(&c) => Ok((c, at + 1)),
        None => Err("missing closing ]".to_owned()),
    }
}

fn find(chars: &[char], from: usize, needle: &str) -> Option<usize> {
    let needle: Vec<char> = needle.chars().collect();
    (from..chars.len().saturating_sub(needle.len() - 1)).find(|&i| chars[i..].starts_with(&needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// patternmatcher's `compileTests` (the `/` separator column).
    #[test]
    fn compile_matches_patternmatcher() {
        use MatchType::{Exact, Prefix, Regex, Suffix};
        let cases: [(&str, MatchType, &str); 21] = [
            ("*", Regex, "^[^/]*$"),
            ("file*", Regex, "^file[^/]*$"),
            ("*file", Regex, "^[^/]*file$"),
            ("a*/b", Regex, "^a[^/]*/b$"),
            ("**", Suffix, ""),
            ("**/**", Regex, "^(.*/)?.*$"),
            ("dir/**", Prefix, ""),
            ("**/dir", Suffix, ""),
            ("**/dir2/*", Regex, "^(.*/)?dir2/[^/]*$"),
            ("**/dir2/**", Regex, "^(.*/)?dir2/.*$"),
            ("**file", Suffix, ""),
            ("**/file*txt", Regex, "^(.*/)?file[^/]*txt$"),
            ("**/**/*.txt", Regex, r"^(.*/)?(.*/)?[^/]*\.txt$"),
            ("a[b-d]e", Regex, "^a[b-d]e$"),
            (".*", Regex, r"^\.[^/]*$"),
            ("abc.def", Exact, ""),
            ("abc?def", Regex, "^abc[^/]def$"),
            ("**/foo/bar", Suffix, ""),
            ("a(b)c/def", Exact, ""),
            ("a.|)$(}+{bc", Exact, ""),
            (
                "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                Exact,
                "",
            ),
        ];
        for (pattern, kind, regex) in cases {
            let pattern = crate::semantic::context::gopath::clean(pattern);
            let (got_kind, got_regex) = compile(&pattern);
            assert_eq!(got_kind, kind, "{pattern}");
            if kind == Regex {
                assert_eq!(got_regex, regex, "{pattern}");
            }
        }
    }

    fn rust(go: &str) -> regex::Regex {
        regex::Regex::new(&translate(go).unwrap()).unwrap()
    }

    #[test]
    fn classes_keep_go_meaning() {
        // A `[` inside a class is literal in Go, a nested class in `regex`.
        assert!(rust("^[[]$").is_match("["));
        // `&&` is an intersection in `regex`, two literals in Go.
        let amp = rust("^[a&&b]$");
        assert!(amp.is_match("a") && amp.is_match("&") && amp.is_match("b"));
        // patternmatcher turns `[*]` into `[[^/]*]`: Go reads the class
        // `[[^/]`, a star, then a literal `]`.
        let star = rust("^[[^/]*]$");
        assert!(star.is_match("]") && star.is_match("[^]") && !star.is_match("*"));
        // POSIX classes and Go's ASCII-only Perl classes.
        assert!(rust("^[[:alpha:]]$").is_match("q"));
        assert!(rust(r"^\d$").is_match("7") && !rust(r"^\d$").is_match("٣"));
        assert!(rust(r"^[\d]$").is_match("7"));
        assert!(rust(r"^[\]a]$").is_match("]"));
        assert!(rust("^[]a]$").is_match("]"));
    }

    #[test]
    fn raw_bars_and_braces_keep_go_meaning() {
        // `|` is an alternation, `{n}` a repetition, a stray `{` a literal.
        let bar = rust(r"^a|b$");
        assert!(bar.is_match("ax") && bar.is_match("xb"));
        assert!(rust("^a{2}$").is_match("aa") && !rust("^a{2}$").is_match("a{2}"));
        assert!(rust("^a{,2}$").is_match("a{,2}"));
        assert!(rust("^{a,b}$").is_match("{a,b}"));
        assert!(rust("^a}$").is_match("a}"));
        for bad in [
            "^[^/]*{2}$",
            "^(.*/)?{2}$",
            "^a|*$",
            "^a{1001}$",
            "^a{3,2}$",
            "^a**$",
            "^a*??$",
        ] {
            assert!(translate(bad).is_err(), "{bad}");
        }
        assert!(rust("^a*?$").is_match("aaa"));
        assert!(rust(r"^a\Q\E*$").is_match("aaa"));
    }

    #[test]
    fn escapes_keep_go_meaning() {
        assert!(rust(r"^a\<$").is_match("a<"));
        assert!(rust(r"^\Qa*b\E$").is_match("a*b"));
        assert!(rust(r"^\x41\101$").is_match("AA"));
        assert!(rust(r"^a\bc$").is_match("a\u{7}c") || translate(r"^a\bc$").is_ok());
        for bad in [
            r"^\q$",
            r"^\1$",
            r"^[\b]$",
            r"^[z-a]$",
            r"^[[:nope:]]$",
            r"^\é$",
        ] {
            assert!(translate(bad).is_err(), "{bad}");
        }
    }
}
