//! Node kinds and field ids of the TypeScript grammar, looked up once.
//!
//! `Node::kind()` measures the C string and checks it is UTF-8 on every call, and
//! `Node::child_by_field_name` scans the grammar's field names with `strncmp`: in the
//! extraction hot loops both cost more than the tree walk itself. [`KindExt::fast_kind`]
//! returns the same `&'static str` from a table indexed by the kind id, and [`fields`]
//! holds the field ids for `Node::child_by_field_id`.

use std::sync::OnceLock;
use tree_sitter::{Language, Node};

fn language() -> Language {
    tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()
}

/// The name of every kind id, in id order.
/// The name of each kind id (`""` for ids without one).
pub(crate) fn kind_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let lang = language();
        (0..lang.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| lang.node_kind_for_id(id))
                    .unwrap_or("")
            })
            .collect()
    })
}

/// `Node::kind()` without the per-call `strlen` and UTF-8 check.
pub trait KindExt {
    /// The same string as `Node::kind()`.
    fn fast_kind(&self) -> &'static str;
}

impl KindExt for Node<'_> {
    fn fast_kind(&self) -> &'static str {
        // `kind_id` is the public symbol: the first symbol of that name, so its name is the
        // node's kind (aliases included). `ERROR` (65535) is outside the table.
        match kind_names().get(usize::from(self.kind_id())) {
            Some(name) if !name.is_empty() => name,
            _ => self.kind(),
        }
    }
}

macro_rules! field_ids {
    ($($field:ident => $name:literal),* $(,)?) => {
        /// Field ids of the grammar, for `Node::child_by_field_id`.
        pub struct Fields {
            $(pub $field: u16,)*
        }

        fn load_fields(lang: &Language) -> Fields {
            Fields {
                $($field: lang.field_id_for_name($name).map_or(0, |id| id.get()),)*
            }
        }

        #[cfg(test)]
        fn field_table(f: &Fields) -> Vec<(&'static str, u16)> {
            vec![$(($name, f.$field)),*]
        }
    };
}

field_ids! {
    alias => "alias",
    argument => "argument",
    arguments => "arguments",
    body => "body",
    constructor => "constructor",
    declaration => "declaration",
    function => "function",
    key => "key",
    kind => "kind",
    left => "left",
    module => "module",
    name => "name",
    object => "object",
    operator => "operator",
    parameter => "parameter",
    parameters => "parameters",
    pattern => "pattern",
    property => "property",
    return_type => "return_type",
    right => "right",
    source => "source",
    type_ => "type",
    type_arguments => "type_arguments",
    value => "value",
}

macro_rules! kind_ids {
    ($($kind:ident),* $(,)?) => {
        /// Ids of named node kinds, for comparing with `Node::kind_id` in whole-tree walks.
        pub struct Kinds {
            $(pub $kind: u16,)*
        }

        fn load_kinds(lang: &Language) -> Kinds {
            Kinds {
                $($kind: lang.id_for_node_kind(stringify!($kind), true),)*
            }
        }

        #[cfg(test)]
        fn kind_table(k: &Kinds) -> Vec<(&'static str, u16)> {
            vec![$((stringify!($kind), k.$kind)),*]
        }
    };
}

kind_ids! {
    abstract_class_declaration,
    call_expression,
    class,
    class_declaration,
    comment,
    new_expression,
}

/// The named kind ids, looked up on first use.
pub fn kinds() -> &'static Kinds {
    static KINDS: OnceLock<Kinds> = OnceLock::new();
    KINDS.get_or_init(|| load_kinds(&language()))
}

/// The field ids, looked up on first use.
pub fn fields() -> &'static Fields {
    static FIELDS: OnceLock<Fields> = OnceLock::new();
    FIELDS.get_or_init(|| load_fields(&language()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_exists() {
        for (name, id) in kind_table(kinds()) {
            assert_ne!(id, 0, "kind {name} missing from the grammar");
        }
    }

    #[test]
    fn every_field_exists_and_finds_the_same_child() {
        for (name, id) in field_table(fields()) {
            assert_ne!(id, 0, "field {name} missing from the grammar");
            assert_eq!(language().field_name_for_id(id), Some(name));
        }
        let src = "class A extends B<C> { x: number = 1; m(p: string) { return f(p); } }";
        let tree = crate::syntax::new_parser().parse(src, None).unwrap();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            for (name, id) in field_table(fields()) {
                assert_eq!(node.child_by_field_id(id), node.child_by_field_name(name));
            }
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
    }

    #[test]
    fn fast_kind_is_kind_for_every_node() {
        let src = "import x = require('y');\n@E() export class A<T> extends B implements C {\n\
                   @Col() a?: string | null; // c\n static b = class {};\n\
                   constructor(private readonly r: Repository<U>) {}\n}\n\
                   enum K { A = 1, 'b' }\nconst t = `${a}x` as const; let u: unique /* c */ symbol = new X();\n\
                   function f(this: X, ...r: number[]): asserts r is Y { return (a ?? b)!; }\n\
                   )) broken {";
        let tree = crate::syntax::new_parser().parse(src, None).unwrap();
        let mut stack = vec![tree.root_node()];
        let mut seen = 0;
        let ids = kind_table(kinds());
        while let Some(node) = stack.pop() {
            assert_eq!(node.fast_kind(), node.kind());
            for (name, id) in &ids {
                let by_name = node.is_named() && node.kind() == *name;
                assert_eq!(node.kind_id() == *id, by_name, "{name} at {node:?}");
            }
            seen += 1;
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        assert!(seen > 100);
        assert!(tree.root_node().has_error());
    }
}
