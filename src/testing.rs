//! The rule test harness. Every rule calls [`test_rule`] with its bad, good
//! and fix cases; the harness also runs the rule's documented examples and
//! checks the invariants every rule must keep:
//!
//! - the *Example* block of the docs fires, the *Use instead* block does not;
//! - every range lies inside the source, on character boundaries;
//! - declared fix availability matches what is emitted, every fix has a
//!   title, edits are in bounds and do not overlap;
//! - fixes converge, the fixed text gains no syntax error and no longer
//!   triggers the rule, and fixing twice changes nothing;
//! - exactly one snapshot per rule in `snapshots/rules/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;

use crate::diagnostic::Diagnostic;
use crate::engine::{
    self, FixAvailability, RuleEntry, RuleMeta, RuleOptions, Run, Settings, Status,
};
use crate::rules::RULES;
use crate::semantic::context::{BuildContext, WalkOptions};
use crate::syntax::{self, TextRange};

/// A rule's test cases.
#[derive(Debug, Clone, Copy)]
pub struct Cases {
    /// Each must trigger the rule at least once.
    pub bad: &'static [&'static str],
    /// None may trigger the rule.
    pub good: &'static [&'static str],
    /// `(input, expected)`: applying every fix (safe and unsafe) gives `expected`.
    pub fixes: &'static [(&'static str, &'static str)],
}

/// The `dockerfile` code blocks of the *Example* and *Use instead* parts of the docs.
pub fn doc_examples(docs: &str) -> (Vec<String>, Vec<String>) {
    let Some(example_at) = docs.find("## Example") else {
        return (Vec::new(), Vec::new());
    };
    let rest = &docs[example_at..];
    let section_end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    let section = &rest[..section_end];
    let (bad, good) = match section.find("Use instead") {
        Some(i) => (&section[..i], &section[i..]),
        None => (section, ""),
    };
    (code_blocks(bad), code_blocks(good))
}

fn code_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("```dockerfile\n") {
        let body = &rest[start + "```dockerfile\n".len()..];
        let Some(end) = body.find("```") else { break };
        blocks.push(body[..end].to_string());
        rest = &body[end + 3..];
    }
    blocks
}

fn settings_for(rule: &RuleEntry, companions: &[&str]) -> Settings {
    let mut codes = vec![rule.meta.code];
    codes.extend_from_slice(companions);
    Settings::only(&codes).expect("rule codes resolve")
}

/// Lints with only this rule (and its companions) enabled and checks the
/// invariants on the rule's own findings, which it returns.
fn lint_checked(rule: &RuleEntry, settings: &Settings, source: &str) -> Vec<Diagnostic> {
    let mut diagnostics = CONTEXT
        .with(|c| engine::lint_in_context(&syntax::parse(source), settings, c.borrow().as_ref()));
    for d in &diagnostics {
        check_range(source, d.range, &format!("{} range", d.code));
        assert!(
            d.code == rule.meta.code || settings.is_enabled(find_meta(d.code)),
            "unexpected {} in {source:?}",
            d.code
        );
    }
    diagnostics.retain(|d| d.code == rule.meta.code);
    for d in &diagnostics {
        for r in &d.related {
            check_range(source, r.range, "related range");
        }
        assert!(!d.message.is_empty(), "{}: empty message", d.code);
        match (rule.meta.fix, &d.fix) {
            (FixAvailability::None, Some(_)) => {
                panic!("{} declares no fix but emitted one", d.code)
            }
            (FixAvailability::Always, None) => {
                panic!(
                    "{} declares a fix always but emitted none for {source:?}",
                    d.code
                )
            }
            _ => {}
        }
        if let Some(fix) = &d.fix {
            assert!(!fix.title.trim().is_empty(), "{}: untitled fix", d.code);
            assert!(!fix.edits.is_empty(), "{}: fix without edits", d.code);
            for e in &fix.edits {
                check_range(source, e.range, "edit range");
            }
            for w in fix.edits.windows(2) {
                assert!(
                    w[0].range.end <= w[1].range.start,
                    "{}: overlapping edits in one fix",
                    d.code
                );
            }
        }
    }
    diagnostics
}

fn check_range(source: &str, range: TextRange, what: &str) {
    assert!(range.start <= range.end, "{what} {range:?} is reversed");
    assert!(
        range.end as usize <= source.len(),
        "{what} {range:?} ends past the source ({} bytes)",
        source.len()
    );
    assert!(
        source.is_char_boundary(range.start as usize)
            && source.is_char_boundary(range.end as usize),
        "{what} {range:?} splits a character"
    );
}

