//! Output formats of `check`: human text, JSON, SARIF 2.1.0 and GitHub workflow commands.
//!
//! Findings speak bytes and absolute paths; this module is where they become 1-based lines
//! and columns (characters for people, UTF-16 code units for SARIF) and paths relative to
//! the workspace root with `/` separators, so the output is the same on every OS.

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use crate::finding::{Finding, Severity, Span};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Gives the text of a file, so output can show positions and source lines. Output asks
/// once per file it is at (a few at a time are kept, see [`Locator`]), so the CLI can hand
/// out texts it let go after extraction (read again) instead of holding them all.
pub trait SourceLookup {
    fn text(&self, path: &Path) -> Option<Arc<str>>;
}

impl SourceLookup for HashMap<PathBuf, String> {
    fn text(&self, path: &Path) -> Option<Arc<str>> {
        self.get(path).map(|t| Arc::from(t.as_str()))
    }
}

/// The texts the workspace holds already, shared rather than copied.
impl SourceLookup for HashMap<PathBuf, Arc<str>> {
    fn text(&self, path: &Path) -> Option<Arc<str>> {
        self.get(path).cloned()
    }
}

/// The workspace's files: held texts are shared, texts let go are read again.
impl SourceLookup for HashMap<PathBuf, Arc<crate::model::SourceFile>> {
    fn text(&self, path: &Path) -> Option<Arc<str>> {
        self.get(path).map(|f| f.text())
    }
}

/// What SARIF consumers (GitHub code scanning) show about a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    pub summary: &'static str,
    pub default_severity: Severity,
    pub help_uri: String,
}

/// The `--output-format` of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// rustc/ruff-like text with source snippets and a summary.
    #[default]
    Text,
    /// A JSON array of findings (like ruff's JSON output).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=...::message`).
    Github,
}

impl OutputFormat {
    /// Whether the format writes fixes' edits (so the fixes must be built first); the
    /// others need only a fix's title and applicability.
    pub fn shows_fix_edits(self) -> bool {
        matches!(self, OutputFormat::Json | OutputFormat::Sarif)
    }
}

/// Renders `findings` in `format` whole (tests). `root` is the workspace root paths are
/// made relative to; `rules` only matters for SARIF (rule metadata).
#[cfg(test)]
pub fn render(
    format: OutputFormat,
    findings: &[Finding],
    root: &Path,
    sources: &dyn SourceLookup,
    rules: &[RuleInfo],
) -> String {
    to_string(|out| write(format, out, findings, root, sources, rules))
}

/// Writes `findings` in `format` to `out` finding by finding:
/// the output of a large workspace is never held whole (180 MB of JSON for 85,000
/// findings).
pub fn write(
    format: OutputFormat,
    out: &mut dyn Write,
    findings: &[Finding],
    root: &Path,
    sources: &dyn SourceLookup,
    rules: &[RuleInfo],
) -> std::io::Result<()> {
    match format {
        OutputFormat::Text => {
            let plain = crate::cli::color::Palette::plain();
            text::write(out, findings, root, sources, &plain, true)
        }
        OutputFormat::Json => json::write(out, findings, root, sources),
        OutputFormat::Sarif => sarif::write(out, findings, root, sources, rules),
        OutputFormat::Github => github::write(out, findings, root, sources),
    }
}

