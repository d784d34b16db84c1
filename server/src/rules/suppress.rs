//! `// typeorm-lsp-ignore CODE: reason` comments: they silence a finding on the next line;
//! one that silences nothing, or names no rule, is reported itself.

use super::{Ctx, RuleDef, REGISTRY};
use crate::finding::{Finding, Fix, Tag, TextEdit};

/// SUP001 (documented in `rules::sup::sup001`).
pub const UNUSED: RuleDef = super::sup::sup001::RULE;

/// SUP002 (documented in `rules::sup::sup002`).
pub const UNKNOWN: RuleDef = super::sup::sup002::RULE;

/// The suppression rules are reported by `apply`, not by a check of their own.
pub fn is_meta(code: &str) -> bool {
    code == UNUSED.code || code == UNKNOWN.code
}

pub fn apply(ctx: &Ctx, file: usize, findings: Vec<Finding>) -> Vec<Finding> {
    let Some(source) = ctx.model.file(file) else {
        return findings;
    };
    let facts = &source.facts;
    if facts.suppressions.is_empty() {
        return findings;
    }
    let mut used = vec![Vec::new(); facts.suppressions.len()];
    let mut kept = Vec::with_capacity(findings.len());
    for f in findings {
        let line = facts.line_of(f.span.start);
        let hit = facts.suppressions.iter().enumerate().find_map(|(si, s)| {
            let ci = s
                .codes
                .iter()
                .position(|c| c.value.eq_ignore_ascii_case(f.code))?;
            (s.target_line == line).then_some((si, ci))
        });
        match hit {
            Some((si, ci)) => used[si].push(ci),
            None => kept.push(f),
        }
    }
    let path = source.path.clone();
    for (si, s) in facts.suppressions.iter().enumerate() {
        for (ci, code) in s.codes.iter().enumerate() {
            let known = REGISTRY
                .iter()
                .any(|r| r.code.eq_ignore_ascii_case(&code.value));
            let (rule, message) = if !known {
                (
                    &UNKNOWN,
                    format!("`{}` is not a typeorm-lsp rule", code.value),
                )
            } else if used[si].contains(&ci) || !rule_enabled(ctx, &code.value) {
                continue;
            } else {
                (
                    &UNUSED,
                    format!(
                        "Unused suppression: no `{}` finding on the next line",
                        code.value
                    ),
                )
            };
            let Some(severity) = super::severity_of(ctx, rule) else {
                continue;
            };
            let mut finding = Finding::new(rule.code, path.clone(), code.span.range(), message);
            finding.severity = severity;
            finding.tags.push(Tag::Unnecessary);
            if s.codes.len() == 1 {
                finding = finding.with_fix(Fix::edit(
                    "Remove the suppression comment",
                    path.clone(),
                    vec![TextEdit {
                        span: whole_line(&source.text(), s.span.range()),
                        new_text: String::new(),
                    }],
                ));
            }
            kept.push(finding);
        }
    }
    kept
}

fn rule_enabled(ctx: &Ctx, code: &str) -> bool {
    super::rule(code).is_some_and(|r| super::severity_of(ctx, r).is_some())
}

/// The comment's line, newline included, when the comment is alone on it; else the comment.
fn whole_line(text: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let start = text
        .get(..span.start)
        .unwrap_or("")
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let end = text
        .get(span.end..)
        .unwrap_or("")
        .find('\n')
        .map(|i| span.end + i + 1)
        .unwrap_or(text.len());
    let line = text.get(start..end).unwrap_or("");
    let before = text.get(start..span.start).unwrap_or("x");
    if before.trim().is_empty()
        && line
            .trim_end()
            .ends_with(text.get(span.clone()).unwrap_or(""))
    {
        start..end
    } else {
        span
    }
}
