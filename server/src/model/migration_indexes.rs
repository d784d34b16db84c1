//! Indexes the migrations make. Two uses:
//! - Indexes TypeORM is told not to manage (`@Index('IDX_x', { synchronize: false })` on
//!   the class, the documented way to keep an index it cannot express) have no columns in
//!   the code; the migration that creates them has. They get their columns from it, so
//!   they cover what they cover instead of silencing every foreign-key check.
//! - Indexes only a migration declares (`CREATE INDEX "idx_chat_flow_workspaceId" ON
//!   "chat_flow" ("workspaceId")`, written by hand, no `@Index` on the entity) exist in
//!   the database all the same: they are kept by table ([`Model::migration_indexes`]) for
//!   the rules that ask whether an index serves a key or a filter. A later migration's
//!   `DROP INDEX` of the same name removes one.

use super::{IndexKind, Model};
use crate::syntax::FileFacts;
use std::collections::HashMap;
use std::sync::Arc;

/// One `CREATE INDEX` of a migration: its name, table (lower-cased, schema left out) and
/// the plain columns it leads with (no partial index). `complete` is false where an
/// expression follows them (`(user_id, md5(url))`): such an index serves lookups on its
/// leading columns, but is not the index an entity's column list describes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct CreatedIndex {
    pub(super) name: String,
    pub(super) table: String,
    pub(super) columns: Vec<String>,
    pub(super) complete: bool,
}

/// What a migration statement does to an index.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Statement {
    Create(CreatedIndex),
    Drop(String),
}

/// The indexes the workspace's migrations leave, by folder and name, in the order of the
/// migration files (their paths start with a timestamp). Each folder is a history of its
/// own: projects keep one per database (`migrations/postgres/`, `migrations/sqlite/`),
/// with the same index names.
///
/// Where some migrations are in a folder named for no particular database, the folders
/// named for one other than PostgreSQL (`migrations/mysql/`, `planetscale/`) are left
/// out: their indexes are not in the PostgreSQL database the rules judge.
fn created_in_migrations(
    model: &Model,
    sql: Vec<(std::path::PathBuf, Statement)>,
) -> HashMap<std::path::PathBuf, HashMap<String, CreatedIndex>> {
    let mut out = HashMap::new();
    let migrations: Vec<&super::SourceFile> = model
        .files
        .iter()
        .filter(|f| f.facts.has_migration())
        .map(|f| &**f)
        .collect();
    let other_database =
        |f: &super::SourceFile| f.path.parent().and_then(super::driver_folder).is_some();
    let any_neutral = migrations.iter().any(|f| !other_database(f));
    for file in migrations {
        if any_neutral && other_database(file) {
            continue;
        }
        // The folder is looked up once per file (hashing a path per statement cost
        // ever-gauzy's migrations 120M instructions).
        let folder = file.path.parent().unwrap_or(&file.path);
        let indexes: &mut HashMap<String, CreatedIndex> =
            out.entry(folder.to_path_buf()).or_default();
        for statement in index_statements(file) {
            replay(indexes, statement);
        }
    }
    let any_neutral = sql
        .iter()
        .any(|(folder, _)| super::driver_folder(folder).is_none());
    for (folder, statement) in sql {
        if !(any_neutral && super::driver_folder(&folder).is_some()) {
            replay(out.entry(folder).or_default(), statement);
        }
    }
    out
}

/// Applies one statement to the indexes of a migrations folder.
fn replay(indexes: &mut HashMap<String, CreatedIndex>, statement: Statement) {
    match statement {
        Statement::Create(index) => {
            indexes.insert(index.name.clone(), index);
        }
        Statement::Drop(name) => {
            indexes.remove(&name);
        }
    }
}

/// The index statements of a migration file's `up`, in order (`down` undoes them): SQL
/// passed to `query`, and TypeORM's `QueryRunner` API (`createIndex`, `createTable`...).
fn index_statements(file: &super::SourceFile) -> Vec<Statement> {
    // The text is read again (from disk, where a check let it go) only where needed.
    migration_statements(&file.facts, || file.text())
}

