//! Open documents: the editor's buffers, edited in the order the client sent the edits
//! and re-parsed incrementally by tree-sitter.
//!
//! Every method is synchronous on purpose. The LSP handlers call them before their
//! first `.await`, so `didChange` notifications mutate the store in arrival order even
//! though the handlers themselves run concurrently.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use dashmap::DashMap;
use ropey::Rope;
use tower_lsp_server::ls_types::{Range, TextDocumentContentChangeEvent, Uri};
use tree_sitter::{InputEdit, Tree};

use super::position::{LineIndex, PositionEncoding};
use crate::syntax::{Dialect, Parsers};

/// One open document.
#[derive(Debug)]
pub struct Document {
    /// The client's version; edits with a version not newer than this are stale.
    pub version: i32,
    /// The buffer, cheap to edit in the middle of a large text.
    pub rope: Rope,
    /// The same text as `rope`, contiguous, for the parser and fact extraction.
    pub text: Arc<str>,
    /// The last parse; `None` only if tree-sitter gave up (never, unless cancelled).
    pub tree: Option<Tree>,
    /// The grammar of the document (from its URI): every re-parse uses it, so the old
    /// tree handed to the parser is always of the parser's grammar.
    pub dialect: Dialect,
    /// Line starts of `text`.
    pub line_index: Arc<LineIndex>,
}

/// A consistent, cheap-to-clone view of one document at one version.
#[derive(Debug, Clone)]
pub struct DocSnapshot {
    pub uri: Uri,
    pub version: i32,
    pub text: Arc<str>,
    /// A clone of the document's tree (tree-sitter trees are reference counted).
    pub tree: Option<Tree>,
    pub line_index: Arc<LineIndex>,
}

/// Why a `didChange` was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeError {
    /// The document is not open (a client bug, or a change racing a close).
    NotOpen,
    /// The version is not newer than the stored one (a duplicate or reordered change).
    Stale,
}

impl fmt::Display for ChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeError::NotOpen => f.write_str("document is not open"),
            ChangeError::Stale => f.write_str("change version is not newer than the document"),
        }
    }
}

impl std::error::Error for ChangeError {}

/// All open documents, keyed by URI.
#[derive(Debug, Default)]
pub struct DocumentStore {
    docs: DashMap<Uri, Document>,
}

impl DocumentStore {
    pub fn new() -> DocumentStore {
        DocumentStore::default()
    }

    /// Opens (or re-opens, replacing) a document and parses it from scratch.
    pub fn open(&self, uri: Uri, version: i32, text: String) -> DocSnapshot {
        let doc = Document::new(dialect_of(&uri), version, text);
        let snapshot = doc.snapshot(&uri);
        self.docs.insert(uri, doc);
        snapshot
    }

    /// Applies a `didChange`: every change in order, then one incremental re-parse.
    ///
    /// Ranges are converted with the negotiated encoding and clamped to the text, so a
    /// confused client can make the buffer wrong but never make the server panic.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        enc: PositionEncoding,
    ) -> Result<DocSnapshot, ChangeError> {
        let mut doc = self.docs.get_mut(uri).ok_or(ChangeError::NotOpen)?;
        if version <= doc.version {
            return Err(ChangeError::Stale);
        }
        doc.apply_changes(changes, enc);
        doc.version = version;
        Ok(doc.snapshot(uri))
    }

    /// Forgets a document; returns whether it was open.
    pub fn close(&self, uri: &Uri) -> bool {
        self.docs.remove(uri).is_some()
    }

    /// The current state of a document, if open.
    pub fn get(&self, uri: &Uri) -> Option<DocSnapshot> {
        self.docs.get(uri).map(|doc| doc.snapshot(uri))
    }

    /// Whether a document is open (the shell prefers its buffer over the disk).
    pub fn is_open(&self, uri: &Uri) -> bool {
        self.docs.contains_key(uri)
    }

    /// URIs of all open documents, in no particular order.
    pub fn uris(&self) -> Vec<Uri> {
        self.docs.iter().map(|entry| entry.key().clone()).collect()
    }

    /// Number of open documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no document is open.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

