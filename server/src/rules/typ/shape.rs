//! What a TypeScript type annotation can hold, as far as TYP001 needs: primitives, `Date`,
//! arrays, objects and enums, with type aliases and enums followed through imports (and
//! `export ... from` barrels) to the file that declares them. Anything we cannot trace is
//! `Unknown`, and the rules stay silent about it.

use crate::rules::rel::target::import_of;
use crate::rules::Ctx;
use crate::syntax::{EnumFact, ImportKind, TypeAnn, TypeKind, Value};

/// How deep we follow aliases and re-exports (cycles, long barrel chains).
const MAX_DEPTH: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Str,
    StrLit(String),
    Num,
    NumLit,
    Bool,
    BigInt,
    Date,
    Buffer,
    Array(Box<Shape>),
    /// An object type: `{ ... }`, `Record<...>`, `object`, a class.
    Object,
    /// `any` / `unknown`: holds everything.
    Any,
    /// An enum: its declared name and whether all its members are strings.
    Enum {
        name: String,
        strings: bool,
        values: Vec<String>,
    },
    Unknown,
}

/// The shapes of a type's members other than `null` / `undefined`, as seen from `file`.
pub fn shapes(ctx: &Ctx, file: usize, ty: &TypeAnn) -> Vec<Shape> {
    ty.non_nullish()
        .into_iter()
        .flat_map(|t| member_shapes(ctx, file, t, 0))
        .collect()
}

fn member_shapes(ctx: &Ctx, file: usize, ty: &TypeAnn, depth: usize) -> Vec<Shape> {
    if depth > MAX_DEPTH {
        return vec![Shape::Unknown];
    }
    match &ty.kind {
        TypeKind::Keyword(k) => vec![keyword(k)],
        TypeKind::Literal(text) => vec![literal(text)],
        TypeKind::ObjectLiteral => vec![Shape::Object],
        TypeKind::Array(inner) => vec![Shape::Array(Box::new(single(ctx, file, inner, depth)))],
        TypeKind::Union(_) => ty
            .non_nullish()
            .into_iter()
            .flat_map(|t| member_shapes(ctx, file, t, depth + 1))
            .collect(),
        TypeKind::Named { name, args } => vec![named(ctx, file, name, args, depth)],
        TypeKind::Null | TypeKind::Undefined => Vec::new(),
        TypeKind::Other => vec![Shape::Unknown],
    }
}

/// One shape for an array element (a union element is `Unknown` unless all agree).
fn single(ctx: &Ctx, file: usize, ty: &TypeAnn, depth: usize) -> Shape {
    let all = member_shapes(ctx, file, ty, depth + 1);
    match all.as_slice() {
        [one] => one.clone(),
        [first, rest @ ..] if rest.iter().all(|s| same_kind(s, first)) => first.clone(),
        _ => Shape::Unknown,
    }
}

fn same_kind(a: &Shape, b: &Shape) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn keyword(word: &str) -> Shape {
    match word {
        "string" => Shape::Str,
        "number" => Shape::Num,
        "boolean" => Shape::Bool,
        "bigint" => Shape::BigInt,
        "object" => Shape::Object,
        "any" | "unknown" => Shape::Any,
        _ => Shape::Unknown,
    }
}

fn literal(text: &str) -> Shape {
    let t = text.trim();
    if let Some(inner) = t
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| t.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
    {
        return Shape::StrLit(inner.to_string());
    }
    match t {
        "true" | "false" => Shape::Bool,
        _ if t
            .trim_start_matches('-')
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit()) =>
        {
            Shape::NumLit
        }
        _ => Shape::Unknown,
    }
}

fn named(ctx: &Ctx, file: usize, name: &str, args: &[TypeAnn], depth: usize) -> Shape {
    match (name, args) {
        ("Date", []) => Shape::Date,
        ("String", []) => Shape::Str,
        ("Number", []) => Shape::Num,
        ("Boolean", []) => Shape::Bool,
        ("Buffer" | "Uint8Array", []) => Shape::Buffer,
        ("Array" | "ReadonlyArray", [inner]) => {
            Shape::Array(Box::new(single(ctx, file, inner, depth)))
        }
        ("Record" | "Partial" | "Required" | "Readonly" | "Pick" | "Omit" | "Map", _) => {
            Shape::Object
        }
        _ if name.contains('.') || !args.is_empty() => Shape::Unknown,
        _ => declared(ctx, file, name, depth),
    }
}

/// What the declaration of `name` (as seen from `file`) is.
fn declared(ctx: &Ctx, file: usize, name: &str, depth: usize) -> Shape {
    // Re-exports can form cycles (`export *` both ways between two barrels).
    if depth > MAX_DEPTH {
        return Shape::Unknown;
    }
    let Some(source) = ctx.file(file) else {
        return Shape::Unknown;
    };
    let facts = &source.facts;
    if let Some(e) = facts.enums.iter().find(|e| e.name == name) {
        return enum_shape(e);
    }
    if let Some(alias) = facts.type_aliases.iter().find(|t| t.name == name) {
        return single(ctx, file, &alias.ty, depth);
    }
    if facts.class(name).is_some() {
        return Shape::Object;
    }
    let Some((import, imported)) = import_of(&facts.imports, name) else {
        return reexported(ctx, file, name, depth);
    };
    match target_file(ctx, file, &import.specifier) {
        Some(next) if imported != "default" && imported != "*" => {
            declared(ctx, next, imported, depth + 1)
        }
        _ => Shape::Unknown,
    }
}

/// `name` is not declared here: look through `export * from` / `export { name } from`.
fn reexported(ctx: &Ctx, file: usize, name: &str, depth: usize) -> Shape {
    let Some(source) = ctx.file(file) else {
        return Shape::Unknown;
    };
    for import in &source.facts.imports {
        if import.kind != ImportKind::ExportFrom {
            continue;
        }
        let named = import.names.iter().find(|n| n.local == name);
        if !import.star_reexport && named.is_none() {
            continue;
        }
        let Some(next) = target_file(ctx, file, &import.specifier) else {
            continue;
        };
        let original = named.map(|n| n.imported.as_str()).unwrap_or(name);
        let shape = declared(ctx, next, original, depth + 1);
        if shape != Shape::Unknown {
            return shape;
        }
    }
    Shape::Unknown
}

fn target_file(ctx: &Ctx, file: usize, specifier: &str) -> Option<usize> {
    ctx.import_target(file, specifier)
}

fn enum_shape(e: &EnumFact) -> Shape {
    let values: Vec<String> = e
        .members
        .iter()
        .filter_map(|(_, v)| v.as_ref().and_then(Value::as_str).map(str::to_string))
        .collect();
    Shape::Enum {
        name: e.name.to_string(),
        strings: !e.members.is_empty() && values.len() == e.members.len(),
        values,
    }
}

/// The enum a column's `enum:` option names (`enum: Status`), resolved from `file`.
pub fn enum_reference(ctx: &Ctx, file: usize, name: &str) -> Shape {
    declared(ctx, file, name, 0)
}
