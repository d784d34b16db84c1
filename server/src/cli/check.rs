//! `typeorm-lsp check [PATH...]`: load the workspace, run the rules, print, maybe fix.

use super::color::{ColorChoice, Palette};
use super::fix_summary::{missing_folders, FixSummary};
use super::output::{write, OutputFormat, RuleInfo};
use super::{load_config_from, workspace_root, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::finding::{Finding, Severity};
use crate::fix::FixPlan;
use crate::model::SourceFile;
use crate::rules::REGISTRY;
use crate::workspace::{read_source, Workspace};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `--fix` repeats until nothing more applies; fixes rarely need more than two rounds.
const MAX_FIX_ROUNDS: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: OutputFormat,
    pub fix: bool,
    pub with_migrations: bool,
    /// Reuse and update the on-disk fact cache.
    pub cache: bool,
    /// Rule codes or prefixes to run (all when empty), comma-separated entries allowed.
    pub select: Vec<String>,
    /// Rule codes or prefixes not to run.
    pub ignore: Vec<String>,
    /// A configuration file to use instead of each root's `typeorm-lsp.json`.
    pub config: Option<PathBuf>,
    /// Report errors only, without the summary line.
    pub quiet: bool,
    /// Print counts per rule instead of the findings.
    pub statistics: bool,
    /// Exit 0 even when there are error findings.
    pub exit_zero: bool,
    /// Print what `--fix` would change as a unified diff; write nothing.
    pub diff: bool,
    pub color: ColorChoice,
}

/// The files output shows positions in (their texts held, or read again when shown).
pub type Sources = HashMap<PathBuf, Arc<SourceFile>>;

/// Everything `run` gathered over all paths.
#[derive(Default)]
struct Gathered {
    findings: Vec<Finding>,
    sources: Sources,
    fixes: FixSummary,
    preview: super::diff::Preview,
}

pub fn run(opts: &CheckOptions) -> i32 {
    let paths = if opts.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.paths.clone()
    };
    let cwd = current_dir();
    let mut gathered = Gathered::default();
    for path in &paths {
        let Ok(path) = std::fs::canonicalize(path) else {
            eprintln!("error: {}: no such file or directory", path.display());
            return EXIT_USAGE;
        };
        if let Err(code) = check_path(opts, &path, &cwd, &mut gathered) {
            return code;
        }
    }
    if opts.diff {
        return report_diff(opts, &gathered, &cwd);
    }
    if opts.fix {
        eprint!("{}", gathered.fixes.render(&cwd));
    }
    if opts.quiet {
        gathered.findings.retain(|f| f.severity == Severity::Error);
    }
    write_findings(opts, &gathered, &cwd);
    let has_errors = gathered
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    if has_errors && !opts.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// The folder paths are shown relative to, canonical so that it prefixes canonical paths.
fn current_dir() -> PathBuf {
    std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .unwrap_or_default()
}

/// GitHub resolves annotation paths against the checkout, `GITHUB_WORKSPACE`.
fn github_root(cwd: &Path) -> PathBuf {
    std::env::var_os("GITHUB_WORKSPACE")
        .filter(|w| !w.is_empty())
        .and_then(|w| std::fs::canonicalize(w).ok())
        .unwrap_or_else(|| cwd.to_path_buf())
}

/// Loads, fixes (or previews fixes) and checks one path; `Err` is an exit code.
fn check_path(
    opts: &CheckOptions,
    path: &Path,
    cwd: &Path,
    gathered: &mut Gathered,
) -> Result<(), i32> {
    let root = workspace_root(path);
    let config = match configure(opts, &root) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            return Err(EXIT_USAGE);
        }
    };
    let mut ws = if opts.cache {
        Workspace::load_cached(&root, config)
    } else if opts.fix || opts.diff {
        Workspace::load(&root, config)
    } else {
        // A report: texts are read again where rules or output look at them.
        Workspace::load_texts_later(&root, config)
    };
    if !opts.quiet {
        for w in &ws.warnings {
            eprintln!("warning: {w}");
        }
    }
    if opts.diff {
        let preview = super::diff::preview(&mut ws, path, opts.with_migrations, MAX_FIX_ROUNDS);
        gathered.preview.fixes += preview.fixes;
        gathered.preview.migrations += preview.migrations;
        gathered.preview.files.extend(preview.files);
        return Ok(());
    }
    if opts.fix {
        fix_workspace(&mut ws, path, opts.with_migrations, &mut gathered.fixes);
    }
    let mut findings: Vec<Finding> = ws
        .check_all()
        .into_iter()
        .filter(|f| f.path.starts_with(path))
        .collect();
    if opts.format.shows_fix_edits() && !opts.statistics {
        ws.build_fixes(&mut findings);
    }
    if opts.fix {
        gathered.fixes.note_unsafe_left(&findings);
    }
    let checked = ws.files.keys().filter(|p| p.starts_with(path)).count();
    if checked == 0 {
        let shown = super::output::relative_path(path, cwd);
        let shown = if shown.is_empty() { "." } else { &shown };
        eprintln!("warning: no TypeScript files found under {shown}");
    }
    collect_sources(&ws, &findings, &mut gathered.sources);
    if gathered.findings.is_empty() {
        // One path (the usual case): keep the list rather than copy it into a new one
        // (85,000 findings are 14 MB of `Finding`s, twice while copying).
        gathered.findings = findings;
    } else {
        gathered.findings.extend(findings);
    }
    // Freeing every file's facts one allocation at a time costs about 5% of a cold check;
    // the process ends soon after (one workspace per path given) and frees it at once.
    std::mem::forget(ws);
    Ok(())
}

