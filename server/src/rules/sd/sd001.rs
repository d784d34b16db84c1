//! # SD001: raw-sql-without-soft-delete-filter
//!
//! ## What it does
//! Flags raw SQL that reads, joins or updates the table of a soft-deletable entity without
//! a `deleted IS NULL` predicate for that table or its alias:
//! - `.query(sql)` on a DataSource, EntityManager, Repository or QueryRunner (string or
//!   template literal, concatenation, or a `const` holding one);
//! - subqueries written as strings inside a QueryBuilder (`.where('u.id IN (SELECT ...
//!   FROM orders ...)')`, `.addSelect('(SELECT COUNT(*) FROM ...)')`, join conditions).
//!
//! Where the soft-delete column is a plain `@Column` (no `@DeleteDateColumn`), TypeORM
//! filters nothing, so `find*` / `count*` / `exist*` calls and QueryBuilder selects on
//! that entity are checked too: their `where` must name the column.
//!
//! The SQL scanner understands quoted and unquoted names, `schema.table`, aliases (with or
//! without `AS`), comma joins and subqueries. A `${...}` substitution of a constant is read
//! as its text; any other substitution in clause position (where it could hide a filter)
//! makes the rule stay silent about that query. Any explicit test of the column counts
//! (`IS NULL`, `IS NOT NULL`, a comparison): reading deleted rows on purpose is fine.
//! Tests, migrations and seeders are skipped.
//!
//! ## Why is this bad?
//! TypeORM adds `deleted IS NULL` (only for a `@DeleteDateColumn`) to `find*`, `count` and
//! QueryBuilder selects, including joined entities, but never to raw SQL or subqueries
//! written as strings. Such queries silently return, count or change rows that the rest of
//! the application considers gone.
//!
//! ## Example
//! ```ts
//! return this.dataSource.query(
//!   'SELECT o.* FROM "order" o JOIN users u ON u.id = o."userId" WHERE u.email = $1',
//!   [email],
//! );
//! ```
//!
//! ## Fix
//! ```ts
//! return this.dataSource.query(
//!   'SELECT o.* FROM "order" o JOIN users u ON u.id = o."userId" AND u.deleted IS NULL ' +
//!     'WHERE u.email = $1 AND o.deleted IS NULL',
//!   [email],
//! );
//! ```
//! No automatic fix: where the predicate belongs (the `WHERE`, a join condition, a
//! subquery) depends on the query. The message names the table and the predicate to add.

use super::sql::{self, Kind, TableRef, Token};
use super::{
    criteria_has_key, soft_delete_property, KeyPresence, SELECT_TERMINALS, WHERE_METHODS,
    WRITE_METHODS,
};
use crate::finding::{Finding, Severity, Span};
use crate::model::{Entity, SoftDelete};
use crate::rules::{Ctx, RuleDef};
use crate::syntax::{QueryBuilderChain, QueryCall, Spanned, Value};
use std::path::Path;

pub const RULE: RuleDef = RuleDef {
    code: "SD001",
    name: "raw-sql-without-soft-delete-filter",
    summary:
        "Raw SQL (or a query on a manually soft-deleted entity) without a `deleted IS NULL` filter.",
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
        if call.method == "query" {
            if let Some(sql) = call.args.first() {
                check_sql(ctx, &path, sql, out);
            }
        } else {
            check_manual_find(ctx, file, &path, call, out);
        }
    }
    for chain in &source.facts.query_builders {
        for arg in fragment_args(chain) {
            check_sql(ctx, &path, arg, out);
        }
        check_manual_chain(ctx, file, &path, chain, out);
        check_manual_joins(ctx, file, chain, out);
    }
}

/// Reports each soft-deletable table the SQL uses without a predicate on its column.
fn check_sql(ctx: &Ctx, path: &Path, sql: &Spanned<Value>, out: &mut Vec<Finding>) {
    let Some(rendered) = sql::render(&sql.value) else {
        return;
    };
    let tokens = sql::tokenize(&rendered.text);
    if has_clause_hole(&tokens) {
        return;
    }
    let refs = sql::table_refs(&tokens);
    let mut seen: Vec<String> = Vec::new();
    for (i, table_ref) in refs.iter().enumerate() {
        let Some(entity) = soft_deletable_entity(ctx, table_ref) else {
            continue;
        };
        let Some(soft) = &entity.soft_delete else {
            continue;
        };
        let column = soft.column();
        let foreign: Vec<&str> = refs
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .flat_map(|(_, r)| r.qualifiers())
            .collect();
        if sql::mentions_predicate(&tokens, column, &table_ref.qualifiers(), &foreign) {
            continue;
        }
        let key = format!(
            "{}/{}",
            table_ref.name,
            table_ref.alias.as_deref().unwrap_or("")
        );
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        out.push(raw_finding(
            path,
            sql.span.range(),
            entity,
            table_ref,
            column,
        ));
    }
}

