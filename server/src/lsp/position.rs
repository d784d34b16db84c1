//! Position encodings: every conversion between byte offsets and LSP positions.
//!
//! The core of the server speaks byte offsets ([`Span`]); the LSP speaks `(line,
//! character)` where "character" counts UTF-8, UTF-16 or UTF-32 code units, whichever
//! the client and server negotiated. Keeping every conversion here means there is
//! exactly one place that can get surrogate pairs or `\r\n` wrong.
//!
//! All conversions clamp instead of failing: an editor may send a position that is
//! past the end of a line or of the document (the spec says such positions mean "the
//! end"), and a buggy client may point into the middle of a character. Every offset we
//! return is a char boundary of the text, so slicing with it never panics.

use std::borrow::Cow;
use std::ops::Range as ByteRange;

use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

use crate::finding::Span;

/// What an LSP `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PositionEncoding {
    /// Bytes of UTF-8: free for us, since our text is UTF-8.
    Utf8,
    /// UTF-16 code units: the LSP default that every client supports.
    #[default]
    Utf16,
    /// Unicode scalar values.
    Utf32,
}

impl PositionEncoding {
    /// Picks the encoding from the client's `general.positionEncodings` capability.
    ///
    /// UTF-8 is preferred because it needs no counting at all; otherwise UTF-16, which
    /// the spec requires every client to support (so it is also the answer when the
    /// client says nothing).
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> PositionEncoding {
        let offers_utf8 = offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8));
        if offers_utf8 {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        }
    }

    /// The LSP name of this encoding, for `ServerCapabilities::position_encoding`.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
            PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// How many code units `c` takes in this encoding.
    fn units(self, c: char) -> usize {
        match self {
            PositionEncoding::Utf8 => c.len_utf8(),
            PositionEncoding::Utf16 => c.len_utf16(),
            PositionEncoding::Utf32 => 1,
        }
    }
}

impl From<PositionEncoding> for PositionEncodingKind {
    fn from(enc: PositionEncoding) -> Self {
        enc.kind()
    }
}

