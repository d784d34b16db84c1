//! A cheaper read of ordinary files: function bodies that hold nothing the extraction
//! reads are left out of the parse.
//!
//! Why: tree-sitter's cost is per token, and most tokens of a large workspace sit in
//! function bodies that no fact comes from: an Angular component's methods, a service's
//! helpers, a test's callbacks. The facts of a file come from its declarations (classes,
//! their members and decorators, imports, exports, enums, consts, top-level functions)
//! and, inside bodies, only from query sites, DataSource options, nested classes and a few
//! calls (`require`, `import()`, `jest.mock`).
//!
//! Here [`super::body_lexer`] finds the function bodies before any parse; tree-sitter
//! parses a copy of the text in which every elidable body is `{}`; one `Tree::edit` per
//! body puts its text back (the tree then has the offsets of the real text and the body's
//! block spans it, empty), and the extraction runs on the real text.
//!
//! A body is elided when it is not part of a top-level function, variable or type
//! declaration (the extraction reads those: decorator wrappers, option builders, consts)
//! and holds none of these words (whole words, in code, strings or comments alike):
//! - `class`, `require`, `import`, `jest`, `vi`: what the scan of classes and imports
//!   reads anywhere (see `scan::marks`);
//! - if the file can hold query sites at all ([`super::queries::may_hold_query_sites`]):
//!   every word that lets the query walk record something (a query method, a
//!   QueryBuilder start, an options mark), and any assignment or initializer `=` (not `==`,
//!   `=>`, `<=`; the query walk's own marks): an assignment in a body can rebind
//!   a member or a variable of an enclosing scope to a repository or a QueryBuilder that
//!   later code uses. (A body that holds none of these is one the pruned query walk skips
//!   anyway.)
//!
//! The file gets the full parse instead ([`Fallback`]) when:
//! - it is TSX (JSX text is no code the lexer knows), mentions `EntitySchema` (read from
//!   `new` expressions anywhere) or holds a suppression comment (matched to lines later);
//! - the lexer is unsure of it ([`super::body_lexer`]);
//! - less than [`MIN_ELIDED_BYTES`] would be left out;
//! - the skeleton has a syntax error (a body with one inside is left out with it: a file
//!   whose only errors sit in elided bodies reads as without errors; fixes are applied
//!   only to files that parse without errors, checked in full at the time: see
//!   `fix::keeps_parseable`);
//! - the tree disagrees: an elided `{` is not the start of a function's statement block.
//!
//! Tests compare the facts of both reads on the fixtures and on edge cases, and
//! `examples/body_elision_check.rs` on whole workspaces.

use super::body_lexer::{bodies, Body};
use super::facts::FileFacts;
use super::queries::{is_assignment_eq, is_word_byte};
use super::scan::holds_mark;
use super::skeleton;
use aho_corasick::{AhoCorasick, MatchKind};
use std::ops::Range;
use std::sync::OnceLock;
use tree_sitter::{Node, Parser};

/// Below this many elided bytes, the full parse costs about as much.
pub const MIN_ELIDED_BYTES: usize = 512;

/// Bodies shorter than this inside their braces are left alone (an edit each).
const MIN_BODY_BYTES: usize = 24;

/// Why a file got the full parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fallback {
    /// TSX, `EntitySchema` or a suppression comment.
    NotEligible,
    Lexer(&'static str),
    NothingToElide,
    SyntaxErrors,
    /// An elided `{` is not a function's statement block in the tree.
    TreeDisagrees,
    Parser,
}

/// Files that mention one of these get the full parse: `EntitySchema` (read from `new`
/// expressions anywhere), a suppression comment (matched to lines later), and the marks
/// of DataSource options, which are read from the returns of option factories
/// (`useFactory: () => { .. }`) whose bodies need not name anything else.
const NOT_ELIGIBLE: &[&str] = &[
    "EntitySchema",
    "QueryBuilder",
    super::misc::SUPPRESSION_MARKER,
    "forRoot",
    "registerAs",
    "createTypeOrmOptions",
    "createConnection",
    "ConnectionOptions",
    "DataSourceOptions",
    "TypeOrmModuleOptions",
    "entities",
    "synchronize",
    "autoLoadEntities",
    "migrations",
];

/// Words whose presence in a body keeps it, in any file.
const SCAN_WORDS: &[&str] = &["class", "require", "import", "jest", "vi"];

