//! # MIG003: blocking-index-migration
//!
//! ## What it does
//! In a migration's `up`, flags the SQL passed to `queryRunner.query(...)` (a string, a
//! template literal, or a `const` holding one) when it
//! - runs `CREATE [UNIQUE] INDEX` without `CONCURRENTLY` on a table that the same `up`
//!   does not create (an existing table, with rows and traffic), or
//! - runs `CREATE INDEX CONCURRENTLY` in a migration without `transaction = false`.
//!
//! ## Why is this bad?
//! A plain `CREATE INDEX` holds a lock that blocks every write to the table until the
//! index is built: minutes on a big table, an outage for the application. `CONCURRENTLY`
//! builds it without blocking writes, but PostgreSQL refuses it inside a transaction
//! block, and TypeORM wraps each migration in one unless the class sets
//! `transaction = false`: the migration then fails at deploy time.
//!
//! ## Example
//! ```ts
//! export class AddOrderIndex1700000000000 implements MigrationInterface {
//!   public async up(queryRunner: QueryRunner): Promise<void> {
//!     await queryRunner.query(`CREATE INDEX "IDX_order_status" ON "order" ("status")`);
//!   }
//! }
//! ```
//!
//! ## Fix
//! ```ts
//! export class AddOrderIndex1700000000000 implements MigrationInterface {
//!   public transaction = false;
//!
//!   public async up(queryRunner: QueryRunner): Promise<void> {
//!     await queryRunner.query(`CREATE INDEX CONCURRENTLY "IDX_order_status" ON "order" ("status")`);
//!   }
//! }
//! ```
//! Adding `CONCURRENTLY` also adds `public transaction = false;` when the class lacks it
//! (or sets `transaction = true`); the second case gets that line alone. No fix where the
//! query string holds other statements too: PostgreSQL runs them as one transaction, in
//! which `CONCURRENTLY` is an error (the index needs a query of its own first).

use crate::finding::{Applicability, Finding, Fix, Severity, Span, TextEdit};
use crate::model::{EntityKind, SourceFile};
use crate::rules::{edits, Ctx, RuleDef};
use crate::syntax::{ClassFact, QueryCall, Value};

pub const RULE: RuleDef = RuleDef {
    code: "MIG003",
    name: "blocking-index-migration",
    summary: "CREATE INDEX without CONCURRENTLY on an existing table, or CONCURRENTLY inside a transaction.",
    default_severity: Severity::Info,
    check,
};

/// One SQL argument of a `query` call in `up`: where it is reported, and the literal
/// (in this file) that holds its text.
struct SqlArg {
    report_span: Span,
    literal_span: Span,
}

/// A `CREATE INDEX` statement: where its `INDEX` keyword ends (raw offset in the literal),
/// whether it says `CONCURRENTLY`, and its table.
#[derive(Debug, PartialEq)]
struct IndexStatement {
    index_end: usize,
    concurrently: bool,
    table: Option<String>,
}

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let Some(source) = ctx.file(file) else {
        return;
    };
    let mut migrations = source.facts.classes.iter().filter(|c| c.is_migration());
    // Most files hold no migration: ask about the DataSource (which reads package.json
    // files and every DataSource of the workspace) only for those that do.
    let Some(first) = migrations.next() else {
        return;
    };
    if !may_be_postgres(ctx, &ctx.path(file)) {
        return; // CONCURRENTLY is PostgreSQL's: MySQL and SQLite reject it
    }
    for class in std::iter::once(first).chain(migrations) {
        check_class(ctx, source, class, out);
    }
}

/// Whether a migration runs on PostgreSQL: not kept in a folder named for another driver
/// (`migrations/mysql/`), and the DataSource says PostgreSQL (its `type`, or the only
/// driver package.json installs; see [`crate::rules::data_source`]).
fn may_be_postgres(ctx: &Ctx, path: &std::path::Path) -> bool {
    // CockroachDB accepts `CONCURRENTLY`: its folder is no reason to stay silent.
    let other_folder = crate::rules::data_source::driver_folder(path)
        .is_some_and(|driver| driver != "cockroachdb");
    if other_folder {
        return false;
    }
    // The same judgement as the index fixes' migrations (`CONCURRENTLY` only where the
    // DataSource is PostgreSQL for certain), so their migrations and this rule agree.
    crate::rules::data_source::database(ctx, path).is_postgres()
}

