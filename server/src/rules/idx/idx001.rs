//! # IDX001: unindexed-foreign-key
//!
//! ## What it does
//! Flags a `@ManyToOne` relation (or a `@ForeignKey` column) whose join columns no
//! non-partial index covers as its leading columns: not the primary key, not an `@Index`
//! (on the property, or at class level naming the relation or its join column), not an
//! `@Unique`, not a `unique: true` column, not an index inherited from a base class, and
//! not a plain index a migration's `CREATE INDEX` makes (and no later `DROP INDEX` of the
//! same migrations folder removes): hand-written migrations often index a key the entity
//! never declares. The migrations are TypeORM's, in TypeScript; where a workspace has
//! none, its TypeORM migrations written in JavaScript (`migration/*.js`, their `up`), else
//! its `.sql` migration files (postgrator, Flyway, dbmate).
//!
//! ## Why is this bad?
//! PostgreSQL never indexes the referencing side of a foreign key, and TypeORM adds no
//! index for it (it only does on CockroachDB). Every join from the parent, and every
//! `ON DELETE` check when a parent row is deleted, then scans the whole child table.
//! A partial index counts only when an equality on the join columns implies its
//! predicate, as PostgreSQL's planner decides: `WHERE "ownerId" IS NOT NULL` (the usual
//! index of a sparse foreign key) serves the `ON DELETE` lookup, `WHERE deleted IS NULL`
//! does not. In single-table inheritance an `@Index` declared on a `@ChildEntity` lives on
//! the parent's table and covers the other children too.
//!
//! Not flagged: an owning `@OneToOne` join column (TypeORM gives it a unique constraint),
//! `@ManyToMany` junction tables (indexed on both sides), entities of a MySQL or
//! MariaDB DataSource or in a folder named for one (InnoDB creates an index for every
//! foreign key itself), and
//! entities whose schema TypeORM never makes: their DataSource says `synchronize: false`
//! and names no `migrations`, and the workspace has no migration (the tables come from a
//! Liquibase changelog, SQL files or another service, whose indexes the entities need not
//! repeat).
//!
//! ## Example
//! ```ts
//! @Entity()
//! export class OrderItem extends ManagedEntity {
//!   @ManyToOne(() => Order, (order) => order.items)
//!   order: Order;
//! }
//! ```
//!
//! ## Fix
//! ```ts
//! @Index()
//! @ManyToOne(() => Order, (order) => order.items)
//! order: Order;
//! ```
//! The quick fix inserts `@Index()` above the relation, adds `Index` to the `typeorm`
//! import, and creates a migration with `CREATE INDEX CONCURRENTLY IF NOT EXISTS` under
//! the name TypeORM derives, so `migration:generate` sees no difference afterwards. The
//! CLI writes the migration only with `--fix --with-migrations`. Where the project's
//! migrations are JavaScript or `.sql` files, no TypeScript migration is written (nothing
//! would run it): the fix's title says to add the index to them by hand.

use super::migration::add_index_fix;
use crate::finding::{Finding, Severity};
use crate::model::{Entity, EntityKind, Origin, RelationKind};
use crate::rules::{Ctx, RuleDef};

pub const RULE: RuleDef = RuleDef {
    code: "IDX001",
    name: "unindexed-foreign-key",
    summary: "A foreign key (@ManyToOne join column) that no index covers.",
    default_severity: Severity::Warning,
    check,
};

/// A foreign key of an entity: where it is declared and its join columns.
pub(super) struct ForeignKey<'a> {
    property: &'a str,
    target: Option<&'a str>,
    pub(super) columns: &'a [String],
    origin: &'a Origin,
    name_span: &'a std::ops::Range<usize>,
}

