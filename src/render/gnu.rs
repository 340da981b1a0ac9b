//! `--format gnu`: one line per finding,
//! `file:line:col-endline:endcol: severity: message [CODE]`, which editors
//! and `grep`-style tools read.

use std::io::{self, Write};

use super::FileReport;

pub fn render(files: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    for file in files {
        for d in file.diagnostics {
            let s = file.span(d.range);
            let message = d.message.replace(['\r', '\n'], " ");
            writeln!(
                out,
                "{}:{}:{}-{}:{}: {}: {message} [{}]",
                file.path, s.line, s.column, s.end_line, s.end_column, d.severity, d.code
            )?;
        }
    }
    Ok(())
}
