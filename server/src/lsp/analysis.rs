//! The background analysis: one long-lived task that wakes when documents, files on disk
//! or settings change, waits a short debounce, brings the folders' workspaces up to date
//! with a snapshot of the open buffers, rebuilds their models, checks files and publishes.
//!
//! Only this task (and the folder scans) write the workspaces, so requests see a
//! consistent model. Results computed for a document version that has been superseded
//! meanwhile are dropped: the edit that superseded it has woken the task again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;
use tower_lsp_server::ls_types::{Diagnostic, Location, MessageType, Uri};

use super::diagnostics::to_diagnostic;
use super::documents::DocSnapshot;
use super::position::LineIndex;
use super::session::{path_uri, uri_path, FileResult, Folders, Pending, Session, State};
use crate::finding::{Finding, Span};
use crate::model::SourceFile;
use crate::workspace::{read_source, Workspace};

/// Quiet time after the last change before analysing: typing bursts become one run.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// Up to this many files, every file is re-checked after a model change (cross-file
/// findings in closed files stay current); above it only open files are.
const FULL_CHECK_LIMIT: usize = 5000;

/// The outcome of one analysis run.
#[derive(Debug, Default)]
pub struct Run {
    pub items: Vec<Item>,
    /// Problems to show the user (bad settings, unreadable files).
    pub messages: Vec<String>,
}

/// The diagnostics of one file.
#[derive(Debug)]
pub struct Item {
    pub uri: Uri,
    /// The document version analysed (None for files not open in the editor).
    pub version: Option<i32>,
    pub diagnostics: Vec<Diagnostic>,
    pub findings: Arc<Vec<Finding>>,
}

/// Starts the analysis task.
pub fn spawn(session: Arc<Session>) {
    tokio::spawn(async move {
        loop {
            session.wake.notified().await;
            tokio::time::sleep(DEBOUNCE).await;
            let worker = session.clone();
            match tokio::task::spawn_blocking(move || analyze(&worker)).await {
                Ok(run) => publish(&session, run).await,
                Err(err) => {
                    let msg = format!("analysis failed: {err}");
                    session.log(MessageType::ERROR, msg).await;
                }
            }
        }
    });
}

/// One run: apply queued changes and open buffers to the folders' workspaces, rebuild,
/// check. Each file is checked by the workspace of the folder it belongs to; open files
/// outside every folder get no diagnostics.
pub fn analyze(session: &Session) -> Run {
    let pending = std::mem::take(&mut *session.pending());
    let open: Vec<(Option<PathBuf>, DocSnapshot)> = session
        .docs
        .uris()
        .into_iter()
        .filter_map(|uri| session.docs.get(&uri))
        .map(|snap| (uri_path(&snap.uri), snap))
        .collect();
    let mut run = Run::default();
    let changed = update_workspaces(session, &pending, &open, &mut run.messages);
    let folders = session.folders();
    let enc = session.encoding();
    let open_paths: HashSet<&Path> = open.iter().filter_map(|(p, _)| p.as_deref()).collect();
    for (path, snap) in &open {
        let state = path.as_deref().and_then(|p| folders.for_path(p));
        run.items
            .push(check_open(state, path.as_deref(), snap, enc));
    }
    for state in folders.iter() {
        let small = state.workspace.files.len() <= FULL_CHECK_LIMIT;
        if pending.full || (changed.contains(&state.root) && small) {
            let closed = check_closed(session, &folders, state, &open_paths, enc);
            run.items.extend(closed);
        }
    }
    if pending.full || !changed.is_empty() {
        run.items.extend(vanished(session, &folders, &open_paths));
    }
    run
}

