//! Output formats. Every emitter reads the same thing: for each linted file,
//! its display path, its text and its findings ([`FileReport`]). Emitters
//! write to any `io::Write`; choosing the stream, colour and exit code is the
//! CLI's business.

pub mod checkstyle;
pub mod github;
pub mod gitlab;
pub mod gnu;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;
mod xml;

use std::io::{self, Write};

use crate::diagnostic::Diagnostic;
use crate::engine::DOCS_URL;
use crate::syntax::{LineIndex, TextRange};

/// One linted file as the emitters see it.
#[derive(Debug)]
pub struct FileReport<'a> {
    /// The path as the user should read it (`<stdin>` or the
    /// `--stdin-filename` for standard input).
    pub path: &'a str,
    /// The text the diagnostics' ranges point into.
    pub source: &'a str,
    pub diagnostics: &'a [Diagnostic],
    line_index: LineIndex,
}

/// A range as people read it: 1-based lines, 1-based columns counted in
/// Unicode scalar values, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl<'a> FileReport<'a> {
    pub fn new(path: &'a str, source: &'a str, diagnostics: &'a [Diagnostic]) -> Self {
        Self {
            path,
            source,
            diagnostics,
            line_index: LineIndex::new(source),
        }
    }

    /// Where `range` is, in lines and columns.
    pub fn span(&self, range: TextRange) -> Span {
        let start = self.line_index.line_col(self.source, range.start);
        let end = self.line_index.line_col(self.source, range.end);
        Span {
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }

    /// The path with `/` separators, as SARIF and GitLab want it.
    pub fn slash_path(&self) -> String {
        slash_path(self.path)
    }

    /// A fingerprint per diagnostic that does not change when the finding
    /// moves to another line: it hashes the rule, the path, the text of the
    /// flagged lines (white space collapsed) and how many identical findings
    /// came before it in the file.
    pub fn fingerprints(&self) -> Vec<String> {
        let mut seen: Vec<u128> = Vec::with_capacity(self.diagnostics.len());
        self.diagnostics
            .iter()
            .map(|d| {
                let base = self.fingerprint_base(d);
                let occurrence = seen.iter().filter(|&&b| b == base).count();
                seen.push(base);
                let mut h = Fnv128::new();
                h.write(&base.to_le_bytes());
                h.write(&(occurrence as u64).to_le_bytes());
                format!("{:032x}", h.finish())
            })
            .collect()
    }

    /// The whole lines `range` touches, without the last line break.
    pub fn line_range(&self, range: TextRange) -> TextRange {
        let first = self.line_index.line_of(range.start);
        let last = self.line_index.line_of(range.end);
        TextRange::new(
            self.line_index.line_start(first),
            self.line_index.line_range(last).end,
        )
    }

    fn fingerprint_base(&self, d: &Diagnostic) -> u128 {
        let lines = self.line_range(d.range);
        let mut h = Fnv128::new();
        h.write(d.code.as_bytes());
        h.write(&[0]);
        h.write(self.slash_path().as_bytes());
        h.write(&[0]);
        for word in lines.slice(self.source).split_whitespace() {
            h.write(word.as_bytes());
            h.write(b" ");
        }
        h.write(&[0]);
        h.write(d.range.slice(self.source).as_bytes());
        h.finish()
    }
}

/// The documentation URL of the rule with this code.
pub fn rule_url(code: &str) -> String {
    if crate::shellcheck::is_selector(code) && code.len() == 6 {
        return format!("https://www.shellcheck.net/wiki/{code}");
    }
    // A rule's page is named by its code (`RuleMeta::url`).
    format!("{DOCS_URL}/{code}.md")
}

/// `\` to `/` (a Windows path), and no leading `./`.
pub fn slash_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    match path.strip_prefix("./") {
        Some(rest) => rest.to_string(),
        None => path,
    }
}

/// FNV-1a, 128 bits: a hash that is the same on every platform and release,
/// which `std`'s hasher does not promise.
struct Fnv128(u128);

impl Fnv128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

    fn new() -> Self {
        Self(Self::OFFSET)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    fn finish(&self) -> u128 {
        self.0
    }
}

/// Every output format of `layerlint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Code frames for people, with a summary.
    Text,
    /// An array of findings (see the README for the fields).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF consumers).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// Checkstyle XML.
    Checkstyle,
    /// `JUnit` XML: one test case per file.
    Junit,
    /// One line per finding: `file:line:col-endline:endcol: severity: message [CODE]`.
    Gnu,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Gitlab,
        Format::Checkstyle,
        Format::Junit,
        Format::Gnu,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Checkstyle => "checkstyle",
            Format::Junit => "junit",
            Format::Gnu => "gnu",
        }
    }
}

/// Renders `files` in `format`; `text` options apply to the text format only.
pub fn render(
    format: Format,
    files: &[FileReport<'_>],
    text: &text::Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(files, text, out),
        Format::Json => json::render(files, out),
        Format::Sarif => sarif::render(files, out),
        Format::Github => github::render(files, out),
        Format::Gitlab => gitlab::render(files, out),
        Format::Checkstyle => checkstyle::render(files, out),
        Format::Junit => junit::render(files, out),
        Format::Gnu => gnu::render(files, out),
    }
}

