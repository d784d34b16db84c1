//! # TYP002: nullability-mismatch
//!
//! ## What it does
//! Compares a column's `nullable` option with its TypeScript type:
//! - `nullable: true` (or a `@DeleteDateColumn`, nullable by default) whose type has no
//!   `null` (a `?` or `| undefined` counts as acknowledging it, and `any` or `unknown`
//!   admit `null` already);
//! - a `T | null` type on a column that is not nullable (columns are `NOT NULL` by
//!   default; primary columns are never nullable).
//!
//! Relations (`@ManyToOne`, `@OneToOne`): only an explicit contradiction is flagged
//! (`nullable: true` without `null` in the type, `nullable: false` with `| null`). With the
//! setting `strictRelationNullability`, a to-one relation without `nullable: false` must
//! also admit `null`, because TypeORM makes its join column nullable by default.
//!
//! Silent when `nullable` is given through a variable, or the options are a variable or
//! have a spread we cannot read: we do not guess. Options a workspace function builds
//! (`@PrimaryColumn(id())`, `{ ...id(), nullable: true }`) are read as the object it
//! returns. Silent in files whose governing `tsconfig.json`
//! (the nearest one up from the file, `extends` followed) turns `strictNullChecks` off
//! (or leaves `strict` and `strictNullChecks` unset): there `| null` means nothing.
//!
//! ## Why is this bad?
//! A nullable column typed without `null` lets code dereference a value that is null at
//! runtime; a `| null` on a `NOT NULL` column means saving `null` fails with a constraint
//! violation that the compiler could have caught.
//!
//! ## Example
//! ```ts
//! @Column({ type: 'varchar', length: 64, nullable: true })
//! trackingNumber: string;
//! ```
//!
//! ## Fix
//! ```ts
//! @Column({ type: 'varchar', length: 64, nullable: true })
//! trackingNumber: string | null;
//! ```
//! Two actions: add `| null` to the type, or (for a `| null` type on a `NOT NULL` column)
//! add `nullable: true` to the options (a schema change, so offered in the editor only),
//! or remove `| null` from the type.

use crate::finding::{Applicability, FileChange, Finding, Fix, Severity, TextEdit};
use crate::model::{Column, ColumnKind, Model, Relation, RelationKind};
use crate::rules::rel::target::import_of;
use crate::rules::{Ctx, RuleDef};
use crate::syntax::{Decorator, TypeAnn, TypeKind, Value};
use std::path::Path;

pub const RULE: RuleDef = RuleDef {
    code: "TYP002",
    name: "nullability-mismatch",
    summary: "The column's nullability and the TypeScript type's `null` disagree.",
    default_severity: Severity::Warning,
    check,
};

/// The two ways nullability can disagree.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mismatch {
    /// Nullable in the database, no `null` in the type.
    MissingNull,
    /// `| null` in the type, `NOT NULL` in the database.
    ExtraNull,
}

/// What we need of a column or relation.
struct Member<'a> {
    property: &'a str,
    name_span: &'a std::ops::Range<usize>,
    ty: &'a TypeAnn,
    optional: bool,
    decorator: Option<&'a Decorator>,
    primary: bool,
}

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let path = ctx.path(file);
    // Without strict null checks `| null` means nothing to the compiler.
    if ctx.resolver.strict_null_checks(&path) == Some(false) {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for entity in ctx.model.entities_touching(file) {
        for column in &entity.columns {
            if column.origin.file != file || column.origin.class.is_none() {
                continue;
            }
            if let Some((member, mismatch, why)) = column_mismatch(ctx.model, column) {
                if mismatch == Mismatch::MissingNull
                    && admits_null_through_alias(ctx, file, member.ty, 0)
                {
                    continue;
                }
                if seen.insert(member.name_span.start) {
                    out.push(finding(ctx, file, &path, &member, mismatch, &why));
                }
            }
        }
        for relation in &entity.relations {
            if relation.origin.file != file || relation.origin.class.is_none() {
                continue;
            }
            let strict = ctx.config.strict_relation_nullability;
            if let Some((member, mismatch, why)) = relation_mismatch(ctx.model, relation, strict) {
                if seen.insert(member.name_span.start) {
                    out.push(finding(ctx, file, &path, &member, mismatch, &why));
                }
            }
        }
    }
}

