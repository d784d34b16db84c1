//! The background analysis: one long-lived task that wakes when documents, files on disk
//! or settings change, waits a short debounce, and then, off the async runtime (blocking
//! pool):
//!
//! 1. brings each folder's workspace up to date with the open buffers and the disk on a
//!    private copy of the published snapshot, and swaps the new snapshot in (requests keep
//!    reading the old one meanwhile and never wait);
//! 2. checks the open documents and publishes their diagnostics at once;
//! 3. re-checks the closed files whose findings the change can alter (the dependents of
//!    an edited file; every file after a rebuild or a settings change, whatever the size
//!    of the workspace: the phase stops early when superseded) and publishes them.
//!
//! Every notification that queues work bumps the session's revision; a run checks it
//! between files and stops early when superseded, putting back what it had still to
//! re-check. Results computed for a document version that has been superseded are
//! dropped when publishing: the edit that superseded it has woken the task again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;
use tower_lsp_server::ls_types::{Diagnostic, Location, MessageType, Uri};

use super::diagnostics::to_diagnostic;
use super::documents::DocSnapshot;
use super::position::{LineIndex, PositionEncoding};
use super::session::{path_uri, uri_path, FileResult, Pending, Session};
use crate::finding::{Finding, Span};
use crate::model::SourceFile;
use crate::workspace::{read_source, Workspace};

/// Quiet time after the first change before analysing: typing bursts become one run.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// Test hook: milliseconds the analysis sleeps before checking each open document (after
/// logging `checking <uri> version <n>`; it also logs when a run is superseded), so that
/// end-to-end tests can send requests while a run is certainly in progress. Unset
/// outside tests.
pub const TEST_DELAY_ENV: &str = "TYPEORM_LSP_TEST_ANALYSIS_DELAY_MS";

/// The outcome of one analysis phase.
#[derive(Debug, Default)]
pub struct Run {
    pub items: Vec<Item>,
    /// Problems to show the user (bad settings, unreadable files).
    pub messages: Vec<String>,
    /// Lines for the log only (how long a whole-workspace check took).
    pub notes: Vec<String>,
}

/// The diagnostics of one file.
#[derive(Debug)]
pub struct Item {
    pub uri: Uri,
    /// The document version analysed (None for files not open in the editor).
    pub version: Option<i32>,
    pub diagnostics: Vec<Diagnostic>,
    pub findings: Arc<Vec<Finding>>,
    /// The text the findings refer to.
    pub text: Arc<str>,
}

/// Which closed files of a folder a run re-checks after the open ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recheck {
    All,
    Files(HashSet<PathBuf>),
}

impl Recheck {
    fn merge(&mut self, other: Recheck) {
        match (&mut *self, other) {
            (Recheck::All, _) => {}
            (_, Recheck::All) => *self = Recheck::All,
            (Recheck::Files(a), Recheck::Files(b)) => a.extend(b),
        }
    }
}

/// The closed-file part of a run, for one folder.
struct Later {
    root: PathBuf,
    workspace: Arc<Workspace>,
    recheck: Recheck,
}

/// What the first phase leaves to the second.
struct Rest {
    later: Vec<Later>,
    /// Tables of edited entities: closed files whose query sites mention one are re-checked
    /// too (raw SQL names tables without importing their entity). Expanded in the second
    /// phase, off the path of the open documents' diagnostics.
    sql_tables: HashSet<String>,
    /// Look for closed files that left their workspace (to clear their diagnostics).
    vanish: bool,
}

/// Starts the analysis task.
pub fn spawn(session: Arc<Session>) {
    tokio::spawn(async move {
        // The closed-file phase of the previous run: the next run's first phase does
        // not wait for it (it reads its own snapshot), the next closed-file phase does
        // (so that results for a closed file are published in order).
        let mut later: Option<tokio::task::JoinHandle<()>> = None;
        loop {
            session.wake.notified().await;
            let _busy = session.busy();
            let at_once = std::mem::take(&mut session.pending().at_once);
            if !at_once {
                tokio::time::sleep(DEBOUNCE).await;
            }
            later = run_once(&session, later.take()).await;
        }
    });
}

