//! # TYP003: relation-type-mismatch
//!
//! ## What it does
//! Checks a relation property's TypeScript type against its decorator:
//! - `@OneToMany` / `@ManyToMany` must be an array of the target (`T[]` or `Array<T>`);
//! - `@ManyToOne` / `@OneToOne` must be the target itself (`| null` allowed), not an array;
//! - the element must be the target class (or a class it inherits from, or one that
//!   inherits from it), also when the target is written as a `'Name'` string;
//! - `lazy: true` needs `Promise<T>`; a `Promise<T>` with `lazy: false` or `eager: true` is
//!   not lazy.
//!
//! `Relation<T>` wrappers (ESM projects) are looked through. Silent when the type names
//! something that is not an entity of the workspace (an interface, a type alias).
//!
//! ## Why is this bad?
//! TypeORM loads an array for a to-many relation and one object for a to-one relation,
//! whatever the annotation says; a wrong type makes `order.shipments.length` compile and
//! return `undefined`, or hides that a lazy relation is a promise.
//!
//! ## Example
//! ```ts
//! @OneToMany(() => Shipment, (shipment) => shipment.order)
//! shipments: Shipment;
//! ```
//!
//! ## Fix
//! ```ts
//! @OneToMany(() => Shipment, (shipment) => shipment.order)
//! shipments: Shipment[];
//! ```
//! The quick fix rewrites the type (keeping `Relation<...>`, `Promise<...>` for lazy
//! relations and `| null`). Unwrapping a `Promise` is offered in the editor only: with
//! `emitDecoratorMetadata` TypeORM may treat such a relation as lazy today.

use crate::finding::{Applicability, FileChange, Finding, Fix, Severity, TextEdit};
use crate::model::{Entity, Relation};
use crate::rules::rel::target::{declared_relations, named_entity, relation_target, Target};
use crate::rules::{Ctx, RuleDef};
use crate::syntax::{TypeAnn, TypeKind, Value};

pub const RULE: RuleDef = RuleDef {
    code: "TYP003",
    name: "relation-type-mismatch",
    summary: "A relation property whose type does not fit its kind, target or laziness.",
    default_severity: Severity::Warning,
    check,
};

/// The relation type taken apart: wrappers, array-ness and the element.
struct Parsed<'t> {
    promise: bool,
    /// The name `Relation<>` goes by in the file, when the type is wrapped in it.
    relation_wrapper: Option<String>,
    array: bool,
    element: &'t TypeAnn,
    nullable: bool,
}

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let path = ctx.path(file);
    for declared in declared_relations(ctx, file) {
        let relation = declared.relation;
        let Some(ty) = ctx.model.type_of(&relation.origin) else {
            continue;
        };
        let wrapper = relation_wrapper_name(ctx, file);
        let Some(parsed) = parse(ty, &wrapper) else {
            continue;
        };
        let Some(problem) = problem(ctx, file, relation, &parsed) else {
            continue;
        };
        let message = format!("`{}: {}`: {problem}", relation.property, ty.text);
        let mut finding =
            Finding::new(RULE.code, path.clone(), relation.name_span.clone(), message);
        if let Some(fix) = fix(ctx, file, relation, ty, &parsed) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}

/// The name TypeORM's `Relation<T>` (a type alias of `T` for circular imports) has in the
/// file: `Relation`, or the local name of an import that renames it (`import { Relation as
/// Relation_ } from '@subsquid/typeorm-store'`, as subsquid's generated models do).
fn relation_wrapper_name(ctx: &Ctx, file: usize) -> String {
    ctx.file(file)
        .and_then(|f| {
            f.facts
                .imports
                .iter()
                .filter(|i| i.specifier == "typeorm" || i.specifier == "@subsquid/typeorm-store")
                .flat_map(|i| &i.names)
                .find(|n| n.imported == "Relation")
                .map(|n| n.local.to_string())
        })
        .unwrap_or_else(|| "Relation".to_string())
}

/// The single non-null member, unwrapped from `Promise<>`, `Relation<>` (named `wrapper`
/// in the file) and the array.
fn parse<'t>(ty: &'t TypeAnn, wrapper: &str) -> Option<Parsed<'t>> {
    let mut nullable = ty.includes_null() || ty.includes_undefined();
    let mut t = single(ty)?;
    let mut promise = false;
    let mut relation_wrapper = None;
    loop {
        match &t.kind {
            TypeKind::Named { name, args } if name == "Promise" && args.len() == 1 && !promise => {
                promise = true;
                let inner = args.first()?;
                nullable |= inner.includes_null();
                t = single(inner)?;
            }
            TypeKind::Named { name, args }
                if name == wrapper && args.len() == 1 && relation_wrapper.is_none() =>
            {
                relation_wrapper = Some(wrapper.to_string());
                t = single(args.first()?)?;
            }
            _ => break,
        }
    }
    let (array, element) = match &t.kind {
        TypeKind::Array(inner) => (true, unwrap_relation(inner, wrapper)),
        TypeKind::Named { name, args }
            if (name == "Array" || name == "ReadonlyArray") && args.len() == 1 =>
        {
            (true, unwrap_relation(args.first()?, wrapper))
        }
        _ => (false, t),
    };
    Some(Parsed {
        promise,
        relation_wrapper,
        array,
        element,
        nullable,
    })
}

