//! # IDX002: unindexed-query
//!
//! ## What it does
//! Flags a query whose filter no index can serve: none of the columns its `where` ANDs
//! together is the leading column of an index (for an OR, an array `where` or `.orWhere`,
//! some branch has none). Query sites are repository and `EntityManager` calls
//! (`find*`, `findOne*`, `findBy`, `count*`, `exist*`, `update`, `delete`, `softDelete`)
//! with a `where` object, including nested relation keys, and QueryBuilder
//! `.where/.andWhere/.orWhere` fragments on `alias.column`.
//!
//! A query with one indexed column in its filter is fine, and a query with no filter is
//! not this rule's business (see SEC002). Test files and migrations are not checked.
//! Filters we cannot read (variables, functions, `Brackets`, columns the model does not
//! know) are skipped rather than guessed at. Negated conditions (`IS NOT NULL`, `<>`,
//! `Not()`) are served by no index, as PostgreSQL's planner decides. Where the DataSource
//! is MySQL or MariaDB, a foreign key's column counts as indexed (InnoDB indexes it). A
//! plain index a migration creates counts as the entity's own (see IDX001).
//! Where TypeORM never makes the schema (`synchronize: false`, no `migrations`, no
//! migration in the workspace: see IDX001) the entities' indexes are not the database's,
//! and nothing is reported.
//!
//! ## Why is this bad?
//! Without an index the database reads the whole table for every such query. It works on
//! a developer's laptop and falls over when the table grows.
//!
//! ## Example
//! ```ts
//! // `email` has no index
//! return this.users.findOne({ where: { email } });
//! ```
//!
//! ## Fix
//! ```ts
//! @Index()
//! @Column()
//! email: string;
//! ```
//! The quick fix adds `@Index()` to the first filtered column in the entity's file (a
//! cross-file edit) with its migration; the message names every filtered column.

use super::migration::add_index_fix;
use crate::finding::{Finding, Fix, Severity, Span};
use crate::model::{Entity, EntityKind, Origin};
use crate::rules::{Ctx, RuleDef};
use crate::syntax::{ChainCall, QueryBuilderChain, QueryCall, Spanned, Value};

pub const RULE: RuleDef = RuleDef {
    code: "IDX002",
    name: "unindexed-query",
    summary: "A query whose filter no index can serve (a full table scan).",
    default_severity: Severity::Warning,
    check,
};

/// Methods whose first argument is a `FindOptions` object with a `where` key.
pub const OPTION_METHODS: &[&str] = &[
    "find",
    "findOne",
    "findAndCount",
    "findOneOrFail",
    "count",
    "exist",
    "exists",
];

/// Methods whose first argument is the `where` itself.
pub const WHERE_METHODS: &[&str] = &[
    "findBy",
    "findOneBy",
    "findAndCountBy",
    "findOneByOrFail",
    "countBy",
    "existsBy",
    "update",
    "delete",
    "softDelete",
    "restore",
];

/// Methods whose second argument is the `where` (`sum(column, where)`).
pub const AGGREGATE_METHODS: &[&str] = &["sum", "average", "minimum", "maximum"];

/// A column a filter names: its database name and where it is declared.
#[derive(Clone)]
struct Filtered<'a> {
    property: String,
    db_columns: Vec<String>,
    origin: &'a Origin,
    name_span: &'a Span,
}

/// What we could read of a filter: AND-ed groups of columns, OR-ed together.
enum Filter<'a> {
    /// Each branch: the columns it ANDs together.
    Branches(Vec<Vec<Filtered<'a>>>),
    /// Something we cannot read: say nothing.
    Unknown,
}

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    for (entity, filter, span, method) in read_sites(ctx, file) {
        if let Some(f) = report(ctx, file, entity, filter, span, method) {
            out.push(f);
        }
    }
}

/// A query site whose filter this rule reads, and its verdict: what the PostgreSQL test
/// (`server/tests/postgres.rs`) has the planner judge.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgedSite {
    /// The span the finding would have (the method name).
    pub span: Span,
    /// Whether the rule reports it (some branch of the filter has no index).
    pub flagged: bool,
}

