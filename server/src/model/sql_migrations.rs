//! The schema's history where it is not TypeORM migration classes in TypeScript.
//!
//! - `.sql` migration files: a project whose schema a SQL migration runner makes
//!   (postgrator's `0128.do.create_index.sql`, Flyway's `V3__index.sql`, dbmate) declares
//!   no index on its entities: the indexes are in those files. Replayed in file order
//!   (their names start with a version): `CREATE INDEX`, `DROP INDEX`, the `PRIMARY KEY`
//!   and `UNIQUE` constraints of `CREATE TABLE` (a column's own or the table's) and of
//!   `ALTER TABLE ... ADD`. Undo files (`0128.undo.x.sql`, `x.down.sql`, Flyway's
//!   `U3__x.sql`) are not part of the history.
//! - TypeORM migrations written in JavaScript (Misskey's `migration/1000000000000-Init.js`,
//!   `export class Init1000000000000 { async up(queryRunner) { ... } }`, loaded by a
//!   DataSource glob): typeorm-lsp does not check JavaScript, but their `up` makes indexes
//!   as a TypeScript migration's does, and a new migration must be written beside them,
//!   in their language.
//!
//! Both are read only where the workspace has no TypeORM migration class in TypeScript,
//! so that they are the one history of the schema (a TypeScript project with TypeORM
//! migrations keeps its `.sql` files for something else: ClickHouse, seeds, another
//! service); JavaScript migrations, TypeORM's own, win over `.sql` files.

use super::migration_indexes::{
    create_index, drop_index, migration_statements, unquote, CreatedIndex, Statement,
};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The language of a schema history kept outside TypeORM's TypeScript migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryLanguage {
    Sql,
    JavaScript,
}

/// A schema history kept outside TypeORM's TypeScript migrations: the folder of its first
/// file, and its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptHistory {
    pub folder: PathBuf,
    pub language: HistoryLanguage,
}

/// What a root's script migrations say: the history (None without one), and its index
/// statements, each with its file's folder.
type Read = (Option<ScriptHistory>, Vec<(PathBuf, Statement)>);

/// How long a root's reading stays valid. The model is built again on edits that change
/// its shape; walking the workspace for migration files each time would put a scan on
/// the edit path. A file written since is seen a few seconds later.
const KEPT_FOR: Duration = Duration::from_secs(10);

static READ: Mutex<Option<(PathBuf, Instant, Arc<Read>)>> = Mutex::new(None);

/// The history (None without one) and the index statements of the workspace's script
/// migrations, each with its file's folder. Read again when older than [`KEPT_FOR`] or of
/// another root.
pub(super) fn statements(root: &Path, config: &crate::config::Config) -> Arc<Read> {
    let mut kept = READ.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((at, when, read)) = kept.as_ref() {
        if at == root && when.elapsed() < KEPT_FOR {
            return read.clone();
        }
    }
    let read = Arc::new(read_statements(root, config));
    *kept = Some((root.to_path_buf(), Instant::now(), read.clone()));
    read
}

fn read_statements(root: &Path, config: &crate::config::Config) -> Read {
    let files = crate::discover::migration_folder_files(root, config, &["sql", "js", "mjs", "cjs"]);
    let (sql, js): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|p| p.extension().is_some_and(|e| e == "sql"));
    let js = read_js(js);
    if js.0.is_some() {
        return js;
    }
    read_sql(sql)
}

