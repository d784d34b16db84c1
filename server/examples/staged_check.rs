//! Compares the findings of a first-stage index (`typeorm_lsp::staging`) with those of
//! the whole workspace, on the files of the first stage, in each folder given, and says
//! how much of the workspace the first stage parses:
//! `cargo run --release --example staged_check -- DIR...`. Exits 1 if a finding differs.

#[path = "common/workspaces.rs"]
mod workspaces;

use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use typeorm_lsp::files::Files;
use typeorm_lsp::model::SourceFile;
use typeorm_lsp::resolve::{Resolver, TsConfig};
use typeorm_lsp::workspace::Workspace;

fn main() {
    let mut differ = 0;
    for workspaces::Folder {
        root,
        config,
        paths,
    } in workspaces::folders("staged_check DIR...")
    {
        let texts: Vec<(PathBuf, Arc<str>)> = paths
            .par_iter()
            .filter_map(|p| {
                let text = typeorm_lsp::workspace::read_source(p).ok()?;
                Some((p.clone(), Arc::from(text)))
            })
            .collect();
        let all_bytes: usize = texts.iter().map(|t| t.1.len()).sum();
        let exists_set: HashSet<PathBuf> = paths.iter().cloned().collect();
        let exists = |p: &Path| exists_set.contains(p);
        let started = Instant::now();
        let whole: usize = texts
            .par_iter()
            .map(|(p, t)| SourceFile::new(p.clone(), t.clone()).facts.imports.len())
            .sum();
        let whole_time = started.elapsed();
        let started = Instant::now();
        let (seeds, rest): (Vec<_>, Vec<_>) = texts
            .iter()
            .cloned()
            .partition(|(_, text)| typeorm_lsp::staging::is_seed(text));
        let mut parsed: Vec<SourceFile> = seeds
            .into_par_iter()
            .map(|(p, t)| SourceFile::new(p, t))
            .collect();
        let seed_bytes: usize = parsed.iter().map(|f| f.text().len()).sum();
        println!(
            "  seeds: {} files, {:.1} MB",
            parsed.len(),
            seed_bytes as f64 / 1e6
        );
        if std::env::var_os("SEED_WORD_STATS").is_some() {
            for word in typeorm_lsp::staging::SEED_WORDS {
                let (n, b) = parsed
                    .iter()
                    .filter(|f| f.text().contains(word))
                    .fold((0, 0), |(n, b), f| (n + 1, b + f.text().len()));
                println!("    {word}: {n} files {:.1} MB", b as f64 / 1e6);
            }
        }
        let mut held: HashMap<PathBuf, Arc<str>> = rest.into_iter().collect();
        let resolver = Resolver::new(&root, &config, TsConfig::load(&root).0);
        typeorm_lsp::staging::close_first_stage(
            &resolver,
            &mut parsed,
            &mut held,
            &exists,
            |f: &SourceFile| (f.path.as_path(), &f.facts),
            |p: &Path, t| Some(SourceFile::new(p.to_path_buf(), t)),
        );
        let first_time = started.elapsed();
        let first_bytes: usize = parsed.iter().map(|f| f.text().len()).sum();
        let first_paths: Vec<PathBuf> = parsed.iter().map(|f| f.path.clone()).collect();
        if std::env::var_os("STAGE_DIRS").is_some() {
            let mut by: std::collections::BTreeMap<String, (usize, usize, usize)> =
                Default::default();
            let in_first: HashSet<&PathBuf> = first_paths.iter().collect();
            for (p, t) in &texts {
                let rel = p.strip_prefix(&root).unwrap_or(p);
                let top: Vec<_> = rel.iter().take(2).map(|c| c.to_string_lossy()).collect();
                let e = by.entry(top.join("/")).or_default();
                e.0 += t.len();
                if in_first.contains(p) {
                    e.1 += t.len();
                    e.2 += 1;
                }
            }
            for (dir, (all, first, n)) in by {
                if all > 50_000 {
                    println!(
                        "    {dir}: {:.2} MB, first stage {:.2} MB ({n} files)",
                        all as f64 / 1e6,
                        first as f64 / 1e6
                    );
                }
            }
        }
        let later: Vec<SourceFile> = held
            .into_par_iter()
            .map(|(p, t)| SourceFile::new(p, t))
            .collect();
        let parsed: Vec<Arc<SourceFile>> = parsed.into_iter().map(Arc::new).collect();
        let first: Files = parsed.iter().cloned().collect();
        for f in &later {
            if !f.facts.orm_options.is_empty() || !f.facts.entity_schemas.is_empty() {
                println!("  LATER HAS OPTIONS/SCHEMAS: {}", f.path.display());
            }
        }
        let first_ws = Workspace::with_files(&root, config.clone(), first);
        let all: Files = parsed
            .into_iter()
            .chain(later.into_iter().map(Arc::new))
            .collect();
        let all_ws = Workspace::with_files(&root, config.clone(), all);
        let key =
            |f: &typeorm_lsp::finding::Finding| format!("{} {:?} {}", f.code, f.span, f.message);
        let mut diffs = 0;
        for path in &first_paths {
            let a: BTreeSet<String> = first_ws.check_file(path).iter().map(key).collect();
            let b: BTreeSet<String> = all_ws.check_file(path).iter().map(key).collect();
            if a != b {
                diffs += 1;
                let rel = path.strip_prefix(&root).unwrap_or(path).display();
                for only in a.difference(&b) {
                    println!("  FIRST ONLY {rel}: {only}");
                }
                for only in b.difference(&a) {
                    println!("  ALL ONLY   {rel}: {only}");
                }
            }
        }
        differ += diffs;
        println!(
            "{}: first stage {} of {} files, {:.1} of {:.1} MB ({:.0}%), {} ms; {diffs} files differ",
            root.display(),
            first_paths.len(),
            texts.len(),
            first_bytes as f64 / 1e6,
            all_bytes as f64 / 1e6,
            100.0 * first_bytes as f64 / all_bytes.max(1) as f64,
            first_time.as_millis(),
        );
        println!(
            "  parsing every file: {} ms ({whole} imports)",
            whole_time.as_millis()
        );
    }
    if differ > 0 {
        std::process::exit(1);
    }
}
