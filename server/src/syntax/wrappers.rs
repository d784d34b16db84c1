//! Top-level functions that may wrap TypeORM decorators (`MultiORMColumn`, `ColumnIndex`):
//! what each applies (`Column(opts)(target, key)`, or returns: `return Column(opts)`) and
//! which helpers it calls, so the model can follow a workspace's own decorators to the
//! TypeORM one they stand for.

use super::facts::{FileFacts, FunctionFact, Name};
use super::option_types::{parameter_names, postgres_type_rewrites};
use super::scan::Scan;
use super::value::{first_named, named_iter, text};
use crate::syntax::ids::{fields, KindExt};
use std::ops::Range;
use tree_sitter::Node;

/// More callees than this in one function is not a decorator wrapper.
const MAX_CALLEES: usize = 32;

struct Candidate<'t> {
    name: String,
    is_exported: bool,
    /// The function (declaration, arrow or function expression).
    function: Node<'t>,
    body: Range<usize>,
    returns_function: bool,
    applies: Vec<String>,
    calls: Vec<String>,
    /// `return Column(options)`: the returned decorator call that hands on a parameter.
    returned: Option<Node<'t>>,
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
        if owner.returned.is_none() && returns_parameter_to_decorator(call.node, callee, owner, src)
        {
            owner.returned = Some(call.node);
        }
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
        let mut postgres_types = Vec::new();
        if let Some(call) = c.returned {
            // `return Column(options)` applies `Column` as the wrapper's caller does; a
            // type rewritten on the way that cannot be read leaves the wrapper unfollowed
            // (TypeORM would see another type than the one written).
            match returned_type_rewrites(call, c.function, src) {
                Some(rewrites) => {
                    let callee = call.child_by_field_id(fields().function);
                    let name = callee.map(|n| text(n, src).to_string()).unwrap_or_default();
                    c.calls.retain(|n| *n != name);
                    c.applies.push(name);
                    postgres_types = rewrites;
                }
                None => c.calls.clear(),
            }
        }
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
            postgres_types: postgres_types
                .into_iter()
                .map(|(from, to)| (Name::from(from), Name::from(to)))
                .collect(),
        });
    }
}

/// `return Column(options)` (or the expression body of `(options) => Column(options)`) in
/// the function's own body, `Column` capitalised as decorators are and `options` one of the
/// function's parameters, passed as it is or spread into an object literal.
fn returns_parameter_to_decorator(call: Node, callee: Node, owner: &Candidate, src: &str) -> bool {
    if callee.fast_kind() != "identifier"
        || !text(callee, src).starts_with(|c: char| c.is_ascii_uppercase())
    {
        return false;
    }
    let returned = call.byte_range() == owner.body
        || call.parent().is_some_and(|p| {
            p.fast_kind() == "return_statement" && enclosing_body(p) == Some(owner.body.clone())
        });
    returned && passed_parameter(call, owner.function, src).is_some()
}

/// The body of the function a statement belongs to.
fn enclosing_body(node: Node) -> Option<Range<usize>> {
    let mut at = node.parent()?;
    loop {
        if matches!(
            at.fast_kind(),
            "function_declaration" | "function_expression" | "arrow_function" | "method_definition"
        ) {
            return at.child_by_field_id(fields().body).map(|b| b.byte_range());
        }
        at = at.parent()?;
    }
}

/// The parameter of `function` that `call` hands on: its only argument, as it is
/// (`Column(options)`) or spread into an object (`Column({ ...options, type })`).
fn passed_parameter<'t>(call: Node<'t>, function: Node, src: &str) -> Option<(String, Node<'t>)> {
    let params = parameter_names(function, src)?;
    let args = call.child_by_field_id(fields().arguments)?;
    let mut args = named_iter(args).filter(|a| a.fast_kind() != "comment");
    let (arg, None) = (args.next()?, args.next()) else {
        return None;
    };
    let name = match arg.fast_kind() {
        "identifier" => text(arg, src),
        "object" => named_iter(arg)
            .find(|e| e.fast_kind() == "spread_element")
            .and_then(first_named)
            .filter(|s| s.fast_kind() == "identifier")
            .map(|s| text(s, src))?,
        _ => return None,
    };
    params
        .iter()
        .any(|p| p == name)
        .then(|| (name.to_string(), arg))
}

/// The types a returned `Column(options)` rewrites on PostgreSQL: the `type` of the object
/// it passes (`{ ...options, type: expr }`), or the one assignment `options.type = expr` in
/// the body. Empty when the type is passed as written; `None` when the rewrite cannot be
/// read or the object sets other options too.
fn returned_type_rewrites(call: Node, function: Node, src: &str) -> Option<Vec<(String, String)>> {
    let (param, arg) = passed_parameter(call, function, src)?;
    if arg.fast_kind() == "object" {
        let mut expr = None;
        for entry in named_iter(arg) {
            match entry.fast_kind() {
                "spread_element" | "comment" => {}
                "pair"
                    if entry
                        .child_by_field_id(fields().key)
                        .is_some_and(|k| text(k, src) == "type") =>
                {
                    expr = entry.child_by_field_id(fields().value);
                }
                _ => return None,
            }
        }
        return match expr {
            Some(expr) => postgres_type_rewrites(expr, &param, src),
            None => Some(Vec::new()),
        };
    }
    let body = function.child_by_field_id(fields().body)?;
    let mut assigned = Vec::new();
    type_assignments(body, &param, src, &mut assigned);
    match assigned.as_slice() {
        [] => Some(Vec::new()),
        [expr] => postgres_type_rewrites(*expr, &param, src),
        _ => None,
    }
}

