use super::*;
use crate::finding::FileChange;
use crate::rules::testing::{findings, workspace};
use std::path::Path;

const INIT: &str = "import { MigrationInterface, QueryRunner } from 'typeorm';
export class Init1700000000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> { await q.query('SELECT 1'); }
  public async down(q: QueryRunner): Promise<void> { await q.query('SELECT 1'); }
}
";

const POST: &str = "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity';

@Entity()
export class Post {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => User)
  author: User;
}
";

const USER: &str = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class User { @PrimaryGeneratedColumn() id: number; }
";

fn data_source(migrations: &str) -> String {
    format!(
        "import {{ DataSource }} from 'typeorm';\n{}export default new DataSource({{\n  type: 'postgres',\n  migrations: {},\n}});\n",
        migrations.split_once("||").map(|(i, _)| i).unwrap_or(""),
        migrations.split_once("||").map(|(_, m)| m).unwrap_or(migrations),
    )
}

/// The placement for `src/posts/post.entity.ts` with the given files, on a disk that
/// holds `disk_files` (relative to `/ws`) and every folder of the workspace.
fn place(files: &[(&str, &str)], disk_files: &[(&str, &str)]) -> Placement {
    let ws = workspace(files);
    let read = |p: &Path| {
        disk_files
            .iter()
            .find(|(rel, _)| Path::new("/ws").join(rel) == p)
            .map(|(_, text)| text.to_string())
    };
    let is_dir = |_: &Path| false;
    let disk = Disk {
        read: &read,
        is_dir: &is_dir,
    };
    placement_with(&ws.ctx(), Path::new("/ws/src/posts/post.entity.ts"), &disk)
}

const PACKAGE: (&str, &str) = ("package.json", "{}");

#[test]
fn a_glob_relative_to_the_package_folder() {
    let ds = data_source("['src/db/migrations/*{.ts,.js}']");
    let p = place(
        &[
            ("src/data-source.ts", &ds),
            ("src/db/migrations/1700000000000-init.ts", INIT),
        ],
        &[PACKAGE],
    );
    assert_eq!(p.dir, Path::new("/ws/src/db/migrations"));
    assert!(
        p.why.contains("`'src/db/migrations/*{.ts,.js}'`"),
        "{}",
        p.why
    );
    assert!(p.why.contains("src/data-source.ts"), "{}", p.why);
    assert!(!p.why.contains("does not exist"), "{}", p.why);
    assert!(p.registration.is_none());
}

#[test]
fn dirname_concatenations_templates_and_joins() {
    for expr in [
        "[__dirname + '/../migrations/*.{ts,js}']",
        "[`${__dirname}/../migrations/*.js`]",
        "[`${__dirname}/../migrations/${process.env.EXT}`]",
        "[path.join(__dirname, '..', 'migrations', '*.{ts,js}')]",
    ] {
        let ds = data_source(expr);
        let p = place(&[("src/database/data-source.ts", &ds)], &[]);
        assert_eq!(p.dir, Path::new("/ws/src/migrations"), "{expr}");
        assert!(p.why.contains("does not exist yet"), "{expr}: {}", p.why);
    }
}

#[test]
fn a_dist_glob_maps_back_through_the_tsconfig_out_dir() {
    let ds = data_source("['dist/migration/*.js']");
    let tsconfig = (
        "tsconfig.json",
        r#"{ "compilerOptions": { "outDir": "./dist" } }"#,
    );
    let p = place(
        &[
            ("src/ormconfig.ts", &ds),
            ("src/migration/1700000000000-init.ts", INIT),
        ],
        &[PACKAGE, tsconfig],
    );
    assert_eq!(p.dir, Path::new("/ws/src/migration"));
    assert!(
        p.why
            .contains("compiled from src/migration (dist is tsconfig's outDir)"),
        "{}",
        p.why
    );
    let with_root_dir = (
        "tsconfig.json",
        r#"{ "compilerOptions": { "outDir": "build", "rootDir": "lib" } }"#,
    );
    let ds = data_source("['build/migration/*.js']");
    let p = place(&[("lib/ormconfig.ts", &ds)], &[PACKAGE, with_root_dir]);
    assert_eq!(p.dir, Path::new("/ws/lib/migration"));
}

