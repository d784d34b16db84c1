//! Parsing: TypeScript text -> tree-sitter tree -> [`FileFacts`].

pub mod body_elision;
pub mod body_lexer;
pub mod classes;
pub mod dialect;
pub mod facts;
#[cfg(test)]
pub(crate) mod fixture_files;
mod function_binding;
pub mod ids;
mod import_text;
pub mod imports;
pub mod migration_parse;
#[cfg(test)]
mod migration_parse_tests;
pub mod misc;
pub mod name;
mod option_types;
pub mod postgres_branch;
pub mod prune;
pub mod queries;
pub mod scan;
pub mod shrink;
mod skeleton;
pub mod span;
pub mod thin_str;
pub mod types;
pub mod value;
pub mod wrappers;

pub use dialect::{Dialect, Parsers};
pub use facts::*;

use std::path::Path;
use tree_sitter::{Parser, Tree};

/// A tree-sitter parser for TypeScript (`.ts` text; a file's own grammar is
/// [`Dialect::of_path`]). Creating one is cheap; keep one per thread.
pub fn new_parser() -> Parser {
    Dialect::TypeScript.parser()
}

/// Parses and extracts the facts of the file at `path` in one go, with the file's grammar
/// (the CLI path: the tree is dropped afterwards).
pub fn facts_of_file(path: &Path, src: &str) -> FileFacts {
    facts_in(Dialect::of_path(path), src)
}

/// [`facts_of_file`] for TypeScript text.
pub fn facts_of(src: &str) -> FileFacts {
    facts_in(Dialect::TypeScript, src)
}

/// Parses `src` with the grammar of `dialect` and extracts its facts. A migration's runs
/// of raw queries are parsed once per run when that gives the same facts
/// ([`migration_parse`]).
pub fn facts_in(dialect: Dialect, src: &str) -> FileFacts {
    with_parser(dialect, |parser| {
        let fast = match dialect {
            Dialect::TypeScript => match migration_parse::facts(parser, src) {
                Err(migration_parse::Fallback::NotAMigration) => {
                    body_elision::facts(parser, src).ok()
                }
                read => read.ok(),
            },
            Dialect::Tsx => None,
        };
        fast.unwrap_or_else(|| facts_of_tree(parser.parse(src, None), src))
    })
}

/// [`facts_in`] with the full parse, always (tests compare the two).
pub fn facts_in_full(dialect: Dialect, src: &str) -> FileFacts {
    with_parser(dialect, |parser| {
        facts_of_tree(parser.parse(src, None), src)
    })
}

/// The facts of a file read with [`body_elision`], or why it gives way to the full parse.
pub fn facts_with_elision(src: &str) -> Result<FileFacts, body_elision::Fallback> {
    with_parser(Dialect::TypeScript, |parser| {
        body_elision::facts(parser, src)
    })
}

/// The facts of a migration read with [`migration_parse`], or why it gives way to the
/// full parse.
pub fn facts_of_migration(src: &str) -> Result<FileFacts, migration_parse::Fallback> {
    with_parser(Dialect::TypeScript, |parser| {
        migration_parse::facts(parser, src)
    })
}

/// Runs `f` with this thread's parser of `dialect`.
fn with_parser<T>(dialect: Dialect, f: impl FnOnce(&mut Parser) -> T) -> T {
    thread_local! {
        static PARSERS: std::cell::RefCell<Parsers> = std::cell::RefCell::new(Parsers::new());
    }
    PARSERS.with(|p| match p.try_borrow_mut() {
        Ok(mut parsers) => f(parsers.of(dialect)),
        // Unreachable (nothing parses while extracting); a fresh parser then.
        Err(_) => f(&mut dialect.parser()),
    })
}

/// The facts of a parse (`None`: the parser gave up, which we never ask it to).
fn facts_of_tree(tree: Option<Tree>, src: &str) -> FileFacts {
    match tree {
        Some(tree) => extract(&tree, src),
        None => FileFacts {
            has_syntax_errors: true,
            ..FileFacts::default()
        },
    }
}

/// Extracts the facts of a parsed file (of either grammar).
pub fn extract(tree: &Tree, src: &str) -> FileFacts {
    let root = tree.root_node();
    ids::with_tables_of(root, || {
        extract_with(root, src, &scan::Scan::of_source(root, src))
    })
}

/// [`extract`] from a given scan of the tree (tests compare the full and the pruned one).
pub fn extract_with(root: tree_sitter::Node, src: &str, scan: &scan::Scan) -> FileFacts {
    ids::with_tables_of(root, || extract_tables_set(root, src, scan))
}

/// [`extract_with`] once the ids of the tree's grammar are the current ones.
fn extract_tables_set(root: tree_sitter::Node, src: &str, scan: &scan::Scan) -> FileFacts {
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
    facts.mentions_index_api =
        facts.has_migration() && INDEX_API_METHODS.iter().any(|m| mentions(src, m));
    // Lines are only asked for when a suppression comment is matched to findings.
    if facts.suppressions.is_empty() {
        facts.line_starts = Vec::new();
    }
    // Facts are kept for every file of the workspace: no spare capacity.
    shrink::Shrink::shrink(&mut facts);
    facts
}

/// `QueryRunner` methods whose calls in a migration make or drop indexes: a migration that
/// mentions one is read again by `model::migration_api` (facts keep no tree).
pub const INDEX_API_METHODS: &[&str] = &[
    "createIndex",
    "createIndices",
    "createTable",
    "dropIndex",
    "createUniqueConstraint",
    "createPrimaryKey",
];

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

#[cfg(test)]
mod tsx_tests {
    use super::{facts_of, facts_of_file, FileFacts};
    use std::path::Path;

    /// A React component file: imports, JSX, then more imports, exports and an enum that
    /// other files import.
    const COMPONENT: &str = r#"import React, { useState } from 'react';
import { Button } from './Button';

export const App = ({ items }: { items: string[] }) => {
  const [open, setOpen] = useState<boolean>(false);
  return (
    <div className="app" onClick={() => setOpen(!open)}>
      {items.map((item) => <Button key={item} label={item} />)}
      <>{open && <span>open</span>}</>
    </div>
  );
};

const Lazy = React.lazy(() => import('./pages/Lazy'));
export { Header } from './Header';
export enum Tab { Home = 'home', Settings = 'settings' }
export default App;
"#;

    fn specifiers(facts: &FileFacts) -> Vec<&str> {
        facts.imports.iter().map(|i| &*i.specifier).collect()
    }

    #[test]
    fn a_tsx_file_has_no_syntax_errors_and_keeps_the_imports_after_its_jsx() {
        let facts = facts_of_file(Path::new("src/App.tsx"), COMPONENT);
        assert!(!facts.has_syntax_errors);
        assert_eq!(
            specifiers(&facts),
            ["react", "./Button", "./pages/Lazy", "./Header"]
        );
        for import in &facts.imports {
            let span = import.specifier_span;
            assert_eq!(&COMPONENT[span.range()], &*import.specifier);
        }
        assert_eq!(facts.enums.len(), 1);
        assert!(facts.exports.iter().any(|e| &**e == "Tab"));
        assert!(facts.exports.iter().any(|e| &**e == "App"));
        assert_eq!(facts.default_export.as_deref(), Some("App"));
        // The TypeScript grammar reads the same text as errors.
        assert!(facts_of(COMPONENT).has_syntax_errors);
    }
}
