//! Applying fixes, shared by the CLI (`check --fix`) and the language server.
//!
//! A fix is data ([`Fix`]: edits in bytes, files to create or rename). This module turns it
//! into new text ([`apply_edits`]), checks that the result still parses
//! ([`keeps_parseable`]), and for the CLI collects the fixes of a whole run into a
//! [`FixPlan`] that writes each file once, atomically ([`write_atomic`]).

use crate::finding::{FileChange, Fix, Span, TextEdit};
use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a fix could not be applied.
#[derive(Debug)]
pub enum FixError {
    /// An edit's span reaches past the end of the text (or ends before it starts).
    OutOfRange { span: Span, len: usize },
    /// An edit's span splits a UTF-8 character.
    NotCharBoundary { offset: usize },
    /// Two different edits touch the same text.
    Overlap { first: Span, second: Span },
    /// Reading or writing a file failed.
    Io { path: PathBuf, source: io::Error },
}

impl fmt::Display for FixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixError::OutOfRange { span, len } => write!(
                f,
                "edit {}..{} is out of range (text is {len} bytes)",
                span.start, span.end
            ),
            FixError::NotCharBoundary { offset } => {
                write!(f, "edit boundary {offset} is inside a character")
            }
            FixError::Overlap { first, second } => write!(
                f,
                "edits {}..{} and {}..{} overlap",
                first.start, first.end, second.start, second.end
            ),
            FixError::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for FixError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FixError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Applies `edits` (byte spans of `text`) in one go. Edits are sorted by position;
/// identical duplicates (two fixes adding the same import) apply once; insertions at
/// the same point keep their given order. Overlapping edits, spans past the end and
/// spans that split a character are errors.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> Result<String, FixError> {
    let edits = normalized(text, edits)?;
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for edit in edits {
        // `normalized` checked bounds, boundaries and order, so these slices exist.
        out.push_str(text.get(cursor..edit.span.start).unwrap_or(""));
        out.push_str(&edit.new_text);
        cursor = edit.span.end;
    }
    out.push_str(text.get(cursor..).unwrap_or(""));
    Ok(out)
}

/// The edits validated against `text`, sorted, without identical duplicates.
fn normalized<'a>(text: &str, edits: &'a [TextEdit]) -> Result<Vec<&'a TextEdit>, FixError> {
    for edit in edits {
        check_span(text, &edit.span)?;
    }
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    // Stable: insertions at one point stay in the order the fix gave them.
    sorted.sort_by_key(|edit| (edit.span.start, edit.span.end));
    sorted.dedup_by(|later, earlier| later == earlier);
    for pair in sorted.windows(2) {
        if let [first, second] = pair {
            if overlaps(&first.span, &second.span) {
                return Err(FixError::Overlap {
                    first: first.span.clone(),
                    second: second.span.clone(),
                });
            }
        }
    }
    Ok(sorted)
}

fn check_span(text: &str, span: &Span) -> Result<(), FixError> {
    if span.start > span.end || span.end > text.len() {
        return Err(FixError::OutOfRange {
            span: span.clone(),
            len: text.len(),
        });
    }
    for offset in [span.start, span.end] {
        if !text.is_char_boundary(offset) {
            return Err(FixError::NotCharBoundary { offset });
        }
    }
    Ok(())
}

/// Whether two edits' spans conflict: they share text, or one inserts strictly inside
/// the other's replaced range. Touching ranges (`0..2` and `2..4`) do not conflict.
fn overlaps(a: &Span, b: &Span) -> bool {
    let (first, second) = if (a.start, a.end) <= (b.start, b.end) {
        (a, b)
    } else {
        (b, a)
    };
    second.start < first.end
}

/// The number of tree-sitter `ERROR` and `MISSING` nodes in `text` parsed with the
/// grammar of `path` (1 if the parser gives up, which only happens on cancellation).
pub fn syntax_error_count(path: &Path, text: &str) -> usize {
    let mut parser = crate::syntax::Dialect::of_path(path).parser();
    let Some(tree) = parser.parse(text, None) else {
        return 1;
    };
    let mut count = 0;
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        // Only subtrees that contain an error are worth entering.
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return count;
            }
        }
    }
}

