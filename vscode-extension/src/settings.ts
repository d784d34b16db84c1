// The `typeormLsp` settings VS Code holds, turned into the settings object the server
// merges over `typeorm-lsp.json`. Only values the user set (user, workspace or folder
// level) are sent: VS Code fills unset settings with defaults, and sending those would
// override what the project wrote in `typeorm-lsp.json`. Pure (no `vscode` import).

/** What `WorkspaceConfiguration.inspect(key)` returns, reduced to the levels we read. */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** The settings the client keeps for itself: the server ignores them. */
export const CLIENT_ONLY = ['server.path', 'trace.server'];

/** Server setting keys the extension contributes (top-level keys of `typeorm-lsp.json`). */
export const SERVER_KEYS = [
  'baseClass',
  'baseColumns',
  'importPrefix',
  'sourceRoot',
  'namingStrategy',
  'rules',
  'include',
  'exclude',
  'decoratorAliases',
  'migrationsDir',
  'strictRelationNullability',
];

/** The severities a rule accepts; `default` (the extension's own) means "leave it to
 * `typeorm-lsp.json` and the rule's default", so it is not sent. */
export const RULE_LEVELS = ['error', 'warning', 'info', 'off'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The most specific level set: folder over workspace over user. Object settings merge
 * across levels (a folder's `rules` adds to the user's), like VS Code's own merge. */
function explicitValue(inspected: Inspected | undefined): unknown {
  if (!inspected) {
    return undefined;
  }
  const levels = [inspected.globalValue, inspected.workspaceValue, inspected.workspaceFolderValue].filter(
    (v) => v !== undefined && v !== null,
  );
  if (levels.length === 0) {
    return undefined;
  }
  if (levels.every(isPlainObject)) {
    return Object.assign({}, ...levels);
  }
  return levels[levels.length - 1];
}

/** Drops what means "not set": empty strings, `default` rule levels, empty objects. */
function cleaned(key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.trim() === '') {
    return undefined;
  }
  if (key === 'rules' && isPlainObject(value)) {
    const rules: Record<string, unknown> = {};
    for (const [code, level] of Object.entries(value)) {
      if (typeof level === 'string' && RULE_LEVELS.includes(level)) {
        rules[code] = level;
      } else if (level !== 'default' && level !== undefined && level !== null) {
        rules[code] = level; // the server reports the bad value, located
      }
    }
    return Object.keys(rules).length > 0 ? rules : undefined;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== '');
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value;
}

/** The server's settings from `inspect` (a `WorkspaceConfiguration` for `typeormLsp`). */
export function serverSettings(inspect: (key: string) => Inspected | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const value = cleaned(key, explicitValue(inspect(key)));
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}
