#!/usr/bin/env bash
# The whole test suite: installs the editors the end-to-end tests drive, runs every Rust
# test (unit, fixtures, CLI, LSP over stdio, headless neovim 0.7 and 0.11), then
# type-checks, lints, packages and tests the VS Code extension (against the debug server).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-deps.sh
# the TypeScript compiler the fix-safety test (server/tests/fix_compiles.rs) compiles with
npm ci --prefix tests/tsc --no-audit --no-fund
cargo test --workspace
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
# The npm packages (launcher + linux-x64 from the debug binary): packed, installed offline
# into a temp project and run with npx.
TYPEORM_LSP_BIN="$(realpath "$TARGET_DIR/debug/typeorm-lsp")" node --test npm/test/
cd vscode-extension
npm ci --no-audit --no-fund
npm run typecheck
npm run lint
npm run compile
npm run package
TYPEORM_LSP_SERVER_BINARY="$(cd .. && realpath "$TARGET_DIR/debug/typeorm-lsp")" npm run package -- --target linux-x64
node --test test/
