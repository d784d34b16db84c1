#!/usr/bin/env node
// `node tests/typeorm/explain.js BIN WORKSPACE SITES_JSON`: PostgreSQL judges IDX002 and
// IDX004. TypeORM builds the workspace's schema on a scratch database of a throw-away
// cluster (`synchronize`), every table gets rows of distinct values and ANALYZE (as in
// idx001.js), and:
//   - IDX002: each query site of SITES_JSON (written by server/tests/postgres.rs: the SQL
//     the site makes TypeORM send, `$?` for each parameter, and the rule's verdict) is
//     planned as a generic plan (PREPARE + EXPLAIN EXECUTE with NULLs, plan_cache_mode =
//     force_generic_plan). A flagged site ("no index serves") must plan a sequential scan of
//     its table, an unflagged one an index (or bitmap index) scan.
//   - IDX004: for each finding of `BIN check` (an index whose columns lead another index),
//     the equality lookup on the redundant index's columns is planned, the redundant index
//     dropped (in a transaction, rolled back) and the lookup planned again: the remaining
//     index must still serve it.
// Prints a JSON summary; `skipped` says why when PostgreSQL cannot run here.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { unavailable } = require("./cluster");
const { withPlannedDatabase } = require("./idx001");

function findings(bin, workspace, code) {
  let out;
  try {
    out = execFileSync(bin, ["check", workspace, "--format", "json", "--select", code], {
      encoding: "utf8",
      maxBuffer: 256 << 20,
    });
  } catch (e) {
    out = e.stdout; // exit 1: error findings
  }
  return JSON.parse(out).filter((f) => f.code === code);
}

// "Index on `order` (status) is redundant: the index on (status, placedAt) starts ..."
function redundantIndexOf(f) {
  const m = /on `([^`]+)` \(([^)]+)\) is redundant: the index on \(([^)]+)\)/.exec(f.message);
  if (!m) return null;
  return { table: m[1], columns: m[2].split(/,\s*/), covering: m[3].split(/,\s*/) };
}

function numbered(sql) {
  let n = 0;
  const text = sql.replace(/\$\?/g, () => `$${++n}`);
  return { text, params: n };
}

async function plan(runner, sql) {
  const { text, params } = numbered(sql);
  await runner.query(`PREPARE q AS ${text}`);
  try {
    const args = params ? `(${Array(params).fill("NULL").join(", ")})` : "";
    const rows = await runner.query(`EXPLAIN EXECUTE q${args}`);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  } finally {
    await runner.query("DEALLOCATE q");
  }
}

// How the plan reads `table`: "seq scan", "index scan" (naming the index) or null.
function access(planText, table) {
  const t = table.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const index = new RegExp(`(?:Index Scan|Index Only Scan)(?: Backward)? using "?([^" ]+)"? on "?${t}"?\\b`).exec(planText);
  const bitmap = /Bitmap Index Scan on "?([^" \n]+)"?/.exec(planText);
  const seq = new RegExp(`Seq Scan on "?${t}"?\\b`).test(planText);
  if (seq) return { scan: "seq scan" };
  if (index) return { scan: "index scan", index: index[1] };
  if (bitmap) return { scan: "index scan", index: bitmap[1] };
  return { scan: null };
}

async function main() {
  const [bin, workspace, sitesFile] = process.argv.slice(2).map((a) => path.resolve(a));
  const why = unavailable();
  if (why) {
    process.stdout.write(JSON.stringify({ skipped: why }) + "\n");
    return;
  }
  const sites = JSON.parse(fs.readFileSync(sitesFile, "utf8"));
  const redundant = findings(bin, workspace, "IDX004").map((f) => ({ finding: f.message, ...redundantIndexOf(f) }));
  const result = await withPlannedDatabase(workspace, async (_ds, runner) => {
    const idx002 = [];
    const built = new Set(
      (await runner.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).map((t) => t.tablename)
    );
    for (const s of sites) {
      const v = { ...s, postgres: null };
      if (s.table && !built.has(s.table)) {
        // An entity TypeORM refuses (schema.js leaves it out) has no table to plan on.
        v.skipped = "no table: TypeORM refused the entity";
      } else if (s.sql && s.table) {
        try {
          const text = await plan(runner, s.sql);
          v.postgres = access(text, s.table).scan;
          v.plan = text;
        } catch (e) {
          v.error = String(e && e.message);
        }
      }
      idx002.push(v);
    }
    const idx004 = [];
    for (const r of redundant) {
      const v = { ...r };
      if (!r.table) {
        v.error = "message not understood";
        idx004.push(v);
        continue;
      }
      const [idx] = await runner.query(
        `SELECT indexrelid::regclass::text AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         WHERE c.relname = $1 AND c.relnamespace = 'public'::regnamespace AND i.indpred IS NULL
           AND (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) = $2::text[]`,
        [r.table, r.columns]
      );
      if (!idx) {
        v.error = "no such index in the database TypeORM built";
        idx004.push(v);
        continue;
      }
      v.index = idx.name.replace(/"/g, "");
      const lookup =
        `SELECT * FROM "${r.table}" WHERE ` + r.columns.map((c) => `"${c}" = $?`).join(" AND ");
      v.before = access(await plan(runner, lookup), r.table);
      await runner.query("BEGIN");
      try {
        await runner.query(`DROP INDEX ${idx.name}`);
        const text = await plan(runner, lookup);
        v.after = access(text, r.table);
        v.plan = text;
      } finally {
        await runner.query("ROLLBACK");
      }
      idx004.push(v);
    }
    return { idx002, idx004 };
  });
  process.stdout.write(JSON.stringify(result, null, 2) + "\n");
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