pub(super) fn foreign_keys(entity: &Entity) -> Vec<ForeignKey<'_>> {
    let relations = entity
        .relations
        .iter()
        .filter(|r| r.kind == RelationKind::ManyToOne && !r.join_columns.is_empty())
        .map(|r| ForeignKey {
            property: &r.property,
            target: r.target.as_deref(),
            columns: &r.join_columns,
            origin: &r.origin,
            name_span: &r.name_span,
        });
    let columns = entity
        .columns
        .iter()
        .filter(|c| c.foreign_key.is_some())
        .map(|c| ForeignKey {
            property: &c.property,
            target: c.foreign_key.as_deref(),
            columns: std::slice::from_ref(&c.db_name),
            origin: &c.origin,
            name_span: &c.name_span,
        });
    relations.chain(columns).collect()
}

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    // A relation declared on a base class is one finding at its declaration, naming every
    // table that inherits it without an index.
    let mut unindexed: Vec<(ForeignKey, Vec<&Entity>)> = Vec::new();
    for entity in ctx.model.entities_touching(file) {
        if entity.kind == EntityKind::View || has_unreadable_index(entity) {
            continue;
        }
        for fk in foreign_keys(entity) {
            if fk.origin.file != file || covered(ctx, entity, fk.columns) {
                continue;
            }
            match unindexed
                .iter_mut()
                .find(|(seen, _)| seen.name_span == fk.name_span)
            {
                Some((_, entities)) => entities.push(entity),
                None => unindexed.push((fk, vec![entity])),
            }
        }
    }
    let path = ctx.path(file);
    // Keys of relations inside embedded classes live on the embedding entity's table.
    let mut embedded = Vec::new();
    super::embedded_fk::check(ctx, file, &mut embedded);
    // Asked only when there is something to report: the answer reads the DataSources.
    if (!unindexed.is_empty() || !embedded.is_empty())
        && (indexes_foreign_keys_itself(ctx, &path)
            || crate::rules::data_source::schema_managed_elsewhere(ctx, &path))
    {
        return;
    }
    for (fk, entities) in unindexed {
        // Single-table inheritance: several entities, one table, one index to add.
        let mut tables: Vec<&str> = Vec::new();
        for e in &entities {
            if !tables.contains(&e.table.as_str()) {
                tables.push(e.table.as_str());
            }
        }
        let cols = fk.columns.join(", ");
        // Two entities on one table (a class and a subclass redeclaring `@Entity('key')`):
        // the one whose class declares the relation names it.
        let declaring = entities
            .iter()
            .find(|e| e.file == fk.origin.file && e.class.is_some() && e.class == fk.origin.class)
            .or(entities.first());
        let owner = declaring.map(|e| e.name.as_str()).unwrap_or("?");
        let place = if tables.len() == 1 {
            format!("`{owner}.{}` ({}.{cols})", fk.property, tables.join(""))
        } else {
            format!("`{}` ({cols} in {})", fk.property, tables.join(", "))
        };
        let message = format!(
            "Foreign key {place} has no index: joins and ON DELETE checks on `{}` scan the table",
            fk.target.unwrap_or("?"),
        );
        let mut finding = Finding::new(RULE.code, path.clone(), fk.name_span.clone(), message);
        let title = format!("Add @Index() to `{}` (with its migration)", fk.property);
        if let Some(fix) = add_index_fix(ctx, fk.origin, fk.property, &tables, fk.columns, title) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
    out.extend(embedded);
}

/// An index of the entity covers the key, or (single-table inheritance) an index of
/// another entity of the same table does: a `@ChildEntity`'s `@Index` is on that table.
fn covered(ctx: &Ctx, entity: &Entity, columns: &[String]) -> bool {
    if entity.covering_index(columns).is_some()
        || ctx.model.migration_index_covers(&entity.table, columns)
    {
        return true;
    }
    let shares_table = |other: &Entity| {
        (entity.kind == EntityKind::Child || other.kind == EntityKind::Child)
            && !std::ptr::eq(other, entity)
    };
    ctx.model
        .entities_of_table(&entity.table)
        .filter(|o| shares_table(o))
        .any(|o| o.covering_index(columns).is_some())
}

/// An index whose columns we could not read might cover anything: stay silent.
fn has_unreadable_index(entity: &Entity) -> bool {
    entity
        .indexes
        .iter()
        .any(|i| i.unresolved && i.columns.is_empty())
}

