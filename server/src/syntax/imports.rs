//! Imports, re-exports, `require`, dynamic `import()` and `jest.mock()` specifiers.

use super::facts::{FileFacts, ImportFact, ImportKind, ImportedName, Name};
use super::scan::Scan;
use super::value::{
    all_children, first_named, member_path, named_children, named_iter, string_contents, text,
};
use crate::syntax::ids::{fields, KindExt};
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
    imports_from_scan(&Scan::of(root), src, facts);
}

/// Import and export statements, then the module calls the scan found anywhere.
pub fn imports_from_scan(scan: &Scan, src: &str, facts: &mut FileFacts) {
    for stmt in scan.top_level.iter().map(|s| s.node) {
        match stmt.fast_kind() {
            "import_statement" => import_statement(stmt, src, facts),
            "export_statement" => export_statement(stmt, src, facts),
            _ => {}
        }
    }
    collect_calls(scan, src, facts);
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
    let plain = match stmt.has_error() {
        false => super::import_text::read(text(stmt, src), stmt.start_byte()),
        true => None,
    };
    match plain {
        Some(plain) => facts.imports.push(ImportFact {
            kind: ImportKind::Import,
            specifier: Name::new(plain.specifier),
            specifier_span: plain.specifier_span.into(),
            span: stmt.byte_range().into(),
            names: plain.names.into(),
            named_list_span: plain.named_list_span.map(Into::into),
            type_only: plain.type_only,
            star_reexport: false,
        }),
        None => import_statement_from_tree(stmt, src, facts),
    }
}

