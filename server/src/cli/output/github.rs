//! GitHub Actions workflow commands: one `::warning file=...::message` line per finding,
//! which the runner turns into annotations on the pull request's diff.

use super::{relative_path, sorted, ColumnUnit, Locator, SourceLookup};
use crate::finding::{Finding, Severity};
use std::path::Path;

/// Writes one workflow command per finding to `out`, sorted by path and position. Columns
/// count characters, 1-based; the end column is exclusive, as in the other formats.
pub fn write(
    out: &mut dyn std::io::Write,
    findings: &[Finding],
    root: &Path,
    sources: &dyn SourceLookup,
) -> std::io::Result<()> {
    let mut locator = Locator::new(sources);
    for finding in sorted(findings) {
        let (start, end) = locator.range(&finding.path, &finding.span, ColumnUnit::Chars);
        writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(finding.severity),
            escape_property(&relative_path(&finding.path, root)),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(finding.code),
            escape_data(&finding.message)
        )?;
    }
    Ok(())
}

/// The workflow command for a severity.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes a command's message, as the runner's `escapeData` does.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, which additionally must not contain `:` or `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::test_support;

    #[test]
    fn one_line_per_finding_with_char_columns() {
        let out = test_support::render_example(crate::cli::output::OutputFormat::Github);
        let expected = "\
::error file=src/users/user.entity.ts,line=1,col=1,endLine=1,endColumn=9,title=IMP001::bad, \"quoted\"%0Asecond: 100%25
::warning file=src/users/user.service.ts,line=3,col=28,endLine=3,endColumn=45,title=IDX002::`User.email` is not indexed: the query scans the table
";
        assert_eq!(out, expected);
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
        assert_eq!(escape_property("a%b\nc:d,e"), "a%25b%0Ac%3Ad%2Ce");
    }

    #[test]
    fn info_is_a_notice_and_unknown_text_falls_back_to_line_one() {
        let mut finding = Finding::new("IDX004", "/ws/x,y.ts".into(), 5..9, "m");
        finding.severity = Severity::Info;
        let sources: std::collections::HashMap<std::path::PathBuf, String> = Default::default();
        let out = crate::cli::output::render(
            crate::cli::output::OutputFormat::Github,
            &[finding],
            Path::new("/ws"),
            &sources,
            &[],
        );
        assert_eq!(
            out,
            "::notice file=x%2Cy.ts,line=1,col=1,endLine=1,endColumn=1,title=IDX004::m\n"
        );
    }
}
