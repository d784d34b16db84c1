//! Compares the facts of every `.ts` / `.js` file read with `syntax::body_elision` against
//! the full parse, in each folder given, and times both (one thread):
//! `cargo run --release --example body_elision_check -- DIR...`. Prints how many took the
//! cheaper path, how many fell back and why, and every file whose facts differ; exits 1 if
//! any does.

#[path = "common/workspaces.rs"]
mod workspaces;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use typeorm_lsp::syntax::{facts_in, facts_in_full, facts_with_elision, Dialect};

fn main() {
    let mut differ = 0;
    for workspaces::Folder { root, paths, .. } in workspaces::folders("body_elision_check DIR...") {
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let (mut fast, mut files) = (0, 0);
        let mut stats = [0usize; 4];
        let (mut full_time, mut fast_time) = (Duration::ZERO, Duration::ZERO);
        for path in &paths {
            if Dialect::of_path(path) != Dialect::TypeScript {
                continue;
            }
            let Ok(text) = typeorm_lsp::workspace::read_source(path) else {
                continue;
            };
            if text.contains("MigrationInterface") {
                continue;
            }
            files += 1;
            let (outer, top, elided) = typeorm_lsp::syntax::body_elision::body_bytes(&text);
            stats[0] += text.len();
            stats[1] += outer;
            stats[2] += top;
            stats[3] += elided;
            let t = Instant::now();
            let full = facts_in_full(Dialect::TypeScript, &text);
            full_time += t.elapsed();
            let t = Instant::now();
            let _ = facts_in(Dialect::TypeScript, &text);
            fast_time += t.elapsed();
            let read = facts_with_elision(&text);
            match read {
                Ok(facts) if facts == full => fast += 1,
                Ok(facts) => {
                    if std::env::var_os("SHOW_DIFF").is_some() && differ == 0 {
                        let (a, b) = (format!("{full:#?}"), format!("{facts:#?}"));
                        std::fs::write("/tmp/full.txt", a).ok();
                        std::fs::write("/tmp/elided.txt", b).ok();
                    }
                    differ += 1;
                    let rel = path.strip_prefix(&root).unwrap_or(path);
                    println!("  DIFFERENT: {}", rel.display());
                    *reasons.entry("DIFFERENT".into()).or_default() += 1;
                }
                Err(why) => *reasons.entry(format!("{why:?}")).or_default() += 1,
            }
        }
        println!(
            "{}: {files} files, {fast} elided, fell back: {reasons:?}; full parse {:.0} ms, facts_in {:.0} ms",
            root.display(),
            full_time.as_secs_f64() * 1e3,
            fast_time.as_secs_f64() * 1e3,
        );
        println!(
            "bytes: all {} in bodies {} in top-level declarations' bodies {} elidable {}",
            stats[0], stats[1], stats[2], stats[3]
        );
    }
    if differ > 0 {
        std::process::exit(1);
    }
}
