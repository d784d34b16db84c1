#!/usr/bin/env node
// `node tests/typeorm/migrate.js sync|own|up|down N WORKSPACE CONN_JSON FILES`: one step of
// the migration test, in its own process (entity files are read once per process, and the
// fixes change them). FILES lists the migration files (in `src/migrations`, comma
// separated) TypeORM is given. `sync` builds the schema the entities describe; `up` runs
// the pending migrations with TypeORM's runner (each in its own transaction, none for
// `transaction = false`, as CONCURRENTLY needs) and prints what `migration:generate` would
// still emit (`createSchemaBuilder().log()`); `own` does the same for a workspace's own
// migrations, and when one fails in its transaction (CREATE INDEX CONCURRENTLY in a
// migration without `transaction = false`, MIG003's case) says so and runs the rest without
// transactions, as `migration:run --transaction none` would; `down N` reverts the last N
// with `down()`.
"use strict";
require("reflect-metadata");
const fs = require("fs");
const path = require("path");

async function main() {
  const [mode, n, workspace, connJson, files] = process.argv.slice(2);
  const wanted = new Set((files || "").split(",").filter(Boolean));
  const root = path.resolve(workspace);
  const { buildMetadata } = require("./schema");
  const { entities, namingStrategy, excluded } = await buildMetadata(root);
  const dir = path.join(root, "src/migrations");
  const migrations = [];
  for (const f of fs.readdirSync(dir).filter((f) => wanted.has(f)).sort()) {
    for (const v of Object.values(require(path.join(dir, f)))) {
      if (typeof v === "function" && v.prototype && typeof v.prototype.up === "function") migrations.push(v);
    }
  }
  const typeorm = require("typeorm");
  const ds = new typeorm.DataSource({
    type: "postgres",
    ...JSON.parse(connJson),
    entities,
    namingStrategy,
    migrations,
    migrationsTransactionMode: "each",
    logging: false,
  });
  await ds.initialize();
  // What TypeORM refused to build (left out by schema.js): a column it would not create.
  const out = { ran: [], reverted: 0, pending: [], excluded };
  if (mode === "sync") {
    await ds.synchronize();
    const log = await ds.driver.createSchemaBuilder().log();
    out.pending = log.upQueries.map((q) => q.query);
  } else if (mode === "own") {
    try {
      out.ran = (await ds.runMigrations({ transaction: "each" })).map((m) => m.name);
    } catch (e) {
      out.failedInTransaction = String(e && e.message).split("\n")[0];
      await ds.runMigrations({ transaction: "none" });
    }
    out.ran = (await ds.query(`SELECT "name" FROM "migrations" ORDER BY "timestamp"`)).map((m) => m.name);
    const log = await ds.driver.createSchemaBuilder().log();
    out.pending = log.upQueries.map((q) => q.query);
  } else if (mode === "up") {
    out.ran = (await ds.runMigrations({ transaction: "each" })).map((m) => m.name);
    const log = await ds.driver.createSchemaBuilder().log();
    out.pending = log.upQueries.map((q) => q.query);
  } else {
    out.failedInTransaction = [];
    for (let i = 0; i < Number(n); i++) {
      // TypeORM 0.3.31's undoLastMigration ignores a migration's `transaction = false` (its
      // `up` honours it): a down() with DROP INDEX CONCURRENTLY fails in the transaction
      // `migration:revert` opens. Such a migration must be reverted with
      // `migration:revert --transaction none` (`undoLastMigration({ transaction: "none" })`),
      // the others keep their transaction. Tried in one first, to show the failure.
      const [last] = await ds.query(`SELECT "name" FROM "migrations" ORDER BY "timestamp" DESC, "id" DESC LIMIT 1`);
      const migration = ds.migrations.find((m) => (m.name || m.constructor.name) === (last && last.name));
      if (migration && migration.transaction === false) {
        try {
          await ds.undoLastMigration({ transaction: "each" });
          out.reverted++;
          continue;
        } catch (e) {
          out.failedInTransaction.push(`${last.name}: ${String(e && e.message).split("\n")[0]}`);
        }
        await ds.undoLastMigration({ transaction: "none" });
      } else {
        await ds.undoLastMigration({ transaction: "each" });
      }
      out.reverted++;
    }
  }
  await ds.destroy();
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
