//! # SD002: with-deleted
//!
//! ## What it does
//! Points out queries that include soft-deleted rows on purpose: `withDeleted: true` in
//! find options, and `.withDeleted()` on a QueryBuilder. Queries on an entity known not
//! to be soft-deletable are left alone (the option does nothing there), and so are tests,
//! migrations and seeders (a test of soft delete reads deleted rows on purpose).
//!
//! ## Why is this bad?
//! It is not always wrong (admin screens, restores, audits), but every such query returns
//! rows that the rest of the application treats as gone. Each one deserves a reviewed,
//! written reason, so that a copy-pasted `withDeleted` does not leak deleted data.
//!
//! ## Example
//! ```ts
//! return this.userRepo.findOne({ where: { id }, withDeleted: true });
//! ```
//!
//! ## Fix
//! ```ts
//! // typeorm-lsp-ignore SD002: support agents look up closed accounts
//! return this.userRepo.findOne({ where: { id }, withDeleted: true });
//! ```
//! Suppress with a reason (the editor offers the suppression as a code action).

use crate::finding::{Finding, Severity};
use crate::rules::{Ctx, RuleDef};
use crate::syntax::Value;

pub const RULE: RuleDef = RuleDef {
    code: "SD002",
    name: "with-deleted",
    summary: "`withDeleted` includes soft-deleted rows: on purpose?",
    default_severity: Severity::Info,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    // A test of soft delete reads deleted rows to prove they are there: that is its point.
    if ctx.is_test_or_migration(file) {
        return;
    }
    let Some(source) = ctx.file(file) else {
        return;
    };
    let path = ctx.path(file);
    for call in &source.facts.query_calls {
        if ctx
            .call_entity(file, call)
            .is_some_and(|e| !e.is_soft_deletable())
        {
            continue;
        }
        for arg in &call.args {
            let Some(props) = arg.value.as_object() else {
                continue;
            };
            let with_deleted = props
                .iter()
                .rev()
                .find(|p| p.key == "withDeleted")
                .filter(|p| p.value.value.as_bool() == Some(true));
            if let Some(prop) = with_deleted {
                out.push(finding(&path, prop.key_span.range(), &call.method));
            }
        }
    }
    for chain in &source.facts.query_builders {
        if ctx
            .chain_entity(file, chain)
            .is_some_and(|e| !e.is_soft_deletable())
        {
            continue;
        }
        for call in chain.calls.iter().filter(|c| c.method == "withDeleted") {
            // `.withDeleted(false)` is not a request for deleted rows.
            if matches!(
                call.args.first().map(|a| &a.value),
                Some(Value::Bool(false))
            ) {
                continue;
            }
            out.push(finding(
                &path,
                call.method_span.range(),
                "createQueryBuilder",
            ));
        }
    }
}

fn finding(path: &std::path::Path, span: crate::finding::Span, method: &str) -> Finding {
    Finding::new(
        RULE.code,
        path.to_path_buf(),
        span,
        format!("`{method}` includes soft-deleted rows (`withDeleted`): suppress with a reason if this is on purpose"),
    )
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

    const TAG: &str = "import { Entity, Column, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Tag {
  @PrimaryGeneratedColumn()
  id: number;
}
";

    fn sd002(body: &str) -> Vec<(usize, String)> {
        sd002_in("src/s.ts", body)
    }

    fn sd002_in(path: &str, body: &str) -> Vec<(usize, String)> {
        let text = format!(
            "import {{ InjectRepository }} from '@nestjs/typeorm';
import {{ Repository }} from 'typeorm';
import {{ User }} from 'src/users/user.entity';
import {{ Tag }} from 'src/tags/tag.entity';

export class S {{
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Tag) private readonly tags: Repository<Tag>,
  ) {{}}

  async run(id: string) {{
{body}
  }}
}}
"
        );
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            ("src/tags/tag.entity.ts", TAG),
            (path, text.as_str()),
        ]);
        lines(&ws, "SD002")
            .into_iter()
            .map(|(_, l, m)| (l, m))
            .collect()
    }

    #[test]
    fn flags_find_options_and_query_builder() {
        let found = sd002(
            "    await this.users.findOne({ where: { id }, withDeleted: true });
    await this.users
      .createQueryBuilder('u')
      .withDeleted()
      .getMany();",
        );
        let lines: Vec<usize> = found.iter().map(|f| f.0).collect();
        assert_eq!(lines, vec![13, 16]);
    }

    #[test]
    fn tests_of_soft_delete_are_left_alone() {
        let body = "    await this.users.find({ withDeleted: true });";
        assert_eq!(sd002(body).len(), 1);
        for path in ["test/functional/soft-delete/s.ts", "src/users/s.spec.ts"] {
            assert!(sd002_in(path, body).is_empty(), "{path}");
        }
    }

    #[test]
    fn ignores_false_and_entities_without_soft_delete() {
        let found = sd002(
            "    await this.users.find({ withDeleted: false });
    await this.tags.find({ withDeleted: true });
    await this.users.createQueryBuilder('u').withDeleted(false).getMany();",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn the_finding_starts_at_the_key() {
        let text = "import { Repository } from 'typeorm';
import { User } from 'src/users/user.entity';
export async function f(repo: Repository<User>) {
  return repo.find({ withDeleted: true });
}
";
        let ws = workspace(&[("src/users/user.entity.ts", USER), ("src/f.ts", text)]);
        let found = findings(&ws, "SD002");
        assert_eq!(found.len(), 1);
        assert_eq!(text.get(found[0].span.clone()), Some("withDeleted"));
    }
}
