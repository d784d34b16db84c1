//! # REL003: relation-without-owner
//!
//! ## What it does
//! Flags a relation pair that no side owns:
//! - a `@OneToOne` with no `@JoinColumn` on either side,
//! - a `@ManyToMany` with no `@JoinTable` on either side,
//! - a `@OneToMany` whose target has no `@ManyToOne` pointing back.
//!
//! A bidirectional pair is reported once, on the side whose entity (then property) name
//! sorts first, so that the fix cannot make both sides owners.
//!
//! ## Why is this bad?
//! The owning side holds the foreign key (`@JoinColumn`) or declares the junction table
//! (`@JoinTable`). Without one, TypeORM creates no column or table for the relation: the
//! property is always empty, and saving it silently stores nothing. A `@OneToMany` cannot
//! exist without the `@ManyToOne` that holds the key.
//!
//! ## Example
//! ```ts
//! @ManyToMany(() => User)
//! managers: User[];
//! ```
//!
//! ## Fix
//! ```ts
//! @ManyToMany(() => User)
//! @JoinTable()
//! managers: User[];
//! ```
//! The quick fix adds `@JoinColumn()` / `@JoinTable()` after the relation decorator and
//! imports it from `typeorm`. A `@OneToMany` without its `@ManyToOne` has no automatic fix.

use super::target::{back_names, declared_relations, fully_known, points_back, relation_target};
use super::target::{relation_on_column, Declared, Target};
use crate::finding::{Finding, Fix, Severity, TextEdit};
use crate::model::{Entity, Relation, RelationKind};
use crate::rules::{edits, Ctx, RuleDef};

pub const RULE: RuleDef = RuleDef {
    code: "REL003",
    name: "relation-without-owner",
    summary: "A relation pair with no owning side (@JoinColumn, @JoinTable or @ManyToOne).",
    default_severity: Severity::Error,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let path = ctx.path(file);
    for declared in declared_relations(ctx, file) {
        let relation = declared.relation;
        let Target::Entity(target) = relation_target(ctx, file, relation) else {
            continue;
        };
        let names = back_names(ctx, &declared.owners);
        let message = match relation.kind {
            RelationKind::OneToMany => one_to_many(ctx, relation, target, &names),
            RelationKind::OneToOne | RelationKind::ManyToMany => {
                unowned_pair(ctx, &declared, target, &names)
            }
            RelationKind::ManyToOne => None,
        };
        let Some(message) = message else { continue };
        let mut finding =
            Finding::new(RULE.code, path.clone(), relation.name_span.clone(), message);
        if let Some(fix) = fix(ctx, file, relation) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}

/// The decorator that makes a side the owner of this kind of relation.
fn owner_decorator(kind: RelationKind) -> Option<&'static str> {
    match kind {
        RelationKind::OneToOne => Some("JoinColumn"),
        RelationKind::ManyToMany => Some("JoinTable"),
        _ => None,
    }
}

fn owns(relation: &Relation) -> bool {
    match relation.kind {
        RelationKind::OneToOne => relation.has_join_column,
        RelationKind::ManyToMany => relation.has_join_table,
        _ => true,
    }
}

fn one_to_many(
    ctx: &Ctx,
    relation: &Relation,
    target: &Entity,
    names: &super::target::Back,
) -> Option<String> {
    if !fully_known(target) {
        return None;
    }
    // TypeORM finds the inverse by its property name: a @ManyToOne of that name holds the
    // key even when it points at another entity (a view naming its table's inverse sides;
    // REL002 judges the pairing), and so does one on a property that is also a column.
    if let Some(inverse) = relation.inverse.as_deref() {
        let named = target
            .relation(inverse)
            .map(|r| r.kind)
            .or_else(|| relation_on_column(ctx, target, inverse));
        if named == Some(RelationKind::ManyToOne) {
            return None;
        }
    }
    // Relations of embedded classes (`(t) => t.extra.owner`) hold foreign keys too.
    let back = target
        .relations
        .iter()
        .chain(&target.embedded_relations)
        .any(|r| r.kind == RelationKind::ManyToOne && points_back(ctx, r, names));
    (!back).then(|| {
        format!(
            "@OneToMany `{}` has no @ManyToOne on `{}` pointing back: nothing holds the foreign key",
            relation.property, target.name
        )
    })
}

/// A `@OneToOne` / `@ManyToMany` that neither it nor its partner owns.
fn unowned_pair(
    ctx: &Ctx,
    declared: &Declared,
    target: &Entity,
    names: &super::target::Back,
) -> Option<String> {
    let relation = declared.relation;
    if owns(relation) || relation.options_opaque {
        return None;
    }
    let partner = partner(ctx, declared, target, names);
    match partner {
        Partner::Unknowable => return None,
        Partner::Found(p) if owns(p) => return None,
        Partner::Found(p) if !reported_here(declared, target, p) => return None,
        _ => {}
    }
    let decorator = owner_decorator(relation.kind)?;
    Some(format!(
        "@{} `{}` has no @{decorator} on either side: TypeORM creates no {} for it",
        relation.kind.decorator(),
        relation.property,
        if relation.kind == RelationKind::OneToOne {
            "join column"
        } else {
            "junction table"
        },
    ))
}

