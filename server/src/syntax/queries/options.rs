//! DataSource options: `new DataSource({...})`, `TypeOrmModule.forRoot({...})`,
//! `forRootAsync({ useFactory })`, `createConnection({...})`, and options objects known by
//! their type (`DataSourceOptions`, ...) or by their shape (`export default { type, entities }`).

use super::receivers::last_segment;
use super::Extractor;
use crate::syntax::facts::{OrmOptions, Spanned, Value};
use crate::syntax::ids::{fields, KindExt};
use crate::syntax::value::{
    all_children, first_named, member_path, named_children, named_iter, parse_value, property_key,
    text,
};
use tree_sitter::Node;

const FUNCTION_KINDS: &[&str] = &[
    "arrow_function",
    "function_expression",
    "function",
    "generator_function",
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
];

/// Type names that mark an object as DataSource options.
fn is_options_type_name(name: &str) -> bool {
    name == "DataSourceOptions"
        || name == "TypeOrmModuleOptions"
        || name.ends_with("ConnectionOptions")
        || name.ends_with("DataSourceOptions")
}

/// Whether a type (annotation) mentions an options type anywhere (`A & B`, `Promise<A>`).
fn mentions_options_type(ty: Node, src: &str) -> bool {
    let mut stack = vec![ty];
    while let Some(node) = stack.pop() {
        if node.fast_kind() == "type_identifier" && is_options_type_name(text(node, src)) {
            return true;
        }
        stack.extend(named_iter(node));
    }
    false
}

/// An untyped object that still looks like DataSource options: a `type` plus one of the
/// keys only such options have.
fn looks_like_options(value: &Value) -> bool {
    value.get("type").is_some()
        && ["entities", "migrations", "synchronize", "autoLoadEntities"]
            .iter()
            .any(|k| value.get(k).is_some())
}