/// What a writer of output writes, as a string (tests).
#[cfg(test)]
pub fn to_string(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and every writer writes `str`s only.
    let _ = write(&mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `path` relative to `root`, with `/` separators. A path outside the root is printed
/// whole (still with `/`), which is better than a misleading `../../` chain.
pub fn relative_path(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for component in rel.components() {
        match component {
            Component::RootDir => out.push('/'),
            Component::Prefix(prefix) => out.push_str(&prefix.as_os_str().to_string_lossy()),
            Component::CurDir => {}
            other => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    out
}

/// Findings in reading order: by path, then position, then code (stable across runs, so
/// CI output can be diffed).
pub fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut out: Vec<&Finding> = findings.iter().collect();
    out.sort_by(|a, b| {
        (&a.path, a.span.start, a.span.end, a.code).cmp(&(
            &b.path,
            b.span.start,
            b.span.end,
            b.code,
        ))
    });
    out
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// Where a position is shown when the file's text is unknown.
    const START: Location = Location { line: 1, column: 1 };
}

/// What a column counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnUnit {
    /// Unicode scalar values: what people and ruff count.
    Chars,
    /// UTF-16 code units: SARIF's default `columnKind`.
    Utf16,
}

/// Line starts of one text, to turn byte offsets into lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    text: Arc<str>,
    /// `u32`: files are at most `MAX_FILE_BYTES`.
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        LineIndex {
            starts: crate::syntax::line_starts(&text)
                .into_iter()
                .map(|s| u32::try_from(s).unwrap_or(u32::MAX))
                .collect(),
            text,
        }
    }

    /// `offset` clamped into the text and moved back onto a char boundary, so a stale or
    /// bogus span still yields a position instead of a panic.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The 0-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = self.clamp(offset);
        self.starts
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1)
    }

    /// The byte offset where 0-based `line` starts (the text's end past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line)
            .map_or(self.text.len(), |&s| s as usize)
    }

    /// The text of 0-based `line` without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_start(line);
        let end = self.line_start(line + 1);
        let text = self.text.get(start..end).unwrap_or("");
        text.trim_end_matches(['\n', '\r'])
    }

    /// The 1-based line and column of `offset`.
    pub fn location(&self, offset: usize, unit: ColumnUnit) -> Location {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let before = self.text.get(self.line_start(line)..offset).unwrap_or("");
        let column = match unit {
            ColumnUnit::Chars => before.chars().count(),
            ColumnUnit::Utf16 => before.encode_utf16().count(),
        };
        Location {
            line: line + 1,
            column: column + 1,
        }
    }
}

/// Indexes kept by a [`Locator`]: output goes file by file (findings sorted by path), so a
/// few cover the related locations and fixes of the file at hand, and the texts of a large
/// workspace are never held all at once.
const LOCATOR_KEEPS: usize = 32;

/// Turns spans of many files into locations, indexing a file's lines once while output is
/// at it.
pub struct Locator<'a> {
    sources: &'a dyn SourceLookup,
    indexes: HashMap<PathBuf, Option<LineIndex>>,
}

impl<'a> Locator<'a> {
    pub fn new(sources: &'a dyn SourceLookup) -> Self {
        Locator {
            sources,
            indexes: HashMap::new(),
        }
    }

    /// The line index of `path`, or `None` when its text is unknown.
    pub fn index(&mut self, path: &Path) -> Option<&LineIndex> {
        let sources = self.sources;
        if self.indexes.len() >= LOCATOR_KEEPS && !self.indexes.contains_key(path) {
            self.indexes.clear();
        }
        self.indexes
            .entry(path.to_path_buf())
            .or_insert_with(|| sources.text(path).map(LineIndex::new))
            .as_ref()
    }