fn check_class(ctx: &Ctx, source: &SourceFile, class: &ClassFact, out: &mut Vec<Finding>) {
    let args: Vec<SqlArg> = source
        .facts
        .query_calls
        .iter()
        .filter(|c| in_up_of(c, class))
        .filter_map(sql_arg)
        .collect();
    let text = source.text();
    let raw = |a: &SqlArg| text.get(a.literal_span.clone()).unwrap_or("");
    let mut created: Vec<String> = args.iter().flat_map(|a| created_tables(raw(a))).collect();
    // `@ViewEntity({ materialized: true })`: only a materialized view takes an index, and
    // nothing but its REFRESH writes to it, so no application write waits on the build.
    created.extend(
        ctx.model
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::View)
            .map(|e| table_key(&e.table)),
    );
    let no_transaction = transaction_disabled(class);
    for arg in &args {
        let statements = index_statements(raw(arg));
        let blocking: Vec<&IndexStatement> = statements
            .iter()
            .filter(|s| !s.concurrently && !s.table.as_ref().is_some_and(|t| created.contains(t)))
            .collect();
        if !blocking.is_empty() {
            let table = blocking
                .iter()
                .find_map(|s| s.table.as_deref())
                .unwrap_or("?");
            let message = format!(
                "CREATE INDEX on existing table `{table}` without CONCURRENTLY: writes to it block until the index is built"
            );
            let inserts = blocking
                .iter()
                .map(|s| arg.literal_span.start + s.index_end);
            // Turning the transaction off is safe only when `up` builds indexes and
            // nothing else: with other statements (renames, constraints, data) a failure
            // halfway would leave them applied and the migration unrecorded.
            let applicability = if no_transaction || index_only_up(source, class) {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            let title = if applicability == Applicability::Safe {
                "Create the index CONCURRENTLY (outside a transaction)"
            } else {
                "Create the index CONCURRENTLY (turns off the migration's transaction: move the index to a migration of its own)"
            };
            // PostgreSQL runs the statements of one query string as one transaction, and
            // CREATE INDEX CONCURRENTLY fails inside it: only a query holding nothing but
            // this statement can take the keyword in place.
            let single = statement_count(raw(arg)) == 1;
            let fix = ctx.defer(title, applicability, || {
                if !single {
                    return None;
                }
                let mut fix = add_concurrently(source, class, inserts.collect())?;
                fix.applicability = applicability;
                fix.title = title.to_string();
                Some(fix)
            });
            push(out, source, arg, message, fix);
        }
        if !no_transaction && statements.iter().any(|s| s.concurrently) {
            let message = format!(
                "CREATE INDEX CONCURRENTLY cannot run inside a transaction: set `transaction = false` on `{}`",
                class.name
            );
            let fix = ctx.edit_fix(
                "Add `public transaction = false;`",
                || source.path.clone(),
                || Some(vec![transaction_edit(source, class)?]),
            );
            push(out, source, arg, message, fix);
        }
    }
}

fn push(
    out: &mut Vec<Finding>,
    source: &SourceFile,
    arg: &SqlArg,
    message: String,
    fix: Option<Fix>,
) {
    let mut finding = Finding::new(
        RULE.code,
        source.path.clone(),
        arg.report_span.clone(),
        message,
    );
    if let Some(fix) = fix.filter(|_| !source.facts.has_syntax_errors) {
        finding = finding.with_fix(fix);
    }
    out.push(finding);
}

fn in_up_of(call: &QueryCall, class: &ClassFact) -> bool {
    call.method == "query"
        && call.enclosing_function.as_deref() == Some("up")
        && class.span.start() <= call.span.start()
        && call.span.end() <= class.span.end()
}

