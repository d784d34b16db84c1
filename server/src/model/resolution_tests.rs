//! Model tests for the shapes real codebases resolve through: workspace wrapper
//! decorators, default-imported bases, same-name classes, embedded inverse sides,
//! single-table inheritance, soft delete under any name.

use crate::rules::testing::{lines, workspace};
use crate::workspace::Workspace;

fn entity<'a>(ws: &'a Workspace, name: &str) -> &'a crate::model::Entity {
    ws.model
        .entity(name)
        .unwrap_or_else(|| panic!("no entity {name}"))
}

/// Wrappers in the shape of a multi-ORM codebase: each applies TypeORM's decorator (and
/// another ORM's) inside the function it returns, some through a helper or a renaming
/// re-export; no `decoratorAliases` configured.
const DECORATORS: &[(&str, &str)] = &[
    (
        "src/core/decorators/entity.decorator.ts",
        "import { Entity as TypeOrmEntity } from 'typeorm';
import { Entity as OtherEntity } from '@other/orm';
export function MultiORMEntity(nameOrOptions?: any, maybe?: any): ClassDecorator {
  const opts: any = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  return (target: any) => {
    OtherEntity(opts)(target);
    TypeOrmEntity(nameOrOptions, maybe)(target);
  };
}
",
    ),
    (
        "src/core/decorators/column.decorator.ts",
        "import { Column as TypeORMColumn } from 'typeorm';
import { Property } from '@other/orm';
export function MultiORMColumn(typeOrOptions?: any, options?: any): PropertyDecorator {
  return (target: any, key: string) => {
    if (useTypeOrm()) {
      TypeORMColumn({ ...typeOrOptions, ...options })(target, key);
    } else {
      Property(typeOrOptions)(target, key);
    }
  };
}
function useTypeOrm() { return true; }
",
    ),
    (
        "src/core/decorators/relations/type-orm.ts",
        "import { ManyToOne } from 'typeorm';\nexport { ManyToOne as TypeOrmManyToOne };\n",
    ),
    (
        "src/core/decorators/relations/many-to-one.decorator.ts",
        "import { TypeOrmManyToOne } from './type-orm';
export function MultiORMManyToOne(target: any, inverseOrOptions?: any, options?: any): PropertyDecorator {
  return (t: any, key: string) => {
    TypeOrmManyToOne(target, inverseOrOptions, options)(t, key);
  };
}
",
    ),
    (
        "src/core/decorators/column-index.decorator.ts",
        "import { Index as TypeOrmIndex } from 'typeorm';
export function ColumnIndex(nameOrOptions?: any, maybe?: any): ClassDecorator & PropertyDecorator {
  return (target: any, key?: string) => {
    applyTypeOrmIndex(target, key, nameOrOptions, maybe);
  };
}
export function applyTypeOrmIndex(target: any, key: any, name: any, options: any) {
  if (name) { TypeOrmIndex(name, options)(target, key); } else { TypeOrmIndex(options)(target, key); }
}
",
    ),
    (
        "src/core/decorators/index.ts",
        "export * from './entity.decorator';\nexport * from './column.decorator';\n\
         export * from './relations/many-to-one.decorator';\nexport * from './column-index.decorator';\n\
         export { Unique as UniqueIndex } from 'typeorm';\n",
    ),
];

fn with_decorators(files: &[(&'static str, &'static str)]) -> Workspace {
    let mut all: Vec<(&str, &str)> = DECORATORS.to_vec();
    all.extend_from_slice(files);
    workspace(&all)
}

const TENANT: (&str, &str) = (
    "src/tenants/tenant.entity.ts",
    "import { MultiORMEntity } from 'src/core/decorators';
import { ManagedEntity } from 'src/common/managed-entity';
@MultiORMEntity('tenant')
export class Tenant extends ManagedEntity {}
",
);

