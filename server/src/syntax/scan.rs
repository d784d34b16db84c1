//! One pass over the whole tree collecting the nodes several extractors look for anywhere
//! in a file: classes, calls, `new` expressions and comments.
//!
//! Walking a tree costs about as much as a fifth of parsing it; four extractors each doing
//! their own walk (with a `Vec` per node) cost more than the parse. The pass uses one
//! `TreeCursor` and keeps each node's parent, so no extractor needs `Node::parent` (which
//! searches down from the root).
//!
//! It also lists the top-level statements once: five extractors read them, and each child
//! step over the root costs hundreds of instructions in tree-sitter.

use super::ids::{fields, kinds, KindExt};
use super::queries::is_word_byte;
use super::value::named_iter;
use tree_sitter::Node;

/// A node with its parent (`None` for the root).
#[derive(Debug, Clone, Copy)]
pub struct WithParent<'t> {
    pub node: Node<'t>,
    pub parent: Option<Node<'t>>,
}

/// A top-level statement with what it declares.
#[derive(Debug, Clone, Copy)]
pub struct Statement<'t> {
    pub node: Node<'t>,
    /// The statement itself, or for `export ...` the declaration it exports (`None` for
    /// `export { .. }` lists, re-exports and `export default <expression>`).
    pub declaration: Option<Node<'t>>,
}

/// What the pass found, each list in source (pre-)order.
#[derive(Debug, Default)]
pub struct Scan<'t> {
    /// The root's named children (comments aside).
    pub top_level: Vec<Statement<'t>>,
    /// Class declarations and expressions not nested in another class.
    pub top_classes: Vec<WithParent<'t>>,
    /// Every class declaration and expression, nested ones included.
    pub all_classes: Vec<Node<'t>>,
    pub calls: Vec<WithParent<'t>>,
    pub news: Vec<WithParent<'t>>,
    pub comments: Vec<Node<'t>>,
}

impl<'t> Scan<'t> {
    /// Walks every node under `root` (anonymous ones too: a comment can sit between the
    /// tokens of `unique symbol`).
    pub fn of(root: Node<'t>) -> Scan<'t> {
        Scan::walk(root, top_level(root), None)
    }

    /// The file's top-level declarations, with whether each is exported (`export`
    /// unwrapped; `export { .. }` lists and re-exports are no declarations).
    pub fn declarations(&self) -> impl Iterator<Item = (Node<'t>, bool)> + '_ {
        self.top_level.iter().filter_map(|s| {
            let exported = s.declaration != Some(s.node);
            s.declaration.map(|d| (d, exported))
        })
    }

    /// What the extractors read of [`Scan::of`]'s lists, found faster: the walk does not
    /// descend into a subtree whose text holds no mark of a node some extractor reads (see
    /// [`marks`]): most of a class body, decorators, type annotations, strings. The lists
    /// hold fewer nodes than the full walk's, never fewer of those the extractors use (a
    /// test compares the facts of both on every fixture file). A tree with syntax errors is
    /// walked whole (error recovery can build a call around a missing `(`).
    pub fn of_source(root: Node<'t>, src: &str) -> Scan<'t> {
        if root.has_error() {
            return Scan::of(root);
        }
        let top_level = top_level(root);
        let comments = super::mentions(src, super::misc::SUPPRESSION_MARKER);
        let prune = Prune {
            marks: marks(&top_level, src, comments),
            comments,
            src: src.as_bytes(),
        };
        Scan::walk(root, top_level, Some(&prune))
    }

    fn walk(root: Node<'t>, top_level: Vec<Statement<'t>>, prune: Option<&Prune>) -> Scan<'t> {
        let ids = kinds();
        let mut scan = Scan {
            top_level,
            ..Scan::default()
        };
        let mut cursor = root.walk();
        // The ancestors of the cursor's node, each with whether it is inside a class.
        let mut ancestors: Vec<(Node<'t>, bool)> = Vec::new();
        let mut in_class = false;
        loop {
            let node = cursor.node();
            let parent = ancestors.last().map(|(p, _)| *p);
            let id = node.kind_id();
            let is_class = id == ids.class_declaration
                || id == ids.abstract_class_declaration
                || id == ids.class;
            if is_class {
                if !in_class {
                    scan.top_classes.push(WithParent { node, parent });
                }
                scan.all_classes.push(node);
            } else if id == ids.call_expression {
                scan.calls.push(WithParent { node, parent });
            } else if id == ids.new_expression {
                scan.news.push(WithParent { node, parent });
            } else if id == ids.comment {
                scan.comments.push(node);
            }
            let may_hold = prune.is_none_or(|p| {
                let (start, end) = (node.start_byte(), node.end_byte());
                holds_mark(&p.marks, start, end)
                    && !(id == ids.import_statement && p.is_plain_import(start, end))
            });
            if may_hold && cursor.goto_first_child() {
                ancestors.push((node, in_class));
                in_class |= is_class;
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return scan;
                }
                in_class = ancestors.pop().is_some_and(|(_, inside)| inside);
            }
        }
    }
}

/// What the pruned walk skips by.
struct Prune<'s> {
    /// See [`marks`].
    marks: Vec<usize>,
    /// Whether comments are collected (the file holds a suppression).
    comments: bool,
    src: &'s [u8],
}

impl Prune<'_> {
    /// An import statement that holds nothing the walk collects: one that ends with its
    /// module string holds no expression (import attributes, `with { .. }`, come after it
    /// and could hold a class; `import x = require('m')` ends with `)`), and no comment is
    /// wanted. Its module string or names often hold a mark (`'class-validator'`), and
    /// walking every import of a file for nothing cost most of the walk in DTO files.
    fn is_plain_import(&self, start: usize, end: usize) -> bool {
        let ends_with_source = self.src.get(start..end).is_some_and(|text| {
            text.iter()
                .rev()
                .find(|b| !b.is_ascii_whitespace() && **b != b';')
                .is_some_and(|&b| b == b'\'' || b == b'"')
        });
        !self.comments && ends_with_source
    }
}

