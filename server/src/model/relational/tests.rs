use super::*;

#[test]
fn constraint_names_hash_the_percent_encoded_key() {
    // From TypeORM 0.3.31: `new DefaultNamingStrategy().indexName(...)`.
    assert_eq!(
        constraint_name("IDX_", 26, "post", &["authorId".into()], None),
        "IDX_c6fb082a3114f35d0cc27c518e"
    );
    assert_eq!(
        constraint_name(
            "IDX_",
            26,
            "post",
            &["a".into()],
            Some("\"deleted\" IS NULL")
        ),
        "IDX_1bcffc67dbc9a2601268c5cc0f"
    );
}

/// nest-admin's `provider: 'sms' | 'email'` with a bare `@Column()`: TypeORM reads
/// `String` from `design:type` and creates `character varying`.
#[test]
fn literal_unions_take_the_type_typescript_emits() {
    assert_eq!(inferred_type("'sms' | 'email'").as_deref(), Some("varchar"));
    assert_eq!(inferred_type("\"a\" | null").as_deref(), Some("varchar"));
    assert_eq!(inferred_type("1 | 2 | 3").as_deref(), Some("int"));
    assert_eq!(inferred_type("true").as_deref(), Some("bool"));
    // Mixed literals are `Object`: TypeORM refuses the column; no guess.
    assert_eq!(inferred_type("'a' | 1"), None);
    assert_eq!(inferred_type("Status"), None);
}

