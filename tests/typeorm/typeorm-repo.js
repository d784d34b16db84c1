#!/usr/bin/env node
// `node tests/typeorm/typeorm-repo.js BIN TYPEORM_CHECKOUT [--json] [--filter TEXT]`: the
// differential test on TypeORM's own repository, whose tests declare thousands of
// same-named entities for many databases and so cannot be one workspace. Each entity
// folder of its tests (`test/**/entity`, `test/**/entities`) is compared as its own small
// workspace: `BIN schema FOLDER` against real TypeORM on the same files (their imports of
// the repository's `src/` are the harness's TypeORM). What TypeORM refuses for postgres
// (MySQL-only types, ...) is left out as in compare.js; a folder TypeORM cannot build at
// all is listed under `notRun`. Prints the agreement rate and every difference.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

function entityFolders(dir, out) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!ent.isDirectory() || ent.name === "node_modules") continue;
    const sub = path.join(dir, ent.name);
    if (ent.name === "entity" || ent.name === "entities") out.push(sub);
    else entityFolders(sub, out);
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const asJson = args.includes("--json");
  const filter = args.includes("--filter") ? args[args.indexOf("--filter") + 1] : null;
  const [bin, checkout] = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--filter").map((a) => path.resolve(a));
  // Each folder is copied to the same depth under a scratch folder whose `src` is the
  // checkout's, with a `typeorm-lsp.json` marking it as a workspace root (the checkout
  // itself is never written to): `schema` would otherwise take the whole repository.
  const scratch = fs.mkdtempSync(path.join(require("os").tmpdir(), "typeorm-lsp-repo-"));
  fs.symlinkSync(path.join(checkout, "src"), path.join(scratch, "src"));
  process.env.TYPEORM_LSP_TYPEORM_SRC = path.join(scratch, "src");
  for (const k of ["log", "info", "debug", "warn"]) console[k] = () => {};
  const { schemaOf } = require("./schema");
  const { compareSchemas } = require("./compare");
  const folders = entityFolders(path.join(checkout, "test"), []).filter((f) => !filter || f.includes(filter)).sort();
  const total = { folders: folders.length, equal: 0, explainedTables: 0, counted: 0, differences: [], explained: [], stale: [], notRun: [], skippedTables: 0, failedFiles: [] };
  try {
    for (const original of folders) {
      const rel = path.relative(checkout, original);
      const folder = path.join(scratch, rel);
      // The test's folder comes along (entities import `../transformer`, `../model`), but
      // the workspace is the entity folder alone.
      const parent = path.dirname(original);
      const copied = fs.readdirSync(parent).length <= 50 ? parent : original;
      const copy = path.join(scratch, path.relative(checkout, copied));
      fs.cpSync(copied, copy, { recursive: true });
      fs.writeFileSync(path.join(folder, "typeorm-lsp.json"), "{}\n");
      try {
        await compareFolder(bin, folder, rel, total, schemaOf, compareSchemas);
      } finally {
        fs.rmSync(copy, { recursive: true, force: true });
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  report(total, asJson);
}

async function compareFolder(bin, folder, rel, total, schemaOf, compareSchemas) {
  {
    // A fresh decorator storage and module cache per folder: the next folder's `Post` is
    // another class.
    delete global.typeormMetadataArgsStorage;
    for (const k of Object.keys(require.cache)) if (k.endsWith(".ts")) delete require.cache[k];
    let theirs;
    try {
      theirs = await schemaOf(folder);
    } catch (e) {
      total.notRun.push({ folder: rel, error: String(e && e.message).split("\n")[0] });
      return;
    }
    let ours;
    try {
      ours = JSON.parse(execFileSync(bin, ["schema", folder, "--format", "json"], { encoding: "utf8", maxBuffer: 64 << 20 }));
    } catch (e) {
      total.notRun.push({ folder: rel, error: "typeorm-lsp: " + String(e && e.message).split("\n")[0] });
      return;
    }
    // exceptions.json names a folder's explained differences under `typeorm/FOLDER`.
    const r = compareSchemas(ours, theirs, rel, `typeorm/${rel}`);
    for (const f of r.failed || []) total.failedFiles.push(`${rel}/${f.file}: ${f.error}`);
    total.equal += r.equal;
    total.explainedTables += r.explainedTables;
    for (const d of r.explained) total.explained.push(`${rel}: ${d}`);
    for (const d of r.stale) total.stale.push(`${rel}: ${d}`);
    total.counted += r.counted;
    total.skippedTables += r.skipped.length;
    for (const d of r.differences) total.differences.push(`${rel}: ${d}`);
  }
}

function report(total, asJson) {
  if (asJson) {
    process.stdout.write(JSON.stringify(total, null, 2) + "\n");
    return;
  }
  process.stdout.write(
    `typeorm: ${total.equal}/${total.counted} tables equal to TypeORM's in ${total.folders} entity folders ` +
      `(${total.skippedTables} tables of entities TypeORM refuses for postgres not counted; ${total.notRun.length} folders not run; ` +
      `${total.failedFiles.length} files TypeORM could not load)\n`
  );
  if (total.explainedTables) process.stdout.write(`  ${total.equal + total.explainedTables}/${total.counted} but for explained exceptions\n`);
  for (const d of total.differences) process.stdout.write("  " + d + "\n");
  for (const d of total.explained) process.stdout.write("  explained: " + d + "\n");
  for (const d of total.stale) process.stdout.write("  stale exception (matches nothing): " + d + "\n");
  for (const n of total.notRun) process.stdout.write(`  not run: ${n.folder}: ${n.error}\n`);
}

main().catch((e) => {
  process.stderr.write((e && e.stack) || String(e));
  process.exit(1);
});
