//! A generated workspace in the shape of a real NestJS + TypeORM monorepo (the shapes the
//! synthetic bench missed, issue 9): 15-20 KB entities with large decorator option
//! objects and 30+ imports through tsconfig `paths` / `baseUrl`, PascalCase and
//! kebab-case file names, bases reached through default imports, 2-3k line services
//! full of query builders and raw SQL, and many small DTO / controller files.
//!
//! Shared by `examples/bench_realistic.rs` and the superlinear-work test
//! (`tests/scaling.rs`), which includes it with `#[path]`.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Entities per module folder.
const PER_MODULE: usize = 10;

/// What `write` produced.
pub struct Corpus {
    pub files: Vec<PathBuf>,
    pub bytes: usize,
    pub entities: usize,
    pub services: usize,
}

/// How `total` files split: 1 in 10 an entity, 1 in 50 a large service, the rest small
/// files (DTOs, controllers, modules).
fn plan(total: usize) -> (usize, usize) {
    let entities = (total / 10).max(2);
    let services = (total / 50).max(1);
    (entities, services)
}

fn module_of(i: usize) -> usize {
    i / PER_MODULE
}

/// Entity `i`'s file stem: every other one PascalCase (`Thing12`), else kebab-case.
fn entity_stem(i: usize) -> String {
    if i.is_multiple_of(2) {
        format!("Thing{i}")
    } else {
        format!("thing-{i}")
    }
}

/// The `@app/...` specifier of entity `i` (tsconfig `paths`: `@app/*` -> `src/*`).
fn entity_specifier(i: usize) -> String {
    format!(
        "@app/modules/m{}/entities/{}.entity",
        module_of(i),
        entity_stem(i)
    )
}

fn entity_path(root: &Path, i: usize) -> PathBuf {
    root.join(format!(
        "src/modules/m{}/entities/{}.entity.ts",
        module_of(i),
        entity_stem(i)
    ))
}

const TSCONFIG: &str = r#"{
  "compilerOptions": {
    "baseUrl": ".",
    "paths": {
      "@app/*": ["src/*"],
      "@core/*": ["src/core/*"]
    }
  }
}
"#;

const MANAGED: &str = "import { CreateDateColumn, DeleteDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export abstract class ManagedEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @CreateDateColumn()
  created: Date;

  @UpdateDateColumn()
  updated: Date;

  @DeleteDateColumn({ nullable: true })
  deleted: Date | null;
}
";

const TENANT_BASE: &str = "import { Column, Index } from 'typeorm';
import { ManagedEntity } from '@core/managed-entity';

export default abstract class TenantBaseEntity extends ManagedEntity {
  @Index()
  @Column({ type: 'uuid', nullable: true })
  tenantId: string | null;

  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;
}
";

fn constants() -> String {
    let mut s = String::new();
    for k in 0..40 {
        let _ = writeln!(s, "export const LIMIT_{k} = {};", 16 + k * 8);
    }
    s.push_str("export enum Status {\n  Active = 'active',\n  Archived = 'archived',\n  Draft = 'draft',\n}\n");
    s
}

/// One column with its validation and documentation decorators: about 400 bytes.
fn column(out: &mut String, k: usize) {
    let name = format!("field{k}");
    let nullable = k.is_multiple_of(3);
    let _ = write!(
        out,
        "
  @ApiProperty({{
    type: () => String,
    description: 'The {name} of the record, shown in reports and exported to the data warehouse',
    required: {required},
    example: 'example-{k}',
    maxLength: LIMIT_{limit},
  }})
  @IsOptional()
  @IsString()
  @MaxLength(LIMIT_{limit})
  @Column({{
    type: 'varchar',
    length: LIMIT_{limit},
    nullable: {nullable},
    comment: 'Column {k}: kept for compatibility with the legacy importer',
    default: null,
  }})
  {name}: {ty};
",
        required = !nullable,
        limit = k % 40,
        ty = if nullable { "string | null" } else { "string" },
    );
}