/// One run: the first phase on the blocking pool, published; then the closed-file phase
/// in a task of its own (after `previous` ends), whose handle is returned.
async fn run_once(
    session: &Arc<Session>,
    previous: Option<tokio::task::JoinHandle<()>>,
) -> Option<tokio::task::JoinHandle<()>> {
    let revision = session.revision();
    let worker = session.clone();
    let first = tokio::task::spawn_blocking(move || analyze_open(&worker, revision)).await;
    let rest = match first {
        Ok(Some((run, rest))) => {
            publish(session, run).await;
            session.set_analyzed(revision);
            rest
        }
        Ok(None) => {
            test_log(session, "analysis superseded".to_string()).await;
            return previous;
        }
        Err(err) => {
            let msg = format!("analysis failed: {err}");
            session.log(MessageType::ERROR, msg).await;
            return previous;
        }
    };
    if rest.later.is_empty() && !rest.vanish {
        return previous;
    }
    let busy = session.busy();
    let session = session.clone();
    Some(tokio::spawn(async move {
        let _busy = busy;
        if let Some(previous) = previous {
            let _ = previous.await;
        }
        let worker = session.clone();
        match tokio::task::spawn_blocking(move || check_later(&worker, rest, revision)).await {
            Ok((run, stopped)) => {
                publish(&session, run).await;
                if stopped {
                    test_log(&session, "analysis superseded".to_string()).await;
                }
            }
            Err(err) => {
                let msg = format!("analysis failed: {err}");
                session.log(MessageType::ERROR, msg).await;
            }
        }
    }))
}

/// The test hook's delay (see [`TEST_DELAY_ENV`]), None in normal use.
fn test_delay() -> Option<Duration> {
    let ms = std::env::var(TEST_DELAY_ENV).ok()?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ms))
}

/// Logs a scheduling event to the client when the test hook is on.
async fn test_log(session: &Session, message: String) {
    if test_delay().is_some() {
        session.client.log_message(MessageType::LOG, message).await;
    }
}

/// Between two open documents: with the test hook on, logs which one comes next and
/// sleeps the hook's delay in slices. True once the run is superseded.
fn pause_for_test(session: &Session, revision: u64, next: &DocSnapshot) -> bool {
    let Some(delay) = test_delay() else {
        return session.superseded(revision);
    };
    let message = format!("checking {} version {}", next.uri.as_str(), next.version);
    // On the blocking pool: wait until the message is queued, so that it precedes
    // anything this run publishes.
    tokio::runtime::Handle::current()
        .block_on(session.client.log_message(MessageType::LOG, message));
    let slice = Duration::from_millis(5);
    let mut waited = Duration::ZERO;
    while waited < delay {
        if session.superseded(revision) {
            return true;
        }
        std::thread::sleep(slice);
        waited += slice;
    }
    session.superseded(revision)
}

/// The first phase: apply queued changes and open buffers to the folders' workspaces
/// (publishing the new snapshots), then check the open documents. Each file is checked
/// by the workspace of the folder it belongs to; open files outside every folder get no
/// diagnostics. None when superseded (what was still to do is queued again).
fn analyze_open(session: &Session, revision: u64) -> Option<(Run, Rest)> {
    let pending = std::mem::take(&mut *session.pending());
    let open: Vec<(Option<PathBuf>, DocSnapshot)> = session
        .docs
        .uris()
        .into_iter()
        .filter_map(|uri| session.docs.get(&uri))
        .map(|snap| (uri_path(&snap.uri), snap))
        .collect();
    let mut run = Run::default();
    let mut sql_tables = pending.sql_tables.clone();
    let updated = update_workspaces(session, &pending, &open, &mut run.messages, &mut sql_tables);
    let vanish = pending.full || pending.vanish || !updated.is_empty();
    let later = later_work(session, &pending, updated);
    let rest = Rest {
        later,
        vanish,
        sql_tables,
    };
    let enc = session.encoding();
    for (path, snap) in &open {
        if pause_for_test(session, revision, snap) {
            requeue(session, rest);
            return None;
        }
        // Nothing until the folder's first scan ends (the scan's own run checks it then).
        if session.indexing(path.as_deref()) {
            continue;
        }
        let workspace = path.as_deref().and_then(|p| session.workspace_of(p));
        run.items
            .extend(check_open(workspace.as_deref(), path.as_deref(), snap, enc));
    }
    Some((run, rest))
}

