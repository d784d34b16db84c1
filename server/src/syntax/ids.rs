//! Node kinds and field ids of the grammars, looked up once.
//!
//! `Node::kind()` measures the C string and checks it is UTF-8 on every call, and
//! `Node::child_by_field_name` scans the grammar's field names with `strncmp`: in the
//! extraction hot loops both cost more than the tree walk itself. [`KindExt::fast_kind`]
//! returns the same `&'static str` from a table indexed by the kind id, and [`fields`]
//! holds the field ids for `Node::child_by_field_id`.
//!
//! The TypeScript and TSX grammars number kinds and fields differently (TSX adds the JSX
//! ones), so there is one set of tables per [`Dialect`]. The extraction of a tree runs
//! inside [`with_tables_of`], which makes the tables of that tree's grammar the ones
//! [`fields`], [`kinds`] and `fast_kind` answer from on this thread (TypeScript's outside).

use super::dialect::Dialect;
use std::cell::Cell;
use std::sync::OnceLock;
use tree_sitter::{Language, Node};

/// The ids of one grammar.
pub struct Tables {
    dialect: Dialect,
    language: Language,
    /// The name of each kind id (`""` for ids without one).
    names: Vec<&'static str>,
    kinds: Kinds,
    fields: Fields,
}

impl Tables {
    fn load(dialect: Dialect) -> Tables {
        let language = dialect.language();
        let names = (0..language.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    .unwrap_or("")
            })
            .collect();
        Tables {
            dialect,
            names,
            kinds: load_kinds(&language),
            fields: load_fields(&language),
            language,
        }
    }

    /// The tables of a grammar, built on first use.
    pub fn of(dialect: Dialect) -> &'static Tables {
        static TABLES: PerGrammar<Tables> = PerGrammar::new();
        TABLES.get(dialect, || Tables::load(dialect))
    }
}

/// A value derived from a grammar's ids (a table indexed by kind id), built once for each
/// grammar: a single `OnceLock` would keep the ids of whichever grammar came first.
pub struct PerGrammar<T> {
    typescript: OnceLock<T>,
    tsx: OnceLock<T>,
}

impl<T> Default for PerGrammar<T> {
    fn default() -> Self {
        PerGrammar::new()
    }
}

impl<T> PerGrammar<T> {
    pub const fn new() -> Self {
        PerGrammar {
            typescript: OnceLock::new(),
            tsx: OnceLock::new(),
        }
    }

    /// The value of `dialect`, built by `init` on first use.
    pub fn get(&self, dialect: Dialect, init: impl FnOnce() -> T) -> &T {
        match dialect {
            Dialect::TypeScript => self.typescript.get_or_init(init),
            Dialect::Tsx => self.tsx.get_or_init(init),
        }
    }

    /// The value of the current grammar (see [`with_tables_of`]).
    pub fn current(&self, init: impl FnOnce() -> T) -> &T {
        self.get(current().dialect, init)
    }
}

thread_local! {
    /// The tables of the tree this thread is extracting; `None` means TypeScript's.
    static CURRENT: Cell<Option<&'static Tables>> = const { Cell::new(None) };
}

/// The tables [`fields`], [`kinds`] and `fast_kind` answer from on this thread.
fn current() -> &'static Tables {
    CURRENT
        .with(Cell::get)
        .unwrap_or_else(|| Tables::of(Dialect::TypeScript))
}

/// Runs `f` with the tables of `root`'s grammar current on this thread (and the previous
/// ones again afterwards, so that calls nest).
pub fn with_tables_of<R>(root: Node, f: impl FnOnce() -> R) -> R {
    let tsx = Tables::of(Dialect::Tsx);
    let tables = if *root.language() == tsx.language {
        tsx
    } else {
        Tables::of(Dialect::TypeScript)
    };
    /// Puts the previous tables back, even if `f` unwinds.
    struct Restore(Option<&'static Tables>);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CURRENT.with(|c| c.replace(Some(tables))));
    f()
}

/// The name of each kind id of the current grammar (`""` for ids without one).
pub(crate) fn kind_names() -> &'static [&'static str] {
    &current().names
}

/// `Node::kind()` without the per-call `strlen` and UTF-8 check.
pub trait KindExt {
    /// The same string as `Node::kind()`.
    fn fast_kind(&self) -> &'static str;
}

