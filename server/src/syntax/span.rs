//! [`ByteSpan`]: where a fact was written, in 8 bytes.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;

/// A byte range of a file's text in 32-bit offsets: 8 bytes where a `Range<usize>` takes
/// 16, and the facts of a file hold a few hundred spans. Files are far smaller than 4 GB
/// (`workspace::MAX_FILE_BYTES`); a larger offset saturates instead of wrapping.
/// Serialized as `{ start, end }`, as a `Range` is.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ByteSpan {
    start: u32,
    end: u32,
}

fn offset(o: usize) -> u32 {
    u32::try_from(o).unwrap_or(u32::MAX)
}

impl ByteSpan {
    pub fn new(start: usize, end: usize) -> ByteSpan {
        ByteSpan {
            start: offset(start),
            end: offset(end),
        }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The range, to slice the text or to report a finding at.
    pub fn range(self) -> Range<usize> {
        self.start()..self.end()
    }

    pub fn len(self) -> usize {
        self.end().saturating_sub(self.start())
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// `start <= offset < end`, as `Range::contains`.
    pub fn contains(self, offset: usize) -> bool {
        self.range().contains(&offset)
    }
}

impl From<Range<usize>> for ByteSpan {
    fn from(r: Range<usize>) -> ByteSpan {
        ByteSpan::new(r.start, r.end)
    }
}

impl From<ByteSpan> for Range<usize> {
    fn from(s: ByteSpan) -> Range<usize> {
        s.range()
    }
}

impl PartialEq<Range<usize>> for ByteSpan {
    fn eq(&self, other: &Range<usize>) -> bool {
        self.range() == *other
    }
}

impl PartialEq<ByteSpan> for Range<usize> {
    fn eq(&self, other: &ByteSpan) -> bool {
        *self == other.range()
    }
}

/// As a `Range` prints (`3..7`).
impl fmt::Debug for ByteSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.range(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_range_and_serializes_like_one() {
        let s = ByteSpan::from(3..7);
        assert_eq!(s.range(), 3..7);
        assert_eq!((s.start(), s.end(), s.len()), (3, 7, 4));
        assert!(s.contains(3) && !s.contains(7));
        assert_eq!(format!("{s:?}"), "3..7");
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            serde_json::to_string(&(3..7)).unwrap()
        );
        assert_eq!(ByteSpan::from(0..usize::MAX).end(), u32::MAX as usize);
    }
}