/// Which closed files each folder re-checks: all of them after `full`, what the
/// workspace updates said, and what a superseded run left.
fn later_work(
    session: &Session,
    pending: &Pending,
    updated: Vec<(PathBuf, Recheck)>,
) -> Vec<Later> {
    let mut later: Vec<Later> = Vec::new();
    for (root, workspace) in session.workspaces() {
        let mut recheck = Recheck::Files(HashSet::new());
        if pending.full {
            recheck = Recheck::All;
        }
        for (r, what) in &updated {
            if *r == root {
                recheck.merge(what.clone());
            }
        }
        let folders = session.folders();
        let left: HashSet<PathBuf> = pending
            .recheck
            .iter()
            .filter(|p| folders.owner(p) == Some(root.as_path()))
            .cloned()
            .collect();
        drop(folders);
        recheck.merge(Recheck::Files(left));
        if recheck != Recheck::Files(HashSet::new()) {
            later.push(Later {
                root,
                workspace,
                recheck,
            });
        }
    }
    later
}

/// Puts the closed-file work of a superseded run back in the queue (without waking
/// the task: whatever superseded the run has done that).
fn requeue(session: &Session, rest: Rest) {
    let mut pending = session.pending();
    pending.vanish |= rest.vanish;
    pending.sql_tables.extend(rest.sql_tables);
    for later in rest.later {
        match later.recheck {
            Recheck::All => pending.full = true,
            Recheck::Files(files) => pending.recheck.extend(files),
        }
    }
}

/// The files whose findings an incremental edit of `path` can change, from the model's
/// indexes: the file, the files declaring the entities it touches (declared in it or
/// inheriting from it), the files importing any of those, the files with query calls on
/// those entities' repositories, the files of entities whose relations name them (a
/// string target such as `'Post'` imports nothing), and the files whose raw SQL may name
/// their tables (their names go to `tables`, for [`raw_sql_naming`] in the second phase).
/// The caller asks both the workspace before the edit and the one after (a renamed table
/// or relation).
fn dependents(
    workspace: &Workspace,
    path: &Path,
    tables: &mut HashSet<String>,
) -> HashSet<PathBuf> {
    let model = &workspace.model;
    let mut out = HashSet::from([path.to_path_buf()]);
    let Some(fi) = model.file_index(path) else {
        return out;
    };
    let mut files: HashSet<usize> = HashSet::from([fi]);
    let mut callers: Vec<usize> = Vec::new();
    let mut names: HashSet<&str> = HashSet::new();
    for e in model.entities_touching(fi) {
        files.insert(e.file);
        callers.extend(model.links.calls_on(&e.name).iter().map(|(f, _)| *f));
        names.insert(&e.name);
        let table = e.table.rsplit('.').next().unwrap_or(&e.table);
        tables.insert(table.to_ascii_lowercase());
    }
    let declaring: Vec<usize> = files.iter().copied().collect();
    for f in declaring {
        files.extend(model.links.importers(f).iter().map(|site| site.file));
    }
    files.extend(callers);
    files.extend(
        model
            .entities
            .iter()
            .filter(|e| {
                e.relations
                    .iter()
                    .any(|r| r.target.as_deref().is_some_and(|t| names.contains(t)))
            })
            .map(|e| e.file),
    );
    out.extend(
        files
            .into_iter()
            .filter_map(|f| Some(model.file(f)?.path.clone())),
    );
    out
}