/// The text of a migration file, or None for one over the source limit (a dump is no
/// migration to replay) or unreadable.
fn read_small(path: &Path) -> Option<String> {
    let too_large = std::fs::metadata(path)
        .map(|m| m.len() > crate::workspace::MAX_FILE_BYTES)
        .unwrap_or(true);
    if too_large {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn read_sql(files: Vec<PathBuf>) -> Read {
    let mut out = Vec::new();
    let history = files
        .first()
        .and_then(|f| f.parent())
        .map(|folder| ScriptHistory {
            folder: folder.to_path_buf(),
            language: HistoryLanguage::Sql,
        });
    for path in files {
        if is_undo(&path) {
            continue;
        }
        let Some(text) = read_small(&path) else {
            continue;
        };
        let folder = path.parent().unwrap_or(&path).to_path_buf();
        for statement in split_statements(&strip_comments(&text)) {
            for s in statement_indexes(statement) {
                out.push((folder.clone(), s));
            }
        }
    }
    (history, out)
}

/// JavaScript files that are TypeORM migrations (a class with `up` and `down` methods),
/// their `up` read as a TypeScript migration's is.
fn read_js(files: Vec<PathBuf>) -> Read {
    let mut out = Vec::new();
    let mut history = None;
    let mut kept = JS_PARSED.lock().unwrap_or_else(|p| p.into_inner());
    let parsed = kept.get_or_insert_with(Default::default);
    parsed.retain(|path, _| files.binary_search(path).is_ok());
    for path in files {
        let Some(stamp) = Stamp::of(&path) else {
            continue;
        };
        let statements = match parsed.get(&path) {
            Some((kept, statements)) if *kept == stamp => statements.clone(),
            _ => {
                let statements = js_migration_statements(&path).map(Arc::new);
                parsed.insert(path.clone(), (stamp, statements.clone()));
                statements
            }
        };
        let Some(statements) = statements else {
            continue;
        };
        let folder = path.parent().unwrap_or(&path).to_path_buf();
        if history.is_none() {
            history = Some(ScriptHistory {
                folder: folder.clone(),
                language: HistoryLanguage::JavaScript,
            });
        }
        out.extend(statements.iter().map(|s| (folder.clone(), s.clone())));
    }
    (history, out)
}

/// A file's size and modification time: its JavaScript is parsed again only when they
/// change (a root is read again every [`KEPT_FOR`] while its model changes shape, and a
/// Misskey-sized history is hundreds of files).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp(u64, Option<std::time::SystemTime>);

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp(meta.len(), meta.modified().ok()))
    }
}

type ParsedJs = std::collections::HashMap<PathBuf, (Stamp, Option<Arc<Vec<Statement>>>)>;

static JS_PARSED: Mutex<Option<ParsedJs>> = Mutex::new(None);

/// The index statements of a JavaScript migration's `up`; None when the file is no
/// migration.
fn js_migration_statements(path: &Path) -> Option<Vec<Statement>> {
    let text = read_small(path)?;
    // Most JavaScript beside migrations (configs, helpers) names no `up`: not parsed.
    if !text.contains("up(") {
        return None;
    }
    let facts = crate::syntax::facts_of_file(path, &text);
    let is_migration = facts
        .classes
        .iter()
        .any(|c| c.method("up").is_some() && c.method("down").is_some());
    if !is_migration {
        return None;
    }
    let text: Arc<str> = Arc::from(text);
    Some(migration_statements(&facts, || text.clone()))
}

/// A migration that reverts another: not part of the schema's history.
fn is_undo(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let flyway_undo = name.starts_with('u')
        && name
            .get(1..2)
            .is_some_and(|c| c.chars().all(|c| c.is_ascii_digit()))
        && name.contains("__");
    flyway_undo
        || [".undo.", ".down.", "_down.", "-down."]
            .iter()
            .any(|m| name.contains(m))
        || name == "down.sql"
}

/// The text without `--` line comments and `/* */` block comments (string literals kept:
/// a `--` inside quotes is text).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '-' && chars.peek() == Some(&'-') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            None if c == '/' && chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for n in chars.by_ref() {
                    if last == '*' && n == '/' {
                        break;
                    }
                    last = n;
                }
                out.push(' ');
            }
            None => out.push(c),
        }
    }
    out
}

/// Statements split at `;` outside quotes and dollar-quoted bodies (`$$ ... $$` of a
/// function or a `DO` block, whose own statements are not the migration's).
fn split_statements(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    let mut quote: Option<u8> = None;
    let mut dollar = false;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if dollar && b == b'$' && bytes.get(i + 1) == Some(&b'$') => {
                dollar = false;
                i += 1;
            }
            None if dollar => {}
            None if b == b'$' && bytes.get(i + 1) == Some(&b'$') => {
                dollar = true;
                i += 1;
            }
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b';' => {
                out.push(text.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            None => {}
        }
        i += 1;
    }
    out.push(text.get(start..).unwrap_or(""));
    out
}

