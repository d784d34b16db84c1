//! The naming strategy the workspace's DataSources use, when `typeorm-lsp.json` names
//! none: `namingStrategy: new SnakeNamingStrategy()` (typeorm-naming-strategies', or a
//! project's own class of that kind) names every column and join column in snake_case, and
//! the migrations, the schema and the index fixes must use those names.

use super::SourceFile;
use crate::config::NamingStrategy;
use crate::syntax::Value;
use std::sync::Arc;

/// Snake case when some DataSource names a snake-case strategy and none names another;
/// `None` when no DataSource says (TypeORM's default applies).
pub fn detect(files: &[Arc<SourceFile>]) -> Option<NamingStrategy> {
    let mut snake = false;
    for strategy in files.iter().flat_map(|f| declared_in(f)) {
        match strategy {
            Some(class) if class.to_ascii_lowercase().contains("snake") => snake = true,
            // Another strategy, or one the code computes: its names are unknown.
            _ => return None,
        }
    }
    snake.then_some(NamingStrategy::SnakeCase)
}

/// What a file's DataSource options say of the naming strategy (compared across an edit:
/// a change renames every column).
pub fn declared_in(file: &SourceFile) -> Vec<Option<String>> {
    file.facts
        .orm_options
        .iter()
        .filter_map(|o| o.options.value.get("namingStrategy"))
        .filter(|s| !passes_on_another(&s.value))
        .map(|s| class_of(&s.value).map(str::to_string))
        .collect()
}

/// `namingStrategy: configDb.namingStrategy`: the strategy of options declared elsewhere,
/// which speak for themselves where they are read (a multi-database project's config
/// object); this one adds nothing.
fn passes_on_another(value: &Value) -> bool {
    matches!(value, Value::Member(path) if path.rsplit('.').next() == Some("namingStrategy"))
}

/// `new SnakeNamingStrategy()` or a reference to an instance: the class or variable name.
fn class_of(value: &Value) -> Option<&str> {
    match value {
        Value::Call { callee, .. } => callee.strip_prefix("new ").map(str::trim),
        Value::Ident(name) => Some(name),
        Value::Member(path) => path.rsplit('.').next(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new(
            PathBuf::from("/w/src/data-source.ts"),
            text,
        ))
    }

    fn options(strategy: &str) -> String {
        format!(
            "import {{ DataSource }} from 'typeorm';\nexport default new DataSource({{ type: 'postgres', namingStrategy: {strategy} }});\n"
        )
    }

    #[test]
    fn a_snake_case_strategy_is_detected() {
        let found = detect(&[file(&options("new SnakeNamingStrategy()"))]);
        assert_eq!(found, Some(NamingStrategy::SnakeCase));
    }

    #[test]
    fn another_or_no_strategy_keeps_the_default() {
        assert_eq!(
            detect(&[file(&options("new EntityCaseNamingStrategy()"))]),
            None
        );
        assert_eq!(
            detect(&[
                file(&options("new SnakeNamingStrategy()")),
                file(&options("custom"))
            ]),
            None
        );
        let plain = "import { DataSource } from 'typeorm';\nexport default new DataSource({ type: 'postgres' });\n";
        assert_eq!(detect(&[file(plain)]), None);
    }

    #[test]
    fn a_strategy_passed_on_from_other_options_adds_nothing() {
        let found = detect(&[
            file(&options("new SnakeNamingStrategy()")),
            file(&options("config.db.default.namingStrategy")),
        ]);
        assert_eq!(found, Some(NamingStrategy::SnakeCase));
    }
}
