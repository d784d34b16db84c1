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

/// A statement that names a conflict target, found once per model (see
/// [`conflict_sites`]): scanning every file for each unique index made IDX003 quadratic.
#[derive(Debug, Clone)]
pub struct ConflictSite {
    file: usize,
    span: std::ops::Range<usize>,
    what: String,
    target: Target,
}

#[derive(Debug, Clone)]
enum Target {
    /// `.upsert()`, `.orUpdate()`, `.orIgnore()` on this entity: conflict paths when
    /// readable (None: assume they are the index's columns). The entity is named by its
    /// file and class name (same-named classes in other files are other entities).
    Entity {
        entity: (usize, String),
        paths: Option<Vec<String>>,
    },
    /// Raw `INSERT INTO t ... ON CONFLICT`: the tables inserted into (lower-cased, without
    /// schema) and the column list (None: `DO NOTHING` without one, any index).
    Raw {
        tables: Vec<String>,
        columns: Option<Vec<String>>,
    },
}

/// Every conflict site of the workspace, in file order, computed on first use and kept
/// with the model.
fn conflict_sites<'a>(ctx: &Ctx<'a>) -> &'a [ConflictSite] {
    ctx.model
        .links
        .conflict_sites
        .get_or_init(|| collect_sites(ctx))
}

fn collect_sites(ctx: &Ctx) -> Vec<ConflictSite> {
    let mut out = Vec::new();
    for (file, source) in ctx.model.files.iter().enumerate() {
        let mut push = |span: &crate::syntax::ByteSpan, what: String, target| {
            out.push(ConflictSite {
                file,
                span: span.range(),
                what,
                target,
            })
        };
        for call in &source.facts.query_calls {
            if call.method == "upsert" {
                if let Some(entity) = ctx.call_entity(file, call) {
                    // unreadable conflict paths: assume they are these
                    let paths = call.args.get(1).and_then(conflict_paths);
                    let target = Target::Entity {
                        entity: (entity.file, entity.name.clone()),
                        paths,
                    };
                    push(&call.span, "`.upsert()`".to_string(), target);
                }
            }
            if call.method == "query" {
                if let Some(target) = call.args.first().and_then(raw_on_conflict) {
                    push(&call.span, "`ON CONFLICT`".to_string(), target);
                }
            }
        }
        for chain in &source.facts.query_builders {
            let Some(entity) = ctx.chain_entity(file, chain) else {
                continue;
            };
            for call in &chain.calls {
                let paths = match call.method.as_str() {
                    // `ON CONFLICT DO NOTHING`: any unique violation, partial or not, is
                    // ignored today; with the rewrite a row equal to a deleted one goes in
                    "orIgnore" => None,
                    // `orUpdate({ conflict_target: [...] })` (old form) or no target: None
                    "orUpdate" => call.args.get(1).and_then(conflict_paths),
                    _ => continue,
                };
                let target = Target::Entity {
                    entity: (entity.file, entity.name.clone()),
                    paths,
                };
                push(&call.span, format!("`.{}()`", call.method), target);
            }
        }
    }
    out
}

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
    let bare_table = entity
        .table
        .rsplit('.')
        .next()
        .unwrap_or(&entity.table)
        .to_ascii_lowercase();
    let site = conflict_sites(ctx).iter().find(|site| match &site.target {
        Target::Entity { entity: e, paths } => {
            e.0 == entity.file
                && e.1 == entity.name
                && paths.as_ref().is_none_or(|p| names_columns(p))
        }
        Target::Raw { tables, columns } => {
            tables.contains(&bare_table) && columns.as_ref().is_none_or(|c| names_columns(c))
        }
    })?;
    let source = ctx.file(site.file)?;
    let line = source
        .text()
        .get(..site.span.start)
        .map_or(0, |t| t.lines().count().max(1));
    let path = ctx.path(site.file);
    let shown = path
        .strip_prefix(ctx.root)
        .unwrap_or(&path)
        .display()
        .to_string();
    Some(format!("{} at {shown}:{line}", site.what))
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
                Value::Object(keys) => Some(keys.iter().map(|k| k.key.to_string()).collect()),
                _ => conflict_paths(&paths.value),
            }
        }
        _ => None,
    }
}

/// `INSERT INTO "table" ... ON CONFLICT ("a", "b")`: the tables and the column list.
/// Whether `text` holds `word` (lower-case ASCII) in any ASCII case.
fn contains_ignore_ascii_case(text: &str, word: &[u8]) -> bool {
    let bytes = text.as_bytes();
    let Some(&first) = word.first() else {
        return true;
    };
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), bytes).any(|i| {
        bytes
            .get(i..i + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    })
}

fn raw_on_conflict(sql: &Spanned<Value>) -> Option<Target> {
    let rendered = sql::render(&sql.value)?;
    // Every raw query of the workspace comes here once: most hold no `ON CONFLICT`, and a
    // byte search tells them apart for a fraction of the tokenizing (the words below are
    // tokens of the text, so without the bytes there is no such token).
    if !contains_ignore_ascii_case(&rendered.text, b"conflict") {
        return None;
    }
    let tokens = sql::tokenize(&rendered.text);
    let bare = |text: &str| text.rsplit('.').next().unwrap_or(text).to_ascii_lowercase();
    let mut tables: Vec<String> = tokens
        .windows(2)
        .filter(|w| w[0].is_word("into") && matches!(w[1].kind, Kind::Word | Kind::Quoted))
        .map(|w| bare(&w[1].text))
        .collect();
    // `INTO schema."table"` tokenizes as name, `.`, name
    tables.extend(
        tokens
            .windows(4)
            .filter(|w| w[0].is_word("into") && w[2].is_punct('.'))
            .map(|w| w[3].text.to_ascii_lowercase()),
    );
    if tables.is_empty() {
        return None;
    }
    let at = tokens
        .windows(2)
        .position(|w| w[0].is_word("on") && w[1].is_word("conflict"))?;
    let rest = tokens.get(at + 2..).unwrap_or(&[]);
    if !rest.first().is_some_and(|t| t.is_punct('(')) {
        // `ON CONFLICT ON CONSTRAINT name` or `ON CONFLICT DO NOTHING`: no column list;
        // DO NOTHING still changes behaviour with a partial index
        return rest
            .first()
            .is_some_and(|t| t.is_word("do"))
            .then_some(Target::Raw {
                tables,
                columns: None,
            });
    }
    let cols: Vec<String> = rest
        .iter()
        .skip(1)
        .take_while(|t| !t.is_punct(')'))
        .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
        .map(|t| t.text.clone())
        .collect();
    Some(Target::Raw {
        tables,
        columns: Some(cols),
    })
}

#[cfg(test)]
mod tests {
    use super::contains_ignore_ascii_case;

    #[test]
    fn the_byte_search_finds_a_word_in_any_case() {
        assert!(contains_ignore_ascii_case(
            "INSERT INTO t VALUES (1) ON CONFLICT (a) DO NOTHING",
            b"conflict"
        ));
        assert!(contains_ignore_ascii_case("on Conflict", b"conflict"));
        assert!(contains_ignore_ascii_case("on conflicT", b"conflict"));
        assert!(!contains_ignore_ascii_case("on confli", b"conflict"));
        assert!(!contains_ignore_ascii_case("select 1", b"conflict"));
    }
}
