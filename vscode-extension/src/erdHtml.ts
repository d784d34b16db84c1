// The HTML of the ER diagram webview. Pure (no `vscode` import). The page loads only two
// local scripts, Mermaid's bundle and `webview/erd.js`, both carrying a fresh nonce; the
// content security policy allows nothing else (no network, no inline script, no eval).
// The diagram text never goes into the HTML: it arrives by `postMessage`.

export interface ErdPage {
  /** `webview.cspSource`. */
  cspSource: string;
  /** Webview URI of `media/mermaid.min.js`. */
  mermaidUri: string;
  /** Webview URI of `webview/erd.js`. */
  scriptUri: string;
  /** A random nonce (letters and digits). */
  nonce: string;
}

/** The content security policy of the page. Mermaid writes `<style>` elements into the
 * SVG it renders, hence `'unsafe-inline'` for styles (scripts stay nonce-only). */
export function erdCsp(page: Pick<ErdPage, 'cspSource' | 'nonce'>): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${page.nonce}'`,
    `style-src ${page.cspSource} 'unsafe-inline'`,
    `img-src ${page.cspSource} data:`,
    `font-src ${page.cspSource}`,
  ].join('; ');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function erdHtml(page: ErdPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(erdCsp(page))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>ER diagram</title>
<style>
  body { padding: 0.5em 1em; }
  #status { opacity: 0.8; font-style: italic; }
</style>
</head>
<body>
<div id="status">Loading the model…</div>
<div id="diagram"></div>
<script nonce="${attr(page.nonce)}" src="${attr(page.mermaidUri)}"></script>
<script nonce="${attr(page.nonce)}" src="${attr(page.scriptUri)}"></script>
</body>
</html>`;
}

/** A nonce of 32 letters and digits from `random` (0 <= x < 1). */
export function makeNonce(random: () => number = Math.random): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let nonce = '';
  for (let i = 0; i < 32; i++) {
    nonce += chars.charAt(Math.floor(random() * chars.length));
  }
  return nonce;
}