enum Partner<'a> {
    None,
    Found(&'a Relation),
    Unknowable,
}

/// The other side: the inverse this relation names, or a relation of the target that
/// names this one as its inverse.
fn partner<'a>(
    ctx: &Ctx,
    declared: &Declared,
    target: &'a Entity,
    names: &super::target::Back,
) -> Partner<'a> {
    let relation = declared.relation;
    if let Some(inverse) = relation.inverse.as_deref() {
        // A wrong inverse is REL002's business.
        return match target.relation(inverse) {
            Some(p) if p.kind == relation.kind => Partner::Found(p),
            _ => Partner::Unknowable,
        };
    }
    let found = target.relations.iter().find(|r| {
        r.kind == relation.kind
            && r.inverse.as_deref() == Some(relation.property.as_str())
            && points_back(ctx, r, names)
    });
    match found {
        Some(p) => Partner::Found(p),
        None if fully_known(target) => Partner::None,
        None => Partner::Unknowable,
    }
}

/// For a pair that neither side owns: report on the side whose (entity, property) sorts
/// first, so only one side gets the finding and its fix.
fn reported_here(declared: &Declared, target: &Entity, partner: &Relation) -> bool {
    let owner = declared
        .owners
        .first()
        .map(|e| e.name.as_str())
        .unwrap_or("");
    (owner, declared.relation.property.as_str())
        <= (target.name.as_str(), partner.property.as_str())
}

/// Adds `@JoinColumn()` / `@JoinTable()` on the line after the relation decorator.
fn fix(ctx: &Ctx, file: usize, relation: &Relation) -> Option<Fix> {
    let name = owner_decorator(relation.kind)?;
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors {
        return None;
    }
    let decorator = ctx.model.decorator_at(&relation.origin)?;
    let title = format!("Add @{name}() to `{}`", relation.property);
    ctx.edit_fix(
        title,
        || source.path.clone(),
        || {
            let text = source.text();
            let indent = edits::indentation_at(&text, decorator.span.start());
            let eol = edits::line_ending(&text);
            let mut list = vec![TextEdit {
                span: decorator.span.end()..decorator.span.end(),
                new_text: format!("{eol}{indent}@{name}()"),
            }];
            list.extend(edits::ensure_import(source, "typeorm", name));
            Some(list)
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const USER: &str = "import { Entity, ManyToMany, OneToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { Team } from 'src/teams/team.entity';

@Entity()
export class User extends ManagedEntity {
  @ManyToMany(() => Team, (team) => team.members)
  teams: Team[];

  @OneToOne(() => Team, (team) => team.lead)
  leads: Team;
}
";

    fn team(body: &str) -> String {
        format!(
            "import {{ Entity, ManyToMany, OneToMany, OneToOne }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';
import {{ User }} from 'src/users/user.entity';

@Entity()
export class Team extends ManagedEntity {{
{body}
}}
"
        )
    }

    fn rel003(body: &str) -> Vec<(String, usize, String)> {
        let text = team(body);
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            ("src/teams/team.entity.ts", &text),
        ]);
        lines(&ws, "REL003")
    }

    const OWNED: &str = "  @ManyToMany(() => User, (user) => user.teams)
  @JoinTable()
  members: User[];

  @OneToOne(() => User, (user) => user.leads)
  @JoinColumn()
  lead: User;";

    #[test]
    fn owned_pairs_are_fine() {
        assert!(rel003(OWNED).is_empty());
    }

    #[test]
    fn an_unowned_pair_is_reported_once() {
        let body = OWNED
            .replace("  @JoinTable()\n", "")
            .replace("  @JoinColumn()\n", "");
        let found = rel003(&body);
        assert_eq!(found.len(), 2, "{found:?}");
        // `Team.lead` < `User.leads`, `Team.members` < `User.teams`: reported on Team.
        assert!(
            found.iter().all(|f| f.0 == "src/teams/team.entity.ts"),
            "{found:?}"
        );
    }

    #[test]
    fn unidirectional_relations_need_an_owner() {
        let found = rel003("  @ManyToMany(() => User)\n  watchers: User[];\n\n  @OneToOne(() => User)\n  owner: User;");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].2.contains("junction table"));
        assert!(found[1].2.contains("join column"));
    }

    #[test]
    fn one_to_many_needs_a_many_to_one_back() {
        let found = rel003(&format!(
            "{OWNED}\n\n  @OneToMany(() => User, (user) => user.teams)\n  users: User[];"
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, 16);
    }

    #[test]
    fn a_target_resolves_through_the_import_between_same_named_entities() {
        // `src/legacy/` sorts first and its `Member` has no way back; the team imports the
        // other one, which has the `@ManyToOne`.
        let legacy = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('legacy_members')
export class Member {
  @PrimaryGeneratedColumn()
  id: number;
}
";
        let member = "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Team } from 'src/teams/team.entity';

@Entity('members')
export class Member {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => Team, (team) => team.members)
  team: Team;
}
";
        let team = "import { Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Member } from 'src/teams/member.entity';

@Entity('teams')
export class Team {
  @PrimaryGeneratedColumn()
  id: number;

  @OneToMany(() => Member, (member) => member.team)
  members: Member[];
}
";
        let ws = workspace(&[
            ("src/legacy/member.entity.ts", legacy),
            ("src/teams/member.entity.ts", member),
            ("src/teams/team.entity.ts", team),
        ]);
        assert!(
            lines(&ws, "REL003").is_empty(),
            "{:?}",
            lines(&ws, "REL003")
        );
        assert!(
            lines(&ws, "REL002").is_empty(),
            "{:?}",
            lines(&ws, "REL002")
        );
    }

    /// A view that mirrors `Invoice` and names `Invoice`'s inverse sides; a line whose
    /// relation decorator sits on a property that is also a column.
    const INVOICE: &str = "import { Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { InvoiceLine } from 'src/billing/invoice-line.entity';

