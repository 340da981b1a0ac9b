//! "Is this path removed later in the same `RUN`?": `rm` operands compared
//! with a path as shell patterns (`rm -rf /var/lib/apt/lists/*` removes
//! `/var/lib/apt/lists/*`; `rm -r /var/cache/apt` removes everything below
//! it).

use std::borrow::Cow;

use super::invocation::Invocation;
use super::programs::RM;
use super::script::{Command, Script};

impl<'a> Script<'a> {
    /// The first `rm` after command `after` (by index in
    /// [`Script::commands`], so later in source order) that removes `path`.
    ///
    /// `path` is a pattern: `*`, `?` and `[…]` match as in the shell, `\`
    /// escapes. An operand removes `path` when, as a pattern, it matches
    /// `path` (so `/tmp/*` removes `/tmp/*.deb`), or when it is recursive
    /// and matches a directory above `path`.
    pub fn removal_after(&self, after: usize, path: &str) -> Option<&Command<'a>> {
        let target = normalize(path);
        self.invocations_of(&["rm"])
            .filter(|inv| inv.index > after)
            .find(|inv| removes(inv, &target))
            .map(|inv| inv.command)
    }
}

fn removes(inv: &Invocation<'_, '_>, target: &str) -> bool {
    let args = RM.parse(inv.args);
    let recursive = args.has("recursive");
    args.operands.iter().any(|operand| {
        operand
            .pattern()
            .is_some_and(|p| path_covers(&normalize(&p), recursive, target))
    })
}

/// Removes `.` components, repeated and trailing `/`.
fn normalize(path: &str) -> Cow<'_, str> {
    // Already normal: no empty component but a leading one, and no `.`.
    if !path
        .split('/')
        .enumerate()
        .any(|(i, part)| (part.is_empty() && i > 0) || part == ".")
    {
        return Cow::Borrowed(path);
    }
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = parts.join("/");
    if absolute {
        Cow::Owned(format!("/{joined}"))
    } else {
        Cow::Owned(joined)
    }
}

/// A token of a shell pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`
    Star,
    /// `?`
    Any,
    /// `[…]`: ranges (a single character is `(c, c)`), negated or not.
    Class(bool, Vec<(char, char)>),
}

impl Token {
    fn is_slash(&self) -> bool {
        *self == Token::Char('/')
    }
}

/// Splits a pattern into tokens: `\` makes the next character literal,
/// an unclosed `[` is literal.
fn tokens(pattern: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(Token::Char(n));
                }
            }
            '*' => {
                if out.last() != Some(&Token::Star) {
                    out.push(Token::Star);
                }
            }
            '?' => out.push(Token::Any),
            '[' => match class(chars.clone()) {
                Some((token, rest)) => {
                    out.push(token);
                    chars = rest;
                }
                None => out.push(Token::Char('[')),
            },
            _ => out.push(Token::Char(c)),
        }
    }
    out
}

/// The bracket expression whose body `chars` starts, and what follows it.
fn class(mut chars: std::str::Chars<'_>) -> Option<(Token, std::str::Chars<'_>)> {
    let mut ahead = chars.clone();
    let negate = matches!(ahead.next(), Some('!' | '^'));
    if negate {
        chars = ahead;
    }
    let mut items = Vec::new();
    let mut first = true;
    while let Some(c) = chars.next() {
        if c == ']' && !first {
            return Some((Token::Class(negate, items), chars));
        }
        first = false;
        let mut ahead = chars.clone();
        match (ahead.next(), ahead.next()) {
            (Some('-'), Some(end)) if end != ']' => {
                items.push((c, end));
                chars = ahead;
            }
            _ => items.push((c, c)),
        }
    }
    None
}

fn class_matches(negate: bool, items: &[(char, char)], c: char) -> bool {
    items.iter().any(|&(a, b)| a <= c && c <= b) != negate
}

/// Whether every path `target` stands for is matched by `pattern` (both
/// shell patterns; `*` and `?` never match `/`). Sound, not complete: a
/// wildcard in `target` is covered only by a wildcard in `pattern`.
pub fn pattern_covers(pattern: &str, target: &str) -> bool {
    if is_literal(pattern) && is_literal(target) {
        return pattern == target;
    }
    covers(&tokens(pattern), &tokens(target))
}

