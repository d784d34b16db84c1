//! # SEC002: unbounded-write
//!
//! ## What it does
//! Flags a write that changes every row of a table:
//! - `delete({})`, `softDelete({})`, `update({}, ...)` on a repository or EntityManager
//!   (empty criteria);
//! - a QueryBuilder `.delete()`, `.softDelete()` or `.update()` that is executed with no
//!   `where` at all, or whose only filter is always true (`.where('1=1')`, `.where('true')`);
//!
//! `clear()` (`TRUNCATE`), `deleteAll()` and `updateAll()` are not flagged: they say in
//! their name that they touch every row (a "clear the log" action), so they are never the
//! filter someone forgot.
//!
//! Tests, migrations and seeders are skipped (clearing tables is what their setup does).
//! A builder that is returned or passed on without `.execute()` in view is left alone:
//! its `where` may be added elsewhere.
//!
//! ## Why is this bad?
//! TypeORM refuses `delete(undefined)` and `delete([])`, but `{}` passes: it means "no
//! condition", and the statement runs against the whole table. A QueryBuilder without
//! `where` does the same. One missing filter in a request handler wipes or rewrites a
//! production table.
//!
//! ## Example
//! ```ts
//! await this.sessionRepo.delete({});
//! await this.dataSource.createQueryBuilder().delete().from(Session).execute();
//! ```
//!
//! ## Fix
//! ```ts
//! await this.sessionRepo.delete({ expiresAt: LessThan(new Date()) });
//! ```
//! No automatic fix: only the author knows which rows were meant.

use crate::finding::{Finding, Severity};
use crate::model::SourceFile;
use crate::rules::sd::sql::{self, Kind};
use crate::rules::{Ctx, RuleDef};
use crate::syntax::{QueryBuilderChain, QueryCall, Value};

pub const RULE: RuleDef = RuleDef {
    code: "SEC002",
    name: "unbounded-write",
    summary: "An `update` / `delete` with empty or always-true criteria: it changes every row.",
    default_severity: Severity::Error,
    check,
};

/// QueryBuilder calls that restrict the rows a write touches.
const FILTERS: &[&str] = &[
    "where",
    "andWhere",
    "orWhere",
    "whereInIds",
    "andWhereInIds",
    "orWhereInIds",
    "whereEntity",
    "whereExists",
    "andWhereExists",
    "orWhereExists",
];

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    if ctx.is_test_or_migration(file) {
        return;
    }
    let Some(source) = ctx.file(file) else {
        return;
    };
    for call in &source.facts.query_calls {
        if let Some(f) = check_call(ctx, file, source, call) {
            out.push(f);
        }
    }
    for chain in &source.facts.query_builders {
        if let Some(f) = check_chain(ctx, file, source, chain) {
            out.push(f);
        }
    }
}

fn target_name(name: Option<&str>) -> String {
    name.map(|n| format!(" of `{n}`")).unwrap_or_default()
}

fn check_call(ctx: &Ctx, file: usize, source: &SourceFile, call: &QueryCall) -> Option<Finding> {
    let entity = ctx.call_entity(file, call).map(|e| e.name.as_str());
    let message = match call.method.as_str() {
        "delete" | "softDelete" | "update" => {
            let empty =
                matches!(&call.args.first()?.value, Value::Object(props) if props.is_empty());
            if !empty {
                return None;
            }
            format!(
                "`{}` with empty criteria `{{}}` changes every row{}",
                call.method,
                target_name(entity)
            )
        }
        _ => return None,
    };
    Some(Finding::new(
        RULE.code,
        source.path.clone(),
        call.method_span.range(),
        message,
    ))
}

