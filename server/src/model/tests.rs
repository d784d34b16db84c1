//! Model tests on the forms real codebases use: wrapper decorators, inheritance through
//! barrels and renamed imports, three-level bases, naming strategies.

use crate::config::{Config, NamingStrategy};
use crate::rules::testing::{lines, workspace, workspace_with};
use crate::workspace::Workspace;

fn entity<'a>(ws: &'a Workspace, name: &str) -> &'a crate::model::Entity {
    ws.model
        .entity(name)
        .unwrap_or_else(|| panic!("no entity {name}"))
}

#[test]
fn wrapper_decorators_are_seen_through_with_aliases() {
    let text = "import { MultiORMEntity, MultiORMColumn, MultiORMManyToOne, ColumnIndex } from 'src/core/decorators';
import { ManagedEntity } from 'src/common/managed-entity';
import { Tenant } from 'src/tenants/tenant.entity';

@MultiORMEntity('invoices')
export class Invoice extends ManagedEntity {
  @ColumnIndex()
  @MultiORMColumn({ type: 'numeric' })
  total: string;

  @MultiORMManyToOne(() => Tenant)
  tenant: Tenant;
}
";
    let tenant = "import { Entity } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class Tenant extends ManagedEntity {}
";
    let mut config = Config::default();
    for (alias, target) in [
        ("MultiORMEntity", "Entity"),
        ("MultiORMColumn", "Column"),
        ("MultiORMManyToOne", "ManyToOne"),
        ("ColumnIndex", "Index"),
    ] {
        config.decorator_aliases.insert(alias.into(), target.into());
    }
    let files = [
        ("src/billing/invoice.entity.ts", text),
        ("src/tenants/tenant.entity.ts", tenant),
    ];
    let ws = workspace_with(&files, config);
    let invoice = entity(&ws, "Invoice");
    assert_eq!(invoice.table, "invoices");
    assert_eq!(
        invoice.column("total").and_then(|c| c.db_type.as_deref()),
        Some("numeric")
    );
    assert!(invoice.index_leading_with("total").is_some());
    assert_eq!(
        invoice.relation("tenant").map(|r| r.join_columns.clone()),
        Some(vec!["tenantId".to_string()])
    );
    let found = lines(&ws, "IDX001");
    assert_eq!(found.len(), 1, "{found:?}");
    // Without the aliases nothing is an entity and nothing is reported.
    let plain = workspace(&files);
    assert!(plain.model.entity("Invoice").is_none());
}

#[test]
fn inheritance_follows_barrels_renamed_imports_and_three_levels() {
    let tenant_model = "import { Column, Index } from 'typeorm';
import { ManagedEntity as Base } from 'src/common/managed-entity';

@Index(['tenantId', 'created'])
export abstract class TenantModel extends Base {
  @Column('uuid')
  tenantId: string;
}
";
    let barrel = "export * from 'src/common/tenant-model';\n";
    let product = "import { Column, Entity } from 'typeorm';
import { TenantModel as TM } from 'src/common';

@Entity()
export class Product extends TM {
  @Column()
  name: string;
}
";
    let ws = workspace(&[
        ("src/common/tenant-model.ts", tenant_model),
        ("src/common/index.ts", barrel),
        ("src/catalog/product.entity.ts", product),
    ]);
    let p = entity(&ws, "Product");
    let chain: Vec<String> = p
        .ancestors
        .iter()
        .filter_map(|a| ws.model.class(*a).map(|c| c.name.to_string()))
        .collect();
    assert_eq!(chain, ["TenantModel", "ManagedEntity"]);
    let columns: Vec<&str> = p.columns.iter().map(|c| c.property.as_str()).collect();
    assert_eq!(
        columns,
        ["id", "created", "updated", "deleted", "tenantId", "name"]
    );
    assert!(p.is_soft_deletable());
    assert!(
        p.index_leading_with("tenantId").is_some(),
        "the base's class-level index applies"
    );
    assert!(lines(&ws, "ENT001").is_empty());
}

