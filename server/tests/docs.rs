//! Generated documentation stays current: `docs/rules/<CODE>.md` (the target of every
//! diagnostic's `codeDescription` link) and the README's rule table come from the rules'
//! doc comments. Run with `UPDATE_DOCS=1` to regenerate.

use std::path::{Path, PathBuf};
use typeorm_lsp::rules::REGISTRY;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn update() -> bool {
    std::env::var_os("UPDATE_DOCS").is_some()
}

const TABLE_START: &str = "<!-- rules:start -->\n";
const TABLE_END: &str = "<!-- rules:end -->";

#[test]
fn rule_docs_are_current() {
    let dir = repo().join("docs/rules");
    let mut stale = Vec::new();
    for rule in REGISTRY.iter() {
        let path = dir.join(format!("{}.md", rule.code));
        let want = rule.doc();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(want) {
            if update() {
                std::fs::create_dir_all(&dir).expect("mkdir docs/rules");
                std::fs::write(&path, want).expect("write doc");
            } else {
                stale.push(rule.code);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale docs (run with UPDATE_DOCS=1): {stale:?}"
    );
}

#[test]
fn every_rule_has_a_complete_doc() {
    for rule in REGISTRY.iter() {
        let doc = rule.doc();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Fix",
        ] {
            assert!(doc.contains(section), "{} lacks {section}", rule.code);
        }
        assert!(
            doc.starts_with(&format!("# {}: {}", rule.code, rule.name)),
            "{}",
            rule.code
        );
    }
}

#[test]
fn readme_rule_table_is_current() {
    let path = repo().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let table = typeorm_lsp::cli::rule_table();
    let (Some(start), Some(end)) = (readme.find(TABLE_START), readme.find(TABLE_END)) else {
        panic!("README.md lacks the {TABLE_START:?} / {TABLE_END:?} markers");
    };
    let current = &readme[start + TABLE_START.len()..end];
    if current != table {
        if update() {
            let new = format!(
                "{}{}{}",
                &readme[..start + TABLE_START.len()],
                table,
                &readme[end..]
            );
            std::fs::write(&path, new).expect("write README");
        } else {
            panic!("README rule table is stale (run with UPDATE_DOCS=1)");
        }
    }
}
