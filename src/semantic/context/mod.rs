//! The build context: which files a build can see.
//!
//! [`IgnoreFile`] and [`PatternMatcher`] reproduce moby/patternmatcher, the
//! `.dockerignore` reader and matcher BuildKit uses.
mod gopath;
mod goregex;
mod ignore;

pub use gopath::{BadPattern, contains_wildcards, glob_match};
pub use ignore::{IgnoreFile, MatchInfo, Pattern, PatternError, PatternMatcher, read_patterns};

#[cfg(test)]
mod tests;
