//! # ENT003: broken-managed-base
//!
//! ## What it does
//! Checks the managed base class itself (`ManagedEntity`, setting `baseClass`): each of its
//! four columns (setting `baseColumns`) must exist with the right decorator — `id` a
//! primary column, `created` a `@CreateDateColumn`, `updated` an `@UpdateDateColumn`,
//! `deleted` a `@DeleteDateColumn` — and the base must not be an `@Entity`. Members
//! inherited from a class above the base count; when the base extends a class the rule
//! cannot see, missing members are not reported.
//!
//! ## Why is this bad?
//! Every entity inherits these columns, so one mistake here is a mistake in every table.
//! A `deleted` that is a plain `@Column` turns off TypeORM's automatic soft-delete
//! filtering everywhere: every `find` returns deleted rows. A `created` that is a plain
//! `@Column` is never filled. A base marked `@Entity` gets a table of its own.
//!
//! ## Example
//! ```ts
//! export abstract class ManagedEntity {
//!   @PrimaryGeneratedColumn('uuid')
//!   id: string;
//!
//!   @Column({ type: 'timestamptz', nullable: true })
//!   deleted: Date | null;
//! }
//! ```
//!
//! ## Fix
//! ```ts
//! export abstract class ManagedEntity {
//!   @PrimaryGeneratedColumn('uuid')
//!   id: string;
//!
//!   @DeleteDateColumn({ type: 'timestamptz', nullable: true })
//!   deleted: Date | null;
//!
//!   @CreateDateColumn()
//!   created: Date;
//!
//!   @UpdateDateColumn()
//!   updated: Date;
//! }
//! ```
//! The wrong decorator is replaced (its options kept), a missing member is inserted at
//! the end of the class, an `@Entity` decorator is removed; the `typeorm` import is
//! extended. Columns change: generate a migration afterwards.

use crate::finding::{Finding, Fix, Severity, TextEdit};
use crate::model::ClassRef;
use crate::rules::{edits, Ctx, RuleDef};
use crate::syntax::{ClassFact, Decorator, PropertyFact, TypeKind};

pub const RULE: RuleDef = RuleDef {
    code: "ENT003",
    name: "broken-managed-base",
    summary: "The managed base class lacks a member or uses the wrong decorator for it.",
    default_severity: Severity::Error,
    check,
};

/// How far we follow `extends` above the base looking for inherited members.
const MAX_DEPTH: usize = 16;

/// One of the four managed columns: its role, the decorators that are right for it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Id,
    Created,
    Updated,
    Deleted,
}

impl Role {
    const ALL: [Role; 4] = [Role::Id, Role::Created, Role::Updated, Role::Deleted];

    fn property<'c>(self, ctx: &'c Ctx) -> &'c str {
        let cols = &ctx.config.base_columns;
        match self {
            Role::Id => &cols.id,
            Role::Created => &cols.created,
            Role::Updated => &cols.updated,
            Role::Deleted => &cols.deleted,
        }
    }

    fn accepts(self, decorator: &str) -> bool {
        match self {
            Role::Id => matches!(
                decorator,
                "PrimaryColumn" | "PrimaryGeneratedColumn" | "ObjectIdColumn"
            ),
            _ => decorator == self.decorator(),
        }
    }

    /// The decorator a fix writes.
    fn decorator(self) -> &'static str {
        match self {
            Role::Id => "PrimaryGeneratedColumn",
            Role::Created => "CreateDateColumn",
            Role::Updated => "UpdateDateColumn",
            Role::Deleted => "DeleteDateColumn",
        }
    }

    /// The member a fix inserts when it is missing (decorator line, declaration line).
    fn member(self, name: &str) -> (String, String) {
        match self {
            Role::Id => (
                "@PrimaryGeneratedColumn('uuid')".into(),
                format!("{name}: string;"),
            ),
            Role::Created => ("@CreateDateColumn()".into(), format!("{name}: Date;")),
            Role::Updated => ("@UpdateDateColumn()".into(), format!("{name}: Date;")),
            Role::Deleted => (
                "@DeleteDateColumn({ nullable: true })".into(),
                format!("{name}: Date | null;"),
            ),
        }
    }
}

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    for base in ctx.model.managed_bases.iter().filter(|b| b.file == file) {
        check_base(ctx, *base, out);
    }
}

