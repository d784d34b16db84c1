//! Upserts that name a unique index's columns as their conflict target.
//!
//! `INSERT ... ON CONFLICT (cols)` needs a unique index or constraint on exactly those
//! columns *without* a predicate (PostgreSQL only infers a partial index when the statement
//! repeats its `WHERE`). Making such an index partial (IDX003's fix) makes the upsert fail
//! at run time with "there is no unique or exclusion constraint matching the ON CONFLICT
//! specification", so that fix must not be applied blindly where one exists.

use crate::model::{Entity, Index};
use crate::rules::sd::sql::{self, Kind};
use crate::rules::Ctx;
use crate::syntax::{Spanned, Value};
use std::collections::BTreeSet;

/// Where an upsert targets `index`'s columns: `file:line` and what it is, for the message.
pub fn upsert_targeting(ctx: &Ctx, entity: &Entity, index: &Index) -> Option<String> {
    let columns: BTreeSet<String> = index
        .columns
        .iter()
        .map(|c| c.to_ascii_lowercase())
        .collect();
    // conflict paths may be written as property names or database names
    let names_columns = |target: &[String]| -> bool {
        let set: BTreeSet<String> = target
            .iter()
            .map(|t| {
                entity
                    .column(t)
                    .map(|c| c.db_name.clone())
                    .unwrap_or_else(|| t.clone())
                    .to_ascii_lowercase()
            })
            .collect();
        set == columns
    };
    for (i, source) in ctx.model.files.iter().enumerate() {
        let at = |span: &std::ops::Range<usize>, what: &str| {
            let line = source
                .text
                .get(..span.start)
                .map_or(0, |t| t.lines().count().max(1));
            let path = ctx.path(i);
            let shown = path
                .strip_prefix(ctx.root)
                .unwrap_or(&path)
                .display()
                .to_string();
            format!("{what} at {shown}:{line}")
        };
        for call in &source.facts.query_calls {
            if call.method == "upsert"
                && ctx.call_entity(call).is_some_and(|e| e.name == entity.name)
            {
                // unreadable conflict paths: assume they are these
                let target = call.args.get(1).map(conflict_paths);
                if target
                    .as_ref()
                    .is_none_or(|t| t.as_ref().is_none_or(|t| names_columns(t)))
                {
                    return Some(at(&call.span, "`.upsert()`"));
                }
            }
            if call.method == "query" {
                if let Some(sql) = call.args.first() {
                    if raw_on_conflict(sql, &entity.table, &names_columns) {
                        return Some(at(&call.span, "`ON CONFLICT`"));
                    }
                }
            }
        }
        for chain in &source.facts.query_builders {
            if ctx
                .chain_entity(chain)
                .is_none_or(|e| e.name != entity.name)
            {
                continue;
            }
            for call in &chain.calls {
                let hit = match call.method.as_str() {
                    // `ON CONFLICT DO NOTHING`: any unique violation, partial or not, is
                    // ignored today; with the rewrite a row equal to a deleted one goes in
                    "orIgnore" => true,
                    "orUpdate" => match call.args.get(1) {
                        Some(target) => conflict_paths(target).is_none_or(|t| names_columns(&t)),
                        // `orUpdate({ conflict_target: [...] })` (old form) or no target
                        None => true,
                    },
                    _ => false,
                };
                if hit {
                    return Some(at(&call.span, &format!("`.{}()`", call.method)));
                }
            }
        }
    }
    None
}

/// The column names of a conflict target: `['email']`, `'email'`,
/// `{ conflictPaths: ['email'] }` / `{ conflictPaths: { email: true } }`. None when not
/// readable.
fn conflict_paths(arg: &Spanned<Value>) -> Option<Vec<String>> {
    match &arg.value {
        Value::Str(s) => Some(s.split(',').map(|p| p.trim().to_string()).collect()),
        Value::Array(items) => items
            .iter()
            .map(|i| i.value.as_str().map(str::to_string))
            .collect(),
        Value::Const { value, .. } => conflict_paths(value),
        Value::Object(props) => {
            let paths = props.iter().find(|p| p.key == "conflictPaths")?;
            match &paths.value.value {
                Value::Object(keys) => Some(keys.iter().map(|k| k.key.clone()).collect()),
                _ => conflict_paths(&paths.value),
            }
        }
        _ => None,
    }
}

/// `INSERT INTO "table" ... ON CONFLICT ("a", "b")` naming these columns.
fn raw_on_conflict(sql: &Spanned<Value>, table: &str, names: &dyn Fn(&[String]) -> bool) -> bool {
    let Some(rendered) = sql::render(&sql.value) else {
        return false;
    };
    let tokens = sql::tokenize(&rendered.text);
    let bare_table = table.rsplit('.').next().unwrap_or(table);
    let into_table = tokens.windows(2).any(|w| {
        w[0].is_word("into")
            && matches!(w[1].kind, Kind::Word | Kind::Quoted)
            && w[1]
                .text
                .rsplit('.')
                .next()
                .is_some_and(|t| t.eq_ignore_ascii_case(bare_table))
    }) || tokens.windows(4).any(|w| {
        // `INTO schema."table"` tokenizes as name, `.`, name
        w[0].is_word("into") && w[2].is_punct('.') && w[3].text.eq_ignore_ascii_case(bare_table)
    });
    if !into_table {
        return false;
    }
    let Some(at) = tokens
        .windows(2)
        .position(|w| w[0].is_word("on") && w[1].is_word("conflict"))
    else {
        return false;
    };
    let rest = tokens.get(at + 2..).unwrap_or(&[]);
    if !rest.first().is_some_and(|t| t.is_punct('(')) {
        // `ON CONFLICT ON CONSTRAINT name` or `ON CONFLICT DO NOTHING`: no column list;
        // DO NOTHING still changes behaviour with a partial index
        return rest.first().is_some_and(|t| t.is_word("do"));
    }
    let cols: Vec<String> = rest
        .iter()
        .skip(1)
        .take_while(|t| !t.is_punct(')'))
        .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
        .map(|t| t.text.clone())
        .collect();
    names(&cols)
}
