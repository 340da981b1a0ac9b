//! `--format checkstyle`: Checkstyle XML, one `<file>` per linted file.

use std::io::{self, Write};

use super::FileReport;
use super::xml::escape;
use crate::diagnostic::Severity;

pub fn render(files: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for file in files {
        writeln!(out, r#"  <file name="{}">"#, escape(file.path))?;
        for d in file.diagnostics {
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Style => "info",
            };
            let span = file.span(d.range);
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{severity}" message="{}" source="{}"/>"#,
                span.line,
                span.column,
                escape(&d.message),
                escape(d.code)
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
