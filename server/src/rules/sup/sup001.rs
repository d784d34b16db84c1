//! # SUP001: unused-suppression
//!
//! ## What it does
//! Flags a `// typeorm-lsp-ignore CODE: reason` comment, or one code of it, that silences
//! no finding on the next line. A code whose rule is turned off in the configuration is
//! not flagged (the comment may matter under another configuration).
//!
//! ## Why is this bad?
//! A stale suppression hides the next real problem on that line: when the code changes
//! and the finding comes back, nobody sees it. It also tells readers a problem exists
//! where there is none.
//!
//! ## Example
//! ```ts
//! // typeorm-lsp-ignore IDX002: lookup table with 12 rows
//! const rows = await this.countries.find();
//! ```
//! (the query is served by an index now, so IDX002 no longer fires on it)
//!
//! ## Fix
//! Remove the comment (offered, and applied by `--fix`, when it names a single code);
//! with several codes, remove the unused one by hand.

use crate::finding::Severity;
use crate::rules::RuleDef;

/// Reported by `rules::suppress::apply`, not by a check of its own.
pub const RULE: RuleDef = RuleDef {
    code: "SUP001",
    name: "unused-suppression",
    summary: "A suppression comment that silences no finding.",
    default_severity: Severity::Info,
    check: |_, _, _| {},
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const USED: &str = "// typeorm-lsp-ignore IMP001: generated file
import { a } from '../a';
";

    #[test]
    fn flags_a_comment_that_silences_nothing_and_removes_it() {
        let text = "// typeorm-lsp-ignore IMP001: generated file\nexport const b = 1;\n";
        let ws = workspace(&[("src/x/b.ts", text), ("src/a.ts", "export const a = 1;\n")]);
        let found = lines(&ws, "SUP001");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, 1);
        let (out, _) = fixed(&ws, "SUP001", "src/x/b.ts");
        assert_eq!(out, "export const b = 1;\n");
    }

    #[test]
    fn a_used_comment_is_not_flagged() {
        let ws = workspace(&[
            ("src/x/b.ts", USED),
            ("src/a.ts", "export const a = 1;\n"),
            // The workspace imports through `src/`, so IMP001 applies.
            ("src/c.ts", "import { a } from 'src/a';\n"),
        ]);
        assert!(lines(&ws, "SUP001").is_empty());
        assert!(lines(&ws, "IMP001").is_empty());
    }
}
