//! # SEC001: sql-injection
//!
//! ## What it does
//! Flags SQL built by interpolation: a template literal with a non-constant `${...}`, or a
//! string concatenation with a non-constant operand, passed to `.query()` (directly or
//! through a local `const`), or used as a QueryBuilder fragment (`.where`, `.andWhere`,
//! `.orWhere`, `.having`, `.andHaving`, `.orHaving`, `.orderBy`, `.addOrderBy`).
//!
//! Constants are allowed: string, number and boolean literals, `const`s of the same file
//! holding them, `SCREAMING_CASE` names and constants imported from workspace files, enum
//! members (`OrderStatus.Paid`), ORM metadata (`repo.metadata.tableName`,
//! `joinColumn.propertyPath`), the DataSource's options (`connection.options.entityPrefix`),
//! a local `const` holding one of these paths (`const prefix =
//! this.manager.connection.options.entityPrefix`; one holding request data, `const id =
//! req.query.id`, still counts and the message names the path),
//! a `for (const c of LIST)` variable over a list of literals, a parameter typed as a union
//! of literals (`column: 'value' | 'balance'`), a property of an `as const` object, the
//! variable a QueryBuilder or one of its joins took as its alias (`createQueryBuilder(table)`
//! then `${table}.id`), a unary `+x` (a number), the code's own quoting
//! helpers (`escape*`, `sanitize*`), a helper of the file or a method of the class called
//! with constants (`this.quote('userId')`), numeric
//! conversions (`Number(x)`, `parseInt(x)`, `Date.now()`), a ternary between two string literals
//! (`${asc ? 'ASC' : 'DESC'}`), and placeholder lists built with `.map(...).join(...)`.
//! Tests, migrations and seeders (developer-controlled values) are skipped. A `.query()`
//! on a receiver that could not be classified counts only when its text starts like an SQL
//! statement (it may be a GraphQL or search client).
//!
//! ## Why is this bad?
//! Interpolated values become SQL text: a value containing a quote changes the statement.
//! This is the path to SQL injection. Bind parameters (`$1` for `.query`, `:name` for the
//! QueryBuilder) send values separately from the SQL, and the database never parses them.
//!
//! ## Example
//! ```ts
//! return this.dataSource.query(`SELECT * FROM users WHERE email = ${email}`);
//! ```
//!
//! ## Fix
//! ```ts
//! return this.dataSource.query(`SELECT * FROM users WHERE email = $1`, [email]);
//! ```
//! Where every interpolated value is a whole operand of a comparison (`= ${id}`,
//! `LIKE ${pattern}`), the quick fix rewrites it to a parameter: `$n` added to the
//! parameter array of `.query()`, or `:name` with `{ name }` added to the parameters of a
//! QueryBuilder filter. It is an **unsafe** fix (editor only, not applied by `check
//! --fix`): a value that was meant as SQL text (`= ${otherColumn}`) would become a string.
//! Values inside quotes (`'%${term}%'`), in `IN (...)`, or in identifier position get no
//! automatic fix: rewrite them by hand (`ILIKE '%' || $1 || '%'`, `= ANY($1)`).

use super::consts::{is_alias_name, is_constant};
use crate::finding::{Applicability, FileChange, Finding, Fix, Severity, Span, TextEdit};
use crate::model::SourceFile;
use crate::rules::sd::sql::{self, Kind};
use crate::rules::{Ctx, RuleDef};
use crate::syntax::{QueryBuilderChain, Receiver, Spanned, Value};

pub const RULE: RuleDef = RuleDef {
    code: "SEC001",
    name: "sql-injection",
    summary: "SQL built by interpolating or concatenating a non-constant value.",
    // `info` until it tells request data from the code's own values: on real codebases most
    // interpolations it still reports are loop variables, `let`s and config (README,
    // Ecosystem check)
    default_severity: Severity::Info,
    check,
};

