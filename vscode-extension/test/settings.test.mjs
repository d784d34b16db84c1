// VS Code settings -> the server's settings (src/settings.ts): only what the user set,
// folder over workspace over user, `default`/empty meaning "not set", client-only keys out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSettings, SERVER_KEYS } from '../out/settings.js';
import { packageJsonNamesTypeorm } from '../out/workspaceUse.js';

const inspectFrom = (values) => (key) => values[key];

test('unset settings send nothing (typeorm-lsp.json stays in charge)', () => {
  assert.deepEqual(serverSettings(inspectFrom({})), {});
  // VS Code's defaults are not "set": inspect() reports them as defaultValue only.
  assert.deepEqual(serverSettings(inspectFrom({ namingStrategy: { defaultValue: 'default' }, rules: { defaultValue: {} } })), {});
});

test('the most specific level wins; objects merge across levels', () => {
  const settings = serverSettings(
    inspectFrom({
      baseClass: { globalValue: 'Base', workspaceValue: 'AppBase' },
      namingStrategy: { globalValue: 'snake_case' },
      rules: { globalValue: { IDX004: 'off', SD002: 'error' }, workspaceFolderValue: { SD002: 'warning' } },
      include: { workspaceValue: ['src/**'] },
      strictRelationNullability: { workspaceValue: false },
    }),
  );
  assert.deepEqual(settings, {
    baseClass: 'AppBase',
    namingStrategy: 'snake_case',
    rules: { IDX004: 'off', SD002: 'warning' },
    include: ['src/**'],
    strictRelationNullability: false,
  });
});

test('"default" rule levels and empty strings mean not set; bad levels go to the server to report', () => {
  const settings = serverSettings(
    inspectFrom({
      rules: { globalValue: { IDX001: 'default', IDX002: 'info', IDX003: 'warn' } },
      baseClass: { globalValue: '  ' },
      namingStrategy: { globalValue: '' },
      baseColumns: { globalValue: { deleted: 'deletedAt', id: '' } },
    }),
  );
  assert.deepEqual(settings, { rules: { IDX002: 'info', IDX003: 'warn' }, baseColumns: { deleted: 'deletedAt' } });
});

test('client-only settings (server.path, trace.server) never reach the server', () => {
  const asked = [];
  serverSettings((key) => {
    asked.push(key);
    return { globalValue: 'x' };
  });
  assert.deepEqual(asked, SERVER_KEYS);
  assert.ok(!asked.includes('server.path') && !asked.includes('trace.server'));
});

test('a package.json names TypeORM in any dependency field', () => {
  assert.equal(packageJsonNamesTypeorm('{"dependencies":{"typeorm":"^0.3.0"}}'), true);
  assert.equal(packageJsonNamesTypeorm('{"devDependencies":{"@nestjs/typeorm":"^10"}}'), true);
  assert.equal(packageJsonNamesTypeorm('{"peerDependencies":{"typeorm":"*"}}'), true);
  assert.equal(packageJsonNamesTypeorm('{"dependencies":{"prisma":"5"},"name":"typeorm"}'), false);
  assert.equal(packageJsonNamesTypeorm('not json'), false);
  assert.equal(packageJsonNamesTypeorm('null'), false);
});
