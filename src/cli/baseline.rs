//! `--baseline FILE` / `--write-baseline FILE`: adopt layerlint on an old
//! repository by recording today's findings and reporting only new ones.
//!
//! A finding is remembered by the fingerprint SARIF and GitLab reports
//! carry ([`FileReport::fingerprints`]), which holds no line number, so
//! findings survive lines moving: the rule code, the file, the text of the
//! flagged lines (whitespace collapsed), the text it points at, and an
//! occurrence number that tells identical findings in one file apart.
//! Editing a flagged line makes its findings new, which is what a reviewer
//! wants.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::CliError;
use crate::diagnostic::Diagnostic;
use crate::render::FileReport;

/// The file format's version; a file with another one is refused.
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    /// Sorted by file, then line.
    findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    file: String,
    code: String,
    fingerprint: String,
    /// For people reading the file; not used for matching.
    line: u32,
    message: String,
}

/// A loaded baseline: the fingerprints it accepts, per file.
#[derive(Debug, Default)]
pub struct Baseline {
    known: HashMap<String, Vec<String>>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Self, CliError> {
        let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            CliError::Usage(format!("{}: not a layerlint baseline: {e}", path.display()))
        })?;
        if file.version != VERSION {
            return Err(CliError::Usage(format!(
                "{}: baseline version {} is not supported (expected {VERSION}); write it again with --write-baseline",
                path.display(),
                file.version
            )));
        }
        let mut known: HashMap<String, Vec<String>> = HashMap::new();
        for entry in file.findings {
            known.entry(entry.file).or_default().push(entry.fingerprint);
        }
        Ok(Self { known })
    }

    /// Drops the findings the baseline knows; returns how many it dropped.
    pub fn filter(&self, file: &str, source: &str, diagnostics: &mut Vec<Diagnostic>) -> usize {
        let Some(known) = self.known.get(&key(file)) else {
            return 0;
        };
        let prints = FileReport::new(file, source, diagnostics).fingerprints();
        let before = diagnostics.len();
        let mut keep = prints.iter().map(|p| !known.contains(p));
        diagnostics.retain(|_| keep.next().unwrap_or(true));
        before - diagnostics.len()
    }
}

/// Writes the findings of every file as a baseline.
pub fn write<'a>(
    path: &Path,
    files: impl IntoIterator<Item = (&'a str, &'a str, &'a [Diagnostic])>,
) -> Result<usize, CliError> {
    let mut findings = Vec::new();
    for (name, source, diagnostics) in files {
        let report = FileReport::new(name, source, diagnostics);
        for (d, fingerprint) in diagnostics.iter().zip(report.fingerprints()) {
            findings.push(Entry {
                file: key(name),
                code: d.code.to_string(),
                fingerprint,
                line: report.span(d.range).line,
                message: d.message.clone(),
            });
        }
    }
    findings.sort_by(|a, b| (&a.file, a.line, &a.code).cmp(&(&b.file, b.line, &b.code)));
    let count = findings.len();
    let mut text = serde_json::to_string_pretty(&BaselineFile {
        version: VERSION,
        findings,
    })
    .map_err(|e| CliError::Usage(format!("cannot encode the baseline: {e}")))?;
    text.push('\n');
    if path.exists() {
        super::fs::write_atomically(path, text.as_bytes())?;
    } else {
        std::fs::write(path, text).map_err(|source| CliError::Write {
            path: path.to_path_buf(),
            source,
        })?;
    }
    Ok(count)
}

/// The name a file is remembered by: the reported path with `/`
/// separators and no leading `./`.
fn key(name: &str) -> String {
    crate::render::slash_path(name)
}
