//! The typed model of a shell script, read by the plain command-list
//! parser ([`plain`]) when it can and built from `tree-sitter-bash`'s tree
//! otherwise. Rules see commands, words, connectors and constructs; never
//! node kinds.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::ControlFlow;

use serde::Serialize;
use tree_sitter::{Node, ParseOptions, ParseState, Parser, Point, Tree};

use super::dialect::{ShellKind, program_basename};
use super::invocation::{Resolved, may_wrap, resolve_all, unwrap_wrappers};
use super::text::{ShellText, ShellTextBuilder};
use super::word::{OneOrMany, Parts, ShellWord, WordPart};
use crate::syntax::TextRange;

mod plain;

/// How deep the walk follows nested constructs before giving up on the
/// rest (recorded as an error); keeps the stack bounded on hostile input.
const MAX_DEPTH: usize = 200;

/// A parsed shell script: every simple command in source order, with the
/// constructs they sit in.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Script<'a> {
    pub commands: Vec<Command<'a>>,
    /// Indexed by [`ConstructId`]; the first is the top level.
    pub constructs: Vec<Construct>,
    /// Where the script could not be parsed (the commands around are kept).
    pub errors: Vec<TextRange>,
    /// Each command's program seen through its wrappers, resolved once when
    /// the script is built: rules ask for it many times.
    #[serde(skip)]
    pub(super) resolved: Vec<Resolved>,
}

/// Index of a [`Construct`] in [`Script::constructs`].
pub type ConstructId = usize;

/// A simple command: `A=b name arg… >redirect`.
#[derive(Clone, Debug, Serialize)]
pub struct Command<'a> {
    /// `None` for a command of only assignments or redirects (`A=b`).
    pub name: Option<ShellWord<'a>>,
    pub args: Vec<ShellWord<'a>>,
    pub assignments: Vec<Assignment<'a>>,
    pub redirects: Vec<Redirect<'a>>,
    /// The operator joining this command to the one before it.
    pub connector_before: Option<Connector>,
    /// The operator joining this command to the one after it.
    pub connector_after: Option<Connector>,
    /// The innermost construct the command sits in.
    pub construct: ConstructId,
    /// Under `!`: its status is inverted.
    pub negated: bool,
    pub range: TextRange,
}

/// `NAME=value` before a command (or alone).
#[derive(Clone, Debug, Serialize)]
pub struct Assignment<'a> {
    pub name: Cow<'a, str>,
    /// `None` for `NAME=`.
    pub value: Option<ShellWord<'a>>,
    /// `NAME+=value`.
    pub append: bool,
    pub range: TextRange,
}

/// A redirection such as `2>&1`, `>>log`, `<<EOF`.
#[derive(Clone, Debug, Serialize)]
pub struct Redirect<'a> {
    pub fd: Option<u32>,
    pub op: RedirectOp,
    /// The file, descriptor, here-string or heredoc delimiter.
    pub target: Option<ShellWord<'a>>,
    /// The body of a heredoc.
    pub body: Option<TextRange>,
    /// For a heredoc: the delimiter is unquoted, so the shell expands
    /// `$VAR` and `$(…)` in the body.
    pub expand: bool,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectOp {
    /// `<`
    Read,
    /// `>`
    Write,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupRead,
    /// `>&`
    DupWrite,
    /// `&>`
    WriteAll,
    /// `&>>`
    AppendAll,
    /// `<<<`
    HereString,
    /// `<<`
    Heredoc,
    /// `<<-`
    HeredocStripTabs,
}

/// The operator between two commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Connector {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `|`
    Pipe,
    /// `|&`
    PipeAll,
    /// `;`
    Semicolon,
    /// `&`
    Background,
    /// A line break.
    Newline,
    /// `;;`, `;&` or `;;&` ending a `case` branch.
    CaseEnd,
}

impl Connector {
    fn of_token(kind: &str) -> Option<Self> {
        Some(match kind {
            "&&" => Connector::And,
            "||" => Connector::Or,
            "|" => Connector::Pipe,
            "|&" => Connector::PipeAll,
            ";" => Connector::Semicolon,
            "&" => Connector::Background,
            "\n" => Connector::Newline,
            ";;" | ";&" | ";;&" => Connector::CaseEnd,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Connector::And => "&&",
            Connector::Or => "||",
            Connector::Pipe => "|",
            Connector::PipeAll => "|&",
            Connector::Semicolon => ";",
            Connector::Background => "&",
            Connector::Newline => "\\n",
            Connector::CaseEnd => ";;",
        }
    }
}

/// A construct commands sit in.
#[derive(Clone, Debug, Serialize)]
pub struct Construct {
    pub kind: ConstructKind,
    pub range: TextRange,
    /// The enclosing construct; `None` for the top level.
    pub parent: Option<ConstructId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConstructKind {
    /// The script itself.
    TopLevel,
    /// `a | b`: each stage of the pipeline.
    Pipeline,
    /// `( … )`
    Subshell,
    /// `{ …; }`
    Group,
    /// `$( … )` or `` `…` ``.
    CommandSubstitution,
    /// `<( … )` or `>( … )`.
    ProcessSubstitution,
    /// The condition of `if`/`elif`.
    IfCondition,
    /// A `then` or `else` branch.
    IfBranch,
    /// The condition of `while`/`until`.
    LoopCondition,
    /// The body of `for`/`while`/`until`.
    LoopBody,
    /// A branch of `case`.
    CaseBranch,
    /// The body of `name() { … }`.
    Function { name: String },
    /// The script of `sh -c '…'` (after `sudo`, `env`… are unwrapped).
    ShellCommand { shell: String },
    /// A heredoc a shell reads its script from (`bash <<EOF`).
    HeredocScript { shell: String },
}

/// The edges of a sequence: the connectors before its first and after its
/// last command, inherited from where the sequence sits.
#[derive(Clone, Copy, Debug, Default)]
struct Edges {
    before: Option<Connector>,
    after: Option<Connector>,
}

/// A heredoc whose body the Dockerfile parser already found: its marker
/// appears in the parsed text as a `<DELIMITER` redirect (see
/// [`Script::parse_with_heredocs`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeredocBody {
    /// The `<<EOF` word in the Dockerfile.
    pub marker: TextRange,
    pub body: TextRange,
    /// `<<-`: leading tabs are stripped from the body.
    pub strip_tabs: bool,
    /// The delimiter is unquoted: the shell expands the body.
    pub expand: bool,
}

impl<'a> Script<'a> {
    /// Parses `text` as a POSIX shell script (with the bash grammar).
    pub fn parse(text: &ShellText<'a>) -> Self {
        Self::parse_with_heredocs(text, &[])
    }

    /// Parses `text` in which the heredoc markers of `heredocs` were
    /// rewritten as input redirects (`<<EOF` as `<EOF`) and their bodies
    /// left out: the bash grammar misreads several heredocs on one line
    /// and markers before the command name, while the Dockerfile parser
    /// already knows each body. Those redirects come back as heredocs.
    pub fn parse_with_heredocs(text: &ShellText<'a>, heredocs: &[HeredocBody]) -> Self {
        let mut builder = Builder {
            script: Script::default(),
            depth: 0,
            heredocs: heredocs.to_vec(),
        };
        builder.script.constructs.push(Construct {
            kind: ConstructKind::TopLevel,
            range: text.range(0, text.len()),
            parent: None,
        });
        builder.program(text, 0);
        let mut script = builder.script;
        script.resolved = resolve_all(&script.commands);
        script
    }

    /// A script of at most one command (exec-form `RUN`).
    pub fn single(command: Option<Command<'a>>, range: TextRange) -> Self {
        let commands: Vec<_> = command.into_iter().collect();
        Script {
            resolved: resolve_all(&commands),
            commands,
            constructs: vec![Construct {
                kind: ConstructKind::TopLevel,
                range,
                parent: None,
            }],
            errors: Vec::new(),
        }
    }

    /// Adds the commands of `inner` as a nested construct of `kind` inside
    /// construct `parent`.
    pub(crate) fn graft(
        &mut self,
        inner: Script<'a>,
        kind: &ConstructKind,
        range: TextRange,
        parent: ConstructId,
    ) {
        let base = self.constructs.len();
        for (i, mut construct) in inner.constructs.into_iter().enumerate() {
            if i == 0 {
                construct.kind = kind.clone();
                construct.range = range;
                construct.parent = Some(parent);
            } else {
                construct.parent = construct.parent.map(|p| p + base);
            }
            self.constructs.push(construct);
        }
        for mut command in inner.commands {
            command.construct += base;
            self.commands.push(command);
        }
        self.errors.extend(inner.errors);
        self.resolved = resolve_all(&self.commands);
    }

    pub fn construct(&self, id: ConstructId) -> Option<&Construct> {
        self.constructs.get(id)
    }

    /// The constructs around `command`, innermost first.
    pub fn ancestors<'s>(&'s self, command: &Command<'_>) -> impl Iterator<Item = &'s Construct> {
        let mut next = Some(command.construct);
        std::iter::from_fn(move || {
            let construct = self.constructs.get(next?)?;
            next = construct.parent;
            Some(construct)
        })
    }

    /// The command sits (at any depth) in a construct matching `pred`.
    pub fn is_inside(&self, command: &Command<'_>, pred: impl Fn(&ConstructKind) -> bool) -> bool {
        self.ancestors(command).any(|c| pred(&c.kind))
    }

    /// The script has a pipeline anywhere.
    pub fn has_pipes(&self) -> bool {
        self.constructs
            .iter()
            .any(|c| c.kind == ConstructKind::Pipeline)
    }

    /// A `set -o pipefail` (or `set -eo pipefail`…) runs in the script.
    pub fn sets_pipefail(&self) -> bool {
        self.commands.iter().any(|c| {
            c.program() == Some("set")
                && c.args.windows(2).any(|w| {
                    w[0].static_value().is_some_and(|o| {
                        o.starts_with('-') && !o.starts_with("--") && o.ends_with('o')
                    }) && w[1].is("pipefail")
                })
        })
    }