/// Whether an edit may be applied to the file at `path`: `before` parses without errors
/// (fixes never touch a file with syntax errors: its facts may not show them, as a cheaper
/// read leaves out function bodies, `syntax::body_elision`) and so does `after`.
pub fn keeps_parseable(path: &Path, before: &str, after: &str) -> bool {
    syntax_error_count(path, before) == 0 && syntax_error_count(path, after) == 0
}

/// Writes `contents` to `path` so that readers see the old file or the new one, never a
/// mix: write a temporary file in the same directory (same filesystem), fsync it, give
/// it the original's permissions, rename it over `path`. The temporary file is removed
/// on failure.
pub fn write_atomic(path: &Path, contents: &str) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let temp = temp_path(dir, path);
    let result = write_temp_then_rename(&temp, path, contents);
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    // Persist the rename itself; not every platform can open a directory, so best-effort.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

fn write_temp_then_rename(temp: &Path, path: &Path, contents: &str) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(temp)?;
    file.write_all(contents.as_bytes())?;
    if let Ok(metadata) = fs::metadata(path) {
        file.set_permissions(metadata.permissions())?;
    }
    file.sync_all()?;
    drop(file);
    fs::rename(temp, path)
}

/// A hidden, unique sibling of `path` for [`write_atomic`].
fn temp_path(dir: &Path, path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(
        ".{name}.typeorm-lsp-{}-{n}.tmp",
        std::process::id()
    ))
}

/// What a [`FixPlan::apply`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ApplyReport {
    /// Files whose text was edited.
    pub files_changed: Vec<PathBuf>,
    /// Files created (migrations).
    pub created: Vec<PathBuf>,
    /// Files renamed, `(from, to)`.
    pub renamed: Vec<(PathBuf, PathBuf)>,
    /// Changes not made, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

/// A file to create, and whether it is a migration (written only with
/// `--with-migrations`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Creation {
    path: PathBuf,
    contents: String,
    migration: bool,
}

/// The changes of many fixes for one run of `check --fix`, merged per file. A fix whose
/// edits collide with ones already accepted is left out whole; it is found again, on the
/// new text, by the next round. The caller decides which fixes to offer (`--fix` offers
/// the safe ones).
#[derive(Debug, Default, Clone)]
pub struct FixPlan {
    edits: BTreeMap<PathBuf, Vec<TextEdit>>,
    /// Edits that register a migration (see [`Fix::migration_edits`]): made only when
    /// migrations are written.
    registrations: BTreeMap<PathBuf, Vec<TextEdit>>,
    creations: Vec<Creation>,
    renames: Vec<(PathBuf, PathBuf)>,
    accepted: usize,
}

impl FixPlan {
    pub fn new() -> Self {
        FixPlan::default()
    }

    /// The number of fixes accepted so far.
    pub fn len(&self) -> usize {
        self.accepted
    }

    pub fn is_empty(&self) -> bool {
        self.accepted == 0
    }

    /// Accepts all of `fix`'s changes, or none when one conflicts with a change already
    /// accepted (overlapping edits, the same file created or renamed differently).
    /// Returns whether the fix was accepted.
    pub fn add(&mut self, fix: &Fix) -> bool {
        if fix.changes.iter().any(|change| self.conflicts(change)) || self_conflicting(fix) {
            return false;
        }
        for change in &fix.changes {
            match change {
                FileChange::Edit { path, edits } if fix.migration_edits.contains(path) => {
                    let accepted = self.registrations.entry(path.clone()).or_default();
                    accepted.extend(
                        edits
                            .iter()
                            .filter(|e| !accepted.contains(e))
                            .cloned()
                            .collect::<Vec<_>>(),
                    );
                }
                _ => self.accept(change, fix.creates_migration),
            }
        }
        self.accepted += 1;
        true
    }