/// The files with query sites whose text has one of `tables` (lower case) as a word,
/// ASCII case folded as SQL folds unquoted names: raw SQL there may name the table
/// without importing its entity. A superset is fine: a file re-checked for nothing costs
/// its check only. One pass over each such file's words, whatever the number of tables.
fn raw_sql_naming(workspace: &Workspace, tables: &HashSet<String>) -> Vec<PathBuf> {
    if tables.is_empty() {
        return Vec::new();
    }
    let mut word = String::new();
    workspace
        .model
        .files
        .iter()
        .filter(|f| !f.facts.query_calls.is_empty() || !f.facts.query_builders.is_empty())
        .filter(|f| {
            let text = f.text();
            text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .any(|w| {
                    word.clear();
                    word.extend(w.chars().map(|c| c.to_ascii_lowercase()));
                    tables.contains(&word)
                })
        })
        .map(|f| f.path.clone())
        .collect()
}

/// Applies settings, disk changes and buffers to private copies of the workspaces and
/// publishes them; returns, for each folder whose workspace changed, which closed files
/// the change may affect.
fn update_workspaces(
    session: &Session,
    pending: &Pending,
    open: &[(Option<PathBuf>, DocSnapshot)],
    messages: &mut Vec<String>,
    sql_tables: &mut HashSet<String>,
) -> Vec<(PathBuf, Recheck)> {
    let configs = if pending.reload_config {
        reloaded_configs(session)
    } else {
        Vec::new()
    };
    let open_paths: HashSet<&Path> = open.iter().filter_map(|(p, _)| p.as_deref()).collect();
    let mut out = Vec::new();
    for (root, published) in session.workspaces() {
        let owned = |p: &Path| session.folders().owner(p) == Some(root.as_path());
        let config = configs.iter().find(|(r, _, _)| *r == root);
        let disk: Vec<&PathBuf> = pending
            .disk
            .iter()
            .filter(|p| !open_paths.contains(p.as_path()) && owned(p))
            .collect();
        let buffers: Vec<(&Path, Arc<SourceFile>)> = open
            .iter()
            .filter_map(|(p, snap)| Some((p.as_deref()?, snap)))
            .filter(|(p, _)| owned(p))
            .filter_map(|(p, snap)| Some((p, changed_buffer(&published, p, snap)?)))
            .collect();
        if config.is_none() && disk.is_empty() && buffers.is_empty() {
            continue;
        }
        let lost_disk: Vec<PathBuf> = disk.iter().map(|p| p.to_path_buf()).collect();
        // A private copy: requests go on reading `published` until the swap below.
        let mut ws = Workspace::clone(&published);
        let mut rebuild = false;
        if let Some((_, config, problems)) = config {
            messages.extend(problems.iter().cloned());
            let files = std::mem::take(&mut ws.files);
            ws = Workspace::with_files(&root, config.clone(), files);
        }
        for path in disk {
            rebuild |= sync_from_disk(&mut ws, path, messages);
        }
        let mut recheck = if config.is_some() || rebuild {
            Recheck::All
        } else {
            Recheck::Files(HashSet::new())
        };
        for (path, file) in buffers {
            if config.is_some() || rebuild {
                // The model is built again below, with this text.
                rebuild = true;
                ws.set_file(file);
            } else if ws.update_file(file) {
                // Typing in one buffer: the model updated only what that file can change
                // (judged before and after the edit: a renamed table or relation).
                recheck.merge(Recheck::Files(dependents(&ws, path, sql_tables)));
                recheck.merge(Recheck::Files(dependents(&published, path, sql_tables)));
            } else {
                recheck = Recheck::All;
            }
        }
        if rebuild {
            ws.rebuild();
        }
        if install(session, &root, &published, ws) {
            out.push((root, recheck));
        } else {
            // A scan swapped a fresh workspace in meanwhile (with the open buffers): the
            // disk changes and a full check go to the next run.
            let mut queue = session.pending();
            queue.disk.extend(lost_disk);
            queue.full = true;
            drop(queue);
            session.wake.notify_one();
        }
    }
    out
}

/// Swaps `ws` in as the folder's snapshot if the folder still publishes `base` (the
/// snapshot it was copied from); false otherwise.
fn install(session: &Session, root: &Path, base: &Arc<Workspace>, ws: Workspace) -> bool {
    let ws = Arc::new(ws);
    let mut folders = session.folders_mut();
    match folders.get_mut(root) {
        Some(state) if Arc::ptr_eq(&state.workspace, base) => {
            state.workspace = ws;
            true
        }
        _ => false,
    }
}