/// `nullable` is written with a value we cannot read (a variable, an expression).
fn nullable_unreadable(decorator: Option<&Decorator>) -> bool {
    decorator
        .and_then(|d| d.options())
        .and_then(|o| o.value.get("nullable"))
        .is_some_and(|v| v.value.as_bool().is_none())
}

fn column_mismatch<'a>(
    model: &'a Model,
    column: &'a Column,
) -> Option<(Member<'a>, Mismatch, String)> {
    let ty = model.type_of(&column.origin)?;
    let decorator = model.decorator_at(&column.origin);
    // The options as TypeORM receives them: those a workspace function builds
    // (`{ ...id(), nullable: true }`) included.
    let options = model.column_options(&column.origin);
    let nullable_unreadable = options
        .as_deref()
        .and_then(|o| o.get("nullable"))
        .is_some_and(|v| v.value.as_bool().is_none());
    if column.options_opaque || nullable_unreadable {
        return None;
    }
    // A `transformer`'s `from` decides what the property holds (it may map NULL to a
    // value), so the column's nullability says nothing about the property's type. Not
    // so for one the decorator adds (`Column::decorator_transformer`): subsquid's read
    // NULL back as `undefined`, so a nullable column's property can still be empty.
    if options
        .as_deref()
        .is_some_and(|o| o.get("transformer").is_some())
    {
        return None;
    }
    let primary = column.kind.is_primary();
    let nullable = match column.kind {
        _ if primary => false,
        ColumnKind::DeleteDate => column.nullable.unwrap_or(true),
        ColumnKind::Regular
        | ColumnKind::CreateDate
        | ColumnKind::UpdateDate
        | ColumnKind::Version => column.nullable.unwrap_or(false),
        _ => return None,
    };
    let member = Member {
        property: &column.property,
        name_span: &column.name_span,
        ty,
        optional: column.optional,
        decorator,
        primary,
    };
    let why = if primary {
        "a primary column is never nullable".to_string()
    } else if nullable && column.nullable.is_none() {
        "a @DeleteDateColumn is nullable".to_string()
    } else if nullable {
        "the column is `nullable: true`".to_string()
    } else {
        "the column is NOT NULL (`nullable` is false by default)".to_string()
    };
    mismatch(&member, nullable).map(|m| (member, m, why))
}

fn relation_mismatch<'a>(
    model: &'a Model,
    relation: &'a Relation,
    strict: bool,
) -> Option<(Member<'a>, Mismatch, String)> {
    if !matches!(
        relation.kind,
        RelationKind::ManyToOne | RelationKind::OneToOne
    ) {
        return None;
    }
    let ty = model.type_of(&relation.origin)?;
    let decorator = model.decorator_at(&relation.origin);
    if relation.options_opaque || nullable_unreadable(decorator) || is_wrapped(ty, "Promise") {
        return None;
    }
    let member = Member {
        property: &relation.property,
        name_span: &relation.name_span,
        ty,
        optional: relation.optional,
        decorator,
        primary: false,
    };
    let (nullable, why) = match relation.nullable {
        Some(n) => (n, format!("the relation is `nullable: {n}`")),
        None if strict => (
            true,
            "a to-one relation is nullable unless `nullable: false`".to_string(),
        ),
        None => return None,
    };
    mismatch(&member, nullable).map(|m| (member, m, why))
}

/// Whether a named member of `ty` admits `null` through a type alias of the workspace
/// (`type UserId = number | null`) or a type argument (`WrapperType<Lang | null>`, where
/// `type WrapperType<T> = T`): the compiler then sees the `null` the text does not show.
fn admits_null_through_alias(ctx: &Ctx, file: usize, ty: &TypeAnn, depth: usize) -> bool {
    if depth > 4 {
        return false;
    }
    ty.members().iter().any(|t| {
        let TypeKind::Named { name, args } = &t.kind else {
            return false;
        };
        if args.iter().any(|a| a.includes_null()) {
            return true;
        }
        alias_of(ctx, file, name, depth).is_some_and(|(f, alias)| {
            alias.includes_null() || admits_null_through_alias(ctx, f, alias, depth + 1)
        })
    })
}

