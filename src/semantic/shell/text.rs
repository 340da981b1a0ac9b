//! The text a shell reads and the map from each of its bytes back to the
//! Dockerfile.
//!
//! BuildKit hands the shell a text that is not a slice of the Dockerfile:
//! continuation lines are joined (escape and line break removed), comment
//! lines inside them are dropped, `<<-` heredoc bodies lose their leading
//! tabs, heredoc bodies are glued to the command line with a line break, and
//! the script of `sh -c '…'` is the content of a quoted string. A
//! [`ShellText`] records where every run of its bytes was copied from, so a
//! range the shell parser reports maps back to a range in the source.

use std::borrow::Cow;

use crate::syntax::{Logical, TextRange};

/// A run of the text: bytes `text..` (up to the next run) come from
/// `source..`, or, when `synthetic`, were inserted and sit at `source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    text: usize,
    source: usize,
    synthetic: bool,
}

/// The text a shell reads, with the source offset of every byte.
#[derive(Clone, Debug)]
pub struct ShellText<'a> {
    source: &'a str,
    text: Cow<'a, str>,
    runs: Vec<Run>,
}

impl<'a> ShellText<'a> {
    /// The text of `source[range]`, verbatim (a heredoc body, say).
    pub fn verbatim(source: &'a str, range: TextRange) -> Self {
        let mut builder = ShellTextBuilder::new(source);
        builder.push_source(range.start as usize, range.end as usize);
        builder.finish()
    }

    /// The part `lo..hi` of a logical line.
    pub fn from_logical(source: &'a str, logical: &Logical<'a>, lo: usize, hi: usize) -> Self {
        let mut builder = ShellTextBuilder::new(source);
        for piece in logical.pieces() {
            let start = piece.logical.max(lo);
            let end = (piece.logical + piece.len).min(hi);
            if start < end {
                let offset = piece.source + (start - piece.logical);
                builder.push_source(offset, offset + (end - start));
            }
        }
        builder.finish()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The Dockerfile this text was taken from.
    pub fn source(&self) -> &'a str {
        self.source
    }

    /// The run holding offset `at` when something starts there.
    fn run_for_start(&self, at: usize) -> Option<&Run> {
        let i = self.runs.partition_point(|r| r.text <= at).checked_sub(1)?;
        self.runs.get(i)
    }

    /// The run holding offset `at` when something ends there.
    fn run_for_end(&self, at: usize) -> Option<&Run> {
        let i = self.runs.partition_point(|r| r.text < at).checked_sub(1)?;
        self.runs.get(i)
    }

    fn map(run: Option<&Run>, at: usize) -> usize {
        match run {
            Some(r) if r.synthetic => r.source,
            Some(r) => r.source + (at - r.text),
            None => 0,
        }
    }

    /// The source range of the text range `lo..hi`. Inserted bytes map to
    /// an empty range where they were inserted; the result always lies on
    /// character boundaries of the source.
    pub fn range(&self, lo: usize, hi: usize) -> TextRange {
        let lo = lo.min(self.text.len());
        let hi = hi.min(self.text.len());
        let start = floor_boundary(self.source, Self::map(self.run_for_start(lo), lo));
        if hi <= lo {
            return TextRange::from_usize(start, start);
        }
        let end = ceil_boundary(self.source, Self::map(self.run_for_end(hi), hi));
        TextRange::from_usize(start, end.max(start))
    }

    /// The text `lo..hi`, borrowed from the source when it was copied from
    /// one stretch of it.
    pub fn slice(&self, lo: usize, hi: usize) -> Cow<'a, str> {
        let Some(text) = self.text.get(lo..hi) else {
            return Cow::Borrowed("");
        };
        if let (Some(a), Some(b)) = (self.run_for_start(lo), self.run_for_end(hi))
            && a == b
            && !a.synthetic
        {
            let start = a.source + (lo - a.text);
            if let Some(s) = self.source.get(start..start + (hi - lo)) {
                return Cow::Borrowed(s);
            }
        }
        if let Cow::Borrowed(whole) = self.text
            && let Some(s) = whole.get(lo..hi)
        {
            return Cow::Borrowed(s);
        }
        Cow::Owned(text.to_owned())
    }
}

fn floor_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Builds a [`ShellText`] run by run.
#[derive(Debug)]
pub struct ShellTextBuilder<'a> {
    source: &'a str,
    text: String,
    runs: Vec<Run>,
}

impl<'a> ShellTextBuilder<'a> {
    pub fn new(source: &'a str) -> Self {
        Self {
            source,
            text: String::new(),
            runs: Vec::new(),
        }
    }

