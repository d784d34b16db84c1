#!/usr/bin/env node
// `node tests/typeorm/compare.js BIN WORKSPACE...`: runs `BIN schema WORKSPACE --format
// json` and real TypeORM (schema.js) on each workspace and compares them table by table.
// Prints every difference and the agreement rate; `--json` prints a summary object instead.
// Tables whose entity TypeORM refused in part (a relation to a non-entity, see
// `excluded`) are listed but not counted. Differences no static reading can remove (a
// default computed when the module loads, a value from an npm package the harness stubs)
// are listed in exceptions.json, each with its reason: they are printed as explained, a
// table whose every difference is explained counts as "equal but for explained
// exceptions", and an exception that no longer matches is reported as stale.
"use strict";
const { execFileSync } = require("child_process");
const path = require("path");

function run(cmd, args) {
  return JSON.parse(execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 256 << 20, stdio: ["ignore", "pipe", "pipe"] }));
}

function diff(a, b, at, out) {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diff(a[k], b[k], `${at}.${k}`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.every((x) => x && x.name) && b.every((x) => x && x.name)) {
    const names = new Set([...a.map((x) => x.name), ...b.map((x) => x.name)]);
    for (const n of names) diff(a.find((x) => x.name === n), b.find((x) => x.name === n), `${at}[${n}]`, out);
    return;
  }
  out.push({ at, text: `${at}: typeorm-lsp ${JSON.stringify(a)} / TypeORM ${JSON.stringify(b)}` });
}

const EXCEPTIONS = require("./exceptions.json");


// The exception explaining the difference at `at` (its path, or a path it lies under).
function exceptionFor(list, at) {
  return list.find((e) => at === e.path || at.startsWith(e.path + ".") || at.startsWith(e.path + "["));
}

function compare(bin, workspace) {
  const ours = run(bin, ["schema", workspace, "--format", "json"]);
  const theirs = run(process.execPath, [path.join(__dirname, "schema.js"), workspace]);
  return compareSchemas(ours, theirs, workspace);
}

// `ours` (typeorm-lsp schema) against `theirs` (schema.js), table by table.
// `exceptionsKey` names the codebase in exceptions.json (the workspace folder's name).
function compareSchemas(ours, theirs, workspace, exceptionsKey = path.basename(workspace)) {
  const refused = new Set(theirs.excluded.map((e) => e.entity));
  const tables = new Set([...ours.tables.map((t) => t.name), ...theirs.tables.map((t) => t.name)]);
  const exceptions = EXCEPTIONS[exceptionsKey] || [];
  const used = new Set();
  const result = {
    workspace,
    equal: 0,
    explainedTables: 0,
    counted: 0,
    differences: [],
    explained: [],
    stale: [],
    skipped: [],
    excluded: theirs.excluded,
    failed: theirs.failed,
    stubbed: theirs.stubbed || [],
  };
  for (const name of [...tables].sort()) {
    const a = ours.tables.find((t) => t.name === name);
    // Several entities on one table (veramo's `Key` and `PreMigrationKey` on `key`): the
    // model has one table, TypeORM one metadata per entity; the one of the same entity is
    // compared, else TypeORM's first.
    const candidates = theirs.tables.filter((t) => t.name === name);
    const b = (a && candidates.find((t) => t.entity === a.entity)) || candidates[0];
    const entity = (a && a.entity) || (b && b.entity);
    const refusedTables = new Set(ours.tables.filter((t) => refused.has(t.entity)).map((t) => t.name));
    const junctionOfRefused =
      !entity && !b && a.foreignKeys.some((fk) => refusedTables.has(fk.referencedTable));
    // A single-table family TypeORM refused a child of ("the same discriminator values"):
    // the table is TypeORM's without that child, ours with it.
    const familyOfRefused = !!(a && a.discriminator && Object.keys(a.discriminator.values).some((n) => refused.has(n)));
    if ((entity && refused.has(entity)) || junctionOfRefused || familyOfRefused) {
      result.skipped.push(name);
      continue;
    }
    const out = [];
    diff(a, b, name, out);
    result.counted++;
    if (out.length === 0) {
      result.equal++;
      continue;
    }
    let unexplained = 0;
    for (const d of out) {
      const e = exceptionFor(exceptions, d.at);
      if (e) {
        used.add(e);
        result.explained.push(`${d.at}: ${e.reason}`);
      } else {
        unexplained++;
        result.differences.push(d.text);
      }
    }
    if (unexplained === 0) result.explainedTables++;
  }
  result.stale = exceptions.filter((e) => !used.has(e) && tables.has(e.path.split(/[.[]/)[0])).map((e) => e.path);
  return result;
}

if (require.main === module) {
  const args = process.argv.slice(2).filter((a) => a !== "--json");
  const asJson = process.argv.includes("--json");
  const [bin, ...workspaces] = args;
  const results = workspaces.map((w) => compare(path.resolve(bin), path.resolve(w)));
  if (asJson) {
    process.stdout.write(JSON.stringify(results, null, 2) + "\n");
  } else {
    for (const r of results) {
      console.log(`${r.workspace}: ${r.equal}/${r.counted} tables equal to TypeORM's` +
        (r.explainedTables ? `, ${r.equal + r.explainedTables}/${r.counted} but for explained exceptions` : "") +
        (r.skipped.length ? ` (not counted, TypeORM refused part of: ${r.skipped.join(", ")})` : ""));
      for (const d of r.differences) console.log("  " + d);
      for (const d of r.explained) console.log("  explained: " + d);
      for (const s of r.stale) console.log("  stale exception (matches nothing): " + s);
      for (const f of r.stubbed) console.log(`  stubbed by the harness (threw at load): ${f.file}: ${f.error}`);
      for (const f of r.failed || []) console.log(`  TypeORM could not load: ${f.file}: ${f.error}`);
    }
  }
}

module.exports = { compare, compareSchemas };
