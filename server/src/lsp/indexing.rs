//! The workspace folder scans, in the background with `$/progress`: for each folder,
//! walk it and parse each file as the walk finds it (reporting a percentage every 100
//! ms), build the model, swap it in. Requests are answered meanwhile from the model of the open documents; their
//! diagnostics wait for the scan (see `Session::indexing`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;

use tower_lsp_server::ls_types::{MessageType, NumberOrString};

use super::analysis::sync_open;
use super::session::{uri_path, Session};
use crate::cache::{self, FactCache};
use crate::model::SourceFile;
use crate::resolve::{Resolver, TsConfig};
use crate::staging;
use crate::workspace::Workspace;

/// How often the scan reports its progress.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// The progress token of the first scan; later scans (folders added) append a number.
pub const TOKEN: &str = "typeorm-lsp/indexing";

type Ongoing =
    tower_lsp_server::OngoingProgress<tower_lsp_server::Bounded, tower_lsp_server::NotCancellable>;

/// Test hook: milliseconds the scan waits before it starts, so that end-to-end tests can
/// open and edit documents while a folder certainly still loads. Unset outside tests.
pub const TEST_INDEX_DELAY_ENV: &str = "TYPEORM_LSP_TEST_INDEX_DELAY_MS";

/// Test hook: when set, listing a folder's files panics (a failed scan). Unset outside
/// tests.
pub const TEST_SCAN_FAILS_ENV: &str = "TYPEORM_LSP_TEST_SCAN_FAILS";

/// Scans the folders at `roots`, one after the other under one progress report, and
/// then asks the analysis task for a full check.
pub async fn index(session: Arc<Session>, roots: Vec<PathBuf>) {
    if roots.is_empty() {
        return;
    }
    let delay = std::env::var(TEST_INDEX_DELAY_ENV).ok();
    if let Some(ms) = delay.and_then(|ms| ms.parse::<u64>().ok()) {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    let progress = begin(&session).await;
    let mut count = 0;
    for (nth, root) in roots.iter().enumerate() {
        let step = Step {
            progress: progress.as_ref(),
            nth,
            of: roots.len(),
        };
        count += index_folder(&session, root, step).await;
    }
    // The open documents have waited for the scan: checked at once. Without any, the
    // debounce lets a document opened right now join the run (before the closed files
    // take both cores).
    let waiting = !session.docs.uris().is_empty();
    session.schedule(|p| {
        p.full = true;
        p.at_once = waiting;
    });
    session
        .log(MessageType::INFO, format!("indexed {count} files"))
        .await;
    if let Some(p) = progress {
        p.finish_with_message(format!("{count} files")).await;
    }
}

/// Where one folder's scan stands in the whole run, for the percentage.
#[derive(Clone, Copy)]
struct Step<'a> {
    progress: Option<&'a Ongoing>,
    nth: usize,
    of: usize,
}

impl Step<'_> {
    async fn report(&self, root: &Path, done: usize, total: usize) {
        let Some(p) = self.progress else {
            return;
        };
        let whole = (self.nth * total.max(1) + done) * 100 / (self.of * total.max(1)).max(1);
        let pct = u32::try_from(whole).unwrap_or(100).min(100);
        let name = root
            .file_name()
            .unwrap_or(root.as_os_str())
            .to_string_lossy();
        p.report_with_message(format!("{name}: {done}/{total} files"), pct)
            .await;
    }
}

