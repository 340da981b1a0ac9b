//! The context and cache rules and `layerlint explain` on the fixture
//! projects in `tests/fixtures/projects/`: each has a realistic Dockerfile
//! with the problems, a fixed `Dockerfile.fixed`, and real manifest files
//! in its context.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const RULES: &str = "LL201,LL202,LL501,LL502,LL503";

fn projects() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/projects")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn layerlint(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_layerlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `(code, line)` of each finding of the context and cache rules.
fn findings(dir: &Path, dockerfile: &str) -> Vec<(String, u64)> {
    let run = layerlint(
        dir,
        &[
            "check",
            "--no-config",
            "--select",
            RULES,
            "--format",
            "json",
            dockerfile,
        ],
    );
    assert!(run.code < 2, "{dockerfile}: {}", run.stderr);
    let found: Value = serde_json::from_str(&run.stdout).unwrap();
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn rules_fire_on_the_bad_dockerfiles_and_not_on_the_fixed_ones() {
    let expected: &[(&str, &[(&str, u64)])] = &[
        ("node", &[("LL202", 2), ("LL201", 4), ("LL502", 4)]),
        ("python", &[("LL201", 3), ("LL501", 5)]),
        ("go", &[("LL202", 2), ("LL201", 4), ("LL503", 10)]),
        ("rust", &[("LL201", 3)]),
        ("java", &[("LL201", 3)]),
        ("ruby", &[("LL202", 2), ("LL201", 4)]),
        ("php", &[("LL201", 4), ("LL501", 6)]),
    ];
    for (project, want) in expected {
        let dir = projects().join(project);
        let mut got = findings(&dir, "Dockerfile");
        got.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        let mut want: Vec<(String, u64)> =
            want.iter().map(|(c, l)| ((*c).to_owned(), *l)).collect();
        want.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        assert_eq!(got, want, "{project}/Dockerfile");
        assert_eq!(
            findings(&dir, "Dockerfile.fixed"),
            vec![],
            "{project}/Dockerfile.fixed"
        );
    }
}

#[test]
fn every_context_and_cache_rule_is_exercised() {
    let mut seen = std::collections::BTreeSet::new();
    for project in ["node", "python", "go", "rust", "java", "ruby", "php"] {
        for (code, _) in findings(&projects().join(project), "Dockerfile") {
            seen.insert(code);
        }
    }
    let all: std::collections::BTreeSet<String> = RULES.split(',').map(str::to_owned).collect();
    assert_eq!(seen, all);
}

/// `<Dockerfile>.dockerignore` beats `.dockerignore`: the node project's
/// fixed Dockerfile has its own ignore file, the bad one has none.
#[test]
fn dockerfile_specific_ignore_file_takes_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("node_modules/x")).unwrap();
    std::fs::write(root.join("node_modules/x/index.js"), "x").unwrap();
    std::fs::write(root.join("secret.txt"), "x").unwrap();
    let dockerfile = "FROM alpine\nCOPY . /app\nCOPY secret.txt /app/\n";
    std::fs::write(root.join("Dockerfile"), dockerfile).unwrap();
    std::fs::write(root.join("app.Dockerfile"), dockerfile).unwrap();
    // The shared ignore file keeps secret.txt out; app.Dockerfile's own
    // ignore file keeps node_modules out instead.
    std::fs::write(root.join(".dockerignore"), "secret.txt\n").unwrap();
    std::fs::write(root.join("app.Dockerfile.dockerignore"), "node_modules\n").unwrap();
    assert_eq!(findings(root, "Dockerfile"), vec![("LL501".to_owned(), 3)]);
    assert_eq!(findings(root, "app.Dockerfile"), vec![]);
    // Without any ignore file, the broad COPY is flagged.
    std::fs::remove_file(root.join(".dockerignore")).unwrap();
    assert_eq!(findings(root, "Dockerfile"), vec![("LL502".to_owned(), 2)]);
    assert_eq!(findings(root, "app.Dockerfile"), vec![]);
}

