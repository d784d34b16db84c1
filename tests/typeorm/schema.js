#!/usr/bin/env node
// `node tests/typeorm/schema.js WORKSPACE [--naming default|snake_case]`: the relational
// model real TypeORM builds for a workspace's entities, printed in the JSON shape of
// `typeorm-lsp schema --format json`. No database: a postgres DataSource is created and
// `buildMetadatas()` run, never `initialize()`.
//
// Entities TypeORM refuses (an unknown relation target, a type postgres lacks) are left
// out one at a time and listed under `excluded`, so the rest can still be compared.
"use strict";
require("reflect-metadata");
const path = require("path");
const fs = require("fs");
const { loadEntities } = require("./load");

function snakeNaming(typeorm) {
  // typeorm-naming-strategies' SnakeNamingStrategy, the one real projects install.
  const { DefaultNamingStrategy } = typeorm;
  const { snakeCase } = require("typeorm/util/StringUtils");
  class SnakeNamingStrategy extends DefaultNamingStrategy {
    tableName(className, customName) {
      return customName ? customName : snakeCase(className);
    }
    columnName(propertyName, customName, embeddedPrefixes) {
      return snakeCase(embeddedPrefixes.concat("").join("_")) + (customName ? customName : snakeCase(propertyName));
    }
    relationName(propertyName) {
      return snakeCase(propertyName);
    }
    joinColumnName(relationName, referencedColumnName) {
      return snakeCase(relationName + "_" + referencedColumnName);
    }
    joinTableName(firstTableName, secondTableName, firstPropertyName) {
      return snakeCase(firstTableName + "_" + firstPropertyName.replace(/\./gi, "_") + "_" + secondTableName);
    }
    joinTableColumnName(tableName, propertyName, columnName) {
      return snakeCase(tableName + "_" + (columnName ? columnName : propertyName));
    }
    classTableInheritanceParentColumnName(parentTableName, parentTableIdPropertyName) {
      return snakeCase(parentTableName + "_" + parentTableIdPropertyName);
    }
    eagerJoinRelationAlias(alias, propertyPath) {
      return alias + "__" + propertyPath.replace(".", "_");
    }
  }
  return new SnakeNamingStrategy();
}

function namingOf(root, flag, typeorm) {
  let name = flag;
  if (!name) {
    const cfg = path.join(root, "typeorm-lsp.json");
    if (fs.existsSync(cfg)) {
      try {
        name = JSON.parse(fs.readFileSync(cfg, "utf8")).namingStrategy;
      } catch (_) {}
    }
  }
  if (!name) name = dataSourceNaming(root);
  return name === "snake_case" ? snakeNaming(typeorm) : undefined;
}

// What typeorm-lsp reads when the configuration names no strategy: the DataSources'
// `namingStrategy: new SnakeNamingStrategy()` (every one that names a strategy names a
// snake-case one). The harness builds its own DataSource, so it looks for that text.
function dataSourceNaming(root) {
  const found = [];
  const walk = (dir) => {
    let entries = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (_) {
      return;
    }
    for (const e of entries) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(ts|mts|cts)$/.test(e.name) && !e.name.endsWith(".d.ts")) {
        const text = fs.readFileSync(full, "utf8");
        if (!text.includes("namingStrategy")) continue;
        for (const m of text.matchAll(/namingStrategy\s*:\s*(?:new\s+)?([\w.]+)/g)) found.push(m[1]);
      }
    }
  };
  walk(root);
  return found.length > 0 && found.every((n) => /snake/i.test(n)) ? "snake_case" : undefined;
}

// Removes a relation or column declared on class `owner` (or a superclass of that name).
function dropProperty(storage, owner, property) {
  const match = (a) => a.propertyName === property && a.target && a.target.name === owner;
  let dropped = false;
  for (const key of ["relations", "columns", "joinColumns", "joinTables", "relationIds", "embeddeds"]) {
    const list = storage[key];
    if (!Array.isArray(list)) continue;
    for (let i = list.length - 1; i >= 0; i--) {
      if (match(list[i])) {
        list.splice(i, 1);
        dropped = true;
      }
    }
  }
  return dropped;
}

