//! Const following: `const sql = '...'; db.query(sql)` shows the SQL at the call site,
//! as `Value::Const` with the use site's span, so rules can tell constants from input.

use super::Extractor;
use crate::syntax::facts::{boxed, Prop, Spanned, Value};
use crate::syntax::ids::{fields, KindExt};
use crate::syntax::value::parse_value;
use tree_sitter::Node;

/// Nesting of templates and concatenations beyond which consts are no longer followed.
const MAX_RESOLVE_DEPTH: usize = 64;

/// Values that can stand in for a name inside SQL text (`${TABLE}`, `'...' + COLS`).
fn is_scalar(value: &Value) -> bool {
    matches!(
        value,
        Value::Str(_)
            | Value::Template { .. }
            | Value::Binary { .. }
            | Value::Num(_)
            | Value::BigInt(_)
            | Value::Bool(_)
            | Value::Const { .. }
    )
}

/// A non-empty array of string and number literals (`['updated_at', 'key']`): a loop
/// variable over it, or the array itself in SQL text, is constant.
fn is_literal_list(value: &Value) -> bool {
    let literal = |v: &Value| match v {
        Value::Const { value, .. } => matches!(
            value.value,
            Value::Str(_) | Value::Num(_) | Value::BigInt(_)
        ),
        v => matches!(v, Value::Str(_) | Value::Num(_) | Value::BigInt(_)),
    };
    value
        .as_array()
        .is_some_and(|items| !items.is_empty() && items.iter().all(|i| literal(&i.value)))
}

/// Values worth showing in place of a name passed as a whole argument.
fn is_followable(value: &Value) -> bool {
    is_scalar(value) || matches!(value, Value::Object(_) | Value::Array(_))
}

/// `const prefix = this.manager.connection.options.entityPrefix`: a name for a member
/// path, followed inside SQL text (`${prefix}user`) so SEC001 judges the path itself (ORM
/// metadata, an enum member, a constant property) rather than an opaque local name. A
/// whole argument keeps the bare name: rules read it as a reference there.
fn is_member_path(value: &Value) -> bool {
    matches!(value, Value::Member(_))
}

/// Values that stand for SQL text or a name without being literal text: a call
/// (`qb.getQuery()`, `moment(x).toISOString()`) or a ternary (`ok ? v : 'id'`), kept so
/// SEC001 can judge the expression where it was written instead of an opaque name.
fn is_sql_piece(value: &Value, node_kind: &str) -> bool {
    matches!(value, Value::Call { .. }) || node_kind == "ternary_expression"
}

/// `p(`SELECT ...`)`, `prepareSQLQuery('...')`: a call of a plain function on one piece of
/// SQL text is a helper that adapts quoting or dialect; what it returns is that SQL, so
/// SD001 and SEC001 read through it.
fn unwrap_sql_helper(value: Spanned<Value>) -> Spanned<Value> {
    match &value.value {
        Value::Call { callee, args }
            if args.len() == 1
                && !callee.contains('.')
                && !callee.starts_with("new ")
                && args.first().is_some_and(|a| {
                    matches!(
                        a.value,
                        Value::Template { .. } | Value::Binary { .. } | Value::Str(_)
                    )
                }) =>
        {
            match value.value {
                Value::Call { args, .. } => args.into_vec().swap_remove(0),
                _ => value,
            }
        }
        _ => value,
    }
}

fn constant(name: &str, value: &Spanned<Value>, span: crate::finding::Span) -> Spanned<Value> {
    Spanned::new(
        Value::Const {
            name: name.into(),
            value: Box::new(value.clone()),
        },
        span,
    )
}

