//! Turns tree-sitter expression nodes into [`Value`]s.

use super::facts::{boxed, Name, Prop, Spanned, Value};
use crate::syntax::ids::{fields, KindExt};
use std::borrow::Cow;
use tree_sitter::{Node, TreeCursor};

/// The source text of a node (empty if the range is not on char boundaries, which
/// tree-sitter never produces for valid UTF-8 input).
pub fn text<'a>(node: Node, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The named children of a node, skipping comments.
pub fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    if node.named_child_count() == 0 {
        return Vec::new();
    }
    named_iter(node).collect()
}

/// A comment that sits between tokens (an extra), not a node of the grammar.
fn is_comment_extra(node: Node) -> bool {
    node.is_extra() && node.fast_kind() == "comment"
}

/// Nodes with at most this many children (tokens included) are iterated by index: a
/// child lookup restarts from the first child, but each step costs a few field reads,
/// against a few hundred instructions for a cursor step (tree-sitter's cursor re-derives
/// its position on every sibling move; callgrind, 1,000 generated files: extraction 1.89G
/// -> 1.55G instructions). Wider nodes (class bodies, long argument lists) use the
/// cursor, which stays linear.
const INDEXED_MAX_CHILDREN: usize = 24;

/// The named children of a node, skipping comments, one at a time: no `Vec`.
pub fn named_iter<'t>(node: Node<'t>) -> NamedChildren<'t> {
    NamedChildren::new(node, true)
}

/// Every child of a node, tokens and comments included (as `Node::children`), without a
/// cursor for narrow nodes.
pub fn all_children<'t>(node: Node<'t>) -> NamedChildren<'t> {
    NamedChildren::new(node, false)
}

/// See [`named_iter`] and [`all_children`].
pub struct NamedChildren<'t> {
    node: Node<'t>,
    /// Only named children that are not comments.
    named: bool,
    walk: Walk<'t>,
}

enum Walk<'t> {
    /// The next index and the number of children (named ones only when `named`).
    Indexed { next: usize, count: usize },
    Cursor {
        cursor: TreeCursor<'t>,
        started: bool,
    },
}

impl<'t> NamedChildren<'t> {
    fn new(node: Node<'t>, named: bool) -> Self {
        let count = node.child_count();
        let walk = if count > INDEXED_MAX_CHILDREN {
            Walk::Cursor {
                cursor: node.walk(),
                started: false,
            }
        } else if named {
            Walk::Indexed {
                next: 0,
                count: node.named_child_count(),
            }
        } else {
            Walk::Indexed { next: 0, count }
        };
        NamedChildren { node, named, walk }
    }
}

impl<'t> Iterator for NamedChildren<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        match &mut self.walk {
            Walk::Indexed { next, count } => {
                while *next < *count {
                    let child = if self.named {
                        self.node.named_child(*next)
                    } else {
                        self.node.child(*next)
                    };
                    *next += 1;
                    match child {
                        Some(c) if !self.named || !is_comment_extra(c) => return Some(c),
                        Some(_) => {}
                        None => return None,
                    }
                }
                None
            }
            Walk::Cursor { cursor, started } => loop {
                let moved = if *started {
                    cursor.goto_next_sibling()
                } else {
                    *started = true;
                    cursor.goto_first_child()
                };
                if !moved {
                    return None;
                }
                let node = cursor.node();
                if !self.named || (node.is_named() && !is_comment_extra(node)) {
                    return Some(node);
                }
            },
        }
    }
}

/// The first named child that is not a comment, without a cursor (the common case of
/// unwrapping `(x)`, `await x`, `: T`).
pub fn first_named(node: Node) -> Option<Node> {
    let mut i = 0;
    while let Some(child) = node.named_child(i) {
        if !is_comment_extra(child) {
            return Some(child);
        }
        i += 1;
    }
    None
}

/// The cooked text of a `string` node (quotes removed, common escapes resolved).
pub fn string_contents<'a>(node: Node, src: &'a str) -> Cow<'a, str> {
    match plain_string_inner(node, src) {
        Some(inner) => Cow::Borrowed(inner),
        None => Cow::Owned(cooked_fragments(node, src)),
    }
}

/// The text between the quotes of a string without escapes: what its fragments hold
/// together, read without visiting them (a child lookup costs hundreds of instructions,
/// and most strings are plain). `None` for a string with an escape or a syntax error.
fn plain_string_inner<'a>(node: Node, src: &'a str) -> Option<&'a str> {
    let raw = text(node, src);
    let quote = raw.chars().next().filter(|q| matches!(q, '\'' | '"'))?;
    let inner = raw.get(1..raw.len().checked_sub(1)?)?;
    let plain = raw.len() >= 2 && raw.ends_with(quote) && !raw.contains('\\');
    (plain && !node.has_error()).then_some(inner)
}

