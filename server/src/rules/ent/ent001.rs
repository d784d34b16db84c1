//! # ENT001: entity-without-managed-base
//!
//! ## What it does
//! Flags an `@Entity` class that does not extend the managed base (`ManagedEntity` by
//! default, setting `baseClass`), neither directly nor through other classes of the
//! workspace (abstract bases, `@ChildEntity` parents). `@ViewEntity` classes and
//! `EntitySchema` objects are exempt.
//!
//! To stay silent where it cannot know, the rule does nothing when the workspace has no
//! managed base at all (the convention is not in use), and it does not flag an entity
//! whose chain ends in a class it cannot see other than TypeORM's `BaseEntity` (a base
//! from a package may well extend `ManagedEntity`).
//!
//! ## Why is this bad?
//! The managed base gives every table the same primary key, `created` / `updated`
//! timestamps and soft delete. An entity without it has none of them: its rows are
//! hard-deleted, never timestamped, and queries written for the convention (soft-delete
//! filters, audit reports) silently do the wrong thing on it.
//!
//! ## Example
//! ```ts
//! @Entity('api_keys')
//! export class ApiKey extends BaseEntity {
//!   @Column()
//!   name: string;
//! }
//! ```
//!
//! ## Fix
//! ```ts
//! import { ManagedEntity } from 'src/common/managed-entity';
//!
//! @Entity('api_keys')
//! export class ApiKey extends ManagedEntity {
//!   @Column()
//!   name: string;
//! }
//! ```
//! The fix adds `extends ManagedEntity` (or replaces `extends BaseEntity`) and imports
//! the base from the `src/...` specifier of the file that declares it. Replacing
//! `BaseEntity` drops its ActiveRecord methods unless the managed base extends
//! `BaseEntity` too: when the workspace calls static ActiveRecord methods on the class
//! (`ApiKey.findOneBy(...)`), that fix is only offered in the editor. An entity that
//! extends another workspace class gets no fix (changing its base would drop columns).
//! The new base adds columns: generate a migration afterwards.

use crate::finding::{Applicability, FileChange, Finding, Fix, Severity, TextEdit};
use crate::model::{ClassRef, Entity, EntityKind};
use crate::rules::{edits, Ctx, RuleDef};
use crate::syntax::ClassFact;

pub const RULE: RuleDef = RuleDef {
    code: "ENT001",
    name: "entity-without-managed-base",
    summary: "An @Entity class that does not extend the managed base (ManagedEntity).",
    default_severity: Severity::Error,
    check,
};

/// How far we follow `extends` names when looking for `BaseEntity` above the base.
const MAX_DEPTH: usize = 16;

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    if !convention_in_use(ctx) {
        return;
    }
    let path = ctx.path(file);
    for entity in ctx.model.entities_in_file(file) {
        if entity.kind != EntityKind::Table || reaches_managed_base(ctx, entity) {
            continue;
        }
        let Some(class_index) = entity.class else {
            continue;
        };
        let me = ClassRef {
            file,
            class: class_index,
        };
        if ctx.model.is_managed_base(me) || !chain_is_known(ctx, entity) {
            continue;
        }
        let message = format!(
            "Entity `{}` does not extend `{}`: it gets no shared key, timestamps or soft delete",
            entity.name, ctx.config.base_class
        );
        let mut finding = Finding::new(RULE.code, path.clone(), entity.name_span.clone(), message);
        if let Some(fix) = fix(ctx, file, class_index) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}

/// The convention applies when the managed base exists in the workspace, or some entity
/// extends it from a package.
fn convention_in_use(ctx: &Ctx) -> bool {
    !ctx.model.managed_bases.is_empty()
        || ctx
            .model
            .entities
            .iter()
            .any(|e| e.external_ancestor.as_deref() == Some(ctx.config.base_class.as_str()))
}

fn reaches_managed_base(ctx: &Ctx, entity: &Entity) -> bool {
    entity
        .ancestors
        .iter()
        .any(|a| ctx.model.is_managed_base(*a))
        || entity.external_ancestor.as_deref() == Some(ctx.config.base_class.as_str())
}

/// True when the whole chain is visible: it ends in no superclass, or in TypeORM's
/// `BaseEntity`. Any other unseen superclass might extend the managed base.
fn chain_is_known(ctx: &Ctx, entity: &Entity) -> bool {
    let Some(external) = entity.external_ancestor.as_deref() else {
        return true;
    };
    let last_file = entity.ancestors.last().map_or(entity.file, |a| a.file);
    ctx.file(last_file)
        .is_some_and(|f| imports_typeorm_base_entity(&f.facts, external))
}

