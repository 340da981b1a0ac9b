#!/usr/bin/env bash
# Builds the layerlint executable as it is shipped and prints its path.
#
# On Linux with glibc the executable is linked statically and at a fixed
# address (`-C target-feature=+crt-static -C relocation-model=static`):
#   - it runs on any Linux of the same architecture, whatever its glibc;
#   - a process starts with no dynamic loader, no shared libraries to map
#     and no relocations to apply. One process per file (an editor, a hook)
#     then takes about 0.5-0.8 ms less per file on a 2-core VM than the
#     default `cargo build --release` executable (bench/run.sh prints both).
# Elsewhere it is the default release build.
#
# The flags apply to the target only (`--target` is given), so build
# scripts and proc-macros, which cannot be static, are built as usual.
# Trade-offs of a static glibc: the executable's image is not randomised
# (as with the default build, see build.rs), and user-database lookups
# (only when HOME is unset) need the same glibc's NSS modules at run time.
#
# Usage: scripts/release-build.sh [cargo build options…]
#   e.g. scripts/release-build.sh --quiet
# To install it: install -m 755 "$(scripts/release-build.sh)" ~/.local/bin/
set -euo pipefail
cd "$(dirname "$0")/.."

host=$(rustc -vV | sed -n 's/^host: //p')
target_dir=${CARGO_TARGET_DIR:-target}
case $host in
    *-linux-gnu)
        RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static -C relocation-model=static" \
            cargo build --release --locked --target "$host" --bin layerlint "$@" >&2
        echo "$target_dir/$host/release/layerlint"
        ;;
    *)
        cargo build --release --locked --bin layerlint "$@" >&2
        echo "$target_dir/release/layerlint"
        ;;
esac