fn top_level(root: Node) -> Vec<Statement> {
    named_iter(root)
        .map(|node| Statement {
            node,
            declaration: match node.fast_kind() {
                "export_statement" => node.child_by_field_id(fields().declaration),
                _ => Some(node),
            },
        })
        .collect()
}

/// Byte offsets of what the nodes the extractors read have in their text (a false mark
/// only costs a descent):
/// - every class: the start of `class`;
/// - the calls [`super::imports`] reads (`require(..)`, `import(..)`, `jest.mock(..)`,
///   `vi.mock(..)`): the start of the word `require`, `import`, `jest` or `vi`;
/// - the calls [`super::wrappers`] reads, inside top-level functions: each `(` and backtick
///   of a top-level function or variable declaration;
/// - `new EntitySchema(..)`, if the file mentions `EntitySchema`: the start of `new`;
/// - comments, if the file holds a suppression: each `/`.
fn marks(top_level: &[Statement], src: &str, comments: bool) -> Vec<usize> {
    let news = super::mentions(src, "EntitySchema");
    let declarations: Vec<std::ops::Range<usize>> = top_level
        .iter()
        .filter_map(|s| s.declaration)
        .filter(|d| {
            matches!(
                d.fast_kind(),
                "function_declaration" | "lexical_declaration" | "variable_declaration"
            )
        })
        .map(|d| d.byte_range())
        .collect();
    let bytes = src.as_bytes();
    let whole_word = |i: usize, len: usize| {
        !bytes.get(i + len).is_some_and(|&b| is_word_byte(b))
            && !i
                .checked_sub(1)
                .and_then(|p| bytes.get(p))
                .is_some_and(|&b| is_word_byte(b))
    };
    // One vectorised search per mark (memchr) rather than a test of every byte.
    let mut out: Vec<usize> = declarations
        .iter()
        .flat_map(|r| {
            let inside = bytes.get(r.clone()).unwrap_or_default();
            memchr::memchr2_iter(b'(', b'`', inside).map(move |i| r.start + i)
        })
        .collect();
    if comments {
        out.extend(memchr::memchr_iter(b'/', bytes));
    }
    if news {
        out.extend(memchr::memmem::find_iter(bytes, b"new"));
    }
    out.extend(memchr::memmem::find_iter(bytes, b"class"));
    for word in ["require", "import", "jest", "vi"] {
        out.extend(
            memchr::memmem::find_iter(bytes, word.as_bytes())
                .filter(|&i| whole_word(i, word.len())),
        );
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a sorted list of offsets has one in `start..end`.
pub(crate) fn holds_mark(marks: &[usize], start: usize, end: usize) -> bool {
    let first = marks.partition_point(|&m| m < start);
    marks.get(first).is_some_and(|&m| m < end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::value::text;

    fn texts<'a>(nodes: impl Iterator<Item = Node<'a>>, src: &'a str) -> Vec<&'a str> {
        nodes.map(|n| text(n, src)).collect()
    }

    #[test]
    fn finds_classes_calls_news_and_comments_with_parents() {
        let src = "// one\nexport class A { m() { return class B {}; } }\n\
                   const x = new S(f(1)); /* two */ let u: unique /* three */ symbol;";
        let tree = crate::syntax::new_parser().parse(src, None).unwrap();
        let scan = Scan::of(tree.root_node());
        let top: Vec<_> = scan.top_classes.iter().map(|c| c.node).collect();
        assert_eq!(texts(top.into_iter(), src).len(), 1);
        assert_eq!(
            scan.top_classes[0].parent.map(|p| p.kind()),
            Some("export_statement")
        );
        assert_eq!(
            texts(scan.all_classes.iter().copied(), src),
            ["class A { m() { return class B {}; } }", "class B {}"]
        );
        assert_eq!(texts(scan.calls.iter().map(|c| c.node), src), ["f(1)"]);
        assert_eq!(
            scan.news[0].parent.map(|p| p.kind()),
            Some("variable_declarator")
        );
        assert_eq!(
            texts(scan.comments.iter().copied(), src),
            ["// one", "/* two */", "/* three */"]
        );
    }

    /// The facts of `src` extracted with the full walk and with the pruned one.
    fn full_and_pruned(src: &str) -> (crate::syntax::FileFacts, crate::syntax::FileFacts) {
        let tree = crate::syntax::new_parser().parse(src, None).unwrap();
        let root = tree.root_node();
        (
            crate::syntax::extract_with(root, src, &Scan::of(root)),
            crate::syntax::extract_with(root, src, &Scan::of_source(root, src)),
        )
    }

    #[test]
    fn the_pruned_walk_gives_the_facts_of_the_full_walk() {
        let sources = [
            "// one\nexport class A { m() { return class B {}; } }\n\
             const x = new S(f(1)); /* two */ let u: unique /* three */ symbol;",
            "@Entity() export class U { @Column({ type: 'int' }) a: number; b: string = 'x'; }",
            "const q = sql`select 1`; const n = new Date; type T = { a: string };\n\
             abstract class A<T extends object = {}> { x = (y) => y?.z?.(1); }",
            "import { a } from '../a'; export const o = { k: [1, 'two', `t${f()}`] } as const;",
            "let e = class extends Base {}; const r = a.b.c.d; if (x) { g(); } else { h\n(); }",
            "function f(this: X, ...r: number[]): asserts r is Y { return (a ?? b)!; }",
            "const x = require('x'); class A { m() { const y = require('y'); import('z'); } }\n\
             jest.mock('../a'); describe('d', () => { vi.mock('b'); (jest).doMock('c'); });",
            "export function Col(o?: any) { return (t: any, k: string) => { Column(o)(t, k); }; }\n\
             export const Idx = (o: any) => (t: any) => apply(t, o); class K { m() { f(); } }",
            "// typeorm-lsp-ignore IDX001\nexport const S = new EntitySchema({ name: 'u' });\n\
             class B { m() { return new EntitySchema({ name: 'v' }); } }",
            // imports the walk skips, and those it must not skip
            "import { IsString } from 'class-validator'; import type { A } from './import-class';\n\
             import x = require('./vi'); import y from \"jest\" with { type: require('m') };\n\
             import z from 'class' assert { type: new EntitySchema() } ;\n\
             import w from 'q' with { type: class Q {} };\n\
             export class D { @IsString() a: string; m() { return import('class'); } }",
            "import { a, /* typeorm-lsp-ignore IDX001 */ b } from 'class-x'; class K {}",
        ];
        for src in sources {
            let (full, pruned) = full_and_pruned(src);
            assert_eq!(full, pruned, "{src}");
        }
    }

    #[test]
    fn the_pruned_walk_gives_the_same_facts_on_every_fixture_file() {
        for (path, src) in crate::syntax::fixture_files::fixture_sources() {
            let (full, pruned) = full_and_pruned(&src);
            assert_eq!(full, pruned, "{}", path.display());
        }
    }

    #[test]
    fn marks_are_sorted_and_found_in_ranges() {
        let src = "const v = f(1); class A { m() { g(); require('x'); } } // n";
        let tree = crate::syntax::new_parser().parse(src, None).unwrap();
        let m = marks(&top_level(tree.root_node()), src, false);
        // `(` of the top-level declaration, `class`, `require`; not `(` in the class
        assert_eq!(m, [11, 16, 37]);
        assert!(holds_mark(&m, 0, 12));
        assert!(!holds_mark(&m, 12, 16));
        assert!(holds_mark(&m, 37, 44));
        assert!(!holds_mark(&m, 38, 44));
    }

    #[test]
    fn a_class_after_a_nested_one_is_top_level_again() {
        let src = "class A { m() { class B {} } }\nclass C {}";
        let tree = crate::syntax::new_parser().parse(src, None).unwrap();
        let scan = Scan::of(tree.root_node());
        let top: Vec<_> = scan.top_classes.iter().map(|c| c.node).collect();
        assert_eq!(
            texts(top.into_iter(), src),
            ["class A { m() { class B {} } }", "class C {}"]
        );
    }
}