/// [`string_contents`] from the string's children: fragments, escapes resolved.
fn cooked_fragments(node: Node, src: &str) -> String {
    let mut out = String::new();
    for child in named_iter(node) {
        match child.fast_kind() {
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
    let value = match node.fast_kind() {
        "string" => Value::Str(Name::new(&string_contents(node, src))),
        "template_string" => parse_template(node, src),
        "number" => number_literal(text(node, src)),
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        "undefined" => Value::Undefined,
        "identifier" | "shorthand_property_identifier" | "property_identifier" => {
            if text(node, src) == "undefined" {
                Value::Undefined
            } else {
                Value::Ident(text(node, src).into())
            }
        }
        "member_expression" | "this" => match member_path(node, src) {
            Some(p) => Value::Member(p.into()),
            None => required_export(node, src).map_or(Value::Other, |n| Value::Ident(n.into())),
        },
        "array" => Value::Array(named_iter(node).map(|n| parse_value(n, src)).collect()),
        "object" => Value::Object(parse_object(node, src).into()),
        "arrow_function" => parse_arrow(node, src),
        "call_expression" => parse_call(node, src),
        "new_expression" => match node.child_by_field_id(fields().constructor) {
            Some(ctor) => Value::Call {
                callee: format!("new {}", text(ctor, src)).into(),
                args: boxed(call_args(node, src)),
            },
            None => Value::Other,
        },
        "binary_expression" => parse_binary(node, src),
        // `isPostgres() ? 'jsonb' : 'text'`: the branch PostgreSQL takes, with its own span
        // (a fix edits that branch, not the condition).
        "ternary_expression" => match super::postgres_branch::postgres_branch(node, src) {
            Some(branch) => return parse_value(branch, src),
            None => Value::Other,
        },
        "parenthesized_expression"
        | "as_expression"
        | "satisfies_expression"
        | "non_null_expression"
        | "type_assertion" => match first_named(node) {
            Some(inner) => return Spanned::new(parse_value(inner, src).value, span),
            None => Value::Other,
        },
        "unary_expression" => {
            let op = node
                .child_by_field_id(fields().operator)
                .map(|n| text(n, src))
                .unwrap_or("");
            let arg = node
                .child_by_field_id(fields().argument)
                .map(|a| parse_value(a, src));
            match (op, arg) {
                (
                    "-",
                    Some(Spanned {
                        value: Value::Num(n),
                        ..
                    }),
                ) => Value::Num(-n),
                (
                    "-",
                    Some(Spanned {
                        value: Value::BigInt(digits),
                        ..
                    }),
                ) => Value::BigInt(negated_bigint(&digits).into()),
                (
                    "!",
                    Some(Spanned {
                        value: Value::Bool(b),
                        ..
                    }),
                ) => Value::Bool(!b),
                (
                    "!",
                    Some(Spanned {
                        value: Value::Num(n),
                        ..
                    }),
                ) => Value::Bool(n == 0.0),
                (
                    "!",
                    Some(Spanned {
                        value: Value::BigInt(digits),
                        ..
                    }),
                ) => Value::Bool(&*digits == "0"),
                // `+limitArgument`, `-offset`: JavaScript's numeric conversion, what
                // `Number(x)` is (a number cannot carry SQL text)
                ("+" | "-", Some(arg)) => Value::Call {
                    callee: "Number".into(),
                    args: boxed(vec![arg]),
                },
                _ => Value::Other,
            }
        }
        _ => Value::Other,
    };
    Spanned::new(value, span)
}

/// A `number` token: a BigInt literal (`0n`, `0x1Fn`) when it ends in `n`, else a number.
fn number_literal(s: &str) -> Value {
    match s.strip_suffix('n') {
        Some(digits) => bigint_decimal(digits).map_or(Value::Other, |d| Value::BigInt(d.into())),
        None => Value::Num(parse_number(s)),
    }
}

/// The decimal digits of a BigInt literal's body (`0x1F` -> `31`); a decimal body longer
/// than `u128` holds is kept as written. `None` for a malformed body.
fn bigint_decimal(body: &str) -> Option<String> {
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    let radix = match clean.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => 16,
        Some("0o") => 8,
        Some("0b") => 2,
        _ => 10,
    };
    let digits = if radix == 10 {
        &clean[..]
    } else {
        clean.get(2..)?
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    Some(match u128::from_str_radix(digits, radix) {
        Ok(v) => v.to_string(),
        Err(_) if radix == 10 => digits.trim_start_matches('0').to_string(),
        Err(_) => return None,
    })
}

/// `-x` of a BigInt's decimal digits (`-0n` is `0n`: a BigInt has no negative zero).
fn negated_bigint(digits: &str) -> String {
    match digits.strip_prefix('-') {
        Some(positive) => positive.to_string(),
        None if digits == "0" => digits.to_string(),
        None => format!("-{digits}"),
    }
}

fn parse_number(s: &str) -> f64 {
    let clean: String = s.chars().filter(|c| *c != '_').collect();
    if let Some(hex) = clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0X"))
    {
        return i64::from_str_radix(hex, 16)
            .map(|v| v as f64)
            .unwrap_or(f64::NAN);
    }
    clean.parse().unwrap_or(f64::NAN)
}

fn parse_template(node: Node, src: &str) -> Value {
    match plain_template_text(node, src) {
        Some(plain) => Value::Str(plain.into()),
        None => template_from_tree(node, src),
    }
}

/// [`parse_template`] from the template's fragments and substitutions.
fn template_from_tree(node: Node, src: &str) -> Value {
    let mut quasis = vec![String::new()];
    let mut exprs = Vec::new();
    for child in named_iter(node) {
        match child.fast_kind() {
            "string_fragment" => quasis.last_mut().map(|q| q.push_str(text(child, src))),
            "escape_sequence" => quasis
                .last_mut()
                .map(|q| q.push_str(&unescape(text(child, src)))),
            "template_substitution" => {
                let inner = first_named(child)
                    .map(|n| parse_value(n, src))
                    .unwrap_or_else(|| Spanned::new(Value::Other, child.byte_range()));
                exprs.push(inner);
                quasis.push(String::new());
                None
            }
            _ => None,
        };
    }
    if exprs.is_empty() {
        Value::Str(quasis.pop().unwrap_or_default().into())
    } else {
        Value::Template {
            quasis: boxed(quasis.into_iter().map(Name::from).collect::<Vec<_>>()),
            exprs: boxed(exprs),
        }
    }
}

/// The text between the backticks of a template without substitutions or escapes: its
/// value, read without visiting its fragments (a migration passes thousands of such SQL
/// templates to `query`). A template with a syntax error inside is read from the tree.
fn plain_template_text<'s>(node: Node, src: &'s str) -> Option<&'s str> {
    let inner = text(node, src).strip_prefix('`')?.strip_suffix('`')?;
    let plain = !inner.contains('\\') && !inner.contains("${") && !node.has_error();
    plain.then_some(inner)
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
        match current.fast_kind() {
            "identifier" | "this" | "property_identifier" | "type_identifier" => {
                segments.push(text(current, src));
                break;
            }
            "member_expression" | "nested_type_identifier" | "nested_identifier" => {
                let object = current
                    .child_by_field_id(fields().object)
                    .or_else(|| current.child_by_field_id(fields().module))?;
                let property = current
                    .child_by_field_id(fields().property)
                    .or_else(|| current.child_by_field_id(fields().name))?;
                segments.push(text(property, src));
                current = object;
            }
            "non_null_expression" | "parenthesized_expression" => {
                current = first_named(current)?;
            }
            _ => return None,
        }
    }
    segments.reverse();
    Some(segments.join("."))
}