/// [`index_statements`] of a migration's facts; `text` is asked for only when the
/// migration uses the `QueryRunner` index API.
pub(super) fn migration_statements(
    facts: &FileFacts,
    text: impl FnOnce() -> Arc<str>,
) -> Vec<Statement> {
    let mut out = sql_statements(facts);
    if facts.mentions_index_api {
        out.extend(super::migration_api::api_statements(&text()));
        // A stable sort keeps the statements of one `query` call in their order.
        out.sort_by_key(|(at, _)| *at);
    }
    out.into_iter().map(|(_, s)| s).collect()
}

/// The index statements of the SQL of `query` calls in `up`, with the call's offset.
fn sql_statements(facts: &FileFacts) -> Vec<(usize, Statement)> {
    let mut out = Vec::new();
    for call in facts
        .query_calls
        .iter()
        .filter(|c| c.method == "query" && c.enclosing_function.as_deref() != Some("down"))
    {
        let Some(sql) = call.args.first().and_then(|a| a.value.as_str()) else {
            continue;
        };
        let at = call.span.start();
        for statement in sql.split(';') {
            if let Some(created) = create_index(statement) {
                out.push((at, Statement::Create(created)));
            } else if let Some(name) = drop_index(statement).or_else(|| drop_constraint(statement))
            {
                out.push((at, Statement::Drop(name)));
            } else {
                out.extend(
                    table_key_indexes(statement)
                        .into_iter()
                        .map(|c| (at, Statement::Create(c))),
                );
            }
        }
    }
    out
}

/// What a migration file says about indexes, for the model's shape: an edit that changes
/// it rebuilds the model.
pub fn shape_of(file: &super::SourceFile) -> Vec<String> {
    if !file.facts.has_migration() {
        return Vec::new();
    }
    index_statements(file)
        .into_iter()
        .map(|s| format!("{s:?}"))
        .collect()
}

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] "name" ON [ONLY] table
/// [USING method] (a, "b")`.
pub(super) fn create_index(statement: &str) -> Option<CreatedIndex> {
    // Most statements of a migration create tables or alter them: they are told apart by
    // their first word before any word list is built.
    if !first_word_is(statement, "create") {
        return None;
    }
    let open = statement.find('(')?;
    let close = super::sql_migrations::matching_paren(statement, open)?;
    let head: Vec<&str> = statement.get(..open)?.split_whitespace().collect();
    // Keywords in any case, compared in place (no lower-cased copy of every word).
    let is = |i: usize, keyword: &str| head.get(i).is_some_and(|w| w.eq_ignore_ascii_case(keyword));
    let mut i = 0;
    if !is(i, "create") {
        return None;
    }
    i += 1;
    if is(i, "unique") {
        i += 1;
    }
    if !is(i, "index") {
        return None;
    }
    i += 1;
    if is(i, "concurrently") {
        i += 1;
    }
    if is(i, "if") && is(i + 1, "not") && is(i + 2, "exists") {
        i += 3;
    }
    // `CREATE INDEX ON t (a)`: PostgreSQL names it; it is known here by table and columns
    let unnamed = is(i, "on");
    let name = if unnamed {
        String::new()
    } else {
        unquote(head.get(i)?)
    };
    if !unnamed && (!is(i + 1, "on") || name.is_empty()) {
        return None;
    }
    let mut t = if unnamed { i + 1 } else { i + 2 };
    if is(t, "only") {
        t += 1;
    }
    // GIN, GiST, BRIN...: no equality lookup on a key uses them as a B-tree is used.
    if let Some(u) = head.iter().position(|w| w.eq_ignore_ascii_case("using")) {
        if !is(u + 1, "btree") && !is(u + 1, "hash") {
            return None;
        }
    }
    let table = head
        .get(t)
        .map(|t| unquote(t.rsplit('.').next().unwrap_or(t)).to_ascii_lowercase())
        .unwrap_or_default();
    // A partial index: its predicate decides what it serves; left unread.
    let rest = statement.get(close + 1..)?.to_ascii_lowercase();
    if rest.contains("where") {
        return None;
    }
    // The plain columns the index leads with (`user_id`, `"savedAt" DESC NULLS LAST`),
    // up to the first expression or operator class.
    let elements = super::sql_migrations::split_top_level(statement.get(open + 1..close)?);
    let mut columns = Vec::new();
    for element in &elements {
        let mut words = element.split_whitespace();
        let column = unquote(words.next().unwrap_or(""));
        let ordering = words.all(|w| {
            ["asc", "desc", "nulls", "first", "last"].contains(&w.to_ascii_lowercase().as_str())
        });
        if !ordering || !super::sql_migrations::is_plain_name(&column) {
            break;
        }
        columns.push(column);
    }
    if columns.is_empty() {
        return None;
    }
    let name = if unnamed {
        format!("{table}({})", columns.join(","))
    } else {
        name
    };
    Some(CreatedIndex {
        name,
        table,
        complete: columns.len() == elements.len(),
        columns,
    })
}

