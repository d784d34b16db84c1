//! Parsing a file with parts of its text left out, then giving the tree the real
//! offsets back: what [`super::migration_parse`] and [`super::body_elision`] share.
//!
//! tree-sitter's cost is per token, so text it need not see is cut out of a copy before
//! the parse; one `Tree::edit` per cut then tells the tree the text is back, as an
//! insertion just before the node that follows it. Every node then has the offsets (and
//! rows and columns) of the real text, and the extraction reads the real text unchanged.

use std::ops::Range;
use tree_sitter::{InputEdit, Parser, Point, Tree};

/// Parses `src` without the ranges `gone` (ascending, disjoint).
pub fn parse_without(parser: &mut Parser, src: &[u8], gone: &[Range<usize>]) -> Option<Tree> {
    let cut: usize = gone.iter().map(|r| r.len()).sum();
    let mut skeleton = Vec::with_capacity(src.len().saturating_sub(cut));
    let mut from = 0;
    for range in gone {
        skeleton.extend_from_slice(src.get(from..range.start)?);
        from = range.end;
    }
    skeleton.extend_from_slice(src.get(from..)?);
    parser.parse(&skeleton, None)
}

/// Tells the tree of [`parse_without`] that the text of `gone` is back, range by range in
/// order: the inserted text becomes space before the node after it, and the block around
/// it grows.
pub fn put_back(tree: &mut Tree, src: &[u8], gone: &[Range<usize>]) {
    let mut points = PointCounter::default();
    for range in gone {
        let start_position = points.at(src, range.start);
        tree.edit(&InputEdit {
            start_byte: range.start,
            old_end_byte: range.start,
            new_end_byte: range.end,
            start_position,
            old_end_position: start_position,
            new_end_position: points.at(src, range.end),
        });
    }
}

/// Points of increasing offsets (rows by `\n`, columns in bytes, as tree-sitter counts),
/// counting the lines in between once.
#[derive(Default)]
struct PointCounter {
    offset: usize,
    row: usize,
    line_start: usize,
}

impl PointCounter {
    fn at(&mut self, src: &[u8], offset: usize) -> Point {
        let end = offset.min(src.len()).max(self.offset);
        for nl in memchr::memchr_iter(b'\n', &src[self.offset..end]) {
            self.row += 1;
            self.line_start = self.offset + nl + 1;
        }
        self.offset = end;
        Point::new(self.row, end - self.line_start)
    }
}
