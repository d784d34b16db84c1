//! # IDX003: unique-ignores-soft-delete
//!
//! ## What it does
//! Flags a unique index, `@Unique` constraint or `unique: true` column on a soft-deletable
//! entity whose predicate does not exclude soft-deleted rows (`where: '"deleted" IS NULL'`).
//!
//! ## Why is this bad?
//! A soft-deleted row keeps its values. A user who deletes their account can never sign up
//! again with the same email: the deleted row still holds it, and the insert fails with a
//! unique violation.
//!
//! ## Example
//! ```ts
//! @Entity()
//! @Unique(['email'])
//! export class User extends ManagedEntity {
//!   @Column()
//!   email: string;
//! }
//! ```
//!
//! ## Fix
//! ```ts
//! @Entity()
//! @Index(['email'], { unique: true, where: '"deleted" IS NULL' })
//! export class User extends ManagedEntity {
//! ```
//! The quick fix rewrites the decorator (or moves `unique: true` from the column options to
//! such an `@Index`), adds the import, and creates the migration: it builds the partial
//! unique index concurrently, then drops the old constraint; `down` does the reverse.

use super::migration::{
    mark_migration, migration_file, migration_name, typeorm_index_name, IndexSpec, MigrationPlan,
    Step,
};
use crate::finding::{FileChange, Finding, Fix, Severity, TextEdit};
use crate::model::{Entity, Index, IndexKind};
use crate::rules::{edits, Ctx, RuleDef};
use crate::syntax::{Decorator, Prop, Value};

pub const RULE: RuleDef = RuleDef {
    code: "IDX003",
    name: "unique-ignores-soft-delete",
    summary: "A unique index on a soft-deletable entity that soft-deleted rows still block.",
    default_severity: Severity::Warning,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let path = ctx.path(file);
    let mut seen = Vec::new();
    for entity in ctx.model.entities_touching(file) {
        let Some(soft) = &entity.soft_delete else {
            continue;
        };
        let deleted = soft.column();
        for index in &entity.indexes {
            let Some(origin) = &index.origin else {
                continue;
            };
            if origin.file != file || !index.unique || index.options_opaque {
                continue;
            }
            if !matches!(
                index.kind,
                IndexKind::Index | IndexKind::Unique | IndexKind::UniqueColumn
            ) {
                continue;
            }
            if index
                .where_clause
                .as_deref()
                .is_some_and(|w| mentions(w, deleted))
                || index.columns.iter().any(|c| c == deleted)
                || seen.contains(&origin.span)
            {
                continue;
            }
            seen.push(origin.span.clone());
            let columns = if index.columns.is_empty() {
                // Not a literal list (`cond ? ['a'] : ['b']`, a name from elsewhere): show
                // what is written, and stay silent if it may name the soft-delete column.
                let Some(written) = written_columns(ctx, file, &origin.span) else {
                    continue;
                };
                if mentions(&written, deleted) {
                    continue;
                }
                format!("columns `{written}`")
            } else {
                index.columns.join(", ")
            };
            let span = anchor(ctx, file, index).unwrap_or(origin.span.clone());
            let message = format!(
                "Unique {} on `{}` ({columns}) also counts soft-deleted rows: a deleted row blocks a new one with the same value; add `where: '\"{deleted}\" IS NULL'`",
                what(index.kind),
                entity.table,
            );
            let upsert = super::upsert::upsert_targeting(ctx, entity, index);
            let message = match &upsert {
                Some(site) => format!(
                    "{message}. Not fixed automatically: {site} targets these columns, and `ON CONFLICT` cannot use a partial index unless it repeats the predicate (`indexPredicate`), so the upsert would fail"
                ),
                None => message,
            };
            let mut finding = Finding::new(RULE.code, path.clone(), span, message);
            let fix = fix(ctx, file, entity, index, deleted).filter(|_| !index.columns.is_empty());
            if let Some(mut fix) = fix {
                if upsert.is_some() {
                    // editor only: the upsert must be changed with it, by hand
                    fix.applicability = crate::finding::Applicability::Unsafe;
                    fix.title.push_str(" (also give the upsert the predicate)");
                }
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}

/// The column list of a decorator as written, when it is not a literal: its first
/// argument that is neither the index's name nor its options, on one line, shortened.
fn written_columns(ctx: &Ctx, file: usize, span: &std::ops::Range<usize>) -> Option<String> {
    let decorator = find_decorator(ctx, file, span)?;
    let arg = decorator
        .args
        .iter()
        .find(|a| !matches!(a.value, Value::Str(_) | Value::Object(_)))?;
    let source = ctx.file(file)?.text();
    let text = source.get(arg.span.range())?;
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match one_line.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &one_line[..i]),
        None => one_line,
    })
}

