//! Errors that are not findings: usage, configuration and I/O. Each names
//! what it is about; the CLI prints it and exits 2.

use std::io;
use std::path::PathBuf;

use crate::engine::UnknownSelector;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("`{path}` is too large for a Dockerfile: {}", too_large(*size, *limit))]
    TooLarge {
        path: PathBuf,
        /// The size, when known (not for pipes and devices).
        size: Option<u64>,
        limit: u64,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("cannot write the report: {0}")]
    Output(#[source] io::Error),
    #[error("cannot search `{path}`: {message}")]
    Walk { path: PathBuf, message: String },
    #[error("--{option}: {source} (`layerlint rules` lists every rule)")]
    Selector {
        option: &'static str,
        #[source]
        source: UnknownSelector,
    },
    #[error(
        "not writing `{path}`: the fixed text has {after} syntax errors, the original {before}"
    )]
    FixAddsErrors {
        path: PathBuf,
        before: usize,
        after: usize,
    },
    #[error("build context: {0}")]
    Context(#[from] crate::semantic::context::ContextError),
    #[error("{0}")]
    Usage(String),
    #[error(
        "`shellcheck` is required (--shellcheck required, or `shellcheck: required` in the configuration) but is not on the PATH"
    )]
    ShellcheckMissing,
    #[error("ShellCheck: {source}")]
    Shellcheck {
        #[source]
        source: crate::shellcheck::Error,
    },
}

/// "N bytes, more than the limit of L bytes (M MiB)"; the size is unknown
/// for pipes and devices.
fn too_large(size: Option<u64>, limit: u64) -> String {
    let limit = format!("the limit of {limit} bytes ({} MiB)", limit >> 20);
    match size {
        Some(size) => format!("{size} bytes, more than {limit}"),
        None => format!("more than {limit}"),
    }
}

impl CliError {
    /// Writing to a closed pipe (`layerlint check | head`) is not worth a
    /// message.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}
