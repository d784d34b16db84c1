//! # TYP001: column-type-mismatch
//!
//! ## What it does
//! Compares a column's database type with its TypeScript type, using what the PostgreSQL
//! driver (`pg`) returns through TypeORM:
//!
//! | database type | TypeScript |
//! |---|---|
//! | `varchar`, `char`, `text`, `citext`, `uuid`, `inet`, `time`, `money` | `string` |
//! | `bigint`, `numeric`, `decimal` | `string` (pg returns strings for them; not flagged where every DataSource is SQLite, or MySQL told to return numbers: `bigNumberStrings: false`, `decimalNumbers: true`) |
//! | `int`, `integer`, `smallint`, `real`, `double precision`, `float` | `number` |
//! | `boolean` | `boolean` |
//! | `timestamp`, `timestamptz` (and create/update/delete date columns) | `Date` |
//! | `date` | `Date` or `string` |
//! | `json`, `jsonb`, `simple-json` | any object or array type, or a union of JSON scalars (`string \| number \| boolean \| null`: any JSON value) |
//! | `simple-array` | `string[]` |
//! | `bytea` | `Buffer` |
//! | `enum`, `simple-enum` | the enum (`enum: Status`) or a union of its literals (`enum: ['a', 'b']`) |
//!
//! Entities kept in a folder named for another driver (`mssql/`, `oracle/`, `cockroachdb/`)
//! are checked for their enum values only.
//!
//! `array: true` (or `int[]`) wants an array of the element type. Type aliases and enums
//! are followed through imports and barrels. Silent when the database type is not written
//! (TypeORM infers it from the TypeScript type), for types we cannot trace, `any`/`unknown`,
//! and columns with a `transformer` (written, or added by the decorator as subsquid's
//! `BigIntColumn` does) or options we cannot read.
//!
//! ## Why is this bad?
//! The TypeScript type is a promise the compiler keeps: a `numeric` typed `number` holds a
//! string at runtime, so `price + tax` concatenates (`"10.00" + 1` is `"10.001"`), and a
//! `bigint` typed `number` compares wrongly. Nothing fails until the numbers are wrong.
//!
//! ## Example
//! ```ts
//! @Column('decimal', { precision: 5, scale: 2 })
//! taxRate: number;
//! ```
//!
//! ## Fix
//! ```ts
//! @Column('decimal', { precision: 5, scale: 2 })
//! taxRate: string;
//! ```
//! The quick fix rewrites the property's type (keeping `| null`); convert where you compute.

use super::driver::{all_return_numbers, in_other_driver_folder, wide_of, Wide};
use super::shape::{enum_reference, shapes, Shape};
use crate::finding::{Applicability, FileChange, Finding, Fix, Severity, TextEdit};
use crate::model::{Column, ColumnKind};
use crate::rules::{Ctx, RuleDef};
use crate::syntax::{TypeAnn, Value};

pub const RULE: RuleDef = RuleDef {
    code: "TYP001",
    name: "column-type-mismatch",
    summary: "A column whose TypeScript type cannot hold what the driver returns.",
    default_severity: Severity::Warning,
    check,
};

/// What the driver returns for a database type.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Str,
    Num,
    Bool,
    Date,
    DateOrStr,
    Json,
    Buffer,
    Enum,
    Array(Box<Expect>),
}

fn scalar_expect(db_type: &str) -> Option<Expect> {
    Some(match db_type.trim() {
        "varchar"
        | "character varying"
        | "char"
        | "character"
        | "nchar"
        | "nvarchar"
        | "text"
        | "citext"
        | "uuid"
        | "inet"
        | "cidr"
        | "macaddr"
        | "macaddr8"
        | "tsvector"
        | "tsquery"
        | "xml"
        | "ltree"
        | "time"
        | "time without time zone"
        | "time with time zone"
        | "timetz"
        | "money"
        | "bit"
        | "bit varying"
        | "varbit"
        | "bigint"
        | "int8"
        | "bigserial"
        | "serial8"
        | "numeric"
        | "decimal" => Expect::Str,
        "int" | "integer" | "int2" | "int4" | "smallint" | "serial" | "serial4" | "smallserial"
        | "serial2" | "real" | "float4" | "float8" | "float" | "double precision" | "double" => {
            Expect::Num
        }
        "boolean" | "bool" => Expect::Bool,
        "timestamp"
        | "timestamptz"
        | "timestamp without time zone"
        | "timestamp with time zone" => Expect::Date,
        "date" => Expect::DateOrStr,
        "json" | "jsonb" | "simple-json" => Expect::Json,
        "simple-array" => Expect::Array(Box::new(Expect::Str)),
        "bytea" => Expect::Buffer,
        "enum" | "simple-enum" => Expect::Enum,
        _ => return None,
    })
}