/// Parses `src` (TypeScript) with its elidable bodies left out and extracts its facts, or
/// says why the full parse should read it.
pub fn facts(parser: &mut Parser, src: &str) -> Result<FileFacts, Fallback> {
    if NOT_ELIGIBLE.iter().any(|word| super::mentions(src, word)) {
        return Err(Fallback::NotEligible);
    }
    let found = bodies(src.as_bytes()).map_err(Fallback::Lexer)?;
    let elided = elidable(src, &found);
    let total: usize = elided.iter().map(|r| r.len()).sum();
    if total < MIN_ELIDED_BYTES {
        return Err(Fallback::NothingToElide);
    }
    let mut tree =
        skeleton::parse_without(parser, src.as_bytes(), &elided).ok_or(Fallback::Parser)?;
    if tree.root_node().has_error() {
        return Err(Fallback::SyntaxErrors);
    }
    skeleton::put_back(&mut tree, src.as_bytes(), &elided);
    let root = tree.root_node();
    if !elided.iter().all(|inside| is_function_block(root, inside)) {
        return Err(Fallback::TreeDisagrees);
    }
    let mut facts = super::extract(&tree, src);
    // The tree's elided blocks are empty; the real ones hold code (see `elidable`).
    for method in facts.classes.iter_mut().flat_map(|c| c.methods.iter_mut()) {
        let opens = method.body_span.map(|b| b.start());
        if opens.is_some_and(|open| elided.iter().any(|inside| inside.start == open + 1)) {
            method.body_is_empty = false;
        }
    }
    Ok(facts)
}

/// The insides (between the braces) of the outermost bodies to leave out.
fn elidable(src: &str, found: &[Body]) -> Vec<Range<usize>> {
    // Without the search, every body is kept.
    let Some(keeps) = keep_offsets(src) else {
        return Vec::new();
    };
    let mut out: Vec<Range<usize>> = Vec::new();
    for body in found {
        let inside = body.span.start + 1..body.span.end - 1;
        let within_previous = out.last().is_some_and(|last| inside.start < last.end);
        if within_previous || body.in_top_declaration || inside.len() < MIN_BODY_BYTES {
            continue;
        }
        // A body of comments reads as empty (`MethodFact::body_is_empty`), and a lone
        // `return` is the value of an arrow (`() => { return User; }`): both kept.
        let code = after_comments(src.as_bytes().get(inside.clone()).unwrap_or_default());
        if code.is_empty() || starts_with_word(code, b"return") {
            continue;
        }
        if !holds_mark(&keeps, inside.start, inside.end) {
            out.push(inside);
        }
    }
    out
}

/// Sorted offsets of the words (and, where the query walk runs, the assignment `=`s)
/// that keep a body; `None` if the search cannot be built.
fn keep_offsets(src: &str) -> Option<Vec<usize>> {
    let bytes = src.as_bytes();
    let queries = super::queries::may_hold_query_sites(src);
    let search = keep_searcher(queries)?;
    let suffixes = super::queries::record_words().1;
    let mut out: Vec<usize> = search
        .find_iter(bytes)
        .filter(|hit| {
            let (start, end) = (hit.start(), hit.end());
            let ends_word = !bytes.get(end).copied().is_some_and(is_word_byte);
            let starts_word =
                start == 0 || !bytes.get(start - 1).copied().is_some_and(is_word_byte);
            let suffix = suffixes.iter().any(|s| s.as_bytes() == &bytes[start..end]);
            ends_word && (starts_word || suffix)
        })
        .map(|hit| hit.start())
        .collect();
    if queries {
        // The query walk's own marks: an assignment or initializer `=`.
        out.extend(memchr::memchr_iter(b'=', bytes).filter(|&i| is_assignment_eq(bytes, i)));
        out.sort_unstable();
    }
    Some(out)
}

/// A leftmost-longest search for the keep words (with the query walk's words when
/// `queries`); `None` if it cannot be built.
fn keep_searcher(queries: bool) -> Option<&'static AhoCorasick> {
    static SCAN: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    static WITH_QUERIES: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let build = |queries: bool| {
        let mut words: Vec<&str> = SCAN_WORDS.to_vec();
        if queries {
            let (record, suffixes) = super::queries::record_words();
            words.extend(record);
            words.extend(suffixes);
        }
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(words)
            .ok()
    };
    match queries {
        true => WITH_QUERIES.get_or_init(|| build(true)).as_ref(),
        false => SCAN.get_or_init(|| build(false)).as_ref(),
    }
}

fn starts_with_word(text: &[u8], word: &[u8]) -> bool {
    text.starts_with(word) && !text.get(word.len()).copied().is_some_and(is_word_byte)
}

/// `text` from its first byte that is neither whitespace nor in a comment (empty if
/// there is none).
fn after_comments(mut text: &[u8]) -> &[u8] {
    loop {
        text = text.trim_ascii_start();
        if text.is_empty() {
            return text;
        }
        let rest = if text.starts_with(b"//") {
            memchr::memchr(b'\n', text).map_or(&[][..], |nl| &text[nl..])
        } else if text.starts_with(b"/*") {
            match memchr::memmem::find(&text[2..], b"*/") {
                Some(end) => &text[2 + end + 2..],
                None => return &[],
            }
        } else {
            return text;
        };
        text = rest;
    }
}

/// The `{` before `inside` opens the statement block of a function, method or arrow, and
/// its `}` follows `inside`.
fn is_function_block(root: Node, inside: &Range<usize>) -> bool {
    let Some(open) = inside.start.checked_sub(1) else {
        return false;
    };
    let Some(brace) = root.descendant_for_byte_range(open, open + 1) else {
        return false;
    };
    let Some(block) = brace.parent() else {
        return false;
    };
    let function = block.parent().map(|f| f.kind());
    brace.kind() == "{"
        && block.kind() == "statement_block"
        && block.start_byte() == open
        && block.end_byte() == inside.end + 1
        && matches!(
            function,
            Some(
                "method_definition"
                    | "function_declaration"
                    | "function_expression"
                    | "function"
                    | "arrow_function"
                    | "generator_function_declaration"
                    | "generator_function"
            )
        )
}

