//! Module specifier resolution.
//!
//! Maps an import specifier to a workspace file the way TypeScript would for this
//! project: relative paths, the configured absolute prefix (`src/...`), `tsconfig.json`
//! `paths` and `baseUrl`. Pure path arithmetic: the disk is only consulted through the
//! `exists` callback, so the language server can answer from its file index and open
//! buffers, and tests need no files.

use crate::config::Config;
use jsonc_parser::ParseOptions;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Calls of [`Resolver::resolve`] since the process started: the superlinear-work test
/// (`tests/scaling.rs`) requires the count per file to stay flat as the workspace grows.
static RESOLVE_CALLS: AtomicU64 = AtomicU64::new(0);

/// The number of [`Resolver::resolve`] calls so far.
pub fn resolve_calls() -> u64 {
    RESOLVE_CALLS.load(Ordering::Relaxed)
}

/// Extensions tried after an extensionless specifier, in TypeScript's order.
const TS_EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts"];

/// ESM-style specifiers name the emitted `.js` file; the source has the matching TS
/// extension.
const JS_TO_TS: &[(&str, &[&str])] = &[
    ("js", &["ts", "tsx"]),
    ("jsx", &["tsx"]),
    ("mjs", &["mts"]),
    ("cjs", &["cts"]),
];

/// The module-resolution part of `tsconfig.json` (after following `extends`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TsConfig {
    /// `compilerOptions.baseUrl`, absolute (resolved against the tsconfig declaring it).
    pub base_url: Option<PathBuf>,
    /// `compilerOptions.paths`: pattern (at most one `*`) -> substitutions, in file order.
    pub paths: Vec<(String, Vec<String>)>,
    /// The folder `paths` substitutions are relative to: `baseUrl` when set, else the
    /// folder of the tsconfig declaring `paths` (TypeScript 4.1+).
    pub paths_base: Option<PathBuf>,
    /// `compilerOptions.strict`, when some file of the chain sets it.
    pub strict: Option<bool>,
    /// `compilerOptions.strictNullChecks`, when some file of the chain sets it.
    pub strict_null_checks: Option<bool>,
    /// The chain extends a package: `Some(Some(true))` for the `@tsconfig/*` bases
    /// (strict), `Some(None)` for one we cannot read.
    pub strict_from_package: Option<Option<bool>>,
    /// `compilerOptions.outDir` / `rootDir`, absolute: where compiled files go and the
    /// source folder they mirror (migration globs over `dist/` map back through them).
    pub out_dir: Option<PathBuf>,
    pub root_dir: Option<PathBuf>,
}

impl TsConfig {
    /// Whether the compiler checks `null` (`strictNullChecks`, else `strict`, else the
    /// package base's, else off as in TypeScript); None when a package base decides.
    pub fn checks_null(&self) -> Option<bool> {
        match (
            self.strict_null_checks.or(self.strict),
            self.strict_from_package,
        ) {
            (Some(set), _) => Some(set),
            (None, Some(from_package)) => from_package,
            (None, None) => Some(false),
        }
    }
}

impl TsConfig {
    /// Loads `<root>/tsconfig.json`, following relative `extends` (string or array).
    /// A missing file gives the default; problems (bad JSON, a missing base) give what
    /// could be read plus one message each.
    pub fn load(root: &Path) -> (TsConfig, Vec<String>) {
        Self::load_with(&root.join("tsconfig.json"), &|path| {
            std::fs::read_to_string(path).ok()
        })
    }

    /// Like `load`, from a given tsconfig file, reading files through `read` (`None` =
    /// missing), so tests and editors can supply contents.
    pub fn load_with(
        file: &Path,
        read: &dyn Fn(&Path) -> Option<String>,
    ) -> (TsConfig, Vec<String>) {
        let mut loader = Loader {
            read,
            visiting: HashSet::new(),
            errors: Vec::new(),
        };
        let mut config = TsConfig::default();
        if let Some(file) = normalize(file) {
            if read(&file).is_some() {
                loader.load_into(&file, &mut config);
            }
        }
        (config, loader.errors)
    }
}

/// State of one `TsConfig` load: the chain being followed (cycle guard) and errors.
struct Loader<'a> {
    read: &'a dyn Fn(&Path) -> Option<String>,
    visiting: HashSet<PathBuf>,
    errors: Vec<String>,
}

