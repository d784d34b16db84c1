// A throw-away PostgreSQL cluster: `initdb` in a temporary folder, listening only on a
// Unix socket in that folder, removed afterwards. PostgreSQL refuses to run as root, so as
// root the cluster runs as the `postgres` user of Debian's package (`runuser`).
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

function findBin(name) {
  const dirs = (process.env.PATH || "").split(":");
  const debian = "/usr/lib/postgresql";
  if (fs.existsSync(debian)) {
    for (const v of fs.readdirSync(debian).sort().reverse()) dirs.push(path.join(debian, v, "bin"));
  }
  for (const d of dirs) {
    const f = path.join(d, name);
    if (fs.existsSync(f)) return f;
  }
  return null;
}

/** Why PostgreSQL cannot run here, or null when it can. */
function unavailable() {
  if (!findBin("initdb") || !findBin("pg_ctl")) return "initdb/pg_ctl not found (apt-get install postgresql)";
  if (process.getuid && process.getuid() === 0) {
    try {
      execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    } catch (_) {
      return "running as root and there is no `postgres` user to run the cluster as";
    }
  }
  return null;
}

async function withCluster(fn) {
  const initdb = findBin("initdb");
  const pgCtl = findBin("pg_ctl");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "typeorm-lsp-pg-"));
  const asRoot = process.getuid && process.getuid() === 0;
  const run = (bin, args) => {
    const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
    execFileSync(cmd, argv, { stdio: ["ignore", "ignore", "pipe"] });
  };
  if (asRoot) execFileSync("chown", ["postgres", dir]);
  const data = path.join(dir, "data");
  try {
    run(initdb, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
    const opts = `-k ${dir} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off`;
    run(pgCtl, ["-D", data, "-o", opts, "-l", path.join(dir, "log"), "-w", "start"]);
    try {
      return await fn({ host: dir, port: 5432, username: "postgres" });
    } finally {
      run(pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { withCluster, unavailable };
