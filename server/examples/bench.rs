//! Benchmark on a generated workspace: cold `check` against the bare tree-sitter parse of
//! the same bytes, per-edit latency (re-parse one file, rebuild the model, re-check the
//! files that depend on it) and peak memory.
//!
//! `cargo run --release --example bench -- [ENTITIES]` (default 2000).

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use typeorm_lsp::config::Config;
use typeorm_lsp::model::SourceFile;
use typeorm_lsp::workspace::Workspace;

fn entity(i: usize) -> String {
    let parent = if i == 0 { 0 } else { i - 1 };
    format!(
        "import {{ Column, Entity, Index, ManyToOne, OneToMany }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';
import {{ Thing{parent} }} from 'src/things/thing-{parent}.entity';

@Entity()
@Index(['code', 'created'])
export class Thing{i} extends ManagedEntity {{
  @Column({{ type: 'varchar', length: 120 }})
  code: string;

  @Column({{ type: 'numeric', precision: 12, scale: 2 }})
  amount: string;

  @Column({{ nullable: true }})
  note: string | null;

  @Index()
  @ManyToOne(() => Thing{parent}, {{ nullable: true }})
  parent: Thing{parent} | null;
}}
"
    )
}

fn service(i: usize) -> String {
    format!(
        "import {{ Injectable }} from '@nestjs/common';
import {{ InjectRepository }} from '@nestjs/typeorm';
import {{ DataSource, Repository }} from 'typeorm';
import {{ Thing{i} }} from 'src/things/thing-{i}.entity';

@Injectable()
export class Thing{i}Service {{
  constructor(
    @InjectRepository(Thing{i}) private readonly repo: Repository<Thing{i}>,
    private readonly dataSource: DataSource,
  ) {{}}

  byCode(code: string) {{
    return this.repo.findOne({{ where: {{ code }} }});
  }}

  byNote(note: string) {{
    return this.repo.createQueryBuilder('t').where('t.note = :note', {{ note }}).getMany();
  }}

  total() {{
    return this.dataSource.query('SELECT sum(amount) FROM thing{i} WHERE deleted IS NULL');
  }}
}}
"
    )
}

/// The managed base every entity extends (the same file the fixtures use).
const BASE: &str = include_str!("../../fixtures/suppressions/src/common/managed-entity.ts");

