//! `workspace/executeCommand`: `typeorm-lsp.erd` returns the model as a Mermaid ER
//! diagram (the same text as `typeorm-lsp erd`).

use serde_json::Value;

use crate::model::Model;

/// The ER diagram command.
pub const ERD: &str = "typeorm-lsp.erd";

/// A command that panics on purpose, offered only when the environment variable
/// [`DEBUG_ENV`] is `1`: the end-to-end tests use it to prove that a panic inside a
/// request is answered with an error and the server keeps serving.
pub const DEBUG_PANIC: &str = "typeorm-lsp.debug.panic";

/// Enables [`DEBUG_PANIC`].
pub const DEBUG_ENV: &str = "TYPEORM_LSP_DEBUG_COMMANDS";

fn debug_enabled() -> bool {
    std::env::var(DEBUG_ENV).is_ok_and(|v| v == "1")
}

/// The commands to advertise.
pub fn commands() -> Vec<String> {
    let mut out = vec![ERD.to_string()];
    if debug_enabled() {
        out.push(DEBUG_PANIC.to_string());
    }
    out
}

/// Runs a command; `Err` for an unknown one.
pub fn execute(model: &Model, command: &str) -> Result<Option<Value>, String> {
    match command {
        ERD => Ok(Some(Value::String(crate::model::erd::mermaid(model)))),
        DEBUG_PANIC if debug_enabled() => panic!("typeorm-lsp.debug.panic was executed"),
        other => Err(format!("unknown command `{other}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erd_returns_mermaid_and_unknown_fails() {
        let model = Model::default();
        let out = execute(&model, ERD).unwrap().unwrap();
        assert!(out.as_str().unwrap().starts_with("erDiagram"));
        assert!(execute(&model, "nope").is_err());
        assert!(commands().contains(&ERD.to_string()));
    }
}
