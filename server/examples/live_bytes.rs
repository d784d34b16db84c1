//! The heap the facts of a workspace really hold, counted by the allocator (not estimated
//! from type sizes, as `facts_size` does): `cargo run --release --example live_bytes -- DIR`.
//! Prints live bytes and allocations after reading the texts and after extracting the
//! facts of every file, with the resident set at each point.

use rayon::prelude::*;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// mimalloc (as `check` uses) behind a counter of live bytes and live allocations.
struct Counting;
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static LIVE_ALLOCS: AtomicUsize = AtomicUsize::new(0);
static MIMALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Relaxed);
        LIVE_ALLOCS.fetch_add(1, Relaxed);
        unsafe { MIMALLOC.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        LIVE_ALLOCS.fetch_sub(1, Relaxed);
        unsafe { MIMALLOC.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        unsafe { MIMALLOC.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn report(what: &str, files: usize) {
    let bytes = LIVE_BYTES.load(Relaxed) as f64;
    let allocs = LIVE_ALLOCS.load(Relaxed);
    println!(
        "{what:>6}: {:>7.1} MB live in {allocs} allocations ({:.1} KB, {} per file), RSS {:.0} MB",
        bytes / 1e6,
        bytes / 1e3 / files.max(1) as f64,
        allocs / files.max(1),
        rss_mb()
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
