//! The language server shell: LSP types, URIs and position encodings live here and
//! nowhere else; everything below speaks paths and byte offsets.
//!
//! One file per concern: [`server`] is the thin `LanguageServer` impl, [`session`] the
//! shared state, [`analysis`] the debounced background checker, and one module per
//! feature (diagnostics, code actions, hover, navigation, commands, indexing, watching).

pub mod analysis;
pub mod code_actions;
pub mod commands;
pub mod diagnostics;
pub mod documents;
pub mod hover;
pub mod indexing;
pub mod navigation;
pub mod position;
pub mod rebase;
#[cfg(test)]
mod same_name_tests;
pub mod server;
pub mod session;
pub mod transport;
pub mod watch;

use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::LspService;

use self::server::Backend;
use self::session::Session;

/// How long background work (a running scan or analysis) may delay the exit.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(200);

/// Runs the language server on stdin/stdout until `exit`; returns the process exit code:
/// 0 after a `shutdown` request, 1 when the client exits without one (as the LSP
/// specification asks), 2 when the runtime cannot start.
pub fn run_stdio() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("typeorm-lsp: cannot start the async runtime: {err}");
            return 2;
        }
    };
    let mut session_slot: Option<Arc<Session>> = None;
    runtime.block_on(async {
        let (service, socket) = LspService::new(|client| {
            let session = Session::new(client);
            session_slot = Some(session.clone());
            Backend::new(session)
        });
        let (stdin, stdout) = (tokio::io::stdin(), tokio::io::stdout());
        transport::serve(stdin, stdout, service, socket).await;
    });
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    match session_slot {
        Some(session) if session.shutdown_requested() => 0,
        _ => 1,
    }
}
