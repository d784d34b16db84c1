// The VS Code client: finds the `typeorm-lsp` binary, starts it over stdio in workspaces
// that use TypeORM, sends it the settings the user set, and offers three commands:
// restart the server, show its output, show the ER diagram. The language client restarts
// a crashed server (up to its limit, then tells the user).
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  ConfigurationParams,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { ErdPanel } from './erdPanel';
import { findServer } from './serverPath';
import { serverSettings } from './settings';
import { packageJsonNamesTypeorm } from './workspaceUse';

const SECTION = 'typeormLsp';
/** The client id: the language client reads `<id>.trace.server` for its trace level. */
const CLIENT_ID = 'typeormLsp';
const ERD_COMMAND = 'typeorm-lsp.erd';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

function log(line: string): void {
  output?.appendLine(line);
}

/** The server's settings for a folder (or the window), from what the user set. */
function settingsFor(scope?: vscode.Uri): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return serverSettings((key) => config.inspect(key));
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** Whether the workspace has a `typeorm-lsp.json` or a package.json naming TypeORM. */
async function workspaceUsesTypeorm(): Promise<boolean> {
  const exclude = '**/node_modules/**';
  if ((await vscode.workspace.findFiles('**/typeorm-lsp.json', exclude, 1)).length > 0) {
    return true;
  }
  for (const uri of await vscode.workspace.findFiles('**/package.json', exclude, 200)) {
    try {
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      if (packageJsonNamesTypeorm(text)) {
        return true;
      }
    } catch {
      // unreadable: look at the next one
    }
  }
  return false;
}

async function reportMissingServer(message: string, tried: string[]): Promise<void> {
  log(message);
  for (const path of tried) {
    log(`  tried: ${path}`);
  }
  const choice = await vscode.window.showErrorMessage(message, 'Set path', 'Show output');
  if (choice === 'Set path') {
    await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server.path`);
  } else if (choice === 'Show output') {
    output?.show(true);
  }
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const lookup = findServer(vscode.workspace.getConfiguration(SECTION).get<string>('server.path'), {
    platform: process.platform,
    arch: process.arch,
    extensionPath: context.extensionPath,
    pathEnv: process.env.PATH,
    workspaceFolder: folder,
    home: os.homedir(),
    isExecutable,
  });
  if (!lookup.found) {
    await reportMissingServer(lookup.message, lookup.tried);
    return;
  }
  log(`Starting ${lookup.path} (found through ${lookup.source === 'setting' ? `${SECTION}.server.path` : lookup.source})`);
  const serverOptions: ServerOptions = { command: lookup.path, args: ['lsp'], transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'typescript' }],
    outputChannel: output,
    initializationOptions: settingsFor(),
    middleware: {
      workspace: {
        // The server asks for the `typeormLsp` section of each folder: answer with the
        // settings the user set there, not VS Code's defaults.
        configuration: async (params: ConfigurationParams, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, i) =>
            item.section === SECTION ? settingsFor(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : answers[i],
          );
        },
      },
      handleDiagnostics: (uri, diagnostics, next) => {
        next(uri, diagnostics);
        ErdPanel.modelChanged();
      },
    },
  };
  client = new LanguageClient(CLIENT_ID, 'typeorm-lsp', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log(`The server did not start: ${message}`);
    void vscode.window.showErrorMessage(`typeorm-lsp did not start: ${message}`, 'Show output').then((choice) => {
      if (choice) {
        output?.show(true);
      }
    });
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (err) {
      log(`Stopping the server failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

async function erdText(): Promise<string> {
  if (!client) {
    throw new Error('the server is not running (see "typeorm-lsp: Show output")');
  }
  const text: unknown = await client.sendRequest(ExecuteCommandRequest.type, { command: ERD_COMMAND, arguments: [] });
  return String(text ?? '');
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('typeorm-lsp');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('typeorm-lsp.restart', () => restart(context)),
    vscode.commands.registerCommand('typeorm-lsp.showOutput', () => output?.show(true)),
    vscode.commands.registerCommand('typeorm-lsp.showErd', async () => {
      if (!client) {
        await start(context);
      }
      ErdPanel.show(context.extensionUri, erdText);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(`${SECTION}.server.path`)) {
        if (client) {
          await restart(context);
        }
      } else if (event.affectsConfiguration(SECTION) && client) {
        // The server pulls each folder's section again on this notification.
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: settingsFor() },
        });
      }
    }),
    { dispose: () => void stop() },
  );
  if (await workspaceUsesTypeorm()) {
    await start(context);
    return;
  }
  log('No typeorm-lsp.json and no package.json naming typeorm here: the server is not started.');
  log('Run "typeorm-lsp: Restart server" to start it anyway.');
  // Start once the workspace gains a configuration file or a TypeORM dependency.
  const watcher = vscode.workspace.createFileSystemWatcher('**/{typeorm-lsp.json,package.json}');
  const recheck = async () => {
    if (!client && (await workspaceUsesTypeorm())) {
      watcher.dispose();
      await start(context);
    }
  };
  context.subscriptions.push(watcher, watcher.onDidCreate(recheck), watcher.onDidChange(recheck));
}

export async function deactivate(): Promise<void> {
  await stop();
}
