//! A workspace: its files, settings, module resolution and model, with the operations both
//! shells need (load from disk, replace a file's text, check files).

use crate::cache::{self, FactCache};
use crate::config::{Config, NamingStrategy};
use crate::files::Files;
use crate::finding::Finding;
use crate::model::{Model, SourceFile};
use crate::resolve::{Resolver, TsConfig};
use crate::rules::{self, Ctx};
use crate::syntax::{FileFacts, ImportKind};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Files larger than this are skipped (generated bundles, fixtures of other tools).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Cloning is cheap: file texts and facts, the path index and the model's tables are
/// shared (`Arc`) and copied on write, part by part (the LSP's analysis edits a private
/// copy of the published workspace for every run).
#[derive(Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    pub resolver: Resolver,
    pub files: Files,
    pub model: Model,
    /// Problems met while loading (unreadable files, bad tsconfig), for the user.
    pub warnings: Vec<String>,
}

impl Workspace {
    /// Discovers and parses every file under `root` in parallel: the walk runs on its own
    /// thread and hands each file to the parsers as it finds it.
    pub fn load(root: &Path, config: Config) -> Workspace {
        Workspace::load_files(root, config, true)
    }

    /// Like [`Workspace::load`], but each file's text is let go once its facts are
    /// extracted and read again from disk where something looks at it (a report: see
    /// [`crate::source_text`]). Not for a workspace that edits files.
    pub fn load_texts_later(root: &Path, config: Config) -> Workspace {
        Workspace::load_files(root, config, false)
    }

    fn load_files(root: &Path, config: Config, hold_texts: bool) -> Workspace {
        let mut warnings = Vec::new();
        let mut loaded: Vec<(PathBuf, Result<SourceFile, String>)> = std::thread::scope(|s| {
            let (found, paths) = std::sync::mpsc::channel();
            let walk_config = &config;
            s.spawn(move || {
                crate::discover::discover_each(root, walk_config, |p| {
                    let _ = found.send(p);
                })
            });
            paths
                .into_iter()
                .par_bridge()
                .map(|p| {
                    let file = read_source(&p).map(|text| match hold_texts {
                        true => SourceFile::new(p.clone(), text),
                        false => SourceFile::read_again_later(p.clone(), text),
                    });
                    (p, file)
                })
                .collect()
        });
        // Files arrive in walk and thread order; warnings are listed in path order.
        loaded.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut sorted = Vec::with_capacity(loaded.len());
        for (path, item) in loaded {
            match item {
                Ok(f) => sorted.push((path, Arc::new(f))),
                Err(w) => warnings.push(w),
            }
        }
        // Built from the sorted list at once: inserting each path compared it with a dozen
        // others, component by component (ever-gauzy: 190M instructions).
        let files = BTreeMap::from_iter(sorted);
        let mut ws = Workspace::with_files(root, config, files);
        ws.warnings.splice(0..0, warnings);
        ws
    }

    /// Like [`Workspace::load`], reusing the facts of unchanged files from the on-disk cache
    /// (`.typeorm-lsp-cache/` under the root) and writing it back when anything changed.
    pub fn load_cached(root: &Path, config: Config) -> Workspace {
        let paths = crate::discover::discover(root, &config);
        let cache = std::sync::Mutex::new(FactCache::open(root));
        let mut warnings = Vec::new();
        let mut loaded = Vec::with_capacity(paths.len());
        for item in cache::load_files(&paths, Some(&cache)) {
            match item {
                Ok(l) => loaded.push(l),
                Err(w) => warnings.push(w),
            }
        }
        // Files gone since the last run, or parsed afresh now: the cache is out of date.
        let leftovers = cache.lock().map(|c| !c.is_empty()).unwrap_or(true);
        if leftovers || loaded.iter().any(|l| !l.from_cache) {
            let entries = loaded
                .iter()
                .filter_map(|l| Some((l.file.path.as_path(), l.hash?, &l.file.facts)));
            if let Err(e) = cache::save(root, entries) {
                warnings.push(format!("{}: cache not written: {e}", root.display()));
            }
        }
        let files: BTreeMap<PathBuf, Arc<SourceFile>> = loaded
            .into_iter()
            .map(|l| (l.file.path.clone(), Arc::new(l.file)))
            .collect();
        let mut ws = Workspace::with_files(root, config, files);
        ws.warnings.splice(0..0, warnings);
        ws
    }

