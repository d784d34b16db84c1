//! One pass over the whole tree collecting the nodes several extractors look for anywhere
//! in a file: classes, calls, `new` expressions and comments.
//!
//! Walking a tree costs about as much as a fifth of parsing it; four extractors each doing
//! their own walk (with a `Vec` per node) cost more than the parse. The pass uses one
//! `TreeCursor` and keeps each node's parent, so no extractor needs `Node::parent` (which
//! searches down from the root).

use super::ids::kinds;
use tree_sitter::Node;

/// A node with its parent (`None` for the root).
#[derive(Debug, Clone, Copy)]
pub struct WithParent<'t> {
    pub node: Node<'t>,
    pub parent: Option<Node<'t>>,
}

/// What the pass found, each list in source (pre-)order.
#[derive(Debug, Default)]
pub struct Scan<'t> {
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
        Scan::walk(root, None)
    }

    /// The same lists as [`Scan::of`], found faster: the walk does not descend into a
    /// subtree whose text holds none of the marks every class, call, `new` expression and
    /// comment contains (see [`marks`]), such as type annotations, strings and plain
    /// member accesses. A tree with syntax errors is walked whole (error recovery can
    /// build a call around a missing `(`).
    pub fn of_source(root: Node<'t>, src: &str) -> Scan<'t> {
        if root.has_error() {
            return Scan::of(root);
        }
        Scan::walk(root, Some(&marks(src.as_bytes())))
    }

    fn walk(root: Node<'t>, marks: Option<&[usize]>) -> Scan<'t> {
        let ids = kinds();
        let mut scan = Scan::default();
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
            let may_hold = marks.is_none_or(|m| holds_mark(m, node.start_byte(), node.end_byte()));
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

/// Byte offsets of what each node the scan collects has in its text: `(` (calls), a
/// backtick (tagged template calls), `/` (comments) and the starts of `new` and `class`
/// (keyword boundaries are not checked: a false mark only costs a descent).
fn marks(src: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, &b) in src.iter().enumerate() {
        let mark = match b {
            b'(' | b'`' | b'/' => true,
            b'n' => src.get(i..i + 3) == Some(b"new"),
            b'c' => src.get(i..i + 5) == Some(b"class"),
            _ => false,
        };
        if mark {
            out.push(i);
        }
    }
    out
}

/// Whether a sorted list of offsets has one in `start..end`.
fn holds_mark(marks: &[usize], start: usize, end: usize) -> bool {
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

    fn lists(scan: &Scan) -> Vec<Vec<(usize, usize, Option<usize>)>> {
        let with_parent = |v: &[WithParent]| {
            v.iter()
                .map(|w| {
                    (
                        w.node.start_byte(),
                        w.node.end_byte(),
                        w.parent.map(|p| p.id()),
                    )
                })
                .collect::<Vec<_>>()
        };
        let plain = |v: &[Node]| {
            v.iter()
                .map(|n| (n.start_byte(), n.end_byte(), None))
                .collect::<Vec<_>>()
        };
        vec![
            with_parent(&scan.top_classes),
            plain(&scan.all_classes),
            with_parent(&scan.calls),
            with_parent(&scan.news),
            plain(&scan.comments),
        ]
    }

    #[test]
    fn the_pruned_walk_finds_what_the_full_walk_finds() {
        let sources = [
            "// one\nexport class A { m() { return class B {}; } }\n\
             const x = new S(f(1)); /* two */ let u: unique /* three */ symbol;",
            "@Entity() export class U { @Column({ type: 'int' }) a: number; b: string = 'x'; }",
            "const q = sql`select 1`; const n = new Date; type T = { a: string };\n\
             abstract class A<T extends object = {}> { x = (y) => y?.z?.(1); }",
            "import { a } from '../a'; export const o = { k: [1, 'two', `t${f()}`] } as const;",
            "let e = class extends Base {}; const r = a.b.c.d; if (x) { g(); } else { h\n(); }",
            "function f(this: X, ...r: number[]): asserts r is Y { return (a ?? b)!; }",
        ];
        for src in sources {
            let tree = crate::syntax::new_parser().parse(src, None).unwrap();
            assert!(!tree.root_node().has_error(), "{src}");
            let full = Scan::of(tree.root_node());
            let pruned = Scan::of_source(tree.root_node(), src);
            assert_eq!(lists(&full), lists(&pruned), "{src}");
        }
    }

    #[test]
    fn the_pruned_walk_matches_on_every_fixture_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
        let mut stack = vec![root];
        let mut seen = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "ts") {
                    continue;
                }
                let src = std::fs::read_to_string(&path).unwrap_or_default();
                let tree = crate::syntax::new_parser().parse(&src, None).unwrap();
                let full = Scan::of(tree.root_node());
                let pruned = Scan::of_source(tree.root_node(), &src);
                assert_eq!(lists(&full), lists(&pruned), "{}", path.display());
                seen += 1;
            }
        }
        assert!(seen > 10, "fixtures found: {seen}");
    }

    #[test]
    fn marks_are_sorted_and_found_in_ranges() {
        let m = marks(b"a(b) new x // c class");
        assert_eq!(m, [1, 5, 11, 12, 16]);
        assert!(holds_mark(&m, 0, 2));
        assert!(!holds_mark(&m, 2, 5));
        assert!(holds_mark(&m, 16, 21));
        assert!(!holds_mark(&m, 17, 21));
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