#[test]
fn snake_case_strategy_names_tables_columns_and_join_columns() {
    let text = "import { Column, Entity, ManyToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class OrderItem extends ManagedEntity {
  @Column({ name: 'qty' })
  quantity: number;

  @Column()
  unitPrice: string;

  @ManyToOne(() => OrderItem)
  parentItem: OrderItem;
}
";
    let config = Config {
        naming_strategy: NamingStrategy::SnakeCase,
        ..Config::default()
    };
    let ws = workspace_with(&[("src/orders/order-item.entity.ts", text)], config);
    let e = entity(&ws, "OrderItem");
    assert_eq!(e.table, "order_item");
    assert_eq!(
        e.column("quantity").map(|c| c.db_name.as_str()),
        Some("qty")
    );
    assert_eq!(
        e.column("unitPrice").map(|c| c.db_name.as_str()),
        Some("unit_price")
    );
    assert_eq!(
        e.relation("parentItem").map(|r| r.join_columns.clone()),
        Some(vec!["parent_item_id".to_string()])
    );
}

#[test]
fn an_edit_that_keeps_the_shape_updates_incrementally_and_agrees_with_a_rebuild() {
    let before = "import { Column, Entity } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class User extends ManagedEntity {
  @Column()
  email: string;
}
";
    let after = before.replace("  @Column()\n  email", "  @Index()\n  @Column()\n  email");
    let mut ws = workspace(&[("src/users/user.entity.ts", before)]);
    let path = std::path::Path::new(crate::rules::testing::ROOT).join("src/users/user.entity.ts");
    ws.update_file(std::sync::Arc::new(crate::model::SourceFile::new(
        path,
        after.clone(),
    )));
    let incremental = format!("{:?}", ws.model.entities);
    let fresh = workspace(&[("src/users/user.entity.ts", &after)]);
    assert_eq!(incremental, format!("{:?}", fresh.model.entities));
    assert!(entity(&ws, "User").index_leading_with("email").is_some());
}

#[test]
fn an_index_named_by_a_constant_still_has_its_columns() {
    let text = "import { Column, Entity, Index } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

const IDX_ASSET_CHECKSUM = 'IDX_asset_checksum';

@Entity()
@Index(IDX_ASSET_CHECKSUM, ['checksum'], { unique: true })
export class Asset extends ManagedEntity {
  @Column()
  checksum: string;
}
";
    let ws = workspace(&[("src/assets/asset.entity.ts", text)]);
    let asset = entity(&ws, "Asset");
    let index = asset
        .index_leading_with("checksum")
        .expect("the index is read");
    assert!(index.unique && !index.unresolved);
    // A unique index on a soft-deletable entity without the predicate: IDX003 now sees it,
    // and offers no fix (the migration needs the index's real name).
    assert_eq!(lines(&ws, "IDX003").len(), 1);
    let found = crate::rules::testing::findings(&ws, "IDX003");
    assert!(found[0].fixes.is_empty());
}

#[test]
fn decorators_and_types_are_looked_up_in_the_facts() {
    let base = "import { Column } from 'typeorm';

export abstract class Stamped {
  @Column({ type: 'timestamptz', nullable: true })
  stamped: Date | null;
}
";
    let post = "import { Column, Entity, ManyToOne } from 'typeorm';
import { Stamped } from 'src/common/stamped';
import { User } from 'src/users/user.entity';

@Entity()
export class Post extends Stamped {
  @Column('text')
  body: string;

  @ManyToOne(() => User, { lazy: true })
  author: Promise<User>;
}
";
    let schema = "import { EntitySchema } from 'typeorm';

export const Tag = new EntitySchema({
  name: 'Tag',
  columns: { label: { type: 'varchar' } },
});
";
    let ws = workspace(&[
        ("src/common/stamped.ts", base),
        ("src/posts/post.entity.ts", post),
        ("src/tags/tag.schema.ts", schema),
    ]);
    let model = &ws.model;
    let post = entity(&ws, "Post");
    let body = post.column("body").expect("body");
    let decorator = model.decorator_at(&body.origin).expect("decorator");
    assert_eq!(
        (decorator.name.as_str(), decorator.span),
        ("Column", body.origin.span.clone().into())
    );
    assert_eq!(
        model.type_of(&body.origin).map(|t| t.text.as_str()),
        Some("string")
    );
    // An inherited column is found in the base class's file.
    let stamped = post.column("stamped").expect("stamped");
    let options = model
        .decorator_at(&stamped.origin)
        .and_then(|d| d.options());
    assert!(options.is_some_and(|o| o.value.get("nullable").is_some()));
    assert_eq!(
        model.type_of(&stamped.origin).map(|t| t.text.as_str()),
        Some("Date | null")
    );
    let author = post.relation("author").expect("author");
    assert_eq!(
        model.decorator_at(&author.origin).map(|d| d.name.as_str()),
        Some("ManyToOne")
    );
    assert_eq!(
        model.type_of(&author.origin).map(|t| t.text.as_str()),
        Some("Promise<User>")
    );
    // A span that is no decorator, and an `EntitySchema` column, have none.
    let mut elsewhere = body.origin.clone();
    elsewhere.span = body.name_span.clone();
    assert!(model.decorator_at(&elsewhere).is_none());
    let label = entity(&ws, "Tag").column("label").expect("label");
    assert!(model.decorator_at(&label.origin).is_none());
    assert!(model.type_of(&label.origin).is_none());
}