/// The type an alias `name` stands for, as seen from `file` (declared there or imported
/// by name), with the file that declares it.
fn alias_of<'a>(
    ctx: &Ctx<'a>,
    file: usize,
    name: &str,
    depth: usize,
) -> Option<(usize, &'a TypeAnn)> {
    if depth > 4 {
        return None;
    }
    let facts = &ctx.file(file)?.facts;
    if let Some(alias) = facts.type_aliases.iter().find(|t| t.name == name) {
        return Some((file, &alias.ty));
    }
    let (import, imported) = import_of(&facts.imports, name)?;
    if imported == "default" || imported == "*" {
        return None;
    }
    let next = ctx.import_target(file, &import.specifier)?;
    alias_of(ctx, next, imported, depth + 1)
}

fn is_wrapped(ty: &TypeAnn, wrapper: &str) -> bool {
    ty.non_nullish()
        .iter()
        .any(|t| matches!(&t.kind, TypeKind::Named { name, .. } if name == wrapper))
}

/// `any` and `unknown` already admit `null`: `data: any` on a nullable column is fine,
/// and `any | null` would be noise.
fn admits_anything(ty: &TypeAnn) -> bool {
    ty.members()
        .iter()
        .any(|t| matches!(&t.kind, TypeKind::Keyword(k) if k == "any" || k == "unknown"))
}

fn mismatch(member: &Member, nullable: bool) -> Option<Mismatch> {
    let has_null = member.ty.includes_null();
    let acknowledged =
        has_null || member.optional || member.ty.includes_undefined() || admits_anything(member.ty);
    if nullable && !acknowledged {
        return Some(Mismatch::MissingNull);
    }
    if !nullable && has_null {
        return Some(Mismatch::ExtraNull);
    }
    None
}

fn finding(
    ctx: &Ctx,
    file: usize,
    path: &Path,
    member: &Member,
    mismatch: Mismatch,
    why: &str,
) -> Finding {
    let message = match mismatch {
        Mismatch::MissingNull => format!(
            "`{}` can be null ({why}), but its type `{}` has no `null`",
            member.property, member.ty.text
        ),
        Mismatch::ExtraNull => format!(
            "`{}` is typed `{}`, but {why}",
            member.property, member.ty.text
        ),
    };
    let mut f = Finding::new(
        RULE.code,
        path.to_path_buf(),
        member.name_span.clone(),
        message,
    );
    let fixes = match mismatch {
        Mismatch::MissingNull => add_null(ctx, path, member.ty)
            .into_iter()
            .collect::<Vec<_>>(),
        Mismatch::ExtraNull => {
            let mut v = Vec::new();
            if !member.primary && member.decorator.is_some_and(|d| d.called) {
                v.extend(ctx.defer(
                    "Add `nullable: true` to the options (needs a migration)",
                    Applicability::Unsafe,
                    || add_nullable_option(ctx, file, member),
                ));
            }
            v.extend(remove_null(ctx, path, member.ty));
            v
        }
    };
    f.fixes = fixes;
    f
}

/// `T` -> `T | null` (only for type forms where appending a union member is safe).
fn add_null(ctx: &Ctx, path: &Path, ty: &TypeAnn) -> Option<Fix> {
    if matches!(ty.kind, TypeKind::Other) {
        return None;
    }
    // Editor only: with strict null checks, code that passes the value on as a `T` stops
    // compiling until it handles `null`.
    ctx.fix("Add `| null` to the type", Applicability::Unsafe, || {
        Some(vec![FileChange::Edit {
            path: path.to_path_buf(),
            edits: vec![TextEdit {
                span: ty.span.end()..ty.span.end(),
                new_text: " | null".into(),
            }],
        }])
    })
}

/// `T | null` -> `T` (the other members as written).
fn remove_null(ctx: &Ctx, path: &Path, ty: &TypeAnn) -> Option<Fix> {
    let members = ty.members();
    if members.iter().all(|t| t.kind == TypeKind::Null) {
        return None;
    }
    ctx.fix(
        "Remove `| null` from the type",
        Applicability::Unsafe,
        || {
            let rest: Vec<&str> = members
                .iter()
                .filter(|t| t.kind != TypeKind::Null)
                .map(|t| t.text.as_str())
                .collect();
            Some(vec![crate::finding::FileChange::Edit {
                path: path.to_path_buf(),
                edits: vec![TextEdit {
                    span: ty.span.range(),
                    new_text: rest.join(" | "),
                }],
            }])
        },
    )
}

