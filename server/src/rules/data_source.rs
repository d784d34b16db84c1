//! What the workspace's DataSources say about the database a file's migrations run on:
//! the `type` of the DataSource options (`new DataSource({...})`, `TypeOrmModule.forRoot`,
//! `forRootAsync` factories, ormconfig objects), and where the type is not a literal
//! (`process.env.DB_TYPE`, `config.get('db.type')`), the database drivers the project's
//! `package.json` installs (TypeORM can only reach a database through its driver).
//!
//! Index migrations and MIG003 use `CONCURRENTLY` only when the answer is PostgreSQL for
//! certain: it is a syntax error on every other database.

use super::Ctx;
use crate::syntax::OrmOptions;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The database of a DataSource, as far as the code tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    /// Another driver (`mysql`, `sqlite`, ...), as written or installed.
    Other(String),
    Unknown,
}

/// The dialect and one sentence saying how it was found (or why it is unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Database {
    pub dialect: Dialect,
    pub why: String,
}

impl Database {
    pub fn is_postgres(&self) -> bool {
        self.dialect == Dialect::Postgres
    }
}

/// DataSource `type` values that are PostgreSQL.
const POSTGRES_TYPES: &[&str] = &["postgres", "aurora-postgres"];

/// Whether a DataSource `type` value is PostgreSQL.
pub fn is_postgres_type(ty: &str) -> bool {
    POSTGRES_TYPES.contains(&ty)
}

/// npm packages that are database drivers TypeORM loads, with the dialect they serve.
const DRIVERS: &[(&str, &str)] = &[
    ("pg", "postgres"),
    ("pg-native", "postgres"),
    ("mysql", "mysql"),
    ("mysql2", "mysql"),
    ("mariadb", "mysql"),
    ("sqlite3", "sqlite"),
    ("better-sqlite3", "sqlite"),
    ("sql.js", "sqlite"),
    ("@sqlite.org/sqlite-wasm", "sqlite"),
    ("mssql", "mssql"),
    ("oracledb", "oracle"),
    ("@sap/hana-client", "sap"),
    ("@google-cloud/spanner", "spanner"),
    ("mongodb", "mongodb"),
];

/// The driver a folder on a path is named for (kept with the model, which reads it too).
pub use crate::model::driver_folder;

/// Every DataSource options object of the workspace, with its file.
pub fn options<'a>(ctx: &Ctx<'a>) -> impl Iterator<Item = (usize, &'a OrmOptions)> {
    ctx.model
        .orm_option_files
        .iter()
        .filter_map(|&i| Some((i, ctx.model.file(i)?)))
        .flat_map(|(i, f)| f.facts.orm_options.iter().map(move |o| (i, o)))
}

/// The literal `type` of an options object, if it is one.
pub fn literal_type(options: &OrmOptions) -> Option<&str> {
    options.options.value.get("type")?.value.as_str()
}

