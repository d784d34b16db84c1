//! The heap the facts of a workspace really hold, counted by the allocator (not estimated
//! from type sizes): `cargo run --release --example live_bytes -- DIR`.
//! Prints live bytes and allocations after reading the texts and after extracting the
//! facts of every file, with the resident set at each point.

#[path = "common/counting.rs"]
mod counting;

use counting::{status_mb, Counting, LIVE_ALLOCS, LIVE_BYTES};
use rayon::prelude::*;
use std::sync::atomic::Ordering::Relaxed;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn report(what: &str, files: usize) {
    let bytes = LIVE_BYTES.load(Relaxed) as f64;
    let allocs = LIVE_ALLOCS.load(Relaxed);
    println!(
        "{what:>6}: {:>7.1} MB live in {allocs} allocations ({:.1} KB, {} per file), RSS {:.0} MB",
        bytes / 1e6,
        bytes / 1e3 / files.max(1) as f64,
        allocs / files.max(1),
        status_mb("VmRSS:")
    );
}

fn main() {
    typeorm_lsp::alloc::configure(typeorm_lsp::alloc::Purge::Never);
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: live_bytes DIR");
        std::process::exit(2);
    };
    let root = std::fs::canonicalize(root).expect("DIR exists");
    let paths = typeorm_lsp::discover::discover(&root, &Default::default());
    let texts: Vec<(std::path::PathBuf, String)> = paths
        .par_iter()
        .filter_map(|p| Some((p.clone(), typeorm_lsp::workspace::read_source(p).ok()?)))
        .collect();
    let n = texts.len();
    report("texts", n);
    let files: Vec<typeorm_lsp::model::SourceFile> = texts
        .into_par_iter()
        .map(|(p, s)| typeorm_lsp::model::SourceFile::new(p, s))
        .collect();
    report("facts", n);
    drop(files);
}
