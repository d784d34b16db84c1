//! Soft delete done by hand: no `@DeleteDateColumn`, but a nullable timestamp `@Column`
//! named like one (`deletedAt`, `deleted_at`, `deleted`, or `baseColumns.deleted`) on a
//! base class, which the project's queries filter with `IS NULL`. Without that evidence
//! a column of that name is only a column (set `baseColumns.deleted` to name another).

use super::types::{Column, ColumnKind, SoftDelete};
use super::Model;
use crate::config::Config;

const NAMES: &[&str] = &["deletedAt", "deleted_at", "deleted"];

/// Marks entities whose inherited manual soft-delete column the workspace's queries
/// filter with `IS NULL`.
pub fn detect(model: &mut Model, config: &Config) {
    drop_flags(model);
    let mut found: Vec<(usize, String)> = Vec::new();
    for (i, e) in model.entities.iter().enumerate() {
        if e.soft_delete.is_some() {
            continue;
        }
        let own = e.class;
        let candidate = e.columns.iter().find(|c| {
            is_candidate(c, config)
                && !(c.origin.file == e.file && c.origin.class == own)
                && is_date(model, c)
        });
        if let Some(c) = candidate {
            found.push((i, c.db_name.clone()));
        }
    }
    if found.is_empty() {
        return;
    }
    let mut names: Vec<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let filtered: Vec<String> = names
        .into_iter()
        .filter(|n| model.files.iter().any(|f| filters_is_null(&f.text(), n)))
        .map(str::to_string)
        .collect();
    for (i, column) in found {
        if !filtered.contains(&column) {
            continue;
        }
        if let Some(e) = model.entities.get_mut(i).map(std::sync::Arc::make_mut) {
            e.soft_delete = Some(SoftDelete::Manual { column });
        }
    }
}

/// A plain column of the configured soft-delete name that holds a flag (`boolean`,
/// `tinyint`, a number) rather than a date is a status, not a soft delete: rows with the
/// flag set stay readable on purpose (a sync protocol's tombstones), and `IS NULL` would
/// be the wrong filter anyway (`false` / `0` is not null).
fn drop_flags(model: &mut Model) {
    let flags: Vec<usize> = model
        .entities
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let Some(SoftDelete::Manual { column }) = &e.soft_delete else {
                return None;
            };
            let c = e.column_by_db_name(column)?;
            is_known_non_date(model, c).then_some(i)
        })
        .collect();
    for i in flags {
        if let Some(e) = model.entities.get_mut(i).map(std::sync::Arc::make_mut) {
            e.soft_delete = None;
        }
    }
}

fn is_known_non_date(model: &Model, c: &Column) -> bool {
    if let Some(t) = c.db_type.as_deref() {
        return !(t.starts_with("timestamp") || t.starts_with("date") || t == "time");
    }
    model.type_of(&c.origin).is_some_and(|t| {
        let members = t.non_nullish();
        !members.is_empty()
            && !members
                .iter()
                .any(|m| matches!(m.text.as_str(), "Date" | "any" | "unknown"))
    })
}

fn is_candidate(c: &Column, config: &Config) -> bool {
    c.kind == ColumnKind::Regular
        && c.nullable == Some(true)
        && (NAMES.contains(&c.property.as_str()) || c.property == config.base_columns.deleted)
}

fn is_date(model: &Model, c: &Column) -> bool {
    if let Some(t) = c.db_type.as_deref() {
        return t.starts_with("timestamp") || t.starts_with("date") || t == "time";
    }
    model
        .type_of(&c.origin)
        .is_some_and(|t| t.non_nullish().iter().any(|m| m.text == "Date"))
}

/// `"deletedAt" IS NULL`, `x.deletedAt is null`, `deletedAt: IsNull()` somewhere in `text`.
pub fn filters_is_null(text: &str, column: &str) -> bool {
    text.match_indices(column).any(|(at, _)| {
        let rest = text.get(at + column.len()..).unwrap_or("");
        let rest = rest.strip_prefix(['"', '`', ']']).unwrap_or(rest);
        let rest = rest.trim_start();
        let head: String = rest
            .chars()
            .take(10)
            .collect::<String>()
            .to_ascii_lowercase();
        head.starts_with("is null") || head.replace(' ', "").starts_with(":isnull(")
    })
}

#[cfg(test)]
mod tests {
    use super::filters_is_null;

    #[test]
    fn finds_is_null_filters_in_sql_and_find_options() {
        assert!(filters_is_null(
            "WHERE t.\"deletedAt\" IS NULL",
            "deletedAt"
        ));
        assert!(filters_is_null(
            "where deleted_at is null and x",
            "deleted_at"
        ));
        assert!(filters_is_null(
            "find({ where: { deletedAt: IsNull() } })",
            "deletedAt"
        ));
        assert!(!filters_is_null("deletedAt IS NOT NULL", "deletedAt"));
        assert!(!filters_is_null("deletedAt: new Date()", "deletedAt"));
    }
}
