//! The Dockerfile parser. It follows BuildKit's parser step by step: physical
//! lines, parser directives, continuation lines, the keyword/flags/arguments
//! split, the per-instruction argument grammar and heredocs. Where BuildKit
//! stops at the first error, this parser records the error and carries on with
//! the next instruction.

use std::borrow::Cow;
use std::collections::HashMap;

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while, take_while1},
    character::complete::{char, satisfy},
    combinator::{opt, recognize},
};

use super::ast::{
    ArgDecl, Args, CommandLine, Comment, Directive, DirectiveKind, Dockerfile, Flag, Heredoc,
    Instruction, KeyValue, Keyword, Word,
};
use super::error::{SyntaxError, SyntaxErrorKind};
use super::json::{self, JsonArray};
use super::logical::Logical;
use super::text::{LineIndex, TextRange, find_newline};

/// BuildKit reads lines with a 64 KiB buffer: a longer line is an error.
pub const MAX_LINE_LEN: usize = 65_535;

const BOM: &str = "\u{feff}";

/// Whitespace as BuildKit's `[\t\v\f\r ]` separator.
fn is_sep(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

/// Whitespace as Go's `\s` in regular expressions.
fn is_go_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ')
}

/// Parses a Dockerfile. Never fails: problems are recorded in
/// [`Dockerfile::errors`].
pub fn parse(source: &str) -> Dockerfile<'_> {
    FileParser::new(source).run()
}

/// The logical line of the instruction whose keyword starts at `start`:
/// its physical lines joined exactly as the parser joins them (escape and
/// line break removed, comment and blank lines inside the continuation
/// skipped), without the heredoc bodies that may follow it. An offset that
/// is not a character boundary of `source` gives an empty line.
pub(crate) fn logical_line(source: &str, escape: char, start: usize) -> Logical<'_> {
    match read_line(source, start) {
        Some(first_line) if source.is_char_boundary(start) => {
            let mut pos = first_line.next;
            let next = || {
                let line = read_line(source, pos)?;
                pos = line.next;
                Some(line)
            };
            join_lines(source, escape, start, first_line, next).logical
        }
        _ => Logical::new(source),
    }
}

/// Reads the physical line that starts at `start`, if any text is left.
fn read_line(source: &str, start: usize) -> Option<Line> {
    let bytes = source.as_bytes();
    if start >= bytes.len() {
        return None;
    }
    let (mut content_end, next) = match find_newline(&bytes[start..]) {
        Some(i) => (start + i, start + i + 1),
        None => (bytes.len(), bytes.len()),
    };
    while content_end > start && bytes[content_end - 1] == b'\r' {
        content_end -= 1;
    }
    Some(Line {
        start,
        content_end,
        next,
    })
}

/// Where the continuation escape starts, if `text` continues on the next line.
fn continuation_cut(text: &str, escape: char) -> Option<usize> {
    let body = text.trim_end_matches([' ', '\t']).as_bytes();
    // The escape is `\` or `` ` ``: one ASCII byte, so comparing bytes
    // is comparing characters.
    let escape = escape as u8;
    match body {
        [.., before, last] if *last == escape && *before == escape => None,
        [.., last] if *last == escape => Some(body.len() - 1),
        _ => None,
    }
}

/// The physical lines of one instruction, joined.
struct JoinedLines<'a> {
    logical: Logical<'a>,
    /// Where the content of the last consumed line ends.
    end: usize,
    empty_lines: Vec<TextRange>,
    /// Comment lines inside the continuation.
    comment_lines: Vec<TextRange>,
    /// `(hash, content end)` of each of those comments.
    comments: Vec<(usize, usize)>,
}