impl Loader<'_> {
    /// Applies `file` (its bases first, then its own options) onto `config`.
    fn load_into(&mut self, file: &Path, config: &mut TsConfig) {
        if !self.visiting.insert(file.to_path_buf()) {
            self.errors
                .push(format!("{}: `extends` cycle, ignored", file.display()));
            return;
        }
        if let Some(json) = self.parse(file) {
            let dir = file.parent().unwrap_or(Path::new("/"));
            for base in extends_list(&json) {
                self.load_base(dir, &base, config);
            }
            apply_compiler_options(&json, dir, config);
        }
        self.visiting.remove(file);
    }

    /// Follows one `extends` entry; package names (`@tsconfig/node20`) are skipped since
    /// their module options rarely matter for in-project imports.
    fn load_base(&mut self, dir: &Path, base: &str, config: &mut TsConfig) {
        let is_path = base.starts_with("./") || base.starts_with("../") || base.starts_with('/');
        if !is_path {
            // The `@tsconfig/*` bases all turn `strict` on; another package's we cannot
            // read, so its strictness is unknown.
            let strict = base.starts_with("@tsconfig/").then_some(true);
            config.strict_from_package = Some(strict);
            return;
        }
        let Some(path) = normalize(&dir.join(base)) else {
            self.errors
                .push(format!("cannot resolve `extends` {base:?}"));
            return;
        };
        let with_json = append_extension(&path, "json");
        let chosen = [path, with_json]
            .into_iter()
            .find(|candidate| (self.read)(candidate).is_some());
        match chosen {
            Some(file) => self.load_into(&file, config),
            None => self
                .errors
                .push(format!("{}: `extends` {base:?} not found", dir.display())),
        }
    }

    fn parse(&mut self, file: &Path) -> Option<Value> {
        let text = (self.read)(file)?;
        match jsonc_parser::parse_to_serde_value(&text, &ParseOptions::default()) {
            Ok(value) => value,
            Err(err) => {
                self.errors.push(format!("{}: {err}", file.display()));
                None
            }
        }
    }
}