/// Where lines start in one text, with LSP line semantics: `\n`, `\r\n` and a lone
/// `\r` each end a line.
///
/// The index stores offsets only; conversions take the text as an argument so that the
/// same index serves a `&str` and a rope (see the `*_by` methods). The text passed must
/// be the one the index was built for; a mismatched text gives clamped, wrong-but-safe
/// answers, never a panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line; never empty, `starts[0] == 0`.
    starts: Vec<usize>,
    /// The subset of `starts` that follow a lone `\r`. Tree-sitter only counts `\n` as
    /// a row break, so these are needed to compute its points. Usually empty.
    lone_cr_starts: Vec<usize>,
    /// Length of the text in bytes.
    len: usize,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut index = LineIndex {
            starts: vec![0],
            lone_cr_starts: Vec::new(),
            len: bytes.len(),
        };
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'\n' => index.starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                    index.starts.push(i + 1);
                    index.lone_cr_starts.push(i + 1);
                }
                _ => {}
            }
        }
        index
    }

    /// Length in bytes of the indexed text.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the indexed text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of lines (an empty text and a text ending in a line break both count the
    /// last, empty line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offsets where lines start.
    pub fn line_starts(&self) -> &[usize] {
        &self.starts
    }

    /// The zero-based line containing `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// Bytes of line `line`, including its line break; `None` past the last line.
    pub fn line_range(&self, line: usize) -> Option<ByteRange<usize>> {
        let start = *self.starts.get(line)?;
        let end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        Some(start..end.max(start))
    }

    /// The LSP position of byte `offset` in `text`.
    pub fn offset_to_position(&self, text: &str, offset: usize, enc: PositionEncoding) -> Position {
        self.offset_to_position_by(offset, enc, |r| text.get(r).map(Cow::Borrowed))
    }

    /// The byte offset of `pos` in `text`, clamped to a char boundary of the text.
    pub fn position_to_offset(&self, text: &str, pos: Position, enc: PositionEncoding) -> usize {
        self.position_to_offset_by(pos, enc, |r| text.get(r).map(Cow::Borrowed))
    }

    /// The LSP range of a byte span of `text`.
    pub fn span_to_range(&self, text: &str, span: &Span, enc: PositionEncoding) -> Range {
        Range::new(
            self.offset_to_position(text, span.start, enc),
            self.offset_to_position(text, span.end, enc),
        )
    }

    /// The byte span of an LSP range of `text` (a reversed range is put in order).
    pub fn range_to_span(&self, text: &str, range: Range, enc: PositionEncoding) -> Span {
        self.range_to_span_by(range, enc, |r| text.get(r).map(Cow::Borrowed))
    }

    /// [`Self::offset_to_position`] for any text store: `line_text` returns the text of
    /// a byte range that [`Self::line_range`] produced.
    pub fn offset_to_position_by<'a>(
        &self,
        offset: usize,
        enc: PositionEncoding,
        line_text: impl FnOnce(ByteRange<usize>) -> Option<Cow<'a, str>>,
    ) -> Position {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let Some(range) = self.line_range(line) else {
            return Position::new(saturate(line), 0);
        };
        let text = line_text(range.clone()).unwrap_or_default();
        let content = strip_line_break(&text);
        let column = byte_to_column(content, offset - range.start, enc);
        Position::new(saturate(line), saturate(column))
    }

    /// [`Self::position_to_offset`] for any text store (see
    /// [`Self::offset_to_position_by`]).
    pub fn position_to_offset_by<'a>(
        &self,
        pos: Position,
        enc: PositionEncoding,
        line_text: impl FnOnce(ByteRange<usize>) -> Option<Cow<'a, str>>,
    ) -> usize {
        let Some(range) = usize::try_from(pos.line)
            .ok()
            .and_then(|line| self.line_range(line))
        else {
            // Past the last line: the spec's "end of document".
            return self.len;
        };
        let Some(text) = line_text(range.clone()) else {
            return range.start;
        };
        let content = strip_line_break(&text);
        range.start + column_to_byte(content, pos.character, enc)
    }

    /// [`Self::range_to_span`] for any text store; `line_text` is called once per end.
    pub fn range_to_span_by<'a>(
        &self,
        range: Range,
        enc: PositionEncoding,
        line_text: impl Fn(ByteRange<usize>) -> Option<Cow<'a, str>>,
    ) -> Span {
        let a = self.position_to_offset_by(range.start, enc, &line_text);
        let b = self.position_to_offset_by(range.end, enc, &line_text);
        a.min(b)..a.max(b)
    }

    /// Tree-sitter's `(row, byte column)` of `offset`. Tree-sitter counts only `\n` as a
    /// row break, so a lone `\r` does not start a row there even though it starts an LSP
    /// line.
    pub fn ts_point(&self, offset: usize) -> tree_sitter::Point {
        let offset = offset.min(self.len);
        let mut line = self.line_of(offset);
        let lone_cr_before = self.lone_cr_starts.partition_point(|&p| p <= offset);
        let row = line.saturating_sub(lone_cr_before);
        // Walk back to the line a `\n` (or the text start) began; only CR-only files
        // walk far.
        while line > 0 && self.is_lone_cr_start(line) {
            line -= 1;
        }
        let row_start = self.starts.get(line).copied().unwrap_or(0);
        tree_sitter::Point::new(row, offset.saturating_sub(row_start))
    }

    /// Updates the index for replacing bytes `start..old_end` with `inserted`, in
    /// O(lines) without rescanning the text.
    ///
    /// `before` is the byte at `start - 1` and `after` the byte at `old_end` (both
    /// unchanged by the edit): whether a position is a line start depends on its
    /// neighbours (`\r` + inserted `\n` merges into one `\r\n` break).
    pub fn apply_edit(
        &mut self,
        start: usize,
        old_end: usize,
        inserted: &str,
        before: Option<u8>,
        after: Option<u8>,
    ) {
        let old_end = old_end.min(self.len);
        let start = start.min(old_end);
        let new_end = start + inserted.len();
        let byte_at = |q: usize| -> Option<u8> {
            if q < start {
                before
            } else if q < new_end {
                inserted.as_bytes().get(q - start).copied()
            } else {
                after
            }
        };
        let mut fresh_starts = Vec::new();
        let mut fresh_lone_cr = Vec::new();
        for q in start..=new_end {
            if q == 0 {
                fresh_starts.push(0);
                continue;
            }
            let prev = byte_at(q - 1);
            let lone_cr = prev == Some(b'\r') && byte_at(q) != Some(b'\n');
            if prev == Some(b'\n') || lone_cr {
                fresh_starts.push(q);
            }
            if lone_cr {
                fresh_lone_cr.push(q);
            }
        }
        splice_offsets(&mut self.starts, start, old_end, new_end, fresh_starts);
        splice_offsets(
            &mut self.lone_cr_starts,
            start,
            old_end,
            new_end,
            fresh_lone_cr,
        );
        self.len = self.len - (old_end - start) + inserted.len();
    }

    fn is_lone_cr_start(&self, line: usize) -> bool {
        self.starts
            .get(line)
            .is_some_and(|s| self.lone_cr_starts.binary_search(s).is_ok())
    }
}