/// `ALTER TABLE t ... ADD [CONSTRAINT c] PRIMARY KEY (a, b)` or `... UNIQUE (a, b)`: the
/// database builds an index for each such key (a hand-written migration that moves a
/// table's primary key to `(round, public_key)` gives it one leading with `round`).
/// Column-level keys (`ADD COLUMN id int PRIMARY KEY`) are left unread.
pub(super) fn table_key_indexes(statement: &str) -> Vec<CreatedIndex> {
    let mut out = Vec::new();
    if !first_word_is(statement, "alter") {
        return out;
    }
    let words: Vec<&str> = statement.split_whitespace().take(6).collect();
    let is = |i: usize, k: &str| words.get(i).is_some_and(|w| w.eq_ignore_ascii_case(k));
    if !is(1, "table") {
        return out;
    }
    let mut t = 2;
    if is(t, "if") && is(t + 1, "exists") {
        t += 2;
    }
    if is(t, "only") {
        t += 1;
    }
    let Some(table) = words.get(t) else {
        return out;
    };
    let table = unquote(table.rsplit('.').next().unwrap_or(table)).to_ascii_lowercase();
    let lower = statement.to_ascii_lowercase();
    for keyword in ["primary key", "unique"] {
        for (at, _) in lower.match_indices(keyword) {
            let after = at + keyword.len();
            let Some(rest) = statement.get(after..) else {
                continue;
            };
            let open = after + (rest.len() - rest.trim_start().len());
            if statement.get(open..open + 1) != Some("(") {
                continue;
            }
            let Some(close) = super::sql_migrations::matching_paren(statement, open) else {
                continue;
            };
            let Some(list) = statement.get(open + 1..close) else {
                continue;
            };
            let columns: Vec<String> = super::sql_migrations::split_top_level(list)
                .iter()
                .map(|c| unquote(c.trim()))
                .collect();
            if columns.is_empty()
                || !columns
                    .iter()
                    .all(|c| super::sql_migrations::is_plain_name(c))
            {
                continue;
            }
            // `ADD CONSTRAINT "UQ_x" UNIQUE (...)`: a later `DROP CONSTRAINT "UQ_x"` names it.
            let before: Vec<&str> = statement
                .get(..at)
                .unwrap_or("")
                .split_whitespace()
                .rev()
                .take(2)
                .collect();
            let name = match before.as_slice() {
                [name, constraint] if constraint.eq_ignore_ascii_case("constraint") => {
                    unquote(name)
                }
                _ => format!("{table}({})", columns.join(",")),
            };
            out.push(CreatedIndex {
                name,
                table: table.clone(),
                columns,
                complete: true,
            });
        }
    }
    out
}

/// `ALTER TABLE t DROP CONSTRAINT [IF EXISTS] "name"`: the name (the key's index goes
/// with it).
pub(super) fn drop_constraint(statement: &str) -> Option<String> {
    if !first_word_is(statement, "alter") {
        return None;
    }
    let words: Vec<&str> = statement.split_whitespace().collect();
    let at = words.windows(2).position(|w| {
        w[0].eq_ignore_ascii_case("drop") && w[1].eq_ignore_ascii_case("constraint")
    })?;
    let mut i = at + 2;
    if words.get(i).is_some_and(|w| w.eq_ignore_ascii_case("if")) {
        i += 2;
    }
    let name = unquote(words.get(i)?.trim_end_matches([',', ';']));
    (!name.is_empty()).then_some(name)
}