    /// Start and end location of `span` in `path` (`1:1` when the text is unknown).
    pub fn range(&mut self, path: &Path, span: &Span, unit: ColumnUnit) -> (Location, Location) {
        match self.index(path) {
            Some(index) => (
                index.location(span.start, unit),
                index.location(span.end.max(span.start), unit),
            ),
            None => (Location::START, Location::START),
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A small example shared by the format tests: a finding on a line with CJK and
    //! an emoji before the span, with a related location and a fix.

    use crate::finding::{FileChange, Finding, Fix, Severity, TextEdit};
    use std::collections::HashMap;
    use std::path::PathBuf;

    pub const SERVICE: &str = "export class S {\n  f() {\n    const 名前 = '🎉'; return this.repo.findOne({ where: { email } });\n  }\n}\n";
    pub const ENTITY: &str = "@Entity()\nexport class User {\n  @Column()\n  email: string;\n}\n";

    pub fn root() -> PathBuf {
        PathBuf::from("/ws")
    }

    pub fn service_path() -> PathBuf {
        root().join("src/users/user.service.ts")
    }

    pub fn entity_path() -> PathBuf {
        root().join("src/users/user.entity.ts")
    }

    /// The example's findings rendered whole in `format`.
    pub fn render_example(format: super::OutputFormat) -> String {
        super::render(format, &findings(), &root(), &sources(), &[])
    }

    pub fn sources() -> HashMap<PathBuf, String> {
        HashMap::from([
            (service_path(), SERVICE.to_string()),
            (entity_path(), ENTITY.to_string()),
        ])
    }

    fn offset_of(text: &str, needle: &str) -> usize {
        text.find(needle).unwrap_or(0)
    }

    /// IDX002 on `this.repo.findOne` (after `名前` and `🎉` on its line), and an IMP001
    /// error without a fix at the start of the entity file.
    pub fn findings() -> Vec<Finding> {
        let start = offset_of(SERVICE, "this.repo.findOne");
        let span = start..start + "this.repo.findOne".len();
        let column = offset_of(ENTITY, "email");
        let decorator = offset_of(ENTITY, "  @Column") + 2;
        let fix = Fix::edit(
            "Add @Index() to `User.email`",
            entity_path(),
            vec![TextEdit {
                span: decorator..decorator,
                new_text: "@Index()\n  ".to_string(),
            }],
        );
        let mut idx = Finding::new(
            "IDX002",
            service_path(),
            span,
            "`User.email` is not indexed: the query scans the table",
        )
        .with_related(
            entity_path(),
            column..column + 5,
            "column `email` declared here",
        )
        .with_fix(fix);
        idx.severity = Severity::Warning;
        let mut imp = Finding::new(
            "IMP001",
            entity_path(),
            0..8,
            "bad, \"quoted\"\nsecond: 100%",
        );
        imp.severity = Severity::Error;
        imp.fixes.push(Fix::safe(
            "Create migration",
            vec![FileChange::Create {
                path: root().join("src/migrations/1-x.ts"),
                contents: "x".to_string(),
            }],
        ));
        imp.fixes[0].applicability = crate::finding::Applicability::Unsafe;
        // Out of order on purpose: output must sort (the entity file comes first).
        vec![idx, imp]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_use_forward_slashes() {
        let root = Path::new("/ws");
        assert_eq!(relative_path(Path::new("/ws/src/a.ts"), root), "src/a.ts");
        assert_eq!(relative_path(Path::new("/other/a.ts"), root), "/other/a.ts");
    }

    #[test]
    fn locations_count_chars_or_utf16() {
        let text = "ab\n名🎉x\r\nlast";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap_or(0);
        assert_eq!(
            index.location(x, ColumnUnit::Chars),
            Location { line: 2, column: 3 }
        );
        assert_eq!(
            index.location(x, ColumnUnit::Utf16),
            Location { line: 2, column: 4 }
        );
        assert_eq!(index.line_text(1), "名🎉x");
        assert_eq!(
            index.location(text.len(), ColumnUnit::Chars),
            Location { line: 3, column: 5 }
        );
    }

    #[test]
    fn bogus_offsets_do_not_panic() {
        let text = "名";
        let index = LineIndex::new(text);
        assert_eq!(
            index.location(1, ColumnUnit::Chars),
            Location { line: 1, column: 1 }
        );
        assert_eq!(
            index.location(99, ColumnUnit::Chars),
            Location { line: 1, column: 2 }
        );
        assert_eq!(index.line_text(7), "");
    }

    #[test]
    fn findings_sort_by_path_then_position() {
        let findings = test_support::findings();
        let order: Vec<&str> = sorted(&findings).iter().map(|f| f.code).collect();
        assert_eq!(order, ["IMP001", "IDX002"]);
    }
}
