#!/usr/bin/env bash
# The whole test suite: installs the editor the end-to-end tests drive, runs every Rust
# test (unit, fixtures, CLI, LSP over stdio, headless neovim), then builds the VS Code
# client and checks the ER diagram it renders.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-deps.sh
cargo test --workspace
# The binary the Node tests run: where cargo put it, also under CARGO_TARGET_DIR.
TYPEORM_LSP_BIN="$(cargo metadata --format-version 1 --no-deps \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')/debug/typeorm-lsp"
export TYPEORM_LSP_BIN
cd vscode-extension
npm ci --no-audit --no-fund
npm run compile
node --test test/
