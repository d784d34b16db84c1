//! The rules: one module per rule under a folder per family, and the registry that runs
//! them, applies configured severities and suppression comments.
//!
//! Adding a rule: write `<family>/<code>.rs` with its `//!` doc (What it does / Why is
//! this bad / Example / Fix) and a `pub const RULE: RuleDef`, then list it in the family's
//! `RULES` (the [`REGISTRY`] concatenates the families).

#[cfg(test)]
mod binding_tests;
pub mod context;
pub mod data_source;
pub mod edits;
pub mod ent;
pub mod idx;
pub mod imp;
pub mod mig;
pub mod mutated;
pub mod nam;
pub mod rel;
pub mod sd;
pub mod sec;
pub mod sup;
mod suppress;
#[cfg(test)]
pub mod testing;
pub mod typ;

pub use context::Ctx;

use crate::finding::{Finding, Severity};

include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

/// Where the rule docs live in the repository (the LSP's `codeDescription` link).
pub const DOCS_BASE_URL: &str = "https://github.com/typeorm-lsp/typeorm-lsp/blob/main/docs/rules";

pub type CheckFn = fn(&Ctx, usize, &mut Vec<Finding>);

/// A rule: its stable code, a kebab-case name, a one-line summary, its default severity
/// and the function that checks one file.
#[derive(Clone, Copy)]
pub struct RuleDef {
    pub code: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
    pub default_severity: Severity,
    pub check: CheckFn,
}

impl std::fmt::Debug for RuleDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleDef").field("code", &self.code).finish()
    }
}

impl RuleDef {
    /// The rule's documentation (its module doc comment).
    pub fn doc(&self) -> &'static str {
        doc(self.code).unwrap_or(self.summary)
    }

    pub fn doc_url(&self) -> String {
        format!("{DOCS_BASE_URL}/{}.md", self.code)
    }
}

/// The markdown documentation of a rule code.
pub fn doc(code: &str) -> Option<&'static str> {
    RULE_DOCS
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, d)| *d)
}

/// Every rule, in catalogue order.
pub static REGISTRY: std::sync::LazyLock<Vec<RuleDef>> = std::sync::LazyLock::new(|| {
    let families: [&[RuleDef]; 10] = [
        idx::RULES,
        imp::RULES,
        ent::RULES,
        sd::RULES,
        rel::RULES,
        mig::RULES,
        nam::RULES,
        typ::RULES,
        sec::RULES,
        &[suppress::UNUSED, suppress::UNKNOWN],
    ];
    families.concat()
});

pub fn rule(code: &str) -> Option<&'static RuleDef> {
    REGISTRY.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

pub fn known_codes() -> Vec<&'static str> {
    REGISTRY.iter().map(|r| r.code).collect()
}

/// Runs every enabled rule on one file and applies severities and suppressions.
pub fn check_file(ctx: &Ctx, file: usize) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in REGISTRY.iter() {
        if suppress::is_meta(rule.code) {
            continue;
        }
        let Some(severity) = severity_of(ctx, rule) else {
            continue;
        };
        let start = findings.len();
        (rule.check)(ctx, file, &mut findings);
        for f in &mut findings[start..] {
            f.severity = severity;
        }
    }
    let mut findings = suppress::apply(ctx, file, findings);
    findings.sort_by(|a, b| {
        (a.span.start, a.code, &a.message).cmp(&(b.span.start, b.code, &b.message))
    });
    findings.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    for f in &mut findings {
        f.shrink_to_fit();
    }
    findings.shrink_to_fit();
    findings
}

/// Builds the deferred fixes of `findings` (found with fixes off): each rule that reported
/// one runs again on that file with fixes on, once per (file, rule), in parallel, and each
/// finding takes the fixes of the fresh finding with its span and message. A fix that
/// turns out impossible on building is dropped.
pub fn build_fixes(ctx: &Ctx, findings: &mut [Finding]) {
    use rayon::prelude::*;
    use std::collections::BTreeMap;
    let ctx = ctx.with_fixes();
    let mut groups: BTreeMap<(usize, &'static str), Vec<usize>> = BTreeMap::new();
    let mut orphans = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        if !f.has_deferred_fix() {
            continue;
        }
        match ctx.model.file_index(&f.path) {
            Some(file) => groups.entry((file, f.code)).or_default().push(i),
            None => orphans.push(i),
        }
    }
    for i in orphans {
        if let Some(f) = findings.get_mut(i) {
            f.fixes.retain(|x| !x.deferred);
        }
    }
    // A few hundred groups at a time: the fresh findings of all groups at once (their
    // fixes included, migrations' texts among them) were 100 MB at 20,000 files.
    let groups: Vec<_> = groups.into_iter().collect();
    for batch in groups.chunks(FIX_BATCH) {
        let fresh: Vec<(&Vec<usize>, Vec<Finding>)> = batch
            .par_iter()
            .map(|((file, code), indices)| {
                let mut out = Vec::new();
                if let Some(rule) = rule(code) {
                    (rule.check)(&ctx, *file, &mut out);
                }
                (indices, out)
            })
            .collect();
        for (indices, fresh) in fresh {
            for &i in indices {
                let Some(f) = findings.get_mut(i) else {
                    continue;
                };
                let same = fresh
                    .iter()
                    .find(|x| x.span == f.span && x.message == f.message)
                    .or_else(|| fresh.iter().find(|x| x.span == f.span));
                f.fixes = same.map(|x| x.fixes.clone()).unwrap_or_default();
            }
        }
    }
}

/// How many (file, rule) groups [`build_fixes`] re-checks before handing their fixes
/// over: enough to keep every thread busy, few enough that the fresh findings stay small.
const FIX_BATCH: usize = 256;

/// The configured severity, or None when the rule is off.
pub fn severity_of(ctx: &Ctx, rule: &RuleDef) -> Option<Severity> {
    match ctx.config.severity_override(rule.code) {
        Some(level) => level,
        None => Some(rule.default_severity),
    }
}
