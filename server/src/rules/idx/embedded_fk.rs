//! IDX001 for foreign keys inside embedded classes: a `@ManyToOne` in a class that an
//! entity embeds (`@Column(() => Audit) audit: Audit`) puts its join column on the
//! entity's table, named through the embedded prefix as TypeORM names it
//! (`auditOwnerid` under the default naming strategy: `camelCase(prefix) +
//! titleCase(joinColumn)`). The finding is on the embedding property, in the entity's
//! file.
//!
//! TypeORM (0.3.31) cannot declare that index: `@Index(['audit.owner'])`, the database
//! name, and `@Index()` on the relation inside the embedded class all fail with "Index
//! contains column that is missing in the entity". So the fix follows TypeORM's documented
//! way for indexes it cannot express: the migration creates the index, and
//! `@Index('IDX_...', { synchronize: false })` on the entity class tells the schema
//! builder to leave it alone (without it, the next `migration:generate` would drop it).
//! The decorator is added only with the migration (`--with-migrations`), never alone.

use super::migration::{
    mark_migration, migration_file, migration_name, typeorm_index_name, IndexSpec, MigrationPlan,
};
use crate::finding::{FileChange, Finding};
use crate::model::{relational, Column, Entity, EntityKind, Relation, RelationKind};
use crate::rules::{edits, Ctx};
use crate::syntax::Value;

/// One foreign key of an embedded relation on `entity`'s table.
struct EmbeddedKey<'a> {
    embedding: &'a Column,
    relation: &'a Relation,
    /// `audit.owner`.
    path: &'a str,
    /// The database columns on the entity's table: one per primary column of the target
    /// (`countersLikeduserid, countersLikedusername` for a composite key).
    columns: Vec<String>,
}

pub fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let path = ctx.path(file);
    for entity in ctx.model.entities_in_file(file) {
        if entity.kind == EntityKind::View {
            continue;
        }
        for key in keys(ctx, entity) {
            if key.embedding.origin.file != file || covered(ctx, entity, &key) {
                continue;
            }
            let message = format!(
                "Foreign key `{}.{}` ({}.{}) has no index: joins and ON DELETE checks on `{}` scan the table",
                entity.name,
                key.path,
                entity.table,
                key.columns.join(", "),
                key.relation.target.as_deref().unwrap_or("?"),
            );
            let mut finding = Finding::new(
                super::idx001::RULE.code,
                path.clone(),
                key.embedding.name_span.clone(),
                message,
            );
            if let Some(fix) = fix(ctx, file, entity, &key) {
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}

/// The many-to-one keys of the classes `entity` embeds directly (one level: a prefix we
/// can derive for certain).
fn keys<'a>(ctx: &Ctx, entity: &'a Entity) -> Vec<EmbeddedKey<'a>> {
    let mut out = Vec::new();
    for r in &entity.embedded_relations {
        if r.kind != RelationKind::ManyToOne || r.join_columns.is_empty() {
            continue;
        }
        let Some((first, rest)) = r.property.split_once('.') else {
            continue;
        };
        if rest.contains('.') {
            continue; // nested embeddeds: prefixes of prefixes, left alone
        }
        let Some(embedding) = entity
            .columns
            .iter()
            .find(|c| c.property == first && c.embedded.is_some())
        else {
            continue;
        };
        let Some(prefix) = embedded_prefix(ctx, embedding) else {
            continue;
        };
        let prefixed = |base: &String| {
            if prefix.is_empty() {
                base.clone()
            } else {
                relational::embedded_column_name(
                    std::slice::from_ref(&prefix),
                    Some(base),
                    base,
                    ctx.config.naming_strategy,
                )
            }
        };
        out.push(EmbeddedKey {
            embedding,
            relation: r,
            path: &r.property,
            columns: r.join_columns.iter().map(prefixed).collect(),
        });
    }
    out
}

/// `prefix: 'rev'`, `prefix: false` (none) or the property name; None when the options
/// cannot be read.
fn embedded_prefix(ctx: &Ctx, c: &Column) -> Option<String> {
    let decorator = ctx.model.decorator_at(&c.origin)?;
    let options = decorator
        .args
        .iter()
        .find(|a| a.value.as_object().is_some());
    if options.is_some_and(|o| o.value.has_spread()) {
        return None;
    }
    match options
        .and_then(|o| o.value.get("prefix"))
        .map(|p| &p.value)
    {
        Some(Value::Bool(false)) => Some(String::new()),
        Some(Value::Str(s)) => Some(s.to_string()),
        Some(_) => None,
        None => Some(c.property.clone()),
    }
}