fn parse_object(node: Node, src: &str) -> Vec<Prop> {
    let mut props = Vec::new();
    for child in named_iter(node) {
        match child.fast_kind() {
            "pair" => {
                let (Some(key), Some(value)) = (
                    child.child_by_field_id(fields().key),
                    child.child_by_field_id(fields().value),
                ) else {
                    continue;
                };
                let value = match value.fast_kind() {
                    "function_expression" | "function" | "generator_function" => {
                        Spanned::new(Value::Function, value.byte_range())
                    }
                    _ => parse_value(value, src),
                };
                props.push(Prop {
                    key: property_key(key, src).into(),
                    key_span: key.byte_range().into(),
                    value,
                });
            }
            "shorthand_property_identifier" => props.push(Prop {
                key: text(child, src).into(),
                key_span: child.byte_range().into(),
                value: parse_value(child, src),
            }),
            "spread_element" => {
                let value = first_named(child)
                    .map(|n| parse_value(n, src))
                    .unwrap_or_else(|| Spanned::new(Value::Other, child.byte_range()));
                match value.value {
                    // `...(isMySQL() ? { type: 'bigint' } : { type: 'numeric' })`: the
                    // chosen object's keys, in place (the last one still wins).
                    Value::Object(inner) => props.extend(inner.into_vec()),
                    _ => props.push(Prop {
                        key: "...".into(),
                        key_span: child.byte_range().into(),
                        value,
                    }),
                }
            }
            "method_definition" => {
                if let Some(name) = child.child_by_field_id(fields().name) {
                    props.push(Prop {
                        key: property_key(name, src).into(),
                        key_span: name.byte_range().into(),
                        value: Spanned::new(Value::Function, child.byte_range()),
                    });
                }
            }
            _ => {}
        }
    }
    props
}

