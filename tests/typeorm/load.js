// Loads a workspace's TypeScript entity files into real TypeORM, without a database:
// the entity files and the workspace files they import are compiled as one TypeScript
// program (experimentalDecorators, emitDecoratorMetadata), so `design:type` is what tsc
// emits for the project (`String` / `Number` for a property typed by an imported enum,
// where `transpileModule` can only say `Object`); a file outside that program falls back
// to `transpileModule`. `src/...` and tsconfig `paths` resolve against the workspace, and
// packages the harness does not have (`@nestjs/swagger`, `class-validator`...) load as
// inert stubs, since only TypeORM's decorators matter here. A package that supplies the
// decorators themselves is a dependency of the harness, so it loads for real
// (`@subsquid/typeorm-store`, whose `StringColumn` applies `Column('text', options)`).
"use strict";
const fs = require("fs");
const path = require("path");
const Module = require("module");
const ts = require("typescript");

// `@Entity(`, `@ChildEntity(`, wrappers such as ever-gauzy's `@MultiORMEntity(`, aliases
// with a trailing underscore (the squid codegen's `import {Entity as Entity_}`), `new EntitySchema`.
const ENTITY_MARK = /@[\w.]*Entity_?\s*\(|new\s+EntitySchema\s*[<(]/;
const SKIP_DIRS = new Set(["node_modules", "dist", "build", ".git", "coverage"]);

// `baseUrl` and `paths` of the tsconfig.json nearest to `dir` inside `root` (with its
// `extends`), or of `root` itself: monorepos keep one per package
// (`services/121-service/tsconfig.json`).
const tsconfigCache = new Map();
function tsconfigFor(root, dir) {
  if (tsconfigCache.has(dir)) return tsconfigCache.get(dir);
  let found;
  const file = path.join(dir, "tsconfig.json");
  if (fs.existsSync(file)) {
    const parsed = ts.getParsedCommandLineOfConfigFile(file, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    const opts = (parsed && parsed.options) || {};
    const base = opts.baseUrl || opts.pathsBasePath || dir;
    // `design:type` of `string | null` is `String` without strictNullChecks, `Object` with it.
    const strictNullChecks = opts.strictNullChecks !== undefined ? !!opts.strictNullChecks : !!opts.strict;
    found = { baseUrl: path.resolve(dir, base), paths: opts.paths || {}, strictNullChecks };
  } else if (dir !== root && dir.startsWith(root)) {
    found = tsconfigFor(root, path.dirname(dir));
  } else {
    found = { baseUrl: root, paths: {}, strictNullChecks: false };
  }
  tsconfigCache.set(dir, found);
  return found;
}

function tryFile(base) {
  for (const c of [base, base + ".ts", base + ".js", path.join(base, "index.ts"), path.join(base, "index.js")]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  // ESM-style sources name their TypeScript siblings `x.js` through `paths` and `baseUrl`
  // too (Misskey's `import { noteVisibilities } from '@/types.js'`): the `.ts` file it
  // compiles from, not a stub.
  const esm = /\.([cm]?)js$/.exec(base);
  if (esm) {
    const stem = base.slice(0, -esm[0].length);
    for (const c of [stem + "." + esm[1] + "ts", stem + ".tsx"]) {
      if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
    }
  }
  return null;
}

// A module whose every export is a no-op usable as a decorator, decorator factory, class
// or function: enough for `@ApiProperty()`, `@IsString()`, `extends PartialType(X)`.
function stub() {
  const fn = function () {
    return stubValue;
  };
  // A stub is also an empty collection: `getMAC().split(':').map(...).reduce(f, seed)` at
  // a module's top level gives the seed (apitable's id generator), not a stub that
  // arithmetic on a BigInt would refuse.
  const get = (t, k) => {
    if (k === "__esModule") return true;
    if (k === Symbol.toPrimitive) return () => "";
    if (k === "reduce") return (f, ...seed) => (seed.length ? seed[0] : stubValue);
    return stubValue;
  };
  const stubValue = new Proxy(fn, {
    get,
    apply: () => stubValue,
    // `new PubSub()` at a module's top level is a stub too (daily-api calls
    // `pubsub.topic(...)` on it next); a subclass of a stubbed class builds its own instances.
    construct: (_t, _args, newTarget) => (newTarget === stubValue ? stubValue : Object.create(newTarget.prototype)),
  });
  stubs.add(stubValue);
  return stubValue;
}

// Every stub, so that applying one as a decorator can be skipped: a class decorator's
// return value replaces the class (ever-gauzy's `@SoftDeletable(...)` would swap its base
// class for the stub), a method decorator's the descriptor.
const stubs = new WeakSet();

// The workspace's own packages by name (`@acme/core` -> `packages/core`): a monorepo's
// package manager links them into node_modules, so at run time `import '@acme/core'` is
// that folder even where no tsconfig `paths` names it. Found once per workspace, lazily.
const packagesCache = new Map();
function workspacePackages(root) {
  if (packagesCache.has(root)) return packagesCache.get(root);
  const found = [];
  const walk = (dir, depth) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (_) {
      return;
    }
    for (const ent of entries) {
      if (ent.isDirectory() && depth < 6 && !SKIP_DIRS.has(ent.name) && !ent.name.startsWith(".")) {
        walk(path.join(dir, ent.name), depth + 1);
      } else if (ent.name === "package.json" && dir !== root) {
        try {
          const name = JSON.parse(fs.readFileSync(path.join(dir, ent.name), "utf8")).name;
          if (typeof name === "string" && name) found.push({ name, dir });
        } catch (_) {}
      }
    }
  };
  walk(root, 0);
  found.sort((a, b) => b.name.length - a.name.length);
  packagesCache.set(root, found);
  return found;
}

// A workspace package's source for `name` or `name/sub`: `src/index.ts` stands for the
// built entry point.
function resolveWorkspacePackage(root, request) {
  for (const { name, dir } of workspacePackages(root)) {
    if (request !== name && !request.startsWith(name + "/")) continue;
    const sub = request.slice(name.length + 1);
    const f = sub ? tryFile(path.join(dir, "src", sub)) || tryFile(path.join(dir, sub)) : tryFile(path.join(dir, "src", "index")) || tryFile(path.join(dir, "index"));
    if (f) return f;
    // A deep import of the built output (rocketadmin's
    // `@rocketadmin/shared-code/dist/src/shared/enums/x.js`) is its source `src/shared/enums/x.ts`.
    const built = /^(?:dist|build|lib)\/(.*?)(?:\.[cm]?js)?$/.exec(sub);
    const source = built && tryFile(path.join(dir, built[1]));
    if (source && source.endsWith(".ts")) return source;
  }
  return null;
}

// The workspace file a non-relative import names (tsconfig `paths`, then `baseUrl`, then
// the workspace's own packages), or null.
function resolveInWorkspace(root, request, fromFile) {
  const f = resolveByTsconfig(root, request, fromFile);
  return f || resolveWorkspacePackage(root, request);
}

function resolveByTsconfig(root, request, fromFile) {
  const { baseUrl, paths } = tsconfigFor(root, path.dirname(fromFile));
  for (const [pattern, targets] of Object.entries(paths)) {
    const star = pattern.indexOf("*");
    const prefix = star < 0 ? pattern : pattern.slice(0, star);
    if (star < 0 ? request !== pattern : !request.startsWith(prefix)) continue;
    const rest = star < 0 ? "" : request.slice(prefix.length);
    for (const t of targets) {
      const f = tryFile(path.resolve(baseUrl, t.replace("*", rest)));
      if (f) return f;
    }
  }
  return tryFile(path.resolve(baseUrl, request));
}

// The harness builds a postgres DataSource, so the workspace runs as a PostgreSQL
// deployment of it would: code that picks a column type from the environment
// (`process.env.DB_TYPE === 'postgres' ? 'jsonb' : 'text'`) sees postgres.
for (const k of ["DB_TYPE", "DATABASE_TYPE", "DB_DRIVER", "DB_DIALECT", "DB_CONNECTION", "DATABASE_DRIVER", "TYPEORM_CONNECTION", "TYPEORM_TYPE"]) {
  if (process.env[k] === undefined) process.env[k] = "postgres";
}

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2021,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
};

// Compiles `files` and every workspace `.ts` file they import as TypeScript programs (one
// per `strictNullChecks` setting, since it changes `design:type` of `T | null`) and returns
// the JavaScript tsc emits, by file name. Packages are left unresolved: their types never
// change what a decorated property's metadata names at run time.
const libDir = path.dirname(ts.getDefaultLibFilePath({}));
const libFiles = new Map();

function emitAsProgram(root, files) {
  const groups = new Map();
  for (const f of files) {
    const key = tsconfigFor(root, path.dirname(f)).strictNullChecks;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  const emitted = new Map();
  for (const [strictNullChecks, roots] of groups) {
    const options = { ...compilerOptions, strictNullChecks, types: [], skipLibCheck: true, noEmitOnError: false, allowJs: false };
    const host = ts.createCompilerHost(options);
    // TypeScript's own lib files are parsed once per process, not once per program.
    const getSourceFile = host.getSourceFile;
    host.getSourceFile = (name, ...rest) => {
      if (!name.startsWith(libDir)) return getSourceFile.call(host, name, ...rest);
      if (!libFiles.has(name)) libFiles.set(name, getSourceFile.call(host, name, ...rest));
      return libFiles.get(name);
    };
    host.resolveModuleNames = (names, containing) =>
      names.map((name) => {
        const f = name.startsWith(".") ? tryFile(path.resolve(path.dirname(containing), name)) : resolveInWorkspace(root, name, containing);
        if (!f || !f.startsWith(root) || !f.endsWith(".ts")) return undefined;
        return { resolvedFileName: f, extension: f.endsWith(".d.ts") ? ts.Extension.Dts : ts.Extension.Ts, isExternalLibraryImport: false };
      });
    host.writeFile = (name, text, _bom, _onError, sources) => {
      if (name.endsWith(".js") && sources && sources.length === 1) emitted.set(path.resolve(sources[0].fileName), text);
    };
    ts.createProgram(roots, options, host).emit();
  }
  return emitted;
}

// The workspace being loaded (loadEntities can be called again for another one: the
// TypeORM repository's test folders are loaded one after the other in one process).
const current = { root: null, emitted: new Map() };
let installed = false;

// TypeORM's own repository: its tests import the decorators from its sources
// (`../../../src`, `../../../src/decorator/entity/Entity`); those must be the harness's
// TypeORM, whose package mirrors `src/`, so every decorator lands in one storage.
const typeormSrc = process.env.TYPEORM_LSP_TYPEORM_SRC ? path.resolve(process.env.TYPEORM_LSP_TYPEORM_SRC) : null;

function install(root, files) {
  current.root = root;
  current.emitted = process.env.TYPEORM_LSP_TRANSPILE_ONLY ? new Map() : emitAsProgram(root, files);
  if (installed) return;
  installed = true;
  require("reflect-metadata");
  const decorate = Reflect.decorate;
  Reflect.decorate = function (decorators, ...rest) {
    return decorate.call(this, decorators.filter((d) => !stubs.has(d)), ...rest);
  };
  require.extensions[".ts"] = (mod, filename) => {
    if (stubbedFiles.has(path.resolve(filename))) {
      mod.exports = stub();
      return;
    }
    let js = current.emitted.get(path.resolve(filename));
    if (js === undefined) {
      const text = fs.readFileSync(filename, "utf8");
      const { strictNullChecks } = tsconfigFor(current.root, path.dirname(filename));
      js = ts.transpileModule(text, { compilerOptions: { ...compilerOptions, strictNullChecks }, fileName: filename }).outputText;
    }
    mod._compile(withImportMeta(js, filename), filename, "commonjs");
  };
  const harnessDir = __dirname;
  const origResolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    const root = current.root;
    // The workspace's own `typeorm` must be ours, so every decorator lands in one storage.
    if (request === "typeorm" || request.startsWith("typeorm/")) {
      return origResolve.call(this, request, module, ...rest);
    }
    if (typeormSrc && request.startsWith(".") && parent && parent.filename) {
      const target = path.resolve(path.dirname(parent.filename), request);
      if (target === typeormSrc || target.startsWith(typeormSrc + path.sep)) {
        const sub = path.relative(typeormSrc, target).split(path.sep).join("/");
        return origResolve.call(this, sub && sub !== "index" ? "typeorm/" + sub : "typeorm", module, ...rest);
      }
    }
    const fromWorkspace = parent && parent.filename && parent.filename.startsWith(root);
    if (fromWorkspace && !request.startsWith(".") && !path.isAbsolute(request)) {
      const f = resolveInWorkspace(root, request, parent.filename);
      if (f) return f;
    }
    try {
      return origResolve.call(this, request, parent, ...rest);
    } catch (e) {
      // ESM-style sources name their TypeScript siblings `./key.js` (as tsc's NodeNext
      // resolution allows); typeorm-lsp's resolver reads them so, and so does the harness.
      const esm = /\.[cm]?js$/;
      if (fromWorkspace && request.startsWith(".") && esm.test(request)) {
        const base = path.resolve(path.dirname(parent.filename), request).replace(esm, "");
        for (const ext of [".ts", ".tsx"]) {
          if (fs.existsSync(base + ext)) return base + ext;
        }
      }
      if (fromWorkspace && !request.startsWith(".")) {
        // Only the harness's own dependencies: a transitive one of another major version
        // (lru-cache without a default export) would break the workspace's import.
        if (!harnessDependency(request)) return "stub:" + request;
        try {
          return origResolve.call(this, request, { ...parent, paths: Module._nodeModulePaths(harnessDir) }, ...rest);
        } catch (_) {
          return "stub:" + request;
        }
      }
      throw e;
    }
  };
  const origLoad = Module._load;
  Module._load = function (request, parent, ...rest) {
    let resolved;
    try {
      resolved = Module._resolveFilename(request, parent, ...rest);
    } catch (_) {
      resolved = null;
    }
    if (resolved && resolved.startsWith("stub:")) return stub();
    return origLoad.call(this, request, parent, ...rest);
  };
}

// An ESM source's `import.meta.url` (rocketadmin's config: `const __filename =
// fileURLToPath(import.meta.url)`) survives the CommonJS emit, and Node would then take
// the file for an ES module and refuse its `exports`. The module runs as CommonJS with
// `import.meta` an object of the same fields, inside a block so that its own
// `const __filename` does not clash with the CommonJS wrapper's parameter.
function withImportMeta(js, filename) {
  if (!js.includes("import.meta")) return js;
  const url = require("url").pathToFileURL(filename).href;
  const meta = `{ url: ${JSON.stringify(url)}, filename: ${JSON.stringify(filename)}, dirname: ${JSON.stringify(path.dirname(filename))} }`;
  return `"use strict"; const __harnessImportMeta = ${meta}; {\n${js.replace(/\bimport\.meta\b/g, "__harnessImportMeta")}\n}`;
}

const harnessDependencies = Object.keys(require("./package.json").dependencies || {});
function harnessDependency(request) {
  return harnessDependencies.some((d) => request === d || request.startsWith(d + "/"));
}

function entityFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      if (ent.isDirectory()) {
        if (!SKIP_DIRS.has(ent.name)) walk(path.join(dir, ent.name));
      } else if (/\.ts$/.test(ent.name) && !/\.d\.ts$|\.spec\.ts$|\.test\.ts$/.test(ent.name)) {
        const f = path.join(dir, ent.name);
        if (ENTITY_MARK.test(fs.readFileSync(f, "utf8"))) out.push(f);
      }
    }
  };
  walk(root);
  return out.sort();
}

