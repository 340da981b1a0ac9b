//! layerlint: a Dockerfile linter and build-cache advisor.
//!
//! The library API used by the CLI, the language server and the tests:
//! [`parse`] a source into a typed syntax tree, and read a file from disk
//! into a [`source::Source`] with clear errors for what cannot be linted.

pub mod cli;
pub mod source;
pub mod syntax;

pub use syntax::parse;
