//! IDX001 and IDX002 where a SQL migration runner makes the schema: the indexes are in
//! `.sql` files (`0002.do.note_owner_index.sql`), the entities declare none. Shaped like a
//! read-it-later app whose `db/` package holds numbered `do` / `undo` files.

use crate::rules::testing::lines;
use crate::workspace::Workspace;

const ACCOUNT: &str = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'account' })
export class Account {
  @PrimaryGeneratedColumn('uuid')
  id: string;
}
";

const NOTE: &str = "import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account';

@Entity({ name: 'note' })
export class Note {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Account)
  owner: Account;

  @ManyToOne(() => Account)
  reviewer: Account;
}
";

const INIT: &str = "-- Type: DO\nBEGIN;\nCREATE TABLE app.note (\n  id uuid PRIMARY KEY,\n  \"ownerId\" uuid NOT NULL REFERENCES app.account ON DELETE CASCADE,\n  \"reviewerId\" uuid REFERENCES app.account,\n  UNIQUE (\"reviewerId\", id)\n);\nCOMMIT;\n";

/// A workspace written to a real folder: the `.sql` files are read from disk.
fn on_disk(files: &[(&str, &str)]) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    let mut sources = Vec::new();
    for (rel, text) in files {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            assert!(std::fs::create_dir_all(parent).is_ok());
        }
        assert!(std::fs::write(&path, text).is_ok());
        if path.extension().is_some_and(|e| e == "ts") {
            sources.push((path, text.to_string()));
        }
    }
    let ws = Workspace::from_sources(&root, crate::config::Config::default(), sources);
    (dir, ws)
}

fn flagged_keys(files: &[(&str, &str)]) -> Vec<String> {
    let mut all = vec![
        ("api/src/entity/account.ts", ACCOUNT),
        ("api/src/entity/note.ts", NOTE),
        ("db/migrations/0001.do.init.sql", INIT),
    ];
    all.extend_from_slice(files);
    let (_dir, ws) = on_disk(&all);
    lines(&ws, "IDX001")
        .into_iter()
        .map(|(_, _, message)| message)
        .collect()
}

#[test]
fn an_index_a_sql_migration_creates_covers_the_key() {
    // `UNIQUE ("reviewerId", id)` of the CREATE TABLE leads with the reviewer's key
    let before = flagged_keys(&[]);
    assert_eq!(before.len(), 1, "{before:?}");
    assert!(before[0].contains("Note.owner"), "{before:?}");
    let index = "CREATE INDEX CONCURRENTLY IF NOT EXISTS note_owner_idx ON app.note (\"ownerId\", md5(id::text));";
    assert!(flagged_keys(&[("db/migrations/0002.do.note_owner_index.sql", index)]).is_empty());
}

#[test]
fn undo_files_and_later_drops_are_replayed_as_the_runner_does() {
    let index = "CREATE INDEX note_owner_idx ON app.note (\"ownerId\");";
    let undone = flagged_keys(&[("db/migrations/0002.undo.note_owner_index.sql", index)]);
    assert_eq!(undone.len(), 1, "{undone:?}");
    let dropped = flagged_keys(&[
        ("db/migrations/0002.do.note_owner_index.sql", index),
        (
            "db/migrations/0003.do.drop_note_owner_index.sql",
            "DROP INDEX app.note_owner_idx;",
        ),
    ]);
    assert_eq!(dropped.len(), 1, "{dropped:?}");
}

#[test]
fn a_workspace_with_typeorm_migrations_keeps_its_sql_files_out_of_the_schema() {
    let typeorm_migration = "import { MigrationInterface, QueryRunner } from 'typeorm';
export class Init1700000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \"note\" (\"id\" uuid PRIMARY KEY)`);
  }
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \"note\"`);
  }
}
";
    let index = "CREATE INDEX note_owner_idx ON app.note (\"ownerId\");";
    let found = flagged_keys(&[
        ("db/migrations/0002.do.note_owner_index.sql", index),
        (
            "api/src/migrations/1700000000000-init.ts",
            typeorm_migration,
        ),
    ]);
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn the_fix_writes_no_typeorm_migration_where_the_schema_is_kept_in_sql() {
    let (_dir, ws) = on_disk(&[
        ("api/src/entity/account.ts", ACCOUNT),
        ("api/src/entity/note.ts", NOTE),
        ("db/migrations/0001.do.init.sql", INIT),
    ]);
    let found = crate::rules::testing::findings(&ws, "IDX001");
    assert_eq!(found.len(), 1);
    let fix = found[0].fixes.first().expect("a fix");
    assert!(!fix.creates_migration);
    assert!(fix
        .changes
        .iter()
        .all(|c| !matches!(c, crate::finding::FileChange::Create { .. })));
    assert!(fix.title.contains("SQL migrations"), "{}", fix.title);
}