    /// Commands whose program (basename of the name) is `program`.
    pub fn commands_named<'s>(&'s self, program: &'s str) -> impl Iterator<Item = &'s Command<'a>> {
        self.commands
            .iter()
            .filter(move |c| c.program() == Some(program))
    }
}

impl<'a> Command<'a> {
    /// The name's static value (`/usr/bin/apt-get`).
    pub fn name_str(&self) -> Option<&str> {
        self.name.as_ref().and_then(ShellWord::static_value)
    }

    /// The program: the basename of the name (`apt-get`).
    pub fn program(&self) -> Option<&str> {
        self.name_str().map(program_basename)
    }

    /// The name followed by the arguments.
    pub fn words(&self) -> impl Iterator<Item = &ShellWord<'a>> {
        self.name.iter().chain(&self.args)
    }

    /// An argument equal to `value` (statically).
    pub fn has_arg(&self, value: &str) -> bool {
        self.args.iter().any(|a| a.is(value))
    }
}

thread_local! {
    /// Scripts on this thread are all parsed with the bash grammar (see
    /// [`parse_with_grammar_only`]).
    static GRAMMAR_ONLY: Cell<bool> = const { Cell::new(false) };
    /// One parser per thread: creating one per script would cost more than
    /// most parses.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
    /// The trees of scripts parsed before, by text, and how many to keep,
    /// when [`keep_parses`] turned it on for the thread.
    static TREES: RefCell<Option<KeptTrees>> = const { RefCell::new(None) };
}

/// Runs `f` with every script parsed by the bash grammar, the plain
/// command-list parser left out: for tests that hold the two to the same
/// model.
#[doc(hidden)]
pub fn parse_with_grammar_only<T>(f: impl FnOnce() -> T) -> T {
    let before = GRAMMAR_ONLY.replace(true);
    let out = f();
    GRAMMAR_ONLY.set(before);
    out
}

/// The plain command-list parser reads `text` (the bash grammar is not
/// needed for it).
#[doc(hidden)]
pub fn parses_as_plain(text: &ShellText<'_>) -> bool {
    plain::parse(text).is_some()
}

/// How many parses the language server keeps per thread: every `RUN` of
/// the documents being edited.
pub const KEPT_BY_SERVER: usize = 2_048;

/// How many parses `check` keeps per thread over many files: enough for
/// neighbouring Dockerfiles of a repository (variants of one image) to
/// share their `RUN`s' parses, few enough to cost little memory.
pub const KEPT_IN_BATCH: usize = 256;

#[derive(Debug)]
struct KeptTrees {
    capacity: usize,
    /// By script text: the parses of the whole script or of parts of it,
    /// each with the span parsed.
    trees: HashMap<String, Vec<PartTree>>,
}

/// The parse of the part `.0` of a script (its whole text, or one
/// statement).
type PartTree = ((usize, usize), Tree);

/// Keeps the bash parse of up to `capacity` scripts this thread parses,
/// and reuses one when the same text is parsed again: the language server
/// re-lints a stage whose other `RUN`s did not change, and a repository's
/// Dockerfiles repeat each other's `RUN`s. A tree is immutable and copying
/// one is cheap. Past `capacity` scripts the store starts over; 0 turns it
/// off. Asking again for the same capacity keeps the store.
pub fn keep_parses(capacity: usize) {
    TREES.with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            if slot.as_ref().map_or(0, |k| k.capacity) != capacity {
                *slot = (capacity > 0).then(|| KeptTrees {
                    capacity,
                    trees: HashMap::new(),
                });
            }
        }
    });
}

/// Parses `text` with the bash grammar; `None` only if the grammar cannot
/// be loaded.
fn parse_tree(text: &str) -> Option<Tree> {
    parse_part(text, 0, text.len())
}

/// Parses the part `lo..hi` of `text` with the bash grammar, as if the
/// rest were not there; the tree's offsets are `text`'s.
pub(super) fn parse_part(text: &str, lo: usize, hi: usize) -> Option<Tree> {
    let kept = TREES.with(|cell| {
        let slot = cell.try_borrow().ok()?;
        slot.as_ref().map(|kept| {
            kept.trees.get(text).and_then(|parts| {
                parts
                    .iter()
                    .find(|(span, _)| *span == (lo, hi))
                    .map(|(_, tree)| tree.clone())
            })
        })
    });
    match kept {
        None => parse_new_tree(text, lo, hi),
        Some(Some(tree)) => Some(tree),
        Some(None) => {
            let tree = parse_new_tree(text, lo, hi)?;
            TREES.with(|cell| {
                if let Ok(mut slot) = cell.try_borrow_mut()
                    && let Some(kept) = slot.as_mut()
                {
                    if kept.trees.len() >= kept.capacity && !kept.trees.contains_key(text) {
                        kept.trees.clear();
                    }
                    let parts = kept.trees.entry(text.to_string()).or_default();
                    parts.push(((lo, hi), tree.clone()));
                }
            });
            Some(tree)
        }
    }
}

/// Progress reports a parse may make before it is abandoned, plus one per
/// four bytes of script.
const PARSE_BUDGET_BASE: usize = 256;

/// The row and column of byte `at` of `text`.
fn point_at(text: &str, at: usize) -> Point {
    let before = text.as_bytes().get(..at).unwrap_or_default();
    match before.iter().rposition(|&c| c == b'\n') {
        Some(nl) => Point::new(before.split(|&c| c == b'\n').count() - 1, at - nl - 1),
        None => Point::new(0, at),
    }
}

fn parse_new_tree(text: &str, lo: usize, hi: usize) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        let parser = slot.as_mut()?;
        let part = lo > 0 || hi < text.len();
        if part {
            let range = tree_sitter::Range {
                start_byte: lo,
                end_byte: hi,
                start_point: point_at(text, lo),
                end_point: point_at(text, hi),
            };
            parser.set_included_ranges(&[range]).ok()?;
        }
        let bytes = text.as_bytes();
        // Bash's error recovery can take minutes on some malformed scripts
        // (a long run of redirections, found by fuzzing). The parser reports
        // progress every 100 operations; over the corpus a script needs at
        // most one report per 60 bytes, so this budget is a wide margin
        // for any real script. A script over it gets no shell model.
        let budget = PARSE_BUDGET_BASE + hi.saturating_sub(lo) / 4;
        let mut reports: usize = 0;
        let mut progress = |_: &ParseState| {
            reports += 1;
            if reports > budget {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let tree = parser.parse_with_options(
            &mut |at, _| bytes.get(at..).unwrap_or_default(),
            None,
            Some(ParseOptions::new().progress_callback(&mut progress)),
        );
        if tree.is_none() {
            // A cancelled parse would otherwise resume on the next call.
            parser.reset();
        }
        if part {
            // The next parse reads its whole text again.
            parser.set_included_ranges(&[]).ok()?;
        }
        tree
    })
}

/// An element of a sequence: a statement, or the operator between two.
#[derive(Clone, Copy, Debug)]
enum Elem<I> {
    Item(I),
    Op(Connector),
}

impl<I> Elem<I> {
    fn item(&self) -> Option<&I> {
        match self {
            Elem::Item(item) => Some(item),
            Elem::Op(_) => None,
        }
    }

    fn into_item(self) -> Option<I> {
        match self {
            Elem::Item(item) => Some(item),
            Elem::Op(_) => None,
        }
    }
}

/// A statement of the bash grammar's tree, with the `redirected_statement`
/// whose redirects apply to it when the statement was split out of one.
type TreeItem<'n> = (Node<'n>, Option<Node<'n>>);

/// The connectors around each item of a sequence, in order: the operator
/// on either side, a line break between two items with none, and `edges`
/// at the ends. Next to an item `unknown` to the parser (unparsable text)
/// no line break is assumed.
fn edges_of<I>(elems: &[Elem<I>], edges: Edges, unknown: impl Fn(&I) -> bool) -> Vec<Edges> {
    let items: Vec<usize> = elems
        .iter()
        .enumerate()
        .filter_map(|(i, e)| matches!(e, Elem::Item(..)).then_some(i))
        .collect();
    let is_unknown = |e: Option<&Elem<I>>| matches!(e, Some(Elem::Item(item)) if unknown(item));
    let mut out = Vec::with_capacity(items.len());
    for (n, &i) in items.iter().enumerate() {
        let this = is_unknown(elems.get(i));
        let before = match i.checked_sub(1).map(|p| &elems[p]) {
            Some(Elem::Op(op)) => Some(*op),
            _ if n == 0 => edges.before,
            prev if is_unknown(prev) || this => None,
            _ => Some(Connector::Newline),
        };
        let after = match elems.get(i + 1) {
            Some(Elem::Op(op)) => Some(*op),
            _ if n + 1 == items.len() => edges.after,
            next if is_unknown(next) || this => None,
            _ => Some(Connector::Newline),
        };
        out.push(Edges { before, after });
    }
    out
}

/// A piece of a word, in offsets of the text being parsed.
#[derive(Clone, Debug)]
struct Segment {
    lo: usize,
    hi: usize,
    kind: SegmentKind,
}

/// The segments of a word.
type Segments = OneOrMany<Segment>;

#[derive(Clone, Debug)]
enum SegmentKind {
    /// `text[lo..hi]` verbatim.
    Literal {
        quoted: bool,
    },
    /// Text that is not in the source (an ANSI-C escape decoded).
    Decoded {
        text: String,
        quoted: bool,
    },
    Parameter {
        name: (usize, usize),
    },
    CommandSubstitution,
    Arithmetic,
    ProcessSubstitution,
}

struct Builder<'a> {
    script: Script<'a>,
    depth: usize,
    heredocs: Vec<HeredocBody>,
}

fn text_of<'t>(t: &'t ShellText<'_>, node: Node<'_>) -> &'t str {
    t.as_str().get(node.byte_range()).unwrap_or("")
}

fn children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
}

