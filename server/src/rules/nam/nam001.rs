//! # NAM001: file-naming
//!
//! ## What it does
//! Flags an entity file (one that declares an `@Entity`, `@ChildEntity`, `@ViewEntity`
//! or `EntitySchema`) or a migration file (a class implementing `MigrationInterface`)
//! whose name does not follow the workspace's file-name style. The style is kebab-case
//! (`user-profile.entity.ts`, `1700000000000-add-users.ts`: every dot-separated part
//! lower-case words joined by `-`), unless 90% or more of the entity files (of at least
//! ten; all of them, from five) share another one (PascalCase, camelCase or snake_case:
//! then the first part of the name, after a migration timestamp, is checked), or
//! `typeorm-lsp.json` names one
//! (`"fileNaming": "PascalCase"`). Acronyms stay whole: `IoTFleet.ts` becomes
//! `iot-fleet.ts`, `HTTPServer.ts` `http-server.ts`.
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
//! One workspace edit renames the file and rewrites every specifier that names it, found
//! through the reverse import map: relative, `src/...`, tsconfig `baseUrl` and `paths`
//! forms, in `import`, `export ... from`, `import()`, `require()` and `jest.mock()`. Each
//! rewritten specifier is checked to resolve to the new name. When one cannot be
//! rewritten (a `paths` alias mapped to exactly that file), the new name is taken, or a
//! JavaScript, Vue or Svelte file (not parsed) names the module, no fix is offered. The fix is editor-only when the rename only changes letter case
//! (case-insensitive file systems) or `include` / `exclude` leave files unchecked (their
//! imports are not seen).

use crate::config::FileNaming;
use crate::file_naming;
use crate::finding::{Applicability, FileChange, Finding, Fix, Severity, TextEdit};
use crate::rules::{Ctx, RuleDef};
use crate::syntax::ImportFact;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const RULE: RuleDef = RuleDef {
    code: "NAM001",
    name: "file-naming",
    summary:
        "An entity or migration file whose name does not follow the workspace's file-name style.",
    default_severity: Severity::Info,
    check,
};

/// The style names are checked against: the configured one, else the one the entity
/// files share (kebab-case by default).
pub fn workspace_style(ctx: &Ctx) -> FileNaming {
    ctx.config
        .file_naming
        .unwrap_or_else(|| ctx.model.links.entity_file_names.dominant())
}

fn is_test_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".test.", ".spec.", ".e2e-spec.", ".e2e."]
        .iter()
        .any(|marker| lower.contains(marker))
}

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
    // A test that declares its entities inline (`issue-1510.test.ts`) is named by the
    // test runner's convention, not the entity files'.
    if is_test_file_name(name) {
        return;
    }
    let style = match what {
        // Migrations are judged among themselves: TypeORM's generator names them
        // `<timestamp>-PascalName.ts`, whatever the entity files look like; many
        // migrations in mixed styles have no convention to keep.
        "Migration" => match ctx.config.file_naming {
            Some(style) => style,
            None => match ctx.model.links.migration_file_names.migration_style() {
                Some(style) => style,
                None => return,
            },
        },
        _ => workspace_style(ctx),
    };
    let Some(new_name) = file_naming::rename(style, name) else {
        return;
    };
    let message = format!(
        "{what} file name `{name}` is not {}: `{new_name}`",
        style.label()
    );
    let mut finding = Finding::new(RULE.code, source.path.clone(), 0..0, message);
    if let Some(fix) = fix(ctx, file, name, &new_name) {
        finding = finding.with_fix(fix);
    }
    out.push(finding);
}

/// The kebab-case spelling of a file name, or None when it already is kebab-case (or has
/// no TypeScript extension, or would become empty).
pub fn kebab_file_name(name: &str) -> Option<String> {
    file_naming::rename(FileNaming::KebabCase, name)
}