/// Every folder's configuration read afresh (files and settings), computed before the
/// write lock is taken.
fn reloaded_configs(session: &Session) -> Vec<(PathBuf, crate::config::Config, Vec<String>)> {
    let scoped: Vec<(PathBuf, Option<serde_json::Value>)> = session
        .folders()
        .iter()
        .map(|s| (s.root.clone(), s.settings.clone()))
        .collect();
    scoped
        .into_iter()
        .map(|(root, settings)| {
            let (config, problems) = session.effective_config(&root, settings.as_ref());
            (root, config, problems)
        })
        .collect()
}

/// Whether a path belongs to the workspace (under its root and selected by the config).
pub fn in_workspace(ws: &Workspace, path: &Path) -> bool {
    crate::discover::is_candidate(&ws.root, path, &ws.config)
}

/// Puts an open buffer into the workspace (the model is rebuilt by the caller); true if
/// its text differed.
pub fn sync_open(ws: &mut Workspace, path: &Path, snap: &DocSnapshot) -> bool {
    match changed_buffer(ws, path, snap) {
        Some(file) => {
            ws.set_file(file);
            true
        }
        None => false,
    }
}

/// The source file of an open buffer that belongs to the workspace and differs from the
/// workspace's copy (facts from the buffer's incrementally parsed tree).
fn changed_buffer(ws: &Workspace, path: &Path, snap: &DocSnapshot) -> Option<Arc<SourceFile>> {
    if !in_workspace(ws, path) {
        return None;
    }
    if let Some(file) = ws.files.get(path) {
        if Arc::ptr_eq(&file.text(), &snap.text) || *file.text() == *snap.text {
            return None;
        }
    }
    let facts = match &snap.tree {
        Some(tree) => crate::syntax::extract(tree, &snap.text),
        None => crate::syntax::facts_of_file(path, &snap.text),
    };
    Some(Arc::new(SourceFile::with_facts(
        path.to_path_buf(),
        snap.text.clone(),
        facts,
    )))
}

/// Re-reads a file from disk (created or changed), or forgets it (deleted, no longer
/// selected, unreadable); true if the workspace changed.
pub fn sync_from_disk(ws: &mut Workspace, path: &Path, messages: &mut Vec<String>) -> bool {
    let wanted = path.is_file() && in_workspace(ws, path);
    let text = if wanted {
        match read_source(path) {
            Ok(text) => Some(text),
            Err(problem) => {
                messages.push(problem);
                None
            }
        }
    } else {
        None
    };
    match text {
        Some(text) => {
            let same = ws.files.get(path).is_some_and(|f| *f.text() == *text);
            if !same {
                let file = SourceFile::new(path.to_path_buf(), text);
                ws.set_file(Arc::new(file));
            }
            !same
        }
        None => ws.remove_file(path),
    }
}

/// The diagnostics of an open buffer, from the workspace of its folder; none for a
/// buffer outside every folder (or not selected by its configuration). None when the
/// workspace holds another text of the file (a scan swapped in a workspace meanwhile
/// and the next run catches up).
fn check_open(
    ws: Option<&Workspace>,
    path: Option<&Path>,
    snap: &DocSnapshot,
    enc: PositionEncoding,
) -> Option<Item> {
    let file = ws
        .zip(path)
        .and_then(|(ws, p)| Some((ws, p, ws.files.get(p)?)));
    let (findings, diagnostics) = match file {
        Some((_, _, f)) if !Arc::ptr_eq(&f.text(), &snap.text) && *f.text() != *snap.text => {
            return None;
        }
        Some((ws, p, _)) => {
            let findings = ws.check_file(p);
            let locate = |p: &Path, s: &Span| locate(ws, enc, p, s);
            let diagnostics = findings
                .iter()
                .map(|f| to_diagnostic(f, &snap.text, &snap.line_index, enc, Some(&locate)))
                .collect();
            (findings, diagnostics)
        }
        None => (Vec::new(), Vec::new()),
    };
    Some(Item {
        uri: snap.uri.clone(),
        version: Some(snap.version),
        diagnostics,
        findings: Arc::new(findings),
        text: snap.text.clone(),
    })
}

