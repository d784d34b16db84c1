//! # IMP001: relative-import
//!
//! ## What it does
//! Flags a relative module specifier (`./x`, `../x`) whose target is a file under the
//! source root (`src/` by default), in every form a module is named: `import … from`,
//! `export … from`, `import x = require()`, `require()`, dynamic `import()`, and
//! `jest.mock()` (with its siblings `jest.requireActual`, `vi.mock`, …).
//!
//! Specifiers that resolve to no file of the workspace (packages, assets, missing files)
//! are left alone. The rule speaks only in a workspace that already uses the convention:
//! some import names a workspace file through the import prefix. A project that never
//! writes `src/...` imports (and may have no `baseUrl` that would resolve them) gets no
//! finding, rather than one for every relative import it has.
//!
//! ## Why is this bad?
//! The house convention is absolute imports with the `src/` prefix. Relative paths break
//! when a file moves, make the same module appear under many spellings (which defeats
//! search and `jest.mock`, which matches the specifier), and hide which module is meant.
//!
//! ## Example
//! ```ts
//! import { User } from '../users/user.entity';
//! jest.mock('./mailer.service');
//! ```
//!
//! ## Fix
//! ```ts
//! import { User } from 'src/users/user.entity';
//! jest.mock('src/notifications/mailer.service');
//! ```
//! The specifier is rewritten to the absolute specifier of the same file (no extension;
//! an ESM `.js` extension is kept). `source.fixAll` rewrites every one in the file, the
//! CLI's `--fix` every one in the workspace.

use crate::finding::{Finding, Severity, TextEdit};
use crate::resolve::Resolver;
use crate::rules::{Ctx, RuleDef};
use crate::syntax::ImportFact;
use std::path::Path;

pub const RULE: RuleDef = RuleDef {
    code: "IMP001",
    name: "relative-import",
    summary:
        "A relative import of a file under the source root; use the absolute `src/...` specifier.",
    default_severity: Severity::Warning,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let Some(source) = ctx.file(file) else {
        return;
    };
    // Projects that never import through the prefix follow another convention (and the
    // rewritten specifier might not even resolve there).
    if !ctx.model.links.uses_import_prefix() {
        return;
    }
    for import in &source.facts.imports {
        let Some(absolute) = absolute_specifier(ctx, file, import) else {
            continue;
        };
        let message = format!(
            "Relative import `{}`: import it as `{absolute}`",
            import.specifier
        );
        let fix = ctx.edit_fix(
            format!("Import from `{absolute}`"),
            || source.path.clone(),
            || {
                Some(vec![TextEdit {
                    span: import.specifier_span.range(),
                    new_text: absolute,
                }])
            },
        );
        let mut finding = Finding::new(
            RULE.code,
            source.path.clone(),
            import.specifier_span.range(),
            message,
        );
        finding.fixes.extend(fix);
        out.push(finding);
    }
}

/// The absolute specifier a relative import should use, when its target is a workspace
/// file under the source root; None for anything we should not touch.
pub fn absolute_specifier(ctx: &Ctx, file: usize, import: &ImportFact) -> Option<String> {
    if !Resolver::is_relative(&import.specifier) {
        return None;
    }
    let target = ctx.path(ctx.import_target(file, &import.specifier)?);
    if !ctx.resolver.in_source_root(&target) {
        return None;
    }
    let absolute = ctx.resolver.absolute_specifier(&target)?;
    Some(keep_esm_extension(&import.specifier, &target, absolute))
}

