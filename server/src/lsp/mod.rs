//! The language server shell.
pub mod documents;
pub mod position;

/// Runs the language server on stdin/stdout until `exit`; returns the process exit code.
pub fn run_stdio() -> i32 {
    eprintln!("typeorm-lsp: the language server is not built yet");
    2
}
