use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::{Args, CommandLine, Instruction, Keyword, TextRange, Word};

declare_rule! {
    /// ## What it does
    /// Flags `RUN`, `CMD`, `ENTRYPOINT`, `SHELL` and `HEALTHCHECK CMD`
    /// arguments that start with `[` like an exec-form JSON array but are not
    /// valid JSON: single-quoted strings, a trailing comma, a missing comma,
    /// quote or `]`, or text after the `]` (such as a `# comment`).
    ///
    /// ## Why is this bad?
    /// BuildKit uses the exec form only when the whole text parses as a JSON
    /// array of strings. Anything else silently becomes the shell form:
    /// `CMD ['nginx', '-g', 'daemon off;']` runs
    /// `/bin/sh -c "['nginx', '-g', 'daemon off;']"`, which fails when the
    /// container starts (or, for `RUN`, when the image is built).
    ///
    /// A shell test such as `RUN [ -f /etc/os-release ] && …` is not
    /// mistaken for an array: the text must look like a list of quoted
    /// strings.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// CMD ['nginx', '-g', 'daemon off;']
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Fix safety
    /// When the only problems are single quotes and a trailing comma, the
    /// fix rewrites the text as a JSON array of the same strings, and checks
    /// that the result parses as exactly those strings. The fix switches the
    /// instruction from the shell form (which does not work) to the exec form
    /// the author meant; it is offered as safe. No fix is offered when a
    /// single-quoted string holds a backslash, whose meaning is ambiguous, or
    /// for the other problems.
    pub struct JsonArgsMalformed { keyword: String, problem: Problem }
    code = "LL113", name = "json-args-malformed", aliases = [],
    category = Correctness, severity = Warning, fix = Sometimes,
    visits = [Run, Cmd, Entrypoint, Shell, Healthcheck],
}

/// What makes the text invalid JSON, with the offending token as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    SingleQuotes(String),
    TrailingComma,
    MissingComma(String),
    Unterminated(String),
    MissingBracket,
    Unquoted(String),
    TrailingText(String),
}

impl Violation for JsonArgsMalformed {
    fn message(&self) -> String {
        let reason = match &self.problem {
            Problem::SingleQuotes(s) => format!("`{s}` is single-quoted"),
            Problem::TrailingComma => "a trailing `,` before `]`".to_string(),
            Problem::MissingComma(s) => format!("no `,` before `{s}`"),
            Problem::Unterminated(s) => format!("unterminated string `{s}`"),
            Problem::MissingBracket => "no closing `]`".to_string(),
            Problem::Unquoted(s) => format!("`{s}` is not a quoted string"),
            Problem::TrailingText(s) => format!("text after `]`: `{s}`"),
        };
        format!(
            "`{}` arguments are not a valid JSON array ({reason}), so they run in a shell",
            self.keyword
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            match &self.problem {
                Problem::SingleQuotes(_) => "Use double quotes around each string",
                Problem::TrailingComma => "Remove the trailing comma",
                Problem::MissingComma(_) => "Separate the strings with `,`",
                Problem::Unterminated(_) => "Close the string with `\"`",
                Problem::MissingBracket => "Close the array with `]`",
                Problem::Unquoted(_) => "Quote the element with double quotes",
                Problem::TrailingText(s) if s.starts_with('#') => {
                    "Move the comment to its own line above the instruction"
                }
                Problem::TrailingText(_) => "Remove the text after `]`",
            }
            .to_string(),
        )
    }
}

/// One string element of the array.
#[derive(Debug)]
struct Element {
    /// From the opening to the closing quote, relative to the text.
    start: usize,
    end: usize,
    single: bool,
}

/// What scanning the text as a lenient array found.
#[derive(Debug, Default)]
struct Scan {
    elements: Vec<Element>,
    /// Each problem with its range relative to the text.
    problems: Vec<(Problem, usize, usize)>,
    /// The commas that separate elements, as offsets.
    commas: usize,
}

fn skip_ws(text: &str, mut pos: usize) -> usize {
    while let Some(c) = text[pos..].chars().next() {
        if !c.is_whitespace() {
            break;
        }
        pos += c.len_utf8();
    }
    pos
}

/// The end (after the closing quote) of the string starting at `start`, or
/// `None` when the string never closes. A backslash escapes the next character.
fn string_end(text: &str, start: usize, quote: char) -> Option<usize> {
    let mut chars = text[start + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if c == quote {
            return Some(start + 1 + i + 1);
        }
    }
    None
}