fn what(kind: IndexKind) -> &'static str {
    match kind {
        IndexKind::Unique => "constraint",
        IndexKind::UniqueColumn => "column",
        _ => "index",
    }
}

/// Whether a predicate names the soft-delete column (quoted or not).
fn mentions(predicate: &str, column: &str) -> bool {
    let lower = predicate.to_ascii_lowercase();
    let col = column.to_ascii_lowercase();
    lower.contains(&format!("\"{col}\""))
        || lower
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|w| w == col)
}

/// The `unique` key of a column's options, or the decorator.
fn anchor(ctx: &Ctx, file: usize, index: &Index) -> Option<std::ops::Range<usize>> {
    if index.kind != IndexKind::UniqueColumn {
        return None;
    }
    let origin = index.origin.as_ref()?;
    let decorator = find_decorator(ctx, file, &origin.span)?;
    unique_prop(decorator).map(|p| p.key_span.range())
}

fn find_decorator<'a>(
    ctx: &'a Ctx,
    file: usize,
    span: &std::ops::Range<usize>,
) -> Option<&'a Decorator> {
    let source = ctx.file(file)?;
    source.facts.classes.iter().find_map(|c| {
        c.decorators
            .iter()
            .chain(c.properties.iter().flat_map(|p| &p.decorators))
            .find(|d| d.span == *span)
    })
}

fn unique_prop(decorator: &Decorator) -> Option<&Prop> {
    decorator
        .args
        .iter()
        .find_map(|a| a.value.as_object())?
        .iter()
        .find(|p| p.key == "unique")
}

/// TypeORM's `uniqueConstraintName`: `UQ_` + 27 hex digits of sha1(`<table>_<sorted cols>`).
fn unique_constraint_name(table: &str, columns: &[String]) -> String {
    let mut sorted = columns.to_vec();
    sorted.sort();
    let key = format!("{}_{}", table.replacen('.', "_", 1), sorted.join("_"));
    // TypeORM hashes the percent-encoded key (column names with `$` or non-ASCII differ).
    let hex = crate::model::naming::typeorm_hash(&key);
    format!("UQ_{}", hex.get(..27).unwrap_or(&hex))
}

fn fix(ctx: &Ctx, file: usize, entity: &Entity, index: &Index, deleted: &str) -> Option<Fix> {
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors || index.unresolved || index.origin.is_none() {
        return None;
    }
    let title = "Make the unique index partial: `WHERE \"deleted\" IS NULL` (with its migration)"
        .replace("deleted", deleted);
    let mut fix = ctx.fix_safe(title, || {
        build_fix(ctx, file, entity, index, deleted).map(|f| f.changes)
    })?;
    mark_migration(ctx, &mut fix);
    Some(fix)
}

