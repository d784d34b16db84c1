//! Conditions that choose a value by database, evaluated for PostgreSQL.
//!
//! Multi-database code picks a column's options at run time:
//! `type: isPostgres() ? 'jsonb' : isMySQL() ? 'json' : 'text'`,
//! `...(isMySQL() ? { type: 'bigint' } : { type: 'numeric' })`,
//! `type: process.env.DB_TYPE === 'postgres' ? 'timestamptz' : 'datetime'`.
//! typeorm-lsp judges a schema as PostgreSQL will hold it, so such a ternary stands for its
//! PostgreSQL branch. A condition is recognised by its shape, not by where its helpers are
//! defined: a predicate named `is<Database>` called without arguments (`isPostgres()`, `isSqlite()`,
//! `isBetterSqlite3()`), or a comparison of a database-type expression
//! (`process.env.DB_TYPE`, `dbType`, `config.type`) with a driver name (`'postgres'`,
//! `DatabaseType.mysql`), combined with `!`, `&&`, `||`; and such a predicate named without
//! being called, when the file binds it to a function (always truthy). Anything else is
//! unknown and the ternary stays an unknown value, as before.

use super::function_binding;
use super::value::{first_named, text};
use crate::syntax::ids::{fields, KindExt};
use tree_sitter::Node;

/// How deep a condition may nest before it is called unknown (generated input).
const MAX_DEPTH: usize = 16;

/// The branch of a `cond ? a : b` that PostgreSQL takes, if the condition is about the
/// database and can be decided.
pub fn postgres_branch<'t>(ternary: Node<'t>, src: &str) -> Option<Node<'t>> {
    let condition = ternary.child_by_field_name("condition")?;
    let branch = if evaluate(condition, src, 0)? {
        "consequence"
    } else {
        "alternative"
    };
    ternary.child_by_field_name(branch)
}

/// The truth of a database condition (`isPostgres()`, `process.env.DB_TYPE === 'postgres'`)
/// on PostgreSQL, or `None` when `node` is not one or cannot be decided.
pub fn database_condition(node: Node, src: &str) -> Option<bool> {
    evaluate(node, src, 0)
}

/// The truth of a database condition on PostgreSQL, or `None` when it is not one.
fn evaluate(node: Node, src: &str, depth: usize) -> Option<bool> {
    if depth > MAX_DEPTH {
        return None;
    }
    match node.fast_kind() {
        "parenthesized_expression" | "non_null_expression" | "as_expression" => {
            evaluate(first_named(node)?, src, depth + 1)
        }
        "unary_expression" => {
            let op = node.child_by_field_id(fields().operator)?;
            if text(op, src) != "!" {
                return None;
            }
            evaluate(node.child_by_field_id(fields().argument)?, src, depth + 1).map(|b| !b)
        }
        "binary_expression" => binary(node, src, depth),
        // `isPostgres()`: a predicate takes no arguments.
        "call_expression" => {
            let args = node.child_by_field_id(fields().arguments)?;
            if args.named_child_count() != 0 {
                return None;
            }
            predicate(node.child_by_field_id(fields().function)?, src)
        }
        // A bare `isMySQL`: when the file imports it or declares it as a function, it is
        // the predicate itself, always truthy whatever the database (TypeORM then takes
        // the MySQL branch). A boolean of that name, or one the file does not bind, stays
        // unknown.
        "identifier" => {
            predicate(node, src)?;
            function_binding::is_function(node, text(node, src), src)?.then_some(true)
        }
        _ => None,
    }
}

fn binary(node: Node, src: &str, depth: usize) -> Option<bool> {
    let op = text(node.child_by_field_id(fields().operator)?, src);
    let left = node.child_by_field_id(fields().left)?;
    let right = node.child_by_field_id(fields().right)?;
    match op {
        // Three-valued: the side that decides (`false` for `&&`, `true` for `||`) settles
        // it even when the other is unknown.
        "&&" | "||" => {
            let decisive = op == "||";
            match (
                evaluate(left, src, depth + 1),
                evaluate(right, src, depth + 1),
            ) {
                (Some(side), _) | (_, Some(side)) if side == decisive => Some(decisive),
                (Some(_), Some(_)) => Some(!decisive),
                _ => None,
            }
        }
        "===" | "==" | "!==" | "!=" => {
            let equal = comparison(left, right, src).or_else(|| comparison(right, left, src))?;
            Some(if op.starts_with('!') { !equal } else { equal })
        }
        _ => None,
    }
}

