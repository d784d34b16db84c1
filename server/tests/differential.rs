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
                let fresh = typeorm_lsp::syntax::facts_of_file(std::path::Path::new(rel), &text);
                assert_eq!(incremental, fresh, "{rel} v{version}: facts diverged");
            }
        }
    }
}

/// Whole decorators (and members) pasted at the start of a line, as an editor paste does.
const PASTES: &[&str] = &[
    "  @Index()\n",
    "  @Column({ type: 'varchar', length: 120, nullable: true })\n  名前😀: string;\n",
    "  @ManyToOne(() => User, (user) => user.orders, { onDelete: 'CASCADE' })\r\n  buyer: User;\r\n",
    "  @OneToMany(() => OrderItem, (item) => item.order)\n  items: OrderItem[];\n",
    "@Index(['status', 'createdAt'])\n",
    "@Entity('東京_table')\nexport class Pasted {\n  @PrimaryGeneratedColumn() id: number;\n}\n",
    "  // 🚀 メモ: keep\n",
];

/// The shop's files with emoji and CJK added, one of them with CRLF line ends.
fn prepared_sources() -> Vec<(std::path::PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/shop");
    let mut out = Vec::new();
    let mut stack = vec![root.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "ts") {
                let rel = p.strip_prefix(&root).expect("under root");
                let text = std::fs::read_to_string(&p).expect("read");
                out.push((Path::new("/ws").join(rel), text));
            }
        }
    }
    out.sort();
    out
}

/// The file's URI under the in-memory root.
fn file_uri(path: &Path) -> Uri {
    Uri::from_str(&format!("file://{}", path.display())).expect("uri")
}