#[test]
fn workspace_wrapper_decorators_are_followed_without_aliases() {
    let invoice = (
        "src/billing/invoice.entity.ts",
        "import { MultiORMEntity, MultiORMColumn, MultiORMManyToOne, ColumnIndex, UniqueIndex } from 'src/core/decorators';
import { ManagedEntity } from 'src/common/managed-entity';
import { Tenant } from 'src/tenants/tenant.entity';

@MultiORMEntity('invoices')
@UniqueIndex(['number'])
export class Invoice extends ManagedEntity {
  @ColumnIndex()
  @MultiORMColumn({ type: 'numeric' })
  total: string;

  @MultiORMColumn()
  number: string;

  @MultiORMManyToOne(() => Tenant)
  tenant: Tenant;

  @ColumnIndex()
  @MultiORMColumn({ nullable: true })
  ownerId: string;

  @MultiORMManyToOne(() => Tenant)
  owner: Tenant;
}
",
    );
    let ws = with_decorators(&[invoice, TENANT]);
    let aliases = &ws.config.workspace_aliases;
    for (wrapper, target) in [
        ("MultiORMEntity", "Entity"),
        ("MultiORMColumn", "Column"),
        ("MultiORMManyToOne", "ManyToOne"),
        ("TypeOrmManyToOne", "ManyToOne"),
        ("ColumnIndex", "Index"),
        ("UniqueIndex", "Unique"),
    ] {
        assert_eq!(
            aliases.get(wrapper).map(String::as_str),
            Some(target),
            "{wrapper}"
        );
    }
    // Helpers that apply no decorator are not wrappers.
    assert!(!aliases.contains_key("applyTypeOrmIndex") || aliases["applyTypeOrmIndex"] == "Index");
    let e = entity(&ws, "Invoice");
    assert_eq!(e.table, "invoices");
    assert_eq!(
        e.column("total").and_then(|c| c.db_type.as_deref()),
        Some("numeric")
    );
    assert!(e.index_leading_with("total").is_some());
    assert!(e.index_leading_with("number").is_some());
    assert_eq!(entity(&ws, "Tenant").table, "tenant");
    // `tenantId` has no index, `ownerId` has one: exactly one IDX001.
    let found = lines(&ws, "IDX001");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].2.contains("tenantId"), "{found:?}");
}

#[test]
fn a_wrapper_applying_two_different_typeorm_decorators_stands_for_neither() {
    let odd = (
        "src/core/odd.ts",
        "import { Column, Index } from 'typeorm';
export function IndexedColumn(o?: any) {
  return (t: any, k: string) => { Column(o)(t, k); Index()(t, k); };
}
",
    );
    let ws = with_decorators(&[odd]);
    assert!(!ws.config.workspace_aliases.contains_key("IndexedColumn"));
}

#[test]
fn a_base_class_reached_through_a_default_import_under_another_name_is_followed() {
    for export in [
        "export default class DatabaseBaseModel extends BaseEntity {",
        "class DatabaseBaseModel extends BaseEntity {",
    ] {
        let tail = if export.starts_with("export") {
            ""
        } else {
            "export default DatabaseBaseModel;\n"
        };
        let base = format!(
            "import {{ BaseEntity, Column, DeleteDateColumn, Index, PrimaryGeneratedColumn }} from 'typeorm';
{export}
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({{ nullable: true }})
  projectId: string;

  @DeleteDateColumn({{ nullable: true }})
  deletedAt?: Date;
}}
{tail}"
        );
        let alert = "import { Entity, Column } from 'typeorm';
import BaseModel from './base/database-base-model';
@Entity({ name: 'Alert' })
export default class Alert extends BaseModel {
  @Column()
  title: string;
}
";
        let files = [
            ("src/models/base/database-base-model.ts", base.as_str()),
            ("src/models/alert.ts", alert),
        ];
        let ws = workspace(&files);
        let e = entity(&ws, "Alert");
        assert_eq!(e.ancestors.len(), 1, "{export}");
        assert!(e.column("projectId").is_some());
        assert!(e.index_leading_with("projectId").is_some());
        assert!(e.soft_delete.is_some());
    }
}

