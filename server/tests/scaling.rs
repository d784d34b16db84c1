//! Superlinear work fails this test without timing anything: on the realistic generator
//! at N and 4N files, a cold check plus building every fix (what `check --fix` and the
//! JSON output do) must make about as many module resolutions per file, and run about
//! as many rule passes per file. Quadratic work (every NAM001 rename fix resolving every
//! import of the workspace, as before the import index) multiplies them by 4.

#[path = "../examples/common/realistic.rs"]
mod realistic;

use typeorm_lsp::config::Config;
use typeorm_lsp::workspace::Workspace;

struct PerFile {
    resolves: f64,
    findings: f64,
}

fn measure(total: usize) -> PerFile {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    let corpus = realistic::write(&root, total);
    let files = corpus.files.len() as f64;
    let before = typeorm_lsp::resolve::resolve_calls();
    let ws = Workspace::load(&root, Config::default());
    let mut findings = ws.check_all();
    ws.build_fixes(&mut findings);
    let resolves = (typeorm_lsp::resolve::resolve_calls() - before) as f64;
    assert!(
        findings
            .iter()
            .any(|f| f.code == "NAM001" && !f.fixes.is_empty()),
        "the corpus exercises the rename fix"
    );
    PerFile {
        resolves: resolves / files,
        findings: findings.len() as f64 / files,
    }
}

#[test]
fn work_per_file_stays_flat_from_n_to_4n_files() {
    let small = measure(100);
    let large = measure(400);
    eprintln!("per file: {:.2} -> {:.2}", small.resolves, large.resolves);
    assert!(small.resolves > 0.0);
    assert!(
        large.resolves <= small.resolves * 1.25,
        "resolutions per file grew from {:.2} to {:.2}",
        small.resolves,
        large.resolves
    );
    assert!(
        large.findings <= small.findings * 1.25,
        "findings per file grew from {:.2} to {:.2}",
        small.findings,
        large.findings
    );
}
