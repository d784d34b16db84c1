#!/usr/bin/env node
// Builds the npm package of one platform from a release binary:
//   node npm/scripts/build-platform.mjs --target linux-x64 --binary target/release/typeorm-lsp --out npm/dist
// writes <out>/linux-x64/ (package.json named @typeorm-lsp/linux-x64 with `os` and `cpu`,
// bin/typeorm-lsp, README.md), ready for `npm pack` or `npm publish`. The version is the
// launcher's (npm/typeorm-lsp/package.json), which must equal the crate's. The copied
// binary is stripped of debug info when `strip` is on PATH and the target is this machine's
// platform (a fifth of the size to download); `--no-strip` keeps it whole.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const npmDir = path.resolve(here, '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  if (fallback !== undefined) return fallback;
  console.error(`missing --${name}`);
  process.exit(2);
}

const target = arg('target');
const platforms = JSON.parse(fs.readFileSync(path.join(npmDir, 'platforms.json'), 'utf8'));
const platform = platforms[target];
if (!platform) {
  console.error(`unknown target ${target}; one of ${Object.keys(platforms).join(', ')}`);
  process.exit(2);
}
const binary = path.resolve(arg('binary', path.join(npmDir, '..', 'target', 'release', platform.exe)));
if (!fs.existsSync(binary)) {
  console.error(`no binary at ${binary}; run \`cargo build --release\` first`);
  process.exit(2);
}
const launcher = JSON.parse(fs.readFileSync(path.join(npmDir, 'typeorm-lsp', 'package.json'), 'utf8'));
const name = `@typeorm-lsp/${target}`;
if (launcher.optionalDependencies?.[name] !== launcher.version) {
  console.error(`npm/typeorm-lsp/package.json must list ${name}@${launcher.version} as an optional dependency`);
  process.exit(2);
}

const out = path.join(path.resolve(arg('out', path.join(npmDir, 'dist'))), target);
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'bin'), { recursive: true });
fs.copyFileSync(binary, path.join(out, 'bin', platform.exe));
fs.chmodSync(path.join(out, 'bin', platform.exe), 0o755);
const native = platform.os === process.platform && platform.cpu === process.arch;
if (native && !process.argv.includes('--no-strip') && process.platform !== 'win32') {
  // Best effort: without `strip` the package is just larger.
  spawnSync('strip', [path.join(out, 'bin', platform.exe)], { stdio: 'ignore' });
}
const pkg = {
  name,
  version: launcher.version,
  description: `The ${target} binary of typeorm-lsp (installed by the typeorm-lsp package).`,
  license: launcher.license,
  repository: launcher.repository,
  os: [platform.os],
  cpu: [platform.cpu],
  files: ['bin', 'README.md'],
  preferUnplugged: true,
};
fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
fs.writeFileSync(
  path.join(out, 'README.md'),
  `# ${name}\n\nThe \`typeorm-lsp\` binary for ${platform.os} ${platform.cpu} (${platform.rustTarget}).\n` +
    'Install the `typeorm-lsp` package instead: it picks this one for your platform.\n',
);
console.log(out);
