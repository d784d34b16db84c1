//! # NAM001: file-naming
//!
//! ## What it does
//! Flags an entity file (one that declares an `@Entity`, `@ChildEntity`, `@ViewEntity`
//! or `EntitySchema`) or a migration file (a class implementing `MigrationInterface`)
//! whose name is not kebab-case: every dot-separated part of the name must be lower-case
//! words joined by `-` (`user-profile.entity.ts`, `1700000000000-add-users.ts`).
//!
//! ## Why is this bad?
//! Mixed file naming (`UserProfile.entity.ts`, `user_profile.entity.ts`) makes files hard
//! to find, breaks on case-insensitive file systems when two spellings meet, and lets
//! globs such as `*.entity.ts` and generated paths drift apart.
//!
//! ## Example
//! ```text
//! src/legacy/LegacyVoucher.entity.ts
//! src/catalog/product_bundle.entity.ts
//! ```
//!
//! ## Fix
//! ```text
//! src/legacy/legacy-voucher.entity.ts
//! src/catalog/product-bundle.entity.ts
//! ```
//! One workspace edit renames the file and updates every import of it (`src/...` and
//! relative specifiers, re-exports, `import()`, `jest.mock()`). When an import names the
//! file in a way the fix cannot rewrite (a `paths` alias mapped to exactly that file), or
//! the new name is taken, no fix is offered.

use crate::finding::{Applicability, FileChange, Finding, Fix, Severity, TextEdit};
use crate::model::naming;
use crate::rules::{Ctx, RuleDef};
use crate::syntax::ImportFact;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const RULE: RuleDef = RuleDef {
    code: "NAM001",
    name: "file-naming",
    summary: "An entity or migration file whose name is not kebab-case.",
    default_severity: Severity::Info,
    check,
};

/// Extensions of the files this rule names (the last dot part).
const EXTENSIONS: &[&str] = &["ts", "mts", "cts", "tsx"];

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let Some(source) = ctx.file(file) else {
        return;
    };
    let what = if ctx.model.entities_in_file(file).next().is_some() {
        "Entity"
    } else if source.facts.has_migration() {
        "Migration"
    } else {
        return;
    };
    let Some(name) = source.path.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let Some(new_name) = kebab_file_name(name) else {
        return;
    };
    let message = format!("{what} file name `{name}` is not kebab-case: `{new_name}`");
    let mut finding = Finding::new(RULE.code, source.path.clone(), 0..0, message);
    let title = format!("Rename to `{new_name}`");
    if let Some(fix) = ctx.defer(title, Applicability::Safe, || {
        fix(ctx, &source.path, &new_name)
    }) {
        finding = finding.with_fix(fix);
    }
    out.push(finding);
}

/// The kebab-case spelling of a file name, or None when it already is kebab-case (or has
/// no TypeScript extension, or would become empty).
pub fn kebab_file_name(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    if !EXTENSIONS.contains(&ext) || stem.ends_with(".d") {
        return None;
    }
    let parts: Vec<&str> = stem.split('.').collect();
    if parts.iter().all(|p| is_kebab(p)) {
        return None;
    }
    let fixed: Vec<String> = parts.iter().map(|p| kebab(p)).collect();
    if fixed.iter().any(String::is_empty) {
        return None;
    }
    Some(format!("{}.{ext}", fixed.join(".")))
}