/// QueryBuilder methods that take SQL text: the method, the index of the SQL argument
/// and, where it has one, the index of its parameters object.
const FRAGMENT_METHODS: &[(&str, usize, Option<usize>)] = &[
    ("where", 0, Some(1)),
    ("andWhere", 0, Some(1)),
    ("orWhere", 0, Some(1)),
    ("having", 0, Some(1)),
    ("andHaving", 0, Some(1)),
    ("orHaving", 0, Some(1)),
    ("orderBy", 0, None),
    ("addOrderBy", 0, None),
    ("select", 0, None),
    ("addSelect", 0, None),
    ("groupBy", 0, None),
    ("addGroupBy", 0, None),
    ("from", 0, None),
    ("addFrom", 0, None),
    ("distinctOn", 0, None),
    // join conditions: `leftJoin(target, alias, condition, parameters)`
    ("join", 2, Some(3)),
    ("leftJoin", 2, Some(3)),
    ("innerJoin", 2, Some(3)),
    ("leftJoinAndSelect", 2, Some(3)),
    ("innerJoinAndSelect", 2, Some(3)),
    ("leftJoinAndMapOne", 3, Some(4)),
    ("leftJoinAndMapMany", 3, Some(4)),
    ("innerJoinAndMapOne", 3, Some(4)),
    ("innerJoinAndMapMany", 3, Some(4)),
];

/// How a site binds parameters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Binding {
    /// `.query(sql, [a, b])` with `$1`, `$2`.
    Positional,
    /// `.where(sql, { a })` with `:a`.
    Named,
    /// No parameters possible (`orderBy`).
    None,
}

/// A call whose argument is SQL: the SQL argument and the parameters argument.
struct Site<'a> {
    sql: &'a Spanned<Value>,
    params: Option<&'a Spanned<Value>>,
    binding: Binding,
    /// Names the QueryBuilder was given as its alias (`createQueryBuilder(tableName)`).
    aliases: Vec<&'a str>,
}

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    if ctx.is_test_or_migration(file) || is_seeding_script(&ctx.path(file)) {
        return;
    }
    let Some(source) = ctx.file(file) else {
        return;
    };
    for site in sites(source) {
        if let Some(f) = check_site(ctx, file, source, &site) {
            out.push(f);
        }
    }
}

/// `seed-init.ts`, `mock-seed-factory.service.ts`: a seeding script by its name, whose
/// values are the developer's (table names it listed itself, ids of its fixtures).
fn is_seeding_script(path: &std::path::Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        n.split(['-', '.', '_'])
            .any(|w| w.eq_ignore_ascii_case("seed"))
    })
}

fn sites(source: &SourceFile) -> Vec<Site<'_>> {
    let mut out = Vec::new();
    for call in source
        .facts
        .query_calls
        .iter()
        .filter(|c| c.method == "query")
    {
        // A `.query()` on a receiver we could not classify may be a GraphQL or search
        // client: only SQL-looking text counts there.
        let unknown = matches!(call.receiver, Receiver::Unknown(_));
        if let Some(sql) = call.args.first().filter(|a| !unknown || looks_like_sql(a)) {
            out.push(Site {
                sql,
                params: call.args.get(1),
                binding: Binding::Positional,
                aliases: Vec::new(),
            });
        }
    }
    for chain in &source.facts.query_builders {
        let aliases = alias_variables(chain);
        for call in &chain.calls {
            let Some((_, sql_at, params_at)) =
                FRAGMENT_METHODS.iter().find(|(m, ..)| *m == call.method)
            else {
                continue;
            };
            let Some(sql) = call.args.get(*sql_at) else {
                continue;
            };
            let binding = if params_at.is_some() {
                Binding::Named
            } else {
                Binding::None
            };
            let params = params_at.and_then(|i| call.args.get(i));
            // `select([...])`: each element is SQL text
            let pieces: Vec<&Spanned<Value>> = match &sql.value {
                Value::Array(items) => items.iter().collect(),
                _ => vec![sql],
            };
            for sql in pieces {
                out.push(Site {
                    sql,
                    params,
                    binding,
                    aliases: aliases.clone(),
                });
            }
        }
    }
    out
}

/// `createQueryBuilder(tableName)`, `.from(Entity, alias)`: variables the chain took as
/// its alias. Interpolated into the chain's own SQL (`${tableName}.id`), they name the
/// table of that query: the code's choice, like `qb.alias`, not input.
fn alias_variables<'a>(chain: &'a QueryBuilderChain) -> Vec<&'a str> {
    // a repository's `createQueryBuilder(alias, queryRunner?)`, a manager's
    // `createQueryBuilder(Entity, alias)`: a class or a runner never appears in SQL text,
    // so both places are read
    let arguments = |c: &'a crate::syntax::ChainCall| match c.method.as_str() {
        "createQueryBuilder" => c.args.get(..2).unwrap_or(&c.args),
        // `.leftJoinAndSelect('user.roles', roleTable)`: the alias a join took
        "from"
        | "leftJoin"
        | "leftJoinAndSelect"
        | "innerJoin"
        | "innerJoinAndSelect"
        | "leftJoinAndMapOne"
        | "leftJoinAndMapMany"
        | "innerJoinAndMapOne"
        | "innerJoinAndMapMany" => c.args.get(1..2).unwrap_or_default(),
        _ => &[],
    };
    chain
        .calls
        .iter()
        .flat_map(arguments)
        .filter_map(|a| variable_name(&a.value))
        .collect()
}