/// The name of an object key: identifiers as written, strings cooked, computed keys as text.
pub fn property_key<'a>(key: Node, src: &'a str) -> Cow<'a, str> {
    match key.fast_kind() {
        "string" => string_contents(key, src),
        _ => Cow::Borrowed(text(key, src)),
    }
}

/// `require('./message').Message` (a member expression): the export's name, which the
/// file's imports bind to that module (see `imports::call_import`).
pub fn required_export<'s>(node: Node, src: &'s str) -> Option<&'s str> {
    let object = node.child_by_field_id(fields().object)?;
    let function = object.child_by_field_id(fields().function)?;
    if object.fast_kind() != "call_expression" || text(function, src) != "require" {
        return None;
    }
    Some(text(node.child_by_field_id(fields().property)?, src))
}

/// A `function name(params) { return expr; }` declaration as the arrow it equals
/// (`Value::Arrow`, a body of `Other` unless the block is one `return`): a workspace
/// function that builds column options is read like `const name = () => ({...})`.
pub fn parse_function(node: Node, src: &str) -> Value {
    parse_arrow(node, src)
}

fn parse_arrow(node: Node, src: &str) -> Value {
    let mut params = Vec::new();
    if let Some(p) = node.child_by_field_id(fields().parameter) {
        params.push(text(p, src).into());
    } else if let Some(ps) = node.child_by_field_id(fields().parameters) {
        for p in named_iter(ps) {
            let name = p
                .child_by_field_id(fields().pattern)
                .map(|n| text(n, src))
                .unwrap_or_else(|| text(p, src));
            params.push(name.into());
        }
    }
    match node.child_by_field_id(fields().body) {
        Some(body) if body.fast_kind() != "statement_block" => Value::Arrow {
            params: boxed(params),
            body: Box::new(parse_value(body, src)),
        },
        Some(body) => {
            // `() => { return User; }`: take a lone return statement's value.
            let stmts = named_children(body);
            let ret = match stmts.as_slice() {
                [only] if only.fast_kind() == "return_statement" => first_named(*only),
                _ => None,
            };
            match ret {
                Some(expr) => Value::Arrow {
                    params: boxed(params),
                    body: Box::new(parse_value(expr, src)),
                },
                None => Value::Arrow {
                    params: boxed(params),
                    body: Box::new(Spanned::new(Value::Other, body.byte_range())),
                },
            }
        }
        None => Value::Other,
    }
}

/// The arguments of a call or `new` expression.
pub fn call_args(node: Node, src: &str) -> Vec<Spanned<Value>> {
    arg_values(node.child_by_field_id(fields().arguments), src)
}

/// The values of a call's `arguments` node, for callers that looked it up already.
pub fn arg_values(args: Option<Node>, src: &str) -> Vec<Spanned<Value>> {
    args.map(|args| named_iter(args).map(|a| parse_value(a, src)).collect())
        .unwrap_or_default()
}

fn parse_call(node: Node, src: &str) -> Value {
    let Some(function) = node.child_by_field_id(fields().function) else {
        return Value::Other;
    };
    Value::Call {
        callee: member_path(function, src)
            .unwrap_or_else(|| text(function, src).to_string())
            .into(),
        args: boxed(call_args(node, src)),
    }
}

