#!/usr/bin/env python3
"""Runs the composite GitHub Action (action.yml) the way a runner does.

Each step's `run` script is executed with `bash --noprofile --norc -eo
pipefail`, its `${{ inputs.* }}` / `${{ steps.*.outputs.* }}` expressions
filled in, and GITHUB_OUTPUT, GITHUB_PATH and GITHUB_ACTION_PATH set, on a
fixture project; the outputs, the exit code, the annotations and the SARIF
file are checked. layerlint must be on PATH (the install step then uses it).

Usage: tests/integrations/action.py   (needs PyYAML)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_action(workdir, inputs):
    with open(os.path.join(REPO, "action.yml")) as f:
        action = yaml.safe_load(f)
    values = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    values.update(inputs)
    outputs = {}
    for step in action["runs"]["steps"]:
        def fill(text):
            def one(m):
                expr = m.group(1).strip()
                if expr.startswith("inputs."):
                    return values[expr[len("inputs."):]]
                parts = expr.split(".")
                if parts[0] == "steps":
                    return outputs.get(parts[1], {}).get(parts[3], "")
                raise ValueError(f"unsupported expression {expr}")
            return re.sub(r"\$\{\{(.*?)\}\}", one, text)

        out_file = os.path.join(workdir, ".github_output")
        path_file = os.path.join(workdir, ".github_path")
        open(out_file, "w").close()
        env = dict(os.environ)
        env.update({k: fill(str(v)) for k, v in step.get("env", {}).items()})
        env.update({"GITHUB_OUTPUT": out_file, "GITHUB_PATH": path_file,
                    "GITHUB_ACTION_PATH": REPO, "GITHUB_ACTIONS": "true"})
        assert step["shell"] == "bash", step
        p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", fill(step["run"])],
                           cwd=workdir, env=env, capture_output=True, text=True)
        with open(out_file) as f:
            outputs[step.get("id", "")] = dict(l.rstrip("\n").split("=", 1) for l in f if "=" in l)
        if p.returncode != 0:
            return p.returncode, p.stdout, p.stderr, outputs
    return 0, p.stdout, p.stderr, outputs


def main():
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    with tempfile.TemporaryDirectory() as work:
        os.makedirs(os.path.join(work, "app"))
        with open(os.path.join(work, "app", "Dockerfile"), "w") as f:
            f.write("FROM alpine:3.20\nWORKDIR app\nCMD [\"sh\"]\n")
        with open(os.path.join(work, "ok.Dockerfile"), "w") as f:
            f.write("FROM alpine:3.20\nWORKDIR /app\nCMD [\"sh\"]\n")

        code, stdout, stderr, outputs = run_action(work, {})
        check(code == 1, f"findings should fail the step, got {code}: {stderr}")
        check(outputs["lint"].get("exit-code") == "1", f"exit-code output: {outputs}")
        check("::error file=app/Dockerfile,line=2" in stdout, f"no annotation for DL3000 in {stdout!r}")
        sarif_path = os.path.join(work, outputs["lint"].get("sarif-file", "missing"))
        check(os.path.exists(sarif_path), "no SARIF file")
        if os.path.exists(sarif_path):
            with open(sarif_path) as f:
                sarif = json.load(f)
            rules = [r["ruleId"] for r in sarif["runs"][0]["results"]]
            check(sarif["version"] == "2.1.0" and "DL3000" in rules, f"SARIF results: {rules}")

        # Only the clean file: the step passes.
        code, stdout, stderr, outputs = run_action(work, {"paths": "ok.Dockerfile", "sarif-file": ""})
        check(code == 0, f"a clean file should pass, got {code}: {stdout}{stderr}")
        check(outputs["lint"].get("exit-code") == "0" and "sarif-file" not in outputs["lint"],
              f"outputs for the clean run: {outputs}")

        # A baseline of today's findings makes the old repository pass.
        subprocess.run(["layerlint", "check", "--write-baseline", "base.json", "."], cwd=work, check=True,
                       capture_output=True)
        code, stdout, stderr, outputs = run_action(work, {"baseline": "base.json"})
        check(code == 0, f"with the baseline the step should pass, got {code}: {stdout}{stderr}")

        # Arguments pass through; a usage error exits 2.
        code, stdout, stderr, outputs = run_action(work, {"args": "--select NOPE"})
        check(code == 2, f"an unknown rule should exit 2, got {code}")

        # The threshold input: DL3000 is an error, so `none` passes.
        code, _, _, _ = run_action(work, {"severity-threshold": "none", "sarif-file": ""})
        check(code == 0, f"threshold none should pass, got {code}")

    if failures:
        for f in failures:
            print("action test FAILED:", f, file=sys.stderr)
        sys.exit(1)
    print("action test passed", file=sys.stderr)


if __name__ == "__main__":
    main()