/// Scans one folder: its configuration, its files (without those of nested folders),
/// then its model, swapped in; returns how many files it holds. A folder removed
/// meanwhile is skipped.
async fn index_folder(session: &Arc<Session>, root: &Path, step: Step<'_>) -> usize {
    let config_changes = session.config_changes();
    let (s, r) = (session.clone(), root.to_path_buf());
    let configured = tokio::task::spawn_blocking(move || {
        if std::env::var_os(TEST_SCAN_FAILS_ENV).is_some() {
            panic!("{TEST_SCAN_FAILS_ENV} is set");
        }
        let settings = s.folders().get(&r)?.settings.clone();
        Some(s.effective_config(&r, settings.as_ref()))
    })
    .await;
    let (config, problems) = match configured {
        Ok(Some(found)) => found,
        // The folder was removed meanwhile.
        Ok(None) => return 0,
        Err(err) => {
            let msg = format!("{}: listing the files failed: {err}", root.display());
            session.log(MessageType::ERROR, msg).await;
            give_up(session, root);
            return 0;
        }
    };
    for p in problems {
        session.log(MessageType::WARNING, p.clone()).await;
        session
            .client
            .show_message(MessageType::WARNING, format!("typeorm-lsp: {p}"))
            .await;
    }
    let started = Instant::now();
    // The facts of files unchanged since the last scan come from the cache: a second
    // start parses only what changed.
    let cache_dir = cache::lsp_cache_dir(root);
    let cache = match cache_dir.clone() {
        Some(dir) => {
            let (facts, problem) = tokio::task::spawn_blocking(move || FactCache::open_dir(&dir))
                .await
                .unwrap_or_default();
            if let Some(problem) = problem {
                session.log(MessageType::WARNING, problem).await;
            }
            Some(Arc::new(Mutex::new(facts)))
        }
        None => None,
    };
    // An empty cache (a cold start) has nothing to look up: the texts are hashed for it
    // later, while it is written in the background, not before the model is in place.
    let cold = cache
        .as_ref()
        .is_some_and(|c| c.lock().map(|c| c.is_empty()).unwrap_or(false));
    let lookup = if cold { None } else { cache.clone() };
    let counts = Arc::new(Counts::default());
    let (s, r, c, walk_config) = (
        session.clone(),
        root.to_path_buf(),
        counts.clone(),
        config.clone(),
    );
    let loading = tokio::task::spawn_blocking(move || {
        walk_and_load(&s, &r, &walk_config, lookup.as_deref(), &c)
    });
    tokio::pin!(loading);
    // Progress from the counts while the pool loads (the total grows as the walk goes).
    let mut tick = tokio::time::interval(PROGRESS_EVERY);
    let (loaded, held) = loop {
        tokio::select! {
            done = &mut loading => break done.unwrap_or_default(),
            _ = tick.tick() => {
                let (done, found) = counts.get();
                step.report(root, done, found).await;
            }
        }
    };
    let total = loaded.len() + held.len();
    step.report(root, total, total).await;
    let mut from_cache = 0;
    let mut files = BTreeMap::new();
    let mut hashes: Vec<(PathBuf, Option<cache::TextHash>)> = Vec::new();
    let mut parsed_afresh = false;
    for item in loaded {
        match item {
            Ok(l) => {
                parsed_afresh |= !l.from_cache;
                from_cache += usize::from(l.from_cache);
                if l.hash.is_some() || cold {
                    hashes.push((l.file.path.clone(), l.hash));
                }
                files.insert(l.file.path.clone(), Arc::new(l.file));
            }
            Err(problem) => session.log(MessageType::WARNING, problem).await,
        }
    }
    if !held.is_empty() {
        let later = first_stage(session, root, &config, &mut files, held, started).await;
        for (path, file) in later {
            hashes.push((path.clone(), None));
            files.insert(path, file);
        }
        parsed_afresh = true;
    }
    let parsed = started.elapsed();
    let count = files.len();
    // The files as read from disk (open buffers replace some of them in the workspace).
    let read: Vec<(Arc<SourceFile>, Option<cache::TextHash>)> = hashes
        .into_iter()
        .filter_map(|(p, h)| Some((files.get(&p)?.clone(), h)))
        .collect();
    let (s, r) = (session.clone(), root.to_path_buf());
    let built = tokio::task::spawn_blocking(move || {
        let ws = Workspace::with_files(&r, config, files);
        let warnings = ws.warnings.clone();
        install(&s, &r, ws);
        warnings
    })
    .await;
    match built {
        Ok(warnings) => {
            if session.config_changes() != config_changes {
                // Settings changed during the scan: the workspace swapped in was built
                // with the configuration read before; the next run reads it again.
                session.schedule(|p| p.reload_config = true);
            }
            for w in warnings {
                session.log(MessageType::WARNING, w).await;
            }
            let msg = format!(
                "{}: {count} files ({from_cache} from the cache) found, read and parsed in {} ms, \
                 model built in {} ms",
                root.display(),
                parsed.as_millis(),
                started.elapsed().saturating_sub(parsed).as_millis()
            );
            session.log(MessageType::INFO, msg).await;
            // Written in the background once the model is in place: nothing waits for it.
            let stale = cache
                .as_ref()
                .is_some_and(|c| c.lock().map(|c| !c.is_empty()).unwrap_or(true));
            if let (Some(dir), true) = (cache_dir, parsed_afresh || stale) {
                tokio::spawn(save_cache(session.clone(), dir, read));
            }
        }
        Err(err) => {
            let msg = format!("building the model failed: {err}");
            session.log(MessageType::ERROR, msg).await;
            give_up(session, root);
        }
    }
    count
}

