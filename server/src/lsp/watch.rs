//! Files changing on disk: watchers registered dynamically for TypeScript sources,
//! `tsconfig.json`, `typeorm-lsp.json` and the files that say which database a project
//! uses (`package.json`, `ormconfig.json`); events queue work for the analysis task
//! (re-read, forget, or reload the configuration and re-check everything).

use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::{
    DidChangeWatchedFilesRegistrationOptions, FileChangeType, FileEvent, FileOperationFilter,
    FileOperationPattern, FileOperationPatternKind, FileSystemWatcher, GlobPattern, MessageType,
    Registration, Uri,
};

use super::session::{uri_path, Pending, Session};
use crate::config::CONFIG_FILE_NAME;

/// The globs watched.
pub const GLOBS: [&str; 5] = [
    "**/*.ts",
    "**/tsconfig.json",
    "**/typeorm-lsp.json",
    "**/package.json",
    "**/ormconfig.json",
];

/// Registers the file watchers, when the client allows dynamic registration.
pub async fn register(session: &Session) {
    if !session.caps().dynamic_watch {
        return;
    }
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: GLOBS
            .iter()
            .map(|g| FileSystemWatcher {
                glob_pattern: GlobPattern::String(g.to_string()),
                kind: None,
            })
            .collect(),
    };
    let registration = Registration {
        id: "typeorm-lsp-watched-files".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(err) = session.client.register_capability(vec![registration]).await {
        let msg = format!("cannot watch files: {err}");
        session.log(MessageType::WARNING, msg).await;
    }
}

/// What a changed path means for the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Settings or module resolution changed: reload and re-check all.
    Reload,
    /// A source file to re-read or forget.
    File(PathBuf),
    /// A deleted folder: forget the files under it.
    Folder(PathBuf),
    /// A folder created (or moved in): read the source files under it. Watchers and
    /// `workspace/didRenameFiles` report a moved folder once, not file by file.
    NewFolder(PathBuf),
    Ignore,
}

/// Classifies one event.
pub fn effect(path: &Path, typ: FileChangeType) -> Effect {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    // The resolver reads these once per workspace (tsconfigs, and the package.json /
    // ormconfig.json that name the database): a change rebuilds it.
    let project_file = name == "package.json" || name == "ormconfig.json";
    if name == CONFIG_FILE_NAME
        || project_file
        || (name.starts_with("tsconfig") && name.ends_with(".json"))
    {
        return Effect::Reload;
    }
    let source = [".ts", ".tsx", ".mts", ".cts"]
        .iter()
        .any(|ext| name.ends_with(ext));
    if source {
        Effect::File(path.to_path_buf())
    } else if typ == FileChangeType::DELETED {
        Effect::Folder(path.to_path_buf())
    } else if path.is_dir() {
        Effect::NewFolder(path.to_path_buf())
    } else {
        Effect::Ignore
    }
}

/// The file operations a client reports itself (`workspace/didCreateFiles`,
/// `didRenameFiles`, `didDeleteFiles`), as watcher events: a rename is the old path
/// deleted and the new one created.
pub fn file_operations(created: &[Uri], renamed: &[(Uri, Uri)], deleted: &[Uri]) -> Vec<FileEvent> {
    let event = |uri: &Uri, typ| FileEvent::new(uri.clone(), typ);
    created
        .iter()
        .map(|u| event(u, FileChangeType::CREATED))
        .chain(renamed.iter().flat_map(|(old, new)| {
            [
                event(old, FileChangeType::DELETED),
                event(new, FileChangeType::CREATED),
            ]
        }))
        .chain(deleted.iter().map(|u| event(u, FileChangeType::DELETED)))
        .collect()
}

/// What the server asks clients to report with `workspace/did*Files`: source files and
/// folders (a moved folder carries its files).
pub fn file_operation_filters() -> Vec<FileOperationFilter> {
    let filter = |glob: &str, matches| FileOperationFilter {
        scheme: Some("file".to_string()),
        pattern: FileOperationPattern {
            glob: glob.to_string(),
            matches: Some(matches),
            options: None,
        },
    };
    vec![
        filter("**/*.{ts,tsx,mts,cts}", FileOperationPatternKind::File),
        filter("**/*", FileOperationPatternKind::Folder),
    ]
}

/// Queues the events' work and wakes the analysis.
pub fn on_changes(session: &Session, changes: &[FileEvent]) {
    let effects: Vec<Effect> = changes
        .iter()
        .filter_map(|c| Some(effect(&uri_path(&c.uri)?, c.typ)))
        .collect();
    let mut folder_files: Vec<PathBuf> = {
        let folders = session.folders();
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Folder(dir) => Some(dir),
                _ => None,
            })
            .flat_map(|dir| {
                folders
                    .iter()
                    .flat_map(|s| s.workspace.files.keys())
                    .filter(|p| p.starts_with(dir))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    // Whether each one belongs to a workspace is decided when it is read.
    for e in &effects {
        if let Effect::NewFolder(dir) = e {
            folder_files.extend(crate::discover::source_files_under(dir));
        }
    }
    session.schedule(|pending: &mut Pending| {
        for e in effects {
            match e {
                Effect::Reload => pending.reload_config = true,
                Effect::File(p) => pending.disk.push(p),
                Effect::Folder(_) | Effect::NewFolder(_) | Effect::Ignore => {}
            }
        }
        pending.disk.extend(folder_files);
        pending.full = true;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        let t = FileChangeType::CHANGED;
        assert_eq!(effect(Path::new("/w/typeorm-lsp.json"), t), Effect::Reload);
        assert_eq!(
            effect(Path::new("/w/tsconfig.build.json"), t),
            Effect::Reload
        );
        assert_eq!(
            effect(Path::new("/w/a.ts"), t),
            Effect::File(PathBuf::from("/w/a.ts"))
        );
        assert_eq!(effect(Path::new("/w/readme.md"), t), Effect::Ignore);
        assert_eq!(effect(Path::new("/w/package.json"), t), Effect::Reload);
        assert_eq!(
            effect(Path::new("/w/src"), FileChangeType::DELETED),
            Effect::Folder(PathBuf::from("/w/src"))
        );
        let dir = tempfile::TempDir::new().expect("tempdir");
        assert_eq!(
            effect(dir.path(), FileChangeType::CREATED),
            Effect::NewFolder(dir.path().to_path_buf())
        );
    }
}