/// Joins the instruction starting at `first` (on `first_line`) with its
/// continuation lines, pulled from `next_line`.
fn join_lines(
    source: &str,
    escape: char,
    first: usize,
    first_line: Line,
    mut next_line: impl FnMut() -> Option<Line>,
) -> JoinedLines<'_> {
    let mut joined = JoinedLines {
        logical: Logical::new(source),
        end: first_line.content_end,
        empty_lines: Vec::new(),
        comment_lines: Vec::new(),
        comments: Vec::new(),
    };
    let first_text = &source[first..first_line.content_end];
    let mut continues = match continuation_cut(first_text, escape) {
        Some(cut) => {
            joined.logical.push(first, first + cut);
            true
        }
        None => {
            joined.logical.push(first, first_line.content_end);
            false
        }
    };
    while continues {
        let Some(line) = next_line() else { break };
        joined.end = line.content_end;
        let text = &source[line.start..line.content_end];
        let trimmed = text.trim_start();
        if trimmed.starts_with('#') {
            let hash = line.content_end - trimmed.len();
            joined.comments.push((hash, line.content_end));
            joined
                .comment_lines
                .push(TextRange::from_usize(line.start, line.content_end));
            continue;
        }
        if trimmed.is_empty() {
            joined
                .empty_lines
                .push(TextRange::from_usize(line.start, line.content_end));
            continue;
        }
        match continuation_cut(text, escape) {
            Some(cut) => joined.logical.push(line.start, line.start + cut),
            None => {
                joined.logical.push(line.start, line.content_end);
                continues = false;
            }
        }
    }
    joined
}

/// One physical line: `start..content_end` is its text without trailing
/// `\r`/`\n`; `next` is where the following line starts.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    content_end: usize,
    next: usize,
}

struct FileParser<'a> {
    source: &'a str,
    pos: usize,
    escape: char,
    directives_done: bool,
    directives: Vec<Directive<'a>>,
    instructions: Vec<Instruction<'a>>,
    comments: Vec<Comment<'a>>,
    errors: Vec<SyntaxError>,
    /// Reused by each instruction's logical line.
    /// Where each line starts, recorded as lines are read, for the
    /// [`LineIndex`].
    line_starts: Vec<u32>,
    /// Start offsets of every line by its text without leading tabs and
    /// trailing `\r`: built on the first heredoc look-ahead.
    terminator_lines: Option<HashMap<&'a str, Vec<usize>>>,
}

impl<'a> FileParser<'a> {
    fn new(source: &'a str) -> Self {
        Self {
            source,
            pos: 0,
            escape: '\\',
            directives_done: false,
            directives: Vec::new(),
            instructions: Vec::new(),
            comments: Vec::new(),
            errors: Vec::new(),
            line_starts: {
                let mut starts = Vec::with_capacity(source.len() / 32 + 1);
                starts.push(0);
                starts
            },
            terminator_lines: None,
        }
    }

    fn next_line(&mut self) -> Option<Line> {
        let line = read_line(self.source, self.pos)?;
        if line.next > line.start && self.source.as_bytes().get(line.next - 1) == Some(&b'\n') {
            // Every line is read in order, some twice (a heredoc may put a
            // line back): record each start once.
            let next = u32::try_from(line.next).unwrap_or(u32::MAX);
            if self.line_starts.last().is_some_and(|&last| next > last) {
                self.line_starts.push(next);
            }
        }
        // The length BuildKit checks includes a `\r` before the line break.
        let raw_end = if self.source.as_bytes().get(line.next.wrapping_sub(1)) == Some(&b'\n') {
            line.next - 1
        } else {
            line.next
        };
        if raw_end - line.start > MAX_LINE_LEN {
            self.errors.push(SyntaxError::new(
                SyntaxErrorKind::LineTooLong,
                TextRange::from_usize(line.start, raw_end),
                format!(
                    "line is {} bytes long; BuildKit allows at most {MAX_LINE_LEN}",
                    raw_end - line.start
                ),
            ));
        }
        self.pos = line.next;
        Some(line)
    }

