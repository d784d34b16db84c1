#!/usr/bin/env node
// `node tests/typeorm/idx001.js BIN WORKSPACE`: PostgreSQL judges every IDX001 verdict.
// TypeORM builds the workspace's schema on a scratch database of a throw-away cluster
// (`synchronize`: it builds the schema under test, not production). Then, for every foreign
// key, the lookup PostgreSQL runs for `ON DELETE` / `ON UPDATE` on the referenced row is
// planned as a generic plan:
//   SET plan_cache_mode = force_generic_plan;
//   PREPARE q AS SELECT 1 FROM ONLY "t" WHERE "fk" = $1 FOR KEY SHARE;
//   EXPLAIN EXECUTE q(NULL);
// after every table got ROWS rows of distinct values (foreign-key triggers off while
// filling) and ANALYZE, so the planner prefers an index whenever one serves the lookup.
// A sequential scan must match an IDX001 finding on that key, an index scan none.
// Prints a JSON summary; `skipped` says why when PostgreSQL cannot run here.
"use strict";
const { execFileSync } = require("child_process");
const path = require("path");
const { withCluster, unavailable } = require("./cluster");

function flaggedKeys(bin, workspace) {
  let out;
  try {
    out = execFileSync(bin, ["check", workspace, "--format", "json"], { encoding: "utf8", maxBuffer: 256 << 20 });
  } catch (e) {
    out = e.stdout; // exit 1: error findings
  }
  const keys = new Set();
  for (const f of JSON.parse(out)) {
    if (f.code !== "IDX001") continue;
    const m = /\(([^.()]+)\.([^()]+)\)/.exec(f.message);
    if (m) keys.add(`${m[1]}(${m[2].split(/,\s*/).join(",")})`);
  }
  return keys;
}

const ROWS = 3000;

// One value per row `g` for a column, by its type: distinct where the type allows it.
function valueFor(c) {
  const len = c.character_maximum_length || 32;
  if (c.data_type === "ARRAY") return "'{}'";
  switch (c.data_type) {
    case "uuid":
      return "gen_random_uuid()";
    case "integer":
    case "bigint":
    case "numeric":
    case "real":
    case "double precision":
      return "g";
    case "smallint":
      return "(g % 30000)::smallint";
    case "character varying":
    case "text":
    case "character":
      return `left(md5(g::text), ${Math.min(len, 32)})`;
    case "boolean":
      return "(g % 2 = 0)";
    case "date":
    case "timestamp without time zone":
    case "timestamp with time zone":
      return "now() - g * interval '1 minute'";
    case "json":
    case "jsonb":
      return "'{}'";
    case "inet":
      return "'10.0.0.1'";
    case "tsvector":
      return "''";
    case "USER-DEFINED":
      if (c.typtype !== "e") return c.udt_name === "citext" ? "md5(g::text)" : null;
      return `(enum_range(NULL::"${c.udt_name}"))[1 + g % array_length(enum_range(NULL::"${c.udt_name}"), 1)]`;
    default:
      return null;
  }
}

// Soft-delete columns of the entities: [table, column]. Their rows stay alive (NULL), as in
// production, so partial indexes `WHERE "deleted" IS NULL` hold every row.
function softDeleteColumns(ds) {
  return ds.entityMetadatas
    .filter((m) => m.deleteDateColumn && m.tableType !== "entity-child" && m.tableType !== "view")
    .map((m) => [m.tableName, m.deleteDateColumn.databaseName]);
}