    fn conflicts(&self, change: &FileChange) -> bool {
        match change {
            FileChange::Edit { path, edits } => self.edits_conflict(path, edits),
            FileChange::Create { path, contents } => {
                self.creations
                    .iter()
                    .any(|c| &c.path == path && &c.contents != contents)
                    || self
                        .renames
                        .iter()
                        .any(|(from, to)| from == path || to == path)
            }
            FileChange::Rename { from, to } => {
                self.renames.iter().any(|(f, t)| {
                    (f == from || t == to || f == to || t == from) && (f, t) != (from, to)
                }) || self
                    .creations
                    .iter()
                    .any(|c| &c.path == from || &c.path == to)
            }
        }
    }

    /// An edit conflicts when it overlaps a different accepted edit of the same file, or
    /// when the file is one that an accepted rename moves into place (its text is not
    /// the one the edit was computed on).
    fn edits_conflict(&self, path: &Path, edits: &[TextEdit]) -> bool {
        if self.renames.iter().any(|(_, to)| to == path) {
            return true;
        }
        let accepted = self
            .edits
            .get(path)
            .into_iter()
            .chain(self.registrations.get(path))
            .flatten();
        edits.iter().any(|edit| {
            accepted
                .clone()
                .any(|old| old != edit && overlaps(&old.span, &edit.span))
        })
    }

    fn accept(&mut self, change: &FileChange, migration: bool) {
        match change {
            FileChange::Edit { path, edits } => {
                let accepted = self.edits.entry(path.clone()).or_default();
                for edit in edits {
                    if !accepted.contains(edit) {
                        accepted.push(edit.clone());
                    }
                }
            }
            FileChange::Create { path, contents } => {
                if !self.creations.iter().any(|c| &c.path == path) {
                    self.creations.push(Creation {
                        path: path.clone(),
                        contents: contents.clone(),
                        migration,
                    });
                }
            }
            FileChange::Rename { from, to } => {
                let rename = (from.clone(), to.clone());
                if !self.renames.contains(&rename) {
                    self.renames.push(rename);
                }
            }
        }
    }

    /// Applies the plan: edits per file (read through `read`, so editor buffers can be
    /// used), then created files, then renames (a renamed file gets its edits first).
    /// Files with syntax errors before, or that would have any after, are skipped and
    /// reported; so are migrations without `with_migrations`, creations over existing
    /// files and renames onto existing files. An I/O error while writing stops the run.
    pub fn apply(
        &self,
        read: impl Fn(&Path) -> Option<String>,
        with_migrations: bool,
    ) -> Result<ApplyReport, FixError> {
        let mut report = ApplyReport::default();
        let mut all = self.edits.clone();
        if with_migrations {
            for (path, edits) in &self.registrations {
                let list = all.entry(path.clone()).or_default();
                list.extend(
                    edits
                        .iter()
                        .filter(|e| !list.contains(e))
                        .cloned()
                        .collect::<Vec<_>>(),
                );
            }
        }
        for (path, edits) in &all {
            self.apply_file_edits(path, edits, &read, &mut report)?;
        }
        for creation in &self.creations {
            create_file(creation, with_migrations, &mut report)?;
        }
        for (from, to) in &self.renames {
            rename_file(from, to, &mut report)?;
        }
        Ok(report)
    }

    fn apply_file_edits(
        &self,
        path: &Path,
        edits: &[TextEdit],
        read: &impl Fn(&Path) -> Option<String>,
        report: &mut ApplyReport,
    ) -> Result<(), FixError> {
        let mut skip = |reason: String| report.skipped.push((path.to_path_buf(), reason));
        let Some(before) = read(path) else {
            skip("cannot read the file".to_string());
            return Ok(());
        };
        let checked = is_script(path);
        if checked && syntax_error_count(path, &before) > 0 {
            skip("the file has syntax errors; fix them first".to_string());
            return Ok(());
        }
        let after = match apply_edits(&before, edits) {
            Ok(after) => after,
            Err(err) => {
                skip(format!("invalid edits: {err}"));
                return Ok(());
            }
        };
        if checked && syntax_error_count(path, &after) > 0 {
            skip("the fix would introduce syntax errors".to_string());
            return Ok(());
        }
        if after != before {
            write_atomic(path, &after).map_err(|source| io_error(path, source))?;
            report.files_changed.push(path.to_path_buf());
        }
        Ok(())
    }
}