/// `name` or `` `${name}` ``.
fn variable_name(value: &Value) -> Option<&str> {
    match value {
        Value::Ident(name) => Some(name),
        Value::Template { quasis, exprs } if quasis.iter().all(|q| q.is_empty()) => match &***exprs
        {
            [only] => variable_name(&only.value),
            _ => None,
        },
        _ => None,
    }
}

/// Statement keywords a raw SQL string starts with.
const STATEMENT_KEYWORDS: &[&str] = &[
    "select", "insert", "update", "delete", "with", "create", "alter", "drop", "truncate", "call",
    "set", "explain", "refresh", "lock", "copy", "merge", "vacuum", "analyze",
];

/// Whether the first word of the rendered text is an SQL statement keyword.
fn looks_like_sql(arg: &Spanned<Value>) -> bool {
    let Some(rendered) = sql::render(&arg.value) else {
        return false;
    };
    sql::tokenize(&rendered.text)
        .iter()
        .find(|t| t.kind == Kind::Word)
        .is_some_and(|t| STATEMENT_KEYWORDS.iter().any(|k| t.is_word(k)))
}

fn check_site(ctx: &Ctx, file: usize, source: &SourceFile, site: &Site) -> Option<Finding> {
    let mut unsafe_parts = Vec::new();
    collect_unsafe(
        ctx,
        file,
        &source.text(),
        &site.sql.value,
        &mut unsafe_parts,
        0,
    );
    unsafe_parts.retain(|p| !matches!(&p.value, Value::Ident(n) if site.aliases.contains(&&**n)));
    let first = unsafe_parts.first()?;
    let text = source.text();
    let message = format!(
        "SQL built from {}: interpolated values are an SQL injection risk, use a bind parameter",
        describe(&text, first)
    );
    let finding = Finding::new(
        RULE.code,
        source.path.clone(),
        site.sql.span.range(),
        message,
    );
    if source.facts.has_syntax_errors {
        return Some(finding);
    }
    Some(match parameter_fix(ctx, file, source, site) {
        Some(fix) => finding.with_fix(fix),
        None => finding,
    })
}

/// `` `id` `` for a value written at the site; `` `id` (`req.query.id`) `` for a local
/// const holding a member path, so the message names where the value comes from.
fn describe(text: &str, part: &Spanned<Value>) -> String {
    let shown =
        |span: &crate::syntax::ByteSpan| shorten(text.get(span.range()).unwrap_or("a value"));
    match &part.value {
        Value::Const { value, .. } if is_judged_whole(&value.value) => {
            format!("`{}` (`{}`)", shown(&part.span), shown(&value.span))
        }
        _ => format!("`{}`", shown(&part.span)),
    }
}

fn shorten(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 40 {
        format!("{}...", one_line.chars().take(40).collect::<String>())
    } else {
        one_line
    }
}

/// Binary operators whose result is always a number.
const NUMERIC_OPS: &[&str] = &["-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>", ">>>"];

/// The non-constant parts of a string-building expression.
fn collect_unsafe<'v>(
    ctx: &Ctx,
    file: usize,
    text: &str,
    value: &'v Value,
    out: &mut Vec<&'v Spanned<Value>>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    match value {
        Value::Template { exprs, .. } => {
            for e in exprs.iter() {
                operand(ctx, file, text, e, out, depth);
            }
        }
        Value::Binary { op, operands } if op == "+" => {
            let [left, right] = &**operands;
            operand(ctx, file, text, left, out, depth);
            operand(ctx, file, text, right, out, depth);
        }
        Value::Const { value, .. } => collect_unsafe(ctx, file, text, &value.value, out, depth + 1),
        _ => {}
    }
}