impl KindExt for Node<'_> {
    fn fast_kind(&self) -> &'static str {
        // A tree of another grammar than the current tables' would get wrong names.
        debug_assert!(*self.language() == current().language, "{self:?}");
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
    import_statement,
    new_expression,
}

/// The named kind ids of the current grammar.
pub fn kinds() -> &'static Kinds {
    &current().kinds
}

/// The field ids of the current grammar.
pub fn fields() -> &'static Fields {
    &current().fields
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIALECTS: [Dialect; 2] = [Dialect::TypeScript, Dialect::Tsx];

    /// Every node of `src` parsed with the grammar of `dialect`, visited with that
    /// grammar's tables current.
    fn each_node(dialect: Dialect, src: &str, mut visit: impl FnMut(Node)) -> bool {
        let tree = dialect.parser().parse(src, None).unwrap();
        let root = tree.root_node();
        with_tables_of(root, || {
            let mut stack = vec![root];
            while let Some(node) = stack.pop() {
                visit(node);
                let mut cursor = node.walk();
                stack.extend(node.children(&mut cursor));
            }
        });
        root.has_error()
    }

    #[test]
    fn every_kind_and_field_exists_in_both_grammars() {
        for dialect in DIALECTS {
            let tables = Tables::of(dialect);
            for (name, id) in kind_table(&tables.kinds) {
                assert_ne!(id, 0, "kind {name} missing from the {dialect:?} grammar");
            }
            for (name, id) in field_table(&tables.fields) {
                assert_ne!(id, 0, "field {name} missing from the {dialect:?} grammar");
                assert_eq!(tables.language.field_name_for_id(id), Some(name));
            }
        }
        // The grammars number fields differently: one set of ids would not do.
        let (ts, tsx) = (Tables::of(Dialect::TypeScript), Tables::of(Dialect::Tsx));
        assert_ne!(ts.fields.name, tsx.fields.name);
    }

    #[test]
    fn field_ids_find_the_same_child_as_field_names() {
        let src = "class A extends B<C> { x: number = 1; m(p: string) { return f(p); } }\n\
                   const v = <div key={f(x)}>{a.b}</div>;";
        for dialect in DIALECTS {
            let mut seen = 0;
            each_node(dialect, src, |node| {
                for (name, id) in field_table(fields()) {
                    assert_eq!(node.child_by_field_id(id), node.child_by_field_name(name));
                }
                seen += 1;
            });
            assert!(seen > 40, "{dialect:?}");
        }
    }

    #[test]
    fn fast_kind_is_kind_for_every_node() {
        let src = "import x = require('y');\n@E() export class A<T> extends B implements C {\n\
                   @Col() a?: string | null; // c\n static b = class {};\n\
                   constructor(private readonly r: Repository<U>) {}\n}\n\
                   enum K { A = 1, 'b' }\nconst t = `${a}x` as const; let u: unique /* c */ symbol = new X();\n\
                   function f(this: X, ...r: number[]): asserts r is Y { return (a ?? b)!; }\n\
                   const e = <div className=\"x\" {...p}><Foo.Bar a={1} />{new Y()}</div>;\n\
                   )) broken {";
        for dialect in DIALECTS {
            let mut seen = 0;
            let ids = kind_table(&Tables::of(dialect).kinds);
            let has_error = each_node(dialect, src, |node| {
                assert_eq!(node.fast_kind(), node.kind());
                for (name, id) in &ids {
                    let by_name = node.is_named() && node.kind() == *name;
                    assert_eq!(node.kind_id() == *id, by_name, "{name} at {node:?}");
                }
                seen += 1;
            });
            assert!(seen > 100, "{dialect:?}");
            assert!(has_error, "{dialect:?}");
        }
    }

    #[test]
    fn the_tables_of_a_tree_are_current_only_while_it_is_walked() {
        let tree = Dialect::Tsx.parser().parse("<a />;", None).unwrap();
        let tsx = Tables::of(Dialect::Tsx);
        let typescript = Tables::of(Dialect::TypeScript);
        assert!(std::ptr::eq(current(), typescript));
        with_tables_of(tree.root_node(), || {
            assert!(std::ptr::eq(current(), tsx));
            let ts_tree = Dialect::TypeScript.parser().parse("a;", None).unwrap();
            with_tables_of(ts_tree.root_node(), || {
                assert!(std::ptr::eq(current(), typescript));
            });
            assert!(std::ptr::eq(current(), tsx));
        });
        assert!(std::ptr::eq(current(), typescript));
    }
}
