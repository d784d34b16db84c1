//! The one place the CLI asks findings for their fixes, so that `--fix`, `--diff`, the
//! fix summary and `--statistics` agree on what "fixable" means: a finding is fixable by
//! `--fix` when it has a safe fix; the first safe one is applied.

use crate::finding::{Applicability, Finding, Fix};
use crate::workspace::Workspace;
use std::path::Path;

/// The findings under `scope` that `--fix` fixes, with their fixes built (rules report
/// only fix titles; the edits are built on demand).
pub fn fixable_findings(ws: &Workspace, scope: &Path) -> Vec<Finding> {
    let mut findings: Vec<Finding> = ws
        .check_all()
        .into_iter()
        .filter(|f| f.path.starts_with(scope) && is_fixable(f))
        .collect();
    ws.build_fixes(&mut findings);
    findings
}

/// The fix `--fix` applies to `finding` (built by [`fixable_findings`]), if any.
pub fn safe_fix(finding: &Finding) -> Option<Fix> {
    finding
        .fixes
        .iter()
        .find(|fix| fix.applicability == Applicability::Safe && !fix.deferred)
        .cloned()
}

/// Whether `--fix` would fix `finding`.
pub fn is_fixable(finding: &Finding) -> bool {
    finding
        .fixes
        .iter()
        .any(|fix| fix.applicability == Applicability::Safe)
}

/// Whether `finding` has fixes, but only editor-only (unsafe) ones: `--fix` leaves it.
pub fn only_unsafe(finding: &Finding) -> bool {
    !finding.fixes.is_empty() && !is_fixable(finding)
}