impl Document {
    /// A freshly parsed document.
    pub fn new(dialect: Dialect, version: i32, text: String) -> Document {
        let rope = Rope::from_str(&text);
        let line_index = Arc::new(LineIndex::new(&text));
        let text: Arc<str> = Arc::from(text);
        let tree = parse(dialect, &text, None);
        Document {
            version,
            rope,
            text,
            tree,
            dialect,
            line_index,
        }
    }

    fn snapshot(&self, uri: &Uri) -> DocSnapshot {
        DocSnapshot {
            uri: uri.clone(),
            version: self.version,
            text: Arc::clone(&self.text),
            tree: self.tree.clone(),
            line_index: Arc::clone(&self.line_index),
        }
    }

    /// Applies the changes in order, then refreshes `text` and re-parses once, reusing
    /// the edited old tree.
    fn apply_changes(&mut self, changes: &[TextDocumentContentChangeEvent], enc: PositionEncoding) {
        if changes.is_empty() {
            return;
        }
        // Edited in place; the snapshots handed out keep the old Arc.
        let mut index = LineIndex::clone(&self.line_index);
        // The new text as one String when the batch ended with a full replacement, so
        // a full-sync change does not copy the rope back out.
        let mut full_text: Option<String> = None;
        for change in changes {
            match change.range {
                Some(range) => {
                    full_text = None;
                    self.apply_range_change(&mut index, range, &change.text, enc);
                }
                None => {
                    self.rope = Rope::from_str(&change.text);
                    index = LineIndex::new(&change.text);
                    self.tree = None;
                    full_text = Some(change.text.clone());
                }
            }
        }
        let text = full_text.unwrap_or_else(|| self.rope.to_string());
        self.text = Arc::from(text);
        self.line_index = Arc::new(index);
        self.tree = parse(self.dialect, &self.text, self.tree.as_ref());
    }

    /// Replaces an LSP range of the rope with `new_text`, keeping `index` and the tree
    /// in step.
    fn apply_range_change(
        &mut self,
        index: &mut LineIndex,
        range: Range,
        new_text: &str,
        enc: PositionEncoding,
    ) {
        let rope = &self.rope;
        let span = index.range_to_span_by(range, enc, |r| rope.get_byte_slice(r).map(Cow::from));
        let before = span.start.checked_sub(1).and_then(|i| rope.get_byte(i));
        let after = rope.get_byte(span.end);
        let edit = input_edit(index, span.start, span.end, new_text);
        if replace_bytes(&mut self.rope, span.start, span.end, new_text).is_none() {
            // Unreachable: spans come from the index, so they are char boundaries in
            // range. Should it happen, resynchronise everything from the rope rather
            // than let the index, the tree and the text drift apart.
            *index = LineIndex::new(&self.rope.to_string());
            self.tree = None;
            return;
        }
        index.apply_edit(span.start, span.end, new_text, before, after);
        if let Some(tree) = &mut self.tree {
            tree.edit(&edit);
        }
    }
}

/// The tree-sitter edit for replacing `start..old_end` with `new_text`; `index` is the
/// index of the text before the edit.
fn input_edit(index: &LineIndex, start: usize, old_end: usize, new_text: &str) -> InputEdit {
    let start_position = index.ts_point(start);
    let mut new_end_position = start_position;
    match new_text.rfind('\n') {
        Some(last) => {
            new_end_position.row += new_text.bytes().filter(|&b| b == b'\n').count();
            new_end_position.column = new_text.len() - last - 1;
        }
        None => new_end_position.column += new_text.len(),
    }
    InputEdit {
        start_byte: start,
        old_end_byte: old_end,
        new_end_byte: start + new_text.len(),
        start_position,
        old_end_position: index.ts_point(old_end),
        new_end_position,
    }
}

