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
        for c in &e.columns {
            let ty = c.db_type.clone().unwrap_or_else(|| {
                c.type_ann
                    .as_ref()
                    .map(|t| t.text.clone())
                    .unwrap_or_else(|| "unknown".into())
            });
            let key = if c.kind.is_primary() {
                " PK"
            } else if c.unique {
                " UK"
            } else {
                ""
            };
            let _ = writeln!(out, "    {} {}{key}", ident(&ty), ident(&c.db_name));
        }
        for r in &e.relations {
            for jc in &r.join_columns {
                let _ = writeln!(out, "    fk {} FK", ident(jc));
            }
        }
        out.push_str("  }\n");
    }
    for e in &entities {
        for r in &e.relations {
            let Some(target) = r.target.as_deref().and_then(|t| model.entity(t)) else {
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