/// A `(child, field name)` list.
fn children_with_fields(node: Node<'_>) -> Vec<(Node<'_>, Option<&'static str>)> {
    let mut cursor = node.walk();
    let mut out = Vec::with_capacity(node.child_count());
    if cursor.goto_first_child() {
        loop {
            out.push((cursor.node(), cursor.field_name()));
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    out
}

/// Statement-like nodes that can stand in a sequence.
fn is_statement(kind: &str) -> bool {
    matches!(
        kind,
        "command"
            | "list"
            | "pipeline"
            | "redirected_statement"
            | "subshell"
            | "compound_statement"
            | "if_statement"
            | "while_statement"
            | "for_statement"
            | "c_style_for_statement"
            | "case_statement"
            | "function_definition"
            | "negated_command"
            | "declaration_command"
            | "unset_command"
            | "test_command"
            | "variable_assignment"
            | "variable_assignments"
            | "ERROR"
    )
}

impl<'a> Builder<'a> {
    fn error(&mut self, t: &ShellText<'a>, node: Node<'_>) {
        let range = t.range(node.start_byte(), node.end_byte());
        // An error inside the last one adds nothing.
        if !self
            .script
            .errors
            .last()
            .is_some_and(|e| e.contains_range(range))
        {
            self.script.errors.push(range);
        }
    }

    fn construct(
        &mut self,
        t: &ShellText<'a>,
        kind: ConstructKind,
        node: Node<'_>,
        parent: ConstructId,
    ) -> ConstructId {
        self.construct_at(t, kind, node.start_byte(), node.end_byte(), parent)
    }

    fn construct_at(
        &mut self,
        t: &ShellText<'a>,
        kind: ConstructKind,
        lo: usize,
        hi: usize,
        parent: ConstructId,
    ) -> ConstructId {
        self.script.constructs.push(Construct {
            kind,
            range: t.range(lo, hi),
            parent: Some(parent),
        });
        self.script.constructs.len() - 1
    }

    /// Parses `t` and walks it into construct `construct`.
    fn program(&mut self, t: &ShellText<'a>, construct: ConstructId) {
        if self.depth < plain::MAX_ENTRY_DEPTH
            && !GRAMMAR_ONLY.get()
            && let Some(elems) = plain::parse(t)
        {
            self.plain_sequence(t, elems, construct, Edges::default());
            return;
        }
        let Some(tree) = parse_tree(t.as_str()) else {
            self.script.errors.push(t.range(0, t.len()));
            return;
        };
        let root = tree.root_node();
        if root.is_error() {
            self.error(t, root);
        }
        let elems = self.elems(t, &children(root));
        self.sequence(t, &elems, construct, Edges::default());
    }

    /// Flattens `list`s and heredoc trailers into a sequence of items and
    /// operators.
    fn elems<'n>(&mut self, t: &ShellText<'a>, nodes: &[Node<'n>]) -> Vec<Elem<TreeItem<'n>>> {
        let mut out = Vec::with_capacity(nodes.len());
        for &node in nodes {
            self.push_elem(t, node, &mut out);
        }
        out
    }

    fn push_elem<'n>(
        &mut self,
        t: &ShellText<'a>,
        node: Node<'n>,
        out: &mut Vec<Elem<TreeItem<'n>>>,
    ) {
        let kind = node.kind();
        if node.is_missing() {
            self.error(t, node);
            return;
        }
        if !node.is_named() {
            if let Some(op) = Connector::of_token(kind) {
                out.push(Elem::Op(op));
            }
            return;
        }
        match kind {
            "list" => {
                for child in children(node) {
                    self.push_elem(t, child, out);
                }
            }
            "comment" | "heredoc_body" => {}
            _ if is_statement(kind) => out.push(Elem::Item((node, None))),
            // Words where a statement was expected (inside an ERROR):
            // only their substitutions run.
            _ => out.push(Elem::Item((node, None))),
        }
    }

    /// Walks a sequence of items joined by operators.
    fn sequence(
        &mut self,
        t: &ShellText<'a>,
        elems: &[Elem<TreeItem<'_>>],
        construct: ConstructId,
        edges: Edges,
    ) {
        let around = edges_of(elems, edges, |(node, _)| node.is_error());
        let items = elems.iter().filter_map(Elem::item).copied();
        for ((node, redirects), edges) in items.zip(around) {
            self.item(t, node, redirects, construct, edges, false);
        }
    }

    /// Walks the statements among `nodes` as one sequence in a new
    /// construct.
    fn body(
        &mut self,
        t: &ShellText<'a>,
        nodes: &[Node<'_>],
        kind: ConstructKind,
        at: Node<'_>,
        parent: ConstructId,
        edges: Edges,
    ) {
        // The parts of `if` and `while` have no node of their own: they
        // span their statements.
        let statements: Vec<&Node<'_>> = nodes
            .iter()
            .filter(|n| n.is_named() && n.kind() != "comment")
            .collect();
        let range = match (&kind, statements.first(), statements.last()) {
            (
                ConstructKind::IfCondition | ConstructKind::IfBranch | ConstructKind::LoopCondition,
                Some(first),
                Some(last),
            ) => t.range(first.start_byte(), last.end_byte()),
            _ => t.range(at.start_byte() + blanks_before(at, t), at.end_byte()),
        };
        self.script.constructs.push(Construct {
            kind,
            range,
            parent: Some(parent),
        });
        let id = self.script.constructs.len() - 1;
        let elems = self.elems(t, nodes);
        self.sequence(t, &elems, id, edges);
    }

    fn item(
        &mut self,
        t: &ShellText<'a>,
        node: Node<'_>,
        redirects: Option<Node<'_>>,
        construct: ConstructId,
        edges: Edges,
        negated: bool,
    ) {
        // A statement the parser had to invent (`a &&` at the end).
        if node.start_byte() == node.end_byte() || self.depth >= MAX_DEPTH {
            self.error(t, node);
            return;
        }
        self.depth += 1;
        self.item_inner(t, node, redirects, construct, edges, negated);
        self.depth -= 1;
    }

    fn item_inner(
        &mut self,
        t: &ShellText<'a>,
        node: Node<'_>,
        redirects: Option<Node<'_>>,
        construct: ConstructId,
        edges: Edges,
        negated: bool,
    ) {
        let inner = |n: &Node<'_>| n.is_named() && n.kind() != "comment";
        match node.kind() {
            "command"
            | "declaration_command"
            | "unset_command"
            | "test_command"
            | "variable_assignment"
            | "variable_assignments" => {
                self.simple_command(t, node, redirects, construct, edges, negated);
            }
            "list" => {
                let elems = self.elems(t, &[node]);
                self.sequence_negated(t, &elems, construct, edges, negated);
            }
            "negated_command" => {
                for child in children(node).into_iter().filter(inner) {
                    self.item(t, child, redirects, construct, edges, true);
                }
            }
            "pipeline" => {
                // Redirects after the pipeline (`a && b | c >out` is read as
                // `(a && b | c) >out`) are the last command's.
                let end = redirects.map_or(node.end_byte(), |r| r.end_byte());
                let mut elems = self.pipeline_elems(t, node);
                if let Some(r) = redirects {
                    attach_redirects(&mut elems, r);
                }
                self.pipelines(
                    t,
                    &elems,
                    (node.start_byte(), end),
                    construct,
                    edges,
                    negated,
                );
            }
            "subshell" | "compound_statement" => {
                let kind = if node.kind() == "subshell" {
                    ConstructKind::Subshell
                } else {
                    ConstructKind::Group
                };
                let id = self.construct(t, kind, node, construct);
                let elems = self.elems(t, &children(node));
                self.sequence_negated(t, &elems, id, edges, negated);
            }
            "redirected_statement" => self.redirected(t, node, construct, edges, negated),
            "if_statement" => self.if_statement(t, node, construct),
            "while_statement" => {
                let mut condition = Vec::new();
                let mut body = None;
                for (child, field) in children_with_fields(node) {
                    match (child.kind(), field) {
                        ("do_group", _) | (_, Some("body")) => body = Some(child),
                        _ => condition.push(child),
                    }
                }
                // The condition comes first in the source and runs first.
                self.body(
                    t,
                    &condition,
                    ConstructKind::LoopCondition,
                    node,
                    construct,
                    Edges::default(),
                );
                if let Some(body) = body {
                    self.body(
                        t,
                        &children(body),
                        ConstructKind::LoopBody,
                        body,
                        construct,
                        Edges::default(),
                    );
                }
            }
            "for_statement" | "c_style_for_statement" => {
                for (child, field) in children_with_fields(node) {
                    if field == Some("body") || child.kind() == "do_group" {
                        let body = match child.kind() {
                            "do_group" | "compound_statement" => children(child),
                            _ => vec![child],
                        };
                        self.body(
                            t,
                            &body,
                            ConstructKind::LoopBody,
                            child,
                            construct,
                            Edges::default(),
                        );
                    } else if child.is_named() {
                        self.substitutions(t, child, construct);
                    }
                }
            }
            "case_statement" => {
                for child in children(node) {
                    if child.kind() == "case_item" {
                        let mut statements = Vec::new();
                        for (c, field) in children_with_fields(child) {
                            if field == Some("value") {
                                self.substitutions(t, c, construct);
                            } else {
                                statements.push(c);
                            }
                        }
                        self.body(
                            t,
                            &statements,
                            ConstructKind::CaseBranch,
                            child,
                            construct,
                            Edges::default(),
                        );
                    } else if child.is_named() {
                        self.substitutions(t, child, construct);
                    }
                }
            }
            "function_definition" => {
                let name = node
                    .child_by_field_name("name")
                    .map_or_else(String::new, |n| text_of(t, n).to_owned());
                if let Some(body) = node.child_by_field_name("body") {
                    let statements = match body.kind() {
                        "compound_statement" | "subshell" => children(body),
                        _ => vec![body],
                    };
                    self.body(
                        t,
                        &statements,
                        ConstructKind::Function { name },
                        body,
                        construct,
                        Edges::default(),
                    );
                }
            }
            "ERROR" => {
                self.error(t, node);
                let elems = self.elems(t, &children(node));
                self.sequence(t, &elems, construct, edges);
            }
            _ => {
                if node.is_error() || node.is_missing() {
                    self.error(t, node);
                }
                self.substitutions(t, node, construct);
            }
        }
        // Statements that give the redirects to a command.
        let simple = matches!(
            node.kind(),
            "pipeline"
                | "command"
                | "declaration_command"
                | "unset_command"
                | "test_command"
                | "variable_assignment"
                | "variable_assignments"
                | "negated_command"
        );
        if let Some(r) = redirects
            && !simple
        {
            // Redirects of a compound statement (`{ …; } >$(mktemp)`): only
            // their substitutions run here, after the body in source order.
            for (child, field) in children_with_fields(r) {
                if field == Some("redirect") || child.kind().ends_with("_redirect") {
                    self.substitutions(t, child, construct);
                }
            }
        }
    }

    /// The items and operators of the pipeline `node`, with the lists
    /// and pipelines the grammar nests in it flattened. It may read
    /// `a | b | c && d` as `a | (b | c && d)`, `a | b 2>&1 | c` as
    /// `(a | b) 2>&1 | c` and `a && b 2>&1 | c` as `(a && b) 2>&1 | c`;
    /// the redirect is the last command's.
    fn pipeline_elems<'n>(&mut self, t: &ShellText<'a>, node: Node<'n>) -> Vec<Elem<TreeItem<'n>>> {
        fn flatten<'a, 'n>(
            this: &mut Builder<'a>,
            t: &ShellText<'a>,
            node: Node<'n>,
            out: &mut Vec<Elem<TreeItem<'n>>>,
        ) {
            for child in children(node) {
                if child.is_named() && matches!(child.kind(), "pipeline" | "list") {
                    flatten(this, t, child, out);
                } else if let Some(body) = redirected_list(child) {
                    let from = out.len();
                    flatten(this, t, body, out);
                    attach_redirects(&mut out[from..], child);
                } else {
                    this.push_elem(t, child, out);
                }
            }
        }
        let mut out = Vec::new();
        flatten(self, t, node, &mut out);
        out
    }

    /// Walks `elems`, the flattened items of a pipeline node spanning
    /// `whole`, into `construct` as the shell groups them: `|` binds
    /// tighter than `&&` and `||`, so each run of commands joined by pipes
    /// is a pipeline of its own.
    fn pipelines(
        &mut self,
        t: &ShellText<'a>,
        elems: &[Elem<TreeItem<'_>>],
        whole: (usize, usize),
        construct: ConstructId,
        edges: Edges,
        negated: bool,
    ) {
        let splits = |e: &Elem<TreeItem<'_>>| matches!(e, Elem::Op(Connector::And | Connector::Or));
        if !elems.iter().any(splits) {
            let id = self.construct_at(t, ConstructKind::Pipeline, whole.0, whole.1, construct);
            self.sequence_negated(t, elems, id, edges, negated);
            return;
        }
        let mut before = edges.before;
        for run in elems.split_inclusive(splits) {
            let (run, after) = match run.split_last() {
                Some((Elem::Op(op), rest)) if splits(&Elem::Op(*op)) => (rest, Some(*op)),
                _ => (run, edges.after),
            };
            let run_edges = Edges { before, after };
            let mut items = run.iter().filter_map(Elem::item);
            match (items.next(), items.next_back()) {
                (Some((first, _)), Some((last, redirects))) => {
                    let hi = redirects.map_or(last.end_byte(), |r| r.end_byte());
                    let id = self.construct_at(
                        t,
                        ConstructKind::Pipeline,
                        first.start_byte(),
                        hi,
                        construct,
                    );
                    self.sequence_negated(t, run, id, run_edges, negated);
                }
                _ => self.sequence_negated(t, run, construct, run_edges, negated),
            }
            before = after;
        }
    }

    /// A sequence whose commands are all negated when `negated`.
    fn sequence_negated(
        &mut self,
        t: &ShellText<'a>,
        elems: &[Elem<TreeItem<'_>>],
        id: ConstructId,
        edges: Edges,
        negated: bool,
    ) {
        let first = self.script.commands.len();
        self.sequence(t, elems, id, edges);
        if negated {
            for c in &mut self.script.commands[first..] {
                c.negated = true;
            }
        }
    }

    fn if_statement(&mut self, t: &ShellText<'a>, node: Node<'_>, construct: ConstructId) {
        let mut part = Vec::new();
        let mut kind = ConstructKind::IfCondition;
        let flush = |this: &mut Self, part: &mut Vec<Node<'_>>, kind: &ConstructKind| {
            if !part.is_empty() {
                this.body(t, part, kind.clone(), node, construct, Edges::default());
                part.clear();
            }
        };
        for child in children(node) {
            match child.kind() {
                "if" | "elif" => {
                    flush(self, &mut part, &kind);
                    kind = ConstructKind::IfCondition;
                }
                "then" | "else" => {
                    flush(self, &mut part, &kind);
                    kind = ConstructKind::IfBranch;
                }
                "fi" => flush(self, &mut part, &kind),
                "elif_clause" | "else_clause" => {
                    flush(self, &mut part, &kind);
                    self.if_statement(t, child, construct);
                }
                _ => part.push(child),
            }
        }
        flush(self, &mut part, &kind);
    }

    fn redirected(
        &mut self,
        t: &ShellText<'a>,
        node: Node<'_>,
        construct: ConstructId,
        edges: Edges,
        negated: bool,
    ) {
        let Some(body) = node.child_by_field_name("body") else {
            // Redirects alone: a command with no name.
            self.simple_command(t, node, None, construct, edges, negated);
            return;
        };
        // `cat <<EOF && next` and `cat <<EOF | next` put what follows the
        // heredoc inside the redirect node.
        let mut trailer: Option<(Connector, Vec<Node<'_>>, bool)> = None;
        for child in children(node) {
            if child.kind() != "heredoc_redirect" {
                continue;
            }
            for (c, field) in children_with_fields(child) {
                match (c.kind(), field) {
                    (_, Some("operator")) => {
                        let op = Connector::of_token(c.kind()).unwrap_or(Connector::And);
                        trailer = Some((op, Vec::new(), false));
                    }
                    (_, Some("right")) => {
                        if let Some((_, nodes, _)) = trailer.as_mut() {
                            nodes.push(c);
                        }
                    }
                    ("pipeline", _) => trailer = Some((Connector::Pipe, children(c), true)),
                    _ => {}
                }
            }
        }
        match trailer {
            // The grammar binds `a && b >out` as `(a && b) >out`; the shell
            // gives the redirect to the last command.
            None if body.kind() == "list" => {
                let mut elems = self.elems(t, &[body]);
                attach_redirects(&mut elems, node);
                self.sequence_negated(t, &elems, construct, edges, negated);
            }
            None if body.kind() == "pipeline" => {
                let mut elems = self.pipeline_elems(t, body);
                attach_redirects(&mut elems, node);
                let whole = (body.start_byte(), node.end_byte());
                self.pipelines(t, &elems, whole, construct, edges, negated);
            }
            None => self.item(t, body, Some(node), construct, edges, negated),
            Some((op, rest, pipeline)) => {
                let target = if pipeline {
                    self.construct(t, ConstructKind::Pipeline, node, construct)
                } else {
                    construct
                };
                let mut elems = vec![Elem::Item((body, Some(node)))];
                if !pipeline {
                    elems.push(Elem::Op(op));
                }
                elems.extend(self.elems(t, &rest));
                self.sequence_negated(t, &elems, target, edges, negated);
            }
        }
    }

    fn simple_command(
        &mut self,
        t: &ShellText<'a>,
        node: Node<'_>,
        redirected: Option<Node<'_>>,
        construct: ConstructId,
        edges: Edges,
        negated: bool,
    ) {
        let mut command = Command {
            name: None,
            args: Vec::new(),
            assignments: Vec::new(),
            redirects: Vec::new(),
            connector_before: edges.before,
            connector_after: edges.after,
            construct,
            negated,
            range: t.range(
                node.start_byte(),
                redirected.map_or(node.end_byte(), |r| r.end_byte()),
            ),
        };
        // Words whose substitutions run, and nested scripts, after the
        // command is recorded (to keep source order).
        let mut words: Vec<Node<'_>> = Vec::new();
        let mut heredocs: Vec<Node<'_>> = Vec::new();
        // The nodes of the name and the arguments, in `Command::words` order.
        let mut word_nodes: Vec<Node<'_>> = Vec::new();
        // The nodes of the name and the arguments, with their index in
        // `command.words()`.
        let mut arg_nodes: Vec<(usize, Node<'_>)> = Vec::new();
        match node.kind() {
            "command" | "redirected_statement" => {
                for (child, field) in children_with_fields(node) {
                    match (child.kind(), field) {
                        (_, Some("name")) => {
                            arg_nodes.insert(0, (0, child));
                            command.name = Some(self.word(t, child));
                            words.push(child);
                            word_nodes.insert(0, child);
                        }
                        (_, Some("argument")) => {
                            arg_nodes.push((command.args.len() + 1, child));
                            command.args.push(self.word(t, child));
                            words.push(child);
                            word_nodes.push(child);
                        }
                        ("variable_assignment", _) => {
                            command.assignments.push(self.assignment(t, child));
                            words.push(child);
                        }
                        ("file_redirect" | "herestring_redirect" | "heredoc_redirect", _) => {
                            self.push_redirect(t, child, &mut command, &mut word_nodes);
                            words.push(child);
                            if child.kind() == "heredoc_redirect" {
                                heredocs.push(child);
                            }
                        }
                        ("comment", _) => {}
                        (_, _) if child.is_named() => {
                            if child.is_error() {
                                self.error(t, child);
                            }
                            words.push(child);
                        }
                        _ => {}
                    }
                }
            }
            "variable_assignment" => {
                command.assignments.push(self.assignment(t, node));
                words.push(node);
            }
            "variable_assignments" => {
                for child in children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "variable_assignment")
                {
                    command.assignments.push(self.assignment(t, child));
                    words.push(child);
                }
            }
            _ => {
                // `export A=b`, `unset x`, `[ -f x ]`: the keyword is the
                // name, the rest are arguments.
                for child in children(node) {
                    if child.kind() == "comment" {
                        continue;
                    }
                    if command.name.is_none() && !child.is_named() {
                        command.name = Some(self.word(t, child));
                        continue;
                    }
                    if child.is_named() {
                        self.leaf_words(t, child, &mut command.args);
                        words.push(child);
                    } else if !matches!(child.kind(), "]" | "]]" | "))") {
                        command.args.push(self.word(t, child));
                    }
                }
            }
        }
        if let Some(r) = redirected {
            // After other redirects the grammar reads `<<<word` as an error
            // `<<` and a `<word` redirect.
            let mut here_string = false;
            for (child, field) in children_with_fields(r) {
                if child.is_error() {
                    here_string = text_of(t, child) == "<<";
                    if !here_string {
                        self.error(t, child);
                    }
                } else if field == Some("redirect") || child.kind().ends_with("_redirect") {
                    self.push_redirect(t, child, &mut command, &mut word_nodes);
                    if std::mem::take(&mut here_string)
                        && let Some(last) = command.redirects.last_mut()
                        && last.op == RedirectOp::Read
                    {
                        last.op = RedirectOp::HereString;
                        last.range =
                            t.range(child.start_byte().saturating_sub(2), child.end_byte());
                    }
                    words.push(child);
                    if child.kind() == "heredoc_redirect" {
                        heredocs.push(child);
                    }
                }
            }
        }
        let joined = join_split_words(t, &mut command, &arg_nodes);
        let index = self.script.commands.len();
        self.script.commands.push(command);
        for word in words {
            self.substitutions(t, word, construct);
        }
        if node.kind() == "command" {
            let starts: Vec<usize>;
            let written = if joined.is_empty() {
                Written::Tree {
                    words: &word_nodes,
                    heredocs: &heredocs,
                }
            } else {
                // The nodes no longer match the words: where the words start
                // is enough for the plain parser to read them again.
                let mut all: Vec<usize> = word_nodes.iter().map(Node::start_byte).collect();
                for &(first, count) in &joined {
                    if first + count <= all.len() {
                        all.drain(first + 1..first + count);
                    }
                }
                starts = all;
                Written::Plain { starts: &starts }
            };
            self.nested_script(t, index, &written, construct);
        }
    }

    /// The words of an expression (`[ -f "$x" ]`), flattened.
    fn leaf_words(&mut self, t: &ShellText<'a>, node: Node<'_>, out: &mut Vec<ShellWord<'a>>) {
        match node.kind() {
            "binary_expression"
            | "unary_expression"
            | "parenthesized_expression"
            | "postfix_expression"
            | "ternary_expression"
            | "redirected_statement" => {
                for child in children(node) {
                    if child.is_named() {
                        self.leaf_words(t, child, out);
                    } else if !matches!(child.kind(), "(" | ")") {
                        out.push(self.word(t, child));
                    }
                }
            }
            _ => out.push(self.word(t, node)),
        }
    }

    fn assignment(&mut self, t: &ShellText<'a>, node: Node<'_>) -> Assignment<'a> {
        let name = node
            .child_by_field_name("name")
            .map_or(Cow::Borrowed(""), |n| t.slice(n.start_byte(), n.end_byte()));
        let append = children(node).iter().any(|c| c.kind() == "+=");
        let value = node.child_by_field_name("value").map(|v| self.word(t, v));
        Assignment {
            name,
            value,
            append,
            range: t.range(node.start_byte(), node.end_byte()),
        }
    }

    /// Adds a redirect to `command`. The grammar gives a file redirect
    /// every word that follows it (`> out a b`); the shell only the first:
    /// the others are arguments of the command.
    fn push_redirect<'n>(
        &mut self,
        t: &ShellText<'a>,
        node: Node<'n>,
        command: &mut Command<'a>,
        word_nodes: &mut Vec<Node<'n>>,
    ) {
        let mut redirect = self.redirect(t, node);
        if node.kind() == "file_redirect" {
            let destinations: Vec<Node<'n>> = children_with_fields(node)
                .into_iter()
                .filter(|(_, f)| *f == Some("destination"))
                .map(|(c, _)| c)
                .collect();
            if let [first, rest @ ..] = destinations.as_slice() {
                let mut end = first.end_byte();
                let mut rest = rest;
                // A target the grammar split (see `join_split_words`).
                let touching = rest
                    .iter()
                    .scan(end, |at, n| {
                        (n.start_byte() == *at).then(|| {
                            *at = n.end_byte();
                            *at
                        })
                    })
                    .last();
                if let Some(touching_end) = touching
                    && let Some((lo, hi, segments)) = plain::word_at(t, first.start_byte())
                    && hi == touching_end
                {
                    redirect.target = Some(word_of(t, lo, hi, segments));
                    rest = &rest[rest.iter().take_while(|n| n.end_byte() <= hi).count()..];
                    end = hi;
                }
                redirect.range = t.range(node.start_byte(), end);
                for &extra in rest {
                    command.args.push(self.word(t, extra));
                    if command.name.is_some() {
                        word_nodes.push(extra);
                    }
                }
            }
        }
        command.redirects.push(redirect);
        if node.kind() == "heredoc_redirect" {
            // `cat <<EOF > file`: the grammar nests the second redirect.
            for (child, field) in children_with_fields(node) {
                if field == Some("redirect") {
                    self.push_redirect(t, child, command, word_nodes);
                }
            }
        }
    }

    fn redirect(&mut self, t: &ShellText<'a>, node: Node<'_>) -> Redirect<'a> {
        let mut fd = None;
        let mut op = RedirectOp::Write;
        let mut target = None;
        let mut body = None;
        for (child, field) in children_with_fields(node) {
            match (child.kind(), field) {
                ("file_descriptor", _) | (_, Some("descriptor")) => {
                    fd = text_of(t, child).parse().ok();
                }
                ("heredoc_start", _) => target = Some(self.word(t, child)),
                ("heredoc_body", _) => body = Some(t.range(child.start_byte(), child.end_byte())),
                // Only the first destination is the target (see `push_redirect`).
                (_, Some("destination")) if target.is_none() => {
                    target = Some(self.word(t, child));
                }
                ("<", None) => op = RedirectOp::Read,
                (">", None) => op = RedirectOp::Write,
                (">>", None) => op = RedirectOp::Append,
                (">|", None) => op = RedirectOp::Clobber,
                ("<>", None) => op = RedirectOp::ReadWrite,
                ("<&", None) => op = RedirectOp::DupRead,
                (">&", None) => op = RedirectOp::DupWrite,
                ("&>", None) => op = RedirectOp::WriteAll,
                ("&>>", None) => op = RedirectOp::AppendAll,
                ("<<<", None) => op = RedirectOp::HereString,
                ("<<", None) => op = RedirectOp::Heredoc,
                ("<<-", None) => op = RedirectOp::HeredocStripTabs,
                (_, None) if node.kind() == "herestring_redirect" && child.is_named() => {
                    target = Some(self.word(t, child));
                }
                _ => {}
            }
        }
        let end = node
            .child_by_field_name("operator")
            .map_or(node.end_byte(), |o| o.start_byte());
        let range = t.range(node.start_byte(), end.max(node.start_byte()));
        let expand = matches!(op, RedirectOp::Heredoc | RedirectOp::HeredocStripTabs)
            && !target.as_ref().is_some_and(ShellWord::has_quotes);
        self.found_heredoc(Redirect {
            fd,
            op,
            target,
            body,
            expand,
            range,
        })
    }

    /// `redirect` as it was written: a `<DELIMITER` redirect at the marker
    /// of a heredoc the Dockerfile parser found is that heredoc.
    fn found_heredoc(&self, mut redirect: Redirect<'a>) -> Redirect<'a> {
        if redirect.op == RedirectOp::Read
            && let Some(doc) = self
                .heredocs
                .iter()
                .find(|d| d.marker.contains(redirect.range.start))
        {
            redirect.op = if doc.strip_tabs {
                RedirectOp::HeredocStripTabs
            } else {
                RedirectOp::Heredoc
            };
            redirect.body = Some(doc.body);
            redirect.expand = doc.expand;
        }
        redirect
    }

    /// Walks `node` for `$(…)`, `` `…` `` and `<(…)`, whose commands run.
    fn substitutions(&mut self, t: &ShellText<'a>, node: Node<'_>, construct: ConstructId) {
        if self.depth >= MAX_DEPTH {
            self.error(t, node);
            return;
        }
        self.depth += 1;
        match node.kind() {
            "command_substitution" | "process_substitution" => {
                let kind = if node.kind() == "command_substitution" {
                    ConstructKind::CommandSubstitution
                } else {
                    ConstructKind::ProcessSubstitution
                };
                self.body(t, &children(node), kind, node, construct, Edges::default());
            }
            // The commands after a heredoc are walked as statements.
            "heredoc_redirect" => {
                for (child, field) in children_with_fields(node) {
                    if field.is_none() && child.kind() != "pipeline" || field == Some("argument") {
                        self.substitutions(t, child, construct);
                    }
                }
            }
            _ => {
                if node.is_error() || node.is_missing() {
                    self.error(t, node);
                }
                for child in children(node) {
                    if child.is_named() || child.is_missing() {
                        self.substitutions(t, child, construct);
                    }
                }
            }
        }
        self.depth -= 1;
    }

    /// `sh -c '…'` and `bash <<EOF`: parse the script the inner shell runs.
    fn nested_script(
        &mut self,
        t: &ShellText<'a>,
        index: usize,
        written: &Written<'_, '_>,
        construct: ConstructId,
    ) {
        let Some(command) = self.script.commands.get(index) else {
            return;
        };
        let runs_a_shell =
            |program: &str| ShellKind::of_program(program).is_posix() || program == "su";
        // Most commands neither wrap another nor run a shell.
        if let Some(first) = command.name.as_ref().and_then(|n| n.static_value()) {
            let first = program_basename(first);
            if !may_wrap(first) && !runs_a_shell(first) {
                return;
            }
        }
        let words: Vec<&ShellWord<'a>> = command.words().collect();
        if words.len() != written.len() {
            return;
        }
        let Some((start, _)) = unwrap_wrappers(&words) else {
            return;
        };
        let Some(name) = words.get(start).and_then(|w| w.static_value()) else {
            return;
        };
        let shell = program_basename(name);
        let args = &words[start + 1..];
        let input = if ShellKind::of_program(shell).is_posix() {
            shell_input(args)
        } else if shell == "su" {
            su_input(args)
        } else {
            return;
        };
        let shell = shell.to_owned();
        let (inner, kind, at) = match input {
            ShellInput::Command(i) => {
                let Some((lo, hi, segments)) = written.word(self, t, start + 1 + i) else {
                    return;
                };
                let mut builder = ShellTextBuilder::new(t.source());
                for seg in &segments {
                    match &seg.kind {
                        SegmentKind::Decoded { text, .. } => {
                            builder.push_synthetic(text, t.range(seg.lo, seg.lo).start as usize);
                        }
                        _ => builder.push_text(t, seg.lo, seg.hi),
                    }
                }
                let range = t.range(lo, hi);
                (
                    builder.finish(),
                    ConstructKind::ShellCommand { shell },
                    range,
                )
            }
            ShellInput::Stdin => {
                if let Some((body, strip_tabs)) = written.heredoc() {
                    // A heredoc in the parsed text itself.
                    let mut builder = ShellTextBuilder::new(t.source());
                    push_lines(
                        &mut builder,
                        t.as_str(),
                        body.start_byte(),
                        body.end_byte(),
                        strip_tabs,
                        |b, lo, hi| {
                            b.push_text(t, lo, hi);
                        },
                    );
                    let range = t.range(body.start_byte(), body.end_byte());
                    (
                        builder.finish(),
                        ConstructKind::HeredocScript { shell },
                        range,
                    )
                } else {
                    // A heredoc the Dockerfile parser found.
                    let Some(redirect) = self.script.commands.get(index).and_then(|c| {
                        c.redirects.iter().rev().find(|r| {
                            matches!(r.op, RedirectOp::Heredoc | RedirectOp::HeredocStripTabs)
                                && r.fd.is_none_or(|fd| fd == 0)
                        })
                    }) else {
                        return;
                    };
                    let Some(body) = redirect.body else {
                        return;
                    };
                    let strip_tabs = redirect.op == RedirectOp::HeredocStripTabs;
                    let source = t.source();
                    let mut builder = ShellTextBuilder::new(source);
                    push_lines(
                        &mut builder,
                        source,
                        body.start as usize,
                        body.end as usize,
                        strip_tabs,
                        |b, lo, hi| {
                            b.push_source(lo, hi);
                        },
                    );
                    (
                        builder.finish(),
                        ConstructKind::HeredocScript { shell },
                        body,
                    )
                }
            }
            ShellInput::None => return,
        };
        if self.depth >= MAX_DEPTH {
            self.script.errors.push(at);
            return;
        }
        self.depth += 1;
        self.script.constructs.push(Construct {
            kind,
            range: at,
            parent: Some(construct),
        });
        let id = self.script.constructs.len() - 1;
        self.program(&inner, id);
        self.depth -= 1;
    }

    /// The typed word of `node`.
    fn word(&mut self, t: &ShellText<'a>, node: Node<'_>) -> ShellWord<'a> {
        let mut segments = Segments::default();
        self.segments(t, node, &mut segments);
        word_of(t, node.start_byte(), node.end_byte(), segments)
    }

    /// Splits a word node into literal and dynamic segments.
    fn segments(&mut self, t: &ShellText<'a>, node: Node<'_>, out: &mut Segments) {
        let (lo, hi) = (node.start_byte(), node.end_byte());
        if self.depth >= MAX_DEPTH {
            out.push(Segment {
                lo,
                hi,
                kind: SegmentKind::Literal { quoted: false },
            });
            return;
        }
        self.depth += 1;
        match node.kind() {
            "raw_string" => {
                let inner_hi = if hi > lo + 1 && text_of(t, node).ends_with('\'') {
                    hi - 1
                } else {
                    hi
                };
                push_literal(out, (lo + 1).min(inner_hi), inner_hi, true);
            }
            "ansi_c_string" => {
                let raw = text_of(t, node);
                let inner = raw
                    .strip_prefix("$'")
                    .map_or(raw, |s| s.strip_suffix('\'').unwrap_or(s));
                if inner.contains('\\') {
                    out.push(Segment {
                        lo,
                        hi,
                        kind: SegmentKind::Decoded {
                            text: decode_ansi_c(inner),
                            quoted: true,
                        },
                    });
                } else {
                    let start = (lo + 2).min(hi);
                    push_literal(out, start, start + inner.len(), true);
                }
            }
            "string" => self.compound_segments(t, node, out, true),
            "concatenation" | "command_name" | "translated_string" | "variable_assignment" => {
                self.compound_segments(t, node, out, false);
            }
            "simple_expansion" | "expansion" => {
                let lo = lo + blanks_before(node, t);
                let name = children(node)
                    .into_iter()
                    .find(|c| matches!(c.kind(), "variable_name" | "special_variable_name"))
                    .map_or_else(
                        || {
                            let s = t.as_str().get(lo..hi).unwrap_or("");
                            let trimmed = s.trim_start_matches(['$', '{']).trim_end_matches('}');
                            let start = lo + (s.len() - s.trim_start_matches(['$', '{']).len());
                            (start, start + trimmed.len())
                        },
                        |c| (c.start_byte(), c.end_byte()),
                    );
                out.push(Segment {
                    lo,
                    hi,
                    kind: SegmentKind::Parameter { name },
                });
            }
            "command_substitution" => out.push(Segment {
                lo: lo + blanks_before(node, t),
                hi,
                kind: SegmentKind::CommandSubstitution,
            }),
            "arithmetic_expansion" => out.push(Segment {
                lo,
                hi,
                kind: SegmentKind::Arithmetic,
            }),
            "process_substitution" => out.push(Segment {
                lo,
                hi,
                kind: SegmentKind::ProcessSubstitution,
            }),
            "word" | "number" if node.named_child_count() == 0 => {
                unquoted_literal(t, lo, hi, out);
            }
            "word" | "number" => self.compound_segments(t, node, out, false),
            "ERROR" => {
                self.error(t, node);
                push_literal(out, lo, hi, false);
            }
            _ => push_literal(out, lo, hi, false),
        }
        self.depth -= 1;
    }

    /// Segments of a node made of children, with the text between them
    /// read as double-quoted (`in_quotes`) or unquoted text.
    fn compound_segments(
        &mut self,
        t: &ShellText<'a>,
        node: Node<'_>,
        out: &mut Segments,
        in_quotes: bool,
    ) {
        let (lo, hi) = (node.start_byte(), node.end_byte());
        let text = text_of(t, node);
        let (mut cursor, end) = if in_quotes {
            let open = usize::from(text.starts_with('"'));
            let close = usize::from(text.len() > open && text.ends_with('"'));
            (lo + open, hi - close)
        } else {
            (lo, hi)
        };
        let gap = |out: &mut Segments, a: usize, b: usize| {
            if a < b {
                if in_quotes {
                    double_quoted_literal(t, a, b, out);
                } else {
                    unquoted_literal(t, a, b, out);
                }
            }
        };
        for child in children(node) {
            let pad = blanks_before(child, t);
            let (c_lo, c_hi) = (
                (child.start_byte() + pad).max(cursor),
                child.end_byte().min(end),
            );
            if c_lo >= c_hi || !child.is_named() {
                continue;
            }
            gap(out, cursor, c_lo);
            if child.kind() == "string_content" {
                double_quoted_literal(t, c_lo, c_hi, out);
            } else {
                self.segments(t, child, out);
            }
            cursor = c_hi;
        }
        gap(out, cursor, end);
    }
}

/// Joins words the grammar split out of one: it ends a word after some
/// parameters (`a/$V/b-$V.tgz` as `a/$V/b-$` and `V.tgz`), where the
/// shell reads on. Words whose nodes touch are one word, read again by
/// the plain parser; those it cannot read stay apart. `nodes` are the
/// nodes of the name and the arguments, with their index in
/// [`Command::words`] plus one when there is no name. The runs joined,
/// last first, as (index in `Command::words`, how many words).
fn join_split_words<'a>(
    t: &ShellText<'a>,
    command: &mut Command<'a>,
    nodes: &[(usize, Node<'_>)],
) -> Vec<(usize, usize)> {
    // Runs of touching words: (index of the first, how many, start, end).
    let mut runs: Vec<(usize, usize, usize, usize)> = Vec::new();
    for pair in nodes.windows(2) {
        let [(a, prev), (b, next)] = pair else {
            continue;
        };
        if *b != a + 1 || next.start_byte() != prev.end_byte() {
            continue;
        }
        match runs.last_mut() {
            Some(run) if run.0 + run.1 == *b => {
                run.1 += 1;
                run.3 = next.end_byte();
            }
            _ => runs.push((*a, 2, prev.start_byte(), next.end_byte())),
        }
    }
    if runs.is_empty() {
        return Vec::new();
    }
    let named = command.name.is_some();
    let mut words: Vec<ShellWord<'a>> = command
        .name
        .take()
        .into_iter()
        .chain(std::mem::take(&mut command.args))
        .collect();
    let mut joined = Vec::new();
    // From the last run, so that the indices of the others stay put.
    for &(first, count, lo, end) in runs.iter().rev() {
        let first = first - usize::from(!named);
        if let Some((lo, hi, segments)) = plain::word_at(t, lo)
            && hi == end
            && first + count <= words.len()
        {
            words.splice(first..first + count, [word_of(t, lo, hi, segments)]);
            joined.push((first, count));
        }
    }
    let mut words = words.into_iter();
    if named {
        command.name = words.next();
    }
    command.args = words.collect();
    joined
}

/// The typed word of `text[start..end]`, made of `segments`.
fn word_of<'a>(t: &ShellText<'a>, start: usize, end: usize, segments: Segments) -> ShellWord<'a> {
    // Most words are one plain literal: its value is its text.
    if let &[
        Segment {
            lo,
            hi,
            kind: SegmentKind::Literal { quoted: false },
        },
    ] = segments.as_slice()
        && (lo, hi) == (start, end)
    {
        let text = t.slice(lo, hi);
        let range = t.range(lo, hi);
        return ShellWord {
            raw: text.clone(),
            value: text.clone(),
            range,
            parts: Parts::one(WordPart::Literal {
                text,
                quoted: false,
                range,
            }),
        };
    }
    let mut parts: Vec<WordPart<'a>> = Vec::with_capacity(segments.len());
    let mut value = String::new();
    for seg in segments {
        let range = t.range(seg.lo, seg.hi);
        let raw = || t.slice(seg.lo, seg.hi);
        let part = match seg.kind {
            SegmentKind::Literal { quoted } => {
                let text = raw();
                value.push_str(&text);
                // Adjacent literals with the same quoting read as one.
                if let Some(WordPart::Literal {
                    text: prev,
                    quoted: q,
                    range: r,
                }) = parts.last_mut()
                    && *q == quoted
                {
                    prev.to_mut().push_str(&text);
                    *r = r.cover(range);
                    continue;
                }
                WordPart::Literal {
                    text,
                    quoted,
                    range,
                }
            }
            SegmentKind::Decoded { text, quoted } => {
                value.push_str(&text);
                WordPart::Literal {
                    text: Cow::Owned(text),
                    quoted,
                    range,
                }
            }
            SegmentKind::Parameter { name } => {
                let raw = raw();
                value.push_str(&raw);
                WordPart::Parameter {
                    name: t.slice(name.0, name.1),
                    raw,
                    range,
                }
            }
            SegmentKind::CommandSubstitution => {
                let raw = raw();
                value.push_str(&raw);
                WordPart::CommandSubstitution { raw, range }
            }
            SegmentKind::Arithmetic => {
                let raw = raw();
                value.push_str(&raw);
                WordPart::Arithmetic { raw, range }
            }
            SegmentKind::ProcessSubstitution => {
                let raw = raw();
                value.push_str(&raw);
                WordPart::ProcessSubstitution { raw, range }
            }
        };
        parts.push(part);
    }
    let raw = t.slice(start, end);
    // Borrow the value when it is the raw text or one literal part.
    let value = if value == *raw {
        raw.clone()
    } else {
        match parts.as_slice() {
            [WordPart::Literal { text, .. }] if **text == value => text.clone(),
            _ => Cow::Owned(value),
        }
    };
    ShellWord {
        raw,
        value,
        range: t.range(start, end),
        parts: parts.into(),
    }
}

/// The words of a command as written, for [`Builder::nested_script`].
enum Written<'s, 'n> {
    /// The bash grammar's nodes of the name and the arguments, and of the
    /// command's heredoc redirects.
    Tree {
        words: &'s [Node<'n>],
        heredocs: &'s [Node<'n>],
    },
    /// Where the plain parser read the name and the arguments.
    Plain { starts: &'s [usize] },
}

impl Written<'_, '_> {
    fn len(&self) -> usize {
        match self {
            Written::Tree { words, .. } => words.len(),
            Written::Plain { starts } => starts.len(),
        }
    }

    /// The span and segments of word `i` (0 is the name).
    fn word<'a>(
        &self,
        b: &mut Builder<'a>,
        t: &ShellText<'a>,
        i: usize,
    ) -> Option<(usize, usize, Segments)> {
        match self {
            Written::Tree { words, .. } => {
                let node = words.get(i)?;
                let mut segments = Segments::default();
                b.segments(t, *node, &mut segments);
                Some((node.start_byte(), node.end_byte(), segments))
            }
            Written::Plain { starts } => plain::word_at(t, *starts.get(i)?),
        }
    }

    /// The body of the last heredoc in the parsed text, and whether its
    /// leading tabs are stripped.
    fn heredoc(&self) -> Option<(Node<'_>, bool)> {
        let Written::Tree { heredocs, .. } = self else {
            return None;
        };
        let last = heredocs.last()?;
        let body = children(*last)
            .into_iter()
            .find(|c| c.kind() == "heredoc_body")?;
        Some((body, children(*last).iter().any(|c| c.kind() == "<<-")))
    }
}

