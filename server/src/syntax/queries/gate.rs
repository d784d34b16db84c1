//! Whether a file can hold a query site at all, decided from its words before the tree
//! walk: most files of a workspace (DTOs, entities, modules) hold none, and walking their
//! decorators and class bodies for nothing cost about a third of fact extraction.
//!
//! Every record of the walk needs a word written in the file: a query call needs its
//! method name ([`QUERY_METHODS`]), a QueryBuilder chain starts at `createQueryBuilder`,
//! and DataSource options need the name of the call, class or type that marks them
//! (`createConnection`, `forRoot`, `forRootAsync`, `registerAs`, `DataSource`, `Connection`,
//! `createTypeOrmOptions`, an options type name) or, for objects known by their shape
//! (`export default {...}`, `module.exports = {...}`), an options key such as `entities`.
//! The walk compares whole identifier or key texts, so a word counts only as a whole token
//! (`updatedAt` is not `update`). A string key can be written with escapes
//! (`'ent\\ities'`): a backslash anywhere counts as any key. `export` followed by a
//! comment counts as `export default`.
//!
//! The words are found by a vectorised multi-pattern search (Aho-Corasick's Teddy) for
//! the listed words, each whole word around a hit then judged as a word-by-word reading
//! would judge it: testing every byte of every file cost about 19 instructions a byte.

use super::chain::QUERY_METHODS;
use aho_corasick::{AhoCorasick, Input, MatchKind};
use std::sync::OnceLock;

/// Words (besides [`QUERY_METHODS`]) that start a QueryBuilder chain or mark options.
pub(super) const MARK_WORDS: &[&str] = &[
    "createQueryBuilder",
    "createConnection",
    "forRoot",
    "forRootAsync",
    "registerAs",
    "createTypeOrmOptions",
    "DataSource",
    "Connection",
    "DataSourceOptions",
    "TypeOrmModuleOptions",
];

/// The keys that make an untyped object look like options (`looks_like_options`).
const SHAPE_KEYS: &[&str] = &["entities", "migrations", "synchronize", "autoLoadEntities"];

/// `false` only when the query walk of this file would record nothing.
pub fn may_hold_query_sites(src: &str) -> bool {
    match searcher() {
        Some(words) => by_search(words, src),
        None => by_words(src),
    }
}

/// The words that let the query walk record something or see options, for
/// [`crate::syntax::body_elision`]: a function body that holds none of them (as whole
/// words; the suffixes end a word) records nothing. The second list holds the suffixes.
pub(crate) fn record_words() -> (Vec<&'static str>, &'static [&'static str]) {
    let words = GATE_WORDS
        .iter()
        .filter(|list| !std::ptr::eq(**list, OPTIONS_SUFFIXES))
        .flat_map(|list| list.iter().copied())
        .collect();
    (words, OPTIONS_SUFFIXES)
}

/// The suffixes of options type names that count as marks (see [`is_mark_word`]).
pub(super) const OPTIONS_SUFFIXES: &[&str] = &["ConnectionOptions", "DataSourceOptions"];

/// Every word [`by_words`] looks at, for the search.
const GATE_WORDS: &[&[&str]] = &[
    QUERY_METHODS,
    MARK_WORDS,
    OPTIONS_SUFFIXES,
    &["default", "exports", "export"],
    SHAPE_KEYS,
];

/// The search for the words of [`GATE_WORDS`] that hold none of the others (`find` finds
/// `findOneBy` too): every word the gate looks at holds one of these. `None` if it cannot
/// be built (then the gate reads word by word).
fn searcher() -> Option<&'static AhoCorasick> {
    static SEARCHER: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    SEARCHER
        .get_or_init(|| build_searcher(search_patterns()))
        .as_ref()
}

/// A search for `patterns`, none of which holds another; `None` if it cannot be built.
pub(super) fn build_searcher(patterns: Vec<&'static str>) -> Option<AhoCorasick> {
    // Leftmost semantics: only those use the vectorised search (no pattern holds another,
    // so which leftmost match is reported does not matter).
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(patterns)
        .ok()
}

fn search_patterns() -> Vec<&'static str> {
    minimal_patterns(GATE_WORDS)
}