/// Whether a fix's own changes contradict each other (overlapping edits of one file).
fn self_conflicting(fix: &Fix) -> bool {
    let mut by_file: BTreeMap<&PathBuf, Vec<&TextEdit>> = BTreeMap::new();
    for change in &fix.changes {
        if let FileChange::Edit { path, edits } = change {
            by_file.entry(path).or_default().extend(edits);
        }
    }
    by_file.values().any(|edits| {
        edits.iter().enumerate().any(|(i, a)| {
            edits
                .iter()
                .skip(i + 1)
                .any(|b| a != b && overlaps(&a.span, &b.span))
        })
    })
}

/// Files the TypeScript and TSX grammars can judge; other files (JSON) are written
/// unchecked.
fn is_script(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|ext| ext.to_str()),
        Some("ts" | "mts" | "cts" | "tsx" | "js" | "mjs" | "cjs" | "jsx")
    )
}

fn io_error(path: &Path, source: io::Error) -> FixError {
    FixError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates a new file; never replaces an existing one (`create_new` makes that atomic).
fn create_file(
    creation: &Creation,
    with_migrations: bool,
    report: &mut ApplyReport,
) -> Result<(), FixError> {
    let path = &creation.path;
    let mut skip = |reason: &str| report.skipped.push((path.clone(), reason.to_string()));
    if creation.migration && !with_migrations {
        skip("migration not written (pass --with-migrations)");
        return Ok(());
    }
    if fs::symlink_metadata(path).is_ok() {
        skip("the file already exists");
        return Ok(());
    }
    if is_script(path) && syntax_error_count(path, &creation.contents) > 0 {
        skip("the generated file has syntax errors");
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|source| io_error(dir, source))?;
    }
    let file = OpenOptions::new().write(true).create_new(true).open(path);
    let mut file = match file {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
            skip("the file already exists");
            return Ok(());
        }
        Err(source) => return Err(io_error(path, source)),
    };
    let written = file
        .write_all(creation.contents.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(source) = written {
        let _ = fs::remove_file(path);
        return Err(io_error(path, source));
    }
    report.created.push(path.clone());
    Ok(())
}

