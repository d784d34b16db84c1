//! Script files typeorm-lsp does not parse (JavaScript beside the sources, Vue and Svelte
//! components) whose imports name a TypeScript module. A rename cannot rewrite them, so
//! NAM001 offers none when one names the renamed file (an Electron app's renderer in
//! `.js`, say, importing its models). Read on demand, when a rename's edits are built, and
//! kept a few seconds per workspace root: a `--fix` builds every rename at once.

use crate::config::Config;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the texts read stay valid: long enough for one `--fix` run, short enough that
/// an editor's later rename sees a script file written since.
const KEPT_FOR: Duration = Duration::from_secs(10);

type Texts = Arc<Vec<String>>;

static READ: Mutex<Option<(PathBuf, Instant, Texts)>> = Mutex::new(None);

/// Whether a script file of the workspace names a module whose file stem is `stem`
/// (`./saved_connection`, `../models/saved_connection.js`).
pub fn name_module(root: &Path, config: &Config, stem: &str) -> bool {
    texts(root, config)
        .iter()
        .any(|text| names_module(text, stem))
}

/// The texts of the workspace's script files that import anything, read again when older
/// than [`KEPT_FOR`] or of another root.
fn texts(root: &Path, config: &Config) -> Texts {
    let mut read = READ.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((at, when, texts)) = read.as_ref() {
        if at == root && when.elapsed() < KEPT_FOR {
            return texts.clone();
        }
    }
    let texts: Texts = Arc::new(
        crate::discover::script_files(root, config)
            .iter()
            .filter_map(|path| std::fs::read(path).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .filter(|text| text.contains("import") || text.contains("require"))
            .collect(),
    );
    *read = Some((root.to_path_buf(), Instant::now(), texts.clone()));
    texts
}

/// A specifier's last segment equal to `stem`, with or without an extension: `/stem'`,
/// `/stem.js"`, `'stem'`.
fn names_module(text: &str, stem: &str) -> bool {
    if stem.is_empty() {
        return false;
    }
    text.match_indices(stem).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = &text[at + stem.len()..];
        matches!(before, Some('/' | '\'' | '"' | '`')) && ends_specifier(after)
    })
}

/// What follows a specifier's stem: its closing quote, or an extension and the quote.
fn ends_specifier(after: &str) -> bool {
    let is_quote = |c: char| matches!(c, '\'' | '"' | '`');
    match after.chars().next() {
        Some(c) if is_quote(c) => true,
        Some('.') => {
            let ext = &after[1..];
            let letters = ext.chars().take_while(char::is_ascii_alphanumeric).count();
            letters > 0 && ext[letters..].chars().next().is_some_and(is_quote)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::names_module;

    #[test]
    fn a_specifier_naming_the_stem_is_seen() {
        for text in [
            "const { SavedConnection } = require('../models/saved_connection')",
            "import { SavedConnection } from \"@/common/appdb/models/saved_connection.js\";",
            "import x from `./saved_connection.ts`",
            "export * from 'saved_connection'",
        ] {
            assert!(names_module(text, "saved_connection"), "{text}");
        }
    }

    #[test]
    fn other_words_and_longer_names_are_not() {
        for text in [
            "const saved_connection = 1;",
            "import x from './saved_connection_list'",
            "import x from './old_saved_connection'",
            "// saved_connection.js is gone",
            "import x from './saved_connection/index'",
            "import x from './saved_connection.entity.js'",
        ] {
            assert!(!names_module(text, "saved_connection"), "{text}");
        }
    }
}
