//! Where the heap of the facts goes, counted by the allocator: each part of every file's
//! facts is cloned (a clone holds no spare capacity, as shrunk facts do) and the bytes and
//! allocations the clone took are added to that part.
//! `cargo run --release --example facts_heap -- DIR`.

#[path = "common/counting.rs"]
mod counting;

use counting::{Counting, LIVE_ALLOCS, LIVE_BYTES};
use std::sync::atomic::Ordering::Relaxed;
use typeorm_lsp::syntax::*;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[derive(Default)]
struct Tally(std::collections::BTreeMap<&'static str, (usize, usize)>);

impl Tally {
    /// Adds the heap a clone of `v` takes to `what`.
    fn add<T: Clone>(&mut self, what: &'static str, v: &T) {
        let (b0, a0) = (LIVE_BYTES.load(Relaxed), LIVE_ALLOCS.load(Relaxed));
        let copy = v.clone();
        let (b1, a1) = (LIVE_BYTES.load(Relaxed), LIVE_ALLOCS.load(Relaxed));
        drop(copy);
        let e = self.0.entry(what).or_default();
        e.0 += b1 - b0;
        e.1 += a1 - a0;
    }
}

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: facts_heap DIR");
        std::process::exit(2);
    };
    let root = std::fs::canonicalize(root).expect("DIR exists");
    let paths = typeorm_lsp::discover::discover(&root, &Default::default());
    let mut t = Tally::default();
    let mut n = 0;
    for p in &paths {
        let Ok(text) = typeorm_lsp::workspace::read_source(p) else {
            continue;
        };
        n += 1;
        let f = facts_of_file(p, &text);
        t.add("= all", &f);
        t.add("classes", &f.classes);
        t.add("imports", &f.imports);
        t.add("consts", &f.consts);
        t.add("query_calls", &f.query_calls);
        t.add("query_builders", &f.query_builders);
        t.add("functions", &f.functions);
        t.add("enums", &f.enums);
        t.add("type_aliases", &f.type_aliases);
        t.add("exports", &f.exports);
        t.add(
            "suppressions+lines",
            &(f.suppressions.clone(), f.line_starts.clone()),
        );
        t.add(
            "orm+schemas",
            &(f.orm_options.clone(), f.entity_schemas.clone()),
        );
        for i in &f.imports {
            t.add("imports.names", &i.names);
            t.add("imports.specifier", &i.specifier);
        }
        for c in &f.classes {
            t.add("classes.decorators", &c.decorators);
            t.add("classes.properties", &c.properties);
            t.add("classes.methods", &c.methods);
            for p in &c.properties {
                t.add("props.decorators", &p.decorators);
                t.add("props.type_ann", &p.type_ann);
                t.add("props.initializer", &p.initializer);
                t.add("props.name", &p.name);
                for d in &p.decorators {
                    t.add("props.decorators.args", &d.args);
                    t.add("props.decorators.name", &d.name);
                }
            }
            for m in &c.methods {
                t.add("methods.params", &m.params);
                t.add("methods.decorators", &m.decorators);
            }
        }
        for q in &f.query_calls {
            t.add("query_calls.args", &q.args);
        }
        for q in &f.query_builders {
            t.add("query_builders.calls", &q.calls);
            for c in &q.calls {
                t.add("query_builders.calls.args", &c.args);
            }
        }
    }
    println!("{n} files; type sizes: Value {} Spanned<Value> {} Prop {} Decorator {} TypeAnn {} PropertyFact {} MethodFact {} ParamFact {} ClassFact {} ImportFact {} ImportedName {} QueryCall {} ChainCall {} QueryBuilderChain {} ConstFact {}",
        size_of::<Value>(), size_of::<Spanned<Value>>(), size_of::<Prop>(), size_of::<Decorator>(),
        size_of::<TypeAnn>(), size_of::<PropertyFact>(), size_of::<MethodFact>(), size_of::<ParamFact>(),
        size_of::<ClassFact>(), size_of::<ImportFact>(), size_of::<ImportedName>(), size_of::<QueryCall>(),
        size_of::<ChainCall>(), size_of::<QueryBuilderChain>(), size_of::<ConstFact>());
    for (k, (b, a)) in &t.0 {
        println!(
            "{k:>28}: {:>8.1} MB {:>6.2} KB/file {:>6.1} allocs/file",
            *b as f64 / 1e6,
            *b as f64 / 1e3 / n.max(1) as f64,
            *a as f64 / n.max(1) as f64
        );
    }
}
