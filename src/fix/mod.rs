//! Fixes: edits to the source with a title and an applicability, and the
//! machinery that applies them without overlap, to a fixed point, refusing
//! any result that gains a syntax error.

use serde::Serialize;

use crate::syntax::TextRange;

/// How sure a fix is to keep the meaning of the Dockerfile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown, never applied.
    DisplayOnly,
    /// Probably right, but may change behaviour: applied with `--unsafe-fixes`.
    Unsafe,
    /// Keeps the meaning: applied with `--fix`.
    Safe,
}

impl Applicability {
    pub const fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Replace `range` with `content` (an empty range inserts, empty content deletes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replace(range: TextRange, content: impl Into<String>) -> Self {
        Self {
            range,
            content: content.into(),
        }
    }

    pub fn insert(at: u32, content: impl Into<String>) -> Self {
        Self::replace(TextRange::empty(at), content)
    }

    pub fn delete(range: TextRange) -> Self {
        Self::replace(range, String::new())
    }
}

/// A titled set of edits applied together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the fix does, as an imperative ("Add `--no-install-recommends`").
    pub title: String,
    pub applicability: Applicability,
    /// Sorted by position, never overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    fn new(title: impl Into<String>, applicability: Applicability, mut edits: Vec<Edit>) -> Self {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        Self {
            title: title.into(),
            applicability,
            edits,
        }
    }

    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(title, Applicability::Safe, edits)
    }

    pub fn unsafe_edits(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(title, Applicability::Unsafe, edits)
    }

    pub fn display_only(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(title, Applicability::DisplayOnly, edits)
    }

    /// The range from the first edit's start to the last edit's end.
    pub fn span(&self) -> Option<TextRange> {
        let first = self.edits.first()?;
        let last = self.edits.last()?;
        Some(TextRange::new(
            first.range.start,
            last.range.end.max(first.range.end),
        ))
    }

    /// Whether this fix may be applied at the given level.
    pub fn allowed(&self, unsafe_fixes: bool) -> bool {
        match self.applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => unsafe_fixes,
            Applicability::DisplayOnly => false,
        }
    }
}

/// Applies as many of `fixes` as possible in one pass: fixes are taken in
/// source order and a fix whose edits would overlap or touch an already
/// applied one is left for the next pass. Returns the new text and how many
/// fixes were applied.
pub fn apply<'f>(source: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> (String, usize) {
    let mut fixes: Vec<&Fix> = fixes.into_iter().filter(|f| !f.edits.is_empty()).collect();
    fixes.sort_by_key(|f| f.span().map(|s| (s.start, s.end)));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    let mut last_end: Option<u32> = None;
    for fix in fixes {
        let Some(span) = fix.span() else { continue };
        let fits_source = fix.edits.iter().all(|e| {
            e.range.start <= e.range.end
                && source.is_char_boundary(e.range.start as usize)
                && source.is_char_boundary(e.range.end as usize)
                && (e.range.end as usize) <= source.len()
        });
        let disjoint = fix.edits.windows(2).all(|w| {
            w[0].range.end <= w[1].range.start
                && !(w[0].range.is_empty() && w[0].range == w[1].range)
        });
        if !fits_source || !disjoint || last_end.is_some_and(|end| span.start <= end) {
            continue;
        }
        last_end = Some(span.end);
        taken.extend(fix.edits.iter());
        applied += 1;
    }
    let mut out = String::with_capacity(source.len() + 64);
    let mut pos = 0usize;
    for edit in taken {
        out.push_str(&source[pos..edit.range.start as usize]);
        out.push_str(&edit.content);
        pos = edit.range.end as usize;
    }
    out.push_str(&source[pos..]);
    (out, applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_disjoint_fixes_and_defers_overlaps() {
        let source = "abcdef";
        let a = Fix::safe("a", vec![Edit::replace(TextRange::new(0, 1), "A")]);
        let b = Fix::safe("b", vec![Edit::replace(TextRange::new(0, 2), "XY")]);
        let c = Fix::safe(
            "c",
            vec![Edit::insert(3, "-"), Edit::delete(TextRange::new(5, 6))],
        );
        let (out, n) = apply(source, [&b, &a, &c]);
        assert_eq!(n, 2);
        assert_eq!(out, "Abc-de");
    }

    #[test]
    fn refuses_edits_outside_the_source() {
        let bad = Fix::safe("x", vec![Edit::replace(TextRange::new(2, 99), "")]);
        assert_eq!(apply("abc", [&bad]), ("abc".to_string(), 0));
        let split = Fix::safe("x", vec![Edit::replace(TextRange::new(1, 2), "")]);
        assert_eq!(apply("é", [&split]), ("é".to_string(), 0));
    }
}
