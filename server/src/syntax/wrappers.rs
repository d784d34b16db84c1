//! Top-level functions that may wrap TypeORM decorators (`MultiORMColumn`, `ColumnIndex`):
//! what each applies (`Column(opts)(target, key)`) and which helpers it calls, so the model
//! can follow a workspace's own decorators to the TypeORM one they stand for.

use super::facts::{FileFacts, FunctionFact, Name};
use super::scan::Scan;
use super::value::{named_iter, text};
use crate::syntax::ids::{fields, KindExt};
use std::ops::Range;
use tree_sitter::Node;

/// More callees than this in one function is not a decorator wrapper.
const MAX_CALLEES: usize = 32;

struct Candidate {
    name: String,
    is_exported: bool,
    body: Range<usize>,
    returns_function: bool,
    applies: Vec<String>,
    calls: Vec<String>,
}

pub fn functions_from_scan(scan: &Scan, src: &str, facts: &mut FileFacts) {
    let mut candidates: Vec<Candidate> = Vec::new();
    for (decl, exported) in scan.declarations() {
        candidates_of(decl, src, exported, &mut candidates);
    }
    if candidates.is_empty() {
        return;
    }
    candidates.sort_by_key(|c| c.body.start);
    for call in &scan.calls {
        let start = call.node.start_byte();
        let at = candidates.partition_point(|c| c.body.start <= start);
        let Some(owner) = at.checked_sub(1).and_then(|i| candidates.get_mut(i)) else {
            continue;
        };
        if call.node.end_byte() > owner.body.end {
            continue;
        }
        let Some(callee) = call.node.child_by_field_id(fields().function) else {
            continue;
        };
        let (list, name_node) = match callee.fast_kind() {
            // `Column(opts)(target, key)`: the inner call's callee is the decorator.
            "call_expression" => (
                &mut owner.applies,
                callee.child_by_field_id(fields().function),
            ),
            "identifier" => (&mut owner.calls, Some(callee)),
            _ => continue,
        };
        let Some(n) = name_node.filter(|n| n.fast_kind() == "identifier") else {
            continue;
        };
        let name = text(n, src);
        if list.len() < MAX_CALLEES && !list.iter().any(|x| x == name) {
            list.push(name.to_string());
        }
    }
    for mut c in candidates {
        // The inner call of `Column(o)(t, k)` is a plain call too: it is applied, not a helper.
        let applies = std::mem::take(&mut c.applies);
        c.calls.retain(|n| !applies.contains(n));
        c.applies = applies;
        let calls_helpers = c.returns_function && !c.calls.is_empty();
        if c.applies.is_empty() && !calls_helpers {
            continue;
        }
        facts.functions.push(FunctionFact {
            name: c.name.into(),
            is_exported: c.is_exported,
            applies: c.applies.into_iter().map(Name::from).collect(),
            calls: c.calls.into_iter().map(Name::from).collect(),
        });
    }
}

fn candidates_of(decl: Node, src: &str, exported: bool, out: &mut Vec<Candidate>) {
    match decl.fast_kind() {
        "function_declaration" => {
            let (Some(name), Some(body)) = (
                decl.child_by_field_id(fields().name),
                decl.child_by_field_id(fields().body),
            ) else {
                return;
            };
            out.push(candidate(text(name, src), exported, body, src));
        }
        "lexical_declaration" | "variable_declaration" => {
            for d in named_iter(decl).filter(|d| d.fast_kind() == "variable_declarator") {
                let (Some(name), Some(value)) = (
                    d.child_by_field_id(fields().name),
                    d.child_by_field_id(fields().value),
                ) else {
                    continue;
                };
                if name.fast_kind() != "identifier"
                    || !matches!(value.fast_kind(), "arrow_function" | "function_expression")
                {
                    continue;
                }
                let Some(body) = value.child_by_field_id(fields().body) else {
                    continue;
                };
                out.push(candidate(text(name, src), exported, body, src));
            }
        }
        _ => {}
    }
}

fn candidate(name: &str, exported: bool, body: Node, src: &str) -> Candidate {
    let body_text = text(body, src);
    Candidate {
        name: name.to_string(),
        is_exported: exported,
        body: body.byte_range(),
        // A decorator factory returns a function; a cheap look at the text is enough to
        // tell one that calls helpers from any other function.
        returns_function: body.fast_kind() == "arrow_function"
            || body_text.contains("=>")
            || body_text.contains("function"),
        applies: Vec::new(),
        calls: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::facts_of;

    #[test]
    fn records_what_a_wrapper_applies_and_the_helpers_it_calls() {
        let src = "import { Column as OrmColumn, Index } from 'typeorm';\n\
            export function Col(o?: any): PropertyDecorator {\n\
              return (t: any, k: string) => { if (x()) { OrmColumn({ ...o })(t, k); } };\n\
            }\n\
            export function Idx(o?: any) { return (t: any, k?: string) => { apply(t, k, o); }; }\n\
            function apply(t: any, k: any, o: any) { Index(o)(t, k); }\n\
            export const Arrow = (o: any) => (t: any, k: string) => OrmColumn(o)(t, k);\n\
            export function plain(a: number) { return helper(a); }\n";
        let facts = facts_of(src);
        let names: Vec<(&str, Vec<&str>, Vec<&str>)> = facts
            .functions
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.applies.iter().map(|n| n.as_str()).collect(),
                    f.calls.iter().map(|n| n.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            names,
            vec![
                ("Col", vec!["OrmColumn"], vec!["x"]),
                ("Idx", vec![], vec!["apply"]),
                ("apply", vec!["Index"], vec![]),
                ("Arrow", vec!["OrmColumn"], vec![]),
            ]
        );
    }

    #[test]
    fn records_default_exports_and_export_renames() {
        let facts = facts_of("class DatabaseBaseModel {}\nexport default DatabaseBaseModel;\n");
        assert_eq!(facts.default_export.as_deref(), Some("DatabaseBaseModel"));
        let facts = facts_of("export default class Base {}\n");
        assert_eq!(facts.default_export.as_deref(), Some("Base"));
        let facts =
            facts_of("import { Index } from 'typeorm';\nexport { Index as ColumnIndex };\n");
        assert_eq!(facts.export_renames.len(), 1);
        assert_eq!(facts.export_renames[0].imported, "Index");
        assert_eq!(facts.export_renames[0].local, "ColumnIndex");
    }
}