fn parse_binary(node: Node, src: &str) -> Value {
    let (Some(left), Some(right), Some(op)) = (
        node.child_by_field_id(fields().left),
        node.child_by_field_id(fields().right),
        node.child_by_field_id(fields().operator),
    ) else {
        return Value::Other;
    };
    Value::Binary {
        op: text(op, src).into(),
        operands: Box::new([parse_value(left, src), parse_value(right, src)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Named children the plain way: a cursor over every child.
    fn by_cursor(node: Node) -> Vec<Node> {
        let mut cursor = node.walk();
        let children: Vec<Node> = node
            .children(&mut cursor)
            .filter(|c| c.is_named() && !is_comment_extra(*c))
            .collect();
        children
    }

    fn assert_same_children_everywhere(src: &str, what: &str) -> usize {
        let tree = crate::syntax::new_parser().parse(src, None).unwrap();
        let mut stack = vec![tree.root_node()];
        let mut wide = 0;
        while let Some(node) = stack.pop() {
            assert_eq!(
                named_iter(node).collect::<Vec<_>>(),
                by_cursor(node),
                "{what}"
            );
            let mut cursor = node.walk();
            let every: Vec<Node> = node.children(&mut cursor).collect();
            assert_eq!(all_children(node).collect::<Vec<_>>(), every, "{what}");
            wide += usize::from(node.child_count() > INDEXED_MAX_CHILDREN);
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        wide
    }

    #[test]
    fn named_children_by_index_and_by_cursor_agree() {
        // Comments between tokens, hidden nodes (`_expression`), aliases (`@A.b()`),
        // narrow and wide nodes, an error.
        let src = "import { a, /* c */ b as d } from 'x'; // tail\n\
                   @A.b({ k: 1, /* c */ j: [1, 2, f(3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)] })\n\
                   export class C<T> extends D<T> implements E {\n\
                   @Col() x?: string; static readonly y = 1; constructor(private r: R) {}\n\
                   m(a, b, /* c */ c) { return this.r.find({ where: { a }, take: 1 }); }\n\
                   }\n\
                   const t = `${a}x${b}`; let u: unique /* c */ symbol; )) broken {";
        assert!(assert_same_children_everywhere(src, src) > 0);
        for (path, src) in crate::syntax::fixture_files::fixture_sources() {
            assert_same_children_everywhere(&src, &path.display().to_string());
        }
    }

    /// The text of a plain template is what its fragments read: every template of the
    /// snippets below and of the fixture files, read both ways.
    #[test]
    fn plain_templates_read_as_their_fragments() {
        let snippets = [
            "q(`SELECT 1`); q(``); q(`a $1 $$ b $ {c}`); q(`line\r\nnext\n`);",
            "q(`with ${x} sub`); q(`esc \\` tick`); q(`\\n`); q(`$${y}`); q(`${z}`);",
            "q(`héllo – ünïcode 名前`); q(`-- comment /* c */ 'str' \"id\"`);",
            "q(`unterminated ${ (`); q(`broken ${a b}`);",
        ];
        let fixtures = crate::syntax::fixture_files::fixture_sources();
        let sources = snippets
            .iter()
            .map(|s| s.to_string())
            .chain(fixtures.into_iter().map(|(_, src)| src));
        let (mut plain, mut other) = (0, 0);
        for src in sources {
            let tree = crate::syntax::new_parser().parse(&src, None).unwrap();
            let root = tree.root_node();
            crate::syntax::ids::with_tables_of(root, || {
                let mut stack = vec![root];
                while let Some(node) = stack.pop() {
                    if node.kind() == "template_string" {
                        match plain_template_text(node, &src) {
                            Some(text) => {
                                plain += 1;
                                assert_eq!(
                                    Value::Str(text.into()),
                                    template_from_tree(node, &src),
                                    "{src}"
                                );
                            }
                            None => other += 1,
                        }
                    }
                    let mut cursor = node.walk();
                    stack.extend(node.children(&mut cursor));
                }
            });
        }
        assert!(
            plain > 5 && other > 5,
            "{plain} plain, {other} read from the tree"
        );
    }

    /// The value of each initializer of `src` (`const a = ...;` statements).
    fn initializers(src: &str) -> Vec<Value> {
        let tree = crate::syntax::new_parser().parse(src, None).unwrap();
        let root = tree.root_node();
        let mut out = Vec::new();
        crate::syntax::ids::with_tables_of(root, || {
            let mut stack = vec![root];
            while let Some(node) = stack.pop() {
                if node.kind() == "variable_declarator" {
                    let value = node.child_by_field_name("value").unwrap();
                    out.push(parse_value(value, src).value);
                }
                let mut cursor = node.walk();
                stack.extend(node.children(&mut cursor));
            }
        });
        out.reverse();
        out
    }

    #[test]
    fn bigint_literals_keep_their_decimal_digits_apart_from_numbers() {
        let big = |d: &str| Value::BigInt(d.into());
        let src = "const a = 0n; const b = 1_000n; const c = 0x1Fn; const d = 0b101n;\n\
                   const e = 0o17n; const f = -5n; const g = -0n; const h = !0n;\n\
                   const i = 123456789012345678901234567890123456789012n; const j = 0; const k = 0x10;";
        assert_eq!(
            initializers(src),
            vec![
                big("0"),
                big("1000"),
                big("31"),
                big("5"),
                big("15"),
                big("-5"),
                big("0"),
                Value::Bool(true),
                big("123456789012345678901234567890123456789012"),
                Value::Num(0.0),
                Value::Num(16.0),
            ]
        );
    }
}