/// A report written file by file as the files are linted, so that a run
/// over many files need not hold every finding until the end. Text
/// (without `--statistics`), JSON, GitHub and GNU are written this way;
/// the other formats need the whole run first (SARIF lists the rules
/// reported before the results, `JUnit` counts in its header).
#[derive(Debug)]
pub enum Stream {
    Text(text::Options, text::Totals),
    Json(json::Writer),
    Github,
    Gnu,
}

impl Stream {
    /// `None` for a format that is written at once.
    pub fn new(format: Format, text: &text::Options) -> Option<Self> {
        match format {
            Format::Text if !text.statistics => {
                Some(Stream::Text(text.clone(), text::Totals::default()))
            }
            Format::Json => Some(Stream::Json(json::Writer::default())),
            Format::Github => Some(Stream::Github),
            Format::Gnu => Some(Stream::Gnu),
            _ => None,
        }
    }

    /// Writes the next files' part of the report.
    pub fn files(&mut self, files: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
        match self {
            Stream::Text(options, totals) => {
                totals.add(files, options.unsafe_fixes);
                text::frames(files, options, out)
            }
            Stream::Json(writer) => writer.files(files, out),
            Stream::Github => github::render(files, out),
            Stream::Gnu => gnu::render(files, out),
        }
    }

    /// Ends the report; `fixed` as [`text::Options::fixed`].
    pub fn finish(self, fixed: Option<usize>, out: &mut dyn Write) -> io::Result<()> {
        match self {
            Stream::Text(options, totals) => {
                text::summary(&totals, &text::Options { fixed, ..options }, out)
            }
            Stream::Json(writer) => writer.finish(out),
            Stream::Github | Stream::Gnu => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Settings, lint};

    /// Written file by file, a report has the same bytes as written at once.
    #[test]
    fn streamed_reports_match_whole_ones() {
        let texts = [
            "FROM alpine\nRUN apk add curl | sh\nWORKDIR app\n",
            "FROM scratch\n",
            "from ubuntu as b\nRUN apt-get install -y x && cd /x\nCMD x\n",
            "\u{feff}FROM alpine:3\nRUN echo \"%\\n\"\n",
        ];
        let settings = Settings::default();
        let found: Vec<_> = texts.iter().map(|t| lint(t, &settings)).collect();
        let names: Vec<String> = (0..texts.len())
            .map(|i| format!("d{i}/Dockerfile"))
            .collect();
        let reports = || -> Vec<FileReport<'_>> {
            texts
                .iter()
                .zip(&found)
                .zip(&names)
                .map(|((t, d), n)| FileReport::new(n, t, d))
                .collect()
        };
        let mut streamed_any = 0;
        for format in Format::ALL {
            for (color, quiet, fixed) in [
                (false, false, None),
                (true, false, Some(3)),
                (false, true, None),
            ] {
                let options = text::Options {
                    color,
                    quiet,
                    fixed,
                    ..text::Options::default()
                };
                let Some(mut stream) = Stream::new(format, &options) else {
                    continue;
                };
                let mut whole = Vec::new();
                render(format, &reports(), &options, &mut whole).unwrap();
                let mut parts = Vec::new();
                for report in reports() {
                    stream.files(&[report], &mut parts).unwrap();
                }
                stream.finish(fixed, &mut parts).unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&parts),
                    String::from_utf8_lossy(&whole),
                    "{format:?} {options:?}"
                );
                streamed_any += 1;
            }
            // No file at all.
            if let Some(stream) = Stream::new(format, &text::Options::default()) {
                let mut whole = Vec::new();
                render(format, &[], &text::Options::default(), &mut whole).unwrap();
                let mut parts = Vec::new();
                stream.finish(None, &mut parts).unwrap();
                assert_eq!(parts, whole, "{format:?}");
            }
        }
        assert_eq!(streamed_any, 4 * 3);
    }

    #[test]
    fn fingerprints_survive_line_moves_and_tell_repeats_apart() {
        let a = "FROM alpine\nWORKDIR app\nWORKDIR app\n";
        let b = "FROM alpine\n\n\nRUN true\nWORKDIR app\nWORKDIR app\n";
        let settings = Settings::only(&["DL3000"]).unwrap();
        let da = lint(a, &settings);
        let db = lint(b, &settings);
        let fa = FileReport::new("Dockerfile", a, &da).fingerprints();
        let fb = FileReport::new("Dockerfile", b, &db).fingerprints();
        assert_eq!(fa.len(), 2);
        assert_eq!(fa, fb);
        assert_ne!(fa[0], fa[1]);
        let other = FileReport::new("other/Dockerfile", a, &da).fingerprints();
        assert_ne!(fa, other);
    }

    #[test]
    fn slash_paths() {
        assert_eq!(slash_path("./a/b"), "a/b");
        assert_eq!(slash_path("a\\b\\Dockerfile"), "a/b/Dockerfile");
    }
}
