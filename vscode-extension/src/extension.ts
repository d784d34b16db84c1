// The VS Code client: starts `typeorm-lsp` over stdio, restarts it if it crashes (the
// language client does that up to its limit, then tells the user), and shows the ER
// diagram the server computes, rendered by Mermaid in a webview.
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const path = vscode.workspace.getConfiguration('typeormLsp').get<string>('server.path') || 'typeorm-lsp';
  return { command: path, args: ['lsp'] };
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: [{ scheme: 'file', language: 'typescript' }],
    synchronize: { configurationSection: 'typeormLsp' },
    initializationOptions: vscode.workspace.getConfiguration('typeormLsp'),
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  client = new LanguageClient('typeorm-lsp', 'typeorm-lsp', serverOptions(), clientOptions());
  await client.start();
}

async function showErd(context: vscode.ExtensionContext): Promise<void> {
  if (!client) {
    vscode.window.showErrorMessage('typeorm-lsp is not running');
    return;
  }
  const mermaid = await client.sendRequest(ExecuteCommandRequest.type, {
    command: 'typeorm-lsp.erd',
    arguments: [],
  });
  const panel = vscode.window.createWebviewPanel('typeormLspErd', 'ER diagram', vscode.ViewColumn.Beside, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')],
  });
  const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'mermaid.min.js'));
  const escaped = String(mermaid).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  panel.webview.html = `<!DOCTYPE html><html><body>
<pre class="mermaid">${escaped}</pre>
<script src="${script}"></script>
<script>mermaid.initialize({ startOnLoad: true, theme: 'neutral' });</script>
</body></html>`;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('typeorm-lsp.showErd', () => showErd(context)),
    vscode.commands.registerCommand('typeorm-lsp.restart', async () => {
      await client?.stop();
      await start(context);
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
