//! # SD004: update-includes-deleted
//!
//! ## What it does
//! Flags an `update(...)` of a soft-deletable entity whose criteria do not exclude deleted
//! rows: a repository or EntityManager `update` whose criteria object (or every object of
//! an OR array) lacks the soft-delete column, an `update(id, ...)` by primary key, and a
//! QueryBuilder `.update()` whose `where` fragments never name the column. Any condition on
//! the column counts (`deleted: IsNull()`, `'u.deleted IS NULL'`, even `IS NOT NULL`).
//! Criteria it cannot read (a variable, a spread, `Brackets`) are left alone, and so are
//! empty criteria (SEC002 reports those), tests, migrations and seeders.
//!
//! ## Why is this bad?
//! TypeORM filters soft-deleted rows in `find*` and QueryBuilder selects, but not in
//! updates: `update({ id }, patch)` changes a row that the application considers deleted
//! (and bumps its `updated` date), which later surfaces as ghost data after a restore or
//! in reports.
//!
//! ## Example
//! ```ts
//! await this.userRepo.update({ id: userId }, { lastLoginAt: new Date() });
//! ```
//!
//! ## Fix
//! ```ts
//! import { IsNull } from 'typeorm';
//!
//! await this.userRepo.update({ id: userId, deleted: IsNull() }, { lastLoginAt: new Date() });
//! ```
//! The quick fix adds `deleted: IsNull()` to the criteria object (an id becomes
//! `{ id: userId, deleted: IsNull() }`) and `IsNull` to the `typeorm` import; for a
//! QueryBuilder it appends `.andWhere('deleted IS NULL')` after the last `where`. OR
//! arrays and criteria held in a `const` are reported without a fix.

use super::{criteria_has_key, soft_delete_property, sql, KeyPresence, WHERE_METHODS};
use crate::finding::{Finding, Severity, Span, TextEdit};
use crate::model::{Entity, SourceFile};
use crate::rules::{edits, Ctx, RuleDef};
use crate::syntax::{ChainCall, QueryBuilderChain, QueryCall, Spanned, Value};

