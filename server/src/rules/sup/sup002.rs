//! # SUP002: unknown-suppression-code
//!
//! ## What it does
//! Flags a code in a `// typeorm-lsp-ignore CODE: reason` comment that is not a
//! typeorm-lsp rule (a typo such as `IDX02`, or another tool's code).
//!
//! ## Why is this bad?
//! The comment suppresses nothing, yet reads as if it did: the finding it was meant to
//! silence still shows, or the typo hides that it was never needed.
//!
//! ## Example
//! ```ts
//! // typeorm-lsp-ignore IDX02: lookup table with 12 rows
//! const rows = await this.countries.find();
//! ```
//!
//! ## Fix
//! Correct the code (`typeorm-lsp rule --all` lists them), or remove the comment
//! (offered when it names a single code).

use crate::finding::Severity;
use crate::rules::RuleDef;

/// Reported by `rules::suppress::apply`, not by a check of its own.
pub const RULE: RuleDef = RuleDef {
    code: "SUP002",
    name: "unknown-suppression-code",
    summary: "A suppression comment that names no rule.",
    default_severity: Severity::Info,
    check: |_, _, _| {},
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn flags_a_code_that_is_no_rule() {
        let text = "// typeorm-lsp-ignore IDX02: typo\nexport const b = 1;\n";
        let ws = workspace(&[("src/b.ts", text)]);
        let found = lines(&ws, "SUP002");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].2.contains("IDX02"), "{found:?}");
        assert!(lines(&ws, "SUP001").is_empty());
    }
}
