//! The SQL a query site makes TypeORM send, rebuilt from the syntax facts, for PostgreSQL
//! to plan (`server/tests/postgres.rs`). Written apart from IDX002 on purpose: the rule says
//! which sites it judges and its verdict (`idx002::judged_sites`), this module says what
//! the database will be asked, and the planner decides who is right.
//!
//! Parameters are written `$?` (numbered by the harness); a site whose filter cannot be
//! rebuilt faithfully (a `Raw` operator, an unknown column, a join alias) is left out.

use serde_json::{json, Value as Json};
use typeorm_lsp::model::Entity;
use typeorm_lsp::rules::context::Ctx;
use typeorm_lsp::rules::idx::idx002;
// Which argument holds the `where`: the rule's own lists, so both read the same sites.
use typeorm_lsp::rules::idx::idx002::{AGGREGATE_METHODS, OPTION_METHODS, WHERE_METHODS};
use typeorm_lsp::syntax::{QueryBuilderChain, QueryCall, Value};

/// Methods whose SQL is an UPDATE / DELETE: TypeORM adds no soft-delete condition.
const WRITE_METHODS: &[&str] = &["update", "delete", "softDelete", "restore"];

/// Every site IDX002 judges in the workspace, rebuilt as SQL where possible: one JSON object
/// per site (`file`, `line`, `method`, `table`, `sql`, `flagged`), `sql` null when the
/// filter could not be rebuilt.
pub fn sites(ctx: &Ctx) -> Vec<Json> {
    let mut out = Vec::new();
    for (i, file) in ctx.model.files.iter().enumerate() {
        let text = file.text();
        for site in idx002::judged_sites(ctx, i) {
            let line = text[..site.span.start.min(text.len())]
                .matches('\n')
                .count()
                + 1;
            let rebuilt = file
                .facts
                .query_calls
                .iter()
                .find(|c| c.method_span == site.span)
                .and_then(|c| Some((ctx.call_entity(i, c)?, call_sql(ctx, i, c))))
                .or_else(|| {
                    file.facts
                        .query_builders
                        .iter()
                        .find(|ch| ch.calls.iter().any(|c| c.method_span == site.span))
                        .and_then(|ch| Some((ctx.chain_entity(i, ch)?, chain_sql(ctx, i, ch))))
                });
            let (table, sql) = match rebuilt {
                Some((entity, sql)) => (Some(entity.table.clone()), sql),
                None => (None, None),
            };
            out.push(json!({
                "file": ctx.path(i).display().to_string(),
                "line": line,
                "method": &text[site.span.start..site.span.end.min(text.len())],
                "table": table,
                "sql": sql,
                "flagged": site.flagged,
            }));
        }
    }
    out
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn from(entity: &Entity, alias: &str) -> String {
    format!("SELECT * FROM {} {}", quote(&entity.table), quote(alias))
}

/// The condition TypeORM adds to reads of a soft-deletable entity.
fn soft_delete_condition(entity: &Entity, alias: &str) -> Option<String> {
    let column = entity.soft_delete.as_ref()?.column().to_string();
    Some(format!("{}.{} IS NULL", quote(alias), quote(&column)))
}

fn call_sql(ctx: &Ctx, file: usize, call: &QueryCall) -> Option<String> {
    let entity = ctx.call_entity(file, call)?;
    let m = call.method.as_str();
    let (where_value, options) = if OPTION_METHODS.contains(&m) {
        let options = &call.args.first()?.value;
        (options.get("where")?, Some(options))
    } else if WHERE_METHODS.contains(&m) {
        (call.args.first()?, None)
    } else if AGGREGATE_METHODS.contains(&m) {
        (call.args.get(1)?, None)
    } else {
        return None;
    };
    let alias = entity.table.as_str();
    let mut condition = where_sql(entity, alias, &where_value.value)?;
    let with_deleted = options
        .and_then(|o| o.get("withDeleted"))
        .is_some_and(|v| matches!(v.value, Value::Bool(true)));
    if !WRITE_METHODS.contains(&m) && !with_deleted {
        if let Some(sd) = soft_delete_condition(entity, alias) {
            condition = format!("({condition}) AND {sd}");
        }
    }
    Some(format!("{} WHERE {condition}", from(entity, alias)))
}

fn unwrap_const(v: &Value) -> &Value {
    match v {
        Value::Const { value, .. } => unwrap_const(&value.value),
        v => v,
    }
}

/// A `where` object (AND) or array of objects (OR) as SQL.
fn where_sql(entity: &Entity, alias: &str, value: &Value) -> Option<String> {
    match unwrap_const(value) {
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| where_sql(entity, alias, &i.value).map(|s| format!("({s})")))
                .collect();
            Some(parts?.join(" OR "))
        }
        Value::Object(props) => {
            let mut parts = Vec::new();
            for p in props {
                if p.key == "..." {
                    return None;
                }
                let v = unwrap_const(&p.value.value);
                if matches!(v, Value::Undefined) {
                    continue;
                }
                if let Some(c) = entity.column(&p.key) {
                    if c.embedded.is_some() {
                        return None;
                    }
                    let col = format!("{}.{}", quote(alias), quote(&c.db_name));
                    parts.push(predicate(&col, v)?);
                    continue;
                }
                let r = entity.relation(&p.key)?;
                if r.join_columns.is_empty() {
                    return None;
                }
                let on_key = match v {
                    Value::Object(inner) => inner.len() == 1 && inner[0].key == "id",
                    Value::Ident(_) | Value::Member(_) | Value::Str(_) | Value::Num(_) => true,
                    _ => false,
                };
                if !on_key {
                    return None;
                }
                for jc in &r.join_columns {
                    parts.push(format!("{}.{} = $?", quote(alias), quote(jc)));
                }
            }
            if parts.is_empty() {
                return None;
            }
            Some(parts.join(" AND "))
        }
        _ => None,
    }
}

