//! The `LanguageServer` impl: thin handlers that mutate the document store (or the folder
//! set) first (no `.await` before it, so edits apply in arrival order), queue analysis,
//! and answer requests on the blocking pool over the published snapshot of the document's
//! folder, never waiting for a run in progress: when the buffer is ahead of the snapshot,
//! positions and spans are carried across the edited region ([`super::rebase`]).

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::LanguageServer;

use super::analysis::{self, locate};
use super::code_actions::{self, ActionCtx, FileView, FIX_ALL_KIND, SUPPRESS_KIND};
use super::documents::DocSnapshot;
use super::navigation::{self, Symbol};
use super::position::{LineIndex, PositionEncoding};
use super::rebase::{rebase_finding, TextDelta};
use super::session::{path_uri, uri_path, ClientCaps, FileResult, Session};
use super::{commands, hover, indexing, watch};
use crate::finding::{Finding, Span};
use crate::model::Model;
use crate::workspace::Workspace;
use std::path::Path;

/// The settings section read from the client.
pub const SETTINGS_SECTION: &str = "typeormLsp";

pub struct Backend {
    session: Arc<Session>,
}

impl Backend {
    pub fn new(session: Arc<Session>) -> Backend {
        Backend { session }
    }
}

/// Asks the client for the `typeormLsp` section of each folder at `roots` (one item per
/// folder, scoped to its URI) and stores them; false when the client cannot be asked, and
/// the global section applies.
async fn pull_settings(session: &Session, roots: &[PathBuf]) -> bool {
    if !session.caps().configuration {
        return false;
    }
    if roots.is_empty() {
        return true;
    }
    let items = roots
        .iter()
        .map(|root| ConfigurationItem {
            scope_uri: path_uri(root),
            section: Some(SETTINGS_SECTION.to_string()),
        })
        .collect();
    match session.client.configuration(items).await {
        Ok(values) => {
            let mut folders = session.folders_mut();
            for (root, value) in roots.iter().zip(values) {
                if let Some(state) = folders.get_mut(root) {
                    state.settings = Some(value);
                }
            }
            true
        }
        Err(err) => {
            eprintln!("typeorm-lsp: workspace/configuration failed: {err}");
            false
        }
    }
}

/// Runs a synchronous section, turning a panic into `None` (logged by the panic hook on
/// stderr) so that a notification handler never unwinds into the server loop.
fn guarded<T>(work: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(AssertUnwindSafe(work)).ok()
}

/// The settings inside `initializationOptions` or `didChangeConfiguration`: the
/// `typeormLsp` member when there is one, else the object itself.
fn settings_of(value: Option<Value>) -> Value {
    match value {
        Some(Value::Object(mut map)) => match map.remove(SETTINGS_SECTION) {
            Some(inner) => inner,
            None => Value::Object(map),
        },
        Some(other) => other,
        None => Value::Null,
    }
}

/// How diagnostics reach the client: `initializationOptions.diagnosticMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DiagnosticMode {
    /// `textDocument/publishDiagnostics` (the default; every client).
    Push,
    /// `textDocument/diagnostic`, for clients that declare it.
    Pull,
}

/// Removes `diagnosticMode` from the initialization options (it is not a rule setting);
/// anything but `"pull"` is push.
fn take_diagnostic_mode(options: &mut Value) -> DiagnosticMode {
    let mode = options
        .as_object_mut()
        .and_then(|o| o.remove("diagnosticMode"));
    match mode.as_ref().and_then(Value::as_str) {
        Some("pull") => DiagnosticMode::Pull,
        _ => DiagnosticMode::Push,
    }
}

/// The workspace folders: `workspaceFolders`, else `rootUri`, else `rootPath`.
#[allow(deprecated)]
fn roots_of(params: &InitializeParams) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| uri_path(&f.uri))
        .collect();
    if !folders.is_empty() {
        return folders;
    }
    let root_uri = params.root_uri.as_ref().and_then(uri_path);
    let root_path = params.root_path.as_ref().map(PathBuf::from);
    root_uri.or(root_path).into_iter().collect()
}

