//! What `check --fix` did, told after the run: fixes and files changed, the migrations
//! written (and a migrations folder that did not exist before), migrations left unwritten
//! without `--with-migrations`, and findings left because their only fixes are unsafe.

use super::output::relative_path;
use crate::finding::{FileChange, Finding, Fix};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Why [`FixPlan::apply`](crate::fix::FixPlan::apply) skips a migration without
/// `--with-migrations`: counted here rather than warned about once per file.
const MIGRATION_NOT_WRITTEN: &str = "migration not written";

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FixSummary {
    pub fixes: usize,
    pub files_changed: BTreeSet<PathBuf>,
    pub migrations: Vec<PathBuf>,
    /// Folders that did not exist and now hold new files (the topmost one created).
    pub new_folders: BTreeSet<PathBuf>,
    pub renamed: Vec<(PathBuf, PathBuf)>,
    pub migrations_not_written: usize,
    /// Other changes not made, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// Code -> findings left whose fixes are all editor-only.
    pub unsafe_left: BTreeMap<&'static str, usize>,
}

/// The topmost missing ancestor folder of each file the fixes would create.
pub fn missing_folders(fixes: &[Fix]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for fix in fixes {
        for change in &fix.changes {
            if let FileChange::Create { path, .. } = change {
                let mut topmost = None;
                let mut dir = path.parent();
                while let Some(d) = dir {
                    if d.as_os_str().is_empty() || d.exists() {
                        break;
                    }
                    topmost = Some(d.to_path_buf());
                    dir = d.parent();
                }
                out.extend(topmost);
            }
        }
    }
    out
}

impl FixSummary {
    /// Adds one round's report; `missing` are the folders missing before the round.
    pub fn add_round(
        &mut self,
        fixes: usize,
        report: &crate::fix::ApplyReport,
        missing: &BTreeSet<PathBuf>,
    ) {
        self.fixes += fixes;
        self.files_changed
            .extend(report.files_changed.iter().cloned());
        self.migrations.extend(report.created.iter().cloned());
        self.renamed.extend(report.renamed.iter().cloned());
        for folder in missing {
            if folder.is_dir() && report.created.iter().any(|c| c.starts_with(folder)) {
                self.new_folders.insert(folder.clone());
            }
        }
        for (path, why) in &report.skipped {
            if why.starts_with(MIGRATION_NOT_WRITTEN) {
                self.migrations_not_written += 1;
            } else {
                self.skipped.push((path.clone(), why.clone()));
            }
        }
    }

    /// Counts the findings left after fixing whose fixes are all unsafe.
    pub fn note_unsafe_left(&mut self, findings: &[Finding]) {
        for f in findings.iter().filter(|f| super::fixes::only_unsafe(f)) {
            *self.unsafe_left.entry(f.code).or_default() += 1;
        }
    }

    /// The summary for stderr, paths relative to `root`.
    pub fn render(&self, root: &Path) -> String {
        let rel = |p: &Path| relative_path(p, root);
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut out = String::new();
        for (path, why) in &self.skipped {
            let _ = writeln!(out, "warning: {}: fix not applied: {why}", rel(path));
        }
        if self.fixes == 0 {
            out.push_str("No fixes applied.\n");
        } else {
            let _ = writeln!(
                out,
                "Applied {} to {}.",
                plural(self.fixes, "fix", "fixes"),
                plural(self.files_changed.len(), "file", "files")
            );
        }
        for (from, to) in &self.renamed {
            let _ = writeln!(out, "Renamed {} -> {}", rel(from), rel(to));
        }
        if !self.migrations.is_empty() {
            let _ = writeln!(
                out,
                "Wrote {}:",
                plural(self.migrations.len(), "migration", "migrations")
            );
            let mut migrations: Vec<&PathBuf> = self.migrations.iter().collect();
            migrations.sort();
            for m in migrations {
                let _ = writeln!(out, "  {}", rel(m));
            }
        }
        for folder in &self.new_folders {
            let _ = writeln!(
                out,
                "Created the folder {}/ (it did not exist; set `migrationsDir` in typeorm-lsp.json to use another).",
                rel(folder)
            );
        }
        if self.migrations_not_written > 0 {
            let _ = writeln!(
                out,
                "{} not written: pass --with-migrations to write them.",
                plural(self.migrations_not_written, "migration", "migrations")
            );
        }
        if !self.unsafe_left.is_empty() {
            let total: usize = self.unsafe_left.values().sum();
            let codes: Vec<String> = self
                .unsafe_left
                .iter()
                .map(|(code, n)| format!("{code} x{n}"))
                .collect();
            let _ = writeln!(
                out,
                "Left {} with only unsafe fixes ({}): review them and apply them in the editor.",
                plural(total, "finding", "findings"),
                codes.join(", ")
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::ApplyReport;

    #[test]
    fn tells_files_migrations_new_folders_and_what_is_left() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let migration = root.join("src/migrations/1-add-index.ts");
        let fix = Fix::safe(
            "x",
            vec![FileChange::Create {
                path: migration.clone(),
                contents: String::new(),
            }],
        );
        let missing = missing_folders(&[fix]);
        assert_eq!(missing, BTreeSet::from([root.join("src")]));
        assert!(std::fs::create_dir_all(root.join("src/migrations")).is_ok());
        let report = ApplyReport {
            files_changed: vec![root.join("src/a.ts")],
            created: vec![migration],
            renamed: vec![],
            skipped: vec![(
                root.join("src/migrations/2-x.ts"),
                "migration not written (pass --with-migrations)".into(),
            )],
        };
        let mut summary = FixSummary::default();
        summary.add_round(2, &report, &missing);
        let mut unsafe_only = Finding::new("TYP002", root.join("src/a.ts"), 0..1, "m");
        unsafe_only.fixes.push(Fix::unsafe_("y", vec![]));
        summary.note_unsafe_left(&[unsafe_only]);
        assert_eq!(
            summary.render(root),
            "Applied 2 fixes to 1 file.
Wrote 1 migration:
  src/migrations/1-add-index.ts
Created the folder src/ (it did not exist; set `migrationsDir` in typeorm-lsp.json to use another).
1 migration not written: pass --with-migrations to write them.
Left 1 finding with only unsafe fixes (TYP002 x1): review them and apply them in the editor.
"
        );
    }
}
