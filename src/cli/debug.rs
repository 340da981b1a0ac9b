//! `layerlint debug ast`: the syntax tree of one file.

use std::io::Write;
use std::path::Path;

use super::error::CliError;
use super::{AstFormat, Outcome, fs};
use crate::render::{self, FileReport};
use crate::syntax::{self, dump};
use crate::{Settings, engine};

pub fn ast(path: &Path, format: AstFormat) -> Result<Outcome, CliError> {
    let (bytes, name) = if path.as_os_str() == "-" {
        (fs::read_stdin()?, "<stdin>".to_string())
    } else {
        (fs::read(path)?, path.display().to_string())
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        // Not text: report the encoding problem as `check` would.
        let linted = engine::lint_bytes(&bytes, &Settings::default());
        let report = FileReport::new(&name, &linted.text, &linted.diagnostics);
        let mut err = std::io::stderr().lock();
        render::gnu::render(&[report], &mut err).map_err(CliError::Output)?;
        return Ok(Outcome::Findings);
    };
    let file = syntax::parse(text);
    let mut out = std::io::stdout().lock();
    let written = match format {
        AstFormat::Buildkit => out.write_all(dump::dump(&file).as_bytes()),
        AstFormat::Json => serde_json::to_writer_pretty(&mut out, &file)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
    };
    written.map_err(CliError::Output)?;
    for error in &file.errors {
        let pos = file.line_index.line_col(text, error.range.start);
        eprintln!(
            "{name}:{}:{}: {} {}",
            pos.line,
            pos.column,
            error.code(),
            error.message
        );
    }
    Ok(if file.errors.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
