//! SEC001 on values whose text the code fixes without a literal at the use site: a
//! parameter typed as a union of literals, the variable a QueryBuilder took as its alias,
//! a numeric conversion by unary `+`, a property of an `as const` object. Shaped like an
//! indexer's read API and its maintenance scripts.

use crate::rules::testing::*;

fn service(body: &str) -> String {
    format!(
        "import {{ DataSource }} from 'typeorm';

const turnRank = {{ user: 0, agent: 1 }} as const;
const settings = {{ column: 'balance' }};

const dailyRate = (expr: string, denom: string) => `${{expr}} / ${{denom}} < 0.05`;

export class YieldService {{
  constructor(private readonly dataSource: DataSource) {{}}

  async apy(
    table: 'vault_yield' | 'token_yield',
    denom: 'value' | 'balance' | 'staked_balance',
    holder: 'address' | 'account' = 'address',
    free: string,
    limitArgument: string,
  ) {{
{body}
  }}
}}
"
    )
}

fn sec001(body: &str) -> Vec<(usize, String)> {
    let text = service(body);
    lines(
        &workspace(&[("src/yield/yield.service.ts", &text)]),
        "SEC001",
    )
    .into_iter()
    .map(|(_, line, message)| (line, message))
    .collect()
}

#[test]
fn parameters_typed_as_literal_unions_are_constants() {
    let found = sec001(
        "    const sql = `SELECT sum(${denom}) FROM ${table} WHERE ${holder} = $1 AND ${dailyRate('yield', denom)}`;
    await this.dataSource.query(sql, ['0xabc']);
    await this.dataSource.query(`SELECT ${free} FROM ${table}`);",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 20);
    assert!(found[0].1.contains("`free`"), "{}", found[0].1);
}

#[test]
fn the_variable_a_query_builder_took_as_its_alias_names_its_table() {
    let found = sec001(
        "    const qb = this.dataSource.getRepository('Yield').createQueryBuilder(`${free}`).select(`${free}.id`, 'id');
    qb.addSelect(`${free}.amount`, 'amount');
    await this.dataSource.createQueryBuilder().from('Yield', free).where(`${free}.id > 0`).getMany();
    await this.dataSource.getRepository('Yield').createQueryBuilder('y').where(`y.${free} > 0`).getMany();",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 21);
}

#[test]
fn a_unary_plus_converts_to_a_number() {
    let found = sec001(
        "    const limit = +limitArgument;
    await this.dataSource.query(`SELECT id FROM users LIMIT ${limit} OFFSET ${-limitArgument}`);
    await this.dataSource.query(`SELECT id FROM users LIMIT ${limitArgument}`);",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 20);
}

#[test]
fn a_property_of_an_as_const_object_is_constant_and_of_a_plain_object_is_not() {
    let found = sec001(
        "    await this.dataSource.query(`SELECT id FROM runs WHERE (at, ${turnRank.user}) < ($1, $2)`, [1, 2]);
    settings.column = free;
    await this.dataSource.query(`SELECT sum(${settings.column}) FROM t`);",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 20);
}

#[test]
fn a_join_alias_the_class_quoting_a_literal_and_the_clock_are_not_input() {
    let found = sec001(
        "    await this.dataSource.createQueryBuilder().from('user', 'u').leftJoinAndSelect('u.roles', free).where(`${free}.name = :n`, { n: 'customer' }).getMany();
    await this.dataSource.getRepository('Session').createQueryBuilder('s').where(`s.expiredAt <= ${Date.now()}`).andWhere(`s.${this.quote('userId')} = :u`, { u: 1 }).getMany();
    await this.dataSource.getRepository('Session').createQueryBuilder('s').where(`s.${this.quote(limitArgument)} = 1`).getMany();",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 20);
    assert!(found[0].1.contains("`limitArgument`"), "{}", found[0].1);
}
