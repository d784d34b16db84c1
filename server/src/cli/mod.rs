//! Command-line shell.
pub mod output;