/// The folder of the nearest `package.json` above `path` (up to `root`), if any.
pub fn package_dir(path: &Path, root: &Path, is_file: &dyn Fn(&Path) -> bool) -> Option<PathBuf> {
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| d.starts_with(root)) {
        if is_file(&d.join("package.json")) {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// Whether TypeORM never creates the tables of the entities near `path`, so that what
/// their decorators say about indexes is no evidence of what the database has: every
/// DataSource governing `path` (see [`database`]) says `synchronize: false` and names no
/// `migrations`, no spread could add either, and the workspace has no migration class.
/// The schema is then made by something else (Flyway or Liquibase of a Java backend, SQL
/// files, another ORM), and "no index" cannot be told. `synchronize` left out does not
/// count: such projects may still run `typeorm schema:sync` or `dataSource.synchronize()`.
pub fn schema_managed_elsewhere(ctx: &Ctx, path: &Path) -> bool {
    if ctx.model.migrations_folder.is_some() {
        return false;
    }
    let (governing, _) = governing(ctx, path, &package_finder(ctx));
    !governing.is_empty() && governing.iter().all(|(_, o)| leaves_schema_alone(o))
}

/// An options object that neither synchronizes the schema nor runs migrations.
fn leaves_schema_alone(options: &OrmOptions) -> bool {
    let value = &options.options.value;
    value.as_object().is_some()
        && !value.has_spread()
        && value.get("migrations").is_none()
        && value.get("migrationsRun").is_none()
        && value
            .get("synchronize")
            .is_some_and(|s| s.value.as_bool() == Some(false))
}

/// The DataSources that speak for `path`: those of its package, or every one when its
/// package has none (the second value is true then: they are borrowed). A workspace of
/// one package has them all.
fn governing<'a>(
    ctx: &Ctx<'a>,
    path: &Path,
    package_of: &dyn Fn(&Path) -> Option<PathBuf>,
) -> (Vec<(usize, &'a OrmOptions)>, bool) {
    let package = package_of(path);
    let all: Vec<(usize, &OrmOptions)> = options(ctx).collect();
    let in_package: Vec<(usize, &OrmOptions)> = all
        .iter()
        .filter(|(f, _)| package.is_none() || package_of(&ctx.path(*f)) == package)
        .copied()
        .collect();
    if in_package.is_empty() {
        (all, true)
    } else {
        (in_package, false)
    }
}

/// The database the migrations near `path` run on, reading `package.json` files from disk
/// once per workspace (rules ask for every file they report on).
pub fn database(ctx: &Ctx, path: &Path) -> Database {
    let read = |p: &Path| ctx.resolver.read_project_file(p);
    database_by(ctx, path, &read, &package_finder(ctx))
}

/// The package folder of a path, from `package.json` files read once per workspace and
/// remembered per folder by the resolver.
fn package_finder<'a>(ctx: &'a Ctx) -> impl Fn(&Path) -> Option<PathBuf> + 'a {
    move |p: &Path| {
        let read = |f: &Path| ctx.resolver.read_project_file(f);
        let compute = || package_dir(p, ctx.root, &|f| read(f).is_some());
        match p.parent() {
            Some(dir) => ctx.resolver.package_dir_of(dir, compute),
            None => compute(),
        }
    }
}

/// [`database`], reading files through `read`.
pub fn database_with<T: AsRef<str>>(
    ctx: &Ctx,
    path: &Path,
    read: &dyn Fn(&Path) -> Option<T>,
) -> Database {
    let package_of = |p: &Path| package_dir(p, ctx.root, &|f| read(f).is_some());
    database_by(ctx, path, read, &package_of)
}

