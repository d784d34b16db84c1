//! `check --diff`: what `--fix` would change, as a unified diff, writing nothing. The same
//! rounds as `--fix` run on the workspace in memory: each round's safe fixes are merged
//! by a [`FixPlan`] (which drops conflicting ones), applied to the texts in memory, and
//! the model rebuilt, until nothing more applies. The diff is then between the files on
//! disk and their final texts; new files (migrations) are diffed against `/dev/null`.

use super::fixes::safe_fix;
use super::output::relative_path;
use crate::finding::{FileChange, Fix, TextEdit};
use crate::fix::{apply_edits, keeps_parseable, FixPlan};
use crate::model::SourceFile;
use crate::workspace::Workspace;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The outcome of [`preview`]: the text of every touched file before (None: the file
/// does not exist) and after (None: renamed away), and how many fixes applied.
#[derive(Debug, Default)]
pub struct Preview {
    pub files: BTreeMap<PathBuf, (Option<String>, Option<String>)>,
    pub fixes: usize,
    pub migrations: usize,
}

/// Runs the `--fix` rounds on `ws` in memory (the workspace ends up fixed; disk is not
/// touched). Fixes of findings outside `scope` are not applied.
pub fn preview(ws: &mut Workspace, scope: &Path, with_migrations: bool, rounds: usize) -> Preview {
    let mut out = Preview::default();
    for _ in 0..rounds {
        let accepted = accepted_fixes(ws, scope);
        if accepted.is_empty() {
            break;
        }
        let changed = apply_in_memory(ws, &accepted, with_migrations, &mut out);
        if !changed {
            break;
        }
        out.fixes += accepted.len();
        ws.rebuild();
    }
    out.files.retain(|_, (before, after)| before != after);
    out
}

/// The safe fixes of one round that a [`FixPlan`] accepts together.
fn accepted_fixes(ws: &Workspace, scope: &Path) -> Vec<Fix> {
    let mut plan = FixPlan::new();
    super::fixes::fixable_findings(ws, scope)
        .iter()
        .filter_map(safe_fix)
        .filter(|fix| plan.add(fix))
        .collect()
}

fn text_of(ws: &Workspace, path: &Path) -> Option<String> {
    match ws.files.get(path) {
        Some(file) => Some(file.text().to_string()),
        None => std::fs::read_to_string(path).ok(),
    }
}

/// Applies accepted fixes to the in-memory texts; returns whether anything changed.
fn apply_in_memory(
    ws: &mut Workspace,
    fixes: &[Fix],
    with_migrations: bool,
    out: &mut Preview,
) -> bool {
    let mut edits: BTreeMap<PathBuf, Vec<TextEdit>> = BTreeMap::new();
    let mut created: Vec<(PathBuf, String)> = Vec::new();
    let mut renamed: Vec<(PathBuf, PathBuf)> = Vec::new();
    for fix in fixes {
        for change in &fix.changes {
            match change {
                FileChange::Edit { path, .. }
                    if !with_migrations && fix.migration_edits.contains(path) => {}
                FileChange::Edit { path, edits: e } => {
                    let list = edits.entry(path.clone()).or_default();
                    list.extend(
                        e.iter()
                            .filter(|x| !list.contains(x))
                            .cloned()
                            .collect::<Vec<_>>(),
                    );
                }
                FileChange::Create { path, contents } => {
                    let exists = path.exists()
                        || ws.files.contains_key(path)
                        || created.iter().any(|(p, _)| p == path);
                    if (!fix.creates_migration || with_migrations) && !exists {
                        out.migrations += usize::from(fix.creates_migration);
                        created.push((path.clone(), contents.clone()));
                    }
                }
                FileChange::Rename { from, to } => renamed.push((from.clone(), to.clone())),
            }
        }
    }
    let mut changed = false;
    for (path, list) in edits {
        let Some(before) = text_of(ws, &path) else {
            continue;
        };
        let Ok(after) = apply_edits(&before, &list) else {
            continue;
        };
        if after == before || !keeps_parseable(&path, &before, &after) {
            continue;
        }
        record(out, &path, Some(before), Some(after.clone()));
        ws.set_file(Arc::new(SourceFile::new(path, after)));
        changed = true;
    }
    for (path, contents) in created {
        record(out, &path, None, Some(contents.clone()));
        ws.set_file(Arc::new(SourceFile::new(path, contents)));
        changed = true;
    }
    for (from, to) in renamed {
        let Some(text) = text_of(ws, &from) else {
            continue;
        };
        if to.exists() {
            continue;
        }
        record(out, &from, Some(text.clone()), None);
        record(out, &to, None, Some(text.clone()));
        ws.remove_file(&from);
        ws.set_file(Arc::new(SourceFile::new(to, text)));
        changed = true;
    }
    changed
}

/// Keeps the first "before" of a file and its latest "after".
fn record(out: &mut Preview, path: &Path, before: Option<String>, after: Option<String>) {
    let entry = out
        .files
        .entry(path.to_path_buf())
        .or_insert((before, None));
    entry.1 = after;
}

/// Unified diffs (git's `a/` and `b/` prefixes, so `git apply` takes them), paths relative
/// to `root`.
pub fn render(preview: &Preview, root: &Path) -> String {
    let mut out = String::new();
    for (path, (before, after)) in &preview.files {
        let rel = relative_path(path, root);
        let old_name = match before {
            Some(_) => format!("a/{rel}"),
            None => "/dev/null".to_string(),
        };
        let new_name = match after {
            Some(_) => format!("b/{rel}"),
            None => "/dev/null".to_string(),
        };
        let old = before.as_deref().unwrap_or("");
        let new = after.as_deref().unwrap_or("");
        let diff = similar::TextDiff::from_lines(old, new);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&old_name, &new_name)
                .missing_newline_hint(true)
                .to_string(),
        );
    }
    out
}

/// `Would apply 3 fixes to 2 files and create 1 file (1 migration); nothing was written.`
/// for stderr.
pub fn summary(preview: &Preview) -> String {
    if preview.files.is_empty() {
        return "No fixes to apply.".to_string();
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let edited = preview
        .files
        .values()
        .filter(|(before, after)| before.is_some() && after.is_some())
        .count();
    let created = preview
        .files
        .values()
        .filter(|(before, after)| before.is_none() && after.is_some())
        .count();
    let mut line = format!(
        "Would apply {} to {}",
        plural(preview.fixes, "fix", "fixes"),
        plural(edited, "file", "files")
    );
    if created > 0 {
        line.push_str(&format!(" and create {}", plural(created, "file", "files")));
        if preview.migrations > 0 {
            line.push_str(&format!(
                " ({})",
                plural(preview.migrations, "migration", "migrations")
            ));
        }
    }
    line.push_str("; nothing was written.");
    line
}
