//! JSON output: a pretty array of findings shaped like ruff's `--output-format json`, for
//! scripts. Keys come from struct fields, so their order is fixed; columns count
//! characters, 1-based, like the text output.

use super::{relative_path, sorted, ColumnUnit, Location, Locator, SourceLookup};
use crate::finding::{Applicability, FileChange, Finding, Fix, Severity, Span};
use serde::Serialize;
use std::path::Path;

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    path: String,
    location: Location,
    end_location: Location,
    span: JsonSpan,
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonSpan {
    start: usize,
    end: usize,
}

impl From<&Span> for JsonSpan {
    fn from(span: &Span) -> Self {
        JsonSpan {
            start: span.start,
            end: span.end,
        }
    }
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: String,
    location: Location,
    end_location: Location,
    span: JsonSpan,
    message: &'a str,
}

/// The preferred fix. Text edits are in `edits`; files the fix creates or renames are
/// listed apart, since they have no location in an existing file.
#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: Applicability,
    creates_migration: bool,
    edits: Vec<JsonEdit<'a>>,
    created_files: Vec<JsonCreate<'a>>,
    renamed_files: Vec<JsonRename>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    path: String,
    location: Location,
    end_location: Location,
    span: JsonSpan,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonCreate<'a> {
    path: String,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonRename {
    from: String,
    to: String,
}

/// Writes the findings, sorted by path and position, to `out` as a pretty JSON array,
/// serializing one finding at a time (the same serializer, so the same bytes as
/// serializing a whole `Vec`).
pub fn write(
    out: &mut dyn std::io::Write,
    findings: &[Finding],
    root: &Path,
    sources: &dyn SourceLookup,
) -> std::io::Result<()> {
    use serde::ser::{SerializeSeq, Serializer};
    let mut locator = Locator::new(sources);
    let mut json = serde_json::Serializer::pretty(&mut *out);
    let mut array = json.serialize_seq(None)?;
    for finding in sorted(findings) {
        array.serialize_element(&to_json(finding, root, &mut locator))?;
    }
    array.end()?;
    out.write_all(b"\n")
}

fn to_json<'a>(finding: &'a Finding, root: &Path, locator: &mut Locator) -> JsonFinding<'a> {
    let (location, end_location) = locator.range(&finding.path, &finding.span, ColumnUnit::Chars);
    let related = finding
        .related
        .iter()
        .map(|related| {
            let (location, end_location) =
                locator.range(&related.path, &related.span, ColumnUnit::Chars);
            JsonRelated {
                path: relative_path(&related.path, root),
                location,
                end_location,
                span: (&related.span).into(),
                message: &related.message,
            }
        })
        .collect();
    JsonFinding {
        code: finding.code,
        severity: finding.severity,
        message: &finding.message,
        path: relative_path(&finding.path, root),
        location,
        end_location,
        span: (&finding.span).into(),
        related,
        fix: finding
            .fixes
            .first()
            .map(|fix| fix_to_json(fix, root, locator)),
    }
}

fn fix_to_json<'a>(fix: &'a Fix, root: &Path, locator: &mut Locator) -> JsonFix<'a> {
    let mut json = JsonFix {
        title: &fix.title,
        applicability: fix.applicability,
        creates_migration: fix.creates_migration,
        edits: Vec::new(),
        created_files: Vec::new(),
        renamed_files: Vec::new(),
    };
    for change in &fix.changes {
        match change {
            FileChange::Edit { path, edits } => {
                for edit in edits {
                    let (location, end_location) =
                        locator.range(path, &edit.span, ColumnUnit::Chars);
                    json.edits.push(JsonEdit {
                        path: relative_path(path, root),
                        location,
                        end_location,
                        span: (&edit.span).into(),
                        content: &edit.new_text,
                    });
                }
            }
            FileChange::Create { path, contents } => json.created_files.push(JsonCreate {
                path: relative_path(path, root),
                content: contents,
            }),
            FileChange::Rename { from, to } => json.renamed_files.push(JsonRename {
                from: relative_path(from, root),
                to: relative_path(to, root),
            }),
        }
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::test_support;
    use serde_json::Value;

    fn rendered() -> (String, Value) {
        let out = test_support::render_example(crate::cli::output::OutputFormat::Json);
        let value = serde_json::from_str(&out).unwrap_or(Value::Null);
        (out, value)
    }

    #[test]
    fn fields_and_positions() {
        let (_, value) = rendered();
        let idx = &value[1];
        assert_eq!(idx["code"], "IDX002");
        assert_eq!(idx["severity"], "warning");
        assert_eq!(idx["path"], "src/users/user.service.ts");
        // `名前` and `🎉` count one column each.
        assert_eq!(
            idx["location"],
            serde_json::json!({"line": 3, "column": 28})
        );
        assert_eq!(
            idx["end_location"],
            serde_json::json!({"line": 3, "column": 45})
        );
        assert_eq!(idx["related"][0]["location"]["line"], 4);
        assert_eq!(idx["related"][0]["path"], "src/users/user.entity.ts");
        let edit = &idx["fix"]["edits"][0];
        assert_eq!(edit["path"], "src/users/user.entity.ts");
        assert_eq!(
            edit["location"],
            serde_json::json!({"line": 3, "column": 3})
        );
        assert_eq!(edit["content"], "@Index()\n  ");
        assert_eq!(idx["fix"]["applicability"], "safe");
        let imp = &value[0];
        assert_eq!(imp["code"], "IMP001");
        assert_eq!(
            imp["fix"]["created_files"][0]["path"],
            "src/migrations/1-x.ts"
        );
    }

    #[test]
    fn key_order_is_stable() {
        let (out, _) = rendered();
        let keys = [
            "\"code\"",
            "\"severity\"",
            "\"message\"",
            "\"path\"",
            "\"location\"",
        ];
        let positions: Vec<usize> = keys.iter().filter_map(|k| out.find(k)).collect();
        assert_eq!(positions.len(), keys.len());
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{out}");
    }

    #[test]
    fn no_findings_is_an_empty_array() {
        let out = crate::cli::output::render(
            crate::cli::output::OutputFormat::Json,
            &[],
            Path::new("/ws"),
            &test_support::sources(),
            &[],
        );
        assert_eq!(out, "[]\n");
    }
}