/// Replaces a byte range of the rope; `None` if the range is not on char boundaries
/// inside the rope (nothing is changed then).
fn replace_bytes(rope: &mut Rope, start: usize, end: usize, text: &str) -> Option<()> {
    let char_start = rope.try_byte_to_char(start).ok()?;
    let char_end = rope.try_byte_to_char(end).ok()?;
    if rope.try_char_to_byte(char_start).ok()? != start
        || rope.try_char_to_byte(char_end).ok()? != end
    {
        return None;
    }
    rope.try_remove(char_start..char_end).ok()?;
    rope.try_insert(char_start, text).ok()
}

/// The grammar of a document, from the path of its URI (`untitled:` buffers are
/// TypeScript).
fn dialect_of(uri: &Uri) -> Dialect {
    Dialect::of_path(std::path::Path::new(uri.path().as_str()))
}

/// Parses with this thread's parser of the grammar (tree-sitter parsers are not `Sync`,
/// and creating one per keystroke would be wasteful).
fn parse(dialect: Dialect, text: &str, old: Option<&Tree>) -> Option<Tree> {
    thread_local! {
        static PARSERS: RefCell<Parsers> = RefCell::new(Parsers::new());
    }
    PARSERS.with(|parsers| {
        let mut parsers = parsers.try_borrow_mut().ok()?;
        parsers.of(dialect).parse(text, old)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::position::naive_ts_point;
    use tower_lsp_server::ls_types::Position;

    const ENCODINGS: [PositionEncoding; 3] = [
        PositionEncoding::Utf8,
        PositionEncoding::Utf16,
        PositionEncoding::Utf32,
    ];

    fn uri(name: &str) -> Uri {
        format!("file:///ws/{name}").parse().unwrap()
    }

    fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Option<Range> {
        Some(Range::new(Position::new(l1, c1), Position::new(l2, c2)))
    }

    fn edit(range: Option<Range>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.to_string(),
        }
    }

    /// An independent reference: the LSP position of a byte offset, char by char.
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
                col += match enc {
                    PositionEncoding::Utf8 => c.len_utf8(),
                    PositionEncoding::Utf16 => c.len_utf16(),
                    PositionEncoding::Utf32 => 1,
                } as u32;
            }
        }
        Position::new(line, col)
    }

    /// Fails unless both trees have the same nodes at the same bytes and points.
    fn assert_same_tree(incremental: &Tree, text: &str) {
        let fresh = crate::syntax::facts_of(text);
        let mut parser = crate::syntax::new_parser();
        let full = parser.parse(text, None).unwrap();
        assert_eq!(
            incremental.root_node().to_sexp(),
            full.root_node().to_sexp()
        );
        assert_eq!(incremental.root_node().has_error(), fresh.has_syntax_errors);
        let (mut a, mut b) = (incremental.walk(), full.walk());
        loop {
            let (na, nb) = (a.node(), b.node());
            assert_eq!(na.kind(), nb.kind());
            assert_eq!(na.byte_range(), nb.byte_range(), "{}", na.kind());
            assert_eq!(na.start_position(), nb.start_position(), "{}", na.kind());
            assert_eq!(na.end_position(), nb.end_position(), "{}", na.kind());
            if a.goto_first_child() {
                assert!(b.goto_first_child());
                continue;
            }
            loop {
                if a.goto_next_sibling() {
                    assert!(b.goto_next_sibling());
                    break;
                }
                assert!(!b.goto_next_sibling());
                if !a.goto_parent() {
                    return;
                }
                assert!(b.goto_parent());
            }
        }
    }

    fn assert_consistent(snap: &DocSnapshot, expected: &str) {
        assert_eq!(&*snap.text, expected);
        assert_eq!(*snap.line_index, LineIndex::new(expected));
        assert_same_tree(snap.tree.as_ref().unwrap(), expected);
    }

    fn lcg(seed: &mut u64) -> usize {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 33) as usize
    }

    fn floor(text: &str, mut i: usize) -> usize {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    /// The edit's points are what tree-sitter uses to move the nodes after the edit
    /// (a re-parse mostly re-creates the nodes around it), so check them before any
    /// re-parse: every leaf after the edit must sit where the new text puts it.
    #[test]
    fn input_edit_points_move_later_nodes_to_their_new_place() {
        let old = "let a = 1;\r\nlet b = '😀';\rlet c = 3;\nlet d = 4; let e = 5;\n";
        let cases: [(usize, usize, &str); 6] = [
            (4, 5, "xy"),
            (4, 5, "x\ny\n"),
            (10, 12, ""),
            (12, 12, "\r\n\r\n"),
            (27, 38, "z"),
            (3, 40, "\n中\n"),
        ];
        for (start, end, ins) in cases {
            let mut parser = crate::syntax::new_parser();
            let mut tree = parser.parse(old, None).unwrap();
            tree.edit(&input_edit(&LineIndex::new(old), start, end, ins));
            let mut new = old.to_string();
            new.replace_range(start..end, ins);
            let new_end = start + ins.len();
            let mut cursor = tree.walk();
            let mut checked = 0;
            loop {
                let node = cursor.node();
                if node.child_count() == 0 && node.start_byte() >= new_end {
                    let at = naive_ts_point(&new, node.start_byte());
                    assert_eq!(node.start_position(), at, "{start}..{end} {ins:?}");
                    checked += 1;
                }
                if cursor.goto_first_child() || cursor.goto_next_sibling() {
                    continue;
                }
                while cursor.goto_parent() && !cursor.goto_next_sibling() {}
                if cursor.node() == tree.root_node() {
                    break;
                }
            }
            assert!(checked > 0, "{start}..{end}");
        }
    }

    #[test]
    fn edits_with_emoji_cjk_and_crlf_match_hand_edits() {
        let store = DocumentStore::new();
        let u = uri("a.ts");
        store.open(
            u.clone(),
            1,
            "const a = '😀';\r\nconst b = '中文';\n".into(),
        );
        let enc = PositionEncoding::Utf16;
        // After the emoji (col 11 + 2 units) on line 0.
        let snap = store
            .change(&u, 2, &[edit(range(0, 13, 0, 13), "x")], enc)
            .unwrap();
        assert_consistent(&snap, "const a = '😀x';\r\nconst b = '中文';\n");
        // Replace 文 (one UTF-16 unit) on line 1.
        let snap = store
            .change(&u, 3, &[edit(range(1, 12, 1, 13), "字")], enc)
            .unwrap();
        assert_consistent(&snap, "const a = '😀x';\r\nconst b = '中字';\n");
        // Join the lines: delete from line 0's end across the CRLF.
        let snap = store
            .change(&u, 4, &[edit(range(0, 16, 1, 0), " ")], enc)
            .unwrap();
        assert_consistent(&snap, "const a = '😀x'; const b = '中字';\n");
        // UTF-8 columns: the emoji is 4 bytes.
        let snap = store
            .change(
                &u,
                5,
                &[edit(range(0, 11, 0, 15), "")],
                PositionEncoding::Utf8,
            )
            .unwrap();
        assert_consistent(&snap, "const a = 'x'; const b = '中字';\n");
    }

    #[test]
    fn several_changes_in_one_notification_apply_in_order() {
        let store = DocumentStore::new();
        let u = uri("a.ts");
        store.open(u.clone(), 1, "let a = 1;\n".into());
        let changes = [
            edit(range(0, 0, 0, 0), "let b = 2;\n"),
            // Refers to the text after the first change: `a` is now on line 1.
            edit(range(1, 4, 1, 5), "c"),
        ];
        let snap = store
            .change(&u, 2, &changes, PositionEncoding::Utf16)
            .unwrap();
        assert_consistent(&snap, "let b = 2;\nlet c = 1;\n");
    }

    #[test]
    fn random_edits_match_a_string_edited_by_hand() {
        let pieces = [
            "x",
            "😀",
            "中",
            "\r\n",
            "\n",
            "\r",
            "",
            "{",
            "}",
            "class A {}",
            "'s'",
            ";",
        ];
        for enc in ENCODINGS {
            let store = DocumentStore::new();
            let u = uri("r.ts");
            let mut text = String::from("class A {\r\n  x = '😀中';\n}\r\n");
            store.open(u.clone(), 0, text.clone());
            let mut seed = 42u64;
            for version in 1..200 {
                let mut a = floor(&text, lcg(&mut seed) % (text.len() + 1));
                let mut b = floor(&text, lcg(&mut seed) % (text.len() + 1));
                if a > b {
                    std::mem::swap(&mut a, &mut b);
                }
                if b - a > 8 {
                    b = floor(&text, a + 8);
                }
                // Never split a CRLF: that range is not expressible in LSP positions.
                let mid_crlf = |i: usize| i > 0 && text.get(i - 1..=i) == Some("\r\n");
                if mid_crlf(a) || mid_crlf(b) {
                    continue;
                }
                let ins = pieces[lcg(&mut seed) % pieces.len()];
                let r = Range::new(naive_position(&text, a, enc), naive_position(&text, b, enc));
                text.replace_range(a..b, ins);
                let snap = store
                    .change(&u, version, &[edit(Some(r), ins)], enc)
                    .unwrap();
                assert_eq!(&*snap.text, text, "{enc:?} v{version}");
                assert_eq!(
                    *snap.line_index,
                    LineIndex::new(&text),
                    "{enc:?} v{version}"
                );
            }
            let snap = store.get(&u).unwrap();
            assert_consistent(&snap, &text);
        }
    }

    #[test]
    fn five_hundred_sequential_edits_reparse_like_a_fresh_parse() {
        let target = "import { Entity, Column } from 'typeorm';\n\n@Entity('users')\nexport class User {\n  @Column({ type: 'varchar', length: 255 })\n  name: string;\n\n  @Column()\n  age: number;\n}\n";
        let store = DocumentStore::new();
        let u = uri("user.ts");
        store.open(u.clone(), 1, String::new());
        let enc = PositionEncoding::Utf16;
        let (mut line, mut col) = (0u32, 0u32);
        let mut version = 1;
        let mut typed = String::new();
        // Type the target character by character (each an incremental edit).
        for c in target.chars() {
            version += 1;
            let s = c.to_string();
            store
                .change(&u, version, &[edit(range(line, col, line, col), &s)], enc)
                .unwrap();
            typed.push(c);
            if c == '\n' {
                line += 1;
                col = 0;
            } else {
                col += c.len_utf16() as u32;
            }
        }
        // Then delete and retype characters along the text until 500 edits are made.
        let mut seed = 3u64;
        while version < 501 {
            version += 1;
            let offset = floor(&typed, lcg(&mut seed) % typed.len());
            let p = naive_position(&typed, offset, enc);
            if version % 2 == 0 {
                let c = typed[offset..].chars().next().unwrap();
                let end = naive_position(&typed, offset + c.len_utf8(), enc);
                typed.replace_range(offset..offset + c.len_utf8(), "");
                let r = Some(Range::new(p, end));
                store.change(&u, version, &[edit(r, "")], enc).unwrap();
            } else {
                typed.insert(offset, 'q');
                let r = Some(Range::new(p, p));
                store.change(&u, version, &[edit(r, "q")], enc).unwrap();
            }
        }
        let snap = store.get(&u).unwrap();
        assert_eq!(snap.version, 501);
        assert_consistent(&snap, &typed);
    }

    #[test]
    fn breaking_and_repairing_syntax_matches_a_full_reparse() {
        let store = DocumentStore::new();
        let u = uri("a.ts");
        let src = "@Entity()\nclass A {\n  @Column() x: string;\n}\nclass B {}\n";
        store.open(u.clone(), 1, src.into());
        let enc = PositionEncoding::Utf16;
        let broken = store
            .change(&u, 2, &[edit(range(3, 0, 3, 1), "")], enc)
            .unwrap();
        assert!(broken.tree.as_ref().unwrap().root_node().has_error());
        assert_consistent(
            &broken,
            "@Entity()\nclass A {\n  @Column() x: string;\n\nclass B {}\n",
        );
        let broken = store
            .change(&u, 3, &[edit(range(2, 10, 2, 10), "(((")], enc)
            .unwrap();
        assert_consistent(
            &broken,
            "@Entity()\nclass A {\n  @Column(((() x: string;\n\nclass B {}\n",
        );
        let repaired = store
            .change(
                &u,
                4,
                &[edit(range(2, 10, 2, 13), ""), edit(range(3, 0, 3, 0), "}")],
                enc,
            )
            .unwrap();
        assert!(!repaired.tree.as_ref().unwrap().root_node().has_error());
        assert_consistent(&repaired, src);
    }

    #[test]
    fn stale_and_unknown_changes_are_rejected() {
        let store = DocumentStore::new();
        let u = uri("a.ts");
        store.open(u.clone(), 5, "abc".into());
        let enc = PositionEncoding::Utf16;
        let change = [edit(range(0, 0, 0, 0), "x")];
        assert_eq!(
            store.change(&u, 5, &change, enc).unwrap_err(),
            ChangeError::Stale
        );
        assert_eq!(
            store.change(&u, 4, &change, enc).unwrap_err(),
            ChangeError::Stale
        );
        assert_eq!(&*store.get(&u).unwrap().text, "abc");
        let other = uri("b.ts");
        assert_eq!(
            store.change(&other, 9, &change, enc).unwrap_err(),
            ChangeError::NotOpen
        );
        assert_eq!(store.change(&u, 6, &change, enc).unwrap().version, 6);
        assert_eq!(&*store.get(&u).unwrap().text, "xabc");
    }

    #[test]
    fn out_of_range_edits_are_clamped() {
        let store = DocumentStore::new();
        let u = uri("a.ts");
        store.open(u.clone(), 1, "ab\r\ncd".into());
        let enc = PositionEncoding::Utf16;
        // Past the line end: before the CRLF.
        let snap = store
            .change(&u, 2, &[edit(range(0, 50, 0, 60), "!")], enc)
            .unwrap();
        assert_consistent(&snap, "ab!\r\ncd");
        // Past the last line: the end of the text.
        let snap = store
            .change(&u, 3, &[edit(range(9, 0, 12, 4), ";")], enc)
            .unwrap();
        assert_consistent(&snap, "ab!\r\ncd;");
        // Inside a surrogate pair: the emoji's start.
        store
            .change(&u, 4, &[edit(range(1, 0, 1, 0), "😀")], enc)
            .unwrap();
        let snap = store
            .change(&u, 5, &[edit(range(1, 1, 1, 1), "<")], enc)
            .unwrap();
        assert_consistent(&snap, "ab!\r\n<😀cd;");
        // A reversed range is put in order.
        let snap = store
            .change(&u, 6, &[edit(range(1, 4, 0, 1), "")], enc)
            .unwrap();
        assert_consistent(&snap, "ad;");
    }

    #[test]
    fn full_sync_change_replaces_the_text() {
        let store = DocumentStore::new();
        let u = uri("a.ts");
        store.open(u.clone(), 1, "class A {}".into());
        let enc = PositionEncoding::Utf16;
        let changes = [
            edit(None, "class B {\n}\n"),
            edit(range(1, 0, 1, 0), "  x = 1;\n"),
        ];
        let snap = store.change(&u, 2, &changes, enc).unwrap();
        assert_consistent(&snap, "class B {\n  x = 1;\n}\n");
        let snap = store
            .change(&u, 3, &[edit(None, "let 😀 = ;")], enc)
            .unwrap();
        assert_consistent(&snap, "let 😀 = ;");
    }

    #[test]
    fn snapshots_are_isolated_and_close_forgets() {
        let store = DocumentStore::new();
        let (a, b) = (uri("a.ts"), uri("b.ts"));
        let old = store.open(a.clone(), 1, "let x = 1;".into());
        store.open(b.clone(), 1, "let y = 2;".into());
        let mut uris = store.uris();
        uris.sort();
        assert_eq!(uris, vec![a.clone(), b.clone()]);
        store
            .change(
                &a,
                2,
                &[edit(range(0, 4, 0, 5), "zz")],
                PositionEncoding::Utf16,
            )
            .unwrap();
        assert_eq!(&*old.text, "let x = 1;");
        assert_same_tree(old.tree.as_ref().unwrap(), "let x = 1;");
        assert_eq!(&*store.get(&a).unwrap().text, "let zz = 1;");
        assert!(store.close(&a));
        assert!(!store.close(&a));
        assert!(store.get(&a).is_none());
        assert_eq!(store.uris(), vec![b]);
    }

    #[test]
    fn huge_documents_work() {
        let line = "export const value_😀 = { key: '中文', n: 12345 }; // padding padding\r\n";
        let text = line.repeat(5 * 1024 * 1024 / line.len() + 1);
        assert!(text.len() > 5 * 1024 * 1024);
        let lines = text.matches('\n').count() as u32;
        let store = DocumentStore::new();
        let u = uri("huge.ts");
        store.open(u.clone(), 1, text.clone());
        let enc = PositionEncoding::Utf16;
        let changes = [
            edit(range(lines / 2, 0, lines / 2, 6), "const"),
            edit(range(lines, 0, lines, 0), "let tail = 1;\n"),
        ];
        let snap = store.change(&u, 2, &changes, enc).unwrap();
        let mut expected = text;
        let mid = LineIndex::new(&expected).line_starts()[lines as usize / 2];
        expected.replace_range(mid..mid + 6, "const");
        expected.push_str("let tail = 1;\n");
        assert_eq!(&*snap.text, expected);
        assert_eq!(snap.line_index.line_count(), lines as usize + 2);
        let root = snap.tree.as_ref().unwrap().root_node();
        assert!(root.has_error(), "`const const` is not valid TypeScript");
        assert_eq!(root.end_byte(), expected.len());
    }

    #[test]
    fn an_edited_tsx_document_is_reparsed_with_the_tsx_grammar() {
        let store = DocumentStore::new();
        let (tsx, ts) = (uri("src/App.tsx"), uri("src/cast.ts"));
        let text = "import { A } from './a';\nexport const App = () => <div>{A}</div>;\n";
        let snap = store.open(tsx.clone(), 1, text.to_string());
        assert!(*snap.tree.as_ref().unwrap().language() == Dialect::Tsx.language());
        // An element inserted into the element, then an import after the JSX.
        let changes = [
            edit(range(1, 30, 1, 30), "<span key=\"k\">{b}</span>"),
            edit(range(2, 0, 2, 0), "import { B } from './b';\n"),
        ];
        let snap = store
            .change(&tsx, 2, &changes, PositionEncoding::Utf16)
            .unwrap();
        let expected = "import { A } from './a';\n\
                        export const App = () => <div><span key=\"k\">{b}</span>{A}</div>;\n\
                        import { B } from './b';\n";
        assert_eq!(&*snap.text, expected);
        let tree = snap.tree.as_ref().unwrap();
        assert!(*tree.language() == Dialect::Tsx.language());
        assert!(
            !tree.root_node().has_error(),
            "{}",
            tree.root_node().to_sexp()
        );
        let full = Dialect::Tsx.parser().parse(expected, None).unwrap();
        assert_eq!(tree.root_node().to_sexp(), full.root_node().to_sexp());
        let facts = crate::syntax::extract(tree, &snap.text);
        let path = std::path::Path::new("src/App.tsx");
        assert_eq!(facts, crate::syntax::facts_of_file(path, expected));
        let specifiers: Vec<&str> = facts.imports.iter().map(|i| &*i.specifier).collect();
        assert_eq!(specifiers, ["./a", "./b"]);
        // A `.ts` document keeps the TypeScript grammar, which reads `<T>x` casts.
        let snap = store.open(ts.clone(), 1, "const a = b;\n".to_string());
        assert!(*snap.tree.as_ref().unwrap().language() == Dialect::TypeScript.language());
        let cast = [edit(range(0, 10, 0, 10), "<number>")];
        let snap = store
            .change(&ts, 2, &cast, PositionEncoding::Utf16)
            .unwrap();
        assert_eq!(&*snap.text, "const a = <number>b;\n");
        assert!(!snap.tree.as_ref().unwrap().root_node().has_error());
    }
}