/// Applies a `didChangeWorkspaceFolders` event to the folder set; returns the folders to
/// scan: the added ones and those enclosing an added or removed one (a nested folder
/// takes files from, or gives them back to, the folder around it).
fn change_folders(session: &Session, removed: &[PathBuf], added: &[PathBuf]) -> Vec<PathBuf> {
    let mut folders = session.folders_mut();
    for root in removed {
        folders.remove(root);
    }
    let mut scan: Vec<PathBuf> = added
        .iter()
        .filter(|root| folders.add(root.to_path_buf()))
        .cloned()
        .collect();
    for root in folders.roots() {
        let encloses = removed
            .iter()
            .chain(added)
            .any(|moved| *moved != root && moved.starts_with(&root));
        if encloses && !scan.contains(&root) {
            scan.push(root);
        }
    }
    scan
}

/// The folder named by a command's first argument (a folder URI), if any.
fn folder_argument(arguments: &[Value]) -> std::result::Result<Option<PathBuf>, String> {
    let Some(first) = arguments.first() else {
        return Ok(None);
    };
    first
        .as_str()
        .and_then(|s| s.parse::<Uri>().ok())
        .and_then(|u| uri_path(&u))
        .map(Some)
        .ok_or_else(|| format!("expected a workspace folder URI, got {first}"))
}

fn capabilities(enc: PositionEncoding, caps: &ClientCaps) -> ServerCapabilities {
    let diagnostic_provider = caps.pull_diagnostics.then(|| {
        DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("typeorm-lsp".to_string()),
            inter_file_dependencies: true,
            workspace_diagnostics: false,
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })
    });
    ServerCapabilities {
        position_encoding: Some(enc.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::new(SUPPRESS_KIND),
                CodeActionKind::SOURCE_FIX_ALL,
                CodeActionKind::new(FIX_ALL_KIND),
            ]),
            resolve_provider: Some(true),
            ..CodeActionOptions::default()
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: commands::commands(),
            ..ExecuteCommandOptions::default()
        }),
        diagnostic_provider,
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: Some(WorkspaceFileOperationsServerCapabilities {
                did_create: Some(FileOperationRegistrationOptions {
                    filters: watch::file_operation_filters(),
                }),
                did_rename: Some(FileOperationRegistrationOptions {
                    filters: watch::file_operation_filters(),
                }),
                did_delete: Some(FileOperationRegistrationOptions {
                    filters: watch::file_operation_filters(),
                }),
                ..WorkspaceFileOperationsServerCapabilities::default()
            }),
        }),
        ..ServerCapabilities::default()
    }
}

/// How the snapshot's text of a file maps onto what the client sees: the open buffer may
/// be a few edits ahead of the model.
struct View {
    model_text: Arc<str>,
    model_index: LineIndex,
    /// The buffer, its line index and the delta from the model's text, when they differ.
    buffer: Option<(Arc<str>, Arc<LineIndex>, TextDelta)>,
}

impl View {
    /// The view of `path` in `ws` for a client whose buffer is `doc` (when open).
    fn of(ws: &Workspace, path: &Path, doc: Option<DocSnapshot>) -> Option<View> {
        let file = ws.files.get(path)?;
        let model_text = file.text().clone();
        let buffer = doc
            .filter(|d| !Arc::ptr_eq(&d.text, &model_text) && *d.text != *model_text)
            .map(|d| {
                let delta = TextDelta::between(&model_text, &d.text);
                (d.text, d.line_index, delta)
            });
        Some(View {
            model_index: LineIndex::new(&model_text),
            model_text,
            buffer,
        })
    }

    /// The model offset of a client position; None inside a region edited since.
    fn offset(&self, pos: Position, enc: PositionEncoding) -> Option<usize> {
        match &self.buffer {
            None => Some(
                self.model_index
                    .position_to_offset(&self.model_text, pos, enc),
            ),
            Some((text, index, delta)) => {
                delta.new_to_old(index.position_to_offset(text, pos, enc))
            }
        }
    }

