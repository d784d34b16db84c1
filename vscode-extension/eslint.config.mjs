// Lint (flat config): typescript-eslint's recommended rules on the extension's sources;
// ESLint's recommended rules on the scripts, the webview script and the tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const node = {
  require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', Buffer: 'readonly',
  __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly',
};
const browser = { window: 'readonly', document: 'readonly', acquireVsCodeApi: 'readonly', mermaid: 'readonly' };

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'media/', 'schemas/', 'server/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: ['src/**/*.ts'] })),
  { files: ['scripts/**/*.js'], languageOptions: { sourceType: 'commonjs', globals: node } },
  { files: ['webview/**/*.js'], languageOptions: { sourceType: 'script', globals: browser } },
  { files: ['test/**/*.mjs', 'eslint.config.mjs'], languageOptions: { sourceType: 'module', globals: node } },
);
