//! Finding the files of a workspace.
//!
//! The CLI walks the whole workspace with `discover`; the language server asks
//! `is_candidate` when one file changes on disk. Both apply the same rules: TypeScript
//! sources only, `.gitignore` / `.ignore` honoured even outside a git repository, hidden
//! and build-output folders skipped, then the `include` / `exclude` globs of the config.

use crate::config::Config;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{DirEntry, Match, WalkBuilder};
use std::path::{Component, Path, PathBuf};

/// Folders never searched, whatever the ignore files say: dependencies, build output
/// and VCS data hold no sources of the project (and would be slow to parse).
pub const SKIPPED_DIRS: &[&str] = &["node_modules", "dist", "build", "coverage", ".git"];

/// The extensions of the files typeorm-lsp reads (`.d.ts` excluded separately).
const EXTENSIONS: &[&str] = &["ts", "mts", "cts", "tsx"];

/// The ignore files honoured, lowest precedence first (as the `ignore` crate orders them).
const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore"];

/// Every TypeScript source file of the workspace that the config selects, sorted.
pub fn discover(root: &Path, config: &Config) -> Vec<PathBuf> {
    let mut files = Vec::new();
    discover_each(root, config, |path| files.push(path));
    files.sort();
    files
}

/// [`discover`] one file at a time, in walk order, as the walk finds them (so that the
/// files found first can be read and parsed while the walk goes on).
pub fn discover_each(root: &Path, config: &Config, mut found: impl FnMut(PathBuf)) {
    let filter = GlobFilter::new(config);
    let files = walk_files(root, config)
        .filter(|path| has_source_extension(path))
        .filter(|path| relative(root, path).is_some_and(|rel| filter.selects(&rel)));
    for path in files {
        found(path);
    }
}

/// Every file under `root` the walk keeps: ignore files honoured, hidden, skipped and
/// excluded folders pruned (the selection by extension and globs is the caller's).
fn walk_files(root: &Path, config: &Config) -> impl Iterator<Item = PathBuf> {
    let prune_root = root.to_path_buf();
    let prune_filter = GlobFilter::new(config);
    WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .ignore(true)
        .require_git(false)
        .filter_entry(move |entry| keep_entry(&prune_root, &prune_filter, entry))
        .build()
        .filter_map(|entry| match entry {
            Ok(entry) => Some(entry),
            Err(err) => {
                eprintln!("typeorm-lsp: skipping an unreadable path: {err}");
                None
            }
        })
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .map(DirEntry::into_path)
}

/// The extensions of script files typeorm-lsp does not read but whose imports can name a
/// TypeScript module (a JavaScript file beside the sources, a Vue or Svelte component).
const SCRIPT_EXTENSIONS: &[&str] = &["js", "jsx", "mjs", "cjs", "vue", "svelte"];

/// The script files of the workspace that typeorm-lsp does not parse (see
/// [`SCRIPT_EXTENSIONS`]), by the same walk rules as [`discover`]: a rename of a
/// TypeScript module must not leave one of them naming the old file.
pub fn script_files(root: &Path, config: &Config) -> Vec<PathBuf> {
    walk_files(root, config)
        .filter(|path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| SCRIPT_EXTENSIONS.contains(&e))
        })
        .collect()
}

/// The files with one of `extensions` in a folder named `migrations` (or `migration`), by
/// the same walk rules as [`discover`], sorted: a schema history that is not TypeORM
/// migration classes in TypeScript. `.sql` files of a SQL migration runner (postgrator,
/// Flyway, dbmate), or TypeORM migrations written in JavaScript (Misskey's
/// `migration/*.js`, loaded by a DataSource glob), which typeorm-lsp does not parse as
/// sources.
pub fn migration_folder_files(root: &Path, config: &Config, extensions: &[&str]) -> Vec<PathBuf> {
    let in_migrations = |path: &Path| {
        relative(root, path).is_some_and(|rel| {
            rel.split('/').any(|part| {
                let part = part.to_ascii_lowercase();
                part == "migrations" || part == "migration"
            })
        })
    };
    let mut files: Vec<PathBuf> = walk_files(root, config)
        .filter(|path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
        })
        .filter(|path| in_migrations(path))
        .collect();
    files.sort();
    files
}

/// Whether one file (e.g. changed on disk) belongs to the workspace by the same rules as
/// `discover`: under `root`, a TypeScript source, in no hidden or skipped folder, not
/// ignored by a `.gitignore` / `.ignore` between it and the filesystem root, and selected
/// by the config's globs. Does not check that the file exists.
pub fn is_candidate(root: &Path, path: &Path, config: &Config) -> bool {
    let Some(rel) = relative(root, path) else {
        return false;
    };
    if !has_source_extension(path) || rel.split('/').any(is_skipped_name) {
        return false;
    }
    GlobFilter::new(config).selects(&rel) && !ignored_by_files(path)
}

