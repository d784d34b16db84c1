//! Folders named for a database other than PostgreSQL: code kept for that driver
//! (entities, migrations) whose indexes and types are not the PostgreSQL database's.

use std::path::Path;

/// Drivers other than `pg`, as projects name the folders of code written for one
/// (`migrations/mysql/`, `entity/mssql/`, typeorm's own test matrix).
const OTHER_DRIVERS: &[&str] = &[
    "mysql",
    "mariadb",
    "planetscale",
    "sqlite",
    "better-sqlite3",
    "sqljs",
    "mssql",
    "oracle",
    "sap",
    "spanner",
    "mongodb",
    "cockroachdb",
    "capacitor",
    "cordova",
    "expo",
    "react-native",
    "nativescript",
];

/// The driver a folder on `path` is named for (`.../mysql/...`), if any.
pub fn driver_folder(path: &Path) -> Option<&'static str> {
    path.components().find_map(|c| {
        let name = c.as_os_str().to_str()?.to_ascii_lowercase();
        OTHER_DRIVERS.iter().copied().find(|d| *d == name)
    })
}
