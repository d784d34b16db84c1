//! Properties every input must satisfy, in one place for the fuzz targets (`fuzz/`), the
//! property tests and the regression tests of what fuzzing found:
//!
//! - text -> facts -> model -> rules never panics;
//! - every fix applies to the text it was computed on (spans in range, on character
//!   boundaries, not overlapping);
//! - a fix to a file without syntax errors leaves it without syntax errors;
//! - a safe fix is idempotent: once applied, the finding it fixes is gone, so it is not
//!   offered (and cannot apply) a second time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::finding::{Applicability, FileChange, Finding, Fix};
use crate::fix::{apply_edits, syntax_error_count};
use crate::workspace::Workspace;

/// The (nonexistent) folder fuzzed workspaces live in.
pub const ROOT: &str = "/fuzz-ws";
/// Files in one fuzzed workspace are separated by this byte.
pub const FILE_SEPARATOR: u8 = 0;
const MAX_FILES: usize = 4;

/// Splits fuzzer bytes into workspace sources: up to four files separated by NUL bytes
/// (the rest stays in the last file), decoded lossily so that most mutations stay text.
pub fn sources_from_bytes(data: &[u8]) -> Vec<(PathBuf, String)> {
    data.splitn(MAX_FILES, |b| *b == FILE_SEPARATOR)
        .enumerate()
        .map(|(i, bytes)| {
            (
                Path::new(ROOT).join(format!("src/file{i}.entity.ts")),
                String::from_utf8_lossy(bytes).into_owned(),
            )
        })
        .collect()
}

/// Analyses sources as one workspace with the default configuration, fixes built.
pub fn analyze(sources: Vec<(PathBuf, String)>) -> (Workspace, Vec<Finding>) {
    let ws = Workspace::from_sources(Path::new(ROOT), Config::default(), sources);
    let mut findings = ws.check_all();
    // Fixes are built on demand; build them all, as `--fix` and code actions do.
    ws.build_fixes(&mut findings);
    (ws, findings)
}

/// Checks every property on `sources`, trying at most `max_fixes` fixes (each safe one
/// costs a re-analysis). Err describes the first violation.
pub fn check(sources: Vec<(PathBuf, String)>, max_fixes: usize) -> Result<(), String> {
    let texts: BTreeMap<PathBuf, String> = sources.iter().cloned().collect();
    let (_ws, findings) = analyze(sources);
    let fixes = findings
        .iter()
        .flat_map(|f| f.fixes.iter().map(move |fix| (f, fix)))
        .take(max_fixes);
    for (finding, fix) in fixes {
        let fixed = apply_fix(&texts, finding, fix)?;
        if fix.applicability == Applicability::Safe && fixed.all_clean_before {
            check_finding_gone(&findings, finding, fix, fixed.texts)?;
        }
    }
    Ok(())
}

struct Fixed {
    texts: BTreeMap<PathBuf, String>,
    /// Whether every file the fix edits had no syntax error before.
    all_clean_before: bool,
}

/// Applies one fix's edits to the texts, checking that they apply and parse.
fn apply_fix(
    texts: &BTreeMap<PathBuf, String>,
    finding: &Finding,
    fix: &Fix,
) -> Result<Fixed, String> {
    let what = || format!("{} fix {:?} ({})", finding.code, fix.title, finding.message);
    let mut out = texts.clone();
    let mut all_clean_before = true;
    for change in &fix.changes {
        let (path, edits) = match change {
            FileChange::Edit { path, edits } => (path, edits),
            FileChange::Create { path, contents } => {
                if out.insert(path.clone(), contents.clone()).is_some() {
                    return Err(format!(
                        "{}: creates {} which exists",
                        what(),
                        path.display()
                    ));
                }
                continue;
            }
            FileChange::Rename { from, to } => {
                let Some(text) = out.remove(from) else {
                    return Err(format!(
                        "{}: renames {} which is not in the workspace",
                        what(),
                        from.display()
                    ));
                };
                if out.insert(to.clone(), text).is_some() {
                    return Err(format!(
                        "{}: renames onto {} which exists",
                        what(),
                        to.display()
                    ));
                }
                continue;
            }
        };
        let Some(before) = out.get(path) else {
            return Err(format!(
                "{}: edits {} which is not in the workspace",
                what(),
                path.display()
            ));
        };
        let after =
            apply_edits(before, edits).map_err(|e| format!("{}: does not apply: {e}", what()))?;
        let clean_before = syntax_error_count(path, before) == 0;
        if clean_before && syntax_error_count(path, &after) > 0 {
            return Err(format!(
                "{}: introduces syntax errors in {}:\n{after}",
                what(),
                path.display()
            ));
        }
        all_clean_before &= clean_before;
        out.insert(path.clone(), after);
    }
    Ok(Fixed {
        texts: out,
        all_clean_before,
    })
}

/// After a safe fix, its finding (same code and message) occurs fewer times.
fn check_finding_gone(
    before: &[Finding],
    finding: &Finding,
    fix: &Fix,
    texts: BTreeMap<PathBuf, String>,
) -> Result<(), String> {
    // By code and message: a rename moves the finding's file.
    let same = |f: &&Finding| f.code == finding.code && f.message == finding.message;
    let count_before = before.iter().filter(same).count();
    // Findings only: their fixes are not needed here.
    let ws = Workspace::from_sources(
        Path::new(ROOT),
        Config::default(),
        texts.into_iter().collect(),
    );
    let after = ws.check_all();
    let count_after = after.iter().filter(same).count();
    if count_after >= count_before {
        return Err(format!(
            "{} fix {:?} is not idempotent: '{}' still reported after applying it",
            finding.code, fix.title, finding.message
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_split_into_at_most_four_files() {
        let sources = sources_from_bytes(b"a\0b\0c\0d\0e");
        assert_eq!(sources.len(), 4);
        assert_eq!(sources[3].1, "d\u{0}e");
    }

    #[test]
    fn a_missing_index_fix_passes_every_property() {
        let post = "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';\nimport { User } from './user.entity';\n\n@Entity()\nexport class Post {\n  @PrimaryGeneratedColumn()\n  id: number;\n\n  @ManyToOne(() => User)\n  author: User;\n}\n";
        let user = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';\n\n@Entity()\nexport class User {\n  @PrimaryGeneratedColumn()\n  id: number;\n}\n";
        let sources = vec![
            (Path::new(ROOT).join("src/post.entity.ts"), post.to_string()),
            (Path::new(ROOT).join("src/user.entity.ts"), user.to_string()),
        ];
        let (_ws, findings) = analyze(sources.clone());
        assert!(findings.iter().any(|f| !f.fixes.is_empty()), "{findings:?}");
        assert_eq!(check(sources, 50), Ok(()));
    }
}
