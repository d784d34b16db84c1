//! # SD003: hard-delete-of-soft-deletable
//!
//! ## What it does
//! Flags a hard delete of a soft-deletable entity: `repo.delete(...)`, `repo.remove(...)`,
//! `manager.delete(Entity, ...)`, `manager.remove(Entity, ...)`, ActiveRecord
//! `Entity.delete(...)`, and a QueryBuilder `.delete()` on such an entity (`repo
//! .createQueryBuilder().delete()`, `createQueryBuilder().delete().from(Entity)`).
//! Tests, migrations and seeders are skipped, and so is a hard delete the code chose on
//! purpose through a flag: the branch of `if (forceDelete)` or of `hardDelete ? ... : ...`
//! (a condition that is a bare flag named `force*`, `hard*` or `permanent*`), where the
//! other branch soft-deletes. A QueryBuilder `.delete().from(Entity)` deletes from
//! `Entity`, whatever repository the builder came from.
//!
//! ## Why is this bad?
//! The entity is soft-deletable: the rest of the application expects its rows to stay,
//! marked by the soft-delete column (for audits, restores, and foreign keys of other rows
//! that still point at them). A hard delete removes the row for good, fires `ON DELETE`
//! actions, and bypasses the convention.
//!
//! ## Example
//! ```ts
//! await this.cartRepo.delete({ id: cartId });
//! ```
//!
//! ## Fix
//! ```ts
//! await this.cartRepo.softDelete({ id: cartId });
//! ```
//! The quick fix renames the call: `delete` -> `softDelete`, `remove` -> `softRemove`,
//! QueryBuilder `.delete()` -> `.softDelete()`. It is offered as an **unsafe** fix (editor
//! only, not applied by `check --fix`): it changes behaviour beyond the row staying (no
//! `ON DELETE CASCADE` on children, `@BeforeSoftRemove` instead of `@BeforeRemove`
//! subscribers, an `UpdateResult` instead of a `DeleteResult`), and a hard delete can be
//! deliberate (erasure requests), which deserves a suppression with a reason instead.
//! Where the soft-delete column is a plain `@Column`, `softDelete` would throw
//! (TypeORM needs a `@DeleteDateColumn`), so no fix is offered.

use crate::finding::{Applicability, FileChange, Finding, Severity, Span, TextEdit};
use crate::model::{Entity, SoftDelete};
use crate::rules::{Ctx, RuleDef};
use crate::syntax::{QueryBuilderChain, Value};
use std::path::Path;

pub const RULE: RuleDef = RuleDef {
    code: "SD003",
    name: "hard-delete-of-soft-deletable",
    summary:
        "A hard delete (`delete`, `remove`, QueryBuilder `.delete()`) of a soft-deletable entity.",
    default_severity: Severity::Warning,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    if ctx.is_test_or_migration(file) {
        return;
    }
    let Some(source) = ctx.file(file) else {
        return;
    };
    let path = ctx.path(file);
    for call in &source.facts.query_calls {
        if !matches!(call.method.as_str(), "delete" | "remove") {
            continue;
        }
        if chosen_by_force_flag(&source.text(), call.method_span.start()) {
            continue;
        }
        if let Some(entity) = ctx
            .call_entity(file, call)
            .filter(|e| e.is_soft_deletable())
        {
            out.push(finding(
                ctx,
                &path,
                call.method_span.range(),
                &call.method,
                entity,
            ));
        }
    }
    for chain in &source.facts.query_builders {
        let Some(entity) = delete_target(ctx, file, chain).filter(|e| e.is_soft_deletable()) else {
            continue;
        };
        for call in chain.calls.iter().filter(|c| c.method == "delete") {
            if chosen_by_force_flag(&source.text(), call.method_span.start()) {
                continue;
            }
            out.push(finding(
                ctx,
                &path,
                call.method_span.range(),
                "delete",
                entity,
            ));
        }
    }
}

/// The table a QueryBuilder delete runs on: TypeORM's `.from(Entity)` replaces the main
/// alias, so `repo.createQueryBuilder().delete().from(Other)` deletes from `Other`.
fn delete_target<'a>(ctx: &Ctx<'a>, file: usize, chain: &QueryBuilderChain) -> Option<&'a Entity> {
    let from = chain
        .calls
        .iter()
        .skip_while(|c| c.method != "delete")
        .find(|c| c.method == "from")
        .and_then(|c| c.args.first())
        .and_then(|a| match &a.value {
            Value::Ident(name) => ctx.entity_in(file, name),
            _ => None,
        });
    from.or_else(|| ctx.chain_entity(file, chain))
}