/// Decides, while walking, whether to descend into / keep an entry: skipped and hidden
/// names go, and so do folders the exclude globs name (pruned, not walked).
fn keep_entry(root: &Path, filter: &GlobFilter, entry: &DirEntry) -> bool {
    if entry.depth() == 0 {
        return true;
    }
    let name = entry.file_name().to_string_lossy();
    if is_skipped_name(&name) {
        return false;
    }
    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
    match (is_dir, relative(root, entry.path())) {
        (true, Some(rel)) => !filter.excludes(&rel),
        _ => true,
    }
}

/// The source files under `dir` (a folder created or moved in while the server runs),
/// without the always-skipped folders; the caller decides which belong to a workspace.
pub fn source_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            if kind.is_dir() && !is_skipped_name(&name.to_string_lossy()) {
                stack.push(path);
            } else if kind.is_file() && has_source_extension(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Hidden (dot) names and the always-skipped folders.
fn is_skipped_name(name: &str) -> bool {
    SKIPPED_DIRS.contains(&name) || (name.starts_with('.') && name != "." && name != "..")
}

/// `.ts`, `.mts`, `.cts` and `.tsx` files, but not declaration files (`.d.ts`,
/// `.d.mts`, ...), which hold no entities or queries.
fn has_source_extension(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    EXTENSIONS.contains(&ext) && !stem.ends_with(".d")
}

/// The path relative to `root` with `/` separators, `None` outside the root or when the
/// path climbs out with `..`.
fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?.to_string()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// Whether a `.gitignore` / `.ignore` file in a folder above `path` ignores it, the
/// deepest decision winning (as git and the walker do).
fn ignored_by_files(path: &Path) -> bool {
    for dir in path.ancestors().skip(1) {
        for name in IGNORE_FILES.iter().rev() {
            let file = dir.join(name);
            if !file.is_file() {
                continue;
            }
            match ignore_file_matcher(dir, &file).matched_path_or_any_parents(path, false) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
    }
    false
}

/// The matcher of one ignore file; unreadable or bad lines are dropped (the walker does
/// the same), so a broken ignore file ignores less, never everything.
fn ignore_file_matcher(dir: &Path, file: &Path) -> Gitignore {
    let mut builder = GitignoreBuilder::new(dir);
    if let Some(err) = builder.add(file) {
        eprintln!("typeorm-lsp: {}: {err}", file.display());
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// The include / exclude globs of the config. A glob selects a file when it matches the
/// file's relative path or one of its folders (`exclude: ["test"]` drops `test/a.ts`).
#[derive(Clone)]
struct GlobFilter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl GlobFilter {
    fn new(config: &Config) -> Self {
        GlobFilter {
            include: glob_set(&config.include),
            exclude: glob_set(&config.exclude),
        }
    }

    /// Whether the file at `rel` is checked: included (or no includes) and not excluded.
    fn selects(&self, rel: &str) -> bool {
        let included = match &self.include {
            Some(set) => matches_self_or_folder(set, rel),
            None => true,
        };
        included && !self.excludes(rel)
    }

    fn excludes(&self, rel: &str) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|set| matches_self_or_folder(set, rel))
    }
}

/// Whether the set matches `rel` or one of its leading folders.
fn matches_self_or_folder(set: &GlobSet, rel: &str) -> bool {
    if set.is_match(rel) {
        return true;
    }
    rel.match_indices('/')
        .filter_map(|(i, _)| rel.get(..i))
        .any(|folder| set.is_match(folder))
}

/// Compiles globs with `*` not crossing `/` (gitignore-like; `**` crosses). Invalid globs
/// are reported by config validation and skipped here. `None` when there are none.
fn glob_set(globs: &[String]) -> Option<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    let mut any = false;
    for glob in globs {
        let pattern = glob.trim_start_matches("./");
        match GlobBuilder::new(pattern).literal_separator(true).build() {
            Ok(compiled) => {
                builder.add(compiled);
                any = true;
            }
            Err(err) => eprintln!("typeorm-lsp: ignoring the invalid glob {glob:?}: {err}"),
        }
    }
    if !any {
        return None;
    }
    builder.build().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn workspace(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for file in files {
            let path = dir.path().join(file);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            fs::write(&path, "export {};\n").unwrap_or_else(|e| panic!("{e}"));
        }
        dir
    }

    fn found(dir: &Path, config: &Config) -> Vec<String> {
        discover(dir, config)
            .iter()
            .filter_map(|p| relative(dir, p))
            .collect()
    }

    #[test]
    fn finds_typescript_sources_only_sorted() {
        let dir = workspace(&[
            "src/b.ts",
            "src/a.entity.ts",
            "src/x.mts",
            "src/y.cts",
            "src/view.tsx",
            "src/types.d.ts",
            "src/main.js",
            "README.md",
        ]);
        assert_eq!(
            found(dir.path(), &Config::default()),
            vec![
                "src/a.entity.ts",
                "src/b.ts",
                "src/view.tsx",
                "src/x.mts",
                "src/y.cts"
            ]
        );
    }

    #[test]
    fn skips_dependency_build_and_hidden_folders() {
        let dir = workspace(&[
            "src/a.ts",
            "node_modules/typeorm/index.ts",
            "src/node_modules/x.ts",
            "dist/a.ts",
            "build/a.ts",
            "coverage/a.ts",
            ".git/a.ts",
            ".cache/a.ts",
        ]);
        assert_eq!(found(dir.path(), &Config::default()), vec!["src/a.ts"]);
    }

    #[test]
    fn honours_gitignore_without_a_git_repository() {
        let dir = workspace(&["src/a.ts", "src/gen/b.ts", "src/gen/keep.ts", "tmp/c.ts"]);
        fs::write(
            dir.path().join(".gitignore"),
            "tmp/\nsrc/gen/*\n!src/gen/keep.ts\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let config = Config::default();
        assert_eq!(
            found(dir.path(), &config),
            vec!["src/a.ts", "src/gen/keep.ts"]
        );
        let root = dir.path();
        assert!(is_candidate(root, &root.join("src/a.ts"), &config));
        assert!(is_candidate(root, &root.join("src/gen/keep.ts"), &config));
        assert!(!is_candidate(root, &root.join("src/gen/b.ts"), &config));
        assert!(!is_candidate(root, &root.join("tmp/c.ts"), &config));
    }

    #[test]
    fn nested_ignore_files_apply_to_their_folder() {
        let dir = workspace(&["src/a.ts", "src/legacy/old.ts"]);
        fs::write(dir.path().join("src/.gitignore"), "legacy\n").unwrap_or_else(|e| panic!("{e}"));
        let config = Config::default();
        assert_eq!(found(dir.path(), &config), vec!["src/a.ts"]);
        let root = dir.path();
        assert!(!is_candidate(
            root,
            &root.join("src/legacy/old.ts"),
            &config
        ));
    }

    #[test]
    fn include_and_exclude_globs_apply_to_files_and_folders() {
        let dir = workspace(&[
            "src/a.ts",
            "src/a.spec.ts",
            "src/deep/b.ts",
            "test/t.ts",
            "scripts/s.ts",
        ]);
        let config = Config {
            include: vec!["src".to_string(), "test/**/*.ts".to_string()],
            exclude: vec!["**/*.spec.ts".to_string(), "src/deep".to_string()],
            ..Config::default()
        };
        assert_eq!(found(dir.path(), &config), vec!["src/a.ts", "test/t.ts"]);
        let root = dir.path();
        assert!(is_candidate(root, &root.join("src/a.ts"), &config));
        assert!(!is_candidate(root, &root.join("src/a.spec.ts"), &config));
        assert!(!is_candidate(root, &root.join("src/deep/b.ts"), &config));
        assert!(!is_candidate(root, &root.join("scripts/s.ts"), &config));
    }

    #[test]
    fn single_star_does_not_cross_folders() {
        let dir = workspace(&["src/a.ts", "src/sub/b.ts"]);
        let config = Config {
            include: vec!["src/*.ts".to_string()],
            ..Config::default()
        };
        assert_eq!(found(dir.path(), &config), vec!["src/a.ts"]);
    }

    #[test]
    fn candidates_outside_the_root_or_in_skipped_folders_are_rejected() {
        let dir = workspace(&[]);
        let root = dir.path();
        let config = Config::default();
        assert!(!is_candidate(root, Path::new("/elsewhere/a.ts"), &config));
        assert!(!is_candidate(root, &root.join("../a.ts"), &config));
        assert!(!is_candidate(
            root,
            &root.join("node_modules/x/a.ts"),
            &config
        ));
        assert!(!is_candidate(root, &root.join(".vscode/a.ts"), &config));
        assert!(!is_candidate(root, &root.join("src/a.d.ts"), &config));
        assert!(!is_candidate(root, &root.join("src/a.js"), &config));
        assert!(is_candidate(root, &root.join("src/a.ts"), &config));
    }
}
