//! Column options built by workspace functions (`option_calls`), as the model, the schema
//! and the TYP rules read them. Shapes of Misskey's `id()` (cherrypick), written anew.

use super::relational::schema;
use crate::rules::testing::{lines, workspace};
use crate::workspace::Workspace;

const KEY_HELPERS: &str = "export const key = () => ({ type: 'varchar' as const, length: 24 });
export function code(width: number) {
  return { type: 'char' as const, length: width };
}
export const label = (width = 40) => ({ type: 'varchar' as const, length: width });
export const counter = { type: 'integer' as const, default: 0 };
";

fn ws(entity_body: &str) -> Workspace {
    let text = format!(
        "import {{ Column, Entity, PrimaryColumn }} from 'typeorm';
import {{ code, counter, key, label }} from './util/key';

const flag = () => ({{ type: 'boolean' as const, default: false }});

@Entity()
export class Holder {{
  @PrimaryColumn(key()) id: string;
{entity_body}
}}
"
    );
    workspace(&[
        ("src/util/key.ts", KEY_HELPERS),
        ("src/holder.entity.ts", &text),
    ])
}

fn column<'w>(ws: &'w Workspace, property: &str) -> &'w crate::model::Column {
    ws.model
        .entities
        .iter()
        .flat_map(|e| e.columns.iter())
        .find(|c| c.property == property)
        .expect("column")
}

#[test]
fn a_call_and_a_spread_of_a_call_are_the_object_it_returns() {
    let ws = ws(
        "  @Column({ ...key(), nullable: true }) ownerId: string | null;
  @Column({ ...key(), array: true, default: '{}' }) witnessIds: string[];
  @Column(code(6)) inviteCode: string;
  @Column(flag()) revoked: boolean;
  @Column({ ...counter, default: 3 }) slots: number;",
    );
    let id = column(&ws, "id");
    assert_eq!(id.db_type.as_deref(), Some("varchar"));
    assert!(!id.options_opaque);
    let owner = column(&ws, "ownerId");
    assert_eq!(owner.db_type.as_deref(), Some("varchar"));
    assert_eq!(owner.nullable, Some(true));
    assert!(!owner.options_opaque);
    assert!(column(&ws, "witnessIds").is_array);

    let schema = schema(&ws.model, &ws.config);
    let table = schema.table("holder");
    let col = |n: &str| table.columns.iter().find(|c| c.name == n).expect("column");
    assert_eq!(col("id").length.as_deref(), Some("24"));
    assert_eq!(col("ownerId").length.as_deref(), Some("24"));
    assert!(col("ownerId").nullable);
    assert_eq!(col("witnessIds").db_type, "character varying");
    assert_eq!(col("witnessIds").default.as_deref(), Some("'{}'"));
    // The parameter takes the call's argument.
    assert_eq!(col("inviteCode").db_type, "character");
    assert_eq!(col("inviteCode").length.as_deref(), Some("6"));
    // A local arrow; a const object spread, its default overridden by the later key.
    assert_eq!(col("revoked").default.as_deref(), Some("false"));
    assert_eq!(col("slots").db_type, "integer");
    assert_eq!(col("slots").default.as_deref(), Some("'3'"));
}

