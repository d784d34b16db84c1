//! The `check` command as a user meets it: exit codes and messages for the awkward cases.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_typeorm-lsp"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run typeorm-lsp")
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The managed base every entity extends (the same file the fixtures use).
const MANAGED_ENTITY: &str =
    include_str!("../../fixtures/suppressions/src/common/managed-entity.ts");

/// A workspace with the managed base and one entity that does not extend it (ENT001).
fn workspace_with_error(dir: &Path) {
    write(dir, "package.json", "{}");
    write(dir, "src/common/managed-entity.ts", MANAGED_ENTITY);
    write(dir, "src/plain.entity.ts", ENTITY_WITHOUT_BASE);
}

const ENTITY_WITHOUT_BASE: &str = "import { Entity, Column } from 'typeorm';

@Entity()
export class Plain {
  @Column()
  name: string;
}
";

#[test]
fn missing_path_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(&["check", "does/not/exist"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file or directory"));
}

#[test]
fn empty_folder_says_so_and_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no TypeScript files found under .\n"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No findings"));
}

#[test]
fn bad_config_names_file_line_and_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "typeorm-lsp.json",
        "{\n  // comment\n  \"namingStrategyy\": \"default\"\n}\n",
    );
    write(dir.path(), "src/a.ts", "export const a = 1;\n");
    let out = run(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("typeorm-lsp.json:3:"), "{err}");
    assert!(err.contains("namingStrategyy"), "{err}");
}

#[test]
fn broken_typescript_is_reported_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    workspace_with_error(dir.path());
    write(
        dir.path(),
        "src/broken.entity.ts",
        "@Entity(\nexport class {{{ \n",
    );
    let out = run(&["check", "."], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("ENT001"), "{stdout}");
}

#[test]
fn error_findings_exit_one_and_formats_parse() {
    let dir = tempfile::tempdir().expect("tempdir");
    workspace_with_error(dir.path());
    for format in ["json", "sarif"] {
        let out = run(&["check", ".", "--format", format], dir.path());
        assert_eq!(out.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
        assert!(v.to_string().contains("ENT001"));
    }
    let out = run(&["check", ".", "--format", "github"], dir.path());
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("::error file=src/plain.entity.ts,line=4")
    );
}

#[test]
fn rule_prints_its_documentation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(&["rule", "IDX001"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let doc = String::from_utf8_lossy(&out.stdout);
    assert!(doc.contains("# IDX001: unindexed-foreign-key"));
    assert!(doc.contains("## Why is this bad?"));
    assert_eq!(run(&["rule", "NOPE01"], dir.path()).status.code(), Some(2));
}

#[test]
fn cache_gives_the_same_findings_and_follows_edits() {
    let dir = tempfile::tempdir().expect("tempdir");
    workspace_with_error(dir.path());
    let cold = run(&["check", ".", "--cache", "--format", "json"], dir.path());
    let cache = dir.path().join(".typeorm-lsp-cache");
    assert!(cache.join("facts.bin").is_file());
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore"))
            .unwrap_or_default()
            .lines()
            .last(),
        Some("*")
    );
    let warm = run(&["check", ".", "--cache", "--format", "json"], dir.path());
    assert_eq!(cold.stdout, warm.stdout);
    assert!(String::from_utf8_lossy(&warm.stdout).contains("ENT001"));
    // Fix the entity: the cached facts of the old text must not be used.
    let fixed = ENTITY_WITHOUT_BASE
        .replace("export class Plain {", "export class Plain extends ManagedEntity {")
        .replace(
            "import { Entity, Column } from 'typeorm';",
            "import { Entity, Column } from 'typeorm';\nimport { ManagedEntity } from 'src/common/managed-entity';",
        );
    write(dir.path(), "src/plain.entity.ts", &fixed);
    let after = run(&["check", ".", "--cache", "--format", "json"], dir.path());
    assert!(!String::from_utf8_lossy(&after.stdout).contains("ENT001"));
    assert_eq!(after.status.code(), Some(0));
    // A corrupt cache is ignored with a warning, and rewritten.
    std::fs::write(cache.join("facts.bin"), b"not a cache").expect("write");
    let again = run(&["check", ".", "--cache", "--format", "json"], dir.path());
    assert_eq!(again.stdout, after.stdout);
    assert!(String::from_utf8_lossy(&again.stderr).contains("unreadable cache ignored"));
    let healed = run(&["check", ".", "--cache", "--format", "json"], dir.path());
    assert!(!String::from_utf8_lossy(&healed.stderr).contains("unreadable cache"));
}

