#!/usr/bin/env node
// The `typeorm-lsp` command of the npm package: finds the native binary that npm installed
// as the optional dependency for this platform (`@typeorm-lsp/linux-x64`, ...) and runs it
// with the same arguments and stdio, so `npx typeorm-lsp check` and editors (LSP over
// stdio) work as with the binary itself. The pattern of esbuild, biome and oxlint.
'use strict';

const { spawnSync } = require('node:child_process');

const PACKAGES = {
  'linux x64': '@typeorm-lsp/linux-x64',
  'linux arm64': '@typeorm-lsp/linux-arm64',
  'darwin x64': '@typeorm-lsp/darwin-x64',
  'darwin arm64': '@typeorm-lsp/darwin-arm64',
  'win32 x64': '@typeorm-lsp/win32-x64',
};

function fail(message) {
  process.stderr.write(`typeorm-lsp: ${message}\n`);
  process.exit(2);
}

function binaryPath() {
  // An explicit binary wins (a local build, or a platform without a package).
  if (process.env.TYPEORM_LSP_BINARY) {
    return process.env.TYPEORM_LSP_BINARY;
  }
  const platform = `${process.platform} ${process.arch}`;
  const pkg = PACKAGES[platform];
  if (!pkg) {
    fail(
      `no prebuilt binary for ${platform}. Build it with \`cargo install --git ` +
        'https://github.com/typeorm-lsp/typeorm-lsp typeorm-lsp` and set TYPEORM_LSP_BINARY to its path.',
    );
  }
  const exe = process.platform === 'win32' ? 'typeorm-lsp.exe' : 'typeorm-lsp';
  try {
    return require.resolve(`${pkg}/bin/${exe}`);
  } catch {
    return fail(
      `the package ${pkg}, which holds the binary for ${platform}, is not installed. ` +
        'It is an optional dependency of typeorm-lsp: install without --omit=optional ' +
        '(or --no-optional), or reinstall after deleting node_modules and the lockfile.',
    );
  }
}

const result = spawnSync(binaryPath(), process.argv.slice(2), { stdio: 'inherit' });
if (result.error) {
  fail(`cannot run ${result.error.path || 'the binary'}: ${result.error.message}`);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 1 : result.status);