/// Scans `text` (which starts with `[`) as an array of quoted strings.
/// Returns `None` when it does not look like an attempted array at all (a
/// shell test such as `[ -f x ]` or `[ "$a" = b ]`).
fn scan(text: &str) -> Option<Scan> {
    let mut out = Scan::default();
    let mut pos = skip_ws(text, 1);
    let mut after_comma: Option<usize> = None;
    loop {
        let Some(c) = text[pos..].chars().next() else {
            out.problems.push((Problem::MissingBracket, 0, text.len()));
            return Some(out);
        };
        match c {
            ']' => {
                if let Some(comma) = after_comma
                    && !out.elements.is_empty()
                {
                    out.problems
                        .push((Problem::TrailingComma, comma, comma + 1));
                }
                pos += 1;
                break;
            }
            '"' | '\'' => {
                let Some(end) = string_end(text, pos, c) else {
                    out.problems.push((
                        Problem::Unterminated(text[pos..].to_string()),
                        pos,
                        text.len(),
                    ));
                    return Some(out);
                };
                if c == '\'' {
                    out.problems.push((
                        Problem::SingleQuotes(text[pos..end].to_string()),
                        pos,
                        end,
                    ));
                }
                out.elements.push(Element {
                    start: pos,
                    end,
                    single: c == '\'',
                });
                after_comma = None;
                pos = skip_ws(text, end);
                match text[pos..].chars().next() {
                    Some(',') => {
                        out.commas += 1;
                        after_comma = Some(pos);
                        pos = skip_ws(text, pos + 1);
                    }
                    Some(']') | None => {}
                    Some(q @ ('"' | '\'')) => {
                        let end = string_end(text, pos, q).unwrap_or(text.len());
                        out.problems.push((
                            Problem::MissingComma(text[pos..end].to_string()),
                            pos,
                            end,
                        ));
                        return Some(out);
                    }
                    Some(_) => return None,
                }
            }
            _ => {
                // A bare word first (`[ -f x ]`) is a shell test, not an array.
                after_comma?;
                let end = text[pos..]
                    .find(|c: char| c == ',' || c == ']' || c.is_whitespace())
                    .map_or(text.len(), |i| pos + i);
                out.problems
                    .push((Problem::Unquoted(text[pos..end].to_string()), pos, end));
                return Some(out);
            }
        }
    }
    let rest_start = skip_ws(text, pos);
    let rest = text[rest_start..].trim_end();
    if !rest.is_empty() {
        out.problems.push((
            Problem::TrailingText(rest.to_string()),
            rest_start,
            rest_start + rest.len(),
        ));
    }
    Some(out)
}

/// The strings a fixable scan means, and the edits that make them valid JSON.
fn repair(text: &str, scan: &Scan, base: u32) -> Option<Vec<Edit>> {
    let fixable = scan
        .problems
        .iter()
        .all(|(p, _, _)| matches!(p, Problem::SingleQuotes(_) | Problem::TrailingComma));
    if !fixable {
        return None;
    }
    let at = |offset: usize| base + u32::try_from(offset).unwrap_or(u32::MAX);
    let mut edits = Vec::new();
    let mut intended = Vec::new();
    for element in &scan.elements {
        let inner = &text[element.start + 1..element.end - 1];
        if element.single {
            if inner.contains('\\') {
                return None;
            }
            let json = serde_json::to_string(inner).ok()?;
            edits.push(Edit::replace(
                TextRange::new(at(element.start), at(element.end)),
                json,
            ));
            intended.push(inner.to_string());
        } else {
            intended.push(serde_json::from_str::<String>(&text[element.start..element.end]).ok()?);
        }
    }
    for (problem, start, end) in &scan.problems {
        if *problem == Problem::TrailingComma {
            edits.push(Edit::delete(TextRange::new(at(*start), at(*end))));
        }
    }
    // Check the result: it must parse as exactly the intended strings.
    let fixed = apply_local(text, base, &edits);
    let parsed: Vec<String> = serde_json::from_str(&fixed).ok()?;
    (parsed == intended).then_some(edits)
}

/// `text` (which starts at source offset `base`) with sorted, disjoint
/// `edits` applied.
fn apply_local(text: &str, base: u32, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| e.range.start);
    let mut out = String::with_capacity(text.len() + 8);
    let mut pos = 0usize;
    for edit in sorted {
        let start = (edit.range.start - base) as usize;
        out.push_str(&text[pos..start]);
        out.push_str(&edit.content);
        pos = (edit.range.end - base) as usize;
    }
    out.push_str(&text[pos..]);
    out
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let (command, keyword) = match &inst.args {
        Args::Command { command } => (command, inst.kind.as_str().to_string()),
        Args::Healthcheck {
            kind: Some(kind),
            command,
        } if kind.value.eq_ignore_ascii_case("cmd") => (command, "HEALTHCHECK CMD".to_string()),
        _ => return,
    };
    let CommandLine::Shell { text } = command else {
        return;
    };
    if !command.looks_like_json() {
        return;
    }
    report(checker, inst.kind, &keyword, text);
}

