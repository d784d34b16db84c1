//! The server's shared state: open documents, the workspace, settings, the negotiated
//! position encoding, what the client can do, and the last published results.
//!
//! Locks are `std` locks held for short, synchronous sections only (never across an
//! `.await`); heavy work runs on the blocking pool and takes the workspace lock there.
//! A poisoned lock is recovered: the data behind it is still the best we have, and a
//! server that refuses every later request is worse than one with a stale model.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use dashmap::DashMap;
use serde_json::Value;
use tokio::sync::{watch, Notify};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    ClientCapabilities, Diagnostic, MessageType, ResourceOperationKind, Uri,
};
use tower_lsp_server::Client;

use super::documents::{DocSnapshot, DocumentStore};
use super::position::{LineIndex, PositionEncoding};
use crate::config::Config;
use crate::finding::Finding;
use crate::workspace::Workspace;

/// How long a request waits for the analysis of the document it is about to catch up
/// with the latest edit before answering with what is known.
const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(3);

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
        }
    }
}

/// The workspace and where it lives.
pub struct State {
    pub root: PathBuf,
    pub workspace: Workspace,
    /// True once the background scan has loaded every file from disk.
    pub indexed: bool,
}

/// Settings layers other than `typeorm-lsp.json`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `initializationOptions` (or its `typeormLsp` member).
    pub init_options: Value,
    /// The `typeormLsp` section from `workspace/configuration` or
    /// `didChangeConfiguration`.
    pub client: Value,
}

/// Work queued for the analysis task by notifications.
#[derive(Debug, Default)]
pub struct Pending {
    /// Files changed, created or deleted on disk (or closed in the editor: back to disk).
    pub disk: Vec<PathBuf>,
    /// Settings, `typeorm-lsp.json` or `tsconfig.json` changed.
    pub reload_config: bool,
    /// Re-check every file, not only the open ones.
    pub full: bool,
}

/// The last results computed for one file.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The document version they were computed for (None for closed files).
    pub version: Option<i32>,
    pub diagnostics: Vec<Diagnostic>,
    /// The findings behind the diagnostics, for code actions.
    pub findings: Arc<Vec<Finding>>,
}

/// Everything the handlers share.
pub struct Session {
    pub client: Client,
    pub docs: DocumentStore,
    encoding: RwLock<PositionEncoding>,
    caps: RwLock<ClientCaps>,
    state: RwLock<State>,
    settings: Mutex<Settings>,
    pending: Mutex<Pending>,
    /// Wakes the analysis task.
    pub wake: Notify,
    /// The last results per file URI.
    pub results: DashMap<Uri, FileResult>,
    /// Bumped after each analysis run is published.
    pub analyzed: watch::Sender<u64>,
    shutdown: AtomicBool,
}

impl Session {
    pub fn new(client: Client) -> Arc<Session> {
        let root = std::env::current_dir().unwrap_or_default();
        let workspace = Workspace::from_sources(&root, Config::default(), Vec::new());
        Arc::new(Session {
            client,
            docs: DocumentStore::new(),
            encoding: RwLock::new(PositionEncoding::Utf16),
            caps: RwLock::new(ClientCaps::default()),
            state: RwLock::new(State {
                root,
                workspace,
                indexed: false,
            }),
            settings: Mutex::new(Settings::default()),
            pending: Mutex::new(Pending::default()),
            wake: Notify::new(),
            results: DashMap::new(),
            analyzed: watch::channel(0).0,
            shutdown: AtomicBool::new(false),
        })
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

    pub fn state(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn state_mut(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn settings(&self) -> MutexGuard<'_, Settings> {
        self.settings.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn pending(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues work for the analysis task and wakes it.
    pub fn schedule(&self, queue: impl FnOnce(&mut Pending)) {
        queue(&mut self.pending());
        self.wake.notify_one();
    }

    pub fn set_shutdown(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
    }

    pub fn shutdown_requested(&self) -> bool {
        self.shutdown.load(Ordering::SeqCst)
    }

    /// The configuration: `typeorm-lsp.json` under the settings layers, with every
    /// problem found on the way (bad keys, unknown rule codes).
    pub fn effective_config(&self, root: &Path) -> (Config, Vec<String>) {
        let (base, errors) = Config::load_lenient(root);
        let mut problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let settings = self.settings().clone();
        let mut config = base;
        for layer in [&settings.init_options, &settings.client] {
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

    /// Logs to stderr and, as `window/logMessage`, to the client.
    pub async fn log(&self, typ: MessageType, message: impl Into<String>) {
        let message = message.into();
        eprintln!("typeorm-lsp: {message}");
        self.client.log_message(typ, message).await;
    }

    /// Runs `work` on the blocking pool; a panic in it is logged and becomes an LSP
    /// internal error instead of taking the server down.
    pub async fn blocking<T, F>(self: &Arc<Self>, what: &'static str, work: F) -> jsonrpc::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Session) -> T + Send + 'static,
    {
        let session = self.clone();
        match tokio::task::spawn_blocking(move || work(&session)).await {
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

    /// Waits (bounded) until the analysis has seen the current version of `uri`, so
    /// that model spans match the buffer; returns the document's snapshot then.
    pub async fn current(&self, uri: &Uri) -> Option<DocSnapshot> {
        let mut rx = self.analyzed.subscribe();
        let deadline = tokio::time::Instant::now() + CATCH_UP_TIMEOUT;
        loop {
            let snap = self.docs.get(uri)?;
            let done = self
                .results
                .get(uri)
                .is_some_and(|r| r.version == Some(snap.version));
            if done && self.in_step(&snap) {
                return Some(snap);
            }
            let wait = tokio::time::timeout_at(deadline, rx.changed()).await;
            if !matches!(wait, Ok(Ok(()))) {
                return Some(snap);
            }
        }
    }
}

impl Session {
    /// Whether the workspace holds this buffer's text (spans of the model refer to the
    /// buffer). A workspace being written counts as not in step: the writer is the
    /// analysis or the scan, which bump `analyzed` (or schedule a run) when done.
    fn in_step(&self, snap: &DocSnapshot) -> bool {
        let Some(path) = uri_path(&snap.uri) else {
            return true;
        };
        match self.state.try_read() {
            Ok(state) => state
                .workspace
                .files
                .get(&path)
                .is_none_or(|f| *f.text == *snap.text),
            Err(std::sync::TryLockError::Poisoned(p)) => p
                .into_inner()
                .workspace
                .files
                .get(&path)
                .is_none_or(|f| *f.text == *snap.text),
            Err(std::sync::TryLockError::WouldBlock) => false,
        }
    }
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

/// The text and line index a span of `path` refers to: the workspace's copy (which the
/// model was built from, and which equals the buffer of an open document once analysed).
pub fn file_text(state: &State, path: &Path) -> Option<(Arc<str>, LineIndex)> {
    let file = state.workspace.files.get(path)?;
    let text = file.text.clone();
    let index = LineIndex::new(&text);
    Some((text, index))
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
    fn only_file_uris_have_paths() {
        let file: Uri = "file:///tmp/a%20b/x.ts".parse().unwrap();
        assert_eq!(uri_path(&file), Some(PathBuf::from("/tmp/a b/x.ts")));
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_path(&untitled), None);
        let back = path_uri(Path::new("/tmp/a b/x.ts")).unwrap();
        assert_eq!(uri_path(&back), Some(PathBuf::from("/tmp/a b/x.ts")));
    }
}
