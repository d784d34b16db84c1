// The extension's manifest and its packages. `npm run package` (universal) and
// `npm run package -- --target linux-x64` (tests/run.sh bundles the debug binary through
// $TYPEORM_LSP_SERVER_BINARY) must have run first; their .vsix files are listed with
// `unzip` and compared with what an installable extension needs, and nothing more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { builtinModules, createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { repo, serverBinary } = require('../scripts/server-binary.js');
const { parseRules } = require('../scripts/rule-settings.js');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties;

function vsix(name) {
  const file = path.join(root, name);
  assert.ok(fs.existsSync(file), `${name} is missing: run \`npm run package\` first`);
  return file;
}

/** Entry names of a zip, from `unzip -Z1`. */
function entries(file) {
  return execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

function read(file, entry) {
  return execFileSync('unzip', ['-p', file, entry], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

const UNIVERSAL = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/LICENSE.txt',
  'extension/changelog.md',
  'extension/dist/extension.js',
  'extension/images/icon.png',
  'extension/media/mermaid.min.js',
  'extension/package.json',
  'extension/readme.md',
  'extension/schemas/typeorm-lsp.schema.json',
  'extension/webview/erd.js',
];

test('the manifest has what the marketplace and VS Code need', () => {
  assert.equal(manifest.publisher, 'typeorm-lsp');
  assert.ok(manifest.displayName && manifest.description && manifest.icon && manifest.license);
  assert.equal(manifest.main, './dist/extension.js');
  assert.deepEqual(manifest.activationEvents.sort(), ['onLanguage:typescript', 'workspaceContains:**/typeorm-lsp.json']);
  assert.deepEqual(manifest.contributes.jsonValidation, [
    { fileMatch: 'typeorm-lsp.json', url: './schemas/typeorm-lsp.schema.json' },
  ]);
  for (const [key, value] of Object.entries(properties)) {
    assert.ok(value.description || value.markdownDescription, `${key} has a description`);
  }
  assert.deepEqual(properties['typeormLsp.trace.server'].enum, ['off', 'messages', 'verbose']);
});

test('every command contributed is registered by the extension, and the other way round', () => {
  const source = fs.readFileSync(path.join(root, 'src', 'extension.ts'), 'utf8');
  const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(contributed, ['typeorm-lsp.restart', 'typeorm-lsp.showErd', 'typeorm-lsp.showOutput']);
  assert.deepEqual(registered, contributed);
});

test('the per-rule severity settings list exactly the server\'s rules (npm run rule-settings)', () => {
  const rules = parseRules(execFileSync(serverBinary(), ['rule', '--all'], { encoding: 'utf8' }));
  assert.ok(rules.length >= 20, `${rules.length} rules`);
  const settings = properties['typeormLsp.rules'].properties;
  assert.deepEqual(Object.keys(settings).sort(), rules.map((r) => r.code).sort());
  for (const rule of rules) {
    assert.deepEqual(settings[rule.code].enum, ['default', 'error', 'warning', 'info', 'off']);
    assert.match(settings[rule.code].markdownDescription, new RegExp(`\`${rule.name}\``));
  }
});

test('the universal .vsix holds the bundle, webview, schema and docs, and no node_modules', () => {
  const file = vsix(`${manifest.name}-${manifest.version}.vsix`);
  assert.deepEqual(entries(file), UNIVERSAL);
  const packaged = JSON.parse(read(file, 'extension/package.json'));
  assert.equal(packaged.contributes.jsonValidation[0].url, './schemas/typeorm-lsp.schema.json');
  assert.equal(read(file, 'extension/schemas/typeorm-lsp.schema.json'), fs.readFileSync(path.join(repo, 'typeorm-lsp.schema.json'), 'utf8'));
  // One bundle: it loads nothing but VS Code and Node's own modules.
  const bundle = read(file, 'extension/dist/extension.js');
  const required = new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const foreign = [...required].filter((m) => m !== 'vscode' && !builtins.has(m));
  assert.deepEqual(foreign, [], 'the bundle requires packages that are not in the .vsix');
  assert.ok(required.has('vscode'));
  assert.match(bundle, /typeormLsp/);
  const vsixManifest = read(file, 'extension.vsixmanifest');
  assert.match(vsixManifest, /Publisher="typeorm-lsp"/);
  assert.doesNotMatch(vsixManifest, /TargetPlatform=/);
  assert.match(vsixManifest, /Microsoft\.VisualStudio\.Services\.Icons\.Default" Path="extension\/images\/icon\.png"/);
});

test('the linux-x64 .vsix also holds the server binary, executable', () => {
  const file = vsix(`${manifest.name}-linux-x64-${manifest.version}.vsix`);
  assert.deepEqual(entries(file), [...UNIVERSAL, 'extension/server/linux-x64/typeorm-lsp'].sort());
  assert.match(read(file, 'extension.vsixmanifest'), /TargetPlatform="linux-x64"/);
  const listing = execFileSync('zipinfo', [file, 'extension/server/linux-x64/typeorm-lsp'], { encoding: 'utf8' });
  assert.match(listing, /^-rwx/m, listing);
});

test('the bundle loads outside VS Code with a stand-in `vscode` module and exports activate/deactivate', () => {
  // Only loading is checked here (a bundling mistake fails at load time); activation
  // needs VS Code itself, which these machines cannot download.
  const Module = require('node:module');
  const original = Module._load;
  // Every property is the stub again, callable and extendable (the client subclasses
  // VS Code classes at load time).
  const stub = new Proxy(function () {}, { get: () => stub, apply: () => stub, construct: () => ({}) });
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? stub : original.call(this, request, ...rest);
  };
  try {
    const extension = require(path.join(root, 'dist', 'extension.js'));
    assert.equal(typeof extension.activate, 'function');
    assert.equal(typeof extension.deactivate, 'function');
  } finally {
    Module._load = original;
  }
});
