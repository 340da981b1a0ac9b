//! Suppressions written in the Dockerfile, applied to its findings:
//!
//! - `# layerlint ignore=CODE[,CODE…] [-- reason]` in the comment block
//!   directly above an instruction (that instruction only),
//!   `# layerlint global ignore=…` (the file) and
//!   `# layerlint stage ignore=…` (from the comment to the next `FROM`);
//! - hadolint's `# hadolint ignore=…`, `global ignore=…` and `stage ignore=…`
//!   with hadolint's grammar (a reason follows a `#`) and placement (the
//!   pragma must sit on the line right above the instruction);
//! - BuildKit's `# check=skip=…|all;error=true;experimental=…` parser
//!   directive (the file; replaced by the `BUILDKIT_DOCKERFILE_CHECK` build
//!   argument when one is given, as BuildKit does) and its per-instruction
//!   `# check=skip=…` comments (any comment between the previous instruction
//!   and this one, as BuildKit's `PrevComment`).
//!
//! Rules are named by code, name, alias or code prefix. A finding belongs to
//! the instruction whose range contains it (continuation lines and heredoc
//! bodies included); findings elsewhere (directives, comments between
//! instructions) are only suppressed file-wide. The same pass reports `LL114
//! unused-suppression` when it is enabled.

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::rule::{RuleMeta, Status, Violation};
use crate::engine::settings::{Settings, resolve};
use crate::fix::{Edit, Fix};
use crate::rules::RULES;
use crate::rules::ll114_unused_suppression::{Problem, UnusedSuppression};
use crate::syntax::{Comment, DirectiveKind, Dockerfile, Keyword, TextRange};

/// The build argument BuildKit reads instead of the `check` directive.
pub const CHECK_BUILD_ARG: &str = "BUILDKIT_DOCKERFILE_CHECK";

/// BuildKit's build-check names (`frontend/dockerfile/linter/ruleset.go`),
/// including those layerlint has no rule for. A `check=skip=` naming one of
/// these is never reported as naming no rule.
const BUILDKIT_CHECKS: &[&str] = &[
    "ConsistentInstructionCasing",
    "CopyIgnoredFile",
    "DuplicateStageName",
    "ExposeInvalidFormat",
    "ExposeProtoCasing",
    "FileConsistentCommandCasing",
    "FromAsCasing",
    "FromPlatformFlagConstDisallowed",
    "InvalidBaseImagePlatform",
    "InvalidDefaultArgInFrom",
    "InvalidDefinitionDescription",
    "JSONArgsRecommended",
    "LegacyKeyValueFormat",
    "MaintainerDeprecated",
    "MultipleInstructionsDisallowed",
    "NoEmptyContinuation",
    "RedundantTargetPlatform",
    "ReservedStageName",
    "SecretsUsedInArgOrEnv",
    "StageNameCasing",
    "UndefinedArgInFrom",
    "UndefinedVar",
    "WorkdirRelativePath",
];

/// Whether a rule is one of BuildKit's checks: BuildKit check names are
/// exactly the aliases rules carry.
fn is_buildkit_check(meta: &RuleMeta) -> bool {
    !meta.aliases.is_empty()
}

/// Where a suppression was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `# layerlint … ignore=`
    Layerlint,
    /// `# hadolint … ignore=`
    Hadolint,
    /// A `# check=skip=` comment above an instruction.
    CheckComment,
    /// The `# check=` parser directive.
    CheckDirective,
    /// The `BUILDKIT_DOCKERFILE_CHECK` build argument.
    CheckBuildArg,
}

impl Origin {
    /// Whether another tool reads the same comment (so removing a name that
    /// layerlint finds unused may change that tool's results).
    fn shared(self) -> bool {
        !matches!(self, Origin::Layerlint)
    }
}

/// What a suppression covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Findings that belong to the instruction with this index.
    Instruction(usize),
    /// Findings that start in this byte range (a stage suppression).
    Range(TextRange),
    /// The whole file.
    File,
    /// Nothing: the comment is inside a continued instruction.
    InContinuation,
    /// Nothing: the comment is not where its form must be (hadolint's pragma
    /// not on the line right above an instruction, a layerlint comment not
    /// in the block directly above one).
    Misplaced,
}

