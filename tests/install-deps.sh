#!/usr/bin/env bash
# Installs what the test suite needs beyond Rust and Node.js: neovim (the headless editor
# test). The VS Code client's npm packages are installed by tests/run.sh (npm ci).
# Debian/Ubuntu via apt-get (as root, or with sudo); elsewhere, install neovim >= 0.7 yourself.
set -euo pipefail
if command -v nvim >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
if command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq neovim
else
  echo "install neovim >= 0.7 (the headless editor test needs it)" >&2
  exit 1
fi