/// `column <op> $?` for a where value: a plain value, or a TypeORM find operator.
fn predicate(col: &str, v: &Value) -> Option<String> {
    match v {
        Value::Call { callee, args } => {
            let name = callee.rsplit('.').next().unwrap_or(callee);
            let arg = args.first().map(|a| unwrap_const(&a.value));
            Some(match name {
                "Equal" => format!("{col} = $?"),
                "IsNull" => format!("{col} IS NULL"),
                "Not" => match arg {
                    Some(Value::Call { callee, .. }) if callee.ends_with("IsNull") => {
                        format!("{col} IS NOT NULL")
                    }
                    Some(inner) => format!("NOT ({})", predicate(col, inner)?),
                    None => return None,
                },
                "In" => format!("{col} IN ($?, $?)"),
                "Any" => format!("{col} = ANY($?)"),
                "MoreThan" => format!("{col} > $?"),
                "MoreThanOrEqual" => format!("{col} >= $?"),
                "LessThan" => format!("{col} < $?"),
                "LessThanOrEqual" => format!("{col} <= $?"),
                "Between" => format!("{col} BETWEEN $? AND $?"),
                "Like" => format!("{col} LIKE $?"),
                "ILike" => format!("{col} ILIKE $?"),
                "ArrayContains" => format!("{col} @> $?"),
                "ArrayContainedBy" => format!("{col} <@ $?"),
                "ArrayOverlap" => format!("{col} && $?"),
                // Operators whose SQL we do not rebuild.
                "Raw" | "And" | "Or" | "JsonContains" => return None,
                // Any other call computes the value (`sha256(token)`, `code.toUpperCase()`).
                _ => format!("{col} = $?"),
            })
        }
        Value::Str(_)
        | Value::Num(_)
        | Value::Bool(_)
        | Value::Ident(_)
        | Value::Member(_)
        | Value::Template { .. }
        | Value::Binary { .. } => Some(format!("{col} = $?")),
        _ => None,
    }
}

