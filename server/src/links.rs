//! Cross-file questions answered from indexes built once with the model, instead of by
//! scanning the workspace each time a rule asks:
//! - which workspace file each import names (module resolution against the in-memory
//!   file index, done once per distinct (folder, specifier));
//! - who imports a file (the reverse import map);
//! - which query calls go through the repository of an entity (by entity name).
//!
//! [`Links::update_file`] keeps them current when one file's text changes without
//! changing the set of files (the model's incremental update).

use crate::file_naming::StyleCounts;
use crate::model::SourceFile;
use crate::resolve::Resolver;
use crate::syntax::Receiver;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Resolutions done by [`Links`] since the process started (what the superlinear-work
/// test counts: with the memo it grows with distinct specifiers, not with importers).
static RESOLUTIONS: AtomicU64 = AtomicU64::new(0);

/// The number of module resolutions [`Links`] has made so far.
pub fn resolutions() -> u64 {
    RESOLUTIONS.load(Ordering::Relaxed)
}

/// Where an import lands: the importing file and the import's position in its
/// `facts.imports`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImportSite {
    pub file: usize,
    pub import: usize,
}

#[derive(Debug, Default, Clone)]
pub struct Links {
    /// Per file, per import (in `facts.imports` order): the workspace file it names.
    targets: Arc<Vec<Vec<Option<usize>>>>,
    /// Per file: the imports naming it, sorted.
    importers: Arc<Vec<Vec<ImportSite>>>,
    /// The file-name styles of the files that declare entities (NAM001's workspace style).
    pub entity_file_names: StyleCounts,
    /// The file-name styles of the migration files (NAM001 judges them among themselves:
    /// TypeORM's generator writes `<timestamp>-PascalName.ts`).
    pub migration_file_names: StyleCounts,
    /// Statements with an `ON CONFLICT` target (IDX003), gathered on first use.
    pub conflict_sites: Arc<std::sync::OnceLock<Vec<crate::rules::idx::upsert::ConflictSite>>>,
    /// Entity (class) name -> the query calls whose receiver is its repository, as
    /// (file, index in `facts.query_calls`).
    calls_by_entity: Arc<HashMap<String, Vec<(usize, usize)>>>,
    /// Per file: whether it lies under the source root (the set of files is fixed).
    under_source_root: Arc<Vec<bool>>,
    /// Per file: its imports written with the import prefix that name a workspace file
    /// under the source root.
    prefixed: Vec<u32>,
    /// The sum of `prefixed`: whether the workspace uses the prefix convention at all.
    prefixed_total: usize,
}

/// The memo key: the importer's folder and the specifier. Relative specifiers depend on
/// the folder; the others (`paths`, `baseUrl`, the import prefix) on the nearest tsconfig
/// that declares them, which a monorepo's services each keep (so also on the folder).
type Key<'a> = (Option<&'a Path>, &'a str);

/// The memo: its keys are ours, so a fast hash is enough.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// A key as bytes, for sorting and deduplicating the keys cheaply.
fn key_bytes<'a>(key: &Key<'a>) -> (Option<&'a [u8]>, &'a str) {
    (key.0.map(|p| p.as_os_str().as_encoded_bytes()), key.1)
}

impl Links {
    pub fn build(
        files: &[Arc<SourceFile>],
        by_path: &HashMap<PathBuf, usize>,
        resolver: &Resolver,
    ) -> Links {
        let mut keys: Vec<Key> = files
            .iter()
            .flat_map(|f| {
                f.facts
                    .imports
                    .iter()
                    .map(move |i| key(&f.path, &i.specifier))
            })
            .collect();
        // `Path`'s order walks components, which costs more than the rest of the links
        // together; the folders come from one walk of the workspace, so their bytes order
        // them as well (a duplicate left by a different spelling only resolves twice).
        keys.sort_unstable_by(|a, b| key_bytes(a).cmp(&key_bytes(b)));
        keys.dedup_by(|a, b| key_bytes(a) == key_bytes(b));
        let memo: FastMap<Key, Option<usize>> = keys
            .into_par_iter()
            .map(|k| (k, resolve_key(k, by_path, resolver)))
            .collect();
        let targets: Vec<Vec<Option<usize>>> = files
            .iter()
            .map(|f| {
                f.facts
                    .imports
                    .iter()
                    .map(|i| memo.get(&key(&f.path, &i.specifier)).copied().flatten())
                    .collect()
            })
            .collect();
        let mut links = Links {
            importers: Arc::new(vec![Vec::new(); files.len()]),
            targets: Arc::new(targets),
            calls_by_entity: Arc::default(),
            under_source_root: Arc::new(
                files
                    .iter()
                    .map(|f| resolver.in_source_root(&f.path))
                    .collect(),
            ),
            prefixed: Vec::new(),
            prefixed_total: 0,
            entity_file_names: StyleCounts::default(),
            migration_file_names: StyleCounts::default(),
            conflict_sites: Arc::default(),
        };
        links.index_importers();
        for (fi, f) in files.iter().enumerate() {
            links.add_calls(fi, f);
        }
        links.prefixed = files
            .iter()
            .enumerate()
            .map(|(fi, f)| links.count_prefixed(fi, f, resolver))
            .collect();
        links.prefixed_total = links.prefixed.iter().map(|&n| n as usize).sum();
        links
    }