/// [`database_with`], finding the package folder of a file through `package_of`.
fn database_by<T: AsRef<str>>(
    ctx: &Ctx,
    path: &Path,
    read: &dyn Fn(&Path) -> Option<T>,
    package_of: &dyn Fn(&Path) -> Option<PathBuf>,
) -> Database {
    let package = package_of(path);
    // The DataSources of the same package decide.
    let (governing, borrowed) = governing(ctx, path, package_of);
    // Other packages' DataSources speak for this one only when all of them say it
    // literally (a monorepo whose apps pick their database at run time does not).
    let opaque_elsewhere = borrowed
        && governing
            .iter()
            .any(|(_, o)| o.options.value.get("type").is_some() && literal_type(o).is_none());
    let literal: Vec<(&str, usize)> = governing
        .iter()
        .filter(|_| !opaque_elsewhere)
        .filter_map(|(f, o)| literal_type(o).map(|t| (t, *f)))
        .collect();
    let rel = |f: usize| {
        let p = ctx.path(f);
        p.strip_prefix(ctx.root)
            .unwrap_or(&p)
            .to_string_lossy()
            .into_owned()
    };
    if let Some((first, file)) = literal.first() {
        let postgres = |t: &str| POSTGRES_TYPES.contains(&t);
        if literal.iter().all(|(t, _)| postgres(t)) {
            return Database {
                dialect: Dialect::Postgres,
                why: format!("the DataSource in {} has type '{first}'", rel(*file)),
            };
        }
        if literal.iter().all(|(t, _)| t == first) {
            return Database {
                dialect: Dialect::Other(first.to_string()),
                why: format!("the DataSource in {} has type '{first}'", rel(*file)),
            };
        }
        let names: Vec<String> = literal.iter().map(|(t, _)| format!("'{t}'")).collect();
        return Database {
            dialect: Dialect::Unknown,
            why: format!("the DataSources name several types ({})", names.join(", ")),
        };
    }
    if governing.is_empty() {
        // No DataSource in the code: TypeORM 0.2's ormconfig.json at the root may say.
        let ormconfig = read(&ctx.root.join("ormconfig.json"))
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t.as_ref()).ok());
        // An array of connections decides only when every one names the same type
        // (a test matrix over several drivers does not).
        let ty = ormconfig.as_ref().and_then(|j| match j {
            serde_json::Value::Array(list) => {
                let first = list.first()?.get("type")?.as_str()?;
                list.iter()
                    .all(|c| c.get("type").and_then(|t| t.as_str()) == Some(first))
                    .then_some(first)
            }
            other => other.get("type")?.as_str(),
        });
        if let Some(ty) = ty {
            let dialect = if POSTGRES_TYPES.contains(&ty) {
                Dialect::Postgres
            } else {
                Dialect::Other(ty.to_string())
            };
            return Database {
                dialect,
                why: format!("ormconfig.json has type '{ty}'"),
            };
        }
    }
    let written = governing
        .iter()
        .find_map(|(f, o)| {
            let ty = o.options.value.get("type")?;
            let text = ctx.file(*f)?.text().get(ty.span.range())?.to_string();
            Some(format!("`type: {text}` in {} is not a literal", rel(*f)))
        })
        .unwrap_or_else(|| "no DataSource `type` was found".to_string());
    let drivers: Vec<(&str, &str)> = [package.clone(), Some(ctx.root.to_path_buf())]
        .into_iter()
        .flatten()
        .find_map(|dir| drivers_of(read(&dir.join("package.json"))?.as_ref()))
        .unwrap_or_default();
    let dialects: Vec<&str> = drivers.iter().map(|(_, d)| *d).collect();
    match dialects.first() {
        Some(first) if dialects.iter().all(|d| d == first) => {
            let names: Vec<&str> = drivers.iter().map(|(n, _)| *n).collect();
            let dialect = if *first == "postgres" {
                Dialect::Postgres
            } else {
                Dialect::Other(first.to_string())
            };
            Database {
                dialect,
                why: format!(
                    "{written}, and package.json installs only the {} driver ({})",
                    first,
                    names.join(", ")
                ),
            }
        }
        _ => Database {
            dialect: Dialect::Unknown,
            why: format!("{written}, and package.json names no single database driver"),
        },
    }
}

/// [`installed_drivers`], remembered by the text of the `package.json`: rules ask for the
/// database of every file they report on, and parsing the same JSON each time cost
/// spacebar's check 2% of its instructions.
fn drivers_of(package_json: &str) -> Option<Vec<(&'static str, &'static str)>> {
    type Known = HashMap<String, Option<Vec<(&'static str, &'static str)>>>;
    static KNOWN: OnceLock<Mutex<Known>> = OnceLock::new();
    let known = KNOWN.get_or_init(Default::default);
    if let Some(drivers) = known.lock().ok()?.get(package_json) {
        return drivers.clone();
    }
    let drivers = installed_drivers(package_json);
    if let Ok(mut known) = known.lock() {
        // A long editing session does not keep every version of every package.json.
        if known.len() >= 64 {
            known.clear();
        }
        known.insert(package_json.to_string(), drivers.clone());
    }
    drivers
}