/// Renames `from` to `to` unless `to` exists (a rename would silently replace it).
fn rename_file(from: &Path, to: &Path, report: &mut ApplyReport) -> Result<(), FixError> {
    if fs::symlink_metadata(to).is_ok() {
        report.skipped.push((
            from.to_path_buf(),
            format!("{} already exists", to.display()),
        ));
        return Ok(());
    }
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir).map_err(|source| io_error(dir, source))?;
    }
    fs::rename(from, to).map_err(|source| io_error(from, source))?;
    report.renamed.push((from.to_path_buf(), to.to_path_buf()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Fix;

    fn edit(span: Span, text: &str) -> TextEdit {
        TextEdit {
            span,
            new_text: text.to_string(),
        }
    }

    fn read_disk(path: &Path) -> Option<String> {
        fs::read_to_string(path).ok()
    }

    #[test]
    fn applies_edits_in_position_order() {
        let out = apply_edits(
            "abcdef",
            &[edit(4..5, "E"), edit(0..1, "A"), edit(2..2, "+")],
        );
        assert_eq!(out.ok().as_deref(), Some("Ab+cdEf"));
    }

    #[test]
    fn insertions_at_one_point_keep_their_order() {
        let out = apply_edits("ab", &[edit(1..1, "x"), edit(1..1, "y"), edit(1..2, "B")]);
        assert_eq!(out.ok().as_deref(), Some("axyB"));
    }

    #[test]
    fn rejects_overlapping_edits() {
        let out = apply_edits("abcdef", &[edit(0..3, "x"), edit(2..4, "y")]);
        assert!(matches!(out, Err(FixError::Overlap { .. })));
        let inside = apply_edits("abcdef", &[edit(0..3, "x"), edit(1..1, "y")]);
        assert!(matches!(inside, Err(FixError::Overlap { .. })));
        let touching = apply_edits("abcdef", &[edit(0..2, "x"), edit(2..4, "y")]);
        assert_eq!(touching.ok().as_deref(), Some("xyef"));
    }

    #[test]
    fn identical_duplicates_apply_once() {
        let out = apply_edits(
            "import { A } from 'x';",
            &[edit(10..10, ", B"), edit(10..10, ", B")],
        );
        assert_eq!(out.ok().as_deref(), Some("import { A, B } from 'x';"));
    }

    #[test]
    fn rejects_bad_spans_without_panicking() {
        let text = "名前";
        assert!(matches!(
            apply_edits(text, &[edit(1..3, "x")]),
            Err(FixError::NotCharBoundary { offset: 1 })
        ));
        assert!(matches!(
            apply_edits(text, &[edit(3..99, "x")]),
            Err(FixError::OutOfRange { .. })
        ));
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 3..0;
        assert!(matches!(
            apply_edits(text, &[edit(reversed, "x")]),
            Err(FixError::OutOfRange { .. })
        ));
        assert_eq!(
            apply_edits(text, &[edit(3..6, "x")]).ok().as_deref(),
            Some("名x")
        );
    }

    #[test]
    fn counts_syntax_errors() {
        let ts = Path::new("a.ts");
        assert_eq!(
            syntax_error_count(ts, "const a = 1;\nclass A { b: string; }\n"),
            0
        );
        assert!(syntax_error_count(ts, "const a = ;\nclass A {") > 0);
        assert!(keeps_parseable(ts, "let a = 1;", "let a = 2;"));
        assert!(!keeps_parseable(ts, "let a = 1;", "let a = (2;"));
    }

    #[test]
    fn tsx_files_are_judged_with_the_tsx_grammar() {
        let (tsx, ts) = (Path::new("src/App.tsx"), Path::new("src/app.ts"));
        let jsx = "import { a } from './a';\nexport const App = () => <div>{a}</div>;\n";
        assert_eq!(syntax_error_count(tsx, jsx), 0);
        assert!(syntax_error_count(ts, jsx) > 0);
        let broken = "export const App = () => <div>{a</div>;\n";
        assert!(!keeps_parseable(tsx, jsx, broken));
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.ts");
        assert!(fs::write(&path, "old").is_ok());
        assert!(write_atomic(&path, "new").is_ok());
        assert_eq!(read_disk(&path).as_deref(), Some("new"));
        let names: Vec<_> = fs::read_dir(dir.path())
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(names, vec![std::ffi::OsString::from("a.ts")]);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("run.js");
        assert!(fs::write(&path, "old").is_ok());
        assert!(fs::set_permissions(&path, fs::Permissions::from_mode(0o750)).is_ok());
        assert!(write_atomic(&path, "new").is_ok());
        let mode = fs::metadata(&path)
            .map(|m| m.permissions().mode() & 0o777)
            .ok();
        assert_eq!(mode, Some(0o750));
    }

    #[test]
    fn plan_skips_fixes_that_overlap_accepted_ones() {
        let path = PathBuf::from("/ws/a.ts");
        let mut plan = FixPlan::new();
        assert!(plan.add(&Fix::edit("one", path.clone(), vec![edit(0..5, "x")])));
        assert!(!plan.add(&Fix::edit("two", path.clone(), vec![edit(3..8, "y")])));
        // The same edit from another fix (a shared import) is not a conflict.
        assert!(plan.add(&Fix::edit(
            "three",
            path.clone(),
            vec![edit(0..5, "x"), edit(9..9, "z")]
        )));
        assert!(plan.add(&Fix::edit(
            "other file",
            "/ws/b.ts".into(),
            vec![edit(3..8, "y")]
        )));
        assert_eq!(plan.len(), 3);
        assert_eq!(plan.edits.get(&path).map(Vec::len), Some(2));
    }

    #[test]
    fn plan_applies_edits_and_refuses_breaking_syntax() {
        let dir = tempfile::tempdir().expect("temp dir");
        let good = dir.path().join("good.ts");
        let bad = dir.path().join("bad.ts");
        let broken = dir.path().join("broken.ts");
        for (path, text) in [
            (&good, "let a = 1;\n"),
            (&bad, "let b = 1;\n"),
            (&broken, "let c = ;\n"),
        ] {
            assert!(fs::write(path, text).is_ok());
        }
        let mut plan = FixPlan::new();
        assert!(plan.add(&Fix::edit("ok", good.clone(), vec![edit(8..9, "2")])));
        assert!(plan.add(&Fix::edit("breaks", bad.clone(), vec![edit(8..9, "(")])));
        assert!(plan.add(&Fix::edit(
            "on broken",
            broken.clone(),
            vec![edit(0..3, "var")]
        )));
        let report = plan.apply(read_disk, false);
        let Ok(report) = report else {
            panic!("apply failed: {report:?}");
        };
        assert_eq!(report.files_changed, vec![good.clone()]);
        assert_eq!(read_disk(&good).as_deref(), Some("let a = 2;\n"));
        assert_eq!(read_disk(&bad).as_deref(), Some("let b = 1;\n"));
        assert_eq!(read_disk(&broken).as_deref(), Some("let c = ;\n"));
        let skipped: Vec<&PathBuf> = report.skipped.iter().map(|(p, _)| p).collect();
        assert_eq!(skipped, vec![&bad, &broken]);
    }

    fn migration_fix(path: PathBuf, contents: &str) -> Fix {
        let mut fix = Fix::safe(
            "add index",
            vec![FileChange::Create {
                path,
                contents: contents.to_string(),
            }],
        );
        fix.creates_migration = true;
        fix
    }

    #[test]
    fn create_needs_with_migrations_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("temp dir");
        let existing = dir.path().join("src/migrations/1-old.ts");
        let fresh = dir.path().join("src/migrations/2-new.ts");
        assert!(fs::create_dir_all(dir.path().join("src/migrations")).is_ok());
        assert!(fs::write(&existing, "keep me").is_ok());
        let mut plan = FixPlan::new();
        assert!(plan.add(&migration_fix(existing.clone(), "export class A {}\n")));
        assert!(plan.add(&migration_fix(fresh.clone(), "export class B {}\n")));

        let without = plan.apply(read_disk, false).ok().unwrap_or_default();
        assert!(without.created.is_empty());
        assert_eq!(without.skipped.len(), 2);
        assert!(!fresh.exists());

        let with = plan.apply(read_disk, true).ok().unwrap_or_default();
        assert_eq!(with.created, vec![fresh.clone()]);
        assert_eq!(with.skipped.len(), 1);
        assert_eq!(read_disk(&existing).as_deref(), Some("keep me"));
        assert_eq!(read_disk(&fresh).as_deref(), Some("export class B {}\n"));
    }

    #[test]
    fn rename_refuses_an_existing_target() {
        let dir = tempfile::tempdir().expect("temp dir");
        let from = dir.path().join("UserProfile.ts");
        let to = dir.path().join("user-profile.ts");
        let taken_from = dir.path().join("Other.ts");
        let taken_to = dir.path().join("other.ts");
        for path in [&from, &taken_from, &taken_to] {
            assert!(fs::write(path, "export {};\n").is_ok());
        }
        let mut plan = FixPlan::new();
        let rename = |from: &PathBuf, to: &PathBuf| {
            Fix::safe(
                "rename",
                vec![FileChange::Rename {
                    from: from.clone(),
                    to: to.clone(),
                }],
            )
        };
        assert!(plan.add(&rename(&from, &to)));
        assert!(plan.add(&rename(&taken_from, &taken_to)));
        let report = plan.apply(read_disk, false).ok().unwrap_or_default();
        assert_eq!(report.renamed, vec![(from.clone(), to.clone())]);
        assert_eq!(report.skipped.len(), 1);
        assert!(to.exists() && !from.exists() && taken_from.exists());
    }
}