/// What one statement does to the table's indexes.
fn statement_indexes(statement: &str) -> Vec<Statement> {
    if let Some(created) = create_index(statement) {
        return vec![Statement::Create(created)];
    }
    if let Some(name) = drop_index(statement) {
        return vec![Statement::Drop(name)];
    }
    let words: Vec<String> = statement
        .split_whitespace()
        .take(6)
        .map(str::to_ascii_lowercase)
        .collect();
    let starts = |w: &[&str]| words.iter().zip(w).all(|(a, b)| a == b) && words.len() >= w.len();
    if starts(&["create", "table"]) {
        return create_table_constraints(statement);
    }
    if starts(&["alter", "table"]) {
        return added_constraints(statement);
    }
    Vec::new()
}

/// `CREATE TABLE [IF NOT EXISTS] t (a uuid PRIMARY KEY, b text UNIQUE, UNIQUE (c, d))`.
fn create_table_constraints(statement: &str) -> Vec<Statement> {
    let Some(open) = statement.find('(') else {
        return Vec::new();
    };
    let Some(close) = matching_paren(statement, open) else {
        return Vec::new();
    };
    let head: Vec<&str> = statement[..open].split_whitespace().collect();
    let Some(table) = head.last().map(|t| table_name(t)) else {
        return Vec::new();
    };
    let body = statement.get(open + 1..close).unwrap_or("");
    split_top_level(body)
        .into_iter()
        .filter_map(|element| table_element(&table, element.trim()))
        .collect()
}

/// `ALTER TABLE [ONLY] t ADD [CONSTRAINT n] UNIQUE (a, b), ADD COLUMN c text UNIQUE`:
/// the keys its `ADD` actions make.
fn added_constraints(statement: &str) -> Vec<Statement> {
    let words: Vec<&str> = statement.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let mut t = 2;
    if lower.get(t).map(String::as_str) == Some("if") {
        t += 2;
    }
    if lower.get(t).map(String::as_str) == Some("only") {
        t += 1;
    }
    let Some(table) = words.get(t).map(|w| table_name(w)) else {
        return Vec::new();
    };
    let actions = words.get(t + 1..).unwrap_or_default().join(" ");
    let mut out = Vec::new();
    for action in split_top_level(&actions) {
        let mut parts = action.trim().splitn(2, char::is_whitespace);
        let (Some(verb), Some(rest)) = (parts.next(), parts.next()) else {
            continue;
        };
        if !verb.eq_ignore_ascii_case("add") {
            continue;
        }
        out.extend(table_element(&table, rest.trim()));
    }
    out
}

/// A key one element of a table definition declares: a table constraint (`UNIQUE (a, b)`)
/// or a column's own (`email text NOT NULL UNIQUE`, `COLUMN email text UNIQUE`).
fn table_element(table: &str, element: &str) -> Option<Statement> {
    let element = skip_constraint_name(element);
    if let Some(columns) = key_columns(element) {
        return Some(constraint(table, columns));
    }
    let lower = element.to_ascii_lowercase();
    if !(has_words(&lower, &["primary", "key"]) || has_words(&lower, &["unique"])) {
        return None;
    }
    let mut words = element.split_whitespace();
    let first = words.next()?;
    let column = if first.eq_ignore_ascii_case("column") {
        words.next()?
    } else {
        first
    };
    Some(constraint(table, vec![unquote(column)]))
}

/// `PRIMARY KEY (a, b)` / `UNIQUE (a)` at the start of a table element: its columns.
fn key_columns(element: &str) -> Option<Vec<String>> {
    let lower = element.to_ascii_lowercase();
    let after = if let Some(rest) = lower.strip_prefix("primary key") {
        rest
    } else {
        lower.strip_prefix("unique")?
    };
    let rest = after.trim_start();
    if !rest.starts_with('(') {
        return None;
    }
    let offset = element.len() - rest.len();
    let close = matching_paren(element, offset)?;
    let columns: Vec<String> = split_top_level(element.get(offset + 1..close)?)
        .into_iter()
        .map(|c| unquote(c.trim()))
        .collect();
    (!columns.is_empty() && columns.iter().all(|c| is_plain_name(c))).then_some(columns)
}