/// The pipeline or list `node` redirects, when it is a redirected
/// statement of one without a heredoc.
fn redirected_list(node: Node<'_>) -> Option<Node<'_>> {
    if node.kind() != "redirected_statement"
        || children(node)
            .iter()
            .any(|c| c.kind() == "heredoc_redirect")
    {
        return None;
    }
    node.child_by_field_name("body")
        .filter(|body| matches!(body.kind(), "pipeline" | "list"))
}

/// Gives the redirects of `redirected` to the last item of `elems` that
/// has none of its own.
fn attach_redirects<'n>(elems: &mut [Elem<TreeItem<'n>>], redirected: Node<'n>) {
    if let Some(Elem::Item((_, redirects @ None))) =
        elems.iter_mut().rev().find(|e| matches!(e, Elem::Item(..)))
    {
        *redirects = Some(redirected);
    }
}

/// Calls `push` for each line of `text[lo..hi]` (with its line break),
/// after the leading tabs when `strip_tabs`.
fn push_lines<B>(
    builder: &mut B,
    text: &str,
    mut lo: usize,
    hi: usize,
    strip_tabs: bool,
    push: impl Fn(&mut B, usize, usize),
) {
    let bytes = text.as_bytes();
    while lo < hi {
        let mut start = lo;
        if strip_tabs {
            while start < hi && bytes.get(start) == Some(&b'\t') {
                start += 1;
            }
        }
        let end = text
            .get(start..hi)
            .and_then(|rest| rest.find('\n'))
            .map_or(hi, |i| start + i + 1);
        push(builder, start, end);
        lo = end;
    }
}