#[test]
fn editing_what_decides_the_schema_owner_or_a_migration_index_rebuilds_the_model() {
    // What a DataSource says (`synchronize`, `migrations`) and a migration's CREATE INDEX
    // speak for other files: an edit of either is not an incremental one, and the
    // findings after it equal a fresh load's.
    let user = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class User { @PrimaryGeneratedColumn() id: number; }
";
    let post = "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity';
@Entity()
export class Post {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => User)
  author: User;
}
";
    let ds = |options: &str| crate::rules::testing::pg_data_source_with(options);
    let migration = |sql: &str| {
        format!(
            "import {{ MigrationInterface, QueryRunner }} from 'typeorm';
export class M1700000000000 implements MigrationInterface {{
  async up(q: QueryRunner) {{ await q.query(`{sql}`); }}
  async down(q: QueryRunner) {{ await q.query('SELECT 1'); }}
}}
"
        )
    };
    let root = std::path::Path::new(crate::rules::testing::ROOT);
    for (rel, before, after) in [
        (
            "src/data-source.ts",
            ds("synchronize: false"),
            ds("synchronize: false, migrations: ['src/migrations/*.ts']"),
        ),
        (
            "src/migrations/1700000000000-m.ts",
            migration("SELECT 1"),
            migration("CREATE INDEX \"i\" ON \"post\" (\"authorId\")"),
        ),
    ] {
        let files = |text: &str| -> Vec<(String, String)> {
            let mut all = vec![
                ("src/posts/user.entity.ts".to_string(), user.to_string()),
                ("src/posts/post.entity.ts".to_string(), post.to_string()),
                (rel.to_string(), text.to_string()),
            ];
            if rel != "src/data-source.ts" {
                all.push(("src/data-source.ts".to_string(), ds("migrations: []")));
            }
            all
        };
        let load = |all: &[(String, String)]| {
            let pairs: Vec<(&str, &str)> =
                all.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
            workspace(&pairs)
        };
        let mut ws = load(&files(&before));
        let before_findings = lines(&ws, "IDX001");
        let incremental = ws.update_file(std::sync::Arc::new(crate::model::SourceFile::new(
            root.join(rel),
            after.clone(),
        )));
        assert!(!incremental, "{rel}");
        let fresh = load(&files(&after));
        assert_eq!(lines(&ws, "IDX001"), lines(&fresh, "IDX001"), "{rel}");
        assert_ne!(
            before_findings,
            lines(&ws, "IDX001"),
            "{rel}: the edit matters"
        );
    }
}

#[test]
fn column_types_and_lengths_read_off_a_default_exported_enum() {
    // A codebase keeps its column types in an enum it default-exports and imports
    // without braces: `type: ColumnType.Date` is `timestamp with time zone`.
    let types = "enum ColumnType {
  Date = 'timestamp with time zone',
  BigNumber = 'bigint',
  ShortText = 'varchar',
}