#[test]
fn context_option_and_standard_input() {
    let project = projects().join("go");
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = dir.path().join("Dockerfile");
    std::fs::copy(project.join("Dockerfile"), &dockerfile).unwrap();
    // In its own directory (no config.yaml, no go.mod) the COPY of
    // config.yaml is flagged; with --context pointing at the project too.
    let args = |extra: &[&str]| {
        let mut a = vec![
            "check",
            "--no-config",
            "--select",
            "LL503",
            "--format",
            "json",
        ];
        a.extend_from_slice(extra);
        a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
    };
    let count = |run: &Run| {
        let v: Value = serde_json::from_str(&run.stdout).unwrap();
        v.as_array().unwrap().len()
    };
    let project_arg = project.to_str().unwrap();
    let run = layerlint(
        dir.path(),
        &args(&["--context", project_arg, "Dockerfile"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(count(&run), 1, "{}", run.stderr);
    // Standard input has no context unless --context is given.
    let stdin = |extra: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_layerlint"));
        cmd.args(args(extra))
            .arg("-")
            .current_dir(dir.path())
            .stdin(std::fs::File::open(&dockerfile).unwrap());
        let out = cmd.output().unwrap();
        Run {
            code: out.status.code().unwrap(),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    };
    assert_eq!(count(&stdin(&[])), 0);
    assert_eq!(count(&stdin(&["--context", project_arg])), 1);
    // A --context that does not exist is an error.
    let run = layerlint(
        dir.path(),
        &["check", "--no-config", "--context", "nowhere", "Dockerfile"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nowhere"), "{}", run.stderr);
}

fn explain_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["explain", "--no-config", "--format", "json"];
    all.extend_from_slice(args);
    let run = layerlint(dir, &all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// `(line, status)` of every step.
fn statuses(report: &Value) -> Vec<(u64, String)> {
    report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["steps"].as_array().unwrap().iter())
        .map(|step| {
            (
                step["line"].as_u64().unwrap(),
                step["status"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn explain_changed_source_file_rebuilds_from_the_broad_copy() {
    let dir = projects().join("rust");
    let report = explain_json(&dir, &["Dockerfile", "--changed", "src/main.rs"]);
    let cached = |lines: &[u64]| {
        lines
            .iter()
            .map(|&l| (l, "cached".to_owned()))
            .collect::<Vec<_>>()
    };
    let rebuilt = |lines: &[u64]| {
        lines
            .iter()
            .map(|&l| (l, "rebuilt".to_owned()))
            .collect::<Vec<_>>()
    };
    let mut want = cached(&[1, 2]);
    want.extend(rebuilt(&[3, 4, 5]));
    want.extend(cached(&[7]));
    want.extend(rebuilt(&[8, 9]));
    assert_eq!(statuses(&report), want);
    assert_eq!(report["first_miss"]["line"], 3);
    assert_eq!(report["first_miss"]["reason"]["reason"], "changed");
    assert_eq!(report["first_miss"]["reason"]["files"][0], "src/main.rs");

    // The fixed Dockerfile keeps the dependency fetch cached.
    let report = explain_json(&dir, &["Dockerfile.fixed", "--changed", "src/main.rs"]);
    let mut want = cached(&[1, 2, 3, 4]);
    want.extend(rebuilt(&[5, 6]));
    want.extend(cached(&[8]));
    want.extend(rebuilt(&[9, 10]));
    assert_eq!(statuses(&report), want);

    // A manifest change rebuilds from the manifest COPY; an ignored file
    // changes nothing.
    let report = explain_json(&dir, &["Dockerfile.fixed", "--changed", "Cargo.lock"]);
    assert_eq!(report["first_miss"]["line"], 3);
    let report = explain_json(
        &dir,
        &["Dockerfile.fixed", "--changed", "target/debug/pinger"],
    );
    assert!(report["first_miss"].is_null());
    assert_eq!(report["summary"]["rebuilt"], 0);
}

#[test]
fn explain_text_table() {
    let dir = projects().join("node");
    let run = layerlint(
        &dir,
        &[
            "explain",
            "--no-config",
            "Dockerfile",
            "--changed",
            "server.js",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.stdout;
    assert!(out.contains("Changed:    server.js"), "{out}");
    assert!(
        out.lines().any(|l| l.contains("RUN npm ci --omit=dev")
            && l.contains("install")
            && l.contains("REBUILT (after line 4)")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("RUN npm ci") && l.contains("args GIT_COMMIT")),
        "{out}"
    );
    assert!(
        out.contains("First cache miss: line 4 `COPY . .` (server.js changed)"),
        "{out}"
    );
}

/// After LL201's fix, a source-only change keeps the install cached.
#[test]
fn ll201_fix_keeps_the_install_cached() {
    let dir = tempfile::tempdir().unwrap();
    let project = projects().join("node");
    for name in [
        "package.json",
        "package-lock.json",
        "server.js",
        "Dockerfile",
    ] {
        std::fs::copy(project.join(name), dir.path().join(name)).unwrap();
    }
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::copy(
        project.join("src/routes.js"),
        dir.path().join("src/routes.js"),
    )
    .unwrap();
    let npm_ci = |report: &Value| {
        report["stages"][0]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["instruction"].as_str().unwrap().starts_with("RUN npm ci"))
            .map(|s| s["status"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let before = explain_json(dir.path(), &["Dockerfile", "--changed", "src/routes.js"]);
    assert_eq!(npm_ci(&before), "rebuilt");
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--select",
            "LL201",
            "--fix",
            "--unsafe-fixes",
            "Dockerfile",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        fixed.contains("COPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .\n"),
        "{fixed}"
    );
    let after = explain_json(dir.path(), &["Dockerfile", "--changed", "src/routes.js"]);
    assert_eq!(npm_ci(&after), "cached");
    // A lock file change still rebuilds it.
    let after = explain_json(
        dir.path(),
        &["Dockerfile", "--changed", "package-lock.json"],
    );
    assert_eq!(npm_ci(&after), "rebuilt");
}

#[test]
fn explain_since_git_ref() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(root)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    let project = projects().join("go");
    for name in ["go.mod", "go.sum", "main.go", "Dockerfile.fixed"] {
        std::fs::copy(project.join(name), root.join(name)).unwrap();
    }
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "init"]);
    std::fs::write(root.join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    let report = explain_json(root, &["Dockerfile.fixed", "--since", "HEAD"]);
    assert_eq!(report["changed"], serde_json::json!(["main.go"]));
    assert_eq!(report["first_miss"]["line"], 5);
    let run = layerlint(
        root,
        &[
            "explain",
            "--no-config",
            "Dockerfile.fixed",
            "--since",
            "no-such-ref",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`no-such-ref` is not a commit"),
        "{}",
        run.stderr
    );
}

/// The configuration's `context` key, relative to the configuration file.
#[test]
fn context_from_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docker")).unwrap();
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::write(root.join("app/main.py"), "print()\n").unwrap();
    std::fs::write(
        root.join("docker/Dockerfile"),
        "FROM python:3.12\nCOPY main.py missing.py /app/\n",
    )
    .unwrap();
    let run = |config: &str| {
        std::fs::write(root.join(".layerlint.yaml"), config).unwrap();
        let run = layerlint(
            root,
            &[
                "check",
                "--select",
                "LL503",
                "--format",
                "json",
                "docker/Dockerfile",
            ],
        );
        assert!(run.code < 2, "{}", run.stderr);
        let found: Value = serde_json::from_str(&run.stdout).unwrap();
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["message"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    // Default: the Dockerfile's directory, where neither file exists.
    assert_eq!(run("{}\n").len(), 2);
    let found = run("context: app\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].contains("missing.py"), "{found:?}");
}

/// The idiomatic versions stay quiet under every cache, size, security and
/// context rule, not only the ones the bad versions exercise (`LL205`, a
/// preview rule that asks for cache mounts the fixed files don't use, aside).
#[test]
fn fixed_dockerfiles_are_quiet_under_every_advisor_rule() {
    for project in ["node", "python", "go", "rust", "java", "ruby", "php"] {
        let run = layerlint(
            &projects().join(project),
            &[
                "check",
                "--no-config",
                "--select",
                "LL2,LL3,LL4,LL5",
                "--ignore",
                "LL205",
                "--format",
                "gnu",
                "Dockerfile.fixed",
            ],
        );
        assert_eq!(run.code, 0, "{project}: {}{}", run.stdout, run.stderr);
    }
}