/// Bytes of the file inside outermost function bodies outside top-level declarations,
/// and of those that would be elided (for `examples/body_elision_check.rs`).
pub fn body_bytes(src: &str) -> (usize, usize, usize) {
    let Ok(found) = bodies(src.as_bytes()) else {
        return (0, 0, 0);
    };
    let mut outer = 0;
    let mut top = 0;
    let mut last_end = 0;
    for b in &found {
        if b.span.start < last_end {
            continue;
        }
        last_end = b.span.end;
        if b.in_top_declaration {
            top += b.span.len();
        } else {
            outer += b.span.len();
        }
    }
    let elided = elidable(src, &found).iter().map(|r| r.len()).sum();
    (outer, top, elided)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{facts_in_full, Dialect};

    fn elided(src: &str) -> Result<FileFacts, Fallback> {
        crate::syntax::facts_with_elision(src)
    }

    fn assert_same(src: &str, what: &str) {
        if let Ok(facts) = elided(src) {
            assert!(
                facts == facts_in_full(Dialect::TypeScript, src),
                "the facts of {what} differ"
            );
        }
    }

    /// A component whose methods say nothing to the extraction, with enough of them.
    fn component(methods: &str) -> String {
        let filler = "    const rows = this.items.map((item) => item.label.trim());\n".repeat(12);
        format!(
            "import {{ Component }} from '@angular/core';\n\
             @Component({{ selector: 'x' }})\n\
             export class ListComponent {{\n  items: any[] = [];\n\
             render() {{\n{filler}  }}\n{methods}}}\n"
        )
    }

    #[test]
    fn every_fixture_file_reads_the_same() {
        let mut elided_files = 0;
        for (path, src) in crate::syntax::fixture_files::fixture_sources() {
            if Dialect::of_path(&path) != Dialect::TypeScript {
                continue;
            }
            elided_files += usize::from(elided(&src).is_ok());
            assert_same(&src, &path.display().to_string());
        }
        assert!(elided_files > 0, "no fixture file took the elided path");
    }

    #[test]
    fn bodies_without_extracted_words_are_left_out_and_read_the_same() {
        let src = component(
            "  load() {\n    this.ready = true;\n  }\n\
               async submit() {\n    await this.http.post('/x', this.items);\n  }\n\
               empty() {\n    // nothing yet, but a long comment here\n  }\n",
        );
        assert!(elided(&src).is_ok(), "{:?}", elided(&src).err());
        assert_same(&src, "a component");
        let methods = &elided(&src).unwrap().classes[0].methods;
        let empty: Vec<bool> = methods.iter().map(|m| m.body_is_empty).collect();
        assert_eq!(empty, [false, false, false, true]);
    }

    #[test]
    fn bodies_with_query_words_classes_or_assignments_to_receivers_are_kept() {
        for method in [
            "  byId(id: string) {\n    return this.repo.findOneBy({ id });\n  }\n",
            "  make() {\n    const K = class Inner { x = 1; };\n    return new K();\n  }\n",
            "  bind(manager: EntityManager) {\n    this.manager = manager;\n    this.find();\n  }\n",
            "  lazy() {\n    const m = require('./m');\n    return m.default;\n  }\n",
            "  get target() {\n    return User;\n  }\n",
        ] {
            assert_same(&component(method), method);
        }
    }

    /// The documented cost: an error inside an elided body is not seen (a fix is applied
    /// only after a full parse finds no error: `fix::keeps_parseable`).
    #[test]
    fn an_error_inside_an_elided_body_reads_as_none() {
        let src = component("  broken() {\n    this.log(this.total + );\n  }\n");
        assert!(facts_in_full(Dialect::TypeScript, &src).has_syntax_errors);
        assert!(!elided(&src).expect("elided").has_syntax_errors);
        assert!(!crate::fix::keeps_parseable(
            std::path::Path::new("a.ts"),
            &src,
            &src.replace("ready", "done")
        ));
    }

    #[test]
    fn what_the_lexer_or_the_tree_doubts_gets_the_full_parse() {
        let regex_after_brace = component("  odd() {\n    if (a) {} /x/.test(b);\n  }\n");
        assert!(matches!(
            elided(&regex_after_brace),
            Err(Fallback::Lexer(_))
        ));
        let unbalanced = component("  broken() {\n    return (1;\n  }\n");
        assert!(matches!(elided(&unbalanced), Err(Fallback::Lexer(_))));
        let suppressed = format!("// typeorm-lsp-ignore IDX001\n{}", component(""));
        assert_eq!(elided(&suppressed).err(), Some(Fallback::NotEligible));
        assert_eq!(
            elided("export const a = 1;").err(),
            Some(Fallback::NothingToElide)
        );
    }
}
