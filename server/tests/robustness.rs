//! Half-typed code never panics: every fixture file, cut at many points (and with bytes
//! spliced in), goes through facts, model, every rule and every fix without a panic.

use std::path::{Path, PathBuf};
use typeorm_lsp::config::Config;
use typeorm_lsp::workspace::Workspace;

fn fixture_files() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "ts") {
                out.push((p.clone(), std::fs::read_to_string(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

/// A small deterministic generator (no dependency, same cases on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

fn char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[test]
fn truncated_and_spliced_files_never_panic() {
    let files = fixture_files();
    assert!(files.len() > 50, "fixtures found: {}", files.len());
    let mut rng = Lcg(42);
    let inserts = [
        "{",
        "}",
        "(",
        "@",
        "'",
        "`${",
        "/*",
        "\u{1F600}",
        "\r\n",
        "=>",
        "<",
    ];
    // Each round mutates a handful of files of one workspace and checks all of it.
    for round in 0..12 {
        let mut sources: Vec<(PathBuf, String)> = files.clone();
        for _ in 0..8 {
            let k = rng.next(sources.len());
            let text = &sources[k].1;
            let cut = char_boundary(text, rng.next(text.len() + 1));
            let mutated = if round % 2 == 0 {
                text[..cut].to_string()
            } else {
                let piece = inserts[rng.next(inserts.len())];
                format!("{}{piece}{}", &text[..cut], &text[cut..])
            };
            sources[k].1 = mutated;
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
        let ws = Workspace::from_sources(&root, Config::default(), sources);
        let mut findings = ws.check_all();
        ws.build_fixes(&mut findings);
        // Building the fixes and applying them must not panic either.
        for f in findings.iter().take(200) {
            for fix in &f.fixes {
                for change in &fix.changes {
                    if let typeorm_lsp::finding::FileChange::Edit { path, edits } = change {
                        if let Some(file) = ws.files.get(path) {
                            let _ = typeorm_lsp::fix::apply_edits(&file.text(), edits);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn pathological_inputs_do_not_panic() {
    let deep = format!("const x = {}1{};", "(".repeat(3000), ")".repeat(3000));
    let long_path = format!("@Index(() => x{})\nclass A {{}}", ".y".repeat(20_000));
    let parens = format!(
        "@Column({}1{})\nclass B {{}}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let huge_line = format!("export const s = '{}';", "a".repeat(2_000_000));
    let cases = [
        String::new(),
        "\u{FEFF}@Entity() export class A {}".to_string(),
        "@".to_string(),
        "@Entity(".to_string(),
        "class { @Column() }".to_string(),
        deep,
        long_path,
        parens,
        huge_line,
        "@Entity()\r\nexport class 東京 extends ManagedEntity {\r\n  @ManyToOne(() => 😀)\r\n  x: 😀;\r\n}\r\n"
            .to_string(),
    ];
    let sources: Vec<(PathBuf, String)> = cases
        .iter()
        .enumerate()
        .map(|(i, t)| (PathBuf::from(format!("/ws/src/case-{i}.ts")), t.clone()))
        .collect();
    let ws = Workspace::from_sources(Path::new("/ws"), Config::default(), sources);
    let _ = ws.check_all();
}