/// In a string the grammar gives the blank before `$` to the expansion
/// or substitution that follows (`"$a $b"`); it is the string's. The
/// length of those blanks at the start of `node`.
fn blanks_before(node: Node<'_>, t: &ShellText<'_>) -> usize {
    match node.kind() {
        "simple_expansion" | "expansion" | "command_substitution" => {
            let text = text_of(t, node);
            text.len() - text.trim_start_matches([' ', '\t', '\n']).len()
        }
        _ => 0,
    }
}

fn push_literal(out: &mut Segments, lo: usize, hi: usize, quoted: bool) {
    if lo < hi {
        out.push(Segment {
            lo,
            hi,
            kind: SegmentKind::Literal { quoted },
        });
    }
}

/// Unquoted text: `\x` is a quoted `x`, `\` + line break disappears.
fn unquoted_literal(t: &ShellText<'_>, lo: usize, hi: usize, out: &mut Segments) {
    escaped_literal(t, lo, hi, out, false, |_| true);
}

/// Text inside double quotes: `\` escapes only `$`, `` ` ``, `"`, `\` and a
/// line break; the rest is quoted text.
fn double_quoted_literal(t: &ShellText<'_>, lo: usize, hi: usize, out: &mut Segments) {
    escaped_literal(t, lo, hi, out, true, |c| {
        matches!(c, '$' | '`' | '"' | '\\' | '\n')
    });
}