/// Whether the hard delete at `at` is the chosen branch of a force flag: it follows, within
/// a few lines, `if (forceDelete) {` or `forceDelete ?` (a bare identifier whose name starts
/// with `force`, `hard` or `permanent`). The code then already decides between a soft and a
/// hard delete, and rewriting it to a soft one would break the feature.
fn chosen_by_force_flag(text: &str, at: usize) -> bool {
    let Some(before) = text.get(..at) else {
        return false;
    };
    // The window: the call's own line and the six lines above it (a log call may sit
    // between the `if` and the delete).
    let start = before
        .rmatch_indices('\n')
        .nth(6)
        .map(|(i, _)| i + 1)
        .unwrap_or(0);
    let window = &before[start..];
    let words = identifiers(window);
    words.iter().any(|(i, word)| {
        let lower = word.to_ascii_lowercase();
        if !["force", "hard", "permanent"]
            .iter()
            .any(|p| lower.starts_with(p))
        {
            return false;
        }
        let after = window[i + word.len()..].trim_start();
        let pre = window[..*i].trim_end();
        let in_if = pre.ends_with('(')
            && pre[..pre.len() - 1].trim_end().ends_with("if")
            && after.starts_with(')');
        let ternary =
            after.starts_with('?') && !after.starts_with("?.") && !after.starts_with("??");
        in_if || ternary
    })
}