/// A project whose TypeORM migrations are JavaScript (Misskey's `migration/*.js`): the
/// indexes their `up` makes count (their `down` drops nothing that stays), and an index fix
/// writes no TypeScript migration beside them, nothing would run it.
#[test]
fn javascript_migrations_are_the_schema_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let entity = "import { Entity, PrimaryColumn, ManyToOne, Column } from 'typeorm';
import { User } from './User.js';

@Entity('note')
export class Note {
\t@PrimaryColumn('varchar')
\tpublic id: string;

\t@ManyToOne(type => User, { onDelete: 'CASCADE' })
\tpublic user: User;

\t@Column('varchar')
\tpublic userId: string;

\t@ManyToOne(type => User, { onDelete: 'CASCADE' })
\tpublic reply: User;

\t@Column('varchar')
\tpublic replyId: string;
}
";
    let user = "import { Entity, PrimaryColumn } from 'typeorm';

@Entity('user')
export class User {
\t@PrimaryColumn('varchar')
\tpublic id: string;
}
";
    let init = "export class Init1000000000000 {
    name = 'Init1000000000000'
    async up(queryRunner) {
        await queryRunner.query(`CREATE TABLE \"note\" (\"id\" varchar NOT NULL, \"userId\" varchar NOT NULL, \"replyId\" varchar NOT NULL)`);
        await queryRunner.query(`CREATE INDEX \"IDX_note_user\" ON \"note\" (\"userId\") `);
        await queryRunner.query(`CREATE INDEX \"IDX_note_reply\" ON \"note\" (\"replyId\") `);
    }
    async down(queryRunner) {
        await queryRunner.query(`DROP INDEX \"IDX_note_user\"`);
        await queryRunner.query(`DROP INDEX \"IDX_note_reply\"`);
    }
}
";
    let later = "module.exports = class DropReply1000000000001 {
    async up(queryRunner) {
        await queryRunner.query(`DROP INDEX \"public\".\"IDX_note_reply\"`);
    }
    async down(queryRunner) {
        await queryRunner.query(`CREATE INDEX \"IDX_note_reply\" ON \"note\" (\"replyId\") `);
    }
}
";
    write(dir.path(), "src/models/Note.ts", entity);
    write(dir.path(), "src/models/User.ts", user);
    write(dir.path(), "migration/1000000000000-Init.js", init);
    write(dir.path(), "migration/1000000000001-DropReply.js", later);
    write(dir.path(), "migration/helpers.js", "export const x = 1;\n");
    let out = run(&["check", ".", "--format", "json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let idx001: Vec<String> = v
        .as_array()
        .expect("an array of findings")
        .iter()
        .filter(|f| f["code"] == "IDX001")
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(idx001.len(), 1, "{idx001:?}");
    assert!(idx001[0].contains("note.replyId"), "{idx001:?}");

    let out = run(&["check", ".", "--fix", "--with-migrations"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("Wrote"), "{stdout}");
    let migrations: Vec<_> = std::fs::read_dir(dir.path().join("migration"))
        .expect("migration folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(migrations.len(), 3, "{migrations:?}");
    assert!(!dir.path().join("src/migrations").exists());
    let fixed = std::fs::read_to_string(dir.path().join("src/models/Note.ts")).expect("entity");
    assert!(
        fixed.contains(
            "@Index()\n\t@ManyToOne(type => User, { onDelete: 'CASCADE' })\n\tpublic reply"
        ),
        "{fixed}"
    );
}