    /// Re-resolves one file's imports and re-indexes its query calls, after its text
    /// changed (the set of files is the same; a new or removed file rebuilds all).
    pub fn update_file(
        &mut self,
        fi: usize,
        file: &SourceFile,
        by_path: &HashMap<PathBuf, usize>,
        resolver: &Resolver,
    ) {
        let mut memo: HashMap<Key, Option<usize>> = HashMap::new();
        let row: Vec<Option<usize>> = file
            .facts
            .imports
            .iter()
            .map(|i| {
                let k = key(&file.path, &i.specifier);
                *memo
                    .entry(k)
                    .or_insert_with(|| resolve_key(k, by_path, resolver))
            })
            .collect();
        if self.targets.get(fi).is_some_and(|old| *old != row) {
            if let Some(slot) = Arc::make_mut(&mut self.targets).get_mut(fi) {
                *slot = row;
            }
            self.index_importers();
        }
        let prefixed = self.count_prefixed(fi, file, resolver);
        if let Some(slot) = self.prefixed.get_mut(fi) {
            self.prefixed_total = self.prefixed_total - *slot as usize + prefixed as usize;
            *slot = prefixed;
        }
        self.conflict_sites = Arc::default();
        // Most edits keep the file's repository calls: the shared map stays as it is.
        let mut before: Vec<(&str, usize)> = self
            .calls_by_entity
            .iter()
            .flat_map(|(e, calls)| {
                calls
                    .iter()
                    .filter(|(f, _)| *f == fi)
                    .map(move |(_, c)| (e.as_str(), *c))
            })
            .collect();
        before.sort_unstable();
        let mut after = repository_calls(file);
        after.sort_unstable();
        if before != after {
            let calls_by_entity = Arc::make_mut(&mut self.calls_by_entity);
            for calls in calls_by_entity.values_mut() {
                calls.retain(|(f, _)| *f != fi);
            }
            self.add_calls(fi, file);
        }
    }

    /// Counts the name styles of `entity_files` and of the migration files (each file
    /// once).
    pub fn count_file_names(
        &mut self,
        files: &[Arc<SourceFile>],
        entity_files: impl Iterator<Item = usize>,
    ) {
        let mut migrations = StyleCounts::default();
        for name in files
            .iter()
            .filter(|f| f.facts.has_migration())
            .filter_map(|f| f.path.file_name()?.to_str())
        {
            migrations.add(name);
        }
        self.migration_file_names = migrations;
        let mut seen: Vec<usize> = entity_files.collect();
        seen.sort_unstable();
        seen.dedup();
        let mut counts = StyleCounts::default();
        for name in seen
            .iter()
            .filter_map(|&f| files.get(f)?.path.file_name()?.to_str())
        {
            counts.add(name);
        }
        self.entity_file_names = counts;
    }

    /// Whether some import of the workspace already names a file under the source root
    /// through the import prefix (`src/...`): the convention is in use and the compiler
    /// resolves it. A nested project's own `src/...` imports (a test package with its own
    /// `baseUrl`) name files outside the source root and say nothing about it.
    pub fn uses_import_prefix(&self) -> bool {
        self.prefixed_total > 0
    }