/// Adds `nullable: true` to the decorator's options (a schema change: editor only).
fn add_nullable_option(ctx: &Ctx, file: usize, member: &Member) -> Option<Fix> {
    let source = ctx.file(file)?;
    let decorator = member.decorator?;
    // `@Column(id())`: the options are a call's result; a second argument would not be
    // read as options, so there is nowhere to write the key.
    let built = |a: &crate::syntax::Spanned<Value>| matches!(a.value, Value::Call { .. });
    if !decorator.called || decorator.args.iter().any(built) {
        return None;
    }
    let edit = match decorator.options() {
        Some(options) => append_to_object(&source.text(), options)?,
        None => append_argument(&source.text(), decorator)?,
    };
    Some(Fix::unsafe_(
        "Add `nullable: true` to the options (needs a migration)",
        vec![crate::finding::FileChange::Edit {
            path: source.path.clone(),
            edits: vec![edit],
        }],
    ))
}

/// `{ a: 1 }` -> `{ a: 1, nullable: true }`, keeping a multi-line object multi-line.
fn append_to_object(
    text: &str,
    options: &crate::syntax::Spanned<crate::syntax::Value>,
) -> Option<TextEdit> {
    let props = options.value.as_object()?;
    let Some(last) = props.last() else {
        let inner = options.span.start() + 1..options.span.end().checked_sub(1)?;
        return Some(TextEdit {
            span: inner,
            new_text: " nullable: true ".into(),
        });
    };
    let after = text.get(last.value.span.end()..options.span.end())?;
    let trailing_comma = after.trim_start().starts_with(',');
    if after.contains('\n') {
        let indent = crate::rules::edits::indentation_at(text, last.key_span.start());
        let eol = crate::rules::edits::line_ending(text);
        let at = if trailing_comma {
            last.value.span.end() + after.find(',')? + 1
        } else {
            last.value.span.end()
        };
        let new_text = if trailing_comma {
            format!("{eol}{indent}nullable: true,")
        } else {
            format!(",{eol}{indent}nullable: true")
        };
        return Some(TextEdit {
            span: at..at,
            new_text,
        });
    }
    Some(TextEdit {
        span: last.value.span.end()..last.value.span.end(),
        new_text: ", nullable: true".into(),
    })
}

