//! `--statistics`: how many findings each rule produced, as ruff prints them.

use super::fixes::is_fixable;
use crate::finding::Finding;
use crate::rules::rule;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    /// Some finding of this rule is fixed by `--fix`.
    pub fixable: bool,
}

/// Counts per rule, most frequent first (then by code).
pub fn count(findings: &[Finding]) -> Vec<RuleCount> {
    let mut by_code: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    for f in findings {
        let entry = by_code.entry(f.code).or_insert_with(|| RuleCount {
            code: f.code,
            name: rule(f.code).map(|r| r.name).unwrap_or(""),
            count: 0,
            fixable: false,
        });
        entry.count += 1;
        entry.fixable |= is_fixable(f);
    }
    let mut counts: Vec<RuleCount> = by_code.into_values().collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    counts
}

/// `  12  IDX002  [*] unindexed-query`: `[*]` marks rules with fixes `--fix` applies.
pub fn render_text(counts: &[RuleCount]) -> String {
    let width = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for c in counts {
        let mark = if c.fixable { "[*]" } else { "[ ]" };
        out.push_str(&format!(
            "{:>width$}  {:<6}  {mark} {}\n",
            c.count, c.code, c.name
        ));
    }
    if counts.is_empty() {
        out.push_str("No findings.\n");
    }
    out
}

pub fn render_json(counts: &[RuleCount]) -> String {
    let mut out = serde_json::to_string_pretty(counts).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::test_support;

    #[test]
    fn counts_per_rule_most_frequent_first() {
        let mut findings = test_support::findings();
        findings.push(findings[0].clone());
        let counts = count(&findings);
        assert_eq!(counts[0].code, "IDX002");
        assert_eq!(counts[0].count, 2);
        assert!(counts[0].fixable);
        assert!(!counts[1].fixable);
        let text = render_text(&counts);
        assert!(text.starts_with("2  IDX002  [*] "), "{text}");
        assert!(text.contains("\n1  IMP001  [ ] "), "{text}");
    }
}
