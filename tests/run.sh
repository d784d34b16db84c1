#!/usr/bin/env bash
# The whole test suite: installs the editor the end-to-end tests drive, runs every Rust
# test (unit, fixtures, CLI, LSP over stdio, headless neovim), then builds the VS Code
# client and checks the ER diagram it renders.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-deps.sh
# the TypeScript compiler the fix-safety test (server/tests/fix_compiles.rs) compiles with
npm ci --prefix tests/tsc --no-audit --no-fund
cargo test --workspace
cd vscode-extension
npm ci --no-audit --no-fund
npm run compile
node --test test/