/// The second phase: re-checks the closed files each folder's changes may affect, in
/// parallel; files without findings are reported only when they had some before (to
/// clear them). Files a nested folder owns are left to it. When superseded it stops:
/// what it checked is still published (its dependents on the newer change are re-checked
/// by the next run) and the files it did not reach are queued again.
fn check_later(session: &Session, rest: Rest, revision: u64) -> (Run, bool) {
    let open: HashSet<PathBuf> = session.docs.uris().iter().filter_map(uri_path).collect();
    let enc = session.encoding();
    let stopped = AtomicBool::new(false);
    let mut items: Vec<Item> = Vec::new();
    let mut left: HashSet<PathBuf> = HashSet::new();
    let mut notes = Vec::new();
    for later in &rest.later {
        let started = std::time::Instant::now();
        let ws = &*later.workspace;
        let raw_sql = match later.recheck {
            Recheck::All => Vec::new(),
            Recheck::Files(_) => raw_sql_naming(ws, &rest.sql_tables),
        };
        let files: Vec<&PathBuf> = {
            let folders = session.folders();
            let candidates: Box<dyn Iterator<Item = &PathBuf>> = match &later.recheck {
                Recheck::All => Box::new(ws.files.keys()),
                Recheck::Files(set) => Box::new(
                    set.iter()
                        .chain(raw_sql.iter().filter(|p| !set.contains(*p)))
                        .filter(|p| ws.files.contains_key(p)),
                ),
            };
            candidates
                .filter(|p| !open.contains(*p))
                .filter(|p| folders.owner(p) == Some(later.root.as_path()))
                .collect()
        };
        // Ok(item): checked; Err(path): not reached before the run was superseded.
        let outcomes: Vec<Result<Option<Item>, &PathBuf>> = files
            .par_iter()
            .map(|path| {
                if stopped.load(Ordering::Relaxed) || session.superseded(revision) {
                    stopped.store(true, Ordering::Relaxed);
                    return Err(*path);
                }
                Ok(check_closed(session, ws, path, enc))
            })
            .collect();
        let checked = outcomes.iter().filter(|o| o.is_ok()).count();
        for outcome in outcomes {
            match outcome {
                Ok(item) => items.extend(item),
                Err(path) => {
                    left.insert(path.clone());
                }
            }
        }
        if later.recheck == Recheck::All {
            notes.push(format!(
                "{}: whole-workspace check: {checked} closed files checked in {} ms{}",
                later.root.display(),
                started.elapsed().as_millis(),
                if stopped.load(Ordering::Relaxed) {
                    " (stopped by an edit)"
                } else {
                    ""
                }
            ));
        }
    }
    let stopped = stopped.load(Ordering::Relaxed);
    if stopped && !left.is_empty() {
        // The run that superseded this one may have taken the queue already: wake the
        // task for what is left (without a new revision).
        session.pending().recheck.extend(left);
        session.wake.notify_one();
    }
    if rest.vanish {
        items.extend(vanished(session, &open));
    }
    let run = Run {
        items,
        messages: Vec::new(),
        notes,
    };
    (run, stopped)
}

/// The findings of one closed file, if it has some or had some.
fn check_closed(
    session: &Session,
    ws: &Workspace,
    path: &Path,
    enc: PositionEncoding,
) -> Option<Item> {
    let file = ws.files.get(path)?;
    let uri = path_uri(path)?;
    let findings = ws.check_file(path);
    if findings.is_empty() && !had_diagnostics(session, &uri) {
        return None;
    }
    let index = LineIndex::new(&file.text());
    let locate = |p: &Path, s: &Span| locate(ws, enc, p, s);
    let diagnostics = findings
        .iter()
        .map(|f| to_diagnostic(f, &file.text(), &index, enc, Some(&locate)))
        .collect();
    Some(Item {
        uri,
        version: None,
        diagnostics,
        findings: Arc::new(findings),
        text: file.text().clone(),
    })
}

