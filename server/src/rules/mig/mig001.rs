//! # MIG001: synchronize-enabled
//!
//! ## What it does
//! Flags `synchronize: true` in DataSource options: `new DataSource({...})`,
//! `TypeOrmModule.forRoot({...})`, the object a `forRootAsync` factory returns,
//! `createConnection({...})`, an options object typed `DataSourceOptions` /
//! `TypeOrmModuleOptions`, or an ormconfig file (`export default { type, entities, ... }`).
//! Options held in a `const` of the same file are followed.
//!
//! Only the literal `true` is reported: `synchronize: process.env.DB_SYNC === 'true'` is
//! a decision made elsewhere. Test files are exempt (an in-memory test database is often
//! synchronized on purpose).
//!
//! ## Why is this bad?
//! With `synchronize`, TypeORM alters the schema to match the entities at every start:
//! it drops columns that were renamed (with their data), and the migrations no longer
//! describe the database. In a migrations-only project the schema changes only through
//! migrations.
//!
//! ## Example
//! ```ts
//! TypeOrmModule.forRoot({
//!   type: 'postgres',
//!   synchronize: true,
//! });
//! ```
//!
//! ## Fix
//! ```ts
//! TypeOrmModule.forRoot({
//!   type: 'postgres',
//!   synchronize: false,
//! });
//! ```

use crate::finding::{Finding, Severity, TextEdit};
use crate::rules::{Ctx, RuleDef};
use crate::syntax::Value;
use std::collections::HashSet;

pub const RULE: RuleDef = RuleDef {
    code: "MIG001",
    name: "synchronize-enabled",
    summary: "`synchronize: true` in DataSource / TypeOrmModule options.",
    default_severity: Severity::Error,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let Some(source) = ctx.file(file) else {
        return;
    };
    if ctx.is_test_or_migration(file) {
        return;
    }
    let mut seen = HashSet::new();
    for options in &source.facts.orm_options {
        let Some(props) = options.options.value.as_object() else {
            continue;
        };
        // The last `synchronize` wins, as in JavaScript.
        let Some(prop) = props.iter().rev().find(|p| p.key == "synchronize") else {
            continue;
        };
        if !matches!(prop.value.value, Value::Bool(true)) || !seen.insert(prop.key_span.start()) {
            continue;
        }
        let message = format!(
            "`synchronize: true` in {} options: TypeORM rewrites the schema at startup, outside the migrations",
            options.origin
        );
        let fix = ctx.edit_fix(
            "Set `synchronize: false`",
            || source.path.clone(),
            || {
                Some(vec![TextEdit {
                    span: prop.value.span.range(),
                    new_text: "false".to_string(),
                }])
            },
        );
        let mut finding = Finding::new(
            RULE.code,
            source.path.clone(),
            prop.key_span.range(),
            message,
        );
        finding.fixes.extend(fix);
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    fn mig001(path: &str, text: &str) -> Vec<(String, usize, String)> {
        lines(&workspace(&[(path, text)]), "MIG001")
    }

    #[test]
    fn flags_every_options_form() {
        let text = "import { DataSource } from 'typeorm';
import { TypeOrmModule } from '@nestjs/typeorm';

export const source = new DataSource({
  type: 'postgres',
  synchronize: true,
});

const options = { type: 'postgres' as const, entities: [], synchronize: true };
export const other = new DataSource(options);

export const imports = [
  TypeOrmModule.forRoot({ type: 'postgres', synchronize: true }),
  TypeOrmModule.forRootAsync({
    useFactory: () => ({
      type: 'postgres',
      synchronize: true,
    }),
  }),
];
";
        let found = mig001("src/database/data-source.ts", text);
        let at: Vec<usize> = found.iter().map(|f| f.1).collect();
        assert_eq!(at, vec![6, 9, 13, 17], "{found:?}");
    }

    #[test]
    fn accepts_false_computed_and_test_settings() {
        let text = "import { DataSource } from 'typeorm';
export const a = new DataSource({ type: 'postgres', synchronize: false });
export const b = new DataSource({ type: 'postgres', synchronize: process.env.SYNC === '1' });
";
        assert!(mig001("src/database/data-source.ts", text).is_empty());
        let test = "import { DataSource } from 'typeorm';
export const t = new DataSource({ type: 'postgres', synchronize: true });
";
        assert!(mig001("test/utils/test-db.ts", test).is_empty());
        assert!(mig001("src/users/users.spec.ts", test).is_empty());
    }

    #[test]
    fn fix_sets_false() {
        let text = "import { DataSource } from 'typeorm';
export default new DataSource({
  type: 'postgres',
  synchronize: true, // dev only
});
";
        let files = [("src/database/data-source.ts", text)];
        let fixed = assert_fix_is_clean(&files, "MIG001", "src/database/data-source.ts");
        assert_eq!(
            fixed,
            text.replace("synchronize: true", "synchronize: false")
        );
    }
}
