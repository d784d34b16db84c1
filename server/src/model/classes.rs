//! Classes of the workspace by name, and `extends` resolution across files.

use super::types::ClassRef;
use super::SourceFile;
use crate::resolve::Resolver;
use crate::syntax::ImportKind;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// How far we follow `export * from` barrels before giving up (cycles, deep re-exports).
const MAX_REEXPORT_DEPTH: usize = 8;

#[derive(Debug, Default, Clone)]
pub struct ClassIndex {
    by_name: HashMap<String, Vec<ClassRef>>,
}

impl ClassIndex {
    pub fn new(files: &[Arc<SourceFile>]) -> Self {
        let mut by_name: HashMap<String, Vec<ClassRef>> = HashMap::new();
        for (fi, file) in files.iter().enumerate() {
            for (ci, class) in file.facts.classes.iter().enumerate() {
                by_name
                    .entry(class.name.clone())
                    .or_default()
                    .push(ClassRef {
                        file: fi,
                        class: ci,
                    });
            }
        }
        ClassIndex { by_name }
    }

    pub fn named(&self, name: &str) -> &[ClassRef] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Resolves a class name as seen from `file`: a class of the same file, then the file its
/// import points at (through barrels), then the only class of that name in the workspace
/// (or the first, when several share it).
pub fn resolve_class(
    name: &str,
    file: usize,
    files: &[Arc<SourceFile>],
    by_path: &HashMap<std::path::PathBuf, usize>,
    index: &ClassIndex,
    resolver: &Resolver,
) -> Option<ClassRef> {
    let candidates = index.named(name);
    if candidates.is_empty() {
        // The import may rename it (`import { Base as B }`): look for the imported name.
        let imported = imported_name(files.get(file)?, name)?;
        if imported != name {
            return resolve_class(&imported, file, files, by_path, index, resolver);
        }
        return None;
    }
    if let Some(local) = candidates.iter().find(|c| c.file == file) {
        return Some(*local);
    }
    if candidates.len() == 1 {
        return candidates.first().copied();
    }
    let source = files.get(file)?;
    for import in &source.facts.imports {
        if !import.names.iter().any(|n| n.local == name) {
            continue;
        }
        let exists = |p: &Path| by_path.contains_key(p);
        let target = resolver.resolve(&source.path, &import.specifier, &exists)?;
        let target_file = *by_path.get(&target)?;
        if let Some(found) = find_exported(name, target_file, files, by_path, resolver, 0) {
            if let Some(c) = candidates.iter().find(|c| c.file == found) {
                return Some(*c);
            }
        }
    }
    candidates.first().copied()
}

fn imported_name(file: &SourceFile, local: &str) -> Option<String> {
    file.facts
        .imports
        .iter()
        .flat_map(|i| &i.names)
        .find(|n| n.local == local)
        .map(|n| n.imported.clone())
}

/// The file that declares `name`, starting at `file` and following re-exports.
fn find_exported(
    name: &str,
    file: usize,
    files: &[Arc<SourceFile>],
    by_path: &HashMap<std::path::PathBuf, usize>,
    resolver: &Resolver,
    depth: usize,
) -> Option<usize> {
    let source = files.get(file)?;
    if source.facts.class(name).is_some() {
        return Some(file);
    }
    if depth >= MAX_REEXPORT_DEPTH {
        return None;
    }
    for import in &source.facts.imports {
        if import.kind != ImportKind::ExportFrom {
            continue;
        }
        if !import.star_reexport && !import.names.iter().any(|n| n.local == name) {
            continue;
        }
        let exists = |p: &Path| by_path.contains_key(p);
        let Some(target) = resolver.resolve(&source.path, &import.specifier, &exists) else {
            continue;
        };
        let Some(&next) = by_path.get(&target) else {
            continue;
        };
        if let Some(found) = find_exported(name, next, files, by_path, resolver, depth + 1) {
            return Some(found);
        }
    }
    None
}
