// The ER diagram the extension renders: `typeorm-lsp erd` on the sample workspace must be
// Mermaid that Mermaid's own parser accepts, with the tables and foreign keys of the schema
// (`typeorm-lsp schema`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import mermaid from 'mermaid';

const require = createRequire(import.meta.url);
const { repo, serverBinary } = require('../scripts/server-binary.js');
const bin = serverBinary();

test('erd of fixtures/shop parses as a Mermaid ER diagram', async () => {
  const text = execFileSync(bin, ['erd', path.join(repo, 'fixtures', 'shop')], { encoding: 'utf8' });
  assert.match(text, /^erDiagram\n/);
  assert.match(text, /order_items \}o--\|\| order : "orderId"/);
  assert.match(text, /users \{\n(?:.*\n)*?\s+uuid id PK\n/);
  const result = await mermaid.parse(text);
  assert.equal(result.diagramType, 'er');
});

test('a broken diagram is rejected by the parser (the check above can fail)', async () => {
  await assert.rejects(() => mermaid.parse('erDiagram\n  a {\n    fk x FK\n  }\n'));
});

test('the webview page allows only its two nonce scripts and local styles', async () => {
  const { erdHtml, erdCsp, makeNonce } = await import('../out/erdHtml.js');
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9]{32}$/);
  const page = { cspSource: 'vscode-webview://abc', mermaidUri: 'vscode-webview://abc/media/mermaid.min.js', scriptUri: 'vscode-webview://abc/webview/erd.js', nonce };
  const csp = erdCsp(page);
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}';`));
  assert.doesNotMatch(csp, /unsafe-eval|https?:|\*/);
  const html = erdHtml(page);
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
  assert.deepEqual(scripts, [
    ` nonce="${nonce}" src="vscode-webview://abc/media/mermaid.min.js"`,
    ` nonce="${nonce}" src="vscode-webview://abc/webview/erd.js"`,
  ]);
  assert.ok(html.includes(`content="${csp.replace(/&/g, '&amp;')}"`));
});