/// The `extends` entries of a tsconfig: a string or an array of strings.
fn extends_list(json: &Value) -> Vec<String> {
    match json.get("extends") {
        Some(Value::String(base)) => vec![base.clone()],
        Some(Value::Array(bases)) => bases
            .iter()
            .filter_map(|b| b.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Overrides `config` with the `baseUrl` / `paths` this file declares (relative to
/// its folder `dir`).
fn apply_compiler_options(json: &Value, dir: &Path, config: &mut TsConfig) {
    let Some(options) = json.get("compilerOptions") else {
        return;
    };
    if let Some(base_url) = options.get("baseUrl").and_then(Value::as_str) {
        config.base_url = normalize(&dir.join(base_url));
    }
    if let Some(out_dir) = options.get("outDir").and_then(Value::as_str) {
        config.out_dir = normalize(&dir.join(out_dir));
    }
    if let Some(root_dir) = options.get("rootDir").and_then(Value::as_str) {
        config.root_dir = normalize(&dir.join(root_dir));
    }
    if let Some(strict) = options.get("strict").and_then(Value::as_bool) {
        config.strict = Some(strict);
    }
    if let Some(checks) = options.get("strictNullChecks").and_then(Value::as_bool) {
        config.strict_null_checks = Some(checks);
    }
    if let Some(Value::Object(paths)) = options.get("paths") {
        config.paths = paths
            .iter()
            .map(|(pattern, targets)| (pattern.clone(), string_list(targets)))
            .collect();
        config.paths_base = Some(dir.to_path_buf());
    }
}

fn string_list(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Value::String(single) => vec![single.clone()],
        _ => Vec::new(),
    }
}

/// Resolves specifiers of one workspace.
#[derive(Debug, Clone)]
pub struct Resolver {
    root: PathBuf,
    source_root: PathBuf,
    import_prefix: String,
    tsconfig: TsConfig,
    /// Folder -> the nearest tsconfig governing its files, loaded (None: none up to the
    /// root). Shared by clones; filled as files are asked about.
    nearest: Arc<Mutex<HashMap<PathBuf, Option<Arc<TsConfig>>>>>,
    /// Project files other than tsconfigs (`package.json`, `ormconfig.json`) by path, as
    /// read from disk (None: missing). Shared by clones; filled as they are asked for.
    project_files: Arc<Mutex<HashMap<PathBuf, Option<Arc<str>>>>>,
    /// Folder -> the folder of the nearest `package.json` at or above it within the root
    /// (None: none). Shared by clones; filled as rules ask (for every DataSource, for every
    /// finding that needs the database: without it, walks of the same folders again).
    package_dirs: Arc<Mutex<HashMap<PathBuf, Option<PathBuf>>>>,
}

impl Resolver {
    pub fn new(root: &Path, config: &Config, tsconfig: TsConfig) -> Resolver {
        let root = normalize(root).unwrap_or_else(|| root.to_path_buf());
        let source_root =
            join_specifier(&root, &config.source_root).unwrap_or_else(|| root.clone());
        Resolver {
            root,
            source_root,
            import_prefix: config.import_prefix.clone(),
            tsconfig,
            nearest: Default::default(),
            project_files: Default::default(),
            package_dirs: Default::default(),
        }
    }

    /// Whether the compiler checks `null` in `file`: the nearest `tsconfig.json` from the
    /// file's folder up to the workspace root (`extends` followed) decides; None when
    /// there is none (then we assume it does).
    pub fn strict_null_checks(&self, file: &Path) -> Option<bool> {
        self.strict_null_checks_with(file, &|p| std::fs::read_to_string(p).ok())
    }

    /// Like [`Resolver::strict_null_checks`], reading files through `read`.
    pub fn strict_null_checks_with(
        &self,
        file: &Path,
        read: &dyn Fn(&Path) -> Option<String>,
    ) -> Option<bool> {
        self.nearest_tsconfig(file.parent()?, read)?.checks_null()
    }

    /// The nearest `tsconfig.json` from `start` up to the workspace root (`extends`
    /// followed), loaded once per folder.
    fn nearest_tsconfig(
        &self,
        start: &Path,
        read: &dyn Fn(&Path) -> Option<String>,
    ) -> Option<Arc<TsConfig>> {
        let cached = |d: &Path| self.nearest.lock().ok()?.get(d).cloned();
        if let Some(known) = cached(start) {
            return known;
        }
        // Every folder passed on the way up has the same nearest tsconfig: remember them
        // all, so that the next folder stops at the first shared parent instead of
        // loading that tsconfig (and what it extends) again.
        let mut passed = Vec::new();
        let mut found = None;
        let mut dir = Some(start);
        while let Some(d) = dir.filter(|d| d.starts_with(&self.root)) {
            if let Some(known) = cached(d) {
                found = known;
                break;
            }
            passed.push(d);
            let candidate = d.join("tsconfig.json");
            if read(&candidate).is_some() {
                found = Some(Arc::new(TsConfig::load_with(&candidate, read).0));
                break;
            }
            dir = d.parent();
        }
        if let Ok(mut cache) = self.nearest.lock() {
            for d in passed {
                cache.insert(d.to_path_buf(), found.clone());
            }
        }
        found
    }

    /// The tsconfig whose `paths` / `baseUrl` govern imports from `from_file`: the nearest
    /// one that declares either (a monorepo's service keeps its own), else the root's.
    fn module_config(&self, from_file: &Path) -> Option<Arc<TsConfig>> {
        let read = |p: &Path| std::fs::read_to_string(p).ok();
        self.nearest_tsconfig(from_file.parent()?, &read)
            .filter(|t| t.base_url.is_some() || !t.paths.is_empty())
    }

    /// The text of a project file (`package.json`, `ormconfig.json`), read from disk the
    /// first time it is asked for.
    pub fn read_project_file(&self, path: &Path) -> Option<Arc<str>> {
        if let Some(known) = self.project_files.lock().ok()?.get(path) {
            return known.clone();
        }
        let text: Option<Arc<str>> = std::fs::read_to_string(path).ok().map(Arc::from);
        if let Ok(mut files) = self.project_files.lock() {
            files.insert(path.to_path_buf(), text.clone());
        }
        text
    }

    /// The nearest package folder of `dir`, remembered: `compute` runs the first time a
    /// folder is asked about (it reads project files, which this resolver also remembers).
    pub fn package_dir_of(
        &self,
        dir: &Path,
        compute: impl FnOnce() -> Option<PathBuf>,
    ) -> Option<PathBuf> {
        if let Some(known) = self
            .package_dirs
            .lock()
            .ok()
            .and_then(|m| m.get(dir).cloned())
        {
            return known;
        }
        let found = compute();
        if let Ok(mut dirs) = self.package_dirs.lock() {
            dirs.insert(dir.to_path_buf(), found.clone());
        }
        found
    }

    /// The workspace root (normalised).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder whose files are imported with the import prefix.
    pub fn source_root(&self) -> &Path {
        &self.source_root
    }

    /// The workspace file `specifier` names when imported from `from_file`, `None` for
    /// packages, builtins and anything that resolves outside the workspace or to no file.
    pub fn resolve(
        &self,
        from_file: &Path,
        specifier: &str,
        exists: &dyn Fn(&Path) -> bool,
    ) -> Option<PathBuf> {
        RESOLVE_CALLS.fetch_add(1, Ordering::Relaxed);
        if specifier.is_empty() || specifier.contains(':') || specifier.contains('\\') {
            return None;
        }
        if is_relative(specifier) {
            let dir = from_file.parent()?;
            return self.first_existing(join_specifier(dir, specifier)?, exists);
        }
        let local = self.module_config(from_file);
        let tsconfig = local.as_deref().unwrap_or(&self.tsconfig);
        if let Some(found) = self.resolve_paths(tsconfig, specifier, exists) {
            return Some(found);
        }
        if let Some(rest) = self.strip_import_prefix(specifier) {
            let base = join_specifier(&self.source_root, rest)?;
            if let Some(found) = self.first_existing(base, exists) {
                return Some(found);
            }
        }
        let base_url = tsconfig.base_url.as_ref()?;
        if specifier.starts_with('@') {
            return None;
        }
        self.first_existing(join_specifier(base_url, specifier)?, exists)
    }

    /// The absolute (`src/...`) specifier of a file under the source root: no extension,
    /// `index` files as their folder, `.mts` / `.cts` as `.mjs` / `.cjs` (which
    /// TypeScript requires). `None` outside the source root or for non-TS files.
    pub fn absolute_specifier(&self, target_file: &Path) -> Option<String> {
        let target = normalize(target_file)?;
        let rel = target.strip_prefix(&self.source_root).ok()?;
        let mut parts = rel
            .components()
            .map(|c| match c {
                Component::Normal(part) => part.to_str(),
                _ => None,
            })
            .collect::<Option<Vec<&str>>>()?;
        let file = parts.pop()?;
        let stem = specifier_file_name(file)?;
        if stem != "index" || parts.is_empty() {
            parts.push(&stem);
        }
        Some(format!("{}{}", self.import_prefix, parts.join("/")))
    }

    /// Whether `specifier` is relative (`./x`, `../x`, `.`, `..`).
    pub fn is_relative(specifier: &str) -> bool {
        is_relative(specifier)
    }

    /// Whether `path` lies under the source root.
    pub fn in_source_root(&self, path: &Path) -> bool {
        normalize(path).is_some_and(|p| p.starts_with(&self.source_root) && p != self.source_root)
    }

    /// Whether `specifier` is written with the configured import prefix (`src/...`).
    pub fn has_import_prefix(&self, specifier: &str) -> bool {
        !self.import_prefix.is_empty() && self.strip_import_prefix(specifier).is_some()
    }

    /// The specifier without the import prefix, when it has it. A prefix without a
    /// trailing `/` (`"~"`) still requires a whole segment (`~/x`, not `~x`).
    fn strip_import_prefix<'s>(&self, specifier: &'s str) -> Option<&'s str> {
        if self.import_prefix.is_empty() {
            return Some(specifier);
        }
        let rest = specifier.strip_prefix(&self.import_prefix)?;
        match self.import_prefix.ends_with('/') {
            true => Some(rest),
            false => rest.strip_prefix('/'),
        }
    }

    /// tsconfig `paths`: the matching pattern with the longest prefix wins (as in
    /// TypeScript), then its substitutions are tried in order.
    fn resolve_paths(
        &self,
        tsconfig: &TsConfig,
        specifier: &str,
        exists: &dyn Fn(&Path) -> bool,
    ) -> Option<PathBuf> {
        let base = tsconfig.paths_base.as_ref()?;
        let base = tsconfig.base_url.as_ref().unwrap_or(base);
        let (targets, captured) = tsconfig
            .paths
            .iter()
            .filter_map(|(pattern, targets)| {
                match_pattern(pattern, specifier)
                    .map(|(prefix_len, cap)| (prefix_len, targets, cap))
            })
            .max_by_key(|(prefix_len, _, _)| *prefix_len)
            .map(|(_, targets, cap)| (targets, cap))?;
        targets.iter().find_map(|target| {
            let substituted = target.replacen('*', captured, 1);
            let path = join_specifier(base, &substituted)?;
            self.first_existing(path, exists)
        })
    }

    /// The first existing file among the candidates for `base`, within the workspace.
    fn first_existing(&self, base: PathBuf, exists: &dyn Fn(&Path) -> bool) -> Option<PathBuf> {
        if !base.starts_with(&self.root) {
            return None;
        }
        candidates(&base).find(|candidate| exists(candidate))
    }
}

/// Whether `specifier` is relative (`./x`, `../x`, `.`, `..`).
pub fn is_relative(specifier: &str) -> bool {
    specifier == "."
        || specifier == ".."
        || specifier.starts_with("./")
        || specifier.starts_with("../")
}

/// The files a specifier's path `base` may name, in TypeScript's order: an explicit TS
/// extension, the `.js` -> `.ts` ESM mapping, appended extensions, then `index` files.
/// Built one at a time: the first or second usually exists, and each is a new path.
fn candidates(base: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    let extension = base.extension().and_then(|e| e.to_str()).unwrap_or("");
    let explicit = TS_EXTENSIONS
        .contains(&extension)
        .then(|| base.to_path_buf());
    let mapped = JS_TO_TS
        .iter()
        .find(|(js, _)| *js == extension)
        .map_or(&[][..], |(_, ts)| *ts);
    explicit
        .into_iter()
        .chain(mapped.iter().map(|ext| base.with_extension(ext)))
        .chain(TS_EXTENSIONS.iter().map(|ext| append_extension(base, ext)))
        .chain(
            ["index.ts", "index.tsx", "index.mts", "index.cts"]
                .iter()
                .map(|index| base.join(index)),
        )
}

/// The specifier spelling of a file name: without `.ts` / `.tsx`, with `.mjs` / `.cjs`
/// for `.mts` / `.cts`; `None` for other files (declaration files included).
fn specifier_file_name(file: &str) -> Option<String> {
    let (stem, ext) = file.rsplit_once('.')?;
    if stem.is_empty() || stem.ends_with(".d") {
        return None;
    }
    match ext {
        "ts" | "tsx" => Some(stem.to_string()),
        "mts" => Some(format!("{stem}.mjs")),
        "cts" => Some(format!("{stem}.cjs")),
        _ => None,
    }
}

/// `file.ext` -> `file.ext.<extension>` (unlike `with_extension`, keeps `user.entity`).
fn append_extension(path: &Path, extension: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

/// `dir` joined with a `/`-separated specifier path, normalised; `None` when `..`
/// climbs above the filesystem root.
fn join_specifier(dir: &Path, specifier: &str) -> Option<PathBuf> {
    let mut path = dir.to_path_buf();
    for segment in specifier.split('/').filter(|s| !s.is_empty()) {
        path.push(segment);
    }
    normalize(&path)
}

/// Removes `.` and `..` components lexically (no disk access, symlinks untouched).
/// `None` when `..` would climb above the start of the path.
pub fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    let mut depth = 0usize;
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => out.push(component.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                depth = depth.checked_sub(1)?;
                out.pop();
            }
            Component::Normal(part) => {
                depth += 1;
                out.push(part);
            }
        }
    }
    Some(out)
}

