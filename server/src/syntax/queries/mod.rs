//! Query sites: repository / EntityManager / DataSource / QueryRunner calls, QueryBuilder
//! chains, raw `.query()` and DataSource options.
//!
//! One pass over one file's tree, in source order, with a light-weight environment of what
//! each name stands for (per class: `this.x` members; per function: parameters and local
//! variables). Everything is decided syntactically from this file alone; entity names are
//! resolved by the model later. The pass is flow-insensitive inside a function: a variable
//! holding a QueryBuilder collects every call made on it, in source order, whatever branch
//! it sits in.
//!
//! Layout: [`receivers`] classifies names and types, [`chain`] evaluates call chains,
//! [`consts`] follows same-file `const`s into arguments, [`options`] finds DataSource
//! options.

mod chain;
mod consts;
mod gate;
pub(crate) use gate::{is_word_byte, may_hold_query_sites, record_words};
pub(crate) use marks::is_assignment_eq;

/// Whether `word` is a repository / manager method that queries (`find`, `save`, ...).
pub fn is_query_method(word: &str) -> bool {
    chain::QUERY_METHODS.contains(&word)
}
mod literal_params;
mod marks;
mod options;
mod receivers;
#[cfg(test)]
mod tests;

use super::facts::{
    FileFacts, Name, OrmOptions, QueryBuilderChain, QueryCall, Receiver, Spanned, Value,
};
use super::value::{first_named, named_iter, text};
use crate::syntax::ids::{fields, KindExt};
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// Nesting beyond which the walk stops descending: pathological input (thousands of nested
/// parentheses) must not overflow the stack.
const MAX_DEPTH: usize = 400;

/// Fills `facts.query_calls`, `facts.query_builders` and `facts.orm_options` from one file.
pub fn extract_queries(root: Node, src: &str, facts: &mut FileFacts) {
    queries_from_scan(root, &super::scan::Scan::of(root), src, facts);
}

/// [`extract_queries`] with the classes of the file already found.
pub fn queries_from_scan(root: Node, scan: &super::scan::Scan, src: &str, facts: &mut FileFacts) {
    if !gate::may_hold_query_sites(src) {
        return;
    }
    walk_queries(root, scan, src, facts, true);
}

/// The walk itself, without the word gate (which must not change what it finds); `pruned`
/// skips the subtrees without [`marks`] (which must not change it either).
fn walk_queries(
    root: Node,
    scan: &super::scan::Scan,
    src: &str,
    facts: &mut FileFacts,
    pruned: bool,
) {
    let mut ex = Extractor::new(src);
    ex.marks = pruned.then(|| marks::Marks::of(src));
    ex.prepass(scan);
    ex.walk(root);
    facts.query_calls.extend(ex.calls);
    facts.query_builders.extend(ex.chains);
    facts.orm_options.extend(ex.options);
}

/// A TypeORM object whose kind is known, with the entity it is about (where it was written).
#[derive(Debug, Clone, PartialEq)]
struct Known {
    receiver: Receiver,
    entity: Option<Spanned<Name>>,
}

impl Known {
    fn of(receiver: Receiver) -> Self {
        Known {
            receiver,
            entity: None,
        }
    }

    fn repository(entity: Spanned<Name>) -> Self {
        Known {
            receiver: Receiver::Repository {
                entity: entity.value.clone(),
            },
            entity: Some(entity),
        }
    }
}

/// What a name or an expression stands for, as far as query extraction cares.
#[derive(Debug, Clone, PartialEq)]
enum Recv {
    /// A repository / manager / data source / query runner (or a typed custom repository).
    Known(Known),
    /// A QueryBuilder: the index of its chain.
    Builder(usize),
    /// `this` (or `super`) of the current class; members are looked up on the next step.
    This,
    /// The callee of a plain function call (`getRepository(User)`, the 0.2 global API).
    Global,
    /// Declared, or computed, without anything recognisable: name fallbacks still apply.
    Untyped,
    /// Typed as something that is not TypeORM's: no fallback applies.
    Opaque,
}