fn escaped_literal(
    t: &ShellText<'_>,
    lo: usize,
    hi: usize,
    out: &mut Segments,
    quoted: bool,
    escapes: impl Fn(char) -> bool,
) {
    let Some(text) = t.as_str().get(lo..hi) else {
        return;
    };
    let mut start = lo;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        let Some(&(j, next)) = chars.peek() else {
            break;
        };
        if !escapes(next) {
            continue;
        }
        chars.next();
        push_literal(out, start, lo + i, quoted);
        let next_end = lo + j + next.len_utf8();
        if next != '\n' {
            push_literal(out, lo + j, next_end, true);
        }
        start = next_end;
    }
    push_literal(out, start, hi, quoted);
}

/// The value of the inside of `$'…'`.
fn decode_ansi_c(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('e' | 'E') => out.push('\u{1b}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Where a shell reads its script from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ShellInput {
    /// `-c`: from the argument at this index.
    Command(usize),
    /// No script operand: from standard input (a heredoc).
    Stdin,
    /// From a file, or unknown.
    None,
}

/// Reads a POSIX shell's options: `sh -c 'script'`, `bash -ec "…"`,
/// `bash -o pipefail -c …`, `bash -s` or no operand (stdin).
fn shell_input(args: &[&ShellWord<'_>]) -> ShellInput {
    let mut command = false;
    let mut stdin = false;
    let mut i = 0;
    while let Some(arg) = args.get(i).and_then(|a| a.static_value()) {
        if arg == "--" || arg == "-" {
            i += 1;
            break;
        }
        if arg.starts_with("--") {
            i += if matches!(arg, "--rcfile" | "--init-file") {
                2
            } else {
                1
            };
            continue;
        }
        let Some(letters) = arg.strip_prefix(['-', '+']).filter(|l| !l.is_empty()) else {
            break;
        };
        if arg.starts_with('-') {
            command |= letters.contains('c');
            stdin |= letters.contains('s');
        }
        i += 1 + letters.chars().filter(|c| matches!(c, 'o' | 'O')).count();
    }
    if command {
        if i < args.len() {
            ShellInput::Command(i)
        } else {
            ShellInput::None
        }
    } else if stdin || i >= args.len() {
        ShellInput::Stdin
    } else {
        ShellInput::None
    }
}

/// `su [user] -c 'script'` or `su -c 'script' [user]`.
fn su_input(args: &[&ShellWord<'_>]) -> ShellInput {
    args.iter()
        .position(|a| a.is("-c") || a.is("--command"))
        .filter(|&i| i + 1 < args.len())
        .map_or(ShellInput::None, |i| ShellInput::Command(i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_script(source: &str) -> Script<'_> {
        Script::parse(&ShellText::verbatim(
            source,
            TextRange::from_usize(0, source.len()),
        ))
    }

    fn names(script: &Script<'_>) -> Vec<String> {
        script
            .commands
            .iter()
            .map(|c| c.name_str().unwrap_or("?").to_owned())
            .collect()
    }

    /// Scripts on which bash's error recovery ran for minutes (found by
    /// fuzzing): the parse is abandoned and the script is one error, and
    /// the parser is then fit for the next script.
    #[test]
    fn parses_that_run_away_are_abandoned() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/shell");
        let mut ran = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let source = String::from_utf8_lossy(&bytes);
            let script = parse_script(&source);
            assert_eq!(
                script
                    .errors
                    .iter()
                    .map(|e| e.as_usize())
                    .collect::<Vec<_>>(),
                vec![0..source.len()]
            );
            assert!(script.commands.is_empty());
            assert_eq!(names(&parse_script("echo a && ls")), ["echo", "ls"]);
            ran += 1;
        }
        assert_eq!(ran, 1);
    }

    #[test]
    fn kept_parses_give_the_same_model() {
        let texts = [
            "[[ -f x ]] && apt-get install -y curl | tee log",
            "for f in *; do echo \"$f\" >> out; done | sort",
            "case $x in a) b;; esac; $(c `d`)",
        ];
        let fresh: Vec<String> = texts
            .iter()
            .map(|t| format!("{:?}", parse_script(t)))
            .collect();
        keep_parses(16);
        for _ in 0..2 {
            let kept: Vec<String> = texts
                .iter()
                .map(|t| format!("{:?}", parse_script(t)))
                .collect();
            assert_eq!(kept, fresh);
        }
        let stored = || TREES.with(|c| c.borrow().as_ref().map_or(0, |k| k.trees.len()));
        assert_eq!(stored(), texts.len());
        // The same capacity again keeps the store (`check` asks per file).
        keep_parses(16);
        assert_eq!(stored(), texts.len());
        // Another capacity starts over; a full store too.
        keep_parses(2);
        assert_eq!(stored(), 0);
        for t in texts {
            parse_script(t);
        }
        assert_eq!(stored(), 1);
        keep_parses(0);
        assert!(TREES.with(|c| c.borrow().is_none()));
    }

    #[test]
    fn commands_in_source_order_with_connectors() {
        use Connector::{And, Background, Newline, Or, Pipe, Semicolon};
        let s = parse_script("a && b || c; d | e & f\ng");
        assert_eq!(names(&s), ["a", "b", "c", "d", "e", "f", "g"]);
        let connectors: Vec<_> = s
            .commands
            .iter()
            .map(|c| (c.connector_before, c.connector_after))
            .collect();
        assert_eq!(
            connectors,
            [
                (None, Some(And)),
                (Some(And), Some(Or)),
                (Some(Or), Some(Semicolon)),
                (Some(Semicolon), Some(Pipe)),
                (Some(Pipe), Some(Background)),
                (Some(Background), Some(Newline)),
                (Some(Newline), None),
            ]
        );
        assert!(s.has_pipes());
    }

    #[test]
    fn connectors_are_inherited_through_groups() {
        let s = parse_script("x && (a; b) || { c; }");
        let b = &s.commands[2];
        assert_eq!(b.name_str(), Some("b"));
        assert_eq!(b.connector_before, Some(Connector::Semicolon));
        assert_eq!(b.connector_after, Some(Connector::Or));
        assert_eq!(s.commands[1].connector_before, Some(Connector::And));
        assert!(s.is_inside(b, |k| *k == ConstructKind::Subshell));
        assert!(!s.is_inside(&s.commands[3], |k| *k == ConstructKind::Subshell));
    }

    #[test]
    fn ancestors_from_innermost() {
        let s = parse_script("if true; then echo $(id -u | cat); fi");
        let cat = s
            .commands_named("cat")
            .next()
            .unwrap_or_else(|| panic!("no cat"));
        let kinds: Vec<_> = s.ancestors(cat).map(|c| c.kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                ConstructKind::Pipeline,
                ConstructKind::CommandSubstitution,
                ConstructKind::IfBranch,
                ConstructKind::TopLevel
            ]
        );
    }

    #[test]
    fn pipefail_set_in_the_script() {
        assert!(parse_script("set -euxo pipefail; a | b").sets_pipefail());
        assert!(parse_script("set -o pipefail && a | b").sets_pipefail());
        assert!(!parse_script("set -e; a | b").sets_pipefail());
        assert!(!parse_script("echo -o pipefail").sets_pipefail());
    }

    #[test]
    fn words_assignments_and_redirects() {
        let s = parse_script(
            "DEBIAN_FRONTEND=noninteractive apt-get install -y 'a b' \"$X\" >/dev/null 2>&1",
        );
        let c = &s.commands[0];
        assert_eq!(c.assignments[0].name, "DEBIAN_FRONTEND");
        assert_eq!(
            c.assignments[0].value.as_ref().map(|v| &*v.value),
            Some("noninteractive")
        );
        assert_eq!(c.args[2].value, "a b");
        assert!(c.args[2].has_quotes());
        assert!(!c.args[3].is_static());
        assert_eq!(c.args[3].parameters().collect::<Vec<_>>(), ["X"]);
        let ops: Vec<_> = c.redirects.iter().map(|r| (r.fd, r.op)).collect();
        assert_eq!(
            ops,
            [(None, RedirectOp::Write), (Some(2), RedirectOp::DupWrite)]
        );
        assert_eq!(
            c.redirects[0].target.as_ref().map(|t| &*t.value),
            Some("/dev/null")
        );
    }

    #[test]
    fn arguments_after_a_redirect_stay_arguments() {
        let s = parse_script("pip install flask>=2 requests");
        let c = &s.commands[0];
        let args: Vec<_> = c.args.iter().map(|a| &*a.value).collect();
        assert_eq!(args, ["install", "flask", "requests"]);
        assert_eq!(
            c.redirects[0].target.as_ref().map(|t| &*t.value),
            Some("=2")
        );
    }

    #[test]
    fn broken_scripts_keep_what_parses() {
        let s = parse_script("apk add x && && apk add y; echo 'open");
        assert_eq!(names(&s), ["apk", "apk", "echo"]);
        assert!(!s.errors.is_empty());
        let s = parse_script("apt-get update &&");
        assert_eq!(names(&s), ["apt-get"]);
        assert_eq!(s.errors.len(), 1);
    }

    /// Where the bash grammar's tree is wrong, the model follows the shell
    /// (checked on the grammar's path; the plain parser reads the same).
    #[test]
    fn the_grammars_mistakes_are_mended() {
        fn grammar(source: &str) -> Script<'_> {
            let model = parse_with_grammar_only(|| parse_script(source));
            let plain = parse_script(source);
            assert_eq!(format!("{model:?}"), format!("{plain:?}"), "{source:?}");
            model
        }
        fn pipelines(s: &Script<'_>) -> Vec<String> {
            let ids = 0..s.constructs.len();
            ids.filter(|&i| s.constructs[i].kind == ConstructKind::Pipeline)
                .map(|i| {
                    let names = s.commands.iter().filter(|c| c.construct == i);
                    let names: Vec<_> = names
                        .filter_map(|c| c.name.as_ref())
                        .map(|n| &*n.raw)
                        .collect();
                    format!("{} {:?}", names.join(" "), s.constructs[i].range.as_usize())
                })
                .collect()
        }
        // A word split after a parameter is one word again, as a name, an
        // argument and a redirect target; a nested script still parses.
        let s = grammar("a/$V/b-$V.tgz x-$V/y-$V.tgz >o/$V/p-$V.log && sh -c a/$V/b-$V");
        let values: Vec<_> = s.commands[0].words().map(|w| &*w.value).collect();
        assert_eq!(values, ["a/$V/b-$V.tgz", "x-$V/y-$V.tgz"]);
        let target = s.commands[0].redirects[0].target.as_ref().map(|t| &*t.raw);
        assert_eq!(target, Some("o/$V/p-$V.log"));
        let names: Vec<_> = s.commands.iter().filter_map(|c| c.name.as_ref()).collect();
        let names: Vec<_> = names.iter().map(|n| &*n.raw).collect();
        assert_eq!(names, ["a/$V/b-$V.tgz", "sh", "a/$V/b-$V"]);
        // The blank before `$` in a string is the string's.
        let s = grammar("echo \"$A $B\" \"x $(date)\"");
        let raws: Vec<_> = s.commands[0].args[0]
            .parts
            .iter()
            .map(WordPart::range)
            .collect();
        assert_eq!(raws.len(), 3);
        assert_eq!(s.constructs[1].range.as_usize(), 16..23);
        // A redirect after a pipeline that ends a list is its last
        // command's, and the pipeline spans it.
        let s = grammar("a && b | c > out && d");
        assert_eq!(s.commands[2].redirects.len(), 1);
        assert_eq!(s.constructs[1].range.as_usize(), 5..16);
        let s = grammar("b | c > out");
        assert_eq!(s.commands[1].redirects.len(), 1);
        assert_eq!(s.constructs[1].range.as_usize(), 0..11);
        // `|` binds tighter than `&&` and `||`, and a redirect belongs to
        // its own command, however the grammar nests them: each pipeline
        // holds its own commands and no other.
        let s = grammar("a | b | c && d");
        assert_eq!(pipelines(&s), ["a b c 0..9"]);
        assert_eq!(s.commands[3].construct, 0);
        let s = grammar("a | b | c | d && e | f | g && h || i | j");
        assert_eq!(
            pipelines(&s),
            ["a b c d 0..13", "e f g 17..26", "i j 35..40"]
        );
        let s = grammar("a >x | b | c");
        assert_eq!(pipelines(&s), ["a b c 0..12"]);
        assert_eq!(s.commands[0].redirects.len(), 1);
        let s = grammar("a && b 2>&1 | c");
        assert_eq!(pipelines(&s), ["b c 5..15"]);
        assert_eq!(
            (s.commands[0].construct, s.commands[1].redirects.len()),
            (0, 1)
        );
    }
}
