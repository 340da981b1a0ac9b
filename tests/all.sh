#!/usr/bin/env bash
# The whole test suite: `cargo test`, then the tests that drive real clients
# (Neovim's LSP client, pre-commit, the GitHub Action's steps, Microsoft's
# SARIF validator). Installs what those need when it is missing: Neovim from
# Debian, pre-commit and PyYAML from PyPI (a private virtualenv), the
# validators from npm (under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== SARIF validator (Microsoft SARIF multitool, from npm)"
sarif_dir=/tmp/sarif
export SARIF_MULTITOOL="$sarif_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
# The validator is a .NET program: without libicu it needs invariant mode.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
if [ ! -f "$SARIF_MULTITOOL" ]; then
    npm install --prefix "$sarif_dir" --no-audit --no-fund @microsoft/sarif-multitool-linux
fi
# npm may skip the package's postinstall script, which only does this.
chmod u+x "$SARIF_MULTITOOL"

echo "== cargo test"
cargo test

echo "== Neovim's LSP client against layerlint lsp (tests/editor)"
LAYERLINT_BIN="${CARGO_TARGET_DIR:-target}/debug/layerlint" tests/editor/nvim-test.sh

echo "== SARIF of tests/fixtures/render/Dockerfile through the validator"
sarif_out=$(mktemp -d)
"${CARGO_TARGET_DIR:-target}/debug/layerlint" check --format sarif --exit-zero \
    --output "$sarif_out/layerlint.sarif" tests/fixtures/render/Dockerfile
"$SARIF_MULTITOOL" validate "$sarif_out/layerlint.sarif" --output "$sarif_out/validation.sarif" \
    --log ForceOverwrite --level "Error;Warning;Note" >/dev/null
# The validator exits 0 whatever it finds: read its report.
node -e '
const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const results = log.runs[0].results || [];
const bad = results.filter(r => (r.level || "warning") !== "note");
for (const r of results) console.log(`${r.level || "warning"} ${r.ruleId} ${JSON.stringify(r.message)}`);
if (bad.length) { console.error(`SARIF validation: ${bad.length} errors or warnings`); process.exit(1); }
console.log(`SARIF validation: no errors or warnings (${results.length} notes)`);
' "$sarif_out/validation.sarif"

echo "== integrations: the pre-commit hooks, run by the real pre-commit"
export PRE_COMMIT_VENV=/tmp/layerlint-ci-venv
if [ ! -x "$PRE_COMMIT_VENV/bin/pre-commit" ]; then
    python3 -m venv "$PRE_COMMIT_VENV"
    "$PRE_COMMIT_VENV/bin/pip" install --quiet --disable-pip-version-check pre-commit
fi
tests/integrations/pre-commit.sh

echo "== integrations: the GitHub Action, validated by its schema and run step by step"
validator_dir=/tmp/action-validator
if [ ! -x "$validator_dir/node_modules/.bin/action-validator" ]; then
    npm install --prefix "$validator_dir" --no-audit --no-fund \
        @action-validator/cli@0.6.0 @action-validator/core@0.6.0
fi
"$validator_dir/node_modules/.bin/action-validator" action.yml
bin_dir=$(cd "${CARGO_TARGET_DIR:-target}/debug" && pwd)
PATH="$bin_dir:$PATH" "$PRE_COMMIT_VENV/bin/python" tests/integrations/action.py
