//! Which interpolated values are constants (SEC001 allows them): literals, consts of the
//! file or imported from workspace files, enum members, ORM metadata, numeric
//! conversions, and a few idioms that build placeholders or pick between literals.

use crate::rules::Ctx;
use crate::syntax::{Spanned, Value};

/// Calls whose result cannot carry SQL: numeric conversions.
const NUMERIC_CALLS: &[&str] = &[
    "Number",
    "parseInt",
    "parseFloat",
    "Math.floor",
    "Math.ceil",
    "Math.round",
    "Math.trunc",
    "Math.min",
    "Math.max",
    "Math.abs",
    // milliseconds since the epoch
    "Date.now",
];

/// Whether the value of `expr` (in file `file`, whose text is `text`) is a constant.
pub fn is_constant(ctx: &Ctx, file: usize, text: &str, expr: &Spanned<Value>) -> bool {
    is_constant_value(ctx, file, text, expr, 0)
}

fn is_constant_value(
    ctx: &Ctx,
    file: usize,
    text: &str,
    expr: &Spanned<Value>,
    depth: usize,
) -> bool {
    if depth > 16 {
        return false;
    }
    match &expr.value {
        Value::Str(_)
        | Value::Num(_)
        | Value::BigInt(_)
        | Value::Bool(_)
        | Value::Null
        | Value::Undefined => true,
        Value::Const { value, .. } => is_constant_value(ctx, file, text, value, depth + 1),
        Value::Template { exprs, .. } => exprs
            .iter()
            .all(|e| is_constant_value(ctx, file, text, e, depth + 1)),
        Value::Binary { operands, .. } => {
            let [left, right] = &**operands;
            is_constant_value(ctx, file, text, left, depth + 1)
                && is_constant_value(ctx, file, text, right, depth + 1)
        }
        Value::Ident(name) => {
            is_screaming_case(name) || is_alias_name(name) || is_imported_constant(ctx, file, name)
        }
        Value::Member(path) => {
            is_enum_member(ctx, file, path)
                || is_metadata(path)
                || path.rsplit('.').next().is_some_and(is_alias_name)
                || path.split('.').next().is_some_and(is_screaming_case)
                || is_constant_property(ctx, file, path)
        }
        Value::Call { callee, args } => {
            NUMERIC_CALLS.contains(&callee.as_str())
                || callee.starts_with("Math.")
                || is_builder_sql(callee, args)
                || is_escaped_or_formatted(callee)
                || is_placeholder_list(text, &expr.span)
        }
        Value::Other => {
            let expr = text.get(expr.span.range()).unwrap_or("");
            is_literal_ternary(expr) || is_allowlisted_ternary(expr) || is_metadata(expr)
        }
        _ => false,
    }
}

/// `subQuery.getQuery()`: the SQL a QueryBuilder generated, with its values still bound
/// as parameters. Interpolating it is TypeORM's documented way to write a subquery.
fn is_builder_sql(callee: &str, args: &[Spanned<Value>]) -> bool {
    args.is_empty()
        && [".getQuery", ".getSql", ".getQueryAndParameters"]
            .iter()
            .any(|m| callee.ends_with(m))
}

/// `qb.escape(name)`, `driver.escape(name)`: an identifier quoted by TypeORM itself;
/// `date.toISOString()`, `n.toFixed(2)`: text that cannot hold a quote.
fn is_escaped_or_formatted(callee: &str) -> bool {
    // `this.sanitizeTableName(t)`, `escapeIdentifier(c)`, `pg.escapeLiteral(v)`: the
    // code's own quoting step, named for what it does
    let last = callee.rsplit('.').next().unwrap_or(callee);
    let quoting = ["escape", "sanitize"].iter().any(|w| last.starts_with(w));
    quoting
        || [
            ".escape",
            ".toISOString",
            ".toFixed",
            ".getTime",
            ".valueOf",
        ]
        .iter()
        .any(|m| callee.ends_with(m))
}

/// `alias`, `joinAlias`, `qb.alias`: a QueryBuilder alias, a name the code chose for
/// a table in its own query (`createQueryBuilder('order')`), not input.
pub fn is_alias_name(name: &str) -> bool {
    name == "alias" || name.ends_with("Alias")
}

