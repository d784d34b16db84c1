//! Where the heap of a cold `check` goes, stage by stage, counted by the allocator:
//! `cargo run --release --example check_memory -- DIR [text|json|sarif|github]`.
//! Runs the stages of `check` on 2 threads (load, rules, the texts output needs, render)
//! and prints after each the live heap, the highest live heap since the previous stage,
//! and the resident set. The output itself goes to a sink.

#[path = "common/counting.rs"]
mod counting;

use counting::{
    status_mb, Counting, LIVE_BYTES as LIVE, PEAK_BYTES as PEAK, USABLE_BYTES as USABLE,
};
use rayon::prelude::*;
use std::sync::atomic::Ordering::Relaxed;
use typeorm_lsp::cli::output::{self, OutputFormat};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn stage(what: &str) {
    let live = LIVE.load(Relaxed) as f64 / 1e6;
    let peak = PEAK.swap(LIVE.load(Relaxed), Relaxed) as f64 / 1e6;
    println!(
        "{what:>16}: live {live:>7.1} MB ({:.1} MB in size classes), peak {peak:>7.1} MB, RSS {:>5.0} MB (high {:.0})",
        USABLE.load(Relaxed) as f64 / 1e6,
        status_mb("VmRSS:"),
        status_mb("VmHWM:")
    );
}

fn main() {
    // `PURGE_MS=0`: freed memory goes back to the OS at once, so the resident set shows
    // what is live plus fragmentation instead of every page ever used.
    let purge = match std::env::var("PURGE_MS").ok().and_then(|v| v.parse().ok()) {
        Some(ms) => typeorm_lsp::alloc::Purge::AfterMs(ms),
        None => typeorm_lsp::alloc::Purge::Never,
    };
    typeorm_lsp::alloc::configure(purge);
    println!(
        "sizes: SourceFile {} B, Finding {} B, Fix {} B",
        std::mem::size_of::<typeorm_lsp::model::SourceFile>(),
        std::mem::size_of::<typeorm_lsp::finding::Finding>(),
        std::mem::size_of::<typeorm_lsp::finding::Fix>()
    );
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: check_memory DIR [text|json|sarif|github]");
        std::process::exit(2);
    };
    let format = match args.next().as_deref() {
        Some("json") => OutputFormat::Json,
        Some("sarif") => OutputFormat::Sarif,
        Some("github") => OutputFormat::Github,
        _ => OutputFormat::Text,
    };
    let root = std::fs::canonicalize(root).expect("DIR exists");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool");
    pool.install(|| run(&root, format));
}

fn run(root: &std::path::Path, format: OutputFormat) {
    let config = typeorm_lsp::cli::load_config(root).unwrap_or_default();
    // The texts alone, as the workspace holds them, to tell their rounding from the rest.
    let texts: Vec<std::sync::Arc<str>> = typeorm_lsp::discover::discover(root, &config)
        .par_iter()
        .filter_map(|p| Some(typeorm_lsp::workspace::read_source(p).ok()?.into()))
        .collect();
    stage("texts alone");
    drop(texts);
    let ws = typeorm_lsp::workspace::Workspace::load(root, config);
    stage("load + model");
    let text_bytes: usize = ws.files.values().map(|f| f.text().len()).sum();
    let model_files = ws.model.files.len();
    println!(
        "{model_files} files, texts {:.1} MB",
        text_bytes as f64 / 1e6
    );
    let again = typeorm_lsp::model::Model::build(ws.files.to_list(), &ws.config, &ws.resolver);
    stage("a second model");
    drop(again);
    let links = typeorm_lsp::links::Links::build(&ws.model.files, &ws.model.by_path, &ws.resolver);
    stage("a second links");
    drop(links);
    let mut findings = ws.check_all();
    stage("rules");
    if format.shows_fix_edits() {
        ws.build_fixes(&mut findings);
        stage("fixes");
    }
    let per_finding = findings
        .par_iter()
        .map(|f| std::mem::size_of_val(f) + f.message.len() + f.path.as_os_str().len())
        .sum::<usize>()
        / findings.len().max(1);
    println!(
        "{} findings, about {per_finding} bytes each (inline, message, path)",
        findings.len()
    );
    breakdown(&findings);
    let sources = typeorm_lsp::cli::check::sources_for(&ws, &findings);
    stage("sources");
    let mut sink = std::io::sink();
    let _ = typeorm_lsp::cli::check::write_to(&mut sink, format, &findings, root, &sources);
    stage("render");
    std::mem::forget(ws);
    std::hint::black_box(output::relative_path(root, root));
}

/// Heap bytes of the findings by part (capacities, not counting allocator rounding).
fn breakdown(findings: &[typeorm_lsp::finding::Finding]) {
    use typeorm_lsp::finding::FileChange;
    let mut parts = [0usize; 6];
    for f in findings {
        parts[0] += std::mem::size_of_val(f);
        parts[1] += f.path.capacity();
        parts[2] += f.message.capacity();
        parts[3] += f.related.capacity() * std::mem::size_of::<typeorm_lsp::finding::Related>()
            + f.related
                .iter()
                .map(|r| r.path.capacity() + r.message.capacity())
                .sum::<usize>();
        parts[4] += f.fixes.capacity() * std::mem::size_of::<typeorm_lsp::finding::Fix>()
            + f.fixes.iter().map(|x| x.title.capacity()).sum::<usize>();
        parts[5] += f
            .fixes
            .iter()
            .flat_map(|x| &x.changes)
            .map(|c| match c {
                FileChange::Edit { path, edits } => {
                    path.capacity()
                        + edits
                            .iter()
                            .map(|e| 40 + e.new_text.capacity())
                            .sum::<usize>()
                }
                FileChange::Create { path, contents } => path.capacity() + contents.capacity(),
                FileChange::Rename { from, to } => from.capacity() + to.capacity(),
            })
            .sum::<usize>();
    }
    let n = findings.len().max(1);
    let names = ["inline", "path", "message", "related", "fixes", "edits"];
    for (name, bytes) in names.iter().zip(parts) {
        println!(
            "  {name:>8}: {:>6.1} MB, {} B per finding",
            bytes as f64 / 1e6,
            bytes / n
        );
    }
}
