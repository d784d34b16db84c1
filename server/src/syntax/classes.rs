//! Classes with their decorators, properties, methods and constructor parameters.

use super::facts::{ClassFact, Decorator, Extends, FileFacts, MethodFact, ParamFact, PropertyFact};
use super::scan::Scan;
use super::types::parse_type;
use super::value::{call_args, first_named, member_path, named_iter, parse_value, text};
use crate::syntax::ids::{fields, KindExt};
use tree_sitter::Node;

pub fn extract_classes(root: Node, src: &str, facts: &mut FileFacts) {
    classes_from_scan(&Scan::of(root), src, facts);
}

/// Classes nested in functions or namespaces are rare in entity code but cheap to find;
/// classes nested in other classes are not ours to report.
pub fn classes_from_scan(scan: &Scan, src: &str, facts: &mut FileFacts) {
    for c in &scan.top_classes {
        if let Some(class) = class_fact(c.node, c.parent, src) {
            facts.classes.push(class);
        }
    }
    facts.classes.sort_by_key(|c| c.span.start);
}

/// Decorators that are direct children of `node` (classes, fields, parameters).
fn child_decorators(node: Node, src: &str) -> Vec<Decorator> {
    named_iter(node)
        .filter(|c| c.fast_kind() == "decorator")
        .filter_map(|d| decorator(d, src))
        .collect()
}

pub fn decorator(node: Node, src: &str) -> Option<Decorator> {
    let expr = first_named(node)?;
    let (callee, args, called) = match expr.fast_kind() {
        "call_expression" => (
            expr.child_by_field_id(fields().function)?,
            call_args(expr, src),
            true,
        ),
        _ => (expr, Vec::new(), false),
    };
    let name_node = match callee.fast_kind() {
        "member_expression" => callee.child_by_field_id(fields().property)?,
        _ => callee,
    };
    // `@Foo<Bar>()` parses the callee with type arguments; keep the bare name.
    let name = member_path(name_node, src).unwrap_or_else(|| text(name_node, src).to_string());
    Some(Decorator {
        name: name.into(),
        name_span: name_node.byte_range(),
        span: node.byte_range(),
        args,
        called,
    })
}

fn class_fact(node: Node, parent: Option<Node>, src: &str) -> Option<ClassFact> {
    let name_node = node.child_by_field_id(fields().name)?;
    let body = node.child_by_field_id(fields().body)?;
    let exported = parent.is_some_and(|p| p.fast_kind() == "export_statement");
    let mut decorators = child_decorators(node, src);
    let mut span = node.byte_range();
    if let Some(p) = parent.filter(|_| exported) {
        let mut outer = child_decorators(p, src);
        outer.append(&mut decorators);
        decorators = outer;
        span = p.byte_range();
    }
    let (extends, heritage_span, implements) = heritage(node, src);
    let mut class = ClassFact {
        name: text(name_node, src).into(),
        name_span: name_node.byte_range(),
        span,
        body_span: body.byte_range(),
        is_abstract: node.fast_kind() == "abstract_class_declaration",
        is_exported: exported,
        decorators,
        extends,
        heritage_span,
        implements,
        properties: Vec::new(),
        methods: Vec::new(),
    };
    members(body, src, &mut class);
    Some(class)
}

type Heritage = (Option<Extends>, Option<std::ops::Range<usize>>, Vec<String>);

