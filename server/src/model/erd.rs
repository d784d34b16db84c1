//! The model as a Mermaid ER diagram (`typeorm-lsp erd`, the `typeorm-lsp.erd` command).

use super::{Column, ColumnKind, Model, RelationKind};
use crate::syntax::{TypeAnn, TypeKind};
use std::fmt::Write;

/// What an empty diagram says, so a user sees why there is nothing to draw.
pub const NO_ENTITIES: &str = "  %% No TypeORM entities found: no class here is decorated with @Entity (or a\n  %% wrapper listed in decoratorAliases). Run `typeorm-lsp erd PATH` on the project root.\n";

/// Mermaid `erDiagram` text: one block per table with its columns (PK/FK/UK marked), one
/// line per owning relation.
pub fn mermaid(model: &Model) -> String {
    let mut out = String::from("erDiagram\n");
    if model.entities.is_empty() {
        out.push_str(NO_ENTITIES);
        return out;
    }
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
            let ty = column_type(model, c);
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
            let comment = if is_nullable(c) { " \"nullable\"" } else { "" };
            let _ = writeln!(
                out,
                "    {} {}{keys}{comment}",
                type_ident(&ty),
                ident(&c.db_name)
            );
        }
        // Join columns that no property declares: the relation's own foreign key.
        for (jc, ty) in &join_columns {
            if e.column_by_db_name(jc).is_none() {
                let _ = writeln!(out, "    {} {} FK", type_ident(ty), ident(jc));
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
        .map(|c| column_type(model, c))
        .unwrap_or_else(|| "unknown".into())
}

/// The column's database type: as written, else what TypeORM's Postgres driver derives
/// from the column kind or the TypeScript type (`string` -> `varchar`), else the
/// TypeScript type without `null` and `undefined` (nullability is shown as a comment).
fn column_type(model: &Model, c: &Column) -> String {
    let base = c
        .db_type
        .clone()
        .or_else(|| kind_type(c.kind).map(str::to_string))
        .or_else(|| c.enum_values.as_ref().map(|_| "enum".to_string()))
        .or_else(|| model.type_of(&c.origin).and_then(type_from_typescript));
    match base {
        Some(ty) if c.is_array && !ty.ends_with("[]") => format!("{ty}[]"),
        Some(ty) => ty,
        None => "unknown".into(),
    }
}

/// Types implied by the decorator (`@CreateDateColumn` is a `timestamp`).
fn kind_type(kind: ColumnKind) -> Option<&'static str> {
    match kind {
        ColumnKind::CreateDate | ColumnKind::UpdateDate | ColumnKind::DeleteDate => {
            Some("timestamp")
        }
        ColumnKind::Version => Some("integer"),
        _ => None,
    }
}

/// The database type TypeORM gives a TypeScript type, or the type's own text.
fn type_from_typescript(ty: &TypeAnn) -> Option<String> {
    let members: Vec<&TypeAnn> = ty
        .members()
        .into_iter()
        .filter(|t| !matches!(t.kind, TypeKind::Null | TypeKind::Undefined))
        .collect();
    let [only] = members.as_slice() else {
        // `'a' | 'b'` and other unions: show them joined, TypeORM needs `type` for these.
        let texts: Vec<&str> = members.iter().map(|t| t.text.as_str()).collect();
        return (!texts.is_empty()).then(|| texts.join("_or_"));
    };
    let mapped = match &only.kind {
        TypeKind::Keyword(k) if k == "string" => "varchar",
        TypeKind::Keyword(k) if k == "number" => "integer",
        TypeKind::Keyword(k) if k == "boolean" => "boolean",
        TypeKind::Keyword(k) if k == "bigint" => "bigint",
        TypeKind::Named { name, .. } if name == "Date" => "timestamp",
        TypeKind::Named { name, .. } if name == "Buffer" => "bytea",
        TypeKind::Named { name, .. } if name == "String" => "varchar",
        TypeKind::Named { name, .. } if name == "Number" => "integer",
        TypeKind::Named { name, .. } if name == "Boolean" => "boolean",
        _ => return Some(only.text.clone()),
    };
    Some(mapped.to_string())
}

/// Nullable as TypeORM decides it: `nullable: true`, or a `@DeleteDateColumn` by default.
fn is_nullable(c: &Column) -> bool {
    match c.kind {
        _ if c.kind.is_primary() => false,
        ColumnKind::DeleteDate => c.nullable.unwrap_or(true),
        _ => c.nullable.unwrap_or(false),
    }
}

/// Mermaid attribute types: an identifier that may also hold `[]` and `()` (`text[]`,
/// `varchar(64)`), starting with a letter.
fn type_ident(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| match c {
            '[' | ']' | '(' | ')' => c,
            c if c.is_alphanumeric() || c == '_' || c == '-' => c,
            _ => '_',
        })
        .collect();
    match cleaned.chars().next() {
        Some(c) if c.is_alphabetic() => cleaned,
        _ => format!("t{cleaned}"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::workspace;

    #[test]
    fn types_are_database_types_and_nullability_a_comment() {
        let entity =
            "import { Column, DeleteDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Parcel {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ nullable: true }) shippedAt: Date | null;
  @Column() weight: number;
  @Column('text') note: string;
  @Column({ nullable: true }) label?: string;
  @DeleteDateColumn() removed: Date | null;
  @Column({ type: 'jsonb', nullable: true }) data: any;
}
";
        let ws = workspace(&[("src/parcel.entity.ts", entity)]);
        let out = mermaid(&ws.model);
        for line in [
            "    uuid id PK\n",
            "    timestamp shippedAt \"nullable\"\n",
            "    integer weight\n",
            "    text note\n",
            "    varchar label \"nullable\"\n",
            "    timestamp removed \"nullable\"\n",
            "    jsonb data \"nullable\"\n",
        ] {
            assert!(out.contains(line), "{line:?} not in\n{out}");
        }
        assert!(
            !out.contains("___null") && !out.contains("unknown"),
            "{out}"
        );
    }

    #[test]
    fn an_empty_workspace_says_why_it_is_empty() {
        let ws = workspace(&[("src/a.ts", "export const a = 1;\n")]);
        let out = mermaid(&ws.model);
        assert!(
            out.starts_with("erDiagram\n  %% No TypeORM entities found"),
            "{out}"
        );
    }
}
