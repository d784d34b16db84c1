// Copies Mermaid's browser bundle into media/, where the ER diagram webview loads it from
// (webviews may only load local resources).
const fs = require('fs');
const path = require('path');
const src = require.resolve('mermaid/dist/mermaid.min.js');
const dest = path.join(__dirname, '..', 'media', 'mermaid.min.js');
fs.mkdirSync(path.dirname(dest), { recursive: true });
fs.copyFileSync(src, dest);
