#!/usr/bin/env node
// `node tests/typeorm/fix-migrations.js BIN WORKSPACE`: the migrations that
// `check --fix --with-migrations` writes, run on a real database by TypeORM.
// On a copy of the workspace in a throw-away PostgreSQL cluster:
//   1. build the database from the workspace's own migrations with TypeORM's runner
//      (`own`); TypeORM must then have nothing left to generate (`pendingBefore`);
//   2. `BIN check COPY --fix --with-migrations`;
//   3. run the new migrations (CONCURRENTLY ones outside a transaction), then ask TypeORM
//      what `migration:generate` would still emit: nothing may name an index or table
//      constraint the new migrations create or drop (`stillWanted`). What else is new
//      (`newDiff`) comes from fixes that write no migration (REL003's `@JoinTable`,
//      ENT001's base class): each such statement must name a table whose
//      `BIN schema` changed with the fixes and that no new migration touches
//      (`unexplained` lists those that do not), so the model foresaw what TypeORM wants;
//   4. revert the new migrations with `down()`: the indexes and constraints are back to
//      those of step 1;
//   5. revert the workspace's last own migration (the shop's `align-with-entities`, as
//      `migration:generate` wrote it) with its own `down()`: the schema is back to the one
//      before it ran (`ownNotRestored`), but for the multi-column indexes TypeORM's
//      generated down() re-creates with their columns in table order
//      (`ownIndexColumnsReordered`).
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
  // TypeORM logs a failed migration on stdout; the step's result is its last line.
  return JSON.parse(out.trim().split("\n").pop());
}

async function snapshot(conn) {
  const { Client } = require("pg");
  const c = new Client({ host: conn.host, port: conn.port, user: conn.username, database: conn.database });
  await c.connect();
  const idx = await c.query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexdef");
  const cols = await c.query(
    "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS d " +
      "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1"
  );
  const views = await c.query("SELECT 'view ' || viewname AS d FROM pg_views WHERE schemaname = 'public' ORDER BY 1");
  const types = await c.query(
    "SELECT 'type ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS d FROM pg_type t " +
      "JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname ORDER BY 1"
  );
  const con = await c.query(
    "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint " +
      "WHERE connamespace = 'public'::regnamespace ORDER BY 1"
  );
  await c.end();
  // The runner's own `migrations` table is not the schema under test.
  return [...idx.rows.map((r) => r.indexdef), ...[con, cols, views, types].flatMap((q) => q.rows.map((r) => r.d))].filter(
    (d) => !/ON public\.migrations |^migrations[ .]/.test(d)
  );
}

// `BIN schema DIR --format json`: table name -> (item name -> JSON), items being the table's
// columns, foreign keys, indices and unique constraints.
function tablesOf(bin, dir) {
  const out = execFileSync(bin, ["schema", dir, "--format", "json"], { encoding: "utf8", maxBuffer: 64 << 20 });
  const tables = new Map();
  for (const t of JSON.parse(out).tables) {
    const items = new Map();
    for (const key of ["columns", "foreignKeys", "indices", "uniques"]) {
      for (const i of t[key] || []) items.set(i.name, JSON.stringify(i));
    }
    tables.set(t.name, items);
  }
  return tables;
}

// Items added, removed or changed between two `tablesOf`; a whole new or dropped table is
// one item named after the table.
function changedItems(after, before) {
  const out = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const a = after.get(table);
    const b = before.get(table);
    if (!a || !b) {
      out.push({ table, name: table });
      continue;
    }
    for (const name of new Set([...a.keys(), ...b.keys()])) {
      if (a.get(name) !== b.get(name)) out.push({ table, name });
    }
  }
  return out;
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
      const migrationsDir = path.join(copy, "src/migrations");
      const existing = new Set(fs.readdirSync(migrationsDir));
      // The schema before the last own migration, to check that migration's own down().
      const lastOwn = [...existing].sort().pop();
      const first = step(["own", "0", copy, JSON.stringify(db), [...existing].filter((f) => f !== lastOwn).join(",")]);
      const schemaBeforeLastOwn = await snapshot(db);
      const before = step(["own", "0", copy, JSON.stringify(db), [...existing].join(",")]);
      const schemaBefore = await snapshot(db);
      const modelBefore = tablesOf(bin, copy);
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
      // What `schema` says the fixes changed (columns, keys, indexes, whole tables) that no
      // new migration creates or drops: TypeORM's new statements must be exactly these.
      const changed = changedItems(tablesOf(bin, copy), modelBefore).filter((i) => !touched.has(i.name));
      // A one-to-one's unique constraint is `REL_<hash>` in a CREATE TABLE but `UQ_<hash>`
      // (same hash, one character longer) when TypeORM adds the column to an existing table
      // (PostgresQueryRunner.addColumn names it with uniqueConstraintName).
      const mentions = (q, i) =>
        q.includes(`"${i.table}"`) &&
        (q.includes(`"${i.name}"`) || (i.name.startsWith("REL_") && q.includes(`"UQ_${i.name.slice(4)}`)));
      const unexplained = newDiff.filter((q) => !changed.some((i) => mentions(q, i)));
      const unforeseen = changed.filter((i) => !newDiff.some((q) => mentions(q, i)));
      const down = step(["down", String(after.ran.length), copy, JSON.stringify(db), created.join(",")]);
      const schemaReverted = await snapshot(db);
      const difference = (a, b) => a.filter((d) => !b.includes(d)).concat(b.filter((d) => !a.includes(d)));
      const notRestored = difference(schemaBefore, schemaReverted);
      const ownDown = step(["down", "1", copy, JSON.stringify(db), [...existing].join(",")]);
      const ownDiff = difference(schemaBeforeLastOwn, await snapshot(db));
      // `migration:generate` writes a dropped index's re-creation in down() from the index
      // TypeORM reads back from PostgreSQL, whose columns it lists in table order, not the
      // index's: a multi-column index comes back with its columns reordered (TypeORM 0.3.31).
      // Such pairs are reported apart; anything else is a failure to restore.
      const sameButOrder = (d) => {
        const m = /^(CREATE (?:UNIQUE )?INDEX \S+ ON \S+ USING \w+ )\(([^)]*)\)(.*)$/.exec(d);
        return m ? m[1] + m[2].split(", ").sort().join(", ") + m[3] : d;
      };
      const reordered = ownDiff.filter((d) => ownDiff.some((o) => o !== d && sameButOrder(o) === sameButOrder(d)));
      const ownNotRestored = ownDiff.filter((d) => !reordered.includes(d));
      return {
        ownRan: before.ran.length,
        ownFailedInTransaction: first.failedInTransaction || before.failedInTransaction || null,
        pendingBefore: before.pending,
        created: created.length,
        ran: after.ran.length,
        touched: [...touched],
        stillWanted,
        newDiff,
        changedWithoutMigration: changed,
        unexplained,
        unforeseen,
        reverted: down.reverted,
        revertFailedInTransaction: down.failedInTransaction,
        notRestored,
        ownReverted: ownDown.reverted ? lastOwn : null,
        ownNotRestored,
        ownIndexColumnsReordered: reordered.filter((d) => schemaBeforeLastOwn.includes(d)),
      };
    });
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

module.exports = { step, tablesOf, changedItems };

if (require.main === module) {
  main().catch((e) => {
    console.error(e && e.stack ? e.stack : String(e));
    process.exit(1);
  });
}