#[test]
fn an_env_path_with_a_default_uses_the_default_and_says_so() {
    let ds = data_source("[env.get('DB_MIGRATIONS_PATH', true) ?? 'dist/migrations/*.js']");
    let tsconfig = (
        "tsconfig.json",
        r#"{ "compilerOptions": { "outDir": "dist" } }"#,
    );
    let p = place(&[("src/data-source.ts", &ds)], &[PACKAGE, tsconfig]);
    assert_eq!(p.dir, Path::new("/ws/src/migrations"));
    assert!(p.why.contains("(its default value)"), "{}", p.why);
}

#[test]
fn an_unreadable_option_falls_back_and_says_why() {
    let ds = data_source("[`${__dirname}/../migrations/${dialect}/*.js`]");
    let p = place(
        &[
            ("src/database/data-source.ts", &ds),
            ("src/legacy/1700000000000-init.ts", INIT),
        ],
        &[],
    );
    assert_eq!(p.dir, Path::new("/ws/src/legacy"));
    assert!(
        p.why.starts_with("the DataSource's `migrations: [`${__dirname}/../migrations/${dialect}/*.js`]` in src/database/data-source.ts names no folder we can follow; the existing migrations are in src/legacy"),
        "{}",
        p.why
    );
}

#[test]
fn no_data_source_uses_the_setting_then_the_existing_migrations_then_the_default() {
    let p = place(&[("src/db/1700000000000-init.ts", INIT)], &[]);
    assert_eq!(p.dir, Path::new("/ws/src/db"));
    let p = place(&[], &[]);
    assert_eq!(p.dir, Path::new("/ws/src/migrations"));
    assert!(
        p.why.contains("does not exist yet: it is created"),
        "{}",
        p.why
    );
}

#[test]
fn the_data_source_nearest_the_entity_wins() {
    let a = data_source("['apps/a/migrations/*.ts']");
    let b = data_source("['apps/b/migrations/*.ts']");
    let ws = workspace(&[("apps/a/data-source.ts", &a), ("apps/b/data-source.ts", &b)]);
    let read = |_: &Path| None;
    let is_dir = |_: &Path| false;
    let disk = Disk {
        read: &read,
        is_dir: &is_dir,
    };
    let p = placement_with(&ws.ctx(), Path::new("/ws/apps/b/user.entity.ts"), &disk);
    assert_eq!(p.dir, Path::new("/ws/apps/b/migrations"));
}

#[test]
fn a_project_with_migrations_per_database_gets_postgresql_s() {
    // `switch (process.env.DATABASE_TYPE)`: one DataSource per database, each with the
    // migrations of its folder, SQLite's first.
    let source = "import { DataSource } from 'typeorm';
export const sqlite = new DataSource({ type: 'sqlite', migrations: ['src/migrations/sqlite/*.ts'] });
export const mysql = new DataSource({ type: 'mysql', migrations: ['src/migrations/mysql/*.ts'] });
export const pg = new DataSource({ type: 'postgres', migrations: ['src/migrations/postgres/*.ts'] });
";
    let p = place(&[("src/data-source.ts", source)], &[PACKAGE]);
    assert_eq!(p.dir, Path::new("/ws/src/migrations/postgres"), "{}", p.why);
    // Unknown types: a folder named for another database ranks last.
    let env = source
        .replace("type: 'sqlite'", "type: env.A")
        .replace("type: 'postgres'", "type: env.B")
        .replace("type: 'mysql'", "type: env.C")
        .replace("migrations/postgres", "migrations/main");
    let p = place(&[("src/data-source.ts", &env)], &[PACKAGE]);
    assert_eq!(p.dir, Path::new("/ws/src/migrations/main"), "{}", p.why);
}

const ARRAY_DS: &str = "import { DataSource } from 'typeorm';
import { Init1700000000000 } from './migrations/1700000000000-init';

export default new DataSource({
  type: 'postgres',
  migrations: [
    Init1700000000000,
  ],
});
";

