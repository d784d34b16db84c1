//! The language server shell.
pub mod documents;
pub mod position;
