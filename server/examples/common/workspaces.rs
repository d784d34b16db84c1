//! The folders named on an example's command line, each with its configuration and the
//! files `check` would read (shared by the examples that compare two reads of whole
//! codebases: `migration_parse_check`, `body_elision_check`, `staged_check`). Each
//! includes this file with `#[path]`.

#![allow(dead_code)]

use std::path::PathBuf;
use typeorm_lsp::config::Config;

/// One folder given on the command line.
pub struct Folder {
    pub root: PathBuf,
    pub config: Config,
    pub paths: Vec<PathBuf>,
}

/// The folders of the command line (`usage` printed and exit 2 without any); a folder
/// that does not exist is reported and skipped.
pub fn folders(usage: &str) -> impl Iterator<Item = Folder> {
    let roots: Vec<String> = std::env::args().skip(1).collect();
    if roots.is_empty() {
        eprintln!("usage: {usage}");
        std::process::exit(2);
    }
    roots.into_iter().filter_map(|root| {
        let Ok(root) = std::fs::canonicalize(&root) else {
            eprintln!("{root}: not found");
            return None;
        };
        let config = Config::load(&root).unwrap_or_default();
        let paths = typeorm_lsp::discover::discover(&root, &config);
        Some(Folder {
            root,
            config,
            paths,
        })
    })
}