/// The database type as written, or the one TypeORM gives a date or version column.
fn written_type(column: &Column) -> Option<&str> {
    column.db_type.as_deref().or(match column.kind {
        ColumnKind::CreateDate | ColumnKind::UpdateDate | ColumnKind::DeleteDate => {
            Some("timestamp")
        }
        ColumnKind::Version => Some("integer"),
        _ => None,
    })
}

/// The expectation for a column, or None when its database type is not written (or not
/// one we know).
fn expect_of(column: &Column) -> Option<Expect> {
    let written = written_type(column)?;
    let (base, is_array) = match written.trim().strip_suffix("[]") {
        Some(base) => (base, true),
        None => (written, column.is_array),
    };
    let scalar = scalar_expect(base)?;
    Some(if is_array && base != "simple-array" {
        Expect::Array(Box::new(scalar))
    } else {
        scalar
    })
}

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let path = ctx.path(file);
    // Asked only when a `bigint` / `decimal` column is typed otherwise: it reads every
    // DataSource of the workspace.
    let numbers = [std::cell::OnceCell::new(), std::cell::OnceCell::new()];
    let other_driver = in_other_driver_folder(&path);
    let driver_returns_numbers = |wide: Wide| {
        let cell = &numbers[usize::from(wide == Wide::Decimal)];
        *cell.get_or_init(|| all_return_numbers(ctx, wide))
    };
    for entity in ctx.model.entities_touching(file) {
        for column in &entity.columns {
            if column.origin.file != file || column.origin.class.is_none() || skipped(ctx, column) {
                continue;
            }
            let Some(ty) = ctx.model.type_of(&column.origin) else {
                continue;
            };
            let Some(expect) = expect_of(column) else {
                continue;
            };
            let enum_shape = enum_of(ctx, file, column);
            let members = shapes(ctx, file, ty);
            if members.is_empty()
                || members
                    .iter()
                    .any(|s| fits(&expect, s, enum_shape.as_ref()))
            {
                continue;
            }
            if expect == Expect::Json && any_json_value(&members) {
                continue;
            }
            // Which values an enum column holds does not depend on the driver; the rest
            // of the table is `pg`'s.
            let is_enum = matches!(&expect, Expect::Enum)
                || matches!(&expect, Expect::Array(inner) if **inner == Expect::Enum);
            if !is_enum && other_driver {
                continue;
            }
            let wide = column.db_type.as_deref().and_then(wide_of);
            if wide.is_some_and(driver_returns_numbers) {
                continue;
            }
            let Some(wanted) = expected_text(&expect, column) else {
                continue;
            };
            let message = format!(
                "`{}` is `{}` in the database ({}), but typed `{}`: expected `{wanted}`",
                column.property,
                written_type(column).unwrap_or("?"),
                describe(&expect),
                ty.text,
            );
            let mut finding =
                Finding::new(RULE.code, path.clone(), column.name_span.clone(), message);
            finding.fixes.extend(fix(ctx, &path, ty, &wanted));
            out.push(finding);
        }
    }
    dedup_in_place(out);
}

/// A column declared in a base class is seen once per inheriting entity: keep one.
fn dedup_in_place(out: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    out.retain(|f| f.code != RULE.code || seen.insert((f.span.start, f.message.clone())));
}

/// Columns whose TypeScript type legitimately differs from the database's.
fn skipped(ctx: &Ctx, column: &Column) -> bool {
    if column.options_opaque
        || column.decorator_transformer
        || matches!(
            column.kind,
            ColumnKind::Embedded | ColumnKind::Virtual | ColumnKind::View
        )
    {
        return true;
    }
    // The options as TypeORM receives them (a spread of `id()` included).
    let options = ctx.model.column_options(&column.origin);
    options
        .as_deref()
        .is_some_and(|o| o.get("transformer").is_some())
}

