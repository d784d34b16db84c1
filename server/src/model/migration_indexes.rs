//! Indexes TypeORM is told not to manage (`@Index('IDX_x', { synchronize: false })` on the
//! class, the documented way to keep an index it cannot express) have no columns in the
//! code; the migration that creates them has. This pass reads `CREATE INDEX "IDX_x" ON
//! t (cols)` from the workspace's migrations and gives such an index its columns, so it
//! covers what it covers instead of silencing every foreign-key check of the entity.

use super::{IndexKind, Model};
use std::collections::HashMap;
use std::sync::Arc;

/// Index name -> its plain column list (no expressions), from every migration's SQL.
fn created_in_migrations(model: &Model) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    for file in model.files.iter().filter(|f| f.facts.has_migration()) {
        for call in file
            .facts
            .query_calls
            .iter()
            .filter(|c| c.method == "query")
        {
            let Some(sql) = call.args.first().and_then(|a| a.value.as_str()) else {
                continue;
            };
            for statement in sql.split(';') {
                if let Some((name, columns)) = create_index(statement) {
                    out.insert(name, columns);
                }
            }
        }
    }
    out
}

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] "name" ON [ONLY] table (a, "b")`.
fn create_index(statement: &str) -> Option<(String, Vec<String>)> {
    let open = statement.find('(')?;
    let close = statement.rfind(')')?;
    let head: Vec<&str> = statement.get(..open)?.split_whitespace().collect();
    let lower: Vec<String> = head.iter().map(|w| w.to_ascii_lowercase()).collect();
    let at = |i: usize| lower.get(i).map(String::as_str);
    let mut i = 0;
    if at(i) != Some("create") {
        return None;
    }
    i += 1;
    if at(i) == Some("unique") {
        i += 1;
    }
    if at(i) != Some("index") {
        return None;
    }
    i += 1;
    if at(i) == Some("concurrently") {
        i += 1;
    }
    if at(i) == Some("if") && at(i + 1) == Some("not") && at(i + 2) == Some("exists") {
        i += 3;
    }
    let name = unquote(head.get(i)?);
    if at(i + 1) != Some("on") || name.is_empty() {
        return None;
    }
    // A partial index: its predicate decides what it serves; left unread.
    let rest = statement.get(close + 1..)?.to_ascii_lowercase();
    if rest.contains("where") || statement.get(open + 1..close)?.contains('(') {
        return None;
    }
    let columns: Vec<String> = statement
        .get(open + 1..close)?
        .split(',')
        .map(|c| unquote(c.trim()))
        .collect();
    // An expression or an operator class: not a plain column list.
    if columns
        .iter()
        .any(|c| c.is_empty() || !c.chars().all(|ch| ch.is_alphanumeric() || ch == '_'))
    {
        return None;
    }
    Some((name, columns))
}

fn unquote(s: &str) -> String {
    s.trim_matches(|c| c == '"' || c == '`').to_string()
}

/// Gives unsynchronized named indexes without columns the columns their migration names.
pub fn resolve(model: &mut Model) {
    let wanted = model.entities.iter().any(|e| {
        e.indexes
            .iter()
            .any(|i| i.name.is_some() && i.columns.is_empty())
    });
    if !wanted {
        return;
    }
    let created = created_in_migrations(model);
    if created.is_empty() {
        return;
    }
    for entity in model.entities.iter_mut() {
        let found = entity.indexes.iter().any(|i| {
            i.kind == IndexKind::Index
                && i.columns.is_empty()
                && i.name.as_ref().is_some_and(|n| created.contains_key(n))
        });
        if !found {
            continue;
        }
        for index in Arc::make_mut(entity).indexes.iter_mut() {
            if !index.columns.is_empty() || index.kind != IndexKind::Index {
                continue;
            }
            if let Some(columns) = index.name.as_ref().and_then(|n| created.get(n)) {
                index.columns = columns.clone();
                index.unresolved = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::create_index;

    #[test]
    fn reads_plain_create_index_statements() {
        assert_eq!(
            create_index(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"IDX_a\" ON \"post\" (\"auditOwnerid\", id)"
            ),
            Some(("IDX_a".into(), vec!["auditOwnerid".into(), "id".into()]))
        );
        assert_eq!(
            create_index("create unique index `IDX_b` on `t` (`x`)"),
            Some(("IDX_b".into(), vec!["x".into()]))
        );
        assert_eq!(
            create_index("CREATE INDEX \"IDX_c\" ON t (lower(email))"),
            None
        );
        assert_eq!(
            create_index("CREATE INDEX \"IDX_d\" ON t USING gin (doc jsonb_path_ops)"),
            None
        );
        assert_eq!(create_index("DROP INDEX \"IDX_a\""), None);
        assert_eq!(
            create_index("CREATE INDEX \"IDX_e\" ON t (a) WHERE b IS NULL"),
            None
        );
    }
}
