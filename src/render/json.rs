//! `--format json`: an array of findings sorted by file, line and column,
//! with exactly the fields the design names. Positions are 1-based, columns
//! count Unicode scalar values, ranges are half-open.

use std::io::{self, Write};

use serde::Serialize;

use super::FileReport;
use crate::diagnostic::{Diagnostic, Severity};

#[derive(Serialize)]
struct Finding<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    url: String,
    fix: Option<Fix<'a>>,
}

#[derive(Serialize)]
struct Fix<'a> {
    applicability: &'a str,
    title: &'a str,
    edits: Vec<Edit<'a>>,
}

#[derive(Serialize)]
struct Edit<'a> {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    content: &'a str,
}

pub fn render(files: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Findings(files))?;
    writeln!(out)
}

/// The JSON report written file by file, as the files are linted: the same
/// bytes as [`render`] over all of them.
#[derive(Debug, Default)]
pub struct Writer {
    findings: usize,
    /// The array's elements, indented, written out in one piece.
    pending: Vec<u8>,
}

/// How many bytes of findings are gathered before they are written.
const PENDING_LIMIT: usize = 64 * 1024;

impl Writer {
    pub fn files(&mut self, files: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
        for file in files {
            if file.diagnostics.is_empty() {
                continue;
            }
            // A file's findings as an array of their own, by the same
            // pretty printer: its elements are indented as the whole
            // report's are. Its `[` opens the report or becomes the `,`
            // after the previous file's findings; its `]` is dropped.
            let start = self.pending.len();
            serde_json::to_writer_pretty(&mut self.pending, &Findings(std::slice::from_ref(file)))?;
            debug_assert!(self.pending[start..].starts_with(b"[\n"));
            debug_assert!(self.pending.ends_with(b"\n]"));
            if self.findings > 0 {
                self.pending[start] = b',';
            }
            self.pending.truncate(self.pending.len() - 2);
            self.findings += file.diagnostics.len();
            if self.pending.len() >= PENDING_LIMIT {
                out.write_all(&self.pending)?;
                self.pending.clear();
            }
        }
        out.write_all(&self.pending)?;
        self.pending.clear();
        Ok(())
    }

    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.findings == 0 {
            b"[]\n"
        } else {
            b"\n]\n"
        })
    }
}

/// Every finding of the files, serialized one by one as the array is
/// written (a whole-corpus report has tens of thousands).
struct Findings<'r, 'a>(&'r [FileReport<'a>]);

impl Serialize for Findings<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0
                .iter()
                .flat_map(|file| file.diagnostics.iter().map(move |d| finding(file, d))),
        )
    }
}

fn finding<'a>(file: &'a FileReport<'_>, d: &'a Diagnostic) -> Finding<'a> {
    let span = file.span(d.range);
    Finding {
        code: d.code,
        name: d.name,
        severity: d.severity,
        message: &d.message,
        help: d.help.as_deref(),
        file: file.path,
        line: span.line,
        column: span.column,
        end_line: span.end_line,
        end_column: span.end_column,
        url: super::rule_url(d.code),
        fix: d.fix.as_ref().map(|fix| Fix {
            applicability: fix.applicability.as_str(),
            title: &fix.title,
            edits: fix
                .edits
                .iter()
                .map(|e| {
                    let span = file.span(e.range);
                    Edit {
                        line: span.line,
                        column: span.column,
                        end_line: span.end_line,
                        end_column: span.end_column,
                        content: &e.content,
                    }
                })
                .collect(),
        }),
    }
}

#[derive(Serialize)]
struct RuleCount<'a> {
    code: &'a str,
    name: &'a str,
    count: usize,
    fixable: usize,
}

/// `--statistics --format json`: findings per rule, most frequent first.
pub fn render_statistics(
    files: &[FileReport<'_>],
    unsafe_fixes: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut rows: Vec<RuleCount<'_>> = Vec::new();
    for d in files.iter().flat_map(|f| f.diagnostics) {
        let at = match rows.iter().position(|r| r.code == d.code) {
            Some(at) => at,
            None => {
                rows.push(RuleCount {
                    code: d.code,
                    name: d.name,
                    count: 0,
                    fixable: 0,
                });
                rows.len() - 1
            }
        };
        rows[at].count += 1;
        if d.fix.as_ref().is_some_and(|f| f.allowed(unsafe_fixes)) {
            rows[at].fixable += 1;
        }
    }
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    serde_json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)
}