/// The SQL argument of a call, if it is a literal or a same-file `const` holding one.
fn sql_arg(call: &QueryCall) -> Option<SqlArg> {
    let arg = call.args.first()?;
    let literal = match &arg.value {
        Value::Str(_) | Value::Template { .. } => arg.span,
        Value::Const { value, .. }
            if matches!(value.value, Value::Str(_) | Value::Template { .. }) =>
        {
            value.span
        }
        _ => return None,
    };
    Some(SqlArg {
        report_span: arg.span.range(),
        literal_span: literal.range(),
    })
}

/// Whether every call in the class's `up` is a `queryRunner.query` whose SQL is only
/// `CREATE [UNIQUE] INDEX` statements.
fn index_only_up(source: &SourceFile, class: &ClassFact) -> bool {
    let mut calls = source
        .facts
        .query_calls
        .iter()
        .filter(|c| in_up_of(c, class))
        .peekable();
    calls.peek().is_some()
        && calls.all(|c| {
            c.method == "query"
                && sql_arg(c).is_some_and(|a| {
                    let text = source.text();
                    only_index_statements(text.get(a.literal_span.clone()).unwrap_or(""))
                })
        })
}

/// How many statements a SQL text holds (`;`-separated, empty ones left out).
fn statement_count(sql: &str) -> usize {
    let w = words(sql);
    w.split(|(_, word)| *word == ";")
        .filter(|s| !s.is_empty())
        .count()
}

fn only_index_statements(sql: &str) -> bool {
    let w = words(sql);
    let mut statements = w.split(|(_, word)| *word == ";").filter(|s| !s.is_empty());
    statements.all(|s| {
        is(s.first(), "CREATE")
            && (is(s.get(1), "INDEX") || (is(s.get(1), "UNIQUE") && is(s.get(2), "INDEX")))
    })
}

/// `transaction = false` (or `transaction = false as const`) on the class.
fn transaction_disabled(class: &ClassFact) -> bool {
    class
        .property("transaction")
        .and_then(|p| p.initializer.as_ref())
        .is_some_and(|i| i.value.as_bool() == Some(false))
}

