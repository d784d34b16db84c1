//! Fix safety, proven with the TypeScript compiler: every safe fix `check --fix
//! --with-migrations` applies to a copy of the `shop` fixture (which violates every rule)
//! must leave code that `tsc --noEmit` accepts as it accepted the original, a second
//! `--fix` must change nothing (a fixed point), and the fixed workspace must report no
//! finding the original did not. The same proof runs on small workspaces whose DataSource
//! lists its migrations as classes (in the options, or in an index file it imports): the
//! new migrations join that list, with their imports, and still compile.
//!
//! Needs the compiler from npm: `npm ci --prefix tests/tsc` (tests/run.sh does it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository root")
        .to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file under `dir/src` with its contents.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                let rel = path.strip_prefix(base).expect("prefix").to_path_buf();
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&dir.join("src"), dir, &mut out);
    out
}

/// `tsc --noEmit` errors as (file, TS code), line numbers left out (fixes move lines).
fn tsc_errors(dir: &Path, tsc: &Path) -> BTreeSet<(String, String)> {
    let out = Command::new("node")
        .arg(tsc)
        .args(["-p", "tsconfig.check.json"])
        .current_dir(dir)
        .output()
        .expect("run tsc");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.lines()
        .filter_map(|l| {
            let (file, rest) = l.split_once('(')?;
            let code = rest.split("error ").nth(1)?.split(':').next()?;
            Some((file.to_string(), code.to_string()))
        })
        .collect()
}

fn check(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_typeorm-lsp"))
        .arg("check")
        .arg(".")
        .args(args)
        .env("TYPEORM_LSP_MIGRATION_TIMESTAMP", "1800000000000")
        .current_dir(dir)
        .output()
        .expect("run typeorm-lsp")
}

/// (code, message) of every finding; paths left out (NAM001 renames files).
fn findings(dir: &Path) -> BTreeSet<(String, String)> {
    let out = check(dir, &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
    json.as_array()
        .expect("a list")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn tsc_path() -> (PathBuf, PathBuf) {
    let modules = root().join("tests/tsc/node_modules");
    let tsc = modules.join("typescript/bin/tsc");
    assert!(
        tsc.exists(),
        "the TypeScript compiler is missing: run `npm ci --prefix tests/tsc` (tests/run.sh does)"
    );
    (modules, tsc)
}

/// Gives the workspace at `dir` the compiler: the Nest stubs, a `tsconfig.check.json`
/// over `src/`, and `node_modules` (typeorm's and Node's types).
fn prepare(dir: &Path, modules: &Path) {
    std::fs::copy(
        root().join("tests/tsc/nest-stubs.d.ts"),
        dir.join("nest-stubs.d.ts"),
    )
    .expect("stubs");
    std::fs::write(
        dir.join("tsconfig.check.json"),
        r#"{
  "extends": "./tsconfig.json",
  "compilerOptions": { "noEmit": true, "incremental": false, "types": ["node"],
    "typeRoots": ["node_modules/@types"] },
  "include": ["src/**/*.ts", "nest-stubs.d.ts"],
  "exclude": ["src/**/*.spec.ts"]
}"#,
    )
    .expect("tsconfig");
    #[cfg(unix)]
    std::os::unix::fs::symlink(modules, dir.join("node_modules")).expect("symlink");
}

/// Runs `--fix --with-migrations` on `dir` twice and proves the fixes safe: no new
/// compiler error, no change by the second run, no new finding. Returns the files after.
fn prove_fixes(dir: &Path, tsc: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let errors_before = tsc_errors(dir, tsc);
    let findings_before = findings(dir);

    let first = check(dir, &["--fix", "--with-migrations"]);
    let report = String::from_utf8_lossy(&first.stderr).to_string();
    assert!(report.contains("Applied"), "fixes were applied: {report}");
    let after_first = contents(dir);

    let errors_after = tsc_errors(dir, tsc);
    let new_errors: Vec<_> = errors_after.difference(&errors_before).collect();
    assert!(
        new_errors.is_empty(),
        "safe fixes broke the build: {new_errors:?}"
    );

    let second = check(dir, &["--fix", "--with-migrations"]);
    assert_eq!(
        contents(dir),
        after_first,
        "a second --fix changed files: {}",
        String::from_utf8_lossy(&second.stderr)
    );

    let new_findings: Vec<_> = findings(dir)
        .difference(&findings_before)
        .cloned()
        .collect();
    assert!(
        new_findings.is_empty(),
        "fixes triggered new findings: {new_findings:#?}"
    );
    after_first
}

#[test]
fn safe_fixes_compile_reach_a_fixed_point_and_add_no_finding() {
    let (modules, tsc) = tsc_path();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("shop");
    copy_dir(&root().join("fixtures/shop"), &dir);
    prepare(&dir, &modules);
    prove_fixes(&dir, &tsc);
}

const TSCONFIG: &str = r#"{
  "compilerOptions": {
    "module": "commonjs", "target": "ES2021", "strict": true,
    "experimentalDecorators": true, "emitDecoratorMetadata": true,
    "strictPropertyInitialization": false, "skipLibCheck": true, "outDir": "./dist"
  },
  "include": ["src/**/*.ts"]
}"#;

const INIT: &str = "import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1700000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \"author\" (\"id\" SERIAL PRIMARY KEY)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \"author\"`);
  }
}
";

const ENTITIES: &[(&str, &str)] = &[
    (
        "src/blog/author.entity.ts",
        "import { Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Author {
  @PrimaryGeneratedColumn()
  id: number;
}
",
    ),
    (
        "src/blog/post.entity.ts",
        "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Author } from './author.entity';

@Entity()
export class Post {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => Author)
  author: Author;

  @ManyToOne(() => Author)
  editor: Author;
}
",
    ),
    ("src/db/migrations/1700000000000-init.ts", INIT),
];