/// 10,000 random edits spread over several open documents, applied through the document
/// store as an editor sends them (UTF-16 ranges, several changes per notification, full
/// replacements now and then) and fed to the workspace like the server does (facts from
/// the incremental tree, incremental model updates). The end state must equal a fresh
/// analysis of the final texts: same text, same facts, same findings.
#[test]
fn ten_thousand_edits_over_several_files_end_equal_to_a_fresh_analysis() {
    use typeorm_lsp::config::Config;
    use typeorm_lsp::model::SourceFile;
    use typeorm_lsp::workspace::Workspace;

    let mut sources = prepared_sources();
    let open_names = [
        "src/orders/entities/order.entity.ts",
        "src/users/entities/user.entity.ts",
        "src/catalog/entities/product.entity.ts",
        "src/users/users.service.ts",
        "src/orders/orders.service.ts",
    ];
    let mut open: Vec<(std::path::PathBuf, String)> = Vec::new();
    for (path, text) in &mut sources {
        if !open_names.iter().any(|n| path.ends_with(n)) {
            continue;
        }
        // Emoji and CJK in every open file; CRLF line ends in every other one.
        text.insert_str(0, "// 注文 😀 データ 🇯🇵\n");
        if open.len() % 2 == 1 {
            *text = text.replace('\n', "\r\n");
        }
        open.push((path.clone(), text.clone()));
    }
    assert_eq!(open.len(), open_names.len(), "fixture files moved");

    let root = Path::new("/ws");
    let mut ws = Workspace::from_sources(root, Config::default(), sources.clone());
    let store = DocumentStore::new();
    for (path, text) in &open {
        store.open(file_uri(path), 1, text.clone());
    }
    let mut versions = vec![1; open.len()];
    let mut rng = Lcg(2026);
    const EDITS: usize = 10_000;
    let mut edits = 0;
    while edits < EDITS {
        let k = rng.next(open.len());
        let (path, text) = &mut open[k];
        versions[k] += 1;
        let mut changes = Vec::new();
        // Usually one change, sometimes a burst of up to four in one notification.
        let burst = if rng.next(8) == 0 { 2 + rng.next(3) } else { 1 };
        for _ in 0..burst {
            edits += 1;
            if rng.next(100) == 0 {
                // A full replacement (no range) back to a clean text.
                let fresh = sources
                    .iter()
                    .find(|(p, _)| p == path)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default();
                *text = fresh.clone();
                changes.push(TextDocumentContentChangeEvent {
                    range: None,
                    range_length: None,
                    text: fresh,
                });
                continue;
            }
            let index = LineIndex::new(text);
            let (start, end, piece) = match rng.next(10) {
                // Paste a whole decorator at the start of a line.
                0 | 1 => {
                    let starts: Vec<usize> = std::iter::once(0)
                        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                        .collect();
                    let at = starts[rng.next(starts.len())];
                    (at, at, PASTES[rng.next(PASTES.len())].to_string())
                }
                // Delete (or retype) a whole line.
                2 => {
                    let at = boundary(text, rng.next(text.len() + 1));
                    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                    let retype = if rng.next(2) == 0 {
                        text[line_start..line_end].to_string()
                    } else {
                        String::new()
                    };
                    (line_start, line_end, retype)
                }
                _ => {
                    let start = boundary(text, rng.next(text.len() + 1));
                    let end = boundary(text, (start + rng.next(12)).min(text.len())).max(start);
                    (start, end, PIECES[rng.next(PIECES.len())].to_string())
                }
            };
            let range = Range {
                start: index.offset_to_position(text, start, PositionEncoding::Utf16),
                end: index.offset_to_position(text, end, PositionEncoding::Utf16),
            };
            // What the UTF-16 range means (a position inside CRLF cannot be expressed).
            let start = index.position_to_offset(text, range.start, PositionEncoding::Utf16);
            let end = index.position_to_offset(text, range.end, PositionEncoding::Utf16);
            text.replace_range(start..end, &piece);
            changes.push(TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
                text: piece,
            });
        }
        let snap = store
            .change(
                &file_uri(path),
                versions[k],
                &changes,
                PositionEncoding::Utf16,
            )
            .expect("change applies");
        assert_eq!(
            &*snap.text,
            text.as_str(),
            "{} v{}",
            path.display(),
            versions[k]
        );
        // Every few edits the server analyses the buffer: facts from the edited tree,
        // the model updated incrementally.
        if rng.next(25) == 0 {
            let tree = snap.tree.as_ref().expect("a tree");
            let facts = typeorm_lsp::syntax::extract(tree, &snap.text);
            ws.update_file(std::sync::Arc::new(SourceFile::with_facts(
                path.clone(),
                snap.text.clone(),
                facts,
            )));
        }
    }

    // The editor's end state, as the server holds it.
    for (path, text) in &open {
        let snap = store.get(&file_uri(path)).expect("open");
        assert_eq!(&*snap.text, text.as_str(), "{}", path.display());
        let tree = snap.tree.as_ref().expect("a tree");
        let facts = typeorm_lsp::syntax::extract(tree, &snap.text);
        assert_eq!(
            facts,
            typeorm_lsp::syntax::facts_of_file(path, text),
            "{}: facts diverged",
            path.display()
        );
        ws.update_file(std::sync::Arc::new(SourceFile::with_facts(
            path.clone(),
            snap.text.clone(),
            facts,
        )));
    }
    let final_sources: Vec<_> = sources
        .iter()
        .map(|(p, t)| match open.iter().find(|(q, _)| q == p) {
            Some((_, edited)) => (p.clone(), edited.clone()),
            None => (p.clone(), t.clone()),
        })
        .collect();
    let fresh = Workspace::from_sources(root, Config::default(), final_sources);
    // Everything but fix contents (a migration's name carries the time it was made).
    let view = |ws: &Workspace| {
        let mut out: Vec<String> = ws
            .check_all()
            .iter()
            .map(|f| {
                let titles: Vec<&str> = f.fixes.iter().map(|x| x.title.as_str()).collect();
                format!(
                    "{} {:?} {}:{:?} {} {:?} {:?} {titles:?}",
                    f.code,
                    f.severity,
                    f.path.display(),
                    f.span,
                    f.message,
                    f.related,
                    f.tags
                )
            })
            .collect();
        out.sort();
        out
    };
    let incremental_findings = view(&ws);
    let fresh_findings = view(&fresh);
    for (a, b) in incremental_findings.iter().zip(&fresh_findings) {
        assert_eq!(a, b, "findings diverged");
    }
    assert_eq!(incremental_findings, fresh_findings, "findings diverged");
}
