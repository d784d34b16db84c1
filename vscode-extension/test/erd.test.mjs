// The ER diagram the extension renders: `typeorm-lsp erd` on the sample workspace must be
// Mermaid that Mermaid's own parser accepts, with the tables and relations of the model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import mermaid from 'mermaid';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const bin = process.env.TYPEORM_LSP_BIN || path.join(repo, 'target', 'debug', 'typeorm-lsp');

test('erd of fixtures/shop parses as a Mermaid ER diagram', async () => {
  const text = execFileSync(bin, ['erd', path.join(repo, 'fixtures', 'shop')], { encoding: 'utf8' });
  assert.match(text, /^erDiagram\n/);
  assert.match(text, /order_items \}o--\|\| order : "order"/);
  assert.match(text, /users \{\n(?:.*\n)*?\s+uuid id PK\n/);
  const result = await mermaid.parse(text);
  assert.equal(result.diagramType, 'er');
});

test('a broken diagram is rejected by the parser (the check above can fail)', async () => {
  await assert.rejects(() => mermaid.parse('erDiagram\n  a {\n    fk x FK\n  }\n'));
});