/// Replaces the offsets in `start..=old_end` of a sorted vector by `fresh` and shifts
/// the later ones by the edit's length change.
fn splice_offsets(
    offsets: &mut Vec<usize>,
    start: usize,
    old_end: usize,
    new_end: usize,
    fresh: Vec<usize>,
) {
    let lo = offsets.partition_point(|&p| p < start);
    let hi = offsets.partition_point(|&p| p <= old_end);
    if let Some(tail) = offsets.get_mut(hi..) {
        for p in tail {
            *p = *p - old_end + new_end;
        }
    }
    offsets.splice(lo..hi.max(lo), fresh);
}

/// The line without its trailing `\r\n`, `\n` or `\r`.
fn strip_line_break(line: &str) -> &str {
    line.strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .or_else(|| line.strip_suffix('\r'))
        .unwrap_or(line)
}

/// Code units of the first `byte_col` bytes of `line` (clamped to the line and floored
/// to a char boundary).
fn byte_to_column(line: &str, byte_col: usize, enc: PositionEncoding) -> usize {
    let prefix = line
        .get(..floor_char_boundary(line, byte_col))
        .unwrap_or("");
    match enc {
        PositionEncoding::Utf8 => prefix.len(),
        PositionEncoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
        PositionEncoding::Utf32 => prefix.chars().count(),
    }
}

/// Bytes of `line` covered by `character` code units, clamped to the line; a column
/// inside a character (a surrogate pair, a UTF-8 sequence) means its start.
fn column_to_byte(line: &str, character: u32, enc: PositionEncoding) -> usize {
    let character = usize::try_from(character).unwrap_or(usize::MAX);
    if enc == PositionEncoding::Utf8 {
        return floor_char_boundary(line, character);
    }
    let mut units = 0usize;
    for (idx, c) in line.char_indices() {
        units += enc.units(c);
        if units > character {
            return idx;
        }
    }
    line.len()
}

