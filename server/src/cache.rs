//! On-disk cache of per-file facts (`check --cache`): a warm run parses only the files
//! whose text changed since the last run. Facts are computed from a file's text and its
//! grammar (its extension, so its path), so the path and the text's hash are the whole key;
//! the tool version is part of the format, so an upgrade
//! starts afresh. A missing, stale or corrupt cache is simply rebuilt.

use crate::model::SourceFile;
use crate::syntax::FileFacts;
use crate::workspace::read_source;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The folder, under the workspace root, that holds the cache.
pub const CACHE_DIR: &str = ".typeorm-lsp-cache";
const CACHE_FILE: &str = "facts.bin";
/// Bumped whenever `FileFacts` changes shape (v2: default exports, export renames,
/// decorator-wrapper functions) or meaning (v5: `.tsx` files read with the TSX grammar; v6:
/// `require('./x').Name` records the name it reads; v7: decorated accessors are properties;
/// v8: a local const holding a member path is followed in SQL text; v9: migrations that
/// mention a `QueryRunner` index method are marked; v12: a function declaration returning an
/// object literal is kept among the consts; v13: BigInt literals are `Value::BigInt`,
/// functions in object literals `Value::Function`, wrappers returning `Column(options)`
/// recorded with their PostgreSQL type rewrites).
const FORMAT: &str = concat!("typeorm-lsp facts v13 ", env!("CARGO_PKG_VERSION"));

/// [`FORMAT`] and the identity (size, modification time) of the running executable: a
/// cache written by another build is never read, even when a change of `FileFacts`
/// forgot to bump the format (the language server reads the cache on every start, and
/// a build between two starts is the usual case while developing).
fn format_key() -> &'static str {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        let exe = std::env::current_exe().and_then(std::fs::metadata);
        let stamp = exe.ok().map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!(" exe {} {modified}", m.len())
        });
        format!("{FORMAT}{}", stamp.unwrap_or_default())
    })
}

pub type TextHash = [u8; 20];

pub fn hash(text: &str) -> TextHash {
    Sha1::digest(text.as_bytes()).into()
}

#[derive(Deserialize)]
struct Stored {
    format: String,
    entries: Vec<(PathBuf, TextHash, FileFacts)>,
}

#[derive(Serialize)]
struct StoredRef<'a> {
    format: &'a str,
    entries: Vec<(&'a Path, TextHash, &'a FileFacts)>,
}

/// The facts of the last run, by path.
#[derive(Default)]
pub struct FactCache {
    entries: HashMap<PathBuf, (TextHash, FileFacts)>,
}

impl FactCache {
    /// Reads the cache of a workspace; empty when there is none or it cannot be used.
    pub fn open(root: &Path) -> FactCache {
        let (cache, problem) = FactCache::open_dir(&root.join(CACHE_DIR));
        if let Some(problem) = problem {
            eprintln!("warning: {problem}");
        }
        cache
    }

    /// Reads the cache kept in `dir`: empty when there is none, it was written by another
    /// version, or it cannot be read (then with a message saying so, for the log).
    pub fn open_dir(dir: &Path) -> (FactCache, Option<String>) {
        let file = dir.join(CACHE_FILE);
        let Ok(bytes) = std::fs::read(&file) else {
            return (FactCache::default(), None);
        };
        match postcard::from_bytes::<Stored>(&bytes) {
            Ok(stored) if stored.format == format_key() => {
                let entries = stored
                    .entries
                    .into_iter()
                    .map(|(p, h, f)| (p, (h, f)))
                    .collect();
                (FactCache { entries }, None)
            }
            Ok(_) => (FactCache::default(), None),
            Err(e) => {
                let problem = format!("{}: unreadable cache ignored: {e}", file.display());
                (FactCache::default(), Some(problem))
            }
        }
    }

    /// How many entries were not taken (files gone or changed since the last run).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Takes the cached facts of `path` if they were computed from a text with this hash.
    pub fn take(&mut self, path: &Path, hash: &TextHash) -> Option<FileFacts> {
        match self.entries.remove(path) {
            Some((h, facts)) if h == *hash => Some(facts),
            _ => None,
        }
    }
}

/// Writes the cache for `files` (path, text hash, facts) atomically, with a `.gitignore`
/// that keeps the folder out of version control.
pub fn save<'a>(
    root: &Path,
    files: impl Iterator<Item = (&'a Path, TextHash, &'a FileFacts)>,
) -> std::io::Result<()> {
    save_dir(&root.join(CACHE_DIR), files)
}

/// Like [`save`], into the folder `dir`.
pub fn save_dir<'a>(
    dir: &Path,
    files: impl Iterator<Item = (&'a Path, TextHash, &'a FileFacts)>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, "# Written by typeorm-lsp.\n*\n")?;
    }
    let stored = StoredRef {
        format: format_key(),
        entries: files.collect(),
    };
    let bytes = postcard::to_stdvec(&stored).map_err(std::io::Error::other)?;
    let target = dir.join(CACHE_FILE);
    let tmp = dir.join(format!("{CACHE_FILE}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &target)
}

/// Where the language server keeps the fact cache of a workspace folder: the folder's
/// own `.typeorm-lsp-cache/` when `check --cache` created one, else a folder per
/// workspace under the user's cache directory (`$TYPEORM_LSP_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/typeorm-lsp`, else `~/.cache/typeorm-lsp`), so that opening a
/// project never writes into it. None when there is no such directory.
pub fn lsp_cache_dir(root: &Path) -> Option<PathBuf> {
    let local = root.join(CACHE_DIR);
    if local.is_dir() {
        return Some(local);
    }
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let base = env("TYPEORM_LSP_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| env("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("typeorm-lsp")))
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".cache/typeorm-lsp")))?;
    let digest = Sha1::digest(root.as_os_str().as_encoded_bytes());
    let name: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Some(base.join(name))
}

/// A file read for a scan, and whether its facts came from the cache.
pub struct Loaded {
    pub file: SourceFile,
    /// The text's hash, when there is a cache to key.
    pub hash: Option<TextHash>,
    pub from_cache: bool,
}

/// Reads `paths` in parallel and computes their facts, reusing the cached facts of
/// unchanged texts when there is a cache (texts are hashed only then). Unreadable files
/// give a message instead.
pub fn load_files(
    paths: &[PathBuf],
    cache: Option<&Mutex<FactCache>>,
) -> Vec<Result<Loaded, String>> {
    paths
        .par_iter()
        .map(|path| load_file(path, cache))
        .collect()
}

/// A file read and parsed without a cache (a cold start).
pub fn parsed(path: PathBuf, text: String) -> Loaded {
    Loaded {
        file: SourceFile::new(path, text),
        hash: None,
        from_cache: false,
    }
}

/// Reads one file and computes its facts, or takes them from the cache (see
/// [`load_files`]).
pub fn load_file(path: &Path, cache: Option<&Mutex<FactCache>>) -> Result<Loaded, String> {
    let text = read_source(path)?;
    let hash = cache.map(|_| hash(&text));
    let cached = cache
        .zip(hash.as_ref())
        .and_then(|(c, h)| c.lock().ok()?.take(path, h));
    let from_cache = cached.is_some();
    let file = match cached {
        Some(facts) => SourceFile::with_facts(path.to_path_buf(), text, facts),
        None => SourceFile::new(path.to_path_buf(), text),
    };
    Ok(Loaded {
        file,
        hash,
        from_cache,
    })
}
