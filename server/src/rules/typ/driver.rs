//! What the workspace's drivers return for `bigint` and `numeric` / `decimal` columns.
//! `pg` returns strings for both; SQLite returns numbers; `mysql2` through TypeORM returns
//! strings unless the DataSource says otherwise (`bigNumberStrings: false` or
//! `supportBigNumbers: false` for `bigint`, `decimalNumbers: true` for decimals). A column
//! typed `number` is wrong only if some DataSource of the workspace may return a string.

use crate::rules::Ctx;
use crate::syntax::Prop;

/// Database types whose values a driver may return as strings.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Wide {
    BigInt,
    Decimal,
}

pub fn wide_of(db_type: &str) -> Option<Wide> {
    match db_type {
        "bigint" | "int8" | "bigserial" | "serial8" => Some(Wide::BigInt),
        "numeric" | "decimal" => Some(Wide::Decimal),
        _ => None,
    }
}

const SQLITE: &[&str] = &[
    "sqlite",
    "better-sqlite3",
    "sqljs",
    "capacitor",
    "cordova",
    "expo",
    "react-native",
    "nativescript",
];

/// Whether every DataSource found in the workspace returns numbers for `wide` (false when
/// none is found, or one cannot be read: PostgreSQL is then assumed).
pub fn all_return_numbers(ctx: &Ctx, wide: Wide) -> bool {
    let mut any = false;
    let all = crate::rules::data_source::options(ctx)
        .map(|(_, o)| o)
        .all(|o| {
            any = true;
            o.options
                .value
                .as_object()
                .is_some_and(|props| returns_numbers(props, wide))
        });
    any && all
}

fn returns_numbers(props: &[Prop], wide: Wide) -> bool {
    let get = |key: &str| props.iter().find(|p| p.key == key).map(|p| &p.value.value);
    let flag = |key: &str| get(key).and_then(|v| v.as_bool());
    let Some(driver) = get("type").and_then(|t| t.as_str()) else {
        return false;
    };
    if SQLITE.contains(&driver) {
        return true;
    }
    if driver != "mysql" && driver != "mariadb" {
        return false;
    }
    match wide {
        Wide::BigInt => {
            flag("supportBigNumbers") == Some(false) || flag("bigNumberStrings") == Some(false)
        }
        Wide::Decimal => flag("decimalNumbers") == Some(true),
    }
}

/// An entity kept in a folder named for another driver (`entity/mssql/Post.ts`,
/// `column-types/oracle/entity/Post.ts`): written for that driver's values, not `pg`'s.
pub fn in_other_driver_folder(path: &std::path::Path) -> bool {
    // CockroachDB counts here: its `int` is 64-bit, a string where `pg` gives a number.
    path.parent()
        .is_some_and(|dir| crate::rules::data_source::driver_folder(dir).is_some())
}
