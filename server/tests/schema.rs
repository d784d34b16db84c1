//! `typeorm-lsp schema`: snapshots of the JSON and the PostgreSQL DDL on the fixtures, and
//! the differential test against real TypeORM (`tests/typeorm/compare.js`), which runs
//! the same command and TypeORM's metadata builder on every fixture and requires the
//! tables to be equal.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository root")
        .to_path_buf()
}

fn schema(fixture: &str, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_typeorm-lsp"))
        .args(["schema", "--format", format])
        .arg(repo().join("fixtures").join(fixture))
        .output()
        .expect("run typeorm-lsp schema");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn forms_schema_json_snapshot() {
    insta::assert_snapshot!(schema("forms", "json"));
}

#[test]
fn forms_snake_case_schema_json_snapshot() {
    insta::assert_snapshot!(schema("forms-snake", "json"));
}

#[test]
fn forms_schema_sql_snapshot() {
    insta::assert_snapshot!(schema("forms", "sql"));
}

#[test]
fn shop_schema_sql_snapshot() {
    insta::assert_snapshot!(schema("shop", "sql"));
}

/// Every fixture with entities; `broken/` too (its valid file must still agree).
const FIXTURES: &[&str] = &[
    "shop",
    "clean",
    "bad-base",
    "suppressions",
    "broken",
    "forms",
    "forms-snake",
];

#[test]
fn schema_equals_what_typeorm_builds() {
    let harness = repo().join("tests/typeorm");
    if !harness.join("node_modules/typeorm").is_dir() {
        // tests/install-deps.sh installs it; CI must never skip silently.
        assert!(
            std::env::var_os("CI").is_none(),
            "tests/typeorm/node_modules is missing in CI: run tests/install-deps.sh"
        );
        eprintln!(
            "SKIPPED schema_equals_what_typeorm_builds: no TypeORM in tests/typeorm \
             (run `npm ci --prefix tests/typeorm` or tests/install-deps.sh)"
        );
        return;
    }
    let fixtures: Vec<PathBuf> = FIXTURES
        .iter()
        .map(|f| repo().join("fixtures").join(f))
        .collect();
    let out = Command::new("node")
        .arg(harness.join("compare.js"))
        .arg(env!("CARGO_BIN_EXE_typeorm-lsp"))
        .args(&fixtures)
        .arg("--json")
        .output()
        .expect("run node tests/typeorm/compare.js");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("compare.js prints JSON");
    let (mut equal, mut counted) = (0, 0);
    let mut differences = Vec::new();
    for r in results.as_array().expect("one result per fixture") {
        equal += r["equal"].as_u64().unwrap_or(0);
        counted += r["counted"].as_u64().unwrap_or(0);
        for d in r["differences"].as_array().into_iter().flatten() {
            differences.push(format!("{}: {}", r["workspace"], d));
        }
        // `broken/draft.entity.ts` has syntax errors on purpose.
        let broken = r["workspace"]
            .as_str()
            .is_some_and(|w| w.ends_with("broken"));
        assert!(
            broken || r["failed"].as_array().is_some_and(|f| f.is_empty()),
            "TypeORM could not load a file: {}",
            r["failed"]
        );
    }
    eprintln!("agreement with TypeORM 0.3.31: {equal}/{counted} tables equal");
    assert!(counted > 60, "too few tables compared: {counted}");
    assert!(
        differences.is_empty(),
        "typeorm-lsp schema differs from TypeORM:\n{}",
        differences.join("\n")
    );
}

/// The same comparison on the public codebases of the ecosystem check, which cannot be
/// committed: `TYPEORM_LSP_ECO=/work/eco cargo test --test schema -- --ignored
/// --nocapture` prints the agreement per codebase (the README's table). TypeORM's own
/// repository (`typeorm`) is compared one test entity folder at a time
/// (`tests/typeorm/typeorm-repo.js`). It fails only when TypeORM could not be run at all.
#[test]
#[ignore]
fn agreement_on_public_codebases() {
    let Some(eco) = std::env::var_os("TYPEORM_LSP_ECO").map(PathBuf::from) else {
        eprintln!("set TYPEORM_LSP_ECO to the folder holding the codebases");
        return;
    };
    let harness = repo().join("tests/typeorm");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&eco)
        .expect("read TYPEORM_LSP_ECO")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    for dir in names {
        // Thousands of same-named entities for many databases: one workspace per folder.
        let script = if dir.ends_with("typeorm") {
            "typeorm-repo.js"
        } else {
            "compare.js"
        };
        let out = Command::new("node")
            .arg(harness.join(script))
            .arg(env!("CARGO_BIN_EXE_typeorm-lsp"))
            .arg(&dir)
            .output()
            .expect("run node tests/typeorm/compare.js");
        assert!(
            out.status.success(),
            "{}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    }
}