/// The right sides of `param.type = ...` under `node`.
fn type_assignments<'t>(node: Node<'t>, param: &str, src: &str, out: &mut Vec<Node<'t>>) {
    if node.fast_kind() == "assignment_expression" {
        let target = node.child_by_field_id(fields().left);
        let assigns_type = target.is_some_and(|t| {
            t.fast_kind() == "member_expression"
                && t.child_by_field_id(fields().object)
                    .is_some_and(|o| text(o, src) == param)
                && t.child_by_field_id(fields().property)
                    .is_some_and(|p| text(p, src) == "type")
        });
        if let (true, Some(value)) = (assigns_type, node.child_by_field_id(fields().right)) {
            out.push(value);
        }
    }
    for child in named_iter(node) {
        type_assignments(child, param, src, out);
    }
}

fn candidates_of<'t>(decl: Node<'t>, src: &str, exported: bool, out: &mut Vec<Candidate<'t>>) {
    match decl.fast_kind() {
        "function_declaration" => {
            let (Some(name), Some(body)) = (
                decl.child_by_field_id(fields().name),
                decl.child_by_field_id(fields().body),
            ) else {
                return;
            };
            out.push(candidate(text(name, src), exported, decl, body, src));
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
                out.push(candidate(text(name, src), exported, value, body, src));
            }
        }
        _ => {}
    }
}

fn candidate<'t>(
    name: &str,
    exported: bool,
    function: Node<'t>,
    body: Node<'t>,
    src: &str,
) -> Candidate<'t> {
    let body_text = text(body, src);
    Candidate {
        name: name.to_string(),
        is_exported: exported,
        function,
        body: body.byte_range(),
        // A decorator factory returns a function; a cheap look at the text is enough to
        // tell one that calls helpers from any other function.
        returns_function: body.fast_kind() == "arrow_function"
            || body_text.contains("=>")
            || body_text.contains("function"),
        applies: Vec::new(),
        calls: Vec::new(),
        returned: None,
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

    /// A function fact as `(name, applies, postgres_types)`.
    type Read = (String, Vec<String>, Vec<(String, String)>);

    fn returned(src: &str) -> Vec<Read> {
        facts_of(src)
            .functions
            .iter()
            .map(|f| {
                (
                    f.name.to_string(),
                    f.applies.iter().map(|n| n.to_string()).collect(),
                    f.postgres_types
                        .iter()
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                        .collect(),
                )
            })
            .collect()
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn a_returned_decorator_call_with_a_rewritten_type_is_read_for_postgres() {
        let src = "import { Column } from 'typeorm';\n\
            import { isPostgres } from './db';\n\
            const typesOnPg: Record<string, string> = { date_time: 'timestamptz', 'blob': 'bytea' };\n\
            const unrelated = { x: 'y' };\n\
            function pick(t: string) {\n\
              if (isPostgres && String(t) in typesOnPg) { return typesOnPg[String(t)]; }\n\
              return t;\n\
            }\n\
            export function PortableColumn(o: any) { if (o.type) { o.type = pick(o.type); } return Column(o); }\n\
            export const Spread = (o: any) => Column({ ...o, type: typesOnPg[o.type] ?? o.type });\n\
            export function Plain(o: any) { return Column(o); }\n\
            export function lower(a: number) { return helper(a); }\n\
            export function Fixed() { return Column({ type: 'jsonb' }); }\n";
        let rewrites = vec![pair("date_time", "timestamptz"), pair("blob", "bytea")];
        assert_eq!(
            returned(src),
            vec![
                (
                    "PortableColumn".into(),
                    vec!["Column".into()],
                    rewrites.clone()
                ),
                ("Spread".into(), vec!["Column".into()], rewrites),
                ("Plain".into(), vec!["Column".into()], vec![]),
            ]
        );
    }

    #[test]
    fn a_rewrite_that_cannot_be_read_leaves_the_wrapper_unfollowed() {
        // A helper of another file, a rewrite of every type, a side effect, a MySQL-only map.
        let sources = [
            "import { Column } from 'typeorm'; import { pick } from './pick';\n\
             export function W(o: any) { o.type = pick(o.type); return Column(o); }\n",
            "import { Column } from 'typeorm';\n\
             export function W(o: any) { o.type = 'text'; return Column(o); }\n",
            "import { Column } from 'typeorm'; const m = { a: 'b' };\n\
             function pick(t: string) { log(t); return m[t]; }\n\
             export function W(o: any) { o.type = pick(o.type); return Column(o); }\n",
        ];
        for src in sources {
            assert_eq!(returned(src), vec![], "{src}");
        }
        let mysql_only = "import { Column } from 'typeorm'; const m = { a: 'b' };\n\
             export function W(o: any) { o.type = isMySQL() ? m[o.type] : o.type; return Column(o); }\n";
        assert_eq!(
            returned(mysql_only),
            vec![("W".into(), vec!["Column".into()], vec![])]
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
