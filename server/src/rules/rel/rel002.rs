//! # REL002: wrong-inverse-side
//!
//! ## What it does
//! Checks the inverse side of a relation (`(post) => post.author` or `'author'`): the
//! target entity must have a property of that name, and it must be the complementary
//! relation pointing back (`@OneToMany` <-> `@ManyToOne`, `@OneToOne` <-> `@OneToOne`,
//! `@ManyToMany` <-> `@ManyToMany`). Properties inherited by the target count.
//!
//! ## Why is this bad?
//! A typo or a stale name after a rename is not caught by TypeScript when the inverse is a
//! string, and a lambda that names a column or a relation of the wrong kind type-checks
//! fine. TypeORM then fails at startup, or silently builds a wrong join.
//!
//! ## Example
//! ```ts
//! @OneToMany(() => Review, 'prodct')
//! reviews: Review[];
//! ```
//!
//! ## Fix
//! When the target has exactly one relation of the complementary kind pointing back, the
//! quick fix renames the inverse side to it (`'product'`).

use super::target::{all_views, relation_on_column, Declared, Target};
use super::target::{back_names, declared_relations, fully_known, points_back, relation_target};
use crate::finding::{Finding, Fix, Severity, TextEdit};
use crate::model::{Entity, Relation};
use crate::rules::{Ctx, RuleDef};