/// The rename: offered when the new name is free and every specifier naming the file
/// can be rewritten (checked cheaply here; the edits are built on demand).
fn fix(ctx: &Ctx, file: usize, old_name: &str, new_name: &str) -> Option<Fix> {
    let from = ctx.file(file)?.path.as_path();
    let to = from.with_file_name(new_name);
    if ctx.model.by_path.contains_key(&to) {
        return None;
    }
    let importers = ctx.model.links.importers(file);
    let rewritable = importers.iter().all(|site| {
        ctx.file(site.file)
            .and_then(|f| f.facts.imports.get(site.import))
            .is_some_and(|i| new_segment(&i.specifier, old_name, new_name).is_some())
    });
    if !rewritable {
        return None;
    }
    let case_only = old_name.eq_ignore_ascii_case(new_name);
    let partial_view = !ctx.config.include.is_empty() || !ctx.config.exclude.is_empty();
    let applicability = if case_only || partial_view {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let title = format!("Rename to `{new_name}`");
    ctx.fix(title, applicability, || {
        rename_changes(ctx, file, from, &to, old_name, new_name)
    })
}

/// The edits of every importer plus the rename; None when a specifier cannot be
/// rewritten to one that resolves to the new file, the new name exists on disk, or a
/// script file this tool does not parse names the module.
fn rename_changes(
    ctx: &Ctx,
    file: usize,
    from: &Path,
    to: &Path,
    old_name: &str,
    new_name: &str,
) -> Option<Vec<FileChange>> {
    if to.exists() && !old_name.eq_ignore_ascii_case(new_name) {
        return None;
    }
    let (old_stem, _) = old_name.rsplit_once('.')?;
    if super::script_importers::name_module(ctx.root, ctx.config, old_stem) {
        return None;
    }
    // The file set after the rename, to check each new specifier against.
    let exists_after = |p: &Path| p == to || (p != from && ctx.model.by_path.contains_key(p));
    let mut by_file: BTreeMap<PathBuf, Vec<TextEdit>> = BTreeMap::new();
    for site in ctx.model.links.importers(file) {
        let importer = ctx.file(site.file)?;
        let import = importer.facts.imports.get(site.import)?;
        let edit = rewrite_specifier(&importer.text(), import, old_name, new_name)?;
        let new_specifier = format!(
            "{}{}",
            import
                .specifier
                .get(..edit.span.start - import.specifier_span.start())?,
            edit.new_text
        );
        let lands = ctx
            .resolver
            .resolve(&importer.path, &new_specifier, &exists_after);
        if lands.as_deref() != Some(to) {
            return None;
        }
        by_file.entry(importer.path.clone()).or_default().push(edit);
    }
    let mut changes: Vec<FileChange> = by_file
        .into_iter()
        .map(|(path, edits)| FileChange::Edit { path, edits })
        .collect();
    changes.push(FileChange::Rename {
        from: from.to_path_buf(),
        to: to.to_path_buf(),
    });
    Some(changes)
}

/// The new last segment of a specifier whose last segment names the renamed file: the
/// file name without extension, with an ESM `.js` / `.mjs` / `.cjs`, or with its own
/// extension. Returns (offset of the segment in the specifier, new segment).
fn new_segment(specifier: &str, old: &str, new: &str) -> Option<(usize, String)> {
    let (old_stem, _) = old.rsplit_once('.')?;
    let (new_stem, _) = new.rsplit_once('.')?;
    let segment_at = specifier.rfind('/').map_or(0, |i| i + 1);
    let segment = specifier.get(segment_at..)?;
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
    Some((segment_at, replacement))
}

/// The edit of the specifier's last segment (see [`new_segment`]).
fn rewrite_specifier(text: &str, import: &ImportFact, old: &str, new: &str) -> Option<TextEdit> {
    if text.get(import.specifier_span.range()) != Some(import.specifier.as_str()) {
        return None;
    }
    let (segment_at, replacement) = new_segment(&import.specifier, old, new)?;
    let start = import.specifier_span.start() + segment_at;
    Some(TextEdit {
        span: start..import.specifier_span.end(),
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
            (
                "src/migrations/1700000000001-add-posts.ts",
                &migration.replace("AddUsers", "AddPosts"),
            ),
            (
                "src/migrations/1700000000002-add-tags.ts",
                &migration.replace("AddUsers", "AddTags"),
            ),
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
    fn migrations_are_judged_by_the_style_most_of_them_share() {
        let migration = |class: &str| {
            format!(
                "import {{ MigrationInterface, QueryRunner }} from 'typeorm';
export class {class}1700000000000 implements MigrationInterface {{
  async up(q: QueryRunner): Promise<void> {{}}
  async down(q: QueryRunner): Promise<void> {{}}
}}
"
            )
        };
        // TypeORM's generator writes `<timestamp>-PascalName.ts`; entity files are kebab.
        let ws = workspace(&[
            ("src/users/user-profile.entity.ts", &entity("UserProfile")),
            (
                "src/migrations/1700000000000-AddUsers.ts",
                &migration("AddUsers"),
            ),
            (
                "src/migrations/1700000000001-AddPosts.ts",
                &migration("AddPosts"),
            ),
            (
                "src/migrations/1700000000002-add_tags.ts",
                &migration("AddTags"),
            ),
        ]);
        let found = lines(&ws, "NAM001");
        let files: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(files, vec!["src/migrations/1700000000002-add_tags.ts"]);
        assert!(found[0].2.contains("PascalCase"), "{}", found[0].2);
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
        assert_eq!(
            crate::fix::syntax_error_count(std::path::Path::new("a.ts"), &service_fixed),
            0
        );
    }

    /// A React component that imports the entity, before and after its JSX: the rename
    /// rewrites both specifiers.
    #[test]
    fn fix_updates_the_imports_of_a_tsx_component() {
        let component = "import { LegacyVoucher } from 'src/legacy/LegacyVoucher.entity';
export const Voucher = ({ v }: { v: LegacyVoucher }) => <span title={v.code}>{v.code}</span>;
const Lazy = React.lazy(() => import('../legacy/LegacyVoucher.entity'));
";
        let ws = workspace(&[
            ("src/legacy/LegacyVoucher.entity.ts", VOUCHER),
            ("src/vouchers/Voucher.tsx", component),
        ]);
        assert_eq!(findings(&ws, "NAM001").len(), 1);
        let (fixed_component, _) = fixed(&ws, "NAM001", "src/vouchers/Voucher.tsx");
        assert_eq!(
            fixed_component,
            "import { LegacyVoucher } from 'src/legacy/legacy-voucher.entity';
export const Voucher = ({ v }: { v: LegacyVoucher }) => <span title={v.code}>{v.code}</span>;
const Lazy = React.lazy(() => import('../legacy/legacy-voucher.entity'));
"
        );
        let path = std::path::Path::new("src/vouchers/Voucher.tsx");
        assert_eq!(crate::fix::syntax_error_count(path, &fixed_component), 0);
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

    fn entity(class: &str) -> String {
        VOUCHER.replace("LegacyVoucher", class)
    }

    fn built(ws: &crate::workspace::Workspace) -> Vec<crate::finding::Finding> {
        let mut found: Vec<_> = ws
            .check_all()
            .into_iter()
            .filter(|f| f.code == "NAM001")
            .collect();
        ws.build_fixes(&mut found);
        found
    }

    fn edited(changes: &[FileChange], path: &Path, text: &str) -> String {
        let edits: Vec<_> = changes
            .iter()
            .filter_map(|c| match c {
                FileChange::Edit { path: p, edits } if p == path => Some(edits.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        crate::fix::apply_edits(text, &edits).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn no_fix_when_a_javascript_file_imports_the_module() {
        let (_dir, ws) = workspace_on_disk(&[
            (
                "src/models/saved_connection.entity.ts",
                &entity("SavedConnection"),
            ),
            (
                "src/renderer/list.js",
                "const { SavedConnection } = require('../models/saved_connection.entity');\n",
            ),
        ]);
        let found = built(&ws);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].fixes.is_empty(), "{:?}", found[0].fixes);
        // Without the script file the same rename is offered.
        let (_dir, ws) = workspace_on_disk(&[(
            "src/models/saved_connection.entity.ts",
            &entity("SavedConnection"),
        )]);
        let found = built(&ws);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].fixes.len(), 1, "{:?}", found[0].fixes);
    }

    #[test]
    fn fix_rewrites_base_url_and_paths_specifiers() {
        let tsconfig = r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@legacy/*": ["src/legacy/*"] } } }"#;
        let service = "import { LegacyVoucher } from '@legacy/LegacyVoucher.entity';
import X from 'src/legacy/LegacyVoucher.entity';
export { LegacyVoucher as V } from '../legacy/LegacyVoucher.entity';
const lazy = () => import('@legacy/LegacyVoucher.entity');
";
        let (dir, ws) = workspace_on_disk(&[
            ("tsconfig.json", tsconfig),
            ("src/legacy/LegacyVoucher.entity.ts", VOUCHER),
            ("src/vouchers/voucher.service.ts", service),
        ]);
        let found = built(&ws);
        assert_eq!(found.len(), 1);
        let fix = &found[0].fixes[0];
        assert_eq!(fix.applicability, crate::finding::Applicability::Safe);
        let path = dir.path().join("src/vouchers/voucher.service.ts");
        assert_eq!(
            edited(&fix.changes, &path, service),
            service.replace("LegacyVoucher.entity", "legacy-voucher.entity")
        );
    }

    #[test]
    fn no_fix_when_an_alias_names_the_file_itself() {
        let tsconfig = r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@voucher": ["src/legacy/LegacyVoucher.entity.ts"] } } }"#;
        let (_dir, ws) = workspace_on_disk(&[
            ("tsconfig.json", tsconfig),
            ("src/legacy/LegacyVoucher.entity.ts", VOUCHER),
            ("src/a.ts", "import { LegacyVoucher } from '@voucher';\n"),
        ]);
        let found = built(&ws);
        assert_eq!(found.len(), 1);
        assert!(found[0].fixes.is_empty(), "{:?}", found[0].fixes);
    }

    #[test]
    fn a_pascal_case_workspace_keeps_pascal_case() {
        let mut owned: Vec<(String, String)> = (0..10)
            .map(|i| {
                (
                    format!("src/things/Thing{i}.entity.ts"),
                    entity(&format!("Thing{i}")),
                )
            })
            .collect();
        owned.push(("src/things/odd-one.entity.ts".into(), entity("OddOne")));
        let files: Vec<(&str, &str)> = owned
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let ws = workspace(&files);
        let found = lines(&ws, "NAM001");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "src/things/odd-one.entity.ts");
        assert!(found[0].2.contains("is not PascalCase: `OddOne.entity.ts`"));

        let config = crate::config::Config {
            file_naming: Some(crate::config::FileNaming::KebabCase),
            ..crate::config::Config::default()
        };
        let ws = workspace_with(&files, config);
        assert_eq!(lines(&ws, "NAM001").len(), 10, "the configured style wins");
    }

    #[test]
    fn a_test_declaring_its_entities_inline_keeps_its_test_name() {
        let ws = workspace(&[
            ("test/issues/issue-42.test.ts", &entity("Ticket")),
            ("test/issues/Ticket_Old.ts", &entity("TicketOld")),
        ]);
        let found = lines(&ws, "NAM001");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "test/issues/Ticket_Old.ts");
    }

    #[test]
    fn acronyms_stay_whole_in_the_new_name() {
        let ws = workspace(&[("src/iot/IoTFleet.ts", &entity("IoTFleet"))]);
        let found = lines(&ws, "NAM001");
        assert_eq!(found.len(), 1);
        assert!(found[0].2.ends_with("`iot-fleet.ts`"), "{}", found[0].2);
    }
}