#[test]
fn a_partial_index_the_key_equality_implies_serves_the_foreign_key() {
    let make = |predicate: &str| {
        format!(
            "import {{ Entity, Column, Index, ManyToOne }} from 'typeorm';
import {{ ManagedEntity }} from 'src/common/managed-entity';
import {{ User }} from 'src/users/user.entity';
@Entity()
@Index('IDX_doc_owner', ['ownerId'], {{ where: '{predicate}' }})
export class Doc extends ManagedEntity {{
  @Column({{ nullable: true }})
  ownerId: string | null;

  @ManyToOne(() => User, {{ nullable: true }})
  owner: User | null;
}}
"
        )
    };
    let user = (
        "src/users/user.entity.ts",
        "import { Entity } from 'typeorm';\nimport { ManagedEntity } from 'src/common/managed-entity';\n@Entity()\nexport class User extends ManagedEntity {}\n",
    );
    for (predicate, flagged) in [
        ("\"ownerId\" IS NOT NULL", false),
        ("ownerId IS NOT NULL", false),
        ("doc.\"ownerId\" IS NOT NULL", false),
        ("\"deleted\" IS NULL", true),
        ("\"ownerId\" IS NOT NULL AND \"deleted\" IS NULL", true),
    ] {
        let doc = make(predicate);
        let ws = workspace(&[("src/docs/doc.entity.ts", doc.as_str()), user]);
        let found = lines(&ws, "IDX001");
        assert_eq!(found.len(), usize::from(flagged), "{predicate}: {found:?}");
    }
}

const STI_PARENT: (&str, &str) = (
    "src/content/content.entity.ts",
    "import { Entity, ManyToOne, TableInheritance } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { User } from 'src/users/user.entity';
@Entity()
@TableInheritance({ column: { type: 'varchar', name: 'type' } })
export class Content extends ManagedEntity {
  @ManyToOne(() => User)
  author: User;
}
",
);

const STI_USER: (&str, &str) = (
    "src/users/user.entity.ts",
    "import { Entity } from 'typeorm';\nimport { ManagedEntity } from 'src/common/managed-entity';\n@Entity()\nexport class User extends ManagedEntity {}\n",
);

#[test]
fn an_index_on_a_child_entity_covers_the_whole_single_table() {
    let photo = (
        "src/content/photo.entity.ts",
        "import { ChildEntity, Column, Index } from 'typeorm';
import { Content } from './content.entity';
@ChildEntity()
@Index(['author'])
export class Photo extends Content {
  @Column({ nullable: true })
  size: number;
}
",
    );
    let post = (
        "src/content/post.entity.ts",
        "import { ChildEntity, Column } from 'typeorm';
import { Content } from './content.entity';
@ChildEntity()
export class Post extends Content {
  @Column({ nullable: true })
  body: string;
}
",
    );
    let ws = workspace(&[STI_PARENT, STI_USER, photo, post]);
    assert_eq!(entity(&ws, "Post").table, "content");
    let found = lines(&ws, "IDX001");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn an_unindexed_key_of_a_single_table_is_one_finding_and_one_migration() {
    let child = |name: &'static str, path: &'static str| {
        (
            path,
            match name {
                "Photo" => "import { ChildEntity } from 'typeorm';\nimport { Content } from './content.entity';\n@ChildEntity()\nexport class Photo extends Content {}\n",
                _ => "import { ChildEntity } from 'typeorm';\nimport { Content } from './content.entity';\n@ChildEntity()\nexport class Post extends Content {}\n",
            },
        )
    };
    let ws = workspace(&[
        STI_PARENT,
        STI_USER,
        child("Photo", "src/content/photo.entity.ts"),
        child("Post", "src/content/post.entity.ts"),
    ]);
    let found = crate::rules::testing::findings(&ws, "IDX001");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .message
            .contains("`Content.author` (content.authorId)"),
        "{}",
        found[0].message
    );
    // One table: at most one migration, and one `@Index()` edit.
    for fix in &found[0].fixes {
        let created = fix
            .changes
            .iter()
            .filter(|c| matches!(c, crate::finding::FileChange::Create { .. }))
            .count();
        assert!(created <= 1, "{fix:?}");
    }
}

