//! Differential edit test: a document edited change by change in the LSP document store
//! (rope edits, tree-sitter `edit` + incremental re-parse, UTF-16 positions) must give the
//! same text and the same facts as parsing the final text from scratch.

use std::path::Path;
use std::str::FromStr;
use tower_lsp_server::ls_types::{Range, TextDocumentContentChangeEvent, Uri};
use typeorm_lsp::lsp::documents::DocumentStore;
use typeorm_lsp::lsp::position::{LineIndex, PositionEncoding};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

fn boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

const PIECES: &[&str] = &[
    "",
    "x",
    "@Index()\n  ",
    "😀",
    "東京",
    "\r\n",
    "{",
    "}",
    "'",
    "// c\n",
    "find({ where: { email } })",
];

#[test]
fn incremental_edits_match_a_fresh_parse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/shop/src");
    let files = [
        "users/users.service.ts",
        "catalog/entities/product.entity.ts",
        "orders/entities/order.entity.ts",
    ];
    let mut rng = Lcg(7);
    for rel in files {
        let mut text = std::fs::read_to_string(root.join(rel)).expect("fixture");
        let store = DocumentStore::new();
        let uri = Uri::from_str(&format!("file:///ws/src/{rel}")).expect("uri");
        store.open(uri.clone(), 1, text.clone());
        for version in 2..150 {
            // One random replacement, expressed as an LSP range in UTF-16.
            let start = boundary(&text, rng.next(text.len() + 1));
            let end = boundary(&text, (start + rng.next(12)).min(text.len())).max(start);
            let piece = PIECES[rng.next(PIECES.len())];
            let index = LineIndex::new(&text);
            let range = Range {
                start: index.offset_to_position(&text, start, PositionEncoding::Utf16),
                end: index.offset_to_position(&text, end, PositionEncoding::Utf16),
            };
            // Positions inside a CRLF pair cannot be expressed; apply what the range means.
            let start = index.position_to_offset(&text, range.start, PositionEncoding::Utf16);
            let end = index.position_to_offset(&text, range.end, PositionEncoding::Utf16);
            text.replace_range(start..end, piece);
            let change = TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
                text: piece.to_string(),
            };
            let snap = store
                .change(&uri, version, &[change], PositionEncoding::Utf16)
                .expect("change applies");
            assert_eq!(
                &*snap.text,
                text.as_str(),
                "{rel} v{version}: text diverged"
            );
            if version % 10 == 0 {
                let tree = snap.tree.as_ref().expect("a tree");
                let incremental = typeorm_lsp::syntax::extract(tree, &snap.text);
                let fresh = typeorm_lsp::syntax::facts_of(&text);
                assert_eq!(incremental, fresh, "{rel} v{version}: facts diverged");
            }
        }
    }
}
