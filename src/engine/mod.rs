//! The lint engine: runs every enabled rule over a parsed file in one pass,
//! turns syntax errors into findings, and applies fixes to a fixed point.
//! Pure: no file or terminal I/O.

mod checker;
mod incremental;
mod rule;
mod settings;
mod suppress;

pub use checker::Checker;
use checker::Models;
pub use incremental::IncrementalLint;
pub use rule::{
    Category, DOCS_URL, FixAvailability, RuleEntry, RuleMeta, RuleVariant, Run, Status, Violation,
};
pub use settings::{RuleOptions, Selection, Settings, UnknownSelector, find, resolve};

use crate::diagnostic::Diagnostic;
use crate::fix as fixes;
use crate::rules::{RULES, syntax_errors};
use crate::semantic::Stages;
use crate::semantic::context::BuildContext;
use crate::syntax::{self, Args, Dockerfile};

/// Lints a source text.
pub fn lint(source: &str, settings: &Settings) -> Vec<Diagnostic> {
    lint_file(&syntax::parse(source), settings)
}

/// A file's bytes as text, and the findings in it.
#[derive(Debug)]
pub struct Linted<'b> {
    /// The text (lossily decoded when the bytes are not UTF-8, so that the
    /// finding can be shown in context).
    pub text: std::borrow::Cow<'b, str>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints raw file content. Bytes that are not UTF-8 text (another encoding,
/// or binary data with NUL bytes) give one `LL013` finding at the first
/// offending byte instead of lint results.
pub fn lint_bytes<'b>(bytes: &'b [u8], settings: &Settings) -> Linted<'b> {
    lint_bytes_in_context(bytes, settings, None)
}

/// [`lint_bytes`] with the file's build context.
pub fn lint_bytes_in_context<'b>(
    bytes: &'b [u8],
    settings: &Settings,
    context: Option<&BuildContext>,
) -> Linted<'b> {
    let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
    let problem = match (
        bytes.iter().position(|&b| b == 0),
        std::str::from_utf8(bytes),
    ) {
        _ if utf16 => (
            0,
            "the file is UTF-16 text (it starts with a UTF-16 byte-order mark), not UTF-8"
                .to_string(),
        ),
        (None, Ok(text)) => {
            return Linted {
                text: std::borrow::Cow::Borrowed(text),
                diagnostics: lint_in_context(&syntax::parse(text), settings, context),
            };
        }
        (Some(nul), _) => (
            nul,
            "binary file: contains a NUL byte, not Dockerfile text".to_string(),
        ),
        (None, Err(e)) => {
            let at = e.valid_up_to();
            (
                at,
                format!(
                    "invalid UTF-8: byte 0x{:02x} is not UTF-8 text (is the file in another encoding?)",
                    bytes[at]
                ),
            )
        }
    };
    let (offset, message) = problem;
    let text = String::from_utf8_lossy(bytes);
    let start = text
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| i >= offset)
        .unwrap_or(text.len());
    let end = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    let meta = syntax_errors::meta(syntax::SyntaxErrorKind::InvalidEncoding);
    let mut diagnostics = Vec::new();
    if settings.is_enabled(meta) {
        diagnostics.push(Diagnostic {
            code: meta.code,
            name: meta.name,
            severity: settings.severity_of(meta),
            message,
            help: Some("Save the file as UTF-8 text".to_string()),
            range: syntax::TextRange::from_usize(start, end),
            fix: None,
            related: Vec::new(),
        });
    }
    Linted { text, diagnostics }
}

/// Lints a parsed file: syntax errors, then every enabled rule, sorted by
/// position and code.
pub fn lint_file(file: &Dockerfile<'_>, settings: &Settings) -> Vec<Diagnostic> {
    lint_in_context(file, settings, None)
}

/// Lints a parsed file whose build context has been loaded, so that rules
/// about the files a `COPY` reads can run.
pub fn lint_in_context(
    file: &Dockerfile<'_>,
    settings: &Settings,
    context: Option<&BuildContext>,
) -> Vec<Diagnostic> {
    let diagnostics = collect(file, settings, context, Pass::All);
    finish(file, settings, diagnostics)
}

/// Which rules a [`collect`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pass {
    /// Everything.
    All,
    /// Syntax errors, instruction rules and [`Run::File`] rules: the
    /// findings an edit in an unrelated stage cannot change.
    Local,
    /// Only the [`Run::Document`] rules.
    Document,
}

/// The findings of the enabled rules of `pass`, before suppression
/// comments apply, in no particular order.
pub(crate) fn collect(
    file: &Dockerfile<'_>,
    settings: &Settings,
    context: Option<&BuildContext>,
    pass: Pass,
) -> Vec<Diagnostic> {
    let stages = Stages::new(file);
    let models = Models::default();
    let mut checker = Checker::new(file, settings, &stages, context, &models);
    if pass != Pass::Document {
        local_pass(file, settings, &mut checker);
    }
    for &rule in settings.file_rules() {
        let check = match RULES[rule].run {
            Run::File(check) if pass != Pass::Document => check,
            Run::Document(check) if pass != Pass::Local => check,
            _ => continue,
        };
        checker.rule = Some(RULES[rule].meta);
        check(&mut checker);
    }
    checker.diagnostics
}

