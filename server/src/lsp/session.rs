//! The server's shared state: open documents, the workspace folders (one workspace
//! each), settings, the negotiated position encoding, what the client can do, and the
//! last published results.
//!
//! Each folder's workspace is a published snapshot (`Arc<Workspace>`): requests clone the
//! `Arc` under a lock held for a pointer copy and work on it lock-free; the analysis edits
//! a private copy and swaps the new snapshot in, so a request never waits for a run.
//! Locks are `std` locks held for short, synchronous sections only (never across an
//! `.await`). A poisoned lock is recovered: the data behind it is still the best we have,
//! and a server that refuses every later request is worse than one with a stale model.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use dashmap::DashMap;
use serde_json::Value;
use tokio::sync::{watch, Notify};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    ClientCapabilities, Diagnostic, MessageType, ResourceOperationKind, Uri,
};
use tower_lsp_server::Client;

use super::documents::DocumentStore;
use super::position::PositionEncoding;
use crate::config::Config;
use crate::finding::Finding;
use crate::workspace::Workspace;

/// How long a pull for diagnostics waits for the analysis of the current version before
/// answering with the last published ones.
const PULL_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// How long a pull waits at most while the document's folder is still being scanned: its
/// findings do not exist before the scan ends (a partial model would give wrong ones).
const PULL_WAIT_INDEXING: std::time::Duration = std::time::Duration::from_secs(60);

/// What the client said it supports, boiled down to the switches we use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientCaps {
    /// `textDocument.diagnostic`: the client pulls diagnostics.
    pub pull_diagnostics: bool,
    /// `workspace.diagnostics.refreshSupport`.
    pub diagnostic_refresh: bool,
    /// `window.workDoneProgress`.
    pub work_done_progress: bool,
    /// `workspace.didChangeWatchedFiles.dynamicRegistration`.
    pub dynamic_watch: bool,
    /// `workspace.configuration`.
    pub configuration: bool,
    /// `workspace.workspaceEdit.documentChanges`.
    pub document_changes: bool,
    /// `create` in `workspace.workspaceEdit.resourceOperations`.
    pub create_files: bool,
    /// `rename` in `workspace.workspaceEdit.resourceOperations`.
    pub rename_files: bool,
    /// `textDocument.publishDiagnostics.relatedInformation` (assumed when unsaid).
    pub related_information: bool,
    /// `textDocument.codeAction.resolveSupport` covers `edit`: costly edits can wait for
    /// `codeAction/resolve`.
    pub resolve_edits: bool,
}

impl ClientCaps {
    /// Reads the switches from the `initialize` capabilities.
    pub fn from_capabilities(caps: &ClientCapabilities) -> ClientCaps {
        let text = caps.text_document.as_ref();
        let ws = caps.workspace.as_ref();
        let edit = ws.and_then(|w| w.workspace_edit.as_ref());
        let ops = edit
            .and_then(|e| e.resource_operations.as_deref())
            .unwrap_or(&[]);
        ClientCaps {
            pull_diagnostics: text.is_some_and(|t| t.diagnostic.is_some()),
            diagnostic_refresh: ws
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            work_done_progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            dynamic_watch: ws
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configuration: ws.and_then(|w| w.configuration).unwrap_or(false),
            document_changes: edit.and_then(|e| e.document_changes).unwrap_or(false),
            create_files: ops.contains(&ResourceOperationKind::Create),
            rename_files: ops.contains(&ResourceOperationKind::Rename),
            related_information: text
                .and_then(|t| t.publish_diagnostics.as_ref())
                .and_then(|p| p.related_information)
                .unwrap_or(true),
            resolve_edits: text
                .and_then(|t| t.code_action.as_ref())
                .and_then(|c| c.resolve_support.as_ref())
                .is_some_and(|r| r.properties.iter().any(|p| p == "edit")),
        }
    }
}

/// One workspace folder: its workspace (own `typeorm-lsp.json` and tsconfig) and
/// where it lives.
pub struct State {
    pub root: PathBuf,
    /// The published snapshot; replaced whole (never edited in place) by the analysis
    /// and the scans.
    pub workspace: Arc<Workspace>,
    /// True once the background scan has loaded every file from disk.
    pub indexed: bool,
    /// The folder's `typeormLsp` section from `workspace/configuration` (asked with the
    /// folder as `scopeUri`); None when the client cannot say, and the global section
    /// applies.
    pub settings: Option<Value>,
}

