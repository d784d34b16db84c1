//! Hover: what the model knows about the entity, column or relation under the cursor,
//! as Markdown (table and database names, types, keys, covering indexes, relations in
//! and out, soft delete).

use std::fmt::Write;
use std::path::Path;

use super::navigation::{contains, word_at};
use crate::finding::Span;
use crate::model::{Column, Entity, EntityKind, Index, IndexKind, Model, Relation, SoftDelete};

/// The hover text and the span it is about, for byte `offset` of `path` (whose text in
/// the model is `text`).
pub fn hover(model: &Model, path: &Path, text: &str, offset: usize) -> Option<(String, Span)> {
    if let Some(file) = model.file_index(path) {
        if let Some(found) = member_at(model, file, offset) {
            return Some(found);
        }
    }
    let (span, word) = word_at(text, offset)?;
    let entity = match model.file_index(path) {
        Some(file) => model.entity_from(file, word)?,
        None => model.entity(word)?,
    };
    Some((entity_markdown(model, entity), span))
}

/// A column or relation declared in `file` whose name or decorator holds `offset`.
fn member_at(model: &Model, file: usize, offset: usize) -> Option<(String, Span)> {
    for entity in &model.entities {
        let at = |origin_file: usize, name: &Span, decorator: &Span| {
            origin_file == file && (contains(name, offset) || contains(decorator, offset))
        };
        if let Some(c) = entity
            .columns
            .iter()
            .find(|c| at(c.origin.file, &c.name_span, &c.origin.span))
        {
            return Some((column_markdown(model, entity, c), c.name_span.clone()));
        }
        if let Some(r) = entity.relations.iter().find(|r| {
            at(r.origin.file, &r.name_span, &r.origin.span)
                && !r.target_span.as_ref().is_some_and(|t| contains(t, offset))
        }) {
            return Some((relation_markdown(model, entity, r), r.name_span.clone()));
        }
        if entity.file == file && contains(&entity.name_span, offset) {
            return Some((entity_markdown(model, entity), entity.name_span.clone()));
        }
    }
    None
}

/// The Markdown for an entity.
pub fn entity_markdown(model: &Model, e: &Entity) -> String {
    let mut out = format!("**{}**: {} `{}`\n", e.name, kind_label(e.kind), e.table);
    if let Some(base) = e.ancestors.first().and_then(|r| model.class(*r)) {
        let _ = writeln!(out, "\nExtends `{}`", base.name);
    } else if let Some(ext) = &e.external_ancestor {
        let _ = writeln!(out, "\nExtends `{ext}`");
    }
    if !e.columns.is_empty() {
        out.push_str("\n**Columns**\n");
        for c in &e.columns {
            let _ = writeln!(out, "- `{}`{}", c.db_name, column_summary(model, c));
        }
    }
    if !e.indexes.is_empty() {
        out.push_str("\n**Indexes**\n");
        for i in &e.indexes {
            let _ = writeln!(out, "- {}", index_summary(i));
        }
    }
    if !e.relations.is_empty() {
        out.push_str("\n**Relations**\n");
        for r in &e.relations {
            let _ = writeln!(out, "- {}", relation_summary(r));
        }
    }
    let incoming = incoming(model, e);
    if !incoming.is_empty() {
        out.push_str("\n**Referenced by**\n");
        for line in incoming {
            let _ = writeln!(out, "- {line}");
        }
    }
    if let Some(sd) = &e.soft_delete {
        let _ = writeln!(out, "\n{}", soft_delete_label(sd));
    }
    out
}

fn column_markdown(model: &Model, e: &Entity, c: &Column) -> String {
    let mut out = format!(
        "**{}.{}**: column `{}` of table `{}`\n\n",
        e.name, c.property, c.db_name, e.table
    );
    let _ = writeln!(out, "- type: {}", type_label(model, c));
    if let Some(n) = c.nullable {
        let _ = writeln!(out, "- nullable: {n}");
    }
    if c.kind.is_primary() {
        out.push_str("- primary key\n");
    }
    if c.unique {
        out.push_str("- unique\n");
    }
    let covering: Vec<&Index> = e
        .indexes
        .iter()
        .filter(|i| i.columns.contains(&c.db_name))
        .collect();
    if covering.is_empty() {
        out.push_str("- no index includes this column\n");
    }
    for i in covering {
        let _ = writeln!(out, "- index: {}", index_summary(i));
    }
    if e.soft_delete
        .as_ref()
        .is_some_and(|s| s.column() == c.db_name)
    {
        out.push_str("- soft-delete column\n");
    }
    out
}

fn relation_markdown(model: &Model, e: &Entity, r: &Relation) -> String {
    let mut out = format!("**{}.{}**: {}\n\n", e.name, r.property, relation_summary(r));
    if let Some(target) = model.relation_target(r) {
        let _ = writeln!(out, "- target table: `{}`", target.table);
    }
    if !r.join_columns.is_empty() {
        let _ = writeln!(out, "- join columns: `{}`", r.join_columns.join("`, `"));
        match e.covering_index(&r.join_columns) {
            Some(i) => {
                let _ = writeln!(out, "- covered by {}", index_summary(i));
            }
            None => out.push_str("- no index covers the join columns\n"),
        }
    }
    if let Some(n) = r.nullable {
        let _ = writeln!(out, "- nullable: {n}");
    }
    out
}

