//! Lists the files of a workspace whose tree-sitter parse takes longest, with their
//! bytes and rate: `cargo run --release --example parse_hotspots -- DIR [N]`.

use std::time::Instant;
use typeorm_lsp::syntax::Parsers;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: parse_hotspots DIR [N]");
        std::process::exit(2);
    };
    let top: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(25);
    let root = std::fs::canonicalize(root).expect("DIR exists");
    let config = typeorm_lsp::config::Config::load(&root).unwrap_or_default();
    let mut parsers = Parsers::new();
    let mut rows: Vec<(f64, usize, String)> = Vec::new();
    for path in typeorm_lsp::discover::discover(&root, &config) {
        let Ok(text) = typeorm_lsp::workspace::read_source(&path) else {
            continue;
        };
        let t = Instant::now();
        let _ = parsers.parse(&path, &text, None);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        rows.push((ms, text.len(), rel));
    }
    let total: f64 = rows.iter().map(|r| r.0).sum();
    let bytes: usize = rows.iter().map(|r| r.1).sum();
    println!("{} files, {bytes} bytes, {total:.0} ms", rows.len());
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, len, rel) in rows.iter().take(top) {
        println!(
            "{ms:8.2} ms {len:9} B {:6.1} MB/s  {rel}",
            *len as f64 / ms / 1e3
        );
    }
    rows.sort_by(|a, b| (b.0 / b.1 as f64).total_cmp(&(a.0 / a.1 as f64)));
    println!("slowest per byte (over 10 KB):");
    for (ms, len, rel) in rows.iter().filter(|r| r.1 > 10_000).take(top) {
        println!(
            "{ms:8.2} ms {len:9} B {:6.1} MB/s  {rel}",
            *len as f64 / ms / 1e3
        );
    }
}
