//! Parity with the ESLint plugins teams use against SQL injection today, so that SEC001
//! can replace them: `eslint-plugin-sql-template` (`no-unsafe-query`), `eslint-plugin-sql`
//! (`no-unsafe-query`) and `@capriza/eslint-plugin-safe-sql` (`no-unsafe-sql`). Each of
//! their README examples is rewritten here as TypeORM code (our own fixtures, not their
//! code), and SEC001 must report every unsafe one.
//!
//! Deliberate differences, by the catalogue: those plugins also report interpolation of
//! values that are constants (`const value = 42`, `const columns = 'id, name'`) unless
//! an `sql` tag wraps the template; SEC001 allows constants (they cannot carry input), so
//! those examples are checked with the value coming from a parameter instead, and the
//! constant variant is asserted to stay silent. The tag libraries themselves are not
//! TypeORM APIs: a tagged template is not a string and is not checked.

use crate::rules::testing::*;

const USER: &str = "import { Entity, Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity('users')
export class User extends ManagedEntity {
  @Column()
  name: string;
}
";

/// A service with a DataSource, a repository and a manager, and `body` in a method whose
/// parameters are untrusted input.
fn service(body: &str) -> String {
    format!(
        "import {{ InjectRepository }} from '@nestjs/typeorm';
import {{ DataSource, EntityManager, Repository }} from 'typeorm';
import {{ User }} from 'src/users/user.entity';

export class ParityService {{
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly db: DataSource,
  ) {{}}

  async run(value: string, columns: string, table: string, manager: EntityManager) {{
{body}
  }}
}}
"
    )
}

fn sec001_count(body: &str) -> usize {
    let text = service(body);
    let ws = workspace(&[
        ("src/users/user.entity.ts", USER),
        ("src/parity.service.ts", text.as_str()),
    ]);
    lines(&ws, "SEC001").len()
}

/// `(plugin example, equivalent TypeORM code)`: each must give exactly one SEC001.
const REPORTED: &[(&str, &str)] = &[
    (
        "sql-template: interpolated value in a query held by a variable",
        "    const query = `SELECT * FROM users WHERE id = ${value}`;\n    await this.db.query(query);",
    ),
    (
        "sql-template: interpolated column list",
        "    await this.users.query(`SELECT ${columns} FROM users`);",
    ),
    (
        "safe-sql: concatenated table name",
        "    const query = 'SELECT * FROM ' + table;\n    await manager.query(query);",
    ),
    (
        "safe-sql: interpolated table name",
        "    await this.db.query(`SELECT * FROM ${table}`);",
    ),
    (
        "eslint-plugin-sql: template with a substitution",
        "    await this.db.query(`SELECT ${value}`);",
    ),
    (
        "query builder fragment (no ESLint plugin sees TypeORM's builder)",
        "    await this.users.createQueryBuilder('u').where(`u.name = '${value}'`).getMany();",
    ),
];

/// Their "correct code" examples (and our constant variants): no SEC001.
const ACCEPTED: &[(&str, &str)] = &[
    (
        "sql-template: literal without substitutions",
        "    await this.users.query(`SELECT id, name FROM users`);",
    ),
    (
        "bind parameters",
        "    await this.db.query('SELECT * FROM users WHERE id = $1', [value]);",
    ),
    (
        "constant value (reported by the plugins, allowed by the catalogue)",
        "    const columnList = 'id, name';\n    await this.users.query(`SELECT ${columnList} FROM users`);",
    ),
    (
        "not SQL: a template that never reaches a query",
        "    const greeting = `Hello ${value}!`;\n    console.log(greeting);",
    ),
];

#[test]
fn every_unsafe_example_of_the_eslint_plugins_is_reported() {
    for (name, body) in REPORTED {
        assert_eq!(sec001_count(body), 1, "{name}:\n{body}");
    }
}

#[test]
fn their_safe_examples_and_constants_are_accepted() {
    for (name, body) in ACCEPTED {
        assert_eq!(sec001_count(body), 0, "{name}:\n{body}");
    }
}
