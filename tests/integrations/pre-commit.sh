#!/usr/bin/env bash
# The pre-commit hooks, run by the real pre-commit (installed from PyPI into
# a private virtualenv) against a throw-away git repository:
#   1. `pre-commit try-repo <this repo> layerlint`: the `language: rust` hook
#      builds layerlint from this checkout with cargo, fails on a bad
#      Dockerfile and passes on a good one;
#   2. the `layerlint-system` hook with `args: [--fix]` from a
#      .pre-commit-config.yaml fixes a file and fails with "files were
#      modified", then passes on the fixed file.
# Usage: tests/integrations/pre-commit.sh [LAYERLINT_BIN]
# (LAYERLINT_BIN: the binary for the system hook; default target/debug/layerlint)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-${CARGO_TARGET_DIR:-$repo/target}/debug/layerlint}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[ -x "$bin" ] || { echo "pre-commit test: $bin not built" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv=${PRE_COMMIT_VENV:-$work/venv}
if [ ! -x "$venv/bin/pre-commit" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
fi
pre_commit="$venv/bin/pre-commit"
export PRE_COMMIT_HOME="$work/cache"
# The rust hook's build: no LTO and many codegen units, so the test does not
# spend minutes optimising (the hook's behaviour is the same).
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_OPT_LEVEL=1

project="$work/project"
mkdir -p "$project/bad" "$project/good" "$project/fixable"
cd "$project"
git init --quiet
git config user.email test@example.com
git config user.name test
printf 'FROM alpine:3.20\nWORKDIR app\nCMD ["sh"]\n' > bad/Dockerfile
printf 'FROM alpine:3.20\nWORKDIR /app\nCMD ["sh"]\n' > good/Dockerfile
printf 'FROM alpine:3.20 as build\nCMD ["sh"]\n' > fixable/Containerfile
git add . && git commit --quiet -m fixtures

fail() { echo "pre-commit test FAILED: $*" >&2; exit 1; }

echo "== try-repo layerlint (language: rust) on a bad Dockerfile" >&2
if out=$("$pre_commit" try-repo "$repo" layerlint --files bad/Dockerfile 2>&1); then
    echo "$out" >&2
    fail "the hook passed on bad/Dockerfile"
fi
echo "$out" | grep -q 'DL3000' || { echo "$out" >&2; fail "no DL3000 in the hook output"; }

echo "== try-repo layerlint on a good Dockerfile" >&2
out=$("$pre_commit" try-repo "$repo" layerlint --files good/Dockerfile 2>&1) ||
    { echo "$out" >&2; fail "the hook failed on good/Dockerfile"; }
echo "$out" | grep -q 'layerlint.*Passed' || { echo "$out" >&2; fail "hook did not report Passed"; }

echo "== layerlint-system with --fix" >&2
rev=$(git -C "$repo" rev-parse HEAD)
cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: layerlint-system
        args: [--fix]
EOF
git add .pre-commit-config.yaml && git commit --quiet -m config
mkdir -p "$work/bin" && ln -s "$bin" "$work/bin/layerlint"
export PATH="$work/bin:$PATH"
if out=$("$pre_commit" run layerlint-system --files fixable/Containerfile 2>&1); then
    echo "$out" >&2
    fail "the --fix hook passed although it changed the file"
fi
echo "$out" | grep -q 'files were modified by this hook' || { echo "$out" >&2; fail "no 'files were modified'"; }
grep -q '^FROM alpine:3.20 AS build$' fixable/Containerfile || fail "the file was not fixed: $(cat fixable/Containerfile)"
out=$("$pre_commit" run layerlint-system --files fixable/Containerfile 2>&1) ||
    { echo "$out" >&2; fail "the hook failed on the fixed file"; }
echo "pre-commit test passed" >&2
