//! Parsing: TypeScript text -> tree-sitter tree -> [`FileFacts`].

pub mod classes;
pub mod facts;
#[cfg(test)]
pub(crate) mod fixture_files;
mod function_binding;
pub mod ids;
pub mod imports;
pub mod misc;
pub mod name;
pub mod postgres_branch;
pub mod prune;
pub mod queries;
pub mod scan;
pub mod shrink;
pub mod span;
pub mod thin_str;
pub mod types;
pub mod value;
pub mod wrappers;

pub use facts::*;

use tree_sitter::{Parser, Tree};

/// A tree-sitter parser for TypeScript. Creating one is cheap; keep one per thread.
pub fn new_parser() -> Parser {
    let mut parser = Parser::new();
    // The grammar is compiled in; a version mismatch is a build error, not input-derived.
    parser
        .set_language(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into())
        .expect("tree-sitter-typescript grammar matches the tree-sitter version");
    parser
}

/// Parses `src` (optionally reusing an edited old tree). `None` only if parsing was
/// cancelled, which we never ask for.
pub fn parse(parser: &mut Parser, src: &str, old: Option<&Tree>) -> Option<Tree> {
    parser.parse(src, old)
}

/// Parses and extracts facts in one go (the CLI path: the tree is dropped afterwards).
pub fn facts_of(src: &str) -> FileFacts {
    thread_local! {
        static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new(new_parser());
    }
    PARSER.with(|p| {
        let mut parser = p.borrow_mut();
        match parse(&mut parser, src, None) {
            Some(tree) => extract(&tree, src),
            None => FileFacts {
                has_syntax_errors: true,
                ..FileFacts::default()
            },
        }
    })
}

/// Extracts the facts of a parsed file.
pub fn extract(tree: &Tree, src: &str) -> FileFacts {
    let root = tree.root_node();
    extract_with(root, src, &scan::Scan::of_source(root, src))
}

/// [`extract`] from a given scan of the tree (tests compare the full and the pruned one).
pub fn extract_with(root: tree_sitter::Node, src: &str, scan: &scan::Scan) -> FileFacts {
    // Lines are read only to match a suppression comment to the line after it.
    let has_suppression = mentions(src, misc::SUPPRESSION_MARKER);
    let mut facts = FileFacts {
        line_starts: if has_suppression {
            line_starts(src)
        } else {
            Vec::new()
        },
        has_syntax_errors: root.has_error(),
        ..FileFacts::default()
    };
    // Imports first: the class extraction skips arguments that the prune drops.
    imports::imports_from_scan(scan, src, &mut facts);
    classes::classes_from_scan(scan, src, &mut facts);
    misc::misc_from_scan(scan, src, &mut facts);
    queries::queries_from_scan(root, scan, src, &mut facts);
    wrappers::functions_from_scan(scan, src, &mut facts);
    prune::prune_foreign_decorators(&mut facts);
    // Lines are only asked for when a suppression comment is matched to findings.
    if facts.suppressions.is_empty() {
        facts.line_starts = Vec::new();
    }
    // Facts are kept for every file of the workspace: no spare capacity.
    shrink::Shrink::shrink(&mut facts);
    facts
}

/// Whether `src` holds `needle`: memchr's vectorised search, which costs less than
/// `str::contains` on whole files (extraction asks a few such questions of every file).
pub(crate) fn mentions(src: &str, needle: &str) -> bool {
    memchr::memmem::find(src.as_bytes(), needle.as_bytes()).is_some()
}

/// Byte offsets where lines start (`\n`, `\r\n` and lone `\r` end a line).
pub fn line_starts(src: &str) -> Vec<usize> {
    let bytes = src.as_bytes();
    let mut starts = vec![0];
    // `memchr` tests many bytes at a time: the output indexes every file with a finding.
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes.get(i) == Some(&b'\n') || bytes.get(i + 1) != Some(&b'\n') {
            starts.push(i + 1);
        }
    }
    starts
}

/// Zero-based line of a byte offset, given [`line_starts`].
pub fn line_of(starts: &[usize], offset: usize) -> usize {
    match starts.binary_search(&offset) {
        Ok(line) => line,
        Err(next) => next.saturating_sub(1),
    }
}

#[cfg(test)]
mod tests {
    use super::{line_of, line_starts};

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        assert_eq!(line_starts(""), [0]);
        assert_eq!(line_starts("a\nb\r\nc\rd\r"), [0, 2, 5, 7, 9]);
        assert_eq!(line_starts("\r\n\r\n"), [0, 2, 4]);
        let starts = line_starts("ab\ncd\r\nef");
        assert_eq!(line_of(&starts, 4), 1);
        assert_eq!(line_of(&starts, 7), 2);
    }
}
