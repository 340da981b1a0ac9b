//! Command-line interface: argument parsing and the subcommands. `main` only
//! maps the [`Outcome`] that [`run`] returns to an exit code.

mod baseline;
mod check;
mod debug;
mod discover;
mod error;
mod explain;
mod fs;
mod rules;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use error::CliError;
pub use settings::SettingsSource;

use crate::diagnostic::Severity;
use crate::render::Format;

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
    /// Lint Dockerfiles and directories (default: `.`); `-` reads standard input.
    Check(Box<CheckArgs>),
    /// Print a rule's documentation (by code, name or alias).
    Rule {
        /// A rule code (`DL3000`), name (`workdir-relative-path`) or alias
        /// (`WorkdirRelativePath`).
        rule: String,
    },
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Show how a Dockerfile uses the build cache: each step's inputs and
    /// cost, and with --changed/--since which steps a change rebuilds.
    Explain(ExplainArgs),
    /// Run the language server on standard input and output.
    Lsp,
    /// Developer tools.
    Debug {
        #[command(subcommand)]
        command: DebugCommand,
    },
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
pub struct CheckArgs {
    /// Files and directories to lint; `-` reads standard input. Directories
    /// are searched for Dockerfile, Containerfile, *.Dockerfile,
    /// *.dockerfile, Dockerfile.* and Containerfile.*, honouring .gitignore.
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Run only these rules: codes, names, aliases or code prefixes
    /// (`LL2`, `DL30`), comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,

    /// Do not run these rules (same syntax as --select).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Findings below this level are reported but do not fail the run
    /// (`none`: no finding fails it).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub severity_threshold: Option<Threshold>,

    /// Use this configuration file instead of searching for one.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Do not read any configuration file.
    #[arg(long)]
    pub no_config: bool,

    /// The build context directory (default: each Dockerfile's directory).
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,

    /// A build argument value, as `docker build --build-arg` (repeatable).
    #[arg(long = "build-arg", value_name = "K=V", value_parser = parse_build_arg)]
    pub build_args: Vec<(String, String)>,

    /// The stage the build stops at, as `docker build --target` (default:
    /// the last stage; a `target` key in the configuration otherwise).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,

    /// The file name to report (and to find configuration for) when
    /// linting standard input.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// Apply safe fixes, then report what remains. With `-`, the fixed text
    /// goes to standard output and the report to standard error.
    #[arg(long)]
    pub fix: bool,

    /// Also apply unsafe fixes (with --fix or --diff); without them, count
    /// unsafe fixes as available.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print the fixes as a unified diff instead of writing them; exits 1
    /// when there is something to fix.
    #[arg(long)]
    pub diff: bool,

    /// Disregard every inline suppression comment.
    #[arg(long)]
    pub no_inline_ignores: bool,

    /// Check the scripts of shell-form `RUN`s with ShellCheck (`SC####`
    /// findings): `auto` when `shellcheck` is on the PATH, `off`, or
    /// `required` (exit 2 when it is missing). Default: the configuration's
    /// `shellcheck`, else `auto`.
    #[arg(long, value_name = "WHEN", value_parser = parse_shellcheck_mode)]
    pub shellcheck: Option<crate::shellcheck::Mode>,

    /// Keep ShellCheck's findings per script in DIR, so unchanged scripts
    /// are not checked again. Default: `$LAYERLINT_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/layerlint`, else `~/.cache/layerlint`.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Neither read nor write the cache of ShellCheck findings.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,

    /// Exit 0 even when there are findings (errors reading files still
    /// exit 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Print findings only, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Print a count per rule instead of the findings (text and json formats).
    #[arg(long)]
    pub statistics: bool,

    /// Report only findings that are not in this baseline file (written
    /// by --write-baseline); findings survive lines moving.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in FILE and exit 0, so that later runs
    /// with --baseline FILE report only new findings.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "fix", "diff"])]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The Dockerfile to explain.
    pub dockerfile: PathBuf,

    /// Context files that changed since the last build (relative to the
    /// context directory, or paths that exist from here).
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "since")]
    pub changed: Vec<String>,

    /// Take the changed files from git: everything that differs from
    /// `GIT_REF` in the context's repository, untracked files included.
    #[arg(long, value_name = "GIT_REF")]
    pub since: Option<String>,

    /// The build context directory (default: the Dockerfile's directory).
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,

    /// A build argument value, as `docker build --build-arg` (repeatable).
    #[arg(long = "build-arg", value_name = "K=V", value_parser = parse_build_arg)]
    pub build_args: Vec<(String, String)>,

    /// Use this configuration file instead of searching for one.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Do not read any configuration file.
    #[arg(long)]
    pub no_config: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// A table per stage.
    Text,
    Json,
}

fn parse_shellcheck_mode(s: &str) -> Result<crate::shellcheck::Mode, String> {
    crate::shellcheck::Mode::parse(s)
        .ok_or_else(|| format!("`{s}` is not one of auto, off, required"))
}

fn parse_build_arg(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("`{s}` is not KEY=VALUE")),
    }
}

/// `--severity-threshold`: the lowest level that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Threshold {
    Error,
    Warning,
    Info,
    Style,
    /// Nothing fails the run.
    None,
}

impl Threshold {
    /// Whether a finding of this severity fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        let lowest = match self {
            Threshold::Error => Severity::Error,
            Threshold::Warning => Severity::Warning,
            Threshold::Info => Severity::Info,
            Threshold::Style => Severity::Style,
            Threshold::None => return false,
        };
        severity >= lowest
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Nothing at or above the threshold.
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
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rule { rule } => rules::explain(&rule),
        Command::Rules { format } => rules::list(format),
        Command::Explain(args) => explain::run(&args),
        Command::Lsp => Ok(lsp()),
        Command::Debug {
            command: DebugCommand::Ast { file, format },
        } => debug::ast(&file, format),
    };
    match result {
        Ok(outcome) => outcome,
        Err(e) => {
            report_error(&e);
            Outcome::Error
        }
    }
}

/// `layerlint lsp`: exits 0 after `shutdown` and `exit`, as the protocol
/// asks; non-zero when the client left without `shutdown`.
fn lsp() -> Outcome {
    match crate::lsp::run_stdio() {
        Ok(crate::lsp::Exit::Clean) => Outcome::Clean,
        Ok(crate::lsp::Exit::Abrupt) => Outcome::Error,
        Err(e) => {
            eprintln!("layerlint: error: {e}");
            Outcome::Error
        }
    }
}

/// Prints an error that is not a finding.
pub(crate) fn report_error(e: &CliError) {
    if !e.is_broken_pipe() {
        eprintln!("layerlint: error: {e}");
    }
}

pub(crate) fn warn(message: &str) {
    eprintln!("layerlint: warning: {message}");
}
