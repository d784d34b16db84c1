// The real server (the debug binary cargo built: $TYPEORM_LSP_BIN, $CARGO_TARGET_DIR or
// target/debug) driven over stdio through vscode-languageserver-protocol, as the extension's
// language client does: settings pulled through workspace/configuration (answered with the
// extension's own settings mapping), diagnostics on fixtures/shop, a quick fix resolved and
// applied, and the ER diagram command the webview shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  ConfigurationRequest,
  CodeActionRequest,
  CodeActionResolveRequest,
  ExecuteCommandRequest,
  ShutdownRequest,
  ExitNotification,
  DiagnosticSeverity,
} from 'vscode-languageserver-protocol/node.js';
import { serverSettings } from '../out/settings.js';

const require = createRequire(import.meta.url);
const { repo, serverBinary } = require('../scripts/server-binary.js');

/** Applies LSP text edits (UTF-16 positions, as JS strings are) to `text`. */
function applyEdits(text, edits) {
  const lines = text.split('\n');
  const offset = (pos) => lines.slice(0, pos.line).reduce((n, l) => n + l.length + 1, 0) + pos.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const edit of sorted) {
    out = out.slice(0, offset(edit.range.start)) + edit.newText + out.slice(offset(edit.range.end));
  }
  return out;
}

/** Resolves with the first published diagnostics for `uri` that satisfy `accept`. */
function diagnosticsFor(connection, uri, accept) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri}`)), 60000);
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      if (params.uri === uri && accept(params.diagnostics)) {
        clearTimeout(timer);
        resolve(params.diagnostics);
      }
    });
  });
}

test('diagnostics, settings and a quick fix on fixtures/shop through the protocol library', { timeout: 120000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'typeorm-lsp-vscode-'));
  fs.cpSync(path.join(repo, 'fixtures', 'shop'), root, { recursive: true });
  const server = spawn(serverBinary(), ['lsp'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  // What the extension answers when the server pulls `typeormLsp`: the user raised IDX001
  // to an error and set SD002 to "default" (= not sent), with VS Code's defaults unset.
  const pulled = [];
  connection.onRequest(ConfigurationRequest.type, (params) => {
    pulled.push(...params.items.map((i) => i.section));
    return params.items.map(() =>
      serverSettings((key) => ({ rules: { globalValue: { IDX001: 'error', SD002: 'default' } }, baseClass: { defaultValue: 'X' } })[key]),
    );
  });
  const file = path.join(root, 'src', 'audit', 'entities', 'audit-log.entity.ts');
  const uri = pathToFileURL(file).href;
  // The settings may arrive after a first analysis: wait for the diagnostics under them.
  const idx001 = diagnosticsFor(connection, uri, (ds) =>
    ds.some((d) => d.code === 'IDX001' && d.severity === DiagnosticSeverity.Error),
  );
  connection.listen();
  try {
    const init = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'shop' }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true },
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } },
            resolveSupport: { properties: ['edit'] },
            dataSupport: true,
          },
        },
        general: { positionEncodings: ['utf-16'] },
      },
      initializationOptions: {},
    });
    assert.ok(init.capabilities.codeActionProvider, 'code actions offered');
    assert.ok(init.capabilities.executeCommandProvider.commands.includes('typeorm-lsp.erd'));
    await connection.sendNotification(InitializedNotification.type, {});
    const text = fs.readFileSync(file, 'utf8');
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'typescript', version: 1, text },
    });

    const diagnostics = await idx001;
    assert.ok(pulled.includes('typeormLsp'), `the server pulled the typeormLsp section: ${pulled}`);
    const finding = diagnostics.find((d) => d.code === 'IDX001');
    // `  actor: User | null; // expect: IDX001` is line 13 (0-based 12); the name is at 2.
    assert.deepEqual(finding.range.start, { line: 12, character: 2 });
    assert.deepEqual(finding.range.end, { line: 12, character: 7 });
    assert.equal(finding.severity, DiagnosticSeverity.Error, 'the rules setting reached the server (warning by default)');
    assert.equal(finding.source, 'typeorm-lsp');
    assert.match(finding.message, /AuditLog\.actor/);

    const actions = await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: finding.range,
      context: { diagnostics: [finding], only: ['quickfix'] },
    });
    let fix = actions.find((a) => a.title.startsWith('Add @Index()'));
    assert.ok(fix, `an @Index() quick fix among ${actions.map((a) => a.title)}`);
    if (!fix.edit) {
      fix = await connection.sendRequest(CodeActionResolveRequest.type, fix);
    }
    const edits = fix.edit.changes?.[uri] ?? fix.edit.documentChanges?.find((c) => c.textDocument?.uri === uri)?.edits;
    assert.ok(edits && edits.length > 0, JSON.stringify(fix.edit));
    const fixed = applyEdits(text, edits);
    assert.match(fixed, / {2}@Index\(\)\n {2}@ManyToOne\(\(\) => User, \{ nullable: true \}\)\n {2}actor: User \| null;/);

    // The fixed text, sent as an edit, no longer has the finding on that line.
    const cleared = diagnosticsFor(connection, uri, (ds) => !ds.some((d) => d.code === 'IDX001'));
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    await cleared;

    const erd = await connection.sendRequest(ExecuteCommandRequest.type, { command: 'typeorm-lsp.erd', arguments: [] });
    assert.match(String(erd), /^erDiagram\n/);
    assert.match(String(erd), /audit_logs \{/);

    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    assert.equal(await exited, 0, stderr);
  } finally {
    connection.dispose();
    server.kill();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
