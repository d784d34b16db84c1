//! The casing the workspace writes column and relation properties in (NAM002): camelCase
//! by default; snake_case where 90% or more of the multi-word property names (of at least
//! ten) use it, as in codebases whose entities mirror an API's JSON (`bot_public`,
//! `owner_id`) or their table's columns. `propertyNaming` in `typeorm-lsp.json` decides
//! instead when set.

use super::types::Entity;
use crate::config::PropertyNaming;
use std::collections::HashSet;
use std::sync::Arc;

/// Multi-word property names of the workspace's entities, by casing; each declaration
/// counted once, however many entities inherit it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PropertyCounts {
    pub camel: usize,
    pub snake: usize,
}

impl PropertyCounts {
    pub fn of(entities: &[Arc<Entity>]) -> Self {
        let mut seen: HashSet<(usize, usize)> = HashSet::new();
        let mut counts = PropertyCounts::default();
        for e in entities {
            let columns = e
                .columns
                .iter()
                .map(|c| (&c.origin, &c.property, &c.name_span));
            let relations = e
                .relations
                .iter()
                .map(|r| (&r.origin, &r.property, &r.name_span));
            for (origin, name, span) in columns.chain(relations) {
                if seen.insert((origin.file, span.start)) {
                    counts.add(name);
                }
            }
        }
        counts
    }

    fn add(&mut self, name: &str) {
        match casing(name) {
            Some(PropertyNaming::CamelCase) => self.camel += 1,
            Some(PropertyNaming::SnakeCase) => self.snake += 1,
            None => {}
        }
    }

    /// The style most names share: snake_case only with a clear majority of enough names.
    pub fn dominant(self) -> PropertyNaming {
        let total = self.camel + self.snake;
        if total >= 10 && self.snake * 10 >= total * 9 {
            PropertyNaming::SnakeCase
        } else {
            PropertyNaming::CamelCase
        }
    }
}

/// The casing a multi-word name shows (`None` for one lower-case word, which fits both,
/// and for mixed spellings such as `ean_Code`). A backing field's leading `_` is ignored.
pub fn casing(name: &str) -> Option<PropertyNaming> {
    let bare = name.trim_start_matches('_');
    let first_lower = bare.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let has_upper = bare.chars().any(|c| c.is_ascii_uppercase());
    let has_underscore = bare.contains('_');
    match (first_lower, has_upper, has_underscore) {
        (true, true, false) => Some(PropertyNaming::CamelCase),
        (true, false, true) => Some(PropertyNaming::SnakeCase),
        _ => None,
    }
}

/// Whether `name` is written in `style` (one lower-case word is written in both).
pub fn follows(style: PropertyNaming, name: &str) -> bool {
    let bare = name.trim_start_matches('_');
    match style {
        PropertyNaming::CamelCase => super::naming::is_camel_case(bare),
        PropertyNaming::SnakeCase => {
            bare.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && bare
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_by_casing() {
        assert_eq!(casing("ownerId"), Some(PropertyNaming::CamelCase));
        assert_eq!(casing("owner_id"), Some(PropertyNaming::SnakeCase));
        assert_eq!(casing("_owner_id"), Some(PropertyNaming::SnakeCase));
        assert_eq!(casing("name"), None);
        assert_eq!(casing("ean_Code"), None);
        assert_eq!(casing("Name"), None);
    }

    #[test]
    fn snake_case_needs_ninety_percent_of_ten_names() {
        let counts = |camel, snake| PropertyCounts { camel, snake }.dominant();
        assert_eq!(counts(0, 9), PropertyNaming::CamelCase);
        assert_eq!(counts(1, 9), PropertyNaming::SnakeCase);
        assert_eq!(counts(2, 9), PropertyNaming::CamelCase);
        assert_eq!(counts(30, 3), PropertyNaming::CamelCase);
    }

    #[test]
    fn follows_the_style() {
        assert!(follows(PropertyNaming::SnakeCase, "bot_public"));
        assert!(follows(PropertyNaming::SnakeCase, "name"));
        assert!(!follows(PropertyNaming::SnakeCase, "botPublic"));
        assert!(follows(PropertyNaming::CamelCase, "botPublic"));
        assert!(!follows(PropertyNaming::CamelCase, "bot_public"));
    }
}