/// ESM projects name the emitted `.js` file (`./user.entity.js`); the rewrite must too,
/// or Node's ESM loader cannot find the module.
fn keep_esm_extension(original: &str, target: &Path, absolute: String) -> String {
    let target_ext = target.extension().and_then(|e| e.to_str()).unwrap_or("");
    let is_index_dir =
        target.file_stem().is_some_and(|s| s == "index") && !original.ends_with("/index.js");
    if original.ends_with(".js") && matches!(target_ext, "ts" | "tsx") && !is_index_dir {
        return format!("{absolute}.js");
    }
    // `allowImportingTsExtensions` projects name the source file itself.
    if original.ends_with(&format!(".{target_ext}")) && matches!(target_ext, "ts" | "tsx") {
        return format!("{absolute}.{target_ext}");
    }
    absolute
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const USER: &str = "export class User {}\n";
    /// A file that imports through the prefix: the workspace uses the convention.
    const CONVENTION: (&str, &str) = (
        "src/app.module.ts",
        "import { User } from 'src/users/user.entity';\n",
    );

    fn imp001(path: &str, text: &str) -> Vec<(String, usize, String)> {
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            ("src/users/index.ts", "export * from './user.entity';\n"),
            ("src/mail/mailer.service.ts", "export class Mailer {}\n"),
            ("src/mail/mailer.service.spec.ts", ""),
            CONVENTION,
            (path, text),
        ]);
        lines(&ws, "IMP001")
            .into_iter()
            .filter(|(p, _, _)| p == path)
            .collect()
    }

    #[test]
    fn flags_every_import_form() {
        let text = "import { User } from '../users/user.entity';
export { Mailer } from './mailer.service';
import mailer = require('./mailer.service');
const lazy = () => import('./mailer.service');
jest.mock('./mailer.service');
const req = require('../users');
";
        let found = imp001("src/mail/mail.module.ts", text);
        let lines: Vec<usize> = found.iter().map(|f| f.1).collect();
        assert_eq!(lines, vec![1, 2, 3, 4, 5, 6], "{found:?}");
        assert!(
            found[0].2.contains("`src/users/user.entity`"),
            "{}",
            found[0].2
        );
        assert!(found[5].2.contains("`src/users`"), "{}", found[5].2);
    }

    #[test]
    fn ignores_absolute_packages_and_unresolved_files() {
        let text = "import { User } from 'src/users/user.entity';
import { Injectable } from '@nestjs/common';
import data from './data.json';
import { Gone } from './gone';
";
        assert!(imp001("src/mail/mail.module.ts", text).is_empty());
    }

    #[test]
    fn a_nested_projects_own_prefixed_imports_do_not_set_the_convention() {
        // An end-to-end test package keeps its own tsconfig (`baseUrl: "."`) and imports
        // its own `src/...`; the main project only ever imports relatively, and has no
        // `baseUrl` that would resolve a rewritten `src/...` specifier. The tsconfig is
        // read from disk, so the workspace lives in a real folder.
        let files = [
            ("src/model/offer.ts", "export class Offer {}\n"),
            (
                "src/mappings/offers.ts",
                "import { Offer } from '../model/offer';\n",
            ),
            (
                "e2e/tsconfig.json",
                "{ \"compilerOptions\": { \"baseUrl\": \".\" } }\n",
            ),
            ("e2e/src/api.ts", "export class Api {}\n"),
            ("e2e/src/flows/buy.ts", "import { Api } from 'src/api';\n"),
        ];
        let (_dir, ws) = workspace_on_disk(&files);
        assert!(
            lines(&ws, "IMP001").is_empty(),
            "{:?}",
            lines(&ws, "IMP001")
        );
    }

    #[test]
    fn ignores_targets_outside_the_source_root() {
        let ws = workspace(&[
            ("scripts/seed.ts", "import { helper } from './helper';\n"),
            ("scripts/helper.ts", "export const helper = 1;\n"),
        ]);
        assert!(lines(&ws, "IMP001").is_empty());
    }

    #[test]
    fn fix_rewrites_each_specifier_in_place() {
        let text = "import { User } from \"../users/user.entity\";
export * from './mailer.service';
jest.mock('./mailer.service', () => ({}));
";
        let files = [
            ("src/users/user.entity.ts", USER),
            ("src/mail/mailer.service.ts", "export class Mailer {}\n"),
            ("src/mail/mail.spec.ts", text),
            CONVENTION,
        ];
        let fixed = assert_fix_is_clean(&files, "IMP001", "src/mail/mail.spec.ts");
        assert_eq!(
            fixed,
            "import { User } from \"src/users/user.entity\";
export * from 'src/mail/mailer.service';
jest.mock('src/mail/mailer.service', () => ({}));
"
        );
    }

    /// A React component: the imports after its JSX are read too (the TSX grammar), and
    /// the fixed file is judged with that grammar.
    #[test]
    fn fix_reaches_every_specifier_of_a_tsx_component() {
        let text = "import { User } from '../users/user.entity';
export const Card = ({ user }: { user: User }) => <div className=\"card\">{user.name}</div>;
const Mail = React.lazy(() => import('./mailer.service'));
export { Mailer } from './mailer.service';
";
        let files = [
            ("src/users/user.entity.ts", USER),
            ("src/mail/mailer.service.ts", "export class Mailer {}\n"),
            ("src/mail/Card.tsx", text),
            CONVENTION,
        ];
        let ws = workspace(&files);
        let found: Vec<usize> = lines(&ws, "IMP001").iter().map(|f| f.1).collect();
        assert_eq!(found, [1, 3, 4]);
        let fixed = assert_fix_is_clean(&files, "IMP001", "src/mail/Card.tsx");
        assert_eq!(
            fixed,
            "import { User } from 'src/users/user.entity';
export const Card = ({ user }: { user: User }) => <div className=\"card\">{user.name}</div>;
const Mail = React.lazy(() => import('src/mail/mailer.service'));
export { Mailer } from 'src/mail/mailer.service';
"
        );
    }

    #[test]
    fn keeps_the_esm_js_extension() {
        let files = [
            ("src/users/user.entity.ts", USER),
            (
                "src/a.ts",
                "import { User } from './users/user.entity.js';\n",
            ),
            CONVENTION,
        ];
        let fixed = assert_fix_is_clean(&files, "IMP001", "src/a.ts");
        assert_eq!(fixed, "import { User } from 'src/users/user.entity.js';\n");
    }

    #[test]
    fn keeps_a_written_ts_extension() {
        let files = [
            ("src/users/user.entity.ts", USER),
            (
                "src/a.ts",
                "import { User } from './users/user.entity.ts';\n",
            ),
            CONVENTION,
        ];
        let fixed = assert_fix_is_clean(&files, "IMP001", "src/a.ts");
        assert_eq!(fixed, "import { User } from 'src/users/user.entity.ts';\n");
    }

    #[test]
    fn silent_where_no_import_uses_the_prefix() {
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            (
                "src/app.module.ts",
                "import { User } from './users/user.entity';\n",
            ),
        ]);
        assert!(lines(&ws, "IMP001").is_empty());
    }
}