/// Every query site of the file whose filter names at least one column, with its verdict.
pub fn judged_sites(ctx: &Ctx, file: usize) -> Vec<JudgedSite> {
    read_sites(ctx, file)
        .into_iter()
        .filter(|(_, filter, _, _)| {
            matches!(filter, Filter::Branches(b) if b.iter().any(|g| !g.is_empty()))
        })
        .map(|(entity, filter, span, method)| JudgedSite {
            flagged: report(ctx, file, entity, filter, span.clone(), method).is_some(),
            span,
        })
        .collect()
}

/// The query sites of a file with the filter read from each: (entity, filter, span, method).
fn read_sites<'a>(ctx: &Ctx<'a>, file: usize) -> Vec<(&'a Entity, Filter<'a>, Span, &'a str)> {
    // Tests and migrations run against small or empty tables, once: scans are fine there.
    if ctx.is_test_or_migration(file) {
        return Vec::new();
    }
    let Some(source) = ctx.file(file) else {
        return Vec::new();
    };
    let calls = source
        .facts
        .query_calls
        .iter()
        .filter_map(|call| read_call(ctx, file, call));
    let chains = source
        .facts
        .query_builders
        .iter()
        .filter_map(|chain| read_chain(ctx, file, chain));
    calls.chain(chains).collect()
}

fn where_of(call: &QueryCall) -> Option<&Spanned<Value>> {
    let m = call.method.as_str();
    if OPTION_METHODS.contains(&m) {
        call.args.first()?.value.get("where")
    } else if WHERE_METHODS.contains(&m) {
        call.args.first()
    } else if AGGREGATE_METHODS.contains(&m) {
        call.args.get(1)
    } else {
        None
    }
}

fn read_call<'a>(
    ctx: &Ctx<'a>,
    file: usize,
    call: &'a QueryCall,
) -> Option<(&'a Entity, Filter<'a>, Span, &'a str)> {
    let entity = ctx.call_entity(file, call)?;
    if entity.kind == EntityKind::View {
        return None;
    }
    let where_value = where_of(call)?;
    let text = ctx.file(file).map(|f| f.text()).unwrap_or_default();
    if crate::rules::mutated::const_mutated_before_use(&text, where_value) {
        return None;
    }
    let filter = read_where(entity, &where_value.value);
    Some((entity, filter, call.method_span.range(), &call.method))
}

fn read_chain<'a>(
    ctx: &Ctx<'a>,
    file: usize,
    chain: &'a QueryBuilderChain,
) -> Option<(&'a Entity, Filter<'a>, Span, &'a str)> {
    let entity = ctx.chain_entity(file, chain)?;
    if entity.kind == EntityKind::View {
        return None;
    }
    let alias = chain.alias.as_deref();
    let wheres: Vec<&ChainCall> = chain
        .calls
        .iter()
        .filter(|c| matches!(c.method.as_str(), "where" | "andWhere" | "orWhere"))
        .collect();
    let first = wheres.first()?;
    if chain
        .calls
        .iter()
        .any(|c| c.method.ends_with("WhereInIds") || c.method == "whereInIds")
    {
        return None;
    }
    let mut and_group: Vec<Filtered> = Vec::new();
    let mut or_groups: Vec<Vec<Filtered>> = Vec::new();
    for w in &wheres {
        let arg = w.args.first()?;
        let group = match &arg.value {
            v if v.as_object().is_some() || v.as_array().is_some() => match read_where(entity, v) {
                Filter::Branches(b) if b.len() == 1 => b.into_iter().next()?,
                _ => return None,
            },
            v => fragment_columns(entity, alias?, v)?,
        };
        if w.method == "orWhere" {
            or_groups.push(group);
        } else {
            and_group.extend(group);
        }
    }
    let mut branches = vec![and_group];
    branches.extend(or_groups);
    Some((
        entity,
        Filter::Branches(branches),
        first.method_span.range(),
        &first.method,
    ))
}

