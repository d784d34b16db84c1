//! The bundled fixtures: every `// expect: CODE` marker is found by `check`, and nothing
//! else; `fixtures/clean` gives nothing at all.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// (relative path, line, code) of each finding `check --format json` prints, run from
/// `dir` (paths are relative to the current directory).
fn found(dir: &Path) -> (BTreeSet<(String, usize, String)>, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_typeorm-lsp"))
        .args(["check", "--format", "json", "."])
        .current_dir(dir)
        .output()
        .expect("run typeorm-lsp");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let set = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["location"]["line"].as_u64().unwrap_or_default() as usize,
                f["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (set, out.status.code().unwrap_or(-1))
}

/// (relative path, line, code) of each `// expect: CODE[, CODE]` marker under `dir`.
fn expected(dir: &Path) -> BTreeSet<(String, usize, String)> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read fixture dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "node_modules") {
                    stack.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "ts") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read fixture");
            let rel = path
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy()
                .replace('\\', "/");
            for (i, line) in text.lines().enumerate() {
                let Some(pos) = line.find("// expect:") else {
                    continue;
                };
                for code in line[pos + "// expect:".len()..].split(',') {
                    let code = code.trim();
                    if !code.is_empty() {
                        out.insert((rel.clone(), i + 1, code.to_string()));
                    }
                }
            }
        }
    }
    out
}

fn assert_markers_match(name: &str) {
    let dir = fixtures().join(name);
    let (found, _) = found(&dir);
    let expected = expected(&dir);
    let missing: Vec<_> = expected.difference(&found).collect();
    let unexpected: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "{name}: missing (marked, not found): {missing:#?}\nunexpected (found, not marked): {unexpected:#?}"
    );
}

#[test]
fn shop_findings_match_the_markers() {
    assert_markers_match("shop");
}

#[test]
fn bad_base_findings_match_the_markers() {
    assert_markers_match("bad-base");
}

#[test]
fn broken_workspace_is_checked_without_panic() {
    assert_markers_match("broken");
}

#[test]
fn clean_workspace_has_no_findings() {
    let (found, code) = found(&fixtures().join("clean"));
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(code, 0);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Every file's path and text, to compare two states of a tree.
fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read_to_string(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fix_leaves_only_findings_without_a_safe_fix_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let shop = dir.path().join("shop");
    copy_dir(&fixtures().join("shop"), &shop);
    let before = snapshot(&shop);
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_typeorm-lsp"))
            .args(["check", "--fix", "--with-migrations", "--format", "json"])
            .arg(&shop)
            .output()
            .expect("run typeorm-lsp")
    };
    let first = run();
    let after_first = snapshot(&shop);
    assert_ne!(before, after_first, "the first --fix changes files");
    let created = after_first.len() - before.len();
    assert!(created >= 5, "index fixes create migrations ({created})");
    for (path, text) in &after_first {
        if path.extension().is_some_and(|e| e == "ts") && !path.to_string_lossy().contains("broken")
        {
            let errors = typeorm_lsp::fix::syntax_error_count(path, text);
            assert_eq!(
                errors,
                0,
                "{} has syntax errors after --fix:\n{text}",
                path.display()
            );
        }
    }
    let remaining: serde_json::Value = serde_json::from_slice(&first.stdout).expect("json");
    for f in remaining.as_array().expect("array") {
        let safe = f["fix"]["applicability"] == "safe";
        assert!(!safe, "a safe fix was left unapplied: {f}");
    }
    run();
    assert_eq!(
        after_first,
        snapshot(&shop),
        "a second --fix changes nothing"
    );
}

/// `fixtures/suppressions/EXPECTED.md` lists its findings in a table (the findings start on
/// comment lines, which cannot carry an `// expect:` marker of their own).
#[test]
fn suppression_findings_match_expected_md() {
    let dir = fixtures().join("suppressions");
    let table = std::fs::read_to_string(dir.join("EXPECTED.md")).expect("EXPECTED.md");
    let expected: BTreeSet<(String, usize, String)> = table
        .lines()
        .filter(|l| l.starts_with("| src/"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                cells[1].to_string(),
                cells[2].parse().expect("line number"),
                cells[3].to_string(),
            )
        })
        .collect();
    assert_eq!(expected.len(), 2);
    let (found, _) = found(&dir);
    assert_eq!(found, expected);
}

/// The whole text report on `fixtures/shop`: every finding with its snippet, related
/// locations and fix title, as a user reads it.
#[test]
fn shop_text_report_snapshot() {
    let out = Command::new(env!("CARGO_BIN_EXE_typeorm-lsp"))
        .args(["check", "."])
        .current_dir(fixtures().join("shop"))
        .env("TYPEORM_LSP_MIGRATION_TIMESTAMP", "1700000000000")
        .output()
        .expect("run typeorm-lsp");
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}
