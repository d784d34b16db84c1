//! Fix safety, proven with the TypeScript compiler: every safe fix `check --fix
//! --with-migrations` applies to a copy of the `shop` fixture (which violates every rule)
//! must leave code that `tsc --noEmit` accepts as it accepted the original, a second
//! `--fix` must change nothing (a fixed point), and the fixed workspace must report no
//! finding the original did not.
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

#[test]
fn safe_fixes_compile_reach_a_fixed_point_and_add_no_finding() {
    let root = root();
    let modules = root.join("tests/tsc/node_modules");
    let tsc = modules.join("typescript/bin/tsc");
    assert!(
        tsc.exists(),
        "the TypeScript compiler is missing: run `npm ci --prefix tests/tsc` (tests/run.sh does)"
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("shop");
    copy_dir(&root.join("fixtures/shop"), &dir);
    std::fs::copy(
        root.join("tests/tsc/nest-stubs.d.ts"),
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
    std::os::unix::fs::symlink(&modules, dir.join("node_modules")).expect("symlink");

    let errors_before = tsc_errors(&dir, &tsc);
    let findings_before = findings(&dir);

    let first = check(&dir, &["--fix", "--with-migrations"]);
    let report = String::from_utf8_lossy(&first.stderr).to_string();
    assert!(report.contains("Applied"), "fixes were applied: {report}");
    let after_first = contents(&dir);

    let errors_after = tsc_errors(&dir, &tsc);
    let new_errors: Vec<_> = errors_after.difference(&errors_before).collect();
    assert!(
        new_errors.is_empty(),
        "safe fixes broke the build: {new_errors:?}"
    );

    let second = check(&dir, &["--fix", "--with-migrations"]);
    assert_eq!(
        contents(&dir),
        after_first,
        "a second --fix changed files: {}",
        String::from_utf8_lossy(&second.stderr)
    );

    let new_findings: Vec<_> = findings(&dir)
        .difference(&findings_before)
        .cloned()
        .collect();
    assert!(
        new_findings.is_empty(),
        "fixes triggered new findings: {new_findings:#?}"
    );
}
