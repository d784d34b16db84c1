#!/usr/bin/env node
// `node tests/typeorm/fix-schema.js BIN BEFORE AFTER`: what TypeORM says of code changed by
// fixes that write no migration (the editor-only ones: ENT001's base class, ENT002's
// removed redeclaration, TYP's type annotations). AFTER is BEFORE with the fixes applied
// (server/tests/postgres.rs applies them). A throw-away database is built from AFTER's own
// migrations (the same files as BEFORE's, which leave TypeORM nothing to generate for
// BEFORE, see fix-migrations.js); what `migration:generate` then emits for AFTER's entities
// is what the fixes change in the schema. Each statement must name an item `BIN schema`
// says changed between BEFORE and AFTER (`unexplained` lists those that do not), each such
// item must be named by a statement (`unforeseen`), and TypeORM must accept every entity
// AFTER declares (`refused`: what it would not build, beyond what it refused in BEFORE).
"use strict";
const path = require("path");
const { withCluster, unavailable } = require("./cluster");
const { step, tablesOf, changedItems } = require("./fix-migrations");

async function main() {
  const [bin, before, after] = process.argv.slice(2).map((a) => path.resolve(a));
  const why = unavailable();
  if (why) {
    process.stdout.write(JSON.stringify({ skipped: why }) + "\n");
    return;
  }
  const fs = require("fs");
  const files = fs.readdirSync(path.join(after, "src/migrations")).join(",");
  const result = await withCluster(async (conn) => {
    const { Client } = require("pg");
    const admin = new Client({ host: conn.host, port: conn.port, user: conn.username, database: "postgres" });
    await admin.connect();
    await admin.query("CREATE DATABASE shop");
    await admin.end();
    const db = { ...conn, database: "shop" };
    return step(["own", "0", after, JSON.stringify(db), files]);
  });
  const { buildMetadata } = require("./schema");
  const refusedBefore = new Set((await buildMetadata(before)).excluded.map((e) => `${e.entity}.${e.property || ""}`));
  const refused = result.excluded.filter((e) => !refusedBefore.has(`${e.entity}.${e.property || ""}`));
  const changed = changedItems(tablesOf(bin, after), tablesOf(bin, before));
  const mentions = (q, i) =>
    q.includes(`"${i.table}"`) &&
    (q.includes(`"${i.name}"`) || (i.name.startsWith("REL_") && q.includes(`"UQ_${i.name.slice(4)}`)));
  const pending = result.pending;
  process.stdout.write(
    JSON.stringify(
      {
        pending,
        changed,
        unexplained: pending.filter((q) => !changed.some((i) => mentions(q, i))),
        unforeseen: changed.filter((i) => !pending.some((q) => mentions(q, i))),
        refused,
      },
      null,
      2
    ) + "\n"
  );
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