// `@RelationId`s whose relation is not (or no longer, see dropProperty) in the storage for
// their class or a superclass: TypeORM refuses them ("Cannot find relation undefined").
function dropOrphanRelationIds(storage) {
  const names = new Proxy({}, { get: (_, k) => k });
  const dropped = [];
  for (let i = storage.relationIds.length - 1; i >= 0; i--) {
    const r = storage.relationIds[i];
    let rel;
    try {
      rel = typeof r.relation === "function" ? r.relation(names) : r.relation;
    } catch (_) {
      continue;
    }
    const declared = storage.relations.some(
      (x) =>
        x.propertyName === rel &&
        (x.target === r.target ||
          (typeof x.target === "function" && typeof r.target === "function" && Object.prototype.isPrototypeOf.call(x.target.prototype, r.target.prototype)))
    );
    if (!declared) {
      storage.relationIds.splice(i, 1);
      dropped.push({ entity: r.target && r.target.name, property: r.propertyName });
    }
  }
  return dropped;
}

const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function tableJson(m, driver) {
  // `@VirtualColumn`s are computed by a query, never created.
  const columns = m.columns.filter((c) => !c.isVirtualProperty).map((c) => ({
    name: c.databaseName,
    type: String(driver.normalizeType(c)),
    array: !!c.isArray,
    nullable: !!c.isNullable,
    default: driver.normalizeDefault(c) ?? null,
    primary: !!c.isPrimary,
    generated: c.isGenerated ? c.generationStrategy || "increment" : null,
    length: c.length ? String(c.length) : null,
    // A stubbed import (load.js) standing for the enum would otherwise vanish from the JSON.
    enum: c.enum ? (Array.isArray(c.enum) ? c.enum.map(String) : `<not loaded: ${typeof c.enum}>`) : null,
  }));
  const children = m.childEntityMetadatas || [];
  return {
    name: m.tableName,
    entity: m.tableType === "junction" || m.tableType === "closure-junction" ? null : m.targetName,
    type: m.tableType,
    inheritance: m.inheritancePattern === "STI" ? "STI" : null,
    discriminator: m.discriminatorColumn
      ? {
          column: m.discriminatorColumn.databaseName,
          values: Object.fromEntries(
            [m, ...children].map((c) => [c.targetName, c.discriminatorValue]).sort()
          ),
        }
      : null,
    columns: columns.sort(byName),
    foreignKeys: m.foreignKeys
      .map((fk) => ({
        name: fk.name,
        columns: fk.columnNames,
        referencedTable: fk.referencedTablePath,
        referencedColumns: fk.referencedColumnNames,
        onDelete: fk.onDelete || "NO ACTION",
        onUpdate: fk.onUpdate || "NO ACTION",
      }))
      .sort(byName),
    indices: m.indices
      .filter((i) => i.synchronize !== false)
      .map((i) => ({
        name: i.name,
        columns: i.columns.map((c) => c.databaseName),
        unique: !!i.isUnique,
        where: i.where || null,
      }))
      .sort(byName),
    uniques: m.uniques.map((u) => ({ name: u.name, columns: u.columns.map((c) => c.databaseName) })).sort(byName),
  };
}