fn is_kebab(part: &str) -> bool {
    !part.is_empty()
        && part.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// `LegacyVoucher` -> `legacy-voucher`, `product_bundle` -> `product-bundle`.
fn kebab(part: &str) -> String {
    let snake = naming::snake_case(part);
    let mut out = String::with_capacity(snake.len());
    for c in snake.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn fix(ctx: &Ctx, from: &Path, new_name: &str) -> Option<Fix> {
    let to = from.with_file_name(new_name);
    if ctx.model.by_path.contains_key(&to) || to.exists() {
        return None;
    }
    let old_name = from.file_name()?.to_str()?;
    let mut by_file: BTreeMap<PathBuf, Vec<TextEdit>> = BTreeMap::new();
    let exists = |p: &Path| ctx.model.by_path.contains_key(p);
    for importer in &ctx.model.files {
        for import in &importer.facts.imports {
            if ctx
                .resolver
                .resolve(&importer.path, &import.specifier, &exists)
                .as_deref()
                != Some(from)
            {
                continue;
            }
            let edit = rewrite_specifier(&importer.text, import, old_name, new_name)?;
            by_file.entry(importer.path.clone()).or_default().push(edit);
        }
    }
    let mut changes: Vec<FileChange> = by_file
        .into_iter()
        .map(|(path, edits)| FileChange::Edit { path, edits })
        .collect();
    changes.push(FileChange::Rename {
        from: from.to_path_buf(),
        to,
    });
    Some(Fix::safe(format!("Rename to `{new_name}`"), changes))
}

/// The edit of a specifier's last segment that names the renamed file: the file name
/// without extension, with an ESM `.js`, or with its own extension.
fn rewrite_specifier(text: &str, import: &ImportFact, old: &str, new: &str) -> Option<TextEdit> {
    if text.get(import.specifier_span.clone()) != Some(import.specifier.as_str()) {
        return None;
    }
    let (old_stem, _) = old.rsplit_once('.')?;
    let (new_stem, _) = new.rsplit_once('.')?;
    let segment_at = import.specifier.rfind('/').map_or(0, |i| i + 1);
    let segment = import.specifier.get(segment_at..)?;
    let replacement = if segment == old_stem {
        new_stem.to_string()
    } else if segment == old {
        new.to_string()
    } else {
        let js_ext = segment.strip_prefix(old_stem)?.strip_prefix('.')?;
        if !matches!(js_ext, "js" | "mjs" | "cjs") {
            return None;
        }
        format!("{new_stem}.{js_ext}")
    };
    let start = import.specifier_span.start + segment_at;
    Some(TextEdit {
        span: start..import.specifier_span.end,
        new_text: replacement,
    })
}

#[cfg(test)]
mod tests {
    use super::kebab_file_name;
    use crate::finding::FileChange;
    use crate::rules::testing::*;
    use std::path::Path;

    const VOUCHER: &str = "import { Column, Entity } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class LegacyVoucher extends ManagedEntity {
  @Column()
  code: string;
}
";

    #[test]
    fn kebab_names() {
        assert_eq!(
            kebab_file_name("LegacyVoucher.entity.ts").as_deref(),
            Some("legacy-voucher.entity.ts")
        );
        assert_eq!(
            kebab_file_name("product_bundle.entity.ts").as_deref(),
            Some("product-bundle.entity.ts")
        );
        assert_eq!(
            kebab_file_name("1700000000000-AddUsers.ts").as_deref(),
            Some("1700000000000-add-users.ts")
        );
        assert_eq!(kebab_file_name("user-profile.entity.ts"), None);
        assert_eq!(kebab_file_name("1700000000000-add-users.ts"), None);
        assert_eq!(kebab_file_name("types.d.ts"), None);
    }

    #[test]
    fn flags_entity_and_migration_files_only() {
        let migration = "import { MigrationInterface, QueryRunner } from 'typeorm';
export class AddUsers1700000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {}
  async down(q: QueryRunner): Promise<void> {}
}
";
        let ws = workspace(&[
            ("src/legacy/LegacyVoucher.entity.ts", VOUCHER),
            ("src/migrations/1700000000000-AddUsers.ts", migration),
            ("src/legacy/LegacyHelpers.ts", "export const x = 1;\n"),
            (
                "src/legacy/legacy-coupon.entity.ts",
                &VOUCHER.replace("LegacyVoucher", "LegacyCoupon"),
            ),
        ]);
        let found = lines(&ws, "NAM001");
        let files: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            files,
            vec![
                "src/legacy/LegacyVoucher.entity.ts",
                "src/migrations/1700000000000-AddUsers.ts"
            ]
        );
        assert!(found.iter().all(|f| f.1 == 1));
    }

    #[test]
    fn fix_renames_and_updates_every_import() {
        let barrel = "export * from './LegacyVoucher.entity';\n";
        let service = "import { LegacyVoucher } from 'src/legacy/LegacyVoucher.entity';\njest.mock(\"../legacy/LegacyVoucher.entity.js\");\n";
        let ws = workspace(&[
            ("src/legacy/LegacyVoucher.entity.ts", VOUCHER),
            ("src/legacy/index.ts", barrel),
            ("src/vouchers/voucher.service.ts", service),
        ]);
        let found = findings(&ws, "NAM001");
        assert_eq!(found.len(), 1);
        let changes = &found[0].fixes[0].changes;
        let root = Path::new(ROOT);
        assert!(changes.contains(&FileChange::Rename {
            from: root.join("src/legacy/LegacyVoucher.entity.ts"),
            to: root.join("src/legacy/legacy-voucher.entity.ts"),
        }));
        let (barrel_fixed, _) = fixed(&ws, "NAM001", "src/legacy/index.ts");
        assert_eq!(barrel_fixed, "export * from './legacy-voucher.entity';\n");
        let (service_fixed, _) = fixed(&ws, "NAM001", "src/vouchers/voucher.service.ts");
        assert_eq!(
            service_fixed,
            "import { LegacyVoucher } from 'src/legacy/legacy-voucher.entity';\njest.mock(\"../legacy/legacy-voucher.entity.js\");\n"
        );
        assert_eq!(crate::fix::syntax_error_count(&service_fixed), 0);
    }

    #[test]
    fn no_fix_when_the_new_name_is_taken() {
        let ws = workspace(&[
            ("src/legacy/LegacyVoucher.entity.ts", VOUCHER),
            (
                "src/legacy/legacy-voucher.entity.ts",
                "export const taken = 1;\n",
            ),
        ]);
        let found = findings(&ws, "NAM001");
        assert_eq!(found.len(), 1);
        assert!(found[0].fixes.is_empty());
    }
}
