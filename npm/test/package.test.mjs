// The npm distribution as a user meets it: the launcher package and the linux-x64
// platform package (built from the server binary by npm/scripts/build-platform.mjs) are
// packed with `npm pack`, installed into a fresh project from the tarballs only
// (`--offline`: the other platforms' optional packages are skipped), and
// `npx typeorm-lsp check` runs on a fixture with the binary's output and exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const targetDir = path.resolve(repo, process.env.CARGO_TARGET_DIR || 'target');
const bin = process.env.TYPEORM_LSP_BIN || path.join(targetDir, 'debug', 'typeorm-lsp');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/// The tarball `npm pack` wrote (its last line of output) into `dest`.
function pack(dir, dest) {
  const out = run(npm, ['pack', '--silent', '--pack-destination', dest], dir).trim().split('\n');
  return path.join(dest, out[out.length - 1]);
}

test('launcher version matches the crate', () => {
  const launcher = JSON.parse(fs.readFileSync(path.join(repo, 'npm/typeorm-lsp/package.json'), 'utf8'));
  const cargo = fs.readFileSync(path.join(repo, 'server/Cargo.toml'), 'utf8');
  assert.match(cargo, new RegExp(`^version = "${launcher.version.replace(/\./g, '\\.')}"$`, 'm'));
  for (const [name, version] of Object.entries(launcher.optionalDependencies)) {
    assert.equal(version, launcher.version, name);
  }
});

test(
  'npx typeorm-lsp check runs the native binary from the installed packages',
  { skip: process.platform !== 'linux' || process.arch !== 'x64' ? 'linux-x64 only' : false },
  () => {
    assert.ok(fs.existsSync(bin), `no server binary at ${bin} (cargo build first)`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'typeorm-lsp-npm-'));
    try {
      const dist = path.join(tmp, 'dist');
      run(process.execPath, [
        path.join(repo, 'npm/scripts/build-platform.mjs'),
        '--target', 'linux-x64', '--binary', bin, '--out', dist,
      ]);
      const launcherTgz = pack(path.join(repo, 'npm/typeorm-lsp'), tmp);
      const platformTgz = pack(path.join(dist, 'linux-x64'), tmp);

      const project = path.join(tmp, 'project');
      fs.mkdirSync(project);
      fs.writeFileSync(
        path.join(project, 'package.json'),
        JSON.stringify({ name: 'app', version: '1.0.0', private: true }),
      );
      run(npm, [
        'install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts',
        '--cache', path.join(tmp, 'npm-cache'), platformTgz, launcherTgz,
      ], project);
      const installed = path.join(project, 'node_modules/@typeorm-lsp/linux-x64/bin/typeorm-lsp');
      assert.ok(fs.statSync(installed).mode & 0o111, 'the binary is executable');

      const npx = (args, cwd) =>
        spawnSync(npm, ['exec', '--offline', '--no', '--', 'typeorm-lsp', ...args], {
          cwd,
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1', npm_config_cache: path.join(tmp, 'npm-cache') },
        });
      const version = npx(['--version'], project);
      assert.equal(version.status, 0, version.stderr);
      assert.match(version.stdout, /^typeorm-lsp \d+\.\d+\.\d+/);

      // A project of the user's: one entity without the managed base (ENT001, an error).
      const src = path.join(project, 'src');
      fs.mkdirSync(path.join(src, 'common'), { recursive: true });
      fs.copyFileSync(
        path.join(repo, 'fixtures/suppressions/src/common/managed-entity.ts'),
        path.join(src, 'common/managed-entity.ts'),
      );
      fs.writeFileSync(
        path.join(src, 'plain.entity.ts'),
        "import { Entity, Column } from 'typeorm';\n\n@Entity()\nexport class Plain {\n  @Column()\n  name: string;\n}\n",
      );
      const check = npx(['check', '--format', 'json'], project);
      assert.equal(check.status, 1, check.stderr);
      const findings = JSON.parse(check.stdout);
      assert.deepEqual(
        findings.map((f) => [f.code, f.path, f.location.line]),
        [['ENT001', 'src/plain.entity.ts', 4]],
      );
      const clean = npx(['check', path.join(repo, 'fixtures/clean')], project);
      assert.equal(clean.status, 0, clean.stderr);
      assert.match(clean.stdout, /No findings\./);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);
