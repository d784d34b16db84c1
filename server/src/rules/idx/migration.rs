//! Index fixes come with their migration: the index name TypeORM derives, and the file
//! that creates it (`CREATE INDEX CONCURRENTLY`, outside a transaction).

use super::placement::{placement, registration_change};
use crate::finding::{FileChange, Fix};
use crate::model::naming::{kebab_case, snake_case};
use crate::model::{HistoryLanguage, Origin};
use crate::rules::data_source::{self, Dialect};
use crate::rules::edits;
use crate::rules::Ctx;
use std::path::Path;

/// TypeORM's `DefaultNamingStrategy.indexName`: `IDX_` + the first 26 hex digits of
/// sha1(encodeURIComponent(`<table>_<sorted columns joined by _>[_<where>]`)).
pub fn typeorm_index_name(table: &str, columns: &[String], where_clause: Option<&str>) -> String {
    crate::model::relational::constraint_name("IDX_", 26, table, columns, where_clause)
}

/// One index a migration creates (and its `down` drops).
pub struct IndexSpec {
    pub table: String,
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub where_clause: Option<String>,
}

impl IndexSpec {
    pub fn new(
        table: &str,
        columns: Vec<String>,
        unique: bool,
        where_clause: Option<String>,
    ) -> Self {
        IndexSpec {
            name: typeorm_index_name(table, &columns, where_clause.as_deref()),
            table: table.to_string(),
            columns,
            unique,
            where_clause,
        }
    }

    /// An index with the name its decorator gives it (`@Index('IDX_x', ...)`), or
    /// TypeORM's derived name when it has none.
    pub fn named(
        table: &str,
        name: Option<&str>,
        columns: Vec<String>,
        unique: bool,
        where_clause: Option<String>,
    ) -> Self {
        let mut spec = IndexSpec::new(table, columns, unique, where_clause);
        if let Some(name) = name {
            spec.name = name.to_string();
        }
        spec
    }

    /// `CREATE INDEX` in the dialect's terms: `CONCURRENTLY` (outside a transaction) only
    /// on PostgreSQL; MySQL quotes with backticks and has no `IF NOT EXISTS`; otherwise the
    /// plain statement PostgreSQL and SQLite both accept.
    fn create_sql(&self, dialect: &Dialect) -> String {
        let unique = if self.unique { "UNIQUE " } else { "" };
        let predicate = self
            .where_clause
            .as_ref()
            .map(|w| format!(" WHERE {w}"))
            .unwrap_or_default();
        if is_mysql(dialect) {
            let cols: Vec<String> = self.columns.iter().map(|c| format!("`{c}`")).collect();
            return format!(
                "CREATE {unique}INDEX `{}` ON `{}` ({}){predicate}",
                self.name,
                self.table.replace('.', "`.`"),
                cols.join(", ")
            );
        }
        let cols: Vec<String> = self.columns.iter().map(|c| format!("\"{c}\"")).collect();
        let concurrently = if *dialect == Dialect::Postgres {
            "CONCURRENTLY "
        } else {
            ""
        };
        format!(
            "CREATE {unique}INDEX {concurrently}IF NOT EXISTS \"{}\" ON {} ({}){predicate}",
            self.name,
            quote_table(&self.table),
            cols.join(", ")
        )
    }

    fn drop_sql(&self, dialect: &Dialect) -> String {
        match dialect {
            Dialect::Postgres => format!("DROP INDEX CONCURRENTLY IF EXISTS \"{}\"", self.name),
            d if is_mysql(d) => format!(
                "DROP INDEX `{}` ON `{}`",
                self.name,
                self.table.replace('.', "`.`")
            ),
            _ => format!("DROP INDEX IF EXISTS \"{}\"", self.name),
        }
    }
}

fn is_mysql(dialect: &Dialect) -> bool {
    matches!(dialect, Dialect::Other(d) if d == "mysql" || d == "mariadb")
}

fn quote_table(table: &str) -> String {
    table
        .split('.')
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(".")
}

/// The indexes a migration step creates or drops; the SQL is written for the database
/// the DataSource names when the file is made.
pub struct MigrationPlan {
    /// `AddIndexOrderItemOrderId`: the class name without its timestamp.
    pub name: String,
    pub steps: Vec<Step>,
}

/// One statement of `up` (its reverse goes into `down`).
pub enum Step {
    Create(IndexSpec),
    Drop(IndexSpec),
    /// SQL as written, for both dialects (`up`, `down`).
    Raw(String, String),
}

impl MigrationPlan {
    pub fn create_indexes(name: String, specs: Vec<IndexSpec>) -> Self {
        MigrationPlan {
            name,
            steps: specs.into_iter().map(Step::Create).collect(),
        }
    }

    /// The reverse: `up` drops the indexes, `down` recreates them as they were.
    pub fn drop_indexes(name: String, specs: Vec<IndexSpec>) -> Self {
        MigrationPlan {
            name,
            steps: specs.into_iter().map(Step::Drop).collect(),
        }
    }