fn build_fix(ctx: &Ctx, file: usize, entity: &Entity, index: &Index, deleted: &str) -> Option<Fix> {
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors || index.unresolved {
        return None;
    }
    let origin = index.origin.as_ref()?;
    let decorator = find_decorator(ctx, file, &origin.span)?;
    if !edits::is_typeorm_decorator(source, decorator) {
        return None; // a wrapper is never replaced by TypeORM's plain decorator
    }
    // A name kept in a constant (`@Index(IDX_NAME, [...])`): we cannot write the migration
    // for an index whose name we do not know.
    if decorator
        .args
        .first()
        .is_some_and(|a| a.value.as_reference().is_some())
    {
        return None;
    }
    let q = '\'';
    let predicate = format!("\"{deleted}\" IS NULL");
    let where_opt = format!("where: {q}{predicate}{q}");
    let property_level = source
        .facts
        .classes
        .iter()
        .flat_map(|c| &c.properties)
        .any(|p| p.decorators.iter().any(|d| d.span == origin.span));
    let mut file_edits = Vec::new();
    match index.kind {
        IndexKind::UniqueColumn => {
            let prop = unique_prop(decorator)?;
            file_edits.push(remove_prop(&source.text(), decorator, prop)?);
            file_edits.push(edits::insert_line_above(
                &source.text(),
                property_start(ctx, file, &origin.span)?,
                &format!("@Index({{ unique: true, {where_opt} }})"),
            ));
        }
        _ => {
            let name = index
                .name
                .as_ref()
                .map(|n| format!("{q}{n}{q}, "))
                .unwrap_or_default();
            let fields = if property_level {
                String::new()
            } else {
                let list: Vec<String> = field_names(decorator)?
                    .iter()
                    .map(|f| format!("{q}{f}{q}"))
                    .collect();
                format!("[{}], ", list.join(", "))
            };
            file_edits.push(TextEdit {
                span: decorator.span.range(),
                new_text: format!("@Index({name}{fields}{{ unique: true, {where_opt} }})"),
            });
        }
    }
    file_edits.extend(edits::ensure_import(source, "typeorm", "Index"));
    let new_name = index
        .name
        .clone()
        .filter(|_| index.kind == IndexKind::Index)
        .unwrap_or_else(|| typeorm_index_name(&entity.table, &index.columns, Some(&predicate)));
    let create_new = Step::Create(IndexSpec::named(
        &entity.table,
        Some(&new_name),
        index.columns.clone(),
        true,
        Some(predicate.clone()),
    ));
    let replace_old = match index.kind {
        IndexKind::Index => {
            let old = index
                .name
                .clone()
                .unwrap_or_else(|| typeorm_index_name(&entity.table, &index.columns, None));
            Step::Drop(IndexSpec::named(
                &entity.table,
                Some(&old),
                index.columns.clone(),
                true,
                None,
            ))
        }
        _ => {
            let cols: Vec<String> = index.columns.iter().map(|c| format!("\"{c}\"")).collect();
            let table = format!("\"{}\"", entity.table.replace('.', "\".\""));
            let old = index
                .name
                .clone()
                .unwrap_or_else(|| unique_constraint_name(&entity.table, &index.columns));
            Step::Raw(
                format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS \"{old}\""),
                format!(
                    "ALTER TABLE {table} ADD CONSTRAINT \"{old}\" UNIQUE ({})",
                    cols.join(", ")
                ),
            )
        }
    };
    // With an explicit index name the new index replaces the old one under the same name.
    let steps = if new_name == index.name.clone().unwrap_or_default() {
        vec![replace_old, create_new]
    } else {
        vec![create_new, replace_old]
    };
    let plan = MigrationPlan {
        name: migration_name("PartialUnique", &entity.table, &index.columns),
        steps,
    };
    let mut changes = vec![FileChange::Edit {
        path: source.path.clone(),
        edits: file_edits,
    }];
    changes.extend(migration_file(ctx, &plan, &source.path));
    let mut fix = Fix::safe(
        "Make the unique index partial: `WHERE \"deleted\" IS NULL` (with its migration)"
            .replace("deleted", deleted),
        changes,
    );
    mark_migration(ctx, &mut fix);
    Some(fix)
}

fn field_names(decorator: &Decorator) -> Option<Vec<String>> {
    for arg in &decorator.args {
        match &arg.value {
            Value::Array(items) => {
                return items
                    .iter()
                    .map(|i| i.value.as_str().map(str::to_string))
                    .collect()
            }
            Value::Arrow { body, .. } => {
                return body
                    .value
                    .as_array()?
                    .iter()
                    .map(|i| {
                        i.value
                            .as_reference()
                            .and_then(|p| p.rsplit('.').next())
                            .map(str::to_string)
                    })
                    .collect()
            }
            _ => {}
        }
    }
    None
}

