//! typeorm-lsp: a relational model of a TypeORM workspace, rules over it, and two shells
//! (the `check` CLI and the language server) that report the same findings.

pub mod alloc;
pub mod cache;
pub mod cli;
pub mod config;
pub mod discover;
pub mod file_naming;
pub mod files;
pub mod finding;
pub mod fix;
pub mod links;
pub mod lsp;
pub mod model;
pub mod resolve;
pub mod rules;
pub mod selfcheck;
pub mod source_text;
pub mod staging;
pub mod syntax;
pub mod workspace;
