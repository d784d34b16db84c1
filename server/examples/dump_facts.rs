//! Prints the facts of a TypeScript or TSX file as JSON: `cargo run --example dump_facts FILE`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump_facts FILE");
        std::process::exit(2);
    };
    match std::fs::read_to_string(&path) {
        Ok(src) => {
            let facts = typeorm_lsp::syntax::facts_of_file(std::path::Path::new(&path), &src);
            println!(
                "{}",
                serde_json::to_string_pretty(&facts).unwrap_or_default()
            );
        }
        Err(e) => eprintln!("{path}: {e}"),
    }
}