#[test]
fn soft_delete_under_any_name_and_by_hand_is_detected() {
    let base = |deleted: &str| {
        format!(
            "import {{ BaseEntity, Column, DeleteDateColumn, PrimaryGeneratedColumn }} from 'typeorm';
export abstract class DatabaseBaseModel extends BaseEntity {{
  @PrimaryGeneratedColumn('uuid')
  _id: string;

  {deleted}
}}
"
        )
    };
    let alert = "import { Entity } from 'typeorm';
import { DatabaseBaseModel } from './base';
@Entity()
export class Alert extends DatabaseBaseModel {}
";
    let query = "export const open = (db: any) => db.query('SELECT * FROM alert WHERE \"deletedAt\" IS NULL');\n";
    // Any property name of a @DeleteDateColumn.
    let b = base("@DeleteDateColumn({ nullable: true })\n  removedOn?: Date;");
    let ws = workspace(&[
        ("src/models/base.ts", b.as_str()),
        ("src/models/alert.ts", alert),
    ]);
    assert!(entity(&ws, "Alert").soft_delete.is_some());
    // A nullable timestamp column the queries filter with IS NULL.
    let b = base("@Column({ type: 'timestamptz', nullable: true })\n  deletedAt?: Date;");
    let files = [
        ("src/models/base.ts", b.as_str()),
        ("src/models/alert.ts", alert),
        ("src/services/alerts.ts", query),
    ];
    let ws = workspace(&files);
    assert!(matches!(
        entity(&ws, "Alert").soft_delete,
        Some(crate::model::SoftDelete::Manual { ref column }) if column == "deletedAt"
    ));
    // The same column that no query filters is only a column.
    let ws = workspace(&files[..2]);
    assert!(entity(&ws, "Alert").soft_delete.is_none());
}

#[test]
fn same_name_classes_resolve_through_the_files_own_imports() {
    // Two `User` entities; the blog's relations name the blog's one (sorted second).
    let admin_user = (
        "src/admin/user.entity.ts",
        "import { Entity, Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
@Entity('admin_user')
export class User extends ManagedEntity {
  @Column()
  role: string;
}
",
    );
    let blog_user = (
        "src/blog/user.entity.ts",
        "import { Entity, OneToMany } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { Post } from './post.entity';
@Entity('blog_user')
export class User extends ManagedEntity {
  @OneToMany(() => Post, (post) => post.author)
  posts: Post[];
}
",
    );
    let post = (
        "src/blog/post.entity.ts",
        "import { Entity, Index, ManyToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { User } from './user.entity';
@Entity()
export class Post extends ManagedEntity {
  @Index()
  @ManyToOne(() => User, (user) => user.posts)
  author: User;
}
",
    );
    let ws = workspace(&[admin_user, blog_user, post]);
    let p = entity(&ws, "Post");
    let target = p
        .relation("author")
        .and_then(|r| ws.model.relation_target(r))
        .map(|e| e.table.as_str());
    assert_eq!(target, Some("blog_user"));
    for code in ["REL002", "REL003", "REL001"] {
        let found = lines(&ws, code);
        assert!(found.is_empty(), "{code}: {found:?}");
    }
}

