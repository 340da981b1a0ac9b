//! A logical line: the text BuildKit sees after joining continuation lines,
//! with a map from its offsets back to the source.
//!
//! [`Dockerfile::logical_line`](super::Dockerfile::logical_line) rebuilds the
//! logical line of any instruction exactly as the parser built it, so later
//! passes (the shell model of `RUN`) can map offsets in the joined text back
//! to the Dockerfile byte by byte.

use std::borrow::Cow;

use super::ast::Word;
use super::text::TextRange;

/// Joined text plus the source offset where each joined piece starts.
#[derive(Clone, Debug)]
pub struct Logical<'a> {
    source: &'a str,
    text: Cow<'a, str>,
    /// `(logical start, source start)` of each piece, in order; a piece runs
    /// until the next one starts.
    pieces: Vec<(usize, usize)>,
    /// A recycled buffer for `text` once a continuation makes it owned.
    spare: String,
}

/// The allocations a [`Logical`] hands on to the next one, so that a file
/// does not allocate its piece map and joined text once per instruction.
#[derive(Debug, Default)]
pub struct Buffers {
    pieces: Vec<(usize, usize)>,
    text: String,
}

/// A run of the logical text copied verbatim from the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Where the run starts in the logical text.
    pub logical: usize,
    /// Where the run starts in the source.
    pub source: usize,
    /// Its length in bytes.
    pub len: usize,
}