fn entity(i: usize, entities: usize) -> String {
    let mut s = String::with_capacity(18 * 1024);
    s.push_str("import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, RelationId } from 'typeorm';\n");
    s.push_str("import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';\n");
    s.push_str(
        "import { IsOptional, IsString, MaxLength, IsUUID, IsEnum } from 'class-validator';\n",
    );
    s.push_str("import TenantBaseEntity from '@core/tenant-base.entity';\n");
    s.push_str("import { Status } from '@core/constants';\n");
    let _ = writeln!(
        s,
        "import {{ {} }} from '@core/constants';",
        (0..40)
            .map(|k| format!("LIMIT_{k}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // Related entities: a parent in the same module (relative import), others across
    // modules through `@app/...`, plus type-only imports of more of them.
    let mut related: Vec<usize> = Vec::new();
    for j in (1..=24).map(|d| (i + d * 7) % entities) {
        if j != i && !related.contains(&j) {
            related.push(j);
        }
    }
    for (n, &j) in related.iter().enumerate() {
        let spec = if module_of(j) == module_of(i) && n % 2 == 0 {
            format!("./{}.entity", entity_stem(j))
        } else {
            entity_specifier(j)
        };
        let kw = if n >= 6 { "import type" } else { "import" };
        let _ = writeln!(s, "{kw} {{ Thing{j} }} from '{spec}';");
    }
    let _ = write!(
        s,
        "
@Entity('thing_{i}')
@Index(['tenantId', 'field1'])
export class Thing{i} extends TenantBaseEntity {{
  @ApiProperty({{ type: () => String, enum: Status, description: 'Lifecycle state', required: true }})
  @IsEnum(Status)
  @Column({{ type: 'enum', enum: Status, default: Status.Active }})
  status: Status;
"
    );
    for k in 0..36 {
        column(&mut s, k);
    }
    for (n, &j) in related.iter().take(6).enumerate() {
        // Every third relation has no index: IDX001 with a migration fix.
        let index = if n % 3 == 2 { "" } else { "  @Index()\n" };
        let _ = write!(
            s,
            "
  @ApiPropertyOptional({{ type: () => Thing{j} }})
{index}  @ManyToOne(() => Thing{j}, {{ nullable: true, onDelete: 'CASCADE' }})
  @JoinColumn()
  rel{n}: Thing{j} | null;

  @RelationId((it: Thing{i}) => it.rel{n})
  @IsUUID()
  @Column({{ type: 'uuid', nullable: true }})
  rel{n}Id: string | null;
"
        );
    }
    s.push_str("}\n");
    s
}

fn service(k: usize, entities: usize) -> String {
    let mut s = String::with_capacity(96 * 1024);
    s.push_str("import { Injectable } from '@nestjs/common';\n");
    s.push_str("import { InjectRepository } from '@nestjs/typeorm';\n");
    s.push_str("import { DataSource, Repository, Brackets } from 'typeorm';\n");
    let owned: Vec<usize> = (0..8).map(|d| (k * 8 + d) % entities).collect();
    for &j in &owned {
        let _ = writeln!(s, "import {{ Thing{j} }} from '{}';", entity_specifier(j));
    }
    let _ = write!(
        s,
        "\n@Injectable()\nexport class Service{k} {{\n  constructor(\n"
    );
    for &j in &owned {
        let _ = writeln!(
            s,
            "    @InjectRepository(Thing{j}) private readonly repo{j}: Repository<Thing{j}>,"
        );
    }
    s.push_str("    private readonly dataSource: DataSource,\n  ) {}\n");
    // About 12 lines a method: 200 methods make 2.4k lines.
    for m in 0..200 {
        let j = owned[m % owned.len()];
        match m % 4 {
            0 => {
                let _ = write!(
                    s,
                    "
  async search{m}(tenantId: string, term: string, limit = 20) {{
    return this.repo{j}
      .createQueryBuilder('t')
      .leftJoinAndSelect('t.rel0', 'r0')
      .where('t.tenantId = :tenantId', {{ tenantId }})
      .andWhere(new Brackets((qb) => qb.where('t.field1 ILIKE :term', {{ term: `%${{term}}%` }}).orWhere('t.field2 = :term', {{ term }})))
      .orderBy('t.created', 'DESC')
      .take(limit)
      .getMany();
  }}
"
                );
            }
            1 => {
                let _ = write!(
                    s,
                    "
  async report{m}(tenantId: string) {{
    return this.dataSource.query(
      `SELECT t.status, count(*) AS total FROM thing_{j} t WHERE t.\"tenantId\" = $1 AND t.deleted IS NULL GROUP BY t.status`,
      [tenantId],
    );
  }}
"
                );
            }
            2 => {
                let _ = write!(
                    s,
                    "
  async byField{m}(value: string) {{
    return this.repo{j}.find({{ where: {{ field4: value }}, take: 50 }});
  }}

  async unsafe{m}(code: string) {{
    return this.dataSource.query(`SELECT * FROM thing_{j} WHERE field1 = '${{code}}'`);
  }}
"
                );
            }
            _ => {
                let _ = write!(
                    s,
                    "
  async update{m}(id: string, field7: string) {{
    await this.repo{j}
      .createQueryBuilder()
      .update(Thing{j})
      .set({{ field7 }})
      .where('id = :id', {{ id }})
      .execute();
    return this.repo{j}.findOne({{ where: {{ id }} }});
  }}
"
                );
            }
        }
    }
    s.push_str("}\n");
    s
}

/// A DTO, controller or module file: 10-30 imports through `@app/` and `@core/`.
fn small(k: usize, entities: usize) -> String {
    let mut s = String::with_capacity(3 * 1024);
    s.push_str("import { ApiProperty } from '@nestjs/swagger';\n");
    s.push_str("import { IsOptional, IsString } from 'class-validator';\n");
    s.push_str("import { Status, LIMIT_1 } from '@core/constants';\n");
    let n = 10 + k % 21;
    for d in 0..n {
        let j = (k * 13 + d * 31) % entities;
        let _ = writeln!(
            s,
            "import type {{ Thing{j} }} from '{}';",
            entity_specifier(j)
        );
    }
    let _ = write!(s, "\nexport class Dto{k} {{\n");
    for f in 0..12 {
        let _ = write!(
            s,
            "  @ApiProperty({{ required: false, maxLength: LIMIT_1 }})\n  @IsOptional()\n  @IsString()\n  value{f}?: string;\n\n"
        );
    }
    s.push_str("  status?: Status;\n}\n");
    s
}

/// Writes a workspace of about `total` files under `root`.
pub fn write(root: &Path, total: usize) -> Corpus {
    let (entities, services) = plan(total);
    let smalls = total.saturating_sub(entities + services + 4);
    let mut files = Vec::with_capacity(total);
    let mut bytes = 0;
    let mut put = |path: PathBuf, text: &str| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, text).expect("write");
        bytes += text.len();
        files.push(path);
    };
    std::fs::write(root.join("package.json"), "{}").expect("write");
    std::fs::write(root.join("tsconfig.json"), TSCONFIG).expect("write");
    put(root.join("src/core/managed-entity.ts"), MANAGED);
    put(root.join("src/core/tenant-base.entity.ts"), TENANT_BASE);
    put(root.join("src/core/constants.ts"), &constants());
    for i in 0..entities {
        put(entity_path(root, i), &entity(i, entities));
    }
    for k in 0..services {
        let path = root.join(format!(
            "src/modules/m{}/services/service-{k}.service.ts",
            k % entities.div_ceil(PER_MODULE)
        ));
        put(path, &service(k, entities));
    }
    for k in 0..smalls {
        let path = root.join(format!(
            "src/modules/m{}/dto/dto-{k}.dto.ts",
            k % entities.div_ceil(PER_MODULE)
        ));
        put(path, &small(k, entities));
    }
    Corpus {
        files,
        bytes,
        entities,
        services,
    }
}