/// Closed files that had diagnostics but left their workspace (deleted, excluded, or
/// their folder was removed).
fn vanished(session: &Session, open: &HashSet<PathBuf>) -> Vec<Item> {
    let had: Vec<Uri> = session
        .results
        .iter()
        .filter(|r| !r.diagnostics.is_empty())
        .map(|r| r.key().clone())
        .collect();
    had.into_iter()
        .filter_map(|uri| {
            let path = uri_path(&uri)?;
            let known = session
                .workspace_of(&path)
                .is_some_and(|ws| ws.files.contains_key(&path));
            let gone = !open.contains(&path) && !known;
            gone.then(|| Item {
                uri,
                version: None,
                diagnostics: Vec::new(),
                findings: Arc::new(Vec::new()),
                text: Arc::from(""),
            })
        })
        .collect()
}

fn had_diagnostics(session: &Session, uri: &Uri) -> bool {
    session
        .results
        .get(uri)
        .is_some_and(|r| !r.diagnostics.is_empty())
}

/// An LSP location of a span in a workspace file.
pub fn locate(ws: &Workspace, enc: PositionEncoding, path: &Path, span: &Span) -> Option<Location> {
    let file = ws.files.get(path)?;
    let index = LineIndex::new(&file.text());
    Some(Location {
        uri: path_uri(path)?,
        range: index.span_to_range(&file.text(), span, enc),
    })
}