/// `@Column()` -> `@Column({ nullable: true })`, `@Column('text')` -> `@Column('text', { nullable: true })`.
fn append_argument(text: &str, decorator: &Decorator) -> Option<TextEdit> {
    let close = decorator.span.end().checked_sub(1)?;
    if text.get(close..decorator.span.end())? != ")" {
        return None;
    }
    match decorator.args.last() {
        None => Some(TextEdit {
            span: close..close,
            new_text: "{ nullable: true }".into(),
        }),
        Some(last) => Some(TextEdit {
            span: last.span.end()..last.span.end(),
            new_text: ", { nullable: true }".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::rules::testing::*;

    fn entity(body: &str) -> String {
        format!(
            "import {{ Column, DeleteDateColumn, Entity, ManyToOne, PrimaryColumn }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';

@Entity()
export class Item extends ManagedEntity {{
{body}

  @ManyToOne(() => Item)
  parent: Item;
}}
"
        )
    }

    fn typ002(body: &str) -> Vec<(String, usize, String)> {
        let text = entity(body);
        lines(&workspace(&[("src/items/item.entity.ts", &text)]), "TYP002")
    }

    #[test]
    fn flags_both_directions() {
        for body in [
            "  @Column({ type: 'text', nullable: true }) a: string;",
            "  @Column('text') b: string | null;",
            "  @Column('text', { nullable: false }) c: string | null;",
            "  @PrimaryColumn() d: string | null;",
            "  @DeleteDateColumn() e: Date;",
            "  @ManyToOne(() => Item, { nullable: true }) f: Item;",
            "  @ManyToOne(() => Item, { nullable: false }) g: Item | null;",
        ] {
            assert_eq!(typ002(body).len(), 1, "{body}");
        }
    }

    #[test]
    fn null_through_a_type_alias_or_a_type_argument_counts() {
        // The shape of an id typed by an imported alias that includes `null`, and of a
        // pass-through wrapper type (`type WrapperType<T> = T`) with the `null` inside it.
        let ids = "export type SenderId = number | null;
export type PlainId = string;
";
        let entity_text = "import { Column, Entity, PrimaryColumn } from 'typeorm';
import { PlainId, SenderId } from 'src/types/ids';

type WrapperType<T> = T;

@Entity()
export class Message {
  @PrimaryColumn() id: string;
  @Column({ type: 'int', nullable: true }) public userId: SenderId;
  @Column({ type: 'varchar', nullable: true }) public lang: WrapperType<'en' | 'fr' | null>;
  @Column({ nullable: true }) public ownerId: PlainId;
}
";
        let ws = workspace(&[
            ("src/types/ids.ts", ids),
            ("src/messages/message.entity.ts", entity_text),
        ]);
        let found = lines(&ws, "TYP002");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].2.contains("`ownerId`"), "{found:?}");
    }

    #[test]
    fn a_transformer_decides_the_property_type() {
        // The shape of a column whose transformer maps NULL to a placeholder on read.
        let body = "  @Column({
    type: 'text',
    nullable: true,
    transformer: {
      from(val: string | null) {
        return val === null ? 'none' : val;
      },
      to(val: string | null) {
        return val;
      },
    },
  })
  text: string;";
        assert!(typ002(body).is_empty());
        let plain = "  @Column({ type: 'text', nullable: true, comment: 'x' }) text: string;";
        assert_eq!(typ002(plain).len(), 1);
    }

    #[test]
    fn accepts_agreement_and_unreadable_options() {
        for body in [
            "  @Column({ type: 'text', nullable: true }) a: string | null;",
            "  @Column({ type: 'text', nullable: true }) b?: string;",
            "  @Column({ type: 'text', nullable: true }) c: string | undefined;",
            "  @Column('text') d: string;",
            "  @Column({ type: 'text', nullable: isNullable }) e: string;",
            "  @Column({ ...base, type: 'text' }) f: string | null;",
            "  @Column(options) g: string | null;",
            "  @DeleteDateColumn() h: Date | null;",
            "  @ManyToOne(() => Item) i: Item | null;",
            "  @ManyToOne(() => Item, { nullable: true, lazy: true }) j: Promise<Item>;",
            "  @Column({ type: 'jsonb', nullable: true }) k: any;",
            "  @Column({ type: 'jsonb', nullable: true }) l: unknown;",
        ] {
            assert!(typ002(body).is_empty(), "{body}");
        }
    }

    #[test]
    fn strict_relation_nullability_flags_the_implicit_default() {
        let config = Config {
            strict_relation_nullability: true,
            ..Config::default()
        };
        let text = entity("");
        let ws = workspace_with(&[("src/items/item.entity.ts", &text)], config);
        let found = lines(&ws, "TYP002");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, 9);
    }

    #[test]
    fn fixes_add_null_or_the_option() {
        let text = entity("  @Column({ type: 'text', nullable: true })\n  a: string;");
        let files = [("src/items/item.entity.ts", text.as_str())];
        let out = assert_fix_is_clean(&files, "TYP002", "src/items/item.entity.ts");
        assert_eq!(
            out,
            entity("  @Column({ type: 'text', nullable: true })\n  a: string | null;")
        );

        for (before, after) in [
            (
                "  @Column('text')\n  b: string | null;",
                "  @Column('text', { nullable: true })\n  b: string | null;",
            ),
            (
                "  @Column()\n  b: string | null;",
                "  @Column({ nullable: true })\n  b: string | null;",
            ),
            (
                "  @Column({\n    type: 'text',\n  })\n  b: string | null;",
                "  @Column({\n    type: 'text',\n    nullable: true,\n  })\n  b: string | null;",
            ),
        ] {
            let text = entity(before);
            let files = [("src/items/item.entity.ts", text.as_str())];
            let out = assert_fix_is_clean(&files, "TYP002", "src/items/item.entity.ts");
            assert_eq!(out, entity(after), "{before}");
        }
    }

    #[test]
    fn the_option_fix_is_editor_only() {
        let text = entity("  @Column('text')\n  b: string | null;");
        let ws = workspace(&[("src/items/item.entity.ts", &text)]);
        assert!(!all_safe(&ws, "TYP002"));
        let fixes = &findings(&ws, "TYP002")[0].fixes;
        assert_eq!(fixes.len(), 2, "add the option, or remove `| null`");
    }
}
