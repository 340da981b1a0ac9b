//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`.

use std::io::{self, Write};

use super::FileReport;
use crate::diagnostic::Severity;

/// Escapes a command's message (`%`, CR and LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as a message, plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(files: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    for file in files {
        let path = escape_property(&super::slash_path(file.path));
        for d in file.diagnostics {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Style => "notice",
            };
            let s = file.span(d.range);
            writeln!(
                out,
                "::{level} file={path},line={},col={},endLine={},endColumn={},title={}::{}",
                s.line,
                s.column,
                s.end_line,
                s.end_column,
                escape_property(d.code),
                escape_data(&d.message)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