/// The enum a column's `enum:` option references, resolved.
fn enum_of(ctx: &Ctx, file: usize, column: &Column) -> Option<Shape> {
    match column.enum_values.as_ref()? {
        Value::Ident(name) => Some(enum_reference(ctx, file, name)),
        Value::Array(items) => Some(Shape::Enum {
            name: String::new(),
            strings: true,
            values: items
                .iter()
                .filter_map(|i| i.value.as_str().map(str::to_string))
                .collect(),
        }),
        _ => Some(Shape::Unknown),
    }
}

/// A union of several JSON scalar kinds (`string | number | boolean | null`) is typed
/// for any JSON value, which is what a `json` column holds: a lone `string`, by contrast,
/// usually means JSON text stored again as a JSON string.
fn any_json_value(members: &[Shape]) -> bool {
    use Shape as S;
    let kinds = [
        members.iter().any(|s| matches!(s, S::Str | S::StrLit(_))),
        members.iter().any(|s| matches!(s, S::Num | S::NumLit)),
        members.iter().any(|s| matches!(s, S::Bool)),
    ];
    kinds.iter().filter(|k| **k).count() >= 2
}

/// Whether a member type can hold what the driver returns (unknown types always can).
fn fits(expect: &Expect, shape: &Shape, enum_shape: Option<&Shape>) -> bool {
    use Shape as S;
    if matches!(shape, S::Any | S::Unknown) {
        return true;
    }
    match expect {
        Expect::Str => matches!(shape, S::Str | S::StrLit(_) | S::Enum { .. }),
        Expect::Num => matches!(shape, S::Num | S::NumLit | S::Enum { .. }),
        Expect::Bool => matches!(shape, S::Bool),
        Expect::Date => matches!(shape, S::Date),
        Expect::DateOrStr => matches!(shape, S::Date | S::Str | S::StrLit(_)),
        Expect::Json => matches!(shape, S::Object | S::Array(_)),
        Expect::Buffer => matches!(shape, S::Buffer),
        Expect::Enum => fits_enum(shape, enum_shape),
        Expect::Array(inner) => match shape {
            S::Array(el) => fits(inner, el, enum_shape),
            _ => false,
        },
    }
}

fn fits_enum(shape: &Shape, enum_shape: Option<&Shape>) -> bool {
    match (shape, enum_shape) {
        (_, None | Some(Shape::Unknown)) => !matches!(
            shape,
            Shape::Bool | Shape::Date | Shape::Object | Shape::Array(_) | Shape::Buffer
        ),
        (Shape::Enum { name, .. }, Some(Shape::Enum { name: wanted, .. })) => {
            wanted.is_empty() || name == wanted
        }
        (
            Shape::StrLit(v),
            Some(Shape::Enum {
                values, strings, ..
            }),
        ) => !strings || values.contains(v),
        (Shape::NumLit, Some(Shape::Enum { strings, .. })) => !strings,
        _ => false,
    }
}

fn describe(expect: &Expect) -> &'static str {
    match expect {
        Expect::Str => "the driver returns a string",
        Expect::Num => "the driver returns a number",
        Expect::Bool => "the driver returns a boolean",
        Expect::Date | Expect::DateOrStr => "the driver returns a Date",
        Expect::Json => "the driver returns parsed JSON",
        Expect::Buffer => "the driver returns a Buffer",
        Expect::Enum => "only the enum's values",
        Expect::Array(_) => "the driver returns an array",
    }
}

/// The TypeScript type to write, when we know one.
fn expected_text(expect: &Expect, column: &Column) -> Option<String> {
    Some(match expect {
        Expect::Str => "string".into(),
        Expect::Num => "number".into(),
        Expect::Bool => "boolean".into(),
        Expect::Date => "Date".into(),
        Expect::DateOrStr => "string".into(),
        Expect::Json => "Record<string, unknown>".into(),
        Expect::Buffer => "Buffer".into(),
        Expect::Enum => enum_text(column)?,
        Expect::Array(inner) => {
            let el = expected_text(inner, column)?;
            if el.contains(' ') {
                format!("({el})[]")
            } else {
                format!("{el}[]")
            }
        }
    })
}

