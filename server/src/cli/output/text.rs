//! Human output, like rustc and ruff: a header per finding, the source line with a caret
//! underline, related locations and the fix, then a one-line summary.

use super::{relative_path, sorted, ColumnUnit, LineIndex, Locator, SourceLookup};
use crate::cli::color::{paint, Palette};
use crate::finding::{Applicability, Finding, Severity};
use std::fmt::Write;
use std::path::Path;

/// Writes all findings (sorted by path and position) to `out`, one at a time, in colour
/// (`palette`), with or without the summary line.
pub fn write(
    out: &mut dyn std::io::Write,
    findings: &[Finding],
    root: &Path,
    sources: &dyn SourceLookup,
    palette: &Palette,
    with_summary: bool,
) -> std::io::Result<()> {
    let mut locator = Locator::new(sources);
    let mut text = String::new();
    for finding in sorted(findings) {
        text.clear();
        render_finding(&mut text, finding, root, &mut locator, palette);
        text.push('\n');
        out.write_all(text.as_bytes())?;
    }
    if with_summary {
        writeln!(out, "{}", paint(palette.summary, &summary(findings)))?;
    }
    Ok(())
}

/// `Found 12 findings (3 errors, 8 warnings, 1 info); 5 fixable with --fix.` or
/// `No findings.` A finding is fixable when it has a safe fix (what `--fix` applies).
pub fn summary(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "No findings.".to_string();
    }
    let count = |severity: Severity| findings.iter().filter(|f| f.severity == severity).count();
    let parts: Vec<String> = [
        (count(Severity::Error), "error", "errors"),
        (count(Severity::Warning), "warning", "warnings"),
        (count(Severity::Info), "info", "info"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    let total = findings.len();
    let noun = if total == 1 { "finding" } else { "findings" };
    let mut line = format!("Found {total} {noun} ({})", parts.join(", "));
    let fixable = findings.iter().filter(|f| has_safe_fix(f)).count();
    if fixable > 0 {
        let _ = write!(line, "; {fixable} fixable with --fix");
    }
    line.push('.');
    line
}

fn has_safe_fix(finding: &Finding) -> bool {
    finding
        .fixes
        .iter()
        .any(|fix| fix.applicability == Applicability::Safe)
}

fn render_finding(
    out: &mut String,
    finding: &Finding,
    root: &Path,
    locator: &mut Locator,
    palette: &Palette,
) {
    let (start, _) = locator.range(&finding.path, &finding.span, ColumnUnit::Chars);
    let severity = palette.severity(finding.severity);
    let _ = writeln!(
        out,
        "{}: {} {} {}",
        paint(
            palette.path,
            &format!(
                "{}:{}:{}",
                relative_path(&finding.path, root),
                start.line,
                start.column
            )
        ),
        paint(severity, finding.code),
        paint(severity, &format!("[{}]", finding.severity.as_str())),
        finding.message
    );
    let gutter = start.line.to_string().len();
    let bar = |text: &str| paint(palette.gutter, text);
    if let Some(index) = locator.index(&finding.path) {
        render_snippet_styled(out, index, &finding.span, gutter, palette, severity);
    }
    for related in &finding.related {
        let (at, _) = locator.range(&related.path, &related.span, ColumnUnit::Chars);
        let _ = writeln!(
            out,
            "{:gutter$} {} related: {}:{}:{}: {}",
            "",
            bar("="),
            relative_path(&related.path, root),
            at.line,
            at.column,
            related.message
        );
    }
    if let Some(fix) = finding.fixes.first() {
        let label = match fix.applicability {
            Applicability::Safe => paint(palette.fix, "fix available"),
            Applicability::Unsafe => "unsafe fix available (editor only)".to_string(),
        };
        let _ = writeln!(out, "{:gutter$} {} {label}: {}", "", bar("="), fix.title);
    }
}

/// The span's first line with a caret underline. The padding copies tabs from the source
/// line so the carets line up whatever the terminal's tab width.
#[cfg(test)]
fn render_snippet(out: &mut String, index: &LineIndex, span: &crate::finding::Span, gutter: usize) {
    let plain = Palette::plain();
    render_snippet_styled(out, index, span, gutter, &plain, plain.error);
}

fn render_snippet_styled(
    out: &mut String,
    index: &LineIndex,
    span: &crate::finding::Span,
    gutter: usize,
    palette: &Palette,
    caret_style: anstyle::Style,
) {
    let start = index.clamp(span.start);
    let line = index.line_of(start);
    let line_start = index.line_start(line);
    let text = index.line_text(line);
    let column = start.saturating_sub(line_start).min(text.len());
    let (before, rest) = match (text.get(..column), text.get(column..)) {
        (Some(before), Some(rest)) => (before, rest),
        _ => (text, ""),
    };
    let span_len = index.clamp(span.end).saturating_sub(start).min(rest.len());
    let underlined = rest.get(..span_len).unwrap_or("");
    let mut padding = String::with_capacity(before.len());
    for c in before.chars() {
        match c {
            '\t' => padding.push('\t'),
            _ => padding.extend(std::iter::repeat_n(' ', display_width(c))),
        }
    }
    let carets = "^".repeat(underlined.chars().map(display_width).sum::<usize>().max(1));
    let bar = paint(palette.gutter, "|");
    let _ = writeln!(out, "{:gutter$} {bar}", "");
    let number = paint(palette.gutter, &(line + 1).to_string());
    let _ = writeln!(out, "{number} {bar} {text}");
    let carets = paint(caret_style, &carets);
    let _ = writeln!(out, "{:gutter$} {bar} {padding}{carets}", "");
}

/// The first code point [`display_width`] does not count as one cell.
const FIRST_LISTED: u32 = 0x0300;

/// How many terminal cells `c` takes: 2 for East Asian wide characters and emoji, 0 for
/// combining marks and joiners, else 1. An approximation of `unicode-width` covering the
/// ranges that occur in source code, so carets stay under CJK and emoji text.
pub fn display_width(c: char) -> usize {
    let cp = c as u32;
    // Below the first listed range every character is one cell: the common case (source
    // lines are mostly ASCII) skips the table scans, which cost most of the text output.
    if cp < FIRST_LISTED {
        return 1;
    }
    let within = |ranges: &[(u32, u32)]| ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&cp));
    if c == ZERO_WIDTH_JOINER || within(ZERO) {
        0
    } else if within(WIDE) {
        2
    } else {
        1
    }
}

