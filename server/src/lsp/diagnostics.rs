//! Findings as LSP diagnostics: range in the negotiated encoding, the rule code with a
//! link to its docs, related locations (cross-file findings point at the entity), tags,
//! and `data` that lets a code action find the finding again.

use std::path::Path;

use serde_json::json;
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Uri,
};

use super::position::{LineIndex, PositionEncoding};
use crate::finding::{Finding, Severity, Span, Tag};

/// The `source` of every diagnostic.
pub const SOURCE: &str = "typeorm-lsp";

/// Resolves a span of some file to an LSP location (None when the file is unknown).
pub type Locate<'a> = dyn Fn(&Path, &Span) -> Option<Location> + 'a;

/// Converts one finding of a file whose text is `text`.
pub fn to_diagnostic(
    finding: &Finding,
    text: &str,
    index: &LineIndex,
    enc: PositionEncoding,
    locate: Option<&Locate<'_>>,
) -> Diagnostic {
    let related = locate.map(|locate| related(finding, locate));
    Diagnostic {
        range: index.span_to_range(text, &finding.span, enc),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code.to_string())),
        code_description: code_description(finding.code),
        source: Some(SOURCE.to_string()),
        message: finding.message.clone(),
        related_information: related.filter(|r| !r.is_empty()),
        tags: tags(&finding.tags),
        data: Some(json!({
            "code": finding.code,
            "start": finding.span.start,
            "end": finding.span.end,
        })),
    }
}

/// Whether `diag` (sent back by the client in a code action context) stands for
/// `finding`: same code and byte span, as recorded in `data`.
pub fn is_diagnostic_of(diag: &Diagnostic, finding: &Finding) -> bool {
    let Some(data) = diag.data.as_ref() else {
        return false;
    };
    data.get("code").and_then(|c| c.as_str()) == Some(finding.code)
        && data.get("start").and_then(|s| s.as_u64()) == Some(finding.span.start as u64)
        && data.get("end").and_then(|s| s.as_u64()) == Some(finding.span.end as u64)
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The link to the rule's documentation, for rules in the registry.
fn code_description(code: &str) -> Option<CodeDescription> {
    let url = crate::rules::rule(code)?.doc_url();
    let href: Uri = url.parse().ok()?;
    Some(CodeDescription { href })
}

fn related(finding: &Finding, locate: &Locate<'_>) -> Vec<DiagnosticRelatedInformation> {
    finding
        .related
        .iter()
        .filter_map(|r| {
            Some(DiagnosticRelatedInformation {
                location: locate(&r.path, &r.span)?,
                message: r.message.clone(),
            })
        })
        .collect()
}

fn tags(tags: &[Tag]) -> Option<Vec<DiagnosticTag>> {
    let out: Vec<DiagnosticTag> = tags
        .iter()
        .map(|t| match t {
            Tag::Unnecessary => DiagnosticTag::UNNECESSARY,
            Tag::Deprecated => DiagnosticTag::DEPRECATED,
        })
        .collect();
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use tower_lsp_server::ls_types::{Position, Range};

    fn finding(span: Span) -> Finding {
        let mut f = Finding::new("IDX001", PathBuf::from("/w/a.ts"), span, "no index");
        f.severity = Severity::Error;
        f
    }

    #[test]
    fn converts_range_code_link_and_data() {
        let text = "// 😀\nconst x = 1;\n";
        let index = LineIndex::new(text);
        let start = text.find('x').unwrap();
        let f = finding(start..start + 1);
        let d = to_diagnostic(&f, text, &index, PositionEncoding::Utf16, None);
        assert_eq!(
            d.range,
            Range::new(Position::new(1, 6), Position::new(1, 7))
        );
        assert_eq!(d.severity, Some(DiagnosticSeverity::ERROR));
        assert_eq!(d.code, Some(NumberOrString::String("IDX001".into())));
        let href = d.code_description.clone().unwrap().href;
        assert!(href.as_str().ends_with("/IDX001.md"), "{}", href.as_str());
        assert!(is_diagnostic_of(&d, &f));
        assert!(!is_diagnostic_of(&d, &finding(0..1)));
        assert_eq!(d.tags, None);
    }

    #[test]
    fn related_and_tags_are_carried() {
        let text = "abc";
        let index = LineIndex::new(text);
        let mut f = finding(0..1).with_related(PathBuf::from("/w/b.ts"), 0..2, "declared here");
        f.tags.push(Tag::Unnecessary);
        let uri: Uri = "file:///w/b.ts".parse().unwrap();
        let locate = |p: &Path, s: &Span| {
            (p == Path::new("/w/b.ts")).then(|| Location {
                uri: uri.clone(),
                range: Range::new(
                    Position::new(0, s.start as u32),
                    Position::new(0, s.end as u32),
                ),
            })
        };
        let d = to_diagnostic(&f, text, &index, PositionEncoding::Utf8, Some(&locate));
        let rel = d.related_information.unwrap();
        assert_eq!(rel.len(), 1);
        assert_eq!(rel[0].message, "declared here");
        assert_eq!(rel[0].location.range.end, Position::new(0, 2));
        assert_eq!(d.tags, Some(vec![DiagnosticTag::UNNECESSARY]));
    }
}