/// Matches a `paths` pattern (`@app/*`, or exact) against a specifier: the length of the
/// pattern's prefix (for "longest prefix wins") and what `*` captured.
fn match_pattern<'s>(pattern: &str, specifier: &'s str) -> Option<(usize, &'s str)> {
    match pattern.split_once('*') {
        None => (pattern == specifier).then_some((usize::MAX, "")),
        Some((prefix, suffix)) => {
            let rest = specifier.strip_prefix(prefix)?;
            let captured = rest.strip_suffix(suffix)?;
            Some((prefix.len(), captured))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const ROOT: &str = "/ws";

    fn files(list: &[&str]) -> HashSet<PathBuf> {
        list.iter().map(|f| Path::new(ROOT).join(f)).collect()
    }

    fn resolver(tsconfig: TsConfig) -> Resolver {
        Resolver::new(Path::new(ROOT), &Config::default(), tsconfig)
    }

    fn resolve(
        r: &Resolver,
        existing: &HashSet<PathBuf>,
        from: &str,
        spec: &str,
    ) -> Option<String> {
        let from = Path::new(ROOT).join(from);
        r.resolve(&from, spec, &|p| existing.contains(p))
            .and_then(|p| p.strip_prefix(ROOT).ok().map(|p| p.display().to_string()))
    }

    #[test]
    fn relative_specifiers_resolve_with_extensions_and_index() {
        let fs = files(&[
            "src/user/user.entity.ts",
            "src/user/dto/index.ts",
            "src/post/post.ts",
            "src/esm/a.mts",
            "src/view.tsx",
        ]);
        let r = resolver(TsConfig::default());
        let from = "src/user/user.service.ts";
        assert_eq!(
            resolve(&r, &fs, from, "./user.entity").as_deref(),
            Some("src/user/user.entity.ts")
        );
        assert_eq!(
            resolve(&r, &fs, from, "./dto").as_deref(),
            Some("src/user/dto/index.ts")
        );
        assert_eq!(
            resolve(&r, &fs, from, "../post/post").as_deref(),
            Some("src/post/post.ts")
        );
        assert_eq!(
            resolve(&r, &fs, from, "../post/post.js").as_deref(),
            Some("src/post/post.ts")
        );
        assert_eq!(
            resolve(&r, &fs, from, "./../post/./post.ts").as_deref(),
            Some("src/post/post.ts")
        );
        assert_eq!(
            resolve(&r, &fs, from, "../esm/a.mjs").as_deref(),
            Some("src/esm/a.mts")
        );
        assert_eq!(
            resolve(&r, &fs, from, "../view").as_deref(),
            Some("src/view.tsx")
        );
        assert_eq!(resolve(&r, &fs, from, "./missing"), None);
    }

    #[test]
    fn climbing_above_the_workspace_gives_none() {
        let fs = files(&["src/a.ts"]);
        let r = resolver(TsConfig::default());
        assert_eq!(resolve(&r, &fs, "src/a.ts", "../../a"), None);
        assert_eq!(resolve(&r, &fs, "src/a.ts", "../../../../../../a"), None);
        assert_eq!(normalize(Path::new("/a/../../b")), None);
        assert_eq!(
            normalize(Path::new("/a/./b/../c")),
            Some(PathBuf::from("/a/c"))
        );
    }

    #[test]
    fn import_prefix_resolves_under_the_source_root() {
        let fs = files(&["src/user/user.entity.ts", "src/shared/index.ts"]);
        let r = resolver(TsConfig::default());
        assert_eq!(
            resolve(&r, &fs, "src/a.ts", "src/user/user.entity").as_deref(),
            Some("src/user/user.entity.ts")
        );
        assert_eq!(
            resolve(&r, &fs, "test/a.ts", "src/shared").as_deref(),
            Some("src/shared/index.ts")
        );
        assert_eq!(resolve(&r, &fs, "src/a.ts", "src/../../etc/passwd"), None);

        let config = Config {
            import_prefix: "@app/".to_string(),
            source_root: "lib".to_string(),
            ..Config::default()
        };
        let fs = files(&["lib/user.ts"]);
        let r = Resolver::new(Path::new(ROOT), &config, TsConfig::default());
        assert_eq!(
            resolve(&r, &fs, "lib/a.ts", "@app/user").as_deref(),
            Some("lib/user.ts")
        );
    }

    #[test]
    fn bare_packages_and_builtins_give_none() {
        let fs = files(&["src/a.ts", "typeorm.ts"]);
        let r = resolver(TsConfig::default());
        for spec in ["typeorm", "@nestjs/common", "node:fs", "", "fs"] {
            assert_eq!(resolve(&r, &fs, "src/a.ts", spec), None, "{spec}");
        }
    }

    #[test]
    fn tsconfig_paths_and_base_url() {
        let fs = files(&[
            "src/app/user.ts",
            "libs/common/index.ts",
            "src/config.ts",
            "other/x.ts",
        ]);
        let tsconfig = TsConfig {
            base_url: Some(PathBuf::from("/ws/src")),
            paths: vec![
                ("@app/*".to_string(), vec!["app/*".to_string()]),
                ("@common".to_string(), vec!["../libs/common".to_string()]),
                (
                    "@x/*".to_string(),
                    vec!["nope/*".to_string(), "../other/*".to_string()],
                ),
            ],
            paths_base: Some(PathBuf::from("/ws")),
            ..TsConfig::default()
        };
        let r = resolver(tsconfig);
        assert_eq!(
            resolve(&r, &fs, "src/a.ts", "@app/user").as_deref(),
            Some("src/app/user.ts")
        );
        assert_eq!(
            resolve(&r, &fs, "src/a.ts", "@common").as_deref(),
            Some("libs/common/index.ts")
        );
        assert_eq!(
            resolve(&r, &fs, "src/a.ts", "@x/x").as_deref(),
            Some("other/x.ts")
        );
        assert_eq!(
            resolve(&r, &fs, "src/a.ts", "config").as_deref(),
            Some("src/config.ts")
        );
        assert_eq!(resolve(&r, &fs, "src/a.ts", "@nestjs/common"), None);
        assert_eq!(resolve(&r, &fs, "src/a.ts", "typeorm"), None);
    }

    #[test]
    fn longest_pattern_prefix_wins() {
        assert_eq!(match_pattern("@app/*", "@app/a/b"), Some((5, "a/b")));
        assert_eq!(match_pattern("*.entity", "user.entity"), Some((0, "user")));
        assert_eq!(match_pattern("@app/*", "@other/a"), None);
        let fs = files(&["a/x.ts", "b/x.ts"]);
        let tsconfig = TsConfig {
            base_url: None,
            paths: vec![
                ("@/*".to_string(), vec!["a/*".to_string()]),
                ("@/deep/*".to_string(), vec!["b/*".to_string()]),
            ],
            paths_base: Some(PathBuf::from("/ws")),
            ..TsConfig::default()
        };
        let r = resolver(tsconfig);
        assert_eq!(
            resolve(&r, &fs, "src/a.ts", "@/deep/x").as_deref(),
            Some("b/x.ts")
        );
        assert_eq!(
            resolve(&r, &fs, "src/a.ts", "@/x").as_deref(),
            Some("a/x.ts")
        );
    }

    #[test]
    fn absolute_specifiers_of_source_files() {
        let r = resolver(TsConfig::default());
        let spec = |p: &str| r.absolute_specifier(Path::new(p));
        assert_eq!(
            spec("/ws/src/user/user.entity.ts").as_deref(),
            Some("src/user/user.entity")
        );
        assert_eq!(spec("/ws/src/user/index.ts").as_deref(), Some("src/user"));
        assert_eq!(spec("/ws/src/index.ts").as_deref(), Some("src/index"));
        assert_eq!(spec("/ws/src/esm/a.mts").as_deref(), Some("src/esm/a.mjs"));
        assert_eq!(
            spec("/ws/src/user/../post/p.ts").as_deref(),
            Some("src/post/p")
        );
        assert_eq!(spec("/ws/test/a.ts"), None);
        assert_eq!(spec("/ws/src/types.d.ts"), None);
        assert_eq!(spec("/ws/src/readme.md"), None);
        assert!(r.in_source_root(Path::new("/ws/src/a.ts")));
        assert!(!r.in_source_root(Path::new("/ws/srcx/a.ts")));
        assert!(!r.in_source_root(Path::new("/ws/test/a.ts")));
        assert!(Resolver::is_relative("./a") && is_relative("..") && !is_relative(".a"));
        assert!(!is_relative("src/a"));
    }

    fn load(files: &[(&str, &str)]) -> (TsConfig, Vec<String>) {
        let map: HashMap<PathBuf, String> = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        TsConfig::load_with(Path::new("/ws/tsconfig.json"), &|p| map.get(p).cloned())
    }

    #[test]
    fn tsconfig_follows_extends_relative_to_each_file() {
        let (ts, errors) = load(&[
            (
                "/ws/tsconfig.json",
                r#"{ "extends": ["./config/base", "@tsconfig/node20"], // jsonc
                    "compilerOptions": { "strict": true, }, }"#,
            ),
            (
                "/ws/config/base.json",
                r#"{ "compilerOptions": { "baseUrl": "..", "paths": { "@app/*": ["src/*"] } } }"#,
            ),
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(ts.base_url, Some(PathBuf::from("/ws")));
        assert_eq!(
            ts.paths,
            vec![("@app/*".to_string(), vec!["src/*".to_string()])]
        );
        assert_eq!(ts.paths_base, Some(PathBuf::from("/ws/config")));
    }

    #[test]
    fn child_options_override_the_base() {
        let (ts, _) = load(&[
            (
                "/ws/tsconfig.json",
                r#"{ "extends": "./b.json", "compilerOptions": { "baseUrl": "src" } }"#,
            ),
            (
                "/ws/b.json",
                r#"{ "compilerOptions": { "baseUrl": "lib" } }"#,
            ),
        ]);
        assert_eq!(ts.base_url, Some(PathBuf::from("/ws/src")));
    }

    #[test]
    fn extends_cycles_and_bad_json_are_reported_not_fatal() {
        let (ts, errors) = load(&[
            (
                "/ws/tsconfig.json",
                r#"{ "extends": "./a.json", "compilerOptions": { "baseUrl": "." } }"#,
            ),
            ("/ws/a.json", r#"{ "extends": "./tsconfig.json" }"#),
        ]);
        assert_eq!(ts.base_url, Some(PathBuf::from("/ws")));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("cycle"));

        let (ts, errors) = load(&[("/ws/tsconfig.json", "{ \"compilerOptions\": ")]);
        assert_eq!(ts, TsConfig::default());
        assert_eq!(errors.len(), 1);

        let (_, errors) = load(&[("/ws/tsconfig.json", r#"{ "extends": "./gone" }"#)]);
        assert!(errors[0].contains("not found"));

        let (ts, errors) = load(&[]);
        assert_eq!((ts, errors.len()), (TsConfig::default(), 0));
    }

    #[test]
    fn a_service_tsconfig_governs_the_imports_of_its_files() {
        // A monorepo checked from its root: the root tsconfig declares no `paths`, each
        // service's does (`@svc/*` relative to that service).
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = normalize(dir.path()).unwrap_or_else(|| dir.path().to_path_buf());
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap_or(&root))
                .unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
        };
        write("tsconfig.json", "{}");
        write(
            "services/a/tsconfig.json",
            r#"{ "compilerOptions": { "paths": { "@svc/*": ["./*"] } } }"#,
        );
        write(
            "services/a/src/users/user.ts",
            "export type Id = number | null;",
        );
        write("services/b/src/users/user.ts", "export type Id = number;");
        let (tsconfig, _) = TsConfig::load(&root);
        let resolver = Resolver::new(&root, &Config::default(), tsconfig);
        let exists = |p: &Path| p.is_file();
        let from = root.join("services/a/src/messages/message.ts");
        assert_eq!(
            resolver.resolve(&from, "@svc/src/users/user", &exists),
            Some(root.join("services/a/src/users/user.ts"))
        );
        // Outside the service its `paths` mean nothing.
        let outside = root.join("services/b/src/messages/message.ts");
        assert_eq!(
            resolver.resolve(&outside, "@svc/src/users/user", &exists),
            None
        );
    }

    #[test]
    fn load_reads_from_disk() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            dir.path().join("tsconfig.json"),
            r#"{ "compilerOptions": { "paths": { "@app/*": ["./src/*"] } } }"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let (ts, errors) = TsConfig::load(dir.path());
        assert!(errors.is_empty());
        assert_eq!(ts.paths.len(), 1);
        assert_eq!(ts.paths_base.as_deref(), normalize(dir.path()).as_deref());
    }

    #[test]
    fn the_nearest_tsconfig_decides_strict_null_checks_through_extends() {
        let files: HashMap<PathBuf, String> = [
            (
                "/ws/tsconfig.base.json",
                r#"{ "compilerOptions": { "strict": true } }"#,
            ),
            (
                "/ws/tsconfig.json",
                r#"{ "extends": "./tsconfig.base.json" }"#,
            ),
            (
                "/ws/packages/legacy/tsconfig.json",
                r#"{ "extends": "../../tsconfig.json", // jsonc
                     "compilerOptions": { "strictNullChecks": false, }, }"#,
            ),
            (
                "/ws/packages/loose/tsconfig.json",
                r#"{ "compilerOptions": {} }"#,
            ),
            (
                "/ws/packages/preset/tsconfig.json",
                r#"{ "extends": "@tsconfig/node20/tsconfig.json" }"#,
            ),
            (
                "/ws/packages/other/tsconfig.json",
                r#"{ "extends": "some-config/base.json" }"#,
            ),
        ]
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
        let read = |p: &Path| files.get(p).cloned();
        let resolver = Resolver::new(Path::new("/ws"), &Config::default(), TsConfig::default());
        let ask = |f: &str| resolver.strict_null_checks_with(Path::new(f), &read);
        assert_eq!(ask("/ws/src/a/user.entity.ts"), Some(true));
        assert_eq!(ask("/ws/packages/legacy/src/user.entity.ts"), Some(false));
        assert_eq!(ask("/ws/packages/loose/src/x.ts"), Some(false));
        assert_eq!(ask("/ws/packages/preset/src/x.ts"), Some(true));
        assert_eq!(ask("/ws/packages/other/src/x.ts"), None);
        // Asked again: the answer is remembered per folder.
        assert_eq!(ask("/ws/packages/legacy/src/other.entity.ts"), Some(false));
        let none = Resolver::new(Path::new("/other"), &Config::default(), TsConfig::default());
        assert_eq!(
            none.strict_null_checks_with(Path::new("/other/src/a.ts"), &read),
            None
        );
    }

    #[test]
    fn sibling_folders_share_the_tsconfig_found_for_the_first() {
        let reads = std::sync::atomic::AtomicUsize::new(0);
        let read = |p: &Path| {
            reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (p == Path::new("/ws/tsconfig.json"))
                .then(|| r#"{ "compilerOptions": { "strict": true } }"#.to_string())
        };
        let resolver = Resolver::new(Path::new("/ws"), &Config::default(), TsConfig::default());
        let ask = |f: &str| resolver.strict_null_checks_with(Path::new(f), &read);
        assert_eq!(ask("/ws/src/user/user.entity.ts"), Some(true));
        let first = reads.load(std::sync::atomic::Ordering::Relaxed);
        assert!(first > 0);
        assert_eq!(ask("/ws/src/order/order.entity.ts"), Some(true));
        // `order/` has no tsconfig (one read), `src/` is known from `user/`.
        assert_eq!(reads.load(std::sync::atomic::Ordering::Relaxed), first + 1);
    }
}
