//! What a file exports under a name, following `export ... from` barrels: the one walk
//! behind the enum (`enums`) and const (`option_calls`) lookups through imports.

use super::Model;
use crate::syntax::{FileFacts, ImportKind};

/// How far `export ... from` barrels are followed (cycles, deep re-exports).
const MAX_REEXPORT_DEPTH: usize = 8;

/// What `find` answers for the declaration file `file` exports as `name` (its default
/// export's local name for `default`, a renaming `export { a as b }` undone), else for
/// the file a re-export of that name (or an `export *`) leads to.
pub fn find_exported<'m, T>(
    model: &'m Model,
    file: usize,
    name: &str,
    find: &impl Fn(usize, &'m FileFacts, &str) -> Option<T>,
) -> Option<T> {
    walk(model, file, name, find, 0)
}

fn walk<'m, T>(
    model: &'m Model,
    file: usize,
    name: &str,
    find: &impl Fn(usize, &'m FileFacts, &str) -> Option<T>,
    depth: usize,
) -> Option<T> {
    let facts = &model.files.get(file)?.facts;
    let name = match (name, &facts.default_export) {
        ("default", Some(local)) => local.as_str(),
        _ => facts
            .export_renames
            .iter()
            .find(|r| r.local == name)
            .map_or(name, |r| r.imported.as_str()),
    };
    if let Some(found) = find(file, facts, name) {
        return Some(found);
    }
    if depth >= MAX_REEXPORT_DEPTH {
        return None;
    }
    facts
        .imports
        .iter()
        .enumerate()
        .filter(|(_, i)| i.kind == ImportKind::ExportFrom)
        .find_map(|(at, i)| {
            let next = match i.names.iter().find(|n| n.local == name) {
                Some(n) => n.imported.as_str(),
                None if i.star_reexport => name,
                None => return None,
            };
            walk(model, model.links.target(file, at)?, next, find, depth + 1)
        })
}
