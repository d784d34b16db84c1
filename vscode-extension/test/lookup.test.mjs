// Where the extension finds the server (src/serverPath.ts, compiled to out/ by
// `npm run compile`): the setting, then the bundled binary, then PATH; a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { findServer, bundledPath, pathCandidates } from '../out/serverPath.js';

function env(executables, overrides = {}) {
  return {
    platform: 'linux',
    arch: 'x64',
    extensionPath: '/ext',
    pathEnv: '/usr/local/bin:/usr/bin',
    workspaceFolder: '/work/app',
    home: '/home/me',
    isExecutable: (file) => executables.includes(file),
    ...overrides,
  };
}

test('the setting wins over the bundled binary and PATH', () => {
  const all = ['/opt/typeorm-lsp', '/ext/server/linux-x64/typeorm-lsp', '/usr/bin/typeorm-lsp'];
  assert.deepEqual(findServer('/opt/typeorm-lsp', env(all)), { found: true, path: '/opt/typeorm-lsp', source: 'setting' });
});

test('the bundled binary of this platform comes before PATH', () => {
  const all = ['/ext/server/linux-x64/typeorm-lsp', '/usr/bin/typeorm-lsp'];
  assert.deepEqual(findServer('', env(all)), { found: true, path: '/ext/server/linux-x64/typeorm-lsp', source: 'bundled' });
  assert.deepEqual(findServer(undefined, env(['/ext/server/linux-arm64/typeorm-lsp', '/usr/bin/typeorm-lsp'])), {
    found: true,
    path: '/usr/bin/typeorm-lsp',
    source: 'PATH',
  });
});

test('PATH is searched in order', () => {
  const found = findServer('  ', env(['/usr/local/bin/typeorm-lsp', '/usr/bin/typeorm-lsp']));
  assert.deepEqual(found, { found: true, path: '/usr/local/bin/typeorm-lsp', source: 'PATH' });
});

test('a setting that does not work is the error, not silently replaced', () => {
  const result = findServer('/opt/missing', env(['/usr/bin/typeorm-lsp']));
  assert.equal(result.found, false);
  assert.match(result.message, /typeormLsp\.server\.path/);
  assert.match(result.message, /\/opt\/missing/);
  assert.deepEqual(result.tried, ['/opt/missing']);
});

test('the setting expands ~ and ${workspaceFolder}, resolves relative paths, looks bare names up on PATH', () => {
  const bins = ['/home/me/bin/typeorm-lsp', '/work/app/tools/typeorm-lsp', '/usr/bin/my-lsp'];
  assert.equal(findServer('~/bin/typeorm-lsp', env(bins)).path, '/home/me/bin/typeorm-lsp');
  assert.equal(findServer('${workspaceFolder}/tools/typeorm-lsp', env(bins)).path, '/work/app/tools/typeorm-lsp');
  assert.equal(findServer('./tools/typeorm-lsp', env(bins)).path, '/work/app/tools/typeorm-lsp');
  assert.deepEqual(findServer('my-lsp', env(bins)), { found: true, path: '/usr/bin/my-lsp', source: 'setting' });
  const missing = findServer('other-lsp', env(bins));
  assert.equal(missing.found, false);
  assert.match(missing.message, /`other-lsp` is not on PATH/);
});

test('nothing found: a message that says what to do, and every place tried', () => {
  const result = findServer('', env([]));
  assert.equal(result.found, false);
  assert.match(result.message, /no language server binary found/);
  assert.match(result.message, /linux-x64/);
  assert.match(result.message, /set typeormLsp\.server\.path/);
  assert.deepEqual(result.tried, ['/ext/server/linux-x64/typeorm-lsp', '/usr/local/bin/typeorm-lsp', '/usr/bin/typeorm-lsp']);
});

test('Windows: .exe names, ; separated PATH', () => {
  const win = { platform: 'win32', arch: 'x64', extensionPath: '/ext', pathEnv: 'C:/a;C:/b' };
  assert.equal(bundledPath(win), '/ext/server/win32-x64/typeorm-lsp.exe'.split('/').join(path.sep));
  assert.deepEqual(pathCandidates('typeorm-lsp', win).length, 4);
});