fn check_base(ctx: &Ctx, base: ClassRef, out: &mut Vec<Finding>) {
    let (Some(source), Some(class)) = (ctx.file(base.file), ctx.model.class(base)) else {
        return;
    };
    let path = source.path.clone();
    if let Some(entity) = class
        .decorators
        .iter()
        .find(|d| ctx.config.alias_target(&d.name) == "Entity")
    {
        let message = format!(
            "The managed base `{}` is marked @Entity: it gets a table of its own",
            class.name
        );
        let mut finding = Finding::new(RULE.code, path.clone(), class.name_span.range(), message);
        if let Some(fix) = remove_decorator(ctx, base.file, entity) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
    let (inherited, chain_known) = inherited_properties(ctx, base);
    for role in Role::ALL {
        let name = role.property(ctx);
        match class.property(name) {
            Some(prop) => check_member(ctx, base.file, role, prop, out),
            None if chain_known && !inherited.iter().any(|p| p == name) => {
                let message = format!(
                    "The managed base `{}` has no `{name}` column (expected @{})",
                    class.name,
                    role.decorator()
                );
                let mut finding =
                    Finding::new(RULE.code, path.clone(), class.name_span.range(), message);
                if let Some(fix) = insert_member(ctx, base.file, class, role) {
                    finding = finding.with_fix(fix);
                }
                out.push(finding);
            }
            None => {}
        }
    }
}

/// Property names declared above the base, and whether the whole chain was visible.
fn inherited_properties(ctx: &Ctx, base: ClassRef) -> (Vec<String>, bool) {
    let mut names = Vec::new();
    let mut current = base;
    for _ in 0..MAX_DEPTH {
        let Some(ext) = ctx.model.class(current).and_then(|c| c.extends.as_ref()) else {
            return (names, true);
        };
        // the base its file imports (or declares), else the first of that name
        let next = ctx.model.class_from(current.file, &ext.name);
        let Some(next) = next.or_else(|| ctx.model.classes.named(&ext.name).first().copied())
        else {
            // TypeORM's BaseEntity declares no columns; anything else is unknown.
            return (names, ext.name == "BaseEntity");
        };
        if let Some(c) = ctx.model.class(next) {
            names.extend(c.properties.iter().map(|p| p.name.to_string()));
        }
        current = next;
    }
    (names, false)
}

fn check_member(ctx: &Ctx, file: usize, role: Role, prop: &PropertyFact, out: &mut Vec<Finding>) {
    let canon: Vec<&str> = prop
        .decorators
        .iter()
        .map(|d| ctx.config.alias_target(&d.name))
        .collect();
    if canon.iter().any(|d| role.accepts(d)) {
        return;
    }
    let column = prop
        .decorators
        .iter()
        .find(|d| ctx.config.alias_target(&d.name).ends_with("Column"));
    let written = column.map_or("no column decorator".to_string(), |d| {
        format!("@{}", d.name)
    });
    let mut message = format!(
        "`{}` of the managed base must be @{}, not {written}",
        prop.name,
        role.decorator()
    );
    if role == Role::Deleted {
        message.push_str(": soft-deleted rows are no longer filtered anywhere");
    }
    let mut finding = Finding::new(RULE.code, ctx.path(file), prop.name_span.range(), message);
    if let Some(fix) = replace_decorator(ctx, file, role, prop, column) {
        finding = finding.with_fix(fix);
    }
    out.push(finding);
}

/// Rewrites the wrong column decorator (or adds the right one above a bare property).
fn replace_decorator(
    ctx: &Ctx,
    file: usize,
    role: Role,
    prop: &PropertyFact,
    column: Option<&Decorator>,
) -> Option<Fix> {
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors {
        return None;
    }
    let name = match column {
        Some(d) if role == Role::Id && d.args.is_empty() => "PrimaryGeneratedColumn",
        Some(_) if role == Role::Id => "PrimaryColumn",
        _ => role.decorator(),
    };
    let title = format!("Make `{}` a @{name}", prop.name);
    ctx.edit_fix(
        title,
        || source.path.clone(),
        || {
            let (edit, name) = match column {
                None => {
                    let (decorator, _) = role.member(&prop.name);
                    let line =
                        edits::insert_line_above(&source.text(), prop.span.start(), &decorator);
                    (line, role.decorator())
                }
                Some(d) => rewrite(&source.text(), role, prop, d)?,
            };
            let mut text_edits = vec![edit];
            text_edits.extend(edits::ensure_import(source, "typeorm", name));
            Some(text_edits)
        },
    )
}

/// The edit turning decorator `d` into the one `role` needs, keeping its options where
/// the new decorator accepts them; and the decorator name used.
fn rewrite(
    text: &str,
    role: Role,
    prop: &PropertyFact,
    d: &Decorator,
) -> Option<(TextEdit, &'static str)> {
    let rename = |name: &'static str| {
        Some((
            TextEdit {
                span: d.name_span.range(),
                new_text: name.to_string(),
            },
            name,
        ))
    };
    let replace = |name: &'static str, args: &str| {
        Some((
            TextEdit {
                span: d.span.range(),
                new_text: format!("@{name}({args})"),
            },
            name,
        ))
    };
    let objects_only = d.args.iter().all(|a| a.value.as_object().is_some());
    match role {
        Role::Id if d.args.is_empty() => {
            let numeric = prop
                .type_ann
                .as_ref()
                .is_some_and(|t| t.kind == TypeKind::Keyword("number".into()));
            replace(
                "PrimaryGeneratedColumn",
                if numeric { "" } else { "'uuid'" },
            )
        }
        // `PrimaryColumn` takes the same (type, options) arguments as `Column`.
        Role::Id => rename("PrimaryColumn"),
        _ if objects_only => rename(role.decorator()),
        _ => match &d.args[..] {
            [only] => {
                let ty = only.value.as_str()?;
                let quote = text.get(only.span.start()..only.span.start() + 1)?;
                replace(role.decorator(), &format!("{{ type: {quote}{ty}{quote} }}"))
            }
            _ => None,
        },
    }
}