/// The IDX001 fix of `src/posts/post.entity.ts`: every change, migration included.
fn idx001_changes(files: &[(&str, &str)]) -> Vec<FileChange> {
    std::env::set_var("TYPEORM_LSP_MIGRATION_TIMESTAMP", "1800000000000");
    let mut all = vec![
        ("src/posts/post.entity.ts", POST),
        ("src/posts/user.entity.ts", USER),
    ];
    all.extend_from_slice(files);
    let ws = workspace(&all);
    let found = findings(&ws, "IDX001");
    let fix = found
        .iter()
        .find(|f| f.path.ends_with("post.entity.ts"))
        .and_then(|f| f.fixes.first())
        .expect("an IDX001 fix");
    assert!(fix.creates_migration);
    fix.changes.clone()
}

fn edit_of(changes: &[FileChange], rel: &str) -> String {
    let path = Path::new("/ws").join(rel);
    let (text, edits) = changes
        .iter()
        .find_map(|c| match c {
            FileChange::Edit { path: p, edits } if *p == path => Some(edits.clone()),
            _ => None,
        })
        .map(|e| (String::new(), e))
        .expect("an edit of the file");
    let _ = text;
    edits
        .iter()
        .map(|e| e.new_text.clone())
        .collect::<Vec<_>>()
        .join("|")
}

#[test]
fn an_array_of_classes_gets_the_new_class_and_its_import() {
    let files = [
        ("src/data-source.ts", ARRAY_DS),
        ("src/migrations/1700000000000-init.ts", INIT),
    ];
    let changes = idx001_changes(&files);
    let created = changes.iter().find_map(|c| match c {
        FileChange::Create { path, contents } => Some((path.clone(), contents.clone())),
        _ => None,
    });
    let (path, contents) = created.expect("a migration");
    assert_eq!(
        path,
        Path::new("/ws/src/migrations/1800000000000-add-index-post-author-id.ts")
    );
    assert!(contents.contains("// Written here because the folder of the migrations listed in the `migrations` array in src/data-source.ts (the new class is added to it)."), "{contents}");
    assert!(contents.contains("CREATE INDEX CONCURRENTLY"), "{contents}");
    assert_eq!(
        edit_of(&changes, "src/data-source.ts"),
        ",\n    AddIndexPostAuthorId1800000000000|import { AddIndexPostAuthorId1800000000000 } from './migrations/1800000000000-add-index-post-author-id';\n"
    );
}

#[test]
fn an_imported_array_in_an_index_file_gets_the_class() {
    let ds = data_source("import { migrations } from './migrations';\n||migrations");
    let index = "import { Init1700000000000 } from './1700000000000-init';\n\nexport const migrations = [Init1700000000000];\n";
    let changes = idx001_changes(&[
        ("src/data-source.ts", &ds),
        ("src/migrations/index.ts", index),
        ("src/migrations/1700000000000-init.ts", INIT),
    ]);
    assert_eq!(
        edit_of(&changes, "src/migrations/index.ts"),
        ", AddIndexPostAuthorId1800000000000|import { AddIndexPostAuthorId1800000000000 } from './1800000000000-add-index-post-author-id';\n"
    );
}

#[test]
fn a_namespace_of_reexports_gets_one_more() {
    let ds =
        data_source("import * as migrations from './migrations';\n||Object.values(migrations)");
    let index = "export * from './1700000000000-init';\n";
    let changes = idx001_changes(&[
        ("src/data-source.ts", &ds),
        ("src/migrations/index.ts", index),
        ("src/migrations/1700000000000-init.ts", INIT),
    ]);
    assert_eq!(
        edit_of(&changes, "src/migrations/index.ts"),
        "export * from './1800000000000-add-index-post-author-id';\n"
    );
}

#[test]
fn registration_edits_are_marked_as_the_migrations() {
    let files = [
        ("src/data-source.ts", ARRAY_DS),
        ("src/migrations/1700000000000-init.ts", INIT),
    ];
    std::env::set_var("TYPEORM_LSP_MIGRATION_TIMESTAMP", "1800000000000");
    let mut all = vec![
        ("src/posts/post.entity.ts", POST),
        ("src/posts/user.entity.ts", USER),
    ];
    all.extend_from_slice(&files);
    let ws = workspace(&all);
    let found = findings(&ws, "IDX001");
    let fix = found[0].fixes.first().expect("a fix");
    assert_eq!(fix.migration_edits, [Path::new("/ws/src/data-source.ts")]);
}