fn operand<'v>(
    ctx: &Ctx,
    file: usize,
    text: &str,
    e: &'v Spanned<Value>,
    out: &mut Vec<&'v Spanned<Value>>,
    depth: usize,
) {
    match &e.value {
        // `const joinAlias = `scoped${relation}``: an alias the code chose
        Value::Const { name, .. } if is_alias_name(name) => {}
        // `const prefix = this.manager.connection.options.entityPrefix`: the path the
        // name stands for is judged, and the use site is reported when it is not constant
        Value::Const { value, .. } if is_judged_whole(&value.value) => {
            if !is_constant(ctx, file, text, value) {
                out.push(e);
            }
        }
        Value::Template { .. } | Value::Const { .. } => {
            collect_unsafe(ctx, file, text, &e.value, out, depth + 1)
        }
        // `p(`... "${qb.alias}" ...`)`, `durationSql(type, 'log', qb.alias)`: a local SQL
        // helper; what it returns is built from its arguments. So is a method of the
        // class itself (`this.quote('userId')`, a repository quoting a column name).
        Value::Call { callee, args }
            if is_local_helper(callee) && !args.is_empty() && !is_constant(ctx, file, text, e) =>
        {
            for a in args.iter() {
                operand(ctx, file, text, a, out, depth + 1);
            }
        }
        Value::Binary { op, .. } if op == "+" => {
            collect_unsafe(ctx, file, text, &e.value, out, depth + 1)
        }
        // Arithmetic yields a number: it cannot carry SQL text.
        Value::Binary { op, .. } if NUMERIC_OPS.contains(&op.as_str()) => {}
        _ if is_constant(ctx, file, text, e) => {}
        _ => out.push(e),
    }
}

/// `helper(...)` or `this.helper(...)`: a function of the file or a method of its class.
fn is_local_helper(callee: &str) -> bool {
    let own = callee.strip_prefix("this.").unwrap_or(callee);
    !own.contains('.') && !callee.starts_with("new ")
}

/// A const's value that is judged as one expression (not text whose pieces are judged).
fn is_judged_whole(value: &Value) -> bool {
    matches!(value, Value::Member(_))
}

/// Rewrites interpolated whole comparison operands of an inline template literal to bind
/// parameters; None when any non-constant value is elsewhere.
fn parameter_fix(ctx: &Ctx, file: usize, source: &SourceFile, site: &Site) -> Option<Fix> {
    let Value::Template { exprs, .. } = &site.sql.value else {
        return None;
    };
    let rendered = sql::render(&site.sql.value)?;
    let tokens = sql::tokenize(&rendered.text);
    let hole_tokens: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == Kind::Hole)
        .map(|(i, _)| i)
        .collect();
    // Every hole must be a token (not inside quotes), a direct substitution of this
    // template, and a whole comparison operand.
    if hole_tokens.len() != rendered.holes.len() {
        return None;
    }
    let direct = rendered
        .holes
        .iter()
        .all(|h| exprs.iter().any(|e| e.span == h.span));
    if !direct
        || !hole_tokens
            .iter()
            .all(|i| sql::hole_is_comparison_operand(&tokens, *i))
    {
        return None;
    }
    let values: Vec<&Spanned<Value>> = rendered
        .holes
        .iter()
        .filter(|h| !is_constant(ctx, file, &source.text(), h))
        .collect();
    if values.len() != rendered.holes.len() {
        return None; // constant and opaque substitutions mixed: leave it to a human
    }
    if matches!(site.binding, Binding::None) {
        return None;
    }
    let changes = || {
        let edits = match site.binding {
            Binding::Positional => {
                positional_edits(source, site, &values, sql::max_positional_param(&tokens))?
            }
            Binding::Named => named_edits(source, site, &values)?,
            Binding::None => return None,
        };
        Some(vec![FileChange::Edit {
            path: source.path.clone(),
            edits,
        }])
    };
    ctx.fix("Use bind parameters", Applicability::Unsafe, changes)
}

/// The span of `${ expr }` around a substitution's expression.
fn substitution_span(text: &str, expr: &Span) -> Option<Span> {
    let before = text.get(..expr.start)?;
    let open = before.trim_end().strip_suffix("${")?.len();
    let after = text.get(expr.end..)?;
    let trimmed = after.trim_start();
    if !trimmed.starts_with('}') {
        return None;
    }
    let close = expr.end + (after.len() - trimmed.len()) + 1;
    Some(open..close)
}

fn positional_edits(
    source: &SourceFile,
    site: &Site,
    values: &[&Spanned<Value>],
    max_param: usize,
) -> Option<Vec<TextEdit>> {
    let text = &source.text();
    let mut edits = Vec::new();
    let mut args = Vec::new();
    for (i, v) in values.iter().enumerate() {
        edits.push(TextEdit {
            span: substitution_span(text, &v.span.range())?,
            new_text: format!("${}", max_param + i + 1),
        });
        args.push(text.get(v.span.range())?.to_string());
    }
    edits.push(append_params(text, site, &args.join(", "), '[', ']')?);
    Some(edits)
}