fn single(ty: &TypeAnn) -> Option<&TypeAnn> {
    match ty.non_nullish().as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

fn unwrap_relation<'t>(ty: &'t TypeAnn, wrapper: &str) -> &'t TypeAnn {
    match &ty.kind {
        TypeKind::Named { name, args } if name == wrapper && args.len() == 1 => {
            args.first().unwrap_or(ty)
        }
        _ => ty,
    }
}

fn option_bool(ctx: &Ctx, relation: &Relation, key: &str) -> Option<bool> {
    ctx.model
        .decorator_at(&relation.origin)?
        .options()?
        .value
        .get(key)?
        .value
        .as_bool()
}

fn problem(ctx: &Ctx, file: usize, relation: &Relation, parsed: &Parsed) -> Option<String> {
    let kind = relation.kind.decorator();
    if relation.kind.is_to_many() && !parsed.array {
        return Some(format!("a @{kind} holds an array of the target"));
    }
    if !relation.kind.is_to_many() && parsed.array {
        return Some(format!("a @{kind} holds one target, not an array"));
    }
    if let Some(wrong) = wrong_target(ctx, file, relation, parsed.element) {
        return Some(wrong);
    }
    let lazy = option_bool(ctx, relation, "lazy");
    if lazy == Some(true) && !parsed.promise {
        return Some("a `lazy: true` relation is a Promise: type it `Promise<...>`".into());
    }
    if parsed.promise && !relation.options_opaque {
        if lazy == Some(false) {
            return Some("typed as a Promise, but `lazy: false`".into());
        }
        if option_bool(ctx, relation, "eager") == Some(true) {
            return Some("typed as a lazy Promise, but the relation is `eager: true`".into());
        }
    }
    None
}

/// The element names an entity other than the target (and not related by inheritance).
fn wrong_target(ctx: &Ctx, file: usize, relation: &Relation, element: &TypeAnn) -> Option<String> {
    let TypeKind::Named { name, args } = &element.kind else {
        return None;
    };
    if !args.is_empty() || name.contains('.') {
        return None;
    }
    let Target::Entity(target) = relation_target(ctx, file, relation) else {
        return None;
    };
    let Target::Entity(written) = named_entity(ctx, file, name, false) else {
        return None;
    };
    if written.name == target.name || related(ctx, written, target) || related(ctx, target, written)
    {
        return None;
    }
    Some(format!(
        "the relation targets `{}`, not `{}`",
        target.name, written.name
    ))
}

/// `a` inherits from `b`'s class.
fn related(ctx: &Ctx, a: &Entity, b: &Entity) -> bool {
    a.ancestors
        .iter()
        .filter_map(|r| ctx.model.class(*r))
        .any(|c| c.name == b.name)
}

/// The type the relation should have, written from what the file has in scope.
fn fix(ctx: &Ctx, file: usize, relation: &Relation, ty: &TypeAnn, parsed: &Parsed) -> Option<Fix> {
    let element = element_text(ctx, file, relation, parsed)?;
    let lazy = option_bool(ctx, relation, "lazy");
    let keep_promise =
        parsed.promise && lazy != Some(false) && option_bool(ctx, relation, "eager") != Some(true);
    let promise = lazy == Some(true) || keep_promise;
    let mut text = if relation.kind.is_to_many() {
        format!("{element}[]")
    } else {
        element
    };
    if let Some(wrapper) = &parsed.relation_wrapper {
        text = format!("{wrapper}<{text}>");
    }
    let nullable = parsed.nullable && !relation.kind.is_to_many();
    if promise {
        text = format!("Promise<{text}{}>", if nullable { " | null" } else { "" });
    } else if nullable {
        text.push_str(" | null");
    }
    if text == ty.text {
        return None;
    }
    let title = format!("Change the type to `{text}`");
    // Editor only: uses of the property were written against the old type
    // (`line.variant.name` on a `Product`) and may stop compiling.
    ctx.fix(title, Applicability::Unsafe, || {
        Some(vec![FileChange::Edit {
            path: ctx.path(file),
            edits: vec![TextEdit {
                span: ty.span.range(),
                new_text: text,
            }],
        }])
    })
}

