//! Where a cold `check` spends its time, phase by phase, on 2 threads (as `check` runs on
//! the 2-core reference machine): `cargo run --release --example phase_times -- DIR`.
//! `BENCH_THREADS` sets the threads. Each phase is timed alone, so the sum is a little
//! more than one `check` (which overlaps nothing more than this does).

#[global_allocator]
static ALLOCATOR: typeorm_lsp::alloc::ExactShrink = typeorm_lsp::alloc::ExactShrink;

use rayon::prelude::*;
use std::sync::Arc;
use std::time::Instant;
use typeorm_lsp::config::Config;
use typeorm_lsp::model::{Model, SourceFile};
use typeorm_lsp::resolve::{Resolver, TsConfig};

fn main() {
    typeorm_lsp::alloc::configure(typeorm_lsp::alloc::Purge::Never);
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: phase_times DIR");
        std::process::exit(2);
    };
    let root = std::fs::canonicalize(root).expect("DIR exists");
    let threads: usize = std::env::var("BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(2);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    pool.install(|| run(&root));
}

/// Resident and peak resident memory (MB) from `/proc/self/status`.
fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn lap(name: &str, t: &mut Instant) {
    let (rss, peak) = rss_mb();
    println!(
        "{name:>22}: {:>8.1} ms   RSS {rss:>6.0} MB (peak {peak:.0})",
        t.elapsed().as_secs_f64() * 1e3
    );
    *t = Instant::now();
}

fn run(root: &std::path::Path) {
    let total = Instant::now();
    let mut t = Instant::now();
    let mut config = Config::load(root).unwrap_or_default();
    let paths = typeorm_lsp::discover::discover(root, &config);
    lap("discover", &mut t);
    let texts: Vec<(std::path::PathBuf, String)> = paths
        .par_iter()
        .filter_map(|p| Some((p.clone(), typeorm_lsp::workspace::read_source(p).ok()?)))
        .collect();
    lap("read", &mut t);
    let bytes: usize = texts.iter().map(|(_, s)| s.len()).sum();
    let _trees: usize = texts
        .par_iter()
        .map_init(
            typeorm_lsp::syntax::Parsers::new,
            |parsers, (path, text)| {
                parsers
                    .parse(path, text, None)
                    .map(|tree| tree.root_node().child_count())
                    .unwrap_or(0)
            },
        )
        .sum();
    lap("bare parse", &mut t);
    let files: Vec<Arc<SourceFile>> = texts
        .into_par_iter()
        .map(|(p, s)| Arc::new(SourceFile::new(p, s)))
        .collect();
    lap("parse + facts", &mut t);
    let (tsconfig, _) = TsConfig::load(root);
    let resolver = Resolver::new(root, &config, tsconfig);
    lap("tsconfig", &mut t);
    config.workspace_aliases = typeorm_lsp::model::wrappers::derive_aliases(&files, &resolver);
    lap("wrapper aliases", &mut t);
    config.base_columns = typeorm_lsp::model::detect_base_columns(&files, &config);
    lap("base columns", &mut t);
    let model = Model::build(files, &config, &resolver);
    lap("model + links", &mut t);
    let ctx = typeorm_lsp::rules::Ctx {
        model: &model,
        config: &config,
        resolver: &resolver,
        root,
        fixes: false,
    };
    let findings: usize = (0..model.files.len())
        .into_par_iter()
        .map(|i| typeorm_lsp::rules::check_file(&ctx, i).len())
        .sum();
    lap("rules", &mut t);
    drop(model);
    lap("drop", &mut t);
    println!(
        "{} files, {:.1} MB, {findings} findings, total {:.1} ms",
        paths.len(),
        bytes as f64 / 1e6,
        total.elapsed().as_secs_f64() * 1e3
    );
}
