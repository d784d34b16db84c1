//! What a rule reports: plain data in byte offsets and paths, no LSP types.

use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::PathBuf;

/// A byte range inside one file's text.
pub type Span = Range<usize>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in another (or the same) file that explains a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub path: PathBuf,
    pub span: Span,
    pub message: String,
}

/// One text replacement. `span` is in bytes of the file's current text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextEdit {
    pub span: Span,
    pub new_text: String,
}

/// The edits a fix makes to one file, or a file it creates or renames.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FileChange {
    Edit { path: PathBuf, edits: Vec<TextEdit> },
    Create { path: PathBuf, contents: String },
    Rename { from: PathBuf, to: PathBuf },
}

impl FileChange {
    pub fn path(&self) -> &PathBuf {
        match self {
            FileChange::Edit { path, .. } | FileChange::Create { path, .. } => path,
            FileChange::Rename { from, .. } => from,
        }
    }
}

/// How sure we are that applying a fix keeps the program's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Applied by `check --fix` and `source.fixAll`.
    Safe,
    /// Offered as a quick fix in the editor only.
    Unsafe,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub changes: Vec<FileChange>,
    /// True when `changes` creates a migration file (applied by the CLI only with
    /// `--with-migrations`).
    pub creates_migration: bool,
    /// Files this fix edits only to register the migration it creates (the DataSource's
    /// `migrations` array, its index file): left alone when the migration is not written.
    #[serde(skip)]
    pub migration_edits: Vec<PathBuf>,
    /// True while only the title and applicability are known: checking without fixes
    /// wanted leaves `changes` empty, and [`crate::rules::build_fixes`] builds them on
    /// demand (for `--fix`, JSON output, code actions).
    #[serde(skip)]
    pub deferred: bool,
}

impl Fix {
    pub fn safe(title: impl Into<String>, changes: Vec<FileChange>) -> Self {
        Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            changes,
            creates_migration: false,
            migration_edits: Vec::new(),
            deferred: false,
        }
    }

    /// A fix whose edits are not built yet (see [`Fix::deferred`]).
    pub fn deferred(title: impl Into<String>, applicability: Applicability) -> Self {
        Fix {
            applicability,
            deferred: true,
            ..Fix::safe(title, Vec::new())
        }
    }

    pub fn unsafe_(title: impl Into<String>, changes: Vec<FileChange>) -> Self {
        Fix {
            applicability: Applicability::Unsafe,
            ..Fix::safe(title, changes)
        }
    }

    /// A fix that edits one file.
    pub fn edit(title: impl Into<String>, path: PathBuf, edits: Vec<TextEdit>) -> Self {
        Fix::safe(title, vec![FileChange::Edit { path, edits }])
    }
}

/// Tags that editors render specially.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tag {
    Unnecessary,
    Deprecated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub path: PathBuf,
    pub span: Span,
    pub message: String,
    pub related: Vec<Related>,
    /// Quick fixes, the preferred one first.
    pub fixes: Vec<Fix>,
    pub tags: Vec<Tag>,
}

impl Finding {
    pub fn new(code: &'static str, path: PathBuf, span: Span, message: impl Into<String>) -> Self {
        Finding {
            code,
            // The registry replaces this with the configured severity.
            severity: Severity::Warning,
            path,
            span,
            message: message.into(),
            related: Vec::new(),
            fixes: Vec::new(),
            tags: Vec::new(),
        }
    }

    /// Gives back the spare capacity of its lists and message: a `Vec` that got one push
    /// holds four (a lone fix took 320 bytes, a lone related location 256), and `format!`
    /// guesses generously. A check keeps every finding until output (85,000 at 20,000
    /// files).
    pub fn shrink_to_fit(&mut self) {
        self.message.shrink_to_fit();
        self.related.shrink_to_fit();
        self.fixes.shrink_to_fit();
        self.tags.shrink_to_fit();
    }

    /// Whether some fix of this finding still has to be built.
    pub fn has_deferred_fix(&self) -> bool {
        self.fixes.iter().any(|f| f.deferred)
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    pub fn with_related(mut self, path: PathBuf, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            path,
            span,
            message: message.into(),
        });
        self
    }
}