    /// A workspace of in-memory sources (tests, the LSP before the disk scan finishes).
    pub fn from_sources(root: &Path, config: Config, sources: Vec<(PathBuf, String)>) -> Workspace {
        let files: BTreeMap<PathBuf, Arc<SourceFile>> = sources
            .into_par_iter()
            .map(|(p, t)| (p.clone(), Arc::new(SourceFile::new(p, t))))
            .collect();
        Workspace::with_files(root, config, files)
    }

    pub fn with_files(root: &Path, mut config: Config, files: impl Into<Files>) -> Workspace {
        let (tsconfig, warnings) = TsConfig::load(root);
        let resolver = Resolver::new(root, &config, tsconfig);
        let files: Files = files.into();
        let list = files.to_list();
        config.workspace_aliases = crate::model::wrappers::derive_aliases(&list, &resolver);
        config.workspace_postgres_types =
            crate::model::wrappers::derive_postgres_types(&list, &config.workspace_aliases);
        config.workspace_typed_columns = crate::model::subsquid::derive_typed_columns(&list);
        detect_naming(&mut config, &list);
        config.base_columns = crate::model::detect_base_columns(&list, &config);
        let model = Model::build(list, &config, &resolver);
        Workspace {
            root: root.to_path_buf(),
            config,
            resolver,
            files,
            model,
            warnings,
        }
    }

    /// Replaces (or adds) one file; call [`Workspace::rebuild`] after a batch of changes.
    pub fn set_file(&mut self, file: Arc<SourceFile>) {
        self.files.insert(file);
    }

    /// Replaces (or adds) one file and updates the model incrementally: an edit that keeps
    /// the file's classes, imports and entity decorators rebuilds only the entities declared
    /// in or inheriting from it. Returns true when the update was incremental (false: the
    /// model was rebuilt, any finding anywhere may have changed).
    pub fn update_file(&mut self, file: Arc<SourceFile>) -> bool {
        let old = self.files.insert(file.clone());
        // A wrapper decorator's definition changed, or the names imports bind (`import
        // {BigIntColumn as BigIntColumn_}` makes a typed column of a name): every entity
        // may read differently. An import edit rebuilds the model anyway.
        let wrappers_changed = match &old {
            Some(o) => {
                o.facts.functions != file.facts.functions
                    || o.facts.export_renames != file.facts.export_renames
                    || import_bindings(&o.facts) != import_bindings(&file.facts)
            }
            // A new file rebuilds the model anyway.
            None => {
                !file.facts.functions.is_empty()
                    || !file.facts.export_renames.is_empty()
                    || !file.facts.imports.is_empty()
            }
        };
        // A DataSource's `namingStrategy` changed: every name may read differently.
        let declared = crate::model::naming_detect::declared_in;
        let naming_changed = match &old {
            Some(o) => declared(o) != declared(&file),
            None => !declared(&file).is_empty(),
        };
        if wrappers_changed || naming_changed {
            self.rebuild();
            return false;
        }
        self.model.update_file(file, &self.config, &self.resolver)
    }

    pub fn remove_file(&mut self, path: &Path) -> bool {
        self.files.remove(path).is_some()
    }

