//! Query sites bind to the entity class their own file names: two `Order` classes in
//! different folders (one soft-deletable and indexed, one neither), each queried from a
//! service importing its own, in every form a site names its entity. Each rule's findings
//! follow the imported class, not the first `Order` of the workspace.

use crate::rules::testing::{lines, workspace};

/// `src/legacy/order.entity.ts` sorts first, so a lookup by bare name finds it: the shop's
/// sites only bind right when resolved through their imports.
const LEGACY_ORDER: &str = "import { Entity, Column, PrimaryGeneratedColumn } from 'typeorm';

@Entity('legacy_orders')
export class Order {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  status: string;
}
";

const SHOP_ORDER: &str =
    "import { Entity, Column, DeleteDateColumn, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('shop_orders')
export class Order {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column()
  status: string;

  @DeleteDateColumn()
  deletedAt: Date | null;
}
";

const CUSTOM_REPOSITORY: &str = "import { Repository } from 'typeorm';
import { Order } from './order.entity';

export class OrderRepository extends Repository<Order> {}
";

const CRUD_SERVICE: &str = "import { Repository } from 'typeorm';

export abstract class CrudService<T> {
  constructor(protected readonly repository: Repository<T>) {}
}
";

/// A service in `folder` reaching that folder's `Order` in every way a site names it:
/// an injected `Repository<Order>`, `getRepository(Order)`, `manager.find(Order, ...)`, a
/// custom repository (a same-named class in each folder), a generic service.
fn service(folder: &str) -> String {
    format!(
        "import {{ InjectRepository }} from '@nestjs/typeorm';
import {{ DataSource, EntityManager, Repository }} from 'typeorm';
import {{ Order }} from 'src/{folder}/order.entity';
import {{ OrderRepository }} from './order.repository';
import {{ CrudService }} from 'src/common/crud.service';

export class OrdersService {{
  constructor(
    @InjectRepository(Order) private readonly repo: Repository<Order>,
    private readonly orders: OrderRepository,
    private readonly dataSource: DataSource,
  ) {{}}

  injected(status: string) {{
    return this.repo.find({{ where: {{ status }} }});
  }}

  fromDataSource(status: string) {{
    return this.dataSource.getRepository(Order).findOneBy({{ status }});
  }}

  fromManager(manager: EntityManager, status: string) {{
    return manager.find(Order, {{ where: {{ status }} }});
  }}

  fromCustomRepository(status: string) {{
    return this.orders.findBy({{ status }});
  }}

  builder(status: string) {{
    return this.repo.createQueryBuilder('o').where('o.status = :status', {{ status }}).getMany();
  }}

  remove(id: number) {{
    return this.repo.delete({{ id }});
  }}

  everything() {{
    return this.repo.find({{ withDeleted: true }});
  }}
}}

export class GenericOrdersService extends CrudService<Order> {{
  generic(status: string) {{
    return this.repository.find({{ where: {{ status }} }});
  }}
}}
"
    )
}

fn codes_by_file(code: &str) -> (Vec<usize>, Vec<usize>) {
    let legacy = service("legacy");
    let shop = service("shop");
    let ws = workspace(&[
        ("src/legacy/order.entity.ts", LEGACY_ORDER),
        ("src/legacy/order.repository.ts", CUSTOM_REPOSITORY),
        ("src/legacy/orders.service.ts", &legacy),
        ("src/shop/order.entity.ts", SHOP_ORDER),
        ("src/shop/order.repository.ts", CUSTOM_REPOSITORY),
        ("src/shop/orders.service.ts", &shop),
        ("src/common/crud.service.ts", CRUD_SERVICE),
    ]);
    let found = lines(&ws, code);
    let at = |path: &str| -> Vec<usize> {
        found
            .iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, l, _)| *l)
            .collect()
    };
    (
        at("src/legacy/orders.service.ts"),
        at("src/shop/orders.service.ts"),
    )
}

#[test]
fn idx002_follows_the_imported_order() {
    let (legacy, shop) = codes_by_file("IDX002");
    // injected, data source, manager, custom repository, builder, generic service
    assert_eq!(
        legacy,
        [15, 19, 23, 27, 31, 45],
        "legacy status has no index"
    );
    assert!(shop.is_empty(), "the shop's status is indexed: {shop:?}");
}

#[test]
fn soft_delete_rules_follow_the_imported_order() {
    let (legacy, shop) = codes_by_file("SD003");
    assert!(legacy.is_empty(), "{legacy:?}");
    assert_eq!(shop, [35], "a hard delete of a soft-deletable Order");
    let (legacy, shop) = codes_by_file("SD002");
    assert!(legacy.is_empty(), "{legacy:?}");
    assert_eq!(shop, [39]);
}