    /// The client range of a model span; None inside a region edited since.
    fn range(&self, span: &Span, enc: PositionEncoding) -> Option<Range> {
        match &self.buffer {
            None => Some(self.model_index.span_to_range(&self.model_text, span, enc)),
            Some((text, index, delta)) => {
                Some(index.span_to_range(text, &delta.span_to_new(span)?, enc))
            }
        }
    }
}

/// A document position resolved against its folder's snapshot: what hover, definition
/// and references start from.
struct At<'a> {
    ws: &'a Workspace,
    path: &'a Path,
    /// The snapshot's text of the file (model spans refer to it).
    text: &'a str,
    offset: usize,
    enc: PositionEncoding,
    view: &'a View,
}

impl At<'_> {
    /// A client location of a model span (mapped onto the buffer in the requested file).
    fn location(&self, path: &Path, span: &Span) -> Option<Location> {
        if path != self.path {
            return locate(self.ws, self.enc, path, span);
        }
        Some(Location {
            uri: path_uri(path)?,
            range: self.view.range(span, self.enc)?,
        })
    }

    fn locations(&self, places: Vec<navigation::Place>) -> Vec<Location> {
        places
            .iter()
            .filter_map(|(p, s)| self.location(p, s))
            .collect()
    }
}

impl Backend {
    /// Runs `f` off the async loop on the position's folder snapshot, with the text the
    /// model was built from; `None` for non-file URIs, files outside every folder, and
    /// positions in a region edited since the snapshot.
    async fn at_position<T, F>(
        &self,
        what: &'static str,
        uri: Uri,
        position: Position,
        f: F,
    ) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&At) -> Option<T> + Send + 'static,
    {
        let Some(path) = uri_path(&uri) else {
            return Ok(None);
        };
        let doc = self.session.docs.get(&uri);
        let Some(ws) = self.session.workspace_of(&path) else {
            return Ok(None);
        };
        let enc = self.session.encoding();
        self.session
            .blocking(what, move |_| {
                let view = View::of(&ws, &path, doc)?;
                let offset = view.offset(position, enc)?;
                f(&At {
                    ws: &ws,
                    path: &path,
                    text: &view.model_text,
                    offset,
                    enc,
                    view: &view,
                })
            })
            .await
    }
}

