//! Turns tree-sitter expression nodes into [`Value`]s.

use super::facts::{Prop, Spanned, Value};
use tree_sitter::Node;

/// The source text of a node (empty if the range is not on char boundaries, which
/// tree-sitter never produces for valid UTF-8 input).
pub fn text<'a>(node: Node, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The named children of a node, skipping comments.
pub fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let count = node.named_child_count();
    if count == 0 {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(count);
    let mut cursor = node.walk();
    out.extend(
        node.named_children(&mut cursor)
            .filter(|n| !n.is_extra() || n.kind() != "comment"),
    );
    out
}

/// The cooked text of a `string` node (quotes removed, common escapes resolved).
pub fn string_contents(node: Node, src: &str) -> String {
    let mut out = String::new();
    for child in named_children(node) {
        match child.kind() {
            "string_fragment" => out.push_str(text(child, src)),
            "escape_sequence" => out.push_str(&unescape(text(child, src))),
            _ => {}
        }
    }
    out
}

fn unescape(seq: &str) -> String {
    match seq {
        "\\n" => "\n".into(),
        "\\t" => "\t".into(),
        "\\r" => "\r".into(),
        "\\0" => "\0".into(),
        _ => seq.chars().skip(1).collect(),
    }
}

/// Values nested deeper than this become `Value::Other`: no decorator or query argument
/// nests that far, and the limit keeps generated or hostile input from overflowing the stack.
const MAX_DEPTH: usize = 48;

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Parses an expression node into a value; unknown forms become `Value::Other`.
pub fn parse_value(node: Node, src: &str) -> Spanned<Value> {
    let depth = DEPTH.with(|d| d.get());
    if depth >= MAX_DEPTH {
        return Spanned::new(Value::Other, node.byte_range());
    }
    DEPTH.with(|d| d.set(depth + 1));
    let value = parse_value_inner(node, src);
    DEPTH.with(|d| d.set(depth));
    value
}

fn parse_value_inner(node: Node, src: &str) -> Spanned<Value> {
    let span = node.byte_range();
    let value = match node.kind() {
        "string" => Value::Str(string_contents(node, src)),
        "template_string" => parse_template(node, src),
        "number" => Value::Num(parse_number(text(node, src))),
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        "undefined" => Value::Undefined,
        "identifier" | "shorthand_property_identifier" | "property_identifier" => {
            if text(node, src) == "undefined" {
                Value::Undefined
            } else {
                Value::Ident(text(node, src).to_string())
            }
        }
        "member_expression" | "this" => member_path(node, src)
            .map(Value::Member)
            .unwrap_or(Value::Other),
        "array" => Value::Array(
            named_children(node)
                .into_iter()
                .map(|n| parse_value(n, src))
                .collect(),
        ),
        "object" => Value::Object(parse_object(node, src)),
        "arrow_function" => parse_arrow(node, src),
        "call_expression" => parse_call(node, src),
        "new_expression" => match node.child_by_field_name("constructor") {
            Some(ctor) => Value::Call {
                callee: format!("new {}", text(ctor, src)),
                args: call_args(node, src),
            },
            None => Value::Other,
        },
        "binary_expression" => parse_binary(node, src),
        "parenthesized_expression"
        | "as_expression"
        | "satisfies_expression"
        | "non_null_expression"
        | "type_assertion" => match named_children(node).first() {
            Some(inner) => return Spanned::new(parse_value(*inner, src).value, span),
            None => Value::Other,
        },
        "unary_expression" => {
            let op = node
                .child_by_field_name("operator")
                .map(|n| text(n, src))
                .unwrap_or("");
            let arg = node.child_by_field_name("argument");
            match (op, arg.map(|a| parse_value(a, src).value)) {
                ("-", Some(Value::Num(n))) => Value::Num(-n),
                ("!", Some(Value::Bool(b))) => Value::Bool(!b),
                ("!", Some(Value::Num(n))) => Value::Bool(n == 0.0),
                _ => Value::Other,
            }
        }
        _ => Value::Other,
    };
    Spanned::new(value, span)
}

fn parse_number(s: &str) -> f64 {
    let clean: String = s.chars().filter(|c| *c != '_').collect();
    if let Some(hex) = clean.strip_prefix("0x").or_else(|| clean.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).map(|v| v as f64).unwrap_or(f64::NAN);
    }
    clean.trim_end_matches('n').parse().unwrap_or(f64::NAN)
}

fn parse_template(node: Node, src: &str) -> Value {
    let mut quasis = vec![String::new()];
    let mut exprs = Vec::new();
    for child in named_children(node) {
        match child.kind() {
            "string_fragment" => quasis.last_mut().map(|q| q.push_str(text(child, src))),
            "escape_sequence" => quasis
                .last_mut()
                .map(|q| q.push_str(&unescape(text(child, src)))),
            "template_substitution" => {
                let inner = named_children(child)
                    .first()
                    .map(|n| parse_value(*n, src))
                    .unwrap_or_else(|| Spanned::new(Value::Other, child.byte_range()));
                exprs.push(inner);
                quasis.push(String::new());
                None
            }
            _ => None,
        };
    }
    if exprs.is_empty() {
        Value::Str(quasis.pop().unwrap_or_default())
    } else {
        Value::Template { quasis, exprs }
    }
}

