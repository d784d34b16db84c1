//! Where in a file walking a subtree can matter to the query walk, found from the bytes
//! before the walk: the walk then skips every subtree whose byte range holds no mark,
//! instead of visiting and evaluating its nodes (in test files, which pass the file gate,
//! most statements of a function body call nothing TypeORM's).
//!
//! Walking a subtree can do two things: record a query site or options (which needs a word
//! of the file gate written inside it: a query method, `createQueryBuilder`, an options
//! mark, `default` of `export default`, `exports` of `module.exports`, or the name of a
//! variable or member that holds a QueryBuilder, whose calls extend its chain), and change
//! the environment later code is evaluated in (which needs a declaration, `const` / `let` /
//! `var`, or an assignment `=`; a class field initializer is an `=` too). Declarations and
//! assignments inside a nested function only change the scope popped at its end, but an
//! assignment there can rebind a variable of an enclosing one, so every one counts.
//!
//! Marks are word starts and `=` bytes, sorted; a subtree is looked up by binary search.
//! Words inside strings and comments count too: a false mark only costs a walk.

use super::chain::QUERY_METHODS;
use super::gate::{
    build_searcher, first_byte_lengths, is_mark_word, is_options_word, is_word_byte, may_be_listed,
    minimal_patterns, word_end, word_start, FirstByteLengths, MARK_WORDS, OPTIONS_SUFFIXES,
};
use crate::syntax::scan::holds_mark;
use aho_corasick::{AhoCorasick, Input};
use std::sync::OnceLock;

/// Words besides the gate's marks that let a walk change what later code sees.
const EFFECT_WORDS: &[&str] = &["const", "let", "var", "default", "exports"];

static EFFECT_FIRST_BYTE_LENGTHS: FirstByteLengths = first_byte_lengths(&[EFFECT_WORDS]);

/// The marks of one file.
pub(super) struct Marks {
    /// Byte offsets of mark words and assignment `=`s, ascending.
    at: Vec<usize>,
    /// Byte offsets of the names bound to a QueryBuilder so far, ascending.
    builders: Vec<usize>,
    /// The names whose offsets are in `builders`.
    builder_names: Vec<String>,
    /// Whether the file names an options type or `createTypeOrmOptions` anywhere: without
    /// one, no function, declaration or `as` expression is options by its type.
    pub(super) options_words: bool,
}

impl Marks {
    /// The marks of `src`: the words found by a vectorised search for the words a mark
    /// holds and the `=`s by `memchr` (testing every byte of a file cost about 17
    /// instructions a byte), as [`Marks::by_bytes`] finds them.
    pub(super) fn of(src: &str) -> Self {
        match searcher() {
            Some(words) => Marks::by_search(words, src),
            None => Marks::by_bytes(src),
        }
    }

    /// [`Marks::of`] judging only the whole words around the hits of a search for
    /// [`search_patterns`] (every mark word holds one; a pattern lies inside one word).
    fn by_search(words: &AhoCorasick, src: &str) -> Self {
        let bytes = src.as_bytes();
        let mut found = Vec::new();
        let mut options_words = false;
        let mut from = 0;
        while let Some(hit) = words.find(Input::new(bytes).range(from..)) {
            let start = word_start(bytes, hit.start());
            let end = word_end(bytes, hit.end());
            from = end;
            let word = src.get(start..end).unwrap_or("");
            options_words |= judge_word(word, start, &mut found);
        }
        let assignments = memchr::memchr_iter(b'=', bytes).filter(|&i| is_assignment_eq(bytes, i));
        Marks::with_offsets(merge_sorted(&found, assignments), options_words)
    }

    fn with_offsets(at: Vec<usize>, options_words: bool) -> Self {
        Marks {
            at,
            builders: Vec::new(),
            builder_names: Vec::new(),
            options_words,
        }
    }

    /// The marks reading every byte of the file in turn (the reference of
    /// [`Marks::by_search`]).
    fn by_bytes(src: &str) -> Self {
        let bytes = src.as_bytes();
        let mut at = Vec::new();
        let mut options_words = false;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if !is_word_byte(b) {
                if b == b'=' && is_assignment_eq(bytes, i) {
                    at.push(i);
                }
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
            let word = src.get(start..i).unwrap_or("");
            options_words |= judge_word(word, start, &mut at);
        }
        Marks::with_offsets(at, options_words)
    }

    /// Whether walking the bytes `start..end` may record something or change a binding.
    pub(super) fn any_in(&self, start: usize, end: usize) -> bool {
        holds_mark(&self.at, start, end) || holds_mark(&self.builders, start, end)
    }