fn kind_label(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Table => "entity, table",
        EntityKind::Child => "child entity, table",
        EntityKind::View => "view entity",
        EntityKind::Schema => "entity schema, table",
    }
}

fn type_label(model: &Model, c: &Column) -> String {
    match (&c.db_type, model.type_of(&c.origin)) {
        (Some(db), _) => format!("`{db}`"),
        (None, Some(ts)) => format!("inferred from `{}`", ts.text),
        (None, None) => "inferred".to_string(),
    }
}

fn column_summary(model: &Model, c: &Column) -> String {
    let mut s = format!(" ({}): {}", c.property, type_label(model, c));
    if c.kind.is_primary() {
        s.push_str(", PK");
    }
    if c.unique {
        s.push_str(", unique");
    }
    if c.nullable == Some(true) {
        s.push_str(", nullable");
    }
    s
}

fn index_summary(i: &Index) -> String {
    let kind = match i.kind {
        IndexKind::Index if i.unique => "unique index",
        IndexKind::Index => "index",
        IndexKind::Unique => "unique constraint",
        IndexKind::UniqueColumn => "unique column",
        IndexKind::Primary => "primary key",
        IndexKind::OneToOneJoin => "one-to-one unique",
    };
    let mut s = format!("{kind} ({})", i.columns.join(", "));
    if let Some(name) = &i.name {
        let _ = write!(s, " `{name}`");
    }
    if let Some(w) = &i.where_clause {
        let _ = write!(s, " where `{w}`");
    }
    s
}

fn relation_summary(r: &Relation) -> String {
    let mut s = format!(
        "`{}`: {} → `{}`",
        r.property,
        r.kind.decorator(),
        r.target.as_deref().unwrap_or("?")
    );
    if let Some(inv) = &r.inverse {
        let _ = write!(s, " (inverse `{inv}`)");
    }
    s
}

/// Relations of other entities that point at `e`.
fn incoming(model: &Model, e: &Entity) -> Vec<String> {
    let mut out: Vec<String> = model
        .entities
        .iter()
        .flat_map(|other| {
            other
                .relations
                .iter()
                .filter(|r| model.relation_targets(r, e))
                .map(move |r| format!("`{}.{}` ({})", other.name, r.property, r.kind.decorator()))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn soft_delete_label(sd: &SoftDelete) -> String {
    match sd {
        SoftDelete::Automatic { column } => {
            format!("Soft delete: automatic (`{column}`); `find*` skips deleted rows")
        }
        SoftDelete::Manual { column } => {
            format!("Soft delete: manual (`{column}`); every query must filter it")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::workspace::Workspace;
    use std::path::PathBuf;

    const USER: &str = "import { Entity, Column, OneToMany, PrimaryGeneratedColumn, DeleteDateColumn } from 'typeorm';\n@Entity('users')\nexport class User {\n  @PrimaryGeneratedColumn('uuid') id: string;\n  @Column({ unique: true }) email: string;\n  @DeleteDateColumn() deletedAt: Date | null;\n  @OneToMany(() => Post, (p) => p.author) posts: Post[];\n}\n";
    const POST: &str = "import { Entity, Column, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';\n@Entity()\nexport class Post {\n  @PrimaryGeneratedColumn() id: number;\n  @ManyToOne(() => User, (u) => u.posts) author: User;\n}\n";

    fn ws() -> Workspace {
        Workspace::from_sources(
            std::path::Path::new("/w"),
            Config::default(),
            vec![
                (PathBuf::from("/w/user.ts"), USER.into()),
                (PathBuf::from("/w/post.ts"), POST.into()),
            ],
        )
    }

    #[test]
    fn hover_on_entity_name_anywhere() {
        let ws = ws();
        let at = POST.find("=> User").unwrap() + 4;
        let (md, span) = hover(&ws.model, std::path::Path::new("/w/post.ts"), POST, at).unwrap();
        assert_eq!(&POST[span], "User");
        assert!(md.starts_with("**User**: entity, table `users`"), "{md}");
        assert!(md.contains("`email` (email)"), "{md}");
        assert!(md.contains("`Post.author` (ManyToOne)"), "{md}");
        assert!(md.contains("Soft delete: automatic"), "{md}");
    }

    #[test]
    fn hover_on_column_and_relation() {
        let ws = ws();
        let at = USER.find("email:").unwrap();
        let (md, _) = hover(&ws.model, std::path::Path::new("/w/user.ts"), USER, at).unwrap();
        assert!(
            md.starts_with("**User.email**: column `email` of table `users`"),
            "{md}"
        );
        assert!(md.contains("- unique"), "{md}");
        let at = POST.find("author:").unwrap();
        let (md, _) = hover(&ws.model, std::path::Path::new("/w/post.ts"), POST, at).unwrap();
        assert!(md.contains("ManyToOne → `User`"), "{md}");
        assert!(md.contains("no index covers the join columns"), "{md}");
        assert!(hover(&ws.model, std::path::Path::new("/w/post.ts"), POST, 0).is_none());
    }
}