/// A bare `@Column()` typed by an enum takes the type TypeScript emits for it, and a
/// default naming a member without an initializer is that member's number (both as
/// TypeORM 0.3.31 builds them: `fixtures/forms` `Account.tier`, `previousStatus`).
#[test]
fn enum_typed_columns_and_implicit_enum_defaults() {
    let ws = crate::rules::testing::workspace(&[(
        "src/seat.entity.ts",
        "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
export enum Kind { Aisle = 'aisle', Window = 'window' }
export enum Row { First, Second, Tenth = 10, Eleventh }
@Entity()
export class Seat {
  @PrimaryGeneratedColumn() id: number;
  @Column() kind: Kind;
  @Column({ default: Row.Eleventh }) row: Row;
  @Column({ default: Row.Second }) backup: Row;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let seat = schema.table("seat");
    let col = |n: &str| seat.columns.iter().find(|c| c.name == n).expect("column");
    assert_eq!(col("kind").db_type, "character varying");
    assert_eq!(col("row").db_type, "integer");
    assert_eq!(col("row").default.as_deref(), Some("'11'"));
    assert_eq!(col("backup").default.as_deref(), Some("'1'"));
}

/// `length` named by a const of the file or of another file (safe-client-gateway's
/// `length: NAME_MAX_LENGTH`): TypeORM 0.3.31 reads the number.
#[test]
fn lengths_named_by_consts() {
    let ws = crate::rules::testing::workspace(&[
        ("src/limits.ts", "export const NAME_MAX = 30;\n"),
        (
            "src/member.entity.ts",
            "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NAME_MAX } from './limits';
const CHAIN_ID_MAX = 78;
@Entity()
export class Member {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: NAME_MAX }) alias: string;
  @Column({ type: 'varchar', length: CHAIN_ID_MAX }) chainId: string;
  @Column({ type: 'varchar', length: UNKNOWN }) other: string;
}
",
        ),
    ]);
    let schema = schema(&ws.model, &ws.config);
    let member = schema.table("member");
    let col = |n: &str| member.columns.iter().find(|c| c.name == n).expect("column");
    assert_eq!(col("alias").length.as_deref(), Some("30"));
    assert_eq!(col("chainId").length.as_deref(), Some("78"));
    assert_eq!(col("other").length, None);
}

/// A bare `@Column()` typed by a type alias of the workspace, an alias of an enum, a
/// wrapper object type (`Boolean`) or a union whose parts all serialize alike takes what
/// TypeScript emits for it (TypeORM 0.3.31 on ever-gauzy's `entityId: ID`,
/// `bufferTimeEnd?: Boolean`); parts that disagree make no type.
#[test]
fn aliases_and_wrapper_types_take_the_type_typescript_emits() {
    let ws = crate::rules::testing::workspace(&[
        (
            "src/types.ts",
            "export type Key = string;
export type KeyAgain = Key;
export enum Level { Low = 'low', High = 'high' }
export type LevelOrText = Level | string;
export enum Step { One, Two }
",
        ),
        (
            "src/ticket.entity.ts",
            "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Key, KeyAgain, LevelOrText, Step } from './types';
@Entity()
export class Ticket {
  @PrimaryGeneratedColumn() id: number;
  @Column() ownerKey: Key;
  @Column({ nullable: true }) otherKey?: KeyAgain | null;
  @Column() level: LevelOrText;
  @Column() urgent: Boolean;
  @Column() weight: Number;
  @Column() label: String;
  @Column() odd: Step | string;
}
",
        ),
    ]);
    let schema = schema(&ws.model, &ws.config);
    let ticket = schema.table("ticket");
    let ty = |n: &str| {
        ticket
            .columns
            .iter()
            .find(|c| c.name == n)
            .map(|c| c.db_type.as_str())
            .expect("column")
    };
    assert_eq!(ty("ownerKey"), "character varying");
    assert_eq!(ty("otherKey"), "character varying");
    assert_eq!(ty("level"), "character varying");
    assert_eq!(ty("urgent"), "boolean");
    assert_eq!(ty("weight"), "integer");
    assert_eq!(ty("label"), "character varying");
    assert_eq!(ty("odd"), "");
}

/// A default naming a constant exported by another file is that constant's value
/// (TypeORM 0.3.31 on ever-gauzy's `default: DEFAULT_STANDARD_WORK_HOURS_PER_DAY`).
#[test]
fn a_default_naming_an_imported_constant_is_its_value() {
    let ws = crate::rules::testing::workspace(&[
        (
            "src/limits.ts",
            "export const MAX_SEATS = 8;\nexport const GREETING = 'hi';\n",
        ),
        (
            "src/room.entity.ts",
            "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { GREETING, MAX_SEATS } from './limits';
@Entity()
export class Room {
  @PrimaryGeneratedColumn() id: number;
  @Column({ default: MAX_SEATS }) seats: number;
  @Column({ default: GREETING }) greeting: string;
}
",
        ),
    ]);
    let schema = schema(&ws.model, &ws.config);
    let room = schema.table("room");
    let default = |n: &str| {
        room.columns
            .iter()
            .find(|c| c.name == n)
            .and_then(|c| c.default.clone())
    };
    assert_eq!(default("seats").as_deref(), Some("'8'"));
    assert_eq!(default("greeting").as_deref(), Some("'hi'"));
}

/// A relation inside an embedded class pointing back at the entity that embeds it
/// (TypeORM's own test of issue 6977) is one foreign key to that entity's key, not an
/// endless expansion.
#[test]
fn an_embedded_relation_back_to_its_owner_is_one_key() {
    let ws = crate::rules::testing::workspace(&[
        (
            "src/links.ts",
            "import { ManyToOne } from 'typeorm';
import { Person } from './person.entity';
export class Links {
  @ManyToOne(() => Person) mentor: Person;
}
",
        ),
        (
            "src/person.entity.ts",
            "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Links } from './links';
@Entity()
export class Person {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => Links) links: Links;
}
",
        ),
    ]);
    let schema = schema(&ws.model, &ws.config);
    let person = schema.table("person");
    let names: Vec<&str> = person.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "linksMentorid"]);
    assert_eq!(person.foreign_keys.len(), 1);
    assert_eq!(person.foreign_keys[0].referenced_table, "person");
}

/// `@Generated()` beside a column makes it generated (and `uuid` typed for the `uuid`
/// strategy), and a constructor as the type (`type: Number`, EntitySchema's usual form)
/// is that type (TypeORM 0.3.31 on its own tests `uuid/*`, `entity-schema/basic`).
#[test]
fn generated_decorators_and_constructor_types() {
    let ws = crate::rules::testing::workspace(&[
        (
            "src/coupon.entity.ts",
            "import { Column, Entity, Generated, PrimaryColumn } from 'typeorm';
@Entity()
export class Coupon {
  @PrimaryColumn() @Generated() code: number;
  @Column() @Generated('uuid') token: string;
  @Column({ type: Boolean }) used: boolean;
}
",
        ),
        (
            "src/badge.schema.ts",
            "import { EntitySchema } from 'typeorm';
export const BadgeSchema = new EntitySchema({
  name: 'badge',
  columns: {
id: { type: Number, primary: true },
label: { type: String },
  },
});
",
        ),
    ]);
    let schema = schema(&ws.model, &ws.config);
    let col = |table: &str, name: &str| {
        schema
            .tables
            .iter()
            .find(|t| t.name == table)
            .and_then(|t| t.columns.iter().find(|c| c.name == name))
            .map(|c| (c.db_type.clone(), c.generated.clone()))
            .expect("column")
    };
    assert_eq!(
        col("coupon", "code"),
        ("integer".into(), Some("increment".into()))
    );
    assert_eq!(col("coupon", "token"), ("uuid".into(), Some("uuid".into())));
    assert_eq!(col("coupon", "used"), ("boolean".into(), None));
    assert_eq!(col("badge", "id"), ("integer".into(), None));
    assert_eq!(col("badge", "label"), ("character varying".into(), None));
}