/// Applies settings, disk changes and buffers to the workspaces; returns the roots of
/// the folders whose workspace changed (their models have then been brought up to date).
fn update_workspaces(
    session: &Session,
    pending: &Pending,
    open: &[(Option<PathBuf>, DocSnapshot)],
    messages: &mut Vec<String>,
) -> HashSet<PathBuf> {
    let configs = if pending.reload_config {
        reloaded_configs(session)
    } else {
        Vec::new()
    };
    let mut folders = session.folders_mut();
    // Folders whose model must be rebuilt from scratch (incremental updates do not apply).
    let mut rebuild: HashSet<PathBuf> = HashSet::new();
    let mut reloaded: HashSet<PathBuf> = HashSet::new();
    for (root, config, problems) in configs {
        messages.extend(problems);
        if let Some(state) = folders.get_mut(&root) {
            let files = std::mem::take(&mut state.workspace.files);
            // Builds the model too.
            state.workspace = Workspace::with_files(&root, config, files);
            reloaded.insert(root);
        }
    }
    let mut changed = reloaded.clone();
    let open_paths: HashSet<&Path> = open.iter().filter_map(|(p, _)| p.as_deref()).collect();
    for path in &pending.disk {
        if open_paths.contains(path.as_path()) {
            continue;
        }
        if let Some(state) = folders.for_path_mut(path) {
            if sync_from_disk(state, path, messages) {
                rebuild.insert(state.root.clone());
            }
        }
    }
    for (path, snap) in open {
        let Some(path) = path.as_deref() else {
            continue;
        };
        let Some(state) = folders.for_path_mut(path) else {
            continue;
        };
        let Some(file) = changed_buffer(state, path, snap) else {
            continue;
        };
        if rebuild.contains(&state.root) || reloaded.contains(&state.root) {
            state.workspace.set_file(file);
            rebuild.insert(state.root.clone());
        } else {
            // Typing in one buffer: the model updates only what that file can change.
            state.workspace.update_file(file);
            changed.insert(state.root.clone());
        }
    }
    for root in rebuild {
        if let Some(state) = folders.get_mut(&root) {
            state.workspace.rebuild();
        }
        changed.insert(root);
    }
    changed
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
pub fn in_workspace(state: &State, path: &Path) -> bool {
    crate::discover::is_candidate(&state.root, path, &state.workspace.config)
}

/// Puts an open buffer into the workspace (the model is rebuilt by the caller); true if
/// its text differed.
pub fn sync_open(state: &mut State, path: &Path, snap: &DocSnapshot) -> bool {
    match changed_buffer(state, path, snap) {
        Some(file) => {
            state.workspace.set_file(file);
            true
        }
        None => false,
    }
}

/// The source file of an open buffer that belongs to the workspace and differs from the
/// workspace's copy (facts from the buffer's incrementally parsed tree).
fn changed_buffer(state: &State, path: &Path, snap: &DocSnapshot) -> Option<Arc<SourceFile>> {
    if !in_workspace(state, path) {
        return None;
    }
    if let Some(file) = state.workspace.files.get(path) {
        if Arc::ptr_eq(&file.text, &snap.text) || *file.text == *snap.text {
            return None;
        }
    }
    let facts = match &snap.tree {
        Some(tree) => crate::syntax::extract(tree, &snap.text),
        None => crate::syntax::facts_of(&snap.text),
    };
    Some(Arc::new(SourceFile {
        path: path.to_path_buf(),
        text: snap.text.clone(),
        facts,
    }))
}

/// Re-reads a file from disk (created or changed), or forgets it (deleted, no longer
/// selected, unreadable); true if the workspace changed.
pub fn sync_from_disk(state: &mut State, path: &Path, messages: &mut Vec<String>) -> bool {
    let wanted = path.is_file() && in_workspace(state, path);
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
            let same = state
                .workspace
                .files
                .get(path)
                .is_some_and(|f| *f.text == *text);
            if !same {
                let file = SourceFile::new(path.to_path_buf(), text);
                state.workspace.set_file(Arc::new(file));
            }
            !same
        }
        None => state.workspace.remove_file(path),
    }
}

