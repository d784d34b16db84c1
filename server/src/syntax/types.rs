//! TypeScript type annotations -> [`TypeAnn`].

use super::facts::{TypeAnn, TypeKind};
use super::value::{first_named, member_path, named_iter, text};
use crate::syntax::ids::{fields, KindExt};
use tree_sitter::Node;

/// Types nested deeper than this become `Other` (see `value::parse_value`).
const MAX_DEPTH: usize = 32;

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Parses a `type_annotation` node (`: T`) or a type node itself.
pub fn parse_type(node: Node, src: &str) -> TypeAnn {
    let depth = DEPTH.with(|d| d.get());
    if depth >= MAX_DEPTH {
        return TypeAnn {
            text: text(node, src).into(),
            span: node.byte_range().into(),
            kind: TypeKind::Other,
        };
    }
    DEPTH.with(|d| d.set(depth + 1));
    let ty = parse_type_inner(node, src);
    DEPTH.with(|d| d.set(depth));
    ty
}

fn parse_type_inner(node: Node, src: &str) -> TypeAnn {
    let node = if node.fast_kind() == "type_annotation" {
        match first_named(node) {
            Some(inner) => inner,
            None => node,
        }
    } else {
        node
    };
    let kind = match node.fast_kind() {
        "predefined_type" => keyword(text(node, src)),
        "type_identifier" | "nested_type_identifier" => Kind::named(
            member_path(node, src).unwrap_or_else(|| text(node, src).to_string()),
            Vec::new(),
        ),
        "generic_type" => {
            let name = node
                .child_by_field_id(fields().name)
                .map(|n| member_path(n, src).unwrap_or_else(|| text(n, src).to_string()))
                .unwrap_or_default();
            let args = node
                .child_by_field_id(fields().type_arguments)
                .map(|a| named_iter(a).map(|t| parse_type(t, src)).collect())
                .unwrap_or_default();
            Kind::named(name, args)
        }
        "array_type" => match first_named(node) {
            Some(inner) => TypeKind::Array(Box::new(parse_type(inner, src))),
            None => TypeKind::Other,
        },
        "union_type" => TypeKind::Union(named_iter(node).map(|t| parse_type(t, src)).collect()),
        "literal_type" => match first_named(node).map(|n| n.fast_kind()) {
            Some("null") => TypeKind::Null,
            Some("undefined") => TypeKind::Undefined,
            _ => TypeKind::Literal(text(node, src).into()),
        },
        "null" => TypeKind::Null,
        "undefined" => TypeKind::Undefined,
        "parenthesized_type" => match first_named(node) {
            Some(inner) => return retext(parse_type(inner, src), node, src),
            None => TypeKind::Other,
        },
        "object_type" => TypeKind::ObjectLiteral,
        _ => TypeKind::Other,
    };
    TypeAnn {
        text: text(node, src).into(),
        span: node.byte_range().into(),
        kind,
    }
}

fn retext(mut ty: TypeAnn, node: Node, src: &str) -> TypeAnn {
    ty.text = text(node, src).into();
    ty.span = node.byte_range().into();
    ty
}

fn keyword(word: &str) -> TypeKind {
    match word {
        "null" => TypeKind::Null,
        "undefined" => TypeKind::Undefined,
        other => TypeKind::Keyword(other.into()),
    }
}

struct Kind;

impl Kind {
    fn named(name: String, args: Vec<TypeAnn>) -> TypeKind {
        TypeKind::Named {
            name: name.into(),
            args,
        }
    }
}