    fn run(mut self) -> Dockerfile<'a> {
        let bom = self.source.starts_with(BOM);
        if bom {
            self.pos = BOM.len();
        }
        while let Some(line) = self.next_line() {
            let text = &self.source[line.start..line.content_end];
            let trimmed = text.trim_start();
            let first = line.content_end - trimmed.len();
            if !self.directives_done && !self.directive(first, trimmed) {
                self.directives_done = true;
            }
            if trimmed.starts_with('#') {
                let is_directive = self
                    .directives
                    .last()
                    .is_some_and(|d| d.range.start as usize == first);
                if !is_directive {
                    self.comment(first, line.content_end, false);
                }
                continue;
            }
            if trimmed.is_empty() {
                continue;
            }
            self.instruction(line, first);
        }
        let line_index = LineIndex::from_starts(self.source, std::mem::take(&mut self.line_starts));
        if self.instructions.is_empty() {
            self.errors.push(SyntaxError::new(
                SyntaxErrorKind::NoInstructions,
                TextRange::empty(0),
                "file with no instructions",
            ));
        }
        super::validate::validate(&self.instructions, &mut self.errors);
        self.errors.sort_by_key(|e| (e.range.start, e.range.end));
        Dockerfile {
            source: self.source,
            bom,
            escape: self.escape,
            directives: self.directives,
            instructions: self.instructions,
            comments: self.comments,
            errors: self.errors,
            line_index,
        }
    }

    fn comment(&mut self, hash: usize, end: usize, in_continuation: bool) {
        self.comments.push(Comment {
            text: &self.source[hash + 1..end],
            range: TextRange::from_usize(hash, end),
            in_continuation,
        });
    }

    /// Tries `text` (at source offset `at`, leading whitespace removed) as a
    /// parser directive; returns false when it is not one, which ends the
    /// directive section for good.
    fn directive(&mut self, at: usize, text: &'a str) -> bool {
        let Ok((_, parts)) = directive_line(text) else {
            return false;
        };
        let (key, value) = parts;
        let kind = match key.to_ascii_lowercase().as_str() {
            "syntax" => DirectiveKind::Syntax,
            "escape" => DirectiveKind::Escape,
            "check" => DirectiveKind::Check,
            _ => return false,
        };
        let offset = |s: &str| at + (s.as_ptr() as usize - text.as_ptr() as usize);
        let word = |s: &'a str| Word {
            value: Cow::Borrowed(s),
            range: TextRange::from_usize(offset(s), offset(s) + s.len()),
        };
        let range = TextRange::from_usize(at, at + text.len());
        let directive = Directive {
            kind,
            name: word(key),
            value: word(value),
            range,
        };
        if self.directives.iter().any(|d| d.kind == kind) {
            self.errors.push(SyntaxError::new(
                SyntaxErrorKind::DuplicateDirective,
                range,
                format!(
                    "only one {} parser directive can be used",
                    key.to_ascii_lowercase()
                ),
            ));
            return true;
        }
        if kind == DirectiveKind::Escape {
            match value {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                _ => self.errors.push(SyntaxError::new(
                    SyntaxErrorKind::InvalidDirective,
                    directive.value.range,
                    format!("invalid escape token '{value}' does not match ` or \\"),
                )),
            }
        }
        self.directives.push(directive);
        true
    }

    fn instruction(&mut self, first_line: Line, first: usize) {
        let (source, escape) = (self.source, self.escape);
        let joined = join_lines(source, escape, first, first_line, || self.next_line());
        for &(hash, end) in &joined.comments {
            self.comment(hash, end, true);
        }
        let logical = joined.logical;
        let text_len = logical.text().len();
        let mut inst = build_instruction(&logical, 0, text_len, self.escape, &mut self.errors);
        inst.range = TextRange::from_usize(first, joined.end);
        inst.empty_continuation_lines = joined.empty_lines;
        inst.continuation_comments = joined.comment_lines;
        self.heredocs(&logical, &mut inst);
        self.instructions.push(inst);
    }

    /// Reads the bodies of the heredocs the instruction opens.
    fn heredocs(&mut self, logical: &Logical<'a>, inst: &mut Instruction<'a>) {
        let target = match &inst.args {
            Args::Onbuild(Some(inner)) => inner.as_ref(),
            _ => &*inst,
        };
        let accepts = target.kind.allows_heredoc()
            && match &target.args {
                Args::Command { command } => !command.is_exec(),
                Args::Paths { json, .. } => !json,
                _ => false,
            };
        if !accepts || !logical.text().contains("<<") {
            return;
        }
        let mut heredocs = Vec::new();
        let mut last_end = inst.range.end as usize;
        for marker in heredoc_markers(logical.text()) {
            let body_start = self.pos;
            let mut terminator = None;
            let mut body_end = body_start;
            loop {
                let resume = self.pos;
                let Some(line) = self.next_line() else { break };
                let text = &self.source[line.start..line.content_end];
                let candidate = if marker.chomp {
                    text.trim_start_matches('\t')
                } else {
                    text
                };
                if candidate == marker.name {
                    terminator = Some(TextRange::from_usize(line.start, line.content_end));
                    last_end = line.content_end;
                    break;
                }
                if starts_with_instruction(text)
                    && self.terminator_ahead(&marker.name, resume).is_none()
                {
                    self.pos = resume;
                    break;
                }
                body_end = line.next;
                last_end = line.content_end;
            }
            let marker_range = logical.range(marker.start, marker.end);
            let unterminated = terminator.is_none();
            if unterminated {
                self.errors.push(SyntaxError::new(
                    SyntaxErrorKind::UnterminatedHeredoc,
                    marker_range,
                    format!("unterminated heredoc: no line `{}` ends it", marker.name),
                ));
            }
            heredocs.push(Heredoc {
                name: logical.word_with(marker.name_start, marker.end, Some(marker.name)),
                marker: marker_range,
                fd: marker.fd,
                chomp: marker.chomp,
                expand: marker.expand,
                body: Word {
                    value: Cow::Borrowed(&self.source[body_start..body_end]),
                    range: TextRange::from_usize(body_start, body_end),
                },
                terminator,
            });
            if unterminated {
                break;
            }
        }
        let end = u32::try_from(last_end).unwrap_or(u32::MAX);
        inst.range.end = inst.range.end.max(end);
        let target = match &mut inst.args {
            Args::Onbuild(Some(inner)) => inner.as_mut(),
            _ => inst,
        };
        target.range.end = target.range.end.max(end);
        target.heredocs = heredocs;
    }

    /// Where the first line at or after `from` (a line start) that could end
    /// the heredoc named `name` starts, leading tabs and trailing `\r` aside.
    /// Without one the heredoc is unterminated, and its body stops before the
    /// next instruction-like line.
    fn terminator_ahead(&mut self, name: &str, from: usize) -> Option<usize> {
        // Scanning the rest of the file at every instruction-like line of
        // every heredoc would be quadratic: index the lines once instead.
        let source = self.source;
        let lines = self.terminator_lines.get_or_insert_with(|| {
            let mut lines: HashMap<&str, Vec<usize>> = HashMap::new();
            let mut at = 0;
            for line in source.split('\n') {
                let key = line.trim_end_matches('\r').trim_start_matches('\t');
                lines.entry(key).or_default().push(at);
                at += line.len() + 1;
            }
            lines
        });
        let starts = lines.get(name)?;
        starts.get(starts.partition_point(|&s| s < from)).copied()
    }
}

