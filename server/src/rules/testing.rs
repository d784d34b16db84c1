//! Test helpers for rules: an in-memory workspace, one rule's findings, fixes applied.

use crate::config::Config;
use crate::finding::{Applicability, FileChange, Finding};
use crate::workspace::Workspace;
use std::path::{Path, PathBuf};

pub const ROOT: &str = "/ws";

/// The standard managed base, at `src/common/managed-entity.ts`.
pub const MANAGED_ENTITY: &str = "import { CreateDateColumn, DeleteDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export abstract class ManagedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @CreateDateColumn()
  created: Date;

  @UpdateDateColumn()
  updated: Date;

  @DeleteDateColumn({ nullable: true })
  deleted: Date | null;
}
";

/// A PostgreSQL DataSource whose migrations live in `src/migrations`, at `src/data-source.ts` in tests
/// whose migrations should use `CONCURRENTLY`.
pub const PG_DATA_SOURCE: (&str, &str) = (
    "src/data-source.ts",
    "import { DataSource } from 'typeorm';\nexport default new DataSource({ type: 'postgres', synchronize: false, migrations: ['src/migrations/*.ts'] });\n",
);

/// A workspace written to a real folder, for what is read from disk (a nested
/// `tsconfig.json`): every file is written, the `.ts` ones are the workspace's sources.
/// Keep the folder alive while the workspace is used.
pub fn workspace_on_disk(files: &[(&str, &str)]) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sources = Vec::new();
    for (rel, text) in files {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            assert!(std::fs::create_dir_all(parent).is_ok());
        }
        assert!(std::fs::write(&path, text).is_ok());
        if path.extension().is_some_and(|e| e == "ts") {
            sources.push((path, text.to_string()));
        }
    }
    let ws = Workspace::from_sources(dir.path(), Config::default(), sources);
    (dir, ws)
}

/// `src/data-source.ts` text: a PostgreSQL DataSource with `options` (`synchronize: false`).
pub fn pg_data_source_with(options: &str) -> String {
    format!(
        "import {{ DataSource }} from 'typeorm';\nexport default new DataSource({{ type: 'postgres', {options} }});\n"
    )
}

/// Whether a schema TypeORM neither synchronizes nor migrates, and the same with
/// migrations, leave `rule` with 0 and 1 findings on `files` plus that DataSource.
pub fn assert_silent_where_the_schema_is_made_elsewhere(files: &[(&str, &str)], rule: &str) {
    for (options, expected) in [
        ("synchronize: false", 0),
        (
            "synchronize: false, migrations: ['dist/migrations/*.js']",
            1,
        ),
    ] {
        let source = pg_data_source_with(options);
        let mut all = files.to_vec();
        all.push(("src/data-source.ts", &source));
        assert_eq!(lines(&workspace(&all), rule).len(), expected, "{options}");
    }
}

/// A workspace at `/ws` from `(relative path, text)` pairs, with the default config, plus
/// the managed base at `src/common/managed-entity.ts` unless `files` has that path.
pub fn workspace(files: &[(&str, &str)]) -> Workspace {
    workspace_with(files, Config::default())
}

pub fn workspace_with(files: &[(&str, &str)], config: Config) -> Workspace {
    let mut sources: Vec<(PathBuf, String)> = files
        .iter()
        .map(|(p, t)| (Path::new(ROOT).join(p), t.to_string()))
        .collect();
    let base = Path::new(ROOT).join("src/common/managed-entity.ts");
    if !sources.iter().any(|(p, _)| *p == base) {
        sources.push((base, MANAGED_ENTITY.to_string()));
    }
    Workspace::from_sources(Path::new(ROOT), config, sources)
}

/// The findings of one rule code over the whole workspace, fixes built.
pub fn findings(ws: &Workspace, code: &str) -> Vec<Finding> {
    let mut found: Vec<Finding> = ws
        .check_all()
        .into_iter()
        .filter(|f| f.code == code)
        .collect();
    ws.build_fixes(&mut found);
    found
}

/// `(relative path, 1-based line, message)` of each finding of `code`.
pub fn lines(ws: &Workspace, code: &str) -> Vec<(String, usize, String)> {
    findings(ws, code)
        .into_iter()
        .map(|f| {
            let file = ws.files.get(&f.path);
            let line = file
                .map(|s| {
                    crate::syntax::line_of(&crate::syntax::line_starts(&s.text()), f.span.start) + 1
                })
                .unwrap_or(0);
            let rel = f
                .path
                .strip_prefix(ROOT)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            (rel, line, f.message)
        })
        .collect()
}

/// The text a file has after applying the first fix of every finding of `code` in it
/// (edits to that file only; other changes are returned as they are).
pub fn fixed(ws: &Workspace, code: &str, rel_path: &str) -> (String, Vec<FileChange>) {
    let path = Path::new(ROOT).join(rel_path);
    let text = ws
        .files
        .get(&path)
        .map(|f| f.text().to_string())
        .unwrap_or_default();
    let mut edits = Vec::new();
    let mut other = Vec::new();
    for f in findings(ws, code) {
        let Some(fix) = f.fixes.first() else { continue };
        for change in &fix.changes {
            match change {
                FileChange::Edit { path: p, edits: e } if *p == path => edits.extend(e.clone()),
                c => other.push(c.clone()),
            }
        }
    }
    let out = crate::fix::apply_edits(&text, &edits).unwrap_or_else(|e| panic!("{e}"));
    (out, other)
}

/// Whether every fix of `code` is safe.
pub fn all_safe(ws: &Workspace, code: &str) -> bool {
    findings(ws, code)
        .iter()
        .flat_map(|f| &f.fixes)
        .all(|x| x.applicability == Applicability::Safe)
}

/// Asserts that a fixed text parses without errors and that fixing again changes nothing.
pub fn assert_fix_is_clean(files: &[(&str, &str)], code: &str, rel_path: &str) -> String {
    let ws = workspace(files);
    let (once, _) = fixed(&ws, code, rel_path);
    assert_eq!(
        crate::fix::syntax_error_count(std::path::Path::new(rel_path), &once),
        0,
        "fix broke syntax:\n{once}"
    );
    let replaced: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| {
            if *p == rel_path {
                (*p, once.as_str())
            } else {
                (*p, *t)
            }
        })
        .collect();
    let ws2 = workspace(&replaced);
    let (twice, _) = fixed(&ws2, code, rel_path);
    assert_eq!(once, twice, "fix is not idempotent");
    once
}
