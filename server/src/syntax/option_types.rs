//! The column types a wrapper decorator rewrites before it hands its options to TypeORM,
//! evaluated for PostgreSQL.
//!
//! Multi-database code wraps `@Column` to pick a type per database:
//!
//! ```ts
//! const pgTypes = { datetime: 'timestamp with time zone' };
//! function resolveType(t) { if (isPostgres && t in pgTypes) return pgTypes[t]; return t; }
//! export function DbColumn(options) {
//!   if (options.type) options.type = resolveType(options.type);
//!   return Column(options);
//! }
//! ```
//!
//! What TypeORM sees on a PostgreSQL deployment is the rewritten type. The rewrite is read
//! by evaluating it, with the file's own top-level functions and constant tables, for each
//! key of those tables and for one type no table names: the result is a finite table of
//! rewrites, the other types passing through unchanged. Anything the evaluator cannot
//! decide (a helper of another file, a loop, a side effect) leaves the rewrite unknown.

use super::postgres_branch::database_condition;
use super::value::{first_named, named_iter, string_contents, text};
use crate::syntax::ids::KindExt;
use tree_sitter::Node;

/// Calls and nested expressions deeper than this are not evaluated (recursive helpers,
/// generated input).
const MAX_DEPTH: usize = 24;

/// A type no table of a file names: it stands for every type that passes through.
const ANY_OTHER_TYPE: &str = "\u{1}any other type";

/// The rewrites `expr` (the right side of `options.type = expr`, or the `type` of
/// `{ ...options, type: expr }`) makes of `options.type` on PostgreSQL, `options` being the
/// wrapper's parameter `param`: `(from, to)` pairs with `from != to`, every other type
/// unchanged. `None` when it cannot be evaluated or changes a type no table names.
pub fn postgres_type_rewrites(expr: Node, param: &str, src: &str) -> Option<Vec<(String, String)>> {
    let mut root = expr;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    let eval = Eval { root, src };
    let mut inputs: Vec<String> = eval.table_keys();
    inputs.push(ANY_OTHER_TYPE.to_string());
    let mut out = Vec::new();
    for input in inputs {
        let env = [(param.to_string(), Val::Options(input.clone()))];
        let Val::Str(result) = eval.expr(expr, &env, 0)? else {
            return None;
        };
        if input == ANY_OTHER_TYPE {
            if result != input {
                return None;
            }
        } else if result != input && !out.iter().any(|(from, _)| *from == input) {
            out.push((input, result));
        }
    }
    Some(out)
}

/// A JavaScript value as far as a type rewrite needs one.
#[derive(Debug, Clone, PartialEq)]
enum Val<'t> {
    Str(String),
    Bool(bool),
    /// `undefined` or `null`.
    Nullish,
    /// An object literal of the file (a lookup table).
    Table(Node<'t>),
    /// The wrapper's options, of which only `type` is known.
    Options(String),
}

impl Val<'_> {
    fn truthy(&self) -> bool {
        match self {
            Val::Str(s) => !s.is_empty(),
            Val::Bool(b) => *b,
            Val::Nullish => false,
            Val::Table(_) | Val::Options(_) => true,
        }
    }
}

type Env<'t> = [(String, Val<'t>)];

/// What a statement sequence did: returned a value, or ran to its end.
enum Flow<'t> {
    Return(Val<'t>),
    Next,
}

struct Eval<'t, 's> {
    root: Node<'t>,
    src: &'s str,
}

