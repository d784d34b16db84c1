// Where the typeorm-lsp binary is: the `typeormLsp.server.path` setting, else the binary
// bundled in a platform-specific package (`server/<platform>-<arch>/typeorm-lsp`), else
// `typeorm-lsp` on PATH. Pure (no `vscode` import): the file system is passed in, so the
// lookup is unit-tested under plain node.
import * as path from 'path';

export interface LookupEnv {
  /** `process.platform`, e.g. `linux`, `darwin`, `win32`. */
  platform: string;
  /** `process.arch`, e.g. `x64`, `arm64`. */
  arch: string;
  /** The extension's install folder. */
  extensionPath: string;
  /** The `PATH` environment variable. */
  pathEnv: string | undefined;
  /** The first workspace folder, for relative paths and `${workspaceFolder}` in the setting. */
  workspaceFolder?: string;
  /** The user's home folder, for `~` in the setting. */
  home?: string;
  /** Whether `file` is an executable file. */
  isExecutable(file: string): boolean;
}

export type ServerSource = 'setting' | 'bundled' | 'PATH';

export type Lookup =
  | { found: true; path: string; source: ServerSource }
  | { found: false; message: string; tried: string[] };

/** The binary's file name on `platform`. */
export function binaryName(platform: string): string {
  return platform === 'win32' ? 'typeorm-lsp.exe' : 'typeorm-lsp';
}

/** The bundled binary's path inside the extension (`server/linux-x64/typeorm-lsp`). */
export function bundledPath(env: Pick<LookupEnv, 'platform' | 'arch' | 'extensionPath'>): string {
  return path.join(env.extensionPath, 'server', `${env.platform}-${env.arch}`, binaryName(env.platform));
}

/** Every `name` candidate on PATH, in order (on Windows also `name.exe`). */
export function pathCandidates(name: string, env: Pick<LookupEnv, 'platform' | 'pathEnv'>): string[] {
  const separator = env.platform === 'win32' ? ';' : ':';
  const names = env.platform === 'win32' && !name.toLowerCase().endsWith('.exe') ? [name, `${name}.exe`] : [name];
  const dirs = (env.pathEnv ?? '').split(separator).filter((d) => d.length > 0);
  return dirs.flatMap((dir) => names.map((n) => path.join(dir, n)));
}

/** The setting's value made absolute: `~` and `${workspaceFolder}` expanded, relative
 * paths taken from the workspace folder. `undefined` for a bare command name. */
function expandSetting(value: string, env: LookupEnv): string | undefined {
  let expanded = value;
  if (env.workspaceFolder) {
    expanded = expanded.split('${workspaceFolder}').join(env.workspaceFolder);
  }
  if (env.home && (expanded === '~' || expanded.startsWith('~/'))) {
    expanded = path.join(env.home, expanded.slice(1));
  }
  const hasSeparator = expanded.includes('/') || (env.platform === 'win32' && expanded.includes('\\'));
  if (!hasSeparator) {
    return undefined;
  }
  if (path.isAbsolute(expanded)) {
    return expanded;
  }
  return env.workspaceFolder ? path.resolve(env.workspaceFolder, expanded) : undefined;
}

/** Finds the server. A path set by the user is never replaced by another binary: when it
 * does not work, that is the error, so a typo is not hidden by a stale binary on PATH. */
export function findServer(setting: string | undefined, env: LookupEnv): Lookup {
  const configured = (setting ?? '').trim();
  if (configured.length > 0) {
    const absolute = expandSetting(configured, env);
    const candidates = absolute !== undefined ? [absolute] : pathCandidates(configured, env);
    const hit = candidates.find((c) => env.isExecutable(c));
    if (hit) {
      return { found: true, path: hit, source: 'setting' };
    }
    const where = absolute !== undefined ? `\`${absolute}\` is not an executable file` : `\`${configured}\` is not on PATH`;
    return {
      found: false,
      message: `typeorm-lsp: the server set in typeormLsp.server.path was not found: ${where}.`,
      tried: candidates,
    };
  }
  const bundled = bundledPath(env);
  if (env.isExecutable(bundled)) {
    return { found: true, path: bundled, source: 'bundled' };
  }
  const onPath = pathCandidates(binaryName(env.platform), env);
  const hit = onPath.find((c) => env.isExecutable(c));
  if (hit) {
    return { found: true, path: hit, source: 'PATH' };
  }
  return {
    found: false,
    message:
      'typeorm-lsp: no language server binary found (none bundled for ' +
      `${env.platform}-${env.arch}, none on PATH). Install it (\`cargo install --path server\` in the ` +
      'typeorm-lsp repository) or set typeormLsp.server.path.',
    tried: [bundled, ...onPath],
  };
}
