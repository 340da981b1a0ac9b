//! The semantic model on top of the syntax tree.

pub mod context;
pub mod layers;
pub mod shell;
pub mod stages;
pub mod vars;

pub use stages::{Base, Edge, EdgeKind, Stage, StageGraph, Stages};
