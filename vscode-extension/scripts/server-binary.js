// The typeorm-lsp binary the tests and scripts use: $TYPEORM_LSP_BIN, else the debug build
// under $CARGO_TARGET_DIR or the repository's target/ (built by `cargo test`/`cargo build`).
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..');

function serverBinary(profile = 'debug') {
  if (process.env.TYPEORM_LSP_BIN && profile === 'debug') {
    return process.env.TYPEORM_LSP_BIN;
  }
  const exe = process.platform === 'win32' ? 'typeorm-lsp.exe' : 'typeorm-lsp';
  const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(repo, process.env.CARGO_TARGET_DIR) : path.join(repo, 'target');
  const bin = path.join(targetDir, profile, exe);
  if (!fs.existsSync(bin)) {
    throw new Error(`${bin} does not exist: build it with cargo (${profile === 'release' ? 'cargo build --release' : 'cargo build'}) first`);
  }
  return bin;
}

module.exports = { repo, serverBinary };