#[test]
fn a_call_leaving_out_a_parameter_is_not_guessed() {
    // `label()` takes the parameter's default, which the facts do not keep: the options
    // stay unread (opaque), and no rule judges the column.
    let ws = ws("  @Column(label()) title: number;
  @Column({ ...unknownHelper(), nullable: true }) other: string;
  @Column({ nullable: true, ...(isMysql() && { length: 36 }) }) relatedId?: string;");
    assert!(column(&ws, "title").options_opaque);
    assert!(column(&ws, "other").options_opaque);
    // What is written next to an unreadable spread still counts (ever-gauzy's relation
    // ids): the column is nullable, for the schema too.
    let related = column(&ws, "relatedId");
    assert!(related.options_opaque);
    assert_eq!(related.nullable, Some(true));
    let schema = schema(&ws.model, &ws.config);
    let table = schema.table("holder");
    assert!(table
        .columns
        .iter()
        .any(|c| c.name == "relatedId" && c.nullable));
    assert!(lines(&ws, "TYP001").is_empty());
    assert!(lines(&ws, "TYP002").is_empty());
}

#[test]
fn typ_rules_judge_the_evaluated_options() {
    let entity_ws = |body: &str| {
        let text = format!(
            "import {{ Column, Entity, PrimaryColumn }} from 'typeorm';
import {{ key }} from './util/key';

@Entity()
export class Holder {{
  @PrimaryColumn(key()) id: string;
{body}
}}
"
        );
        workspace(&[
            ("src/util/key.ts", KEY_HELPERS),
            ("src/holder.entity.ts", &text),
        ])
    };
    // Nullable through the literal key next to the spread, typed without `null`.
    let ws = entity_ws("  @Column({ ...key(), nullable: true }) ownerId: string;");
    assert_eq!(lines(&ws, "TYP002").len(), 1, "{:?}", lines(&ws, "TYP002"));
    // A varchar typed as a number.
    let ws = entity_ws("  @Column({ ...key() }) ownerId: number;");
    assert_eq!(lines(&ws, "TYP001").len(), 1, "{:?}", lines(&ws, "TYP001"));
    // Agreeing types: silent.
    let ws = entity_ws("  @Column({ ...key(), nullable: true }) ownerId: string | null;");
    assert!(lines(&ws, "TYP001").is_empty());
    assert!(lines(&ws, "TYP002").is_empty());
}

#[test]
fn an_enum_const_is_the_one_the_import_names() {
    // Two exported consts of one name with different values (a backend's and its client
    // SDK's): the entity's import decides.
    let ws = workspace(&[
        (
            "src/types.ts",
            "export const visibilities = ['public', 'home', 'followers'] as const;\n",
        ),
        (
            "sdk/consts.ts",
            "export const visibilities = ['public', 'home'] as const;\n",
        ),
        (
            "src/note.entity.ts",
            "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { visibilities } from './types.js';
@Entity()
export class Note {
  @PrimaryGeneratedColumn() id: number;
  @Column('enum', { enum: visibilities }) visibility: (typeof visibilities)[number];
}
",
        ),
    ]);
    let schema = schema(&ws.model, &ws.config);
    let note = schema.table("note");
    let visibility = note
        .columns
        .iter()
        .find(|c| c.name == "visibility")
        .expect("column");
    assert_eq!(
        visibility.enum_values.as_deref(),
        Some(&["public".to_string(), "home".into(), "followers".into()][..])
    );
}

#[test]
fn constant_arithmetic_is_what_javascript_computes() {
    let ws = workspace(&[(
        "src/meta.entity.ts",
        "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
const MAX = 12;
@Entity()
export class Meta {
  @PrimaryGeneratedColumn() id: number;
  @Column('bigint', { default: 1024 * 1024 * 10 }) maxBytes: string;
  @Column('integer', { default: MAX * 2 - 1 }) slots: number;
  @Column('integer', { default: 1 << 4 | 1 }) flags: number;
  @Column('integer', { default: -1 >>> 28 }) high: number;
  @Column('varchar', { default: 'v' + 2 }) tag: string;
  @Column('varchar', { length: 16 * 2 }) code: string;
  @Column('integer', { default: MAX * unknown }) other: number;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let meta = schema.table("meta");
    let col = |n: &str| meta.columns.iter().find(|c| c.name == n).expect("column");
    assert_eq!(col("maxBytes").default.as_deref(), Some("'10485760'"));
    assert_eq!(col("slots").default.as_deref(), Some("'23'"));
    assert_eq!(col("flags").default.as_deref(), Some("'17'"));
    assert_eq!(col("high").default.as_deref(), Some("'15'"));
    assert_eq!(col("tag").default.as_deref(), Some("'v2'"));
    assert_eq!(col("code").length.as_deref(), Some("32"));
    assert_eq!(col("other").default, None);
}

#[test]
fn editing_the_function_rebuilds_the_columns_that_call_it() {
    // The entity's columns hold what `key()` returned: a change of its body is a change of
    // the model's shape (a full rebuild), a change elsewhere in its file is not.
    let mut ws = ws("  @Column({ ...key(), nullable: true }) ownerId: string | null;");
    let path = std::path::Path::new(crate::rules::testing::ROOT).join("src/util/key.ts");
    let elsewhere = format!("// a comment\n{KEY_HELPERS}");
    assert!(ws.update_file(std::sync::Arc::new(super::SourceFile::new(
        path.clone(),
        elsewhere
    ))));
    let changed = KEY_HELPERS.replace(
        "type: 'varchar' as const, length: 24",
        "type: 'uuid' as const",
    );
    assert!(!ws.update_file(std::sync::Arc::new(super::SourceFile::new(path, changed))));
    assert_eq!(column(&ws, "ownerId").db_type.as_deref(), Some("uuid"));
}

#[test]
fn a_type_a_workspace_function_returns_as_a_literal_is_that_type() {
    // ssi-sdk's shared helper: `type: typeormDate()`, a block body with a comment and a
    // lone `return 'date'`; a helper that computes its answer stays unread.
    let helpers = "export const dateType = (opts?: { db: string }) => {
  // the same for every database
  return 'date';
};
export const computedType = () => (Math.random() > 2 ? 'date' : 'text');
";
    let entity = "import { Column, Entity, PrimaryColumn } from 'typeorm';
import { computedType, dateType } from './util/types';

@Entity()
export class Credential {
  @PrimaryColumn() id: string;
  @Column({ type: dateType(), nullable: true }) validFrom?: string;
  @Column({ type: computedType() }) other: string;
}
";
    let ws = workspace(&[
        ("src/util/types.ts", helpers),
        ("src/credential.entity.ts", entity),
    ]);
    assert_eq!(column(&ws, "validFrom").db_type.as_deref(), Some("date"));
    assert_eq!(column(&ws, "validFrom").nullable, Some(true));
    let table = schema(&ws.model, &ws.config);
    let credential = table.table("credential");
    let valid = credential
        .columns
        .iter()
        .find(|c| c.name == "validFrom")
        .expect("validFrom");
    assert_eq!(valid.db_type, "date");
    assert_ne!(column(&ws, "other").db_type.as_deref(), Some("date"));
}
