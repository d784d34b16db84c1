// Builds the extension: one bundled file (esbuild), Mermaid's browser bundle, the JSON
// schema of typeorm-lsp.json and the LICENSE copied in, then a .vsix (@vscode/vsce).
//   npm run package                        universal .vsix (server from the setting or PATH)
//   npm run package -- --target linux-x64  bundles the release binary under server/linux-x64/
//                                          (built with `cargo build --release`, or taken from
//                                          $TYPEORM_LSP_SERVER_BINARY when set)
//   npm run bundle                         the bundle and copied files only, no .vsix
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const esbuild = require('esbuild');
const { repo, serverBinary } = require('./server-binary');

const root = path.resolve(__dirname, '..');
const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64', 'alpine-x64'];

function parseArgs(argv) {
  const args = { target: undefined, bundleOnly: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--target') {
      args.target = argv[++i];
    } else if (argv[i].startsWith('--target=')) {
      args.target = argv[i].slice('--target='.length);
    } else if (argv[i] === '--bundle-only') {
      args.bundleOnly = true;
    } else {
      throw new Error(`unknown argument ${argv[i]} (expected --target <platform-arch> or --bundle-only)`);
    }
  }
  if (args.target !== undefined && !TARGETS.includes(args.target)) {
    throw new Error(`unknown target ${args.target}: one of ${TARGETS.join(', ')}`);
  }
  return args;
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
  fs.copyFileSync(from, path.join(root, to));
}

async function bundle() {
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'src', 'extension.ts')],
    bundle: true,
    outfile: path.join(root, 'dist', 'extension.js'),
    external: ['vscode'],
    format: 'cjs',
    platform: 'node',
    target: 'node16', // VS Code 1.75's Node.js
    minify: true,
    logLevel: 'warning',
  });
  copy(require.resolve('mermaid/dist/mermaid.min.js'), 'media/mermaid.min.js');
  copy(path.join(repo, 'typeorm-lsp.schema.json'), 'schemas/typeorm-lsp.schema.json');
  copy(path.join(repo, 'LICENSE'), 'LICENSE');
}

/** Puts the server binary for `target` under server/<target>/ (and nothing else there). */
function bundleServer(target) {
  const serverDir = path.join(root, 'server');
  fs.rmSync(serverDir, { recursive: true, force: true });
  if (target === undefined) {
    return;
  }
  let binary = process.env.TYPEORM_LSP_SERVER_BINARY;
  if (!binary) {
    const host = `${process.platform}-${process.arch}`;
    if (target !== host) {
      throw new Error(`--target ${target} on ${host}: cross-compile the server yourself and set TYPEORM_LSP_SERVER_BINARY`);
    }
    console.log('cargo build --release (the server binary to bundle)');
    execFileSync('cargo', ['build', '--release', '--bin', 'typeorm-lsp'], { cwd: repo, stdio: 'inherit' });
    binary = serverBinary('release');
  }
  const name = target.startsWith('win32') ? 'typeorm-lsp.exe' : 'typeorm-lsp';
  const dest = path.join(serverDir, target, name);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(binary, dest);
  fs.chmodSync(dest, 0o755);
  if (target.startsWith('linux') && process.platform === 'linux') {
    try {
      execFileSync('strip', [dest]); // debug symbols are most of an unstripped binary
    } catch {
      console.log('strip is not available: the binary is bundled unstripped');
    }
  }
  console.log(`bundled ${binary} as server/${target}/${name} (${fs.statSync(dest).size} bytes)`);
}

function vsce(target) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const out = target ? `${manifest.name}-${target}-${manifest.version}.vsix` : `${manifest.name}-${manifest.version}.vsix`;
  const args = ['package', '--no-dependencies', '--allow-missing-repository', '--out', out];
  if (target) {
    args.push('--target', target);
  }
  const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
  execFileSync(bin, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  await bundle();
  if (args.bundleOnly) {
    return;
  }
  bundleServer(args.target);
  const out = vsce(args.target);
  console.log(`packaged ${path.join(root, out)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