/// The pattern has no wildcard, class or escape: it matches only itself.
fn is_literal(pattern: &str) -> bool {
    !pattern.contains(['*', '?', '[', '\\'])
}

fn covers(p: &[Token], t: &[Token]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    // The last `*` of the pattern and the target position it resumes at.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if let Some(tok) = p.get(pi) {
            let step = match (tok, &t[ti]) {
                (Token::Star, _) => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                (Token::Any, x) => !x.is_slash(),
                (Token::Class(n, items), Token::Char(c)) => {
                    *c != '/' && class_matches(*n, items, *c)
                }
                (Token::Class(..), x) => tok == x,
                (Token::Char(a), Token::Char(b)) => a == b,
                _ => false,
            };
            if step {
                pi += 1;
                ti += 1;
                continue;
            }
        }
        match star {
            Some((sp, st)) if !t[st].is_slash() => {
                star = Some((sp, st + 1));
                pi = sp + 1;
                ti = st + 1;
            }
            _ => return false,
        }
    }
    p[pi..].iter().all(|tok| *tok == Token::Star)
}

/// Whether removing `operand` (recursively or not) removes everything
/// `target` stands for.
pub fn path_covers(operand: &str, recursive: bool, target: &str) -> bool {
    if is_literal(operand) && is_literal(target) {
        // Plain paths: the same path, or (recursively) a directory above
        // `target`, which continues with `/` after `operand`.
        return operand == target
            || (recursive
                && !operand.is_empty()
                && target
                    .strip_prefix(operand)
                    .is_some_and(|rest| rest.starts_with('/')));
    }
    token_path_covers(operand, recursive, target)
}