#[test]
fn an_inverse_side_through_an_embedded_object_is_followed() {
    let extra = (
        "src/things/thing-extra.ts",
        "import { ManyToOne } from 'typeorm';
import { Owner } from '../owners/owner.entity';
export class ThingExtra {
  @ManyToOne(() => Owner, (o) => o.things)
  owner: Owner;
}
",
    );
    let thing = (
        "src/things/thing.entity.ts",
        "import { Entity, Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { ThingExtra } from './thing-extra';
@Entity()
export class Thing extends ManagedEntity {
  @Column(() => ThingExtra)
  extra: ThingExtra;
}
",
    );
    let owner = (
        "src/owners/owner.entity.ts",
        "import { Entity, OneToMany } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { Thing } from '../things/thing.entity';
@Entity()
export class Owner extends ManagedEntity {
  @OneToMany(() => Thing, (t) => t.extra.owner)
  things: Thing[];
}
",
    );
    let ws = workspace(&[extra, thing, owner]);
    let rel = entity(&ws, "Owner").relation("things").cloned();
    assert_eq!(rel.and_then(|r| r.inverse).as_deref(), Some("extra.owner"));
    assert!(entity(&ws, "Thing").relation("extra.owner").is_some());
    for code in ["REL002", "REL003"] {
        let found = lines(&ws, code);
        assert!(found.is_empty(), "{code}: {found:?}");
    }
    // A typo in the embedded path is still reported.
    let typo = owner.1.replace("t.extra.owner", "t.extra.ownr");
    let ws = workspace(&[extra, thing, ("src/owners/owner.entity.ts", typo.as_str())]);
    assert_eq!(lines(&ws, "REL002").len(), 1);
}

#[test]
fn the_managed_base_columns_are_read_from_the_base_when_named_otherwise() {
    let base = (
        "src/common/managed-entity.ts",
        "import { CreateDateColumn, DeleteDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
export abstract class ManagedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;

  @DeleteDateColumn({ nullable: true })
  deletedAt: Date | null;
}
",
    );
    let ws = workspace(&[base]);
    let cols = &ws.config.base_columns;
    assert_eq!(
        (
            cols.created.as_str(),
            cols.updated.as_str(),
            cols.deleted.as_str()
        ),
        ("createdAt", "updatedAt", "deletedAt")
    );
    let found = lines(&ws, "ENT003");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_string_target_shared_by_several_classes_is_the_nearest_one() {
    let user = |dir: &str, with_photos: bool| {
        let body = if with_photos {
            "  @OneToMany('Photo', 'user')\n  photos: Photo[];\n"
        } else {
            ""
        };
        (
            format!("test/{dir}/entity/User.ts"),
            format!(
                "import {{ Entity, OneToMany, PrimaryGeneratedColumn }} from 'typeorm';
import {{ Photo }} from './Photo';
@Entity()
export class User {{
  @PrimaryGeneratedColumn()
  id: number;
{body}}}
"
            ),
        )
    };
    let photo = (
        "test/b/entity/Photo.ts".to_string(),
        "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Photo {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne('User', 'photos')
  user: any;
}
"
        .to_string(),
    );
    let files = [user("a", false), user("b", true), photo];
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let ws = workspace(&refs);
    for code in ["REL002", "REL003"] {
        let found = lines(&ws, code);
        assert!(found.is_empty(), "{code}: {found:?}");
    }
}

#[test]
fn decorators_imported_under_another_name_or_through_a_namespace_are_followed() {
    let invoice = (
        "src/billing/invoice.entity.ts",
        "import { MultiORMEntity as OrmEntity, MultiORMColumn as Col, MultiORMManyToOne as ToOne } from 'src/core/decorators';
import * as orm from 'typeorm';
import { Index as Idx } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { Tenant } from 'src/tenants/tenant.entity';

@OrmEntity('invoices')
export class Invoice extends ManagedEntity {
  @Col({ type: 'numeric' })
  total: string;

  @orm.Column()
  number: string;

  @Idx()
  @orm.Column()
  code: string;

  @ToOne(() => Tenant)
  tenant: Tenant;
}
",
    );
    let ws = with_decorators(&[invoice, TENANT]);
    let aliases = &ws.config.workspace_aliases;
    assert_eq!(aliases.get("Col").map(String::as_str), Some("Column"));
    assert_eq!(aliases.get("Idx").map(String::as_str), Some("Index"));
    assert_eq!(aliases.get("OrmEntity").map(String::as_str), Some("Entity"));
    let e = entity(&ws, "Invoice");
    assert_eq!(e.table, "invoices");
    let columns: Vec<&str> = e.columns.iter().map(|c| c.property.as_str()).collect();
    for name in ["total", "number", "code"] {
        assert!(columns.contains(&name), "{columns:?}");
    }
    assert!(e.index_leading_with("code").is_some());
    let found = lines(&ws, "IDX001");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].2.contains("tenantId"), "{found:?}");
}

