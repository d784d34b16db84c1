//! # REL001: unknown-relation-target
//!
//! ## What it does
//! Flags a relation (`@ManyToOne`, `@OneToMany`, `@OneToOne`, `@ManyToMany`) whose target,
//! `() => Foo` or `'Foo'`, is no entity of the workspace: an interface, a plain class, an
//! embedded value class, or a name that no `@Entity` (or `EntitySchema`) carries. Imports
//! that rename (`import { User as Account }`) are followed.
//!
//! Not flagged: targets imported from packages outside the workspace (they may well be
//! entities of a shared library).
//!
//! ## Why is this bad?
//! TypeORM only finds out when it builds its metadata at startup
//! (`Entity metadata for Refund#amount was not found`), so the application crashes on boot,
//! often only in the environment that loads that module.
//!
//! ## Example
//! ```ts
//! export class Money { amount: string; currency: string; } // not an entity
//!
//! @Entity()
//! export class Refund extends ManagedEntity {
//!   @OneToOne(() => Money)
//!   @JoinColumn()
//!   amount: Money;
//! }
//! ```
//!
//! ## Fix
//! None automatic: point the relation at an entity, or store the value as an embedded
//! column (`@Column(() => Money)`) or a `jsonb` column.

use super::target::{declared_relations, relation_target, Target};
use crate::finding::{Finding, Severity};
use crate::rules::{Ctx, RuleDef};

pub const RULE: RuleDef = RuleDef {
    code: "REL001",
    name: "unknown-relation-target",
    summary: "A relation whose target is no entity of the workspace.",
    default_severity: Severity::Error,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let path = ctx.path(file);
    for declared in declared_relations(ctx, file) {
        let relation = declared.relation;
        if !matches!(relation_target(ctx, file, relation), Target::NotEntity) {
            continue;
        }
        let target = relation.target.as_deref().unwrap_or("?");
        let message = format!(
            "`{}` targets `{target}`, which is not an entity of the workspace: TypeORM fails at startup",
            relation.property
        );
        out.push(Finding::new(
            RULE.code,
            path.clone(),
            relation.name_span.clone(),
            message,
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const USER: &str = "import { Entity, Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class User extends ManagedEntity {
  @Column()
  email: string;
}
";

    fn post(imports: &str, relation: &str) -> String {
        format!(
            "import {{ Entity, ManyToOne, OneToOne, JoinColumn }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';
{imports}

@Entity()
export class Post extends ManagedEntity {{
  {relation}
  target: unknown;
}}
"
        )
    }

    fn rel001(imports: &str, relation: &str) -> Vec<(String, usize, String)> {
        let money =
            "export class Money { amount: string; }\nexport interface Badge { code: string; }\n";
        let text = post(imports, relation);
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            ("src/common/money.ts", money),
            ("src/posts/post.entity.ts", &text),
        ]);
        lines(&ws, "REL001")
    }

    #[test]
    fn flags_a_plain_class_target() {
        let found = rel001(
            "import { Money } from 'src/common/money';",
            "@OneToOne(() => Money)\n  @JoinColumn()",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, 9);
        assert!(found[0].2.contains("`Money`"));
    }

    #[test]
    fn a_target_read_off_require_resolves_through_that_module() {
        // `() => require('./message').Message` dodges a circular import (seen on a real
        // codebase); the target is the module's export.
        let found = rel001(
            "",
            "@OneToOne(() => require('src/common/money').Money)\n  @JoinColumn()",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].2.contains("`Money`"), "{}", found[0].2);
        let entity = rel001(
            "",
            "@OneToOne(() => require('src/users/user.entity').User)\n  @JoinColumn()",
        );
        assert!(entity.is_empty(), "{entity:?}");
    }

    #[test]
    fn a_barrel_that_re_exports_a_package_may_hold_the_entity() {
        let barrel = "export * from '@acme/shared-entities';\nexport * from 'src/common/money';\n";
        let run = |imports: &str, relation: &str| {
            let text = post(imports, relation);
            let ws = workspace(&[
                ("src/users/user.entity.ts", USER),
                (
                    "src/common/money.ts",
                    "export class Money { amount: string; }\n",
                ),
                ("src/common/index.ts", barrel),
                ("src/posts/post.entity.ts", &text),
            ]);
            lines(&ws, "REL001")
        };
        assert!(
            run(
                "import { Account } from 'src/common';",
                "@ManyToOne(() => Account)"
            )
            .is_empty(),
            "Account may come from the package behind the barrel"
        );
        assert_eq!(
            run(
                "import { Money } from 'src/common';",
                "@ManyToOne(() => Money)"
            )
            .len(),
            1,
            "Money is a plain class the barrel re-exports"
        );
    }

    #[test]
    fn flags_interfaces_and_unknown_string_targets() {
        let found = rel001(
            "import { Badge } from 'src/common/money';",
            "@ManyToOne(() => Badge)",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            rel001("", "@ManyToOne('Badge')").len(),
            0,
            "untraceable string: silent"
        );
        assert_eq!(
            rel001("", "@ManyToOne('Money')").len(),
            1,
            "a class of the workspace"
        );
    }

    #[test]
    fn accepts_entities_in_every_form() {
        for (imports, relation) in [
            (
                "import { User } from 'src/users/user.entity';",
                "@ManyToOne(() => User)",
            ),
            ("", "@ManyToOne('User')"),
            (
                "import { User as Author } from 'src/users/user.entity';",
                "@ManyToOne(() => Author)",
            ),
            (
                "import * as users from 'src/users/user.entity';",
                "@ManyToOne(() => users.User)",
            ),
        ] {
            assert!(rel001(imports, relation).is_empty(), "{relation}");
        }
    }

    #[test]
    fn ignores_targets_from_packages() {
        assert!(rel001(
            "import { Tenant } from '@acme/tenancy';",
            "@ManyToOne(() => Tenant)"
        )
        .is_empty());
    }
}