/// Words of a SQL text with their byte ranges; `(`, `)`, `,`, `;`, quotes and whitespace split
/// words, and `;` is kept as a word of its own to end statements.
fn words(sql: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in sql.char_indices() {
        // JS quotes around the literal (and SQL string quotes) are not part of words.
        let separator = c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';' | '`' | '\'');
        match (separator, start) {
            (true, Some(s)) => {
                out.push((s, sql.get(s..i).unwrap_or("")));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
        if c == ';' {
            out.push((i, ";"));
        }
    }
    if let Some(s) = start {
        out.push((s, sql.get(s..).unwrap_or("")));
    }
    out
}

fn is(word: Option<&(usize, &str)>, keyword: &str) -> bool {
    word.is_some_and(|(_, w)| w.eq_ignore_ascii_case(keyword))
}

/// `"public"."Order"` -> `order`: the table name for comparisons.
fn table_key(word: &str) -> String {
    let clean: String = word
        .chars()
        .filter(|c| !matches!(c, '"' | '\\' | '`'))
        .collect();
    clean.rsplit('.').next().unwrap_or("").to_lowercase()
}

/// Tables a SQL text creates (`CREATE [UNLOGGED|TEMP] TABLE [IF NOT EXISTS] name`), and
/// materialized views (`CREATE MATERIALIZED VIEW [IF NOT EXISTS] name`): new, empty of
/// traffic, their indexes block nobody.
fn created_tables(sql: &str) -> Vec<String> {
    let w = words(sql);
    let mut out = Vec::new();
    for i in 0..w.len() {
        if !is(w.get(i), "CREATE") {
            continue;
        }
        let mut j = i + 1;
        if ["UNLOGGED", "TEMP", "TEMPORARY"]
            .iter()
            .any(|k| is(w.get(j), k))
        {
            j += 1;
        }
        if is(w.get(j), "MATERIALIZED") && is(w.get(j + 1), "VIEW") {
            j += 1;
        } else if !is(w.get(j), "TABLE") {
            continue;
        }
        j += 1;
        if is(w.get(j), "IF") && is(w.get(j + 1), "NOT") && is(w.get(j + 2), "EXISTS") {
            j += 3;
        }
        if let Some((_, name)) = w.get(j) {
            out.push(table_key(name));
        }
    }
    out
}

/// The `CREATE [UNIQUE] INDEX` statements of a SQL text.
fn index_statements(sql: &str) -> Vec<IndexStatement> {
    let w = words(sql);
    let mut out = Vec::new();
    for i in 0..w.len() {
        if !is(w.get(i), "CREATE") {
            continue;
        }
        let mut j = i + 1;
        if is(w.get(j), "UNIQUE") {
            j += 1;
        }
        let Some((at, word)) = w.get(j).filter(|(_, x)| x.eq_ignore_ascii_case("INDEX")) else {
            continue;
        };
        let index_end = at + word.len();
        let concurrently = is(w.get(j + 1), "CONCURRENTLY");
        let table = w
            .iter()
            .skip(j + 1)
            .take_while(|(_, x)| *x != ";")
            .position(|(_, x)| x.eq_ignore_ascii_case("ON"))
            .map(|p| j + 1 + p + 1)
            .map(|k| if is(w.get(k), "ONLY") { k + 1 } else { k })
            .and_then(|k| w.get(k))
            .map(|(_, name)| table_key(name));
        out.push(IndexStatement {
            index_end,
            concurrently,
            table,
        });
    }
    out
}

fn add_concurrently(source: &SourceFile, class: &ClassFact, at: Vec<usize>) -> Option<Fix> {
    if source.facts.has_syntax_errors {
        return None;
    }
    let mut text_edits: Vec<TextEdit> = at
        .into_iter()
        .map(|i| TextEdit {
            span: i..i,
            new_text: " CONCURRENTLY".to_string(),
        })
        .collect();
    if !transaction_disabled(class) {
        text_edits.push(transaction_edit(source, class)?);
    }
    Some(Fix::edit(
        "Create the index CONCURRENTLY (outside a transaction)",
        source.path.clone(),
        text_edits,
    ))
}

/// `transaction = true` -> `false`, or a new `public transaction = false;` first member.
fn transaction_edit(source: &SourceFile, class: &ClassFact) -> Option<TextEdit> {
    if source.facts.has_syntax_errors {
        return None;
    }
    if let Some(prop) = class.property("transaction") {
        let init = prop.initializer.as_ref()?;
        return Some(TextEdit {
            span: init.span.range(),
            new_text: "false".to_string(),
        });
    }
    let text = &source.text();
    let open = class.body_span.start();
    let line_end = text.get(open..)?.find('\n').map(|i| open + i + 1)?;
    let after_brace = text.get(open + 1..line_end)?.trim();
    if !after_brace.is_empty() && !after_brace.starts_with("//") {
        return None;
    }
    let indent = class
        .methods
        .first()
        .map(|m| m.span.start())
        .into_iter()
        .chain(class.properties.first().map(|p| p.span.start()))
        .min()
        .map(|at| edits::indentation_at(text, at).to_string())
        .unwrap_or_else(|| "  ".to_string());
    let eol = edits::line_ending(text);
    Some(TextEdit {
        span: line_end..line_end,
        new_text: format!("{indent}public transaction = false;{eol}{eol}"),
    })
}

#[cfg(test)]
mod tests {
    use super::{created_tables, index_statements};
    use crate::rules::testing::*;

    const PATH: &str = "src/migrations/1700000000000-add-order-index.ts";

    fn migration(members: &str, up: &str) -> String {
        format!(
            "import {{ MigrationInterface, QueryRunner }} from 'typeorm';

export class AddOrderIndex1700000000000 implements MigrationInterface {{ // note
{members}  public async up(queryRunner: QueryRunner): Promise<void> {{
{up}
  }}

  public async down(queryRunner: QueryRunner): Promise<void> {{
    await queryRunner.query(`DROP INDEX \"IDX_a\"`);
  }}
}}
"
        )
    }

    fn mig003(text: &str) -> Vec<(String, usize, String)> {
        lines(&workspace(&[(PATH, text), PG]), "MIG003")
    }

    const PG: (&str, &str) = crate::rules::testing::PG_DATA_SOURCE;

    #[test]
    fn parses_statements() {
        let sql = "CREATE TABLE \"public\".\"Order\" (id int); CREATE UNIQUE INDEX IF NOT EXISTS \"IDX_a\" ON ONLY \"order\" (\"id\"); create index concurrently on items (x)";
        assert_eq!(created_tables(sql), vec!["order".to_string()]);
        let found = index_statements(sql);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].table.as_deref(), Some("order"));
        assert!(!found[0].concurrently);
        assert_eq!(found[1].table.as_deref(), Some("items"));
        assert!(found[1].concurrently);
    }

    #[test]
    fn flags_a_blocking_index_on_an_existing_table() {
        let text = migration(
            "",
            "    await queryRunner.query(`CREATE INDEX \"IDX_a\" ON \"order\" (\"status\")`);",
        );
        let found = mig003(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, 5);
        assert!(found[0].2.contains("`order`"));
    }

    #[test]
    fn accepts_indexes_on_tables_created_in_the_same_up_and_down() {
        let text = migration(
            "",
            "    await queryRunner.query(`CREATE TABLE \"order\" (\"id\" uuid NOT NULL)`);
    await queryRunner.query(`CREATE INDEX \"IDX_a\" ON \"order\" (\"id\")`);",
        );
        assert!(mig003(&text).is_empty());
        let ok = migration(
            "  transaction = false;\n\n",
            "    await queryRunner.query('CREATE INDEX CONCURRENTLY \"IDX_a\" ON \"order\" (\"status\")');",
        );
        assert!(mig003(&ok).is_empty());
    }

    #[test]
    fn accepts_indexes_on_a_materialized_view_made_in_the_same_up() {
        let text = migration(
            "",
            "    await queryRunner.query(`CREATE MATERIALIZED VIEW \"trending_topic\" AS SELECT topic, count(*) total FROM vote GROUP BY 1`);
    await queryRunner.query(`CREATE INDEX \"IDX_trending_total\" ON \"trending_topic\" (\"total\")`);",
        );
        assert!(mig003(&text).is_empty());
    }

    #[test]
    fn accepts_indexes_on_a_view_entity_made_by_an_earlier_migration() {
        let view = "import { ViewEntity, ViewColumn } from 'typeorm';

@ViewEntity({ name: 'trending_topic', materialized: true, expression: 'SELECT 1 AS total' })
export class TrendingTopic {
  @ViewColumn()
  total: number;
}
";
        let text = migration(
            "",
            "    await queryRunner.query(`CREATE INDEX \"IDX_trending_total\" ON \"trending_topic\" (\"total\")`);",
        );
        let ws = workspace(&[
            (PATH, &text),
            PG,
            ("src/trends/trending-topic.entity.ts", view),
        ]);
        assert!(lines(&ws, "MIG003").is_empty());
        // the same index on a table is still flagged
        let table = view
            .replace("ViewEntity", "Entity")
            .replace("ViewColumn", "Column");
        let ws = workspace(&[
            (PATH, &text),
            PG,
            ("src/trends/trending-topic.entity.ts", &table),
        ]);
        assert_eq!(lines(&ws, "MIG003").len(), 1);
    }

    #[test]
    fn flags_concurrently_inside_a_transaction_through_a_const() {
        let text = migration(
            "",
            "    const sql = `CREATE INDEX CONCURRENTLY \"IDX_a\" ON \"order\" (\"status\")`;
    await queryRunner.query(sql);",
        );
        let found = mig003(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, 6);
        assert!(found[0].2.contains("transaction = false"));
        let fixed = assert_fix_is_clean(&[(PATH, &text), PG], "MIG003", PATH);
        assert!(fixed.contains(
            "implements MigrationInterface { // note\n  public transaction = false;\n\n  public async up"
        ), "{fixed}");
    }

    #[test]
    fn fix_adds_concurrently_and_disables_the_transaction() {
        let text = migration(
            "  public transaction = true;\n\n",
            "    await queryRunner.query(`CREATE UNIQUE INDEX \"IDX_a\" ON \"order\" (\"status\")`);",
        );
        let fixed = assert_fix_is_clean(&[(PATH, &text), PG], "MIG003", PATH);
        assert_eq!(
            fixed,
            migration(
                "  public transaction = false;\n\n",
                "    await queryRunner.query(`CREATE UNIQUE INDEX CONCURRENTLY \"IDX_a\" ON \"order\" (\"status\")`);",
            )
        );
    }

    #[test]
    fn fix_is_editor_only_when_up_does_more_than_build_indexes() {
        // A rename and its index in one generated migration: without the transaction a
        // failure after the rename would leave it applied and the migration unrecorded.
        let text = migration(
            "",
            "    await queryRunner.query(`ALTER TABLE \"order\" RENAME COLUMN \"state\" TO \"status\"`);
    await queryRunner.query(`CREATE INDEX \"IDX_a\" ON \"order\" (\"status\")`);",
        );
        let found = findings(&workspace(&[(PATH, &text), PG]), "MIG003");
        assert_eq!(found.len(), 1, "{found:?}");
        let fix = found[0].fixes.first().expect("a fix");
        assert_eq!(fix.applicability, crate::finding::Applicability::Unsafe);
        let alone = migration(
            "",
            "    await queryRunner.query(`CREATE INDEX \"IDX_a\" ON \"order\" (\"status\");`);
    await queryRunner.query(`CREATE UNIQUE INDEX \"IDX_b\" ON \"order\" (\"code\")`);",
        );
        let found = findings(&workspace(&[(PATH, &alone), PG]), "MIG003");
        let fix = found[0].fixes.first().expect("a fix");
        assert_eq!(fix.applicability, crate::finding::Applicability::Safe);
    }

    #[test]
    fn no_fix_where_one_query_holds_several_statements() {
        // A hand-written migration building its indexes in one query string: PostgreSQL
        // runs them as one transaction, where CONCURRENTLY is an error.
        let text = migration(
            "",
            "    await queryRunner.query(`
      CREATE INDEX ledger_amount ON ledger (amount);
      CREATE INDEX ledger_fee ON ledger (fee);
    `);",
        );
        let found = findings(&workspace(&[(PATH, &text), PG]), "MIG003");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].fixes.is_empty(), "{:?}", found[0].fixes);
    }

    #[test]
    fn migrations_for_other_drivers_are_left_alone() {
        let migration = "import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddIndex1700000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX idx_items_user ON items (user_uuid)');
  }
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX idx_items_user');
  }
}
";
        let ws = workspace(&[("migrations/mysql/1700000000000-add-index.ts", migration)]);
        assert!(lines(&ws, "MIG003").is_empty());
        let ds = "import { DataSource } from 'typeorm';
export const ds = new DataSource({ type: 'sqlite', database: 'db.sqlite' });
";
        let ws = workspace(&[
            ("src/migrations/1700000000000-add-index.ts", migration),
            ("src/data-source.ts", ds),
        ]);
        assert!(lines(&ws, "MIG003").is_empty());
        let ws = workspace(&[
            ("src/migrations/1700000000000-add-index.ts", migration),
            ("src/data-source.ts", &ds.replace("sqlite", "postgres")),
        ]);
        assert_eq!(lines(&ws, "MIG003").len(), 1);
    }

    #[test]
    fn a_database_not_known_to_be_postgres_gets_no_concurrently() {
        // What the index fixes write when the DataSource's type is unknown: plain CREATE
        // INDEX, which this rule must then leave alone (or --fix would never settle).
        let text = migration(
            "",
            "    await queryRunner.query(`CREATE INDEX IF NOT EXISTS \"IDX_a\" ON \"order\" (\"status\")`);",
        );
        let env = "import { DataSource } from 'typeorm';
export const ds = new DataSource({ type: process.env.DB_TYPE as any, migrations: [] });
";
        let ws = workspace(&[(PATH, &text), ("src/data-source.ts", env)]);
        assert!(lines(&ws, "MIG003").is_empty());
        assert!(lines(&workspace(&[(PATH, &text)]), "MIG003").is_empty());
    }
}