#[test]
fn a_local_name_bound_to_different_things_stands_for_nothing() {
    let a = (
        "src/a.entity.ts",
        "import { Column as Field, Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class A { @PrimaryGeneratedColumn() id: number; @Field() name: string; }
",
    );
    let b = (
        "src/b.dto.ts",
        "import { Property as Field } from '@other/validation';
export class B { @Field() name: string; }
",
    );
    let ws = workspace(&[a, b]);
    assert!(!ws.config.workspace_aliases.contains_key("Field"));
    let ws = workspace(&[a]);
    assert_eq!(
        ws.config.workspace_aliases.get("Field").map(String::as_str),
        Some("Column")
    );
}

#[test]
fn an_unsynchronized_index_takes_its_columns_from_the_migration_that_creates_it() {
    let entity = |decorator: &str| {
        format!(
            "import {{ Entity, Index, ManyToOne, PrimaryGeneratedColumn }} from 'typeorm';
import {{ User }} from './user.entity';

{decorator}
@Entity()
export class Post {{
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => User) author: User;
  @ManyToOne(() => User) editor: User;
}}
"
        )
    };
    let user = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class User { @PrimaryGeneratedColumn() id: number; }
";
    let migration = "import { MigrationInterface, QueryRunner } from 'typeorm';
export class AddIndex1700000000000 implements MigrationInterface {
  public transaction = false;
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS \"IDX_author\" ON \"post\" (\"authorId\")`);
  }
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS \"IDX_author\"`);
  }
}
";
    let post = entity("@Index('IDX_author', { synchronize: false })");
    let ws = workspace(&[
        ("src/posts/user.entity.ts", user),
        ("src/posts/post.entity.ts", &post),
        ("src/migrations/1700000000000-add-index.ts", migration),
    ]);
    let found: Vec<String> = lines(&ws, "IDX001").into_iter().map(|f| f.2).collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("editorId"), "{found:?}");
    // Without the migration its columns are unknown: it might cover anything.
    let ws = workspace(&[
        ("src/posts/user.entity.ts", user),
        ("src/posts/post.entity.ts", &post),
    ]);
    assert!(lines(&ws, "IDX001").is_empty());
}

/// Two `Account` entities in different folders with different keys: foreign keys to
/// `Account` (on an entity, and inside an embedded class) reference the one the declaring
/// file imports, not the first of that name.
#[test]
fn foreign_keys_reference_the_imported_same_named_entity() {
    let a = "import { Entity, PrimaryColumn } from 'typeorm';
@Entity('a_accounts')
export class Account { @PrimaryColumn('uuid') id: string; }
";
    let b = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity('b_accounts')
export class Account { @PrimaryGeneratedColumn() id: number; }
";
    let audit = "import { ManyToOne } from 'typeorm';
import { Account } from './account.entity';
export class Audit { @ManyToOne(() => Account) owner: Account; }
";
    let post = "import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity';
import { Audit } from './audit';
@Entity('posts')
export class Post {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Account) author: Account;
  @Column(() => Audit) audit: Audit;
}
";
    let ws = workspace(&[
        ("src/a/account.entity.ts", a),
        ("src/b/account.entity.ts", b),
        ("src/b/audit.ts", audit),
        ("src/b/post.entity.ts", post),
    ]);
    let schema = super::relational::schema(&ws.model, &ws.config);
    let posts = schema.table("posts");
    let referenced: Vec<&str> = posts
        .foreign_keys
        .iter()
        .map(|k| k.referenced_table.as_str())
        .collect();
    assert_eq!(
        referenced,
        ["b_accounts", "b_accounts"],
        "{:?}",
        posts.foreign_keys
    );
    let types: Vec<&str> = posts
        .columns
        .iter()
        .filter(|c| c.name != "id")
        .map(|c| c.db_type.as_str())
        .collect();
    assert!(types.iter().all(|t| *t != "uuid"), "{:?}", posts.columns);
}

