//! Imports, re-exports, `require`, dynamic `import()` and `jest.mock()` specifiers.

use super::facts::{FileFacts, ImportFact, ImportKind, ImportedName};
use super::value::{member_path, named_children, string_contents, text};
use tree_sitter::Node;

/// Test helpers whose first argument is a module specifier.
const JEST_MODULE_CALLS: &[&str] = &[
    "jest.mock",
    "jest.unmock",
    "jest.doMock",
    "jest.dontMock",
    "jest.requireActual",
    "jest.requireMock",
    "vi.mock",
    "vi.importActual",
];

pub fn extract_imports(root: Node, src: &str, facts: &mut FileFacts) {
    for stmt in named_children(root) {
        match stmt.kind() {
            "import_statement" => import_statement(stmt, src, facts),
            "export_statement" => export_statement(stmt, src, facts),
            _ => {}
        }
    }
    collect_calls(root, src, facts);
}

/// The string node's contents span (without quotes).
fn inner_span(string: Node) -> std::ops::Range<usize> {
    let r = string.byte_range();
    if r.end > r.start + 1 {
        r.start + 1..r.end - 1
    } else {
        r
    }
}

fn import_statement(stmt: Node, src: &str, facts: &mut FileFacts) {
    let type_only = has_token(stmt, "type");
    let mut names = Vec::new();
    let mut named_list_span = None;
    let mut source = stmt.child_by_field_name("source");
    let mut kind = ImportKind::Import;
    for child in named_children(stmt) {
        match child.kind() {
            "import_clause" => {
                for part in named_children(child) {
                    match part.kind() {
                        "identifier" => names.push(ImportedName {
                            imported: "default".into(),
                            local: text(part, src).into(),
                        }),
                        "namespace_import" => {
                            if let Some(id) = named_children(part).first() {
                                names.push(ImportedName {
                                    imported: "*".into(),
                                    local: text(*id, src).into(),
                                });
                            }
                        }
                        "named_imports" => {
                            named_list_span = Some(part.byte_range());
                            names.extend(specifiers(part, src, "import_specifier"));
                        }
                        _ => {}
                    }
                }
            }
            "import_require_clause" => {
                kind = ImportKind::ImportEquals;
                let children = named_children(child);
                if let Some(id) = children.iter().find(|n| n.kind() == "identifier") {
                    names.push(ImportedName {
                        imported: "*".into(),
                        local: text(*id, src).into(),
                    });
                }
                source = child
                    .child_by_field_name("source")
                    .or_else(|| children.into_iter().find(|n| n.kind() == "string"));
            }
            _ => {}
        }
    }
    let Some(source) = source else { return };
    facts.imports.push(ImportFact {
        kind,
        specifier: string_contents(source, src),
        specifier_span: inner_span(source),
        span: stmt.byte_range(),
        names,
        named_list_span,
        type_only,
        star_reexport: false,
    });
}

fn has_token(node: Node, token: &str) -> bool {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .any(|c| !c.is_named() && c.kind() == token);
    found
}

fn specifiers(list: Node, src: &str, kind: &str) -> Vec<ImportedName> {
    named_children(list)
        .into_iter()
        .filter(|s| s.kind() == kind)
        .filter_map(|s| {
            let name = s.child_by_field_name("name")?;
            let alias = s.child_by_field_name("alias").unwrap_or(name);
            Some(ImportedName {
                imported: name_text(name, src),
                local: name_text(alias, src),
            })
        })
        .collect()
}

fn name_text(node: Node, src: &str) -> String {
    if node.kind() == "string" {
        string_contents(node, src)
    } else {
        text(node, src).to_string()
    }
}

fn export_statement(stmt: Node, src: &str, facts: &mut FileFacts) {
    if let Some(source) = stmt.child_by_field_name("source") {
        let clause = named_children(stmt)
            .into_iter()
            .find(|n| n.kind() == "export_clause");
        let names = clause
            .map(|c| specifiers(c, src, "export_specifier"))
            .unwrap_or_default();
        let namespace = named_children(stmt)
            .into_iter()
            .find(|n| n.kind() == "namespace_export");
        let mut names = names;
        if let Some(ns) = namespace {
            if let Some(id) = named_children(ns).first() {
                names.push(ImportedName {
                    imported: "*".into(),
                    local: text(*id, src).into(),
                });
            }
        }
        let star = clause.is_none() && names.is_empty();
        facts.imports.push(ImportFact {
            kind: ImportKind::ExportFrom,
            specifier: string_contents(source, src),
            specifier_span: inner_span(source),
            span: stmt.byte_range(),
            names,
            named_list_span: clause.map(|c| c.byte_range()),
            type_only: has_token(stmt, "type"),
            star_reexport: star,
        });
        return;
    }
    // Local exports: `export class X`, `export const a = ..`, `export { a, b as c }`,
    // `export default X`.
    if let Some(decl) = stmt.child_by_field_name("declaration") {
        for name in declared_names(decl, src) {
            facts.exports.push(name);
        }
    }
    for child in named_children(stmt) {
        if child.kind() == "export_clause" {
            for s in specifiers(child, src, "export_specifier") {
                facts.exports.push(s.local);
            }
        }
    }
    if has_token(stmt, "default") {
        facts.exports.push("default".into());
    }
}

/// Names a declaration introduces (classes, functions, enums, types, variables).
pub fn declared_names(decl: Node, src: &str) -> Vec<String> {
    match decl.kind() {
        "lexical_declaration" | "variable_declaration" => named_children(decl)
            .into_iter()
            .filter(|d| d.kind() == "variable_declarator")
            .filter_map(|d| d.child_by_field_name("name"))
            .map(|n| text(n, src).to_string())
            .collect(),
        _ => decl
            .child_by_field_name("name")
            .map(|n| vec![text(n, src).to_string()])
            .unwrap_or_default(),
    }
}

/// `require('x')`, `import('x')` and `jest.mock('x')` anywhere in the file.
fn collect_calls(root: Node, src: &str, facts: &mut FileFacts) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "call_expression" {
            if let Some(import) = call_import(node, src) {
                facts.imports.push(import);
            }
        }
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            stack.push(child);
        }
    }
    facts.imports.sort_by_key(|i| i.span.start);
}

fn call_import(call: Node, src: &str) -> Option<ImportFact> {
    let function = call.child_by_field_name("function")?;
    let callee = if function.kind() == "import" {
        "import".to_string()
    } else {
        member_path(function, src)?
    };
    let kind = match callee.as_str() {
        "import" => ImportKind::Dynamic,
        "require" => ImportKind::Require,
        c if JEST_MODULE_CALLS.contains(&c) => ImportKind::JestMock,
        _ => return None,
    };
    let args = call.child_by_field_name("arguments")?;
    let first = *named_children(args).first()?;
    if first.kind() != "string" {
        return None;
    }
    // `import x = require('y')` is reported by the statement already.
    if kind == ImportKind::Require
        && call
            .parent()
            .is_some_and(|p| p.kind() == "import_require_clause")
    {
        return None;
    }
    Some(ImportFact {
        kind,
        specifier: string_contents(first, src),
        specifier_span: inner_span(first),
        span: call.byte_range(),
        names: Vec::new(),
        named_list_span: None,
        type_only: false,
        star_reexport: false,
    })
}