/// [`path_covers`] by matching the patterns' tokens.
fn token_path_covers(operand: &str, recursive: bool, target: &str) -> bool {
    let p = tokens(operand);
    let t = tokens(target);
    if covers(&p, &t) {
        return true;
    }
    recursive
        && t.iter()
            .enumerate()
            .filter(|(i, tok)| *i > 0 && tok.is_slash())
            .any(|(i, _)| covers(&p, &t[..i]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::shell::text::ShellText;
    use crate::syntax::TextRange;

    fn removed(script: &str, after: usize, path: &str) -> bool {
        let source = format!("RUN {script}");
        let text = ShellText::verbatim(&source, TextRange::from_usize(4, source.len()));
        Script::parse(&text).removal_after(after, path).is_some()
    }

    #[test]
    fn pattern_coverage() {
        assert!(pattern_covers(
            "/var/lib/apt/lists/*",
            "/var/lib/apt/lists/*"
        ));
        assert!(pattern_covers(
            "/var/lib/apt/lists/*",
            "/var/lib/apt/lists/partial"
        ));
        assert!(!pattern_covers(
            "/var/lib/apt/lists/*",
            "/var/lib/apt/lists/partial/x"
        ));
        assert!(pattern_covers("/tmp/*", "/tmp/*.deb"));
        assert!(!pattern_covers("/tmp/*.deb", "/tmp/*"));
        assert!(pattern_covers("/tmp/[a-c]?", "/tmp/bx"));
        assert!(!pattern_covers("/tmp/[!a-c]?", "/tmp/bx"));
        assert!(pattern_covers("/tmp/?", "/tmp/?"));
        assert!(pattern_covers("/tmp/\\*", "/tmp/\\*"));
        assert!(
            !pattern_covers("/tmp/\\*", "/tmp/*"),
            "a literal * is one file"
        );
        assert!(!pattern_covers("/tmp/\\*", "/tmp/x"));
        assert!(pattern_covers("/tmp/[x", "/tmp/[x"));
        assert!(pattern_covers("*", "file"));
        assert!(!pattern_covers("*", "dir/file"));
        assert!(pattern_covers("/a/**/c", "/a/b/c"));
        assert!(pattern_covers("/a/*/*", "/a/*/*"));
    }

    #[test]
    fn normal_paths() {
        for (path, normal) in [
            ("", ""),
            ("/", "/"),
            ("//", "/"),
            ("/a", "/a"),
            ("/a/", "/a"),
            ("a/./b", "a/b"),
            ("./a", "a"),
            ("a/.", "a"),
            ("/a//b/", "/a/b"),
            (".", ""),
            ("a..b/.c", "a..b/.c"),
            ("/a/../b", "/a/../b"),
        ] {
            assert_eq!(normalize(path), normal, "{path:?}");
        }
        assert!(matches!(normalize("/var/lib/apt"), Cow::Borrowed(_)));
    }

    #[test]
    fn pattern_tokens() {
        use Token::{Any, Char, Class, Star};
        assert_eq!(tokens("a\\*?**"), [Char('a'), Char('*'), Any, Star]);
        assert_eq!(tokens("x\\"), [Char('x')]);
        assert_eq!(
            tokens("[]a][!a-c]"),
            [
                Class(false, vec![(']', ']'), ('a', 'a')]),
                Class(true, vec![('a', 'c')])
            ]
        );
        assert_eq!(tokens("[a-]"), [Class(false, vec![('a', 'a'), ('-', '-')])]);
        assert_eq!(tokens("[!]"), [Char('['), Char('!'), Char(']')]);
        assert_eq!(
            tokens("[é-ü]x"),
            [Class(false, vec![('é', 'ü')]), Char('x')]
        );
    }

    #[test]
    fn plain_paths_match_as_patterns_do() {
        let paths = [
            "", "/", "//", "/a", "/a/", "/a/b", "/a//b", "/ab", "/a/b/", "a", "a/b", "ab",
        ];
        for operand in paths {
            for target in paths {
                for recursive in [false, true] {
                    assert_eq!(
                        path_covers(operand, recursive, target),
                        token_path_covers(operand, recursive, target),
                        "{operand:?} {target:?} {recursive}"
                    );
                }
                assert_eq!(
                    pattern_covers(operand, target),
                    covers(&tokens(operand), &tokens(target)),
                    "{operand:?} {target:?}"
                );
            }
        }
    }

    #[test]
    fn covers_directories_when_recursive() {
        assert!(path_covers("/var/lib/apt", true, "/var/lib/apt/lists/*"));
        assert!(!path_covers("/var/lib/apt", false, "/var/lib/apt/lists/*"));
        assert!(path_covers(
            "/var/lib/apt/lists/*",
            true,
            "/var/lib/apt/lists/partial/x"
        ));
        assert!(!path_covers(
            "/var/lib/apt/lists/partial",
            true,
            "/var/lib/apt/lists/*"
        ));
    }

    #[test]
    fn removal_after_a_command() {
        let apt = "apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*";
        assert!(removed(apt, 1, "/var/lib/apt/lists/*"));
        assert!(
            !removed(apt, 2, "/var/lib/apt/lists/*"),
            "only later commands count"
        );
        assert!(removed(
            "apt-get install -y x; rm -r /var/lib/apt/lists/",
            0,
            "/var/lib/apt/lists/*"
        ));
        assert!(removed(
            "apt-get install x && rm -rf \"/var/lib/apt/lists\"/*",
            0,
            "/var/lib/apt/lists/*"
        ));
        assert!(
            !removed(
                "apt-get install x && rm -rf '/var/lib/apt/lists/*'",
                0,
                "/var/lib/apt/lists/*"
            ),
            "a quoted * is a literal file name"
        );
        assert!(
            !removed(
                "apt-get install x && rm /var/lib/apt/lists",
                0,
                "/var/lib/apt/lists/*"
            ),
            "not recursive"
        );
        assert!(!removed(
            "apt-get install x && rm -rf /var/lib/apt/lists/partial",
            0,
            "/var/lib/apt/lists/*"
        ));
        assert!(removed(
            "apk add x && sudo rm -rf //var/cache/apk/./",
            0,
            "/var/cache/apk/*"
        ));
        assert!(removed(
            "sh -c 'pip install x && rm -rf /root/.cache/pip'",
            1,
            "/root/.cache/pip/*"
        ));
        assert!(!removed(
            "apt-get install x && rm -rf $DIR/*",
            0,
            "/var/lib/apt/lists/*"
        ));
    }
}