/// One rule name in a suppression.
#[derive(Clone, Debug)]
pub struct Name {
    pub text: String,
    /// Where the name is written (none for a build argument).
    pub range: Option<TextRange>,
    /// Codes of the rules it names; empty when it names none.
    pub codes: Vec<&'static str>,
    /// BuildKit's `skip=all`.
    pub all: bool,
    /// Whether it suppressed a finding.
    pub used: bool,
}

impl Name {
    fn new(text: &str, range: Option<TextRange>) -> Self {
        let codes = resolve(text)
            .map(|hits| hits.into_iter().map(|i| RULES[i].meta.code).collect())
            .unwrap_or_default();
        Self {
            text: text.to_string(),
            range,
            codes,
            all: false,
            used: false,
        }
    }

    /// BuildKit's `all`: every rule that is a BuildKit check.
    fn buildkit_all(range: Option<TextRange>) -> Self {
        Self {
            text: "all".to_string(),
            range,
            codes: RULES
                .iter()
                .filter(|r| is_buildkit_check(r.meta))
                .map(|r| r.meta.code)
                .collect(),
            all: true,
            used: false,
        }
    }

    /// A name inside a BuildKit list: exact `all` there is not special (it
    /// names a rule called "all", of which there is none).
    fn buildkit(text: &str, range: Option<TextRange>) -> Self {
        if text.eq_ignore_ascii_case("all") {
            Self {
                text: text.to_string(),
                range,
                codes: Vec::new(),
                all: false,
                used: false,
            }
        } else {
            Self::new(text, range)
        }
    }

    fn covers(&self, code: &str) -> bool {
        if self.codes.is_empty() {
            self.text.eq_ignore_ascii_case(code)
        } else {
            self.codes.contains(&code)
        }
    }
}

/// One suppression comment (or directive, or build argument).
#[derive(Clone, Debug)]
pub struct Suppression {
    pub origin: Origin,
    /// The comment or directive, from `#` to the end of its line.
    pub range: Option<TextRange>,
    pub scope: Scope,
    pub names: Vec<Name>,
    /// For a `check` directive or comment: the `skip=` option including
    /// its `;` separator, when other options share the comment.
    pub skip_option: Option<TextRange>,
}

/// A comment that looks like a suppression but is not understood.
#[derive(Clone, Debug)]
pub struct Malformed {
    pub range: TextRange,
    pub problem: Problem,
}

/// The `check` options of a file: from the build argument, else the directive.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub error: bool,
    /// Preview rules the file turns on with `experimental=`.
    pub experimental: Vec<Name>,
    pub experimental_all: bool,
}

/// Everything the file's comments and directives say about its findings.
#[derive(Debug, Default)]
pub struct Suppressions {
    pub entries: Vec<Suppression>,
    pub malformed: Vec<Malformed>,
    pub check: CheckOptions,
    /// Instruction ranges, for finding the instruction a finding is in.
    instructions: Vec<TextRange>,
}

impl Suppressions {
    /// Reads the suppressions of `file`. Inline comments count only when
    /// `inline` is set; the `check` directive's `error=` and
    /// `experimental=` always count, and so does the build argument.
    pub fn new(file: &Dockerfile<'_>, settings: &Settings, inline: bool) -> Self {
        let mut this = Suppressions::default();
        let layout = Layout::new(file);
        this.instructions = file.instructions.iter().map(|i| i.range).collect();
        this.read_check_options(file, settings, inline);
        if inline {
            for (index, comment) in file.comments.iter().enumerate() {
                this.read_comment(file, &layout, index, comment);
            }
        }
        this
    }

    fn read_check_options(&mut self, file: &Dockerfile<'_>, settings: &Settings, inline: bool) {
        if let Some(value) = settings.options.build_args.get(CHECK_BUILD_ARG) {
            if let Ok(parsed) = CheckValue::parse(value, None) {
                self.check = parsed.options();
                if let Some(skip) = parsed.skip {
                    self.entries.push(Suppression {
                        origin: Origin::CheckBuildArg,
                        range: None,
                        scope: Scope::File,
                        names: skip,
                        skip_option: None,
                    });
                }
            }
            return;
        }
        let Some(directive) = file.directive(DirectiveKind::Check) else {
            return;
        };
        let base = directive.value.range.start;
        match CheckValue::parse(&directive.value.value, Some(base)) {
            Ok(parsed) => {
                self.check = parsed.options();
                if inline && let Some(skip) = parsed.skip {
                    self.entries.push(Suppression {
                        origin: Origin::CheckDirective,
                        range: Some(directive.range),
                        scope: Scope::File,
                        names: skip,
                        skip_option: parsed.skip_option,
                    });
                }
            }
            Err(detail) => self.malformed.push(Malformed {
                range: directive.range,
                problem: Problem::InvalidCheck { detail },
            }),
        }
    }