pub const RULE: RuleDef = RuleDef {
    code: "REL002",
    name: "wrong-inverse-side",
    summary: "An inverse side that names no complementary relation of the target.",
    default_severity: Severity::Error,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let path = ctx.path(file);
    for declared in declared_relations(ctx, file) {
        let relation = declared.relation;
        let Some(inverse) = relation.inverse.as_deref() else {
            continue;
        };
        let Target::Entity(target) = relation_target(ctx, file, relation) else {
            continue;
        };
        let names = back_names(ctx, &declared.owners);
        let views = all_views(&declared.owners);
        let Some(problem) = problem(ctx, relation, target, inverse, &names, views) else {
            continue;
        };
        let message = format!(
            "Inverse side `{}.{inverse}` {problem}; `{}` needs a @{} on `{}` pointing back",
            target.name,
            relation.property,
            relation.kind.complement().decorator(),
            target.name,
        );
        let mut finding =
            Finding::new(RULE.code, path.clone(), relation.name_span.clone(), message);
        if let Some(fix) = fix(ctx, file, &declared, target, &names) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}

/// What is wrong with the inverse property, or None when it is right (or unknowable).
fn problem(
    ctx: &Ctx,
    relation: &Relation,
    target: &Entity,
    inverse: &str,
    names: &super::target::Back,
    views: bool,
) -> Option<String> {
    let wanted = relation.kind.complement();
    if let Some(other) = target.relation(inverse) {
        if other.kind != wanted {
            return Some(format!("is a @{}", other.kind.decorator()));
        }
        // A view's relations name the inverse sides of the table entity it mirrors.
        if !views && !points_back(ctx, other, names) {
            let to = other.target.as_deref().unwrap_or("?");
            return Some(format!("points at `{to}`"));
        }
        return None;
    }
    if target.column(inverse).is_some() {
        return match relation_on_column(ctx, target, inverse) {
            Some(kind) if kind == wanted => None,
            Some(kind) => Some(format!("is a @{}", kind.decorator())),
            None => Some("is a column, not a relation".to_string()),
        };
    }
    fully_known(target).then(|| "does not exist".to_string())
}

/// The rename to the one matching relation of the target, if there is exactly one.
fn fix(
    ctx: &Ctx,
    file: usize,
    declared: &Declared,
    target: &Entity,
    names: &super::target::Back,
) -> Option<Fix> {
    let relation = declared.relation;
    let wanted = relation.kind.complement();
    let mut candidates = target
        .relations
        .iter()
        .filter(|r| r.kind == wanted && r.target.is_some() && points_back(ctx, r, names));
    let only = candidates.next()?;
    if candidates.next().is_some() || Some(only.property.as_str()) == relation.inverse.as_deref() {
        return None;
    }
    let source = ctx.file(file)?;
    let span = relation.inverse_span.clone()?;
    let title = format!(
        "Use `{}.{}` as the inverse side",
        target.name, only.property
    );
    ctx.edit_fix(
        title,
        || source.path.clone(),
        || {
            let text = source.text();
            let written = text.get(span.clone())?;
            let edit_span = match written.chars().next()? {
                '\'' | '"' | '`' => span.start + 1..span.end.checked_sub(1)?,
                _ => span.start + written.rfind('.').map(|i| i + 1).unwrap_or(0)..span.end,
            };
            if edit_span.start > edit_span.end {
                return None;
            }
            Some(vec![TextEdit {
                span: edit_span,
                new_text: only.property.clone(),
            }])
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const REVIEW: &str = "import { Entity, Column, ManyToOne, ManyToMany } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { Product } from 'src/catalog/product.entity';

@Entity()
export class Review extends ManagedEntity {
  @ManyToOne(() => Product, (product) => product.reviews)
  product: Product;

  @ManyToMany(() => Product)
  featuredIn: Product[];

  @Column('int')
  rating: number;
}
";

    fn product(relation: &str) -> String {
        format!(
            "import {{ Entity, OneToMany }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';
import {{ Review }} from 'src/reviews/review.entity';

@Entity()
export class Product extends ManagedEntity {{
  {relation}
  reviews: Review[];
}}
"
        )
    }

    fn files(relation: &str) -> Vec<(&'static str, String)> {
        vec![
            ("src/reviews/review.entity.ts", REVIEW.to_string()),
            ("src/catalog/product.entity.ts", product(relation)),
        ]
    }

    fn rel002(relation: &str) -> Vec<(String, usize, String)> {
        let f = files(relation);
        let refs: Vec<(&str, &str)> = f.iter().map(|(p, t)| (*p, t.as_str())).collect();
        lines(&workspace(&refs), "REL002")
    }

    #[test]
    fn flags_a_missing_property_a_column_and_the_wrong_kind() {
        for (relation, says) in [
            ("@OneToMany(() => Review, 'prodct')", "does not exist"),
            ("@OneToMany(() => Review, (r) => r.rating)", "is a column"),
            (
                "@OneToMany(() => Review, (r) => r.featuredIn)",
                "is a @ManyToMany",
            ),
        ] {
            let found = rel002(relation);
            assert_eq!(found.len(), 1, "{relation}");
            assert_eq!(found[0].1, 8);
            assert!(found[0].2.contains(says), "{}", found[0].2);
        }
    }

    #[test]
    fn accepts_the_right_inverse_in_both_forms() {
        assert!(rel002("@OneToMany(() => Review, (r) => r.product)").is_empty());
        assert!(rel002("@OneToMany(() => Review, 'product')").is_empty());
        assert!(
            rel002("@OneToMany(\n    () => Review,\n    (review) => review.product,\n  )")
                .is_empty()
        );
    }

    #[test]
    fn renames_a_string_inverse() {
        let f = files("@OneToMany(() => Review, 'prodct')");
        let refs: Vec<(&str, &str)> = f.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let out = assert_fix_is_clean(&refs, "REL002", "src/catalog/product.entity.ts");
        assert_eq!(out, product("@OneToMany(() => Review, 'product')"));
    }

    #[test]
    fn renames_a_lambda_inverse() {
        let f = files("@OneToMany(() => Review, (r) => r.rating)");
        let refs: Vec<(&str, &str)> = f.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let out = assert_fix_is_clean(&refs, "REL002", "src/catalog/product.entity.ts");
        assert_eq!(out, product("@OneToMany(() => Review, (r) => r.product)"));
    }

    #[test]
    fn a_relation_back_to_another_entity_is_wrong() {
        let other = "import { Entity, ManyToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { Review } from 'src/reviews/review.entity';

@Entity()
export class Vote extends ManagedEntity {
  @ManyToOne(() => Review, 'votes')
  review: Review;
}
";
        let text = product("@OneToMany(() => Review, (r) => r.product)");
        let vote_side = other.replace("'votes'", "'product'");
        let ws = workspace(&[
            ("src/reviews/review.entity.ts", REVIEW),
            ("src/catalog/product.entity.ts", &text),
            ("src/reviews/vote.entity.ts", &vote_side),
        ]);
        let found = lines(&ws, "REL002");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "src/reviews/vote.entity.ts");
        assert!(found[0].2.contains("is a @ManyToOne"), "{}", found[0].2);
    }
}
