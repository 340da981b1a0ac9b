#!/usr/bin/env bash
# Kept for old instructions: the speed comparison is now part of
# bench/run.sh, which prints every figure in one run.
exec "$(dirname "$0")/run.sh" "$@"