/// The element class: the decorator's target when it is a name in scope (an arrow target),
/// else the element as written.
fn element_text(ctx: &Ctx, file: usize, relation: &Relation, parsed: &Parsed) -> Option<String> {
    let arrow_target = ctx
        .model
        .decorator_at(&relation.origin)
        .and_then(|d| d.arg(0))
        .and_then(|a| match &a.value {
            Value::Arrow { body, .. } => body.value.as_reference().map(str::to_string),
            _ => None,
        });
    if wrong_target(ctx, file, relation, parsed.element).is_some() {
        return arrow_target;
    }
    match &parsed.element.kind {
        TypeKind::Named { .. } => Some(parsed.element.text.to_string()),
        _ => arrow_target,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const TAG: &str = "import { Entity, ManyToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class Tag extends ManagedEntity {}

@Entity()
export class Label extends ManagedEntity {}
";

    fn post(body: &str) -> String {
        format!(
            "import {{ Entity, ManyToMany, ManyToOne, OneToMany, Relation }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';
import {{ Tag, Label }} from 'src/tags/tag.entity';

@Entity()
export class Post extends ManagedEntity {{
{body}
}}
"
        )
    }

    fn typ003(body: &str) -> Vec<(String, usize, String)> {
        let text = post(body);
        let ws = workspace(&[
            ("src/tags/tag.entity.ts", TAG),
            ("src/posts/post.entity.ts", &text),
        ]);
        lines(&ws, "TYP003")
    }

    #[test]
    fn flags_shape_target_and_laziness() {
        for body in [
            "  @ManyToMany(() => Tag) tags: Tag;",
            "  @ManyToOne(() => Tag) tag: Tag[];",
            "  @ManyToOne(() => Tag) tag: Label;",
            "  @ManyToOne('Tag') tag: Label | null;",
            "  @ManyToMany(() => Tag) tags: Array<Label>;",
            "  @ManyToOne(() => Tag, { lazy: true }) tag: Tag;",
            "  @ManyToOne(() => Tag, { eager: true }) tag: Promise<Tag>;",
            "  @ManyToOne(() => Tag, { lazy: false }) tag: Promise<Tag>;",
            "  @ManyToMany(() => Tag) tags: Relation<Tag>;",
        ] {
            assert_eq!(typ003(body).len(), 1, "{body}");
        }
    }

    #[test]
    fn accepts_every_right_form() {
        for body in [
            "  @ManyToMany(() => Tag) tags: Tag[];",
            "  @ManyToMany(() => Tag) tags: Array<Tag>;",
            "  @ManyToMany('Tag') tags: Tag[];",
            "  @ManyToOne(() => Tag) tag: Tag | null;",
            "  @ManyToOne(() => Tag) tag?: Relation<Tag>;",
            "  @ManyToMany(() => Tag) tags: Relation<Tag[]>;",
            "  @ManyToMany(() => Tag) tags: Relation<Tag>[];",
            "  @ManyToOne(() => Tag, { lazy: true }) tag: Promise<Tag>;",
            "  @ManyToOne(() => Tag) tag: Promise<Tag>;",
            "  @ManyToMany(() => Tag, { lazy: true }) tags: Promise<Tag[]>;",
            "  @ManyToOne(() => Tag) tag: ITag;",
        ] {
            assert!(typ003(body).is_empty(), "{body}");
        }
    }

    fn fixed_text(body: &str) -> String {
        let text = post(body);
        let files = [
            ("src/tags/tag.entity.ts", TAG),
            ("src/posts/post.entity.ts", text.as_str()),
        ];
        assert_fix_is_clean(&files, "TYP003", "src/posts/post.entity.ts")
    }

    #[test]
    fn fixes_rewrite_the_type() {
        for (before, after) in [
            (
                "  @ManyToMany(() => Tag)\n  tags: Tag;",
                "  @ManyToMany(() => Tag)\n  tags: Tag[];",
            ),
            (
                "  @ManyToOne(() => Tag)\n  tag: Label | null;",
                "  @ManyToOne(() => Tag)\n  tag: Tag | null;",
            ),
            (
                "  @ManyToOne(() => Tag, { lazy: true })\n  tag: Relation<Tag>;",
                "  @ManyToOne(() => Tag, { lazy: true })\n  tag: Promise<Relation<Tag>>;",
            ),
            (
                "  @ManyToOne(() => Tag, { eager: true })\n  tag: Promise<Tag>;",
                "  @ManyToOne(() => Tag, { eager: true })\n  tag: Tag;",
            ),
        ] {
            assert_eq!(fixed_text(before), post(after), "{before}");
        }
    }
}
