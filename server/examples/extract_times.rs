//! Parse against fact extraction, file by file on one thread, so that a profile of this
//! process shows extraction apart from the parse and the rest of `check`:
//! `cargo run --release --example extract_times -- DIR [ROUNDS]`.

#[global_allocator]
static ALLOCATOR: typeorm_lsp::alloc::ExactShrink = typeorm_lsp::alloc::ExactShrink;

use std::time::{Duration, Instant};
use typeorm_lsp::config::Config;
use typeorm_lsp::syntax::Dialect;

fn main() {
    typeorm_lsp::alloc::configure(typeorm_lsp::alloc::Purge::Never);
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: extract_times DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = std::env::args()
        .nth(2)
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let root = std::fs::canonicalize(root).expect("DIR exists");
    let paths = typeorm_lsp::discover::discover(&root, &Config::default());
    let texts: Vec<(&std::path::PathBuf, String)> = paths
        .iter()
        .filter_map(|p| Some((p, typeorm_lsp::workspace::read_source(p).ok()?)))
        .collect();
    // The slowest files to parse and to extract, which a total hides.
    let mut slowest: Vec<(Duration, Duration, &std::path::PathBuf)> = Vec::new();
    let mut parsers = typeorm_lsp::syntax::Parsers::new();
    let (mut parse, mut extract) = (Duration::ZERO, Duration::ZERO);
    // The `.tsx` share of both (React files, read with the TSX grammar).
    let (mut tsx_files, mut tsx_parse, mut tsx_extract) = (0usize, Duration::ZERO, Duration::ZERO);
    let mut kept = 0usize;
    for _ in 0..rounds {
        for (path, text) in &texts {
            let t = Instant::now();
            let Some(tree) = parsers.parse(path, text, None) else {
                continue;
            };
            let p = t.elapsed();
            parse += p;
            let t = Instant::now();
            let facts = typeorm_lsp::syntax::extract(&tree, text);
            let e = t.elapsed();
            extract += e;
            if Dialect::of_path(path) == Dialect::Tsx {
                tsx_files += 1;
                tsx_parse += p;
                tsx_extract += e;
            }
            kept += facts.classes.len() + facts.query_calls.len();
            slowest.push((p + e, e, path));
            slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
            slowest.truncate(5);
        }
    }
    println!(
        "{} files x {rounds}: parse {:.0} ms, extract {:.0} ms = {:.2}x the parse ({kept})",
        texts.len(),
        parse.as_secs_f64() * 1e3,
        extract.as_secs_f64() * 1e3,
        extract.as_secs_f64() / parse.as_secs_f64().max(1e-9)
    );
    if tsx_files > 0 {
        println!(
            "  of which {} .tsx x {rounds}: parse {:.0} ms, extract {:.0} ms = {:.2}x the parse",
            tsx_files / rounds.max(1),
            tsx_parse.as_secs_f64() * 1e3,
            tsx_extract.as_secs_f64() * 1e3,
            tsx_extract.as_secs_f64() / tsx_parse.as_secs_f64().max(1e-9)
        );
    }
    for (total, extract, path) in slowest {
        println!(
            "  {:.0} ms (extract {:.0} ms) {}",
            total.as_secs_f64() * 1e3,
            extract.as_secs_f64() * 1e3,
            path.strip_prefix(&root).unwrap_or(path).display()
        );
    }
}
