#!/usr/bin/env node
// `node tests/typeorm/ddl.js BIN WORKSPACE...`: PostgreSQL runs the DDL of
// `BIN schema WORKSPACE --format sql`, each workspace on a fresh database of a throw-away
// cluster. Prints `{ results: [{ workspace, tables, error }] }`, or `skipped` with why.
"use strict";
const { execFileSync } = require("child_process");
const path = require("path");
const { withCluster, unavailable } = require("./cluster");

async function main() {
  const [bin, ...workspaces] = process.argv.slice(2).map((a) => path.resolve(a));
  const why = unavailable();
  if (why) {
    process.stdout.write(JSON.stringify({ skipped: why }) + "\n");
    return;
  }
  const { Client } = require("pg");
  const results = await withCluster(async (conn) => {
    const out = [];
    for (const [i, ws] of workspaces.entries()) {
      const sql = execFileSync(bin, ["schema", ws, "--format", "sql"], { encoding: "utf8", maxBuffer: 64 << 20 });
      const admin = new Client({ host: conn.host, user: conn.username, database: "postgres" });
      await admin.connect();
      await admin.query(`CREATE DATABASE ddl${i}`);
      await admin.end();
      const c = new Client({ host: conn.host, user: conn.username, database: `ddl${i}` });
      await c.connect();
      let error = null;
      try {
        await c.query(sql);
      } catch (e) {
        error = String(e.message);
      }
      const n = await c.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'");
      await c.end();
      out.push({ workspace: ws, tables: n.rows[0].n, error });
    }
    return out;
  });
  process.stdout.write(JSON.stringify({ results }, null, 2) + "\n");
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