    /// Appends `source[start..end]` (ignored unless it is a valid range on
    /// character boundaries).
    pub fn push_source(&mut self, start: usize, end: usize) {
        let Some(piece) = self.source.get(start..end) else {
            return;
        };
        if piece.is_empty() {
            return;
        }
        let at = self.text.len();
        let continues = self
            .runs
            .last()
            .is_some_and(|r| !r.synthetic && r.source + (at - r.text) == start);
        if !continues {
            self.runs.push(Run {
                text: at,
                source: start,
                synthetic: false,
            });
        }
        self.text.push_str(piece);
    }

    /// Appends text that is not in the source, placed at source offset `at`.
    pub fn push_synthetic(&mut self, text: &str, at: usize) {
        if text.is_empty() {
            return;
        }
        self.runs.push(Run {
            text: self.text.len(),
            source: at,
            synthetic: true,
        });
        self.text.push_str(text);
    }

    /// Appends `other[lo..hi]`, keeping where each byte came from.
    pub fn push_text(&mut self, other: &ShellText<'a>, lo: usize, hi: usize) {
        let hi = hi.min(other.text.len());
        for (i, run) in other.runs.iter().enumerate() {
            let run_end = other.runs.get(i + 1).map_or(other.text.len(), |r| r.text);
            let start = run.text.max(lo);
            let end = run_end.min(hi);
            if start >= end {
                continue;
            }
            if run.synthetic {
                if let Some(t) = other.text.get(start..end) {
                    self.push_synthetic(t, run.source);
                }
            } else {
                let offset = run.source + (start - run.text);
                self.push_source(offset, offset + (end - start));
            }
        }
    }

    /// The source offset just after the last byte appended so far.
    pub fn end_offset(&self) -> usize {
        match self.runs.last() {
            Some(r) if r.synthetic => r.source,
            Some(r) => r.source + (self.text.len() - r.text),
            None => 0,
        }
    }

    pub fn finish(self) -> ShellText<'a> {
        let text = match self.runs.as_slice() {
            [] => Cow::Borrowed(""),
            [only] if !only.synthetic => self
                .source
                .get(only.source..only.source + self.text.len())
                .map_or(Cow::Owned(self.text), Cow::Borrowed),
            _ => Cow::Owned(self.text),
        };
        ShellText {
            source: self.source,
            text,
            runs: self.runs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_text_maps_back_byte_by_byte() {
        let source = "RUN a \\\n  b\n";
        let mut builder = ShellTextBuilder::new(source);
        builder.push_source(4, 6);
        builder.push_source(8, 11);
        let text = builder.finish();
        assert_eq!(text.as_str(), "a   b");
        assert_eq!(text.range(0, 1), TextRange::new(4, 5));
        assert_eq!(text.range(4, 5), TextRange::new(10, 11));
        assert_eq!(text.range(0, 5), TextRange::new(4, 11));
        // A range ending at a joint ends before the removed escape.
        assert_eq!(text.range(0, 2), TextRange::new(4, 6));
        assert!(matches!(text.slice(4, 5), Cow::Borrowed("b")));
        assert!(matches!(text.slice(0, 5), Cow::Owned(_)));
    }

    #[test]
    fn synthetic_bytes_map_to_where_they_were_inserted() {
        let source = "RUN <<EOF bash\necho hi\nEOF\n";
        let mut builder = ShellTextBuilder::new(source);
        builder.push_source(4, 14);
        builder.push_synthetic("\n", 14);
        builder.push_source(15, 23);
        let text = builder.finish();
        assert_eq!(text.as_str(), "<<EOF bash\necho hi\n");
        assert_eq!(text.range(10, 11), TextRange::new(14, 14));
        assert_eq!(text.range(11, 15), TextRange::new(15, 19));
        assert_eq!(text.slice(11, 15), "echo");
    }

    #[test]
    fn contiguous_text_is_borrowed() {
        let source = "RUN echo hi";
        let text = ShellText::verbatim(source, TextRange::new(4, 11));
        assert!(matches!(text.text, Cow::Borrowed("echo hi")));
        let mut builder = ShellTextBuilder::new(source);
        builder.push_text(&text, 5, 7);
        let inner = builder.finish();
        assert_eq!(inner.as_str(), "hi");
        assert_eq!(inner.range(0, 2), TextRange::new(9, 11));
    }

    #[test]
    fn out_of_range_requests_are_clamped() {
        let source = "RUN é";
        let text = ShellText::verbatim(source, TextRange::new(4, 6));
        assert_eq!(text.range(0, 99), TextRange::new(4, 6));
        assert_eq!(text.slice(1, 2), "");
        let mut builder = ShellTextBuilder::new(source);
        builder.push_source(5, 6);
        assert!(builder.finish().is_empty());
    }
}
