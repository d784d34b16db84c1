//! The schema as a Mermaid ER diagram (`typeorm-lsp erd`, the `typeorm-lsp.erd` command).
//! Drawn from the relational schema (`relational::schema`, what `typeorm-lsp schema`
//! prints), so the diagram shows the tables, columns, types and keys TypeORM would create,
//! junction and closure tables included.

use super::relational::{self, Schema, Table};
use super::Model;
use crate::config::Config;
use std::fmt::Write;

/// What an empty diagram says, so a user sees why there is nothing to draw.
pub const NO_ENTITIES: &str = "  %% No TypeORM entities found: no class here is decorated with @Entity (or a\n  %% wrapper listed in decoratorAliases). Run `typeorm-lsp erd PATH` on the project root.\n";

/// Mermaid `erDiagram` text of the workspace's schema.
pub fn mermaid(model: &Model, config: &Config) -> String {
    mermaid_of(&relational::schema(model, config))
}

/// Mermaid `erDiagram` text: one block per table with its columns (database type, PK / FK /
/// UK, `"nullable"`), one line per foreign key labelled with its columns.
pub fn mermaid_of(schema: &Schema) -> String {
    let mut out = String::from("erDiagram\n");
    if schema.tables.is_empty() {
        out.push_str(NO_ENTITIES);
        return out;
    }
    for t in &schema.tables {
        let _ = writeln!(out, "  {} {{", ident(&t.name));
        for c in &t.columns {
            let mut keys = Vec::new();
            if c.primary {
                keys.push("PK");
            }
            if t.foreign_keys.iter().any(|fk| fk.columns.contains(&c.name)) {
                keys.push("FK");
            }
            if is_unique(t, std::slice::from_ref(&c.name)) {
                keys.push("UK");
            }
            let keys = if keys.is_empty() {
                String::new()
            } else {
                format!(" {}", keys.join(", "))
            };
            let comment = if c.nullable { " \"nullable\"" } else { "" };
            let mut ty = c.db_type.clone();
            if let Some(length) = &c.length {
                ty = format!("{ty}({length})");
            }
            if c.array {
                ty.push_str("[]");
            }
            let _ = writeln!(
                out,
                "    {} {}{keys}{comment}",
                type_ident(&ty),
                ident(&c.name)
            );
        }
        out.push_str("  }\n");
    }
    for t in &schema.tables {
        for fk in &t.foreign_keys {
            // Many rows (or one, when the key is unique) to zero-or-one / exactly one.
            let many = if is_unique(t, &fk.columns) {
                "|o"
            } else {
                "}o"
            };
            let nullable = fk.columns.iter().any(|name| {
                t.columns
                    .iter()
                    .any(|c| &c.name == name && c.nullable && !c.primary)
            });
            let one = if nullable { "o|" } else { "||" };
            let _ = writeln!(
                out,
                "  {} {many}--{one} {} : \"{}\"",
                ident(&t.name),
                // `schema.table`: the diagram names tables without their schema
                ident(fk.referenced_table.rsplit('.').next().unwrap_or_default()),
                fk.columns.join(", ")
            );
        }
    }
    out
}

/// Whether exactly these columns are unique: a unique constraint, a unique index without
/// a `WHERE`, or the primary key.
fn is_unique(t: &Table, columns: &[String]) -> bool {
    let same =
        |cols: &[String]| cols.len() == columns.len() && columns.iter().all(|c| cols.contains(c));
    let primary: Vec<String> = t
        .columns
        .iter()
        .filter(|c| c.primary)
        .map(|c| c.name.clone())
        .collect();
    t.uniques.iter().any(|u| same(&u.columns))
        || t.indices
            .iter()
            .any(|i| i.unique && i.where_clause.is_none() && same(&i.columns))
        || (columns.len() > 1 && same(&primary))
}

/// Mermaid attribute types: an identifier that may also hold `[]` and `()` (`text[]`,
/// `character_varying(64)`), starting with a letter.
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
  @Column({ nullable: true, length: 40 }) label?: string;
  @DeleteDateColumn() removed: Date | null;
  @Column({ type: 'jsonb', nullable: true }) data: any;
  @Column('text', { array: true }) tags: string[];
}
";
        let ws = workspace(&[("src/parcel.entity.ts", entity)]);
        let out = mermaid(&ws.model, &ws.config);
        for line in [
            "    uuid id PK\n",
            "    timestamp_without_time_zone shippedAt \"nullable\"\n",
            "    integer weight\n",
            "    text note\n",
            "    character_varying(40) label \"nullable\"\n",
            "    timestamp_without_time_zone removed \"nullable\"\n",
            "    jsonb data \"nullable\"\n",
            "    text[] tags\n",
        ] {
            assert!(out.contains(line), "{line:?} not in\n{out}");
        }
    }

    /// The diagram is the schema: join columns, junction tables and one-to-one keys as
    /// TypeORM creates them.
    #[test]
    fn relations_are_the_schemas_foreign_keys() {
        let files = [
            (
                "src/author.entity.ts",
                "import { Entity, PrimaryGeneratedColumn, OneToOne, JoinColumn } from 'typeorm';
import { Profile } from './profile.entity';
@Entity()
export class Author {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Profile, { nullable: true }) @JoinColumn() profile: Profile;
}
",
            ),
            (
                "src/profile.entity.ts",
                "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Profile {
  @PrimaryGeneratedColumn() id: number;
}
",
            ),
            (
                "src/book.entity.ts",
                "import { Entity, PrimaryGeneratedColumn, ManyToOne, ManyToMany, JoinTable } from 'typeorm';
import { Author } from './author.entity';
@Entity()
export class Book {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Author, { nullable: false }) author: Author;
  @ManyToMany(() => Author) @JoinTable() editors: Author[];
}
",
            ),
        ];
        let ws = workspace(&files);
        let out = mermaid(&ws.model, &ws.config);
        let schema = relational::schema(&ws.model, &ws.config);
        for t in &schema.tables {
            assert!(
                out.contains(&format!("  {} {{\n", t.name)),
                "{}\n{out}",
                t.name
            );
        }
        for line in [
            "    integer authorId FK\n",
            "    integer profileId FK, UK \"nullable\"\n",
            "  book }o--|| author : \"authorId\"\n",
            "  author |o--o| profile : \"profileId\"\n",
            "  book_editors_author }o--|| book : \"bookId\"\n",
            "  book_editors_author }o--|| author : \"authorId\"\n",
        ] {
            assert!(out.contains(line), "{line:?} not in\n{out}");
        }
    }

    #[test]
    fn an_empty_workspace_says_why_it_is_empty() {
        let ws = workspace(&[("src/a.ts", "export const a = 1;\n")]);
        let out = mermaid(&ws.model, &ws.config);
        assert!(
            out.starts_with("erDiagram\n  %% No TypeORM entities found"),
            "{out}"
        );
    }
}
