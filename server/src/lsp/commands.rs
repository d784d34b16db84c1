//! `workspace/executeCommand`: `typeorm-lsp.erd` returns the schema as a Mermaid ER
//! diagram (the same text as `typeorm-lsp erd`, drawn from what `typeorm-lsp schema`
//! prints).

use serde_json::Value;

use crate::config::Config;
use crate::model::Model;

/// The ER diagram command.
pub const ERD: &str = "typeorm-lsp.erd";

/// A command that panics on purpose, offered only when the environment variable
/// [`DEBUG_ENV`] is `1`: the end-to-end tests use it to prove that a panic inside a
/// request is answered with an error and the server keeps serving.
pub const DEBUG_PANIC: &str = "typeorm-lsp.debug.panic";

/// A command that answers once the server is idle (nothing queued, no analysis or scan
/// running, the latest change analysed and published): `true`, or `false` after
/// [`IDLE_WAIT`]. Offered with [`DEBUG_PANIC`]; tests and `scripts/lsp-differential.py`
/// use it to compare what is published with the CLI without guessing how long to wait.
pub const DEBUG_IDLE: &str = "typeorm-lsp.debug.idle";

/// How long [`DEBUG_IDLE`] waits at most.
pub const IDLE_WAIT: std::time::Duration = std::time::Duration::from_secs(300);

/// Enables [`DEBUG_PANIC`] and [`DEBUG_IDLE`].
pub const DEBUG_ENV: &str = "TYPEORM_LSP_DEBUG_COMMANDS";

pub fn debug_enabled() -> bool {
    std::env::var(DEBUG_ENV).is_ok_and(|v| v == "1")
}

/// The commands to advertise.
pub fn commands() -> Vec<String> {
    let mut out = vec![ERD.to_string()];
    if debug_enabled() {
        out.push(DEBUG_PANIC.to_string());
        out.push(DEBUG_IDLE.to_string());
    }
    out
}

/// Runs a command; `Err` for an unknown one.
pub fn execute(model: &Model, config: &Config, command: &str) -> Result<Option<Value>, String> {
    match command {
        ERD => Ok(Some(Value::String(crate::model::erd::mermaid(
            model, config,
        )))),
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
        let config = Config::default();
        let out = execute(&model, &config, ERD).unwrap().unwrap();
        assert!(out.as_str().unwrap().starts_with("erDiagram"));
        assert!(execute(&model, &config, "nope").is_err());
        assert!(commands().contains(&ERD.to_string()));
    }

    /// The command's diagram is the one drawn from `schema` (naming strategy included).
    #[test]
    fn erd_is_drawn_from_the_schema() {
        let config = Config {
            naming_strategy: crate::config::NamingStrategy::SnakeCase,
            ..Config::default()
        };
        let ws = crate::rules::testing::workspace_with(
            &[(
                "src/user.entity.ts",
                "import { Entity, PrimaryGeneratedColumn, Column } from 'typeorm';
@Entity()
export class UserAccount {
  @PrimaryGeneratedColumn() id: number;
  @Column() displayName: string;
}
",
            )],
            config,
        );
        let config = &ws.config;
        let out = execute(&ws.model, config, ERD).unwrap().unwrap();
        let schema = crate::model::relational::schema(&ws.model, config);
        assert_eq!(
            out.as_str().unwrap(),
            crate::model::erd::mermaid_of(&schema)
        );
        assert!(out.as_str().unwrap().contains("display_name"), "{out}");
    }
}
