//! Enums, type aliases, top-level consts, `EntitySchema` objects and suppression comments.

use super::facts::{
    ConstFact, EntitySchemaFact, EnumFact, FileFacts, Spanned, Suppression, TypeAliasFact, Value,
};
use super::scan::Scan;
use super::types::parse_type;
use super::value::{call_args, named_iter, parse_function, parse_value, property_key, text};
use crate::syntax::ids::{fields, KindExt};
use tree_sitter::Node;

pub const SUPPRESSION_MARKER: &str = "typeorm-lsp-ignore";

pub fn extract_misc(root: Node, src: &str, facts: &mut FileFacts) {
    misc_from_scan(&Scan::of(root), src, facts);
}

/// Top-level declarations, then the comments and `new` expressions the scan found.
pub fn misc_from_scan(scan: &Scan, src: &str, facts: &mut FileFacts) {
    for (decl, exported) in scan.declarations() {
        declaration(decl, src, exported, facts);
    }
    suppressions_and_schemas(scan, src, facts);
}

fn declaration(decl: Node, src: &str, exported: bool, facts: &mut FileFacts) {
    match decl.fast_kind() {
        "enum_declaration" => {
            if let Some(e) = enum_fact(decl, src, exported) {
                facts.enums.push(e);
            }
        }
        "type_alias_declaration" => {
            let (Some(name), Some(value)) = (
                decl.child_by_field_id(fields().name),
                decl.child_by_field_id(fields().value),
            ) else {
                return;
            };
            facts.type_aliases.push(TypeAliasFact {
                name: text(name, src).into(),
                ty: parse_type(value, src),
                is_exported: exported,
            });
        }
        "lexical_declaration" if text(decl, src).starts_with("const") => {
            for d in named_iter(decl) {
                let (Some(name), Some(value)) = (
                    d.child_by_field_id(fields().name),
                    d.child_by_field_id(fields().value),
                ) else {
                    continue;
                };
                if name.fast_kind() != "identifier" {
                    continue;
                }
                facts.consts.push(ConstFact {
                    name: text(name, src).into(),
                    name_span: name.byte_range().into(),
                    value: parse_value(value, src),
                    is_exported: exported,
                });
            }
        }
        // `function id() { return { type: 'varchar', length: 32 }; }`: kept as the arrow it
        // equals when it returns an object literal (column options built by a function;
        // see `model::option_calls`). Other functions are no constants anyone reads.
        "function_declaration" => {
            let Some(name) = decl.child_by_field_id(fields().name) else {
                return;
            };
            let value = parse_function(decl, src);
            let Value::Arrow { body, .. } = &value else {
                return;
            };
            if !matches!(body.value, Value::Object(_)) {
                return;
            }
            facts.consts.push(ConstFact {
                name: text(name, src).into(),
                name_span: name.byte_range().into(),
                value: Spanned::new(value, decl.byte_range()),
                is_exported: exported,
            });
        }
        _ => {}
    }
}

fn enum_fact(decl: Node, src: &str, exported: bool) -> Option<EnumFact> {
    let name = decl.child_by_field_id(fields().name)?;
    let body = decl.child_by_field_id(fields().body)?;
    let members = named_iter(body)
        .filter_map(|m| match m.fast_kind() {
            "enum_assignment" => {
                let n = m.child_by_field_id(fields().name)?;
                let v = m
                    .child_by_field_id(fields().value)
                    .map(|v| parse_value(v, src).value);
                Some((property_key(n, src).into(), v))
            }
            "property_identifier" | "string" => Some((property_key(m, src).into(), None)),
            _ => None,
        })
        .collect();
    Some(EnumFact {
        name: text(name, src).into(),
        name_span: name.byte_range().into(),
        members,
        is_exported: exported,
    })
}

/// Suppression comments and `new EntitySchema(...)`, from the scan of the whole tree.
fn suppressions_and_schemas(scan: &Scan, src: &str, facts: &mut FileFacts) {
    // Most files have no suppression: skip looking at each comment.
    if super::mentions(src, SUPPRESSION_MARKER) {
        for &comment in &scan.comments {
            if let Some(s) = suppression(comment, src, facts) {
                facts.suppressions.push(s);
            }
        }
    }
    for new in &scan.news {
        if let Some(schema) = entity_schema(new.node, new.parent, src) {
            facts.entity_schemas.push(schema);
        }
    }
    facts.suppressions.sort_by_key(|s| s.span.start());
    facts.entity_schemas.sort_by_key(|s| s.span.start());
}

fn entity_schema(node: Node, parent: Option<Node>, src: &str) -> Option<EntitySchemaFact> {
    let ctor = node.child_by_field_id(fields().constructor)?;
    if text(ctor, src) != "EntitySchema" {
        return None;
    }
    let options = call_args(node, src).into_iter().next()?;
    options.value.as_object()?;
    let variable = parent
        .filter(|p| p.fast_kind() == "variable_declarator")
        .and_then(|p| p.child_by_field_id(fields().name))
        .map(|n| text(n, src).into());
    Some(EntitySchemaFact {
        variable,
        options,
        span: node.byte_range().into(),
    })
}

/// `// typeorm-lsp-ignore CODE1, CODE2: reason`.
fn suppression(comment: Node, src: &str, facts: &FileFacts) -> Option<Suppression> {
    let raw = text(comment, src);
    let body = raw
        .strip_prefix("//")
        .or_else(|| raw.strip_prefix("/*").map(|s| s.trim_end_matches("*/")))?;
    let offset_in_raw = raw.len() - body.len();
    let trimmed = body.trim_start();
    let rest = trimmed.strip_prefix(SUPPRESSION_MARKER)?;
    let mut pos = comment.start_byte()
        + offset_in_raw
        + (body.len() - trimmed.len())
        + SUPPRESSION_MARKER.len();
    let (codes_part, reason) = match rest.split_once(':') {
        Some((c, r)) => (c, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
        None => (rest, None),
    };
    let mut codes = Vec::new();
    for piece in codes_part.split(',') {
        let leading = piece.len() - piece.trim_start().len();
        let code = piece.trim();
        if !code.is_empty() {
            let start = pos + leading;
            codes.push(Spanned::new(code.to_string(), start..start + code.len()));
        }
        pos += piece.len() + 1;
    }
    let comment_line = facts.line_of(comment.start_byte());
    // A trailing comment (code before it on the line) silences its own line.
    let line_start = facts.line_starts.get(comment_line).copied().unwrap_or(0);
    let before = src.get(line_start..comment.start_byte()).unwrap_or("");
    let target_line = if before.trim().is_empty() {
        next_code_line(src, facts, comment.end_byte())
    } else {
        comment_line
    };
    Some(Suppression {
        span: comment.byte_range().into(),
        codes,
        reason,
        target_line,
    })
}

/// The first line after `from` that holds something other than blanks and `//` comments.
fn next_code_line(src: &str, facts: &FileFacts, from: usize) -> usize {
    let mut line = facts.line_of(from) + 1;
    while let Some(&start) = facts.line_starts.get(line) {
        let end = facts
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(src.len());
        let content = src.get(start..end).unwrap_or("").trim();
        if !content.is_empty() && !content.starts_with("//") {
            return line;
        }
        line += 1;
    }
    line
}