impl<'t> Eval<'t, '_> {
    /// The top-level declarations of the file (`export` unwrapped).
    fn declarations(&self) -> impl Iterator<Item = Node<'t>> + '_ {
        named_iter(self.root).filter_map(|s| match s.fast_kind() {
            "export_statement" => s.child_by_field_name("declaration"),
            _ => Some(s),
        })
    }

    /// The initializer of the top-level `const`/`let`/`var` named `name`.
    fn top_level_value(&self, name: &str) -> Option<Node<'t>> {
        self.declarations()
            .filter(|d| {
                matches!(
                    d.fast_kind(),
                    "lexical_declaration" | "variable_declaration"
                )
            })
            .flat_map(named_iter)
            .filter(|d| d.fast_kind() == "variable_declarator")
            .find(|d| {
                d.child_by_field_name("name")
                    .is_some_and(|n| text(n, self.src) == name)
            })
            .and_then(|d| d.child_by_field_name("value"))
    }

    /// The top-level function named `name`: its parameters' names and its body.
    fn function(&self, name: &str) -> Option<(Vec<String>, Node<'t>)> {
        let function = self
            .declarations()
            .find(|d| {
                d.fast_kind() == "function_declaration"
                    && d.child_by_field_name("name")
                        .is_some_and(|n| text(n, self.src) == name)
            })
            .or_else(|| {
                self.top_level_value(name)
                    .map(unwrapped)
                    .filter(|v| matches!(v.fast_kind(), "arrow_function" | "function_expression"))
            })?;
        Some((
            parameter_names(function, self.src)?,
            function.child_by_field_name("body")?,
        ))
    }

    /// The string keys of every top-level object literal of the file.
    fn table_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        let values = self
            .declarations()
            .filter(|d| {
                matches!(
                    d.fast_kind(),
                    "lexical_declaration" | "variable_declaration"
                )
            })
            .flat_map(named_iter)
            .filter_map(|d| d.child_by_field_name("value"))
            .map(unwrapped)
            .filter(|v| v.fast_kind() == "object");
        for table in values {
            for pair in named_iter(table).filter(|p| p.fast_kind() == "pair") {
                if let Some(key) = pair.child_by_field_name("key").and_then(|k| self.key(k)) {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
        }
        keys
    }

    fn key(&self, key: Node) -> Option<String> {
        match key.fast_kind() {
            "property_identifier" | "number" => Some(text(key, self.src).to_string()),
            "string" => Some(string_contents(key, self.src).into_owned()),
            _ => None,
        }
    }

    /// `table[key]`: the value under `key`, `Nullish` when the table has none; `None`
    /// when the table is not plain (a spread, a computed key) so a key may hide.
    fn lookup(&self, table: Node<'t>, key: &str, env: &Env<'t>, depth: usize) -> Option<Val<'t>> {
        for entry in named_iter(table) {
            match entry.fast_kind() {
                "pair" => {
                    if self.key(entry.child_by_field_name("key")?)?.as_str() == key {
                        return self.expr(entry.child_by_field_name("value")?, env, depth + 1);
                    }
                }
                "comment" => {}
                _ => return None,
            }
        }
        Some(Val::Nullish)
    }

    fn expr(&self, node: Node<'t>, env: &Env<'t>, depth: usize) -> Option<Val<'t>> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(b) = database_condition(node, self.src) {
            return Some(Val::Bool(b));
        }
        let field = |name: &str| node.child_by_field_name(name);
        match node.fast_kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => self.expr(first_named(node)?, env, depth + 1),
            "string" => Some(Val::Str(string_contents(node, self.src).into_owned())),
            "template_string" if named_iter(node).all(|c| c.fast_kind() == "string_fragment") => {
                let raw = text(node, self.src);
                Some(Val::Str(raw.get(1..raw.len().checked_sub(1)?)?.to_string()))
            }
            "true" => Some(Val::Bool(true)),
            "false" => Some(Val::Bool(false)),
            "null" | "undefined" => Some(Val::Nullish),
            "object" => Some(Val::Table(node)),
            "identifier" => {
                let name = text(node, self.src);
                if name == "undefined" {
                    return Some(Val::Nullish);
                }
                if let Some((_, v)) = env.iter().rev().find(|(n, _)| n == name) {
                    return Some(v.clone());
                }
                self.expr(self.top_level_value(name)?, &[], depth + 1)
            }
            "member_expression" => {
                let property = text(field("property")?, self.src);
                match self.expr(field("object")?, env, depth + 1)? {
                    Val::Options(ty) if property == "type" => Some(Val::Str(ty)),
                    Val::Table(t) => self.lookup(t, property, env, depth),
                    _ => None,
                }
            }
            "subscript_expression" => {
                let Val::Table(table) = self.expr(field("object")?, env, depth + 1)? else {
                    return None;
                };
                let Val::Str(key) = self.expr(field("index")?, env, depth + 1)? else {
                    return None;
                };
                self.lookup(table, &key, env, depth)
            }
            "call_expression" => self.call(node, env, depth),
            "unary_expression" if text(field("operator")?, self.src) == "!" => Some(Val::Bool(
                !self.expr(field("argument")?, env, depth + 1)?.truthy(),
            )),
            "binary_expression" => self.binary(node, env, depth),
            "ternary_expression" => {
                let branch = if self.expr(field("condition")?, env, depth + 1)?.truthy() {
                    "consequence"
                } else {
                    "alternative"
                };
                self.expr(field(branch)?, env, depth + 1)
            }
            _ => None,
        }
    }

    /// `t.toString()`, `String(t)`, or a call of a top-level function of the file.
    fn call(&self, node: Node<'t>, env: &Env<'t>, depth: usize) -> Option<Val<'t>> {
        let callee = node.child_by_field_name("function")?;
        let args: Vec<Node<'t>> = named_iter(node.child_by_field_name("arguments")?).collect();
        match callee.fast_kind() {
            "member_expression" => {
                let property = text(callee.child_by_field_name("property")?, self.src);
                let object = self.expr(callee.child_by_field_name("object")?, env, depth + 1)?;
                match object {
                    Val::Str(s) if args.is_empty() && property == "toString" => Some(Val::Str(s)),
                    _ => None,
                }
            }
            "identifier" => {
                let name = text(callee, self.src);
                if name == "String" && args.len() == 1 {
                    return match self.expr(args[0], env, depth + 1)? {
                        s @ Val::Str(_) => Some(s),
                        _ => None,
                    };
                }
                let (params, body) = self.function(name)?;
                let mut scope: Vec<(String, Val<'t>)> = Vec::with_capacity(params.len());
                for (i, param) in params.into_iter().enumerate() {
                    let value = match args.get(i) {
                        Some(a) => self.expr(*a, env, depth + 1)?,
                        None => Val::Nullish,
                    };
                    scope.push((param, value));
                }
                if body.fast_kind() != "statement_block" {
                    return self.expr(body, &scope, depth + 1);
                }
                match self.block(body, &mut scope, depth + 1)? {
                    Flow::Return(v) => Some(v),
                    Flow::Next => Some(Val::Nullish),
                }
            }
            _ => None,
        }
    }

    fn binary(&self, node: Node<'t>, env: &Env<'t>, depth: usize) -> Option<Val<'t>> {
        let op = text(node.child_by_field_name("operator")?, self.src);
        let left = self.expr(node.child_by_field_name("left")?, env, depth + 1)?;
        let right = || self.expr(node.child_by_field_name("right")?, env, depth + 1);
        match op {
            "&&" if !left.truthy() => Some(left),
            "||" if left.truthy() => Some(left),
            "??" if left != Val::Nullish => Some(left),
            "&&" | "||" | "??" => right(),
            "in" => match (left, right()?) {
                (Val::Str(key), Val::Table(table)) => Some(Val::Bool(
                    self.lookup(table, &key, env, depth)? != Val::Nullish,
                )),
                _ => None,
            },
            "===" | "==" | "!==" | "!=" => {
                let right = right()?;
                let comparable = |v: &Val| matches!(v, Val::Str(_) | Val::Bool(_) | Val::Nullish);
                if !comparable(&left) || !comparable(&right) {
                    return None;
                }
                Some(Val::Bool((left == right) != op.starts_with('!')))
            }
            _ => None,
        }
    }

    /// Runs the statements of a block: `if`/`else`, `return`, `const x = ...`, nested
    /// blocks. Any other statement may do what the evaluator cannot see: `None`.
    fn block(
        &self,
        block: Node<'t>,
        scope: &mut Vec<(String, Val<'t>)>,
        depth: usize,
    ) -> Option<Flow<'t>> {
        for statement in named_iter(block) {
            if let Flow::Return(v) = self.statement(statement, scope, depth)? {
                return Some(Flow::Return(v));
            }
        }
        Some(Flow::Next)
    }

    fn statement(
        &self,
        statement: Node<'t>,
        scope: &mut Vec<(String, Val<'t>)>,
        depth: usize,
    ) -> Option<Flow<'t>> {
        if depth > MAX_DEPTH {
            return None;
        }
        match statement.fast_kind() {
            "return_statement" => Some(Flow::Return(match first_named(statement) {
                Some(value) => self.expr(value, scope, depth + 1)?,
                None => Val::Nullish,
            })),
            "if_statement" => {
                let condition = statement.child_by_field_name("condition")?;
                if self.expr(condition, scope, depth + 1)?.truthy() {
                    self.statement(
                        statement.child_by_field_name("consequence")?,
                        scope,
                        depth + 1,
                    )
                } else {
                    match statement.child_by_field_name("alternative") {
                        Some(alternative) => {
                            self.statement(first_named(alternative)?, scope, depth + 1)
                        }
                        None => Some(Flow::Next),
                    }
                }
            }
            "statement_block" => self.block(statement, scope, depth + 1),
            "lexical_declaration" => {
                for declarator in named_iter(statement) {
                    let name = declarator.child_by_field_name("name")?;
                    if name.fast_kind() != "identifier" {
                        return None;
                    }
                    let value = match declarator.child_by_field_name("value") {
                        Some(v) => self.expr(v, scope, depth + 1)?,
                        None => Val::Nullish,
                    };
                    scope.push((text(name, self.src).to_string(), value));
                }
                Some(Flow::Next)
            }
            "empty_statement" | "comment" => Some(Flow::Next),
            _ => None,
        }
    }
}

/// `(x as T)`, `(x)`: the expression inside.
fn unwrapped(mut node: Node) -> Node {
    while matches!(
        node.fast_kind(),
        "parenthesized_expression" | "as_expression" | "satisfies_expression"
    ) {
        match first_named(node) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The names of a function's parameters, when each is a plain identifier.
pub fn parameter_names(function: Node, src: &str) -> Option<Vec<String>> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return (single.fast_kind() == "identifier").then(|| vec![text(single, src).to_string()]);
    }
    let list = function.child_by_field_name("parameters")?;
    named_iter(list)
        .filter(|p| p.fast_kind() != "comment")
        .map(|p| {
            let pattern = match p.fast_kind() {
                "required_parameter" | "optional_parameter" => p.child_by_field_name("pattern")?,
                _ => return None,
            };
            (pattern.fast_kind() == "identifier").then(|| text(pattern, src).to_string())
        })
        .collect()
}
