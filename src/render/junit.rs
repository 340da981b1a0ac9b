//! `--format junit`: `JUnit` XML with one test case per linted file and one
//! `<failure>` per finding in it.

use std::io::{self, Write};

use super::FileReport;
use super::xml::escape;

pub fn render(files: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    let failures: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    let tests = files.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="layerlint" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="layerlint" tests="{tests}" failures="{failures}" errors="0" skipped="0">"#
    )?;
    for file in files {
        let name = escape(file.path);
        if file.diagnostics.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="{name}" classname="layerlint" file="{name}"/>"#
            )?;
            continue;
        }
        writeln!(
            out,
            r#"    <testcase name="{name}" classname="layerlint" file="{name}">"#
        )?;
        for d in file.diagnostics {
            let span = file.span(d.range);
            writeln!(
                out,
                r#"      <failure message="{code}: {message}" type="{severity}">{path}:{line}:{column}: {severity}: {message} [{code}]</failure>"#,
                code = escape(d.code),
                message = escape(&d.message),
                severity = d.severity,
                path = name,
                line = span.line,
                column = span.column,
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