/// `subject === driver`: whether PostgreSQL makes it true, if `subject` reads as the
/// database type and `driver` names a database.
fn comparison(subject: Node, driver: Node, src: &str) -> Option<bool> {
    let name = match driver.fast_kind() {
        "string" => text(driver, src).trim_matches(|c| c == '\'' || c == '"'),
        // `DatabaseTypeEnum.postgres`, `DbType.POSTGRES`.
        "member_expression" => text(driver.child_by_field_id(fields().property)?, src),
        _ => return None,
    };
    let is_postgres = database(name)?;
    names_database_type(text(subject, src)).then_some(is_postgres)
}

/// `isPostgres`, `isMySQL`, `env.isSqlite` (called): a predicate named after a database.
fn predicate(callee: Node, src: &str) -> Option<bool> {
    let name = match callee.fast_kind() {
        "identifier" => text(callee, src),
        "member_expression" => text(callee.child_by_field_id(fields().property)?, src),
        _ => return None,
    };
    let db = name
        .strip_prefix("is")
        .or_else(|| name.strip_prefix("Is"))?;
    database(db)
}

/// Whether a driver name (any case, `-`/`_` ignored) is PostgreSQL, or `None` when it
/// names no database TypeORM supports.
fn database(name: &str) -> Option<bool> {
    let key: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match key.as_str() {
        "postgres" | "postgresql" | "pg" | "pgsql" => Some(true),
        "mysql" | "mariadb" | "sqlite" | "sqlite3" | "bettersqlite3" | "bettersqlite" | "sqljs"
        | "mssql" | "sqlserver" | "oracle" | "mongodb" | "mongo" | "cockroachdb" | "cockroach"
        | "spanner" | "sap" | "hana" | "cordova" | "capacitor" | "expo" | "nativescript"
        | "reactnative" | "auroramysql" | "aurorapostgres" => Some(false),
        _ => None,
    }
}