/// The environment of one function (or of the module, at index 0).
#[derive(Debug, Default)]
struct FnScope {
    /// The method or function name, inherited by anonymous callbacks.
    name: Option<String>,
    vars: HashMap<String, Recv>,
    /// `const` initializers usable for const following (already resolved themselves).
    consts: HashMap<String, Spanned<Value>>,
    /// The consts among them declared `as const` (readonly all the way down).
    frozen: HashSet<String>,
}

/// The environment of one class: what `this.x` is, and what `this` itself is.
#[derive(Debug, Default)]
struct ClassScope {
    members: HashMap<String, Recv>,
    /// For `class UserRepository extends Repository<User>`.
    this_recv: Option<Known>,
    /// For `class OrderService extends CrudService<Order>`: the entity the generic base
    /// is instantiated with; the base's repository members (`this.repository`) hold it.
    generic_entity: Option<Spanned<Name>>,
}

struct Extractor<'a> {
    src: &'a str,
    /// Classes of this file extending a repository: class name -> entity.
    custom_repos: HashMap<String, Spanned<Name>>,
    fns: Vec<FnScope>,
    classes: Vec<ClassScope>,
    calls: Vec<QueryCall>,
    chains: Vec<QueryBuilderChain>,
    options: Vec<OrmOptions>,
    /// Spans of option objects already reported (the same object can be reached twice).
    option_spans: HashSet<(usize, usize)>,
    depth: usize,
    /// Where a walk can matter; `None` walks everything.
    marks: Option<marks::Marks>,
    /// Whether the file holds the word `transaction` at all: without it no function is a
    /// `.transaction(...)` callback, and finding a function's call costs two `parent()`s.
    mentions_transaction: bool,
}

/// What [`Extractor::visit`] does with a node of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    Class,
    Function,
    Declaration,
    /// `for (const x of LIST)`: a loop over constants makes `x` one.
    ForOf,
    Field,
    Assignment,
    Eval,
    Export,
    /// Types, imports and literals hold no query sites: skipping them is most of the tree
    /// in entity files.
    Skip,
    Children,
}

impl Visit {
    fn of_kind(kind: &str) -> Visit {
        match kind {
            "class_declaration" | "abstract_class_declaration" | "class" => Visit::Class,
            "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "generator_function"
            | "arrow_function"
            | "method_definition" => Visit::Function,
            "lexical_declaration" | "variable_declaration" => Visit::Declaration,
            "for_in_statement" => Visit::ForOf,
            "public_field_definition" => Visit::Field,
            "assignment_expression" => Visit::Assignment,
            "call_expression"
            | "member_expression"
            | "new_expression"
            | "as_expression"
            | "satisfies_expression" => Visit::Eval,
            "export_statement" => Visit::Export,
            "type_annotation"
            | "type_arguments"
            | "type_parameters"
            | "interface_declaration"
            | "type_alias_declaration"
            | "enum_declaration"
            | "import_statement"
            | "string"
            | "comment"
            | "property_identifier"
            | "identifier"
            | "number" => Visit::Skip,
            _ => Visit::Children,
        }
    }

    /// [`Visit::of_kind`] read from a table by kind id: the walk visits every node of the
    /// functions it enters, and matching the kind name compared up to 25 strings each.
    fn of(node: Node) -> Visit {
        // Kind ids differ between the grammars: one table each.
        static BY_ID: crate::syntax::ids::PerGrammar<Vec<Option<Visit>>> =
            crate::syntax::ids::PerGrammar::new();
        let by_id = BY_ID.current(|| {
            crate::syntax::ids::kind_names()
                .iter()
                .map(|name| (!name.is_empty()).then(|| Visit::of_kind(name)))
                .collect()
        });
        match by_id.get(usize::from(node.kind_id())) {
            Some(Some(visit)) => *visit,
            // a kind missing from the table (`ERROR`) is looked up by its name
            _ => Visit::of_kind(node.fast_kind()),
        }
    }
}