/// A small workspace whose DataSource lists its migrations as classes (through `extra`
/// files), with two unindexed foreign keys: both fixes register their migration.
fn placement_workspace(extra: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (modules, tsc) = tsc_path();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("blog");
    for (rel, text) in ENTITIES.iter().chain(extra) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
    std::fs::write(dir.join("tsconfig.json"), TSCONFIG).expect("tsconfig");
    std::fs::write(
        dir.join("package.json"),
        r#"{ "name": "blog", "dependencies": { "pg": "8.11.0", "typeorm": "0.3.20" } }"#,
    )
    .expect("package.json");
    prepare(&dir, &modules);
    (tmp, dir, tsc)
}

fn text(files: &BTreeMap<PathBuf, Vec<u8>>, rel: &str) -> String {
    String::from_utf8_lossy(files.get(Path::new(rel)).expect(rel)).to_string()
}

#[test]
fn migrations_join_the_data_source_array_of_classes() {
    let ds = "import { DataSource } from 'typeorm';
import { Init1700000000000 } from './migrations/1700000000000-init';

export const AppDataSource = new DataSource({
  type: process.env.DB_TYPE as 'postgres',
  migrations: [Init1700000000000],
});
";
    let (_tmp, dir, tsc) = placement_workspace(&[("src/db/data-source.ts", ds)]);
    let after = prove_fixes(&dir, &tsc);
    let ds = text(&after, "src/db/data-source.ts");
    let migrations: Vec<&PathBuf> = after
        .keys()
        .filter(|p| p.starts_with("src/db/migrations") && !p.ends_with("1700000000000-init.ts"))
        .collect();
    assert_eq!(migrations.len(), 2, "{:?}", after.keys());
    for m in migrations {
        let m = text(&after, &m.to_string_lossy());
        // `type` comes from the environment, but pg is the only driver installed.
        assert!(m.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS"), "{m}");
        assert!(m.contains("public transaction = false;"), "{m}");
    }
    assert!(
        ds.contains("migrations: [Init1700000000000, AddIndexPostAuthorId1800000000000, AddIndexPostEditorId1800000000000]")
            || ds.contains("migrations: [Init1700000000000, AddIndexPostEditorId1800000000000, AddIndexPostAuthorId1800000000000]"),
        "{ds}"
    );
    assert!(ds.contains(
        "import { AddIndexPostAuthorId1800000000000 } from './migrations/1800000000000-add-index-post-author-id';"
    ));
}

#[test]
fn migrations_join_the_index_file_the_data_source_imports() {
    let ds = "import { DataSource } from 'typeorm';
import { migrations } from './migrations';

export default new DataSource({ type: 'postgres', migrations });
";
    let index = "import { Init1700000000000 } from './1700000000000-init';

export const migrations = [
  Init1700000000000,
];
";
    let (_tmp, dir, tsc) = placement_workspace(&[
        ("src/db/data-source.ts", ds),
        ("src/db/migrations/index.ts", index),
    ]);
    let after = prove_fixes(&dir, &tsc);
    let index = text(&after, "src/db/migrations/index.ts");
    assert!(
        index.contains(
            "  Init1700000000000,
  AddIndexPost"
        ),
        "{index}"
    );
    assert!(index.contains(
        "import { AddIndexPostEditorId1800000000000 } from './1800000000000-add-index-post-editor-id';"
    ), "{index}");
    assert_eq!(text(&after, "src/db/data-source.ts"), ds);
}

#[test]
fn without_migrations_the_array_is_left_alone() {
    let ds = "import { DataSource } from 'typeorm';
import { Init1700000000000 } from './migrations/1700000000000-init';

export const AppDataSource = new DataSource({ type: 'sqlite', migrations: [Init1700000000000] });
";
    let (_tmp, dir, _tsc) = placement_workspace(&[("src/db/data-source.ts", ds)]);
    let out = check(&dir, &["--fix"]);
    let report = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(report.contains("2 migrations not written"), "{report}");
    let after = contents(&dir);
    assert_eq!(text(&after, "src/db/data-source.ts"), ds);
    assert!(text(&after, "src/blog/post.entity.ts").contains("@Index()"));
}

#[test]
fn keys_inside_embedded_classes_get_a_migration_and_an_unsynchronized_index() {
    let ds = "import { DataSource } from 'typeorm';

export default new DataSource({ type: 'postgres', migrations: ['src/db/migrations/*.ts'] });
";
    let audit = "import { Column, ManyToOne } from 'typeorm';
import { Author } from './author.entity';

export class Audit {
  @Column({ nullable: true })
  note: string;

  @ManyToOne(() => Author)
  reviewer: Author;
}
";
    let draft = "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Audit } from './audit';

@Entity()
export class Draft {
  @PrimaryGeneratedColumn()
  id: number;

  @Column(() => Audit)
  audit: Audit;
}
";
    let (_tmp, dir, tsc) = placement_workspace(&[
        ("src/db/data-source.ts", ds),
        ("src/blog/audit.ts", audit),
        ("src/blog/draft.entity.ts", draft),
    ]);
    let after = prove_fixes(&dir, &tsc);
    let draft = text(&after, "src/blog/draft.entity.ts");
    assert!(
        draft.contains(
            "{ synchronize: false }) // audit.reviewer: created by a migration\n@Entity()"
        ),
        "{draft}"
    );
    let migration = after
        .keys()
        .find(|p| {
            p.to_string_lossy()
                .contains("add-index-draft-audit-reviewerid")
        })
        .expect("the migration");
    let migration = text(&after, &migration.to_string_lossy());
    assert!(
        migration.contains("ON \"draft\" (\"auditReviewerid\")"),
        "{migration}"
    );
}
