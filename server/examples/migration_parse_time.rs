//! Times the full parse against `syntax::migration_parse` on the files given, one thread:
//! `cargo run --release --example migration_parse_time -- FILE...`.
use std::time::Instant;
use typeorm_lsp::syntax::{facts_in_full, facts_of_migration, Dialect};

fn main() {
    let (mut full_total, mut fast_total) = (0.0, 0.0);
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // `FAST_ONLY=1` for a profile of the fast path alone.
        let t = Instant::now();
        let full = if std::env::var_os("FAST_ONLY").is_some() {
            Default::default()
        } else {
            facts_in_full(Dialect::TypeScript, &text)
        };
        let full_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let fast = facts_of_migration(&text);
        let fast_s = t.elapsed().as_secs_f64();
        full_total += full_s;
        fast_total += fast_s;
        let same = fast.as_ref().map(|f| *f == full);
        if std::env::args().len() < 8 {
            println!(
                "{path}: full {:.1} ms, fast {:.1} ms ({same:?})",
                full_s * 1e3,
                fast_s * 1e3
            );
        }
    }
    println!(
        "total: full {:.0} ms, fast {:.0} ms",
        full_total * 1e3,
        fast_total * 1e3
    );
}