    pub fn up(&self, dialect: &Dialect) -> Vec<String> {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Create(spec) => spec.create_sql(dialect),
                Step::Drop(spec) => spec.drop_sql(dialect),
                Step::Raw(up, _) => up.clone(),
            })
            .collect()
    }

    /// The steps undone in reverse order.
    pub fn down(&self, dialect: &Dialect) -> Vec<String> {
        self.steps
            .iter()
            .rev()
            .map(|s| match s {
                Step::Create(spec) => spec.drop_sql(dialect),
                Step::Drop(spec) => spec.create_sql(dialect),
                Step::Raw(_, down) => down.clone(),
            })
            .collect()
    }
}

/// Milliseconds since the epoch, or `TYPEORM_LSP_MIGRATION_TIMESTAMP` (tests, snapshots).
pub fn timestamp() -> u128 {
    if let Some(t) = std::env::var("TYPEORM_LSP_MIGRATION_TIMESTAMP")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return t;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

/// The `FileChange`s of a migration about the entity declared in `near`: the file (in
/// the folder [`placement`] picks, with a header saying where and why, and for which
/// database), then the edit that registers its class where the project lists its
/// migrations, if it does. Mark the fix with [`mark_migration`].
pub fn migration_file(ctx: &Ctx, plan: &MigrationPlan, near: &Path) -> Vec<FileChange> {
    if history_elsewhere(ctx).is_some() {
        return Vec::new();
    }
    let ts = timestamp();
    let class = format!("{}{ts}", plan.name);
    let file_name = format!("{ts}-{}.ts", kebab_case(&plan.name));
    let place = placement(ctx, near);
    let database = data_source::database(ctx, near);
    let dialect = &database.dialect;
    let body = |stmts: &[String]| {
        stmts
            .iter()
            .map(|s| {
                format!(
                    "    await queryRunner.query(`{}`);\n",
                    s.replace('\\', "\\\\")
                        .replace('`', "\\`")
                        .replace("${", "\\${")
                )
            })
            .collect::<String>()
    };
    let (db_note, transaction) = match dialect {
        Dialect::Postgres => (
            format!(
                "// PostgreSQL ({}): CREATE/DROP INDEX CONCURRENTLY does not block writes, and cannot run inside a transaction.\n  ",
                database.why
            ),
            "public transaction = false;\n\n  ",
        ),
        Dialect::Other(name) => (
            format!(
                "// Database {name} ({}): no CONCURRENTLY there.\n  ",
                database.why
            ),
            "",
        ),
        Dialect::Unknown => (
            format!(
                "// Database unknown ({}): plain CREATE INDEX, valid everywhere. On PostgreSQL,\n  \
                 // add CONCURRENTLY and `public transaction = false;` to build it without blocking writes.\n  ",
                database.why
            ),
            "",
        ),
    };
    let contents = format!(
        "import {{ MigrationInterface, QueryRunner }} from 'typeorm';\n\n\
         // Written here because {}.\n\
         export class {class} implements MigrationInterface {{\n  \
         name = '{class}';\n  \
         {db_note}{transaction}\
         public async up(queryRunner: QueryRunner): Promise<void> {{\n{}  }}\n\n  \
         public async down(queryRunner: QueryRunner): Promise<void> {{\n{}  }}\n}}\n",
        place.why,
        body(&plan.up(dialect)),
        body(&plan.down(dialect))
    );
    let path = place.dir.join(file_name);
    let mut changes = vec![FileChange::Create {
        path: path.clone(),
        contents,
    }];
    if let Some(reg) = &place.registration {
        changes.extend(registration_change(ctx, reg, &class, &path));
    }
    changes
}

/// The language of the project's schema history where a TypeScript migration would be
/// the wrong file: `.sql` files of its own runner (a TypeORM migration would never run
/// there: no DataSource lists one, no migration class, no `migrationsDir` setting), or
/// TypeORM migrations written in JavaScript (no TypeScript migration beside them, no
/// `migrationsDir` setting). [`migration_file`] then writes none.
fn history_elsewhere(ctx: &Ctx) -> Option<HistoryLanguage> {
    if ctx.model.migrations_folder.is_some() || ctx.config.migrations_dir.is_some() {
        return None;
    }
    let history = ctx.model.script_history.as_ref()?;
    let listed =
        || data_source::options(ctx).any(|(_, o)| o.options.value.get("migrations").is_some());
    match history.language {
        HistoryLanguage::Sql if listed() => None,
        language => Some(language),
    }
}

/// Marks a fix built with [`migration_file`]: it creates a migration, and its edits after
/// the migration's creation register the class (made only when the migration is written).
pub fn mark_migration(ctx: &Ctx, fix: &mut Fix) {
    if let Some(language) = history_elsewhere(ctx) {
        // No migration written: the index goes in the project's own, by hand.
        let by_hand = match language {
            HistoryLanguage::Sql => " (and to the project's SQL migrations, by hand)",
            HistoryLanguage::JavaScript => " (and to the project's JavaScript migrations, by hand)",
        };
        fix.title = fix.title.replace(" (with its migration)", by_hand);
        return;
    }
    fix.creates_migration = true;
    let created = fix
        .changes
        .iter()
        .position(|c| matches!(c, FileChange::Create { .. }));
    if let Some(created) = created {
        fix.migration_edits = fix
            .changes
            .iter()
            .skip(created + 1)
            .filter(|c| matches!(c, FileChange::Edit { .. }))
            .map(|c| c.path().clone())
            .collect();
    }
}

/// The fix shared by IDX001 and IDX002: `@Index()` above the property declared at
/// `origin` (with the `Index` import), and the migration that creates the index in every
/// table that gets it (several when the property is on a base class). None when the
/// declaring file has syntax errors or the property is not in a class.
pub fn add_index_fix(
    ctx: &Ctx,
    origin: &Origin,
    property: &str,
    tables: &[&str],
    columns: &[String],
    title: String,
) -> Option<Fix> {
    let table = *tables.first()?;
    let source = ctx.file(origin.file)?;
    if source.facts.has_syntax_errors {
        return None;
    }
    let class = source.facts.classes.get(origin.class?)?;
    let prop = class.property(property)?;
    let mut fix = ctx.fix_safe(title, || {
        let mut edits = vec![edits::insert_line_above(
            &source.text(),
            prop.span.start(),
            "@Index()",
        )];
        edits.extend(edits::ensure_import(source, "typeorm", "Index"));
        let specs: Vec<IndexSpec> = tables
            .iter()
            .map(|t| IndexSpec::new(t, columns.to_vec(), false, None))
            .collect();
        let plan = MigrationPlan::create_indexes(migration_name("AddIndex", table, columns), specs);
        let mut changes = vec![FileChange::Edit {
            path: source.path.clone(),
            edits,
        }];
        changes.extend(migration_file(ctx, &plan, &source.path));
        Some(changes)
    })?;
    mark_migration(ctx, &mut fix);
    Some(fix)
}

/// `AddIndexOrderItemCustomerId` from a table and columns.
pub fn migration_name(verb: &str, table: &str, columns: &[String]) -> String {
    let words = std::iter::once(table.to_string())
        .chain(columns.iter().cloned())
        .map(|w| snake_case(&w.replace('.', "_")))
        .collect::<Vec<_>>()
        .join("_");
    let pascal: String = words
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    format!("{verb}{pascal}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::naming::encode_uri_component;
    use sha1::{Digest, Sha1};

    #[test]
    fn index_name_matches_typeorm() {
        // `echo -n post_authorId | sha1sum`, first 26 hex digits.
        assert_eq!(
            typeorm_index_name("post", &["authorId".into()], None),
            "IDX_c6fb082a3114f35d0cc27c518e"
        );
        assert_eq!(
            typeorm_index_name("post", &["b".into(), "a".into()], None),
            typeorm_index_name("post", &["a".into(), "b".into()], None)
        );
        // TypeORM hashes the percent-encoded key (checked against TypeORM 0.3.31).
        assert_eq!(
            typeorm_index_name("post", &["a".into()], Some("\"deleted\" IS NULL")),
            "IDX_1bcffc67dbc9a2601268c5cc0f"
        );
    }

    #[test]
    fn index_names_hash_the_percent_encoded_key() {
        assert_eq!(
            encode_uri_component("a_\"deleted\" IS NULL"),
            "a_%22deleted%22%20IS%20NULL"
        );
        assert_eq!(encode_uri_component("é(x)*"), "%C3%A9(x)*");
        // sha1("post_authorId_%22deleted%22%20IS%20NULL"), first 26 hex digits.
        let key = "post_authorId_%22deleted%22%20IS%20NULL";
        let hex: String = Sha1::digest(key.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            typeorm_index_name("post", &["authorId".into()], Some("\"deleted\" IS NULL")),
            format!("IDX_{}", &hex[..26])
        );
    }

    #[test]
    fn drop_migrations_recreate_the_index_in_down() {
        let spec = IndexSpec::named("post", Some("IDX_custom"), vec!["a".into()], false, None);
        let plan = MigrationPlan::drop_indexes("DropIndexPostA".into(), vec![spec]);
        let pg = Dialect::Postgres;
        assert_eq!(
            plan.up(&pg),
            ["DROP INDEX CONCURRENTLY IF EXISTS \"IDX_custom\""]
        );
        assert_eq!(
            plan.down(&pg),
            ["CREATE INDEX CONCURRENTLY IF NOT EXISTS \"IDX_custom\" ON \"post\" (\"a\")"]
        );
        assert_eq!(
            plan.down(&Dialect::Unknown),
            ["CREATE INDEX IF NOT EXISTS \"IDX_custom\" ON \"post\" (\"a\")"]
        );
        let mysql = Dialect::Other("mysql".into());
        assert_eq!(plan.up(&mysql), ["DROP INDEX `IDX_custom` ON `post`"]);
        assert_eq!(
            plan.down(&mysql),
            ["CREATE INDEX `IDX_custom` ON `post` (`a`)"]
        );
    }

    #[test]
    fn migration_names_are_pascal_case() {
        assert_eq!(
            migration_name("AddIndex", "order_item", &["customerId".into()]),
            "AddIndexOrderItemCustomerId"
        );
    }
}