fn property_start(
    ctx: &Ctx,
    file: usize,
    decorator_span: &std::ops::Range<usize>,
) -> Option<usize> {
    ctx.file(file)?
        .facts
        .classes
        .iter()
        .flat_map(|c| &c.properties)
        .find(|p| p.decorators.iter().any(|d| d.span == *decorator_span))
        .map(|p| p.span.start())
}

/// Removes `unique: true` and its separating comma from an options object.
fn remove_prop(text: &str, decorator: &Decorator, prop: &Prop) -> Option<TextEdit> {
    let start = prop.key_span.start();
    let end = prop.value.span.end();
    let after = text.get(end..decorator.span.end())?;
    let trailing = after.len() - after.trim_start_matches([',', ' ']).len();
    if after.trim_start().starts_with(',') {
        return Some(TextEdit {
            span: start..end + trailing,
            new_text: String::new(),
        });
    }
    let before = text.get(decorator.span.start()..start)?;
    let trimmed = before.trim_end_matches([' ', '\n', '\t', '\r']);
    if trimmed.ends_with(',') {
        let comma = decorator.span.start() + trimmed.len() - 1;
        return Some(TextEdit {
            span: comma..end,
            new_text: String::new(),
        });
    }
    Some(TextEdit {
        span: start..end,
        new_text: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    fn user(decorators: &str, column: &str) -> String {
        format!(
            "import {{ Column, Entity, Unique }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';

@Entity()
{decorators}
export class User extends ManagedEntity {{
  {column}
  email: string;
}}
"
        )
    }

    fn idx003(text: &str) -> Vec<(String, usize, String)> {
        let ws = workspace(&[("src/users/user.entity.ts", text)]);
        lines(&ws, "IDX003")
    }

    #[test]
    fn flags_unique_forms() {
        assert_eq!(idx003(&user("@Unique(['email'])", "@Column()"))[0].1, 5);
        assert_eq!(
            idx003(&user("@Index(['email'], { unique: true })", "@Column()"))[0].1,
            5
        );
        assert_eq!(idx003(&user("", "@Column({ unique: true })"))[0].1, 7);
        assert_eq!(
            idx003(&user("", "@Index({ unique: true })\n  @Column()"))[0].1,
            7
        );
    }

    #[test]
    fn accepts_partial_and_non_soft_deletable() {
        assert!(idx003(&user(
            "@Index(['email'], { unique: true, where: '\"deleted\" IS NULL' })",
            "@Column()"
        ))
        .is_empty());
        assert!(idx003(&user("@Index(['email'])", "@Column()")).is_empty());
        let plain = "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Country {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ unique: true })
  code: string;
}
";
        assert!(idx003(plain).is_empty());
    }

    #[test]
    fn fixes_rewrite_to_a_partial_unique_index() {
        let text = user("@Unique(['email'])", "@Column()");
        let out = assert_fix_is_clean(
            &[("src/users/user.entity.ts", &text)],
            "IDX003",
            "src/users/user.entity.ts",
        );
        assert!(
            out.contains("@Index(['email'], { unique: true, where: '\"deleted\" IS NULL' })"),
            "{out}"
        );
        assert!(out.contains("import { Column, Entity, Unique, Index } from 'typeorm';"));

        let text = user("", "@Column({ length: 200, unique: true })");
        let out = assert_fix_is_clean(
            &[("src/users/user.entity.ts", &text)],
            "IDX003",
            "src/users/user.entity.ts",
        );
        assert!(out.contains("  @Index({ unique: true, where: '\"deleted\" IS NULL' })\n  @Column({ length: 200 })\n  email: string;"), "{out}");
    }

    #[test]
    fn migration_swaps_the_constraint() {
        std::env::set_var("TYPEORM_LSP_MIGRATION_TIMESTAMP", "1700000000000");
        let ws = workspace(&[
            (
                "src/users/user.entity.ts",
                &user("@Unique(['email'])", "@Column()"),
            ),
            crate::rules::testing::PG_DATA_SOURCE,
        ]);
        let (_, other) = fixed(&ws, "IDX003", "src/users/user.entity.ts");
        let Some(crate::finding::FileChange::Create { contents, .. }) = other.first() else {
            panic!("a migration");
        };
        assert!(contents.contains("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS"));
        assert!(contents.contains("WHERE \"deleted\" IS NULL"));
        assert!(contents.contains("ALTER TABLE \"user\" DROP CONSTRAINT IF EXISTS \"UQ_"));
    }

    fn with_service(body: &str) -> Vec<crate::finding::Finding> {
        let entity = user("@Unique(['email'])", "@Column()");
        let service = format!(
            "import {{ Repository, DataSource }} from 'typeorm';
import {{ User }} from 'src/users/user.entity';

export class UserService {{
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly dataSource: DataSource,
  ) {{}}
  async save(email: string) {{
{body}
  }}
}}
"
        );
        let ws = workspace(&[
            ("src/users/user.entity.ts", &entity),
            ("src/users/user.service.ts", &service),
        ]);
        findings(&ws, "IDX003")
    }

    #[test]
    fn an_upsert_on_the_columns_makes_the_fix_editor_only() {
        use crate::finding::Applicability;
        for body in [
            "    await this.users.upsert({ email }, ['email']);",
            "    await this.users.upsert({ email }, { conflictPaths: ['email'], skipUpdateIfNoValuesChanged: true });",
            "    await this.users.upsert({ email }, opts);",
            "    await this.users.createQueryBuilder().insert().values({ email }).orUpdate(['email'], ['email']).execute();",
            "    await this.users.createQueryBuilder().insert().values({ email }).orIgnore().execute();",
            "    await this.dataSource.query('INSERT INTO \"user\" (email) VALUES ($1) ON CONFLICT (\"email\") DO NOTHING', [email]);",
        ] {
            let found = with_service(body);
            assert_eq!(found.len(), 1, "{body}");
            let fix = &found[0].fixes[0];
            assert_eq!(fix.applicability, Applicability::Unsafe, "{body}");
            assert!(found[0].message.contains("ON CONFLICT"), "{}", found[0].message);
            assert!(found[0].message.contains("user.service.ts:"), "{}", found[0].message);
        }
    }

    #[test]
    fn upserts_on_other_columns_or_tables_keep_the_fix_safe() {
        use crate::finding::Applicability;
        for body in [
            "    await this.users.upsert({ email }, ['id']);",
            "    await this.dataSource.query('INSERT INTO orders (email) VALUES ($1) ON CONFLICT (email) DO NOTHING', [email]);",
            "    await this.users.save({ email });",
        ] {
            let found = with_service(body);
            assert_eq!(found[0].fixes[0].applicability, Applicability::Safe, "{body}");
        }
    }

    #[test]
    fn a_wrapper_decorator_is_never_replaced() {
        let text = user("@MultiORMUnique(['email'])", "@Column()").replace(
            "import { Column,",
            "import { MultiORMUnique } from 'src/core/decorators';\nimport { Column,",
        );
        let ws = workspace_with(
            &[("src/users/user.entity.ts", &text)],
            serde_json::from_str(r#"{ "decoratorAliases": { "MultiORMUnique": "Unique" } }"#)
                .unwrap(),
        );
        let found = findings(&ws, "IDX003");
        assert_eq!(found.len(), 1);
        assert!(found[0].fixes.is_empty());
    }

    #[test]
    fn a_column_list_that_is_not_a_literal_is_shown_as_written() {
        let text = user(
            "@Index(process.env.TENANT ? ['tenant', 'email'] : ['email'], { unique: true })",
            "@Column()",
        );
        let found = idx003(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].2.starts_with("Unique index on `user` (columns `process.env.TENANT ? ['tenant', 'email'] : ['email']`)"),
            "{}",
            found[0].2
        );
        let ws = workspace(&[("src/users/user.entity.ts", &text)]);
        assert!(findings(&ws, "IDX003")[0].fixes.is_empty());
        // It may name the soft-delete column: no finding.
        let text = user(
            "@Index(flag ? ['email', 'deleted'] : ['email'], { unique: true })",
            "@Column()",
        );
        assert!(idx003(&text).is_empty());
    }
}
