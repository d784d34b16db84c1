//! `typeorm-lsp check [PATH...]`: load the workspace, run the rules, print, maybe fix.

use super::output::{render, OutputFormat, RuleInfo};
use super::{load_config, workspace_root, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::finding::{Applicability, Finding, Severity};
use crate::fix::FixPlan;
use crate::rules::REGISTRY;
use crate::workspace::{read_source, Workspace};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// `--fix` repeats until nothing more applies; fixes rarely need more than two rounds.
const MAX_FIX_ROUNDS: usize = 8;

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: OutputFormat,
    pub fix: bool,
    pub with_migrations: bool,
    /// Reuse and update the on-disk fact cache.
    pub cache: bool,
}

pub fn run(opts: &CheckOptions) -> i32 {
    let paths = if opts.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.paths.clone()
    };
    let mut exit = EXIT_OK;
    let mut all_findings = Vec::new();
    let mut sources: HashMap<PathBuf, String> = HashMap::new();
    let mut roots = Vec::new();
    for path in &paths {
        let Ok(path) = std::fs::canonicalize(path) else {
            eprintln!("error: {}: no such file or directory", path.display());
            return EXIT_USAGE;
        };
        let root = workspace_root(&path);
        let config = match load_config(&root) {
            Ok(c) => c,
            Err(errors) => {
                for e in errors {
                    eprintln!("error: {e}");
                }
                return EXIT_USAGE;
            }
        };
        let mut ws = if opts.cache {
            Workspace::load_cached(&root, config)
        } else {
            Workspace::load(&root, config)
        };
        for w in &ws.warnings {
            eprintln!("warning: {w}");
        }
        if opts.fix {
            fix_workspace(&mut ws, &path, opts.with_migrations);
        }
        let mut findings: Vec<Finding> = ws
            .check_all()
            .into_iter()
            .filter(|f| f.path.starts_with(&path))
            .collect();
        if opts.format.shows_fix_edits() {
            ws.build_fixes(&mut findings);
        }
        let checked = ws.files.keys().filter(|p| p.starts_with(&path)).count();
        if checked == 0 {
            eprintln!(
                "warning: no TypeScript files found under {}",
                path.display()
            );
        }
        for f in &findings {
            if !sources.contains_key(&f.path) {
                if let Some(file) = ws.files.get(&f.path) {
                    sources.insert(f.path.clone(), file.text.to_string());
                }
            }
        }
        all_findings.extend(findings);
        roots.push(root);
    }
    if all_findings.iter().any(|f| f.severity == Severity::Error) {
        exit = EXIT_FINDINGS;
    }
    let display_root = common_root(&roots);
    let rules: Vec<RuleInfo> = REGISTRY
        .iter()
        .map(|r| RuleInfo {
            code: r.code,
            summary: r.summary,
            default_severity: r.default_severity,
            help_uri: r.doc_url(),
        })
        .collect();
    super::emit(&render(
        opts.format,
        &all_findings,
        &display_root,
        &sources,
        &rules,
    ));
    exit
}

fn has_safe_fix(finding: &Finding) -> bool {
    finding
        .fixes
        .iter()
        .any(|x| x.applicability == Applicability::Safe)
}

fn common_root(roots: &[PathBuf]) -> PathBuf {
    let Some(first) = roots.first() else {
        return PathBuf::new();
    };
    let mut common = first.clone();
    for r in roots.iter().skip(1) {
        while !r.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    common
}

/// Applies safe fixes under `scope` round by round, then reloads what changed.
fn fix_workspace(ws: &mut Workspace, scope: &Path, with_migrations: bool) {
    let mut total = 0;
    for _ in 0..MAX_FIX_ROUNDS {
        let mut findings: Vec<Finding> = ws
            .check_all()
            .into_iter()
            .filter(|f| f.path.starts_with(scope) && has_safe_fix(f))
            .collect();
        ws.build_fixes(&mut findings);
        let mut plan = FixPlan::new();
        for f in findings.iter().filter(|f| f.path.starts_with(scope)) {
            if let Some(fix) = f
                .fixes
                .iter()
                .find(|x| x.applicability == Applicability::Safe)
            {
                plan.add(fix);
            }
        }
        if plan.is_empty() {
            break;
        }
        let read = |p: &Path| ws.files.get(p).map(|f| f.text.to_string());
        let report = match plan.apply(read, with_migrations) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: applying fixes: {e}");
                break;
            }
        };
        for (path, why) in &report.skipped {
            eprintln!("warning: {}: fix not applied: {why}", path.display());
        }
        let changed: Vec<PathBuf> = report
            .files_changed
            .iter()
            .chain(report.created.iter())
            .cloned()
            .collect();
        for (from, to) in &report.renamed {
            ws.remove_file(from);
            reload(ws, to);
        }
        if changed.is_empty() && report.renamed.is_empty() {
            break;
        }
        total += plan.len();
        for p in &changed {
            reload(ws, p);
        }
        ws.rebuild();
    }
    if total > 0 {
        eprintln!("Applied {total} fixes.");
    }
}

fn reload(ws: &mut Workspace, path: &Path) {
    match read_source(path) {
        Ok(text) => ws.set_file(std::sync::Arc::new(crate::model::SourceFile::new(
            path.to_path_buf(),
            text,
        ))),
        Err(e) => eprintln!("warning: {e}"),
    }
}