    /// `name` now holds a QueryBuilder: every whole-word occurrence of it becomes a mark.
    pub(super) fn add_builder_name(&mut self, name: &str, src: &str) {
        if name.is_empty() || self.builder_names.iter().any(|n| n == name) {
            return;
        }
        self.builder_names.push(name.to_string());
        let bytes = src.as_bytes();
        let mut found: Vec<usize> = src
            .match_indices(name)
            .map(|(i, _)| i)
            .filter(|&i| {
                let before = i.checked_sub(1).and_then(|j| bytes.get(j));
                let after = bytes.get(i + name.len());
                !before.is_some_and(|&b| is_word_byte(b))
                    && !after.is_some_and(|&b| is_word_byte(b))
            })
            .collect();
        found.extend_from_slice(&self.builders);
        found.sort_unstable();
        found.dedup();
        self.builders = found;
    }
}

/// Adds the start of `word` to the marks if it is one; whether it names options.
fn judge_word(word: &str, start: usize, at: &mut Vec<usize>) -> bool {
    if is_mark_word(word) {
        at.push(start);
        return is_options_word(word);
    }
    if is_effect_word(word) {
        at.push(start);
    }
    false
}

fn is_effect_word(word: &str) -> bool {
    may_be_listed(&EFFECT_FIRST_BYTE_LENGTHS, word) && EFFECT_WORDS.contains(&word)
}

/// The search for the words the marks hold; `None` if it cannot be built (then the marks
/// are read byte by byte).
fn searcher() -> Option<&'static AhoCorasick> {
    static SEARCHER: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    SEARCHER
        .get_or_init(|| build_searcher(search_patterns()))
        .as_ref()
}

fn search_patterns() -> Vec<&'static str> {
    minimal_patterns(&[QUERY_METHODS, MARK_WORDS, OPTIONS_SUFFIXES, EFFECT_WORDS])
}

/// Two ascending lists of distinct offsets as one.
fn merge_sorted(words: &[usize], mut assignments: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut out = Vec::with_capacity(words.len());
    let mut next = assignments.next();
    for &w in words {
        while let Some(a) = next.filter(|&a| a < w) {
            out.push(a);
            next = assignments.next();
        }
        out.push(w);
    }
    out.extend(next);
    out.extend(assignments);
    out
}

