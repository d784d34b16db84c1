//! Column options the workspace builds with its own code, read as the object TypeORM
//! receives: `@PrimaryColumn(id())` and `@Column({ ...id(), nullable: true })`, where
//! `export const id = () => ({ type: 'varchar' as const, length: 32 })` (Misskey and its
//! forks build every id column so). A call to a workspace function (an arrow const or a
//! `function` declaration, local or reached through the file's imports) whose body is an
//! object literal is that object, its parameters replaced by the call's arguments; a spread
//! of such a call, or of a const object, brings its keys in place. Anything else (a call
//! into a package, a parameter the call leaves out, a computed body) is not guessed: `None`.
//!
//! The model's columns (type, nullability: what TYP001 and TYP002 judge) and the schema
//! read the same evaluation, so the rules and `schema` agree on what a column is.

use super::Model;
use crate::syntax::{ByteSpan, Name, Prop, Spanned, Value};
use std::borrow::Cow;

/// Calls, spreads and names followed at most this deep (a function calling itself, long
/// chains of re-exports).
const MAX_DEPTH: usize = 8;

/// The options argument of a column decorator: the object literal, else the first call or
/// name (`@PrimaryColumn(id())`, `@Column(idOptions)`). A type string, an arrow (an
/// embedded class) or any other argument is no options.
pub fn options_arg(args: &[Spanned<Value>]) -> Option<&Spanned<Value>> {
    args.iter()
        .find(|a| a.value.as_object().is_some())
        .or_else(|| {
            args.iter()
                .find(|a| matches!(a.value, Value::Call { .. } | Value::Ident(_)))
        })
}

/// The options object TypeORM receives for `v`, read in file `file`: `v` itself when it is
/// an object literal without spreads, the evaluated object when every call and spread in it
/// can be read, else `None`. Values inside keep being read in `file`'s terms; a constant
/// the called function's own file names is shown as `Value::Const`.
pub fn evaluated<'v>(model: &Model, file: usize, v: &'v Spanned<Value>) -> Option<Cow<'v, Value>> {
    match &v.value {
        Value::Object(props)
            if !props
                .iter()
                .any(|p| p.key == "..." || matches!(p.value.value, Value::Call { .. })) =>
        {
            Some(Cow::Borrowed(&v.value))
        }
        other => evaluate(model, file, other, Some(v.span), 0).map(Cow::Owned),
    }
}

/// `at`: where the caller wrote the spread or call whose keys these become (the keys of
/// an evaluated object are said to be written there, never in another file).
fn evaluate(
    model: &Model,
    file: usize,
    v: &Value,
    at: Option<ByteSpan>,
    depth: usize,
) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    match v {
        Value::Object(props) => {
            let mut out: Vec<Prop> = Vec::with_capacity(props.len());
            for p in props.iter() {
                if p.key != "..." {
                    let mut p = p.clone();
                    // `type: dateType()`: a workspace function returning a literal.
                    if let Some(literal) = literal_call(model, file, &p.value.value) {
                        p.value.value = literal;
                    }
                    out.push(p);
                    continue;
                }
                let Value::Object(inner) =
                    evaluate(model, file, &p.value.value, Some(p.value.span), depth + 1)?
                else {
                    return None;
                };
                // The spread's keys come in where it is written: later keys override them,
                // they override earlier ones (`Value::get` takes the last).
                out.extend(inner.into_vec().into_iter().map(|mut q| {
                    q.key_span = p.value.span;
                    q.value.span = p.value.span;
                    q
                }));
            }
            Some(Value::Object(out.into()))
        }
        Value::Const { value, .. } => evaluate(model, file, &value.value, at, depth + 1),
        Value::Ident(name) => {
            let (home, value) = const_named(model, file, name)?;
            match value {
                Value::Object(_) | Value::Ident(_) | Value::Const { .. } => {
                    let value = value.clone();
                    let value = in_terms_of(model, home, &value, &[], &[])?;
                    let mut object = evaluate(model, home, &value, at, depth + 1)?;
                    respan(&mut object, at);
                    Some(object)
                }
                _ => None,
            }
        }
        Value::Call { callee, args } => {
            let (home, params, body) = workspace_function(model, file, callee)?;
            if !params.iter().all(is_identifier) {
                return None;
            }
            if !matches!(body.value, Value::Object(_)) {
                return None;
            }
            let body = in_terms_of(model, home, &body.value, params, args)?;
            let mut object = evaluate(model, home, &body, at, depth + 1)?;
            respan(&mut object, at);
            Some(object)
        }
        _ => None,
    }
}

