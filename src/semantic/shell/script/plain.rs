//! A hand-written parser for plain command lists, the scripts most `RUN`s
//! hold: simple commands joined by `&&`, `||`, `;`, `|` and line breaks,
//! with quoted words, assignments, file redirects, parameters and `$(…)`.
//! It gives exactly the model the bash grammar's parse gives, in a small
//! part of the time.
//!
//! It reads `if`, `while`, `until`, `for … in`, `case`, `{ …; }` and
//! `( … )` too, down to their parts: each condition, branch, loop body and
//! group is a command list read the same way; and the plainest tests
//! (`[ -f x ]`, `[ ! -d x ]`, `[ "$a" != b ]`).
//!
//! What it does not read itself it hands to the grammar one statement at
//! a time: another compound command (`for ((…))`, a `case` with patterns
//! it does not read, or any compound command followed by a pipe) or a
//! statement with words it does not read (other tests, `${A%x}`,
//! `$((…))`, globs in brackets, `!(…)`, `{1..3}`) is parsed by the grammar
//! alone, over its span of the script, and walked as the grammar's parse
//! of the whole script would be. The span is found by a rough scan; the
//! grammar's parse must hold exactly one statement there, without errors.
//! Backquotes and function definitions (`f() { … }`) are the grammar's
//! too, one statement at a time. Shapes the grammar reads differently in
//! context (heredocs, more than one backquoted command, a pipeline of
//! three commands or more before `&&`, `||` or a line break, redirects in
//! a pipeline after `&&`, `A=1 B=2` before a line break, a `-` before
//! `2>`) leave the whole script to the grammar.
//!
//! A differential test holds the two parsers to the same model over every
//! script of the corpus (`plain_parser_agrees_with_the_grammar`), and a
//! property test over generated scripts.

use super::{
    Assignment, Builder, Command, Connector, Construct, ConstructId, ConstructKind, Edges, Elem,
    Redirect, RedirectOp, Segment, SegmentKind, Segments, Written, double_quoted_literal, edges_of,
    push_literal, unquoted_literal, word_of,
};
use crate::semantic::shell::text::ShellText;
use tree_sitter::{Node, Tree};

/// How deep `$(…)` may nest in a script the plain parser reads.
const MAX_NESTING: usize = 8;

/// The builder's depth up to which the plain parser is used: below it,
/// no script it accepts can take the full parser to its depth limit, so
/// the two give the same model.
pub(super) const MAX_ENTRY_DEPTH: usize = 100;

/// Words that make a command something other than a simple command.
const KEYWORDS: [&str; 17] = [
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
    "in", "function", "select", "time", "coproc",
];

/// The operators of `[ OP x ]` read as a unary test.
const TEST_UNARY: [&[u8]; 23] = [
    b"-b", b"-c", b"-d", b"-e", b"-f", b"-g", b"-h", b"-k", b"-n", b"-p", b"-r", b"-s", b"-t",
    b"-u", b"-v", b"-w", b"-x", b"-z", b"-G", b"-L", b"-N", b"-O", b"-S",
];

/// The operators of `[ x OP y ]` read as a binary test.
const TEST_BINARY: [&[u8]; 12] = [
    b"=", b"==", b"!=", b"-eq", b"-ne", b"-lt", b"-le", b"-gt", b"-ge", b"-nt", b"-ot", b"-ef",
];

/// Commands the grammar reads as an `unset_command`, which splits some of
/// their arguments: only plain ones are read.
const UNSET: [&str; 2] = ["unset", "unsetenv"];

/// The compound commands (and function definitions) the plain parser
/// hands to the grammar, by the grammar's node kind.
const COMPOUNDS: [&str; 8] = [
    "if_statement",
    "case_statement",
    "while_statement",
    "for_statement",
    "c_style_for_statement",
    "subshell",
    "compound_statement",
    "function_definition",
];

/// The other statements the plain parser hands to the grammar when it
/// cannot read their words. (`A=1 B=2` is not one: the grammar reads on
/// past its line break.)
const SIMPLE_STATEMENTS: [&str; 8] = [
    "command",
    "pipeline",
    "redirected_statement",
    "test_command",
    "negated_command",
    "declaration_command",
    "unset_command",
    "variable_assignment",
];

/// How deep quotes and substitutions may nest in a compound command the
/// plain parser looks for the end of.
const MAX_SCAN_NESTING: usize = 32;

/// Commands whose arguments the grammar reads as assignments: the model
/// has them as arguments, written as they are.
const DECLARATIONS: [&str; 5] = ["export", "declare", "typeset", "readonly", "local"];

pub(super) enum Item {
    Command(Cmd),
    Pipeline {
        lo: usize,
        hi: usize,
        elems: Vec<Elem<Cmd>>,
    },
    /// A statement parsed by the grammar on its own: a compound command
    /// (`if`, a loop, a subshell or a group), or a pipeline with words the
    /// plain parser does not read.
    Grammar {
        tree: Tree,
        /// It is a pipeline of three commands or more.
        long_pipeline: bool,
    },
    /// `if` … `fi`: its conditions and branches in source order (an
    /// `elif` adds a condition and a branch, an `else` a branch).
    If {
        lo: usize,
        hi: usize,
        parts: Vec<(ConstructKind, Vec<Elem<Item>>)>,
    },
    /// `while` or `until` … `done`.
    While {
        lo: usize,
        hi: usize,
        condition: Vec<Elem<Item>>,
        body: Part,
    },
    /// `for NAME in WORDS; do` … `done`, with the `$(…)` of its words.
    For {
        lo: usize,
        hi: usize,
        subs: Vec<Sub>,
        body: Part,
    },
    /// `{ …; }` or `( … )`, standing by itself (no redirect or pipe
    /// after it).
    Group {
        lo: usize,
        hi: usize,
        kind: ConstructKind,
        elems: Vec<Elem<Item>>,
    },
    /// A compound command with file redirects after it (`done >log`),
    /// which the model leaves out but for the `$(…)` of their words.
    Redirected {
        item: Box<Item>,
        hi: usize,
        subs: Vec<Sub>,
    },
    /// `case WORD in` … `esac`, with the `$(…)` of its word.
    Case {
        lo: usize,
        hi: usize,
        subs: Vec<Sub>,
        branches: Vec<Part>,
    },
}

/// A part of a compound command with a span of its own: a loop's `do` …
/// `done`, or a branch of `case` from its patterns to its `;;`.
pub(super) struct Part {
    lo: usize,
    hi: usize,
    elems: Vec<Elem<Item>>,
}

/// Keywords that end the statements of a compound command's part.
const CLOSERS: [&str; 7] = ["then", "elif", "else", "fi", "do", "done", "esac"];

pub(super) struct Cmd {
    lo: usize,
    hi: usize,
    assignments: Vec<Assign>,
    name: Option<Word>,
    args: Vec<Word>,
    redirects: Vec<Redir>,
    /// The `$(…)` in the command's words, in source order.
    subs: Vec<Sub>,
    /// Where the `!` of `! cmd` is.
    negated: Option<usize>,
}

struct Word {
    lo: usize,
    hi: usize,
    segments: Segments,
}

struct Assign {
    lo: usize,
    hi: usize,
    name: (usize, usize),
    append: bool,
    value: Option<Word>,
}

struct Redir {
    lo: usize,
    fd: Option<u32>,
    op: RedirectOp,
    target: Word,
}

pub(super) struct Sub {
    lo: usize,
    hi: usize,
    body: Vec<Elem<Item>>,
}

/// Reads `t` as a plain command list; `None` when it is not one.
pub(super) fn parse(t: &ShellText<'_>) -> Option<Vec<Elem<Item>>> {
    // The grammar may pair the backquotes of a script in other ways than
    // the shell (`` `a` `b` `` as one substitution), and then reads a
    // statement with backquotes differently alone: a script of one
    // backquoted command is read here, one with more (or with escaped
    // backquotes) is left to the grammar.
    let text = t.as_str();
    if text.bytes().filter(|&c| c == b'`').count() > 2 || text.contains("\\`") {
        return None;
    }
    let mut p = Parser {
        t,
        s: text.as_bytes(),
        pos: 0,
        nesting: 0,
        unread_words: false,
    };
    let elems = p.sequence()?;
    (p.pos == p.s.len()).then_some(elems)
}

/// The span and segments of the word starting at `lo`.
pub(super) fn word_at(t: &ShellText<'_>, lo: usize) -> Option<(usize, usize, Segments)> {
    let mut p = Parser {
        t,
        s: t.as_str().as_bytes(),
        pos: lo,
        nesting: 0,
        unread_words: false,
    };
    let word = p.word(&mut Vec::new())?;
    Some((word.lo, word.hi, word.segments))
}