/// The database drivers a `package.json` depends on (any dependency section); None when
/// it is not JSON.
fn installed_drivers(package_json: &str) -> Option<Vec<(&'static str, &'static str)>> {
    let json: serde_json::Value = serde_json::from_str(package_json).ok()?;
    let sections = [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ];
    let has = |name: &str| {
        sections
            .iter()
            .any(|s| json.get(s).and_then(|d| d.get(name)).is_some())
    };
    Some(
        DRIVERS
            .iter()
            .filter(|(name, _)| has(name))
            .copied()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::workspace;

    fn db(files: &[(&str, &str)], package_json: Option<&str>) -> Database {
        let ws = workspace(files);
        let read = |p: &Path| {
            (p == Path::new("/ws/package.json"))
                .then(|| package_json.map(str::to_string))
                .flatten()
        };
        database_with(&ws.ctx(), Path::new("/ws/src/a.entity.ts"), &read)
    }

    #[test]
    fn remembered_drivers_are_the_ones_read() {
        let texts = [
            r#"{ "dependencies": { "pg": "8" } }"#,
            r#"{ "devDependencies": { "mysql2": "3" }, "dependencies": { "pg": "8" } }"#,
            r#"{ "name": "x" }"#,
            "not json",
        ];
        for text in texts.iter().chain(texts.iter()) {
            assert_eq!(drivers_of(text), installed_drivers(text), "{text}");
        }
        assert!(drivers_of(texts[0]).is_some_and(|d| !d.is_empty()));
        assert_eq!(drivers_of("not json"), None);
    }

    const ENV_TYPE: &str = "import { DataSource } from 'typeorm';
export default new DataSource({ type: process.env.DB_TYPE as any, migrations: [] });
";

    #[test]
    fn a_literal_type_decides() {
        let pg = db(
            &[(
                "src/ds.ts",
                "import { DataSource } from 'typeorm';\nexport default new DataSource({ type: 'postgres', migrations: [] });\n",
            )],
            None,
        );
        assert!(pg.is_postgres(), "{pg:?}");
        assert_eq!(pg.why, "the DataSource in src/ds.ts has type 'postgres'");
        let my = db(
            &[(
                "src/ds.ts",
                "import { DataSource } from 'typeorm';\nexport default new DataSource({ type: 'mysql', migrations: [] });\n",
            )],
            Some(r#"{"dependencies":{"pg":"8"}}"#),
        );
        assert_eq!(my.dialect, Dialect::Other("mysql".into()));
    }

    #[test]
    fn an_env_type_is_decided_by_the_only_installed_driver() {
        let files = [("src/ds.ts", ENV_TYPE)];
        let pg = db(
            &files,
            Some(r#"{"dependencies":{"pg":"8","typeorm":"0.3"}}"#),
        );
        assert!(pg.is_postgres(), "{pg:?}");
        assert!(
            pg.why.contains("`type: process.env.DB_TYPE as any`"),
            "{}",
            pg.why
        );
        let both = db(&files, Some(r#"{"dependencies":{"pg":"8","mysql2":"3"}}"#));
        assert_eq!(both.dialect, Dialect::Unknown);
        let none = db(&files, None);
        assert_eq!(none.dialect, Dialect::Unknown);
        assert!(
            none.why.contains("names no single database driver"),
            "{}",
            none.why
        );
    }

    #[test]
    fn another_packages_data_sources_speak_only_when_all_are_literal() {
        let files = [
            (
                "apps/desktop/src/db.ts",
                "import { DataSource } from 'typeorm';\nexport default new DataSource({ type: 'better-sqlite3', migrations: [] });\n",
            ),
            (
                "packages/config/src/db.ts",
                "import { DataSource } from 'typeorm';\nexport default new DataSource({ type: dbType, migrations: [] });\n",
            ),
        ];
        let ws = workspace(&files);
        let packages = [
            "/ws/apps/desktop/package.json",
            "/ws/packages/config/package.json",
            "/ws/packages/plugin/package.json",
        ];
        let read = |p: &Path| {
            packages
                .contains(&p.to_str().unwrap_or(""))
                .then(|| "{}".to_string())
        };
        let plugin = Path::new("/ws/packages/plugin/src/a.entity.ts");
        assert_eq!(
            database_with(&ws.ctx(), plugin, &read).dialect,
            Dialect::Unknown
        );
        let ws = workspace(&files[..1]);
        assert_eq!(
            database_with(&ws.ctx(), plugin, &read).dialect,
            Dialect::Other("better-sqlite3".into())
        );
    }

    #[test]
    fn an_ormconfig_json_speaks_when_the_code_has_no_data_source() {
        let ws = workspace(&[]);
        let read = |p: &Path| {
            (p == Path::new("/ws/ormconfig.json"))
                .then(|| r#"{ "type": "postgres", "migrations": [] }"#.to_string())
        };
        let found = database_with(&ws.ctx(), Path::new("/ws/src/a.entity.ts"), &read);
        assert!(found.is_postgres(), "{found:?}");
        assert_eq!(found.why, "ormconfig.json has type 'postgres'");
    }

    #[test]
    fn an_ormconfig_array_of_several_drivers_decides_nothing() {
        let ws = workspace(&[]);
        let read = |p: &Path| {
            (p == Path::new("/ws/ormconfig.json")).then(|| {
                r#"[{ "name": "mysql", "type": "mysql" }, { "name": "postgres", "type": "postgres" }]"#
                    .to_string()
            })
        };
        let found = database_with(&ws.ctx(), Path::new("/ws/src/a.entity.ts"), &read);
        assert_eq!(found.dialect, Dialect::Unknown, "{found:?}");
    }

    fn elsewhere(files: &[(&str, &str)]) -> bool {
        let ws = workspace(files);
        schema_managed_elsewhere(&ws.ctx(), Path::new("/ws/src/a.entity.ts"))
    }

    #[test]
    fn a_schema_typeorm_neither_synchronizes_nor_migrates_is_made_elsewhere() {
        let ds = |options: &str| {
            format!("import {{ DataSource }} from 'typeorm';\nexport default new DataSource({{ type: 'mysql', {options} }});\n")
        };
        let alone = ds("synchronize: false");
        assert!(elsewhere(&[("src/ds.ts", &alone)]));
        // Any sign that TypeORM makes the schema: migrations named or found, synchronize
        // on, unknown or left out, keys a spread may add.
        for options in [
            "synchronize: false, migrations: ['dist/migrations/*.js']",
            "synchronize: false, migrationsRun: true",
            "synchronize: process.env.SYNC === '1'",
            "synchronize: true",
            "entities: []",
            "...base, synchronize: false",
        ] {
            assert!(!elsewhere(&[("src/ds.ts", &ds(options))]), "{options}");
        }
        let migration = "import { MigrationInterface, QueryRunner } from 'typeorm';
export class Init1700000000000 implements MigrationInterface {
  async up(q: QueryRunner) { await q.query('CREATE TABLE a (id int)'); }
  async down(q: QueryRunner) { await q.query('DROP TABLE a'); }
}
";
        assert!(!elsewhere(&[
            ("src/ds.ts", &alone),
            ("src/migrations/1700000000000-init.ts", migration)
        ]));
        assert!(!elsewhere(&[]), "no DataSource: nothing is known");
    }

    #[test]
    fn no_data_source_is_unknown_unless_the_drivers_say() {
        let none = db(&[], None);
        assert_eq!(none.dialect, Dialect::Unknown);
        assert!(none.why.starts_with("no DataSource `type` was found"));
        let sqlite = db(&[], Some(r#"{"devDependencies":{"better-sqlite3":"9"}}"#));
        assert_eq!(sqlite.dialect, Dialect::Other("sqlite".into()));
    }
}