#[test]
fn glob_folders() {
    assert_eq!(glob_folder("src/migrations/*.ts"), "src/migrations");
    assert_eq!(
        glob_folder("dist/migrations/**/*{.ts,.js}"),
        "dist/migrations"
    );
    assert_eq!(glob_folder("*.js"), "");
    assert_eq!(glob_folder("src/migrations"), "src/migrations");
    assert_eq!(glob_folder("src/migrations/"), "src/migrations");
    assert_eq!(glob_folder("src/migrations/1700-init.ts"), "src/migrations");
    assert_eq!(
        relative_specifier(Path::new("/ws/src/db"), Path::new("/ws/src/migrations")),
        "../migrations/"
    );
    assert_eq!(
        relative_specifier(Path::new("/ws/src"), Path::new("/ws/src/migrations")),
        "./migrations/"
    );
}

#[test]
fn a_glob_of_a_folder_that_does_not_exist_yields_to_the_existing_migrations() {
    let ds = data_source("['src/modules/not-exists/*.migration{.ts,.js}']");
    let p = place(
        &[
            ("src/config/database.ts", &ds),
            ("src/database/migrations/1700000000000-init.ts", INIT),
        ],
        &[PACKAGE],
    );
    assert_eq!(p.dir, Path::new("/ws/src/database/migrations"));
    assert!(
        p.why.starts_with("the `migrations` glob `'src/modules/not-exists/*.migration{.ts,.js}'` of the DataSource in src/config/database.ts names no folder that exists; the existing migrations are in src/database/migrations"),
        "{}",
        p.why
    );
}

#[test]
fn an_ormconfig_json_at_the_root_is_read() {
    let ormconfig = (
        "ormconfig.json",
        r#"{ "type": "postgres", "migrations": ["dist/db/migrations/*.js"], "cli": { "migrationsDir": "src/db/migrations" } }"#,
    );
    let p = place(
        &[("src/db/migrations/1700000000000-init.ts", INIT)],
        &[PACKAGE, ormconfig],
    );
    assert_eq!(p.dir, Path::new("/ws/src/db/migrations"));
    assert_eq!(
        p.why,
        "the folder of the `cli.migrationsDir` 'src/db/migrations' in ormconfig.json"
    );
    let globs_only = (
        "ormconfig.json",
        r#"[{ "name": "default", "type": "postgres", "migrations": ["dist/db/migrations/*.js"] }]"#,
    );
    let tsconfig = (
        "tsconfig.json",
        r#"{ "compilerOptions": { "outDir": "dist" } }"#,
    );
    let p = place(&[], &[PACKAGE, globs_only, tsconfig]);
    assert_eq!(p.dir, Path::new("/ws/src/db/migrations"));
}

#[test]
fn a_folder_holds_a_file_when_a_workspace_path_lies_under_it() {
    let ws = workspace(&[
        ("src/a/b/user.entity.ts", "export class User {}\n"),
        ("src/a-b/x.ts", "export const x = 1;\n"),
        ("src/ab.ts", "export const y = 1;\n"),
        ("src/c/post.entity.ts", "export class Post {}\n"),
    ]);
    let files = &ws.model.files;
    let root = Path::new(crate::rules::testing::ROOT);
    for (dir, expected) in [
        ("src", true),
        ("src/a", true),
        ("src/a/b", true),
        ("src/a-b", true),
        ("src/c", true),
        ("src/b", false),
        ("src/a/b/user.entity.ts/x", false),
        ("lib", false),
    ] {
        let dir = root.join(dir);
        let scan = files.iter().any(|f| f.path.starts_with(&dir));
        assert_eq!(scan, expected, "{}", dir.display());
        assert_eq!(holds_file(files, &dir), expected, "{}", dir.display());
    }
}
