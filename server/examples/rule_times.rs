//! Time spent by each rule over a workspace: `cargo run --release --example rule_times PATH`.
use std::time::Instant;
use typeorm_lsp::config::Config;
use typeorm_lsp::rules::REGISTRY;
use typeorm_lsp::workspace::Workspace;

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: rule_times PATH");
        std::process::exit(2);
    };
    let root = std::path::PathBuf::from(root);
    let ws = Workspace::load(&root, Config::load(&root).unwrap_or_default());
    let ctx = ws.ctx();
    let mut times = Vec::new();
    for rule in REGISTRY.iter() {
        let t = Instant::now();
        let mut out = Vec::new();
        for file in 0..ws.model.files.len() {
            (rule.check)(&ctx, file, &mut out);
        }
        times.push((t.elapsed(), rule.code, out.len()));
    }
    times.sort();
    for (d, code, n) in times.iter().rev() {
        println!("{code}: {d:?} ({n} findings)");
    }
}
