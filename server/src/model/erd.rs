//! The model as a Mermaid ER diagram (`typeorm-lsp erd`, the `typeorm-lsp.erd` command).

use super::{Model, RelationKind};
use std::fmt::Write;

/// Mermaid `erDiagram` text: one block per table with its columns (PK/FK/UK marked), one
/// line per owning relation.
pub fn mermaid(model: &Model) -> String {
    let mut out = String::from("erDiagram\n");
    let mut entities: Vec<_> = model.entities.iter().collect();
    entities.sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
    let mut seen_tables = std::collections::HashSet::new();
    for e in &entities {
        if !seen_tables.insert(e.table.clone()) {
            continue;
        }
        let _ = writeln!(out, "  {} {{", ident(&e.table));
        let join_columns: Vec<(&str, String)> = e
            .relations
            .iter()
            .flat_map(|r| {
                let ty = referenced_type(model, r);
                r.join_columns
                    .iter()
                    .map(move |jc| (jc.as_str(), ty.clone()))
            })
            .collect();
        for c in &e.columns {
            let ty = c.db_type.clone().unwrap_or_else(|| {
                model
                    .type_of(&c.origin)
                    .map(|t| t.text.clone())
                    .unwrap_or_else(|| "unknown".into())
            });
            let is_fk = join_columns.iter().any(|(jc, _)| *jc == c.db_name);
            let mut keys = Vec::new();
            if c.kind.is_primary() {
                keys.push("PK");
            }
            if is_fk {
                keys.push("FK");
            }
            if c.unique {
                keys.push("UK");
            }
            let keys = if keys.is_empty() {
                String::new()
            } else {
                format!(" {}", keys.join(", "))
            };
            let _ = writeln!(out, "    {} {}{keys}", ident(&ty), ident(&c.db_name));
        }
        // Join columns that no property declares: the relation's own foreign key.
        for (jc, ty) in &join_columns {
            if e.column_by_db_name(jc).is_none() {
                let _ = writeln!(out, "    {} {} FK", ident(ty), ident(jc));
            }
        }
        out.push_str("  }\n");
    }
    for e in &entities {
        for r in &e.relations {
            let Some(target) = model.relation_target(r) else {
                continue;
            };
            let arrow = match r.kind {
                RelationKind::ManyToOne => "}o--||",
                RelationKind::OneToOne if r.has_join_column => "|o--||",
                RelationKind::ManyToMany if r.has_join_table => "}o--o{",
                _ => continue,
            };
            let _ = writeln!(
                out,
                "  {} {arrow} {} : \"{}\"",
                ident(&e.table),
                ident(&target.table),
                r.property
            );
        }
    }
    out
}

/// The database type of the primary key a relation references (`uuid`, `integer`).
fn referenced_type(model: &Model, relation: &super::Relation) -> String {
    model
        .relation_target(relation)
        .and_then(|t| t.primary_columns().next())
        .and_then(|c| c.db_type.clone())
        .unwrap_or_else(|| "unknown".into())
}

/// Mermaid identifiers: letters, digits, `_` and `-`.
fn ident(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "_".into()
    } else {
        cleaned
    }
}