fn report(
    ctx: &Ctx,
    file: usize,
    entity: &Entity,
    filter: Filter,
    span: Span,
    method: &str,
) -> Option<Finding> {
    let Filter::Branches(branches) = filter else {
        return None;
    };
    // MySQL / MariaDB index a foreign key's columns themselves; asked once, and only
    // when a foreign-key column is all that could serve a branch.
    let innodb = std::cell::OnceCell::new();
    let served = |c: &Filtered| {
        is_indexed(ctx, entity, c)
            || (leads_a_foreign_key(entity, c)
                && *innodb.get_or_init(|| {
                    super::idx001::indexes_foreign_keys_itself(ctx, &ctx.path(file))
                }))
    };
    let branch = branches
        .iter()
        .find(|b| !b.is_empty() && !b.iter().any(served))?;
    // Asked only for a filter about to be reported: the answer reads the DataSources.
    if crate::rules::data_source::schema_managed_elsewhere(ctx, &ctx.path(entity.file)) {
        return None;
    }
    // A column the filter names twice (`LOWER(u.name) LIKE :a OR LOWER(u.name) LIKE :b`)
    // is named once in the message and the related information.
    let mut unserved: Vec<&Filtered> = Vec::new();
    for c in branch {
        if !unserved.iter().any(|u| u.property == c.property) {
            unserved.push(c);
        }
    }
    let names: Vec<String> = unserved
        .iter()
        .map(|c| format!("`{}`", c.property))
        .collect();
    let message = format!(
        "`{method}` on `{}` filters on {} but no index serves any of them: the database scans `{}`",
        entity.name,
        names.join(", "),
        entity.table
    );
    let mut finding = Finding::new(RULE.code, ctx.path(file), span, message);
    for c in &unserved {
        finding = finding.with_related(
            ctx.path(c.origin.file),
            c.name_span.clone(),
            format!("`{}.{}` is declared here", entity.name, c.property),
        );
    }
    if let Some(fix) = unserved.first().and_then(|c| fix(ctx, entity, c)) {
        finding = finding.with_fix(fix);
    }
    Some(finding)
}

/// Whether the column leads a foreign key of the entity.
fn leads_a_foreign_key(entity: &Entity, c: &Filtered) -> bool {
    c.db_columns.first().is_some_and(|col| {
        super::idx001::foreign_keys(entity)
            .iter()
            .any(|fk| fk.columns.first() == Some(col))
    })
}

/// Any index (partial ones too: they serve queries that repeat their predicate) leading
/// with the column.
fn is_indexed(ctx: &Ctx, entity: &Entity, c: &Filtered) -> bool {
    c.db_columns.first().is_some_and(|col| {
        entity.index_leading_with(col).is_some()
            || ctx
                .model
                .migration_index_covers(&entity.table, std::slice::from_ref(col))
    })
}

/// Reads a `where` value: an object is one AND branch, an array is OR-ed branches.
fn read_where<'a>(entity: &'a Entity, value: &Value) -> Filter<'a> {
    match value {
        Value::Const { value, .. } => read_where(entity, &value.value),
        Value::Array(items) => {
            let mut branches = Vec::new();
            for item in items {
                match read_where(entity, &item.value) {
                    Filter::Branches(b) => branches.extend(b),
                    Filter::Unknown => return Filter::Unknown,
                }
            }
            Filter::Branches(branches)
        }
        Value::Object(props) => {
            let mut group = Vec::new();
            for p in props {
                if p.key == "..." {
                    return Filter::Unknown;
                }
                if matches!(p.value.value, Value::Undefined) {
                    continue;
                }
                match filtered_key(entity, &p.key, &p.value.value) {
                    Some(Some(f)) => group.push(f),
                    Some(None) => {}
                    None => return Filter::Unknown,
                }
            }
            Filter::Branches(vec![group])
        }
        _ => Filter::Unknown,
    }
}

