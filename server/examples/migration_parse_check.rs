//! Compares the facts of every migration (a `.ts` file that mentions `MigrationInterface`)
//! read with `syntax::migration_parse` against the full parse, in each folder given:
//! `cargo run --release --example migration_parse_check -- DIR...`. Prints how many took
//! the fast path, how many fell back and why, and every file whose facts differ; exits 1
//! if any does.

#[path = "common/workspaces.rs"]
mod workspaces;

use rayon::prelude::*;
use std::collections::BTreeMap;
use typeorm_lsp::syntax::{facts_in, facts_in_full, facts_of_migration, Dialect};

fn main() {
    let mut differ = 0;
    let (mut fast_total, mut files_total) = (0, 0);
    for workspaces::Folder { root, paths, .. } in
        workspaces::folders("migration_parse_check DIR...")
    {
        let results: Vec<(String, Result<(), String>)> = paths
            .par_iter()
            .filter(|p| Dialect::of_path(p) == Dialect::TypeScript)
            .filter_map(|path| {
                let text = typeorm_lsp::workspace::read_source(path).ok()?;
                if !text.contains("MigrationInterface") {
                    return None;
                }
                let full = facts_in_full(Dialect::TypeScript, &text);
                let outcome = match facts_of_migration(&text) {
                    Ok(fast) if fast == full && facts_in(Dialect::TypeScript, &text) == full => {
                        Ok(())
                    }
                    Ok(_) => Err("DIFFERENT".to_string()),
                    Err(why) => Err(format!("{why:?}")),
                };
                let rel = path.strip_prefix(&root).unwrap_or(path);
                Some((rel.display().to_string(), outcome))
            })
            .collect();
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let mut fast = 0;
        for (path, outcome) in &results {
            match outcome {
                Ok(()) => fast += 1,
                Err(why) => {
                    if why == "DIFFERENT" {
                        differ += 1;
                        println!("  DIFFERENT: {path}");
                    }
                    *reasons.entry(why.clone()).or_default() += 1;
                }
            }
        }
        println!(
            "{}: {} migrations, {fast} fast, fell back: {reasons:?}",
            root.display(),
            results.len()
        );
        fast_total += fast;
        files_total += results.len();
    }
    println!("all: {files_total} migrations, {fast_total} fast, {differ} different");
    if differ > 0 {
        std::process::exit(1);
    }
}
