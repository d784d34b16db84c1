//! The managed base's column names, read from the base itself when they differ from the
//! configured ones: a base whose `@DeleteDateColumn` is `deletedAt` (and no `deleted`
//! member) uses `deletedAt`, without `baseColumns` in the configuration.

use super::SourceFile;
use crate::config::{BaseColumns, Config};
use std::sync::Arc;

/// `configured` with each date role whose property the base lacks replaced by the one
/// property of the base carrying that role's decorator.
pub fn detect(files: &[Arc<SourceFile>], config: &Config) -> BaseColumns {
    let mut out = config.base_columns.clone();
    let base = files
        .iter()
        .flat_map(|f| &f.facts.classes)
        .find(|c| c.name == config.base_class);
    let Some(base) = base else {
        return out;
    };
    let roles: [(&str, &mut String); 3] = [
        ("CreateDateColumn", &mut out.created),
        ("UpdateDateColumn", &mut out.updated),
        ("DeleteDateColumn", &mut out.deleted),
    ];
    for (decorator, name) in roles {
        if base.property(name).is_some() {
            continue;
        }
        let mut carrying = base.properties.iter().filter(|p| {
            p.decorators
                .iter()
                .any(|d| config.alias_target(&d.name) == decorator)
        });
        if let (Some(only), None) = (carrying.next(), carrying.next()) {
            *name = only.name.to_string();
        }
    }
    out
}
