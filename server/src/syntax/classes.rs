//! Classes with their decorators, properties, methods and constructor parameters.

use super::facts::{
    ClassFact, Decorator, Extends, FileFacts, MethodFact, ParamFact, PropertyFact,
};
use super::types::parse_type;
use super::value::{call_args, member_path, named_children, parse_value, text};
use tree_sitter::Node;

pub fn extract_classes(root: Node, src: &str, facts: &mut FileFacts) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "class_declaration" | "abstract_class_declaration" | "class" => {
                if let Some(class) = class_fact(node, src) {
                    facts.classes.push(class);
                }
            }
            // Classes nested in functions or namespaces are rare in entity code but cheap to
            // find; class bodies hold no further classes we care about.
            _ => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    stack.push(child);
                }
            }
        }
    }
    facts.classes.sort_by_key(|c| c.span.start);
}

/// Decorators that are direct children of `node` (classes, fields, parameters).
fn child_decorators(node: Node, src: &str) -> Vec<Decorator> {
    named_children(node)
        .into_iter()
        .filter(|c| c.kind() == "decorator")
        .filter_map(|d| decorator(d, src))
        .collect()
}

pub fn decorator(node: Node, src: &str) -> Option<Decorator> {
    let expr = *named_children(node).first()?;
    let (callee, args, called) = match expr.kind() {
        "call_expression" => (
            expr.child_by_field_name("function")?,
            call_args(expr, src),
            true,
        ),
        _ => (expr, Vec::new(), false),
    };
    let name_node = match callee.kind() {
        "member_expression" => callee.child_by_field_name("property")?,
        _ => callee,
    };
    // `@Foo<Bar>()` parses the callee with type arguments; keep the bare name.
    let name = member_path(name_node, src).unwrap_or_else(|| text(name_node, src).to_string());
    Some(Decorator {
        name,
        name_span: name_node.byte_range(),
        span: node.byte_range(),
        args,
        called,
    })
}

fn class_fact(node: Node, src: &str) -> Option<ClassFact> {
    let name_node = node.child_by_field_name("name")?;
    let body = node.child_by_field_name("body")?;
    let parent = node.parent();
    let exported = parent.is_some_and(|p| p.kind() == "export_statement");
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
        name: text(name_node, src).to_string(),
        name_span: name_node.byte_range(),
        span,
        body_span: body.byte_range(),
        is_abstract: node.kind() == "abstract_class_declaration",
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
    let Some(h) = named_children(class)
        .into_iter()
        .find(|c| c.kind() == "class_heritage")
    else {
        return (None, None, implements);
    };
    for clause in named_children(h) {
        match clause.kind() {
            "extends_clause" => {
                span = Some(clause.byte_range());
                if let Some(value) = clause.child_by_field_name("value") {
                    let type_args = clause
                        .child_by_field_name("type_arguments")
                        .map(|a| {
                            named_children(a)
                                .into_iter()
                                .map(|t| parse_type(t, src))
                                .collect()
                        })
                        .unwrap_or_default();
                    let path = member_path(value, src)
                        .unwrap_or_else(|| text(value, src).to_string());
                    // `extends Mixin(Base)`: the name is the call's text; no class matches.
                    let name = path.rsplit('.').next().unwrap_or(&path).to_string();
                    extends = Some(Extends {
                        name,
                        span: value.byte_range(),
                        type_args,
                    });
                }
            }
            "implements_clause" => {
                for t in named_children(clause) {
                    let ty = parse_type(t, src);
                    let name = match &ty.kind {
                        super::facts::TypeKind::Named { name, .. } => name.clone(),
                        _ => ty.text.clone(),
                    };
                    implements.push(name);
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
    for member in named_children(body) {
        match member.kind() {
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
    let found = node.children(&mut cursor).any(|c| c.kind() == kind);
    found
}

fn property(node: Node, src: &str) -> Option<PropertyFact> {
    let name = node.child_by_field_name("name")?;
    Some(PropertyFact {
        name: super::value::property_key(name, src),
        name_span: name.byte_range(),
        span: node.byte_range(),
        decorators: child_decorators(node, src),
        type_ann: node
            .child_by_field_name("type")
            .map(|t| parse_type(t, src)),
        optional: has_child_kind(node, "?"),
        is_static: has_child_kind(node, "static"),
        initializer: node
            .child_by_field_name("value")
            .map(|v| parse_value(v, src)),
    })
}

fn method(
    node: Node,
    src: &str,
    decorators: Vec<Decorator>,
    start: Option<usize>,
) -> Option<MethodFact> {
    let name = node.child_by_field_name("name")?;
    let body = node.child_by_field_name("body");
    let params = node
        .child_by_field_name("parameters")
        .map(|ps| {
            named_children(ps)
                .into_iter()
                .filter_map(|p| parameter(p, src))
                .collect()
        })
        .unwrap_or_default();
    let span = start.unwrap_or(node.start_byte())..node.end_byte();
    Some(MethodFact {
        name: text(name, src).to_string(),
        name_span: name.byte_range(),
        span,
        body_span: body.map(|b| b.byte_range()),
        body_is_empty: body.is_some_and(|b| named_children(b).is_empty()),
        params,
        decorators,
        is_static: has_child_kind(node, "static"),
    })
}

fn parameter(node: Node, src: &str) -> Option<ParamFact> {
    if !matches!(node.kind(), "required_parameter" | "optional_parameter") {
        return None;
    }
    let pattern = node.child_by_field_name("pattern")?;
    let is_property = named_children(node)
        .iter()
        .any(|c| matches!(c.kind(), "accessibility_modifier" | "override_modifier"))
        || has_child_kind(node, "readonly");
    Some(ParamFact {
        name: text(pattern, src).to_string(),
        name_span: pattern.byte_range(),
        decorators: child_decorators(node, src),
        type_ann: node
            .child_by_field_name("type")
            .map(|t| parse_type(t, src)),
        is_property,
    })
}
