//! The one place the CLI asks findings for their fixes, so that `--fix`, `--diff`, the
//! fix summary and `--statistics` agree on what "fixable" means: a finding is fixable by
//! `--fix` when it has a safe fix; the first safe one is applied.

use crate::finding::{Applicability, Finding, Fix};
use crate::workspace::Workspace;

/// The fix `--fix` applies to `finding`, if any.
pub fn safe_fix(_ws: &Workspace, finding: &Finding) -> Option<Fix> {
    finding
        .fixes
        .iter()
        .find(|fix| fix.applicability == Applicability::Safe)
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
