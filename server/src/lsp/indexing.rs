//! The initial workspace scan, in the background with `$/progress`: discover, parse in
//! chunks (reporting a percentage after each), build the model, swap it in. Requests are
//! answered meanwhile from the model of the open documents.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use tower_lsp_server::ls_types::{MessageType, NumberOrString};

use super::analysis::sync_open;
use super::session::{uri_path, Session};
use crate::model::SourceFile;
use crate::workspace::{read_source, Workspace};

/// Files parsed between two progress reports.
const CHUNK: usize = 256;

/// The progress token of the scan.
pub const TOKEN: &str = "typeorm-lsp/indexing";

/// Scans the workspace and then asks the analysis task for a full check.
pub async fn index(session: Arc<Session>) {
    let progress = begin(&session).await;
    let root = session.state().root.clone();
    let s = session.clone();
    let r = root.clone();
    let Ok((config, problems)) = tokio::task::spawn_blocking(move || s.effective_config(&r)).await
    else {
        session
            .log(MessageType::ERROR, "reading the configuration failed")
            .await;
        return;
    };
    for p in problems {
        session.log(MessageType::WARNING, p.clone()).await;
        session
            .client
            .show_message(MessageType::WARNING, format!("typeorm-lsp: {p}"))
            .await;
    }
    let (r, c) = (root.clone(), config.clone());
    let paths = tokio::task::spawn_blocking(move || crate::discover::discover(&r, &c))
        .await
        .unwrap_or_default();
    let total = paths.len();
    let mut files = BTreeMap::new();
    for (i, chunk) in paths.chunks(CHUNK).enumerate() {
        let chunk = chunk.to_vec();
        let loaded = tokio::task::spawn_blocking(move || parse_chunk(chunk))
            .await
            .unwrap_or_default();
        for item in loaded {
            match item {
                Ok(file) => {
                    files.insert(file.path.clone(), Arc::new(file));
                }
                Err(problem) => session.log(MessageType::WARNING, problem).await,
            }
        }
        if let Some(p) = &progress {
            let done = ((i + 1) * CHUNK).min(total);
            let pct = u32::try_from(done * 100 / total.max(1)).unwrap_or(100);
            p.report_with_message(format!("{done}/{total} files"), pct)
                .await;
        }
    }
    let count = files.len();
    let s = session.clone();
    let built = tokio::task::spawn_blocking(move || {
        let ws = Workspace::with_files(&root, config, files);
        let warnings = ws.warnings.clone();
        install(&s, ws);
        warnings
    })
    .await;
    match built {
        Ok(warnings) => {
            for w in warnings {
                session.log(MessageType::WARNING, w).await;
            }
        }
        Err(err) => {
            let msg = format!("building the model failed: {err}");
            session.log(MessageType::ERROR, msg).await;
        }
    }
    session.schedule(|p| p.full = true);
    session
        .log(MessageType::INFO, format!("indexed {count} files"))
        .await;
    if let Some(p) = progress {
        p.finish_with_message(format!("{count} files")).await;
    }
}

type Ongoing =
    tower_lsp_server::OngoingProgress<tower_lsp_server::Bounded, tower_lsp_server::NotCancellable>;

/// Swaps the scanned workspace in, with the open buffers (newer than the disk) put
/// back first so that requests never see the model out of step with the editor.
fn install(session: &Session, ws: Workspace) {
    let open: Vec<_> = session
        .docs
        .uris()
        .into_iter()
        .filter_map(|u| session.docs.get(&u))
        .collect();
    let mut state = session.state_mut();
    state.workspace = ws;
    state.indexed = true;
    let mut changed = false;
    for snap in &open {
        if let Some(path) = uri_path(&snap.uri) {
            changed |= sync_open(&mut state, &path, snap);
        }
    }
    if changed {
        state.workspace.rebuild();
    }
}

/// Creates the progress token (if the client supports it) and sends `begin`.
async fn begin(session: &Session) -> Option<Ongoing> {
    if !session.caps().work_done_progress {
        return None;
    }
    let token = NumberOrString::String(TOKEN.to_string());
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

fn parse_chunk(paths: Vec<PathBuf>) -> Vec<Result<SourceFile, String>> {
    paths
        .par_iter()
        .map(|p| read_source(p).map(|text| SourceFile::new(p.clone(), text)))
        .collect()
}