/// [`import_statement`] node by node (any statement; the reference of the text reading).
fn import_statement_from_tree(stmt: Node, src: &str, facts: &mut FileFacts) {
    let type_only = import_is_type_only(stmt, src);
    let mut names = Vec::new();
    let mut named_list_span = None;
    // The statement's own string child is its `source` field (the `from` clause is hidden
    // in the grammar): read on the walk over the children rather than by a field lookup.
    let mut source = None;
    let mut kind = ImportKind::Import;
    for child in named_iter(stmt) {
        match child.fast_kind() {
            "string" if source.is_none() => source = Some(child),
            "import_clause" => {
                for part in named_iter(child) {
                    match part.fast_kind() {
                        "identifier" => names.push(ImportedName {
                            imported: "default".into(),
                            local: text(part, src).into(),
                        }),
                        "namespace_import" => {
                            if let Some(id) = first_named(part) {
                                names.push(ImportedName {
                                    imported: "*".into(),
                                    local: text(id, src).into(),
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
                if let Some(id) = children.iter().find(|n| n.fast_kind() == "identifier") {
                    names.push(ImportedName {
                        imported: "*".into(),
                        local: text(*id, src).into(),
                    });
                }
                source = child
                    .child_by_field_id(fields().source)
                    .or_else(|| children.into_iter().find(|n| n.fast_kind() == "string"));
            }
            _ => {}
        }
    }
    let Some(source) = source.or_else(|| stmt.child_by_field_id(fields().source)) else {
        return;
    };
    facts.imports.push(ImportFact {
        kind,
        specifier: Name::new(&string_contents(source, src)),
        specifier_span: inner_span(source).into(),
        span: stmt.byte_range().into(),
        names: names.into(),
        named_list_span: named_list_span.map(Into::into),
        type_only,
        star_reexport: false,
    });
}

fn has_token(node: Node, token: &str) -> bool {
    all_children(node).any(|c| !c.is_named() && c.fast_kind() == token)
}

/// Whether an import statement is `import type ...`, read from the text where it is plain
/// (`import type {`, `import type *`, `import type X`: most imports of DTO files), else by
/// [`has_token`]. `import type from 'x'` imports a default named `type`, while
/// `import type from from 'x'` is type-only: a `from` after `type` is left to the walk.
fn import_is_type_only(stmt: Node, src: &str) -> bool {
    let walk = || has_token(stmt, "type");
    let Some(rest) = text(stmt, src).strip_prefix("import") else {
        return walk();
    };
    let rest = rest.trim_start();
    if rest.starts_with('/') {
        return walk();
    }
    let Some(after) = rest.strip_prefix("type") else {
        return false;
    };
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    match after.chars().next() {
        Some('{' | '*') => true,
        // `import typeorm from ..`: a longer word is a name, not the keyword.
        Some(c) if is_word(c) => false,
        Some(c) if c.is_whitespace() => {
            let next = after.trim_start();
            let word_len = next.find(|c: char| !is_word(c)).unwrap_or(next.len());
            match next.chars().next() {
                Some('{' | '*') => true,
                Some(c)
                    if is_word(c)
                        && !c.is_ascii_digit()
                        && next.get(..word_len) != Some("from") =>
                {
                    true
                }
                _ => walk(),
            }
        }
        _ => walk(),
    }
}

/// Whether `token` may be the token right after the statement's leading `keyword`, read
/// from the text: `false` only when it cannot be, so [`has_token`] (a walk over every
/// child, ~1k instructions per statement) runs for the few statements that may hold it.
/// Statements that start otherwise (decorators before `export`) or have a comment after
/// the keyword are left to the walk.
fn may_follow_keyword(stmt: Node, src: &str, keyword: &str, token: &str) -> bool {
    let Some(rest) = text(stmt, src).strip_prefix(keyword) else {
        return true;
    };
    let rest = rest.trim_start();
    rest.starts_with(token) || rest.starts_with('/')
}

fn specifiers(list: Node, src: &str, kind: &str) -> Vec<ImportedName> {
    named_iter(list)
        .filter(|s| s.fast_kind() == kind)
        .filter_map(|s| {
            let name = s.child_by_field_id(fields().name)?;
            let imported: Name = name_text(name, src).into();
            // Most specifiers have no alias: one named child, no lookup, one interned name.
            let alias = match s.named_child_count() {
                0 | 1 => None,
                _ => s.child_by_field_id(fields().alias),
            };
            let local = match alias {
                Some(alias) => name_text(alias, src).into(),
                None => imported.clone(),
            };
            Some(ImportedName { imported, local })
        })
        .collect()
}

fn name_text<'a>(node: Node, src: &'a str) -> std::borrow::Cow<'a, str> {
    if node.fast_kind() == "string" {
        string_contents(node, src)
    } else {
        std::borrow::Cow::Borrowed(text(node, src))
    }
}

fn export_statement(stmt: Node, src: &str, facts: &mut FileFacts) {
    if let Some(source) = stmt.child_by_field_id(fields().source) {
        let clause = named_iter(stmt).find(|n| n.fast_kind() == "export_clause");
        let names = clause
            .map(|c| specifiers(c, src, "export_specifier"))
            .unwrap_or_default();
        let namespace = named_iter(stmt).find(|n| n.fast_kind() == "namespace_export");
        let mut names = names;
        if let Some(ns) = namespace {
            if let Some(id) = first_named(ns) {
                names.push(ImportedName {
                    imported: "*".into(),
                    local: text(id, src).into(),
                });
            }
        }
        let star = clause.is_none() && names.is_empty();
        facts.imports.push(ImportFact {
            kind: ImportKind::ExportFrom,
            specifier: Name::new(&string_contents(source, src)),
            specifier_span: inner_span(source).into(),
            span: stmt.byte_range().into(),
            names: names.into(),
            named_list_span: clause.map(|c| c.byte_range().into()),
            type_only: may_follow_keyword(stmt, src, "export", "type") && has_token(stmt, "type"),
            star_reexport: star,
        });
        return;
    }
    // Local exports: `export class X`, `export const a = ..`, `export { a, b as c }`,
    // `export default X`.
    let is_default =
        may_follow_keyword(stmt, src, "export", "default") && has_token(stmt, "default");
    if let Some(decl) = stmt.child_by_field_id(fields().declaration) {
        for name in declared_names(decl, src) {
            if is_default {
                facts.default_export = Some(name.as_str().into());
            }
            facts.exports.push(name.into());
        }
    }
    for child in named_iter(stmt) {
        if child.fast_kind() == "export_clause" {
            for s in specifiers(child, src, "export_specifier") {
                if s.imported == "default" || s.local == "default" {
                    // `export { X as default }`.
                    facts.default_export = Some(s.imported.clone());
                }
                facts.exports.push(s.local.clone());
                if s.imported != s.local {
                    facts.export_renames.push(s);
                }
            }
        }
    }
    if is_default {
        // `export default X;` names a declaration of the file.
        if let Some(value) = stmt.child_by_field_id(fields().value) {
            if value.fast_kind() == "identifier" {
                facts.default_export = Some(text(value, src).into());
            }
        }
        facts.exports.push("default".into());
    }
}

/// Names a declaration introduces (classes, functions, enums, types, variables).
pub fn declared_names(decl: Node, src: &str) -> Vec<String> {
    match decl.fast_kind() {
        "lexical_declaration" | "variable_declaration" => named_iter(decl)
            .filter(|d| d.fast_kind() == "variable_declarator")
            .filter_map(|d| d.child_by_field_id(fields().name))
            .map(|n| text(n, src).to_string())
            .collect(),
        _ => decl
            .child_by_field_id(fields().name)
            .map(|n| vec![text(n, src).to_string()])
            .unwrap_or_default(),
    }
}

/// `require('x')`, `import('x')` and `jest.mock('x')` anywhere in the file.
fn collect_calls(scan: &Scan, src: &str, facts: &mut FileFacts) {
    for call in &scan.calls {
        if let Some(import) = call_import(call.node, call.parent, src) {
            facts.imports.push(import);
        }
    }
    facts.imports.sort_by_key(|i| i.span.start());
}

/// `require('./message').Message`: the export read off the module, as if imported by name
/// (relation targets written this way to dodge circular imports resolve through it).
fn required_member(call: Node, parent: Option<Node>, src: &str) -> Option<ImportedName> {
    let member = parent.filter(|p| p.fast_kind() == "member_expression")?;
    if member.child_by_field_id(fields().object)?.id() != call.id() {
        return None;
    }
    let name = super::value::required_export(member, src)?;
    Some(ImportedName {
        imported: name.into(),
        local: name.into(),
    })
}

fn call_import(call: Node, parent: Option<Node>, src: &str) -> Option<ImportFact> {
    let function = call.child_by_field_id(fields().function)?;
    let callee = match function.fast_kind() {
        "import" => "import".to_string(),
        // A plain name is its own path: only these can match (saves a `String` per call).
        "identifier" if !matches!(text(function, src), "require" | "import") => return None,
        _ => member_path(function, src)?,
    };
    let kind = match callee.as_str() {
        "import" => ImportKind::Dynamic,
        "require" => ImportKind::Require,
        c if JEST_MODULE_CALLS.contains(&c) => ImportKind::JestMock,
        _ => return None,
    };
    let args = call.child_by_field_id(fields().arguments)?;
    let first = first_named(args)?;
    if first.fast_kind() != "string" {
        return None;
    }
    // `import x = require('y')` is reported by the statement already.
    if kind == ImportKind::Require
        && parent.is_some_and(|p| p.fast_kind() == "import_require_clause")
    {
        return None;
    }
    let names = match kind {
        ImportKind::Require => required_member(call, parent, src).into_iter().collect(),
        _ => Box::default(),
    };
    Some(ImportFact {
        kind,
        specifier: Name::new(&string_contents(first, src)),
        specifier_span: inner_span(first).into(),
        span: call.byte_range().into(),
        names,
        named_list_span: None,
        type_only: false,
        star_reexport: false,
    })
}

#[cfg(test)]
mod tests {
    use crate::syntax::facts::FileFacts;
    use crate::syntax::facts_of;
    use crate::syntax::ids::KindExt;

    /// `type_only` of each import, in source order.
    fn type_only(src: &str) -> Vec<bool> {
        facts_of(src).imports.iter().map(|i| i.type_only).collect()
    }

    #[test]
    fn type_only_imports_are_read_past_spacing_and_comments() {
        let src = "import type { A } from './a';\nimport   type B from './b';\n\
                   import /* c */ type { C } from './c';\nimport { D } from './d';\n\
                   import type from './e';\nimport typeorm from 'typeorm';\n\
                   export type { F } from './f';\nexport { G } from './g';\n";
        assert_eq!(
            type_only(src),
            [true, true, true, false, false, false, true, false]
        );
    }

    /// The text reading of `import type` agrees with the walk over the statement's tokens.
    #[test]
    fn type_only_from_text_agrees_with_the_token_walk() {
        let src = "import type { A } from './a';\nimport type * as B from './b';\n\
                   import type C from './c';\nimport type\n  D from './d';\n\
                   import type, { E } from './e';\nimport type from './f';\n\
                   import type\tG from './g';\nimport typeorm from 'typeorm';\n\
                   import type H = require('./h');\n\
                   import type/* c */{ J } from './j';\nimport { type K } from './k';\n\
                   import './l';\nimport * as type from './m';\n";
        let tree = crate::syntax::new_parser().parse(src, None).unwrap();
        crate::syntax::ids::with_tables_of(tree.root_node(), || {
            let root = tree.root_node();
            let mut statements = 0;
            for stmt in super::named_iter(root) {
                assert!(!stmt.has_error(), "{stmt:?}");
                assert_eq!(stmt.fast_kind(), "import_statement", "{stmt:?}");
                assert_eq!(
                    super::import_is_type_only(stmt, src),
                    super::has_token(stmt, "type"),
                    "{}",
                    super::text(stmt, src)
                );
                statements += 1;
            }
            assert_eq!(statements, 13);
        });
    }

    /// The facts of every import statement of `src` read with the text first and read
    /// node by node, with how many the text reading answered.
    fn text_and_tree(src: &str) -> (Vec<super::ImportFact>, Vec<super::ImportFact>, usize) {
        let tree = crate::syntax::new_parser().parse(src, None).unwrap();
        crate::syntax::ids::with_tables_of(tree.root_node(), || {
            let (mut first, mut tree_only) = (FileFacts::default(), FileFacts::default());
            let mut by_text = 0;
            for stmt in super::named_iter(tree.root_node()) {
                if stmt.fast_kind() != "import_statement" {
                    continue;
                }
                super::import_statement(stmt, src, &mut first);
                super::import_statement_from_tree(stmt, src, &mut tree_only);
                let plain = super::super::import_text::read(super::text(stmt, src), 0);
                by_text += usize::from(plain.is_some() && !stmt.has_error());
            }
            (first.imports, tree_only.imports, by_text)
        })
    }

    #[test]
    fn the_text_reading_of_imports_is_the_tree_reading() {
        let src = "import { A, B as C, } from './a';\nimport D, * as E from \"./名前/🎉\";\n\
                   import F,{G}from'g'\nimport   {\n  H,\n  I as J,\n} from '@x/y'  ;\n\
                   import { default as K, from, as, as as L } from 'k';\nimport './side';\n\
                   import $_m, { _n$ as $ } from 'm';\nimport {} from 'empty';\n\
                   import type { T } from 't';\nimport { type U, V } from 'u';\n\
                   import type * as TT from 'tt';\nimport type TD from 'td';\nimport type\n{TL}from'tl';\n\
                   import type from from 'tf';\nimport type, { TC } from 'tc';\n\
                   import type from 'w';\nimport { 'x-y' as X } from 'x';\n\
                   import /* c */ { Y } from 'y';\nimport { Z } from 'z' // tail\n\
                   import { Q } from 'q\\'s';\nimport R = require('r');\n\
                   import S from 's' with { type: 'json' };\nimport { 名 } from 'n';\n\
                   import typeorm, { Entity } from 'typeorm';\nexport const t = `import { O } from 'o'`;\n";
        let (first, tree_only, by_text) = text_and_tree(src);
        assert_eq!(first, tree_only);
        assert_eq!(first.len(), 24);
        assert_eq!(by_text, 13);
    }

    #[test]
    fn the_text_reading_of_imports_is_the_tree_reading_on_every_fixture_file() {
        let mut by_text = 0;
        for (path, src) in crate::syntax::fixture_files::fixture_sources() {
            let (first, tree_only, n) = text_and_tree(&src);
            assert_eq!(first, tree_only, "{}", path.display());
            by_text += n;
        }
        assert!(by_text > 100, "{by_text}");
    }

    #[test]
    fn each_import_shape_has_its_source() {
        let facts = facts_of(
            "import './side';\nimport x = require('./req');\nimport type { A } from \"./a\";\n\
             import * as B from './b' with { type: 'json' };\nimport C, { D } from './c';\n",
        );
        let specifiers: Vec<String> = facts
            .imports
            .iter()
            .map(|i| i.specifier.to_string())
            .collect();
        assert_eq!(specifiers, ["./side", "./req", "./a", "./b", "./c"]);
    }

    #[test]
    fn specifiers_keep_their_aliases() {
        let facts = facts_of(
            "import { A as B, C, 'd' as D } from './a';\nexport { E as F, G } from './e';\n",
        );
        let names: Vec<Vec<(String, String)>> = facts
            .imports
            .iter()
            .map(|i| {
                i.names
                    .iter()
                    .map(|n| (n.imported.to_string(), n.local.to_string()))
                    .collect()
            })
            .collect();
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            names,
            [
                vec![pair("A", "B"), pair("C", "C"), pair("d", "D")],
                vec![pair("E", "F"), pair("G", "G")],
            ]
        );
    }

    #[test]
    fn default_exports_are_seen_after_comments_and_decorators() {
        let plain = facts_of("export default class A {}\n");
        assert_eq!(plain.default_export.as_deref(), Some("A"));
        let commented = facts_of("export /* c */ default class B {}\n");
        assert_eq!(commented.default_export.as_deref(), Some("B"));
        let decorated = facts_of("@Entity()\nexport default class C {}\n");
        assert_eq!(decorated.default_export.as_deref(), Some("C"));
        let named = facts_of("export class D {}\nexport const defaultName = 1;\n");
        assert_eq!(named.default_export, None);
    }
}