    fn count_prefixed(&self, fi: usize, file: &SourceFile, resolver: &Resolver) -> u32 {
        let count = file
            .facts
            .imports
            .iter()
            .enumerate()
            .filter(|(i, import)| {
                resolver.has_import_prefix(&import.specifier)
                    && self
                        .target(fi, *i)
                        .is_some_and(|t| self.under_source_root.get(t) == Some(&true))
            })
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// The workspace file import `import` of `file` names.
    pub fn target(&self, file: usize, import: usize) -> Option<usize> {
        *self.targets.get(file)?.get(import)?
    }

    /// The imports (of any kind: `import`, `export ... from`, `import()`, `require`,
    /// `jest.mock`) that name `file`.
    pub fn importers(&self, file: usize) -> &[ImportSite] {
        self.importers.get(file).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The query calls `Entity.method(...)` / `repo.method(...)` on the repository of
    /// the entity named `entity`, as (file, index in `facts.query_calls`).
    pub fn calls_on(&self, entity: &str) -> &[(usize, usize)] {
        self.calls_by_entity
            .get(entity)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn index_importers(&mut self) {
        let mut importers = vec![Vec::new(); self.targets.len()];
        for (file, row) in self.targets.iter().enumerate() {
            for (import, target) in row.iter().enumerate() {
                if let Some(list) = target.and_then(|t| importers.get_mut(t)) {
                    list.push(ImportSite { file, import });
                }
            }
        }
        self.importers = Arc::new(importers);
    }

    fn add_calls(&mut self, fi: usize, file: &SourceFile) {
        let calls_by_entity = Arc::make_mut(&mut self.calls_by_entity);
        for (entity, ci) in repository_calls(file) {
            calls_by_entity
                .entry(entity.to_string())
                .or_default()
                .push((fi, ci));
        }
    }
}

/// The query calls of a file on an entity's repository, as (entity, index in
/// `facts.query_calls`).
fn repository_calls(file: &SourceFile) -> Vec<(&str, usize)> {
    file.facts
        .query_calls
        .iter()
        .enumerate()
        .filter_map(|(ci, call)| match &call.receiver {
            Receiver::Repository { entity } => Some((entity.as_str(), ci)),
            _ => None,
        })
        .collect()
}

fn key<'a>(from: &'a Path, specifier: &'a str) -> Key<'a> {
    (from.parent(), specifier)
}

fn resolve_key(
    (dir, specifier): Key,
    by_path: &HashMap<PathBuf, usize>,
    resolver: &Resolver,
) -> Option<usize> {
    RESOLUTIONS.fetch_add(1, Ordering::Relaxed);
    let exists = |p: &Path| by_path.contains_key(p);
    // Any file of the folder stands for the importer: resolution uses only its folder.
    let from = match dir {
        Some(dir) => dir.join("_"),
        None => resolver.root().join("_"),
    };
    let target = resolver.resolve(&from, specifier, &exists)?;
    by_path.get(&target).copied()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{workspace, ROOT};
    use std::path::Path;

    #[test]
    fn reverse_map_lists_every_kind_of_import() {
        let ws = workspace(&[
            ("src/a/user.entity.ts", "export class User {}\n"),
            ("src/a/index.ts", "export * from './user.entity';\n"),
            (
                "src/b/user.service.ts",
                "import { User } from 'src/a/user.entity';\nconst m = import('../a/user.entity');\njest.mock('../a/user.entity.js');\n",
            ),
            ("src/c/other.ts", "import { x } from 'lodash';\n"),
        ]);
        let idx = |rel: &str| ws.model.file_index(&Path::new(ROOT).join(rel));
        let user = idx("src/a/user.entity.ts").unwrap_or(usize::MAX);
        let importers: Vec<_> = ws
            .model
            .links
            .importers(user)
            .iter()
            .map(|s| (ws.model.path(s.file), s.import))
            .collect();
        let root = Path::new(ROOT);
        assert_eq!(
            importers,
            vec![
                (root.join("src/a/index.ts"), 0),
                (root.join("src/b/user.service.ts"), 0),
                (root.join("src/b/user.service.ts"), 1),
                (root.join("src/b/user.service.ts"), 2),
            ]
        );
        let other = idx("src/c/other.ts").unwrap_or(usize::MAX);
        assert_eq!(ws.model.links.target(other, 0), None);
    }
}
