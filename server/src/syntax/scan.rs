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
            if cursor.goto_first_child() {
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