/// Inserts a missing member before the closing brace of the class.
fn insert_member(ctx: &Ctx, file: usize, class: &ClassFact, role: Role) -> Option<Fix> {
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors {
        return None;
    }
    let title = format!("Add the `{}` column", role.property(ctx));
    ctx.edit_fix(
        title,
        || source.path.clone(),
        || {
            let text = &source.text();
            let close = class.body_span.end().checked_sub(1)?;
            if text.get(close..close + 1) != Some("}") {
                return None;
            }
            let line_start = edits::line_start(text, close);
            if !text.get(line_start..close)?.trim().is_empty() {
                return None;
            }
            let indent = class
                .properties
                .first()
                .map(|p| edits::indentation_at(text, p.span.start()).to_string())
                .unwrap_or_else(|| format!("{}  ", edits::indentation_at(text, close)));
            let eol = edits::line_ending(text);
            let (decorator, declaration) = role.member(role.property(ctx));
            let blank = if class.properties.is_empty() && class.methods.is_empty() {
                ""
            } else {
                eol
            };
            let member = format!("{blank}{indent}{decorator}{eol}{indent}{declaration}{eol}");
            let mut text_edits = vec![TextEdit {
                span: line_start..line_start,
                new_text: member,
            }];
            text_edits.extend(edits::ensure_import(source, "typeorm", role.decorator()));
            Some(text_edits)
        },
    )
}