impl<'a> Extractor<'a> {
    fn new(src: &'a str) -> Self {
        Extractor {
            src,
            custom_repos: HashMap::new(),
            fns: vec![FnScope::default()],
            classes: Vec::new(),
            calls: Vec::new(),
            chains: Vec::new(),
            options: Vec::new(),
            option_spans: HashSet::new(),
            depth: 0,
            marks: None,
            mentions_transaction: crate::syntax::mentions(src, "transaction"),
        }
    }

    fn text(&self, node: Node) -> &'a str {
        text(node, self.src)
    }

    /// Collects what must be known before the walk: custom repository classes anywhere in
    /// the file, and top-level consts (usable from functions declared above them).
    fn prepass(&mut self, scan: &super::scan::Scan) {
        self.collect_custom_repos(&scan.all_classes);
        for stmt in &scan.top_level {
            if let Some(decl) = stmt
                .declaration
                .filter(|d| is_const_declaration(*d, self.src))
            {
                for d in named_iter(decl) {
                    self.register_const(d);
                }
            }
        }
    }

    /// Whether an options type or factory name may be written in this file (always, when
    /// the walk is not pruned).
    fn may_name_options(&self) -> bool {
        self.marks.as_ref().is_none_or(|m| m.options_words)
    }

    /// Visits a node with a depth guard.
    fn walk(&mut self, node: Node) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        if let Some(marks) = &self.marks {
            if !marks.any_in(node.start_byte(), node.end_byte()) {
                return;
            }
        }
        self.depth += 1;
        self.visit(node);
        self.depth -= 1;
    }

    fn walk_children(&mut self, node: Node) {
        for child in named_iter(node) {
            self.walk(child);
        }
    }

    fn visit(&mut self, node: Node) {
        match Visit::of(node) {
            Visit::Class => self.visit_class(node),
            Visit::Function => self.visit_function(node),
            Visit::Declaration => self.visit_declaration(node),
            Visit::ForOf => self.visit_for_of(node),
            Visit::Field => self.visit_field(node),
            Visit::Assignment => self.visit_assignment(node),
            Visit::Eval => {
                self.eval(node);
            }
            Visit::Export => {
                self.check_export_default(node);
                self.walk_children(node);
            }
            Visit::Skip => {}
            Visit::Children => self.walk_children(node),
        }
    }

    /// Evaluates an expression: records the query sites in it and says what it yields.
    fn eval(&mut self, node: Node) -> Recv {
        if self.depth >= MAX_DEPTH {
            return Recv::Opaque;
        }
        self.depth += 1;
        let r = self.eval_inner(node);
        self.depth -= 1;
        r
    }

    fn eval_inner(&mut self, node: Node) -> Recv {
        match node.fast_kind() {
            "await_expression" | "parenthesized_expression" | "non_null_expression" => {
                match first_named(node) {
                    Some(inner) => self.eval(inner),
                    None => Recv::Opaque,
                }
            }
            "as_expression" | "satisfies_expression" => {
                self.check_typed_expression(node);
                match first_named(node) {
                    Some(inner) => self.eval(inner),
                    None => Recv::Opaque,
                }
            }
            "call_expression" | "member_expression" | "identifier" | "this" | "super" => {
                self.eval_chain(node)
            }
            "new_expression" => self.eval_new(node),
            _ => {
                self.walk(node);
                Recv::Untyped
            }
        }
    }

    /// The name the current function is known by.
    fn enclosing_function(&self) -> Option<Name> {
        self.fns
            .last()
            .and_then(|f| f.name.as_deref())
            .map(Name::from)
    }

    /// Binds `name` in the innermost function scope that already has it, else the current.
    fn rebind(&mut self, name: &str, recv: Recv) {
        self.note_builder(name, &recv);
        let scope = self
            .fns
            .iter_mut()
            .rev()
            .find(|f| f.vars.contains_key(name));
        match scope {
            Some(f) => {
                f.vars.insert(name.to_string(), recv);
            }
            None => self.bind(name, recv),
        }
    }

    fn bind(&mut self, name: &str, recv: Recv) {
        self.note_builder(name, &recv);
        if let Some(f) = self.fns.last_mut() {
            f.vars.insert(name.to_string(), recv);
        }
    }

    /// A name (variable or `this.` member) bound to a QueryBuilder: its calls extend the
    /// chain, so where it is written the pruned walk must not skip.
    fn note_builder(&mut self, name: &str, recv: &Recv) {
        if let (Some(marks), Recv::Builder(_)) = (&mut self.marks, recv) {
            marks.add_builder_name(name, self.src);
        }
    }

    /// `let` / `const` / `var`: binds each simple name to what its type or value says, and
    /// remembers `const` initializers for const following.
    fn visit_declaration(&mut self, node: Node) {
        let is_const = is_const_declaration(node, self.src);
        for d in named_iter(node) {
            if d.fast_kind() != "variable_declarator" {
                self.walk(d);
                continue;
            }
            let name = d.child_by_field_id(fields().name);
            let ty = d.child_by_field_id(fields().type_);
            let value = d.child_by_field_id(fields().value);
            self.check_typed_declarator(ty, value);
            let type_recv = ty.map(|t| self.recv_from_type(t));
            let value_recv = value.map(|v| self.eval(v));
            let Some(name) = name.filter(|n| n.fast_kind() == "identifier") else {
                if let Some(n) = name {
                    self.walk(n);
                }
                if is_const {
                    self.register_const(d); // `const [sql] = qb.getQueryAndParameters()`
                }
                continue;
            };
            let recv = pick_binding(type_recv, value_recv);
            let name_text = self.text(name).to_string();
            self.bind(&name_text, recv);
            if is_const {
                self.register_const(d);
            }
        }
    }

    /// `for (const x of LIST)`: a loop over constants makes `x` a constant in its body.
    fn visit_for_of(&mut self, node: Node) {
        let Some((name, values)) = self.constant_loop_variable(node) else {
            self.walk_children(node);
            return;
        };
        let previous = self
            .fns
            .last_mut()
            .and_then(|scope| scope.consts.insert(name.clone(), values));
        self.walk_children(node);
        if let Some(scope) = self.fns.last_mut() {
            match previous {
                Some(p) => scope.consts.insert(name, p),
                None => scope.consts.remove(&name),
            };
        }
    }

    /// `x = ...` and `this.x = ...`: rebinding a builder (`qb = qb.andWhere(...)`) or a
    /// member set in the constructor (`this.repo = dataSource.getRepository(User)`).
    fn visit_assignment(&mut self, node: Node) {
        let left = node.child_by_field_id(fields().left);
        let right = node.child_by_field_id(fields().right);
        if let (Some(l), Some(r)) = (left, right) {
            self.check_module_exports(l, r);
        }
        let recv = right.map(|r| self.eval(r));
        let (Some(left), Some(recv)) = (left, recv) else {
            return;
        };
        let keep = matches!(recv, Recv::Known(_) | Recv::Builder(_));
        match left.fast_kind() {
            "identifier" => {
                let name = self.text(left).to_string();
                if keep {
                    self.rebind(&name, recv);
                }
            }
            "member_expression" => {
                let object = left.child_by_field_id(fields().object);
                let property = left.child_by_field_id(fields().property);
                match (object, property) {
                    (Some(o), Some(p)) if o.fast_kind() == "this" && keep => {
                        let name = self.text(p).to_string();
                        self.note_builder(&name, &recv);
                        if let Some(class) = self.classes.last_mut() {
                            class.members.insert(name, recv);
                        }
                    }
                    _ => self.walk(left),
                }
            }
            _ => self.walk(left),
        }
    }

    /// A class field: its type or decorator was bound when the class was entered; an
    /// initializer (`private repo = this.dataSource.getRepository(User)`) may refine it.
    fn visit_field(&mut self, node: Node) {
        for child in named_iter(node) {
            if Some(child) != node.child_by_field_id(fields().value) {
                self.walk(child);
            }
        }
        let Some(value) = node.child_by_field_id(fields().value) else {
            return;
        };
        let recv = self.eval(value);
        let Some(name) = node.child_by_field_id(fields().name) else {
            return;
        };
        let name = self.text(name).to_string();
        if let (Some(class), Recv::Known(_) | Recv::Builder(_)) = (self.classes.last_mut(), &recv) {
            let typed = matches!(class.members.get(&name), Some(Recv::Known(_)));
            if !typed {
                if let (Some(marks), Recv::Builder(_)) = (&mut self.marks, &recv) {
                    marks.add_builder_name(&name, self.src);
                }
                class.members.insert(name, recv);
            }
        }
    }

    fn visit_class(&mut self, node: Node) {
        let scope = self.class_scope(node);
        self.classes.push(scope);
        self.walk_children(node);
        self.classes.pop();
    }

    fn visit_function(&mut self, node: Node) {
        let name = self
            .function_name(node)
            .or_else(|| self.enclosing_function().map(String::from));
        let mut scope = FnScope {
            name,
            ..FnScope::default()
        };
        self.bind_params(node, &mut scope);
        scope.consts.extend(self.literal_union_params(node));
        self.fns.push(scope);
        self.check_options_function(node);
        for child in named_iter(node) {
            if child.fast_kind() != "formal_parameters" {
                self.walk(child);
            }
        }
        self.fns.pop();
    }

    /// The name a function is known by: its own, or the variable / property / key it is
    /// assigned to. Anonymous callbacks get `None` (they inherit the enclosing name).
    fn function_name(&self, node: Node) -> Option<String> {
        if let Some(name) = node.child_by_field_id(fields().name) {
            return Some(self.text(name).to_string());
        }
        let parent = node.parent()?;
        let name = match parent.fast_kind() {
            "variable_declarator" | "public_field_definition" => {
                parent.child_by_field_id(fields().name)
            }
            "pair" => parent.child_by_field_id(fields().key),
            "assignment_expression" => parent
                .child_by_field_id(fields().left)
                .map(|l| l.child_by_field_id(fields().property).unwrap_or(l)),
            _ => None,
        }?;
        Some(self.text(name).to_string())
    }
}