/// Syntax errors and the instruction rules.
fn local_pass(file: &Dockerfile<'_>, settings: &Settings, checker: &mut Checker<'_, '_>) {
    let substitutions = if settings.is_enabled(syntax_errors::meta(
        syntax::SyntaxErrorKind::BadSubstitution,
    )) {
        checker.vars().bad_substitutions(file)
    } else {
        Vec::new()
    };
    for error in file.errors.iter().chain(&substitutions) {
        let meta = syntax_errors::meta(error.kind);
        if settings.is_enabled(meta) {
            checker.diagnostics.push(Diagnostic {
                code: meta.code,
                name: meta.name,
                severity: settings.severity_of(meta),
                message: error.message.clone(),
                help: None,
                range: error.range,
                fix: None,
                related: Vec::new(),
            });
        }
    }
    for (index, inst) in file.instructions.iter().enumerate() {
        checker.index = index;
        let mut current = Some(inst);
        while let Some(inst) = current {
            for &rule in settings.rules_for(inst.kind) {
                if let Run::Instruction(_, check) = RULES[rule].run {
                    checker.rule = Some(RULES[rule].meta);
                    check(checker, inst);
                }
            }
            current = match &inst.args {
                Args::Onbuild(inner) => inner.as_deref(),
                _ => None,
            };
        }
    }
}

/// Applies the file's suppression comments and sorts by position and code.
pub(crate) fn finish(
    file: &Dockerfile<'_>,
    settings: &Settings,
    mut diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    suppress::apply(file, settings, &mut diagnostics);
    // Stable: findings of one rule at one place keep the order the rule
    // gave them (an incremental lint keeps each rule's order too).
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics
}

/// Drops the findings of an outside tool (ShellCheck) that the file's
/// suppression comments cover (`# hadolint ignore=SC2086`).
pub fn suppress_external(
    file: &Dockerfile<'_>,
    settings: &Settings,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !settings.inline_ignores {
        return;
    }
    let mut suppressions = suppress::Suppressions::new(file, settings, true);
    diagnostics.retain(|d| !suppressions.suppress(d));
}

/// What fixing a source produced.
#[derive(Debug, Clone)]
pub struct FixOutcome {
    /// The fixed text (equal to the input when nothing applied).
    pub text: String,
    /// How many fixes were applied over all passes.
    pub applied: usize,
    /// Findings left in the fixed text.
    pub remaining: Vec<Diagnostic>,
}

/// Fix passes before giving up on convergence.
const MAX_FIX_PASSES: usize = 16;

/// Applies safe fixes (and unsafe ones when asked) until nothing changes. A
/// pass whose result would have more syntax errors than the original is
/// retried fix by fix, keeping only the fixes that do not add errors.
pub fn fix(source: &str, settings: &Settings, unsafe_fixes: bool) -> FixOutcome {
    fix_in_context(source, settings, None, unsafe_fixes)
}

/// [`fix`] for a file whose build context has been loaded, so that the
/// fixes of context rules apply too.
pub fn fix_in_context(
    source: &str,
    settings: &Settings,
    context: Option<&BuildContext>,
    unsafe_fixes: bool,
) -> FixOutcome {
    let lint =
        |text: &str, settings: &Settings| lint_in_context(&syntax::parse(text), settings, context);
    let baseline = syntax::parse(source).errors.len();
    let mut text = source.to_string();
    let mut applied = 0;
    for _ in 0..MAX_FIX_PASSES {
        let diagnostics = lint(&text, settings);
        let fixes: Vec<&fixes::Fix> = diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.allowed(unsafe_fixes))
            .collect();
        if fixes.is_empty() {
            break;
        }
        let (candidate, n) = fixes::apply(&text, fixes.iter().copied());
        let (candidate, n) = if syntax::parse(&candidate).errors.len() > baseline {
            one_by_one(&text, &fixes, baseline)
        } else {
            (candidate, n)
        };
        if n == 0 || candidate == text {
            break;
        }
        text = candidate;
        applied += n;
    }
    let remaining = lint(&text, settings);
    FixOutcome {
        text,
        applied,
        remaining,
    }
}

/// Applies fixes one at a time, skipping each that adds a syntax error.
fn one_by_one(source: &str, fixes: &[&fixes::Fix], baseline: usize) -> (String, usize) {
    let mut kept: Vec<&fixes::Fix> = Vec::new();
    for &f in fixes {
        let mut trial = kept.clone();
        trial.push(f);
        let (text, n) = fixes::apply(source, trial.iter().copied());
        if n == trial.len() && syntax::parse(&text).errors.len() <= baseline {
            kept = trial;
        }
    }
    fixes::apply(source, kept.iter().copied())
}
