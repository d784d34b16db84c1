//! # ENT002: redeclared-managed-column
//!
//! ## What it does
//! Flags a column that a class extending the managed base declares again although the
//! base already provides it (`id`, `created`, `updated`, `deleted`, or any other column of
//! the base). The intermediate bases between an entity and `ManagedEntity`
//! (`TenantModel extends ManagedEntity`) are checked too.
//!
//! ## Why is this bad?
//! The redeclaration silently replaces the base's column for this table: another key type,
//! a timestamp without time zone, or a `deleted` that is a plain `@Column` and turns off
//! TypeORM's soft-delete filtering. Readers assume the base's definition and are wrong.
//!
//! ## Example
//! ```ts
//! @Entity()
//! export class Invoice extends ManagedEntity {
//!   @CreateDateColumn({ type: 'timestamp' })
//!   created: Date;
//! }
//! ```
//!
//! ## Fix
//! ```ts
//! @Entity()
//! export class Invoice extends ManagedEntity {
//! }
//! ```
//! The property is removed with its decorators. When its decorator differs from the
//! base's (another type, name or options), removing it changes the schema: that fix is
//! offered in the editor only.

use crate::finding::{Applicability, FileChange, Finding, Fix, Severity, TextEdit};
use crate::model::ClassRef;
use crate::rules::{edits, Ctx, RuleDef};
use crate::syntax::{ClassFact, Decorator, PropertyFact};
use std::collections::HashSet;

pub const RULE: RuleDef = RuleDef {
    code: "ENT002",
    name: "redeclared-managed-column",
    summary: "An entity declares again a column its managed base provides.",
    default_severity: Severity::Warning,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let Some(source) = ctx.file(file) else {
        return;
    };
    let mut seen = HashSet::new();
    for (class_ref, base_ref) in subclasses_in_file(ctx, file) {
        let (Some(class), Some(base)) = (ctx.model.class(class_ref), ctx.model.class(base_ref))
        else {
            continue;
        };
        for prop in &class.properties {
            let Some(base_prop) = base_column(ctx, base, &prop.name) else {
                continue;
            };
            if column_decorator(ctx, prop).is_none() || !seen.insert(prop.name_span.start()) {
                continue;
            }
            let message = format!(
                "`{}.{}` redeclares the `{}` column that `{}` already provides",
                class.name, prop.name, prop.name, base.name
            );
            let mut finding = Finding::new(
                RULE.code,
                source.path.clone(),
                prop.name_span.range(),
                message,
            );
            if let Some(fix) = fix(ctx, file, prop, base_prop) {
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}

/// Classes of `file` that extend the managed base (entities and intermediate bases), each
/// with the managed base they reach.
fn subclasses_in_file(ctx: &Ctx, file: usize) -> Vec<(ClassRef, ClassRef)> {
    let mut out = Vec::new();
    for entity in ctx.model.entities_touching(file) {
        let Some(class) = entity.class else { continue };
        let me = ClassRef {
            file: entity.file,
            class,
        };
        let chain: Vec<ClassRef> = std::iter::once(me)
            .chain(entity.ancestors.iter().copied())
            .collect();
        let Some(pos) = chain.iter().position(|c| ctx.model.is_managed_base(*c)) else {
            continue;
        };
        let Some(base) = chain.get(pos).copied() else {
            continue;
        };
        for c in chain.iter().take(pos).filter(|c| c.file == file) {
            if !out.iter().any(|(x, _)| x == c) {
                out.push((*c, base));
            }
        }
    }
    out
}

/// The base's property of that name, if it is a column.
fn base_column<'a>(ctx: &Ctx, base: &'a ClassFact, name: &str) -> Option<&'a PropertyFact> {
    base.property(name)
        .filter(|p| !p.is_static && column_decorator(ctx, p).is_some())
}

fn column_decorator<'a>(ctx: &Ctx, prop: &'a PropertyFact) -> Option<&'a Decorator> {
    prop.decorators
        .iter()
        .find(|d| ctx.config.alias_target(&d.name).ends_with("Column"))
}

