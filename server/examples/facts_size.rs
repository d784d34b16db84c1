//! Which facts take the memory: serialized size (a proxy for heap size) of each kind of
//! fact over a folder, and of decorator arguments by decorator name.
//! `cargo run --release --example facts_size -- DIR`.

use rayon::prelude::*;
use std::collections::HashMap;
use typeorm_lsp::config::Config;

fn size<T: serde::Serialize>(v: &T) -> usize {
    postcard::to_allocvec(v).map(|b| b.len()).unwrap_or(0)
}

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: facts_size DIR");
        std::process::exit(2);
    };
    let root = std::fs::canonicalize(root).expect("DIR exists");
    let paths = typeorm_lsp::discover::discover(&root, &Config::default());
    let (fields, decorators, text) = paths
        .par_iter()
        .filter_map(|p| typeorm_lsp::workspace::read_source(p).ok())
        .map(|text| {
            let f = typeorm_lsp::syntax::facts_of(&text);
            let mut fields: HashMap<&str, usize> = HashMap::new();
            let mut decorators: HashMap<String, usize> = HashMap::new();
            *fields.entry("classes").or_default() += size(&f.classes);
            *fields.entry("imports").or_default() += size(&f.imports);
            *fields.entry("consts").or_default() += size(&f.consts);
            *fields.entry("query_calls").or_default() += size(&f.query_calls);
            *fields.entry("query_builders").or_default() += size(&f.query_builders);
            *fields.entry("line_starts (8 B each)").or_default() += f.line_starts.len() * 8;
            *fields.entry("enums+aliases+functions").or_default() +=
                size(&f.enums) + size(&f.type_aliases) + size(&f.functions);
            for c in &f.classes {
                let all = c
                    .properties
                    .iter()
                    .flat_map(|p| &p.decorators)
                    .chain(&c.decorators)
                    .chain(c.methods.iter().flat_map(|m| &m.decorators))
                    .chain(
                        c.methods
                            .iter()
                            .flat_map(|m| &m.params)
                            .flat_map(|p| &p.decorators),
                    );
                for d in all {
                    *decorators.entry(d.name.to_string()).or_default() += size(d);
                }
                *fields.entry("  class property types").or_default() += c
                    .properties
                    .iter()
                    .map(|p| size(&p.type_ann) + size(&p.initializer))
                    .sum::<usize>();
            }
            (fields, decorators, text.len())
        })
        .reduce(
            || (HashMap::new(), HashMap::new(), 0),
            |mut a, b| {
                for (k, v) in b.0 {
                    *a.0.entry(k).or_default() += v;
                }
                for (k, v) in b.1 {
                    *a.1.entry(k).or_default() += v;
                }
                (a.0, a.1, a.2 + b.2)
            },
        );
    println!("text: {:.1} MB", text as f64 / 1e6);
    let mut fields: Vec<_> = fields.into_iter().collect();
    fields.sort_by_key(|(_, v)| std::cmp::Reverse(*v));
    for (k, v) in fields {
        println!("{k:>28}: {:.1} MB", v as f64 / 1e6);
    }
    let mut decorators: Vec<_> = decorators.into_iter().collect();
    decorators.sort_by_key(|(_, v)| std::cmp::Reverse(*v));
    for (k, v) in decorators.iter().take(15) {
        println!("  @{k:>26}: {:.1} MB", *v as f64 / 1e6);
    }
}
