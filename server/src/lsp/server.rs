//! The `LanguageServer` impl: thin handlers that mutate the document store first (no
//! `.await` before it, so edits apply in arrival order), queue analysis, and answer
//! requests on the blocking pool over the current model.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::LanguageServer;

use super::analysis::{self, locate};
use super::code_actions::{self, ActionCtx, FileView, FIX_ALL_KIND, SUPPRESS_KIND};
use super::navigation::{self, Symbol};
use super::position::{LineIndex, PositionEncoding};
use super::session::{path_uri, uri_path, ClientCaps, Session, State};
use super::{commands, hover, indexing, watch};

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

/// Asks the client for the `typeormLsp` section, when it supports that.
async fn pull_settings(session: &Session) -> Option<Value> {
    if !session.caps().configuration {
        return None;
    }
    let item = ConfigurationItem {
        scope_uri: None,
        section: Some(SETTINGS_SECTION.to_string()),
    };
    match session.client.configuration(vec![item]).await {
        Ok(mut values) if !values.is_empty() => Some(values.remove(0)),
        Ok(_) => None,
        Err(err) => {
            eprintln!("typeorm-lsp: workspace/configuration failed: {err}");
            None
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

/// The workspace root: the first workspace folder, else `rootUri`.
fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| uri_path(&f.uri));
    #[allow(deprecated)]
    let root_uri = params.root_uri.as_ref().and_then(uri_path);
    folder.or(root_uri)
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
            ..CodeActionOptions::default()
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: commands::commands(),
            ..ExecuteCommandOptions::default()
        }),
        diagnostic_provider,
        ..ServerCapabilities::default()
    }
}

/// The workspace text of `path` with its index, if the model is in step with the
/// editor's buffer `snap` (when open): spans of the model refer to that text.
fn model_text(
    state: &State,
    path: &std::path::Path,
    snap: Option<&str>,
) -> Option<(Arc<str>, LineIndex)> {
    let file = state.workspace.files.get(path)?;
    if snap.is_some_and(|s| *s != *file.text) {
        return None;
    }
    let index = LineIndex::new(&file.text);
    Some((file.text.clone(), index))
}

fn to_locations(
    state: &State,
    enc: PositionEncoding,
    places: Vec<navigation::Place>,
) -> Vec<Location> {
    places
        .iter()
        .filter_map(|(p, s)| locate(state, enc, p, s))
        .collect()
}

