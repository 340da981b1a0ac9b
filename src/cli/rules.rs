//! `layerlint rule CODE` and `layerlint rules`.

use std::fmt::Write as _;
use std::io::Write;

use serde::Serialize;

use super::error::CliError;
use super::{ListFormat, Outcome};
use crate::engine::{RuleMeta, Status};
use crate::rules::RULES;

/// The rules a name means: every rule whose code, name or alias it is
/// (an alias may name several), case-insensitively.
fn named(name: &str) -> Vec<&'static RuleMeta> {
    let name = name.trim();
    RULES
        .iter()
        .map(|r| r.meta)
        .filter(|m| {
            m.code.eq_ignore_ascii_case(name)
                || m.name.eq_ignore_ascii_case(name)
                || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
        .collect()
}

/// A rule's metadata, then its documentation (Markdown).
pub fn describe(meta: &RuleMeta) -> String {
    let mut out = format!("# {} {}\n\n", meta.code, meta.name);
    let aliases = if meta.aliases.is_empty() {
        "none".to_string()
    } else {
        meta.aliases.join(", ")
    };
    let status = match (meta.status, meta.default_enabled) {
        (Status::Preview, _) => "preview (runs only when selected)",
        (Status::Stable, false) => "stable, opt-in (runs only when selected)",
        (Status::Stable, true) => "stable",
    };
    for (key, value) in [
        ("Aliases", aliases.as_str()),
        ("Category", meta.category.as_str()),
        ("Default severity", meta.severity.as_str()),
        ("Fix", meta.fix.as_str()),
        ("Status", status),
    ] {
        let _ = writeln!(out, "- {key}: {value}");
    }
    let _ = writeln!(out, "- Documentation: {}\n", meta.url());
    out.push_str(&meta.docs());
    out
}

pub fn explain(name: &str) -> Result<Outcome, CliError> {
    let metas = named(name);
    if metas.is_empty() {
        return Err(CliError::Usage(format!(
            "unknown rule `{name}` (`layerlint rules` lists every rule)"
        )));
    }
    let text: Vec<String> = metas.into_iter().map(describe).collect();
    write_stdout(text.join("\n").as_bytes())?;
    Ok(Outcome::Clean)
}

#[derive(Serialize)]
struct Listed {
    code: &'static str,
    name: &'static str,
    aliases: &'static [&'static str],
    category: &'static str,
    severity: &'static str,
    fix: &'static str,
    status: &'static str,
    summary: String,
}

pub fn list(format: ListFormat) -> Result<Outcome, CliError> {
    let rows: Vec<Listed> = RULES
        .iter()
        .map(|r| {
            let m = r.meta;
            Listed {
                code: m.code,
                name: m.name,
                aliases: m.aliases,
                category: m.category.as_str(),
                severity: m.severity.as_str(),
                fix: m.fix.as_str(),
                status: match (m.status, m.default_enabled) {
                    (Status::Preview, _) => "preview",
                    (Status::Stable, false) => "opt-in",
                    (Status::Stable, true) => "stable",
                },
                summary: m.summary(),
            }
        })
        .collect();
    let out = match format {
        ListFormat::Json => {
            let mut out =
                serde_json::to_string_pretty(&rows).map_err(|e| CliError::Output(e.into()))?;
            out.push('\n');
            out
        }
        ListFormat::Text => {
            let name_width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
            let mut out = String::new();
            for r in &rows {
                let status = if r.status == "stable" {
                    String::new()
                } else {
                    format!(" ({})", r.status)
                };
                let _ = writeln!(
                    out,
                    "{:<7} {:<name_width$}  {:<15} {:<7} {}{status}",
                    r.code, r.name, r.category, r.severity, r.summary
                );
            }
            out
        }
    };
    write_stdout(out.as_bytes())?;
    Ok(Outcome::Clean)
}

fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(CliError::Output)
}