impl State {
    /// A folder not scanned yet: an empty workspace with the default configuration,
    /// which open buffers join until the scan swaps the real one in.
    pub fn new(root: PathBuf) -> State {
        let workspace = Workspace::from_sources(&root, Config::default(), Vec::new());
        State {
            root,
            workspace: Arc::new(workspace),
            indexed: false,
            settings: None,
        }
    }
}

/// The workspace folders, in the order the client gave them (the first one is the
/// default for commands that take a folder). Folders may nest: a file belongs to the
/// deepest folder that contains it, and only that folder's workspace holds it.
#[derive(Default)]
pub struct Folders {
    states: Vec<State>,
}

impl Folders {
    /// Adds a folder (not scanned yet); false if it is already there.
    pub fn add(&mut self, root: PathBuf) -> bool {
        if self.get(&root).is_some() {
            return false;
        }
        self.states.push(State::new(root));
        true
    }

    /// Drops a folder and its workspace.
    pub fn remove(&mut self, root: &Path) -> Option<State> {
        let i = self.states.iter().position(|s| s.root == root)?;
        Some(self.states.remove(i))
    }

    pub fn get(&self, root: &Path) -> Option<&State> {
        self.states.iter().find(|s| s.root == root)
    }

    pub fn get_mut(&mut self, root: &Path) -> Option<&mut State> {
        self.states.iter_mut().find(|s| s.root == root)
    }

    pub fn first(&self) -> Option<&State> {
        self.states.first()
    }

    pub fn iter(&self) -> impl Iterator<Item = &State> {
        self.states.iter()
    }

    pub fn roots(&self) -> Vec<PathBuf> {
        self.states.iter().map(|s| s.root.clone()).collect()
    }

    /// The root of the deepest folder containing `path`.
    pub fn owner(&self, path: &Path) -> Option<&Path> {
        self.for_path(path).map(|s| s.root.as_path())
    }

    /// The folder a file belongs to: the deepest one containing it.
    pub fn for_path(&self, path: &Path) -> Option<&State> {
        self.index_of(path).and_then(|i| self.states.get(i))
    }

    pub fn for_path_mut(&mut self, path: &Path) -> Option<&mut State> {
        self.index_of(path).and_then(|i| self.states.get_mut(i))
    }

    fn index_of(&self, path: &Path) -> Option<usize> {
        self.states
            .iter()
            .enumerate()
            .filter(|(_, s)| path.starts_with(&s.root))
            .max_by_key(|(_, s)| s.root.components().count())
            .map(|(i, _)| i)
    }
}

/// Settings layers other than `typeorm-lsp.json`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `initializationOptions` (or its `typeormLsp` member).
    pub init_options: Value,
    /// The global `typeormLsp` section (`didChangeConfiguration`), for folders without
    /// a section of their own.
    pub client: Value,
}

/// Work queued for the analysis task by notifications.
#[derive(Debug, Default)]
pub struct Pending {
    /// Closed files to re-check (left by a run that was superseded).
    pub recheck: std::collections::HashSet<PathBuf>,
    /// Look for closed files that left their workspace (left by a superseded run).
    pub vanish: bool,
    /// Files changed, created or deleted on disk (or closed in the editor: back to disk).
    pub disk: Vec<PathBuf>,
    /// Settings, `typeorm-lsp.json` or `tsconfig.json` changed.
    pub reload_config: bool,
    /// Re-check every file, not only the open ones.
    pub full: bool,
    /// Analyse without the debounce: the work is a document just opened or the end of a
    /// scan that open documents wait for, not typing (no burst of changes to wait for).
    pub at_once: bool,
    /// Tables of entities edited by a superseded run: closed files whose query sites
    /// name one are re-checked (see `analysis::raw_sql_naming`).
    pub sql_tables: std::collections::HashSet<String>,
}

impl Pending {
    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.recheck.is_empty()
            && !self.vanish
            && self.disk.is_empty()
            && !self.reload_config
            && !self.full
            && self.sql_tables.is_empty()
    }
}

/// The last results computed for one file.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The document version they were computed for (None for closed files).
    pub version: Option<i32>,
    pub diagnostics: Vec<Diagnostic>,
    /// The findings behind the diagnostics, for code actions.
    pub findings: Arc<Vec<Finding>>,
    /// The text the findings' spans refer to (code actions rebase them onto a buffer
    /// edited since).
    pub text: Arc<str>,
}