/// Whether a line looks like the start of an instruction (used only to
/// recover from an unterminated heredoc).
fn starts_with_instruction(text: &str) -> bool {
    let word = text.split(is_sep).next().unwrap_or("");
    !word.is_empty() && Keyword::parse(word) != Keyword::Unknown
}

/// `#`, space, a key, `=`, a value: a parser directive line.
fn directive_line(text: &str) -> IResult<&str, (&str, &str)> {
    let (rest, _) = char('#')(text)?;
    let (rest, _) = take_while(char::is_whitespace)(rest)?;
    let (rest, key) = recognize((
        satisfy(|c| c.is_ascii_alphabetic()),
        take_while(|c: char| c.is_ascii_alphanumeric()),
    ))
    .parse(rest)?;
    let (rest, _) = (take_while(is_go_space), char('=')).parse(rest)?;
    // `\s*(.+?)\s*$`: a non-empty value with surrounding whitespace removed;
    // a value of only whitespace keeps its last character.
    let value = match rest.trim_start_matches(is_go_space) {
        "" => {
            let last = rest.chars().next_back().map_or(0, char::len_utf8);
            &rest[rest.len() - last..]
        }
        v => v.trim_end_matches(is_go_space),
    };
    if value.is_empty() {
        return Err(nom::Err::Error(nom::error::Error::new(
            text,
            nom::error::ErrorKind::Verify,
        )));
    }
    Ok(("", (key, value)))
}

fn trim_range(text: &str, lo: usize, hi: usize) -> (usize, usize) {
    let s = &text[lo..hi];
    let start = lo + (s.len() - s.trim_start().len());
    let end = lo + s.trim_end().len();
    (start, end.max(start))
}

/// Builds the instruction in `logical[lo..hi]` (the keyword, flags and
/// arguments). Heredocs and the final range are filled in by the caller.
fn build_instruction<'a>(
    logical: &Logical<'a>,
    lo: usize,
    hi: usize,
    escape: char,
    errors: &mut Vec<SyntaxError>,
) -> Instruction<'a> {
    let text = logical.text();
    let (lo, hi) = trim_range(text, lo, hi);
    let keyword_end = text[lo..hi].find(is_sep).map_or(hi, |i| lo + i);
    let rest_start = keyword_end
        + (text[keyword_end..hi].len() - text[keyword_end..hi].trim_start_matches(is_sep).len());
    let keyword = logical.word(lo, keyword_end);
    let kind = Keyword::parse(&keyword.value);
    let (flags, args_start) = if rest_start < hi {
        extract_flags(logical, rest_start, hi)
    } else {
        (Vec::new(), hi)
    };
    let (a, b) = trim_range(text, args_start, hi);
    let args_text = logical.word(a, b);
    let args = parse_args(kind, logical, a, b, escape, errors);
    Instruction {
        range: logical.range(lo, hi),
        keyword,
        kind,
        flags,
        args_text,
        args,
        heredocs: Vec::new(),
        empty_continuation_lines: Vec::new(),
        continuation_comments: Vec::new(),
    }
}