    fn read_comment(
        &mut self,
        file: &Dockerfile<'_>,
        layout: &Layout,
        index: usize,
        comment: &Comment<'_>,
    ) {
        let base = comment.range.start + 1;
        for tool in [Tool::Layerlint, Tool::Hadolint] {
            match parse_pragma(comment.text, tool) {
                Pragma::Absent => {}
                Pragma::Other => return,
                Pragma::Malformed => {
                    self.malformed.push(Malformed {
                        range: comment.range,
                        problem: Problem::Malformed {
                            text: format!("#{}", comment.text.trim_end()),
                            tool: tool.word(),
                        },
                    });
                    return;
                }
                Pragma::Ignore { kind, names } => {
                    let scope = if comment.in_continuation {
                        Scope::InContinuation
                    } else {
                        match kind {
                            Kind::Global => Scope::File,
                            Kind::Stage => layout.stage_from(file, comment.range.start),
                            Kind::Line => match tool {
                                Tool::Layerlint => layout.block_below(index),
                                Tool::Hadolint => layout.line_below(file, comment.range),
                            },
                        }
                    };
                    let names = names
                        .into_iter()
                        .map(|(s, e)| {
                            Name::new(
                                &comment.text[s..e],
                                Some(TextRange::from_usize(base as usize + s, base as usize + e)),
                            )
                        })
                        .collect();
                    self.entries.push(Suppression {
                        origin: tool.origin(),
                        range: Some(comment.range),
                        scope,
                        names,
                        skip_option: None,
                    });
                    return;
                }
            }
        }
        self.read_check_comment(layout, index, comment);
    }

    /// A `# check=…` comment that is not the parser directive.
    fn read_check_comment(&mut self, layout: &Layout, index: usize, comment: &Comment<'_>) {
        let text = comment.text;
        let trimmed = text.trim_start();
        let Some((key, value)) = trimmed.split_once('=') else {
            return;
        };
        let key = key.trim_end();
        if !key.eq_ignore_ascii_case("check") {
            return;
        }
        let value_at = text.len() - value.len();
        let value_trimmed = value.trim();
        if value_trimmed.is_empty() {
            return;
        }
        let lead = value.len() - value.trim_start().len();
        let base = comment.range.start + 1 + u32::try_from(value_at + lead).unwrap_or(0);
        match CheckValue::parse(value_trimmed, Some(base)) {
            Ok(parsed) => {
                if let Some(skip) = parsed.skip {
                    let scope = if comment.in_continuation {
                        Scope::InContinuation
                    } else {
                        layout.prev_comment_of(index)
                    };
                    self.entries.push(Suppression {
                        origin: Origin::CheckComment,
                        range: Some(comment.range),
                        scope,
                        names: skip,
                        skip_option: parsed.skip_option,
                    });
                }
            }
            Err(detail) => self.malformed.push(Malformed {
                range: comment.range,
                problem: Problem::InvalidCheck { detail },
            }),
        }
    }

    /// The instruction a finding starting at `offset` belongs to.
    pub fn owner(&self, offset: u32) -> Option<usize> {
        let k = self.instructions.partition_point(|r| r.start <= offset);
        let k = k.checked_sub(1)?;
        (offset <= self.instructions[k].end).then_some(k)
    }

    /// Whether `diagnostic` is suppressed; marks every name that covers it
    /// as used.
    pub fn suppress(&mut self, diagnostic: &Diagnostic) -> bool {
        let start = diagnostic.range.start;
        let owner = self.owner(start);
        let mut hit = false;
        for s in &mut self.entries {
            let applies = match s.scope {
                Scope::File => true,
                Scope::Range(r) => r.start <= start && start < r.end,
                Scope::Instruction(i) => owner == Some(i),
                Scope::InContinuation | Scope::Misplaced => false,
            };
            if !applies {
                continue;
            }
            for name in &mut s.names {
                if name.covers(diagnostic.code) {
                    name.used = true;
                    hit = true;
                }
            }
        }
        hit
    }
}