struct Parser<'t, 'a> {
    t: &'t ShellText<'a>,
    s: &'t [u8],
    pos: usize,
    nesting: usize,
    /// The last statement was left for words the plain parser does not
    /// read (not for a shape the grammar reads otherwise in context).
    unread_words: bool,
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// An item of `elems` is a pipeline of three commands or more.
fn has_long_pipeline(elems: &[Elem<Item>]) -> bool {
    elems.iter().filter_map(Elem::item).any(|item| match item {
        Item::Pipeline { elems: stages, .. } => stages.len() > 3,
        Item::Grammar { long_pipeline, .. } => *long_pipeline,
        _ => false,
    })
}

/// How many commands the pipeline `node` joins, counting those of the
/// pipelines the grammar nests under a redirect (`a | b 2>&1 | c` is
/// three); 0 for a statement that is no pipeline.
fn pipeline_commands(node: Node<'_>) -> usize {
    match node.kind() {
        "pipeline" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .map(|n| pipeline_commands(n).max(1))
                .sum()
        }
        "redirected_statement" => node.named_child(0).map_or(0, pipeline_commands),
        _ => 0,
    }
}

/// The last command of the statement `node` has no name: it is one of
/// assignments (`a | A=1 B=2`, `a | A=1 B=2 2>&1`) or redirects
/// (`a | >f >g`) only.
fn ends_without_name(node: Node<'_>) -> bool {
    let mut node = node;
    loop {
        match node.kind() {
            "pipeline" | "list" => {
                let mut cursor = node.walk();
                let Some(last) = node.named_children(&mut cursor).last() else {
                    return false;
                };
                node = last;
            }
            "redirected_statement" => match node.child_by_field_name("body") {
                Some(body) => node = body,
                None => return true,
            },
            "variable_assignments" => return true,
            "command" => return node.child_by_field_name("name").is_none(),
            _ => return false,
        }
    }
}

/// The one statement a part's parse holds, when it holds one and no
/// error.
fn only_statement(tree: &Tree) -> Option<Node<'_>> {
    let root = tree.root_node();
    if root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    let mut statements = root
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment");
    let first = statements.next()?;
    statements.next().is_none().then_some(first)
}

/// Where the compound command at `lo` ends: after the `fi`, `done`, `}`
/// or `)` that closes it. A rough scan of words and keywords that the
/// grammar's parse of the span then confirms; `None` for what it does not
/// follow (`case`, heredocs, deep nesting).
fn compound_end(s: &[u8], lo: usize) -> Option<usize> {
    let mut i = lo;
    let mut depth = 0usize;
    let mut command_start = true;
    loop {
        match *s.get(i)? {
            b' ' | b'\t' => i += 1,
            b'\n' | b';' | b'&' | b'|' => {
                i += 1;
                command_start = true;
            }
            b'(' => {
                i += 1;
                depth += 1;
                command_start = true;
            }
            b')' => {
                i += 1;
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
                command_start = false;
            }
            b'#' => i = comment_end(s, i),
            b'<' if s.get(i + 1) == Some(&b'<') => return None,
            b'<' | b'>' => {
                i += 1;
                command_start = false;
            }
            _ => {
                let start = i;
                i = word_end(s, i)?;
                if !command_start {
                    continue;
                }
                match s.get(start..i)? {
                    b"if" | b"for" | b"while" | b"until" | b"select" | b"{" => depth += 1,
                    b"fi" | b"done" | b"}" => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i);
                        }
                        command_start = false;
                    }
                    b"then" | b"do" | b"else" | b"elif" | b"!" => {}
                    b"case" => {
                        i = case_end(s, i)?;
                        if depth == 0 {
                            return Some(i);
                        }
                        command_start = false;
                    }
                    b"esac" | b"function" | b"coproc" => return None,
                    _ => command_start = false,
                }
            }
        }
    }
}