/// The largest char boundary of `s` that is `<= i` (`s.len()` if `i` is past the end).
fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `usize` to LSP `u32`, saturating (a 4 GiB line is not a real document).
fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The tree-sitter point of `offset` counted the slow, obvious way (tests compare with it).
#[cfg(test)]
pub(crate) fn naive_ts_point(text: &str, offset: usize) -> tree_sitter::Point {
    let before = &text.as_bytes()[..offset];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let row_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    tree_sitter::Point::new(row, offset - row_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENCODINGS: [PositionEncoding; 3] = [
        PositionEncoding::Utf8,
        PositionEncoding::Utf16,
        PositionEncoding::Utf32,
    ];

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    /// A deliberately naive reference: walk every char from the start.
    fn naive_position(text: &str, offset: usize, enc: PositionEncoding) -> Position {
        let (mut line, mut col) = (0u32, 0u32);
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if i >= offset {
                break;
            }
            let crlf = c == '\r' && chars.peek().map(|&(_, n)| n) == Some('\n');
            if c == '\n' || (c == '\r' && !crlf) {
                line += 1;
                col = 0;
            } else if !crlf {
                col += enc.units(c) as u32;
            }
        }
        pos(line, col)
    }

    #[test]
    fn negotiate_prefers_utf8_then_defaults_to_utf16() {
        let all = [
            PositionEncodingKind::UTF16,
            PositionEncodingKind::UTF32,
            PositionEncodingKind::UTF8,
        ];
        assert_eq!(
            PositionEncoding::negotiate(Some(&all)),
            PositionEncoding::Utf8
        );
        let no8 = [PositionEncodingKind::UTF32, PositionEncodingKind::UTF16];
        assert_eq!(
            PositionEncoding::negotiate(Some(&no8)),
            PositionEncoding::Utf16
        );
        assert_eq!(
            PositionEncoding::negotiate(Some(&[])),
            PositionEncoding::Utf16
        );
        assert_eq!(PositionEncoding::negotiate(None), PositionEncoding::Utf16);
        assert_eq!(PositionEncoding::Utf8.kind(), PositionEncodingKind::UTF8);
        assert_eq!(
            PositionEncodingKind::from(PositionEncoding::Utf32).as_str(),
            "utf-32"
        );
    }

    #[test]
    fn ascii_lines() {
        let text = "ab\ncd\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_starts(), &[0, 3, 6]);
        assert_eq!(idx.line_count(), 3);
        for enc in ENCODINGS {
            assert_eq!(idx.offset_to_position(text, 4, enc), pos(1, 1));
            assert_eq!(idx.position_to_offset(text, pos(1, 1), enc), 4);
            assert_eq!(idx.offset_to_position(text, 6, enc), pos(2, 0));
        }
    }

    #[test]
    fn emoji_is_two_utf16_units_and_four_bytes() {
        let text = "a😀b";
        let idx = LineIndex::new(text);
        assert_eq!(
            idx.offset_to_position(text, 5, PositionEncoding::Utf16),
            pos(0, 3)
        );
        assert_eq!(
            idx.offset_to_position(text, 5, PositionEncoding::Utf8),
            pos(0, 5)
        );
        assert_eq!(
            idx.offset_to_position(text, 5, PositionEncoding::Utf32),
            pos(0, 2)
        );
        assert_eq!(
            idx.position_to_offset(text, pos(0, 3), PositionEncoding::Utf16),
            5
        );
        // Inside the surrogate pair / inside the UTF-8 sequence: the emoji's start.
        assert_eq!(
            idx.position_to_offset(text, pos(0, 2), PositionEncoding::Utf16),
            1
        );
        for inside in 2..5 {
            assert_eq!(
                idx.position_to_offset(text, pos(0, inside), PositionEncoding::Utf8),
                1
            );
        }
        // An offset inside the emoji is floored too.
        assert_eq!(
            idx.offset_to_position(text, 3, PositionEncoding::Utf16),
            pos(0, 1)
        );
    }

    #[test]
    fn cjk_is_three_bytes_one_unit() {
        let text = "中文x";
        let idx = LineIndex::new(text);
        assert_eq!(
            idx.offset_to_position(text, 6, PositionEncoding::Utf16),
            pos(0, 2)
        );
        assert_eq!(
            idx.offset_to_position(text, 6, PositionEncoding::Utf32),
            pos(0, 2)
        );
        assert_eq!(
            idx.offset_to_position(text, 6, PositionEncoding::Utf8),
            pos(0, 6)
        );
        assert_eq!(
            idx.position_to_offset(text, pos(0, 1), PositionEncoding::Utf16),
            3
        );
        assert_eq!(
            idx.position_to_offset(text, pos(0, 4), PositionEncoding::Utf8),
            3
        );
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "a\r\nb\rc\n\rd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_starts(), &[0, 3, 5, 7, 8]);
        let enc = PositionEncoding::Utf16;
        // Character past the line end stops before the break.
        assert_eq!(idx.position_to_offset(text, pos(0, 9), enc), 1);
        assert_eq!(idx.position_to_offset(text, pos(1, 9), enc), 4);
        assert_eq!(idx.position_to_offset(text, pos(3, 9), enc), 7);
        assert_eq!(idx.position_to_offset(text, pos(4, 0), enc), 8);
        assert_eq!(idx.offset_to_position(text, 6, enc), pos(2, 1));
        // Between `\r` and `\n`: not representable, reported as the line end.
        assert_eq!(idx.offset_to_position(text, 2, enc), pos(0, 1));
    }

    #[test]
    fn empty_text() {
        let idx = LineIndex::new("");
        assert_eq!(idx.line_count(), 1);
        assert!(idx.is_empty());
        for enc in ENCODINGS {
            assert_eq!(idx.offset_to_position("", 0, enc), pos(0, 0));
            assert_eq!(idx.offset_to_position("", 10, enc), pos(0, 0));
            assert_eq!(idx.position_to_offset("", pos(0, 5), enc), 0);
            assert_eq!(idx.position_to_offset("", pos(7, 5), enc), 0);
        }
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let text = "ab\ncd";
        let idx = LineIndex::new(text);
        for enc in ENCODINGS {
            assert_eq!(idx.position_to_offset(text, pos(9, 0), enc), 5);
            assert_eq!(idx.position_to_offset(text, pos(1, u32::MAX), enc), 5);
            assert_eq!(
                idx.position_to_offset(text, pos(u32::MAX, u32::MAX), enc),
                5
            );
            assert_eq!(idx.offset_to_position(text, 99, enc), pos(1, 2));
        }
        // A reversed range is ordered.
        let span = idx.range_to_span(
            text,
            Range::new(pos(1, 1), pos(0, 1)),
            PositionEncoding::Utf16,
        );
        assert_eq!(span, 1..4);
    }

    #[test]
    fn mismatched_text_does_not_panic() {
        let idx = LineIndex::new("hello\nworld, a long line");
        for enc in ENCODINGS {
            let _ = idx.position_to_offset("h😀", pos(1, 3), enc);
            let _ = idx.offset_to_position("h😀", 20, enc);
            let _ = idx.offset_to_position("", 2, enc);
        }
    }

    #[test]
    fn round_trip_every_offset_of_a_mixed_string() {
        let text = "x😀中\r\nä\r\rb\n\n😀😀\r\n中 end";
        let idx = LineIndex::new(text);
        for enc in ENCODINGS {
            for offset in 0..=text.len() {
                let p = idx.offset_to_position(text, offset, enc);
                let back = idx.position_to_offset(text, p, enc);
                assert!(text.is_char_boundary(back), "{enc:?} {offset}");
                let mid_crlf = offset > 0
                    && text.as_bytes().get(offset - 1) == Some(&b'\r')
                    && text.as_bytes().get(offset) == Some(&b'\n');
                if text.is_char_boundary(offset) && !mid_crlf {
                    assert_eq!(p, naive_position(text, offset, enc), "{enc:?} {offset}");
                    assert_eq!(back, offset, "{enc:?} {offset}");
                } else {
                    assert!(back < offset, "{enc:?} {offset} floors");
                }
            }
            let span = 1..text.len();
            assert_eq!(
                idx.range_to_span(text, idx.span_to_range(text, &span, enc), enc),
                span
            );
        }
    }

    #[test]
    fn every_position_maps_to_a_char_boundary() {
        let text = "😀\r\n中a\rb";
        let idx = LineIndex::new(text);
        for enc in ENCODINGS {
            for line in 0..5 {
                for character in 0..12 {
                    let o = idx.position_to_offset(text, pos(line, character), enc);
                    assert!(
                        text.is_char_boundary(o),
                        "{enc:?} {line}:{character} -> {o}"
                    );
                }
            }
        }
    }

    #[test]
    fn ts_points_count_only_newlines() {
        let text = "ab\r\ncd\ref\ng";
        let idx = LineIndex::new(text);
        assert_eq!(idx.ts_point(0), tree_sitter::Point::new(0, 0));
        assert_eq!(idx.ts_point(5), tree_sitter::Point::new(1, 1));
        // After the lone `\r`: same tree-sitter row, column keeps counting.
        assert_eq!(idx.ts_point(8), tree_sitter::Point::new(1, 4));
        assert_eq!(idx.ts_point(10), tree_sitter::Point::new(2, 0));
        assert_eq!(idx.ts_point(99), tree_sitter::Point::new(2, 1));
    }

    /// A tiny deterministic generator (no `rand` dependency).
    fn lcg(seed: &mut u64) -> usize {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 33) as usize
    }

    #[test]
    fn apply_edit_matches_a_fresh_index() {
        let pieces = ["\r", "\n", "\r\n", "a", "😀", "中", "", "x\ry", "\n\r"];
        let mut text = String::from("ab\r\ncd\n");
        let mut idx = LineIndex::new(&text);
        let mut seed = 7u64;
        for _ in 0..2000 {
            let mut a = lcg(&mut seed) % (text.len() + 1);
            let mut b = lcg(&mut seed) % (text.len() + 1);
            if a > b {
                std::mem::swap(&mut a, &mut b);
            }
            a = floor_char_boundary(&text, a);
            b = floor_char_boundary(&text, b);
            let ins = pieces[lcg(&mut seed) % pieces.len()];
            let before = a
                .checked_sub(1)
                .and_then(|i| text.as_bytes().get(i).copied());
            let after = text.as_bytes().get(b).copied();
            idx.apply_edit(a, b, ins, before, after);
            text.replace_range(a..b, ins);
            assert_eq!(
                idx,
                LineIndex::new(&text),
                "after editing {a}..{b} with {ins:?}"
            );
            let probe = lcg(&mut seed) % (text.len() + 1);
            assert_eq!(
                idx.ts_point(probe),
                naive_ts_point(&text, probe),
                "{text:?} {probe}"
            );
            if text.len() > 200 {
                text.truncate(floor_char_boundary(&text, 20));
                idx = LineIndex::new(&text);
            }
        }
    }
}