/// Dotted paths longer than this are not names anyone writes by hand.
const MAX_PATH_SEGMENTS: usize = 64;

/// `a.b.c` (or `this.a`) as a dotted string, if the chain is made of plain names.
pub fn member_path(node: Node, src: &str) -> Option<String> {
    let mut segments = Vec::new();
    let mut current = node;
    loop {
        if segments.len() > MAX_PATH_SEGMENTS {
            return None;
        }
        match current.kind() {
            "identifier" | "this" | "property_identifier" | "type_identifier" => {
                segments.push(text(current, src));
                break;
            }
            "member_expression" | "nested_type_identifier" | "nested_identifier" => {
                let object = current
                    .child_by_field_name("object")
                    .or_else(|| current.child_by_field_name("module"))?;
                let property = current
                    .child_by_field_name("property")
                    .or_else(|| current.child_by_field_name("name"))?;
                segments.push(text(property, src));
                current = object;
            }
            "non_null_expression" | "parenthesized_expression" => {
                current = *named_children(current).first()?;
            }
            _ => return None,
        }
    }
    segments.reverse();
    Some(segments.join("."))
}

fn parse_object(node: Node, src: &str) -> Vec<Prop> {
    let mut props = Vec::new();
    for child in named_children(node) {
        match child.kind() {
            "pair" => {
                let (Some(key), Some(value)) = (
                    child.child_by_field_name("key"),
                    child.child_by_field_name("value"),
                ) else {
                    continue;
                };
                props.push(Prop {
                    key: property_key(key, src),
                    key_span: key.byte_range(),
                    value: parse_value(value, src),
                });
            }
            "shorthand_property_identifier" => props.push(Prop {
                key: text(child, src).to_string(),
                key_span: child.byte_range(),
                value: parse_value(child, src),
            }),
            "spread_element" => props.push(Prop {
                key: "...".into(),
                key_span: child.byte_range(),
                value: named_children(child)
                    .first()
                    .map(|n| parse_value(*n, src))
                    .unwrap_or_else(|| Spanned::new(Value::Other, child.byte_range())),
            }),
            "method_definition" => {
                if let Some(name) = child.child_by_field_name("name") {
                    props.push(Prop {
                        key: property_key(name, src),
                        key_span: name.byte_range(),
                        value: Spanned::new(Value::Other, child.byte_range()),
                    });
                }
            }
            _ => {}
        }
    }
    props
}

/// The name of an object key: identifiers as written, strings cooked, computed keys as text.
pub fn property_key(key: Node, src: &str) -> String {
    match key.kind() {
        "string" => string_contents(key, src),
        _ => text(key, src).to_string(),
    }
}

fn parse_arrow(node: Node, src: &str) -> Value {
    let mut params = Vec::new();
    if let Some(p) = node.child_by_field_name("parameter") {
        params.push(text(p, src).to_string());
    } else if let Some(ps) = node.child_by_field_name("parameters") {
        for p in named_children(ps) {
            let name = p
                .child_by_field_name("pattern")
                .map(|n| text(n, src))
                .unwrap_or_else(|| text(p, src));
            params.push(name.to_string());
        }
    }
    match node.child_by_field_name("body") {
        Some(body) if body.kind() != "statement_block" => Value::Arrow {
            params,
            body: Box::new(parse_value(body, src)),
        },
        Some(body) => {
            // `() => { return User; }`: take a lone return statement's value.
            let stmts = named_children(body);
            let ret = match stmts.as_slice() {
                [only] if only.kind() == "return_statement" => named_children(*only).first().copied(),
                _ => None,
            };
            match ret {
                Some(expr) => Value::Arrow {
                    params,
                    body: Box::new(parse_value(expr, src)),
                },
                None => Value::Arrow {
                    params,
                    body: Box::new(Spanned::new(Value::Other, body.byte_range())),
                },
            }
        }
        None => Value::Other,
    }
}

/// The arguments of a call or `new` expression.
pub fn call_args(node: Node, src: &str) -> Vec<Spanned<Value>> {
    node.child_by_field_name("arguments")
        .map(|args| {
            named_children(args)
                .into_iter()
                .map(|a| parse_value(a, src))
                .collect()
        })
        .unwrap_or_default()
}

fn parse_call(node: Node, src: &str) -> Value {
    let Some(function) = node.child_by_field_name("function") else {
        return Value::Other;
    };
    Value::Call {
        callee: member_path(function, src).unwrap_or_else(|| text(function, src).to_string()),
        args: call_args(node, src),
    }
}

fn parse_binary(node: Node, src: &str) -> Value {
    let (Some(left), Some(right), Some(op)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
        node.child_by_field_name("operator"),
    ) else {
        return Value::Other;
    };
    Value::Binary {
        op: text(op, src).to_string(),
        left: Box::new(parse_value(left, src)),
        right: Box::new(parse_value(right, src)),
    }
}