fn fix(ctx: &Ctx, file: usize, prop: &PropertyFact, base_prop: &PropertyFact) -> Option<Fix> {
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors {
        return None;
    }
    let base_text = decorators_text(ctx, base_prop);
    let same = base_text.is_some() && base_text == decorators_text_in(&source.text(), prop);
    let applicability = if same {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    let title = format!("Remove `{}` (the base provides it)", prop.name);
    ctx.fix(title, applicability, || {
        let span = removal_span(&source.text(), prop.span.range())?;
        Some(vec![FileChange::Edit {
            path: source.path.clone(),
            edits: vec![TextEdit {
                span,
                new_text: String::new(),
            }],
        }])
    })
}

/// The decorators of a base property, whitespace removed (to compare definitions).
fn decorators_text(ctx: &Ctx, prop: &PropertyFact) -> Option<String> {
    let file = ctx.model.managed_bases.iter().find_map(|r| {
        let class = ctx.model.class(*r)?;
        class
            .properties
            .iter()
            .any(|p| p == prop)
            .then(|| ctx.file(r.file))
            .flatten()
    })?;
    decorators_text_in(&file.text(), prop)
}

fn decorators_text_in(text: &str, prop: &PropertyFact) -> Option<String> {
    let mut all = String::new();
    for d in &prop.decorators {
        all.push_str(text.get(d.span.range())?);
    }
    Some(all.chars().filter(|c| !c.is_whitespace()).collect())
}

/// The whole lines of `span`, plus one blank line above when it would leave two blank
/// lines (or a blank line before the closing brace) behind.
fn removal_span(text: &str, span: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    let start = edits::line_start(text, span.start);
    let before = text.get(start..span.start)?;
    if !before.trim().is_empty() {
        return None;
    }
    let rest = text.get(span.end..)?;
    let eol = rest.find('\n')?;
    // The member's span may stop before its `;`; a trailing comment goes with it.
    let tail = rest.get(..eol)?.trim_start().trim_start_matches(';').trim();
    if !tail.is_empty() && !tail.starts_with("//") {
        return None;
    }
    let end = span.end + eol + 1;
    let next_end = text
        .get(end..)
        .map(|t| t.find('\n').map_or(text.len(), |i| end + i + 1))
        .unwrap_or(end);
    let next_line = text.get(end..next_end).unwrap_or("").trim();
    let prev_start = edits::line_start(text, start.saturating_sub(1));
    let prev_line = match start {
        0 => None,
        _ => text.get(prev_start..start).map(str::trim),
    };
    let prev_blank = prev_line.is_some_and(str::is_empty);
    let prev_opens = prev_line.is_some_and(|l| l.ends_with('{'));
    if next_line.is_empty() && end < text.len() && (prev_blank || prev_opens) {
        return Some(start..next_end);
    }
    if prev_blank && next_line.starts_with('}') {
        return Some(prev_start..end);
    }
    Some(start..end)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    fn invoice(member: &str) -> String {
        format!(
            "import {{ Column, CreateDateColumn, Entity, PrimaryGeneratedColumn }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';

@Entity('invoices')
export class Invoice extends ManagedEntity {{
  @Column()
  number: string;
{member}}}
"
        )
    }

    #[test]
    fn flags_a_redeclared_base_column() {
        let text = invoice("\n  @CreateDateColumn({ type: 'timestamp' })\n  created: Date;\n");
        let ws = workspace(&[("src/invoice.entity.ts", &text)]);
        let found = lines(&ws, "ENT002");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, 10);
        assert!(found[0].2.contains("Invoice.created"), "{}", found[0].2);
        // Another definition than the base's: the removal changes the schema.
        assert!(!all_safe(&ws, "ENT002"));
    }

    #[test]
    fn accepts_own_columns_and_undecorated_redeclarations() {
        let text = invoice("  declare id: string;\n");
        assert!(lines(&workspace(&[("src/invoice.entity.ts", &text)]), "ENT002").is_empty());
        let stand_alone = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Outbox {
  @PrimaryGeneratedColumn('uuid')
  id: string;
}
";
        assert!(lines(
            &workspace(&[("src/outbox.entity.ts", stand_alone)]),
            "ENT002"
        )
        .is_empty());
    }

    #[test]
    fn flags_intermediate_bases_once() {
        let tenant = "import { PrimaryGeneratedColumn } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
export abstract class TenantModel extends ManagedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;
}
";
        let a = "import { Entity } from 'typeorm';\nimport { TenantModel } from 'src/tenant';\n@Entity()\nexport class A extends TenantModel {}\n";
        let b = "import { Entity } from 'typeorm';\nimport { TenantModel } from 'src/tenant';\n@Entity()\nexport class B extends TenantModel {}\n";
        let ws = workspace(&[("src/tenant.ts", tenant), ("src/a.ts", a), ("src/b.ts", b)]);
        let found = lines(&ws, "ENT002");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "src/tenant.ts");
    }

    #[test]
    fn fix_removes_an_identical_redeclaration_safely() {
        let text = invoice("\n  @PrimaryGeneratedColumn('uuid')\n  id: string;\n");
        let files = [("src/invoice.entity.ts", text.as_str())];
        assert!(all_safe(&workspace(&files), "ENT002"));
        let fixed = assert_fix_is_clean(&files, "ENT002", "src/invoice.entity.ts");
        assert_eq!(fixed, invoice(""));
    }

    #[test]
    fn fix_keeps_neighbours_in_the_middle() {
        let text = "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class Tag extends ManagedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  label: string;
}
";
        let files = [("src/tag.entity.ts", text)];
        let fixed = assert_fix_is_clean(&files, "ENT002", "src/tag.entity.ts");
        assert_eq!(
            fixed,
            "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class Tag extends ManagedEntity {
  @Column()
  label: string;
}
"
        );
    }
}