/// Whether an expression's text reads as "the database type" (`process.env.DB_TYPE`,
/// `dbType`, `config.database.type`, `getDriver()`), so comparing it with a driver name is a
/// question about the database.
fn names_database_type(subject: &str) -> bool {
    let lower = subject.to_ascii_lowercase();
    ["db", "database", "driver", "dialect", "type", "connection"]
        .iter()
        .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use crate::syntax::facts_of;
    use crate::syntax::Value;

    /// The `type` option of the one column of a small entity whose `type` is `expr`.
    fn column_type(expr: &str) -> Value {
        let src = format!(
            "import {{ Entity, Column }} from 'typeorm';\n\
             @Entity() export class T {{ @Column({{ type: {expr} }}) a: string; }}\n"
        );
        let facts = facts_of(&src);
        let class = &facts.classes[0];
        let options = class.properties[0].decorators[0].options().cloned();
        options
            .and_then(|o| o.value.get("type").map(|v| v.value.clone()))
            .unwrap_or(Value::Other)
    }

    fn str_value(s: &str) -> Value {
        Value::Str(s.into())
    }

    #[test]
    fn database_predicates_take_the_postgres_branch() {
        let nested = "isPostgres() ? 'jsonb' : isMySQL() ? 'json' : 'text'";
        assert_eq!(column_type(nested), str_value("jsonb"));
        let sqlite = "isSqlite() || isBetterSqlite3() ? 'text' : 'json'";
        assert_eq!(column_type(sqlite), str_value("json"));
        assert_eq!(column_type("!isPostgres() ? 'a' : 'b'"), str_value("b"));
        assert_eq!(column_type("env.isMySQL() ? 'a' : 'b'"), str_value("b"));
    }

    #[test]
    fn comparisons_of_the_database_type_take_the_postgres_branch() {
        let env = "process.env.DB_TYPE === 'postgres' ? 'timestamptz' : 'datetime'";
        assert_eq!(column_type(env), str_value("timestamptz"));
        let enum_member = "dbType !== DatabaseType.MySQL ? 'uuid' : 'varchar'";
        assert_eq!(column_type(enum_member), str_value("uuid"));
        let reversed = "'mysql' == config.database.type ? 'json' : 'jsonb'";
        assert_eq!(column_type(reversed), str_value("jsonb"));
    }

    #[test]
    fn undecidable_conditions_stay_unknown() {
        assert_eq!(column_type("flag ? 'a' : 'b'"), Value::Other);
        assert_eq!(column_type("isReady() ? 'a' : 'b'"), Value::Other);
        assert_eq!(column_type("name === 'postgres' ? 'a' : 'b'"), Value::Other);
        assert_eq!(column_type("isPostgres(x) ? 'a' : 'b'"), Value::Other);
        // Not called and not bound by the file: a function or a boolean, unknown.
        assert_eq!(column_type("isMySQL ? 'a' : 'b'"), Value::Other);
        // `unknown && false` is false, `unknown && true` is not decided.
        assert_eq!(column_type("flag && isMySQL() ? 'a' : 'b'"), str_value("b"));
        assert_eq!(
            column_type("flag && isPostgres() ? 'a' : 'b'"),
            Value::Other
        );
    }

    /// The `type` of the one column when the file starts with `prelude`.
    fn column_type_after(prelude: &str, expr: &str) -> Value {
        let src = format!(
            "{prelude}\nimport {{ Entity, Column }} from 'typeorm';\n\
             @Entity() export class T {{ @Column({{ type: {expr} }}) a: string; }}\n"
        );
        let facts = facts_of(&src);
        let options = facts.classes[0].properties[0].decorators[0]
            .options()
            .cloned();
        options
            .and_then(|o| o.value.get("type").map(|v| v.value.clone()))
            .unwrap_or(Value::Other)
    }

    #[test]
    fn an_uncalled_predicate_function_is_truthy() {
        let ternary = "isMySQL ? 'json' : 'jsonb'";
        let imported = "import { isMySQL } from '@app/config';";
        assert_eq!(column_type_after(imported, ternary), str_value("json"));
        let arrow = "export const isMySQL = (): boolean => process.env.DB_TYPE === 'mysql';";
        assert_eq!(column_type_after(arrow, ternary), str_value("json"));
        let declared = "function isMySQL() { return false; }";
        assert_eq!(column_type_after(declared, ternary), str_value("json"));
        // `!isMySQL` of a function is always false.
        let negated = "!isMySQL ? 'json' : 'jsonb'";
        assert_eq!(column_type_after(imported, negated), str_value("jsonb"));
    }

    #[test]
    fn an_uncalled_boolean_or_unbound_name_stays_unknown() {
        let ternary = "isMySQL ? 'json' : 'jsonb'";
        let boolean = "const isMySQL = process.env.DB_TYPE === 'mysql';";
        assert_eq!(column_type_after(boolean, ternary), Value::Other);
        let renamed = "import { isMySQL as mysql } from '@app/config';";
        assert_eq!(column_type_after(renamed, ternary), Value::Other);
        // Imported, but not named after a database.
        let other = "import { isReady } from '@app/config';";
        assert_eq!(
            column_type_after(other, "isReady ? 'a' : 'b'"),
            Value::Other
        );
        let member = "import { env } from '@app/config';";
        assert_eq!(
            column_type_after(member, "env.isMySQL ? 'a' : 'b'"),
            Value::Other
        );
    }

    #[test]
    fn a_spread_ternary_contributes_its_postgres_object() {
        let src = "import { Entity, Column } from 'typeorm';\n\
             @Entity() export class T {\n\
               @Column({ nullable: true, ...(isMySQL() ? { type: 'bigint' } : { type: 'numeric' }) })\n\
               a: number;\n\
             }\n";
        let facts = facts_of(src);
        let options = facts.classes[0].properties[0].decorators[0]
            .options()
            .cloned()
            .map(|o| o.value);
        let options = options.unwrap_or(Value::Other);
        assert_eq!(
            options.get("type").map(|v| v.value.clone()),
            Some(str_value("numeric"))
        );
        assert!(!options.has_spread());
    }
}