/// The literal a call returns when its callee is a workspace function (declared or
/// imported by the file) whose body is that literal alone: `type: typeormDate()` with
/// `const typeormDate = () => { return 'date' }` (a monorepo's shared column helpers).
fn literal_call(model: &Model, file: usize, v: &Value) -> Option<Value> {
    let Value::Call { callee, .. } = v else {
        return None;
    };
    match &workspace_function(model, file, callee)?.2.value {
        literal @ (Value::Str(_) | Value::Num(_) | Value::Bool(_) | Value::BigInt(_)) => {
            Some(literal.clone())
        }
        _ => None,
    }
}

/// The arrow (or object-returning `function`) a plain call names, with its declaring file:
/// a function the file declares or imports. An unknown callee may be a local function
/// with a block body (no const), not another file's of that name.
fn workspace_function<'m>(
    model: &'m Model,
    file: usize,
    callee: &str,
) -> Option<(usize, &'m [Name], &'m Spanned<Value>)> {
    if callee.contains('.') {
        return None;
    }
    let facts = &model.files.get(file)?.facts;
    let declared =
        facts.consts.iter().any(|c| c.name == callee) || facts.import_binding(callee).is_some();
    if !declared {
        return None;
    }
    match const_named(model, file, callee)? {
        (home, Value::Arrow { params, body }) => Some((home, params, body)),
        _ => None,
    }
}

/// The keys of an object read from another file said to be written at `at`, the call or
/// name that brought them (a span of the caller's file, never one of another file).
fn respan(object: &mut Value, at: Option<ByteSpan>) {
    if let (Some(at), Value::Object(props)) = (at, object) {
        for p in props.iter_mut() {
            p.key_span = at;
            p.value.span = at;
        }
    }
}

fn is_identifier(name: &Name) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// A function body (or a const's value) read from file `home` for a caller elsewhere: a
/// parameter becomes the call's argument (`None` when the call leaves it out: its default,
/// if any, is not known here), a literal const of `home` becomes `Value::Const` (so that
/// the caller's file does not read the name again as one of its own).
fn in_terms_of(
    model: &Model,
    home: usize,
    v: &Value,
    params: &[Name],
    args: &[Spanned<Value>],
) -> Option<Value> {
    // The values of a list, each in terms of the call (spans kept).
    let each = |list: &[Spanned<Value>]| -> Option<Vec<Spanned<Value>>> {
        list.iter()
            .map(|item| {
                let value = in_terms_of(model, home, &item.value, params, args)?;
                Some(Spanned::new(value, item.span))
            })
            .collect()
    };
    Some(match v {
        Value::Ident(name) => match params.iter().position(|p| p == name) {
            Some(i) => args.get(i)?.value.clone(),
            None => match const_named(model, home, name) {
                Some((
                    _,
                    value @ (Value::Str(_) | Value::Num(_) | Value::BigInt(_) | Value::Bool(_)),
                )) => Value::Const {
                    name: name.clone(),
                    value: Box::new(Spanned::new(value.clone(), ByteSpan::default())),
                },
                _ => v.clone(),
            },
        },
        Value::Object(props) => {
            let mut out = Vec::with_capacity(props.len());
            for p in props.iter() {
                let mut p = p.clone();
                p.value.value = in_terms_of(model, home, &p.value.value, params, args)?;
                out.push(p);
            }
            Value::Object(out.into())
        }
        Value::Array(items) => Value::Array(each(items)?.into()),
        Value::Call {
            callee,
            args: inner,
        } => Value::Call {
            callee: callee.clone(),
            args: crate::syntax::boxed(each(inner)?),
        },
        Value::Template { quasis, exprs } => Value::Template {
            quasis: quasis.clone(),
            exprs: crate::syntax::boxed(each(exprs)?),
        },
        // A member path or an expression on a parameter cannot be read: refuse rather
        // than leave the parameter's name for the caller's file to misread.
        Value::Member(path) if params.iter().any(|p| path.split('.').next() == Some(p)) => {
            return None
        }
        Value::Binary { operands, .. }
            if operands
                .iter()
                .any(|o| in_terms_of(model, home, &o.value, params, &[]).is_none()) =>
        {
            return None
        }
        other => other.clone(),
    })
}

