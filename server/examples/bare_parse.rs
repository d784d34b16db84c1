//! The baseline of the speed targets as a process of its own: discover the files `check`
//! would read, read them and parse them with tree-sitter on 2 threads (`BENCH_THREADS`),
//! nothing else, so that `/usr/bin/time` compares it with `typeorm-lsp check` like with
//! like: `cargo run --release --example bare_parse -- DIR`.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use rayon::prelude::*;

fn main() {
    typeorm_lsp::alloc::configure(typeorm_lsp::alloc::Purge::Never);
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: bare_parse DIR");
        std::process::exit(2);
    };
    let threads: usize = std::env::var("BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(2);
    let root = std::fs::canonicalize(root).expect("DIR exists");
    let config = typeorm_lsp::config::Config::load(&root).unwrap_or_default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let (files, nodes) = pool.install(|| {
        let paths = typeorm_lsp::discover::discover(&root, &config);
        let nodes: usize = paths
            .par_iter()
            .map_init(typeorm_lsp::syntax::Parsers::new, |parsers, path| {
                let Ok(text) = typeorm_lsp::workspace::read_source(path) else {
                    return 0;
                };
                // Each file with its own grammar (TSX for `.tsx`), as `check` parses it.
                parsers
                    .parse(path, &text, None)
                    .map(|tree| tree.root_node().child_count())
                    .unwrap_or(0)
            })
            .sum();
        (paths.len(), nodes)
    });
    println!("{files} files parsed ({nodes} top-level nodes)");
}