fn heritage(class: Node, src: &str) -> Heritage {
    let mut extends = None;
    let mut span = None;
    let mut implements = Vec::new();
    let Some(h) = named_iter(class).find(|c| c.fast_kind() == "class_heritage") else {
        return (None, None, implements);
    };
    for clause in named_iter(h) {
        match clause.fast_kind() {
            "extends_clause" => {
                span = Some(clause.byte_range());
                if let Some(value) = clause.child_by_field_id(fields().value) {
                    let type_args = clause
                        .child_by_field_id(fields().type_arguments)
                        .map(|a| named_iter(a).map(|t| parse_type(t, src)).collect())
                        .unwrap_or_default();
                    let path =
                        member_path(value, src).unwrap_or_else(|| text(value, src).to_string());
                    // `extends Mixin(Base)`: the name is the call's text; no class matches.
                    let name = path.rsplit('.').next().unwrap_or(&path).to_string();
                    extends = Some(Extends {
                        name: name.into(),
                        span: value.byte_range(),
                        type_args,
                    });
                }
            }
            "implements_clause" => {
                for t in named_iter(clause) {
                    let ty = parse_type(t, src);
                    let name = match &ty.kind {
                        super::facts::TypeKind::Named { name, .. } => name.clone(),
                        _ => ty.text.clone(),
                    };
                    implements.push(name.to_string());
                }
            }
            _ => {}
        }
    }
    (extends, span, implements)
}

fn members(body: Node, src: &str, class: &mut ClassFact) {
    // Method decorators are siblings that precede the method in the class body.
    let mut pending: Vec<(Decorator, usize)> = Vec::new();
    for member in named_iter(body) {
        match member.fast_kind() {
            "decorator" => {
                if let Some(d) = decorator(member, src) {
                    let start = member.start_byte();
                    pending.push((d, start));
                }
            }
            "public_field_definition" => {
                pending.clear();
                if let Some(p) = property(member, src) {
                    class.properties.push(p);
                }
            }
            "method_definition" | "abstract_method_signature" | "method_signature" => {
                let start = pending.first().map(|(_, s)| *s);
                let decorators = pending.drain(..).map(|(d, _)| d).collect();
                if let Some(m) = method(member, src, decorators, start) {
                    class.methods.push(m);
                }
            }
            _ => pending.clear(),
        }
    }
}

fn has_child_kind(node: Node, kind: &str) -> bool {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| c.fast_kind() == kind);
    found
}

fn property(node: Node, src: &str) -> Option<PropertyFact> {
    let name = node.child_by_field_id(fields().name)?;
    Some(PropertyFact {
        name: super::value::property_key(name, src).into(),
        name_span: name.byte_range(),
        span: node.byte_range(),
        decorators: child_decorators(node, src),
        type_ann: node
            .child_by_field_id(fields().type_)
            .map(|t| parse_type(t, src)),
        optional: has_child_kind(node, "?"),
        is_static: has_child_kind(node, "static"),
        initializer: node
            .child_by_field_id(fields().value)
            .map(|v| parse_value(v, src)),
    })
}

fn method(
    node: Node,
    src: &str,
    decorators: Vec<Decorator>,
    start: Option<usize>,
) -> Option<MethodFact> {
    let name = node.child_by_field_id(fields().name)?;
    let body = node.child_by_field_id(fields().body);
    let params = node
        .child_by_field_id(fields().parameters)
        .map(|ps| named_iter(ps).filter_map(|p| parameter(p, src)).collect())
        .unwrap_or_default();
    let span = start.unwrap_or(node.start_byte())..node.end_byte();
    Some(MethodFact {
        name: text(name, src).into(),
        name_span: name.byte_range(),
        span,
        body_span: body.map(|b| b.byte_range()),
        body_is_empty: body.is_some_and(|b| first_named(b).is_none()),
        params,
        decorators,
        is_static: has_child_kind(node, "static"),
    })
}

fn parameter(node: Node, src: &str) -> Option<ParamFact> {
    if !matches!(
        node.fast_kind(),
        "required_parameter" | "optional_parameter"
    ) {
        return None;
    }
    let pattern = node.child_by_field_id(fields().pattern)?;
    let is_property = named_iter(node).any(|c| {
        matches!(
            c.fast_kind(),
            "accessibility_modifier" | "override_modifier"
        )
    }) || has_child_kind(node, "readonly");
    Some(ParamFact {
        name: text(pattern, src).into(),
        name_span: pattern.byte_range(),
        decorators: child_decorators(node, src),
        type_ann: node
            .child_by_field_id(fields().type_)
            .map(|t| parse_type(t, src)),
        is_property,
    })
}