    /// Rebuilds the model from the current files.
    pub fn rebuild(&mut self) {
        let list = self.files.to_list();
        self.config.workspace_aliases =
            crate::model::wrappers::derive_aliases(&list, &self.resolver);
        self.config.workspace_postgres_types =
            crate::model::wrappers::derive_postgres_types(&list, &self.config.workspace_aliases);
        self.config.workspace_typed_columns = crate::model::subsquid::derive_typed_columns(&list);
        detect_naming(&mut self.config, &list);
        self.model = Model::build(list, &self.config, &self.resolver);
    }

    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            model: &self.model,
            config: &self.config,
            resolver: &self.resolver,
            root: &self.root,
            fixes: false,
        }
    }

    /// Builds the deferred fixes of findings of this workspace (see [`rules::build_fixes`]).
    pub fn build_fixes(&self, findings: &mut [Finding]) {
        rules::build_fixes(&self.ctx(), findings);
    }

    /// Findings of one file (empty for files outside the workspace).
    pub fn check_file(&self, path: &Path) -> Vec<Finding> {
        match self.model.file_index(path) {
            Some(i) => rules::check_file(&self.ctx(), i),
            None => Vec::new(),
        }
    }

    /// Findings of every file, in path order.
    pub fn check_all(&self) -> Vec<Finding> {
        let ctx = self.ctx();
        // Each file's findings into its own slot, then moved into one list of the exact
        // size: collecting a flattened parallel iterator grew lists by doubling and joined
        // them into yet another, three times the findings at its peak (85,000 at 20,000
        // files are 14 MB of `Finding`s).
        let per_file: Vec<Vec<Finding>> = (0..self.model.files.len())
            .into_par_iter()
            .map(|i| rules::check_file(&ctx, i))
            .collect();
        let mut all = Vec::with_capacity(per_file.iter().map(Vec::len).sum());
        for findings in per_file {
            all.extend(findings);
        }
        all
    }
}

/// What a file's imports bind, without where they are written: `(kind, specifier,
/// imported, local)` per name.
fn import_bindings(facts: &FileFacts) -> Vec<(ImportKind, &str, &str, &str)> {
    facts
        .imports
        .iter()
        .flat_map(|i| {
            i.names.iter().map(move |n| {
                (
                    i.kind,
                    i.specifier.as_str(),
                    n.imported.as_str(),
                    n.local.as_str(),
                )
            })
        })
        .collect()
}

/// Reads a file as UTF-8; too large or not UTF-8 gives a message instead.
pub fn read_source(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{}: skipped, {} bytes is over the {} byte limit",
            path.display(),
            meta.len(),
            MAX_FILE_BYTES
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{}: skipped, not valid UTF-8", path.display()))
}

/// The DataSources' naming strategy, unless the configuration names one (in its file, its
/// settings, or as a value other than the default).
fn detect_naming(config: &mut Config, files: &[Arc<SourceFile>]) {
    if config.naming_strategy_configured {
        return;
    }
    if config.naming_strategy_detected {
        config.naming_strategy = NamingStrategy::Default;
        config.naming_strategy_detected = false;
    }
    if config.naming_strategy != NamingStrategy::Default {
        return;
    }
    if let Some(strategy) = crate::model::naming_detect::detect(files) {
        config.naming_strategy = strategy;
        config.naming_strategy_detected = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_read_again_give_the_same_findings_and_fixes() {
        // Migration names carry a timestamp from the clock: two builds in different
        // milliseconds would differ there alone. The value other tests of this process
        // set too, so their order does not matter.
        std::env::set_var("TYPEORM_LSP_MIGRATION_TIMESTAMP", "1700000000000");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/shop");
        let config = crate::cli::load_config(&root).unwrap_or_default();
        let held = Workspace::load(&root, config.clone());
        let later = Workspace::load_texts_later(&root, config);
        let (mut a, mut b) = (held.check_all(), later.check_all());
        held.build_fixes(&mut a);
        later.build_fixes(&mut b);
        assert!(!a.is_empty() && a.iter().any(|f| !f.fixes.is_empty()));
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let path = &later.model.files[0].path;
        let file = later.files.get(path).expect("a file");
        assert_eq!(*file.text(), *std::fs::read_to_string(path).unwrap());
    }
}