pub const RULE: RuleDef = RuleDef {
    code: "SD004",
    name: "update-includes-deleted",
    summary: "An `update` of a soft-deletable entity whose criteria do not exclude deleted rows.",
    default_severity: Severity::Info,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    if ctx.is_test_or_migration(file) {
        return;
    }
    let Some(source) = ctx.file(file) else {
        return;
    };
    for call in source
        .facts
        .query_calls
        .iter()
        .filter(|c| c.method == "update")
    {
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

/// What the criteria of an `update` call are.
enum Criteria<'a> {
    /// An object literal without the column: fixable in place.
    Object(&'a Spanned<Value>),
    /// A primary-key value (`id`, `user.id`, `'abc'`, `42`): fixable by wrapping.
    Id(&'a Spanned<Value>),
    /// Missing the column, but not fixable (OR arrays, consts, id lists).
    Unfixable,
}

fn classify<'a>(criteria: &'a Spanned<Value>, key: &str) -> Option<Criteria<'a>> {
    match &criteria.value {
        // Empty criteria: SEC002 reports the unbounded write; no fix here, since adding the
        // column alone would silence SEC002 and still update every live row.
        Value::Object(props) if props.is_empty() => Some(Criteria::Unfixable),
        Value::Object(_) => (criteria_has_key(&criteria.value, key) == KeyPresence::Missing)
            .then_some(Criteria::Object(criteria)),
        Value::Array(_) | Value::Const { .. } => (criteria_has_key(&criteria.value, key)
            == KeyPresence::Missing)
            .then_some(Criteria::Unfixable),
        Value::Num(_) | Value::BigInt(_) | Value::Str(_) => Some(Criteria::Id(criteria)),
        Value::Ident(name) | Value::Member(name) => {
            let last = name.rsplit('.').next().unwrap_or(name);
            if is_id_name(last) {
                Some(Criteria::Id(criteria))
            } else if is_ids_name(last) {
                Some(Criteria::Unfixable)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// `id`, `userId`, `user_id`: a name that holds one primary key.
fn is_id_name(name: &str) -> bool {
    name == "id" || name.ends_with("Id") || name.ends_with("_id")
}

/// `ids`, `userIds`: a name that holds several.
fn is_ids_name(name: &str) -> bool {
    name == "ids" || name.ends_with("Ids") || name.ends_with("_ids")
}

fn check_call(ctx: &Ctx, file: usize, source: &SourceFile, call: &QueryCall) -> Option<Finding> {
    let entity = ctx
        .call_entity(file, call)
        .filter(|e| e.is_soft_deletable())?;
    let key = soft_delete_property(entity)?;
    let first = call.args.first()?;
    if crate::rules::mutated::const_mutated_before_use(&source.text(), first) {
        return None;
    }
    let criteria = classify(first, key)?;
    let message = format!(
        "`update` on soft-deletable `{}` also changes deleted rows: add `{key}: IsNull()` to the criteria",
        entity.name
    );
    let finding = Finding::new(
        RULE.code,
        source.path.clone(),
        call.method_span.range(),
        message,
    );
    if source.facts.has_syntax_errors {
        return Some(finding);
    }
    let fix = ctx.edit_fix(
        format!("Add `{key}: IsNull()` to the criteria"),
        || source.path.clone(),
        || {
            let edit = match criteria {
                Criteria::Object(obj) => add_key_edit(&source.text(), obj, key),
                Criteria::Id(id) => wrap_id_edit(&source.text(), entity, id, key),
                Criteria::Unfixable => None,
            }?;
            let mut edits = vec![edit];
            edits.extend(edits::ensure_import(source, "typeorm", "IsNull"));
            Some(edits)
        },
    );
    Some(match fix {
        Some(fix) if !matches!(criteria, Criteria::Unfixable) => finding.with_fix(fix),
        _ => finding,
    })
}

/// `{ id: userId }` -> `{ id: userId, deleted: IsNull() }`, keeping a multi-line object
/// multi-line.
fn add_key_edit(text: &str, obj: &Spanned<Value>, key: &str) -> Option<TextEdit> {
    let last = obj.value.as_object()?.last()?;
    let at = last.value.span.end().max(last.key_span.end());
    let multiline = text.get(obj.span.range())?.contains('\n');
    let new_text = if multiline {
        let indent = edits::indentation_at(text, last.key_span.start());
        format!(",{}{indent}{key}: IsNull()", edits::line_ending(text))
    } else {
        format!(", {key}: IsNull()")
    };
    Some(TextEdit {
        span: at..at,
        new_text,
    })
}

/// `update(userId, ...)` -> `update({ id: userId, deleted: IsNull() }, ...)`.
fn wrap_id_edit(text: &str, entity: &Entity, id: &Spanned<Value>, key: &str) -> Option<TextEdit> {
    let mut primaries = entity.primary_columns();
    let pk = primaries.next()?;
    if primaries.next().is_some() {
        return None;
    }
    let expr = text.get(id.span.range())?;
    let pair = if expr == pk.property {
        expr.to_string()
    } else {
        format!("{}: {expr}", pk.property)
    };
    Some(TextEdit {
        span: id.span.range(),
        new_text: format!("{{ {pair}, {key}: IsNull() }}"),
    })
}

fn check_chain(
    ctx: &Ctx,
    file: usize,
    source: &SourceFile,
    chain: &QueryBuilderChain,
) -> Option<Finding> {
    let update = chain.calls.iter().find(|c| c.method == "update")?;
    let entity = ctx
        .chain_entity(file, chain)
        .filter(|e| e.is_soft_deletable())?;
    let column = entity.soft_delete.as_ref()?.column();
    let key = soft_delete_property(entity)?;
    let wheres: Vec<&ChainCall> = chain
        .calls
        .iter()
        .filter(|c| WHERE_METHODS.contains(&c.method.as_str()) || c.method.starts_with("where"))
        .collect();
    if wheres.iter().any(|w| filter_names(w, column, key)) {
        return None;
    }
    let executed = chain.calls.iter().any(|c| c.method == "execute");
    if wheres.is_empty() && !executed {
        return None; // the builder goes elsewhere: its filters may be added there
    }
    let predicate = if column.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        format!("{column} IS NULL")
    } else {
        format!("\"{column}\" IS NULL")
    };
    let message = format!(
        "QueryBuilder `update` on soft-deletable `{}` also changes deleted rows: add `.andWhere('{predicate}')`",
        entity.name
    );
    let finding = Finding::new(
        RULE.code,
        source.path.clone(),
        update.method_span.range(),
        message,
    );
    // No `where` at all: SEC002 reports it, and no fix (see empty criteria above).
    let Some(last_where) = wheres.last().filter(|_| !source.facts.has_syntax_errors) else {
        return Some(finding);
    };
    let fix = ctx.edit_fix(
        format!("Add `.andWhere('{predicate}')`"),
        || source.path.clone(),
        || Some(vec![and_where_edit(source, last_where, &predicate)]),
    );
    Some(match fix {
        Some(fix) => finding.with_fix(fix),
        None => finding,
    })
}

/// Whether a where call names the column, or cannot be read (then it might).
fn filter_names(call: &ChainCall, column: &str, key: &str) -> bool {
    let Some(arg) = call.args.first() else {
        return false;
    };
    match sql::render(&arg.value) {
        Some(r) => sql::tokenize(&r.text)
            .iter()
            .any(|t| t.names(column) || t.names(key)),
        None => criteria_has_key(&arg.value, key) != KeyPresence::Missing,
    }
}

/// Appends `.andWhere('...')` after `call`, on its own line when the chain is written one
/// call per line.
fn and_where_edit(source: &SourceFile, call: &ChainCall, predicate: &str) -> TextEdit {
    let text = &source.text();
    let q = edits::quote_style(source);
    let line_start = edits::line_start(text, call.method_span.start());
    let before = text
        .get(line_start..call.method_span.start())
        .unwrap_or("")
        .trim();
    let at: Span = call.span.end()..call.span.end();
    let new_text = if before == "." {
        let indent = edits::indentation_at(text, call.method_span.start());
        format!(
            "{}{indent}.andWhere({q}{predicate}{q})",
            edits::line_ending(text)
        )
    } else {
        format!(".andWhere({q}{predicate}{q})")
    };
    TextEdit { span: at, new_text }
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

    fn service(imports: &str, body: &str) -> String {
        format!(
            "import {{ InjectRepository }} from '@nestjs/typeorm';
import {{ {imports} }} from 'typeorm';
import {{ User }} from 'src/users/user.entity';

export class S {{
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly dataSource: DataSource,
  ) {{}}

  async run(userId: string, user: User, where: object, manager: EntityManager) {{
{body}
  }}
}}
"
        )
    }

    fn run(imports: &str, body: &str) -> (Vec<usize>, String) {
        let text = service(imports, body);
        let files = [
            ("src/users/user.entity.ts", USER),
            ("src/s.ts", text.as_str()),
        ];
        let ws = workspace(&files);
        let found = lines(&ws, "SD004").into_iter().map(|(_, l, _)| l).collect();
        let fixed = assert_fix_is_clean(&files, "SD004", "src/s.ts");
        (found, fixed)
    }

    #[test]
    fn criteria_completed_after_their_declaration_are_not_judged() {
        let text = service(
            "IsNull, Repository",
            "    const criteria: any = { id: userId };
    criteria.deleted = IsNull();
    await this.users.update(criteria, { email: 'a' });
    const plain = { id: userId };
    await this.users.update(plain, { email: 'a' });",
        );
        let ws = workspace(&[("src/users/user.entity.ts", USER), ("src/s.ts", &text)]);
        let found: Vec<usize> = lines(&ws, "SD004").into_iter().map(|(_, l, _)| l).collect();
        assert_eq!(found, vec![16], "only the untouched const");
    }

    #[test]
    fn flags_criteria_without_the_column() {
        let (found, _) = run(
            "DataSource, EntityManager, IsNull, Repository",
            "    await this.users.update({ id: userId }, { email: 'a' });
    await manager.update(User, userId, { email: 'a' });
    await this.users.update([{ id: userId }, { email: 'x' }], { email: 'a' });
    await this.users.update({ id: userId, deleted: IsNull() }, { email: 'a' });
    await this.users.update(where, { email: 'a' });
    await this.users.update({ ...where }, { email: 'a' });
    await this.users.update({}, { email: 'a' });
    await this.users.createQueryBuilder().update().set({ email: 'a' }).execute();
    return this.users.createQueryBuilder().update().set({ email: 'a' });",
        );
        assert_eq!(found, vec![12, 13, 14, 18, 19]);
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            (
                "src/s.ts",
                &service("IsNull", "    await this.users.update({}, { email: 'a' });"),
            ),
        ]);
        assert!(
            findings(&ws, "SD004").iter().all(|f| f.fixes.is_empty()),
            "no fix for empty criteria"
        );
    }

    #[test]
    fn fix_adds_the_key_and_the_import() {
        let (_, fixed) = run(
            "DataSource, EntityManager, Repository",
            "    await this.users.update({ id: userId }, { email: 'a' });
    await this.users.update(user.id, { email: 'a' });
    await this.users.update(
      {
        email: 'x',
      },
      { email: 'a' },
    );",
        );
        let expected = service(
            "DataSource, EntityManager, Repository, IsNull",
            "    await this.users.update({ id: userId, deleted: IsNull() }, { email: 'a' });
    await this.users.update({ id: user.id, deleted: IsNull() }, { email: 'a' });
    await this.users.update(
      {
        email: 'x',
        deleted: IsNull(),
      },
      { email: 'a' },
    );",
        );
        assert_eq!(fixed, expected);
    }

    #[test]
    fn query_builder_updates() {
        let (found, fixed) = run(
            "DataSource, EntityManager, Repository",
            "    await this.dataSource
      .createQueryBuilder()
      .update(User)
      .set({ email: 'a' })
      .where('id = :id', { id: userId })
      .execute();
    await this.users.createQueryBuilder().update().set({ email: 'b' }).where('deleted IS NULL').execute();
    await this.users.createQueryBuilder().update().set({ email: 'c' }).where('id = 1').execute();",
        );
        assert_eq!(found, vec![14, 19]);
        let expected = service(
            "DataSource, EntityManager, Repository",
            "    await this.dataSource
      .createQueryBuilder()
      .update(User)
      .set({ email: 'a' })
      .where('id = :id', { id: userId })
      .andWhere('deleted IS NULL')
      .execute();
    await this.users.createQueryBuilder().update().set({ email: 'b' }).where('deleted IS NULL').execute();
    await this.users.createQueryBuilder().update().set({ email: 'c' }).where('id = 1').andWhere('deleted IS NULL').execute();",
        );
        assert_eq!(fixed, expected);
    }
}
