//! Answering from a snapshot older than the buffer.
//!
//! Requests never wait for the analysis, so the published model (and the findings) of a
//! document may describe the text of a few keystrokes ago. An edit burst changes one
//! region of the text: everything before it keeps its offsets, everything after it moves
//! by the length difference. [`TextDelta`] maps offsets across that region and gives up
//! (None) inside it, so answers about untouched code stay exact and answers about the
//! code being typed wait for the next snapshot.

use std::path::Path;

use crate::finding::{FileChange, Finding, Span};

/// The difference between an old text and a new one, as one changed region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextDelta {
    /// Length of the common prefix.
    prefix: usize,
    /// Where the common suffix starts in the old text.
    old_tail: usize,
    /// Where the common suffix starts in the new text.
    new_tail: usize,
}

impl TextDelta {
    /// The changed region between `old` and `new` (both cut at char boundaries).
    pub fn between(old: &str, new: &str) -> TextDelta {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let room = a.len().min(b.len()) - prefix;
        let mut suffix = a
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take(room)
            .take_while(|(x, y)| x == y)
            .count();
        while !old.is_char_boundary(a.len() - suffix) || !new.is_char_boundary(b.len() - suffix) {
            suffix -= 1;
        }
        TextDelta {
            prefix,
            old_tail: a.len() - suffix,
            new_tail: b.len() - suffix,
        }
    }

    /// An offset of the old text in the new one; None inside the changed region.
    pub fn old_to_new(&self, offset: usize) -> Option<usize> {
        if offset <= self.prefix {
            Some(offset)
        } else if offset >= self.old_tail {
            Some(offset - self.old_tail + self.new_tail)
        } else {
            None
        }
    }

    /// An offset of the new text in the old one; None inside the changed region.
    pub fn new_to_old(&self, offset: usize) -> Option<usize> {
        if offset <= self.prefix {
            Some(offset)
        } else if offset >= self.new_tail {
            Some(offset - self.new_tail + self.old_tail)
        } else {
            None
        }
    }

    /// A span of the old text in the new one. A span around the whole changed region
    /// stretches with it (a diagnostic on a class the user types in).
    pub fn span_to_new(&self, span: &Span) -> Option<Span> {
        Some(self.old_to_new(span.start)?..self.old_to_new(span.end)?)
    }

    /// A span of the old text that an edit may replace in the new one: it must lie wholly
    /// before or wholly after the changed region (replacing text that changed since would
    /// destroy what the user typed).
    pub fn edit_span_to_new(&self, span: &Span) -> Option<Span> {
        let before = span.end <= self.prefix;
        let after = span.start >= self.old_tail;
        (before || after).then(|| self.span_to_new(span))?
    }
}

/// A finding of `path` computed on an older text, moved onto the new one; None when its
/// span or one of its edits of `path` falls in the changed region. Edits of other files
/// and related locations elsewhere are kept as they are.
pub fn rebase_finding(finding: &Finding, path: &Path, delta: &TextDelta) -> Option<Finding> {
    let mut out = finding.clone();
    out.span = delta.span_to_new(&finding.span)?;
    for related in out.related.iter_mut().filter(|r| r.path == path) {
        related.span = delta.span_to_new(&related.span)?;
    }
    for fix in &mut out.fixes {
        for change in &mut fix.changes {
            if let FileChange::Edit { path: p, edits } = change {
                if p == path {
                    for edit in edits.iter_mut() {
                        edit.span = delta.edit_span_to_new(&edit.span)?;
                    }
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Fix, TextEdit};
    use std::path::PathBuf;

    #[test]
    fn offsets_before_and_after_the_edit_move_inside_do_not() {
        let old = "abc def ghi";
        let new = "abc deXYf ghi";
        let d = TextDelta::between(old, new);
        assert_eq!(d.old_to_new(2), Some(2));
        assert_eq!(d.old_to_new(9), Some(11));
        assert_eq!(d.new_to_old(11), Some(9));
        assert_eq!(d.new_to_old(7), None);
        assert_eq!(d.span_to_new(&(0..11)), Some(0..13));
        assert_eq!(d.edit_span_to_new(&(0..11)), None);
        assert_eq!(d.edit_span_to_new(&(8..11)), Some(10..13));
    }

    #[test]
    fn identical_and_repeated_texts_map_to_themselves() {
        let d = TextDelta::between("same", "same");
        assert_eq!(d.old_to_new(2), Some(2));
        // Inserting a repeated letter: prefix and suffix never overlap.
        let d = TextDelta::between("aaa", "aaaa");
        assert_eq!(d.old_to_new(3), Some(3));
        assert_eq!(d.new_to_old(4), Some(3));
        assert_eq!(d.old_to_new(0), Some(0));
    }

    #[test]
    fn multibyte_text_is_cut_at_char_boundaries() {
        let d = TextDelta::between("x é y", "x è y");
        for o in 0..=6 {
            if let Some(n) = d.old_to_new(o) {
                assert!("x è y".is_char_boundary(n));
            }
        }
        assert_eq!(d.old_to_new(2), Some(2));
        assert_eq!(d.old_to_new(4), Some(4));
    }

    #[test]
    fn findings_in_the_edited_region_are_dropped_the_others_move() {
        let path = PathBuf::from("/w/a.ts");
        let old = "@Column() a: string;\n@Column() b: string;\n";
        let new = "// typed\n@Column() a: string;\n@Column() b: string;\n";
        let d = TextDelta::between(old, new);
        let fix = Fix::edit(
            "f",
            path.clone(),
            vec![TextEdit {
                span: 21..30,
                new_text: "@Index()".into(),
            }],
        );
        let f = Finding::new("X", path.clone(), 21..41, "m").with_fix(fix);
        let moved = rebase_finding(&f, &path, &d).unwrap();
        assert_eq!(moved.span, 30..50);
        let FileChange::Edit { edits, .. } = &moved.fixes[0].changes[0] else {
            panic!("an edit")
        };
        assert_eq!(edits[0].span, 30..39);
        let d = TextDelta::between(old, &old.replace("@Column() b", "@Column({}) b"));
        assert!(rebase_finding(&f, &path, &d).is_none());
    }
}