/// An index leads with the key by its database name, or the entity carries the index our
/// fix declares (`@Index('<TypeORM's name for it>', { synchronize: false })`); an index
/// we cannot read might cover it.
fn covered(_ctx: &Ctx, entity: &Entity, key: &EmbeddedKey) -> bool {
    let ours = typeorm_index_name(&entity.table, &key.columns, None);
    if entity
        .indexes
        .iter()
        .any(|i| i.name.as_deref() == Some(ours.as_str()))
    {
        return true;
    }
    if entity
        .indexes
        .iter()
        .any(|i| i.unresolved && i.columns.is_empty())
    {
        return true;
    }
    entity.covering_index(&key.columns).is_some()
}

/// The migration that creates the index on the entity's table, and
/// `@Index('IDX_...', { synchronize: false })` above the entity class (with the `Index`
/// import), made only together.
fn fix(ctx: &Ctx, file: usize, entity: &Entity, key: &EmbeddedKey) -> Option<crate::finding::Fix> {
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors || key.embedding.origin.class != entity.class {
        return None;
    }
    let class = source.facts.classes.get(entity.class?)?;
    let anchor = class
        .decorators
        .iter()
        .map(|d| d.span.start())
        .min()
        .unwrap_or(class.span.start());
    let columns = key.columns.clone();
    let name = typeorm_index_name(&entity.table, &columns, None);
    let title = format!(
        "Create the index on `{}` in a migration, declared with `synchronize: false` (TypeORM cannot declare an index on a key inside an embedded class)",
        columns.join("`, `")
    );
    let mut fix = ctx.fix_safe(title, || {
        let q = edits::quote_style(source);
        let mut file_edits = vec![edits::insert_line_above(
            &source.text(),
            anchor,
            &format!(
                "@Index({q}{name}{q}, {{ synchronize: false }}) // {}: created by a migration",
                key.path
            ),
        )];
        file_edits.extend(edits::ensure_import(source, "typeorm", "Index"));
        let plan = MigrationPlan::create_indexes(
            migration_name("AddIndex", &entity.table, &columns),
            vec![IndexSpec::new(&entity.table, columns.clone(), false, None)],
        );
        let mut changes = migration_file(ctx, &plan, &source.path);
        changes.push(FileChange::Edit {
            path: source.path.clone(),
            edits: file_edits,
        });
        Some(changes)
    })?;
    mark_migration(ctx, &mut fix);
    Some(fix)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const USER: &str = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class User {
  @PrimaryGeneratedColumn()
  id: number;
}
";

    const AUDIT: &str = "import { Column, ManyToOne } from 'typeorm';
import { User } from 'src/users/user.entity';

export class Audit {
  @Column({ nullable: true })
  note: string;

  @ManyToOne(() => User)
  owner: User;
}
";

    fn post(decorators: &str, review: &str) -> String {
        format!(
            "import {{ Column, Entity, PrimaryGeneratedColumn }} from 'typeorm';
import {{ Audit }} from 'src/common/audit';

{decorators}@Entity()
export class Post {{
  @PrimaryGeneratedColumn()
  id: number;

  @Column(() => Audit)
  audit: Audit;
{review}}}
"
        )
    }

    fn files(post: &str) -> Vec<(&'static str, String)> {
        vec![
            ("src/users/user.entity.ts", USER.to_string()),
            ("src/common/audit.ts", AUDIT.to_string()),
            ("src/posts/post.entity.ts", post.to_string()),
        ]
    }

    fn idx001(post: &str) -> Vec<(String, usize, String)> {
        let owned = files(post);
        let refs: Vec<(&str, &str)> = owned.iter().map(|(p, t)| (*p, t.as_str())).collect();
        lines(&workspace(&refs), "IDX001")
    }

    #[test]
    fn a_key_inside_an_embedded_class_is_found_on_the_owning_table() {
        let found = idx001(&post(
            "",
            "\n  @Column(() => Audit, { prefix: 'rev' })\n  review: Audit;\n",
        ));
        let found: Vec<(usize, &str)> = found.iter().map(|(_, l, m)| (*l, m.as_str())).collect();
        assert_eq!(
            found,
            [
                (
                    10,
                    "Foreign key `Post.audit.owner` (post.auditOwnerid) has no index: joins and ON DELETE checks on `User` scan the table"
                ),
                (
                    13,
                    "Foreign key `Post.review.owner` (post.revOwnerid) has no index: joins and ON DELETE checks on `User` scan the table"
                ),
            ]
        );
    }

    #[test]
    fn the_key_has_one_column_per_primary_column_of_the_target() {
        // TypeORM names the join columns after the target's primary columns (`code`,
        // `region`), not `id`, and the key has one per primary column.
        let user = "import { Entity, PrimaryColumn } from 'typeorm';

@Entity()
export class User {
  @PrimaryColumn()
  code: string;

  @PrimaryColumn()
  region: string;
}
";
        let plain = post("", "");
        let ws = workspace(&[
            ("src/users/user.entity.ts", user),
            ("src/common/audit.ts", AUDIT),
            ("src/posts/post.entity.ts", &plain),
        ]);
        let found: Vec<String> = lines(&ws, "IDX001")
            .into_iter()
            .map(|(_, _, m)| m)
            .collect();
        assert_eq!(
            found,
            ["Foreign key `Post.audit.owner` (post.auditOwnercode, auditOwnerregion) has no index: joins and ON DELETE checks on `User` scan the table"]
        );
        let covered = post("@Index(['auditOwnercode', 'auditOwnerregion'])\n", "");
        let ws = workspace(&[
            ("src/users/user.entity.ts", user),
            ("src/common/audit.ts", AUDIT),
            ("src/posts/post.entity.ts", &covered),
        ]);
        assert!(lines(&ws, "IDX001").is_empty());
    }

    #[test]
    fn an_index_by_database_name_or_our_named_index_covers_it() {
        assert!(idx001(&post("@Index(['auditOwnerid', 'id'])\n", "")).is_empty());
        assert_eq!(
            idx001(&post("@Index(['id', 'auditOwnerid'])\n", "")).len(),
            1
        );
        let ours =
            super::super::migration::typeorm_index_name("post", &["auditOwnerid".into()], None);
        let declared = format!("@Index('{ours}', {{ synchronize: false }})\n");
        assert!(idx001(&post(&declared, "")).is_empty());
    }

    #[test]
    fn the_fix_writes_the_migration_and_declares_the_index_unsynchronized() {
        std::env::set_var("TYPEORM_LSP_MIGRATION_TIMESTAMP", "1700000000000");
        let owned = files(&post("", ""));
        let mut refs: Vec<(&str, &str)> = owned.iter().map(|(p, t)| (*p, t.as_str())).collect();
        refs.push(PG_DATA_SOURCE);
        let fixed = assert_fix_is_clean(&refs, "IDX001", "src/posts/post.entity.ts");
        let name =
            super::super::migration::typeorm_index_name("post", &["auditOwnerid".into()], None);
        assert!(
            fixed.contains(
                "import { Column, Entity, PrimaryGeneratedColumn, Index } from 'typeorm';"
            ),
            "{fixed}"
        );
        assert!(
            fixed.contains(&format!("\n@Index('{name}', {{ synchronize: false }}) // audit.owner: created by a migration\n@Entity()\nexport class Post")),
            "{fixed}"
        );
        let ws = workspace(&refs);
        let found = findings(&ws, "IDX001");
        let fix = &found[0].fixes[0];
        assert_eq!(
            fix.migration_edits,
            [std::path::Path::new("/ws/src/posts/post.entity.ts")]
        );
        let (_, other) = fixed_changes(&ws);
        let contents = other
            .iter()
            .find_map(|c| match c {
                crate::finding::FileChange::Create { contents, .. } => Some(contents.clone()),
                _ => None,
            })
            .expect("a migration");
        assert!(
            contents.contains(&format!(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"{name}\" ON \"post\" (\"auditOwnerid\")"
            )),
            "{contents}"
        );
    }

    fn fixed_changes(
        ws: &crate::workspace::Workspace,
    ) -> (String, Vec<crate::finding::FileChange>) {
        fixed(ws, "IDX001", "src/posts/post.entity.ts")
    }
}