/// Strips parentheses, `await`, `!`, `as T` and `satisfies T` around an expression.
fn unwrap_expr(mut node: Node) -> Node {
    while matches!(
        node.fast_kind(),
        "parenthesized_expression"
            | "await_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
    ) {
        match first_named(node) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The `return` values and `const` declarators of a function body, not looking into
/// nested functions.
fn returns_and_consts(body: Node) -> (Vec<Node>, Vec<Node>) {
    let mut returns = Vec::new();
    let mut consts = Vec::new();
    let mut stack = named_children(body);
    while let Some(node) = stack.pop() {
        match node.fast_kind() {
            k if FUNCTION_KINDS.contains(&k) || k == "class" || k == "class_declaration" => {}
            "return_statement" => returns.extend(first_named(node)),
            "variable_declarator" => {
                consts.push(node);
                stack.extend(named_iter(node));
            }
            _ => stack.extend(named_iter(node)),
        }
    }
    returns.sort_by_key(|n| n.start_byte());
    (returns, consts)
}

impl Extractor<'_> {
    fn push_options(&mut self, origin: &str, options: Spanned<Value>) {
        let inner = match &options.value {
            Value::Const { value, .. } => value.span,
            _ => options.span,
        };
        if self.option_spans.insert((inner.start(), inner.end())) {
            self.options.push(OrmOptions {
                origin: origin.into(),
                options,
            });
        }
    }

    /// An expression holding options: an object literal, or a name of a const holding one.
    fn options_value(&self, node: Node) -> Option<Spanned<Value>> {
        let node = unwrap_expr(node);
        match node.fast_kind() {
            "object" => Some(parse_value(node, self.src)),
            "identifier" => {
                let name = self.text(node);
                let found = self.lookup_const(name)?;
                found.value.as_object()?;
                Some(Spanned::new(
                    Value::Const {
                        name: name.into(),
                        value: Box::new(found.clone()),
                    },
                    node.byte_range(),
                ))
            }
            _ => None,
        }
    }

    fn first_arg_options(&self, call: Node, index: usize) -> Option<Spanned<Value>> {
        let args = call.child_by_field_id(fields().arguments)?;
        let arg = named_iter(args).nth(index)?;
        self.options_value(arg)
    }

    /// `new DataSource({...})` / `new DataSource(options)`.
    pub(super) fn check_new_options(&mut self, node: Node) {
        let ctor = node
            .child_by_field_id(fields().constructor)
            .and_then(|c| member_path(c, self.src));
        if !matches!(
            ctor.as_deref().map(last_segment),
            Some("DataSource" | "Connection")
        ) {
            return;
        }
        if let Some(options) = self.first_arg_options(node, 0) {
            self.push_options("DataSource", options);
        }
    }

    /// `createConnection(...)`, `TypeOrmModule.forRoot(...)`, `forRootAsync(...)`,
    /// `registerAs('db', () => ({...}))`.
    pub(super) fn check_options_call(&mut self, call: Node) {
        let Some(path) = call
            .child_by_field_id(fields().function)
            .and_then(|f| member_path(f, self.src))
        else {
            return;
        };
        let mut segments = path.rsplit('.');
        let last = segments.next().unwrap_or("");
        let owner = segments.next().unwrap_or("");
        match (owner, last) {
            (_, "createConnection") => {
                if let Some(options) = self.first_arg_options(call, 0) {
                    self.push_options("createConnection", options);
                }
            }
            ("TypeOrmModule", "forRoot") => {
                if let Some(options) = self.first_arg_options(call, 0) {
                    self.push_options("forRoot", options);
                }
            }
            ("TypeOrmModule", "forRootAsync") => {
                for options in self.async_factory_returns(call) {
                    self.push_options("forRootAsync", options);
                }
            }
            (_, "registerAs") => {
                let factory = call
                    .child_by_field_id(fields().arguments)
                    .and_then(|a| named_iter(a).nth(1));
                for options in factory.map(|f| self.factory_returns(f)).unwrap_or_default() {
                    if looks_like_options(&options.value) {
                        self.push_options("options-object", options);
                    }
                }
            }
            _ => {}
        }
    }

    /// The objects the `useFactory` of `forRootAsync({...})` returns.
    fn async_factory_returns(&self, call: Node) -> Vec<Spanned<Value>> {
        let Some(arg) = call
            .child_by_field_id(fields().arguments)
            .and_then(|a| named_iter(a).next())
        else {
            return Vec::new();
        };
        let arg = unwrap_expr(arg);
        if arg.fast_kind() != "object" {
            return Vec::new();
        }
        let factory = named_iter(arg).find_map(|member| match member.fast_kind() {
            "pair" => {
                let key = member.child_by_field_id(fields().key)?;
                (property_key(key, self.src) == "useFactory")
                    .then(|| member.child_by_field_id(fields().value))
                    .flatten()
            }
            "method_definition" => {
                let name = member.child_by_field_id(fields().name)?;
                (property_key(name, self.src) == "useFactory").then_some(member)
            }
            _ => None,
        });
        factory.map(|f| self.factory_returns(f)).unwrap_or_default()
    }

    /// The option objects a function returns: an expression body, or `return {...}` /
    /// `return options` (a const of the body or the file) in a block body.
    fn factory_returns(&self, func: Node) -> Vec<Spanned<Value>> {
        if !FUNCTION_KINDS.contains(&func.fast_kind()) {
            return Vec::new();
        }
        let Some(body) = func.child_by_field_id(fields().body) else {
            return Vec::new();
        };
        if body.fast_kind() != "statement_block" {
            return self.options_value(body).into_iter().collect();
        }
        let (returns, consts) = returns_and_consts(body);
        returns
            .into_iter()
            .filter_map(|r| self.returned_options(unwrap_expr(r), &consts))
            .collect()
    }

    fn returned_options(&self, value: Node, local_consts: &[Node]) -> Option<Spanned<Value>> {
        if value.fast_kind() == "identifier" {
            let name = self.text(value);
            let local = local_consts.iter().rev().find_map(|d| {
                let n = d.child_by_field_id(fields().name)?;
                (self.text(n) == name)
                    .then(|| d.child_by_field_id(fields().value))
                    .flatten()
            });
            if let Some(init) = local.map(unwrap_expr).filter(|i| i.fast_kind() == "object") {
                return Some(Spanned::new(
                    Value::Const {
                        name: name.into(),
                        value: Box::new(parse_value(init, self.src)),
                    },
                    value.byte_range(),
                ));
            }
        }
        self.options_value(value)
    }

    /// `createTypeOrmOptions()` of a `TypeOrmOptionsFactory`, or any function whose return
    /// type is an options type.
    pub(super) fn check_options_function(&mut self, func: Node) {
        if !self.may_name_options() {
            return;
        }
        let is_factory_method = func.fast_kind() == "method_definition"
            && func
                .child_by_field_id(fields().name)
                .is_some_and(|n| self.text(n) == "createTypeOrmOptions");
        let typed = func
            .child_by_field_id(fields().return_type)
            .is_some_and(|t| mentions_options_type(t, self.src));
        if !is_factory_method && !typed {
            return;
        }
        let origin = if is_factory_method {
            "forRootAsync"
        } else {
            "options-object"
        };
        for options in self.factory_returns(func) {
            self.push_options(origin, options);
        }
    }

    /// `const config: DataSourceOptions = {...}`.
    pub(super) fn check_typed_declarator(&mut self, ty: Option<Node>, value: Option<Node>) {
        if !self.may_name_options() {
            return;
        }
        let (Some(ty), Some(value)) = (ty, value) else {
            return;
        };
        if mentions_options_type(ty, self.src) {
            if let Some(options) = self.options_value(value) {
                self.push_options("options-object", options);
            }
        }
    }

    /// `{...} as DataSourceOptions`, `{...} satisfies DataSourceOptions`.
    pub(super) fn check_typed_expression(&mut self, node: Node) {
        if !self.may_name_options() {
            return;
        }
        let children = named_children(node);
        let (Some(expr), Some(ty)) = (children.first(), children.get(1)) else {
            return;
        };
        if mentions_options_type(*ty, self.src) {
            if let Some(options) = self.options_value(*expr) {
                self.push_options("options-object", options);
            }
        }
    }

    /// `export default { type: 'postgres', entities: [...] }` (or an array of them).
    pub(super) fn check_export_default(&mut self, node: Node) {
        let is_default = all_children(node).any(|c| c.fast_kind() == "default");
        if let Some(value) = node
            .child_by_field_id(fields().value)
            .filter(|_| is_default)
        {
            self.check_shaped_options(value);
        }
    }

    /// `module.exports = { type: 'postgres', ... }` (a JavaScript ormconfig).
    pub(super) fn check_module_exports(&mut self, left: Node, right: Node) {
        if self.text(left) == "module.exports" {
            self.check_shaped_options(right);
        }
    }

    fn check_shaped_options(&mut self, value: Node) {
        let value = unwrap_expr(value);
        let candidates = match value.fast_kind() {
            "array" => named_children(value),
            _ => vec![value],
        };
        for candidate in candidates {
            if let Some(options) = self.options_value(candidate) {
                if looks_like_options(&options.value) {
                    self.push_options("options-object", options);
                }
            }
        }
    }
}
