//! Parity with `eslint-plugin-typeorm-typescript`: the example cases of its README, written
//! as our own fixtures, and what typeorm-lsp reports for each. Teams dropping the plugin
//! keep every finding it gave them:
//! - `enforce-column-types` -> TYP001 (database vs TypeScript type) and TYP002 (nullable);
//! - `enforce-relation-types` -> TYP003 (array-ness, target) and TYP002 (relation
//!   nullability; the implicit default only with `strictRelationNullability`);
//! - `enforce-consistent-nullability` (`specifyNullable`) is a style rule with no
//!   counterpart: we flag contradictions, not redundant or missing `nullable` keys.

use crate::config::Config;
use crate::rules::testing::*;

/// One plugin example: the members of an entity class and the codes we must report.
struct Case {
    body: &'static str,
    expect: &'static [&'static str],
    strict: bool,
}

const OTHER: &str = "import { Entity } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class Other extends ManagedEntity {}

@Entity()
export class Another extends ManagedEntity {}
";

fn entity(body: &str) -> String {
    format!(
        "import {{ Column, DeleteDateColumn, Entity, JoinColumn, JoinTable, ManyToMany, ManyToOne, OneToMany, OneToOne }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';
import {{ Other, Another }} from 'src/other/other.entity';

@Entity()
export class Thing extends ManagedEntity {{
{body}
}}
"
    )
}

const CASES: &[Case] = &[
    // enforce-column-types, incorrect.
    Case {
        body: "  @Column({ type: 'varchar' })\n  name: number;",
        expect: &["TYP001"],
        strict: false,
    },
    Case {
        body: "  @Column({ type: 'varchar', nullable: true })\n  name: string;",
        expect: &["TYP002"],
        strict: false,
    },
    Case {
        body: "  @DeleteDateColumn()\n  removedAt: Date;",
        expect: &["TYP002"],
        strict: false,
    },
    // enforce-column-types, correct.
    Case {
        body: "  @Column({ type: 'varchar' })\n  name: string;",
        expect: &[],
        strict: false,
    },
    Case {
        body: "  @Column({ type: 'varchar', nullable: true })\n  name: string | null;",
        expect: &[],
        strict: false,
    },
    // enforce-relation-types, incorrect (the implicit nullability needs the strict setting).
    Case {
        body: "  @OneToOne(() => Other)\n  @JoinColumn()\n  other: Other;",
        expect: &["TYP002"],
        strict: true,
    },
    Case {
        body: "  @OneToMany(() => Other, (other) => other.thing)\n  other: Other;",
        expect: &["TYP003"],
        strict: false,
    },
    Case {
        body: "  @ManyToOne(() => Other)\n  other: Other;",
        expect: &["TYP002"],
        strict: true,
    },
    Case {
        body: "  @ManyToMany(() => Other)\n  @JoinTable()\n  other: Other;",
        expect: &["TYP003"],
        strict: false,
    },
    Case {
        body: "  @OneToOne(() => Other)\n  @JoinColumn()\n  other: Another | null;",
        expect: &["TYP003"],
        strict: false,
    },
    // enforce-relation-types, correct (strict, the plugin's own default).
    Case {
        body: "  @OneToOne(() => Other)\n  @JoinColumn()\n  other: Other | null;",
        expect: &[],
        strict: true,
    },
    Case {
        body: "  @OneToOne(() => Other, { nullable: false })\n  @JoinColumn()\n  other: Other;",
        expect: &[],
        strict: true,
    },
    Case {
        body: "  @ManyToMany(() => Other)\n  @JoinTable()\n  others: Other[];",
        expect: &[],
        strict: true,
    },
];

fn typ_codes(case: &Case) -> Vec<&'static str> {
    let config = Config {
        strict_relation_nullability: case.strict,
        ..Config::default()
    };
    let text = entity(case.body);
    let ws = workspace_with(
        &[
            ("src/other/other.entity.ts", OTHER),
            ("src/things/thing.entity.ts", &text),
        ],
        config,
    );
    let mut codes: Vec<&'static str> = ws
        .check_all()
        .into_iter()
        .filter(|f| f.code.starts_with("TYP"))
        .map(|f| f.code)
        .collect();
    codes.sort_unstable();
    codes
}

#[test]
fn every_plugin_example_is_reported_the_same() {
    for case in CASES {
        assert_eq!(typ_codes(case), case.expect, "{}", case.body);
    }
}

#[test]
fn the_relation_nullability_default_is_opt_in() {
    let lenient = Case {
        body: "  @ManyToOne(() => Other)\n  other: Other;",
        expect: &[],
        strict: false,
    };
    assert_eq!(typ_codes(&lenient), lenient.expect);
}
