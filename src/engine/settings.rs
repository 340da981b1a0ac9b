//! Which rules run, at which severity, with which options. Built once (from
//! the command line and configuration) and shared by every file.

use std::collections::{BTreeMap, HashMap};

use super::rule::{RuleEntry, RuleMeta, Run, Status};
use crate::diagnostic::Severity;
use crate::rules::RULES;
use crate::syntax::Keyword;

/// A rule selector that names nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule or prefix `{0}`")]
pub struct UnknownSelector(pub String);

/// Rule selection as the user wrote it.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Replaces the default set when given.
    pub select: Option<Vec<String>>,
    /// Added to the set.
    pub extend_select: Vec<String>,
    /// Removed from the set.
    pub ignore: Vec<String>,
}

/// Options that individual rules read.
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    /// Registries images may come from (DL3026); empty means any.
    pub trusted_registries: Vec<String>,
    /// Labels every image must have, with the format of their value.
    pub required_labels: Vec<(String, String)>,
    /// Labels outside `required_labels` are findings (hadolint `strict-labels`).
    pub strict_labels: bool,
    /// Build arguments as `--build-arg`/config `build-args` give them: the
    /// values the build would see for these `ARG`s.
    pub build_args: BTreeMap<String, String>,
    /// The stage the build stops at (`--target`); `None`: the last stage.
    pub target: Option<String>,
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    enabled: Vec<bool>,
    severity: HashMap<&'static str, Severity>,
    pub options: RuleOptions,
    /// Honour `# layerlint ignore=` and compatible comments.
    pub inline_ignores: bool,
    /// Indices of enabled instruction rules, per keyword.
    by_keyword: Vec<Vec<usize>>,
    /// Indices of enabled whole-file rules.
    file_rules: Vec<usize>,
    /// ShellCheck codes (not in the registry): `(selector, on)` in the
    /// order given; the last one matching a code decides.
    shellcheck_codes: Vec<(String, bool)>,
    /// Whether the CLI runs ShellCheck.
    pub shellcheck: crate::shellcheck::Mode,
}

impl Default for Settings {
    fn default() -> Self {
        let enabled = RULES
            .iter()
            .map(|r| r.meta.default_enabled && r.meta.status == Status::Stable)
            .collect();
        Self::from_enabled(enabled)
    }
}

fn keyword_slot(k: Keyword) -> usize {
    k as usize
}

impl Settings {
    fn from_enabled(enabled: Vec<bool>) -> Self {
        let mut by_keyword = vec![Vec::new(); Keyword::ALL.len() + 1];
        let mut file_rules = Vec::new();
        for (i, rule) in RULES.iter().enumerate() {
            if !enabled[i] {
                continue;
            }
            match rule.run {
                Run::Instruction(kinds, _) => {
                    for &k in kinds {
                        by_keyword[keyword_slot(k)].push(i);
                    }
                }
                Run::File(_) | Run::Document(_) => file_rules.push(i),
                Run::Engine => {}
            }
        }
        Self {
            enabled,
            severity: HashMap::new(),
            options: RuleOptions::default(),
            inline_ignores: true,
            by_keyword,
            file_rules,
            shellcheck_codes: vec![("SC".to_string(), true)],
            shellcheck: crate::shellcheck::Mode::default(),
        }
    }

    /// Settings from a selection: the default set (or `select`), plus
    /// `extend_select`, minus `ignore`.
    pub fn from_selection(selection: &Selection) -> Result<Self, UnknownSelector> {
        Self::from_selections(std::slice::from_ref(selection))
    }

    /// Settings from layered selections, applied in order (a configuration
    /// file, then the command line): a layer's `select` replaces the set
    /// built so far, then its `extend_select` adds and its `ignore` removes.
    pub fn from_selections(layers: &[Selection]) -> Result<Self, UnknownSelector> {
        let mut enabled: Vec<bool> = Settings::default().enabled;
        let mut shellcheck = vec![("SC".to_string(), true)];
        // `SC2086`, `SC` or `ALL` as a ShellCheck selector.
        let sc = |s: &str| {
            let s = s.trim();
            if crate::shellcheck::is_selector(s) {
                Some(s.to_ascii_uppercase())
            } else {
                s.eq_ignore_ascii_case("all").then(|| "SC".to_string())
            }
        };
        for selection in layers {
            if let Some(list) = &selection.select {
                enabled = vec![false; RULES.len()];
                shellcheck.clear();
                for s in list {
                    shellcheck.extend(sc(s).map(|c| (c, true)));
                    for i in resolve(s)? {
                        enabled[i] = true;
                    }
                }
            }
            for s in &selection.extend_select {
                shellcheck.extend(sc(s).map(|c| (c, true)));
                for i in resolve(s)? {
                    enabled[i] = true;
                }
            }
            for s in &selection.ignore {
                shellcheck.extend(sc(s).map(|c| (c, false)));
                for i in resolve(s)? {
                    enabled[i] = false;
                }
            }
        }
        let mut settings = Self::from_enabled(enabled);
        settings.shellcheck_codes = shellcheck;
        Ok(settings)
    }

