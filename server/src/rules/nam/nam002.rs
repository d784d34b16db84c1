//! # NAM002: entity-naming
//!
//! ## What it does
//! Flags an entity class whose name is not PascalCase (`fulfillment_log`), and a column or
//! relation property whose name is not camelCase (`ean_code`). Where 90% or more of the
//! workspace's multi-word property names (of at least ten) are snake_case, that is the
//! style and camelCase names are the odd ones out; `"propertyNaming"` in
//! `typeorm-lsp.json` sets the style instead. Only names declared in the
//! file are reported (an inherited column is reported where it is declared). MongoDB's
//! `_id` (`@ObjectIdColumn`) is exempt, and so is the leading underscore of a backing field
//! (`private _title` behind `get title()`).
//!
//! ## Why is this bad?
//! Class and property names become table and column names through the naming strategy,
//! and appear in every query. Mixed conventions make queries guesswork
//! (`order.ean_code` next to `order.createdAt`) and let two spellings of one concept live
//! side by side.
//!
//! ## Example
//! ```ts
//! @Entity()
//! export class fulfillment_log extends ManagedEntity {
//!   @Column({ nullable: true })
//!   ean_code: string | null;
//! }
//! ```
//!
//! ## Fix
//! None: rename with the TypeScript server (it updates every reference), and keep the
//! database name with `@Entity('fulfillment_log')` / `@Column({ name: 'ean_code' })`.

use crate::config::PropertyNaming;
use crate::finding::{Finding, Severity, Span};
use crate::model::{naming, property_style, ColumnKind, Entity, EntityKind};
use crate::rules::{Ctx, RuleDef};
use std::collections::HashSet;

pub const RULE: RuleDef = RuleDef {
    code: "NAM002",
    name: "entity-naming",
    summary:
        "An entity class not in PascalCase, or a column or relation property not in camelCase.",
    default_severity: Severity::Info,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let path = ctx.path(file);
    let style = workspace_style(ctx);
    let mut seen: HashSet<usize> = HashSet::new();
    for entity in ctx.model.entities_touching(file) {
        if entity.kind == EntityKind::Schema {
            continue;
        }
        if entity.file == file
            && !naming::is_pascal_case(&entity.name)
            && seen.insert(entity.name_span.start)
        {
            let message = format!("Entity class `{}` is not PascalCase", entity.name);
            out.push(Finding::new(
                RULE.code,
                path.clone(),
                entity.name_span.clone(),
                message,
            ));
        }
        for (what, name, span) in members_declared_in(entity, file) {
            // `private _title` behind `get title()`: the underscore marks a backing field
            if !property_style::follows(style, name) && seen.insert(span.start) {
                let message = format!(
                    "{what} `{name}` of `{}` is not {}{}",
                    entity.name,
                    style.label(),
                    if style == PropertyNaming::SnakeCase {
                        " (the style of this workspace's properties)"
                    } else {
                        ""
                    }
                );
                out.push(Finding::new(RULE.code, path.clone(), span.clone(), message));
            }
        }
    }
}

/// The configured property style, else the one most of the workspace's names share.
pub fn workspace_style(ctx: &Ctx) -> PropertyNaming {
    ctx.config
        .property_naming
        .unwrap_or_else(|| ctx.model.property_names.dominant())
}

/// Columns and relations of the entity that `file` declares: (kind, name, name span).
fn members_declared_in(entity: &Entity, file: usize) -> Vec<(&'static str, &str, &Span)> {
    let columns = entity
        .columns
        .iter()
        .filter(|c| c.origin.file == file && c.kind != ColumnKind::ObjectId)
        .map(|c| ("Column", c.property.as_str(), &c.name_span));
    let relations = entity
        .relations
        .iter()
        .filter(|r| r.origin.file == file)
        .map(|r| ("Relation", r.property.as_str(), &r.name_span));
    columns.chain(relations).collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn a_backing_field_behind_an_accessor_may_start_with_an_underscore() {
        let text = "import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity()
export class Badge {
  @PrimaryColumn('binary', { length: 16 })
  private _id: Buffer;

  @Column()
  private _label: string;

  get label(): string {
    return this._label;
  }
}
";
        let ws = workspace(&[("src/badge.entity.ts", text)]);
        assert!(lines(&ws, "NAM002").is_empty());
    }

    #[test]
    fn flags_class_and_property_names() {
        let text = "import { Column, Entity, ManyToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class fulfillment_log extends ManagedEntity {
  @Column({ nullable: true })
  ean_code: string | null;

  @ManyToOne(() => fulfillment_log)
  Parent: fulfillment_log;

  @Column()
  trackingNumber: string;

  helper_field = 1;
}
";
        let ws = workspace(&[("src/fulfillment-log.entity.ts", text)]);
        let found = lines(&ws, "NAM002");
        let at: Vec<usize> = found.iter().map(|f| f.1).collect();
        assert_eq!(at, vec![5, 7, 10], "{found:?}");
        assert!(found[1].2.contains("Column `ean_code`"));
        assert!(found[2].2.contains("Relation `Parent`"));
    }

    #[test]
    fn reports_inherited_columns_once_where_declared() {
        let base = "import { Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
export abstract class Owned extends ManagedEntity {
  @Column()
  owner_id: string;
}
";
        let a = "import { Entity } from 'typeorm';\nimport { Owned } from 'src/owned';\n@Entity()\nexport class A extends Owned {}\n";
        let b = "import { Entity } from 'typeorm';\nimport { Owned } from 'src/owned';\n@Entity()\nexport class B extends Owned {}\n";
        let ws = workspace(&[("src/owned.ts", base), ("src/a.ts", a), ("src/b.ts", b)]);
        let found = lines(&ws, "NAM002");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "src/owned.ts");
    }

    #[test]
    fn accepts_conventional_names_and_mongo_ids() {
        let text = "import { Column, Entity, ObjectIdColumn } from 'typeorm';
@Entity()
export class UserProfile {
  @ObjectIdColumn()
  _id: string;
  @Column()
  displayName: string;
}
";
        assert!(lines(
            &workspace(&[("src/user-profile.entity.ts", text)]),
            "NAM002"
        )
        .is_empty());
    }

    /// An entity whose properties mirror an API's snake_case JSON, with one camelCase name.
    fn snake_entity() -> String {
        let mut body = String::new();
        for i in 0..10 {
            body.push_str(&format!("  @Column()\n  field_number_{i}: string;\n\n"));
        }
        format!(
            "import {{ Column, Entity, PrimaryColumn }} from 'typeorm';

@Entity()
export class Guild {{
  @PrimaryColumn()
  id: string;

{body}  @Column()
  ownerId: string;
}}
"
        )
    }

    #[test]
    fn a_snake_case_workspace_flags_the_camel_case_names() {
        let text = snake_entity();
        let ws = workspace(&[("src/guild.entity.ts", &text)]);
        let found = lines(&ws, "NAM002");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .2
                .contains("`ownerId` of `Guild` is not snake_case"),
            "{}",
            found[0].2
        );
    }

    #[test]
    fn the_configured_property_style_wins() {
        let text = snake_entity();
        let config = crate::config::Config {
            property_naming: Some(crate::config::PropertyNaming::CamelCase),
            ..crate::config::Config::default()
        };
        let ws = workspace_with(&[("src/guild.entity.ts", &text)], config);
        assert_eq!(lines(&ws, "NAM002").len(), 10);
    }
}
