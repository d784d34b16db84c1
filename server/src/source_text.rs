//! The text of a source file: held in memory, or dropped once its facts are extracted and
//! read again from disk when something asks for it.
//!
//! A report-only `check` needs a file's text after extraction only where a rule looks at
//! the source (a few hundred files of a large workspace) and where output shows a finding
//! (its line, column and snippet). Holding every text for the whole check was a fifth of
//! its peak memory (134 MB of 674 at 20,000 generated files), so that check keeps only
//! each text's length and hash and reads a file again when asked, checking that it did not
//! change in between. The last few texts read are kept per thread: a file's rules ask for
//! its text several times in a row.

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Debug)]
pub enum SourceText {
    Held(Arc<str>),
    /// Read again from the file's path when asked; `len` and `hash` tell whether the file
    /// still holds what the facts were extracted from.
    OnDisk {
        len: usize,
        hash: u64,
    },
}

/// Texts read again, most recent last, per thread.
const RECENT: usize = 4;

thread_local! {
    static RECENTLY_READ: RefCell<Vec<(u64, Arc<str>)>> = const { RefCell::new(Vec::new()) };
}

fn hash_of(text: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x7465_7874).hash_one(text)
}

impl SourceText {
    /// What is kept of `text` when it is to be read again later.
    pub fn on_disk(text: &str) -> SourceText {
        SourceText::OnDisk {
            len: text.len(),
            hash: hash_of(text),
        }
    }

    /// The text, read from `path` again when it is not held. A file that changed since
    /// its facts were extracted (or can no longer be read) gives an empty text, so that no
    /// span of the old facts lands on other code.
    pub fn get(&self, path: &Path) -> Arc<str> {
        match self {
            SourceText::Held(text) => text.clone(),
            SourceText::OnDisk { len, hash } => read_again(path, *len, *hash),
        }
    }

    pub fn is_held(&self) -> bool {
        matches!(self, SourceText::Held(_))
    }
}

fn read_again(path: &Path, len: usize, hash: u64) -> Arc<str> {
    let recent = RECENTLY_READ.with_borrow(|recent| {
        recent
            .iter()
            .find(|(h, t)| *h == hash && t.len() == len)
            .map(|(_, t)| t.clone())
    });
    if let Some(text) = recent {
        return text;
    }
    let text: Option<Arc<str>> = crate::workspace::read_source(path)
        .ok()
        .filter(|t| t.len() == len && hash_of(t) == hash)
        .map(Arc::from);
    let Some(text) = text else {
        warn_changed(path);
        return Arc::from("");
    };
    RECENTLY_READ.with_borrow_mut(|recent| {
        if recent.len() == RECENT {
            recent.remove(0);
        }
        recent.push((hash, text.clone()));
    });
    text
}

/// Says once per process that a file changed under the check.
fn warn_changed(path: &Path) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    if !WARNED.swap(true, Ordering::Relaxed) {
        eprintln!(
            "warning: {} changed (or became unreadable) while it was checked: findings in it may be missing or shown without positions",
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_on_disk_is_read_again_and_a_changed_file_gives_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ts");
        std::fs::write(&path, "export class A {}\n").unwrap();
        let text = SourceText::on_disk("export class A {}\n");
        assert!(!text.is_held());
        assert_eq!(&*text.get(&path), "export class A {}\n");
        // Kept for the next ask, even with the file gone.
        std::fs::remove_file(&path).unwrap();
        assert_eq!(&*text.get(&path), "export class A {}\n");
        // Another text of the same length that is not on disk any more.
        std::fs::write(&path, "export class B {}\n").unwrap();
        let other = SourceText::on_disk("export class C {}\n");
        assert_eq!(&*other.get(&path), "");
        let held = SourceText::Held(Arc::from("x"));
        assert_eq!(&*held.get(&path), "x");
    }
}