/// `Status` for `enum: Status`, `'a' | 'b'` for `enum: ['a', 'b']`.
fn enum_text(column: &Column) -> Option<String> {
    match column.enum_values.as_ref()? {
        Value::Ident(name) => Some(name.to_string()),
        Value::Array(items) => {
            let values: Option<Vec<String>> = items
                .iter()
                .map(|i| {
                    i.value
                        .as_str()
                        .map(|s| format!("'{}'", s.replace('\'', "\\'")))
                })
                .collect();
            values.filter(|v| !v.is_empty()).map(|v| v.join(" | "))
        }
        _ => None,
    }
}

/// Rewrites the whole annotation, keeping `| null` / `| undefined`.
fn fix(ctx: &Ctx, path: &std::path::Path, ty: &TypeAnn, wanted: &str) -> Option<Fix> {
    let mut text = wanted.to_string();
    if ty.includes_null() {
        text.push_str(" | null");
    }
    if ty.includes_undefined() {
        text.push_str(" | undefined");
    }
    // Editor only: every use of the property sees the new type, and code written for the
    // old one (`payload.length` on a `string`) stops compiling.
    ctx.fix(
        format!("Change the type to `{text}` (then fix the code that uses it)"),
        Applicability::Unsafe,
        || {
            Some(vec![FileChange::Edit {
                path: path.to_path_buf(),
                edits: vec![TextEdit {
                    span: ty.span.range(),
                    new_text: text.clone(),
                }],
            }])
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    fn entity(body: &str) -> String {
        format!(
            "import {{ Column, Entity }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';
import {{ Status, Money }} from 'src/common/types';

export enum Local {{
  A = 'a',
}}

@Entity()
export class Item extends ManagedEntity {{
{body}
}}
"
        )
    }

    const TYPES: &str = "export enum Status { Open = 'open', Closed = 'closed' }
export enum Other { X = 'x' }
export type Money = string;
";

    fn typ001(body: &str) -> Vec<(String, usize, String)> {
        let text = entity(body);
        let ws = workspace(&[
            ("src/common/types.ts", TYPES),
            ("src/items/item.entity.ts", &text),
        ]);
        lines(&ws, "TYP001")
    }

    #[test]
    fn flags_what_the_driver_cannot_fill() {
        for body in [
            "  @Column('numeric') price: number;",
            "  @Column({ type: 'bigint' }) views: number;",
            "  @Column('varchar') name: number;",
            "  @Column('int') count: string;",
            "  @Column('timestamptz') at: string;",
            "  @Column('jsonb') data: string;",
            "  @VersionColumn() version: string;",
            "  @Column('int', { array: true }) ids: number;",
            "  @Column('int', { array: true }) ids: string[];",
            "  @Column('simple-array') tags: number[];",
            "  @Column({ type: 'enum', enum: Status }) status: string;",
            "  @Column({ type: 'enum', enum: ['a', 'b'] }) kind: 'c' | 'd';",
            "  @Column({ type: 'boolean', nullable: true }) flag: string | null;",
        ] {
            assert_eq!(typ001(body).len(), 1, "{body}");
        }
    }

    #[test]
    fn barrels_that_re_export_each_other_end_the_search() {
        // Two barrels with `export *` both ways (seen on a real codebase: the lookup of a
        // name neither declares overflowed the stack).
        let text = "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Missing } from 'src/a';

@Entity()
export class Item {
  @PrimaryGeneratedColumn() id: number;

  @Column('int') count: Missing;

  @Column('int') label: string;
}
";
        let ws = workspace(&[
            ("src/a/index.ts", "export * from 'src/b';\n"),
            (
                "src/b/index.ts",
                "export * from 'src/a';\nexport type Label = string;\n",
            ),
            ("src/items/item.entity.ts", text),
        ]);
        let found = lines(&ws, "TYP001");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].2.contains("label"), "{}", found[0].2);
    }

    #[test]
    fn numbers_are_right_where_every_driver_returns_numbers() {
        let body = "  @Column({ type: 'bigint' }) createdAtMicros: number;\n\n  @Column('decimal') rate: number;";
        let text = entity(body);
        let run = |data_source: &str| {
            let ws = workspace(&[
                ("src/items/item.entity.ts", text.as_str()),
                ("src/data-source.ts", data_source),
            ]);
            lines(&ws, "TYP001").len()
        };
        let mysql = "import { DataSource } from 'typeorm';
import { MysqlConnectionOptions } from 'typeorm/driver/mysql/MysqlConnectionOptions';

const base = { entities: [] };
const mysqlOptions: MysqlConnectionOptions = { ...base, type: 'mysql', supportBigNumbers: true, bigNumberStrings: false };
export const ds = new DataSource(mysqlOptions);
export const local = new DataSource({ type: 'sqlite', database: 'local.db' });
";
        // bigint comes back as a number; mysql2 still returns decimals as strings
        assert_eq!(run(mysql), 1);
        let decimals = mysql.replace(
            "bigNumberStrings: false",
            "bigNumberStrings: false, decimalNumbers: true",
        );
        assert_eq!(run(&decimals), 0);
        // TypeORM's own MySQL defaults return strings, and so does PostgreSQL
        assert_eq!(run(&mysql.replace(", bigNumberStrings: false", "")), 2);
        assert_eq!(run(&mysql.replace("'sqlite'", "'postgres'")), 2);
    }

    #[test]
    fn entities_written_for_another_driver_keep_its_values() {
        let text = entity("  @Column('bit') flag: boolean;\n\n  @Column({ type: 'simple-enum', enum: ['a', 'b'] }) kind: 'c';");
        let ws = workspace(&[
            ("src/common/types.ts", TYPES),
            ("test/schema/mssql/entity/item.entity.ts", &text),
        ]);
        let found = lines(&ws, "TYP001");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].2.contains("simple-enum"), "{}", found[0].2);
    }

    #[test]
    fn a_version_column_is_named_by_its_integer_type() {
        let found = typ001("  @VersionColumn() version: string;");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].2.contains("`version` is `integer`"),
            "{}",
            found[0].2
        );
    }

    #[test]
    fn accepts_matching_and_untraceable_types() {
        for body in [
            "  @Column('numeric') price: string;",
            "  @Column('int') count: number;",
            "  @Column() inferred: number;",
            "  @Column('varchar') amount: Money;",
            "  @Column('varchar') local: Local;",
            "  @Column('date') day: string;",
            "  @Column('jsonb') data: Record<string, unknown>;",
            "  @Column('jsonb') list: string[];",
            "  @Column('jsonb') anything: SomeInterface;",
            "  @Column('simple-json') value: string | number | boolean | null;",
            "  @Column('int', { array: true }) ids: number[];",
            "  @Column('int', { array: true }) ids2: Array<number>;",
            "  @Column('simple-array') tags: string[];",
            "  @Column({ type: 'enum', enum: Status }) status: Status;",
            "  @Column({ type: 'enum', enum: ['a', 'b'] }) kind: 'a' | 'b';",
            "  @Column({ type: 'numeric', transformer: toNumber }) n: number;",
            "  @Column({ ...decimal }) n2: number;",
            "  @Column('varchar') u: string | number;",
            "  @Column('text') x: any;",
        ] {
            assert!(typ001(body).is_empty(), "{body}");
        }
    }

    #[test]
    fn a_different_enum_is_flagged() {
        let text = entity("  @Column({ type: 'enum', enum: Status }) status: Other;")
            .replace("{ Status, Money }", "{ Status, Money, Other }");
        let ws = workspace(&[
            ("src/common/types.ts", TYPES),
            ("src/items/item.entity.ts", &text),
        ]);
        assert_eq!(lines(&ws, "TYP001").len(), 1);
    }

    #[test]
    fn fix_rewrites_the_type_keeping_null() {
        let text = entity("  @Column('numeric', { nullable: true })\n  price: number | null;\n\n  @Column({ type: 'enum', enum: ['a', 'b'] })\n  kind: string;");
        let files = [
            ("src/common/types.ts", TYPES),
            ("src/items/item.entity.ts", text.as_str()),
        ];
        let out = assert_fix_is_clean(&files, "TYP001", "src/items/item.entity.ts");
        assert_eq!(
            out,
            entity("  @Column('numeric', { nullable: true })\n  price: string | null;\n\n  @Column({ type: 'enum', enum: ['a', 'b'] })\n  kind: 'a' | 'b';")
        );
    }
}