export default ColumnType;
";
    let lengths = "enum ColumnLength { ShortText = 100 }\nexport default ColumnLength;\n";
    let text = "import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import ColumnType from 'src/types/column-type';
import ColumnLength from 'src/types/column-length';

@Entity()
export class Probe {
  @PrimaryGeneratedColumn('uuid')
  _id: string;

  @CreateDateColumn({ type: ColumnType.Date })
  createdAt: Date;

  @Column({ type: ColumnType.BigNumber, nullable: true })
  events: string | null;

  @Column({ type: ColumnType.ShortText, length: ColumnLength.ShortText })
  name: string;
}
";
    let ws = workspace(&[
        ("src/types/column-type.ts", types),
        ("src/types/column-length.ts", lengths),
        ("src/probes/probe.entity.ts", text),
    ]);
    let e = entity(&ws, "Probe");
    let db_type = |p: &str| e.column(p).and_then(|c| c.db_type.clone());
    assert_eq!(
        db_type("createdAt").as_deref(),
        Some("timestamp with time zone")
    );
    assert_eq!(db_type("events").as_deref(), Some("bigint"));
    let schema = crate::model::relational::schema(&ws.model, &ws.config);
    let table = schema
        .tables
        .iter()
        .find(|t| t.name == "probe")
        .unwrap_or_else(|| panic!("no table probe"));
    let name = table.columns.iter().find(|c| c.name == "name");
    assert_eq!(name.and_then(|c| c.length.as_deref()), Some("100"));
}

#[test]
fn editing_the_data_source_naming_strategy_renames_the_columns() {
    let entity_text = "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Invoice {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  totalAmount: string;
}
";
    let snake = "import { DataSource } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';

export default new DataSource({ type: 'postgres', namingStrategy: new SnakeNamingStrategy() });
";
    let plain = "import { DataSource } from 'typeorm';\n\nexport default new DataSource({ type: 'postgres' });\n";
    let column = |ws: &Workspace| {
        entity(ws, "Invoice")
            .column("totalAmount")
            .map(|c| c.db_name.clone())
    };
    let mut ws = workspace(&[
        ("src/invoices/invoice.entity.ts", entity_text),
        ("src/data-source.ts", snake),
    ]);
    assert_eq!(column(&ws).as_deref(), Some("total_amount"));
    let path = std::path::Path::new(crate::rules::testing::ROOT).join("src/data-source.ts");
    for (text, expected) in [(plain, "totalAmount"), (snake, "total_amount")] {
        let file = crate::model::SourceFile::new(path.clone(), text);
        let incremental = ws.update_file(std::sync::Arc::new(file));
        assert!(!incremental, "a naming change rebuilds the model");
        assert_eq!(column(&ws).as_deref(), Some(expected));
    }
}

#[test]
fn another_orms_entities_are_no_typeorm_entities() {
    // A MikroORM test fixture beside TypeORM's, decorators of the same names.
    let mikro =
        "import { Collection, Entity, ManyToMany, OneToOne, PrimaryKey } from '@mikro-orm/core';
import { Tag } from 'src/tags/tag.entity';

@Entity()
export class Post {
  @PrimaryKey()
  id!: string;

  @ManyToMany(() => Tag, (tag) => tag.posts)
  tags = new Collection<Tag>(this);

  @OneToOne(() => Tag, (tag) => tag.post, { owner: true })
  tag?: Tag;
}
";
    let sequelize = "import { Table, Column, Model, Entity } from 'sequelize-typescript';

@Entity
export class Legacy extends Model {}
";
    let typeorm = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Tag {
  @PrimaryGeneratedColumn()
  id: number;
}
";
    let ws = workspace(&[
        ("src/posts/post.entity.ts", mikro),
        ("src/legacy/legacy.entity.ts", sequelize),
        ("src/tags/tag.entity.ts", typeorm),
    ]);
    assert!(ws.model.entity("Post").is_none());
    assert!(ws.model.entity("Legacy").is_none());
    entity(&ws, "Tag");
    let rel003 = ws
        .check_all()
        .into_iter()
        .filter(|f| f.code == "REL003")
        .count();
    assert_eq!(rel003, 0);
}
