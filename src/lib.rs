//! layerlint: a Dockerfile linter and build-cache advisor.
//!
//! The library API used by the CLI, the language server and the tests:
//! [`parse`] a source into a typed syntax tree, [`lint`] it with
//! [`Settings`] into [`Diagnostic`]s, and [`fix`] it.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod engine;
pub mod fix;
pub mod lsp;
pub mod render;
#[path = "../rules/mod.rs"]
pub mod rules;
pub mod semantic;
pub mod syntax;
#[cfg(test)]
pub mod testing;

pub use diagnostic::{Diagnostic, Severity};
pub use engine::{Settings, fix, lint, lint_bytes};
pub use syntax::parse;