/// Two embedded classes named `Audit` with different columns: an entity gets the columns
/// of the one its file imports.
#[test]
fn embedded_columns_come_from_the_imported_same_named_class() {
    let a = "import { Column } from 'typeorm';
export class Audit { @Column() createdBy: string; }
";
    let b = "import { Column } from 'typeorm';
export class Audit { @Column() reviewedBy: string; }
";
    let post = "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Audit } from './audit';
@Entity('posts')
export class Post {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => Audit) audit: Audit;
}
";
    let ws = workspace(&[
        ("src/a/audit.ts", a),
        ("src/b/audit.ts", b),
        ("src/b/post.entity.ts", post),
    ]);
    let schema = super::relational::schema(&ws.model, &ws.config);
    let posts = schema.table("posts");
    let mut names: Vec<&str> = posts.columns.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["auditReviewedby", "id"], "{names:?}");
}

#[test]
fn a_base_imported_from_typeorm_is_never_a_same_named_workspace_class() {
    // A code generator's template (`class /* name */ extends BaseEntity`, read as a class
    // named `BaseEntity`) and the generated entity, which extends TypeORM's BaseEntity.
    let template = "import { BaseEntity, Entity, ObjectId, ObjectIdColumn } from 'typeorm';
@Entity()
export class /* upperFirstCamelName */ extends BaseEntity {
  @ObjectIdColumn()
  _id: ObjectId;
}
";
    let generated = "import { BaseEntity, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Invoice extends BaseEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  text: string;
}
";
    let service = "import { Invoice } from './invoice.entity';
export async function byId(id: number) {
  return Invoice.findOneBy({ id });
}
";
    let ws = workspace(&[
        ("templates/entity/entity.mongodb.ts", template),
        ("specs/invoice.entity.ts", generated),
        ("specs/invoice.service.ts", service),
    ]);
    let columns: Vec<&str> = entity(&ws, "Invoice")
        .columns
        .iter()
        .map(|c| c.property.as_str())
        .collect();
    assert_eq!(columns, vec!["id", "text"]);
    assert!(
        lines(&ws, "IDX002").is_empty(),
        "{:?}",
        lines(&ws, "IDX002")
    );
}

#[test]
fn a_primary_key_a_migration_moves_serves_queries_on_its_leading_column() {
    // The entity lists its key columns in one order; a hand-written migration rebuilt the
    // key in another, leading with the column the repository filters on.
    let entity = "import { Column, Entity } from 'typeorm';
@Entity({ name: 'ledgers' })
export class Ledger {
  @Column({ primary: true, type: 'varchar' })
  accountKey!: string;

  @Column({ primary: true, type: 'int' })
  period!: number;
}
";
    let repository = "import { EntityRepository, Repository } from 'typeorm';
import { Ledger } from './ledger';
@EntityRepository(Ledger)
export class LedgerRepository extends Repository<Ledger> {
  public async byPeriod(period: number): Promise<Ledger[]> {
    return this.find({ where: { period } });
  }
}
";
    let migration = "import { MigrationInterface, QueryRunner } from 'typeorm';
export class RekeyLedgers1560000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<any> {
    await queryRunner.query(`
      ALTER TABLE ledgers DROP COLUMN id, ADD PRIMARY KEY (period, account_key);
    `);
  }
  public async down(queryRunner: QueryRunner): Promise<any> {}
}
";
    let files = [
        ("src/models/ledger.ts", entity),
        ("src/repositories/ledger-repository.ts", repository),
        ("src/migrations/1560000000000-rekey-ledgers.ts", migration),
    ];
    assert!(lines(&workspace(&files), "IDX002").is_empty());
    // Without the migration, the key leads with `account_key`: the filter is unserved.
    assert_eq!(lines(&workspace(&files[..2]), "IDX002").len(), 1);
}
