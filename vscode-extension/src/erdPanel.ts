// The "Show ER diagram" webview: asks the server for `typeorm-lsp.erd` (Mermaid text) and
// renders it with the Mermaid bundled in the extension. It refreshes when the model may
// have changed (the server published diagnostics after an analysis), debounced, and only
// re-renders when the text differs.
import * as vscode from 'vscode';
import { erdHtml, makeNonce } from './erdHtml';

/** How long to wait after the last diagnostics before asking for the diagram again. */
const REFRESH_DELAY_MS = 400;

export type ErdSource = () => Promise<string>;

export class ErdPanel {
  private static current: ErdPanel | undefined;
  private lastText: string | undefined;
  private ready = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly source: ErdSource,
  ) {
    panel.onDidDispose(() => {
      if (this.timer) {
        clearTimeout(this.timer);
      }
      ErdPanel.current = undefined;
    });
    panel.webview.onDidReceiveMessage((message: { type?: string }) => {
      if (message?.type === 'ready') {
        this.ready = true;
        this.lastText = undefined;
        void this.refresh();
      }
    });
  }

  /** Opens the panel, or reveals it and refreshes it when it is open. */
  static show(extensionUri: vscode.Uri, source: ErdSource): void {
    if (ErdPanel.current) {
      ErdPanel.current.panel.reveal(vscode.ViewColumn.Beside);
      void ErdPanel.current.refresh();
      return;
    }
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    const scripts = vscode.Uri.joinPath(extensionUri, 'webview');
    const panel = vscode.window.createWebviewPanel('typeormLspErd', 'ER diagram', vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [media, scripts],
    });
    const webview = panel.webview;
    webview.html = erdHtml({
      cspSource: webview.cspSource,
      mermaidUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'mermaid.min.js')).toString(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(scripts, 'erd.js')).toString(),
      nonce: makeNonce(),
    });
    ErdPanel.current = new ErdPanel(panel, source);
  }

  /** The model may have changed: refresh the open panel (if any) a little later. */
  static modelChanged(): void {
    const current = ErdPanel.current;
    if (!current) {
      return;
    }
    if (current.timer) {
      clearTimeout(current.timer);
    }
    current.timer = setTimeout(() => {
      current.timer = undefined;
      void current.refresh();
    }, REFRESH_DELAY_MS);
  }

  private async refresh(): Promise<void> {
    if (!this.ready) {
      return;
    }
    try {
      const text = await this.source();
      if (text !== this.lastText) {
        this.lastText = text;
        await this.panel.webview.postMessage({ type: 'erd', text });
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.panel.webview.postMessage({ type: 'error', text: `typeorm-lsp: ${message}` });
    }
  }
}