/// The column a `where` key filters on: Some(None) for keys that filter nothing we index
/// (the soft-delete column TypeORM adds itself, a negated condition), None when unknown.
fn filtered_key<'a>(entity: &'a Entity, key: &str, value: &Value) -> Option<Option<Filtered<'a>>> {
    // `Not(...)` keeps most rows: no index serves it (see `is_negative_condition`).
    if matches!(value, Value::Call { callee, .. } if callee.rsplit('.').next() == Some("Not")) {
        return Some(None);
    }
    if let Some(c) = entity.column(key) {
        if entity
            .soft_delete
            .as_ref()
            .is_some_and(|s| s.column() == c.db_name)
        {
            return Some(None);
        }
        if c.embedded.is_some() {
            return None;
        }
        return Some(Some(Filtered {
            property: c.property.clone(),
            db_columns: vec![c.db_name.clone()],
            origin: &c.origin,
            name_span: &c.name_span,
        }));
    }
    let r = entity.relation(key)?;
    if r.join_columns.is_empty() {
        // The other side holds the key: a join, not a filter on this table.
        return None;
    }
    // `{ author: { id } }` or `{ author: someId }` filters on the join column; a filter on
    // other columns of the target is a join we do not judge.
    let on_key_only = match value {
        Value::Object(props) => props.len() == 1 && props.iter().all(|p| p.key == "id"),
        Value::Ident(_) | Value::Member(_) | Value::Str(_) | Value::Num(_) | Value::BigInt(_) => {
            true
        }
        _ => false,
    };
    if !on_key_only {
        return None;
    }
    Some(Some(Filtered {
        property: r.property.clone(),
        db_columns: r.join_columns.clone(),
        origin: &r.origin,
        name_span: &r.name_span,
    }))
}

/// Columns of the main alias named in a SQL fragment (`u.email = :email`,
/// `"u"."email" IN (:...e)`); None when the fragment names a column we do not know.
fn fragment_columns<'a>(
    entity: &'a Entity,
    alias: &str,
    value: &Value,
) -> Option<Vec<Filtered<'a>>> {
    let text = match value {
        Value::Str(s) => s.clone(),
        Value::Const { value, .. } => value.value.as_str()?.into(),
        Value::Template { quasis, .. } => quasis.join(" ").into(),
        _ => return None,
    };
    let mut out = Vec::new();
    let mut negated = false;
    for (name, negative) in alias_references(&text, alias) {
        if negative {
            negated = true;
            continue;
        }
        let found = entity
            .column(&name)
            .or_else(|| entity.column_by_db_name(&name));
        match found {
            Some(c) => {
                if entity
                    .soft_delete
                    .as_ref()
                    .is_some_and(|s| s.column() == c.db_name)
                {
                    continue;
                }
                out.push(Filtered {
                    property: c.property.clone(),
                    db_columns: vec![c.db_name.clone()],
                    origin: &c.origin,
                    name_span: &c.name_span,
                });
            }
            None => {
                let r = entity
                    .relations
                    .iter()
                    .find(|r| r.property == name || r.join_columns.contains(&name))?;
                if r.join_columns.is_empty() {
                    return None;
                }
                out.push(Filtered {
                    property: r.property.clone(),
                    db_columns: r.join_columns.clone(),
                    origin: &r.origin,
                    name_span: &r.name_span,
                });
            }
        }
    }
    if out.is_empty() && !negated {
        None
    } else {
        Some(out)
    }
}