/// Fixes `source` (safe and unsafe) and checks convergence and re-parsing.
fn fix_checked(rule: &RuleEntry, settings: &Settings, source: &str) -> String {
    let before = syntax::parse(source).errors.len();
    let fix = |text: &str| {
        CONTEXT.with(|c| engine::fix_in_context(text, settings, c.borrow().as_ref(), true))
    };
    let outcome = fix(source);
    let after = syntax::parse(&outcome.text).errors.len();
    assert!(
        after <= before,
        "{}: fixing {source:?} added syntax errors:\n{}",
        rule.meta.code,
        outcome.text
    );
    let again = fix(&outcome.text);
    assert_eq!(
        again.text, outcome.text,
        "{}: a second fix pass changed the text",
        rule.meta.code
    );
    if outcome.applied > 0 {
        let fixable_left: Vec<_> = outcome
            .remaining
            .iter()
            .filter(|d| d.fix.as_ref().is_some_and(|f| f.allowed(true)))
            .collect();
        assert!(
            fixable_left.is_empty(),
            "{}: fixed text still has fixable findings: {fixable_left:?}\n{}",
            rule.meta.code,
            outcome.text
        );
    }
    outcome.text
}

fn find_meta(code: &str) -> &'static RuleMeta {
    RULES
        .iter()
        .find(|r| r.meta.code == code)
        .map(|r| r.meta)
        .expect("a diagnostic's code is a registered rule")
}

thread_local! {
    /// The build context the cases of a context rule are linted with.
    static CONTEXT: std::cell::RefCell<Option<BuildContext>> = const { std::cell::RefCell::new(None) };
}

/// A build context made of `files` (`(path, content)`; a path ending in `/`
/// is an empty directory) in a temporary directory.
pub fn context_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let full = dir.path().join(path);
        if path.ends_with('/') {
            std::fs::create_dir_all(&full).unwrap();
        } else {
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, content).unwrap();
        }
    }
    dir
}

/// [`test_rule`] for a rule that reads the build context: every case, the
/// documented examples included, is linted with the context `files` (see
/// [`context_dir`]; a `.dockerignore` among them applies).
pub fn test_rule_in_context(rule: &'static RuleEntry, files: &[(&str, &str)], cases: Cases) {
    let dir = context_dir(files);
    let context = BuildContext::load(dir.path(), None, WalkOptions::default()).unwrap();
    CONTEXT.with(|c| *c.borrow_mut() = Some(context));
    test_rule_with(rule, &[], cases);
    CONTEXT.with(|c| *c.borrow_mut() = None);
}

/// Runs every check on one rule. Call it from the rule's test module.
pub fn test_rule(rule: &'static RuleEntry, cases: Cases) {
    test_rule_with(rule, &[], cases);
}

/// Like [`test_rule`], with companion rules enabled next to it: for rules
/// that report on other rules' findings (`LL114 unused-suppression`). Only
/// the rule's own findings are checked, counted and snapshotted. Fixing
/// applies the companions' fixes too, so their findings in the cases should
/// have none.
pub fn test_rule_with(rule: &'static RuleEntry, companions: &[&str], cases: Cases) {
    run_cases(rule, &settings_for(rule, companions), cases);
}

/// Like [`test_rule`], with rule options set by `configure` (for rules that
/// do nothing without them, such as `trusted-registries`). The docs'
/// examples and every case are linted with these settings.
pub fn test_rule_configured(
    rule: &'static RuleEntry,
    configure: impl FnOnce(&mut RuleOptions),
    cases: Cases,
) {
    let mut settings = settings_for(rule, &[]);
    configure(&mut settings.options);
    run_cases(rule, &settings, cases);
}

/// Like [`test_rule`], with rule options (`required-labels`,
/// `trusted-registries`…) set for the cases and the documented examples.
pub fn test_rule_with_options(rule: &'static RuleEntry, options: RuleOptions, cases: Cases) {
    test_rule_configured(rule, |o| *o = options, cases);
}

fn run_cases(rule: &'static RuleEntry, settings: &Settings, cases: Cases) {
    let meta = rule.meta;
    let (examples, use_instead) = doc_examples(&meta.docs());
    if !matches!(rule.run, Run::Engine) {
        assert!(
            !examples.is_empty(),
            "{}: docs need an ```dockerfile example",
            meta.code
        );
        assert!(
            !use_instead.is_empty(),
            "{}: docs need a `Use instead` block",
            meta.code
        );
    }
    for example in &examples {
        assert!(
            !lint_checked(rule, settings, example).is_empty(),
            "{}: the documented example does not trigger the rule:\n{example}",
            meta.code
        );
    }
    for good in &use_instead {
        let found = lint_checked(rule, settings, good);
        assert!(
            found.is_empty(),
            "{}: the documented `Use instead` triggers the rule: {found:?}\n{good}",
            meta.code
        );
    }
    assert!(!cases.bad.is_empty(), "{}: no bad cases", meta.code);
    let mut any_fix = false;
    for bad in cases.bad {
        let found = lint_checked(rule, settings, bad);
        assert!(
            !found.is_empty(),
            "{}: bad case not flagged:\n{bad}",
            meta.code
        );
        any_fix |= found.iter().any(|d| d.fix.is_some());
        fix_checked(rule, settings, bad);
    }
    for good in cases.good {
        let found = lint_checked(rule, settings, good);
        assert!(
            found.is_empty(),
            "{}: good case flagged: {found:?}\n{good}",
            meta.code
        );
    }
    if meta.fix != FixAvailability::None {
        assert!(
            any_fix,
            "{}: declares fixes but no bad case has one",
            meta.code
        );
        assert!(
            !cases.fixes.is_empty(),
            "{}: declares fixes but has no fix cases",
            meta.code
        );
    }
    for (input, expected) in cases.fixes {
        let fixed = fix_checked(rule, settings, input);
        assert_eq!(&fixed, expected, "{}: fix of {input:?}", meta.code);
        assert!(
            lint_checked(rule, settings, &fixed)
                .iter()
                .all(|d| d.fix.is_none()),
            "{}: the fixed text re-triggers the rule with a fix",
            meta.code
        );
    }
    insta::with_settings!({
        snapshot_path => "../snapshots/rules",
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => format!("{} {}: every bad case", meta.code, meta.name),
    }, {
        insta::assert_snapshot!(snapshot_name(rule), render_cases(rule, settings, cases.bad));
    });
}

