//! Syntax: text ranges and line index, the parser, the typed AST and
//! BuildKit's dump format.

pub mod ast;
pub mod dump;
pub mod error;
mod json;
pub mod logical;
pub mod parser;
pub mod text;
mod validate;

pub use ast::*;
pub use error::{SyntaxError, SyntaxErrorKind};
pub use logical::Logical;
pub use parser::parse;
pub use text::{Encoding, LineCol, LineIndex, TextRange};