fn named_edits(
    source: &SourceFile,
    site: &Site,
    values: &[&Spanned<Value>],
) -> Option<Vec<TextEdit>> {
    let text = &source.text();
    let existing: Vec<&str> = match site.params {
        Some(p) => p
            .value
            .as_object()?
            .iter()
            .map(|p| p.key.as_str())
            .collect(),
        None => Vec::new(),
    };
    let mut edits = Vec::new();
    let mut entries: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for v in values {
        let name = param_name(&v.value)?;
        if existing.contains(&name.as_str()) || names.contains(&name) {
            return None;
        }
        edits.push(TextEdit {
            span: substitution_span(text, &v.span.range())?,
            new_text: format!(":{name}"),
        });
        let expr = text.get(v.span.range())?;
        entries.push(if expr == name {
            name.clone()
        } else {
            format!("{name}: {expr}")
        });
        names.push(name);
    }
    edits.push(append_params(text, site, &entries.join(", "), '{', '}')?);
    Some(edits)
}

/// `id` -> `id`, `dto.userId` -> `userId`; a const by its own name.
fn param_name(value: &Value) -> Option<String> {
    let path = match value {
        Value::Const { name, .. } => name.as_str(),
        v => v.as_reference()?,
    };
    let last = path.rsplit('.').next()?;
    let valid = last
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && last.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (valid && last != "this").then(|| last.to_string())
}