/// The first stage of a cold start (see [`staging`]): completes `files` (the seeds and the
/// open documents) with what they import and what calls their entities, builds the model
/// of those, swaps it in and has the open documents checked; then parses the held rest
/// and returns it, for the whole model. Without a first stage to gain from (a workspace
/// that is all TypeORM), the held files are just parsed.
async fn first_stage(
    session: &Arc<Session>,
    root: &Path,
    config: &crate::config::Config,
    files: &mut BTreeMap<PathBuf, Arc<SourceFile>>,
    held: Held,
    started: Instant,
) -> Vec<(PathBuf, Arc<SourceFile>)> {
    let (s, r, c) = (session.clone(), root.to_path_buf(), config.clone());
    let seeds = files.clone();
    let held_paths: Vec<PathBuf> = held.keys().cloned().collect();
    let staged = tokio::task::spawn_blocking(move || {
        let mut held = held;
        let exists: HashSet<PathBuf> = seeds.keys().chain(held.keys()).cloned().collect();
        let resolver = Resolver::new(&r, &c, TsConfig::load(&r).0);
        let mut first: Vec<Arc<SourceFile>> = seeds.into_values().collect();
        staging::close_first_stage(
            &resolver,
            &mut first,
            &mut held,
            &|p: &Path| exists.contains(p),
            |f: &Arc<SourceFile>| (f.path.as_path(), &f.facts),
            |p: &Path, text| Some(Arc::new(SourceFile::new(p.to_path_buf(), text))),
        );
        let first: BTreeMap<PathBuf, Arc<SourceFile>> =
            first.into_iter().map(|f| (f.path.clone(), f)).collect();
        // A model of its own only if the first stage leaves a good share for later.
        let worth = held.len() * 5 >= exists.len();
        if worth {
            install(&s, &r, Workspace::with_files(&r, c, first.clone()));
        }
        (first, held, worth)
    })
    .await;
    let held = match staged {
        Ok((first, held, worth)) => {
            if worth {
                session.schedule(|p| p.at_once = true);
                let msg = format!(
                    "{}: first stage: {} files indexed in {} ms, {} left for the second",
                    root.display(),
                    first.len(),
                    started.elapsed().as_millis(),
                    held.len()
                );
                session.log(MessageType::INFO, msg).await;
            }
            *files = first;
            held.into_iter().collect::<Vec<_>>()
        }
        Err(err) => {
            // Read the held files again rather than lose them.
            let msg = format!("{}: the first stage failed: {err}", root.display());
            session.log(MessageType::ERROR, msg).await;
            held_paths
                .into_iter()
                .filter_map(|p| {
                    let text = crate::workspace::read_source(&p).ok()?;
                    Some((p, Arc::from(text)))
                })
                .collect()
        }
    };
    tokio::task::spawn_blocking(move || {
        held.into_par_iter()
            .map(|(path, text)| {
                let file = Arc::new(SourceFile::new(path.clone(), text));
                (path, file)
            })
            .collect()
    })
    .await
    .unwrap_or_default()
}

/// How far a folder's load is: files found by the walk so far, and files loaded.
#[derive(Default)]
struct Counts {
    found: AtomicUsize,
    done: AtomicUsize,
}

impl Counts {
    /// (loaded, found).
    fn get(&self) -> (usize, usize) {
        let done = self.done.load(Ordering::Relaxed);
        (done, self.found.load(Ordering::Relaxed).max(done))
    }
}