    /// These settings (severities, options) with another set of rules
    /// enabled, by registry index.
    pub(crate) fn with_enabled(&self, enabled: Vec<bool>) -> Self {
        let mut settings = Self::from_enabled(enabled);
        settings.severity.clone_from(&self.severity);
        settings.options = self.options.clone();
        settings.inline_ignores = self.inline_ignores;
        settings.shellcheck_codes.clone_from(&self.shellcheck_codes);
        settings.shellcheck = self.shellcheck;
        settings
    }

    /// Whether ShellCheck's `code` (`SC2086`) is reported.
    pub fn shellcheck_enabled(&self, code: &str) -> bool {
        self.shellcheck_codes
            .iter()
            .rev()
            .find(|(selector, _)| crate::shellcheck::covers(selector, code))
            .is_some_and(|(_, on)| *on)
    }

    /// Settings with exactly the given rules enabled (tests, `--select`).
    pub fn only(codes: &[&str]) -> Result<Self, UnknownSelector> {
        Self::from_selection(&Selection {
            select: Some(codes.iter().map(ToString::to_string).collect()),
            ..Selection::default()
        })
    }

    pub fn is_enabled(&self, meta: &RuleMeta) -> bool {
        RULES
            .iter()
            .position(|r| std::ptr::eq(r.meta, meta))
            .is_some_and(|i| self.enabled[i])
    }

    pub fn enabled_rules(&self) -> impl Iterator<Item = &'static RuleEntry> + '_ {
        RULES
            .iter()
            .zip(&self.enabled)
            .filter_map(|(r, &e)| e.then_some(*r))
    }

    /// Overrides a rule's severity.
    pub fn set_severity(&mut self, code: &'static str, severity: Severity) {
        self.severity.insert(code, severity);
    }

    pub fn severity_of(&self, meta: &RuleMeta) -> Severity {
        self.severity
            .get(meta.code)
            .copied()
            .unwrap_or(meta.severity)
    }

    pub(crate) fn rules_for(&self, kind: Keyword) -> &[usize] {
        &self.by_keyword[keyword_slot(kind)]
    }

    pub(crate) fn file_rules(&self) -> &[usize] {
        &self.file_rules
    }
}

/// The registry indices a selector names: a code, a name, an alias (which
/// may name several rules), a code prefix such as `LL2` or `DL30`, or `ALL`.
/// Case-insensitive. ShellCheck codes (`SC2086`, `SC`) are valid selectors
/// that name no registered rule.
pub fn resolve(selector: &str) -> Result<Vec<usize>, UnknownSelector> {
    let s = selector.trim();
    if crate::shellcheck::is_selector(s) {
        return Ok(Vec::new());
    }
    let hits: Vec<usize> = if s.eq_ignore_ascii_case("all") {
        (0..RULES.len()).collect()
    } else {
        let exact: Vec<usize> = RULES
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.meta.code.eq_ignore_ascii_case(s)
                    || r.meta.name.eq_ignore_ascii_case(s)
                    || r.meta.aliases.iter().any(|a| a.eq_ignore_ascii_case(s))
            })
            .map(|(i, _)| i)
            .collect();
        if exact.is_empty() && s.len() >= 2 {
            RULES
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.meta
                        .code
                        .get(..s.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(s))
                })
                .map(|(i, _)| i)
                .collect()
        } else {
            exact
        }
    };
    if hits.is_empty() {
        Err(UnknownSelector(selector.to_string()))
    } else {
        Ok(hits)
    }
}

/// The rule with this code, name or alias (the first, for an alias that
/// names several).
pub fn find(name: &str) -> Option<&'static RuleEntry> {
    let s = name.trim();
    RULES.iter().copied().find(|r| {
        r.meta.code.eq_ignore_ascii_case(s)
            || r.meta.name.eq_ignore_ascii_case(s)
            || r.meta.aliases.iter().any(|a| a.eq_ignore_ascii_case(s))
    })
}
