//! Text for people: a code frame per finding (codespan-reporting) with the
//! help, related locations and the available fix, then a summary line. Or,
//! with `--statistics`, a table of counts per rule.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as Frame, Label, Severity as FrameSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::{Ansi, Color, ColorSpec, NoColor, WriteColor};
use codespan_reporting::term::{self, Config};

use super::FileReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Applicability;

/// How the text report looks.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Emit ANSI colours.
    pub color: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
    /// A count per rule instead of the findings.
    pub statistics: bool,
    /// Unsafe fixes count as available (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// Set after `--fix`: how many fixes were applied. The summary then says
    /// what was fixed and what remains.
    pub fixed: Option<usize>,
}

pub fn render(files: &[FileReport<'_>], options: &Options, out: &mut dyn Write) -> io::Result<()> {
    if options.color {
        write_report(files, options, &mut Ansi::new(out))
    } else {
        write_report(files, options, &mut NoColor::new(out))
    }
}

fn write_report<W: WriteColor>(
    files: &[FileReport<'_>],
    options: &Options,
    w: &mut W,
) -> io::Result<()> {
    if options.statistics {
        write_statistics(files, options, w)?;
    } else {
        write_frames(files, w)?;
    }
    if !options.quiet {
        let mut totals = Totals::default();
        totals.add(files, options.unsafe_fixes);
        write_summary(&totals, options, w)?;
    }
    Ok(())
}

/// The findings' code frames, without the summary: the text report of
/// `files` is this, file after file, then [`summary`].
pub fn frames(files: &[FileReport<'_>], options: &Options, out: &mut dyn Write) -> io::Result<()> {
    if options.color {
        write_frames(files, &mut Ansi::new(out))
    } else {
        write_frames(files, &mut NoColor::new(out))
    }
}

/// The summary line of a report whose files added up to `totals`.
pub fn summary(totals: &Totals, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    if options.quiet {
        return Ok(());
    }
    if options.color {
        write_summary(totals, options, &mut Ansi::new(out))
    } else {
        write_summary(totals, options, &mut NoColor::new(out))
    }
}

fn write_frames<W: WriteColor>(files: &[FileReport<'_>], w: &mut W) -> io::Result<()> {
    let config = Config::default();
    for file in files {
        // A byte-order mark is invisible: leave it out so that columns
        // on the first line match the other formats.
        let bom = if file.source.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        let text = printable_source(&file.source[bom..]);
        let source = SimpleFile::new(printable(file.path), &*text);
        for d in file.diagnostics {
            term::emit_to_write_style(w, &config, &source, &frame(d, bom)).map_err(into_io)?;
        }
    }
    Ok(())
}

/// What the summary line counts, added up file by file.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    files: usize,
    with_findings: usize,
    /// Indexed like [`Severity::ALL`].
    by_severity: [usize; Severity::ALL.len()],
    /// Fixes `--fix` applies, and unsafe ones it leaves without
    /// `--unsafe-fixes`.
    fixable: usize,
    hidden: usize,
}

impl Totals {
    pub fn add(&mut self, files: &[FileReport<'_>], unsafe_fixes: bool) {
        for file in files {
            self.files += 1;
            if !file.diagnostics.is_empty() {
                self.with_findings += 1;
            }
            for d in file.diagnostics {
                if let Some(i) = Severity::ALL.iter().position(|&s| s == d.severity) {
                    self.by_severity[i] += 1;
                }
                if let Some(fix) = &d.fix {
                    if fix.allowed(unsafe_fixes) {
                        self.fixable += 1;
                    } else if fix.applicability == Applicability::Unsafe {
                        self.hidden += 1;
                    }
                }
            }
        }
    }

    fn findings(&self) -> usize {
        self.by_severity.iter().sum()
    }
}

fn into_io(e: codespan_reporting::files::Error) -> io::Error {
    match e {
        codespan_reporting::files::Error::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// Whether `c` would act on a terminal instead of showing: C0 controls
/// other than tab and line breaks, DEL and the C1 controls (`ESC [`, bell,
/// CSI… from a binary file or a hostile one).
fn is_terminal_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `source` with every terminal control replaced by a visible character of
/// the same UTF-8 length (`?` for one byte, `¿` for the two-byte C1
/// controls), so that byte ranges and columns still point at the same text.
fn printable_source(source: &str) -> Cow<'_, str> {
    if !source.contains(is_terminal_control) {
        return Cow::Borrowed(source);
    }
    Cow::Owned(
        source
            .chars()
            .map(|c| match c {
                c if !is_terminal_control(c) => c,
                c if c.len_utf8() == 1 => '?',
                _ => '\u{bf}',
            })
            .collect(),
    )
}

/// A message or path with terminal controls shown as `�`.
fn printable(text: &str) -> Cow<'_, str> {
    if text.contains(is_terminal_control) {
        Cow::Owned(text.replace(is_terminal_control, "\u{fffd}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The codespan frame of one finding. Info and style findings are shown as
/// `note`, the lowest level codespan has (the summary counts them apart).
fn frame(d: &Diagnostic, shift: usize) -> Frame<()> {
    let range = |r: crate::syntax::TextRange| {
        let r = r.as_usize();
        r.start.saturating_sub(shift)..r.end.saturating_sub(shift)
    };
    let severity = match d.severity {
        Severity::Error => FrameSeverity::Error,
        Severity::Warning => FrameSeverity::Warning,
        Severity::Info | Severity::Style => FrameSeverity::Note,
    };
    let mut labels = vec![Label::primary((), range(d.range))];
    labels.extend(
        d.related
            .iter()
            .map(|r| Label::secondary((), range(r.range)).with_message(printable(&r.message))),
    );
    let mut notes = Vec::new();
    if let Some(help) = &d.help {
        notes.push(format!("help: {}", printable(help)));
    }
    if let Some(fix) = &d.fix {
        notes.push(match fix.applicability {
            Applicability::Safe => format!("fix: {}", printable(&fix.title)),
            Applicability::Unsafe => format!("fix: {} [unsafe]", printable(&fix.title)),
            Applicability::DisplayOnly => format!("suggestion: {}", printable(&fix.title)),
        });
    }
    Frame::new(severity)
        .with_code(d.code)
        .with_message(printable(&d.message))
        .with_labels(labels)
        .with_notes(notes)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Fixable findings with the current flags, and unsafe fixes that
/// `--unsafe-fixes` would add.
fn write_summary<W: WriteColor>(totals: &Totals, options: &Options, w: &mut W) -> io::Result<()> {
    let total = totals.findings();
    let with_findings = totals.with_findings;
    let files = totals.files;
    let mut bold = ColorSpec::new();
    bold.set_bold(true);
    w.set_color(&bold)?;
    if let Some(fixed) = options.fixed {
        write!(
            w,
            "Fixed {} ({total} remaining).",
            plural(fixed, "finding", "findings")
        )?;
    } else if total == 0 {
        write!(w, "No findings in {}.", plural(files, "file", "files"))?;
    } else {
        let by_severity: Vec<String> = Severity::ALL
            .into_iter()
            .zip(totals.by_severity)
            .filter(|&(_, n)| n > 0)
            .map(|(s, n)| match s {
                Severity::Error => plural(n, "error", "errors"),
                Severity::Warning => plural(n, "warning", "warnings"),
                Severity::Info => format!("{n} info"),
                Severity::Style => format!("{n} style"),
            })
            .collect();
        let in_files = if with_findings == files {
            plural(files, "file", "files")
        } else {
            format!("{with_findings} of {}", plural(files, "file", "files"))
        };
        write!(
            w,
            "Found {} ({}) in {in_files}",
            plural(total, "finding", "findings"),
            by_severity.join(", ")
        )?;
        let fixable = match (totals.fixable, totals.hidden) {
            (0, 0) => String::new(),
            (n, 0) => format!("; {n} fixable with --fix"),
            (0, h) => format!("; {h} fixable with --fix --unsafe-fixes"),
            (n, h) => format!("; {n} fixable with --fix ({h} more with --unsafe-fixes)"),
        };
        write!(w, "{fixable}.")?;
    }
    w.reset()?;
    writeln!(w)
}

fn write_statistics<W: WriteColor>(
    files: &[FileReport<'_>],
    options: &Options,
    w: &mut W,
) -> io::Result<()> {
    let mut rows: BTreeMap<&str, (&str, usize, usize)> = BTreeMap::new();
    for d in files.iter().flat_map(|f| f.diagnostics) {
        let row = rows.entry(d.code).or_insert((d.name, 0, 0));
        row.1 += 1;
        if d.fix
            .as_ref()
            .is_some_and(|f| f.allowed(options.unsafe_fixes))
        {
            row.2 += 1;
        }
    }
    let mut rows: Vec<_> = rows.into_iter().collect();
    rows.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(a.0.cmp(b.0)));
    let count_width = rows
        .iter()
        .map(|r| r.1.1.to_string().len())
        .max()
        .unwrap_or(1);
    let code_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(4);
    let mut code_color = ColorSpec::new();
    code_color.set_fg(Some(Color::Red)).set_bold(true);
    for (code, (name, count, fixable)) in rows {
        write!(w, "{count:>count_width$}  ")?;
        w.set_color(&code_color)?;
        write!(w, "{code:<code_width$}")?;
        w.reset()?;
        let marker = if fixable == 0 { "   " } else { "[*]" };
        writeln!(w, "  {marker} {name}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Related;
    use crate::fix::{Edit, Fix};
    use crate::syntax::TextRange;

    fn finding(fix: Option<Fix>) -> Diagnostic {
        Diagnostic {
            code: "DL3024",
            name: "duplicate-stage-name",
            severity: Severity::Error,
            message: "stage `build` is defined twice".to_string(),
            help: Some("Rename one of the stages".to_string()),
            range: TextRange::new(28, 33),
            fix,
            related: vec![Related {
                range: TextRange::new(11, 16),
                message: "first defined here".to_string(),
            }],
        }
    }

    fn render_one(d: &Diagnostic, unsafe_fixes: bool) -> String {
        let source = "FROM a AS build\nFROM b AS build\n";
        let file = FileReport::new("Dockerfile", source, std::slice::from_ref(d));
        let options = Options {
            unsafe_fixes,
            ..Options::default()
        };
        let mut out = Vec::new();
        render(&[file], &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn terminal_controls_are_shown_not_sent() {
        let source = "FROM a\nRUN echo \x1b[31m\u{9b}2J\x07 x\n";
        let x = source.rfind('x').unwrap();
        let d = Diagnostic {
            related: Vec::new(),
            message: "bad `\x1b]0;title\x07`".into(),
            range: TextRange::new(x as u32, x as u32 + 1),
            ..finding(None)
        };
        let file = FileReport::new("Dockerfile\x1b", source, std::slice::from_ref(&d));
        let mut out = Vec::new();
        render(&[file], &Options::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.contains(|c: char| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("RUN echo ?[31m\u{bf}2J? x"), "{text}");
        // The column still counts the replaced characters one each.
        assert!(text.contains("Dockerfile\u{fffd}:2:20"), "{text}");
    }

    #[test]
    fn byte_order_mark_does_not_shift_columns() {
        let source = "\u{feff}FROM a\n";
        let d = Diagnostic {
            related: Vec::new(),
            range: TextRange::new(8, 9),
            ..finding(None)
        };
        let file = FileReport::new("Dockerfile", source, std::slice::from_ref(&d));
        let mut out = Vec::new();
        render(&[file], &Options::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Dockerfile:1:6"), "{text}");
    }

    #[test]
    fn related_locations_and_unsafe_fixes() {
        let fix = Fix::unsafe_edits(
            "Rename to `build2`",
            vec![Edit::replace(TextRange::new(26, 31), "build2")],
        );
        let text = render_one(&finding(Some(fix)), false);
        assert!(text.contains("first defined here"), "{text}");
        assert!(text.contains("= help: Rename one of the stages"), "{text}");
        assert!(
            text.contains("= fix: Rename to `build2` [unsafe]"),
            "{text}"
        );
        assert!(
            text.ends_with("in 1 file; 1 fixable with --fix --unsafe-fixes.\n"),
            "{text}"
        );
        let shown = render_one(&finding(Some(Fix::unsafe_edits("x", vec![]))), true);
        assert!(
            shown.ends_with("in 1 file; 1 fixable with --fix.\n"),
            "{shown}"
        );
        let none = render_one(&finding(None), false);
        assert!(!none.contains("fix"), "{none}");
    }
}