async function fill(runner, alive = []) {
  await runner.query("SET session_replication_role = replica"); // foreign keys off while filling
  const tables = await runner.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
  );
  for (const { table_name } of tables) {
    const cols = await runner.query(
      "SELECT column_name, data_type, udt_name, character_maximum_length, column_default, is_nullable, " +
        "(SELECT typtype FROM pg_type WHERE typname = udt_name LIMIT 1) AS typtype " +
        "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
      [table_name]
    );
    const names = [];
    const values = [];
    let fillable = true;
    for (const c of cols) {
      if (c.column_default !== null && c.data_type !== "USER-DEFINED") continue;
      const v = valueFor(c);
      if (v === null) {
        if (c.is_nullable === "NO") fillable = false;
        continue;
      }
      names.push(`"${c.column_name}"`);
      values.push(v);
    }
    if (!fillable || names.length === 0) continue;
    await runner.query(
      `INSERT INTO "${table_name}" (${names.join(", ")}) SELECT ${values.join(", ")} ` +
        `FROM generate_series(1, ${ROWS}) g ON CONFLICT DO NOTHING`
    );
  }
  for (const [table, column] of alive) await runner.query(`UPDATE "${table}" SET "${column}" = NULL`);
  await runner.query("SET session_replication_role = origin");
  await runner.query("ANALYZE");
}

/**
 * Runs `fn(ds, runner)` on a throw-away cluster whose database TypeORM built
 * (`synchronize`) from the workspace's entities, filled with rows and set to generic
 * plans, the way the foreign-key and query-site checks ask the planner.
 */
async function withPlannedDatabase(workspace, fn) {
  const { buildMetadata } = require("./schema");
  const { entities, namingStrategy } = await buildMetadata(workspace);
  const typeorm = require("typeorm");
  return withCluster(async (conn) => {
    const admin = new typeorm.DataSource({ type: "postgres", ...conn, database: "postgres" });
    await admin.initialize();
    await admin.query("CREATE DATABASE scratch");
    await admin.destroy();
    const ds = new typeorm.DataSource({
      type: "postgres",
      ...conn,
      database: "scratch",
      entities,
      namingStrategy,
      synchronize: true,
      logging: false,
    });
    await ds.initialize();
    const runner = ds.createQueryRunner();
    try {
      await fill(runner, softDeleteColumns(ds));
      await runner.query("SET plan_cache_mode = force_generic_plan");
      return await fn(ds, runner);
    } finally {
      await runner.release();
      await ds.destroy();
    }
  });
}

async function main() {
  const [bin, workspace] = process.argv.slice(2).map((a) => path.resolve(a));
  const why = unavailable();
  if (why) {
    process.stdout.write(JSON.stringify({ skipped: why }) + "\n");
    return;
  }
  const flagged = flaggedKeys(bin, workspace);
  const result = await withPlannedDatabase(workspace, async (ds, runner) => {
    const verdicts = [];
    for (const m of ds.entityMetadatas) {
      if (m.tableType === "junction" || m.tableType === "closure-junction" || m.tableType === "view") continue;
      if (m.tableType === "entity-child") continue;
      for (const fk of m.foreignKeys) {
        const cols = fk.columnNames;
        const where = cols.map((c, i) => `"${c}" = $${i + 1}`).join(" AND ");
        await runner.query(`PREPARE q AS SELECT 1 FROM ONLY "${m.tableName}" WHERE ${where} FOR KEY SHARE`);
        const plan = await runner.query(`EXPLAIN EXECUTE q(${cols.map(() => "NULL").join(", ")})`);
        await runner.query("DEALLOCATE q");
        const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
        const key = `${m.tableName}(${cols.join(",")})`;
        const seqScan = /Seq Scan/.test(text);
        verdicts.push({ key, postgres: seqScan ? "seq scan" : "index scan", idx001: flagged.has(key), plan: text });
      }
    }
    return verdicts;
  });
  const disagreements = result.filter((v) => v.idx001 !== (v.postgres === "seq scan"));
  const unknown = [...flagged].filter((k) => !result.some((v) => v.key === k));
  process.stdout.write(
    JSON.stringify({ checked: result.length, flagged: flagged.size, disagreements, unknown, verdicts: result }, null, 2) + "\n"
  );
}

module.exports = { fill, softDeleteColumns, withPlannedDatabase };

if (require.main === module) {
  main().catch((e) => {
    console.error(e && e.stack ? e.stack : String(e));
    process.exit(1);
  });
}