/// Everything the handlers share.
pub struct Session {
    pub client: Client,
    pub docs: DocumentStore,
    encoding: RwLock<PositionEncoding>,
    caps: RwLock<ClientCaps>,
    folders: RwLock<Folders>,
    settings: Mutex<Settings>,
    pending: Mutex<Pending>,
    /// Wakes the analysis task.
    pub wake: Notify,
    /// The last results per file URI.
    pub results: DashMap<Uri, FileResult>,
    /// Bumped after each analysis run is published.
    pub analyzed: watch::Sender<u64>,
    /// Bumped by every notification that queues analysis: a run started at an older
    /// revision is superseded and stops early.
    revision: AtomicU64,
    /// Bumped whenever a configuration reload is queued: a scan that read the
    /// configuration before such a change knows its workspace is out of date.
    config_changes: AtomicU64,
    shutdown: AtomicBool,
    /// Background scans started so far (each gets its own progress token).
    scans: AtomicU64,
    /// Background work in progress (analysis phases, scans, settings being pulled): see
    /// [`Session::busy`].
    in_flight: AtomicU64,
    /// The revision the last complete first phase of an analysis started at.
    analyzed_revision: AtomicU64,
}

impl Session {
    pub fn new(client: Client) -> Arc<Session> {
        Arc::new(Session {
            client,
            docs: DocumentStore::new(),
            encoding: RwLock::new(PositionEncoding::Utf16),
            caps: RwLock::new(ClientCaps::default()),
            folders: RwLock::new(Folders::default()),
            settings: Mutex::new(Settings::default()),
            pending: Mutex::new(Pending::default()),
            wake: Notify::new(),
            results: DashMap::new(),
            analyzed: watch::channel(0).0,
            revision: AtomicU64::new(0),
            config_changes: AtomicU64::new(0),
            shutdown: AtomicBool::new(false),
            scans: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            analyzed_revision: AtomicU64::new(0),
        })
    }

    /// Marks background work in progress until the guard is dropped.
    pub fn busy(self: &Arc<Self>) -> Busy {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        Busy(self.clone())
    }

    /// Records that the open documents were analysed at `revision`.
    pub fn set_analyzed(&self, revision: u64) {
        self.analyzed_revision.store(revision, Ordering::SeqCst);
    }

