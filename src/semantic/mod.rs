//! The semantic model on top of the syntax tree.

pub mod shell;
pub mod stages;

pub use stages::{Stage, Stages};