/// The words of `lists` that hold none of the others: a search for them stops in every
/// word of the lists.
pub(super) fn minimal_patterns(lists: &[&[&'static str]]) -> Vec<&'static str> {
    let all: Vec<&'static str> = lists.iter().flat_map(|l| l.iter().copied()).collect();
    let mut patterns: Vec<&'static str> = all
        .iter()
        .copied()
        .filter(|w| !all.iter().any(|o| o != w && w.contains(o)))
        .collect();
    patterns.sort_unstable();
    patterns.dedup();
    patterns
}

/// [`may_hold_query_sites`] judging only the whole words around the hits of a search for
/// [`search_patterns`]: a word the gate looks at holds a pattern, a pattern lies inside
/// one word (patterns are word bytes), and the search goes on after the word judged.
/// `export` is judged by what follows it (the word reading remembers it instead).
fn by_search(words: &AhoCorasick, src: &str) -> bool {
    let bytes = src.as_bytes();
    let mut shape = memchr::memchr(b'\\', bytes).is_some();
    let (mut export_default, mut exports) = (false, false);
    let mut from = 0;
    while let Some(hit) = words.find(Input::new(bytes).range(from..)) {
        let start = word_start(bytes, hit.start());
        let end = word_end(bytes, hit.end());
        from = end;
        let Some(word) = src.get(start..end) else {
            continue;
        };
        if is_mark_word(word) {
            return true;
        }
        match word {
            "export" => export_default |= default_follows(bytes, end),
            "exports" => exports = true,
            w if SHAPE_KEYS.contains(&w) => shape = true,
            _ => {}
        }
    }
    shape && (export_default || exports)
}

pub(super) fn word_start(bytes: &[u8], mut i: usize) -> usize {
    while i > 0 && bytes.get(i - 1).is_some_and(|&b| is_word_byte(b)) {
        i -= 1;
    }
    i
}

pub(super) fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|&b| is_word_byte(b)) {
        i += 1;
    }
    i
}

/// Whether the word `export` ending at `end` is followed by `default` or, maybe hiding
/// it, a comment (blanks and backslashes between), as [`by_words`] reads it.
fn default_follows(bytes: &[u8], end: usize) -> bool {
    let mut i = end;
    while bytes
        .get(i)
        .is_some_and(|&b| b.is_ascii_whitespace() || b == b'\\')
    {
        i += 1;
    }
    bytes.get(i) == Some(&b'/') || bytes.get(i..word_end(bytes, i)) == Some(b"default".as_slice())
}

/// The gate reading every word of the file in turn (the reference of [`by_search`]).
fn by_words(src: &str) -> bool {
    let bytes = src.as_bytes();
    let (mut export_default, mut exports, mut shape) = (false, false, false);
    // Whether the last word was `export` with only blanks (or maybe a comment) since.
    let mut after_export = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !is_word_byte(b) {
            match b {
                b'\\' => shape = true,
                // a comment after `export` may hide the `default` after it: count it
                b'/' => export_default |= after_export,
                _ if b.is_ascii_whitespace() => {}
                _ => after_export = false,
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_word_byte(bytes[i]) {
            i += 1;
        }
        // A word of ASCII letters only can be a mark; the rest are skipped cheaply.
        let Some(word) = src.get(start..i) else {
            continue;
        };
        if is_mark_word(word) {
            return true;
        }
        // Most words are none of the gate's others either: one table read tells.
        if !may_be_listed(&GATE_WORDS_FIRST_BYTE_LENGTHS, word) {
            after_export = false;
            continue;
        }
        match word {
            "default" if after_export => export_default = true,
            "exports" => exports = true,
            w if SHAPE_KEYS.contains(&w) => shape = true,
            _ => {}
        }
        after_export = word == "export";
    }
    shape && (export_default || exports)
}

/// A word that alone lets the walk record something: a query method, a QueryBuilder start
/// or an options mark.
pub(super) fn is_mark_word(word: &str) -> bool {
    // Most words of a file fail the cheap test of their first byte and length.
    if may_be_listed(&MARKS_FIRST_BYTE_LENGTHS, word)
        && (QUERY_METHODS.contains(&word) || MARK_WORDS.contains(&word))
    {
        return true;
    }
    word.len() >= 17 && OPTIONS_SUFFIXES.iter().any(|s| word.ends_with(s))
}

/// Whether `word` may be one of the words `table` was built from: its first byte and
/// length must match one of them (a few instructions, against string compares).
pub(super) fn may_be_listed(table: &FirstByteLengths, word: &str) -> bool {
    word.as_bytes()
        .first()
        .is_some_and(|&b| word.len() < 32 && table[usize::from(b)] & (1 << word.len()) != 0)
}

/// For each first byte, the lengths of the listed words starting with it (bit n: n bytes;
/// the words are shorter than 32 bytes).
pub(super) type FirstByteLengths = [u32; 256];

/// [`FirstByteLengths`] of the words of `lists`.
pub(super) const fn first_byte_lengths(lists: &[&[&str]]) -> FirstByteLengths {
    let mut table = [0u32; 256];
    let mut l = 0;
    while l < lists.len() {
        let mut i = 0;
        while i < lists[l].len() {
            let word = lists[l][i].as_bytes();
            table[word[0] as usize] |= 1 << word.len();
            i += 1;
        }
        l += 1;
    }
    table
}

static MARKS_FIRST_BYTE_LENGTHS: FirstByteLengths =
    first_byte_lengths(&[QUERY_METHODS, MARK_WORDS]);

/// The words besides the marks that [`may_hold_query_sites`] looks at.
static GATE_WORDS_FIRST_BYTE_LENGTHS: FirstByteLengths =
    first_byte_lengths(&[&["default", "exports", "export"], SHAPE_KEYS]);

/// A word that can mark an options object or factory by its type or name
/// (`check_options_function`, `check_typed_declarator`, `check_typed_expression`).
pub(super) fn is_options_word(word: &str) -> bool {
    word == "createTypeOrmOptions"
        || word == "DataSourceOptions"
        || word == "TypeOrmModuleOptions"
        || word.ends_with("ConnectionOptions")
        || word.ends_with("DataSourceOptions")
}

/// Bytes of identifiers: ASCII letters, digits, `_`, `$`, and every byte of a non-ASCII
/// character (so a word never ends inside one).
pub(crate) fn is_word_byte(b: u8) -> bool {
    WORD_BYTES[usize::from(b)]
}

/// [`is_word_byte`] as a table (the word scans test every byte of a file).
static WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::facts::FileFacts;

    /// The query facts of `src` with the gate and with the walk always run.
    fn gated_and_walked(src: &str) -> (FileFacts, FileFacts) {
        super::super::two_walks(
            src,
            super::super::queries_from_scan,
            |root, scan, src, facts| super::super::walk_queries(root, scan, src, facts, false),
        )
    }

    fn assert_same(src: &str, what: &str) {
        let (gated, walked) = gated_and_walked(src);
        super::super::assert_same_query_facts(&gated, &walked, what);
    }

    #[test]
    fn the_gate_changes_nothing_on_any_fixture_file() {
        let files = crate::syntax::fixture_files::fixture_sources();
        let mut skipped = 0;
        for (path, src) in &files {
            assert_same(src, &path.display().to_string());
            skipped += usize::from(!may_hold_query_sites(src));
        }
        let seen = files.len();
        assert!(skipped > 0 && skipped < seen, "{skipped} of {seen} skipped");
    }

    /// Every snippet of the query extraction tests (their raw strings), gated or not.
    #[test]
    fn the_gate_changes_nothing_on_the_query_test_snippets() {
        let tests = include_str!("tests.rs");
        let mut snippets = 0;
        for piece in tests.split("r#\"").skip(1) {
            let Some((src, _)) = piece.split_once("\"#") else {
                continue;
            };
            assert_same(src, src);
            assert!(may_hold_query_sites(src), "{src}");
            snippets += 1;
        }
        assert!(snippets > 20, "snippets: {snippets}");
    }

    /// The search and the word-by-word reading agree, on every fixture file and on input
    /// that puts words next to non-ASCII text, escapes, comments, strings and templates.
    #[test]
    fn the_search_reads_as_the_words_do() {
        let Some(words) = searcher() else {
            panic!("the search builds");
        };
        let tricky = [
            "",
            "find",
            "findé(1)",
            "数据find(1)",
            "🎉update 🎉",
            "x.updatedAt = 1; const counter = 2; refind(); _save(); $query();",
            "createConnectionOptions",
            "const o: MysqlDataSourceOptions = {};",
            "export default { type: 'mysql', entities: [] }",
            "export\t\n  default { migrations: [] }",
            "export /* c */ default { synchronize: true }",
            "export\\\ndefault { entities: [] }",
            "export defaults { entities: [] }",
            "exported default { entities: [] }",
            "export x; default { entities: [] }",
            "module.exports = { autoLoadEntities: true }",
            "module.exports = { autoLoadEntitiesX: true }",
            "module.exports = { 'ent\\ities': true }",
            "const s = `${a} entities ${b}`; // export default",
            "/* exports */ const k = 'migrations';",
            "export const a = 1; export const entities = 2;",
            "const 名前 = 'エクスポート'; export default { entities: [] };",
            "exportdefault entities exports",
        ];
        for src in tricky {
            assert_eq!(by_search(words, src), by_words(src), "{src:?}");
        }
        let files = crate::syntax::fixture_files::fixture_sources();
        for (path, src) in &files {
            assert_eq!(by_search(words, src), by_words(src), "{}", path.display());
        }
        // both answers occur among the tricky inputs
        let passed = tricky.iter().filter(|s| by_search(words, s)).count();
        assert!(passed > 5 && passed < tricky.len(), "{passed}");
    }

    /// Every word the gate looks at holds a search pattern, so the search stops at it.
    #[test]
    fn every_gate_word_holds_a_search_pattern() {
        let patterns = search_patterns();
        assert!(patterns.len() < GATE_WORDS.iter().map(|l| l.len()).sum::<usize>());
        for word in GATE_WORDS.iter().flat_map(|l| l.iter()) {
            assert!(patterns.iter().any(|p| word.contains(p)), "{word}");
        }
    }

    #[test]
    fn the_quick_test_of_mark_words_lets_every_mark_through() {
        for word in QUERY_METHODS.iter().chain(MARK_WORDS) {
            assert!(is_mark_word(word), "{word}");
        }
        for word in ["default", "exports", "export"].iter().chain(SHAPE_KEYS) {
            assert!(
                may_be_listed(&GATE_WORDS_FIRST_BYTE_LENGTHS, word),
                "{word}"
            );
        }
        // first byte and length only: `exported` passes (as `entities` would), these fail
        assert!(!may_be_listed(&GATE_WORDS_FIRST_BYTE_LENGTHS, "exportable"));
        assert!(!may_be_listed(&GATE_WORDS_FIRST_BYTE_LENGTHS, "user"));
        assert!(is_mark_word("PostgresConnectionOptions"));
        assert!(is_mark_word("MysqlDataSourceOptions"));
        assert!(!is_mark_word("user") && !is_mark_word("fi") && !is_mark_word("Column"));
    }

    #[test]
    fn files_without_marks_are_skipped() {
        let entity = "import { Entity, Column, UpdateDateColumn } from 'typeorm';\n\
                      import { Base } from '../entities/base';\n\
                      @Entity() export class User extends Base {\n\
                      @Column({ default: () => 'now()' }) updatedAt: Date;\n\
                      @UpdateDateColumn() deletedAt: Date; findings: string[]; }";
        assert!(!may_hold_query_sites(entity));
        assert_same(entity, entity);
    }

    #[test]
    fn each_kind_of_record_has_its_mark() {
        let cases = [
            "class A { m() { return User.find(); } }",
            "const qb = ds.createQueryBuilder('u');",
            "export const ds = new DataSource({ type: 'postgres' });",
            "const o: PostgresConnectionOptions = { type: 'postgres' };",
            "export default { type: 'postgres', entities: [] };",
            "module.exports = { type: 'postgres', synchronize: true };",
            "export default { 'type': 'postgres', 'ent\\ities': [] };",
            "x = repo.query`select 1`;",
        ];
        for src in cases {
            assert!(may_hold_query_sites(src), "{src}");
            let (gated, _) = gated_and_walked(src);
            let records =
                gated.query_calls.len() + gated.query_builders.len() + gated.orm_options.len();
            assert!(records > 0, "{src}");
            assert_same(src, src);
        }
        assert!(may_hold_query_sites(
            "export /* options */ default { type: 'mysql', migrations: [] };"
        ));
        // shape keys without an `export default` or `module.exports` are no options
        assert!(!may_hold_query_sites(
            "import { A } from '../entities/a'; const x = { type: 1, entities: [] };\n\
             export const d = { default: 1 }; export class B {}"
        ));
    }
}