/// Whitespace as BuildKit's byte-wise flag scanner sees it (ASCII only here).
fn is_flag_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// Flags at the start of `text[lo..hi]`: words starting with `--`, with
/// quotes removed and `\` escaping the next character. A bare `--` ends
/// them. Returns the flags and where the remaining text starts.
fn extract_flags<'a>(logical: &Logical<'a>, lo: usize, hi: usize) -> (Vec<Flag<'a>>, usize) {
    let text = logical.text();
    let mut flags = Vec::new();
    let mut pos = lo;
    loop {
        pos += text[pos..hi].len() - text[pos..hi].trim_start_matches(is_flag_space).len();
        if pos >= hi || !text[pos..hi].starts_with("--") {
            return (flags, pos);
        }
        let start = pos;
        let mut value = String::new();
        let mut changed = false;
        let mut quote: Option<char> = None;
        let mut chars = text[pos..hi].char_indices();
        let mut end = hi;
        // The first `=` of the unquoted word: its index in `value` and its
        // logical offset.
        let mut equals: Option<(usize, usize)> = None;
        while let Some((i, c)) = chars.next() {
            let (at, c) = match quote {
                None if is_flag_space(c) => {
                    end = pos + i;
                    break;
                }
                None if c == '\'' || c == '"' => {
                    quote = Some(c);
                    changed = true;
                    continue;
                }
                Some(q) if c == q => {
                    quote = None;
                    changed = true;
                    continue;
                }
                _ if c == '\\' => {
                    changed = true;
                    match chars.next() {
                        Some((j, next)) => (pos + j, next),
                        None => {
                            quote = None;
                            continue;
                        }
                    }
                }
                _ => (pos + i, c),
            };
            if c == '=' && equals.is_none() {
                equals = Some((value.len(), at));
            }
            value.push(c);
        }
        pos = end;
        if value == "--" {
            return (flags, pos);
        }
        let (name, flag_value) = match equals {
            Some((vi, at)) => (
                logical.word_with(start + 2, at, changed.then(|| value[2..vi].to_string())),
                Some(logical.word_with(at + 1, end, changed.then(|| value[vi + 1..].to_string()))),
            ),
            None => (
                logical.word_with(start + 2, end, changed.then(|| value[2..].to_string())),
                None,
            ),
        };
        flags.push(Flag {
            range: logical.range(start, end),
            name,
            value: flag_value,
        });
    }
}