impl<'a> Logical<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        Self::with_buffers(source, Buffers::default())
    }

    /// An empty logical line that reuses `buffers`.
    pub fn with_buffers(source: &'a str, buffers: Buffers) -> Self {
        let Buffers { mut pieces, text } = buffers;
        pieces.clear();
        Self {
            source,
            text: Cow::Borrowed(""),
            pieces,
            spare: text,
        }
    }

    /// Gives the allocations back for the next logical line.
    pub fn into_buffers(self) -> Buffers {
        let text = match self.text {
            Cow::Owned(text) => text,
            Cow::Borrowed(_) => self.spare,
        };
        Buffers {
            pieces: self.pieces,
            text,
        }
    }

    /// Appends `source[start..end]`.
    pub(crate) fn push(&mut self, start: usize, end: usize) {
        let piece = &self.source[start..end];
        if self.pieces.is_empty() {
            self.text = Cow::Borrowed(piece);
            self.pieces.push((0, start));
            return;
        }
        if piece.is_empty() {
            return;
        }
        let at = self.text.len();
        if let Cow::Borrowed(first) = self.text {
            // Continued instructions usually run over several lines: leave
            // room for them instead of growing the string once per line.
            let mut owned = std::mem::take(&mut self.spare);
            owned.clear();
            owned.reserve((first.len() + piece.len()) * 4);
            owned.push_str(first);
            self.text = Cow::Owned(owned);
        }
        self.text.to_mut().push_str(piece);
        self.pieces.push((at, start));
    }

    /// The joined text, starting at the instruction's keyword.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The runs of the logical text and where each comes from, in order.
    pub fn pieces(&self) -> impl Iterator<Item = Piece> + '_ {
        self.pieces
            .iter()
            .enumerate()
            .map(|(i, &(logical, source))| {
                let next = self
                    .pieces
                    .get(i + 1)
                    .map_or(self.text.len(), |&(next, _)| next);
                Piece {
                    logical,
                    source,
                    len: next - logical,
                }
            })
    }

    /// The logical offsets of a source range that lies within the joined
    /// pieces (such as the range of a [`Word`] the parser built from this
    /// line); `None` when either end falls outside them.
    pub fn logical_range(&self, range: TextRange) -> Option<(usize, usize)> {
        let (start, end) = (range.start as usize, range.end as usize);
        let mut lo = None;
        let mut hi = None;
        for p in self.pieces() {
            let p_end = p.source + p.len;
            if lo.is_none() && p.source <= start && start < p_end {
                lo = Some(p.logical + (start - p.source));
            }
            if hi.is_none() && p.source < end && end <= p_end {
                hi = Some(p.logical + (end - p.source));
            }
        }
        let text_end = self.text.len();
        let last_end = self.pieces().last().map(|p| p.source + p.len);
        if last_end == Some(start) {
            lo = lo.or(Some(text_end));
        }
        if end == start {
            hi = lo;
        }
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo <= hi => Some((lo, hi)),
            _ => None,
        }
    }

    fn piece_for_start(&self, at: usize) -> usize {
        self.pieces
            .partition_point(|&(l, _)| l <= at)
            .saturating_sub(1)
    }

    fn piece_for_end(&self, at: usize) -> usize {
        self.pieces
            .partition_point(|&(l, _)| l < at)
            .saturating_sub(1)
    }

    /// Source offset of a logical offset where something starts.
    pub fn start_offset(&self, at: usize) -> usize {
        let (l, s) = self
            .pieces
            .get(self.piece_for_start(at))
            .copied()
            .unwrap_or((0, 0));
        s + (at - l)
    }

    /// Source offset of a logical offset where something ends.
    pub fn end_offset(&self, at: usize) -> usize {
        let (l, s) = self
            .pieces
            .get(self.piece_for_end(at))
            .copied()
            .unwrap_or((0, 0));
        s + (at - l)
    }

    /// The source range of the logical range `lo..hi`.
    pub fn range(&self, lo: usize, hi: usize) -> TextRange {
        let start = self.start_offset(lo);
        if hi <= lo {
            return TextRange::from_usize(start, start);
        }
        TextRange::from_usize(start, self.end_offset(hi))
    }

    /// The verbatim word `lo..hi`, borrowed from the source when it does not
    /// span a continuation.
    pub(crate) fn word(&self, lo: usize, hi: usize) -> Word<'a> {
        let range = self.range(lo, hi);
        let contiguous = hi <= lo || self.piece_for_start(lo) == self.piece_for_end(hi);
        let value = if contiguous {
            Cow::Borrowed(&self.source[range.as_usize()])
        } else {
            Cow::Owned(self.text[lo..hi].to_string())
        };
        Word { value, range }
    }

    /// A word for `lo..hi` whose value was transformed (unquoted, decoded).
    pub(crate) fn word_with(&self, lo: usize, hi: usize, value: Option<String>) -> Word<'a> {
        match value {
            Some(v) if v != self.text[lo..hi] => Word {
                value: Cow::Owned(v),
                range: self.range(lo, hi),
            },
            _ => self.word(lo, hi),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_joined_pieces_back() {
        let source = "RUN a \\\n  b\n";
        let mut logical = Logical::new(source);
        logical.push(0, 6);
        logical.push(8, 11);
        assert_eq!(logical.text(), "RUN a   b");
        let w = logical.word(4, 9);
        assert_eq!(w.value, "a   b");
        assert_eq!(w.range, TextRange::new(4, 11));
        let b = logical.word(8, 9);
        assert!(matches!(b.value, Cow::Borrowed("b")));
        assert_eq!(b.range, TextRange::new(10, 11));
        // A word ending exactly at a piece boundary maps to the first piece.
        let a = logical.word(4, 6);
        assert_eq!(a.range, TextRange::new(4, 6));
        assert!(matches!(a.value, Cow::Borrowed("a ")));
    }

    #[test]
    fn source_ranges_map_back_to_logical_offsets() {
        let source = "RUN a \\\n  b\n";
        let mut logical = Logical::new(source);
        logical.push(0, 6);
        logical.push(8, 11);
        let pieces: Vec<Piece> = logical.pieces().collect();
        assert_eq!(
            pieces,
            vec![
                Piece {
                    logical: 0,
                    source: 0,
                    len: 6
                },
                Piece {
                    logical: 6,
                    source: 8,
                    len: 3
                },
            ]
        );
        for (lo, hi) in [(4, 9), (8, 9), (4, 6), (0, 3), (9, 9), (6, 6)] {
            let range = logical.range(lo, hi);
            assert_eq!(logical.logical_range(range), Some((lo, hi)), "{lo}..{hi}");
        }
        // The removed escape and line break belong to no piece.
        assert_eq!(logical.logical_range(TextRange::new(6, 7)), None);
        assert_eq!(logical.logical_range(TextRange::new(7, 9)), None);
    }
}
