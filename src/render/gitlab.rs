//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues).

use std::io::{self, Write};

use serde::Serialize;

use super::FileReport;
use crate::diagnostic::Severity;
use crate::engine::{self, Category};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

/// GitLab's five levels: a syntax error (the image cannot be built) is a
/// blocker, other errors critical, warnings major, info minor, style info.
fn severity(code: &str, severity: Severity) -> &'static str {
    let syntax = engine::find(code).is_some_and(|r| r.meta.category == Category::Syntax);
    match severity {
        Severity::Error if syntax => "blocker",
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "minor",
        Severity::Style => "info",
    }
}

pub fn render(files: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    let mut issues = Vec::new();
    for file in files {
        let path = file.slash_path();
        for (d, fingerprint) in file.diagnostics.iter().zip(file.fingerprints()) {
            let span = file.span(d.range);
            issues.push(Issue {
                description: format!("{}: {}", d.code, d.message),
                check_name: d.code,
                fingerprint,
                severity: severity(d.code, d.severity),
                location: Location {
                    path: path.clone(),
                    lines: Lines {
                        begin: span.line,
                        end: span.end_line,
                    },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