/// `SELECT * FROM table alias WHERE (where AND andWhere...) OR (orWhere)...`.
fn chain_sql(ctx: &Ctx, file: usize, chain: &QueryBuilderChain) -> Option<String> {
    let entity = ctx.chain_entity(file, chain)?;
    let alias = chain.alias.as_deref().unwrap_or(entity.table.as_str());
    let mut and_group = Vec::new();
    let mut or_groups = Vec::new();
    for c in &chain.calls {
        if !matches!(c.method.as_str(), "where" | "andWhere" | "orWhere") {
            continue;
        }
        let arg = unwrap_const(&c.args.first()?.value);
        let sql = match arg {
            Value::Object(_) | Value::Array(_) => where_sql(entity, alias, arg)?,
            Value::Str(text) => fragment_sql(entity, alias, text)?,
            // An interpolated value (`o.status = '${status}'`) is a parameter to the planner.
            Value::Template { quasis, .. } => {
                let text = quasis.join("\u{0}").replace("'\u{0}'", "\u{0}");
                fragment_sql(entity, alias, &text)?.replace('\u{0}', "$?")
            }
            _ => return None,
        };
        if c.method == "orWhere" {
            or_groups.push(sql);
        } else {
            and_group.push(format!("({sql})"));
        }
    }
    let writes = chain.calls.iter().any(|c| {
        matches!(
            c.method.as_str(),
            "update" | "delete" | "softDelete" | "restore"
        )
    });
    let with_deleted = chain.calls.iter().any(|c| c.method == "withDeleted");
    let mut condition = and_group.join(" AND ");
    for o in or_groups {
        condition = format!("({condition}) OR ({o})");
    }
    if !writes && !with_deleted {
        if let Some(sd) = soft_delete_condition(entity, alias) {
            condition = format!("({condition}) AND {sd}");
        }
    }
    Some(format!("{} WHERE {condition}", from(entity, alias)))
}

/// A SQL fragment with TypeORM's replacements: `alias.property` becomes the quoted database
/// column, `:name` and `:...names` parameters become `$?`. None when it names a column of
/// the alias we cannot place. (Another alias, of a join, makes the SQL invalid: PostgreSQL's
/// error leaves the site out.)
fn fragment_sql(entity: &Entity, alias: &str, text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let boundary =
            i == 0 || !(ident(chars[i - 1]) || chars[i - 1] == '.' || chars[i - 1] == ':');
        let rest: String = chars[i..].iter().collect();
        // A parameter (not a `::type` cast).
        if boundary && chars[i] == ':' {
            let start = if rest.starts_with(":...") {
                i + 4
            } else {
                i + 1
            };
            let mut j = start;
            while j < chars.len() && ident(chars[j]) {
                j += 1;
            }
            if j > start {
                out.push_str("$?");
                i = j;
                continue;
            }
        }
        let prefix = [format!("{alias}."), format!("\"{alias}\".")]
            .into_iter()
            .find(|p| boundary && rest.starts_with(p.as_str()));
        if let Some(prefix) = prefix {
            let mut j = i + prefix.chars().count();
            let quoted = chars.get(j) == Some(&'"');
            let start = if quoted { j + 1 } else { j };
            j = start;
            while j < chars.len() && ident(chars[j]) {
                j += 1;
            }
            let name: String = chars[start..j].iter().collect();
            if quoted {
                j += 1;
            }
            out.push_str(&format!(
                "{}.{}",
                quote(alias),
                quote(&db_column(entity, &name)?)
            ));
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    Some(out)
}

/// The database column a property (or column) name of the entity stands for.
fn db_column(entity: &Entity, name: &str) -> Option<String> {
    if let Some(c) = entity
        .column(name)
        .or_else(|| entity.column_by_db_name(name))
    {
        return Some(c.db_name.clone());
    }
    let r = entity
        .relations
        .iter()
        .find(|r| r.property == name || r.join_columns.iter().any(|c| c == name))?;
    match r.join_columns.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}