/// Which comments sit where, for placing suppressions.
struct Layout {
    /// 0-based start line of each instruction.
    inst_lines: Vec<u32>,
    /// Start offset of each instruction.
    inst_starts: Vec<u32>,
    /// Per comment: the instruction whose directly-above block it is in.
    block_of: Vec<Option<usize>>,
    /// Per comment: the instruction whose `PrevComment` (BuildKit) holds it.
    prev_comment_of: Vec<Option<usize>>,
    stage_starts: Vec<u32>,
}

impl Layout {
    fn new(file: &Dockerfile<'_>) -> Self {
        let line = |offset: u32| file.line_index.line_of(offset);
        let inst_lines: Vec<u32> = file
            .instructions
            .iter()
            .map(|i| line(i.range.start))
            .collect();
        let inst_starts: Vec<u32> = file.instructions.iter().map(|i| i.range.start).collect();
        let mut block_of = vec![None; file.comments.len()];
        // Walk comments backwards: a comment is in the block above
        // instruction k when the next line is k's first line, or holds a
        // comment in that block.
        let mut next: Option<(u32, usize)> = None; // (line of the block's top, instruction)
        for (ci, comment) in file.comments.iter().enumerate().rev() {
            if comment.in_continuation {
                continue;
            }
            let l = line(comment.range.start);
            let k = inst_starts.partition_point(|&s| s <= comment.range.start);
            let below = match next {
                Some((top, owner)) if top == l + 1 => Some(owner),
                _ => (k < inst_lines.len() && inst_lines[k] == l + 1).then_some(k),
            };
            if let Some(owner) = below {
                block_of[ci] = Some(owner);
                next = Some((l, owner));
            } else {
                next = None;
            }
        }
        let mut prev_comment_of = vec![None; file.comments.len()];
        let mut reset_before: Option<u32> = None; // an empty `#` comment seen below
        for (ci, comment) in file.comments.iter().enumerate().rev() {
            if comment.in_continuation {
                continue;
            }
            let k = inst_starts.partition_point(|&s| s <= comment.range.start);
            if k >= inst_starts.len() {
                continue;
            }
            if reset_before.is_some_and(|r| r < inst_starts[k] && r > comment.range.start) {
                continue;
            }
            if comment.text.trim().is_empty() {
                reset_before = Some(comment.range.start);
                continue;
            }
            prev_comment_of[ci] = Some(k);
        }
        let stage_starts = file
            .instructions
            .iter()
            .filter(|i| i.kind == Keyword::From)
            .map(|i| i.range.start)
            .collect();
        Self {
            inst_lines,
            inst_starts,
            block_of,
            prev_comment_of,
            stage_starts,
        }
    }

    /// Scope of a layerlint line suppression: the instruction below its block.
    fn block_below(&self, comment: usize) -> Scope {
        self.block_of[comment].map_or(Scope::Misplaced, Scope::Instruction)
    }

    /// Scope of a hadolint line pragma: the instruction starting on the next line.
    fn line_below(&self, file: &Dockerfile<'_>, range: TextRange) -> Scope {
        let l = file.line_index.line_of(range.start);
        let k = self.inst_starts.partition_point(|&s| s <= range.start);
        if k < self.inst_lines.len() && self.inst_lines[k] == l + 1 {
            Scope::Instruction(k)
        } else {
            Scope::Misplaced
        }
    }

    /// Scope of a BuildKit per-instruction comment.
    fn prev_comment_of(&self, comment: usize) -> Scope {
        self.prev_comment_of[comment].map_or(Scope::Misplaced, Scope::Instruction)
    }

    /// Scope of a stage suppression at `at`: to the next `FROM`; a `FROM`
    /// that is the first instruction after the comment is covered too.
    fn stage_from(&self, file: &Dockerfile<'_>, at: u32) -> Scope {
        let k = self.inst_starts.partition_point(|&s| s <= at);
        let first_is_from = file
            .instructions
            .get(k)
            .is_some_and(|i| i.kind == Keyword::From);
        let after = if first_is_from {
            self.inst_starts[k]
        } else {
            at
        };
        let end = self
            .stage_starts
            .iter()
            .copied()
            .find(|&s| s > after)
            .unwrap_or(u32::try_from(file.source.len()).unwrap_or(u32::MAX));
        Scope::Range(TextRange::new(at, end.max(at)))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Layerlint,
    Hadolint,
}

impl Tool {
    const fn word(self) -> &'static str {
        match self {
            Tool::Layerlint => "layerlint",
            Tool::Hadolint => "hadolint",
        }
    }