fn parse_args<'a>(
    kind: Keyword,
    logical: &Logical<'a>,
    a: usize,
    b: usize,
    escape: char,
    errors: &mut Vec<SyntaxError>,
) -> Args<'a> {
    match kind {
        Keyword::From | Keyword::Expose => Args::Words {
            words: split_words(logical, a, b),
        },
        Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell => Args::Command {
            command: command_line(logical, a, b, errors),
        },
        Keyword::Copy | Keyword::Add | Keyword::Volume => {
            let text = logical.text();
            if text[a..b].starts_with('[') {
                match json::parse_array(&text[a..b]) {
                    JsonArray::Strings(items) => {
                        return Args::Paths {
                            json: true,
                            paths: json_words(logical, a, items),
                        };
                    }
                    JsonArray::NotStrings { start, end } => {
                        not_string_error(logical, a + start, a + end, errors);
                    }
                    JsonArray::Invalid => {}
                }
            }
            Args::Paths {
                json: false,
                paths: split_words(logical, a, b),
            }
        }
        Keyword::Env | Keyword::Label => Args::KeyValues {
            pairs: key_values(kind, logical, a, b, escape, errors),
        },
        Keyword::Arg => Args::ArgDecls {
            decls: quoted_words(logical.text(), a, b, escape)
                .into_iter()
                .map(|(s, e)| {
                    let word = &logical.text()[s..e];
                    match word.find('=') {
                        Some(eq) => ArgDecl {
                            name: logical.word(s, s + eq),
                            default: Some(logical.word(s + eq + 1, e)),
                            range: logical.range(s, e),
                        },
                        None => ArgDecl {
                            name: logical.word(s, e),
                            default: None,
                            range: logical.range(s, e),
                        },
                    }
                })
                .collect(),
        },
        Keyword::User | Keyword::Workdir | Keyword::Stopsignal | Keyword::Maintainer => {
            Args::Text {
                text: (b > a).then(|| logical.word(a, b)),
            }
        }
        Keyword::Healthcheck => {
            let text = logical.text();
            let sep = text[a..b].find(is_flag_space).map_or(b, |i| a + i);
            if sep == a {
                return Args::Healthcheck {
                    kind: None,
                    command: CommandLine::Empty,
                };
            }
            let next =
                sep + (text[sep..b].len() - text[sep..b].trim_start_matches(is_flag_space).len());
            Args::Healthcheck {
                kind: Some(logical.word(a, sep)),
                command: command_line(logical, next, b, errors),
            }
        }
        Keyword::Onbuild => {
            if a == b {
                Args::Onbuild(None)
            } else {
                Args::Onbuild(Some(Box::new(build_instruction(
                    logical, a, b, escape, errors,
                ))))
            }
        }
        Keyword::Unknown => Args::Unknown,
    }
}

fn not_string_error(logical: &Logical<'_>, lo: usize, hi: usize, errors: &mut Vec<SyntaxError>) {
    errors.push(SyntaxError::new(
        SyntaxErrorKind::JsonNonString,
        logical.range(lo, hi),
        "when using JSON array syntax, arrays must be comprised of strings only",
    ));
}

/// The array's strings as words: the range covers the literal with its
/// quotes, so the value (without them) is never a slice of that range and is
/// always owned.
fn json_words<'a>(
    logical: &Logical<'a>,
    base: usize,
    items: Vec<json::JsonString>,
) -> Vec<Word<'a>> {
    items
        .into_iter()
        .map(|item| {
            let (lo, hi) = (base + item.start, base + item.end);
            let value = item
                .decoded
                .unwrap_or_else(|| logical.text()[lo + 1..hi - 1].to_owned());
            Word {
                value: Cow::Owned(value),
                range: logical.range(lo, hi),
            }
        })
        .collect()
}

fn command_line<'a>(
    logical: &Logical<'a>,
    a: usize,
    b: usize,
    errors: &mut Vec<SyntaxError>,
) -> CommandLine<'a> {
    if a >= b {
        return CommandLine::Empty;
    }
    let text = logical.text();
    if text[a..b].starts_with('[') {
        match json::parse_array(&text[a..b]) {
            JsonArray::Strings(items) => {
                return CommandLine::Exec {
                    args: json_words(logical, a, items),
                    range: logical.range(a, b),
                };
            }
            JsonArray::NotStrings { start, end } => {
                not_string_error(logical, a + start, a + end, errors);
            }
            JsonArray::Invalid => {}
        }
    }
    CommandLine::Shell {
        text: logical.word(a, b),
    }
}

