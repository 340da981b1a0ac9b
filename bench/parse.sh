#!/bin/sh
# Parser throughput over the corpus (see benches/parse.rs). Runs with the
# bench profile, which inherits the release settings from Cargo.toml.
# LAYERLINT_CORPUS=<dir> picks another corpus; LAYERLINT_BENCH_SECS=<n> the run length.
set -eu
cd "$(dirname "$0")/.."
exec cargo bench --bench parse "$@"
