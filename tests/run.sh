#!/usr/bin/env bash
# The whole test suite: installs the editor the end-to-end tests drive, then runs every
# Rust test (unit, fixtures, CLI, LSP over stdio, headless neovim).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-deps.sh
cargo test --workspace
