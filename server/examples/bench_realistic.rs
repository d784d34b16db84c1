//! Scaling benchmark on the realistic generator (`examples/common/realistic.rs`): cold
//! `check` (discover, read, parse, facts, model, every rule) against the bare tree-sitter
//! parse of the same bytes, both on 2 threads; building every fix (what `--fix` and the
//! JSON output add); per-file time; peak RSS.
//!
//! `cargo run --release --example bench_realistic -- FILES` (default 1000), or `-- DIR`
//! to measure an existing workspace. Run one size per process (peak RSS is per process).
//! `BENCH_DIR=dir` keeps the generated corpus, e.g. to time the `typeorm-lsp check`
//! binary on it; `BENCH_THREADS` (default 2) sets the threads of both sides;
//! `BENCH_NO_FIXES=1` skips building the fixes.

#[path = "common/realistic.rs"]
mod realistic;

#[global_allocator]
static ALLOCATOR: typeorm_lsp::alloc::ExactShrink = typeorm_lsp::alloc::ExactShrink;

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;
use typeorm_lsp::config::Config;
use typeorm_lsp::workspace::Workspace;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// CPU seconds (user + system) this process has used so far, from `/proc/self/stat`: on
/// a shared machine the CPU a phase takes is steadier than its wall time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// The files to measure: a generated corpus of `arg` files, or the TypeScript files
/// `check` finds under an existing folder `arg`.
fn corpus(arg: &str, temp: &Path) -> (PathBuf, realistic::Corpus) {
    if Path::new(arg).is_dir() {
        let root = std::fs::canonicalize(arg).expect("canonical");
        let files = typeorm_lsp::discover::discover(&root, &Config::default());
        let bytes = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len() as usize)
            .sum();
        let corpus = realistic::Corpus {
            files,
            bytes,
            entities: 0,
            services: 0,
        };
        return (root, corpus);
    }
    let total: usize = arg.parse().unwrap_or(1000);
    let root = match std::env::var_os("BENCH_DIR") {
        Some(d) => {
            let _ = std::fs::remove_dir_all(&d);
            std::fs::create_dir_all(&d).expect("mkdir BENCH_DIR");
            std::fs::canonicalize(d).expect("canonical")
        }
        None => std::fs::canonicalize(temp).expect("canonical"),
    };
    let corpus = realistic::write(&root, total);
    (root, corpus)
}

fn main() {
    // The same allocator settings as `typeorm-lsp check`, for the parse and the check alike.
    typeorm_lsp::alloc::configure(typeorm_lsp::alloc::Purge::Never);
    let arg = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "1000".to_string());
    let threads: usize = std::env::var("BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(2);
    let temp = tempfile::tempdir().expect("tempdir");
    let (root, corpus) = corpus(&arg, temp.path());
    let files = corpus.files.len();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");

    // The cold check first, so that its peak RSS is not the parse's.
    let cpu = cpu_seconds();
    let (cold, cold_cpu, findings, fixes_time, fixes) = pool.install(|| {
        let t = std::time::Instant::now();
        let ws = Workspace::load(&root, Config::default());
        let mut findings = ws.check_all();
        let cold = t.elapsed();
        let cpu = cpu_seconds() - cpu;
        let t = Instant::now();
        // `BENCH_NO_FIXES=1` measures the check alone (building every fix can take long).
        if std::env::var_os("BENCH_NO_FIXES").is_none() {
            ws.build_fixes(&mut findings);
        }
        let fixes = findings.iter().filter(|f| !f.fixes.is_empty()).count();
        (cold, cpu, findings.len(), t.elapsed(), fixes)
    });
    let rss = peak_rss_mb();

    // Bare tree-sitter parse of the same bytes (read included, as in the check).
    let cpu = cpu_seconds();
    let parse = pool.install(|| {
        let t = Instant::now();
        let nodes: usize = corpus
            .files
            .par_iter()
            .map_init(typeorm_lsp::syntax::Parsers::new, |parsers, path| {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                parsers
                    .parse(path, &text, None)
                    .map(|tree| tree.root_node().child_count())
                    .unwrap_or(0)
            })
            .sum();
        assert!(nodes > 0);
        t.elapsed()
    });

    let parse_cpu = cpu_seconds() - cpu;
    println!(
        "files {files} ({} entities, {} services), {:.1} MB, {threads} threads",
        corpus.entities,
        corpus.services,
        corpus.bytes as f64 / 1e6
    );
    println!("bare parse: {parse:.2?}");
    println!(
        "cold check: {cold:.2?} = {:.2}x the bare parse, {:.0} us/file, {findings} findings",
        cold.as_secs_f64() / parse.as_secs_f64(),
        cold.as_secs_f64() * 1e6 / files as f64
    );
    println!(
        "CPU: bare parse {parse_cpu:.2} s, cold check {cold_cpu:.2} s = {:.2}x",
        cold_cpu / parse_cpu.max(0.01)
    );
    println!("build all fixes: {fixes_time:.2?} ({fixes} findings with a fix)");
    println!("peak RSS (check): {rss:.0} MB");
}