    /// Whether the server has nothing left to do: no work queued, none running, and the
    /// last analysis saw the latest change (so what is published is final until the
    /// next change).
    pub fn idle(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) == 0
            && self.pending().is_empty()
            && self.analyzed_revision.load(Ordering::SeqCst) == self.revision()
    }

    pub fn encoding(&self) -> PositionEncoding {
        *self.encoding.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_encoding(&self, enc: PositionEncoding) {
        *self.encoding.write().unwrap_or_else(|e| e.into_inner()) = enc;
    }

    pub fn caps(&self) -> ClientCaps {
        self.caps.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set_caps(&self, caps: ClientCaps) {
        *self.caps.write().unwrap_or_else(|e| e.into_inner()) = caps;
    }

    pub fn folders(&self) -> RwLockReadGuard<'_, Folders> {
        self.folders.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn folders_mut(&self) -> RwLockWriteGuard<'_, Folders> {
        self.folders.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Numbers background scans: 0 for the first, then 1, 2, ...
    pub fn next_scan(&self) -> u64 {
        self.scans.fetch_add(1, Ordering::SeqCst)
    }

    pub fn settings(&self) -> MutexGuard<'_, Settings> {
        self.settings.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn pending(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues work for the analysis task and wakes it; a run in progress is superseded.
    pub fn schedule(&self, queue: impl FnOnce(&mut Pending)) {
        let mut pending = self.pending();
        queue(&mut pending);
        if pending.reload_config {
            self.config_changes.fetch_add(1, Ordering::SeqCst);
        }
        drop(pending);
        self.revision.fetch_add(1, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// How many configuration reloads have been queued so far.
    pub fn config_changes(&self) -> u64 {
        self.config_changes.load(Ordering::SeqCst)
    }

    /// The current revision (see [`Session::schedule`]).
    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::SeqCst)
    }

    /// Whether work started at `revision` has been superseded by newer changes.
    pub fn superseded(&self, revision: u64) -> bool {
        self.revision() != revision
    }

    /// The published workspace of the folder `path` belongs to (a pointer copy).
    pub fn workspace_of(&self, path: &Path) -> Option<Arc<Workspace>> {
        self.folders().for_path(path).map(|s| s.workspace.clone())
    }

    /// Whether `path` is in a folder whose first scan has not finished: its findings would
    /// be judged on a partial model (entities, bases and wrapper decorators of files not
    /// loaded yet), so none are computed or published before the scan ends.
    pub fn indexing(&self, path: Option<&Path>) -> bool {
        path.and_then(|p| self.folders().for_path(p).map(|s| !s.indexed))
            .unwrap_or(false)
    }

    /// Every folder's root with its published workspace.
    pub fn workspaces(&self) -> Vec<(PathBuf, Arc<Workspace>)> {
        self.folders()
            .iter()
            .map(|s| (s.root.clone(), s.workspace.clone()))
            .collect()
    }

    pub fn set_shutdown(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
    }

    pub fn shutdown_requested(&self) -> bool {
        self.shutdown.load(Ordering::SeqCst)
    }

    /// The configuration of the folder at `root`: its `typeorm-lsp.json` under the
    /// settings layers (`scoped`, the folder's own section, else the global one), with
    /// every problem found on the way (bad keys, unknown rule codes).
    pub fn effective_config(&self, root: &Path, scoped: Option<&Value>) -> (Config, Vec<String>) {
        let (base, errors) = Config::load_lenient(root);
        let mut problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let settings = self.settings().clone();
        let client = scoped.unwrap_or(&settings.client);
        let mut config = base;
        for layer in [&settings.init_options, client] {
            let (merged, errors) = config.merged_with(layer);
            config = merged;
            problems.extend(errors.iter().map(|e| format!("settings: {e}")));
        }
        let known = crate::rules::known_codes();
        problems.extend(
            config
                .validate_rule_codes(&known)
                .iter()
                .map(ToString::to_string),
        );
        (config, problems)
    }

    /// Waits until [`Session::idle`] (true), or gives up after the command's cap (false).
    pub async fn wait_idle(&self) -> bool {
        let deadline = tokio::time::Instant::now() + super::commands::IDLE_WAIT;
        // Lets notifications sent just before the request queue their work first.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        while !self.idle() {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        true
    }

    /// Logs to stderr and, as `window/logMessage`, to the client.
    pub async fn log(&self, typ: MessageType, message: impl Into<String>) {
        let message = message.into();
        eprintln!("typeorm-lsp: {message}");
        self.client.log_message(typ, message).await;
    }

    /// Waits (bounded) until the results of the document's current version are published.
    /// Only pull diagnostics wait: the client asks for the outcome of that very analysis
    /// (and cancels the request when it edits again); every other request answers from
    /// the published snapshot at once.
    pub async fn analyzed_current(&self, uri: &Uri) {
        let mut rx = self.analyzed.subscribe();
        let start = tokio::time::Instant::now();
        let mut deadline = start + PULL_WAIT;
        let path = uri_path(uri);
        loop {
            let Some(version) = self.docs.get(uri).map(|d| d.version) else {
                return;
            };
            // While the folder loads, keep waiting (bounded): the scan's run answers.
            if self.indexing(path.as_deref()) {
                let now = tokio::time::Instant::now();
                deadline = (now + PULL_WAIT).min(start + PULL_WAIT_INDEXING);
            }
            if self
                .results
                .get(uri)
                .is_some_and(|r| r.version == Some(version))
            {
                return;
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                // Timed out while the folder still loads: look again (the cap above ends it).
                Err(_)
                    if deadline < start + PULL_WAIT_INDEXING && self.indexing(path.as_deref()) => {}
                _ => return,
            }
        }
    }

    /// Runs `work` on the blocking pool; a panic in it is logged and becomes an LSP
    /// internal error instead of taking the server down.
    pub async fn blocking<T, F>(self: &Arc<Self>, what: &'static str, work: F) -> jsonrpc::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Session) -> T + Send + 'static,
    {
        let session = self.clone();
        // Dropping this future ($/cancelRequest) raises the flag the work polls through
        // `cancel_requested`; a finished request raises it harmlessly.
        let cancel = CancelOnDrop(Arc::new(AtomicBool::new(false)));
        let flag = cancel.0.clone();
        let task = tokio::task::spawn_blocking(move || {
            CANCEL.with(|c| *c.borrow_mut() = Some(flag));
            let value = work(&session);
            CANCEL.with(|c| *c.borrow_mut() = None);
            value
        });
        let joined = task.await;
        drop(cancel);
        match joined {
            Ok(value) => Ok(value),
            Err(err) => {
                let message = format!("{what} failed: {}", panic_message(err));
                self.log(MessageType::ERROR, message.clone()).await;
                let mut error = jsonrpc::Error::internal_error();
                error.message = message.into();
                Err(error)
            }
        }
    }
}

/// Background work in progress, for [`Session::idle`]; counted down when dropped.
pub struct Busy(Arc<Session>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    /// The cancellation flag of the request the current blocking-pool thread works for.
    static CANCEL: std::cell::RefCell<Option<Arc<AtomicBool>>> =
        const { std::cell::RefCell::new(None) };
}

/// Raises its flag when dropped: with the request's future when the client cancels it.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Whether the request this thread works for was cancelled (long loops over the
/// workspace poll it and return what they have; the answer is discarded anyway).
pub fn cancel_requested() -> bool {
    CANCEL.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    })
}

/// The text of a panic payload, for the log.
fn panic_message(err: tokio::task::JoinError) -> String {
    if !err.is_panic() {
        return err.to_string();
    }
    let payload = err.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// The file path of a `file:` URI; None for other schemes.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// The `file:` URI of an absolute path.
pub fn path_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{
        ClientCapabilities, TextDocumentClientCapabilities, WorkspaceClientCapabilities,
        WorkspaceEditClientCapabilities,
    };

    #[test]
    fn caps_read_pull_and_resource_operations() {
        let caps = ClientCapabilities {
            text_document: Some(TextDocumentClientCapabilities {
                diagnostic: Some(Default::default()),
                ..Default::default()
            }),
            workspace: Some(WorkspaceClientCapabilities {
                workspace_edit: Some(WorkspaceEditClientCapabilities {
                    document_changes: Some(true),
                    resource_operations: Some(vec![ResourceOperationKind::Create]),
                    ..Default::default()
                }),
                configuration: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        };
        let c = ClientCaps::from_capabilities(&caps);
        assert!(c.pull_diagnostics && c.document_changes && c.create_files && c.configuration);
        assert!(!c.rename_files && !c.work_done_progress && !c.dynamic_watch);
        let none = ClientCaps::from_capabilities(&ClientCapabilities::default());
        assert!(!none.pull_diagnostics && none.related_information);
    }

    #[test]
    fn files_belong_to_the_deepest_folder() {
        let mut folders = Folders::default();
        assert!(folders.add(PathBuf::from("/w")));
        assert!(folders.add(PathBuf::from("/w/packages/api")));
        assert!(!folders.add(PathBuf::from("/w/")), "same folder");
        assert!(folders.add(PathBuf::from("/other")));
        fn owner_of(folders: &Folders, p: &str) -> Option<PathBuf> {
            folders.owner(Path::new(p)).map(Path::to_path_buf)
        }
        let owner = |p: &str| owner_of(&folders, p);
        assert_eq!(owner("/w/src/a.ts"), Some(PathBuf::from("/w")));
        assert_eq!(
            owner("/w/packages/api/src/a.ts"),
            Some(PathBuf::from("/w/packages/api"))
        );
        assert_eq!(owner("/w/packages/apiary/a.ts"), Some(PathBuf::from("/w")));
        assert_eq!(owner("/elsewhere/a.ts"), None);
        assert_eq!(folders.first().map(|s| s.root.clone()), Some("/w".into()));
        assert!(folders.remove(Path::new("/w/packages/api")).is_some());
        let moved = owner_of(&folders, "/w/packages/api/src/a.ts");
        assert_eq!(moved, Some(PathBuf::from("/w")));
        assert!(folders.remove(Path::new("/w/packages/api")).is_none());
        assert_eq!(
            folders.roots(),
            [PathBuf::from("/w"), PathBuf::from("/other")]
        );
    }

    #[test]
    fn only_file_uris_have_paths() {
        let file: Uri = "file:///tmp/a%20b/x.ts".parse().unwrap();
        assert_eq!(uri_path(&file), Some(PathBuf::from("/tmp/a b/x.ts")));
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_path(&untitled), None);
        let back = path_uri(Path::new("/tmp/a b/x.ts")).unwrap();
        assert_eq!(uri_path(&back), Some(PathBuf::from("/tmp/a b/x.ts")));
    }
}