/// The value of the `const` (or object-returning `function`) `name` as file `file` sees
/// it, with the file declaring it: its own, else the one its import names (re-exporting
/// barrels followed), else, when the import cannot be followed or there is none, the one
/// exported const of that name in the workspace (several with different values: `None`).
pub fn const_named<'m>(model: &'m Model, file: usize, name: &str) -> Option<(usize, &'m Value)> {
    let facts = &model.files.get(file)?.facts;
    if let Some(c) = facts.consts.iter().find(|c| c.name == name) {
        return Some((file, &c.value.value));
    }
    if let Some((at, n)) = facts.import_binding(name) {
        let found = model
            .links
            .target(file, at)
            .and_then(|target| exported_const(model, target, &n.imported));
        if found.is_some() {
            return found;
        }
    }
    let mut found: Option<(usize, &Value)> = None;
    for (at, f) in model.files.iter().enumerate() {
        for c in f.facts.consts.iter() {
            if !c.is_exported || c.name != name {
                continue;
            }
            match found {
                Some((_, prev)) if *prev != c.value.value => return None,
                Some(_) => {}
                None => found = Some((at, &c.value.value)),
            }
        }
    }
    found
}

/// The const file `file` exports as `name`, declared there or re-exported from another file.
fn exported_const<'m>(model: &'m Model, file: usize, name: &str) -> Option<(usize, &'m Value)> {
    super::exports::find_exported(model, file, name, &|at, facts, name| {
        let c = facts.consts.iter().find(|c| c.name == name)?;
        Some((at, &c.value.value))
    })
}

impl Model {
    /// The options of the column decorator at `origin` as TypeORM receives them (see
    /// [`evaluated`]): `None` without options, or when they cannot be read.
    pub fn column_options(&self, origin: &super::Origin) -> Option<Cow<'_, Value>> {
        let decorator = self.decorator_at(origin)?;
        let arg = options_arg(&decorator.args)?;
        evaluated(self, origin.file, arg)
    }
}

/// What the options other files build from this one depend on, for the model's
/// incremental update (`build::shape`): its object consts and the functions returning an
/// object, rendered without spans (typing elsewhere in the file keeps them), so that an
/// edit of `id()`'s body rebuilds the entities whose columns call it.
pub fn shape_of(facts: &crate::syntax::FileFacts) -> Vec<String> {
    facts
        .consts
        .iter()
        .filter(|c| match &c.value.value {
            Value::Object(_) => true,
            Value::Arrow { body, .. } => matches!(body.value, Value::Object(_)),
            _ => false,
        })
        .map(|c| {
            let mut out = format!("options-const {} = ", c.name);
            render(&c.value.value, &mut out, 0);
            out
        })
        .collect()
}

/// `v` as text without spans (nested values a few levels deep; deeper ones as `…`).
fn render(v: &Value, out: &mut String, depth: usize) {
    use std::fmt::Write;
    if depth > MAX_DEPTH {
        out.push('…');
        return;
    }
    let list = |items: &mut dyn Iterator<Item = &Value>, out: &mut String| {
        for (i, item) in items.enumerate() {
            if i > 0 {
                out.push(',');
            }
            render(item, out, depth + 1);
        }
    };
    match v {
        Value::Str(s) => {
            let _ = write!(out, "{s:?}");
        }
        Value::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Value::BigInt(digits) => {
            let _ = write!(out, "{digits}n");
        }
        Value::Function => out.push_str("function"),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Null => out.push_str("null"),
        Value::Undefined => out.push_str("undefined"),
        Value::Ident(n) | Value::Member(n) => out.push_str(n),
        Value::Array(items) => {
            out.push('[');
            list(&mut items.iter().map(|i| &i.value), out);
            out.push(']');
        }
        Value::Object(props) => {
            out.push('{');
            for p in props.iter() {
                let _ = write!(out, "{}:", p.key);
                render(&p.value.value, out, depth + 1);
                out.push(',');
            }
            out.push('}');
        }
        Value::Arrow { params, body } => {
            let _ = write!(out, "({})=>", params.join(","));
            render(&body.value, out, depth + 1);
        }
        Value::Call { callee, args } => {
            let _ = write!(out, "{callee}(");
            list(&mut args.iter().map(|a| &a.value), out);
            out.push(')');
        }
        Value::Binary { op, operands } => {
            out.push('(');
            render(&operands[0].value, out, depth + 1);
            out.push_str(op);
            render(&operands[1].value, out, depth + 1);
            out.push(')');
        }
        Value::Const { value, .. } => render(&value.value, out, depth + 1),
        Value::Template { quasis, exprs } => {
            out.push('`');
            for (i, q) in quasis.iter().enumerate() {
                out.push_str(q);
                if let Some(e) = exprs.get(i) {
                    out.push_str("${");
                    render(&e.value, out, depth + 1);
                    out.push('}');
                }
            }
            out.push('`');
        }
        Value::Other => out.push('?'),
    }
}