/// `CONSTRAINT name rest` -> `rest`.
fn skip_constraint_name(element: &str) -> &str {
    let mut words = element.splitn(3, char::is_whitespace);
    match (words.next(), words.next(), words.next()) {
        (Some(c), Some(_), Some(rest)) if c.eq_ignore_ascii_case("constraint") => rest.trim(),
        _ => element,
    }
}

fn constraint(table: &str, columns: Vec<String>) -> Statement {
    Statement::Create(CreatedIndex {
        name: format!("{table}({})", columns.join(",")),
        table: table.to_string(),
        columns,
        complete: true,
    })
}

fn table_name(word: &str) -> String {
    unquote(word.rsplit('.').next().unwrap_or(word)).to_ascii_lowercase()
}

fn has_words(lower: &str, words: &[&str]) -> bool {
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|t| !t.is_empty())
        .collect();
    tokens.windows(words.len()).any(|w| w == words)
}

pub(super) fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The offset of the `)` closing the `(` at `open`.
pub(super) fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.get(open..)?.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `a, lower(b), c` -> `a`, `lower(b)`, `c`: commas outside parentheses.
pub(super) fn split_top_level(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(text.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text.get(start..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(sql: &str) -> Vec<(String, Vec<String>)> {
        split_statements(&strip_comments(sql))
            .into_iter()
            .flat_map(statement_indexes)
            .filter_map(|s| match s {
                Statement::Create(c) => Some((c.table, c.columns)),
                Statement::Drop(_) => None,
            })
            .collect()
    }

    fn cols(table: &str, columns: &[&str]) -> (String, Vec<String>) {
        (
            table.to_string(),
            columns.iter().map(|c| c.to_string()).collect(),
        )
    }

    #[test]
    fn reads_the_keys_a_create_table_declares() {
        let found = tables(
            "-- Type: DO\nCREATE TABLE IF NOT EXISTS app.note_share (\n  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n  owner_id uuid NOT NULL REFERENCES app.account ON DELETE CASCADE,\n  code text NOT NULL UNIQUE,\n  CONSTRAINT note_share_owner_slot UNIQUE (owner_id, slot),\n  CHECK (slot > 0)\n);\nALTER TABLE ONLY app.note_tag ADD CONSTRAINT note_tag_pk PRIMARY KEY (note_id, tag_id);\nALTER TABLE app.tag DROP COLUMN link_id, ADD COLUMN color text, ADD CONSTRAINT tag_name UNIQUE (owner_id, name), ADD COLUMN slug text NOT NULL UNIQUE;",
        );
        assert_eq!(
            found,
            vec![
                cols("note_share", &["id"]),
                cols("note_share", &["code"]),
                cols("note_share", &["owner_id", "slot"]),
                cols("note_tag", &["note_id", "tag_id"]),
                cols("tag", &["owner_id", "name"]),
                cols("tag", &["slug"]),
            ]
        );
    }

    #[test]
    fn function_bodies_and_comments_are_not_statements() {
        let found = tables(
            "/* CREATE INDEX old_idx ON app.note (a); */\nCREATE FUNCTION f() RETURNS trigger AS $$ BEGIN CREATE TABLE tmp (x int UNIQUE); RETURN NEW; END; $$ LANGUAGE plpgsql;\nCREATE INDEX note_owner_idx ON app.note (owner_id, md5(body));",
        );
        assert_eq!(found, vec![cols("note", &["owner_id"])]);
    }

    #[test]
    fn undo_files_are_not_history() {
        for name in [
            "0128.undo.create_index.sql",
            "20240101_add.down.sql",
            "U3__index.sql",
            "down.sql",
        ] {
            assert!(is_undo(Path::new(name)), "{name}");
        }
        for name in ["0128.do.create_index.sql", "V3__index.sql", "up.sql"] {
            assert!(!is_undo(Path::new(name)), "{name}");
        }
    }
}