// Loads the workspace's entities and builds TypeORM's metadata, leaving out what TypeORM
// refuses. Returns the DataSource (metadata built, never initialized), the entity list it
// accepted, and what was left out.
async function buildMetadata(root, namingFlag) {
  const { schemas, failed, stubbed } = loadEntities(root);
  const typeorm = require("typeorm");
  const storage = typeorm.getMetadataArgsStorage();
  // Classes only: a stubbed package's proxy (load.js) can reach the storage too.
  let entities = [...new Set(storage.tables.map((t) => t.target))].filter(
    (t) => typeof t === "function" && typeof t.name === "string" && t.name !== ""
  );
  entities = entities.concat(schemas);
  const nameOf = (e) => (typeof e === "function" ? e.name : e.options.name);
  const excluded = [];
  const namingStrategy = namingOf(root, namingFlag, typeorm);
  for (let attempt = 0; attempt < 500; attempt++) {
    const ds = new typeorm.DataSource({ type: "postgres", entities, namingStrategy });
    try {
      await ds.buildMetadatas();
    } catch (e) {
      const msg = String(e && e.message);
      if (/Wrong relation specified for @RelationId/.test(msg)) {
        const orphans = dropOrphanRelationIds(storage);
        if (orphans.length) {
          for (const o of orphans) excluded.push({ ...o, error: msg.split("\n")[0] });
          continue;
        }
      }
      // "Entity metadata for Order#items was not found", "... in "Foo.bar" is not
      // supported": leave out that one property, so the entity itself still compares.
      const prop = /for (\w+)#(\w+)/.exec(msg) || /"(\w+)\.(\w+)"/.exec(msg);
      if (prop && dropProperty(storage, prop[1], prop[2])) {
        excluded.push({ entity: prop[1], property: prop[2], error: msg.split("\n")[0] });
        // Subclasses inherit the property, so their tables lack it too (veramo's
        // `PreMigrationKey extends Key`).
        const owner = entities.find((x) => typeof x === "function" && x.name === prop[1]);
        for (const sub of entities) {
          if (owner && typeof sub === "function" && sub !== owner && Object.prototype.isPrototypeOf.call(owner.prototype, sub.prototype)) {
            excluded.push({ entity: sub.name, property: prop[2], error: `inherits ${prop[1]}.${prop[2]}: ${msg.split("\n")[0]}` });
          }
        }
        continue;
      }
      const culprit = entities.find((x) => new RegExp(`\\b${nameOf(x)}\\b`).test(msg));
      if (!culprit) throw e;
      excluded.push({ entity: nameOf(culprit), error: msg.split("\n")[0] });
      // Single-table children cannot be built without their parent.
      entities = entities.filter(
        (x) =>
          x !== culprit &&
          !(typeof x === "function" && typeof culprit === "function" && Object.prototype.isPrototypeOf.call(culprit.prototype, x.prototype))
      );
      continue;
    }
    return { ds, entities, namingStrategy, excluded, failed, stubbed };
  }
  throw new Error("too many entities TypeORM refuses");
}

async function main() {
  // Workspace modules may log while loading: stdout is for the JSON alone.
  for (const k of ["log", "info", "debug"]) console[k] = (...a) => console.error(...a);
  const args = process.argv.slice(2);
  const root = path.resolve(args[0] || ".");
  const namingFlag = args.includes("--naming") ? args[args.indexOf("--naming") + 1] : undefined;
  process.stdout.write(JSON.stringify(await schemaOf(root, namingFlag), null, 2) + "\n");
}

// The JSON `main` prints: tables, what TypeORM refused, files that did not load.
async function schemaOf(root, namingFlag) {
  const { ds, excluded, failed, stubbed } = await buildMetadata(root, namingFlag);
  const tables = [];
  for (const m of ds.entityMetadatas) {
    if (m.tableType === "view" || m.tableType === "entity-child") continue;
    try {
      tables.push(tableJson(m, ds.driver));
    } catch (e) {
      // The schema builder would throw on it too (`default: () => false` is not SQL
      // text on PostgreSQL): refused, like the entities buildMetadata leaves out.
      excluded.push({ entity: m.targetName, error: String(e && e.message).split("\n")[0] });
    }
  }
  tables.sort(byName);
  return { tables, excluded, failed, stubbed };
}

module.exports = { buildMetadata, schemaOf };

if (require.main === module) {
  main().catch((e) => {
    console.error(e && e.stack ? e.stack : String(e));
    process.exit(1);
  });
}