fn write_corpus(root: &Path, n: usize) -> Vec<PathBuf> {
    let things = root.join("src/things");
    std::fs::create_dir_all(&things).expect("mkdir");
    std::fs::create_dir_all(root.join("src/common")).expect("mkdir");
    std::fs::write(root.join("package.json"), "{}").expect("write");
    std::fs::write(
        root.join("tsconfig.json"),
        "{\"compilerOptions\":{\"baseUrl\":\".\"}}",
    )
    .expect("write");
    let mut paths = vec![root.join("src/common/managed-entity.ts")];
    std::fs::write(&paths[0], BASE).expect("write");
    for i in 0..n {
        let e = things.join(format!("thing-{i}.entity.ts"));
        let s = things.join(format!("thing-{i}.service.ts"));
        std::fs::write(&e, entity(i)).expect("write");
        std::fs::write(&s, service(i)).expect("write");
        paths.push(e);
        paths.push(s);
    }
    paths
}

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

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Single-threaded split of fact extraction, on trees parsed beforehand: the shared scan
/// of the whole tree, then each extractor over every file on its own (given that scan),
/// then the whole `extract` (which includes the scan and `line_starts`).
fn extractor_breakdown(texts: &[String]) {
    use typeorm_lsp::syntax::{classes, imports, misc, queries, scan::Scan, FileFacts};
    let mut parser = typeorm_lsp::syntax::new_parser();
    let t = Instant::now();
    let trees: Vec<_> = texts.iter().filter_map(|s| parser.parse(s, None)).collect();
    let parse = t.elapsed();
    let t = Instant::now();
    let scans: Vec<Scan> = trees.iter().map(|t| Scan::of(t.root_node())).collect();
    let scan = t.elapsed();
    type Extract = fn(tree_sitter::Node, &Scan, &str, &mut FileFacts);
    let parts: [(&str, Extract); 4] = [
        ("classes", |_, s, src, f| {
            classes::classes_from_scan(s, src, f)
        }),
        ("imports", |_, s, src, f| {
            imports::imports_from_scan(s, src, f)
        }),
        ("misc", |_, s, src, f| misc::misc_from_scan(s, src, f)),
        ("queries", queries::queries_from_scan),
    ];
    let mut line = format!("  1 core: parse {parse:?}, scan {scan:?}");
    for (name, f) in parts {
        let t = Instant::now();
        for ((tree, scan), src) in trees.iter().zip(&scans).zip(texts) {
            let mut facts = FileFacts {
                line_starts: typeorm_lsp::syntax::line_starts(src),
                ..FileFacts::default()
            };
            f(tree.root_node(), scan, src, &mut facts);
        }
        line.push_str(&format!(", {name} {:?}", t.elapsed()));
    }
    drop(scans);
    let t = Instant::now();
    for (tree, src) in trees.iter().zip(texts) {
        std::hint::black_box(typeorm_lsp::syntax::extract(tree, src));
    }
    let mut best = t.elapsed();
    for _ in 0..2 {
        let t = Instant::now();
        for (tree, src) in trees.iter().zip(texts) {
            std::hint::black_box(typeorm_lsp::syntax::extract(tree, src));
        }
        best = best.min(t.elapsed());
    }
    line.push_str(&format!(", all facts (best of 3) {best:?}"));
    println!("{line}");
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    // BENCH_DIR keeps the generated corpus (to profile it further); else a temp dir.
    let dir = tempfile::tempdir().expect("tempdir");
    let root = match std::env::var_os("BENCH_DIR") {
        Some(d) => {
            std::fs::create_dir_all(&d).expect("mkdir BENCH_DIR");
            std::fs::canonicalize(d).expect("canonical")
        }
        None => std::fs::canonicalize(dir.path()).expect("canonical"),
    };
    let paths = write_corpus(&root, n);
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read"))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();

    // Bare tree-sitter parse of the same bytes, on all cores (the lower bound).
    let t = Instant::now();
    let trees: usize = texts
        .par_iter()
        .zip(&paths)
        .map(|(t, path)| {
            let mut p = typeorm_lsp::syntax::Parsers::new();
            p.parse(path, t, None)
                .map(|tree| tree.root_node().child_count())
                .unwrap_or(0)
        })
        .sum();
    let parse = t.elapsed();
    assert!(trees > 0);

    // Where a cold load spends its time.
    let t = Instant::now();
    let found = typeorm_lsp::discover::discover(&root, &Config::default());
    let walk = t.elapsed();
    let t = Instant::now();
    let facts: Vec<_> = texts
        .par_iter()
        .zip(&paths)
        .map(|(t, path)| typeorm_lsp::syntax::facts_of_file(path, t))
        .collect();
    let extract = t.elapsed();
    assert_eq!(facts.len(), found.len());
    // Only the time was wanted: the workspace below holds its own facts, and keeping a
    // second copy of every file's facts would count twice in the peak memory.
    drop(facts);

    // Cold check: discover, read, parse, extract, model, all rules.
    let t = Instant::now();
    let ws = Workspace::load(&root, Config::default());
    let loaded = t.elapsed();

    let findings = ws.check_all();
    let cold = t.elapsed();

    // Edits: change one entity, rebuild the model, re-check it and its service.
    let mut ws = ws;
    let mut edits = Vec::new();
    for k in 0..20 {
        let i = (k * 7919) % n;
        let path = root.join(format!("src/things/thing-{i}.entity.ts"));
        let service = root.join(format!("src/things/thing-{i}.service.ts"));
        let text = entity(i).replace(
            "note: string | null;",
            &format!("note: string | null; // {k}"),
        );
        let t = Instant::now();
        ws.update_file(Arc::new(SourceFile::new(path.clone(), text)));
        let mut f = ws.check_file(&path);
        f.extend(ws.check_file(&service));
        edits.push(t.elapsed());
    }

    let files = paths.len();
    println!(
        "corpus: {n} entities, {files} files, {:.1} MB",
        bytes as f64 / 1e6
    );
    println!("bare tree-sitter parse (all cores): {:?}", parse);
    println!(
        "cold check: {:?} ({:.0} files/s, {:.2}x the bare parse), {} findings",
        cold,
        files as f64 / cold.as_secs_f64(),
        cold.as_secs_f64() / parse.as_secs_f64(),
        findings.len()
    );
    println!(
        "  walk: {:?}, parse + facts (all cores): {:?}",
        walk, extract
    );
    println!(
        "  of which load (walk, read, parse, facts, model): {:?}",
        loaded
    );
    println!("edit -> diagnostics (median of 20): {:?}", median(edits));
    println!("peak memory: {:.0} MB", peak_rss_mb());
    // After the peak: a warm `check --cache` (the first call writes the cache).
    drop(ws);
    let _ = Workspace::load_cached(&root, Config::default());
    let t = Instant::now();
    let warm_ws = Workspace::load_cached(&root, Config::default());
    let warm_findings = warm_ws.check_all();
    let warm = t.elapsed();
    assert_eq!(warm_findings.len(), findings.len());
    println!(
        "warm check with --cache (no file changed): {:?} ({:.2}x the bare parse)",
        warm,
        warm.as_secs_f64() / parse.as_secs_f64()
    );
    drop(warm_ws);
    // Last, so the trees it keeps do not count in the peak above.
    extractor_breakdown(&texts);
}
