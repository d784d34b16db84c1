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
use crate::model::{Entity, Relation, RelationKind};
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
        if one_sided_on_purpose(ctx, relation, target, inverse, &names) {
            continue;
        }
        let Some(problem) = problem(ctx, relation, target, inverse, &names, views) else {
            continue;
        };
        let message = match the_relation_back(ctx, relation, target, &names) {
            // The target already points back: the inverse names the wrong property.
            Some(back) => format!(
                "Inverse side `{}.{inverse}` {problem}; `{}.{}` points back at `{}`: name it",
                target.name, target.name, back.property, relation.property,
            ),
            None => format!(
                "Inverse side `{}.{inverse}` {problem}; `{}` needs a @{} on `{}` pointing back",
                target.name,
                relation.property,
                relation.kind.complement().decorator(),
                target.name,
            ),
        };
        let mut finding =
            Finding::new(RULE.code, path.clone(), relation.name_span.clone(), message);
        if let Some(fix) = fix(ctx, file, &declared, target, &names) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}

/// `@ManyToOne(() => User, (user) => user.id)`: an owning side whose inverse names a plain
/// column, on a target with no relation back. TypeORM looks the inverse up among the
/// target's relations only, finds none and keeps the relation one-sided (its
/// `inverseRelation` stays undefined); the owning side's join column does not need one,
/// so nothing breaks. Real code writes this as "no inverse side". Where the target has a
/// relation back, the two sides disagree and the finding stays (with its rename).
fn one_sided_on_purpose(
    ctx: &Ctx,
    relation: &Relation,
    target: &Entity,
    inverse: &str,
    names: &super::target::Back,
) -> bool {
    let owning = match relation.kind {
        RelationKind::ManyToOne => true,
        RelationKind::OneToOne => relation.has_join_column,
        RelationKind::ManyToMany => relation.has_join_table,
        RelationKind::OneToMany => false,
    };
    let wanted = relation.kind.complement();
    owning
        && target.relation(inverse).is_none()
        && target.column(inverse).is_some()
        && relation_on_column(ctx, target, inverse).is_none()
        && !target
            .relations
            .iter()
            .any(|r| r.kind == wanted && points_back(ctx, r, names))
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

/// The one relation of the target, of the complementary kind, that points back at the
/// relation's entity (None when there is none or several, or when the inverse names it).
fn the_relation_back<'a>(
    ctx: &Ctx,
    relation: &Relation,
    target: &'a Entity,
    names: &super::target::Back,
) -> Option<&'a Relation> {
    let wanted = relation.kind.complement();
    let mut candidates = target
        .relations
        .iter()
        .filter(|r| r.kind == wanted && r.target.is_some() && points_back(ctx, r, names));
    let only = candidates.next()?;
    if candidates.next().is_some() || Some(only.property.as_str()) == relation.inverse.as_deref() {
        return None;
    }
    Some(only)
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
    let only = the_relation_back(ctx, relation, target, names)?;
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
    // A wallet service's entities: `(user) => user.id` on the owning side means "no
    // inverse side"; a one-to-many naming a column has no join column to use.
    const WALLET: &str = "import { Entity, Column, ManyToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { Account } from 'src/accounts/account.entity';

@Entity()
export class Wallet extends ManagedEntity {
  @ManyToOne(() => Account, (account) => account.id, { onDelete: 'CASCADE' })
  account: Account;

  @Column()
  address: string;
}
";

    fn account(body: &str) -> String {
        format!(
            "import {{ Entity, Column, OneToMany }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';
import {{ Wallet }} from 'src/wallets/wallet.entity';

@Entity()
export class Account extends ManagedEntity {{
  @Column()
  email: string;
{body}}}
"
        )
    }

    fn wallet_findings(account_body: &str) -> Vec<(String, usize, String)> {
        let text = account(account_body);
        let ws = workspace(&[
            ("src/wallets/wallet.entity.ts", WALLET),
            ("src/accounts/account.entity.ts", &text),
        ]);
        lines(&ws, "REL002")
    }

    #[test]
    fn an_owning_side_naming_a_column_of_a_target_without_a_relation_back_is_one_sided() {
        assert!(wallet_findings("").is_empty());
    }

    #[test]
    fn an_owning_side_naming_a_column_where_the_target_has_the_relation_back_is_flagged() {
        let found = wallet_findings(
            "  @OneToMany(() => Wallet, (wallet) => wallet.account)\n  wallets: Wallet[];\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "src/wallets/wallet.entity.ts");
        assert!(found[0].2.contains("is a column"), "{}", found[0].2);
        // The relation back exists: the message names it rather than asking for one.
        assert!(
            found[0]
                .2
                .ends_with("`Account.wallets` points back at `account`: name it"),
            "{}",
            found[0].2
        );
    }

    #[test]
    fn a_one_to_many_naming_a_column_is_flagged() {
        let found = wallet_findings(
            "  @OneToMany(() => Wallet, (wallet) => wallet.address)\n  wallets: Wallet[];\n",
        );
        // both sides: the wallet's `account.id` now disagrees with a relation back
        let on_account: Vec<_> = found
            .iter()
            .filter(|f| f.0 == "src/accounts/account.entity.ts")
            .collect();
        assert_eq!(on_account.len(), 1, "{found:?}");
        assert!(on_account[0].2.contains("`Wallet.address` is a column"));
    }
}