/// The identifiers of `text` with their byte offsets.
fn identifiers(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word = c.is_ascii_alphanumeric() || c == '_' || c == '$';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

fn finding(ctx: &Ctx, path: &Path, span: Span, method: &str, entity: &Entity) -> Finding {
    let soft = soft_method(method);
    let message = format!(
        "`{method}` hard-deletes rows of soft-deletable `{}`: use `{soft}`, or suppress with a reason if the row must go",
        entity.name
    );
    let mut f = Finding::new(RULE.code, path.to_path_buf(), span.clone(), message);
    if matches!(entity.soft_delete, Some(SoftDelete::Automatic { .. })) {
        let changes = || {
            Some(vec![FileChange::Edit {
                path: path.to_path_buf(),
                edits: vec![TextEdit {
                    span,
                    new_text: soft.to_string(),
                }],
            }])
        };
        if let Some(fix) = ctx.fix(
            format!("Rewrite to `{soft}`"),
            Applicability::Unsafe,
            changes,
        ) {
            f = f.with_fix(fix);
        }
    }
    f
}

fn soft_method(method: &str) -> &'static str {
    match method {
        "remove" => "softRemove",
        _ => "softDelete",
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const CART: &str = "import { Entity, Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class Cart extends ManagedEntity {
  @Column()
  token: string;
}
";

    const TAG: &str = "import { Entity, Column, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Tag {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ nullable: true })
  deleted: Date;
}
";

    const LOG: &str = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Log {
  @PrimaryGeneratedColumn()
  id: number;
}
";

    fn service(body: &str) -> String {
        format!(
            "import {{ InjectRepository }} from '@nestjs/typeorm';
import {{ DataSource, EntityManager, Repository }} from 'typeorm';
import {{ Cart }} from 'src/carts/cart.entity';
import {{ Tag }} from 'src/tags/tag.entity';
import {{ Log }} from 'src/logs/log.entity';

export class S {{
  constructor(
    @InjectRepository(Cart) private readonly carts: Repository<Cart>,
    @InjectRepository(Tag) private readonly tags: Repository<Tag>,
    @InjectRepository(Log) private readonly logs: Repository<Log>,
    private readonly dataSource: DataSource,
  ) {{}}

  async run(id: string, cart: Cart, manager: EntityManager) {{
{body}
  }}
}}
"
        )
    }

    fn files(text: &str) -> Vec<(&'static str, String)> {
        vec![
            ("src/carts/cart.entity.ts", CART.to_string()),
            ("src/tags/tag.entity.ts", TAG.to_string()),
            ("src/logs/log.entity.ts", LOG.to_string()),
            ("src/s.ts", text.to_string()),
        ]
    }

    fn sd003(body: &str) -> Vec<usize> {
        let text = service(body);
        let owned = files(&text);
        let refs: Vec<(&str, &str)> = owned.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let ws = workspace(&refs);
        lines(&ws, "SD003").into_iter().map(|(_, l, _)| l).collect()
    }

    #[test]
    fn flags_repository_manager_and_query_builder_deletes() {
        let found = sd003(
            "    await this.carts.delete({ id });
    await this.carts.remove(cart);
    await manager.delete(Cart, { id });
    await this.dataSource.createQueryBuilder().delete().from(Cart).where('id = :id', { id }).execute();
    await this.carts.createQueryBuilder()
      .delete()
      .where('id = :id', { id })
      .execute();
    await this.tags.delete(id);",
        );
        assert_eq!(found, vec![16, 17, 18, 19, 21, 24]);
    }

    #[test]
    fn ignores_soft_deletes_and_entities_without_soft_delete() {
        let found = sd003(
            "    await this.carts.softDelete({ id });
    await this.carts.softRemove(cart);
    await this.logs.delete({ id });
    await this.dataSource.createQueryBuilder().delete().from(Log).execute();",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn fix_renames_to_the_soft_variant_and_is_unsafe() {
        let body = "    await this.carts.delete({ id });
    await this.carts.remove(cart);
    await this.carts.createQueryBuilder().delete().where('id = :id', { id }).execute();
    await this.tags.delete(id);";
        let text = service(body);
        let owned = files(&text);
        let refs: Vec<(&str, &str)> = owned.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let fixed = assert_fix_is_clean(&refs, "SD003", "src/s.ts");
        let expected = service(
            "    await this.carts.softDelete({ id });
    await this.carts.softRemove(cart);
    await this.carts.createQueryBuilder().softDelete().where('id = :id', { id }).execute();
    await this.tags.delete(id);",
        );
        assert_eq!(fixed, expected);
        let ws = workspace(&refs);
        assert!(!all_safe(&ws, "SD003"));
        let plain = findings(&ws, "SD003")
            .into_iter()
            .filter(|f| f.fixes.is_empty())
            .count();
        assert_eq!(
            plain, 1,
            "no fix where the soft-delete column is a plain column"
        );
    }

    #[test]
    fn custom_repositories_inside_and_out() {
        let repo = "import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { Cart } from 'src/carts/cart.entity';

@Injectable()
export class CartRepository extends Repository<Cart> {
  constructor(dataSource: DataSource) {
    super(Cart, dataSource.createEntityManager());
  }

  async purge(token: string) {
    await this.delete({ token });
  }
}
";
        let user = "import { Injectable } from '@nestjs/common';
import { CartRepository } from 'src/carts/cart.repository';

@Injectable()
export class CartJanitor {
  constructor(private readonly carts: CartRepository) {}

  async run(id: string) {
    await this.carts.delete(id);
  }
}
";
        let ws = workspace(&[
            ("src/carts/cart.entity.ts", CART),
            ("src/carts/cart.repository.ts", repo),
            ("src/carts/cart-janitor.ts", user),
        ]);
        let found: Vec<(String, usize)> = lines(&ws, "SD003")
            .into_iter()
            .map(|(p, l, _)| (p, l))
            .collect();
        assert_eq!(
            found,
            vec![
                ("src/carts/cart-janitor.ts".to_string(), 9),
                ("src/carts/cart.repository.ts".to_string(), 12),
            ]
        );
    }

    #[test]
    fn tests_are_skipped() {
        let text = service("    await this.carts.delete({ id });");
        let mut owned = files(&text);
        if let Some(last) = owned.last_mut() {
            last.0 = "src/s.spec.ts";
        }
        let refs: Vec<(&str, &str)> = owned.iter().map(|(p, t)| (*p, t.as_str())).collect();
        assert!(lines(&workspace(&refs), "SD003").is_empty());
    }

    #[test]
    fn a_hard_delete_chosen_by_a_force_flag_is_deliberate() {
        // The shape of a bulk-delete handler that offers both: the flag picks the branch.
        let found = sd003(
            "    if (!forceDelete) {
      await this.carts.delete({ id });
    }
    const forceDelete = id === 'x';
    if (forceDelete) {
      console.log(
        'hard removing',
        id
      );
      return await this.carts.remove(cart);
    } else {
      return await this.carts.softRemove(cart);
    }
    const permanently = !!id;
    await (permanently ? this.carts.delete({ id }) : this.carts.softDelete({ id }));
    if (forcedOut) {
      await this.carts.delete({ id });
    }",
        );
        // A negated flag guards the soft path: the hard delete under it is reported.
        assert_eq!(found, vec![17], "{found:?}");
    }

    #[test]
    fn query_builder_delete_from_names_the_table() {
        let body = "    await this.logs.createQueryBuilder().delete().from(Cart).where('id = :id', { id }).execute();
    await this.carts.createQueryBuilder().delete().from(Log).where('id = :id', { id }).execute();";
        let text = service(body);
        let owned = files(&text);
        let refs: Vec<(&str, &str)> = owned.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let ws = workspace(&refs);
        let found = findings(&ws, "SD003");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("`Cart`"), "{}", found[0].message);
    }
}