/// `alias.name` and `"alias"."name"` occurrences in SQL text, each with whether a negated
/// condition follows it.
fn alias_references(sql: &str, alias: &str) -> Vec<(String, bool)> {
    let mut names = Vec::new();
    let bytes = sql.as_bytes();
    for pattern in [format!("{alias}."), format!("\"{alias}\".")] {
        let mut from = 0;
        while let Some(pos) = sql.get(from..).and_then(|s| s.find(&pattern)) {
            let start = from + pos;
            from = start + pattern.len();
            let boundary = start == 0
                || bytes
                    .get(start - 1)
                    .is_some_and(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.'));
            if !boundary {
                continue;
            }
            let rest = sql.get(from..).unwrap_or("");
            let rest = rest.strip_prefix('"').unwrap_or(rest);
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let after = rest.get(name.len()..).unwrap_or("");
            let after = after.strip_prefix('"').unwrap_or(after);
            if !name.is_empty() {
                names.push((name, is_negative_condition(after)));
            }
        }
    }
    names
}

/// `IS NOT NULL`, `<>`, `!=`, `NOT IN`, `NOT LIKE` after a column: a condition most rows
/// meet, which no index serves (PostgreSQL scans the table for `parentId IS NOT NULL` with
/// an index on `parentId`), and which an index added for it would not serve either.
fn is_negative_condition(after_column: &str) -> bool {
    let words: Vec<String> = after_column
        .split_whitespace()
        .take(3)
        .map(str::to_ascii_uppercase)
        .collect();
    let first = words.first().map(String::as_str).unwrap_or("");
    first.starts_with("<>")
        || first.starts_with("!=")
        || (first == "IS" && words.get(1).is_some_and(|w| w == "NOT"))
        || (first == "NOT"
            && words
                .get(1)
                .is_some_and(|w| w.starts_with("IN") || w.contains("LIKE")))
}

fn fix(ctx: &Ctx, entity: &Entity, column: &Filtered) -> Option<Fix> {
    add_index_fix(
        ctx,
        column.origin,
        &column.property,
        &[entity.table.as_str()],
        &column.db_columns,
        format!(
            "Add @Index() to `{}.{}` (with its migration)",
            entity.name, column.property
        ),
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const USER: &str = "import { Entity, Column, Index, ManyToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { Team } from 'src/users/team.entity';

@Entity()
export class User extends ManagedEntity {
  @Column()
  email: string;

  @Index()
  @Column()
  handle: string;

  @Column({ nullable: true })
  nickname: string | null;

  @Index()
  @ManyToOne(() => Team)
  team: Team;
}
";
    const TEAM: &str = "import { Entity, Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class Team extends ManagedEntity {
  @Column()
  name: string;
}
";

    fn service(body: &str) -> String {
        format!(
            "import {{ Injectable }} from '@nestjs/common';
import {{ InjectRepository }} from '@nestjs/typeorm';
import {{ Repository, In }} from 'typeorm';
import {{ User }} from 'src/users/user.entity';

@Injectable()
export class UsersService {{
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {{}}

  async run(email: string, ids: string[]) {{
    {body}
  }}
}}
"
        )
    }

    fn idx002(body: &str) -> Vec<(String, usize, String)> {
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            ("src/users/team.entity.ts", TEAM),
            ("src/users/users.service.ts", &service(body)),
        ]);
        lines(&ws, "IDX002")
    }

    #[test]
    fn a_where_built_up_after_its_declaration_is_not_judged() {
        let built = "const where: any = { email };
    if (ids.length) where.handle = In(ids);
    return this.users.find({ where });";
        assert!(
            idx002(built).is_empty(),
            "the filter grows after its initializer"
        );
        let assigned = "const filter = { email };
    Object.assign(filter, { handle: email });
    return this.users.findBy(filter);";
        assert!(idx002(assigned).is_empty());
        let read_only = "const where = { email };
    if (where.email === '') return null;
    return this.users.find({ where });";
        assert_eq!(idx002(read_only).len(), 1, "reading it changes nothing");
    }

    #[test]
    fn a_column_filtered_twice_is_named_once() {
        let found = idx002(
            "return this.users.createQueryBuilder('u').where('u.nickname = :n AND (LOWER(u.email) LIKE :a OR LOWER(u.email) LIKE :b)', { n: email, a: email, b: email }).getMany();",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].2.matches("`email`").count(), 1, "{}", found[0].2);
    }

    #[test]
    fn on_mysql_a_foreign_key_column_is_indexed() {
        // InnoDB indexes every foreign key: a filter on the relation is served there.
        let user = USER.replace("  @Index()\n  @ManyToOne", "  @ManyToOne");
        let body = "return this.users.find({ where: { team: { id: email } } });";
        for (ty, expected) in [("mysql", 0), ("postgres", 1)] {
            let source = format!(
                "import {{ DataSource }} from 'typeorm';\nexport default new DataSource({{ type: '{ty}' }});\n"
            );
            let ws = workspace(&[
                ("src/users/user.entity.ts", &user),
                ("src/users/team.entity.ts", TEAM),
                ("src/users/users.service.ts", &service(body)),
                ("src/data-source.ts", &source),
            ]);
            assert_eq!(lines(&ws, "IDX002").len(), expected, "{ty}");
        }
    }

    #[test]
    fn a_schema_made_outside_typeorm_has_indexes_the_entities_do_not_show() {
        // Entities over tables a Liquibase changelog of another service creates: no
        // migrations, `synchronize: false`. Their missing `@Index()` says nothing.
        let body = "return this.users.findOne({ where: { email } });";
        let service = service(body);
        assert_silent_where_the_schema_is_made_elsewhere(
            &[
                ("src/users/user.entity.ts", USER),
                ("src/users/team.entity.ts", TEAM),
                ("src/users/users.service.ts", &service),
            ],
            "IDX002",
        );
    }

    #[test]
    fn flags_filters_without_any_index() {
        for body in [
            "return this.users.findOne({ where: { email } });",
            "return this.users.findOneBy({ email, nickname: 'x' });",
            "return this.users.count({ where: { email } });",
            "return this.users.update({ email }, { nickname: null });",
            "return this.users.createQueryBuilder('u').where('u.email = :email', { email }).getOne();",
            "return this.users.find({ where: [{ handle: email }, { email }] });",
        ] {
            let found = idx002(body);
            assert_eq!(found.len(), 1, "{body}");
            assert_eq!(found[0].1, 11, "{body}");
            assert!(found[0].2.contains("`email`"), "{}", found[0].2);
        }
    }

    #[test]
    fn accepts_one_indexed_column_or_unknown_filters() {
        for body in [
            "return this.users.findOne({ where: { email, handle: email } });",
            "return this.users.findOneBy({ id: email });",
            "return this.users.findBy({ id: In(ids) });",
            "return this.users.find({ where: { team: { id: email } } });",
            "return this.users.find({ where: { team: { name: email } } });",
            "return this.users.find();",
            "return this.users.find({ where: filters });",
            "return this.users.find({ where: { ...filters } });",
            "return this.users.createQueryBuilder('u').where('u.handle = :email', { email }).andWhere('u.email = :email').getOne();",
            "return this.users.createQueryBuilder('u').where(new Brackets((qb) => qb.where('u.email = 1'))).getOne();",
            "return this.users.update(email, { nickname: null });",
        ] {
            assert!(idx002(body).is_empty(), "{body}");
        }
    }

    /// PostgreSQL scans the table for `parentId IS NOT NULL` although `parentId` has an
    /// index (an index on `email` would not help `email <> :e` either): negated conditions
    /// neither count as served nor ask for an index.
    #[test]
    fn negated_conditions_are_not_judged() {
        for body in [
            "return this.users.createQueryBuilder('u').where('u.team IS NOT NULL').getMany();",
            "return this.users.createQueryBuilder('u').where('u.email <> :email', { email }).getMany();",
            "return this.users.createQueryBuilder('u').where('u.email NOT IN (:...ids)', { ids }).getMany();",
            "return this.users.find({ where: { email: Not(email) } });",
        ] {
            assert!(idx002(body).is_empty(), "{body}");
        }
        // The other columns of the filter are still judged.
        let found = idx002(
            "return this.users.createQueryBuilder('u').where('u.team IS NOT NULL').andWhere('u.email = :email', { email }).getMany();",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let found = idx002("return this.users.find({ where: { handle: Not(email), email } });");
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn related_information_points_at_the_column() {
        let ws = workspace(&[
            ("src/users/user.entity.ts", USER),
            ("src/users/team.entity.ts", TEAM),
            (
                "src/users/users.service.ts",
                &service("return this.users.findOneBy({ email });"),
            ),
        ]);
        let f = findings(&ws, "IDX002");
        assert_eq!(f.len(), 1);
        assert!(f[0].related[0].path.ends_with("src/users/user.entity.ts"));
        let fix = &f[0].fixes[0];
        assert!(fix.creates_migration);
        let crate::finding::FileChange::Edit { path, edits } = &fix.changes[0] else {
            panic!("an edit first");
        };
        assert!(path.ends_with("src/users/user.entity.ts"));
        let text = ws
            .files
            .get(path)
            .map(|f| f.text().to_string())
            .unwrap_or_default();
        let fixed = crate::fix::apply_edits(&text, edits).unwrap_or_default();
        assert!(
            fixed.contains("  @Index()\n  @Column()\n  email: string;"),
            "{fixed}"
        );
    }
}
