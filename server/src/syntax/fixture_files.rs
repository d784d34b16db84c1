//! Test support: every TypeScript file of the bundled fixtures, for tests that compare a
//! faster extraction path with the full one on real-shaped code.

use std::path::{Path, PathBuf};

/// `(path, text)` of every `.ts` file under `fixtures/`; panics if there are too few to
/// prove anything (a moved folder must not make the comparisons pass vacuously).
pub fn fixture_sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut stack = vec![root];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ts") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                files.push((path, text));
            }
        }
    }
    assert!(files.len() > 10, "fixtures found: {}", files.len());
    files
}