/// `DROP INDEX [CONCURRENTLY] [IF EXISTS] ["schema".]"name"`: the name.
pub(super) fn drop_index(statement: &str) -> Option<String> {
    if !first_word_is(statement, "drop") {
        return None;
    }
    // The name is at most the sixth word.
    let words: Vec<&str> = statement.split_whitespace().take(6).collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let at = |i: usize| lower.get(i).map(String::as_str);
    if at(0) != Some("drop") || at(1) != Some("index") {
        return None;
    }
    let mut i = 2;
    if at(i) == Some("concurrently") {
        i += 1;
    }
    if at(i) == Some("if") && at(i + 1) == Some("exists") {
        i += 2;
    }
    let name = words.get(i)?;
    let name = unquote(name.rsplit('.').next().unwrap_or(name));
    (!name.is_empty()).then_some(name)
}

/// Whether the statement's first word is `word` (lower case), in any case.
fn first_word_is(statement: &str, word: &str) -> bool {
    statement
        .split_whitespace()
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
}

pub(super) fn unquote(s: &str) -> String {
    s.trim_matches(|c| c == '"' || c == '`').to_string()
}

/// The migrations' indexes kept by table, then the unsynchronized named indexes without
/// columns given the columns their migration names. `sql` holds the statements of the
/// workspace's `.sql` migrations (see [`super::sql_migrations`]).
pub fn resolve(model: &mut Model, sql: Vec<(std::path::PathBuf, Statement)>) {
    let created = created_in_migrations(model, sql);
    let mut by_table: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for (name, index) in created.into_values().flatten() {
        by_table
            .entry(index.table.clone())
            .or_default()
            .push(index.columns.clone());
        if index.complete {
            by_name.insert(name, index.columns);
        }
    }
    model.migration_indexes = Arc::new(by_table);
    model.migration_index_names = Arc::new(by_name);
    name_unsynchronized(model);
}