/// The root's configuration (or `--config`'s), with `--select` / `--ignore` applied.
fn configure(opts: &CheckOptions, root: &Path) -> Result<crate::config::Config, Vec<String>> {
    let mut config = load_config_from(root, opts.config.as_deref())?;
    let codes: Vec<&str> = REGISTRY.iter().map(|r| r.code).collect();
    let select = super::select::parse(&opts.select);
    let ignore = super::select::parse(&opts.ignore);
    super::select::apply(&mut config, &codes, &select, &ignore)?;
    Ok(config)
}

/// The files output needs for `findings` (see [`collect_sources`]).
pub fn sources_for(ws: &Workspace, findings: &[Finding]) -> Sources {
    let mut sources = HashMap::new();
    collect_sources(ws, findings, &mut sources);
    sources
}

/// Writes `findings` in `format` (plain text, with the summary) to `out`.
pub fn write_to(
    out: &mut dyn std::io::Write,
    format: OutputFormat,
    findings: &[Finding],
    cwd: &Path,
    sources: &Sources,
) -> std::io::Result<()> {
    write(format, out, findings, cwd, sources, &rule_infos())
}

/// The files output needs: every file a finding, a related location or a fix points at
/// (without them positions fall back to 1:1).
fn collect_sources(ws: &Workspace, findings: &[Finding], sources: &mut Sources) {
    let paths = findings.iter().flat_map(|f| {
        std::iter::once(&f.path)
            .chain(f.related.iter().map(|r| &r.path))
            .chain(
                f.fixes
                    .iter()
                    .flat_map(|x| x.changes.iter().map(|c| c.path())),
            )
    });
    for path in paths {
        if !sources.contains_key(path) {
            if let Some(file) = ws.files.get(path) {
                sources.insert(path.clone(), file.clone());
            }
        }
    }
}

/// Writes the findings (or their statistics) to stdout as they are rendered, one by one.
fn write_findings(opts: &CheckOptions, gathered: &Gathered, cwd: &Path) {
    use std::io::Write;
    let findings = &gathered.findings;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = if opts.statistics {
        let counts = super::stats::count(findings);
        let text = match opts.format {
            OutputFormat::Json => super::stats::render_json(&counts),
            _ => super::stats::render_text(&counts),
        };
        out.write_all(text.as_bytes())
    } else {
        match opts.format {
            OutputFormat::Text => {
                let palette = Palette::for_choice(opts.color);
                let with_summary = !opts.quiet;
                let sources = &gathered.sources;
                super::output::text::write(&mut out, findings, cwd, sources, &palette, with_summary)
            }
            OutputFormat::Github => super::output::github::write(
                &mut out,
                findings,
                &github_root(cwd),
                &gathered.sources,
            ),
            format => write(
                format,
                &mut out,
                findings,
                cwd,
                &gathered.sources,
                &rule_infos(),
            ),
        }
    };
    // As `emit`: a closed stdout (`| head`) is not an error of the check.
    let _ = written.and_then(|_| out.flush());
}

fn rule_infos() -> Vec<RuleInfo> {
    REGISTRY
        .iter()
        .map(|r| RuleInfo {
            code: r.code,
            summary: r.summary,
            default_severity: r.default_severity,
            help_uri: r.doc_url(),
        })
        .collect()
}

/// `--diff`: the diff on stdout, a one-line summary on stderr; exit 1 when something
/// would change (as ruff does), unless `--exit-zero`.
fn report_diff(opts: &CheckOptions, gathered: &Gathered, cwd: &Path) -> i32 {
    super::emit(&super::diff::render(&gathered.preview, cwd));
    if !opts.quiet {
        eprintln!("{}", super::diff::summary(&gathered.preview));
    }
    if gathered.preview.files.is_empty() || opts.exit_zero {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

/// Applies safe fixes under `scope` round by round, then reloads what changed.
fn fix_workspace(
    ws: &mut Workspace,
    scope: &Path,
    with_migrations: bool,
    summary: &mut FixSummary,
) {
    for _ in 0..MAX_FIX_ROUNDS {
        let findings = super::fixes::fixable_findings(ws, scope);
        let mut plan = FixPlan::new();
        let mut accepted = Vec::new();
        for f in &findings {
            if let Some(fix) = super::fixes::safe_fix(f) {
                if plan.add(&fix) {
                    accepted.push(fix);
                }
            }
        }
        if plan.is_empty() {
            break;
        }
        let missing = missing_folders(&accepted);
        let read = |p: &Path| ws.files.get(p).map(|f| f.text().to_string());
        let report = match plan.apply(read, with_migrations) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: applying fixes: {e}");
                break;
            }
        };
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
            summary.add_round(0, &report, &missing);
            break;
        }
        summary.add_round(plan.len(), &report, &missing);
        for p in &changed {
            reload(ws, p);
        }
        ws.rebuild();
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