fn report(checker: &mut Checker, kind: Keyword, keyword: &str, text: &Word) {
    let value: &str = &text.value;
    // Valid JSON that is not an array of strings is a syntax error (LL006).
    if serde_json::from_str::<serde_json::Value>(value).is_ok() {
        return;
    }
    let Some(scan) = scan(value) else {
        return;
    };
    let Some((problem, start, end)) = scan.problems.first().cloned() else {
        return;
    };
    if let Problem::TrailingText(rest) = &problem {
        // `[ "$x" ] && …` or `RUN [ "$x" ] # …` is a shell test, not an array.
        let comment_on_exec = rest.starts_with('#') && kind != Keyword::Run;
        if scan.commas == 0 && !comment_on_exec {
            return;
        }
    }
    let verbatim = text.range.slice(checker.source()) == value;
    let base = text.range.start;
    let range = if verbatim {
        TextRange::new(
            base + u32::try_from(start).unwrap_or(0),
            base + u32::try_from(end).unwrap_or(0),
        )
    } else {
        text.range
    };
    let edits = if verbatim {
        repair(value, &scan, base)
    } else {
        None
    };
    let diagnostic = checker.report(
        JsonArgsMalformed {
            keyword: keyword.to_string(),
            problem,
        },
        range,
    );
    if let Some(edits) = edits {
        diagnostic.with_fix(Fix::safe("Rewrite as a JSON array", edits));
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\nCMD ['nginx', '-g', 'daemon off;']\n",
                    "FROM alpine\nENTRYPOINT [\"a\", \"b\",]\n",
                    "FROM alpine\nCMD [\"a\", \"b\"\n",
                    "FROM alpine\nCMD [\"a\", \"b]\n",
                    "FROM alpine\nCMD [\"a\" \"b\"]\n",
                    "FROM alpine\nCMD [\"a\", b]\n",
                    "FROM alpine\nCMD [\"serve\"] # start the server\n",
                    "FROM alpine\nRUN [\"a\", \"b\"] # comment\n",
                    "FROM alpine\nHEALTHCHECK CMD ['curl', '-f', 'http://localhost/']\n",
                    "FROM alpine\nSHELL ['/bin/bash', '-c']\n",
                    "FROM alpine\nCMD ['it\\'s']\n",
                    "FROM alpine\nCMD ['say \"hi\"', 'x',]\n",
                    "FROM alpine\nONBUILD CMD ['a']\n",
                    "FROM alpine\nCMD ['a', \\\n    'b']\n",
                ],
                good: &[
                    "FROM alpine\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
                    "FROM alpine\nRUN [ -f /etc/os-release ] && cat /etc/os-release\n",
                    "FROM alpine\nRUN [ \"$A\" = \"b\" ] && echo yes\n",
                    "FROM alpine\nRUN [ \"$A\" ] && echo yes\n",
                    "FROM alpine\nRUN [ \"$A\" ] # set?\n",
                    "FROM alpine\nRUN [[ -d /x ]] || mkdir /x\n",
                    "FROM alpine\nCMD [\"a\", 1]\n",
                    "FROM alpine\nCMD nginx -g 'daemon off;'\n",
                    "FROM alpine\nHEALTHCHECK NONE\n",
                ],
                fixes: &[
                    (
                        "FROM alpine\nCMD ['nginx', '-g', 'daemon off;']\n",
                        "FROM alpine\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
                    ),
                    (
                        "FROM alpine\nENTRYPOINT [\"a\", \"b\",]\n",
                        "FROM alpine\nENTRYPOINT [\"a\", \"b\"]\n",
                    ),
                    (
                        "FROM alpine\nCMD ['say \"hi\"', 'x',]\n",
                        "FROM alpine\nCMD [\"say \\\"hi\\\"\", \"x\"]\n",
                    ),
                    (
                        "FROM alpine\nHEALTHCHECK --interval=5s CMD ['curl', '-f', 'http://localhost/']\n",
                        "FROM alpine\nHEALTHCHECK --interval=5s CMD [\"curl\", \"-f\", \"http://localhost/\"]\n",
                    ),
                    (
                        "FROM alpine\nCMD ['it\\'s']\n",
                        "FROM alpine\nCMD ['it\\'s']\n",
                    ),
                    (
                        "FROM alpine\nONBUILD RUN ['a', 'b']\n",
                        "FROM alpine\nONBUILD RUN [\"a\", \"b\"]\n",
                    ),
                ],
            },
        );
    }
}