// Environment variables a workspace's entity files need to load at all, by workspace
// folder name, each with why (cheqd-studio's entities throw unless ENABLE_EXTERNAL_DB is
// set): the values of the PostgreSQL deployment the harness builds.
const ENVIRONMENTS = require("./environments.json");

// Sets `env` where unset; returns how to put the environment back.
function withEnvironment(env) {
  const before = Object.keys(env).map((k) => [k, process.env[k]]);
  for (const [k, v] of Object.entries(env)) if (process.env[k] === undefined) process.env[k] = v;
  return () => {
    for (const [k, v] of before) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

// Requires every entity file; returns the EntitySchema objects they export and the files
// that failed to load (with why).
function loadEntities(given) {
  // Node resolves modules to their real paths: a workspace reached through a symlink must
  // be compared by its real path too, or none of its files counts as the workspace's.
  const root = fs.realpathSync(given);
  const files = entityFiles(root);
  install(root, files);
  const restore = withEnvironment((ENVIRONMENTS[path.basename(given)] || {}).env || {});
  try {
    return loadAll(root, files);
  } finally {
    restore();
  }
}

function loadAll(root, files) {
  const { EntitySchema } = require("typeorm");
  const schemas = [];
  const failed = [];
  const entitySet = new Set(files);
  // A module that exits when its environment is missing (spacebar's database module
  // without DATABASE) throws instead, so that it is stubbed like any helper that throws.
  const exit = process.exit;
  process.exit = (code) => {
    throw new Error(`process.exit(${code}) while loading`);
  };
  try {
    loadEach(root, files, entitySet, schemas, failed, EntitySchema);
  } finally {
    process.exit = exit;
  }
  const stubbed = [...stubbedFiles].map(([file, error]) => ({ file: path.relative(root, file), error }));
  stubbedFiles.clear();
  return { schemas, failed, stubbed };
}

function loadEach(root, files, entitySet, schemas, failed, EntitySchema) {
  for (const f of files) {
    for (let attempt = 0; ; attempt++) {
      const undo = checkpoint();
      try {
        const exports = require(f);
        for (const v of Object.values(exports || {})) {
          if (v instanceof EntitySchema) schemas.push(v);
        }
        break;
      } catch (e) {
        const helper = attempt < 10 && throwingHelper(root, e, entitySet);
        if (helper) {
          // Outside its runtime (Electron's user folder, a cloud client) a workspace
          // helper can throw while an entity file loads; it is stubbed like a package,
          // and listed, and the entity file loaded again.
          undo();
          stubbedFiles.set(helper, String(e && e.message).split("\n")[0]);
          continue;
        }
        // HARNESS_STACK=1 keeps the whole stack, to see which import threw.
        const error = process.env.HARNESS_STACK ? String(e && e.stack) : String(e && e.message).split("\n")[0];
        failed.push({ file: path.relative(root, f), error });
        break;
      }
    }
  }
}

// The workspace files stubbed because they threw while an entity file loaded, with why.
const stubbedFiles = new Map();

// The first frame of an error's stack in a workspace `.ts` file that is not an entity file
// (nor already stubbed), or null.
function throwingHelper(root, e, entitySet) {
  for (const m of String(e && e.stack).matchAll(/\(?(\/[^():\s]+\.ts):\d+:\d+\)?/g)) {
    const file = m[1];
    if (file.startsWith(root + path.sep) && !entitySet.has(file) && !stubbedFiles.has(file)) return file;
  }
  return null;
}

// A way back to the present module cache and decorator storage: a failed load's modules
// are forgotten and the decorators they applied removed, so that loading again does not
// register a class twice.
function checkpoint() {
  const cached = new Set(Object.keys(require.cache));
  const storage = require("typeorm").getMetadataArgsStorage();
  const lengths = Object.entries(storage)
    .filter(([, v]) => Array.isArray(v))
    .map(([k, v]) => [k, v.length]);
  return () => {
    for (const k of Object.keys(require.cache)) if (!cached.has(k)) delete require.cache[k];
    for (const [k, n] of lengths) storage[k].length = n;
  };
}

module.exports = { loadEntities };