    const fn origin(self) -> Origin {
        match self {
            Tool::Layerlint => Origin::Layerlint,
            Tool::Hadolint => Origin::Hadolint,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Line,
    Global,
    Stage,
}

#[derive(Debug, PartialEq, Eq)]
enum Pragma {
    Absent,
    /// A pragma that is not a suppression (hadolint's `shell=`).
    Other,
    Malformed,
    /// Rule names as byte ranges into the comment text.
    Ignore {
        kind: Kind,
        names: Vec<(usize, usize)>,
    },
}

/// A cursor over a comment's text (after the `#`).
struct Scan<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scan<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    /// Skips spaces and tabs; returns how many.
    fn spaces(&mut self) -> usize {
        let n = self.rest().len() - self.rest().trim_start_matches([' ', '\t']).len();
        self.pos += n;
        n
    }

    fn word(&mut self, word: &str) -> bool {
        if self.rest().starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// `keyword` followed by at least one space.
    fn keyword(&mut self, keyword: &str) -> bool {
        let at = self.pos;
        if self.word(keyword) && self.spaces() > 0 {
            return true;
        }
        self.pos = at;
        false
    }

    /// A rule name: a letter or digit, then letters, digits, `-` and `_`.
    fn name(&mut self) -> Option<(usize, usize)> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        if !first.is_ascii_alphanumeric() {
            return None;
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        let start = self.pos;
        self.pos += len;
        Some((start, self.pos))
    }
}

/// Parses `tool [global|stage] ignore = NAME[, NAME…] [tail]` with
/// hadolint's whitespace rules (spaces and tabs; none needed around `=`
/// and `,`). The tail is a reason after `#`, or for layerlint also after
/// `--`.
fn parse_pragma(text: &str, tool: Tool) -> Pragma {
    let mut scan = Scan { text, pos: 0 };
    scan.spaces();
    if !scan.word(tool.word()) || scan.spaces() == 0 {
        return Pragma::Absent;
    }
    let rest = scan.rest();
    if tool == Tool::Hadolint && rest.starts_with("shell") {
        return Pragma::Other;
    }
    if !["ignore", "global", "stage"]
        .iter()
        .any(|w| rest.starts_with(w))
    {
        return Pragma::Absent;
    }
    let kind = if scan.keyword("global") {
        Kind::Global
    } else if scan.keyword("stage") {
        Kind::Stage
    } else {
        Kind::Line
    };
    if !scan.word("ignore") {
        return Pragma::Malformed;
    }
    scan.spaces();
    if !scan.word("=") {
        return Pragma::Malformed;
    }
    scan.spaces();
    let mut names = Vec::new();
    loop {
        let Some(name) = scan.name() else {
            return Pragma::Malformed;
        };
        names.push(name);
        let at = scan.pos;
        scan.spaces();
        if scan.word(",") {
            scan.spaces();
        } else {
            scan.pos = at;
            break;
        }
    }
    scan.spaces();
    let tail = scan.rest();
    let reason = tail.is_empty()
        || tail.starts_with('#')
        || (tool == Tool::Layerlint && tail.starts_with("--"));
    if reason {
        Pragma::Ignore { kind, names }
    } else {
        Pragma::Malformed
    }
}

/// A parsed `check` value: `skip=…;error=…;experimental=…`, as BuildKit's
/// `ParseLintOptions` reads it.
#[derive(Debug, Default)]
struct CheckValue {
    skip: Option<Vec<Name>>,
    skip_option: Option<TextRange>,
    error: bool,
    experimental: Vec<Name>,
    experimental_all: bool,
}

impl CheckValue {
    /// `base` is where `value` starts in the source, when it is in it.
    fn parse(value: &str, base: Option<u32>) -> Result<Self, String> {
        let at = |offset: usize| base.map(|b| b + u32::try_from(offset).unwrap_or(0));
        let range = |s: usize, e: usize| at(s).zip(at(e)).map(|(s, e)| TextRange::new(s, e));
        let mut out = CheckValue::default();
        let lead = value.len() - value.trim_start().len();
        let body = value.trim();
        if body.is_empty() {
            return Ok(out);
        }
        // At most three parts: a fourth `;` stays inside the third value.
        let mut parts: Vec<(usize, &str)> = Vec::new();
        let mut offset = lead;
        let mut rest = body;
        while parts.len() < 2 {
            let Some(cut) = rest.find(';') else { break };
            parts.push((offset, &rest[..cut]));
            offset += cut + 1;
            rest = &rest[cut + 1..];
        }
        parts.push((offset, rest));
        let count = parts.len();
        for (index, &(start, part)) in parts.iter().enumerate() {
            let Some((key, v)) = part.split_once('=') else {
                return Err(format!("option `{}` is not `key=value`", part.trim()));
            };
            let v_start = start + key.len() + 1;
            let key = key.trim();
            match key {
                "skip" | "experimental" => {
                    let trimmed = v.trim();
                    let v_lead = v.len() - v.trim_start().len();
                    let mut names = Vec::new();
                    let mut all = false;
                    if trimmed == "all" {
                        all = true;
                    } else {
                        let mut pos = v_start + v_lead;
                        for item in trimmed.split(',') {
                            let name = item.trim();
                            let s = pos + (item.len() - item.trim_start().len());
                            if !name.is_empty() {
                                names.push(Name::buildkit(name, range(s, s + name.len())));
                            }
                            pos += item.len() + 1;
                        }
                    }
                    if key == "skip" {
                        if all {
                            let s = v_start + v_lead;
                            names = vec![Name::buildkit_all(range(s, s + 3))];
                        }
                        out.skip = Some(names);
                        if count > 1 {
                            // The option with one separator: the next `;`, or
                            // for the last option the previous one.
                            out.skip_option = if index + 1 < count {
                                range(start, parts[index + 1].0)
                            } else {
                                range(start - 1, start + part.len())
                            };
                        }
                    } else {
                        out.experimental = names;
                        out.experimental_all = all;
                    }
                }
                "error" => {
                    out.error = match v.trim() {
                        "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
                        "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
                        other => return Err(format!("`error={other}` is not a boolean")),
                    };
                }
                other => return Err(format!("unknown option `{other}`")),
            }
        }
        Ok(out)
    }

    fn options(&self) -> CheckOptions {
        CheckOptions {
            error: self.error,
            experimental: self.experimental.clone(),
            experimental_all: self.experimental_all,
        }
    }
}

/// Preview rules that `experimental=` turns on and `settings` leaves off.
fn experimental_rules(check: &CheckOptions, settings: &Settings) -> Vec<bool> {
    RULES
        .iter()
        .map(|r| {
            r.meta.status == Status::Preview
                && !settings.is_enabled(r.meta)
                && ((check.experimental_all && is_buildkit_check(r.meta))
                    || check
                        .experimental
                        .iter()
                        .any(|n| n.codes.contains(&r.meta.code)))
        })
        .collect()
}

/// Applies the file's own suppressions and `check` options to its findings:
/// runs preview rules named by `experimental=`, drops suppressed findings,
/// reports `LL114` when enabled, and raises every finding to error under
/// `error=true`.
pub(crate) fn apply(file: &Dockerfile<'_>, settings: &Settings, diagnostics: &mut Vec<Diagnostic>) {
    let mut suppressions = Suppressions::new(file, settings, settings.inline_ignores);
    let extra = experimental_rules(&suppressions.check, settings);
    if extra.iter().any(|&e| e) {
        let mut more = settings.with_enabled(extra);
        more.inline_ignores = false;
        diagnostics.extend(super::lint_file(file, &more));
    }
    diagnostics.retain(|d| !suppressions.suppress(d));
    if settings.inline_ignores && settings.is_enabled(&crate::rules::ll114_unused_suppression::META)
    {
        let mut unused = unused_suppressions(file, settings, &suppressions);
        unused.retain(|d| !suppressions.suppress(d));
        diagnostics.extend(unused);
    }
    if suppressions.check.error {
        for d in diagnostics.iter_mut() {
            d.severity = Severity::Error;
        }
    }
}

/// The `LL114` findings: suppressions that suppressed nothing, names that
/// name no rule, and comments that are not understood.
fn unused_suppressions(
    file: &Dockerfile<'_>,
    settings: &Settings,
    all: &Suppressions,
) -> Vec<Diagnostic> {
    let source = file.source;
    let mut out = Vec::new();
    let mut report = |problem: Problem, range: TextRange, fix: Option<Fix>| {
        let violation = UnusedSuppression { problem };
        let meta = &crate::rules::ll114_unused_suppression::META;
        out.push(Diagnostic {
            code: meta.code,
            name: meta.name,
            severity: settings.severity_of(meta),
            message: violation.message(),
            help: violation.help(),
            range,
            fix,
            related: Vec::new(),
        });
    };
    for m in &all.malformed {
        report(m.problem.clone(), m.range, None);
    }
    for s in &all.entries {
        let Some(range) = s.range else { continue };
        match s.scope {
            Scope::InContinuation => {
                report(Problem::InContinuation, range, None);
                continue;
            }
            Scope::Misplaced => {
                report(Problem::Misplaced, range, None);
                continue;
            }
            _ => {}
        }
        let bad: Vec<(&Name, bool)> = s
            .names
            .iter()
            .filter_map(|n| classify(n, s.origin, settings).map(|unknown| (n, unknown)))
            .collect();
        if bad.is_empty() {
            continue;
        }
        let unsafe_fix = bad.iter().any(|(_, unknown)| !unknown) && s.origin.shared();
        let make_fix = |title: String, edits: Vec<Edit>| {
            if unsafe_fix {
                Fix::unsafe_edits(title, edits)
            } else {
                Fix::safe(title, edits)
            }
        };
        if bad.len() == s.names.len() {
            let (title, edit) = match s.skip_option {
                Some(option) => ("Remove the `skip=` option".to_string(), option),
                None => (
                    "Remove the suppression comment".to_string(),
                    whole_line(source, range),
                ),
            };
            let names: Vec<String> = bad.iter().map(|(n, _)| n.text.clone()).collect();
            let problem = if bad.iter().all(|&(_, unknown)| unknown) {
                Problem::Unknown { names }
            } else {
                Problem::Unused { names, whole: true }
            };
            report(
                problem,
                range,
                Some(make_fix(title, vec![Edit::delete(edit)])),
            );
            continue;
        }
        for (i, name) in s.names.iter().enumerate() {
            let Some(&(_, unknown)) = bad.iter().find(|(n, _)| std::ptr::eq(*n, name)) else {
                continue;
            };
            let Some(at) = name.range else { continue };
            let cut = if let Some(next) = s.names.get(i + 1).and_then(|n| n.range) {
                TextRange::new(at.start, next.start)
            } else if let Some(prev) = i.checked_sub(1).and_then(|p| s.names[p].range) {
                TextRange::new(prev.end, at.end)
            } else {
                at
            };
            let problem = if unknown {
                Problem::Unknown {
                    names: vec![name.text.clone()],
                }
            } else {
                Problem::Unused {
                    names: vec![name.text.clone()],
                    whole: false,
                }
            };
            let fix = if unknown || !s.origin.shared() {
                Fix::safe(format!("Remove `{}`", name.text), vec![Edit::delete(cut)])
            } else {
                Fix::unsafe_edits(format!("Remove `{}`", name.text), vec![Edit::delete(cut)])
            };
            report(problem, at, Some(fix));
        }
    }
    out
}

/// Whether a name is worth reporting: `Some(true)` when it names no rule,
/// `Some(false)` when it suppressed nothing although a rule it names ran.
fn classify(name: &Name, origin: Origin, settings: &Settings) -> Option<bool> {
    if name.used || name.all {
        return None;
    }
    if name.codes.is_empty() {
        let shellcheck = origin == Origin::Hadolint && is_shellcheck_code(&name.text);
        let buildkit = matches!(origin, Origin::CheckComment | Origin::CheckDirective)
            && BUILDKIT_CHECKS
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&name.text));
        return (!shellcheck && !buildkit).then_some(true);
    }
    let ll114 = crate::rules::ll114_unused_suppression::META.code;
    if name.codes.contains(&ll114) {
        return None;
    }
    let ran = RULES
        .iter()
        .any(|r| name.codes.contains(&r.meta.code) && settings.is_enabled(r.meta));
    ran.then_some(false)
}

/// `SC` and four digits: a ShellCheck code, which hadolint's pragmas carry
/// for hadolint's embedded ShellCheck.
fn is_shellcheck_code(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 6 && b[..2].eq_ignore_ascii_case(b"SC") && b[2..].iter().all(u8::is_ascii_digit)
}

/// The whole line holding `range`, with its line break.
fn whole_line(source: &str, range: TextRange) -> TextRange {
    let start = source[..range.start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = source[range.end as usize..]
        .find('\n')
        .map_or(source.len(), |i| range.end as usize + i + 1);
    TextRange::from_usize(start, end)
}

#[cfg(test)]
mod tests;