#[allow(deprecated)]
fn document_symbol(view: &View, enc: PositionEncoding, s: Symbol) -> Option<DocumentSymbol> {
    let kind = match s.kind {
        navigation::SymbolKind::Entity => SymbolKind::STRUCT,
        navigation::SymbolKind::Class => SymbolKind::CLASS,
        navigation::SymbolKind::Column => SymbolKind::FIELD,
        navigation::SymbolKind::Relation => SymbolKind::PROPERTY,
        navigation::SymbolKind::Property => SymbolKind::PROPERTY,
        navigation::SymbolKind::Method => SymbolKind::METHOD,
    };
    let range = view.range(&s.span, enc)?;
    let selection_range = view.range(&s.name_span, enc).unwrap_or(Range {
        start: range.start,
        end: range.start,
    });
    let children: Vec<DocumentSymbol> = s
        .children
        .into_iter()
        .filter_map(|c| document_symbol(view, enc, c))
        .collect();
    Some(DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: (!children.is_empty()).then_some(children),
    })
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let mut init_options = settings_of(params.initialization_options.clone());
        let mode = take_diagnostic_mode(&mut init_options);
        let mut caps = ClientCaps::from_capabilities(&params.capabilities);
        // Pull only when asked: a push reaches the client the moment an analysis ends,
        // while a pull-capable client may wait before it asks (and both at once would
        // show every finding twice).
        caps.pull_diagnostics &= mode == DiagnosticMode::Pull;
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        let enc = PositionEncoding::negotiate(offered);
        self.session.set_encoding(enc);
        self.session.set_caps(caps.clone());
        self.session.settings().init_options = init_options;
        {
            let mut folders = self.session.folders_mut();
            for root in roots_of(&params) {
                folders.add(root);
            }
        }
        // Until its scan ends, a folder checks the open buffers with its own
        // `typeorm-lsp.json` and the initialization options, not the defaults.
        let roots = self.session.folders().roots();
        for root in roots {
            let (config, _) = self.session.effective_config(&root, None);
            let placeholder = Workspace::from_sources(&root, config, Vec::new());
            if let Some(state) = self.session.folders_mut().get_mut(&root) {
                state.workspace = Arc::new(placeholder);
            }
        }
        analysis::spawn(self.session.clone());
        Ok(InitializeResult {
            capabilities: capabilities(enc, &caps),
            server_info: Some(ServerInfo {
                name: "typeorm-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Requests to the client run in a task of their own: a handler that awaits a
        // client response would hold up `exit` (the server stops reading responses
        // then) and, before that, every response queued behind it.
        let session = self.session.clone();
        let busy = session.busy();
        tokio::spawn(async move {
            let _busy = busy;
            watch::register(&session).await;
            let roots = session.folders().roots();
            pull_settings(&session, &roots).await;
            indexing::index(session, roots).await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.session.set_shutdown();
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let opened = guarded(|| self.session.docs.open(doc.uri, doc.version, doc.text));
        if opened.is_some() {
            // A document just opened has no burst of edits to wait for.
            self.session.schedule(|p| p.at_once = true);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let enc = self.session.encoding();
        let version = params.text_document.version;
        let changed = guarded(|| {
            self.session
                .docs
                .change(&uri, version, &params.content_changes, enc)
        });
        match changed {
            Some(Ok(_)) => self.session.schedule(|_| {}),
            Some(Err(err)) => {
                let msg = format!("ignored a change to {}: {err}", uri.as_str());
                self.session.log(MessageType::LOG, msg).await;
            }
            None => {
                let msg = format!("applying a change to {} failed", uri.as_str());
                self.session.log(MessageType::ERROR, msg).await;
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let was_open = guarded(|| self.session.docs.close(&uri)).unwrap_or(false);
        if !was_open {
            return;
        }
        let path = uri_path(&uri);
        let in_workspace = path.as_deref().is_some_and(|p| {
            let folders = self.session.folders();
            folders.for_path(p).is_some_and(|state| {
                let ws = &state.workspace;
                ws.files.contains_key(p) || analysis::in_workspace(ws, p)
            })
        });
        if !in_workspace {
            self.session.results.remove(&uri);
            if !self.session.caps().pull_diagnostics {
                self.session
                    .client
                    .publish_diagnostics(uri, Vec::new(), None)
                    .await;
            }
            return;
        }
        self.session.schedule(|p| {
            p.disk.extend(path);
            p.full = true;
        });
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        watch::on_changes(&self.session, &params.changes);
    }

    async fn did_create_files(&self, params: CreateFilesParams) {
        let created: Vec<Uri> = params
            .files
            .iter()
            .filter_map(|f| f.uri.parse().ok())
            .collect();
        watch::on_changes(&self.session, &watch::file_operations(&created, &[], &[]));
    }

    async fn did_rename_files(&self, params: RenameFilesParams) {
        let renamed: Vec<(Uri, Uri)> = params
            .files
            .iter()
            .filter_map(|f| Some((f.old_uri.parse().ok()?, f.new_uri.parse().ok()?)))
            .collect();
        watch::on_changes(&self.session, &watch::file_operations(&[], &renamed, &[]));
    }

    async fn did_delete_files(&self, params: DeleteFilesParams) {
        let deleted: Vec<Uri> = params
            .files
            .iter()
            .filter_map(|f| f.uri.parse().ok())
            .collect();
        watch::on_changes(&self.session, &watch::file_operations(&[], &[], &deleted));
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let paths = |folders: &[WorkspaceFolder]| -> Vec<PathBuf> {
            folders.iter().filter_map(|f| uri_path(&f.uri)).collect()
        };
        let (removed, added) = (paths(&params.event.removed), paths(&params.event.added));
        // The folder set changes before any `.await`, like the document store: requests
        // and notifications that follow are routed by the new set.
        let Some(scan) = guarded(|| change_folders(&self.session, &removed, &added)) else {
            return;
        };
        // Re-checks: open files of removed folders and their closed files lose their
        // diagnostics; open files of added folders get theirs.
        self.session.schedule(|p| p.full = true);
        let session = self.session.clone();
        let busy = session.busy();
        tokio::spawn(async move {
            let _busy = busy;
            pull_settings(&session, &added).await;
            indexing::index(session, scan).await;
        });
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let session = self.session.clone();
        let busy = session.busy();
        tokio::spawn(async move {
            let _busy = busy;
            let roots = session.folders().roots();
            if !pull_settings(&session, &roots).await {
                session.settings().client = settings_of(Some(params.settings));
            }
            session.schedule(|p| {
                p.reload_config = true;
                p.full = true;
            });
        });
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        self.at_position("hover", pos.text_document.uri, pos.position, |at| {
            let (md, span) = hover::hover(&at.ws.model, at.path, at.text, at.offset)?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: md,
                }),
                range: at.view.range(&span, at.enc),
            })
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        self.at_position("definition", pos.text_document.uri, pos.position, |at| {
            let places = navigation::definition(&at.ws.model, at.path, at.text, at.offset);
            let locations = at.locations(places);
            (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let pos = params.text_document_position;
        let with_decl = params.context.include_declaration;
        self.at_position(
            "references",
            pos.text_document.uri,
            pos.position,
            move |at| {
                let places = navigation::references(at.ws, at.path, at.text, at.offset, with_decl);
                Some(at.locations(places))
            },
        )
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let Some(path) = uri_path(&uri) else {
            return Ok(None);
        };
        let doc = self.session.docs.get(&uri);
        let Some(ws) = self.session.workspace_of(&path) else {
            return Ok(None);
        };
        let enc = self.session.encoding();
        self.session
            .blocking("documentSymbol", move |_| {
                let view = View::of(&ws, &path, doc)?;
                let symbols = navigation::document_symbols(&ws.model, &path)
                    .into_iter()
                    .filter_map(|sym| document_symbol(&view, enc, sym))
                    .collect();
                Some(DocumentSymbolResponse::Nested(symbols))
            })
            .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        if let Some(delay) = test_request_delay() {
            // Test hook: a request that is certainly still running when cancelled.
            tokio::time::sleep(delay).await;
        }
        let workspaces = self.session.workspaces();
        let enc = self.session.encoding();
        self.session
            .blocking("workspace/symbol", move |_| {
                #[allow(deprecated)]
                let found = workspaces
                    .iter()
                    .flat_map(|(_, ws)| {
                        navigation::workspace_symbols(&ws.model, &params.query)
                            .into_iter()
                            .filter_map(move |(name, table, (path, span))| {
                                Some(SymbolInformation {
                                    name,
                                    kind: SymbolKind::STRUCT,
                                    tags: None,
                                    deprecated: None,
                                    location: locate(ws, enc, &path, &span)?,
                                    container_name: Some(table),
                                })
                            })
                    })
                    .collect();
                Some(WorkspaceSymbolResponse::Flat(found))
            })
            .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(snap) = self.session.docs.get(&uri) else {
            return Ok(None);
        };
        let published = self.session.results.get(&uri).map(|r| r.clone());
        let ws = uri_path(&uri).and_then(|p| self.session.workspace_of(&p));
        self.session
            .blocking("codeAction", move |s| {
                let enc = s.encoding();
                let caps = s.caps();
                let findings = current_findings(published.as_ref(), &snap);
                let span = snap.line_index.range_to_span(&snap.text, params.range, enc);
                let doc = FileView {
                    uri: snap.uri.clone(),
                    text: snap.text.clone(),
                    version: Some(snap.version),
                };
                let view = |p: &std::path::Path| file_view(s, p);
                let ctx = ActionCtx {
                    caps: &caps,
                    enc,
                    view: &view,
                };
                let only = params.context.only.as_deref();
                let all = code_actions::fix_all_asked(only);
                let context = &params.context.diagnostics;
                let mut findings = findings;
                let is_asked = code_actions::asked(&findings, &span, context);
                // Only the fixes this request shows are built (all of them for fix-all).
                code_actions::build_wanted_fixes(ws.as_deref(), &doc, &mut findings, |f| {
                    all || is_asked(f)
                });
                let actions = code_actions::actions(
                    &ctx,
                    &doc,
                    &findings,
                    &span,
                    &params.context.diagnostics,
                    only,
                );
                Some(actions)
            })
            .await
    }

    async fn code_action_resolve(&self, mut action: CodeAction) -> Result<CodeAction> {
        let Some(data) = action
            .data
            .clone()
            .and_then(|d| serde_json::from_value::<code_actions::ResolveData>(d).ok())
        else {
            return Ok(action);
        };
        let Ok(uri) = data.uri.parse::<Uri>() else {
            return Ok(action);
        };
        let snap = self
            .session
            .docs
            .get(&uri)
            .filter(|s| Some(s.version) == data.version);
        let published = self.session.results.get(&uri).map(|r| r.clone());
        let Some(snap) = snap else {
            let msg = format!(
                "code action for {} is stale: the document changed",
                data.uri
            );
            self.session.log(MessageType::LOG, msg).await;
            return Ok(action);
        };
        let title = action.title.clone();
        let ws = uri_path(&uri).and_then(|p| self.session.workspace_of(&p));
        let edit = self
            .session
            .blocking("codeAction/resolve", move |s| {
                let findings = current_findings(published.as_ref(), &snap);
                let fix = findings.get(data.finding)?.fixes.get(data.fix)?;
                if fix.title != title {
                    // Findings were published for this version meanwhile: other indices.
                    return None;
                }
                let caps = s.caps();
                let view = |p: &std::path::Path| file_view(s, p);
                let ctx = ActionCtx {
                    caps: &caps,
                    enc: s.encoding(),
                    view: &view,
                };
                let doc = FileView {
                    uri: snap.uri.clone(),
                    text: snap.text.clone(),
                    version: Some(snap.version),
                };
                let mut findings = findings;
                let wanted = findings.get(data.finding).cloned();
                code_actions::build_wanted_fixes(ws.as_deref(), &doc, &mut findings, |f| {
                    Some(f) == wanted.as_ref()
                });
                code_actions::resolve_edit(&ctx, &findings, &data)
            })
            .await?;
        action.edit = edit;
        Ok(action)
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        let command = params.command;
        if command == commands::DEBUG_IDLE && commands::debug_enabled() {
            return Ok(Some(Value::Bool(self.session.wait_idle().await)));
        }
        let folder = folder_argument(&params.arguments).map_err(Error::invalid_params)?;
        let outcome =
            self.session
                .blocking("executeCommand", move |s| {
                    let ws = match &folder {
                        Some(path) => Some(s.workspace_of(path).ok_or_else(|| {
                            format!("{} is in no workspace folder", path.display())
                        })?),
                        None => s.folders().first().map(|f| f.workspace.clone()),
                    };
                    let empty = Model::default();
                    let default_config = crate::config::Config::default();
                    let model = ws.as_deref().map_or(&empty, |w| &w.model);
                    let config = ws.as_deref().map_or(&default_config, |w| &w.config);
                    commands::execute(model, config, &command)
                })
                .await?;
        outcome.map_err(Error::invalid_params)
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        self.session.analyzed_current(&uri).await;
        let items = self
            .session
            .results
            .get(&uri)
            .map(|r| r.diagnostics.clone())
            .unwrap_or_default();
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }
}

/// The published findings of a document moved onto its current buffer: as they are when
/// computed for this text, else rebased across the edits made since (findings in the
/// edited region wait for the next run).
fn current_findings(published: Option<&FileResult>, snap: &DocSnapshot) -> Vec<Finding> {
    let Some(r) = published else {
        return Vec::new();
    };
    if r.version == Some(snap.version) || *r.text == *snap.text {
        return r.findings.to_vec();
    }
    let Some(path) = uri_path(&snap.uri) else {
        return Vec::new();
    };
    let delta = TextDelta::between(&r.text, &snap.text);
    r.findings
        .iter()
        .filter_map(|f| rebase_finding(f, &path, &delta))
        .collect()
}

/// Test hook: milliseconds `workspace/symbol` waits before answering (so that a test can
/// cancel it while it certainly runs). Unset outside tests.
pub const TEST_REQUEST_DELAY_ENV: &str = "TYPEORM_LSP_TEST_REQUEST_DELAY_MS";

fn test_request_delay() -> Option<std::time::Duration> {
    let ms = std::env::var(TEST_REQUEST_DELAY_ENV).ok()?.parse().ok()?;
    Some(std::time::Duration::from_millis(ms))
}

/// How the client sees a file a fix edits: the open buffer (with its version) if the
/// workspace copy matches it, else the workspace copy, else the disk.
fn file_view(session: &Session, path: &std::path::Path) -> Option<FileView> {
    let uri = path_uri(path)?;
    let open = session
        .docs
        .uris()
        .into_iter()
        .find(|u| uri_path(u).as_deref() == Some(path))
        .and_then(|u| session.docs.get(&u));
    if let Some(snap) = open {
        return Some(FileView {
            uri: snap.uri,
            text: snap.text,
            version: Some(snap.version),
        });
    }
    if let Some(file) = session
        .workspace_of(path)
        .and_then(|ws| ws.files.get(path).cloned())
    {
        return Some(FileView {
            uri,
            text: file.text().clone(),
            version: None,
        });
    }
    let text = crate::workspace::read_source(path).ok()?;
    Some(FileView {
        uri,
        text: Arc::from(text),
        version: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_come_from_the_section_or_the_object() {
        assert_eq!(
            settings_of(Some(json!({"typeormLsp": {"rules": {"IDX001": "off"}}}))),
            json!({"rules": {"IDX001": "off"}})
        );
        assert_eq!(
            settings_of(Some(json!({"baseClass": "X"}))),
            json!({"baseClass": "X"})
        );
        assert_eq!(settings_of(None), Value::Null);
    }

    #[test]
    fn folders_come_from_workspace_folders_then_root_uri_then_root_path() {
        let params = |v: Value| serde_json::from_value::<InitializeParams>(v).unwrap();
        let both = params(json!({
            "capabilities": {},
            "rootUri": "file:///r",
            "workspaceFolders": [
                {"uri": "file:///a", "name": "a"},
                {"uri": "file:///b", "name": "b"}
            ]
        }));
        assert_eq!(roots_of(&both), [PathBuf::from("/a"), PathBuf::from("/b")]);
        let root_uri = params(json!({"capabilities": {}, "rootUri": "file:///r"}));
        assert_eq!(roots_of(&root_uri), [PathBuf::from("/r")]);
        let root_path = params(json!({"capabilities": {}, "rootPath": "/p"}));
        assert_eq!(roots_of(&root_path), [PathBuf::from("/p")]);
        assert!(roots_of(&params(json!({"capabilities": {}}))).is_empty());
    }

    #[test]
    fn a_command_folder_argument_is_a_uri() {
        assert_eq!(folder_argument(&[]), Ok(None));
        assert_eq!(
            folder_argument(&[json!("file:///w/api")]),
            Ok(Some(PathBuf::from("/w/api")))
        );
        assert!(folder_argument(&[json!(3)]).is_err());
        assert!(folder_argument(&[json!("untitled:x")]).is_err());
    }

    #[test]
    fn guarded_catches_panics() {
        assert_eq!(guarded(|| 3), Some(3));
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let caught: Option<()> = guarded(|| panic!("boom"));
        std::panic::set_hook(hook);
        assert_eq!(caught, None);
    }
}