#[allow(deprecated)]
fn document_symbol(
    text: &str,
    index: &LineIndex,
    enc: PositionEncoding,
    s: Symbol,
) -> DocumentSymbol {
    let kind = match s.kind {
        navigation::SymbolKind::Entity => SymbolKind::STRUCT,
        navigation::SymbolKind::Class => SymbolKind::CLASS,
        navigation::SymbolKind::Column => SymbolKind::FIELD,
        navigation::SymbolKind::Relation => SymbolKind::PROPERTY,
        navigation::SymbolKind::Property => SymbolKind::PROPERTY,
        navigation::SymbolKind::Method => SymbolKind::METHOD,
    };
    let children: Vec<DocumentSymbol> = s
        .children
        .into_iter()
        .map(|c| document_symbol(text, index, enc, c))
        .collect();
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind,
        tags: None,
        deprecated: None,
        range: index.span_to_range(text, &s.span, enc),
        selection_range: index.span_to_range(text, &s.name_span, enc),
        children: (!children.is_empty()).then_some(children),
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = ClientCaps::from_capabilities(&params.capabilities);
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        let enc = PositionEncoding::negotiate(offered);
        self.session.set_encoding(enc);
        self.session.set_caps(caps.clone());
        self.session.settings().init_options = settings_of(params.initialization_options.clone());
        if let Some(root) = root_of(&params) {
            let mut state = self.session.state_mut();
            state.root = root.clone();
            state.workspace.root = root;
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
        tokio::spawn(async move {
            watch::register(&session).await;
            if let Some(settings) = pull_settings(&session).await {
                session.settings().client = settings;
            }
            indexing::index(session).await;
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
            self.session.schedule(|_| {});
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
            let state = self.session.state();
            state.workspace.files.contains_key(p) || analysis::in_workspace(&state, p)
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

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let session = self.session.clone();
        tokio::spawn(async move {
            let settings = match pull_settings(&session).await {
                Some(s) => s,
                None => settings_of(Some(params.settings)),
            };
            session.settings().client = settings;
            session.schedule(|p| {
                p.reload_config = true;
                p.full = true;
            });
        });
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let uri = pos.text_document.uri;
        let Some(path) = uri_path(&uri) else {
            return Ok(None);
        };
        let snap = self.session.current(&uri).await.map(|s| s.text);
        self.session
            .blocking("hover", move |s| {
                let enc = s.encoding();
                let state = s.state();
                let (text, index) = model_text(&state, &path, snap.as_deref())?;
                let offset = index.position_to_offset(&text, pos.position, enc);
                let (md, span) = hover::hover(&state.workspace.model, &path, &text, offset)?;
                Some(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: md,
                    }),
                    range: Some(index.span_to_range(&text, &span, enc)),
                })
            })
            .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        let uri = pos.text_document.uri;
        let Some(path) = uri_path(&uri) else {
            return Ok(None);
        };
        let snap = self.session.current(&uri).await.map(|s| s.text);
        self.session
            .blocking("definition", move |s| {
                let enc = s.encoding();
                let state = s.state();
                let (text, index) = model_text(&state, &path, snap.as_deref())?;
                let offset = index.position_to_offset(&text, pos.position, enc);
                let places = navigation::definition(&state.workspace.model, &path, &text, offset);
                let locations = to_locations(&state, enc, places);
                (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
            })
            .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let pos = params.text_document_position;
        let with_decl = params.context.include_declaration;
        let uri = pos.text_document.uri;
        let Some(path) = uri_path(&uri) else {
            return Ok(None);
        };
        let snap = self.session.current(&uri).await.map(|s| s.text);
        self.session
            .blocking("references", move |s| {
                let enc = s.encoding();
                let state = s.state();
                let (text, index) = model_text(&state, &path, snap.as_deref())?;
                let offset = index.position_to_offset(&text, pos.position, enc);
                let places = navigation::references(&state.workspace, &text, offset, with_decl);
                Some(to_locations(&state, enc, places))
            })
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
        let snap = self.session.current(&uri).await.map(|s| s.text);
        self.session
            .blocking("documentSymbol", move |s| {
                let enc = s.encoding();
                let state = s.state();
                let (text, index) = model_text(&state, &path, snap.as_deref())?;
                let symbols = navigation::document_symbols(&state.workspace.model, &path)
                    .into_iter()
                    .map(|sym| document_symbol(&text, &index, enc, sym))
                    .collect();
                Some(DocumentSymbolResponse::Nested(symbols))
            })
            .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        self.session
            .blocking("workspace/symbol", move |s| {
                let enc = s.encoding();
                let state = s.state();
                #[allow(deprecated)]
                let found = navigation::workspace_symbols(&state.workspace.model, &params.query)
                    .into_iter()
                    .filter_map(|(name, table, (path, span))| {
                        Some(SymbolInformation {
                            name,
                            kind: SymbolKind::STRUCT,
                            tags: None,
                            deprecated: None,
                            location: locate(&state, enc, &path, &span)?,
                            container_name: Some(table),
                        })
                    })
                    .collect();
                Some(WorkspaceSymbolResponse::Flat(found))
            })
            .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(snap) = self.session.current(&uri).await else {
            return Ok(None);
        };
        let findings = self
            .session
            .results
            .get(&uri)
            .filter(|r| r.version == Some(snap.version))
            .map(|r| r.findings.clone())
            .unwrap_or_default();
        self.session
            .blocking("codeAction", move |s| {
                let enc = s.encoding();
                let caps = s.caps();
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

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        let command = params.command;
        let outcome = self
            .session
            .blocking("executeCommand", move |s| {
                commands::execute(&s.state().workspace.model, &command)
            })
            .await?;
        outcome.map_err(Error::invalid_params)
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let _ = self.session.current(&uri).await;
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
    let state = session.state();
    if let Some(file) = state.workspace.files.get(path) {
        return Some(FileView {
            uri,
            text: file.text.clone(),
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
    fn guarded_catches_panics() {
        assert_eq!(guarded(|| 3), Some(3));
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let caught: Option<()> = guarded(|| panic!("boom"));
        std::panic::set_hook(hook);
        assert_eq!(caught, None);
    }
}
