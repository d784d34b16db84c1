#!/usr/bin/env node
// `node tests/typeorm/fix-migrations.js BIN WORKSPACE`: the migrations that
// `check --fix --with-migrations` writes, run on a real database by TypeORM.
// On a copy of the workspace in a throw-away PostgreSQL cluster:
//   1. build the database the entities describe (TypeORM's `synchronize`: the fixture's own
//      migrations create only part of its tables, so they cannot be the baseline);
//   2. `BIN check COPY --fix --with-migrations`;
//   3. run the new migrations (CONCURRENTLY ones outside a transaction), then ask TypeORM
//      what `migration:generate` would still emit: nothing may name an index or table
//      constraint the new migrations create or drop (`stillWanted`). What else is new
//      (`newDiff`) comes from fixes that write no migration (REL003's `@JoinTable`,
//      ENT001's base class, IDX004's removed decorator) and is reported, not judged;
//   4. revert the new migrations with `down()`: the indexes and constraints are back to
//      those of step 1.
// Prints a JSON summary; `skipped` says why when PostgreSQL cannot run here.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { withCluster, unavailable } = require("./cluster");

function step(args) {
  const out = execFileSync(process.execPath, [path.join(__dirname, "migrate.js"), ...args], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(out);
}

async function snapshot(conn) {
  const { Client } = require("pg");
  const c = new Client({ host: conn.host, port: conn.port, user: conn.username, database: conn.database });
  await c.connect();
  const idx = await c.query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexdef");
  const con = await c.query(
    "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint " +
      "WHERE connamespace = 'public'::regnamespace ORDER BY 1"
  );
  await c.end();
  // The runner's own `migrations` table is not the schema under test.
  return [...idx.rows.map((r) => r.indexdef), ...con.rows.map((r) => r.d)].filter(
    (d) => !/ON public\.migrations |^migrations /.test(d)
  );
}

async function main() {
  const [bin, workspace] = process.argv.slice(2).map((a) => path.resolve(a));
  const why = unavailable();
  if (why) {
    process.stdout.write(JSON.stringify({ skipped: why }) + "\n");
    return;
  }
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "typeorm-lsp-fix-"));
  fs.cpSync(workspace, copy, { recursive: true });
  try {
    const result = await withCluster(async (conn) => {
      const { Client } = require("pg");
      const admin = new Client({ host: conn.host, port: conn.port, user: conn.username, database: "postgres" });
      await admin.connect();
      await admin.query("CREATE DATABASE shop");
      await admin.end();
      const db = { ...conn, database: "shop" };
      const before = step(["sync", "0", copy, JSON.stringify(db), ""]);
      const schemaBefore = await snapshot(db);
      const migrationsDir = path.join(copy, "src/migrations");
      const existing = new Set(fs.readdirSync(migrationsDir));
      try {
        execFileSync(bin, ["check", copy, "--fix", "--with-migrations"], { stdio: "ignore" });
      } catch (_) {
        // exit 1: findings without a safe fix remain
      }
      // New timestamps only: NAM001 renames `AddSearchVector.ts` to kebab case, not a new migration.
      const stamp = (f) => f.split("-")[0];
      const stamps = new Set([...existing].map(stamp));
      const created = fs.readdirSync(migrationsDir).filter((f) => !stamps.has(stamp(f)));
      // The names the new migrations create or drop: nothing TypeORM still wants may name them.
      const touched = new Set();
      for (const f of created) {
        const text = fs.readFileSync(path.join(migrationsDir, f), "utf8");
        for (const m of text.matchAll(/"((?:IDX|UQ|REL)_[0-9a-zA-Z_]+)"/g)) touched.add(m[1]);
      }
      const after = step(["up", "0", copy, JSON.stringify(db), created.join(",")]);
      const stillWanted = after.pending.filter((q) => [...touched].some((n) => q.includes(n)));
      const newDiff = after.pending.filter((q) => !before.pending.includes(q));
      const down = step(["down", String(after.ran.length), copy, JSON.stringify(db), created.join(",")]);
      const schemaReverted = await snapshot(db);
      const notRestored = schemaBefore
        .filter((d) => !schemaReverted.includes(d))
        .concat(schemaReverted.filter((d) => !schemaBefore.includes(d)));
      return {
        pendingBefore: before.pending,
        created: created.length,
        ran: after.ran.length,
        touched: [...touched],
        stillWanted,
        newDiff,
        reverted: down.reverted,
        notRestored,
      };
    });
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