/// An `=` that can be an assignment or an initializer: not part of `==`, `!=`, `<=`, `>=`
/// or `=>`.
pub(crate) fn is_assignment_eq(bytes: &[u8], i: usize) -> bool {
    let before = i.checked_sub(1).and_then(|j| bytes.get(j)).copied();
    let after = bytes.get(i + 1).copied();
    !matches!(before, Some(b'=' | b'!' | b'<' | b'>')) && !matches!(after, Some(b'=' | b'>'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::facts::FileFacts;

    /// The query facts of `src` walked in full and walked pruned.
    fn full_and_pruned(src: &str) -> (FileFacts, FileFacts) {
        super::super::two_walks(
            src,
            |root, scan, src, facts| super::super::walk_queries(root, scan, src, facts, false),
            |root, scan, src, facts| super::super::walk_queries(root, scan, src, facts, true),
        )
    }

    fn assert_same(src: &str, what: &str) {
        let (full, pruned) = full_and_pruned(src);
        super::super::assert_same_query_facts(&full, &pruned, what);
    }

    #[test]
    fn the_pruned_walk_finds_the_same_on_every_fixture_file() {
        for (path, src) in crate::syntax::fixture_files::fixture_sources() {
            assert_same(&src, &path.display().to_string());
        }
    }

    /// Every snippet of the query extraction tests (their raw strings).
    #[test]
    fn the_pruned_walk_finds_the_same_on_the_query_test_snippets() {
        let tests = include_str!("tests.rs");
        let mut snippets = 0;
        for piece in tests.split("r#\"").skip(1) {
            let Some((src, _)) = piece.split_once("\"#") else {
                continue;
            };
            assert_same(src, src);
            snippets += 1;
        }
        assert!(snippets > 20, "snippets: {snippets}");
    }

    /// The same comparison on every `.ts` / `.js` file under `$QUERY_MARKS_DIR` (a real
    /// codebase): `QUERY_MARKS_DIR=/path cargo test --lib marks -- --ignored`.
    #[test]
    #[ignore]
    fn the_pruned_walk_finds_the_same_on_a_codebase() {
        let Ok(root) = std::env::var("QUERY_MARKS_DIR") else {
            return;
        };
        let mut stack = vec![std::path::PathBuf::from(root)];
        let mut seen = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if path.is_dir() && name != "node_modules" && !name.starts_with('.') {
                    stack.push(path);
                } else if name.ends_with(".ts") || name.ends_with(".js") {
                    let src = std::fs::read_to_string(&path).unwrap_or_default();
                    assert_same(&src, &path.display().to_string());
                    assert_same_marks(&src, &path.display().to_string());
                    seen += 1;
                }
            }
        }
        assert!(seen > 0);
        eprintln!("{seen} files compared");
    }

    /// Shapes where a statement without a query word still matters: bindings later used,
    /// builders extended far from their creation, rebinding from a nested function.
    #[test]
    fn the_pruned_walk_keeps_what_later_sites_rely_on() {
        let sources = [
            "class S { constructor(private ds: DataSource) {}\n\
             async m() { const repo = this.ds.getRepository(User); log(1);\n\
             const sql = `SELECT * FROM ${T}`; const T2 = 'x'; if (a) { b(); }\n\
             return repo.query(sql + T2); } }",
            "async function f(ds) { const qb = ds.createQueryBuilder(U, 'u');\n\
             if (x) { qb.where('u.a = 1'); } else { g(qb.andWhere('b')); }\n\
             const q2 = qb; q2.orderBy('u.id'); for (const k of ks) { q2.addSelect(k); }\n\
             return q2.getMany(); }",
            "class R { qb; m(r: Repository<U>) { this.qb = r.createQueryBuilder('u'); }\n\
             n() { this.qb.where('x'); h(() => { this.qb.limit(1); }); } }",
            "function f(m) { let repo; [1].forEach(() => { repo = m.getRepository(Post); });\n\
             items.map(i => i.id); repo.save(x); let User = 1; User.find(); }",
            "const SQL = p(`SELECT 1`); class A { m(dataSource) { const x = SQL; return dataSource.query(x); } }",
            "function g(connection) { const where = { id: 1 }; x(where); return connection\n\
             .getRepository(User).find({ where }); }\n\
             export default { type: 'postgres', entities: [], synchronize: true };",
            "module.exports = { type: 'mysql', migrations: [] }; a == b; c != d;\n\
             function h(em: EntityManager) { const [sql] = qb.getQueryAndParameters();\n\
             return em.query(sql); }",
            "class Q { private qb = this.repo.createQueryBuilder('q'); repo: Repository<Q>;\n\
             m() { k(); this.qb.andWhere('q.x = 1'); } }",
        ];
        for src in sources {
            let (full, _) = full_and_pruned(src);
            assert!(
                !full.query_calls.is_empty() || !full.query_builders.is_empty(),
                "{src}"
            );
            assert_same(src, src);
        }
    }

    /// Both readings of the marks of `src` agree.
    fn assert_same_marks(src: &str, what: &str) {
        let (Some(words), bytes) = (searcher(), Marks::by_bytes(src)) else {
            panic!("the search builds");
        };
        let searched = Marks::by_search(words, src);
        assert_eq!(searched.at, bytes.at, "{what}");
        assert_eq!(searched.options_words, bytes.options_words, "{what}");
    }

    #[test]
    fn the_search_finds_the_marks_the_byte_reading_finds() {
        let tricky = [
            "",
            "=",
            "a=b",
            "x == y != z <= w >= v => u; p = q",
            "const let var default exports constant letter variable defaults",
            "findings update updatedAt $find find$ _save save_ é=find déjà=query",
            "PostgresConnectionOptions MysqlDataSourceOptions ConnectionOptionsX",
            "createQueryBuilder DataSource Connection forRootAsync forRoot",
            "`${a}=${b}` // const x = y.find() /* let */ 'var'",
            "x=1;y=2;z===3;f=>g;find=save",
            "名前=query();const 値=let",
        ];
        for src in tricky {
            assert_same_marks(src, src);
        }
        for (path, src) in crate::syntax::fixture_files::fixture_sources() {
            assert_same_marks(&src, &path.display().to_string());
        }
        let tests = include_str!("tests.rs");
        assert_same_marks(tests, "tests.rs");
    }

    /// Every word that makes a mark holds a search pattern, so the search stops at it.
    #[test]
    fn every_mark_word_holds_a_search_pattern() {
        let patterns = search_patterns();
        for word in [QUERY_METHODS, MARK_WORDS, OPTIONS_SUFFIXES, EFFECT_WORDS]
            .iter()
            .flat_map(|l| l.iter())
        {
            assert!(patterns.iter().any(|p| word.contains(p)), "{word}");
        }
    }

    #[test]
    fn sorted_lists_merge_in_order() {
        assert_eq!(
            merge_sorted(&[2, 5, 9], [1, 3, 4, 10, 11].into_iter()),
            [1, 2, 3, 4, 5, 9, 10, 11]
        );
        assert_eq!(merge_sorted(&[], [1, 2].into_iter()), [1, 2]);
        assert_eq!(merge_sorted(&[3], std::iter::empty()), [3]);
    }

    #[test]
    fn marks_are_words_and_assignments() {
        let src = "a == b; c => d; e = f; const g = h.find(); x.where(1);";
        let marks = Marks::of(src);
        let at: Vec<&str> = marks
            .at
            .iter()
            .map(|&i| src.get(i..i + 1).unwrap_or(""))
            .collect();
        assert_eq!(at, ["=", "c", "=", "f"]);
        assert!(!marks.any_in(0, 14));
        assert!(marks.any_in(15, 21));
        assert!(!marks.any_in(43, 54));
    }

    #[test]
    fn builder_names_become_marks_as_whole_words() {
        let src = "qb.where(1); qbx.where(2); f(qb);";
        let mut marks = Marks::of(src);
        assert!(!marks.any_in(0, src.len()));
        marks.add_builder_name("qb", src);
        assert!(marks.any_in(0, 11));
        assert!(!marks.any_in(12, 26));
        assert!(marks.any_in(27, 33));
    }
}
