//! `typeorm-lsp schema [PATH] --format json|sql`: the tables TypeORM would create.

use super::{emit, EXIT_OK};
use crate::model::relational;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaFormat {
    Json,
    Sql,
}

pub fn run(path: &Path, format: SchemaFormat) -> i32 {
    let ws = match super::load_workspace(path) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
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