/// Adds `items` to the parameters argument (an array or object literal), or adds the
/// argument after the SQL.
fn append_params(
    text: &str,
    site: &Site,
    items: &str,
    open: char,
    close: char,
) -> Option<TextEdit> {
    let Some(params) = site.params else {
        let pad = if open == '{' { " " } else { "" };
        return Some(TextEdit {
            span: site.sql.span.end()..site.sql.span.end(),
            new_text: format!(", {open}{pad}{items}{pad}{close}"),
        });
    };
    let last_end = match &params.value {
        Value::Array(items) if open == '[' => items.last().map(|i| i.span.end()),
        Value::Object(props) if open == '{' => props
            .last()
            .map(|p| p.value.span.end().max(p.key_span.end())),
        _ => return None,
    };
    Some(match last_end {
        Some(end) => TextEdit {
            span: end..end,
            new_text: format!(", {items}"),
        },
        None => {
            let inner = params.span.start() + 1..params.span.end().saturating_sub(1);
            text.get(inner.clone())?;
            let pad = if open == '{' { " " } else { "" };
            TextEdit {
                span: inner,
                new_text: format!("{pad}{items}{pad}"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const USER: &str = "import { Entity, Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity('users')
export class User extends ManagedEntity {
  @Column()
  email: string;
}
";

    const STATUS: &str = "export enum OrderStatus {
  Paid = 'paid',
}

export const ORDER_TABLE = 'order';
export const orderColumns = 'id, total';
";

    fn service(body: &str) -> String {
        format!(
            "import {{ InjectRepository }} from '@nestjs/typeorm';
import {{ DataSource, Repository }} from 'typeorm';
import {{ User }} from 'src/users/user.entity';
import {{ OrderStatus, orderColumns }} from 'src/orders/status';

const COLUMNS = 'id, email';
const TABLES = {{ USERS: 'users' }} as const;

export class S {{
  private readonly table = 'users';
  static readonly VIEW = 'active_users';

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly dataSource: DataSource,
  ) {{}}

  async run(id: string, email: string, dto: {{ userId: string }}, asc: boolean, ids: string[]) {{
{body}
  }}
}}
"
        )
    }

    fn files(text: &str) -> [(&str, &str); 3] {
        [
            ("src/users/user.entity.ts", USER),
            ("src/orders/status.ts", STATUS),
            ("src/s.ts", text),
        ]
    }

    fn sec001(body: &str) -> Vec<usize> {
        let text = service(body);
        lines(&workspace(&files(&text)), "SEC001")
            .into_iter()
            .map(|(_, l, _)| l)
            .collect()
    }

    #[test]
    fn a_loop_over_literal_names_interpolates_constants() {
        // Index names built from a fixed list of columns, and the table through the
        // code's own quoting helper; the same loop over input still counts.
        let found = sec001(
            "    const columns = [`updated_at`, `key`];
    for (const column of columns) {
      await this.dataSource.query(`CREATE INDEX ${column}_index ON t (${column})`);
    }
    for (const c of ['a', 'b']) { await this.dataSource.query(`SELECT ${c} FROM t`); }
    await this.dataSource.query(`DROP TABLE ${this.sanitizeTableName(email)}`);
    for (const column of dto.columns) {
      await this.dataSource.query(`SELECT ${column} FROM t`);
    }
    const column = email;
    await this.dataSource.query(`SELECT ${column} FROM t`);",
        );
        assert_eq!(found, vec![26, 29]);
    }

    #[test]
    fn flags_interpolation_and_concatenation_of_input() {
        let found = sec001(
            "    await this.dataSource.query(`SELECT * FROM users WHERE id = ${id}`);
    await this.dataSource.query('SELECT * FROM users WHERE email = \\'' + email + '\\'');
    const sql = `SELECT * FROM users WHERE email = '${email}'`;
    await this.dataSource.query(sql);
    await this.users.createQueryBuilder('u').where(`u.id = ${dto.userId}`).getMany();
    await this.users.createQueryBuilder('u').orderBy(`u.${email}`).getMany();
    await this.dataSource.query(`SELECT * FROM users LIMIT ${(id as any) * 2} OFFSET ${email || 0}`);",
        );
        assert_eq!(found, vec![19, 20, 22, 23, 24, 25]);
    }

    #[test]
    fn accepts_constants_enums_and_safe_conversions() {
        let found = sec001(
            "    const TABLE = 'users';
    await this.dataSource.query(`SELECT ${COLUMNS} FROM ${TABLE} WHERE status = '${OrderStatus.Paid}'`);
    await this.dataSource.query(`SELECT ${orderColumns} FROM \"${ORDER_TABLE}\"`);
    await this.dataSource.query('SELECT * FROM ' + TABLE + ' WHERE id = $1', [id]);
    await this.dataSource.query(`SELECT * FROM ${this.users.metadata.tableName} LIMIT ${Number(id)}`);
    await this.dataSource.query(`SELECT * FROM users WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')})`, ids);
    await this.users.createQueryBuilder('u').orderBy(`u.email ${asc ? 'ASC' : 'DESC'}`).getMany();
    await this.users.createQueryBuilder('u').where('u.id = :id', { id }).getMany();
    await this.dataSource.query(`SELECT * FROM ${this.table}, ${S.VIEW}, ${TABLES.USERS}`);",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn enum_members_through_a_namespace_are_constants() {
        let text = "import * as orders from 'src/orders/status';
import { DataSource } from 'typeorm';

export async function run(ds: DataSource, orderState: { Paid: string }) {
  await ds.query(`SELECT * FROM \"order\" WHERE status = '${orders.OrderStatus.Paid}'`);
  await ds.query(`SELECT * FROM \"order\" WHERE status = '${orders.OrderStatus.Refunded}'`);
  await ds.query(`SELECT * FROM \"order\" WHERE status = '${state.OrderStatus.Paid}'`);
}
";
        let found: Vec<usize> = lines(&workspace(&files(text)), "SEC001")
            .into_iter()
            .map(|(_, l, _)| l)
            .collect();
        // Not a member of the enum, and not through an import: still flagged.
        assert_eq!(found, vec![6, 7], "{found:?}");
    }

    #[test]
    fn the_finding_starts_at_the_sql_argument() {
        let text = service(
            "    const sql = `SELECT * FROM users WHERE id = ${id}`;
    await this.dataSource.query(sql);",
        );
        let ws = workspace(&files(&text));
        let found = findings(&ws, "SEC001");
        assert_eq!(found.len(), 1);
        assert_eq!(text.get(found[0].span.clone()), Some("sql"));
        assert!(found[0].fixes.is_empty(), "no fix through a const");
    }

    #[test]
    fn fix_rewrites_whole_operands_to_positional_parameters() {
        let body = "    await this.dataSource.query(`SELECT * FROM users WHERE id = ${id} AND email = $1`, [email]);
    await this.dataSource.query(`SELECT * FROM users WHERE id = ${id}`);
    await this.dataSource.query(`SELECT * FROM users WHERE email ILIKE '%${email}%'`);";
        let text = service(body);
        let fixed = assert_fix_is_clean(&files(&text), "SEC001", "src/s.ts");
        let expected = service(
            "    await this.dataSource.query(`SELECT * FROM users WHERE id = $2 AND email = $1`, [email, id]);
    await this.dataSource.query(`SELECT * FROM users WHERE id = $1`, [id]);
    await this.dataSource.query(`SELECT * FROM users WHERE email ILIKE '%${email}%'`);",
        );
        assert_eq!(fixed, expected);
        assert!(!all_safe(&workspace(&files(&text)), "SEC001"));
    }

    #[test]
    fn fix_rewrites_query_builder_fragments_to_named_parameters() {
        let body = "    await this.users.createQueryBuilder('u').where(`u.id = ${dto.userId}`).andWhere(`u.email = ${email}`, { id }).getMany();
    await this.users.createQueryBuilder('u').where(`u.id = ${id}`, { id: 1 }).getMany();";
        let text = service(body);
        let fixed = assert_fix_is_clean(&files(&text), "SEC001", "src/s.ts");
        let expected = service(
            "    await this.users.createQueryBuilder('u').where(`u.id = :userId`, { userId: dto.userId }).andWhere(`u.email = :email`, { id, email }).getMany();
    await this.users.createQueryBuilder('u').where(`u.id = ${id}`, { id: 1 }).getMany();",
        );
        assert_eq!(fixed, expected);
    }

    #[test]
    fn unclassified_receivers_count_only_for_sql_text() {
        let text = "export class S {
  constructor(private readonly legacyRepo, private readonly reportingDataSource) {}
  run(id: string) {
    this.legacyRepo.query(`query { user(id: ${id}) { name } }`);
    this.legacyRepo.query(`SELECT * FROM users WHERE id = ${id}`);
  }
}
";
        let ws = workspace(&[("src/users/user.entity.ts", USER), ("src/s.ts", text)]);
        let found: Vec<usize> = lines(&ws, "SEC001")
            .into_iter()
            .map(|(_, l, _)| l)
            .collect();
        assert_eq!(found, vec![5]);
    }

    #[test]
    fn accepts_subqueries_built_by_a_query_builder() {
        let found = sec001(
            "    const inner = this.users.createQueryBuilder('x').select('x.id').where('x.email = :email', { email });
    await this.users.createQueryBuilder('u').where(`u.id IN (${inner.getQuery()})`).getMany();
    await this.users.createQueryBuilder('u').where('u.id IN ' + inner.getQuery()).getMany();
    await this.dataSource.query(`SELECT * FROM (${inner.getSql()}) t`);
    await this.users.createQueryBuilder('u').where(`u.id IN (${inner.getQuery(id)})`).getMany();",
        );
        assert_eq!(
            found,
            vec![23],
            "only the call that takes an argument: {found:?}"
        );
    }

    #[test]
    fn tests_and_migrations_are_skipped() {
        let text = service("    await this.dataSource.query(`TRUNCATE ${id}`);");
        let mut f = files(&text);
        f[2].0 = "src/s.e2e-spec.ts";
        assert!(lines(&workspace(&f), "SEC001").is_empty());
    }

    #[test]
    fn column_metadata_property_paths_are_the_entitys_own_names() {
        let found = sec001(
            "    const meta = this.users.metadata;
    const qb = this.users.createQueryBuilder('u');
    for (const joinColumn of meta.primaryColumns) {
      qb.andWhere(`u.${joinColumn.propertyPath} = :id`, { id });
      qb.addSelect(`u.${joinColumn.propertyName}`);
    }
    qb.orderBy(`u.${dto.userId}`);",
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn accepts_aliases_metadata_builder_sql_and_formatted_values() {
        let found = sec001(
            "    const query = this.users.createQueryBuilder();
    query.andWhere(`\"${query.alias}\".\"tenantId\" = :id`, { id });
    const joinAlias = `scoped${email}`;
    query.leftJoin(`${joinAlias}.program`, 'p', `p.owner = ${query.alias}.id`);
    const meta = this.users.metadata;
    const relation = meta.relations[0];
    await this.dataSource.query(`SELECT \"${relation.joinColumns[0].databaseName}\" FROM ${meta.tableName}`);
    const [inner, params] = query.getQueryAndParameters();
    await this.dataSource.query(`SELECT count(*) FROM (${inner}) t`, params);
    const sub = query.getQuery();
    await this.dataSource.query(`SELECT * FROM (${sub}) t LIMIT ${Math.min(Number(id), 100)}`);
    const startedAt = new Date(email).toISOString();
    query.andWhere(`'${startedAt}' >= \"${query.alias}\".\"startTime\"`);
    const sortBy = (FIELDS as readonly string[]).includes(email as string) ? (email as string) : 'createdAt';
    query.orderBy(`u.${sortBy}`);",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn flags_interpolated_input_in_every_sql_taking_builder_method() {
        let found = sec001(
            "    const qb = this.users.createQueryBuilder('u');
    qb.addSelect(`CASE WHEN lang = '${dto.userId}' THEN 1 ELSE 0 END`, 'rank');
    qb.select([`u.${email}`]);
    qb.groupBy(`u.${email}`);
    qb.addGroupBy('u.' + email);
    qb.having(`count(*) > ${dto.userId}`);
    qb.leftJoin('u.orders', 'o', `o.status = '${email}'`);
    qb.innerJoinAndSelect('u.orders', 'o2', `o2.code = ${email}`, {});
    qb.from(`(SELECT * FROM users WHERE email = '${email}')`, 'x');
    qb.addOrderBy(`u.${dto.userId}`);",
        );
        assert_eq!(found, vec![20, 21, 22, 23, 24, 25, 26, 27, 28]);
    }

    #[test]
    fn sql_through_a_local_helper_or_const_reaches_the_rule() {
        let found = sec001(
            "    const sql = p(`SELECT * FROM users WHERE email = '${email}'`);
    await this.dataSource.query(sql);
    await this.dataSource.query(p(`SELECT * FROM users WHERE id = ${dto.userId}`));
    this.users.createQueryBuilder('u').andWhere(p(`u.id = ${id}`));
    this.users.createQueryBuilder('u').andWhere(p(`u.id = :id`), { id });",
        );
        assert_eq!(found, vec![20, 21, 22]);
    }

    #[test]
    fn seeding_scripts_by_name_are_skipped() {
        let text = service("    await this.dataSource.query(`TRUNCATE ${id}`);");
        let mut f = files(&text);
        f[2].0 = "src/scripts/mock-seed-factory.service.ts";
        assert!(lines(&workspace(&f), "SEC001").is_empty());
    }

    #[test]
    fn helpers_and_aliases_built_from_constants_are_not_input() {
        let found = sec001(
            "    const query = this.users.createQueryBuilder();
    query.select([p(`COUNT(\"${query.alias}\".\"id\")`) + ' AS n', durationSql(query.alias) + ' AS d']);
    const joinTableAlias = `join${email}`;
    query.leftJoin('u.orders', joinTableAlias, `u.id = ${joinTableAlias}.userId`);
    query.leftJoinAndSelect('t', 't', `${asc ? p('\"t\".\"id\" = \"u\".\"tId\"') : '\"t\".\"id\" IS NULL'}`);
    query.select([durationSql(dto.userId) + ' AS d']);",
        );
        assert_eq!(found, vec![24], "only the helper given input: {found:?}");
    }
    #[test]
    fn a_const_holding_a_member_path_is_judged_by_that_path() {
        // apitable's shape: the DataSource's table prefix through a local const is
        // configuration like the path written inline; a const holding request data
        // still counts, and the message says what it holds.
        let body = "    const prefix = this.dataSource.options.entityPrefix;
    const table = this.users.metadata.tableName;
    const status = OrderStatus.Paid;
    const own = this.table;
    await this.dataSource.query(`SELECT * FROM ${prefix}users, ${table}, ${own} WHERE status = '${status}'`);
    const userId = dto.userId;
    await this.dataSource.query(`SELECT * FROM ${prefix}users WHERE id = ${userId}`);
    const sql = `SELECT * FROM ${table} WHERE id = ${userId}`;
    await this.dataSource.query(sql);";
        let text = service(body);
        let ws = workspace(&files(&text));
        let found: Vec<(usize, String)> = lines(&ws, "SEC001")
            .into_iter()
            .map(|(_, l, m)| (l, m))
            .collect();
        let expected = "SQL built from `userId` (`dto.userId`): interpolated values are an SQL \
                        injection risk, use a bind parameter";
        assert_eq!(
            found,
            vec![(25, expected.to_string()), (27, expected.to_string())]
        );
    }

    #[test]
    fn fix_binds_a_const_holding_a_member_path_by_its_name() {
        let body = "    const userId = dto.userId;
    await this.users.createQueryBuilder('u').where(`u.id = ${userId}`).getMany();
    await this.dataSource.query(`SELECT * FROM users WHERE id = ${userId}`);";
        let text = service(body);
        let fixed = assert_fix_is_clean(&files(&text), "SEC001", "src/s.ts");
        let expected = service(
            "    const userId = dto.userId;
    await this.users.createQueryBuilder('u').where(`u.id = :userId`, { userId }).getMany();
    await this.dataSource.query(`SELECT * FROM users WHERE id = $1`, [userId]);",
        );
        assert_eq!(fixed, expected);
    }
}