fn check_chain(
    ctx: &Ctx,
    file: usize,
    source: &SourceFile,
    chain: &QueryBuilderChain,
) -> Option<Finding> {
    let write = chain
        .calls
        .iter()
        .find(|c| matches!(c.method.as_str(), "delete" | "softDelete" | "update"))?;
    if !chain.calls.iter().any(|c| c.method == "execute") {
        return None;
    }
    let filters: Vec<_> = chain
        .calls
        .iter()
        .filter(|c| FILTERS.contains(&c.method.as_str()))
        .collect();
    let unbounded = match filters.as_slice() {
        [] => true,
        [only] => only
            .args
            .first()
            .and_then(|a| sql::render(&a.value))
            .is_some_and(|r| is_always_true(&r.text)),
        _ => false,
    };
    if !unbounded {
        return None;
    }
    let entity = ctx.chain_entity(file, chain).map(|e| e.name.as_str());
    let message = format!(
        "QueryBuilder `{}` without a `where` changes every row{}",
        write.method,
        target_name(entity)
    );
    Some(Finding::new(
        RULE.code,
        source.path.clone(),
        write.method_span.range(),
        message,
    ))
}

/// `1=1`, `1 = 1`, `true`, `'a' = 'a'`: a filter that keeps every row.
fn is_always_true(fragment: &str) -> bool {
    let tokens = sql::tokenize(fragment);
    match tokens.as_slice() {
        [t] => t.is_word("true"),
        [a, op, b] => {
            op.kind == Kind::Op
                && op.text == "="
                && matches!(a.kind, Kind::Num | Kind::Str)
                && a.kind == b.kind
                && a.text == b.text
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const SESSION: &str = "import { Entity, Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class Session extends ManagedEntity {
  @Column()
  token: string;
}
";

    fn service(body: &str) -> String {
        format!(
            "import {{ InjectRepository }} from '@nestjs/typeorm';
import {{ DataSource, EntityManager, Repository }} from 'typeorm';
import {{ Session }} from 'src/sessions/session.entity';

export class S {{
  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly dataSource: DataSource,
  ) {{}}

  async run(id: string, manager: EntityManager) {{
{body}
  }}
}}
"
        )
    }

    fn sec002_at(path: &str, body: &str) -> Vec<(usize, String)> {
        let text = service(body);
        let ws = workspace(&[
            ("src/sessions/session.entity.ts", SESSION),
            (path, text.as_str()),
        ]);
        lines(&ws, "SEC002")
            .into_iter()
            .map(|(_, l, m)| (l, m))
            .collect()
    }

    #[test]
    fn flags_empty_criteria_and_unfiltered_builders() {
        let found = sec002_at(
            "src/s.ts",
            "    await this.sessions.delete({});
    await manager.update(Session, {}, { token: 'x' });
    await this.dataSource.createQueryBuilder().delete().from(Session).execute();
    await this.sessions.createQueryBuilder().update().set({ token: 'x' }).where('1 = 1').execute();",
        );
        let lines: Vec<usize> = found.iter().map(|f| f.0).collect();
        assert_eq!(lines, vec![12, 13, 14, 15], "{found:?}");
        assert!(found[0].1.contains("`Session`"), "{}", found[0].1);
    }

    #[test]
    fn accepts_filtered_writes_and_unexecuted_builders() {
        let found = sec002_at(
            "src/s.ts",
            "    await this.sessions.delete({ id });
    await this.sessions.delete(id);
    await this.sessions.update({ token: 'a' }, { token: 'b' });
    await this.dataSource.createQueryBuilder().delete().from(Session).where('id = :id', { id }).execute();
    await this.sessions.createQueryBuilder().update().set({ token: 'x' }).where('1=1').andWhere('id = :id', { id }).execute();
    return this.sessions.createQueryBuilder().delete();",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn an_explicit_clear_of_a_log_table_is_on_purpose() {
        let found = sec002_at(
            "src/s.ts",
            "    await this.sessions.clear();
    await manager.clear(Session);",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn tests_and_migrations_may_clear_tables() {
        let body = "    await this.sessions.delete({});";
        assert!(sec002_at("test/setup.ts", body).is_empty());
        assert!(sec002_at("src/migrations/1700000000000-seed.ts", body).is_empty());
        assert_eq!(sec002_at("src/s.ts", body).len(), 1);
    }
}
