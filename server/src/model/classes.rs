//! Classes of the workspace by name, and `extends` resolution across files.

use super::types::ClassRef;
use super::SourceFile;
use crate::links::Links;
use crate::syntax::ImportKind;
use std::collections::HashMap;
use std::sync::Arc;

/// How far we follow `export * from` barrels before giving up (cycles, deep re-exports).
const MAX_REEXPORT_DEPTH: usize = 8;

#[derive(Debug, Default, Clone)]
pub struct ClassIndex {
    /// Shared between copies of a model (an edit that keeps the classes keeps it).
    by_name: Arc<HashMap<String, Vec<ClassRef>>>,
}

impl ClassIndex {
    pub fn new(files: &[Arc<SourceFile>]) -> Self {
        let mut by_name: HashMap<String, Vec<ClassRef>> = HashMap::new();
        for (fi, file) in files.iter().enumerate() {
            for (ci, class) in file.facts.classes.iter().enumerate() {
                by_name
                    .entry(class.name.to_string())
                    .or_default()
                    .push(ClassRef {
                        file: fi,
                        class: ci,
                    });
            }
        }
        ClassIndex {
            by_name: Arc::new(by_name),
        }
    }

    pub fn named(&self, name: &str) -> &[ClassRef] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Resolves a class name as seen from `file`, the way TypeScript would: a class declared
/// in the file, else the class its import names (default imports, renames and barrels
/// followed), else (no import, or one we cannot follow) the only class of that name in the
/// workspace (or the first, when several share it). Imports are followed through the
/// resolutions `links` holds (each (folder, specifier) resolved once per model), not
/// resolved again: an entity with 50 relations through a barrel of 200 `export *` would
/// otherwise resolve 10,000 specifiers each time it is rebuilt.
pub fn resolve_class(
    name: &str,
    file: usize,
    files: &[Arc<SourceFile>],
    links: &Links,
    index: &ClassIndex,
) -> Option<ClassRef> {
    if is_imported_from_typeorm(name, file, files) {
        return None;
    }
    resolve_class_certain(name, file, files, links, index)
        .or_else(|| fallback(name, file, files, index))
}

/// `import { BaseEntity } from 'typeorm'`: the name is TypeORM's own class, never a
/// workspace class that happens to share it (a project's own `BaseEntity`, or a code
/// generator's template whose placeholder class name the parser could not read).
fn is_imported_from_typeorm(name: &str, file: usize, files: &[Arc<SourceFile>]) -> bool {
    let Some(facts) = files.get(file).map(|f| &f.facts) else {
        return false;
    };
    facts
        .import_binding(name)
        .and_then(|(at, _)| facts.imports.get(at))
        .is_some_and(|i| i.specifier == "typeorm" || i.specifier.starts_with("typeorm/"))
}

/// Like [`resolve_class`], but only when the answer is certain: declared in the file,
/// reached through its import, or the only class of that name in the workspace.
pub fn resolve_class_certain(
    name: &str,
    file: usize,
    files: &[Arc<SourceFile>],
    links: &Links,
    index: &ClassIndex,
) -> Option<ClassRef> {
    let candidates = index.named(name);
    if let Some(local) = candidates.iter().find(|c| c.file == file) {
        return Some(*local);
    }
    if is_imported_from_typeorm(name, file, files) {
        return None;
    }
    let source = files.get(file)?;
    let imported = source.facts.import_binding(name);
    if let Some((import, n)) = imported {
        if let Some(target) = links.target(file, import) {
            if let Some(found) = find_exported(&n.imported, target, files, links, 0) {
                return Some(found);
            }
        }
    }
    match candidates {
        [only] => Some(*only),
        _ => None,
    }
}

/// No certain answer: the first class of the name (or of the name its import renames).
fn fallback(
    name: &str,
    file: usize,
    files: &[Arc<SourceFile>],
    index: &ClassIndex,
) -> Option<ClassRef> {
    if let Some(first) = index.named(name).first() {
        return Some(*first);
    }
    // `import { Base as B }` of a module we cannot follow: look for the exported name.
    let imported = files
        .get(file)?
        .facts
        .imports
        .iter()
        .flat_map(|i| &i.names)
        .find(|n| n.local == name)?;
    if imported.imported == name || imported.imported == "default" {
        return None;
    }
    index.named(&imported.imported).first().copied()
}

/// The class `name` exported by `file` denotes, following `export default`, renaming
/// exports and re-exports.
fn find_exported(
    name: &str,
    file: usize,
    files: &[Arc<SourceFile>],
    links: &Links,
    depth: usize,
) -> Option<ClassRef> {
    let source = files.get(file)?;
    let facts = &source.facts;
    let mut local_name = name;
    if name == "default" {
        local_name = facts.default_export.as_deref()?;
    } else if let Some(r) = facts.export_renames.iter().find(|r| r.local == name) {
        local_name = r.imported.as_str();
    }
    if let Some(ci) = facts.classes.iter().position(|c| c.name == local_name) {
        return Some(ClassRef { file, class: ci });
    }
    if depth >= MAX_REEXPORT_DEPTH {
        return None;
    }
    for (at, import) in facts.imports.iter().enumerate() {
        // `import X from './x'; export default X;` or `export { X }` of an import.
        let next_name = match import.kind {
            ImportKind::ExportFrom => match import.names.iter().find(|n| n.local == name) {
                Some(n) => n.imported.as_str(),
                None if import.star_reexport && name != "default" => name,
                None => continue,
            },
            ImportKind::Import => match import.names.iter().find(|n| n.local == local_name) {
                Some(n) => n.imported.as_str(),
                None => continue,
            },
            _ => continue,
        };
        let Some(next) = links.target(file, at) else {
            continue;
        };
        if let Some(found) = find_exported(next_name, next, files, links, depth + 1) {
            return Some(found);
        }
    }
    None
}