/// The diagnostics of an open buffer, from the workspace of its folder (`state`); none
/// for a buffer outside every folder.
fn check_open(
    state: Option<&State>,
    path: Option<&Path>,
    snap: &DocSnapshot,
    enc: super::position::PositionEncoding,
) -> Item {
    let (findings, diagnostics) = match (state, path) {
        (Some(state), Some(p)) if state.workspace.files.contains_key(p) => {
            let findings = state.workspace.check_file(p);
            let locate = |p: &Path, s: &Span| locate(state, enc, p, s);
            let diagnostics = findings
                .iter()
                .map(|f| to_diagnostic(f, &snap.text, &snap.line_index, enc, Some(&locate)))
                .collect();
            (findings, diagnostics)
        }
        _ => (Vec::new(), Vec::new()),
    };
    Item {
        uri: snap.uri.clone(),
        version: Some(snap.version),
        diagnostics,
        findings: Arc::new(findings),
    }
}

/// Checks every file of one folder not open in the editor; files without findings are
/// reported only when they had some before (to clear them). Files a nested folder owns
/// are left to it (the outer workspace may still hold them until its rescan).
fn check_closed(
    session: &Session,
    folders: &Folders,
    state: &State,
    open: &HashSet<&Path>,
    enc: super::position::PositionEncoding,
) -> Vec<Item> {
    state
        .workspace
        .files
        .par_iter()
        .filter(|(path, _)| !open.contains(path.as_path()))
        .filter(|(path, _)| folders.owner(path) == Some(state.root.as_path()))
        .filter_map(|(path, file)| {
            let uri = path_uri(path)?;
            let findings = state.workspace.check_file(path);
            if findings.is_empty() && !had_diagnostics(session, &uri) {
                return None;
            }
            let index = LineIndex::new(&file.text);
            let locate = |p: &Path, s: &Span| locate(state, enc, p, s);
            let diagnostics = findings
                .iter()
                .map(|f| to_diagnostic(f, &file.text, &index, enc, Some(&locate)))
                .collect();
            Some(Item {
                uri,
                version: None,
                diagnostics,
                findings: Arc::new(findings),
            })
        })
        .collect()
}

/// Closed files that had diagnostics but left their workspace (deleted, excluded, or
/// their folder was removed).
fn vanished(session: &Session, folders: &Folders, open: &HashSet<&Path>) -> Vec<Item> {
    session
        .results
        .iter()
        .filter(|r| !r.diagnostics.is_empty())
        .filter_map(|r| {
            let path = uri_path(r.key())?;
            let known = folders
                .for_path(&path)
                .is_some_and(|s| s.workspace.files.contains_key(&path));
            let gone = !open.contains(path.as_path()) && !known;
            gone.then(|| Item {
                uri: r.key().clone(),
                version: None,
                diagnostics: Vec::new(),
                findings: Arc::new(Vec::new()),
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
pub fn locate(
    state: &State,
    enc: super::position::PositionEncoding,
    path: &Path,
    span: &Span,
) -> Option<Location> {
    let file = state.workspace.files.get(path)?;
    let index = LineIndex::new(&file.text);
    Some(Location {
        uri: path_uri(path)?,
        range: index.span_to_range(&file.text, span, enc),
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
        let changed = session
            .results
            .get(&item.uri)
            .is_none_or(|r| r.diagnostics != item.diagnostics);
        let result = FileResult {
            version: item.version,
            diagnostics: item.diagnostics.clone(),
            findings: item.findings,
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
    if any_changed && caps.pull_diagnostics && caps.diagnostic_refresh {
        if let Err(err) = session.client.workspace_diagnostic_refresh().await {
            eprintln!("typeorm-lsp: diagnostic refresh failed: {err}");
        }
    }
    for message in run.messages {
        session.log(MessageType::WARNING, message.clone()).await;
        session
            .client
            .show_message(MessageType::WARNING, format!("typeorm-lsp: {message}"))
            .await;
    }
    session.analyzed.send_modify(|generation| *generation += 1);
}