/// Removes a decorator (its whole line when it stands alone on it).
fn remove_decorator(ctx: &Ctx, file: usize, d: &Decorator) -> Option<Fix> {
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors {
        return None;
    }
    ctx.edit_fix(
        "Remove @Entity from the managed base",
        || source.path.clone(),
        || {
            let text = &source.text();
            let start = edits::line_start(text, d.span.start());
            let rest = text.get(d.span.end()..)?;
            let eol = rest.find('\n').unwrap_or(rest.len());
            let alone = text.get(start..d.span.start())?.trim().is_empty()
                && rest.get(..eol)?.trim().is_empty();
            let span = if alone {
                start..(d.span.end() + eol + 1).min(text.len())
            } else {
                let ws = rest.len() - rest.trim_start().len();
                d.span.start()..d.span.end() + ws
            };
            Some(vec![TextEdit {
                span,
                new_text: String::new(),
            }])
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const PATH: &str = "src/common/managed-entity.ts";

    fn ent003(base: &str) -> Vec<(String, usize, String)> {
        lines(&workspace(&[(PATH, base)]), "ENT003")
    }

    #[test]
    fn the_standard_base_is_fine() {
        assert!(ent003(MANAGED_ENTITY).is_empty());
    }

    #[test]
    fn flags_a_plain_deleted_column() {
        let base = MANAGED_ENTITY.replace(
            "@DeleteDateColumn({ nullable: true })",
            "@Column({ type: 'timestamptz', nullable: true })",
        );
        let found = ent003(&base);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, 14);
        assert!(found[0].2.contains("soft-deleted"), "{}", found[0].2);
    }

    #[test]
    fn flags_missing_members_and_the_entity_mark() {
        let base = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export abstract class ManagedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;
}
";
        let found = ent003(base);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.iter().all(|f| f.1 == 4));
    }

    #[test]
    fn members_inherited_from_above_the_base_count() {
        let root = "import { CreateDateColumn, PrimaryGeneratedColumn } from 'typeorm';
export abstract class Root {
  @PrimaryGeneratedColumn('uuid')
  id: string;
  @CreateDateColumn()
  created: Date;
}
";
        let base = "import { DeleteDateColumn, UpdateDateColumn } from 'typeorm';
import { Root } from 'src/common/root';
export abstract class ManagedEntity extends Root {
  @UpdateDateColumn()
  updated: Date;
  @DeleteDateColumn()
  deleted: Date | null;
}
";
        let ws = workspace(&[(PATH, base), ("src/common/root.ts", root)]);
        assert!(lines(&ws, "ENT003").is_empty());
        let unknown = base.replace(
            "import { Root } from 'src/common/root';",
            "import { Root } from '@acme/orm';",
        );
        assert!(
            ent003(&unknown).is_empty(),
            "an unseen base may declare them"
        );
    }

    #[test]
    fn fix_replaces_decorators_keeping_options() {
        let base = MANAGED_ENTITY
            .replace(
                "@DeleteDateColumn({ nullable: true })",
                "@Column({ nullable: true })",
            )
            .replace("@CreateDateColumn()", "@Column('timestamptz')")
            .replace(
                "import { CreateDateColumn, DeleteDateColumn,",
                "import { Column, CreateDateColumn,",
            );
        let fixed = assert_fix_is_clean(&[(PATH, &base)], "ENT003", PATH);
        assert!(
            fixed.contains("@DeleteDateColumn({ nullable: true })\n  deleted"),
            "{fixed}"
        );
        assert!(
            fixed.contains("@CreateDateColumn({ type: 'timestamptz' })\n  created"),
            "{fixed}"
        );
        assert!(fixed.starts_with("import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn, DeleteDateColumn } from 'typeorm';"), "{fixed}");
    }

    #[test]
    fn fix_inserts_missing_members_and_removes_entity() {
        let base = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export abstract class ManagedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;
}
";
        let fixed = assert_fix_is_clean(&[(PATH, base)], "ENT003", PATH);
        assert_eq!(
            fixed,
            "import { Entity, PrimaryGeneratedColumn, CreateDateColumn, DeleteDateColumn, UpdateDateColumn } from 'typeorm';

export abstract class ManagedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @CreateDateColumn()
  created: Date;

  @DeleteDateColumn({ nullable: true })
  deleted: Date | null;

  @UpdateDateColumn()
  updated: Date;
}
"
        );
    }

    #[test]
    fn fix_makes_a_plain_id_primary() {
        let base = MANAGED_ENTITY
            .replace("@PrimaryGeneratedColumn('uuid')", "@Column()")
            .replace("PrimaryGeneratedColumn,", "Column,");
        let fixed = assert_fix_is_clean(&[(PATH, &base)], "ENT003", PATH);
        assert!(
            fixed.contains("@PrimaryGeneratedColumn('uuid')\n  id: string;"),
            "{fixed}"
        );
    }
}