@Entity()
export class Invoice {
  @PrimaryGeneratedColumn()
  id: number;

  @OneToMany(() => InvoiceLine, (line) => line.invoiceId)
  lines: InvoiceLine[];
}
";
    const INVOICE_LINE: &str =
        "import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Invoice } from 'src/billing/invoice.entity';

@Entity()
export class InvoiceLine {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => Invoice, (invoice) => invoice.lines)
  @JoinColumn({ name: 'invoiceId' })
  @Column()
  invoiceId: number;

  @ManyToOne(() => Invoice)
  invoice: Invoice;
}
";
    const INVOICE_VIEW: &str = "import { OneToMany, PrimaryColumn, ViewEntity } from 'typeorm';
import { InvoiceLine } from 'src/billing/invoice-line.entity';

@ViewEntity({ expression: 'SELECT id FROM invoice' })
export class InvoiceView {
  @PrimaryColumn()
  id: number;

  @OneToMany(() => InvoiceLine, (line) => line.invoice)
  lines: InvoiceLine[];
}
";

    #[test]
    fn an_inverse_named_by_property_holds_the_key() {
        let ws = workspace(&[
            ("src/billing/invoice.entity.ts", INVOICE),
            ("src/billing/invoice-line.entity.ts", INVOICE_LINE),
            ("src/billing/invoice-view.entity.ts", INVOICE_VIEW),
        ]);
        assert!(lines(&ws, "REL003").is_empty());
        assert!(
            lines(&ws, "REL002").is_empty(),
            "{:?}",
            lines(&ws, "REL002")
        );
    }

    #[test]
    fn a_function_returning_the_inverse_name_is_read() {
        let circle =
            "import { Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Member } from 'src/circles/member.entity';

@Entity()
export class Circle {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToMany(() => Member, () => 'circles')
  @JoinTable()
  members: Promise<Member[]>;
}
";
        let member = "import { Entity, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Circle } from 'src/circles/circle.entity';

@Entity()
export class Member {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToMany(() => Circle, () => 'members')
  circles: Promise<Circle[]>;
}
";
        let ws = workspace(&[
            ("src/circles/circle.entity.ts", circle),
            ("src/circles/member.entity.ts", member),
        ]);
        assert!(lines(&ws, "REL003").is_empty());
        assert!(lines(&ws, "REL002").is_empty());
        let wrong = member.replace("'members'", "'memberz'");
        let ws = workspace(&[
            ("src/circles/circle.entity.ts", circle),
            ("src/circles/member.entity.ts", &wrong),
        ]);
        assert_eq!(lines(&ws, "REL002").len(), 1);
    }

    #[test]
    fn fix_adds_join_table_and_import() {
        let text = team("  @ManyToMany(() => User)\n  watchers: User[];");
        let files = [
            ("src/users/user.entity.ts", USER),
            ("src/teams/team.entity.ts", text.as_str()),
        ];
        let out = assert_fix_is_clean(&files, "REL003", "src/teams/team.entity.ts");
        let expected = team("  @ManyToMany(() => User)\n  @JoinTable()\n  watchers: User[];")
            .replace(
                "ManyToMany, OneToMany, OneToOne }",
                "ManyToMany, OneToMany, OneToOne, JoinTable }",
            );
        assert_eq!(out, expected);
    }
}
