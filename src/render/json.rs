//! `--format json`: an array of findings sorted by file, line and column,
//! with exactly the fields the design names. Positions are 1-based, columns
//! count Unicode scalar values, ranges are half-open.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use super::FileReport;
use crate::diagnostic::Diagnostic;

pub fn render(files: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    let mut writer = Writer::default();
    writer.files(files, out)?;
    writer.finish(out)
}

/// The JSON report written file by file, as the files are linted: an
/// array of findings, pretty-printed with two-space indentation.
///
/// Written by hand rather than by serializing a struct per finding: a file's
/// path is escaped once per file and a rule's URL once per run, where a
/// whole-corpus report repeats them in every one of its tens of thousands
/// of findings.
#[derive(Debug, Default)]
pub struct Writer {
    findings: usize,
    /// The array's elements, written out in one piece.
    pending: Vec<u8>,
    /// Each rule's documentation URL as a JSON string.
    urls: HashMap<&'static str, Box<[u8]>>,
}

/// How many bytes of findings are gathered before they are written.
const PENDING_LIMIT: usize = 64 * 1024;

impl Writer {
    pub fn files(&mut self, files: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
        let mut path = Vec::new();
        for file in files {
            if file.diagnostics.is_empty() {
                continue;
            }
            path.clear();
            string(&mut path, file.path);
            for d in file.diagnostics {
                self.pending
                    .extend_from_slice(if self.findings == 0 { b"[\n" } else { b",\n" });
                self.finding(file, &path, d);
                self.findings += 1;
                // Checked per finding: one file can have thousands.
                if self.pending.len() >= PENDING_LIMIT {
                    out.write_all(&self.pending)?;
                    self.pending.clear();
                }
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

    /// One element of the array, indented by two spaces; `path` is the
    /// file's path as a JSON string.
    fn finding(&mut self, file: &FileReport<'_>, path: &[u8], d: &Diagnostic) {
        let out = &mut self.pending;
        let span = file.span(d.range);
        out.extend_from_slice(b"  {\n");
        key_first(out, 4, "code");
        string(out, d.code);
        key(out, 4, "name");
        string(out, d.name);
        key(out, 4, "severity");
        string(out, d.severity.as_str());
        key(out, 4, "message");
        string(out, &d.message);
        key(out, 4, "help");
        match &d.help {
            Some(help) => string(out, help),
            None => out.extend_from_slice(b"null"),
        }
        key(out, 4, "file");
        out.extend_from_slice(path);
        position(out, 4, span, false);
        key(out, 4, "url");
        let url = self.urls.entry(d.code).or_insert_with(|| {
            let mut url = Vec::new();
            string(&mut url, &super::rule_url(d.code));
            url.into_boxed_slice()
        });
        out.extend_from_slice(url);
        key(out, 4, "fix");
        match &d.fix {
            None => out.extend_from_slice(b"null"),
            Some(fix) => {
                out.extend_from_slice(b"{\n");
                key_first(out, 6, "applicability");
                string(out, fix.applicability.as_str());
                key(out, 6, "title");
                string(out, &fix.title);
                key(out, 6, "edits");
                if fix.edits.is_empty() {
                    out.extend_from_slice(b"[]");
                } else {
                    out.extend_from_slice(b"[");
                    for (i, edit) in fix.edits.iter().enumerate() {
                        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
                        indent(out, 8);
                        out.extend_from_slice(b"{\n");
                        let span = file.span(edit.range);
                        position(out, 10, span, true);
                        key(out, 10, "content");
                        string(out, &edit.content);
                        out.push(b'\n');
                        indent(out, 8);
                        out.push(b'}');
                    }
                    out.push(b'\n');
                    indent(out, 6);
                    out.push(b']');
                }
                out.push(b'\n');
                indent(out, 4);
                out.push(b'}');
            }
        }
        out.extend_from_slice(b"\n  }");
    }
}

fn indent(out: &mut Vec<u8>, width: usize) {
    out.resize(out.len() + width, b' ');
}

/// `"name": ` as the first member of an object, indented by `width`.
fn key_first(out: &mut Vec<u8>, width: usize, name: &str) {
    indent(out, width);
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// `"name": ` after a member: the comma ends the line before.
fn key(out: &mut Vec<u8>, width: usize, name: &str) {
    out.extend_from_slice(b",\n");
    key_first(out, width, name);
}

/// The four position members; `first` when they open their object.
fn position(out: &mut Vec<u8>, width: usize, span: super::Span, first: bool) {
    for (i, (name, value)) in [
        ("line", span.line),
        ("column", span.column),
        ("end_line", span.end_line),
        ("end_column", span.end_column),
    ]
    .into_iter()
    .enumerate()
    {
        if first && i == 0 {
            key_first(out, width, name);
        } else {
            key(out, width, name);
        }
        number(out, value);
    }
}

fn number(out: &mut Vec<u8>, mut value: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        // A digit: always below 10.
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// `text` as a JSON string: `"` and `\\` escaped, control characters as
/// their short escapes or `\u00XX`, everything else as it is.
fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut run = 0;
    while let Some(skip) = bytes[run..].iter().position(|&b| ESCAPED[usize::from(b)]) {
        let at = run + skip;
        out.extend_from_slice(&bytes[run..at]);
        run = at + 1;
        let b = bytes[at];
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// The bytes a JSON string escapes: control characters, `"` and `\\`.
static ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::fix::{Applicability, Edit as FixEdit, Fix as FixOf};
    use crate::syntax::TextRange;

    /// The report's shape as structs, serialized by `serde_json`: the
    /// reference the hand-written writer must match byte for byte.
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

    fn reference(files: &[FileReport<'_>]) -> Vec<u8> {
        let findings: Vec<Finding<'_>> = files
            .iter()
            .flat_map(|file| {
                file.diagnostics.iter().map(move |d| {
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
                        url: super::super::rule_url(d.code),
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
                })
            })
            .collect();
        let mut out = serde_json::to_vec_pretty(&findings).unwrap();
        out.push(b'\n');
        out
    }

    /// A fix's edits: start, end, new text.
    type Edits<'a> = Vec<(u32, u32, &'a str)>;

    fn diagnostic(
        code: &'static str,
        message: String,
        help: Option<String>,
        at: (u32, u32),
        fix: Option<(Applicability, Edits<'_>)>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            name: "a-rule",
            severity: Severity::Warning,
            message,
            help,
            range: TextRange::new(at.0, at.1),
            fix: fix.map(|(applicability, edits)| FixOf {
                title: "Do \"it\"\t\\ now".to_string(),
                applicability,
                edits: edits
                    .into_iter()
                    .map(|(a, b, content)| FixEdit {
                        range: TextRange::new(a, b),
                        content: content.to_string(),
                    })
                    .collect(),
            }),
            related: Vec::new(),
        }
    }

    #[test]
    fn numbers_in_decimal() {
        for value in [0, 7, 9, 10, 99, 100, 4_096, 1_000_000, u32::MAX] {
            let mut out = Vec::new();
            number(&mut out, value);
            assert_eq!(out, value.to_string().into_bytes());
        }
    }

    #[test]
    fn matches_serde_json_pretty_printing() {
        // Every control character, quotes, backslashes, DEL and non-ASCII.
        let tricky: String = (0u8..0x20)
            .map(char::from)
            .chain("\"\\/\u{7f}é€😀 end".chars())
            .collect();
        let source = "FROM a\nRUN b \u{e9}\u{1F600} c\n\nRUN d\n";
        let first = vec![
            diagnostic("DL3008", tricky.clone(), None, (0, 4), None),
            diagnostic(
                "LL201",
                "plain".to_string(),
                Some(tricky.clone()),
                (11, 16),
                Some((Applicability::Safe, vec![(7, 10, "\n\t\"x\"")])),
            ),
            diagnostic(
                "SC2086",
                String::new(),
                Some(String::new()),
                (23, 28),
                Some((
                    Applicability::Unsafe,
                    vec![(0, 0, ""), (12, 17, "é"), (28, 28, &tricky)],
                )),
            ),
            diagnostic(
                "LL101",
                "no edits".to_string(),
                None,
                (28, 28),
                Some((Applicability::DisplayOnly, Vec::new())),
            ),
        ];
        let second = vec![diagnostic("DL3007", "m".to_string(), None, (0, 1), None)];
        let path = format!("dir/{tricky}/Dockerfile");
        let files = [
            FileReport::new(&path, source, &first),
            FileReport::new("empty", "", &[]),
            FileReport::new("b\\Dockerfile", "FROM x\n", &second),
        ];
        let expected = reference(&files);
        let mut whole = Vec::new();
        render(&files, &mut whole).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&whole),
            String::from_utf8_lossy(&expected)
        );
        // Streamed a file at a time.
        let mut streamed = Vec::new();
        let mut writer = Writer::default();
        for file in &files {
            writer
                .files(std::slice::from_ref(file), &mut streamed)
                .unwrap();
        }
        writer.finish(&mut streamed).unwrap();
        assert_eq!(streamed, expected);
        // No findings at all.
        let mut empty = Vec::new();
        render(&files[1..2], &mut empty).unwrap();
        assert_eq!(empty, reference(&files[1..2]));
        assert_eq!(empty, b"[]\n");
    }

    /// Records the size of every write it is given.
    #[derive(Default)]
    struct Writes {
        bytes: Vec<u8>,
        largest: usize,
    }

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.largest = self.largest.max(buf.len());
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn one_file_with_many_findings_is_written_in_pieces() {
        let source = "FROM a\n".repeat(5_000);
        let diagnostics: Vec<Diagnostic> = (0..5_000)
            .map(|i| {
                diagnostic(
                    "DL3006",
                    format!("finding {i}"),
                    None,
                    (i * 7, i * 7 + 4),
                    None,
                )
            })
            .collect();
        let files = [FileReport::new("Dockerfile", &source, &diagnostics)];
        let mut out = Writes::default();
        render(&files, &mut out).unwrap();
        assert_eq!(out.bytes, reference(&files));
        assert!(out.bytes.len() > 4 * PENDING_LIMIT);
        // A piece is the limit plus at most one finding.
        assert!(out.largest < PENDING_LIMIT + 1024, "{}", out.largest);
    }
}
