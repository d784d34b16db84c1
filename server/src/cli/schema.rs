//! `typeorm-lsp schema [PATH] --format json|sql`: the tables TypeORM would create.

use super::{emit, load_config, workspace_root, EXIT_OK, EXIT_USAGE};
use crate::model::relational;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaFormat {
    Json,
    Sql,
}

pub fn run(path: &Path, format: SchemaFormat) -> i32 {
    if !path.exists() {
        eprintln!("error: {}: no such file or directory", path.display());
        return EXIT_USAGE;
    }
    let root = workspace_root(path);
    let config = match load_config(&root) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            return EXIT_USAGE;
        }
    };
    let ws = crate::workspace::Workspace::load(&root, config);
    let schema = relational::schema(&ws.model, &ws.config);
    let text = match format {
        SchemaFormat::Json => {
            let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
            s.push('\n');
            s
        }
        SchemaFormat::Sql => crate::model::ddl::postgres(&schema),
    };
    emit(&text);
    EXIT_OK
}