/// MySQL and MariaDB (InnoDB) create an index on a foreign key's columns when the
/// constraint is added, so no finding there; only a DataSource that names one for certain
/// counts, or a folder named for one (`db/mariadb/entity/`: a copy of the entities kept
/// for that driver).
pub(super) fn indexes_foreign_keys_itself(ctx: &Ctx, path: &std::path::Path) -> bool {
    let innodb_folder = path
        .parent()
        .and_then(crate::rules::data_source::driver_folder)
        .is_some_and(|d| matches!(d, "mysql" | "mariadb"));
    innodb_folder
        || matches!(
            crate::rules::data_source::database(ctx, path).dialect,
            crate::rules::data_source::Dialect::Other(ref t)
                if matches!(t.as_str(), "mysql" | "mariadb" | "aurora-mysql")
        )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const USER: &str = "import { Entity, Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class User extends ManagedEntity {
  @Column()
  email: string;
}
";

    fn post(extra_class_decorator: &str, property_decorator: &str) -> String {
        format!(
            "import {{ Entity, Index, ManyToOne }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';
import {{ User }} from 'src/users/user.entity';

@Entity()
{extra_class_decorator}
export class Post extends ManagedEntity {{
  {property_decorator}
  @ManyToOne(() => User)
  author: User;
}}
"
        )
    }

    fn idx001(post_text: &str) -> Vec<(String, usize, String)> {
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            ("src/posts/post.entity.ts", post_text),
        ]);
        lines(&ws, "IDX001")
    }

    #[test]
    fn flags_an_unindexed_many_to_one() {
        let found = idx001(&post("", ""));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "src/posts/post.entity.ts");
        assert_eq!(found[0].1, 10);
        assert!(found[0].2.contains("post.authorId"), "{}", found[0].2);
    }

    /// A subclass redeclaring its parent's table (`@Entity('posts')` on both, a library's
    /// pre-migration copy): the finding names the class that declares the relation.
    #[test]
    fn a_subclass_on_the_same_table_does_not_take_the_name() {
        let legacy = "import { Column, Entity } from 'typeorm';
import { Post } from './post.entity';

@Entity('post')
export class AaLegacyPost extends Post {
  @Column({ nullable: true })
  oldBody?: string;
}
";
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            ("src/posts/post.entity.ts", &post("", "")),
            ("src/posts/aa-legacy-post.entity.ts", legacy),
        ]);
        let found = lines(&ws, "IDX001");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].2.contains("`Post.author`"), "{}", found[0].2);
    }

    #[test]
    fn mysql_indexes_foreign_keys_itself() {
        let ds = |ty: &str| {
            format!("import {{ DataSource }} from 'typeorm';\nexport default new DataSource({{ type: '{ty}' }});\n")
        };
        let post = post("", "");
        for (ty, expected) in [("mysql", 0), ("mariadb", 0), ("postgres", 1), ("sqlite", 1)] {
            let source = ds(ty);
            let ws = workspace(&[
                ("src/users/user.entity.ts", USER),
                ("src/posts/post.entity.ts", &post),
                ("src/data-source.ts", &source),
            ]);
            assert_eq!(lines(&ws, "IDX001").len(), expected, "{ty}");
        }
    }

    #[test]
    fn entities_kept_for_mysql_or_mariadb_in_their_own_folder_are_indexed_by_innodb() {
        let post = post("", "");
        for (dir, expected) in [("mariadb", 0), ("mysql", 0), ("mssql", 1), ("sql", 1)] {
            let path = format!("src/db/{dir}/entity/post.entity.ts");
            let ws = workspace(&[("src/users/user.entity.ts", USER), (&path, &post)]);
            assert_eq!(lines(&ws, "IDX001").len(), expected, "{dir}");
        }
    }

    #[test]
    fn a_data_source_with_a_snake_case_strategy_names_the_join_column() {
        let data_source = "import { DataSource } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';

export default new DataSource({ type: 'postgres', namingStrategy: new SnakeNamingStrategy() });
";
        let post = post("", "");
        let files = [
            ("src/users/user.entity.ts", USER),
            ("src/posts/post.entity.ts", post.as_str()),
            ("src/data-source.ts", data_source),
        ];
        let found = lines(&workspace(&files), "IDX001");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].2.contains("(post.author_id)"), "{}", found[0].2);
        // The configuration file decides when it names a strategy.
        let json = r#"{ "namingStrategy": "default" }"#;
        let config = crate::config::Config::from_json_text(json, std::path::Path::new("c"))
            .unwrap_or_else(|e| panic!("{e}"));
        let found = lines(&workspace_with(&files, config), "IDX001");
        assert!(found[0].2.contains("(post.authorId)"), "{}", found[0].2);
    }

    #[test]
    fn an_index_a_migration_makes_through_the_query_runner_api_covers_the_key() {
        let migration = |ts: &str, up: &str| {
            format!(
                "import {{ MigrationInterface, QueryRunner, Table, TableIndex }} from 'typeorm';
export class M{ts} implements MigrationInterface {{
  public async up(queryRunner: QueryRunner): Promise<void> {{
    {up}
  }}
  public async down(queryRunner: QueryRunner): Promise<void> {{
    await queryRunner.dropIndex('post', 'post__author_id');
  }}
}}
"
            )
        };
        let create = migration(
            "1700000000000",
            "await queryRunner.createIndex('post', new TableIndex({ name: 'post__author_id', columnNames: ['authorId'] }));",
        );
        let in_table = migration(
            "1700000000000",
            "await queryRunner.createTable(new Table({ name: 'post', columns: [{ name: 'id', type: 'int', isPrimary: true }], indices: [{ columnNames: ['authorId'] }] }));",
        );
        let drop = migration(
            "1800000000000",
            "await queryRunner.dropIndex('post', 'post__author_id');",
        );
        let post = post("", "");
        for (files, expected) in [
            (vec![create.as_str()], 0),
            (vec![in_table.as_str()], 0),
            (vec![create.as_str(), drop.as_str()], 1),
        ] {
            let mut all = vec![
                ("src/users/user.entity.ts".to_string(), USER.to_string()),
                ("src/posts/post.entity.ts".to_string(), post.clone()),
            ];
            for (i, text) in files.iter().enumerate() {
                all.push((
                    format!("src/migrations/17{i}0000000000-m.ts"),
                    text.to_string(),
                ));
            }
            let refs: Vec<(&str, &str)> =
                all.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
            assert_eq!(
                lines(&workspace(&refs), "IDX001").len(),
                expected,
                "{files:?}"
            );
        }
    }

    #[test]
    fn an_index_only_a_migration_creates_covers_the_key() {
        // Hand-written migrations: the index exists in the database, the entity does not
        // declare it. `down` undoes `up`; a later migration's DROP INDEX removes it.
        let migration = |ts: &str, up: &str, down: &str| {
            format!(
                "import {{ MigrationInterface, QueryRunner }} from 'typeorm';
export class M{ts} implements MigrationInterface {{
  public async up(queryRunner: QueryRunner): Promise<void> {{
    await queryRunner.query(`{up}`);
  }}
  public async down(queryRunner: QueryRunner): Promise<void> {{
    await queryRunner.query(`{down}`);
  }}
}}
"
            )
        };
        let create = migration(
            "1700000000000",
            "CREATE INDEX \"idx_post_author\" ON \"post\"(\"authorId\");",
            "DROP INDEX \"idx_post_author\"",
        );
        let drop = migration(
            "1800000000000",
            "DROP INDEX IF EXISTS \"idx_post_author\"",
            "SELECT 1",
        );
        let post = post("", "");
        let base = [
            ("src/users/user.entity.ts", USER),
            ("src/posts/post.entity.ts", post.as_str()),
            ("src/migrations/1700000000000-m.ts", create.as_str()),
        ];
        assert!(lines(&workspace(&base), "IDX001").is_empty());
        let mut dropped = base.to_vec();
        dropped.push(("src/migrations/1800000000000-m.ts", drop.as_str()));
        assert_eq!(lines(&workspace(&dropped), "IDX001").len(), 1);
        // Another folder's history drops only its own.
        let mut elsewhere = base.to_vec();
        elsewhere.push(("src/migrations/auth/1800000000000-m.ts", drop.as_str()));
        assert!(lines(&workspace(&elsewhere), "IDX001").is_empty());
        // An index only MySQL's migrations create is not in the PostgreSQL database
        // (when other migrations are kept for no database in particular).
        let mysql = [
            ("src/users/user.entity.ts", USER),
            ("src/posts/post.entity.ts", post.as_str()),
            ("src/migrations/mysql/1700000000000-m.ts", create.as_str()),
            ("src/migrations/1700000000000-other.ts", drop.as_str()),
        ];
        assert_eq!(lines(&workspace(&mysql), "IDX001").len(), 1);
    }

    #[test]
    fn a_schema_made_outside_typeorm_is_not_judged() {
        let post = post("", "");
        assert_silent_where_the_schema_is_made_elsewhere(
            &[
                ("src/users/user.entity.ts", USER),
                ("src/posts/post.entity.ts", &post),
            ],
            "IDX001",
        );
    }

    #[test]
    fn accepts_every_covering_form() {
        for (class_dec, prop_dec) in [
            ("", "@Index()"),
            ("@Index(['author'])", ""),
            ("@Index(['authorId', 'created'])", ""),
            ("@Index('IDX_post_author', ['author'])", ""),
            ("@Index((p: Post) => [p.author])", ""),
            ("@Unique(['author', 'created'])", ""),
        ] {
            assert!(
                idx001(&post(class_dec, prop_dec)).is_empty(),
                "{class_dec} {prop_dec}"
            );
        }
    }

    #[test]
    fn partial_or_non_leading_indexes_do_not_cover() {
        assert_eq!(idx001(&post("@Index(['created', 'author'])", "")).len(), 1);
        assert_eq!(
            idx001(&post("", "@Index({ where: '\"deleted\" IS NULL' })")).len(),
            1
        );
    }

    #[test]
    fn indexes_inherited_from_a_base_class_cover() {
        let base = "import { Index, ManyToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { User } from 'src/users/user.entity';

@Index(['owner'])
export abstract class Owned extends ManagedEntity {
  @ManyToOne(() => User)
  owner: User;
}
";
        let note = "import { Entity } from 'typeorm';
import { Owned } from 'src/common/owned';

@Entity()
export class Note extends Owned {}
";
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            ("src/common/owned.ts", base),
            ("src/notes/note.entity.ts", note),
        ]);
        assert!(lines(&ws, "IDX001").is_empty());
    }

    #[test]
    fn a_base_class_relation_is_one_finding_naming_every_table() {
        let base = "import { ManyToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { User } from 'src/users/user.entity';

export abstract class Owned extends ManagedEntity {
  @ManyToOne(() => User)
  owner: User;
}
";
        let entity = |name: &str| {
            format!(
                "import {{ Entity }} from 'typeorm';
import {{ Owned }} from 'src/common/owned';

@Entity()
export class {name} extends Owned {{}}
"
            )
        };
        let (note, task) = (entity("Note"), entity("Task"));
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            ("src/common/owned.ts", base),
            ("src/notes/note.entity.ts", &note),
            ("src/tasks/task.entity.ts", &task),
        ]);
        let found = lines(&ws, "IDX001");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "src/common/owned.ts");
        assert!(
            found[0].2.contains("ownerId in note, task"),
            "{}",
            found[0].2
        );
        let f = findings(&ws, "IDX001");
        let migration = f[0].fixes[0].changes.iter().find_map(|c| match c {
            crate::finding::FileChange::Create { contents, .. } => Some(contents.clone()),
            _ => None,
        });
        let migration = migration.unwrap_or_default();
        assert!(
            migration.contains("ON \"note\" (\"ownerId\")"),
            "{migration}"
        );
        assert!(
            migration.contains("ON \"task\" (\"ownerId\")"),
            "{migration}"
        );
    }

    #[test]
    fn fix_adds_the_decorator_the_import_and_a_migration() {
        std::env::set_var("TYPEORM_LSP_MIGRATION_TIMESTAMP", "1700000000000");
        let text = post("", "").replace("Entity, Index, ManyToOne", "Entity, ManyToOne");
        let files = [
            ("src/users/user.entity.ts", USER),
            ("src/posts/post.entity.ts", text.as_str()),
            crate::rules::testing::PG_DATA_SOURCE,
        ];
        let fixed = assert_fix_is_clean(&files, "IDX001", "src/posts/post.entity.ts");
        assert!(fixed.contains("import { Entity, ManyToOne, Index } from 'typeorm';"));
        assert!(fixed.contains("  @Index()\n  @ManyToOne(() => User)\n  author: User;"));
        let ws = workspace(&files);
        let (_, other) = fixed_changes(&ws);
        let migration = other.iter().find_map(|c| match c {
            crate::finding::FileChange::Create { path, contents } => Some((path, contents)),
            _ => None,
        });
        let (path, contents) = migration.expect("a migration is created");
        assert!(path.ends_with("src/migrations/1700000000000-add-index-post-author-id.ts"));
        assert!(contents.contains(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"IDX_c6fb082a3114f35d0cc27c518e\" ON \"post\" (\"authorId\")"
        ));
        assert!(contents.contains("public transaction = false;"));
        assert!(contents
            .contains("DROP INDEX CONCURRENTLY IF EXISTS \"IDX_c6fb082a3114f35d0cc27c518e\""));
    }

    fn fixed_changes(
        ws: &crate::workspace::Workspace,
    ) -> (String, Vec<crate::finding::FileChange>) {
        fixed(ws, "IDX001", "src/posts/post.entity.ts")
    }
}