/// Stores the run's results and publishes the ones that changed (push clients) or asks
/// pull clients to refresh; results for superseded versions are dropped.
pub async fn publish(session: &Session, run: Run) {
    let caps = session.caps();
    let mut any_changed = false;
    for item in run.items {
        if let Some(version) = item.version {
            let current = session.docs.get(&item.uri).map(|s| s.version);
            if current != Some(version) {
                continue;
            }
        }
        // A new version of an open document is always published (clients match
        // diagnostics to versions); closed files only when their diagnostics changed.
        let changed = session
            .results
            .get(&item.uri)
            .is_none_or(|r| r.diagnostics != item.diagnostics || r.version != item.version);
        let result = FileResult {
            version: item.version,
            diagnostics: item.diagnostics.clone(),
            findings: item.findings,
            text: item.text,
        };
        if item.version.is_none() && item.diagnostics.is_empty() {
            session.results.remove(&item.uri);
        } else {
            session.results.insert(item.uri.clone(), result);
        }
        if changed && !caps.pull_diagnostics {
            session
                .client
                .publish_diagnostics(item.uri, item.diagnostics, item.version)
                .await;
        }
        any_changed |= changed;
    }
    // Pulls waiting for these results answer now: not after the refresh request below,
    // whose reply a client busy waiting for that very pull may never send.
    session.analyzed.send_modify(|generation| *generation += 1);
    if any_changed && caps.pull_diagnostics && caps.diagnostic_refresh {
        if let Err(err) = session.client.workspace_diagnostic_refresh().await {
            eprintln!("typeorm-lsp: diagnostic refresh failed: {err}");
        }
    }
    for note in run.notes {
        session.log(MessageType::INFO, note).await;
    }
    for message in run.messages {
        session.log(MessageType::WARNING, message.clone()).await;
        session
            .client
            .show_message(MessageType::WARNING, format!("typeorm-lsp: {message}"))
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    const USER: &str = "import { Entity, Column, OneToMany } from 'typeorm';
import { Post } from './post.entity';
@Entity() export class User { @Column() email: string; @OneToMany(() => Post, (p) => p.author) posts: Post[]; }
";
    const POST: &str = "import { Entity, Column, ManyToOne } from 'typeorm';
import { User } from './user.entity';
@Entity() export class Post { @Column() title: string; @ManyToOne(() => User, (u) => u.posts) author: User; }
";
    const SERVICE: &str = "import { User } from './user.entity';
export class UsersService {
  constructor(private readonly users: Repository<User>) {}
  byEmail(email: string) { return this.users.findOne({ where: { email } }); }
}
";
    const OTHER: &str = "export const unrelated = 1;\n";

    fn names(set: HashSet<PathBuf>) -> Vec<String> {
        let mut v: Vec<String> = set
            .iter()
            .filter_map(|p| Some(p.file_name()?.to_str()?.to_string()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn updating_a_copy_of_a_snapshot_leaves_the_snapshot_as_it_was() {
        let root = Path::new("/nonexistent-s");
        let sources = [("user.entity.ts", USER), ("post.entity.ts", POST)]
            .iter()
            .map(|(n, t)| (root.join(n), t.to_string()))
            .collect();
        let published = Workspace::from_sources(root, Config::default(), sources);
        let columns = |ws: &Workspace| ws.model.entity("Post").map(|e| e.columns.len());
        let before = columns(&published);
        let mut copy = published.clone();
        let path = root.join("post.entity.ts");
        let edited = POST.replace("title: string;", "title: string; @Column() body: string;");
        let incremental = copy.update_file(Arc::new(SourceFile::new(path.clone(), edited)));
        assert!(incremental, "a new column keeps the file's shape");
        assert_eq!(columns(&copy), before.map(|n| n + 1));
        assert_eq!(columns(&published), before);
        let text = |ws: &Workspace| ws.files.get(&path).map(|f| f.text().contains("body"));
        assert_eq!(text(&copy), Some(true));
        assert_eq!(text(&published), Some(false));
        let model_text = |ws: &Workspace| {
            let i = ws.model.file_index(&path)?;
            Some(ws.model.file(i)?.text().contains("body"))
        };
        assert_eq!(model_text(&published), Some(false));
    }

    #[test]
    fn an_edit_rechecks_the_file_its_importers_and_its_entities_users() {
        let root = Path::new("/nonexistent-w");
        let sources = [
            ("user.entity.ts", USER),
            ("post.entity.ts", POST),
            ("users.service.ts", SERVICE),
            ("other.ts", OTHER),
        ]
        .iter()
        .map(|(n, t)| (root.join(n), t.to_string()))
        .collect();
        let ws = Workspace::from_sources(root, Config::default(), sources);
        let mut tables = HashSet::new();
        assert_eq!(
            names(dependents(&ws, &root.join("user.entity.ts"), &mut tables)),
            ["post.entity.ts", "user.entity.ts", "users.service.ts"]
        );
        assert_eq!(tables, HashSet::from(["user".to_string()]));
        assert_eq!(
            names(dependents(&ws, &root.join("post.entity.ts"), &mut tables)),
            ["post.entity.ts", "user.entity.ts"]
        );
        let mut none = HashSet::new();
        let other = dependents(&ws, &root.join("other.ts"), &mut none);
        assert_eq!(names(other), ["other.ts"]);
        assert!(none.is_empty());
    }

    #[test]
    fn raw_sql_naming_a_table_is_found_by_word_in_any_case() {
        let root = Path::new("/nonexistent-r");
        let report = |sql: &str| {
            format!(
                "export class R {{ constructor(private ds: DataSource) {{}}\n  \
                 run() {{ return this.ds.query('{sql}'); }} }}\n"
            )
        };
        let sources = [
            ("user.entity.ts", USER.to_string()),
            ("upper.ts", report("SELECT * FROM USER WHERE id = 1")),
            ("quoted.ts", report("SELECT * FROM \"user\"")),
            ("longer.ts", report("SELECT * FROM user_roles")),
            ("plain.ts", "export const user = 1;\n".to_string()),
        ]
        .iter()
        .map(|(n, t)| (root.join(n), t.clone()))
        .collect();
        let ws = Workspace::from_sources(root, Config::default(), sources);
        let tables = HashSet::from(["user".to_string()]);
        let found: HashSet<PathBuf> = raw_sql_naming(&ws, &tables).into_iter().collect();
        assert_eq!(names(found), ["quoted.ts", "upper.ts"]);
        assert!(raw_sql_naming(&ws, &HashSet::new()).is_empty());
    }
}