/// Walks the folder and loads each file it owns (read and parsed, or its facts taken
/// from the cache) as soon as the walk finds it: the walk runs on a thread of its own
/// while the pool parses, so both cores parse from the start, and no batch waits for its
/// slowest file before the next begins (listing every file first, then loading batches
/// of 256, left a core idle for the walk and at the end of each batch). Results in path
/// order. Files of nested folders are left to their own folder.
///
/// With a cache to look up, a file costs less to load than to find: the pool would wait
/// on the walk file by file (ever-gauzy's warm start took 0.3 s longer), so the walk
/// lists them all first.
fn walk_and_load(
    session: &Session,
    root: &Path,
    config: &crate::config::Config,
    cache: Option<&Mutex<FactCache>>,
    counts: &Counts,
) -> (Vec<Result<cache::Loaded, String>>, Held) {
    let owned = |path: &PathBuf| session.folders().owner(path) == Some(root);
    if cache.is_some() {
        let mut paths = crate::discover::discover(root, config);
        paths.retain(owned);
        counts.found.store(paths.len(), Ordering::Relaxed);
        let loaded = paths
            .par_iter()
            .map(|path| {
                let item = cache::load_file(path, cache);
                counts.done.fetch_add(1, Ordering::Relaxed);
                item
            })
            .collect();
        return (loaded, Held::new());
    }
    // A cold start parses first what the open documents' diagnostics can depend on
    // (`staging`): the other texts are held, unparsed, for the second stage.
    let open: HashSet<PathBuf> = session.docs.uris().iter().filter_map(uri_path).collect();
    let held = Mutex::new(Held::new());
    let mut loaded: Vec<(PathBuf, Result<cache::Loaded, String>)> = std::thread::scope(|s| {
        let (found, paths) = std::sync::mpsc::channel();
        s.spawn(move || {
            crate::discover::discover_each(root, config, |path| {
                if owned(&path) {
                    counts.found.fetch_add(1, Ordering::Relaxed);
                    let _ = found.send(path);
                }
            })
        });
        paths
            .into_iter()
            .par_bridge()
            .filter_map(|path| {
                let item = match crate::workspace::read_source(&path) {
                    Ok(text) if !open.contains(&path) && !staging::is_seed(&text) => {
                        if let Ok(mut held) = held.lock() {
                            held.insert(path, Arc::from(text));
                            counts.done.fetch_add(1, Ordering::Relaxed);
                            return None;
                        }
                        Ok(cache::parsed(path.clone(), text))
                    }
                    Ok(text) => Ok(cache::parsed(path.clone(), text)),
                    Err(problem) => Err(problem),
                };
                counts.done.fetch_add(1, Ordering::Relaxed);
                Some((path, item))
            })
            .collect()
    });
    loaded.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let loaded = loaded.into_iter().map(|(_, item)| item).collect();
    (loaded, held.into_inner().unwrap_or_default())
}

/// Texts read but not parsed yet, by path (the second stage of a cold start).
type Held = HashMap<PathBuf, Arc<str>>;

/// After a failed scan, the folder's open files are checked with what the folder has (its
/// open buffers) rather than waiting for a scan that will not come.
fn give_up(session: &Session, root: &Path) {
    if let Some(state) = session.folders_mut().get_mut(root) {
        state.indexed = true;
    }
}

/// Writes the fact cache of a scanned folder (on the blocking pool) from the files as
/// they were read from disk, with the hash of each text.
async fn save_cache(
    session: Arc<Session>,
    dir: PathBuf,
    read: Vec<(Arc<SourceFile>, Option<cache::TextHash>)>,
) {
    let saved = tokio::task::spawn_blocking(move || {
        let entries = read.iter().map(|(f, h)| {
            let hash = h.unwrap_or_else(|| cache::hash(&f.text()));
            (f.path.as_path(), hash, &f.facts)
        });
        cache::save_dir(&dir, entries)
            .map_err(|e| format!("{}: cache not written: {e}", dir.display()))
    })
    .await;
    if let Ok(Err(problem)) = saved {
        session.log(MessageType::WARNING, problem).await;
    }
}

/// Swaps a scanned workspace in for its folder (if still there), with the folder's open
/// buffers (newer than the disk) put in first, outside the lock, so that requests never
/// see the model out of step with the editor and never wait for the rebuild.
fn install(session: &Session, root: &Path, mut ws: Workspace) {
    let open: Vec<_> = session
        .docs
        .uris()
        .into_iter()
        .filter_map(|u| session.docs.get(&u))
        .filter_map(|snap| Some((uri_path(&snap.uri)?, snap)))
        .collect();
    let owned: Vec<_> = {
        let folders = session.folders();
        open.iter()
            .filter(|(path, _)| folders.owner(path) == Some(root))
            .collect()
    };
    let mut changed = false;
    for (path, snap) in owned {
        changed |= sync_open(&mut ws, path, snap);
    }
    if changed {
        ws.rebuild();
    }
    let mut folders = session.folders_mut();
    if let Some(state) = folders.get_mut(root) {
        state.workspace = Arc::new(ws);
        state.indexed = true;
    }
}

/// Creates the progress token (if the client supports it) and sends `begin`.
async fn begin(session: &Session) -> Option<Ongoing> {
    if !session.caps().work_done_progress {
        return None;
    }
    let token = match session.next_scan() {
        0 => TOKEN.to_string(),
        n => format!("{TOKEN}/{n}"),
    };
    let token = NumberOrString::String(token);
    if let Err(err) = session
        .client
        .create_work_done_progress(token.clone())
        .await
    {
        eprintln!("typeorm-lsp: no progress reporting: {err}");
        return None;
    }
    let progress = session
        .client
        .progress(token, "typeorm-lsp: indexing")
        .with_percentage(0)
        .begin()
        .await;
    Some(progress)
}