/// Gives the unsynchronized named indexes without columns the columns their migration
/// names. After an edit that kept every file's shape this is all that is needed: the
/// migrations' index statements are the ones read at the last build (re-reading every
/// migration's SQL on each edit cost ever-gauzy's edits 55 ms).
pub fn name_unsynchronized(model: &mut Model) {
    let created = model.migration_index_names.clone();
    if created.is_empty() {
        return;
    }
    for entity in model.entities.iter_mut() {
        let found = entity.indexes.iter().any(|i| {
            i.kind == IndexKind::Index
                && i.columns.is_empty()
                && i.name.as_ref().is_some_and(|n| created.contains_key(n))
        });
        if !found {
            continue;
        }
        for index in Arc::make_mut(entity).indexes.iter_mut() {
            if !index.columns.is_empty() || index.kind != IndexKind::Index {
                continue;
            }
            if let Some(columns) = index.name.as_ref().and_then(|n| created.get(n)) {
                index.columns = columns.clone();
                index.unresolved = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created(name: &str, table: &str, columns: &[&str]) -> Option<CreatedIndex> {
        Some(CreatedIndex {
            name: name.into(),
            table: table.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            complete: true,
        })
    }

    #[test]
    fn reads_plain_create_index_statements() {
        assert_eq!(
            create_index(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"IDX_a\" ON \"post\" (\"auditOwnerid\", id)"
            ),
            created("IDX_a", "post", &["auditOwnerid", "id"])
        );
        assert_eq!(
            create_index("create unique index `IDX_b` on `t` (`x`)"),
            created("IDX_b", "t", &["x"])
        );
        assert_eq!(
            create_index(
                "CREATE INDEX IF NOT EXISTS \"IDX_f\" ON \"public\".\"Chat_Message\" USING btree (\"chatflowid\")"
            ),
            created("IDX_f", "chat_message", &["chatflowid"])
        );
        assert_eq!(
            create_index("CREATE INDEX \"IDX_c\" ON t (lower(email))"),
            None
        );
        assert_eq!(
            create_index("CREATE INDEX \"IDX_d\" ON t USING gin (doc jsonb_path_ops)"),
            None
        );
        assert_eq!(
            create_index("CREATE INDEX \"IDX_g\" ON t USING gin (tags)"),
            None
        );
        assert_eq!(create_index("DROP INDEX \"IDX_a\""), None);
        assert_eq!(
            create_index("CREATE INDEX \"IDX_e\" ON t (a) WHERE b IS NULL"),
            None
        );
        // an expression after plain columns: the index still leads with them
        let mut leading = created("item_key", "item", &["user_id"]);
        if let Some(index) = leading.as_mut() {
            index.complete = false;
        }
        assert_eq!(
            create_index("CREATE UNIQUE INDEX item_key ON app.item (user_id, md5(url))"),
            leading
        );
        assert_eq!(
            create_index("CREATE INDEX ON app.usage (user_id)"),
            created("usage(user_id)", "usage", &["user_id"])
        );
        assert_eq!(
            create_index("CREATE INDEX item_saved ON app.item(user_id, saved_at DESC NULLS LAST)"),
            created("item_saved", "item", &["user_id", "saved_at"])
        );
    }

    #[test]
    fn reads_table_keys_an_alter_table_adds() {
        let keys = table_key_indexes(
            "ALTER TABLE ledgers DROP COLUMN id, ADD PRIMARY KEY (period, account_key)",
        );
        assert_eq!(
            keys.first().cloned(),
            created(
                "ledgers(period,account_key)",
                "ledgers",
                &["period", "account_key"]
            )
        );
        let keys = table_key_indexes(
            "ALTER TABLE \"public\".\"vote\" ADD CONSTRAINT \"UQ_vote\" UNIQUE (\"pollId\", \"userId\")",
        );
        assert_eq!(
            keys.first().map(|k| k.columns.clone()),
            Some(vec!["pollId".to_string(), "userId".to_string()])
        );
        assert_eq!(keys.first().map(|k| k.table.as_str()), Some("vote"));
        assert_eq!(keys.first().map(|k| k.name.as_str()), Some("UQ_vote"));
        assert_eq!(
            drop_constraint("ALTER TABLE \"vote\" DROP CONSTRAINT \"UQ_vote\"").as_deref(),
            Some("UQ_vote")
        );
        assert_eq!(drop_constraint("ALTER TABLE vote DROP COLUMN x"), None);
        // Column-level keys and other statements are not read.
        assert!(table_key_indexes("ALTER TABLE t ADD COLUMN id serial PRIMARY KEY").is_empty());
        assert!(table_key_indexes("ALTER TABLE t ADD COLUMN code text UNIQUE").is_empty());
        assert!(table_key_indexes("UPDATE t SET unique_key = (1)").is_empty());
    }

    #[test]
    fn reads_drop_index_statements() {
        assert_eq!(
            drop_index("DROP INDEX IF EXISTS \"public\".\"IDX_a\""),
            Some("IDX_a".into())
        );
        assert_eq!(
            drop_index("drop index concurrently idx_b"),
            Some("idx_b".into())
        );
        assert_eq!(drop_index("DROP TABLE t"), None);
        assert_eq!(
            drop_index("\n  Drop\tINDEX IF EXISTS \"s\".\"IDX_c\" CASCADE extra words"),
            Some("IDX_c".into())
        );
        assert_eq!(drop_index("ALTER TABLE t DROP INDEX idx"), None);
    }

    /// Statements told apart by their first word alone: any case, any leading space, and a
    /// `(` glued to the first word.
    #[test]
    fn statements_are_told_apart_by_their_first_word() {
        assert_eq!(
            create_index("\n\t Create UNIQUE Index \"IDX_h\" On t (a)"),
            created("IDX_h", "t", &["a"])
        );
        assert_eq!(create_index("CREATE(INDEX \"IDX_i\" ON t (a))"), None);
        assert_eq!(create_index("ALTER TABLE t ADD CONSTRAINT c (a)"), None);
        assert_eq!(create_index("recreate INDEX \"IDX_j\" ON t (a)"), None);
        assert_eq!(create_index(""), None);
        assert_eq!(drop_index(""), None);
        assert!(first_word_is("  CREATE x", "create"));
        assert!(!first_word_is("CREATEx", "create"));
    }
}