/// `local` is `BaseEntity` imported from `typeorm` (possibly renamed).
fn imports_typeorm_base_entity(facts: &crate::syntax::FileFacts, local: &str) -> bool {
    facts.imports.iter().any(|i| {
        i.specifier == "typeorm"
            && i.names
                .iter()
                .any(|n| n.local == local && n.imported == "BaseEntity")
    })
}

fn fix(ctx: &Ctx, file: usize, class_index: usize) -> Option<Fix> {
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors {
        return None;
    }
    let class = source.facts.classes.get(class_index)?;
    let base = ctx.config.base_class.as_str();
    let replaces_base_entity = match &class.extends {
        None => false,
        Some(ext) if imports_typeorm_base_entity(&source.facts, &ext.name) => true,
        Some(_) => return None,
    };
    let risky = replaces_base_entity
        && !base_keeps_active_record(ctx)
        && uses_static_active_record(ctx, &class.name);
    let title = if risky {
        format!("Extend `{base}` (the static ActiveRecord calls on it need a repository then)")
    } else {
        format!("Extend `{base}`")
    };
    // Always editor only: the base brings columns (a schema change that needs a migration)
    // and soft delete (hard deletes of this entity become findings, queries start filtering
    // deleted rows), and it may clash with members the class declares itself.
    ctx.fix(title, Applicability::Unsafe, || {
        let heritage = match &class.extends {
            None => insert_extends(&source.text(), class, base)?,
            Some(ext) => TextEdit {
                span: ext.span.range(),
                new_text: base.to_string(),
            },
        };
        let mut text_edits = vec![heritage];
        if let Some(import) = base_import(ctx, file)? {
            text_edits.push(import);
        }
        Some(vec![FileChange::Edit {
            path: source.path.clone(),
            edits: text_edits,
        }])
    })
}

/// ` extends Base` right after the class name (and its type parameters, if any).
fn insert_extends(text: &str, class: &ClassFact, base: &str) -> Option<TextEdit> {
    let mut at = class.name_span.end();
    let rest = text.get(at..)?;
    if rest.starts_with('<') {
        at += matching_angle(rest)?;
    }
    Some(TextEdit {
        span: at..at,
        new_text: format!(" extends {base}"),
    })
}

/// The byte length of a `<...>` group at the start of `s` (nested groups included).
fn matching_angle(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            '{' | ';' => return None,
            _ => {}
        }
    }
    None
}

/// The import of the managed base into `file`: `Some(None)` when none is needed (same
/// file, or already bound), None when no specifier can be computed (no fix then).
fn base_import(ctx: &Ctx, file: usize) -> Option<Option<TextEdit>> {
    let source = ctx.file(file)?;
    let base = ctx.config.base_class.as_str();
    if source.facts.classes.iter().any(|c| c.name == base)
        || source
            .facts
            .imports
            .iter()
            .any(|i| i.names.iter().any(|n| n.local == base))
    {
        return Some(None);
    }
    let specifier = ctx.model.managed_bases.iter().find_map(|r| {
        let path = ctx.model.path(r.file);
        ctx.resolver.absolute_specifier(&path)
    })?;
    Some(edits::ensure_import(source, &specifier, base))
}

/// Whether the managed base itself (through its chain) extends TypeORM's `BaseEntity`,
/// so that swapping `BaseEntity` for it keeps the ActiveRecord methods.
fn base_keeps_active_record(ctx: &Ctx) -> bool {
    let Some(mut current) = ctx.model.managed_bases.first().copied() else {
        return false;
    };
    for _ in 0..MAX_DEPTH {
        let Some(ext) = ctx.model.class(current).and_then(|c| c.extends.as_ref()) else {
            return false;
        };
        let facts = ctx.file(current.file).map(|f| &f.facts);
        if facts.is_some_and(|f| imports_typeorm_base_entity(f, &ext.name)) {
            return true;
        }
        // the base its file imports (or declares), else the first of that name
        let next = ctx.model.class_from(current.file, &ext.name);
        match next.or_else(|| ctx.model.classes.named(&ext.name).first().copied()) {
            Some(next) => current = next,
            None => return false,
        }
    }
    false
}

