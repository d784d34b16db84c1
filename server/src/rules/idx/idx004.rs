//! # IDX004: redundant-index
//!
//! ## What it does
//! Flags an index whose column list is a prefix of another index of the same table (or the
//! same list again). Unique indexes are never redundant (they enforce something), nor are
//! TTL (`expireAfterSeconds`), sparse, spatial or full-text ones (they do something else);
//! partial indexes are compared only with indexes of the same predicate.
//!
//! ## Why is this bad?
//! PostgreSQL can use the longer index for every query the shorter one serves. The extra
//! index costs disk and slows every insert and update of the table.
//!
//! ## Example
//! ```ts
//! @Entity()
//! @Index(['customer', 'created'])
//! export class Order extends ManagedEntity {
//!   @Index()
//!   @ManyToOne(() => Customer)
//!   customer: Customer;
//! }
//! ```
//!
//! ## Fix
//! Remove the redundant decorator (here `@Index()` above `customer`), with a migration
//! that drops the index from every table that has it (`DROP INDEX CONCURRENTLY IF
//! EXISTS`, outside a transaction; `down` recreates it under TypeORM's name and
//! definition). The CLI writes the migration with `--fix --with-migrations`.

use super::migration::{mark_migration, migration_file, migration_name, IndexSpec, MigrationPlan};
use crate::finding::{Applicability, FileChange, Finding, Fix, Severity, Tag, TextEdit};
use crate::model::{Entity, Index, IndexKind, Origin};
use crate::rules::{Ctx, RuleDef};