/// A one-to-one whose join column is the primary key gets no `REL_` unique constraint
/// (TypeORM 0.3.31 on its own `primary-join-column` and shared-primary-key tests).
#[test]
fn a_primary_one_to_one_join_column_has_no_extra_unique() {
    let ws = crate::rules::testing::workspace(&[
        (
            "src/account.entity.ts",
            "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Account {
  @PrimaryGeneratedColumn() id: number;
}
",
        ),
        (
            "src/settings.entity.ts",
            "import { Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Account } from './account.entity';
@Entity()
export class Settings {
  @PrimaryColumn() accountId: number;
  @OneToOne(() => Account) @JoinColumn() account: Account;
}
",
        ),
        (
            "src/avatar.entity.ts",
            "import { Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity';
@Entity()
export class Avatar {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Account) @JoinColumn() account: Account;
}
",
        ),
    ]);
    let schema = schema(&ws.model, &ws.config);
    let uniques = |table: &str| {
        schema
            .tables
            .iter()
            .find(|t| t.name == table)
            .map(|t| t.uniques.len())
            .expect("table")
    };
    assert_eq!(uniques("settings"), 0);
    assert_eq!(uniques("avatar"), 1);
}

/// `@Column({ unique: true })` inside an embedded class is a unique constraint of the
/// embedding entity on the prefixed column.
#[test]
fn a_unique_column_inside_an_embedded_class_is_a_constraint() {
    let ws = crate::rules::testing::workspace(&[(
        "src/member.ts",
        "import { Entity, PrimaryGeneratedColumn, Column } from 'typeorm';
export class Handle {
  @Column({ unique: true }) nick: string;
  @Column() shown: string;
}
@Entity()
export class Member {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => Handle) handle: Handle;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let member = schema.table("member");
    let nick = vec!["handleNick".to_string()];
    let uniques: Vec<(&str, &[String])> = member
        .uniques
        .iter()
        .map(|u| (u.name.as_str(), u.columns.as_slice()))
        .collect();
    let name = constraint_name("UQ_", 27, "member", &nick, None);
    assert_eq!(uniques, [(name.as_str(), nick.as_slice())]);
    assert!(member.indices.is_empty());
}

/// A single-table parent gets an index on its discriminator column, unless an `@Index`
/// already names that column alone (TypeORM's createKeysForTableInheritance).
#[test]
fn an_indexed_discriminator_gets_no_second_index() {
    let ws = crate::rules::testing::workspace(&[(
        "src/media.ts",
        "import { Entity, PrimaryGeneratedColumn, Column, Index, TableInheritance, ChildEntity } from 'typeorm';
@Entity()
@TableInheritance({ column: { type: String, name: 'kind' } })
export class Media {
  @PrimaryGeneratedColumn() id: number;
  @Column() @Index('media_kind') kind: string;
}
@ChildEntity()
export class Clip extends Media {}
@Entity()
@TableInheritance({ column: { type: String, name: 'kind' } })
export class Asset {
  @PrimaryGeneratedColumn() id: number;
}
@ChildEntity()
export class Font extends Asset {}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let indices = |t: &str| -> Vec<String> {
        let table = schema.tables.iter().find(|x| x.name == t).expect(t);
        table.indices.iter().map(|i| i.name.clone()).collect()
    };
    assert_eq!(indices("media"), ["media_kind"]);
    let kind = vec!["kind".to_string()];
    assert_eq!(
        indices("asset"),
        [constraint_name("IDX_", 26, "asset", &kind, None)]
    );
}

/// `@Index` naming an embedded property path indexes the prefixed column, and an
/// `@Index` inside an embedded class (on a property or on the class) indexes the
/// embedding entity (TypeORM 0.3.31 on its `embeddeds-index` test).
#[test]
fn indexes_through_and_inside_embedded_classes() {
    let ws = crate::rules::testing::workspace(&[(
        "src/store.ts",
        "import { Entity, PrimaryGeneratedColumn, Column, Index } from 'typeorm';
@Index(['aisle', 'shelf'])
export class Spot {
  @Column() aisle: number;
  @Column() shelf: number;
  @Index('spot_bin', { unique: true }) @Column() bin: string;
}
@Entity()
@Index('store_spot_aisle', ['spot.aisle'])
export class Store {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => Spot, { prefix: 'at' }) spot: Spot;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let store = schema.table("store");
    let mut got: Vec<(String, Vec<String>, bool)> = store
        .indices
        .iter()
        .map(|i| (i.name.clone(), i.columns.clone(), i.unique))
        .collect();
    got.sort();
    let pair = vec!["atAisle".to_string(), "atShelf".to_string()];
    let mut want = vec![
        ("spot_bin".to_string(), vec!["atBin".to_string()], true),
        (
            "store_spot_aisle".to_string(),
            vec!["atAisle".to_string()],
            false,
        ),
        (
            constraint_name("IDX_", 26, "store", &pair, None),
            pair.clone(),
            false,
        ),
    ];
    want.sort();
    assert_eq!(got, want);
}

/// `@ForeignKey` without a relation makes a key: on a property (target by class, by
/// table name, inverse side by name or arrow) and on the class (columns listed); and an
/// `EntitySchema`'s `foreignKeys` and column `foreignKey` (TypeORM 0.3.26+).
#[test]
fn declared_foreign_keys_without_relations() {
    let ws = crate::rules::testing::workspace(&[
        (
            "src/depot.ts",
            "import { Entity, PrimaryColumn, Column, ForeignKey } from 'typeorm';
@Entity('depots')
export class Depot {
  @PrimaryColumn() id: number;
  @Column() label: string;
}
@Entity()
export class Bay {
  @PrimaryColumn() depot: number;
  @PrimaryColumn() row: string;
}
@Entity()
@ForeignKey(() => Bay, ['bayDepot', 'bayRow'], ['depot', 'row'])
export class Parcel {
  @PrimaryColumn() id: number;
  @Column() @ForeignKey('depots', { onDelete: 'CASCADE' }) depotId: number;
  @Column({ name: 'label_ref' }) @ForeignKey(() => Depot, (d) => d.label, { name: 'FK_label' })
  labelRef: string;
  @Column() bayDepot: number;
  @Column() bayRow: string;
}
",
        ),
        (
            "src/schemas.ts",
            "import { EntitySchema } from 'typeorm';
export const CrateSchema = new EntitySchema({
  name: 'crate',
  columns: { code: { type: String, primary: true } },
});
export const PalletSchema = new EntitySchema({
  name: 'pallet',
  columns: {
id: { type: Number, primary: true },
crateCode: { type: String, foreignKey: { target: CrateSchema, inverseSide: 'code' } },
spareCode: { type: String },
  },
  foreignKeys: [{ target: 'crate', columnNames: ['spareCode'], referencedColumnNames: ['code'], name: 'FK_spare' }],
});
",
        ),
    ]);
    let schema = schema(&ws.model, &ws.config);
    let keys = |table: &str| {
        let t = schema.table(table);
        let mut keys: Vec<String> = t
            .foreign_keys
            .iter()
            .map(|f| {
                format!(
                    "{} ({}) -> {} ({}) {}",
                    f.name,
                    f.columns.join(","),
                    f.referenced_table,
                    f.referenced_columns.join(","),
                    f.on_delete
                )
            })
            .collect();
        keys.sort();
        keys
    };
    let hashed = |table: &str, cols: &[&str]| {
        let cols: Vec<String> = cols.iter().map(|c| c.to_string()).collect();
        constraint_name("FK_", 27, table, &cols, None)
    };
    let mut parcel = vec![
        "FK_label (label_ref) -> depots (label) NO ACTION".to_string(),
        format!(
            "{} (depotId) -> depots (id) CASCADE",
            hashed("parcel", &["depotId"])
        ),
        format!(
            "{} (bayDepot,bayRow) -> bay (depot,row) NO ACTION",
            hashed("parcel", &["bayDepot", "bayRow"])
        ),
    ];
    parcel.sort();
    assert_eq!(keys("parcel"), parcel);
    let mut pallet = vec![
        "FK_spare (spareCode) -> crate (code) NO ACTION".to_string(),
        format!(
            "{} (crateCode) -> crate (code) NO ACTION",
            hashed("pallet", &["crateCode"])
        ),
    ];
    pallet.sort();
    assert_eq!(keys("pallet"), pallet);
}

/// `@TreeLevelColumn()` is an integer column of the entity, and its closure table gets
/// an integer `level` (TypeORM 0.3.31's ClosureJunctionEntityMetadataBuilder).
#[test]
fn a_tree_level_column_is_integer_and_in_the_closure_table() {
    let ws = crate::rules::testing::workspace(&[(
        "src/topic.ts",
        "import { Entity, PrimaryGeneratedColumn, Tree, TreeChildren, TreeParent, TreeLevelColumn } from 'typeorm';
@Entity()
@Tree('closure-table')
export class Topic {
  @PrimaryGeneratedColumn() id: number;
  @TreeParent() parent: Topic;
  @TreeChildren() children: Topic[];
  @TreeLevelColumn() depth: number;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let table = |n: &str| schema.table(n);
    let depth = table("topic")
        .columns
        .iter()
        .find(|c| c.name == "depth")
        .expect("depth");
    assert_eq!((depth.db_type.as_str(), depth.nullable), ("integer", false));
    let level = table("topic_closure")
        .columns
        .iter()
        .find(|c| c.name == "level")
        .expect("level in the closure table");
    assert_eq!((level.db_type.as_str(), level.primary), ("integer", false));
}

/// A foreign key to an entity in a named schema references `schema.table` (TypeORM's
/// `referencedTablePath`), the schema given literally or by a const; the key's name
/// still hashes the bare table.
#[test]
fn a_key_to_an_entity_in_a_schema_references_its_path() {
    let ws = crate::rules::testing::workspace(&[(
        "src/ledger.ts",
        "import { Entity, PrimaryGeneratedColumn, ManyToOne } from 'typeorm';
const ARCHIVE = 'archive';
@Entity({ schema: ARCHIVE })
export class Account {
  @PrimaryGeneratedColumn() id: number;
}
@Entity({ schema: 'billing' })
export class Entry {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Account) account: Account;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let entry = schema.table("entry");
    let fk = entry.foreign_keys.first().expect("key to account");
    assert_eq!(fk.referenced_table, "archive.account");
    assert_eq!(
        fk.name,
        constraint_name("FK_", 27, "entry", &["accountId".to_string()], None)
    );
    let ddl = super::super::ddl::postgres(&schema);
    assert!(ddl.contains(r#"REFERENCES "archive"."account""#), "{ddl}");
}

/// A `@ManyToMany() @JoinTable()` inside an embedded class has its junction on the
/// embedding entity, named by the property path and keyed on the entity's primary key
/// (TypeORM 0.3.31 on its `embedded-many-to-many` tests).
#[test]
fn an_embedded_many_to_many_has_its_junction() {
    let ws = crate::rules::testing::workspace(&[(
        "src/shelf.ts",
        "import { Entity, PrimaryGeneratedColumn, Column, ManyToMany, JoinTable } from 'typeorm';
@Entity()
export class Reader {
  @PrimaryGeneratedColumn() id: number;
}
export class Stats {
  @Column() views: number;
  @ManyToMany(() => Reader)
  @JoinTable()
  favouredBy: Reader[];
}
@Entity()
export class Book {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => Stats) stats: Stats;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let junction = schema.table("book_stats_favoured_by_reader");
    let names: Vec<&str> = junction.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["bookId", "readerId"]);
    assert_eq!(junction.foreign_keys.len(), 2);
}

/// Two classes named `Post` on one table, each with its own `Category` (TypeORM's
/// `multiple-primary-keys-many-to-many` tests load both): the table is the first's,
/// the second's junction exists too, keyed on the `Category` its file imports.
#[test]
fn a_second_entity_on_a_table_keeps_its_junction() {
    let ws = crate::rules::testing::workspace(&[
        (
            "src/a/category.ts",
            "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Category {
  @PrimaryGeneratedColumn() id: number;
}
",
        ),
        (
            "src/a/post.ts",
            "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Post {
  @PrimaryGeneratedColumn() id: number;
}
",
        ),
        (
            "src/b/category.ts",
            "import { Entity, PrimaryColumn } from 'typeorm';
@Entity()
export class Category {
  @PrimaryColumn() code: string;
}
",
        ),
        (
            "src/b/post.ts",
            "import { Entity, PrimaryGeneratedColumn, ManyToMany, JoinTable } from 'typeorm';
import { Category } from './category';
@Entity()
export class Post {
  @PrimaryGeneratedColumn() id: number;
  @ManyToMany(() => Category)
  @JoinTable()
  categories: Category[];
}
",
        ),
    ]);
    let schema = schema(&ws.model, &ws.config);
    let junction = schema.table("post_categories_category");
    let names: Vec<&str> = junction.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["categoryCode", "postId"]);
    let types: Vec<&str> = junction
        .columns
        .iter()
        .map(|c| c.db_type.as_str())
        .collect();
    assert_eq!(types, ["character varying", "integer"]);
}

/// An `EntitySchema` many-to-many with `joinTable: true` has its junction table, as a
/// decorated one does (TypeORM 0.3.31 on its own `entity-schema/basic` test).
#[test]
fn an_entity_schema_many_to_many_has_its_junction() {
    let ws = crate::rules::testing::workspace(&[(
        "src/schemas.ts",
        "import { EntitySchema } from 'typeorm';
export const TagSchema = new EntitySchema({
  name: 'tag',
  columns: { id: { type: Number, primary: true, generated: true } },
});
export const NoteSchema = new EntitySchema({
  name: 'note',
  columns: { id: { type: Number, primary: true, generated: true } },
  relations: {
tags: { type: 'many-to-many', target: 'tag', joinTable: true, onDelete: 'CASCADE' },
  },
});
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let junction = schema.table("note_tags_tag");
    let names: Vec<&str> = junction.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["noteId", "tagId"]);
    let to_note = junction
        .foreign_keys
        .iter()
        .find(|f| f.referenced_table == "note")
        .expect("key to note");
    assert_eq!(to_note.on_delete, "CASCADE");
}

/// A one-to-one to a view references no key: no join column, so no foreign key (TypeORM
/// 0.3.31 on its view-dependencies test), where one without columns was listed.
#[test]
fn a_relation_to_a_view_has_no_key() {
    let ws = crate::rules::testing::workspace(&[(
        "src/report.entity.ts",
        "import { Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn, ViewColumn, ViewEntity } from 'typeorm';
@ViewEntity({ expression: 'SELECT 1 AS total' })
export class Totals {
  @ViewColumn() total: number;
}
@Entity()
export class Report {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Totals) @JoinColumn() totals: Totals;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let report = schema.table("report");
    assert!(report.foreign_keys.is_empty(), "{:?}", report.foreign_keys);
    assert!(report.uniques.is_empty(), "{:?}", report.uniques);
}

/// TypeORM trims each name of an index's or unique constraint's column list, so a
/// stray space (`'code '`) still names the column (its own idempotency test).
#[test]
fn index_column_lists_are_trimmed() {
    let ws = crate::rules::testing::workspace(&[(
        "src/part.entity.ts",
        "import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
@Entity()
@Unique(['code ', 'kind'])
@Index([' kind', 'code'], { unique: true })
export class Part {
  @PrimaryGeneratedColumn() id: number;
  @Column() code: string;
  @Column() kind: string;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let part = schema.table("part");
    assert_eq!(part.uniques[0].columns, ["code", "kind"]);
    assert_eq!(part.indices[0].columns, ["kind", "code"]);
}

/// An `EntitySchema` mapping a class (`target: Shelf`) is named after the class, which
/// a relation's `() => 'Shelf'` finds (TypeORM calls the function, then looks the
/// string up); a `virtualProperty` column has no column; `trees: [{ type:
/// 'nested-set' }]` adds `nsleft` / `nsright` (TypeORM 0.3.31 on its entity-schema
/// tests).
#[test]
fn entity_schema_targets_virtual_properties_and_trees() {
    let ws = crate::rules::testing::workspace(&[(
        "src/schemas.ts",
        "import { EntitySchema } from 'typeorm';
export class Shelf { id: number; size: number; }
export const ShelfSchema = new EntitySchema<Shelf>({
  name: 'bookshelf',
  target: Shelf,
  columns: {
id: { type: Number, primary: true, generated: true },
size: { type: Number, virtualProperty: true, query: (a) => `SELECT 1` },
  },
  trees: [{ type: 'nested-set' }],
});
export const LoanSchema = new EntitySchema({
  name: 'loan',
  columns: { id: { type: Number, primary: true, generated: true } },
  relations: { shelf: { type: 'many-to-one', target: () => 'Shelf' } },
});
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let shelf = schema.table("shelf");
    assert_eq!(shelf.entity.as_deref(), Some("Shelf"));
    let names: Vec<&str> = shelf.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "nsleft", "nsright"]);
    let loan = schema.table("loan");
    assert_eq!(loan.foreign_keys.len(), 1);
    assert_eq!(loan.foreign_keys[0].referenced_table, "shelf");
}

/// `@JoinTable({ inverseJoinColumns: [...] })` (the plural) orders and names the
/// junction's columns as listed (TypeORM 0.3.31 on its `composite-foreign-key-order`
/// test); before, the plural was read only when the singular gave nothing, which the
/// default primary columns always did.
#[test]
fn plural_join_table_columns_keep_their_order() {
    let ws = crate::rules::testing::workspace(&[(
        "src/shelf.entity.ts",
        "import { Entity, JoinTable, ManyToMany, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Bin {
  @PrimaryColumn() row: number;
  @PrimaryColumn() col: number;
}
@Entity()
export class Shelf {
  @PrimaryGeneratedColumn() id: number;
  @ManyToMany(() => Bin)
  @JoinTable({
joinColumns: [{ name: 'shelf', referencedColumnName: 'id' }],
inverseJoinColumns: [
  { name: 'binCol', referencedColumnName: 'col' },
  { name: 'binRow', referencedColumnName: 'row' },
],
  })
  bins: Bin[];
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let junction = schema.table("shelf_bins_bin");
    let to_bin = junction
        .foreign_keys
        .iter()
        .find(|f| f.referenced_table == "bin")
        .expect("key to bin");
    assert_eq!(to_bin.columns, ["binCol", "binRow"]);
    assert_eq!(to_bin.referenced_columns, ["col", "row"]);
    assert!(junction.columns.iter().any(|c| c.name == "shelf"));
}

/// `@Tree('closure-table', { closureTableName, ancestorColumnName, descendantColumnName })`
/// names the closure table and its columns (TypeORM 0.3.31 on its own
/// `closure-table/custom-column-names` test).
#[test]
fn closure_table_options_name_the_table_and_columns() {
    let ws = crate::rules::testing::workspace(&[(
        "src/folder.entity.ts",
        "import { Entity, PrimaryGeneratedColumn, Tree, TreeChildren, TreeParent } from 'typeorm';
@Entity()
@Tree('closure-table', {
  closureTableName: 'folder_paths',
  ancestorColumnName: (column) => 'up_' + column.propertyName,
  descendantColumnName: () => 'down',
})
export class Folder {
  @PrimaryGeneratedColumn() id: number;
  @TreeParent() parent: Folder;
  @TreeChildren() children: Folder[];
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let closure = schema.table("folder_paths_closure");
    let names: Vec<&str> = closure.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["down", "up_id"]);
}

/// `@TreeParent() @JoinColumn({ name: 'parent_id' })` keys the tree on that column, the
/// one a declared `@Column({ name: 'parent_id' })` already holds (TypeORM 0.3.31 on its
/// own `closure-table/basic` test).
#[test]
fn a_tree_parent_join_column_name_is_its_key() {
    let ws = crate::rules::testing::workspace(&[(
        "src/node.entity.ts",
        "import { Column, Entity, JoinColumn, PrimaryGeneratedColumn, Tree, TreeParent } from 'typeorm';
@Entity()
@Tree('closure-table')
export class Node {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'parent_id', nullable: true }) parentId: number;
  @TreeParent() @JoinColumn({ name: 'parent_id' }) parent: Node;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let node = schema.table("node");
    let names: Vec<&str> = node.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "parent_id"]);
    assert_eq!(node.foreign_keys.len(), 1);
    assert_eq!(node.foreign_keys[0].columns, ["parent_id"]);
}

/// A one-to-one inside an embedded class has its `REL_` unique constraint, and an
/// enum array's default naming members is their values (TypeORM 0.3.31 on its own
/// `embedded-one-to-one` and `enum-array-column` tests).
#[test]
fn embedded_one_to_one_unique_and_enum_array_defaults() {
    let ws = crate::rules::testing::workspace(&[
        (
            "src/badge.entity.ts",
            "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Badge {
  @PrimaryGeneratedColumn() id: number;
}
",
        ),
        (
            "src/player.entity.ts",
            "import { Column, Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Badge } from './badge.entity';
export enum Role { Player = 'PLAYER', Coach = 'COACH' }
export class Stats {
  @OneToOne(() => Badge) @JoinColumn() badge: Badge;
}
@Entity()
export class Player {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => Stats) stats: Stats;
  @Column({ type: 'enum', enum: Role, array: true, default: [Role.Player] }) roles: Role[];
}
",
        ),
    ]);
    let schema = schema(&ws.model, &ws.config);
    let player = schema.table("player");
    assert_eq!(player.uniques.len(), 1);
    assert!(player.uniques[0].name.starts_with("REL_"));
    let roles = player
        .columns
        .iter()
        .find(|c| c.name == "roles")
        .expect("roles");
    assert_eq!(roles.default.as_deref(), Some("'{PLAYER}'"));
}

/// A relation's string target may name the target's table (`@ManyToOne('members')`
/// with `@Entity('members')`), as TypeORM's `findMetadata` accepts (its own
/// `table-name-relation` test): the join column gets the key's type and its foreign key.
#[test]
fn a_string_target_naming_a_table_is_that_entity() {
    let ws = crate::rules::testing::workspace(&[(
        "src/club.entity.ts",
        "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
@Entity('members')
export class Member {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('cards')
export class Card {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne('members') holder: Member;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let cards = schema.table("cards");
    let holder = cards
        .columns
        .iter()
        .find(|c| c.name == "holderId")
        .expect("holderId");
    assert_eq!(holder.db_type, "integer");
    assert_eq!(cards.foreign_keys.len(), 1);
    assert_eq!(cards.foreign_keys[0].referenced_table, "members");
}

/// The embedded columns of a single-table child are nullable like its own columns
/// (TypeORM 0.3.31 on its own issue 2800 test).
#[test]
fn embedded_columns_of_a_single_table_child_are_nullable() {
    let ws = crate::rules::testing::workspace(&[(
        "src/shape.entity.ts",
        "import { ChildEntity, Column, Entity, PrimaryGeneratedColumn, TableInheritance } from 'typeorm';
export class Size {
  @Column() width: number;
}
@Entity()
@TableInheritance({ column: { name: 'kind', type: 'varchar' } })
export class Shape {
  @PrimaryGeneratedColumn() id: number;
}
@ChildEntity()
export class Box extends Shape {
  @Column(() => Size) size: Size;
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let shape = schema.table("shape");
    let width = shape
        .columns
        .iter()
        .find(|c| c.name == "sizeWidth")
        .expect("sizeWidth");
    assert!(width.nullable);
}

/// ever-gauzy's `@Column() organizationId: IOrganization['id']` (and `employeeId:
/// string`) next to the `@ManyToOne` whose join column it is: TypeORM gives the column
/// the referenced key's type, `uuid`, whatever the declaration says.
#[test]
fn a_declared_join_column_takes_the_referenced_type() {
    let ws = crate::rules::testing::workspace(&[
        (
            "src/team.entity.ts",
            "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Team {
  @PrimaryGeneratedColumn('uuid') id: string;
}
",
        ),
        (
            "src/member.entity.ts",
            "import { Column, Entity, ManyToOne, PrimaryGeneratedColumn, RelationId } from 'typeorm';
import { Team } from './team.entity';
@Entity()
export class Member {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Team) team: Team;
  @RelationId((m: Member) => m.team)
  @Column({ nullable: true })
  teamId: string;
  @Column({ nullable: true }) otherId: string;
}
",
        ),
    ]);
    let schema = schema(&ws.model, &ws.config);
    let member = schema.table("member");
    let col = |n: &str| member.columns.iter().find(|c| c.name == n).expect("column");
    assert_eq!(col("teamId").db_type, "uuid");
    assert_eq!(col("otherId").db_type, "character varying");
}

/// ever-gauzy's closure-table `PluginCategory` declares `parentId` itself next to its
/// `@TreeParent() parent`: TypeORM still makes the self-referencing foreign key.
#[test]
fn a_declared_tree_parent_column_keeps_its_foreign_key() {
    let ws = crate::rules::testing::workspace(&[(
        "src/folder.entity.ts",
        "import { Column, Entity, PrimaryGeneratedColumn, Tree, TreeParent, TreeChildren } from 'typeorm';
@Entity()
@Tree('closure-table')
export class Folder {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', nullable: true }) parentId?: string;
  @TreeParent() parent?: Folder;
  @TreeChildren() children: Folder[];
}
",
    )]);
    let schema = schema(&ws.model, &ws.config);
    let folder = schema.table("folder");
    let fk = folder
        .foreign_keys
        .iter()
        .find(|k| k.columns == ["parentId"])
        .expect("the parent key");
    assert_eq!(fk.referenced_table, "folder");
    assert_eq!(
        folder
            .columns
            .iter()
            .filter(|c| c.name == "parentId")
            .count(),
        1
    );
}

#[test]
fn embedded_names_follow_the_strategy() {
    let p = vec!["address".to_string()];
    assert_eq!(
        embedded_column_name(&p, None, "city", NamingStrategy::Default),
        "addressCity"
    );
    assert_eq!(
        embedded_column_name(&p, None, "postalCode", NamingStrategy::Default),
        "addressPostalcode"
    );
    assert_eq!(
        embedded_column_name(&p, None, "zipCode", NamingStrategy::SnakeCase),
        "address_zip_code"
    );
}