/// `FIELDS.includes(raw) ? raw : 'createdAt'`: a value checked against an allowlist,
/// with a literal fallback.
fn is_allowlisted_ternary(expr: &str) -> bool {
    let Some((condition, branches)) = expr.split_once('?') else {
        return false;
    };
    let Some((yes, no)) = branches.rsplit_once(':') else {
        return false;
    };
    let yes = strip_cast(yes.trim());
    let checked = condition
        .split(".includes(")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .map(|arg| strip_cast(arg.trim()));
    !yes.is_empty() && checked.is_some_and(|c| c == yes) && is_plain_string_literal(no.trim())
}

/// `(raw as string)` -> `raw`.
fn strip_cast(expr: &str) -> &str {
    let expr = expr.trim_start_matches('(').trim_end_matches(')').trim();
    expr.split(" as ").next().unwrap_or(expr).trim()
}

/// `MAX_ROWS`, `TABLE_NAME`: by convention a constant.
fn is_screaming_case(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// `Status.Active` where `Status` is an enum declared in the workspace, or
/// `entities.Status.Active` through a namespace the file imports (`import * as entities`,
/// or a package's `export * as entities`) where that enum has the member.
fn is_enum_member(ctx: &Ctx, file: usize, path: &str) -> bool {
    let imported = |name: &str| {
        ctx.file(file)
            .is_some_and(|f| f.facts.import_binding(name).is_some())
    };
    let parts: Vec<&str> = path.split('.').collect();
    let (enum_name, member) = match parts[..] {
        [head, _] => (head, None),
        [namespace, head, member] if imported(namespace) => (head, Some(member)),
        _ => return false,
    };
    ctx.model.files.iter().any(|f| {
        f.facts.enums.iter().any(|e| {
            e.name == enum_name && member.is_none_or(|m| e.members.iter().any(|(n, _)| n == m))
        })
    })
}

/// `this.table` where a class of the file declares `table = 'users'`, or `Foo.TABLE`
/// where a workspace class `Foo` declares `static TABLE = 'x'`: a property initialized
/// with a literal. (Reassignment elsewhere is not tracked; a `readonly` is the norm.)
fn is_constant_property(ctx: &Ctx, file: usize, path: &str) -> bool {
    let Some((head, prop)) = path.split_once('.') else {
        return false;
    };
    if prop.contains('.') {
        return false;
    }
    let literal = |p: &crate::syntax::PropertyFact| {
        p.name == prop
            && p.initializer.as_ref().is_some_and(|i| {
                matches!(i.value, Value::Str(_) | Value::Num(_) | Value::BigInt(_))
            })
    };
    if head == "this" {
        return ctx.file(file).is_some_and(|f| {
            f.facts
                .classes
                .iter()
                .any(|c| c.properties.iter().any(|p| !p.is_static && literal(p)))
        });
    }
    ctx.model
        .classes
        .named(head)
        .iter()
        .filter_map(|r| ctx.model.class(*r))
        .any(|c| c.properties.iter().any(|p| p.is_static && literal(p)))
}

/// `repo.metadata.tableName`, `column.databaseName`,
/// `relation.joinColumns[0].databaseName`: names TypeORM itself derived from the model;
/// and the DataSource's options (`connection.options.entityPrefix`).
fn is_metadata(path: &str) -> bool {
    const METADATA_NAMES: &[&str] = &[
        ".databaseName",
        ".databasePath",
        ".databaseNameWithoutPrefixes",
        ".givenDatabaseName",
    ];
    let lower = path.to_ascii_lowercase();
    // `joinColumn.propertyPath`, `primaryColumn.propertyName`: TypeORM's column and
    // relation metadata name the entity's own properties
    let root = lower.split('.').next().unwrap_or("");
    let metadata_property = (root.contains("column") || root.contains("relation"))
        && [".propertyPath", ".propertyName", ".propertyAliasName"]
            .iter()
            .any(|m| path.ends_with(m));
    // `this.manager.connection.options.entityPrefix`: the DataSource's own options, the
    // application's configuration (a table prefix, a schema), not request data
    let data_source_option = ["connection.options.", "datasource.options."]
        .iter()
        .any(|o| lower.contains(o));
    metadata_property
        || data_source_option
        || path.contains(".metadata.")
        || METADATA_NAMES.iter().any(|m| path.ends_with(m))
        || (lower.contains("meta")
            && [".tableName", ".tablePath", ".schema", ".targetName"]
                .iter()
                .any(|m| path.ends_with(m)))
}

/// A name imported from a workspace file that declares it as a `const` of a constant
/// value (`export const ORDER_COLUMNS = 'id, total'`).
fn is_imported_constant(ctx: &Ctx, file: usize, name: &str) -> bool {
    let Some(source) = ctx.file(file) else {
        return false;
    };
    let Some((import, imported)) = source.facts.imports.iter().find_map(|i| {
        i.names
            .iter()
            .find(|n| n.local == name)
            .map(|n| (i, n.imported.as_str()))
    }) else {
        return false;
    };
    let Some(target) = ctx
        .import_target(file, &import.specifier)
        .and_then(|i| ctx.file(i))
    else {
        return false;
    };
    target.facts.consts.iter().any(|c| {
        c.name == imported
            && matches!(
                c.value.value,
                Value::Str(_) | Value::Num(_) | Value::BigInt(_) | Value::Bool(_)
            )
    })
}

/// `ids.map((_, i) => `$${i + 1}`).join(', ')`: a list of placeholders, not values.
fn is_placeholder_list(text: &str, span: &crate::syntax::ByteSpan) -> bool {
    let Some(expr) = text.get(span.range()) else {
        return false;
    };
    expr.contains(".map(")
        && expr.contains(".join(")
        && (expr.contains("'?'")
            || expr.contains("`$${")
            || expr.contains("'$'")
            || expr.contains("`:"))
}

/// `asc ? 'ASC' : 'DESC'`: a choice between two string literals.
fn is_literal_ternary(expr: &str) -> bool {
    let Some((_, branches)) = expr.split_once('?') else {
        return false;
    };
    let Some((yes, no)) = branches.rsplit_once(':') else {
        return false;
    };
    is_plain_string_literal(yes.trim()) && is_plain_string_literal(no.trim())
}

fn is_plain_string_literal(s: &str) -> bool {
    // `p('"a"."id" = "b"."aId"')`: a dialect helper around a literal is a literal
    let s = match s.split_once('(') {
        Some((callee, rest))
            if !callee.is_empty()
                && callee
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                && rest.trim_end().ends_with(')') =>
        {
            rest.trim_end().trim_end_matches(')').trim()
        }
        _ => s,
    };
    let mut chars = s.chars();
    let (Some(first), Some(last)) = (chars.next(), chars.next_back()) else {
        return false;
    };
    let quote = matches!(first, '\'' | '"' | '`') && first == last;
    let inner = s.get(1..s.len().saturating_sub(1)).unwrap_or("");
    quote && !inner.contains(first) && !inner.contains("${")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_idioms() {
        assert!(is_screaming_case("MAX_ROWS"));
        assert!(!is_screaming_case("maxRows"));
        assert!(!is_screaming_case("_"));
        assert!(is_literal_ternary("asc ? 'ASC' : 'DESC'"));
        assert!(!is_literal_ternary("asc ? column : 'DESC'"));
        assert!(!is_literal_ternary("a ? 'x' + b : 'y'"));
        assert!(is_metadata("this.repo.metadata.tableName"));
        assert!(is_placeholder_list(
            "ids.map(() => '?').join(',')",
            &(0..28).into()
        ));
        assert!(!is_placeholder_list("ids.join(',')", &(0..13).into()));
        assert!(is_metadata("relation.joinColumns[0].databaseName"));
        assert!(is_metadata("metadata.tableName"));
        assert!(!is_metadata("dto.tableName"));
        assert!(is_metadata("this.manager.connection.options.entityPrefix"));
        assert!(is_metadata("this.dataSource.options.schema"));
        assert!(!is_metadata("options.entityPrefix"));
        assert!(is_escaped_or_formatted("this.sanitizeTableName"));
        assert!(is_escaped_or_formatted("client.escapeIdentifier"));
        assert!(!is_escaped_or_formatted("this.buildTableName"));
        assert!(is_allowlisted_ternary(
            "(FIELDS as readonly string[]).includes(raw as string) ? (raw as string) : 'createdAt'"
        ));
        assert!(!is_allowlisted_ternary("FIELDS.includes(a) ? b : 'x'"));
        assert!(is_alias_name("joinAlias") && is_alias_name("alias"));
        assert!(!is_alias_name("aliases"));
    }
}