fn raw_finding(path: &Path, span: Span, entity: &Entity, r: &TableRef, column: &str) -> Finding {
    let qualifier = r.alias.as_deref().unwrap_or(&r.name);
    let message = format!(
        "Raw SQL uses table `{}` of soft-deletable `{}` without `{}.{} IS NULL`: soft-deleted rows are included",
        r.name,
        entity.name,
        quote_if_needed(qualifier),
        quote_if_needed(column),
    );
    Finding::new(RULE.code, path.to_path_buf(), span, message)
}

/// `"deletedAt"` needs quotes in PostgreSQL; `deleted` does not.
fn quote_if_needed(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("\"{name}\"")
    }
}

/// A non-constant substitution where a clause, table or column goes might hold the
/// filter: the query cannot be judged.
fn has_clause_hole(tokens: &[Token]) -> bool {
    tokens
        .iter()
        .enumerate()
        .any(|(i, t)| t.kind == Kind::Hole && !sql::hole_in_value_position(tokens, i))
}

/// The soft-deletable entity whose table this reference names, if any.
fn soft_deletable_entity<'a>(ctx: &Ctx<'a>, r: &TableRef) -> Option<&'a Entity> {
    ctx.model
        .entities_of_table_folded(&r.name)
        .find(|e| e.is_soft_deletable() && r.is_table(&e.table))
}

/// The string arguments of a chain that may hold subqueries: filters, selects and join
/// conditions.
fn fragment_args(chain: &QueryBuilderChain) -> Vec<&Spanned<Value>> {
    let mut out = Vec::new();
    for call in &chain.calls {
        let m = call.method.as_str();
        if WHERE_METHODS.contains(&m) || m == "select" || m == "addSelect" {
            out.extend(call.args.first());
        } else if m.contains("Join") {
            out.extend(call.args.get(2));
        }
    }
    out
}

/// `find*` / `count*` / `exist*` on an entity whose soft-delete column is a plain column:
/// the `where` must name it.
fn check_manual_find(
    ctx: &Ctx,
    file: usize,
    path: &Path,
    call: &QueryCall,
    out: &mut Vec<Finding>,
) {
    let Some(entity) = ctx.call_entity(file, call) else {
        return;
    };
    let Some((column, property)) = manual_column(entity) else {
        return;
    };
    let presence = match find_kind(&call.method) {
        Some(FindKind::Options) => options_presence(call.args.first(), property),
        Some(FindKind::Where) => match call.args.first() {
            Some(w) => criteria_has_key(&w.value, property),
            None => KeyPresence::Missing,
        },
        None => return,
    };
    if presence != KeyPresence::Missing {
        return;
    }
    let message = format!(
        "`{}` on `{}` does not filter soft-deleted rows: `{column}` is a plain column, add `{property}: IsNull()` to the `where`",
        call.method, entity.name
    );
    out.push(Finding::new(
        RULE.code,
        path.to_path_buf(),
        call.method_span.range(),
        message,
    ));
}

enum FindKind {
    /// `find({ where })`-style: options object.
    Options,
    /// `findBy(where)`-style: the criteria directly.
    Where,
}

fn find_kind(method: &str) -> Option<FindKind> {
    match method {
        "find" | "findOne" | "findAndCount" | "findOneOrFail" | "count" | "exist" | "exists" => {
            Some(FindKind::Options)
        }
        "findBy" | "findOneBy" | "findAndCountBy" | "findOneByOrFail" | "countBy" | "existsBy" => {
            Some(FindKind::Where)
        }
        _ => None,
    }
}

