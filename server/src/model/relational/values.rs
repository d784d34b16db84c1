//! Free helpers of the schema builder: TypeORM's column names, types and SQL defaults
//! written as PostgreSQL and TypeORM's metadata write them.

use super::*;

/// What a column-naming arrow of `@Tree` options returns for a primary column, when its
/// body is a string, `column.propertyName`, or a `+` of those.
pub(super) fn column_name_function(f: &Value, property: &str) -> Option<String> {
    let Value::Arrow { params, body } = f else {
        return None;
    };
    fn eval(v: &Value, param: Option<&str>, property: &str) -> Option<String> {
        match v {
            Value::Str(s) => Some(s.to_string()),
            Value::Member(m) => {
                let (object, field) = m.split_once('.')?;
                (Some(object) == param && matches!(field, "propertyName" | "propertyPath"))
                    .then(|| property.to_string())
            }
            Value::Binary { op, operands } if op == "+" => {
                let [left, right] = &**operands;
                Some(eval(&left.value, param, property)? + &eval(&right.value, param, property)?)
            }
            _ => None,
        }
    }
    eval(&body.value, params.first().map(|p| p.as_str()), property)
}

/// Adds `col` to an embedded class's columns, or merges it with the column of that name
/// already there: a declared column that is also a relation's join column
/// (`@ManyToOne(() => User) owner` next to `@Column() ownerId` in one embedded class) is
/// one column, declared as written, with the relation's key and the referenced type (its
/// length stays the declared one, as TypeORM's RelationJoinColumnBuilder leaves it).
pub(super) fn merge_join_column(out: &mut Vec<Col>, col: Col) {
    let Some(at) = out.iter().position(|x| x.column.name == col.column.name) else {
        out.push(col);
        return;
    };
    // Two declarations of one name: TypeORM keeps the first.
    if out[at].fk.is_some() == col.fk.is_some() {
        return;
    }
    let same = out.remove(at);
    let (declared, join) = if col.fk.is_some() {
        (same.column, col)
    } else {
        (col.column, same)
    };
    let merged = Col {
        column: TableColumn {
            db_type: join.column.db_type,
            ..declared
        },
        property: join.property,
        fk: join.fk,
    };
    out.insert(at, merged);
}

pub(super) fn plain_col(name: &str, ty: &str, default: Option<&str>) -> Col {
    Col {
        column: TableColumn {
            name: name.into(),
            db_type: ty.into(),
            array: false,
            nullable: false,
            default: default.map(str::to_string),
            primary: false,
            generated: None,
            length: None,
            enum_values: None,
        },
        property: name.into(),
        fk: None,
    }
}

/// What an embedded class declares for the entity that embeds it, by property paths from
/// that entity.
pub(super) enum EmbeddedKey {
    /// An `@Index`.
    Index {
        name: Option<String>,
        paths: Vec<String>,
        unique: bool,
        where_clause: Option<String>,
    },
    /// A `unique: true` column: a unique constraint rather than an index.
    Unique { paths: Vec<String> },
}

pub(super) fn dedup_by_name<T>(items: &mut Vec<T>, name: impl Fn(&T) -> &String) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(name(i).clone()));
}

pub(super) fn relation_options(d: &Decorator) -> Option<&Value> {
    d.args
        .iter()
        .skip(1)
        .map(|a| &a.value)
        .find(|v| v.as_object().is_some())
}

pub(super) fn option_str(options: Option<&Value>, key: &str) -> Option<String> {
    options?.get(key)?.value.as_str().map(str::to_string)
}

/// `DefaultNamingStrategy.columnName` with embedded prefixes:
/// `camelCase(prefixes.join('_')) + titleCase(name)`; snake_case: all snake-cased.
pub fn embedded_column_name(
    prefixes: &[String],
    explicit: Option<&str>,
    property: &str,
    strategy: NamingStrategy,
) -> String {
    let prefixes: Vec<&str> = prefixes
        .iter()
        .map(String::as_str)
        .filter(|p| !p.is_empty())
        .collect();
    match strategy {
        NamingStrategy::Default => {
            let name = explicit.unwrap_or(property);
            format!("{}{}", camel_case(&prefixes.join("_")), title_case(name))
        }
        NamingStrategy::SnakeCase => {
            let mut joined = prefixes.join("_");
            joined.push('_');
            format!(
                "{}{}",
                snake_case(&joined),
                explicit
                    .map(str::to_string)
                    .unwrap_or_else(|| snake_case(property))
            )
        }
    }
}

