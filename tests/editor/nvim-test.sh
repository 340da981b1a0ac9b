#!/usr/bin/env bash
# Neovim's built-in LSP client drives `layerlint lsp` on a fixture (see
# lsp-test.lua). Installs Neovim from Debian when it is missing.
#
#   tests/editor/nvim-test.sh            # uses target/debug/layerlint (builds it if missing)
#   LAYERLINT_BIN=path/to/layerlint tests/editor/nvim-test.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${LAYERLINT_BIN:-${CARGO_TARGET_DIR:-target}/debug/layerlint}
if [ ! -x "$bin" ]; then
    cargo build --quiet
fi
bin=$(realpath "$bin")

if ! command -v nvim >/dev/null 2>&1; then
    echo "installing neovim (Debian package)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq neovim >/dev/null
fi
nvim --version | head -n 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp tests/editor/Dockerfile "$work/Dockerfile"
# A home without anyone's hadolint configuration.
mkdir -p "$work/home"
HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" \
LAYERLINT_BIN="$bin" FIXTURE="$work/Dockerfile" \
    timeout 180 nvim --headless -u NONE -i NONE -n \
    -c "luafile tests/editor/lsp-test.lua" </dev/null
