#!/usr/bin/env python3
"""Per-rule differential against hadolint over the corpus.

For every DL rule: findings by hadolint, findings by layerlint, matched
(same file and line), only hadolint, only layerlint. Files hadolint cannot
parse are left out of both sides.

    bench/compare-rules.py [--rules DL3008,DL3009] [--show N] [--hadolint-json FILE] [--debug]

hadolint's findings are cached in target/compare/hadolint.jsonl (one run
over the corpus takes minutes); delete the file or pass --refresh to re-run
it. hadolint comes from ../shared/peers (hadolint.sh, neutral config).
layerlint is built in release mode and run with the compared rules
selected. The opt-in rules (DL1001, DL3057) are compared only when --rules
names them.

Environment: LAYERLINT_CORPUS (default ../shared/corpus/files).
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPT_IN = {"DL1001", "DL3057"}


def corpus_files(corpus):
    out = []
    for d, _, names in os.walk(corpus):
        for n in names:
            if not n.endswith(".dockerignore"):
                out.append(os.path.relpath(os.path.join(d, n), os.path.dirname(corpus)))
    return sorted(out)


def chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def run_hadolint(corpus, files, cache):
    script = os.path.join(ROOT, "..", "shared", "peers", "hadolint.sh")
    if not os.path.exists(script):
        sys.exit(f"{script} not found: install the peers (../shared/peers/setup.sh)")
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    print(f"== running hadolint over {len(files)} files (minutes)", file=sys.stderr)
    procs = []
    parts = list(chunks(files, (len(files) + 1) // 2 or 1))
    for i, part in enumerate(parts):
        out = open(f"{cache}.{i}", "w")
        procs.append((subprocess.Popen([script, *part], cwd=os.path.dirname(corpus), stdout=out), out))
    for p, out in procs:
        p.wait()
        out.close()
    with open(cache, "w") as w:
        for i in range(len(parts)):
            with open(f"{cache}.{i}") as r:
                w.write(r.read())
            os.remove(f"{cache}.{i}")


HEREDOC = re.compile(r"<<(-?)[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")


def instruction_starts(path):
    """Maps each line of a Dockerfile to the first line of the instruction
    it belongs to (continuations, and heredoc bodies), roughly as BuildKit
    reads them: hadolint reports at that line, layerlint at the word."""
    try:
        with open(path, errors="replace") as f:
            lines = f.read().split("\n")
    except OSError:
        return {}
    escape = "\\"
    for line in lines[:5]:
        m = re.match(r"#\s*escape\s*=\s*(\S)", line)
        if m:
            escape = m.group(1)
    starts, start, continued, heredocs = {}, None, False, []
    for n, line in enumerate(lines, 1):
        if heredocs:
            starts[n] = start
            strip, name = heredocs[0]
            if (line.lstrip("\t") if strip else line) == name:
                heredocs.pop(0)
            continue
        stripped = line.strip()
        if continued and (not stripped or stripped.startswith("#")):
            starts[n] = start
            continue
        if not continued:
            start = n
        starts[n] = start
        continued = line.rstrip().endswith(escape) and not stripped.startswith("#")
        if not stripped.startswith("#"):
            heredocs.extend((bool(m.group(1)), m.group(2)) for m in HEREDOC.finditer(line))
    return starts


def run_layerlint(corpus, files, rules, profile):
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    build = ["cargo", "build", "--quiet"] + (["--release"] if profile == "release" else [])
    subprocess.run(build, cwd=ROOT, check=True)
    exe = os.path.join(target, profile, "layerlint")
    found = []
    for part in chunks(files, 2000):
        p = subprocess.run(
            [exe, "check", "--no-config", "--format", "json", "--exit-zero",
             "--select", ",".join(rules), *part],
            cwd=os.path.dirname(corpus), capture_output=True, text=True)
        if p.returncode not in (0, 1):
            sys.exit(f"layerlint failed ({p.returncode}): {p.stderr[:2000]}")
        found.extend(json.loads(p.stdout or "[]"))
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", help="comma-separated DL codes (default: every DL rule hadolint reported)")
    ap.add_argument("--show", type=int, default=0, help="print up to N differing findings per rule")
    ap.add_argument("--hadolint-json", help="hadolint.sh output to use instead of the cache")
    ap.add_argument("--refresh", action="store_true", help="re-run hadolint")
    ap.add_argument("--debug", action="store_true", help="use a debug build of layerlint (quicker to build)")
    args = ap.parse_args()

    corpus = os.path.abspath(os.environ.get("LAYERLINT_CORPUS", os.path.join(ROOT, "..", "shared", "corpus", "files")))
    files = corpus_files(corpus)
    cache = args.hadolint_json or os.path.join(ROOT, "target", "compare", "hadolint.jsonl")
    if not args.hadolint_json and (args.refresh or not os.path.exists(cache)):
        run_hadolint(corpus, files, cache)

    had = collections.defaultdict(collections.Counter)
    parse_error = set()
    with open(cache) as f:
        for line in f:
            d = json.loads(line)
            name = d["file"][2:] if d["file"].startswith("./") else d["file"]
            if d["code"] == "PARSE_ERROR":
                parse_error.add(name)
            had[d["code"]][(name, d["line"])] += 1

    all_sc = False
    if args.rules:
        rules = args.rules.split(",")
        # `SC`: every ShellCheck code either side reports.
        all_sc = "SC" in rules
        rules = [r for r in rules if r != "SC"]
    else:
        rules = sorted(c for c in had if c.startswith("DL") and c not in OPT_IN)
    ours = collections.defaultdict(collections.Counter)
    # Every DL rule layerlint has (a code it lacks shows 0 findings).
    select = args.rules.split(",") if args.rules else ["DL"]
    starts = {}
    sc_seen = set()
    for d in run_layerlint(corpus, files, select, "debug" if args.debug else "release"):
        if d["code"] in rules or (all_sc and d["code"].startswith("SC")):
            # hadolint reports a rule once per instruction, at its first line.
            name = d["file"]
            if name not in starts:
                starts[name] = instruction_starts(os.path.join(os.path.dirname(corpus), name))
            key = (name, starts[name].get(d["line"], d["line"]))
            if d["code"].startswith("SC"):
                # hadolint keeps one ShellCheck finding per message and RUN.
                if (d["code"], key, d["message"]) not in sc_seen:
                    sc_seen.add((d["code"], key, d["message"]))
                    ours[d["code"]][key] += 1
            elif key not in ours[d["code"]]:
                ours[d["code"]][key] += 1

    if all_sc:
        rules += sorted({c for c in had if c.startswith("SC")} | {c for c in ours if c.startswith("SC")})

    def source_line(key):
        try:
            with open(os.path.join(os.path.dirname(corpus), key[0]), errors="replace") as f:
                return f.read().split("\n")[key[1] - 1].strip()[:100]
        except (OSError, IndexError):
            return "?"

    print(f"{'rule':8} {'hadolint':>8} {'ours':>8} {'matched':>8} {'only-h':>8} {'only-ours':>9} {'reproduced':>10}")
    for rule in rules:
        h = collections.Counter({k: v for k, v in had[rule].items() if k[0] not in parse_error})
        o = collections.Counter({k: v for k, v in ours[rule].items() if k[0] not in parse_error})
        matched = sum((h & o).values())
        only_h, only_o = h - o, o - h
        total = sum(h.values())
        share = f"{100 * matched / total:.1f}%" if total else "-"
        print(f"{rule:8} {total:8} {sum(o.values()):8} {matched:8} {sum(only_h.values()):8} {sum(only_o.values()):9} {share:>10}")
        for label, diff in (("hadolint only", only_h), ("layerlint only", only_o)):
            for key in sorted(diff)[: args.show]:
                print(f"    {label}: {key[0]}:{key[1]}  | {source_line(key)}")
    if all_sc:
        sc = [r for r in rules if r.startswith("SC")]
        h = sum(sum(v for k, v in had[r].items() if k[0] not in parse_error) for r in sc)
        o = sum(sum(v for k, v in ours[r].items() if k[0] not in parse_error) for r in sc)
        m = sum(sum((collections.Counter({k: v for k, v in had[r].items() if k[0] not in parse_error}) & ours[r]).values()) for r in sc)
        print(f"{'SC (all)':8} {h:8} {o:8} {m:8} {h - m:8} {o - m:9} {100 * m / h if h else 0:9.1f}%")
    print(f"(left out: {len(parse_error)} files hadolint cannot parse)")


if __name__ == "__main__":
    main()
