//! Command-line interface: argument parsing and the subcommands. `main` only
//! maps what [`run`] returns to an exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::source::{self, SourceError};
use crate::syntax::{self, dump};

#[derive(Debug, Parser)]
#[command(
    name = "layerlint",
    version,
    about = "Dockerfile linter and build-cache advisor"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Dockerfiles (`-` reads standard input).
    Check {
        /// Files to lint.
        #[arg(default_value = "Dockerfile")]
        paths: Vec<PathBuf>,
    },
    /// Developer tools.
    Debug {
        #[command(subcommand)]
        command: DebugCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Print the syntax tree of a Dockerfile (`-` reads standard input).
    Ast {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = AstFormat::Json)]
        format: AstFormat,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AstFormat {
    /// The typed tree with byte ranges, as JSON.
    Json,
    /// BuildKit's parser dump, one `(instruction …)` per line.
    Buildkit,
}

/// Outcome of a run, turned into the exit code by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report.
    Clean,
    /// Findings at or above the threshold.
    Findings,
    /// Usage, configuration or I/O error.
    Error,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Findings => ExitCode::from(1),
            Outcome::Error => ExitCode::from(2),
        }
    }
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    run(cli).into()
}

pub fn run(cli: Cli) -> Outcome {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::Check { paths } => check(&paths, &mut out),
        Command::Debug {
            command: DebugCommand::Ast { file, format },
        } => debug_ast(&file, format, &mut out),
    }
}

fn report_source_error(e: &SourceError) -> Outcome {
    eprintln!("layerlint: {e}");
    if e.is_content_error() {
        Outcome::Findings
    } else {
        Outcome::Error
    }
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

fn check(paths: &[PathBuf], out: &mut impl Write) -> Outcome {
    let mut outcome = Outcome::Clean;
    for path in paths {
        let text = match source::read(path) {
            Ok(text) => text,
            Err(e) => {
                let o = report_source_error(&e);
                outcome = worst(outcome, o);
                continue;
            }
        };
        let file = syntax::parse(&text);
        for error in &file.errors {
            let pos = file.line_index.line_col(&text, error.range.start);
            let _ = writeln!(
                out,
                "{}:{}:{}: {} {}",
                display_name(path),
                pos.line,
                pos.column,
                error.code(),
                error.message
            );
            outcome = worst(outcome, Outcome::Findings);
        }
    }
    outcome
}

fn worst(a: Outcome, b: Outcome) -> Outcome {
    match (a, b) {
        (Outcome::Error, _) | (_, Outcome::Error) => Outcome::Error,
        (Outcome::Findings, _) | (_, Outcome::Findings) => Outcome::Findings,
        _ => Outcome::Clean,
    }
}

fn debug_ast(path: &Path, format: AstFormat, out: &mut impl Write) -> Outcome {
    let text = match source::read(path) {
        Ok(text) => text,
        Err(e) => return report_source_error(&e),
    };
    let file = syntax::parse(&text);
    let written = match format {
        AstFormat::Buildkit => out.write_all(dump::dump(&file).as_bytes()),
        AstFormat::Json => serde_json::to_writer_pretty(&mut *out, &file)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
    };
    if let Err(e) = written {
        eprintln!("layerlint: cannot write output: {e}");
        return Outcome::Error;
    }
    for error in &file.errors {
        let pos = file.line_index.line_col(&text, error.range.start);
        eprintln!(
            "{}:{}:{}: {} {}",
            display_name(path),
            pos.line,
            pos.column,
            error.code(),
            error.message
        );
    }
    if file.errors.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    }
}