/// Whether find options filter on `property` (`withDeleted` and unreadable options count
/// as handled).
fn options_presence(options: Option<&Spanned<Value>>, property: &str) -> KeyPresence {
    let Some(options) = options else {
        return KeyPresence::Missing;
    };
    if options.value.as_object().is_none() {
        return KeyPresence::Unknown;
    }
    if options.value.get("withDeleted").is_some() || options.value.has_spread() {
        return KeyPresence::Unknown;
    }
    match options.value.get("where") {
        Some(w) => criteria_has_key(&w.value, property),
        None => KeyPresence::Missing,
    }
}

/// `(db column, property)` when the entity's soft delete is a plain column.
fn manual_column(entity: &Entity) -> Option<(&str, &str)> {
    match &entity.soft_delete {
        Some(SoftDelete::Manual { column }) => Some((column, soft_delete_property(entity)?)),
        _ => None,
    }
}

/// A QueryBuilder select on a manually soft-deleted entity must filter on the column.
fn check_manual_chain(
    ctx: &Ctx,
    file: usize,
    path: &Path,
    chain: &QueryBuilderChain,
    out: &mut Vec<Finding>,
) {
    let Some(entity) = ctx.chain_entity(file, chain) else {
        return;
    };
    let Some((column, property)) = manual_column(entity) else {
        return;
    };
    let methods: Vec<&str> = chain.calls.iter().map(|c| c.method.as_str()).collect();
    let selects = methods.iter().any(|m| SELECT_TERMINALS.contains(m));
    let writes = methods
        .iter()
        .any(|m| WRITE_METHODS.contains(m) || *m == "withDeleted");
    if !selects || writes || chain_filters(chain, column, property) {
        return;
    }
    let Some(first) = chain.calls.first() else {
        return;
    };
    let message = format!(
        "QueryBuilder on `{}` does not filter soft-deleted rows: `{column}` is a plain column, add `.andWhere('{}.{} IS NULL')`",
        entity.name,
        chain.alias.as_deref().unwrap_or(&entity.table),
        quote_if_needed(column),
    );
    out.push(Finding::new(
        RULE.code,
        path.to_path_buf(),
        first.method_span.range(),
        message,
    ));
}

/// Joins of a manually soft-deleted entity in a QueryBuilder select: TypeORM adds no
/// filter to them either, so the join condition (or a `where`) must name the column with
/// the join's alias.
fn check_manual_joins(ctx: &Ctx, file: usize, chain: &QueryBuilderChain, out: &mut Vec<Finding>) {
    let path = &ctx.path(file);
    let selects = chain
        .calls
        .iter()
        .any(|c| SELECT_TERMINALS.contains(&c.method.as_str()));
    if !selects || chain.calls.iter().any(|c| c.method == "withDeleted") {
        return;
    }
    let mut aliases: Vec<(String, &Entity)> = Vec::new();
    if let (Some(alias), Some(main)) = (&chain.alias, ctx.chain_entity(file, chain)) {
        aliases.push((alias.to_string(), main));
    }
    for call in chain.calls.iter().filter(|c| c.method.contains("Join")) {
        let Some(alias) = call.args.get(1).and_then(|a| a.value.as_str()) else {
            continue;
        };
        let Some(target) = call
            .args
            .first()
            .and_then(|a| join_target(ctx, file, &aliases, &a.value))
        else {
            continue;
        };
        aliases.push((alias.to_string(), target));
        let Some((column, property)) = manual_column(target) else {
            continue;
        };
        if alias_filtered(chain, alias, column, property) {
            continue;
        }
        let message = format!(
            "Join of `{}` does not filter soft-deleted rows: `{column}` is a plain column, add `{alias}.{} IS NULL` to the join condition",
            target.name,
            quote_if_needed(column),
        );
        out.push(Finding::new(
            RULE.code,
            path.to_path_buf(),
            call.method_span.range(),
            message,
        ));
    }
}

/// The entity a join names: `'u.notes'` (a relation of an alias bound earlier), an
/// entity class, or an entity or table name as a string.
fn join_target<'a>(
    ctx: &Ctx<'a>,
    file: usize,
    aliases: &[(String, &'a Entity)],
    arg: &Value,
) -> Option<&'a Entity> {
    match arg {
        Value::Ident(name) => ctx.model.entity_from(file, name),
        Value::Str(s) => match s.split_once('.') {
            Some((alias, property)) => {
                let (_, owner) = aliases.iter().rev().find(|(a, _)| a == alias)?;
                ctx.model.relation_target(owner.relation(property)?)
            }
            None => ctx
                .entity(s)
                .or_else(|| ctx.model.entities_of_table(s).next()),
        },
        _ => None,
    }
}