/// Words separated by runs of `[\t\v\f\r ]`, verbatim.
fn split_words<'a>(logical: &Logical<'a>, a: usize, b: usize) -> Vec<Word<'a>> {
    let text = &logical.text().as_bytes()[a..b];
    let mut words = Vec::new();
    let mut start = None;
    // The separators are ASCII: scanning bytes finds the same boundaries as
    // scanning characters (no byte of a multi-byte character is one).
    for (i, &byte) in text.iter().enumerate() {
        match (is_sep(char::from(byte)), start) {
            (true, Some(s)) => {
                words.push(logical.word(a + s, a + i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(logical.word(a + s, b));
    }
    words
}

/// BuildKit's quote-aware word splitter for `ARG`, `ENV` and `LABEL`: words
/// end at unquoted whitespace; quotes and escapes stay in the word; an escape
/// at the very end of the text is dropped. Returns logical ranges.
fn quoted_words(text: &str, a: usize, b: usize, escape: char) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut blank_ok = false;
    let mut iter = text[a..b].char_indices().peekable();
    let mut end_trim = 0;
    while let Some((i, c)) = iter.next() {
        let at = a + i;
        if start.is_none() {
            if c.is_whitespace() {
                continue;
            }
            start = Some(at);
        }
        match quote {
            None => {
                if c.is_whitespace() {
                    if let Some(s) = start.take()
                        && (blank_ok || at > s)
                    {
                        words.push((s, at));
                    }
                    blank_ok = false;
                    continue;
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    blank_ok = true;
                }
                if c == escape {
                    if iter.peek().is_none() {
                        end_trim = c.len_utf8();
                        continue;
                    }
                    iter.next();
                }
            }
            Some(q) => {
                if c == q {
                    quote = None;
                }
                if c == escape && q != '\'' {
                    if iter.peek().is_none() {
                        end_trim = c.len_utf8();
                        continue;
                    }
                    iter.next();
                }
            }
        }
    }
    if let Some(s) = start {
        let end = b - end_trim;
        if blank_ok || end > s {
            words.push((s, end));
        }
    }
    words
}

fn key_values<'a>(
    kind: Keyword,
    logical: &Logical<'a>,
    a: usize,
    b: usize,
    escape: char,
    errors: &mut Vec<SyntaxError>,
) -> Vec<KeyValue<'a>> {
    let text = logical.text();
    let words = quoted_words(text, a, b, escape);
    let Some(&(first_start, first_end)) = words.first() else {
        return Vec::new();
    };
    if !text[first_start..first_end].contains('=') {
        // Legacy `KEY value`: cut at the first whitespace run.
        let key_end = text[a..b].find(is_sep).map_or(b, |i| a + i);
        let value_start =
            key_end + (text[key_end..b].len() - text[key_end..b].trim_start_matches(is_sep).len());
        if value_start >= b {
            errors.push(SyntaxError::new(
                SyntaxErrorKind::MissingKeyValue,
                logical.range(a, b),
                format!("{} must have two arguments", kind.as_str()),
            ));
            return Vec::new();
        }
        return vec![KeyValue {
            key: logical.word(a, key_end),
            value: logical.word(value_start, b),
            equals: None,
            range: logical.range(a, b),
        }];
    }
    let mut pairs = Vec::with_capacity(words.len());
    for (s, e) in words {
        let Some(eq) = text[s..e].find('=') else {
            errors.push(SyntaxError::new(
                SyntaxErrorKind::MissingKeyValue,
                logical.range(s, e),
                format!(
                    "Syntax error - can't find = in {:?}. Must be of the form: name=value",
                    &text[s..e]
                ),
            ));
            continue;
        };
        pairs.push(KeyValue {
            key: logical.word(s, s + eq),
            value: logical.word(s + eq + 1, e),
            equals: Some(logical.range(s + eq, s + eq + 1)),
            range: logical.range(s, e),
        });
    }
    pairs
}

/// A `<<NAME` word found on an instruction line.
#[derive(Debug)]
struct Marker {
    start: usize,
    end: usize,
    name_start: usize,
    name: String,
    fd: Option<u32>,
    chomp: bool,
    expand: bool,
}

/// Splits the line into shell words (quotes and escapes kept, `\` escapes)
/// and returns the ones shaped `[digits]<<[-]NAME`. An unterminated quote
/// means no words at all, as in BuildKit.
fn heredoc_markers(line: &str) -> Vec<Marker> {
    let mut markers = Vec::new();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut iter = line.char_indices();
    while let Some((i, c)) = iter.next() {
        if quote.is_none() && c.is_whitespace() {
            if let Some(s) = start.take() {
                words.push((s, i));
            }
            continue;
        }
        start.get_or_insert(i);
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None | Some('"'), '\\') => {
                iter.next();
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return markers;
    }
    if let Some(s) = start {
        words.push((s, line.len()));
    }
    for (s, e) in words {
        if let Ok((_, (fd, chomp, rest))) = heredoc_word(&line[s..e]) {
            if rest.is_empty() {
                continue;
            }
            let name_start = e - rest.len();
            let (name, quoted) = unquote_heredoc_name(rest);
            // An empty delimiter (`<<''`) is not a heredoc in BuildKit.
            if name.is_empty() {
                continue;
            }
            markers.push(Marker {
                start: s,
                end: e,
                name_start,
                name,
                fd: fd.and_then(|d| d.parse().ok()),
                chomp,
                expand: !quoted,
            });
        }
    }
    markers
}

