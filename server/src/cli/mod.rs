//! Command-line shell: `check`, `rule`, `erd`, `lsp`.

pub mod check;
pub mod color;
pub mod diff;
pub mod fix_summary;
pub mod fixes;
pub mod output;
pub mod schema;
pub mod select;
pub mod stats;

use crate::config::Config;
use crate::rules::REGISTRY;
use std::path::{Path, PathBuf};

/// Exit codes: like ruff and ESLint.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Files that mark a workspace root, nearest first.
const ROOT_MARKERS: &[&str] = &["typeorm-lsp.json", "tsconfig.json", "package.json"];

/// The workspace root for a path: the nearest folder (the path itself, if a folder) holding
/// `typeorm-lsp.json`, `tsconfig.json` or `package.json`; else the path's own folder.
pub fn workspace_root(path: &Path) -> PathBuf {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    for marker in ROOT_MARKERS {
        for dir in start.ancestors() {
            if dir.join(marker).is_file() {
                return dir.to_path_buf();
            }
        }
    }
    start
}

/// Writes to stdout; a closed pipe (`typeorm-lsp rule --all | head`) is not an error.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

/// Loads the config of a root, with unknown rule codes reported as errors.
pub fn load_config(root: &Path) -> Result<Config, Vec<String>> {
    let config = Config::load(root).map_err(|e| vec![e.to_string()])?;
    let codes: Vec<&str> = REGISTRY.iter().map(|r| r.code).collect();
    let errors = config.validate_rule_codes(&codes);
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors.iter().map(ToString::to_string).collect())
    }
}

/// Loads `config_file` when given (`--config`), else the root's `typeorm-lsp.json`, with
/// unknown rule codes reported as errors.
pub fn load_config_from(root: &Path, config_file: Option<&Path>) -> Result<Config, Vec<String>> {
    let Some(file) = config_file else {
        return load_config(root);
    };
    let text = std::fs::read_to_string(file).map_err(|e| {
        vec![format!(
            "{}: cannot read the configuration: {e}",
            file.display()
        )]
    })?;
    let config = Config::from_json_text(&text, file).map_err(|e| vec![e.to_string()])?;
    let codes: Vec<&str> = REGISTRY.iter().map(|r| r.code).collect();
    let errors = config.validate_rule_codes(&codes);
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors.iter().map(ToString::to_string).collect())
    }
}

/// `typeorm-lsp rule CODE` / `--all`.
pub fn rule_command(code: Option<&str>, all: bool) -> i32 {
    if all || code.is_none() {
        let all: Vec<String> = REGISTRY
            .iter()
            .map(|rule| format!("{}\n\n---\n\n", rule.doc().trim_end()))
            .collect();
        emit(&all.concat());
        return EXIT_OK;
    }
    let code = code.unwrap_or_default();
    match crate::rules::rule(code) {
        Some(rule) => {
            emit(&format!("{}\n", rule.doc().trim_end()));
            EXIT_OK
        }
        None => {
            eprintln!("error: unknown rule `{code}`; `typeorm-lsp rule --all` lists them");
            EXIT_USAGE
        }
    }
}

/// The README's rule table, generated from the registry (a test keeps the README current).
pub fn rule_table() -> String {
    let mut out = String::from("| Code | Name | Default | What it catches |\n|---|---|---|---|\n");
    for rule in REGISTRY.iter() {
        out.push_str(&format!(
            "| [{}](docs/rules/{}.md) | {} | {} | {} |\n",
            rule.code,
            rule.code,
            rule.name,
            rule.default_severity.as_str(),
            rule.summary
        ));
    }
    out
}

/// `typeorm-lsp erd [PATH]`.
pub fn erd_command(path: &Path) -> i32 {
    let ws = match load_workspace(path) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    emit(&crate::model::erd::mermaid(&ws.model, &ws.config));
    EXIT_OK
}

/// The workspace at `path` with its configuration (`erd`, `schema`), or the usage exit
/// code after the error is printed (a missing path, a bad `typeorm-lsp.json`).
pub fn load_workspace(path: &Path) -> Result<crate::workspace::Workspace, i32> {
    if !path.exists() {
        eprintln!("error: {}: no such file or directory", path.display());
        return Err(EXIT_USAGE);
    }
    let root = workspace_root(path);
    let config = match load_config(&root) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            return Err(EXIT_USAGE);
        }
    };
    Ok(crate::workspace::Workspace::load(&root, config))
}
