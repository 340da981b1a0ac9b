//! What a rule is: its metadata, the violation type that builds its message,
//! and how the engine runs it. Rules are declared with [`declare_rule!`].

use serde::Serialize;

use super::checker::Checker;
use crate::diagnostic::Severity;
use crate::syntax::{Instruction, Keyword};

/// Families of rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The file cannot be built as written.
    Syntax,
    /// The build fails or does something other than intended.
    Correctness,
    /// Two builds of the same commit can differ.
    Reproducibility,
    /// Secrets, privileges, unverified downloads.
    Security,
    /// The build cache is defeated.
    Cache,
    /// The image is larger than it needs to be.
    Size,
    /// Deprecated or confusing constructs.
    Maintainability,
    /// Consistency and conventions.
    Style,
}

impl Category {
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Correctness => "correctness",
            Category::Reproducibility => "reproducibility",
            Category::Security => "security",
            Category::Cache => "cache",
            Category::Size => "size",
            Category::Maintainability => "maintainability",
            Category::Style => "style",
        }
    }
}

/// Whether a rule offers fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    pub const fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Stable,
    /// Runs only when selected explicitly.
    Preview,
}

/// Everything known about a rule without running it.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    /// Other names the rule answers to (BuildKit check names…).
    pub aliases: &'static [&'static str],
    pub category: Category,
    pub severity: Severity,
    pub fix: FixAvailability,
    pub status: Status,
    /// Enabled without being selected.
    pub default_enabled: bool,
    /// The rule's doc comment, as written (each line keeps its leading space).
    pub raw_docs: &'static str,
}

/// Where the rule documentation lives.
pub const DOCS_URL: &str = "https://github.com/layerlint/layerlint/blob/main/docs/rules";

impl RuleMeta {
    /// The documentation as Markdown.
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }

    /// One sentence: the first paragraph of "What it does".
    pub fn summary(&self) -> String {
        let docs = self.docs();
        let body = docs
            .split_once("## What it does")
            .map_or(docs.as_str(), |(_, rest)| rest);
        body.trim_start()
            .split("\n\n")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The text of a `## Heading` section (up to the next `##`).
    pub fn section(&self, heading: &str) -> Option<String> {
        let docs = self.docs();
        let marker = format!("## {heading}");
        let start = docs.find(&marker)? + marker.len();
        let rest = &docs[start..];
        let end = rest.find("\n## ").unwrap_or(rest.len());
        Some(rest[..end].trim().to_string())
    }

    pub fn url(&self) -> String {
        format!("{DOCS_URL}/{}.md", self.code)
    }
}

/// How a rule is run.
#[derive(Clone, Copy)]
pub enum Run {
    /// Once per instruction of the listed kinds (ONBUILD's wrapped instruction
    /// included).
    Instruction(
        &'static [Keyword],
        fn(&mut Checker<'_, '_>, &Instruction<'_>),
    ),
    /// Once per file. Its findings in a stage may depend on that stage, the
    /// stages it is connected to (`FROM`, `COPY --from`, `RUN
    /// --mount=from`), the instructions before the first `FROM` and the
    /// `FROM` lines, but on nothing else: an edit elsewhere reuses them.
    File(fn(&mut Checker<'_, '_>)),
    /// Once per file, for a rule whose findings depend on the whole
    /// document (such as the casing most instructions use): run again on
    /// every edit.
    Document(fn(&mut Checker<'_, '_>)),
    /// Reported by the engine itself (syntax errors, unused suppressions).
    Engine,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Run::Instruction(kinds, _) => write!(f, "Instruction({kinds:?})"),
            Run::File(_) => f.write_str("File"),
            Run::Document(_) => f.write_str("Document"),
            Run::Engine => f.write_str("Engine"),
        }
    }
}

/// A rule as the registry holds it.
#[derive(Debug)]
pub struct RuleEntry {
    pub meta: &'static RuleMeta,
    pub run: Run,
}

/// The typed finding a rule reports; it builds the message (and help) text.
/// [`declare_rule!`] links it to its rule; the rule module implements this.
pub trait Violation: RuleVariant {
    /// What is wrong, naming the offending token.
    fn message(&self) -> String;
    /// What to do about it, as an imperative sentence.
    fn help(&self) -> Option<String> {
        None
    }
}

/// Declares a rule: its documentation (the doc comment), the violation struct,
/// the metadata and which instructions it visits. The module must define
/// `fn check(checker: &mut Checker, inst: &Instruction)` (or
/// `fn check(checker: &mut Checker)` with `visits = file`, or with
/// `visits = document` when its findings depend on the whole document, see
/// [`Run`]) and implement
/// [`Violation`] for the struct:
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub struct WorkdirRelative { path: String }
///     code = "DL3000", name = "workdir-relative-path", aliases = ["WorkdirRelativePath"],
///     category = Correctness, severity = Error, fix = None,
///     visits = [Workdir],
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        $vis:vis struct $name:ident { $($field:ident : $ty:ty),* $(,)? }
        code = $code:literal, name = $rname:literal, aliases = [$($alias:literal),* $(,)?],
        category = $cat:ident, severity = $sev:ident, fix = $fix:ident
        $(, status = $status:ident)?
        $(, default = $default:literal)?
        , visits = $visits:tt $(,)?
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone)]
        $vis struct $name { $(pub $field: $ty),* }

        pub static META: $crate::engine::RuleMeta = $crate::engine::RuleMeta {
            code: $code,
            name: $rname,
            aliases: &[$($alias),*],
            category: $crate::engine::Category::$cat,
            severity: $crate::diagnostic::Severity::$sev,
            fix: $crate::engine::FixAvailability::$fix,
            status: $crate::declare_rule!(@status $($status)?),
            default_enabled: $crate::declare_rule!(@default $($default)?),
            raw_docs: concat!($($doc, "\n"),+),
        };

        pub static RULE: $crate::engine::RuleEntry = $crate::engine::RuleEntry {
            meta: &META,
            run: $crate::declare_rule!(@run $visits),
        };

        impl $crate::engine::RuleVariant for $name {
            fn meta() -> &'static $crate::engine::RuleMeta {
                &META
            }
        }
    };
    (@status) => { $crate::engine::Status::Stable };
    (@status $s:ident) => { $crate::engine::Status::$s };
    (@default) => { true };
    (@default $d:literal) => { $d };
    (@run file) => { $crate::engine::Run::File(check) };
    (@run document) => { $crate::engine::Run::Document(check) };
    (@run engine) => { $crate::engine::Run::Engine };
    (@run [$($kind:ident),+ $(,)?]) => {
        $crate::engine::Run::Instruction(&[$($crate::syntax::Keyword::$kind),+], check)
    };
}

/// Links a violation type to its rule's metadata (implemented by
/// [`declare_rule!`]).
pub trait RuleVariant {
    fn meta() -> &'static RuleMeta;
}