/// `^(\d*)<<(-?)([^<]*)$`
fn heredoc_word(word: &str) -> IResult<&str, (Option<&str>, bool, &str)> {
    let (rest, fd) = opt(take_while1(|c: char| c.is_ascii_digit())).parse(word)?;
    let (rest, _) = tag("<<")(rest)?;
    let (rest, chomp) = opt(char('-')).parse(rest)?;
    if rest.contains('<') {
        return Err(nom::Err::Error(nom::error::Error::new(
            rest,
            nom::error::ErrorKind::Verify,
        )));
    }
    Ok(("", (fd, chomp.is_some(), rest)))
}

/// Removes shell quoting from a heredoc delimiter; reports whether any
/// quotes were used (which turns off expansion of the body).
fn unquote_heredoc_name(raw: &str) -> (String, bool) {
    let mut out = String::with_capacity(raw.len());
    let mut quoted = false;
    let mut quote: Option<char> = None;
    let mut iter = raw.chars().peekable();
    while let Some(c) = iter.next() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                quoted = true;
            }
            (Some(q), _) if c == q => quote = None,
            (None, '\\') => {
                if let Some(n) = iter.next() {
                    out.push(n);
                }
            }
            (Some('"'), '\\') => match iter.peek() {
                Some(&n) if matches!(n, '"' | '$' | '\\') => {
                    out.push(n);
                    iter.next();
                }
                Some(_) => out.push(c),
                None => {}
            },
            _ => out.push(c),
        }
    }
    (out, quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_lines() {
        assert_eq!(
            directive_line("# escape=`").map(|r| r.1),
            Ok(("escape", "`"))
        );
        assert_eq!(
            directive_line("#syntax = docker/dockerfile:1  ").map(|r| r.1),
            Ok(("syntax", "docker/dockerfile:1"))
        );
        assert_eq!(
            directive_line("# escape= ").map(|r| r.1),
            Ok(("escape", " "))
        );
        assert!(directive_line("# escape=").is_err());
        assert!(directive_line("# 1escape=x").is_err());
        assert!(directive_line("# just a comment").is_err());
    }

    #[test]
    fn heredoc_words() {
        let m = heredoc_markers("RUN 3<<-\"EOF\" cat <<two 'x<<y' <<<z");
        let names: Vec<_> = m
            .iter()
            .map(|m| (m.name.as_str(), m.fd, m.chomp, m.expand))
            .collect();
        assert_eq!(
            names,
            vec![("EOF", Some(3), true, false), ("two", None, false, true)]
        );
        assert!(heredoc_markers("RUN echo 'unterminated <<EOF").is_empty());
    }

    #[test]
    fn quoted_word_splitting() {
        let text = r#"abc="123 456" def 'x y'\ z \"#;
        let words: Vec<_> = quoted_words(text, 0, text.len(), '\\')
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(words, vec![r#"abc="123 456""#, "def", r"'x y'\ z"]);
    }
}

#[cfg(test)]
mod logical_line_tests {
    use super::*;

    /// The rebuilt logical line holds every argument text the parser built
    /// from it, at the offsets the map gives.
    #[test]
    fn logical_lines_match_the_parser() {
        let sources = [
            "FROM a\nRUN apt-get update \\\n# skipped\n\n  && apt-get install -y \\\n    curl\n",
            "# escape=`\nFROM a\nRUN echo a `\n  b `\n  c\n",
            "FROM a\r\nRUN echo a \\\r\n  b\r\n",
            "FROM a\nONBUILD RUN x \\\n  y\nRUN <<EOF cat \\\n  > /x\nbody\nEOF\n",
            "FROM a\nRUN é \\\n  ü\nLABEL a=b \\\n  c=d\n",
        ];
        for source in sources {
            let file = parse(source);
            for inst in &file.instructions {
                for inst in [inst, inst.effective()] {
                    let logical = file.logical_line(inst);
                    let args = &inst.args_text;
                    let (lo, hi) = logical
                        .logical_range(args.range)
                        .unwrap_or_else(|| panic!("{source:?}: {:?} not in the line", args.value));
                    assert_eq!(&logical.text()[lo..hi], &*args.value, "{source:?}");
                    assert_eq!(logical.range(lo, hi), args.range, "{source:?}");
                }
            }
        }
        // An offset outside the source gives an empty line.
        let file = parse("FROM a\n");
        let mut inst = file.instructions[0].clone();
        inst.range = TextRange::new(99, 99);
        assert_eq!(file.logical_line(&inst).text(), "");
    }
}