/// Whether a `lexical_declaration` declares `const`s.
fn is_const_declaration(node: Node, src: &str) -> bool {
    node.fast_kind() == "lexical_declaration"
        && node
            .child_by_field_id(fields().kind)
            .is_some_and(|k| text(k, src) == "const")
}

/// What a declared variable stands for: a TypeORM type annotation wins, then a recognised
/// initializer, then any other type annotation (opaque), else untyped.
fn pick_binding(type_recv: Option<Recv>, value_recv: Option<Recv>) -> Recv {
    match (type_recv, value_recv) {
        (Some(t @ Recv::Known(_)), _) => t,
        (_, Some(v @ (Recv::Known(_) | Recv::Builder(_)))) => v,
        (Some(t), _) => t,
        _ => Recv::Untyped,
    }
}

/// Test helper: the query facts two ways of walking `src` find.
#[cfg(test)]
fn two_walks(
    src: &str,
    first: impl Fn(Node, &super::scan::Scan, &str, &mut FileFacts),
    second: impl Fn(Node, &super::scan::Scan, &str, &mut FileFacts),
) -> (FileFacts, FileFacts) {
    let tree = crate::syntax::new_parser().parse(src, None).unwrap();
    let root = tree.root_node();
    let scan = super::scan::Scan::of_source(root, src);
    let (mut a, mut b) = (FileFacts::default(), FileFacts::default());
    first(root, &scan, src, &mut a);
    second(root, &scan, src, &mut b);
    (a, b)
}

/// Test helper: two walks of one file found the same query facts.
#[cfg(test)]
fn assert_same_query_facts(a: &FileFacts, b: &FileFacts, what: &str) {
    assert_eq!(a.query_calls, b.query_calls, "{what}");
    assert_eq!(a.query_builders, b.query_builders, "{what}");
    assert_eq!(a.orm_options, b.orm_options, "{what}");
}