impl Extractor<'_> {
    /// Remembers the initializer of `const NAME = value` in the current scope (with consts
    /// inside it already followed).
    pub(super) fn register_const(&mut self, declarator: Node) {
        let (Some(name), Some(value)) = (
            declarator.child_by_field_id(fields().name),
            declarator.child_by_field_id(fields().value),
        ) else {
            return;
        };
        if name.fast_kind() == "array_pattern" {
            self.register_query_and_parameters(name, value);
            return;
        }
        if name.fast_kind() != "identifier" {
            return;
        }
        let kind = value.fast_kind();
        let frozen = kind == "as_expression" && self.text(value).trim_end().ends_with("as const");
        let value = self.resolve_scalar(unwrap_sql_helper(parse_value(value, self.src)), 0);
        if !is_followable(&value.value)
            && !is_sql_piece(&value.value, kind)
            && !is_member_path(&value.value)
        {
            return;
        }
        let name = self.text(name).to_string();
        if let Some(scope) = self.fns.last_mut() {
            if frozen {
                scope.frozen.insert(name.clone());
            }
            scope.consts.insert(name, value);
        }
    }

    /// `turnRank.user` where `const turnRank = { user: 0, agent: 1 } as const`: the literal
    /// that property holds. Only `as const` objects, which TypeScript keeps readonly (a
    /// plain object const can have its properties reassigned).
    fn frozen_property(&self, path: &str) -> Option<&Spanned<Value>> {
        let (head, property) = path.split_once('.')?;
        if property.contains('.') {
            return None;
        }
        let scope = self
            .fns
            .iter()
            .rev()
            .find(|f| f.consts.contains_key(head))?;
        if !scope.frozen.contains(head) {
            return None;
        }
        let Value::Object(props) = &scope.consts.get(head)?.value else {
            return None;
        };
        props
            .iter()
            .find(|p| &*p.key == property)
            .map(|p| &p.value)
            .filter(|v| matches!(v.value, Value::Str(_) | Value::Num(_) | Value::BigInt(_)))
    }

    /// `for (const column of ['a', 'b'])`, or of a const array of literals: in the loop's
    /// body `column` is one of those constants, shown as that list (SEC001 reads every
    /// element as constant, SQL rendering leaves a hole). The name and that value.
    pub(super) fn constant_loop_variable(&self, node: Node) -> Option<(String, Spanned<Value>)> {
        let field = |name: &str| node.child_by_field_name(name);
        let is_const_of = field("kind").is_some_and(|k| self.text(k) == "const")
            && field("operator").is_some_and(|o| self.text(o) == "of");
        let left = field("left").filter(|l| is_const_of && l.fast_kind() == "identifier")?;
        let right = field("right")?;
        let value = match parse_value(right, self.src) {
            Spanned {
                value: Value::Ident(name),
                ..
            } => self.lookup_const(&name)?.clone(),
            literal => literal,
        };
        is_literal_list(&value.value).then(|| (self.text(left).to_string(), value))
    }

    /// `const [sql, params] = qb.getQueryAndParameters()`: `sql` is SQL a QueryBuilder
    /// generated, remembered as the call `qb.getQuery()` it equals.
    fn register_query_and_parameters(&mut self, pattern: Node, value: Node) {
        let Value::Call { callee, args } = parse_value(value, self.src).value else {
            return;
        };
        let Some(builder) = callee.strip_suffix(".getQueryAndParameters") else {
            return;
        };
        let Some(first) = pattern
            .named_child(0)
            .filter(|n| n.fast_kind() == "identifier")
        else {
            return;
        };
        let call = Spanned::new(
            Value::Call {
                callee: format!("{builder}.getQuery").into(),
                args,
            },
            value.byte_range(),
        );
        let name = self.text(first).to_string();
        if let Some(scope) = self.fns.last_mut() {
            scope.consts.insert(name, call);
        }
    }

    /// The const `name` visible here (innermost function first, the module last).
    pub(super) fn lookup_const(&self, name: &str) -> Option<&Spanned<Value>> {
        self.fns.iter().rev().find_map(|f| f.consts.get(name))
    }

    /// Follows consts in a call argument: a bare name, names inside a template or a
    /// concatenation, and the `where` of an options object (`find({ where })`).
    pub(super) fn resolve_arg(&self, arg: Spanned<Value>) -> Spanned<Value> {
        let arg = unwrap_sql_helper(arg);
        match &arg.value {
            Value::Ident(name) => match self.lookup_const(name) {
                Some(c) if !is_member_path(&c.value) => constant(name, c, arg.span.range()),
                _ => arg,
            },
            Value::Object(props) => {
                let props = props.iter().map(|p| self.resolve_where(p)).collect();
                Spanned::new(Value::Object(props), arg.span)
            }
            _ => self.resolve_scalar(arg, 0),
        }
    }

    fn resolve_where(&self, prop: &Prop) -> Prop {
        let Value::Ident(name) = &prop.value.value else {
            return prop.clone();
        };
        let found = self
            .lookup_const(name)
            .filter(|c| matches!(c.value, Value::Object(_) | Value::Array(_)));
        match found {
            Some(c) if prop.key == "where" => Prop {
                key: prop.key.clone(),
                key_span: prop.key_span,
                value: constant(name, c, prop.value.span.range()),
            },
            _ => prop.clone(),
        }
    }

    /// Follows string-ish consts in a template's substitutions and a concatenation's
    /// operands.
    fn resolve_scalar(&self, v: Spanned<Value>, depth: usize) -> Spanned<Value> {
        if depth > MAX_RESOLVE_DEPTH {
            return v;
        }
        let Spanned { value, span } = v;
        let value = match value {
            Value::Ident(name) => match self.lookup_const(&name).filter(|c| {
                is_scalar(&c.value)
                    || matches!(c.value, Value::Call { .. } | Value::Other)
                    || is_literal_list(&c.value)
                    || is_member_path(&c.value)
            }) {
                Some(c) => return constant(&name, c, span.range()),
                None => Value::Ident(name),
            },
            // `${dailyRateFilter('"yield"', column)}`: a local SQL helper's arguments, which
            // SEC001 judges one by one
            Value::Call { callee, args } if !callee.contains('.') => Value::Call {
                callee,
                args: boxed(
                    args.into_vec()
                        .into_iter()
                        .map(|a| self.resolve_scalar(a, depth + 1))
                        .collect::<Vec<_>>(),
                ),
            },
            Value::Member(path) => match self.frozen_property(&path) {
                Some(c) => return constant(&path, c, span.range()),
                None => Value::Member(path),
            },
            Value::Template { quasis, exprs } => Value::Template {
                quasis,
                exprs: boxed(
                    exprs
                        .into_vec()
                        .into_iter()
                        .map(|e| self.resolve_scalar(e, depth + 1))
                        .collect::<Vec<_>>(),
                ),
            },
            Value::Binary { op, operands } => {
                let [left, right] = *operands;
                Value::Binary {
                    op,
                    operands: Box::new([
                        self.resolve_scalar(left, depth + 1),
                        self.resolve_scalar(right, depth + 1),
                    ]),
                }
            }
            other => other,
        };
        Spanned::new(value, span)
    }
}