/// Whether a join condition or filter names `alias.column` (or `alias.property`), or a
/// filter cannot be read.
fn alias_filtered(chain: &QueryBuilderChain, alias: &str, column: &str, property: &str) -> bool {
    chain
        .calls
        .iter()
        .filter(|c| WHERE_METHODS.contains(&c.method.as_str()) || c.method.contains("Join"))
        .filter_map(|c| {
            if c.method.contains("Join") {
                c.args.get(2)
            } else {
                c.args.first()
            }
        })
        .any(|arg| match sql::render(&arg.value) {
            Some(r) => {
                let tokens = sql::tokenize(&r.text);
                sql::mentions_qualified(&tokens, column, alias)
                    || sql::mentions_qualified(&tokens, property, alias)
            }
            None => !matches!(arg.value, Value::Object(_)),
        })
}

/// Whether some filter of the chain names the column (by database or property name), or
/// a filter is unreadable (`Brackets`, a callback, a variable).
fn chain_filters(chain: &QueryBuilderChain, column: &str, property: &str) -> bool {
    chain
        .calls
        .iter()
        .filter(|c| WHERE_METHODS.contains(&c.method.as_str()) || c.method.contains("Join"))
        .flat_map(|c| {
            if c.method.contains("Join") {
                c.args.get(2)
            } else {
                c.args.first()
            }
        })
        .any(|arg| match sql::render(&arg.value) {
            Some(r) => {
                let tokens = sql::tokenize(&r.text);
                tokens.iter().any(|t| t.names(column) || t.names(property))
            }
            None => !matches!(criteria_has_key(&arg.value, property), KeyPresence::Missing),
        })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const USER: &str = "import { Entity, Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity('users')
export class User extends ManagedEntity {
  @Column()
  email: string;
}
";

    const ORDER: &str = "import { Entity, Column } from 'typeorm';

@Entity('order')
export class Order {
  @Column()
  total: string;
}
";

    const LEGACY: &str = "import { Entity, Column, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class LegacyNote {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'timestamptz', nullable: true })
  deleted: Date | null;

  @Column()
  body: string;
}
";

    fn service(body: &str) -> String {
        format!(
            "import {{ Injectable }} from '@nestjs/common';
import {{ InjectRepository }} from '@nestjs/typeorm';
import {{ DataSource, IsNull, Repository }} from 'typeorm';
import {{ User }} from 'src/users/user.entity';
import {{ LegacyNote }} from 'src/notes/legacy-note.entity';

const ACTIVE = 'u.deleted IS NULL';
const TABLE = 'users';

@Injectable()
export class S {{
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(LegacyNote) private readonly notes: Repository<LegacyNote>,
  ) {{}}

  async run(email: string, id: string, orderBy: string) {{
{body}
  }}
}}
"
        )
    }

    fn sd001_at(path: &str, body: &str) -> Vec<(usize, String)> {
        let text = service(body);
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            ("src/orders/order.entity.ts", ORDER),
            ("src/notes/legacy-note.entity.ts", LEGACY),
            (path, text.as_str()),
        ]);
        lines(&ws, "SD001")
            .into_iter()
            .map(|(_, line, message)| (line, message))
            .collect()
    }

    fn sd001(body: &str) -> Vec<(usize, String)> {
        sd001_at("src/s.service.ts", body)
    }

    #[test]
    fn flags_raw_reads_joins_and_updates_without_the_predicate() {
        let found = sd001(
            "    await this.dataSource.query('SELECT * FROM users WHERE email = $1', [email]);
    await this.dataSource.query(`SELECT o.* FROM \"order\" o JOIN \"users\" u ON u.id = o.\"userId\"`);
    await this.users.query('UPDATE public.users SET email = $1', [email]);",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, 19);
        assert!(
            found[0].1.contains("`users`") && found[0].1.contains("users.deleted IS NULL"),
            "{}",
            found[0].1
        );
        assert!(found[1].1.contains("u.deleted IS NULL"), "{}", found[1].1);
        assert_eq!(found[2].0, 21);
    }

    #[test]
    fn accepts_predicates_for_the_table_or_its_alias() {
        let found = sd001(
            "    await this.dataSource.query('SELECT * FROM users WHERE email = $1 AND deleted IS NULL', [email]);
    await this.dataSource.query(`SELECT o.* FROM \"order\" o
      LEFT JOIN users AS u ON u.id = o.\"userId\" AND u.\"deleted\" IS NULL`);
    await this.dataSource.query('SELECT * FROM users u WHERE u.deleted IS NOT NULL');
    await this.dataSource.query('SELECT * FROM \"order\"');
    await this.dataSource.query('DELETE FROM users WHERE id = $1', [id]);
    await this.dataSource.query(`SELECT * FROM ${TABLE} u WHERE ${ACTIVE}`);
    await this.dataSource.query('SELECT * FROM (SELECT * FROM users) t WHERE t.deleted IS NULL');
    await this.dataSource.query('WITH live AS (SELECT * FROM users WHERE deleted IS NULL) SELECT * FROM live');
    await this.dataSource.query('UPDATE users SET deleted = now() WHERE id = $1', [id]);",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn follows_sql_through_a_local_helper_and_a_const() {
        let found = sd001(
            "    const sql = p(`SELECT * FROM users WHERE email = $1`);
    await this.dataSource.query(sql, [email]);
    await this.dataSource.query(p('SELECT * FROM users WHERE id = $1'), [id]);
    await this.dataSource.query(p('SELECT * FROM users WHERE id = $1 AND deleted IS NULL'), [id]);",
        );
        let lines: Vec<usize> = found.iter().map(|f| f.0).collect();
        assert_eq!(lines, vec![20, 21], "{found:?}");
    }

    #[test]
    fn predicate_for_another_alias_does_not_count() {
        let found = sd001(
            "    await this.dataSource.query('SELECT * FROM users a JOIN users b ON b.id = a.id WHERE a.deleted IS NULL');",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("b.deleted"), "{}", found[0].1);
    }

    #[test]
    fn follows_consts_and_constant_substitutions() {
        let found = sd001(
            "    const sql = `SELECT * FROM ${TABLE} WHERE email = $1`;
    await this.dataSource.query(sql, [email]);",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 20);
    }

    #[test]
    fn opaque_substitutions_in_clause_position_silence_the_rule() {
        let found = sd001(
            "    const filter = this.softDeleteFilter('u');
    await this.dataSource.query(`SELECT * FROM users u WHERE ${filter}`);
    await this.dataSource.query(`SELECT * FROM ${this.table} WHERE id = 1`);",
        );
        assert!(found.is_empty(), "{found:?}");
        let found =
            sd001("    await this.dataSource.query(`SELECT * FROM users WHERE id = ${id}`);");
        assert_eq!(
            found.len(),
            1,
            "a value substitution hides no filter: {found:?}"
        );
    }

    #[test]
    fn query_builder_subqueries_written_as_strings() {
        let found = sd001(
            "    await this.users.createQueryBuilder('o')
      .where('o.id IN (SELECT \"userId\" FROM users WHERE email = :email)', { email })
      .andWhere('o.id IN (SELECT id FROM users x WHERE x.deleted IS NULL)')
      .addSelect('(SELECT COUNT(*) FROM users c)', 'n')
      .getMany();",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 20);
        assert_eq!(found[1].0, 22);
    }

    #[test]
    fn manual_soft_delete_needs_filters_in_find_and_query_builder() {
        let found = sd001(
            "    await this.notes.find({ where: { body: email } });
    await this.notes.findOneBy({ id: 1 });
    await this.notes.find();
    await this.notes.find({ where: { body: email, deleted: IsNull() } });
    await this.notes.find({ withDeleted: true });
    await this.notes.findBy([{ id: 1, deleted: IsNull() }]);
    await this.notes.createQueryBuilder('n').where('n.body = :email', { email }).getMany();
    await this.notes.createQueryBuilder('n').where('n.deleted IS NULL').getMany();
    await this.users.find({ where: { email } });",
        );
        let lines: Vec<usize> = found.iter().map(|f| f.0).collect();
        assert_eq!(lines, vec![19, 20, 21, 25], "{found:?}");
        assert!(found[0].1.contains("deleted: IsNull()"), "{}", found[0].1);
    }

    #[test]
    fn joins_of_manually_soft_deleted_entities_need_the_filter() {
        let author = "import { Entity, Column, OneToMany } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { LegacyNote } from 'src/notes/legacy-note.entity';

@Entity('users')
export class User extends ManagedEntity {
  @Column()
  email: string;

  @OneToMany(() => LegacyNote, (n) => n.author)
  notes: LegacyNote[];
}
";
        let text = service(
            "    await this.users.createQueryBuilder('u').leftJoinAndSelect('u.notes', 'n').getMany();
    await this.users.createQueryBuilder('u').leftJoinAndSelect('u.notes', 'n', 'n.deleted IS NULL').getMany();
    await this.users.createQueryBuilder('u').innerJoin(LegacyNote, 'x', 'x.body = u.email').getMany();
    await this.users.createQueryBuilder('u').leftJoin('u.notes', 'n').where('n.deleted IS NULL').getMany();",
        );
        let ws = workspace(&[
            ("src/users/user.entity.ts", author),
            ("src/notes/legacy-note.entity.ts", LEGACY),
            ("src/s.service.ts", text.as_str()),
        ]);
        let found: Vec<usize> = lines(&ws, "SD001").into_iter().map(|(_, l, _)| l).collect();
        assert_eq!(found, vec![19, 21]);
    }

    #[test]
    fn a_joined_relation_resolves_through_the_files_imports() {
        // Another `LegacyNote`, not soft-deleted, sorts first: the relation's own import
        // (src/notes/) decides, not the first class of the name.
        let archived = "import { Entity, Column, PrimaryGeneratedColumn } from 'typeorm';

@Entity('archived_notes')
export class LegacyNote {
  @PrimaryGeneratedColumn() id: number;
  @Column() body: string;
}
";
        let author = "import { Entity, Column, OneToMany } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { LegacyNote } from 'src/notes/legacy-note.entity';

@Entity('users')
export class User extends ManagedEntity {
  @Column()
  email: string;

  @OneToMany(() => LegacyNote, (n) => n.author)
  notes: LegacyNote[];
}
";
        let text = service(
            "    await this.users.createQueryBuilder('u').leftJoinAndSelect('u.notes', 'n').getMany();",
        );
        let ws = workspace(&[
            ("src/archive/legacy-note.entity.ts", archived),
            ("src/users/user.entity.ts", author),
            ("src/notes/legacy-note.entity.ts", LEGACY),
            ("src/s.service.ts", text.as_str()),
        ]);
        let found: Vec<usize> = lines(&ws, "SD001").into_iter().map(|(_, l, _)| l).collect();
        assert_eq!(found, vec![19]);
    }

    #[test]
    fn a_boolean_deleted_flag_is_a_status_not_a_soft_delete() {
        // A sync tombstone: `deleted` is a nullable tinyint flag that readers must see.
        let item = "import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('items')
export class SyncItem {
  @PrimaryColumn()
  uuid: string;

  @Column({ type: 'tinyint', nullable: true, default: 0 })
  deleted: boolean;
}
";
        let flag_untyped = item.replace("type: 'tinyint', ", "");
        for entity in [item.to_string(), flag_untyped] {
            let repo = "import { Repository } from 'typeorm';
import { SyncItem } from 'src/items/sync-item.entity';

export class ItemStore {
  constructor(private readonly repo: Repository<SyncItem>) {}

  byUuid(uuid: string) {
    return this.repo.createQueryBuilder('item').where('item.uuid = :uuid', { uuid }).getOne();
  }

  markDeleted(uuid: string) {
    return this.repo.createQueryBuilder('item').update().set({ deleted: true }).where('uuid = :uuid', { uuid }).execute();
  }

  purge(uuid: string) {
    return this.repo.delete({ uuid });
  }
}
";
            let ws = workspace(&[
                ("src/items/sync-item.entity.ts", entity.as_str()),
                ("src/items/item.store.ts", repo),
            ]);
            for code in ["SD001", "SD003", "SD004"] {
                assert!(
                    lines(&ws, code).is_empty(),
                    "{code}: {:?}",
                    lines(&ws, code)
                );
            }
        }
    }

    #[test]
    fn tests_and_migrations_are_skipped() {
        let body = "    await this.dataSource.query('SELECT * FROM users');";
        assert!(sd001_at("src/s.service.spec.ts", body).is_empty());
        assert!(sd001_at("src/migrations/1700000000000-x.ts", body).is_empty());
        assert_eq!(sd001_at("src/s.service.ts", body).len(), 1);
    }
}