/// Whether some file calls a static ActiveRecord method on the class (`ApiKey.find()`).
fn uses_static_active_record(ctx: &Ctx, class_name: &str) -> bool {
    let prefix = format!("{class_name}.");
    ctx.model
        .links
        .calls_on(class_name)
        .iter()
        .any(|&(file, call)| {
            ctx.file(file).is_some_and(|f| {
                f.facts.query_calls.get(call).is_some_and(|call| {
                    f.text()
                        .get(call.span.range())
                        .is_some_and(|t| t.starts_with(&prefix))
                })
            })
        })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    fn ent001(files: &[(&str, &str)]) -> Vec<(String, usize, String)> {
        lines(&workspace(files), "ENT001")
    }

    const OUTBOX: &str = "import { Column, Entity } from 'typeorm';

@Entity('outbox_events')
export class OutboxEvent {
  @Column()
  topic: string;
}
";

    #[test]
    fn flags_an_entity_without_a_base() {
        let found = ent001(&[("src/outbox/outbox.entity.ts", OUTBOX)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, 4);
        assert!(found[0].2.contains("OutboxEvent"));
    }

    #[test]
    fn accepts_bases_several_levels_deep_and_views() {
        let tenant = "import { ManagedEntity } from 'src/common/managed-entity';
export abstract class BaseModel extends ManagedEntity {}
export abstract class TenantModel extends BaseModel {}
";
        let order = "import { Entity, ViewEntity } from 'typeorm';
import { TenantModel } from 'src/common/tenant-model';

@Entity()
export class Order extends TenantModel {}

@ViewEntity({ expression: 'select 1' })
export class DailySales {}
";
        let found = ent001(&[
            ("src/common/tenant-model.ts", tenant),
            ("src/orders/order.entity.ts", order),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn flags_a_workspace_base_that_does_not_reach_managed_entity() {
        let stamped = "export abstract class Timestamped {}\n";
        let job = "import { Entity } from 'typeorm';
import { Timestamped } from 'src/imports/timestamped';

@Entity()
export class ImportJob extends Timestamped {}
";
        let ws = workspace(&[
            ("src/imports/timestamped.ts", stamped),
            ("src/imports/import-job.entity.ts", job),
        ]);
        let found = findings(&ws, "ENT001");
        assert_eq!(found.len(), 1);
        assert!(found[0].fixes.is_empty(), "no fix for a foreign base");
    }

    #[test]
    fn silent_for_unknown_package_bases_and_without_the_convention() {
        let entity = "import { Entity } from 'typeorm';
import { CoreEntity } from '@acme/core';

@Entity()
export class Thing extends CoreEntity {}
";
        assert!(ent001(&[("src/thing.entity.ts", entity)]).is_empty());
        let ws = workspace(&[
            (
                "src/common/managed-entity.ts",
                "export const nothing = 1;\n",
            ),
            ("src/outbox/outbox.entity.ts", OUTBOX),
        ]);
        assert!(lines(&ws, "ENT001").is_empty());
    }

    #[test]
    fn fix_adds_extends_and_the_import() {
        let files = [("src/outbox/outbox.entity.ts", OUTBOX)];
        let fixed = assert_fix_is_clean(&files, "ENT001", "src/outbox/outbox.entity.ts");
        assert_eq!(
            fixed,
            "import { Column, Entity } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity('outbox_events')
export class OutboxEvent extends ManagedEntity {
  @Column()
  topic: string;
}
"
        );
    }

    #[test]
    fn fix_replaces_base_entity_after_type_parameters_too() {
        let key = "import { BaseEntity, Entity } from \"typeorm\";

@Entity()
export class ApiKey extends BaseEntity {}
";
        let files = [("src/auth/api-key.entity.ts", key)];
        let fixed = assert_fix_is_clean(&files, "ENT001", "src/auth/api-key.entity.ts");
        assert_eq!(
            fixed,
            "import { BaseEntity, Entity } from \"typeorm\";
import { ManagedEntity } from \"src/common/managed-entity\";

@Entity()
export class ApiKey extends ManagedEntity {}
"
        );
        let generic =
            "import { Entity } from 'typeorm';\n@Entity()\nexport class Box<T extends object> {}\n";
        let files = [("src/box.entity.ts", generic)];
        let fixed = assert_fix_is_clean(&files, "ENT001", "src/box.entity.ts");
        assert!(fixed.contains("class Box<T extends object> extends ManagedEntity {}"));
    }

    #[test]
    fn base_entity_swap_is_unsafe_when_active_record_is_used() {
        let key = "import { BaseEntity, Entity } from 'typeorm';

@Entity()
export class ApiKey extends BaseEntity {}
";
        let service = "import { ApiKey } from 'src/auth/api-key.entity';
export class KeyService {
  find(id: string) {
    return ApiKey.findOneBy({ id });
  }
}
";
        let ws = workspace(&[
            ("src/auth/api-key.entity.ts", key),
            ("src/auth/key.service.ts", service),
        ]);
        assert!(!all_safe(&ws, "ENT001"));
        let ws = workspace(&[("src/auth/api-key.entity.ts", key)]);
        assert!(
            !all_safe(&ws, "ENT001"),
            "never safe: the base changes the table and brings soft delete"
        );
    }
}