const ZERO_WIDTH_JOINER: char = '\u{200D}';

/// Combining marks and selectors: no cell of their own.
const ZERO: &[(u32, u32)] = &[
    (0x0300, 0x036F),
    (0x200B, 0x200F),
    (0x20D0, 0x20FF),
    (0xFE00, 0xFE0F),
    (0xFE20, 0xFE2F),
    (0xE0100, 0xE01EF),
];
/// East Asian wide characters and emoji: two cells.
const WIDE: &[(u32, u32)] = &[
    (0x1100, 0x115F),
    (0x231A, 0x231B),
    (0x23E9, 0x23EC),
    (0x25FD, 0x25FE),
    (0x2614, 0x2615),
    (0x2648, 0x2653),
    (0x26A1, 0x26A1),
    (0x26AA, 0x26AB),
    (0x26BD, 0x26BE),
    (0x26C4, 0x26C5),
    (0x26D4, 0x26D4),
    (0x26EA, 0x26EA),
    (0x26F2, 0x26F5),
    (0x26FA, 0x26FD),
    (0x2705, 0x2705),
    (0x270A, 0x270B),
    (0x2728, 0x2728),
    (0x274C, 0x274C),
    (0x2753, 0x2755),
    (0x2757, 0x2757),
    (0x2795, 0x2797),
    (0x27B0, 0x27B0),
    (0x27BF, 0x27BF),
    (0x2B1B, 0x2B1C),
    (0x2B50, 0x2B50),
    (0x2B55, 0x2B55),
    (0x2E80, 0x303E),
    (0x3041, 0x33FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA000, 0xA4CF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7A3),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFF60),
    (0xFFE0, 0xFFE6),
    (0x1F004, 0x1F004),
    (0x1F0CF, 0x1F0CF),
    (0x1F18E, 0x1F18E),
    (0x1F191, 0x1F19A),
    (0x1F200, 0x1F251),
    (0x1F300, 0x1F64F),
    (0x1F680, 0x1F6FF),
    (0x1F7E0, 0x1F7EB),
    (0x1F90C, 0x1F9FF),
    (0x1FA70, 0x1FAFF),
    (0x20000, 0x3FFFD),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::test_support;

    #[test]
    fn renders_snippet_with_wide_chars_before_the_span() {
        let out = test_support::render_example(crate::cli::output::OutputFormat::Text);
        let expected = "\
src/users/user.entity.ts:1:1: IMP001 [error] bad, \"quoted\"
second: 100%
  |
1 | @Entity()
  | ^^^^^^^^
  = unsafe fix available (editor only): Create migration

src/users/user.service.ts:3:28: IDX002 [warning] `User.email` is not indexed: the query scans the table
  |
3 |     const 名前 = '🎉'; return this.repo.findOne({ where: { email } });
  |                               ^^^^^^^^^^^^^^^^^
  = related: src/users/user.entity.ts:4:3: column `email` declared here
  = fix available: Add @Index() to `User.email`

Found 2 findings (1 error, 1 warning); 1 fixable with --fix.
";
        assert_eq!(out, expected);
    }

    #[test]
    fn caret_padding_keeps_tabs_and_counts_wide_chars() {
        let text = "\t名🎉 x\n";
        let index = LineIndex::new(text);
        let start = text.find('x').unwrap_or(0);
        let mut out = String::new();
        render_snippet(&mut out, &index, &(start..start + 1), 1);
        assert_eq!(out, "  |\n1 | \t名🎉 x\n  | \t     ^\n");
    }

    #[test]
    fn multi_line_span_underlines_first_line_only() {
        let text = "ab\ncd\n";
        let index = LineIndex::new(text);
        let mut out = String::new();
        render_snippet(&mut out, &index, &(1..5), 1);
        assert_eq!(out, "  |\n1 | ab\n  |  ^\n");
    }

    #[test]
    fn summary_lines() {
        assert_eq!(summary(&[]), "No findings.");
        let mut findings = test_support::findings();
        findings.truncate(1);
        assert_eq!(
            summary(&findings),
            "Found 1 finding (1 warning); 1 fixable with --fix."
        );
    }

    /// The early answer for the characters below [`FIRST_LISTED`] is the tables' answer:
    /// no listed range (nor the joiner) starts below it.
    #[test]
    fn the_early_answer_is_the_tables_answer() {
        let lowest = ZERO.iter().chain(WIDE).map(|&(lo, _)| lo).min();
        assert_eq!(lowest, Some(FIRST_LISTED));
        assert!(u32::from(ZERO_WIDTH_JOINER) >= FIRST_LISTED);
        for c in ['a', '\t', 'é', 'ÿ', '\u{2FF}'] {
            assert_eq!(display_width(c), 1, "{c:?}");
        }
        assert_eq!(display_width('\u{300}'), 0);
    }

    #[test]
    fn widths() {
        assert_eq!(display_width('a'), 1);
        assert_eq!(display_width('名'), 2);
        assert_eq!(display_width('🎉'), 2);
        assert_eq!(display_width('\u{301}'), 0);
    }
}