/// Where the `case` command whose `case` ends at `i` ends: after its
/// `esac`. Patterns and their `)` are words to it.
fn case_end(s: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 1usize;
    loop {
        match *s.get(i)? {
            b'<' if s.get(i + 1) == Some(&b'<') => return None,
            b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' => i += 1,
            b'#' => i = comment_end(s, i),
            _ => {
                let start = i;
                i = word_end(s, i)?;
                match s.get(start..i)? {
                    b"case" => depth += 1,
                    b"esac" => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// After blanks, `rest` starts with a redirect or a pipe (not `||`).
fn redirect_or_pipe_next(rest: &[u8]) -> bool {
    let at = rest
        .iter()
        .position(|&c| c != b' ' && c != b'\t')
        .unwrap_or(rest.len());
    let digits = rest
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    match (rest.get(at), rest.get(at + 1), rest.get(at + digits)) {
        (Some(b'|'), next, _) => next != Some(&b'|'),
        (Some(b'&'), Some(b'>'), _) | (_, _, Some(b'<' | b'>')) => true,
        _ => false,
    }
}

/// Where the statement at `lo` ends: at the `&&`, `||`, `;`, `&`, line
/// break or closing `)` after it. A rough scan like [`compound_end`]'s;
/// `None` for a statement with keywords or heredocs.
fn statement_end(s: &[u8], lo: usize) -> Option<usize> {
    let mut i = lo;
    let mut depth = 0usize;
    let mut command_start = true;
    loop {
        let Some(&c) = s.get(i) else {
            return (depth == 0).then_some(i);
        };
        match c {
            b' ' | b'\t' => i += 1,
            b'\n' | b';' if depth == 0 => return Some(i),
            b'&' if depth == 0 && s.get(i + 1) != Some(&b'>') => return Some(i),
            b'|' if depth == 0 && s.get(i + 1) == Some(&b'|') => return Some(i),
            b'\n' | b';' | b'&' | b'|' => {
                i += 1;
                command_start = true;
            }
            b'(' => {
                i += 1;
                depth += 1;
                command_start = true;
            }
            b')' => {
                if depth == 0 {
                    return Some(i);
                }
                i += 1;
                depth -= 1;
                command_start = false;
            }
            b'#' => i = comment_end(s, i),
            b'<' if s.get(i + 1) == Some(&b'<') => return None,
            b'<' | b'>' => {
                i += 1;
                while matches!(s.get(i), Some(b'>' | b'&' | b'|')) {
                    i += 1;
                }
                command_start = false;
            }
            _ => {
                let start = i;
                i = word_end(s, i)?;
                let word = s.get(start..i)?;
                if command_start && word == b"!" {
                    continue;
                }
                if command_start && KEYWORDS.iter().any(|k| k.as_bytes() == word)
                    || matches!(word, b"{" | b"}")
                {
                    return None;
                }
                command_start = false;
            }
        }
    }
}

/// Where the comment at `i` ends: at its line break.
fn comment_end(s: &[u8], i: usize) -> usize {
    s.get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
        .map_or(s.len(), |n| i + n)
}

/// The end of the word at `i` for the scans; `None` when there is none.
fn word_end(s: &[u8], i: usize) -> Option<usize> {
    skip_word(s, i, 0).filter(|&end| end > i)
}

/// The end of the word at `i`, past quotes and substitutions.
fn skip_word(s: &[u8], mut i: usize, nesting: usize) -> Option<usize> {
    while let Some(&c) = s.get(i) {
        match c {
            _ if ends_word(c) || c == b'(' => break,
            b'\\' => i += 2,
            b'\'' => i += 2 + s.get(i + 1..)?.iter().position(|&c| c == b'\'')?,
            b'`' => i = skip_backquoted(s, i)?,
            b'"' | b'$' => i = skip_quoted(s, i, nesting)?,
            _ => i += 1,
        }
    }
    Some(i.min(s.len()))
}

/// The end of the quoted text or substitution at `i` (`"…"`, `$(…)`,
/// `${…}`; a lone `$` is one byte); `None` for backquotes.
fn skip_quoted(s: &[u8], i: usize, nesting: usize) -> Option<usize> {
    if nesting > MAX_SCAN_NESTING {
        return None;
    }
    let (close, open, mut j) = match (s.get(i)?, s.get(i + 1)) {
        (b'"', _) => (b'"', None, i + 1),
        (b'$', Some(b'(')) => (b')', Some(b'('), i + 2),
        (b'$', Some(b'{')) => (b'}', Some(b'{'), i + 2),
        _ => return Some(i + 1),
    };
    let mut depth = 1usize;
    loop {
        let c = *s.get(j)?;
        match c {
            b'\\' => j += 2,
            b'`' => j = skip_backquoted(s, j)?,
            _ if c == close && close != b'"' && depth > 1 => {
                depth -= 1;
                j += 1;
            }
            _ if c == close => return Some(j + 1),
            _ if Some(c) == open => {
                depth += 1;
                j += 1;
            }
            b'\'' if close != b'"' => {
                j += 2 + s.get(j + 1..)?.iter().position(|&c| c == b'\'')?;
            }
            b'"' | b'$' => j = skip_quoted(s, j, nesting + 1)?,
            _ => j += 1,
        }
    }
}

/// The end of the backquoted command at `i`: after the next backquote
/// that no backslash escapes.
fn skip_backquoted(s: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match *s.get(j)? {
            b'\\' => j += 2,
            b'`' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// Bytes that end an unquoted word.
fn ends_word(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b')'
    )
}

impl Parser<'_, '_> {
    /// Leaves a word the plain parser does not read to the grammar.
    fn unread<T>(&mut self) -> Option<T> {
        self.unread_words = true;
        None
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn at(&self, k: usize) -> Option<u8> {
        self.s.get(self.pos + k).copied()
    }

    /// Skips blanks and a comment, not the line break after it.
    fn blanks(&mut self) {
        self.blanks_only();
        if self.peek() == Some(b'#') {
            while !matches!(self.peek(), None | Some(b'\n')) {
                self.pos += 1;
            }
        }
    }

    /// Skips spaces and tabs.
    fn blanks_only(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Skips blanks, comments and line breaks.
    fn space(&mut self) {
        loop {
            self.blanks();
            if self.peek() != Some(b'\n') {
                return;
            }
            self.pos += 1;
        }
    }

    /// Statements up to the end of the text, the `)` closing `$(`, a
    /// keyword closing a compound command's part (`then`, `fi`, `done`…)
    /// or the `;;` closing a branch of `case`.
    fn sequence(&mut self) -> Option<Vec<Elem<Item>>> {
        let mut elems = Vec::new();
        self.space();
        while !matches!(self.peek(), None | Some(b')')) && !self.at_closer() && !self.at_case_end()
        {
            let list = elems.len();
            self.and_or(&mut elems)?;
            self.blanks();
            let semicolon = match self.peek() {
                _ if self.at_case_end() => break,
                Some(b';') if self.at(1) != Some(b';') => {
                    elems.push(Elem::Op(Connector::Semicolon));
                    self.pos += 1;
                    true
                }
                // A line break is no token of the grammar: the connector
                // between two commands with none is a line break.
                Some(b'\n') => {
                    self.pos += 1;
                    false
                }
                None | Some(b')') => break,
                _ => return None,
            };
            self.space();
            // The grammar reads a line break before a backslash at the start
            // of a line into the word it starts (`a` then `\x` as `a`
            // with the argument `\n\x`).
            let line_start = self.pos.checked_sub(1).and_then(|i| self.s.get(i)) == Some(&b'\n');
            if !semicolon && line_start && self.peek() == Some(b'\\') {
                return None;
            }
            // After a line break (not after `;`) the grammar may take what
            // follows a list with a pipeline of three commands or more into
            // it: `a | b | c` then `d >e` as `a | (b | c d >e)`.
            if !semicolon
                && !matches!(self.peek(), None | Some(b')'))
                && has_long_pipeline(&elems[list..])
            {
                return None;
            }
        }
        Some(elems)
    }

    /// Pipelines joined by `&&` and `||`.
    fn and_or(&mut self, elems: &mut Vec<Elem<Item>>) -> Option<()> {
        loop {
            let (start, nesting) = (self.pos, self.nesting);
            self.unread_words = false;
            // A compound command is scanned from its start, a function
            // definition (`f() { …; }`) from its body.
            let compound = self
                .function_body()
                .or_else(|| self.at_compound().then_some(start));
            let item = if let Some(item) = self.plain_compound() {
                item
            } else if let Some(scan_from) = compound {
                let end = compound_end(self.s, scan_from)?;
                if self.s.get(end..).is_some_and(redirect_or_pipe_next) {
                    // `{ a; } >out`, `(a) | b`: the grammar reads on to the
                    // end of the statement.
                    let hi = statement_end(self.s, end)?;
                    self.grammar_statement(hi, &["redirected_statement", "pipeline"])?
                } else {
                    self.grammar_statement(end, &COMPOUNDS)?
                }
            } else if let Some(item) = self.negated_command() {
                item
            } else if let Some(item) = self.pipeline() {
                item
            } else {
                // Words the plain parser does not read: the grammar reads
                // the statement by itself, unless it starts with a
                // redirect, which the grammar may read with what is
                // before it.
                self.pos = start;
                self.nesting = nesting;
                if !self.unread_words
                    || matches!(self.peek(), Some(b'<' | b'>' | b'&'))
                    || self.fd_end().is_some()
                {
                    return None;
                }
                let item =
                    self.grammar_statement(statement_end(self.s, start)?, &SIMPLE_STATEMENTS)?;
                self.unread_words = false;
                item
            };
            elems.push(Elem::Item(item));
            self.blanks();
            let op = match (self.peek(), self.at(1)) {
                (Some(b'&'), Some(b'&')) => Connector::And,
                (Some(b'|'), Some(b'|')) => Connector::Or,
                _ => return Some(()),
            };
            self.pos += 2;
            elems.push(Elem::Op(op));
            self.space();
        }
    }

    /// Where the body of the function definition at the cursor starts:
    /// the `{` after `name()`.
    fn function_body(&self) -> Option<usize> {
        let rest = self.s.get(self.pos..)?;
        let name = self.name_len(self.pos);
        if name == 0 {
            return None;
        }
        let blanks = |at: usize, line_breaks: bool| {
            at + rest
                .get(at..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&c| c == b' ' || c == b'\t' || (line_breaks && c == b'\n'))
                .count()
        };
        let open = blanks(name, false);
        if rest.get(open..open + 2)? != b"()" {
            return None;
        }
        let body = blanks(open + 2, true);
        (rest.get(body) == Some(&b'{') && matches!(rest.get(body + 1), Some(b' ' | b'\t' | b'\n')))
            .then_some(self.pos + body)
    }

    /// The cursor is at a compound command the grammar is asked to read:
    /// `if`, `case`, `for`, `while`, `until`, `{` or `(`.
    fn at_compound(&self) -> bool {
        let rest = self.s.get(self.pos..).unwrap_or_default();
        self.at_group()
            || ["if", "case", "for", "while", "until"].iter().any(|k| {
                rest.starts_with(k.as_bytes())
                    && matches!(rest.get(k.len()), Some(b' ' | b'\t' | b'\n'))
            })
    }

    /// The statement from the cursor to `hi`, read by the grammar alone:
    /// one of `kinds`, standing by itself (the next thing is a connector
    /// or the end).
    fn grammar_statement(&mut self, hi: usize, kinds: &[&str]) -> Option<Item> {
        let lo = self.pos;
        let tree = super::parse_part(self.t.as_str(), lo, hi)?;
        let (long_pipeline, nameless) = {
            let node = only_statement(&tree)?;
            if node.start_byte() != lo || node.end_byte() > hi || !kinds.contains(&node.kind()) {
                return None;
            }
            (pipeline_commands(node) >= 3, ends_without_name(node))
        };
        self.pos = hi;
        self.blanks();
        // The grammar reads on past the line break after `A=1 B=2` or
        // `>f >g`, for the command's name.
        if nameless && matches!(self.peek(), Some(b'\n' | b'#')) {
            return None;
        }
        self.at_statement_end().then_some(Item::Grammar {
            tree,
            long_pipeline,
        })
    }

    /// The statement before the cursor stands by itself: a connector or
    /// the end follows.
    fn at_statement_end(&self) -> bool {
        match (self.peek(), self.at(1)) {
            (None | Some(b'\n' | b')'), _)
            | (Some(b'&'), Some(b'&'))
            | (Some(b'|'), Some(b'|')) => true,
            (Some(b';'), next) => next != Some(b';'),
            _ => false,
        }
    }

    /// The cursor is at keyword `k`, standing as a word.
    fn at_keyword(&self, k: &str) -> bool {
        let rest = self.s.get(self.pos..).unwrap_or_default();
        rest.starts_with(k.as_bytes())
            && matches!(
                rest.get(k.len()),
                None | Some(b' ' | b'\t' | b'\n' | b';' | b')' | b'&' | b'|')
            )
    }

    /// The cursor is at the `;;`, `;&` or `;;&` ending a branch of `case`.
    fn at_case_end(&self) -> bool {
        self.peek() == Some(b';') && matches!(self.at(1), Some(b';' | b'&'))
    }

    /// The cursor is at a keyword that ends a compound command's part, or
    /// the `}` ending a group.
    fn at_closer(&self) -> bool {
        match self.peek() {
            Some(b't' | b'e' | b'f' | b'd') => CLOSERS.iter().any(|k| self.at_keyword(k)),
            Some(b'}') => self.at_keyword("}"),
            _ => false,
        }
    }

    /// The cursor is at `{ ` or at `(` (not `((`, which is arithmetic).
    fn at_group(&self) -> bool {
        match (self.peek(), self.at(1)) {
            (Some(b'{'), Some(b' ' | b'\t' | b'\n')) => true,
            (Some(b'('), next) => next != Some(b'('),
            _ => false,
        }
    }

    /// File redirects after a compound command (`done >log 2>&1`), with
    /// the `$(…)` of their words: where the last one ends (the cursor when
    /// there is none).
    fn compound_redirects(&mut self, subs: &mut Vec<Sub>) -> Option<usize> {
        let mut end = self.pos;
        loop {
            let digits = self.fd_end().map_or(0, |at| at - self.pos);
            // What follows (a heredoc, say) is no statement's end: the
            // caller gives the statement back.
            let Some((_, len)) = self.redirect_operator(digits, digits > 0) else {
                return Some(end);
            };
            // The grammar reads the `0` of `0<` as a word.
            if digits > 0 && self.peek() == Some(b'0') {
                return None;
            }
            self.pos += digits + len;
            self.redirect_target(subs)?;
            if !matches!(
                self.peek(),
                None | Some(b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b')')
            ) {
                return None;
            }
            end = self.pos;
            self.blanks();
        }
    }

    /// `{ …; }` or `( … )`.
    fn group(&mut self) -> Option<Item> {
        let lo = self.pos;
        let (kind, close) = if self.peek() == Some(b'{') {
            (ConstructKind::Group, b'}')
        } else {
            (ConstructKind::Subshell, b')')
        };
        self.pos += 1;
        let elems = self.statements()?;
        if self.peek() != Some(close) || close == b'}' && !self.at_keyword("}") {
            return None;
        }
        self.pos += 1;
        Some(Item::Group {
            lo,
            hi: self.pos,
            kind,
            elems,
        })
    }

    /// Reads keyword `k` at the cursor.
    fn keyword(&mut self, k: &str) -> Option<()> {
        self.at_keyword(k).then(|| self.pos += k.len())
    }

    /// The statements of a compound command's part: one at least.
    fn statements(&mut self) -> Option<Vec<Elem<Item>>> {
        let elems = self.sequence()?;
        elems.iter().any(|e| e.item().is_some()).then_some(elems)
    }

    /// `if`, `while`, `until`, `for … in` or `case` whose parts the plain
    /// parser reads; `None` (and the cursor where it was) for any other, or one
    /// the grammar reads with what follows it (a redirect, a pipe).
    /// Compound commands nested deeper than `$(…)` may be (counted
    /// together with it) are the grammar's, which bounds its own depth.
    fn plain_compound(&mut self) -> Option<Item> {
        let clause: fn(&mut Self) -> Option<Item> = if self.at_keyword("if") {
            Self::if_clause
        } else if self.at_keyword("while") || self.at_keyword("until") {
            Self::while_clause
        } else if self.at_keyword("for") {
            Self::for_clause
        } else if self.at_keyword("case") {
            Self::case_clause
        } else if self.at_group() {
            Self::group
        } else {
            return None;
        };
        let (start, nesting) = (self.pos, self.nesting);
        if nesting >= MAX_NESTING {
            return None;
        }
        self.nesting += 1;
        let item = clause(self);
        self.nesting = nesting;
        self.blanks();
        let redirects_at = self.pos;
        let mut subs = Vec::new();
        let redirected = item
            .is_some()
            .then(|| self.compound_redirects(&mut subs))
            .flatten();
        match (item, redirected) {
            (Some(item), Some(hi)) if self.at_statement_end() => {
                if hi == redirects_at {
                    Some(item)
                } else {
                    Some(Item::Redirected {
                        item: Box::new(item),
                        hi,
                        subs,
                    })
                }
            }
            _ => {
                self.pos = start;
                self.unread_words = false;
                None
            }
        }
    }

    fn if_clause(&mut self) -> Option<Item> {
        let lo = self.pos;
        self.keyword("if")?;
        let mut parts = Vec::new();
        loop {
            parts.push((ConstructKind::IfCondition, self.statements()?));
            self.keyword("then")?;
            parts.push((ConstructKind::IfBranch, self.statements()?));
            if self.keyword("elif").is_some() {
                continue;
            }
            if self.keyword("else").is_some() {
                parts.push((ConstructKind::IfBranch, self.statements()?));
            }
            self.keyword("fi")?;
            return Some(Item::If {
                lo,
                hi: self.pos,
                parts,
            });
        }
    }

    fn while_clause(&mut self) -> Option<Item> {
        let lo = self.pos;
        self.keyword("while").or_else(|| self.keyword("until"))?;
        let condition = self.statements()?;
        let body = self.do_group()?;
        Some(Item::While {
            lo,
            hi: self.pos,
            condition,
            body,
        })
    }

    fn for_clause(&mut self) -> Option<Item> {
        let lo = self.pos;
        self.keyword("for")?;
        self.blanks();
        let name = self.name_len(self.pos);
        if name == 0 || !matches!(self.at(name), Some(b' ' | b'\t')) {
            return None;
        }
        self.pos += name;
        self.blanks();
        self.keyword("in")?;
        let mut subs = Vec::new();
        loop {
            self.blanks_only();
            match self.peek()? {
                b';' => {
                    self.pos += 1;
                    break;
                }
                b'\n' => break,
                c if ends_word(c) || c == b'#' => return None,
                _ => {
                    self.word(&mut subs)?;
                    if !matches!(self.peek(), Some(b' ' | b'\t' | b';' | b'\n')) {
                        return None;
                    }
                }
            }
        }
        self.space();
        let body = self.do_group()?;
        Some(Item::For {
            lo,
            hi: self.pos,
            subs,
            body,
        })
    }

    fn case_clause(&mut self) -> Option<Item> {
        let lo = self.pos;
        self.keyword("case")?;
        self.blanks();
        let mut subs = Vec::new();
        self.word(&mut subs)?;
        if !matches!(self.peek(), Some(b' ' | b'\t')) {
            return None;
        }
        self.blanks();
        self.keyword("in")?;
        let mut branches = Vec::new();
        loop {
            self.space();
            if self.keyword("esac").is_some() {
                break;
            }
            let branch_lo = self.pos;
            // The `|` between patterns is a token of the branch, as the
            // grammar has it.
            let mut elems = Vec::new();
            if self.peek() == Some(b'(') {
                self.pos += 1;
                self.blanks();
            }
            loop {
                self.pattern()?;
                self.blanks();
                match self.peek()? {
                    b'|' => {
                        elems.push(Elem::Op(Connector::Pipe));
                        self.pos += 1;
                        self.blanks();
                    }
                    b')' => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
            let statements = self.sequence()?;
            let last = statements.iter().rev().find_map(Elem::item).map(item_span);
            elems.extend(statements);
            let branch_hi = if self.at_case_end() {
                self.pos += if self.at(2) == Some(b'&') { 3 } else { 2 };
                elems.push(Elem::Op(Connector::CaseEnd));
                self.pos
            } else if self.at_keyword("esac") {
                // The last branch may go without `;;`: it ends after the
                // `;` or line break ending its last statement.
                let end = last?.1;
                let rest = self.s.get(end..)?;
                let at = rest
                    .iter()
                    .take_while(|&&c| c == b' ' || c == b'\t')
                    .count();
                match rest.get(at)? {
                    b';' | b'\n' => end + at + 1,
                    _ => return None,
                }
            } else {
                return None;
            };
            branches.push(Part {
                lo: branch_lo,
                hi: branch_hi,
                elems,
            });
        }
        Some(Item::Case {
            lo,
            hi: self.pos,
            subs,
            branches,
        })
    }

    /// A pattern of a `case` branch with no substitutions: literal
    /// characters, globs and quotes.
    fn pattern(&mut self) -> Option<()> {
        let lo = self.pos;
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'|' | b')' => break,
                b'\'' | b'"' => {
                    let close = self.s.get(self.pos + 1..)?.iter().position(|&q| q == c)?;
                    let inner = self.s.get(self.pos + 1..self.pos + 1 + close)?;
                    if inner.iter().any(|&q| matches!(q, b'$' | b'`' | b'\\')) {
                        return None;
                    }
                    self.pos += close + 2;
                }
                _ if c.is_ascii_alphanumeric() => self.pos += 1,
                b'*' | b'?' | b'.' | b'-' | b'_' | b'/' | b'+' | b':' | b',' | b'@' | b'%'
                | b'=' | b'~' => self.pos += 1,
                _ => return None,
            }
        }
        (self.pos > lo).then_some(())
    }

    fn do_group(&mut self) -> Option<Part> {
        let lo = self.pos;
        self.keyword("do")?;
        let elems = self.statements()?;
        self.keyword("done")?;
        Some(Part {
            lo,
            hi: self.pos,
            elems,
        })
    }

    /// `! cmd`: a simple command negated, or the pipeline it starts (the
    /// grammar negates only the first command of `! a | b`).
    fn negated_command(&mut self) -> Option<Item> {
        if self.peek() != Some(b'!') || !matches!(self.at(1), Some(b' ' | b'\t')) {
            return None;
        }
        let start = self.pos;
        self.pos += 1;
        self.blanks_only();
        if self.peek().is_none_or(|c| c == b'#' || ends_word(c)) {
            self.pos = start;
            return None;
        }
        let item = match self.command() {
            Some(mut cmd) if cmd.name.is_some() => {
                cmd.negated = Some(start);
                self.pipeline_from(cmd)
            }
            _ => None,
        };
        if item.is_none() {
            self.pos = start;
            self.unread_words = false;
        }
        item
    }

    fn at_pipe(&self) -> bool {
        self.peek() == Some(b'|') && !matches!(self.at(1), Some(b'|' | b'&'))
    }

    fn pipeline(&mut self) -> Option<Item> {
        let first = self.command()?;
        self.pipeline_from(first)
    }

    /// The pipeline that `first`, just read, starts (or `first` alone).
    fn pipeline_from(&mut self, first: Cmd) -> Option<Item> {
        self.blanks();
        if !self.at_pipe() {
            return Some(Item::Command(first));
        }
        // The pipeline starts at the `!` of a negated first command.
        let lo = first.negated.unwrap_or(first.lo);
        let mut hi = first.hi;
        let mut elems = vec![Elem::Item(first)];
        while self.at_pipe() {
            self.pos += 1;
            elems.push(Elem::Op(Connector::Pipe));
            self.space();
            let next = self.command()?;
            hi = next.hi;
            elems.push(Elem::Item(next));
            self.blanks();
        }
        Some(Item::Pipeline { lo, hi, elems })
    }

    fn command(&mut self) -> Option<Cmd> {
        let mut declaration = false;
        let mut unset = false;
        let mut cmd = Cmd {
            lo: self.pos,
            hi: self.pos,
            assignments: Vec::new(),
            name: None,
            args: Vec::new(),
            redirects: Vec::new(),
            subs: Vec::new(),
            negated: None,
        };
        if self.peek() == Some(b'[') && matches!(self.at(1), Some(b' ' | b'\t')) {
            return self.test_command(cmd);
        }
        loop {
            let c = self.peek();
            match c {
                None | Some(b'\n' | b';' | b'|' | b')') => break,
                Some(b'&') if self.at(1) != Some(b'>') => break,
                // The grammar reads a declaration's redirects and arguments
                // that are neither assignments, names nor command
                // substitutions (`export -p`) in its own way: the statement
                // is left to it.
                Some(_)
                    if declaration
                        && self.assignment_at().is_none()
                        && !self.at_name()
                        && !self.at_command_substitution() =>
                {
                    return self.unread();
                }
                Some(b'<' | b'>' | b'&') => self.redirect(&mut cmd, self.pos, None)?,
                // The grammar reads the `0` of `0<` as a word.
                Some(b'0') if self.fd_end().is_some() => return None,
                Some(b'1'..=b'9') if self.fd_end().is_some() => {
                    let lo = self.pos;
                    let end = self.fd_end()?;
                    let fd = self.t.as_str().get(lo..end)?.parse().ok();
                    self.pos = end;
                    self.redirect(&mut cmd, lo, fd)?;
                }
                // `! a` negates `a`.
                Some(b'!') if cmd.name.is_none() => return self.unread(),
                Some(_) if cmd.name.is_none() => {
                    if let Some((name_len, append)) = self.assignment_at() {
                        let assign = self.assignment(name_len, append, &mut cmd.subs)?;
                        cmd.assignments.push(assign);
                    } else {
                        let name = self.word(&mut cmd.subs)?;
                        let raw = self.t.as_str().get(name.lo..name.hi)?;
                        // A brace in a command's name may open a group.
                        if raw.contains('{') {
                            return self.unread();
                        }
                        unset = UNSET.contains(&raw);
                        // The grammar reads a name with `=` as an assignment,
                        // and may lose a `-` name.
                        if KEYWORDS.contains(&raw) || raw.contains('=') || raw == "-" {
                            return None;
                        }
                        declaration = DECLARATIONS.contains(&raw);
                        if declaration && !cmd.assignments.is_empty() {
                            return None;
                        }
                        cmd.name = Some(name);
                    }
                }
                Some(_) => {
                    let arg = self.word(&mut cmd.subs)?;
                    // The grammar splits some arguments of `unset` (`A$B`
                    // as `A` and `$B`) and some words after a file redirect
                    // (which it gives to the redirect, and the builder
                    // takes back as arguments: `>f a-$V.x` as `a-$` and
                    // `V.x`): there, only a quoted string or a plain word
                    // is read here.
                    if (unset || !cmd.redirects.is_empty()) && !self.whole_or_plain(&arg) {
                        return self.unread();
                    }
                    cmd.args.push(arg);
                }
            }
            cmd.hi = self.pos;
            let before = self.pos;
            self.blanks();
            // Words are apart, or end at an operator.
            if self.pos == before && self.peek().is_some_and(|c| !ends_word(c)) {
                return None;
            }
        }
        if cmd.lo == cmd.hi {
            return None;
        }
        // The grammar reads on past the line break after `A=1 B=2`.
        if cmd.name.is_none() && cmd.assignments.len() > 1 && self.peek() == Some(b'\n') {
            return None;
        }
        Some(cmd)
    }

    /// `[ … ]` of one to three words in the shapes the grammar reads as one
    /// expression (`[ x ]`, `[ -f x ]`, `[ x = y ]`): its name is `[`, its
    /// arguments the words inside. Any other is left to the grammar.
    fn test_command(&mut self, mut cmd: Cmd) -> Option<Cmd> {
        let lo = self.pos;
        self.pos += 1;
        let mut segments = Segments::default();
        unquoted_literal(self.t, lo, lo + 1, &mut segments);
        cmd.name = Some(Word {
            lo,
            hi: lo + 1,
            segments,
        });
        loop {
            self.blanks_only();
            if self.peek() == Some(b']') && self.at(1).is_none_or(ends_word) {
                self.pos += 1;
                break;
            }
            if self.peek().is_none_or(|c| c == b'#' || ends_word(c)) || cmd.args.len() == 3 {
                return self.unread();
            }
            let Some(word) = self.word(&mut cmd.subs) else {
                return self.unread();
            };
            cmd.args.push(word);
            if !matches!(self.peek(), Some(b' ' | b'\t')) {
                return self.unread();
            }
        }
        let raw = |w: &Word| self.s.get(w.lo..w.hi).unwrap_or_default();
        let shape = match cmd.args.as_slice() {
            [_] => true,
            [op, x] => {
                TEST_UNARY.contains(&raw(op)) || raw(op) == b"!" && !raw(x).starts_with(b"-")
            }
            [not, op, _] if raw(not) == b"!" => TEST_UNARY.contains(&raw(op)),
            [left, op, _] => !raw(left).starts_with(b"-") && TEST_BINARY.contains(&raw(op)),
            _ => false,
        };
        cmd.hi = self.pos;
        self.blanks();
        let ends = match (self.peek(), self.at(1)) {
            (None | Some(b'\n' | b';' | b')'), _) => true,
            (Some(b'&' | b'|'), next) => next == self.peek(),
            _ => false,
        };
        if shape && ends {
            Some(cmd)
        } else {
            self.unread()
        }
    }

    /// `word` is one quoted string, or letters, digits and `_./-` only.
    fn whole_or_plain(&self, word: &Word) -> bool {
        let raw = self.s.get(word.lo..word.hi).unwrap_or_default();
        match raw {
            [b'"', inner @ .., b'"'] | [b'\'', inner @ .., b'\''] => {
                !inner.contains(&raw[0]) && !inner.contains(&b'\\')
            }
            _ => raw
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'-')),
        }
    }

    /// The end of the digits at the cursor when a redirect operator
    /// follows them (`2>`).
    fn fd_end(&self) -> Option<usize> {
        let digits = self
            .s
            .get(self.pos..)?
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        matches!(self.at(digits), Some(b'<' | b'>')).then_some(self.pos + digits)
    }

    /// A redirect after the command's name, from `lo` (where the
    /// descriptor `fd` was, or the operator at the cursor).
    fn redirect(&mut self, cmd: &mut Cmd, lo: usize, fd: Option<u32>) -> Option<()> {
        let name = cmd.name.as_ref()?;
        // The grammar loses a `-` word before a descriptor's redirect
        // (`k - 2>f`).
        let last = cmd.args.last().unwrap_or(name);
        if fd.is_some() && self.s.get(last.lo..last.hi) == Some(b"-") {
            return None;
        }
        let (op, len) = self.redirect_operator(0, fd.is_some())?;
        // `&>` stands apart from the word before it.
        if matches!(op, RedirectOp::WriteAll | RedirectOp::AppendAll)
            && !matches!(self.s.get(self.pos.checked_sub(1)?), Some(b' ' | b'\t'))
        {
            return None;
        }
        self.pos += len;
        let target = self.redirect_target(&mut cmd.subs)?;
        cmd.redirects.push(Redir { lo, fd, op, target });
        Some(())
    }

    /// The redirect operator `k` bytes after the cursor, and its length;
    /// `None` for none, for process substitutions and heredocs, for `<>`
    /// (which the grammar does not know) and for `&>` after a descriptor.
    fn redirect_operator(&self, k: usize, fd: bool) -> Option<(RedirectOp, usize)> {
        Some(match (self.at(k)?, self.at(k + 1), self.at(k + 2)) {
            (b'>', Some(b'('), _) | (b'<', Some(b'<' | b'(' | b'>'), _) => return None,
            (b'>', Some(b'>'), _) => (RedirectOp::Append, 2),
            (b'>', Some(b'&'), _) => (RedirectOp::DupWrite, 2),
            (b'>', Some(b'|'), _) => (RedirectOp::Clobber, 2),
            (b'>', _, _) => (RedirectOp::Write, 1),
            (b'<', Some(b'&'), _) => (RedirectOp::DupRead, 2),
            (b'<', _, _) => (RedirectOp::Read, 1),
            (b'&', Some(b'>'), Some(b'>')) if !fd => (RedirectOp::AppendAll, 3),
            (b'&', Some(b'>'), _) if !fd => (RedirectOp::WriteAll, 2),
            _ => return None,
        })
    }

    /// The word a redirect's operator, just read, points to.
    fn redirect_target(&mut self, subs: &mut Vec<Sub>) -> Option<Word> {
        self.blanks_only();
        if self.peek().is_none_or(|c| c == b'#' || ends_word(c)) {
            return None;
        }
        self.word(subs)
    }

    /// The cursor is at a word that is a name (`PATH` in `export PATH`).
    fn at_name(&self) -> bool {
        let len = self.name_len(self.pos);
        len > 0
            && matches!(
                self.at(len),
                None | Some(b' ' | b'\t' | b'\n' | b';' | b'&' | b'|')
            )
    }

    /// The length of the `{…}` at the cursor when it holds only
    /// characters of plain words, no braces and no `..` (a sequence, which
    /// the grammar reads as an expression).
    fn plain_braces(&self) -> Option<usize> {
        let rest = self.s.get(self.pos + 1..)?;
        let close = rest
            .iter()
            .position(|&c| !(c.is_ascii_alphanumeric() || b"_.,/+:@%=~-".contains(&c)))?;
        let inner = &rest[..close];
        (rest[close] == b'}' && !inner.windows(2).any(|w| w == b"..")).then_some(close + 2)
    }

    /// The cursor is at `$(` (not `$((`).
    fn at_command_substitution(&self) -> bool {
        self.peek() == Some(b'$') && self.at(1) == Some(b'(') && self.at(2) != Some(b'(')
    }

    /// The length of the name (`[A-Za-z_][A-Za-z0-9_]*`) starting at `at`;
    /// 0 when none does.
    fn name_len(&self, at: usize) -> usize {
        let rest = self.s.get(at..).unwrap_or_default();
        if !rest.first().copied().is_some_and(is_name_start) {
            return 0;
        }
        rest.iter().take_while(|&&c| is_name(c)).count()
    }

    /// The length of the name and whether it is `+=`, when the cursor is
    /// at `NAME=` or `NAME+=`.
    fn assignment_at(&self) -> Option<(usize, bool)> {
        let len = self.name_len(self.pos);
        if len == 0 {
            return None;
        }
        match (self.at(len), self.at(len + 1)) {
            (Some(b'='), _) => Some((len, false)),
            (Some(b'+'), Some(b'=')) => Some((len, true)),
            _ => None,
        }
    }

    /// `NAME=value` or `NAME+=value` before the command's name.
    fn assignment(&mut self, name_len: usize, append: bool, subs: &mut Vec<Sub>) -> Option<Assign> {
        let lo = self.pos;
        self.pos = lo + name_len + if append { 2 } else { 1 };
        let value = match self.peek() {
            Some(c) if !ends_word(c) => Some(self.word(subs)?),
            _ => None,
        };
        // The grammar ends the value of `A=$(b)/$C/d` at the `$` after the
        // substitution and reads the rest as the command's name.
        if let Some(value) = &value {
            let mut kinds = value.segments.iter().map(|s| &s.kind);
            if kinds.any(|k| matches!(k, SegmentKind::CommandSubstitution))
                && kinds.any(|k| matches!(k, SegmentKind::Parameter { .. }))
            {
                return None;
            }
        }
        Some(Assign {
            lo,
            hi: self.pos,
            name: (lo, lo + name_len),
            append,
            value,
        })
    }

    /// An unquoted run from `run` to the cursor.
    fn flush(&self, run: usize, out: &mut Segments) {
        if run < self.pos {
            unquoted_literal(self.t, run, self.pos, out);
        }
    }

    fn word(&mut self, subs: &mut Vec<Sub>) -> Option<Word> {
        let lo = self.pos;
        let mut segments = Segments::default();
        let mut run = lo;
        while let Some(c) = self.peek() {
            match c {
                _ if ends_word(c) => break,
                // `{}` (find's name for the file) and brace expansions of
                // plain words (`/etc/{a,b}`) are literal characters to the
                // model, and to the grammar words it concatenates; any
                // other brace may open a group or hold what the grammar
                // reads in its own way.
                b'{' if let Some(len) = self.plain_braces() => self.pos += len,
                b'(' | b'`' | b'{' | b'}' | b'[' | b']' => return self.unread(),
                // `!(…)` is a pattern to the grammar.
                b'!' if self.at(1) == Some(b'(') => return self.unread(),
                0..=0x1f | 0x7f => return None,
                b'\\' => match self.at(1) {
                    // The grammar ends a word at an escaped blank.
                    None | Some(b'\n' | b'\r' | b' ' | b'\t') => return None,
                    Some(_) => self.pos += 2,
                },
                b'\'' => {
                    self.flush(run, &mut segments);
                    let close = self
                        .s
                        .get(self.pos + 1..)?
                        .iter()
                        .position(|&c| c == b'\'')?;
                    let inner = self.pos + 1;
                    push_literal(&mut segments, inner, inner + close, true);
                    self.pos = inner + close + 1;
                    run = self.pos;
                }
                b'"' => {
                    self.flush(run, &mut segments);
                    self.double_quoted(&mut segments, subs)?;
                    run = self.pos;
                }
                b'$' => {
                    self.flush(run, &mut segments);
                    self.dollar(&mut segments, subs)?;
                    run = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        self.flush(run, &mut segments);
        if self.pos == lo {
            return None;
        }
        Some(Word {
            lo,
            hi: self.pos,
            segments,
        })
    }

    fn double_quoted(&mut self, out: &mut Segments, subs: &mut Vec<Sub>) -> Option<()> {
        self.pos += 1;
        let mut run = self.pos;
        loop {
            match self.peek()? {
                b'"' => {
                    if run < self.pos {
                        double_quoted_literal(self.t, run, self.pos, out);
                    }
                    self.pos += 1;
                    return Some(());
                }
                b'\\' => match self.at(1)? {
                    b'\n' | b'\r' => return None,
                    _ => self.pos += 2,
                },
                b'$' => {
                    if run < self.pos {
                        double_quoted_literal(self.t, run, self.pos, out);
                    }
                    self.dollar(out, subs)?;
                    run = self.pos;
                }
                b'`' => return self.unread(),
                0..=0x08 | 0x0b..=0x1f | 0x7f => return None,
                _ => self.pos += 1,
            }
        }
    }

    /// `$NAME`, `${…}`, `$1`, `$@`, `$?`, `$$` or `$(…)` at the cursor.
    fn dollar(&mut self, out: &mut Segments, subs: &mut Vec<Sub>) -> Option<()> {
        let lo = self.pos;
        let name = match self.at(1)? {
            b'(' => {
                if self.at(2) == Some(b'(') {
                    return self.unread();
                }
                if self.nesting >= MAX_NESTING {
                    return None;
                }
                self.pos += 2;
                self.nesting += 1;
                let body = self.sequence()?;
                self.nesting -= 1;
                if self.peek() != Some(b')') || body.is_empty() {
                    return None;
                }
                self.pos += 1;
                out.push(Segment {
                    lo,
                    hi: self.pos,
                    kind: SegmentKind::CommandSubstitution,
                });
                subs.push(Sub {
                    lo,
                    hi: self.pos,
                    body,
                });
                return Some(());
            }
            b'{' => {
                let start = lo + 2;
                let len = self.name_len(start);
                if len == 0 {
                    return self.unread();
                }
                let rest = self.s.get(start + len..)?;
                let close = rest.iter().position(|&c| c == b'}')?;
                if rest[..close].iter().any(|c| {
                    matches!(c, b'$' | b'`' | b'\'' | b'"' | b'\\' | b'{' | b'(' | b'!')
                        || c.is_ascii_control()
                }) {
                    return self.unread();
                }
                self.pos = start + len + close + 1;
                (start, start + len)
            }
            c if is_name_start(c) => {
                let len = self.name_len(lo + 1);
                self.pos = lo + 1 + len;
                (lo + 1, self.pos)
            }
            b'0'..=b'9' | b'@' | b'?' | b'$' => {
                if self.at(2).is_some_and(is_name) {
                    return None;
                }
                self.pos = lo + 2;
                (lo + 1, self.pos)
            }
            _ => return self.unread(),
        };
        out.push(Segment {
            lo,
            hi: self.pos,
            kind: SegmentKind::Parameter { name },
        });
        Some(())
    }
}

/// Where the statement `item` starts and ends.
fn item_span(item: &Item) -> (usize, usize) {
    match item {
        Item::Command(
            Cmd {
                negated: Some(lo),
                hi,
                ..
            }
            | Cmd { lo, hi, .. },
        )
        | Item::Pipeline { lo, hi, .. }
        | Item::If { lo, hi, .. }
        | Item::While { lo, hi, .. }
        | Item::For { lo, hi, .. }
        | Item::Group { lo, hi, .. }
        | Item::Case { lo, hi, .. } => (*lo, *hi),
        Item::Redirected { item, hi, .. } => (item_span(item).0, *hi),
        Item::Grammar { tree, .. } => {
            only_statement(tree).map_or((0, 0), |n| (n.start_byte(), n.end_byte()))
        }
    }
}

/// From the start of the first statement of `elems` to the end of the
/// last.
fn span(elems: &[Elem<Item>]) -> (usize, usize) {
    let mut items = elems.iter().filter_map(Elem::item);
    let first = items.next().map_or((0, 0), item_span);
    let last = items.next_back().map_or(first, item_span);
    (first.0, last.1)
}

/// The items of a sequence the plain parser read, each with the
/// connectors around it.
fn with_edges<I>(elems: Vec<Elem<I>>, edges: Edges) -> impl Iterator<Item = (I, Edges)> {
    let around = edges_of(&elems, edges, |_| false);
    elems.into_iter().filter_map(Elem::into_item).zip(around)
}

impl<'a> Builder<'a> {
    /// Walks a sequence the plain parser read into construct `construct`.
    pub(super) fn plain_sequence(
        &mut self,
        t: &ShellText<'a>,
        elems: Vec<Elem<Item>>,
        construct: ConstructId,
        edges: Edges,
    ) {
        for (item, edges) in with_edges(elems, edges) {
            if let Item::Grammar { tree, .. } = &item {
                // The grammar's parse, walked as the grammar's parse of the
                // whole script would be.
                if let Some(node) = only_statement(tree) {
                    self.item(t, node, None, construct, edges, false);
                }
                continue;
            }
            self.depth += 1;
            self.plain_item(t, item, construct, edges);
            self.depth -= 1;
        }
    }

    /// Walks one item of a sequence the plain parser read.
    fn plain_item(&mut self, t: &ShellText<'a>, item: Item, construct: ConstructId, edges: Edges) {
        match item {
            Item::Grammar { .. } => {}
            Item::Redirected { item, subs, .. } => {
                // As the grammar's walk: the redirects' substitutions
                // run after the command, in the enclosing construct.
                self.plain_item(t, *item, construct, edges);
                self.plain_substitutions(t, subs, construct);
            }
            Item::If { parts, .. } => {
                // The parts have no node of their own in the grammar's
                // parse: each spans its statements.
                for (kind, elems) in parts {
                    let (lo, hi) = span(&elems);
                    self.plain_part(t, kind, (lo, hi), elems, construct);
                }
            }
            Item::While {
                condition, body, ..
            } => {
                let range = span(&condition);
                self.plain_part(t, ConstructKind::LoopCondition, range, condition, construct);
                let range = (body.lo, body.hi);
                self.plain_part(t, ConstructKind::LoopBody, range, body.elems, construct);
            }
            Item::For { subs, body, .. } => {
                self.plain_substitutions(t, subs, construct);
                let range = (body.lo, body.hi);
                self.plain_part(t, ConstructKind::LoopBody, range, body.elems, construct);
            }
            Item::Group {
                lo,
                hi,
                kind,
                elems,
            } => {
                // The statements inside sit where the group sits: they
                // take its connectors.
                self.script.constructs.push(Construct {
                    kind,
                    range: t.range(lo, hi),
                    parent: Some(construct),
                });
                let id = self.script.constructs.len() - 1;
                self.plain_sequence(t, elems, id, edges);
            }
            Item::Case { subs, branches, .. } => {
                self.plain_substitutions(t, subs, construct);
                for branch in branches {
                    let range = (branch.lo, branch.hi);
                    let kind = ConstructKind::CaseBranch;
                    self.plain_part(t, kind, range, branch.elems, construct);
                }
            }
            Item::Command(cmd) => self.plain_command(t, cmd, construct, edges),
            Item::Pipeline { lo, hi, elems } => {
                self.script.constructs.push(Construct {
                    kind: ConstructKind::Pipeline,
                    range: t.range(lo, hi),
                    parent: Some(construct),
                });
                let id = self.script.constructs.len() - 1;
                for (cmd, edges) in with_edges(elems, edges) {
                    self.depth += 1;
                    self.plain_command(t, cmd, id, edges);
                    self.depth -= 1;
                }
            }
        }
    }

    fn plain_command(&mut self, t: &ShellText<'a>, cmd: Cmd, construct: ConstructId, edges: Edges) {
        let word = |w: Word| word_of(t, w.lo, w.hi, w.segments);
        let starts: Vec<usize> = cmd.name.iter().chain(&cmd.args).map(|w| w.lo).collect();
        let has_name = cmd.name.is_some();
        let assignments = cmd
            .assignments
            .into_iter()
            .map(|a| Assignment {
                name: t.slice(a.name.0, a.name.1),
                value: a.value.map(word),
                append: a.append,
                range: t.range(a.lo, a.hi),
            })
            .collect();
        let redirects = cmd
            .redirects
            .into_iter()
            .map(|r| {
                let range = t.range(r.lo, r.target.hi);
                self.found_heredoc(Redirect {
                    fd: r.fd,
                    op: r.op,
                    target: Some(word(r.target)),
                    body: None,
                    expand: false,
                    range,
                })
            })
            .collect();
        let command = Command {
            name: cmd.name.map(word),
            args: cmd.args.into_iter().map(word).collect(),
            assignments,
            redirects,
            connector_before: edges.before,
            connector_after: edges.after,
            construct,
            negated: cmd.negated.is_some(),
            range: t.range(cmd.lo, cmd.hi),
        };
        let index = self.script.commands.len();
        self.script.commands.push(command);
        self.plain_substitutions(t, cmd.subs, construct);
        if has_name {
            self.nested_script(t, index, &Written::Plain { starts: &starts }, construct);
        }
    }

    /// The `$(…)` of a statement's words, in source order.
    fn plain_substitutions(&mut self, t: &ShellText<'a>, subs: Vec<Sub>, construct: ConstructId) {
        for sub in subs {
            self.script.constructs.push(Construct {
                kind: ConstructKind::CommandSubstitution,
                range: t.range(sub.lo, sub.hi),
                parent: Some(construct),
            });
            let id = self.script.constructs.len() - 1;
            // The grammar's walk reaches a substitution through its word.
            self.depth += 2;
            self.plain_sequence(t, sub.body, id, Edges::default());
            self.depth -= 2;
        }
    }

    /// A part of a compound command (`if`'s condition, a loop's body)
    /// over `range`: a construct of its own holding its statements.
    fn plain_part(
        &mut self,
        t: &ShellText<'a>,
        kind: ConstructKind,
        range: (usize, usize),
        elems: Vec<Elem<Item>>,
        construct: ConstructId,
    ) {
        self.script.constructs.push(Construct {
            kind,
            range: t.range(range.0, range.1),
            parent: Some(construct),
        });
        let id = self.script.constructs.len() - 1;
        self.plain_sequence(t, elems, id, Edges::default());
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Script, parse_with_grammar_only};
    use super::*;
    use crate::syntax::TextRange;

    fn text(source: &str) -> ShellText<'_> {
        ShellText::verbatim(source, TextRange::from_usize(0, source.len()))
    }

    /// The model from the plain parser (when it reads `source`) and from
    /// the grammar.
    fn models(source: &str) -> (bool, String, String) {
        let t = text(source);
        let plain = parse(&t).is_some();
        let fast = format!("{:#?}", Script::parse(&t));
        let full = parse_with_grammar_only(|| format!("{:#?}", Script::parse(&t)));
        (plain, fast, full)
    }

    #[test]
    fn plain_scripts_get_the_grammars_model() {
        for source in [
            "",
            "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
            "a; b;",
            "a\n\n  b # note\n# line\nc\n",
            "a || b | c > out; e 2>&1 | f",
            "set -eux; x=$(dpkg --print-architecture | awk -F- '{ print $NF }'); echo \"$x\"",
            "A=1 B+=\"two $C\" make PREFIX=/usr install >>log 2>/dev/null",
            "A= B=x",
            "curl -fsSL \"https://example.org/${VERSION}/a-${VERSION:-1}.tgz\" -o /tmp/a.tgz",
            "echo $1 $@ $? $$ \\$HOME '$HOME' \"\\$HOME \\\" x\"",
            "wget https://e.org/$V/pkg-$V-linux.tar.gz && tar xf pkg-$V-linux.tar.gz",
            "echo \"$A $B\" \"x $(date)\"",
            "sh -c 'apt-get update && apt-get install -y x' && sudo -u app bash -c \"cd /app && make\"",
            "cmd >&2 <in 3>&1 &>/dev/null >|f <&3",
            "a $(b $(c $(d))) \"$(e)\"",
            "a |\n  b &&\n  c",
            "export A=1 B=\"$A x\" C=$(d) && local D=",
            "a | b | c",
            "a | b | c; d >e",
            "a | b | c ;\n d && e >f",
            "if [ -f x ]; then a; fi",
            "set -e; if [ \"$(uname -m)\" = x86_64 ]; then a=1; else a=2; fi && echo $a",
            "for f in *; do a \"$f\"; done\nb",
            "while read -r l; do echo \"${l%x}\"; done && c",
            "until a; do b; done; c",
            "(cd x && make) && { a; b; }",
            "x=$(if a; then b; fi) && c",
            "a && if b; then c; elif d; then e; else f; fi || g",
            "if a; then for x in 1 2; do (b $x); done; fi # done",
            "if a\nthen\n  b\n  # note\nelif c; then d;\nelse\n  e; f\nfi",
            "for x in $(ls /a) \"$B\" c\ndo\n  echo $x; done; g",
            "for x in a b; do for y in c; do d $x$y; done; done",
            "while a | b; do c && d || e; done >/dev/null",
            "x=$(for a in b; do echo $a; done) && y=\"$(if c; then d; fi)\"",
            "if a; then b; fi; if c; then d; fi",
            "if [ -f x ]; then while [ -n \"$y\" ]; do shift; done; fi",
            "if a; then echo then fi done; fi",
            "case $x in a) b; esac",
            "case $x in\n a) b;&\n b) c;;&\n *) d;; esac; e",
            // Statements with words the plain parser does not read are
            // the grammar's, each by itself.
            "[ -f x ] && a",
            "[[ -f x ]] && a",
            "case $x in a) b;; esac",
            "{ a; b; } > out",
            "if a; then b; fi | c",
            "if a; then b; fi > out",
            "if a; then case $x in y) b;; esac; fi",
            "! a",
            "echo $((1 + 2))",
            "echo {a,b}",
            "find . -exec rm {} +",
            "echo $'a\\n'",
            "echo ${#A} ${A:-$B}",
            "a && b [x] && c | d ${e#f} && g",
            "export A; b",
            "export -n A=b && c",
            "export A=b >f; c",
            "export $(grep -v '^#' .env | xargs) && a",
            "a && unset A B && b",
            "unsetenv A; b",
            "a `b c` && d",
            "f() { a; }\nf x",
            "a 2>/dev/null b c && d",
            "a && f () {\n b $V\n} && f",
            "a;\n\\x",
            "a\n \\x",
            "a \"x `b | c` y\" | d",
            // The grammar nests what follows a pipeline of three commands
            // or more (`a | (b | c && d)`); the model groups them as the
            // shell does.
            "a | b | c && d",
            "a * | b | c && d",
            "a | b | c || d && e",
            "a | b | c | d && e | f | g && h; i | j | k && l",
            "a | b | c && d | e >out",
            "a && b | c | d && e | f | g && h",
            "a | [ -f x ] | A=b 2>&1 | a || b",
            // The grammar nests a pipeline with a redirect before its
            // last command: `(a >x | b) | c`, `(a && b 2>&1) | c`.
            "a >x | b | c",
            "a && b 2>&1 | c",
            "a | b 2>&1 | c | d || e && f 2>&1 | g | h",
        ] {
            let (plain, fast, full) = models(source);
            assert!(plain, "the plain parser should read {source:?}");
            assert_eq!(fast, full, "{source:?}");
        }
    }

    /// How many statements of `elems` (and of the compound commands
    /// among them) the grammar read.
    fn grammar_items(elems: &[Elem<Item>]) -> usize {
        elems.iter().filter_map(Elem::item).map(grammar_in).sum()
    }

    fn grammar_in(item: &Item) -> usize {
        match item {
            Item::Grammar { .. } => 1,
            Item::If { parts, .. } => parts.iter().map(|(_, p)| grammar_items(p)).sum(),
            Item::While {
                condition, body, ..
            } => grammar_items(condition) + grammar_items(&body.elems),
            Item::For { body, .. } => grammar_items(&body.elems),
            Item::Group { elems, .. } => grammar_items(elems),
            Item::Redirected { item, .. } => grammar_in(item),
            Item::Case { branches, .. } => branches.iter().map(|b| grammar_items(&b.elems)).sum(),
            Item::Command(_) | Item::Pipeline { .. } => 0,
        }
    }

    #[test]
    fn compounds_tests_and_names_are_read_without_the_grammar() {
        for (source, by_grammar) in [
            ("if a; then b; else c; fi", 0),
            ("if a\nthen b\nelif c\nthen d\nfi && e", 0),
            ("while read -r l; do echo $l; done", 0),
            ("until a; do b; done", 0),
            ("for x in a $(b) \"$c\"; do d $x; done", 0),
            (
                "if [ -f x ]; then for y in z; do case $y in a) b;; esac; done; fi",
                0,
            ),
            (
                "if [ \"$(uname -m)\" = x86_64 ] && [ -n $A ]; then b; fi",
                0,
            ),
            (
                "[ -f x ] || [[ -f y ]] || [ a != b ] || [ -f x -a -f y ]",
                2,
            ),
            (
                "[ ! -d /a ] && [ ! \"$b\" ] && [ \"$A\" != b ] && test ! -e x",
                0,
            ),
            // `!` standing for itself, and negating a command.
            (
                "echo \"root:Docker!\" a!b | chpasswd; ! a b && ! [ -f x ]",
                0,
            ),
            ("if ! a; then b; fi; while ! c; do d; done", 0),
            // The grammar negates only the first command of `! a | b`.
            ("! a | b && ! c d | e | f", 0),
            // `unset` of names.
            (
                "unset GNUPGHOME A_1 && unset -f a >/dev/null; unsetenv B \"C\" d.e",
                0,
            ),
            ("unset A$B", 1),
            // Words after a redirect: the grammar splits some.
            ("echo >&2 \"error: '$a'\" && a 2>&1 b.c", 0),
            ("echo >&2 a-$V.x", 1),
            // Declarations of names.
            ("export PATH A_1 B=2; local x && readonly -p", 1),
            // and of command substitutions' output.
            (
                "export $(grep -v '^#' .env | xargs) && export $(a)b A=$(c) $(d)",
                0,
            ),
            // `find`'s `{}`, brace expansions.
            (
                "find . -exec chmod 644 {} \\; && find . -exec rm {} + && a x{}y \"{}\"",
                0,
            ),
            ("rm -rf /var/lib/{apt,dpkg}/ && a x{a,b}y {a-b.c,} {,d}", 0),
            ("a {a,{b,c}} {$a,b}; a - {1..3}", 2),
            (
                "case \"$(a)\" in\n  x|'y z') b; c ;;\n  (*.tgz) ;;\n  *) d\nesac",
                0,
            ),
            ("case $x in [ab]) c;; esac", 1),
            // Groups and subshells.
            ("{ a; b; } && (cd c && d | e)\n( f )\n{\n g\n}", 0),
            ("{ a; } >f; (b) | c; (d) 2>&1", 1),
            // Redirects after a compound command: the model has none, but
            // for their substitutions.
            (
                "if a; then b; fi > out 2>&1 && for x in y; do z; done >>\"$(w)\"",
                0,
            ),
            ("if a; then\n  { b; } >f # c\nfi", 0),
            // Read by the grammar as a whole: a pipe after it, `for`
            // without `in`, arithmetic loops.
            ("while a; do b; done | c", 1),
            ("for x; do a; done", 1),
            ("for ((i = 0; i < 3; i++)); do a; done", 1),
        ] {
            let t = text(source);
            let elems = parse(&t).unwrap_or_else(|| panic!("{source:?} should be read"));
            assert_eq!(grammar_items(&elems), by_grammar, "{source:?}");
            let (_, fast, full) = models(source);
            assert_eq!(fast, full, "{source:?}");
        }
        // Nested deeper than `$(…)` may be, the inner ones are the
        // grammar's; the model is the same.
        let deep = format!("{}a{}", "if b; then ".repeat(12), "; fi".repeat(12));
        let elems = parse(&text(&deep)).expect("read");
        assert_eq!(grammar_items(&elems), 1);
        let (_, fast, full) = models(&deep);
        assert_eq!(fast, full);
        // Ill-formed ones are left to the grammar.
        for source in [
            "if a; then fi",
            "if a; b; fi",
            "while a; done",
            "for x in a; b; done",
        ] {
            let elems = parse(&text(source));
            assert!(elems.is_none_or(|e| grammar_items(&e) == 1), "{source:?}");
        }
    }

    #[test]
    fn other_scripts_are_left_to_the_grammar() {
        for source in [
            "a | b | c\nd",
            "a | b | c\nd >e",
            "a | b | c 2>&1\nd",
            "a | A=b [ -f x ] | a | a 2>&1\na || b",
            "[ -f x ] | c=d c=d\na",
            "[ -f x ] | 2>&1 2>&1\na; ",
            "[ -f x ] | >f >g # c\na",
            "f() (a) | c=d c=d 2>&1\na",
            "A=1 export B=2",
            "{} a",
            "{a,b} c",
            "a | while read x; do b; done",
            "(a) &",
            "((i++))",
            "if a; then b",
            "if a; then b; fi fi",
            "for f in *; do a <<EOF\nx\nEOF\ndone",
            "A=$(b)/$C/d && e",
            "a &",
            "a `b` `c`",
            "a `b`; c \\`",
            "a `b",
            "a\n\\x",
            "a 0 # c\n\n\\$x",
            "a $(b\n\\x)",
            "cat <<EOF\nx\nEOF",
            "diff <(a) <(b)",
            "cat 0<f",
            "a \\ b",
            "a \\\n b",
            "a 'unterminated",
            "a \"unterminated",
            "a $(b",
            "a &&",
            "a | ",
            "f() { a; } >x",
            "f() ( a )",
            "function f { a; }",
            ">out cmd",
            "cmd <>f",
            "a;; b",
            "k - 2>f",
            "-\nA=b",
            "`a` \n `a`",
            "--opt=v A=b > a # c\n ~",
            "a || > 2> a a > a",
        ] {
            let (plain, fast, full) = models(source);
            assert!(!plain, "the plain parser should leave {source:?}");
            assert_eq!(fast, full, "{source:?}");
        }
    }

    /// `$(…)` nested deeper than the plain parser goes is the grammar's.
    #[test]
    fn deep_substitutions_are_left_to_the_grammar() {
        let deep = |n: usize| format!("{}x{}", "$(a ".repeat(n), ")".repeat(n));
        assert!(parse(&text(&deep(MAX_NESTING))).is_some());
        assert!(parse(&text(&deep(MAX_NESTING + 1))).is_none());
        let source = deep(MAX_NESTING + 1);
        let (_, fast, full) = models(&source);
        assert_eq!(fast, full);
    }
}