pub const RULE: RuleDef = RuleDef {
    code: "IDX004",
    name: "redundant-index",
    summary: "An index whose columns are a prefix of another index of the same table.",
    default_severity: Severity::Info,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let path = ctx.path(file);
    let mut seen = Vec::new();
    for entity in ctx.model.entities_touching(file) {
        for (i, index) in entity.indexes.iter().enumerate() {
            let Some(origin) = &index.origin else {
                continue;
            };
            if origin.file != file
                || index.kind != IndexKind::Index
                || index.unique
                || index.unresolved
                || index.options_opaque
                || seen.contains(&origin.span)
                || definition_unknown(ctx, index)
            {
                continue;
            }
            let Some(wider) = covering_other(ctx, entity, i, index) else {
                continue;
            };
            seen.push(origin.span.clone());
            // declared on a shared base: dropping it drops it from every inheriting table
            if !redundant_everywhere(ctx, origin) {
                continue;
            }
            let message = format!(
                "Index on `{}` ({}) is redundant: {} starts with the same columns",
                entity.table,
                index.columns.join(", "),
                describe(wider)
            );
            let mut finding = Finding::new(RULE.code, path.clone(), origin.span.clone(), message);
            finding.tags.push(Tag::Unnecessary);
            let fix = ctx.defer("Remove the redundant index", Applicability::Safe, || {
                let mut fix = fix(ctx, file, &origin.span)?;
                if let Some(migration) = drop_migration(ctx, origin, index) {
                    fix.changes.extend(migration);
                    mark_migration(ctx, &mut fix);
                }
                Some(fix)
            });
            if let Some(fix) = fix.filter(|_| !has_syntax_errors(ctx, file)) {
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}

fn describe(index: &Index) -> String {
    match index.kind {
        IndexKind::Primary => "the primary key".to_string(),
        _ => format!("the index on ({})", index.columns.join(", ")),
    }
}

/// Whether the index declared at `origin` is redundant on every table that has it (an index
/// on a base class is copied to each entity that extends it).
fn redundant_everywhere(ctx: &Ctx, origin: &crate::model::Origin) -> bool {
    ctx.model.entities.iter().all(|entity| {
        entity.indexes.iter().enumerate().all(|(i, index)| {
            index.origin.as_ref() != Some(origin) || covering_other(ctx, entity, i, index).is_some()
        })
    })
}

/// `@Index('IDX_post_flags_deleted', { synchronize: false })` above a property: TypeORM
/// leaves that index to a migration, which builds it on whatever it likes (an expression
/// `((flags->>'deleted'))`, a partial or GIN index). The property says nothing of its
/// columns unless a migration creates it by that name on those very columns.
fn definition_unknown(ctx: &Ctx, index: &Index) -> bool {
    let unsynchronized = index
        .origin
        .as_ref()
        .and_then(|o| ctx.model.decorator_at(o))
        .is_some_and(|d| {
            d.args.iter().any(|a| {
                a.value
                    .get("synchronize")
                    .is_some_and(|v| v.value.as_bool() == Some(false))
            })
        });
    unsynchronized
        && index
            .name
            .as_ref()
            .and_then(|n| ctx.model.migration_index_names.get(n))
            .is_none_or(|columns| *columns != index.columns)
}

/// Another index of the entity that starts with all of `index`'s columns (a longer one, or
/// an identical one declared earlier).
///
/// A unique index that IDX003 will make partial (a soft-deletable entity, no predicate on
/// the deleted column) does not count: after that fix it no longer serves lookups of all
/// rows, and removing the shorter index would leave a foreign key with only a partial one.
fn covering_other<'a>(ctx: &Ctx, entity: &'a Entity, i: usize, index: &Index) -> Option<&'a Index> {
    if index.columns.is_empty() {
        return None;
    }
    let deleted = entity.soft_delete.as_ref().map(|s| s.column());
    let becomes_partial = |other: &Index| {
        other.unique
            && other.kind != IndexKind::Primary
            && deleted.is_some_and(|d| {
                !other.columns.iter().any(|c| c == d)
                    && !other.where_clause.as_deref().is_some_and(|w| w.contains(d))
            })
    };
    entity.indexes.iter().enumerate().find_map(|(j, other)| {
        if becomes_partial(other) || definition_unknown(ctx, other) {
            return None;
        }
        let same_predicate = other.where_clause == index.where_clause;
        let starts_with = other.columns.len() >= index.columns.len()
            && other.columns[..index.columns.len()] == index.columns[..];
        let longer_or_earlier = other.columns.len() > index.columns.len() || j < i;
        (j != i && !other.unresolved && same_predicate && starts_with && longer_or_earlier)
            .then_some(other)
    })
}

/// The migration that drops the index from every table that has it (a decorator on a base
/// class indexes each inheriting table), `down` recreating it under TypeORM's name.
fn drop_migration(ctx: &Ctx, origin: &Origin, index: &Index) -> Option<Vec<FileChange>> {
    let mut tables: Vec<&str> = ctx
        .model
        .entities
        .iter()
        .filter(|e| {
            e.indexes
                .iter()
                .any(|i| i.origin.as_ref() == Some(origin) && i.columns == index.columns)
        })
        .map(|e| e.table.as_str())
        .collect();
    tables.sort_unstable();
    tables.dedup();
    let first = *tables.first()?;
    let specs: Vec<IndexSpec> = tables
        .iter()
        .map(|table| {
            IndexSpec::named(
                table,
                index.name.as_deref(),
                index.columns.clone(),
                index.unique,
                index.where_clause.clone(),
            )
        })
        .collect();
    let name = migration_name("DropIndex", first, &index.columns);
    Some(migration_file(
        ctx,
        &MigrationPlan::drop_indexes(name, specs),
        &ctx.path(origin.file),
    ))
}

fn fix(ctx: &Ctx, file: usize, span: &std::ops::Range<usize>) -> Option<Fix> {
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors {
        return None;
    }
    // a wrapper decorator may do more than declare this index: leave it to a human
    let decorator = source.facts.classes.iter().find_map(|c| {
        c.decorators
            .iter()
            .chain(c.properties.iter().flat_map(|p| &p.decorators))
            .find(|d| d.span == *span)
    });
    if decorator.is_none_or(|d| !crate::rules::edits::is_typeorm_decorator(source, d)) {
        return None;
    }
    let text = &source.text();
    let line_start = crate::rules::edits::line_start(text, span.start);
    let before = text.get(line_start..span.start)?;
    let rest = text.get(span.end..)?;
    let line_end = rest
        .find('\n')
        .map(|i| span.end + i + 1)
        .unwrap_or(text.len());
    let after = text.get(span.end..line_end)?;
    // The decorator alone on its line: remove the line; else just the decorator.
    let edit_span = if before.trim().is_empty() && after.trim().is_empty() {
        line_start..line_end
    } else {
        span.start..span.end + (after.len() - after.trim_start_matches([' ', '\t']).len())
    };
    Some(Fix::edit(
        "Remove the redundant index",
        source.path.clone(),
        vec![TextEdit {
            span: edit_span,
            new_text: String::new(),
        }],
    ))
}

fn has_syntax_errors(ctx: &Ctx, file: usize) -> bool {
    ctx.file(file).is_none_or(|f| f.facts.has_syntax_errors)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    fn order(class_decorators: &str, prop_decorators: &str) -> String {
        format!(
            "import {{ Column, Entity, Index, ManyToOne }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';
import {{ Customer }} from 'src/customers/customer.entity';

@Entity()
{class_decorators}
export class Order extends ManagedEntity {{
  {prop_decorators}
  @ManyToOne(() => Customer)
  customer: Customer;

  @Column()
  total: string;
}}
"
        )
    }

    fn idx004(text: &str) -> Vec<(String, usize, String)> {
        lines(
            &workspace(&[("src/orders/order.entity.ts", text)]),
            "IDX004",
        )
    }

    // A feed service: a jsonb `flags` column whose indexes a migration builds on
    // expressions (`((flags->>'banned'))`), declared `synchronize: false` on the property.
    fn post(flags_indexes: &str, migration_sql: &str) -> Vec<(String, usize, String)> {
        let entity = format!(
            "import {{ Column, Entity, Index, PrimaryColumn }} from 'typeorm';

@Entity()
export class Post {{
  @PrimaryColumn()
  id: string;

  @Column({{ type: 'jsonb', default: {{}} }})
{flags_indexes}
  flags: Record<string, unknown>;
}}
"
        );
        let migration = format!(
            "import {{ MigrationInterface, QueryRunner }} from 'typeorm';

export class PostFlags1700000000000 implements MigrationInterface {{
  public async up(queryRunner: QueryRunner): Promise<void> {{
    await queryRunner.query(`{migration_sql}`);
  }}

  public async down(queryRunner: QueryRunner): Promise<void> {{
    await queryRunner.query(`DROP INDEX \"IDX_post_flags_banned\"`);
  }}
}}
"
        );
        lines(
            &workspace(&[
                ("src/posts/post.entity.ts", &entity),
                ("src/migrations/1700000000000-PostFlags.ts", &migration),
            ]),
            "IDX004",
        )
    }

    #[test]
    fn unsynchronized_indexes_on_expressions_are_not_compared() {
        let indexes = "  @Index('IDX_post_flags_banned', { synchronize: false })
  @Index('IDX_post_flags_deleted', { synchronize: false })";
        let sql = "CREATE INDEX \"IDX_post_flags_banned\" ON \"post\" (((flags->>'banned')))";
        assert!(post(indexes, sql).is_empty());
        // the same property with a plain index beside one the migration builds on it
        let plain = "  @Index()
  @Index('IDX_post_flags_banned', { synchronize: false })";
        let sql = "CREATE INDEX \"IDX_post_flags_banned\" ON \"post\" (\"flags\")";
        assert_eq!(post(plain, sql).len(), 1);
    }

    #[test]
    fn flags_prefix_and_duplicate_indexes() {
        let found = idx004(&order("@Index(['customer', 'total'])", "@Index()"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, 8);
        assert_eq!(idx004(&order("@Index(['id'])", "")).len(), 1);
    }

    /// An owning one-to-one's join column has TypeORM's `REL_` unique constraint, which an
    /// `@Index()` on it repeats; with `createForeignKeyConstraints: false` TypeORM makes
    /// neither key nor constraint, and the index is the only one.
    #[test]
    fn an_index_repeats_a_one_to_one_constraint_only_when_there_is_one() {
        let entity = |options: &str| {
            format!(
                "import {{ Entity, Index, JoinColumn, OneToOne, PrimaryGeneratedColumn }} from 'typeorm';
import {{ Customer }} from 'src/customers/customer.entity';

@Entity()
export class Order {{
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @OneToOne(() => Customer{options})
  @JoinColumn()
  customer: Customer;
}}
"
            )
        };
        assert_eq!(idx004(&entity("")).len(), 1);
        assert!(idx004(&entity(", { createForeignKeyConstraints: false }")).is_empty());
    }

    #[test]
    fn accepts_unique_partial_and_distinct_indexes() {
        assert!(idx004(&order(
            "@Index(['customer', 'total'])",
            "@Index({ unique: true })"
        ))
        .is_empty());
        assert!(idx004(&order("@Index(['total', 'customer'])", "@Index()")).is_empty());
        assert!(idx004(&order(
            "@Index(['customer', 'total'])",
            "@Index({ where: '\"deleted\" IS NULL' })"
        ))
        .is_empty());
    }

    #[test]
    fn a_ttl_sparse_or_full_text_index_is_not_redundant() {
        // A MongoDB TTL index expires documents; a b-tree on the same leading column does
        // not, so dropping the TTL index would change what the database does.
        for options in [
            "{ expireAfterSeconds: 3600 }",
            "{ sparse: true }",
            "{ fulltext: true }",
            "{ spatial: true }",
        ] {
            let text = order(
                "@Index(['customer', 'total'])",
                &format!("@Index({options})"),
            );
            assert!(idx004(&text).is_empty(), "{options}");
        }
    }

    #[test]
    fn fix_writes_a_migration_that_drops_the_index_and_recreates_it_in_down() {
        std::env::set_var("TYPEORM_LSP_MIGRATION_TIMESTAMP", "1700000000000");
        let text = order("@Index(['customer', 'total'])", "@Index()");
        let ws = workspace(&[
            ("src/orders/order.entity.ts", &text),
            crate::rules::testing::PG_DATA_SOURCE,
        ]);
        let found = findings(&ws, "IDX004");
        let fix = &found[0].fixes[0];
        assert!(fix.creates_migration);
        let created = fix.changes.iter().find_map(|c| match c {
            crate::finding::FileChange::Create { path, contents } => Some((path, contents)),
            _ => None,
        });
        let (path, contents) = created.expect("a migration is created");
        assert!(
            path.ends_with("src/migrations/1700000000000-drop-index-order-customer-id.ts"),
            "{path:?}"
        );
        // `echo -n order_customerId | sha1sum`, first 26 hex digits.
        let name =
            super::super::migration::typeorm_index_name("order", &["customerId".into()], None);
        let up = contents.find("DROP INDEX CONCURRENTLY IF EXISTS");
        let down = contents.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS");
        assert!(
            matches!((up, down), (Some(u), Some(d)) if u < d),
            "{contents}"
        );
        assert!(
            contents.contains(&format!("\"{name}\" ON \"order\" (\"customerId\")")),
            "{contents}"
        );
        assert!(contents.contains("public transaction = false;"));
    }

    #[test]
    fn fix_removes_the_decorator_line() {
        let text = order("@Index(['customer', 'total'])", "@Index()");
        let out = assert_fix_is_clean(
            &[("src/orders/order.entity.ts", &text)],
            "IDX004",
            "src/orders/order.entity.ts",
        );
        assert!(
            out.contains("{\n  @ManyToOne(() => Customer)\n  customer: Customer;"),
            "{out}"
        );
    }

    const BASE: &str = "import { Column, Index } from 'typeorm';

export abstract class TenantScoped {
  @Index()
  @Column()
  tenantId: string;
}
";

    #[test]
    fn an_index_on_a_shared_base_is_redundant_only_if_redundant_on_every_table() {
        let child = |name: &str, decorators: &str| {
            format!(
                "import {{ Column, Entity, Index }} from 'typeorm';
import {{ TenantScoped }} from 'src/common/tenant-scoped';

@Entity()
{decorators}
export class {name} extends TenantScoped {{
  @Column()
  code: string;
}}
"
            )
        };
        let a = child("Invoice", "@Index(['tenantId', 'code'])");
        let b = child("Payment", "");
        let ws = workspace(&[
            ("src/common/tenant-scoped.ts", BASE),
            ("src/invoices/invoice.entity.ts", &a),
            ("src/payments/payment.entity.ts", &b),
        ]);
        assert!(lines(&ws, "IDX004").is_empty(), "payment still needs it");

        let b = child("Payment", "@Index(['tenantId', 'code'])");
        let ws = workspace(&[
            ("src/common/tenant-scoped.ts", BASE),
            ("src/invoices/invoice.entity.ts", &a),
            ("src/payments/payment.entity.ts", &b),
        ]);
        let found = lines(&ws, "IDX004");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.ends_with("tenant-scoped.ts"));
    }

    #[test]
    fn a_unique_index_that_idx003_makes_partial_covers_nothing() {
        let text =
            "import { Column, DeleteDateColumn, Entity, Index, ManyToOne, Unique } from 'typeorm';
import { Customer } from 'src/customers/customer.entity';

@Entity()
@Unique(['customer', 'code'])
export class Order {
  @Index()
  @ManyToOne(() => Customer)
  customer: Customer;

  @Column()
  code: string;

  @DeleteDateColumn()
  deletedAt: Date;
}
";
        assert!(idx004(text).is_empty());
        let partial = text.replace(
            "@Unique(['customer', 'code'])",
            "@Index(['customer', 'code'], { unique: true, where: '\"deletedAt\" IS NULL' })",
        );
        assert!(
            idx004(&partial).is_empty(),
            "a partial index covers no plain one"
        );
        let not_soft = text.replace("@DeleteDateColumn()\n  deletedAt: Date;", "");
        assert_eq!(idx004(&not_soft).len(), 1);
    }

    #[test]
    fn a_wrapper_decorator_is_reported_but_never_removed() {
        let text = order("@Index(['customer', 'total'])", "@ColumnIndex()").replace(
            "import { Column,",
            "import { ColumnIndex } from 'src/core/decorators';\nimport { Column,",
        );
        let ws = workspace_with(
            &[("src/orders/order.entity.ts", &text)],
            serde_json::from_str(r#"{ "decoratorAliases": { "ColumnIndex": "Index" } }"#).unwrap(),
        );
        let found = findings(&ws, "IDX004");
        assert_eq!(found.len(), 1);
        assert!(found[0].fixes.is_empty());
    }
}
