//! The files of a workspace by path: a list sorted by path and a shared path index.
//!
//! The language server copies its published workspace for every analysis run (requests
//! go on reading the old copy); with this shape a copy costs one reference count per file
//! and none of the path allocations a `BTreeMap<PathBuf, _>` copy makes. Replacing the
//! text of a known file is O(1); adding or removing a file rebuilds the index (that also
//! rebuilds the model, which is O(workspace) anyway).

use crate::model::SourceFile;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct Files {
    /// Sorted by path, one entry per path.
    list: Vec<Arc<SourceFile>>,
    /// Position of each path in `list`; shared between copies until a file is added or
    /// removed.
    index: Arc<HashMap<PathBuf, usize>>,
}

impl Files {
    pub fn get(&self, path: &Path) -> Option<&Arc<SourceFile>> {
        self.list.get(*self.index.get(path)?)
    }

    pub fn contains_key(&self, path: &Path) -> bool {
        self.index.contains_key(path)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The paths, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &PathBuf> {
        self.list.iter().map(|f| &f.path)
    }

    /// The files, sorted by path.
    pub fn values(&self) -> impl Iterator<Item = &Arc<SourceFile>> {
        self.list.iter()
    }

    /// The files as a list sorted by path (what the model is built from).
    pub fn to_list(&self) -> Vec<Arc<SourceFile>> {
        self.list.clone()
    }

    /// Replaces or adds the file at `file.path`; returns the one it replaced.
    pub fn insert(&mut self, file: Arc<SourceFile>) -> Option<Arc<SourceFile>> {
        if let Some(&i) = self.index.get(&file.path) {
            if let Some(slot) = self.list.get_mut(i) {
                return Some(std::mem::replace(slot, file));
            }
        }
        let at = self
            .list
            .partition_point(|f| f.path.as_path() < file.path.as_path());
        self.list.insert(at, file);
        self.reindex();
        None
    }

    pub fn remove(&mut self, path: &Path) -> Option<Arc<SourceFile>> {
        let i = *self.index.get(path)?;
        if i >= self.list.len() {
            return None;
        }
        let old = self.list.remove(i);
        self.reindex();
        Some(old)
    }

    fn reindex(&mut self) {
        let index = self
            .list
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        self.index = Arc::new(index);
    }
}

impl FromIterator<Arc<SourceFile>> for Files {
    /// Later files win over earlier ones with the same path.
    fn from_iter<I: IntoIterator<Item = Arc<SourceFile>>>(iter: I) -> Files {
        let by_path: BTreeMap<PathBuf, Arc<SourceFile>> =
            iter.into_iter().map(|f| (f.path.clone(), f)).collect();
        Files::from(by_path)
    }
}

impl From<BTreeMap<PathBuf, Arc<SourceFile>>> for Files {
    fn from(map: BTreeMap<PathBuf, Arc<SourceFile>>) -> Files {
        let mut files = Files {
            list: map.into_values().collect(),
            index: Arc::default(),
        };
        files.reindex();
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new(PathBuf::from(path), text))
    }

    fn paths(files: &Files) -> Vec<String> {
        files.keys().map(|p| p.display().to_string()).collect()
    }

    #[test]
    fn keeps_paths_sorted_and_indexed_through_inserts_and_removals() {
        let mut files: Files = [file("/w/b.ts", "b"), file("/w/a.ts", "a")]
            .into_iter()
            .collect();
        assert_eq!(paths(&files), ["/w/a.ts", "/w/b.ts"]);
        assert!(files.insert(file("/w/c.ts", "c")).is_none());
        assert!(files.insert(file("/w/0.ts", "0")).is_none());
        assert_eq!(paths(&files), ["/w/0.ts", "/w/a.ts", "/w/b.ts", "/w/c.ts"]);
        let old = files.insert(file("/w/b.ts", "b2"));
        assert_eq!(old.map(|f| f.text().to_string()).as_deref(), Some("b"));
        assert_eq!(files.len(), 4);
        assert!(files.remove(Path::new("/w/a.ts")).is_some());
        assert!(files.remove(Path::new("/w/a.ts")).is_none());
        assert_eq!(paths(&files), ["/w/0.ts", "/w/b.ts", "/w/c.ts"]);
        for p in ["/w/0.ts", "/w/b.ts", "/w/c.ts"] {
            let found = files
                .get(Path::new(p))
                .map(|f| f.path.display().to_string());
            assert_eq!(found.as_deref(), Some(p));
        }
        assert_eq!(
            files
                .get(Path::new("/w/b.ts"))
                .map(|f| f.text().to_string())
                .as_deref(),
            Some("b2")
        );
    }

    #[test]
    fn a_copy_is_not_changed_by_edits_of_the_original() {
        let mut files: Files = [file("/w/a.ts", "a")].into_iter().collect();
        let copy = files.clone();
        files.insert(file("/w/a.ts", "a2"));
        files.insert(file("/w/b.ts", "b"));
        assert_eq!(paths(&copy), ["/w/a.ts"]);
        let text = copy.get(Path::new("/w/a.ts")).map(|f| f.text().to_string());
        assert_eq!(text.as_deref(), Some("a"));
    }
}