pub fn snapshot_name(rule: &RuleEntry) -> String {
    format!("{}_{}", rule.meta.code, rule.meta.name)
}

/// Plain-text rendering of the bad cases: numbered source, then each finding
/// with its position, message, help and the diff its fix makes.
fn render_cases(rule: &RuleEntry, settings: &Settings, bad: &[&str]) -> String {
    let mut out = String::new();
    for (n, source) in bad.iter().enumerate() {
        let file = syntax::parse(source);
        let _ = writeln!(out, "── case {} ──", n + 1);
        for (i, line) in source.lines().enumerate() {
            match line.char_indices().nth(120) {
                Some((cut, _)) => {
                    let _ = writeln!(
                        out,
                        "{:>3} │ {}… ({} bytes)",
                        i + 1,
                        &line[..cut],
                        line.len()
                    );
                }
                None => {
                    let _ = writeln!(out, "{:>3} │ {line}", i + 1);
                }
            }
        }
        for d in lint_checked(rule, settings, source) {
            let a = file.line_index.line_col(source, d.range.start);
            let b = file.line_index.line_col(source, d.range.end);
            let _ = writeln!(
                out,
                "{} {} {}:{}-{}:{} {}",
                d.code, d.severity, a.line, a.column, b.line, b.column, d.message
            );
            if let Some(help) = &d.help {
                let _ = writeln!(out, "    help: {help}");
            }
            for r in &d.related {
                let p = file.line_index.line_col(source, r.range.start);
                let _ = writeln!(out, "    note {}:{}: {}", p.line, p.column, r.message);
            }
            if let Some(fix) = &d.fix {
                let (fixed, _) = crate::fix::apply(source, [fix]);
                let _ = writeln!(
                    out,
                    "    fix ({}): {}",
                    fix.applicability.as_str(),
                    fix.title
                );
                let diff = similar::TextDiff::from_lines(*source, fixed.as_str());
                for change in diff.iter_all_changes() {
                    let sign = match change.tag() {
                        similar::ChangeTag::Delete => "-",
                        similar::ChangeTag::Insert => "+",
                        similar::ChangeTag::Equal => continue,
                    };
                    let _ = write!(out, "    {sign} {}", change.value());
                    if change.missing_newline() {
                        out.push('\n');
                    }
                }
            }
        }
    }
    out
}

#[test]
fn snapshot_inventory() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/rules");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str().map(ToString::to_string))
                .filter_map(|n| n.strip_suffix(".snap").map(ToString::to_string))
                .collect()
        })
        .unwrap_or_default();
    on_disk.sort();
    let mut expected: Vec<String> = RULES.iter().map(|r| snapshot_name(r)).collect();
    expected.sort();
    let missing: Vec<_> = expected.iter().filter(|e| !on_disk.contains(e)).collect();
    let orphaned: Vec<_> = on_disk.iter().filter(|e| !expected.contains(e)).collect();
    assert!(
        missing.is_empty() && orphaned.is_empty(),
        "snapshots/rules: missing {missing:?}, orphaned {orphaned:?}"
    );
}

/// The README's rule table, generated from the registry.
pub fn readme_rule_table() -> String {
    let mut out = String::from(
        "| code | name | category | severity | fix | what it flags |\n|---|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let m = rule.meta;
        let aliases = if m.aliases.is_empty() {
            String::new()
        } else {
            format!(" ({})", m.aliases.join(", "))
        };
        let status = if m.status == Status::Preview {
            " (preview)"
        } else if !m.default_enabled {
            " (opt-in)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {} | {}{aliases} | {} | {} | {} | {}{status} |",
            m.code,
            m.name,
            m.category.as_str(),
            m.severity,
            m.fix.as_str(),
            m.summary().replace('|', "\\|")
        );
    }
    out
}

#[test]
fn readme_rule_table_is_current() {
    const START: &str = "<!-- rules:start -->\n";
    const END: &str = "<!-- rules:end -->";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find(START).expect("README has a rules:start marker") + START.len();
    let end = readme.find(END).expect("README has a rules:end marker");
    let table = readme_rule_table();
    if readme[start..end] != table {
        if std::env::var_os("LAYERLINT_BLESS").is_some() {
            let updated = format!("{}{table}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README.md's rule table is stale; run `LAYERLINT_BLESS=1 cargo test readme` and commit"
            );
        }
    }
}