/// TypeORM's `titleCase`: each word's first letter upper, THE REST LOWER CASE, so an
/// embedded `postalCode` under `address` is `addressPostalcode`, not `addressPostalCode`.
pub(super) fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word_start = true;
    for c in s.chars() {
        if c.is_whitespace() {
            word_start = true;
            out.push(c);
        } else if word_start && (c.is_alphanumeric() || c == '_') {
            out.extend(c.to_uppercase());
            word_start = false;
        } else if word_start {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The type TypeORM reads from `design:type` when a column names none, for an annotation
/// that names no workspace type.
pub(super) fn inferred_type(ts: &str) -> Option<String> {
    let parts: Vec<&str> = ts
        .split('|')
        .map(str::trim)
        .filter(|p| !matches!(*p, "null" | "undefined" | ""))
        .collect();
    let literal = |p: &&str| {
        let quoted = |q: char| p.len() >= 2 && p.starts_with(q) && p.ends_with(q);
        if quoted('\'') || quoted('"') || quoted('`') {
            Some("varchar")
        } else if p.parse::<f64>().is_ok() {
            Some("int")
        } else if matches!(*p, "true" | "false") {
            Some("bool")
        } else {
            None
        }
    };
    match parts.as_slice() {
        // The wrapper object types serialize as themselves: `String` is `String`.
        ["string" | "String"] => Some("varchar".into()),
        ["number" | "Number"] => Some("int".into()),
        ["boolean" | "Boolean"] => Some("bool".into()),
        ["Date"] => Some("timestamp".into()),
        // A union of literals of one kind: TypeScript emits `String` (`Number`, `Boolean`)
        // as its `design:type`.
        [first, rest @ ..] => {
            let kind = literal(first)?;
            rest.iter()
                .all(|p| literal(p) == Some(kind))
                .then(|| kind.to_string())
        }
        _ => None,
    }
}

/// `PostgresDriver.normalizeType`.
pub fn normalize_type(t: &str) -> String {
    match t {
        "int" | "int4" | "integer" => "integer",
        "varchar" | "string" => "character varying",
        "timestamp" => "timestamp without time zone",
        "timestamptz" => "timestamp with time zone",
        "time" => "time without time zone",
        "timetz" => "time with time zone",
        "bool" => "boolean",
        "simple-array" | "simple-json" => "text",
        "simple-enum" => "enum",
        "int2" => "smallint",
        "int8" => "bigint",
        "decimal" => "numeric",
        "float8" | "float" => "double precision",
        "float4" => "real",
        "char" => "character",
        "varbit" => "bit varying",
        other => other,
    }
    .to_string()
}

/// `PostgresDriver.normalizeDefault` for a literal default: a number or a string, or any
/// primitive of an enum column, is quoted; a boolean or a BigInt (`typeof` `"bigint"`) is
/// written as it prints.
pub(super) fn sql_default(v: &Value, is_array: bool, is_enum: bool) -> Option<String> {
    match v {
        Value::Null | Value::Undefined => None,
        Value::Str(s) => Some(format!("'{s}'")),
        Value::Num(n) => Some(format!("'{}'", js_number(*n))),
        Value::Bool(b) if is_enum => Some(format!("'{b}'")),
        Value::BigInt(digits) if is_enum => Some(format!("'{digits}'")),
        Value::Bool(b) => Some(b.to_string()),
        Value::BigInt(digits) => Some(digits.to_string()),
        Value::Arrow { body, .. } => body.value.as_str().map(datetime_function),
        Value::Array(items) if is_array => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| match &i.value {
                    Value::Str(s) => s.to_string(),
                    Value::Num(n) => js_number(*n),
                    Value::BigInt(digits) => digits.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => String::new(),
                })
                .collect();
            Some(format!("'{{{}}}'", parts.join(",")))
        }
        // An object or array default of a `json` column: `'${JSON.stringify(value)}'`.
        Value::Array(_) | Value::Object(_) => json_literal(v).map(|j| format!("'{j}'")),
        Value::Const { value, .. } => sql_default(&value.value, is_array, is_enum),
        Value::Member(m) => Some(format!("'{}'", m)),
        _ => None,
    }
}

/// A literal JavaScript takes for false (`!options.default` in TypeORM's `ColumnMetadata`).
pub(super) fn is_falsy_literal(v: &Value) -> bool {
    match v {
        Value::Null | Value::Undefined | Value::Bool(false) => true,
        Value::Num(n) => *n == 0.0 || n.is_nan(),
        Value::BigInt(digits) => &**digits == "0",
        Value::Str(s) => s.is_empty(),
        _ => false,
    }
}

/// `PostgresDriver.normalizeDatetimeFunction`: `CURRENT_TIMESTAMP` is stored as `now()`.
pub(super) fn datetime_function(value: &str) -> String {
    let upper = value.to_uppercase();
    let precision = value
        .find('(')
        .and_then(|i| value.get(i..=i + value.get(i..)?.find(')')?))
        .filter(|p| p.len() > 2 && p[1..p.len() - 1].chars().all(|c| c.is_ascii_digit()));
    if upper.contains("CURRENT_TIMESTAMP") {
        match precision {
            Some(p) => format!("('now'::text)::timestamp{p} with time zone"),
            None => "now()".into(),
        }
    } else if upper == "CURRENT_DATE" {
        "('now'::text)::date".into()
    } else if upper.contains("CURRENT_TIME") {
        match precision {
            Some(p) => format!("('now'::text)::time{p} with time zone"),
            None => "('now'::text)::time with time zone".into(),
        }
    } else if upper.contains("LOCALTIMESTAMP") {
        match precision {
            Some(p) => format!("('now'::text)::timestamp{p} without time zone"),
            None => "('now'::text)::timestamp without time zone".into(),
        }
    } else if upper.contains("LOCALTIME") {
        match precision {
            Some(p) => format!("('now'::text)::time{p} without time zone"),
            None => "('now'::text)::time without time zone".into(),
        }
    } else {
        value.to_string()
    }
}

/// `JSON.stringify` of a literal array or object; None when it holds anything else.
pub(super) fn json_literal(v: &Value) -> Option<String> {
    Some(match v {
        Value::Str(s) => serde_json::to_string(s).ok()?,
        Value::Num(n) => js_number(*n),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items.iter().map(|i| json_literal(&i.value)).collect();
            format!("[{}]", parts?.join(","))
        }
        Value::Object(props) => {
            let parts: Option<Vec<String>> = props
                .iter()
                .map(|p| {
                    Some(format!(
                        "{}:{}",
                        serde_json::to_string(&p.key).ok()?,
                        json_literal(&p.value.value)?
                    ))
                })
                .collect();
            format!("{{{}}}", parts?.join(","))
        }
        _ => return None,
    })
}

pub(super) fn js_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
