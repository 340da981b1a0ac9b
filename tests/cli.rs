//! The `layerlint` binary, run for real: exit codes, discovery, standard
//! input, fixes, diffs, rule selection, thresholds and colour.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// A fixable warning (LL102) and an error (DL3000).
const BAD: &str = "FROM alpine:3.20 as build\nWORKDIR app\n";
/// Only the fixable warning.
const WARNING_ONLY: &str = "FROM alpine:3.20 as build\nRUN true\n";
const CLEAN: &str = "FROM alpine:3.20\nWORKDIR /app\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn layerlint(dir: &Path, args: &[&str]) -> Run {
    layerlint_with(dir, args, None, &[])
}

fn layerlint_with(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_layerlint"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// `file:line` of each finding in `--format gnu` output.
fn gnu_files(stdout: &str) -> Vec<String> {
    let mut files: Vec<String> = stdout
        .lines()
        .filter_map(|l| l.split_once(':').map(|(f, _)| f.to_string()))
        .collect();
    files.dedup();
    files
}

fn snapshot(name: &str, value: &str) {
    insta::with_settings!({
        snapshot_path => "../snapshots/cli",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, value);
    });
}

#[test]
fn exit_codes() {
    let dir = tempdir();
    write(dir.path(), "clean/Dockerfile", CLEAN);
    write(dir.path(), "bad/Dockerfile", BAD);
    let clean = layerlint(dir.path(), &["check", "clean/Dockerfile"]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    assert_eq!(clean.stdout, "No findings in 1 file.\n");
    let bad = layerlint(dir.path(), &["check", "bad/Dockerfile"]);
    assert_eq!(bad.code, 1);
    let usage = layerlint(dir.path(), &["check", "--format", "yaml"]);
    assert_eq!(usage.code, 2);
    assert!(usage.stderr.contains("yaml"), "{}", usage.stderr);
    let build_arg = layerlint(dir.path(), &["check", "--build-arg", "NOVALUE", "clean"]);
    assert_eq!(build_arg.code, 2);
    assert!(
        build_arg.stderr.contains("KEY=VALUE"),
        "{}",
        build_arg.stderr
    );
}

#[test]
fn text_report() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", BAD);
    write(dir.path(), "clean.Dockerfile", CLEAN);
    let run = layerlint(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "");
    snapshot("text_report", &run.stdout);
    let quiet = layerlint(dir.path(), &["check", "--quiet"]);
    assert!(!quiet.stdout.contains("Found"), "{}", quiet.stdout);
    assert!(quiet.stdout.contains("warning[LL102]"), "{}", quiet.stdout);
    let stats = layerlint(dir.path(), &["check", "--statistics"]);
    snapshot("statistics", &stats.stdout);
    let stats_json = layerlint(dir.path(), &["check", "--statistics", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&stats_json.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2, "{rows}");
    let bad = layerlint(dir.path(), &["check", "--statistics", "--format", "sarif"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn missing_file_is_an_error_but_others_are_linted() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", BAD);
    let run = layerlint(
        dir.path(),
        &["check", "--format", "gnu", "nope/Dockerfile", "Dockerfile"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nope/Dockerfile"), "{}", run.stderr);
    assert_eq!(gnu_files(&run.stdout), ["Dockerfile"]);
    let zero = layerlint(dir.path(), &["check", "--exit-zero", "nope"]);
    assert_eq!(zero.code, 2, "--exit-zero does not hide I/O errors");
}

#[test]
fn directories_are_searched_honouring_gitignore() {
    let dir = tempdir();
    let root = dir.path();
    write(root, ".gitignore", "ignored/\n*.generated.Dockerfile\n");
    for name in [
        "Dockerfile",
        "Containerfile",
        "api.Dockerfile",
        "web.dockerfile",
        "Dockerfile.dev",
        "Containerfile.arm64",
        "sub/deep/Dockerfile",
        ".devcontainer/Dockerfile",
        "ignored/Dockerfile",
        "x.generated.Dockerfile",
        "Dockerfile.dockerignore",
        "README.md",
        "dockerfiles/notes.txt",
    ] {
        write(root, name, BAD);
    }
    let run = layerlint(root, &["check", "--format", "gnu"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        gnu_files(&run.stdout),
        [
            ".devcontainer/Dockerfile",
            "Containerfile",
            "Containerfile.arm64",
            "Dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "sub/deep/Dockerfile",
            "web.dockerfile",
        ]
    );
    let empty = layerlint(root, &["check", "dockerfiles"]);
    assert_eq!(empty.code, 0);
    assert!(
        empty.stderr.contains("no Dockerfiles found"),
        "{}",
        empty.stderr
    );
    // A file named explicitly is linted whatever its name, ignored or not.
    let explicit = layerlint(
        root,
        &[
            "check",
            "--format",
            "gnu",
            "ignored/Dockerfile",
            "README.md",
            "sub",
        ],
    );
    assert_eq!(
        gnu_files(&explicit.stdout),
        ["README.md", "ignored/Dockerfile", "sub/deep/Dockerfile"]
    );
}

#[test]
fn standard_input() {
    let dir = tempdir();
    let run = layerlint_with(
        dir.path(),
        &["check", "--format", "gnu", "-"],
        Some(BAD),
        &[],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("<stdin>:1:18-1:20: warning:"),
        "{}",
        run.stdout
    );
    let named = layerlint_with(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "svc/Dockerfile",
            "-",
        ],
        Some(BAD),
        &[],
    );
    let findings: serde_json::Value = serde_json::from_str(&named.stdout).unwrap();
    assert_eq!(findings[0]["file"], "svc/Dockerfile");
    let clean = layerlint_with(dir.path(), &["check", "-"], Some(CLEAN), &[]);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
}

#[test]
fn not_utf8_is_a_finding() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("Dockerfile"),
        b"FROM alpine\nRUN echo \xff\n",
    )
    .unwrap();
    let run = layerlint(dir.path(), &["check", "--format", "gnu", "Dockerfile"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("[LL013]"), "{}", run.stdout);
    let fix = layerlint(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(fix.code, 1);
    assert_eq!(
        std::fs::read(dir.path().join("Dockerfile")).unwrap(),
        b"FROM alpine\nRUN echo \xff\n"
    );
}

#[cfg(unix)]
#[test]
fn fix_writes_atomically_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let path = dir.path().join("Dockerfile");
    write(dir.path(), "Dockerfile", BAD);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let run = layerlint(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(run.code, 1, "DL3000 remains: {}", run.stdout);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "FROM alpine:3.20 AS build\nWORKDIR app\n"
    );
    assert!(run.stdout.contains("error[DL3000]"), "{}", run.stdout);
    assert!(!run.stdout.contains("LL102"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("Fixed 1 finding (1 remaining).\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["Dockerfile"], "no temporary file left behind");

    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = layerlint(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert!(
        again.stdout.ends_with("Fixed 0 findings (1 remaining).\n"),
        "{}",
        again.stdout
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified,
        "an unchanged file is not rewritten"
    );
}

#[cfg(unix)]
#[test]
fn fix_follows_symlinks() {
    let dir = tempdir();
    write(dir.path(), "real/Dockerfile", WARNING_ONLY);
    std::os::unix::fs::symlink("real/Dockerfile", dir.path().join("Dockerfile")).unwrap();
    let run = layerlint(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        std::fs::symlink_metadata(dir.path().join("Dockerfile"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(dir.path().join("real/Dockerfile"))
            .unwrap()
            .contains(" AS build")
    );
}

#[test]
fn fix_on_standard_input_prints_the_fixed_text() {
    let dir = tempdir();
    let run = layerlint_with(dir.path(), &["check", "--fix", "-"], Some(BAD), &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "FROM alpine:3.20 AS build\nWORKDIR app\n");
    assert!(run.stderr.contains("error[DL3000]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Fixed 1 finding (1 remaining)."),
        "{}",
        run.stderr
    );
}

#[test]
fn diff_shows_fixes_without_writing() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", BAD);
    write(dir.path(), "clean/Dockerfile", CLEAN);
    let run = layerlint(dir.path(), &["check", "--diff"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        BAD
    );
    snapshot("diff", &run.stdout);
    assert_eq!(run.stderr, "Would fix 1 finding in 1 file.\n");
    let clean = layerlint(dir.path(), &["check", "--diff", "clean"]);
    assert_eq!((clean.code, clean.stdout.as_str()), (0, ""));
    assert_eq!(clean.stderr, "Nothing to fix.\n");
}

#[test]
fn selection() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", BAD);
    let only = layerlint(
        dir.path(),
        &["check", "--format", "gnu", "--select", "DL3000"],
    );
    assert!(
        only.stdout.contains("[DL3000]") && !only.stdout.contains("[LL102]"),
        "{}",
        only.stdout
    );
    let by_alias = layerlint(
        dir.path(),
        &[
            "check",
            "--format",
            "gnu",
            "--ignore",
            "FromAsCasing,workdir-relative-path",
        ],
    );
    assert_eq!((by_alias.code, by_alias.stdout.as_str()), (0, ""));
    let repeated = layerlint(
        dir.path(),
        &[
            "check", "--format", "gnu", "--ignore", "LL1", "--ignore", "DL3000",
        ],
    );
    assert_eq!(repeated.code, 0, "{}", repeated.stdout);
    for option in ["--select", "--ignore"] {
        let unknown = layerlint(dir.path(), &["check", option, "DL3000,NOPE9"]);
        assert_eq!(unknown.code, 2);
        assert_eq!(unknown.stdout, "");
        assert!(unknown.stderr.contains("`NOPE9`"), "{}", unknown.stderr);
        assert!(unknown.stderr.contains(&option[2..]), "{}", unknown.stderr);
    }
}

#[test]
fn severity_threshold_and_exit_zero() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", WARNING_ONLY);
    assert_eq!(layerlint(dir.path(), &["check"]).code, 1);
    let high = layerlint(dir.path(), &["check", "--severity-threshold", "error"]);
    assert_eq!(high.code, 0);
    assert!(
        high.stdout.contains("warning[LL102]"),
        "findings below the threshold are still shown"
    );
    assert_eq!(
        layerlint(dir.path(), &["check", "--severity-threshold", "warning"]).code,
        1
    );
    assert_eq!(
        layerlint(dir.path(), &["check", "--severity-threshold", "none"]).code,
        0
    );
    assert_eq!(
        layerlint(dir.path(), &["check", "--severity-threshold", "loud"]).code,
        2
    );
    let zero = layerlint(dir.path(), &["check", "--exit-zero"]);
    assert_eq!(zero.code, 0);
    assert!(zero.stdout.contains("warning[LL102]"));
}

#[test]
fn colour_follows_the_environment() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", BAD);
    let piped = layerlint(dir.path(), &["check"]);
    assert!(!piped.stdout.contains('\u{1b}'), "no colour into a pipe");
    let forced = layerlint_with(dir.path(), &["check"], None, &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.stdout.contains("\u{1b}["), "{}", forced.stdout);
    let no_color = layerlint_with(
        dir.path(),
        &["check"],
        None,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(!no_color.stdout.contains('\u{1b}'), "NO_COLOR wins");
    assert_eq!(no_color.stdout, piped.stdout);
}

#[test]
fn output_file() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", BAD);
    let run = layerlint_with(
        dir.path(),
        &["check", "--format", "sarif", "--output", "report.sarif"],
        None,
        &[("CLICOLOR_FORCE", "1")],
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.sarif")).unwrap())
            .unwrap();
    assert_eq!(report["runs"][0]["results"].as_array().unwrap().len(), 2);
    let text = layerlint_with(
        dir.path(),
        &["check", "-o", "report.txt"],
        None,
        &[("CLICOLOR_FORCE", "1")],
    );
    assert_eq!(text.code, 1);
    let written = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(
        written.contains("error[DL3000]") && !written.contains('\u{1b}'),
        "{written}"
    );
}

/// In one run over many directories, each file gets the configuration
/// of its own directory, however its path names that directory.
#[test]
fn each_file_gets_its_directorys_configuration() {
    let dir = tempdir();
    let text = "FROM alpine:3.20\nWORKDIR app\nCMD npm start\n";
    for name in [
        "Dockerfile",
        "a/Dockerfile",
        "a/b/Dockerfile",
        "c/Dockerfile",
    ] {
        write(dir.path(), name, text);
    }
    write(dir.path(), "a/.layerlint.yaml", "select: [DL3000]\n");
    write(dir.path(), "a/b/.layerlint.yaml", "select: [DL3025]\n");
    let paths = [
        "Dockerfile",
        "a/Dockerfile",
        "a/b/Dockerfile",
        "c/Dockerfile",
        "c/../a/b/Dockerfile",
        "a/b/../../Dockerfile",
    ];
    let mut args = vec!["check", "--format", "gnu"];
    args.extend(paths);
    let run = layerlint(dir.path(), &args);
    let codes = |path: &str| -> Vec<&str> {
        let prefix = format!("{path}:");
        let lines = run.stdout.lines().filter(|l| l.starts_with(&prefix));
        let mut codes: Vec<&str> = lines
            .filter_map(|l| l.split('[').nth(1)?.split(']').next())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    };
    for (path, expected) in [
        ("Dockerfile", &["DL3000", "DL3025"][..]),
        ("a/Dockerfile", &["DL3000"]),
        ("a/b/Dockerfile", &["DL3025"]),
        ("c/Dockerfile", &["DL3000", "DL3025"]),
        ("c/../a/b/Dockerfile", &["DL3025"]),
        ("a/b/../../Dockerfile", &["DL3000", "DL3025"]),
    ] {
        assert_eq!(codes(path), expected, "{path}: {}", run.stdout);
    }
    // From below: `..` leads out of `a/b` and `a`, and out of their
    // configuration.
    let below = layerlint(
        &dir.path().join("a/b"),
        &["check", "--format", "gnu", "../../Dockerfile"],
    );
    assert!(
        below.stdout.contains("[DL3000]") && below.stdout.contains("[DL3025]"),
        "{}",
        below.stdout
    );
}

#[test]
fn configuration_files_are_found_and_checked() {
    let dir = tempdir();
    write(
        dir.path(),
        "app/Dockerfile",
        "FROM alpine:3.20\nWORKDIR app\nCMD npm start\n",
    );
    // No configuration: both findings.
    let plain = layerlint(dir.path(), &["check", "--format", "gnu", "app/Dockerfile"]);
    assert_eq!(plain.code, 1);
    assert!(plain.stdout.contains("[DL3000]") && plain.stdout.contains("[DL3025]"));
    // A .hadolint.yaml above the file is read with hadolint's meaning.
    write(dir.path(), ".hadolint.yaml", "ignored:\n  - DL3000\n");
    let hadolint = layerlint(dir.path(), &["check", "--format", "gnu", "app/Dockerfile"]);
    assert!(!hadolint.stdout.contains("[DL3000]"), "{}", hadolint.stdout);
    assert!(hadolint.stdout.contains("[DL3025]"));
    // The nearest .layerlint.yaml wins over it.
    write(dir.path(), "app/.layerlint.yaml", "select: [DL3000]\n");
    let nearest = layerlint(dir.path(), &["check", "--format", "gnu", "app/Dockerfile"]);
    assert!(nearest.stdout.contains("[DL3000]"), "{}", nearest.stdout);
    assert!(!nearest.stdout.contains("[DL3025]"), "{}", nearest.stdout);
    // --no-config ignores both; the command line wins over files.
    let none = layerlint(
        dir.path(),
        &["check", "--format", "gnu", "--no-config", "app/Dockerfile"],
    );
    assert!(none.stdout.contains("[DL3025]") && none.stdout.contains("[DL3000]"));
    let cli = layerlint(
        dir.path(),
        &[
            "check",
            "--format",
            "gnu",
            "--ignore",
            "DL3000",
            "app/Dockerfile",
        ],
    );
    assert_eq!(cli.code, 0, "{}{}", cli.stdout, cli.stderr);
    // A typo in a key fails with exit 2, naming the file, line and key.
    write(
        dir.path(),
        "app/.layerlint.yaml",
        "select: [DL3000]\nignroe: [DL3025]\n",
    );
    let typo = layerlint(dir.path(), &["check", "app/Dockerfile"]);
    assert_eq!(typo.code, 2, "{}", typo.stderr);
    assert!(
        typo.stderr.contains(".layerlint.yaml:2:1"),
        "{}",
        typo.stderr
    );
    assert!(typo.stderr.contains("ignroe"), "{}", typo.stderr);
    // --config names the file to use; a missing one is an error.
    write(dir.path(), "strict.yaml", "select: [DL3025]\n");
    let explicit = layerlint(
        dir.path(),
        &[
            "check",
            "--format",
            "gnu",
            "--config",
            "strict.yaml",
            "app/Dockerfile",
        ],
    );
    assert!(explicit.stdout.contains("[DL3025]") && !explicit.stdout.contains("[DL3000]"));
    let missing = layerlint(
        dir.path(),
        &["check", "--config", "nope.yaml", "app/Dockerfile"],
    );
    assert_eq!(missing.code, 2);
    let both = layerlint(dir.path(), &["check", "--config", "x.yaml", "--no-config"]);
    assert_eq!(both.code, 2);
}

#[test]
fn rule_and_rules() {
    let dir = tempdir();
    let rule = layerlint(dir.path(), &["rule", "DL3000"]);
    assert_eq!(rule.code, 0);
    snapshot("rule_DL3000", &rule.stdout);
    let by_alias = layerlint(dir.path(), &["rule", "fromascasing"]);
    assert!(
        by_alias.stdout.starts_with("# LL102 from-as-casing\n"),
        "{}",
        by_alias.stdout
    );
    let unknown = layerlint(dir.path(), &["rule", "DL9999"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("`DL9999`"), "{}", unknown.stderr);

    let list = layerlint(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(list.code, 0);
    let rules: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), layerlint::rules::RULES.len());
    for (rule, entry) in rules.iter().zip(layerlint::rules::RULES) {
        let keys: Vec<&str> = rule
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = [
            "code", "name", "aliases", "category", "severity", "fix", "status", "summary",
        ];
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(rule["code"], entry.meta.code);
    }
    let text = layerlint(dir.path(), &["rules"]);
    assert_eq!(text.stdout.lines().count(), layerlint::rules::RULES.len());
}

#[test]
fn baseline_reports_only_new_findings() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", BAD);
    let gnu = |args: &[&str]| {
        let mut all = vec!["check", "--format", "gnu"];
        all.extend_from_slice(args);
        all.push("Dockerfile");
        layerlint(dir.path(), &all)
    };
    // Recording exits 0 and writes every finding.
    let wrote = gnu(&["--write-baseline", "baseline.json"]);
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    assert!(
        wrote.stderr.contains("Wrote 2 findings"),
        "{}",
        wrote.stderr
    );
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    let codes: Vec<&str> = recorded["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["LL102", "DL3000"]);
    // The same file against its baseline is clean.
    let same = gnu(&["--baseline", "baseline.json"]);
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
    assert!(same.stderr.contains("2 findings in the baseline not shown"));
    // Lines moving (and re-indenting) keep the old findings known; a new
    // finding is reported, and only it.
    write(
        dir.path(),
        "Dockerfile",
        "# syntax=docker/dockerfile:1\n\nFROM alpine:3.20 as build\n\n  WORKDIR   app\nWORKDIR lib\n",
    );
    let moved = gnu(&["--baseline", "baseline.json"]);
    assert_eq!(moved.code, 1);
    assert_eq!(gnu_files(&moved.stdout), ["Dockerfile"]);
    assert_eq!(moved.stdout.lines().count(), 1, "{}", moved.stdout);
    assert!(
        moved.stdout.starts_with("Dockerfile:6:"),
        "{}",
        moved.stdout
    );
    // A fixed finding simply disappears; the baseline does not fail the run.
    write(dir.path(), "Dockerfile", CLEAN);
    assert_eq!(gnu(&["--baseline", "baseline.json"]).code, 0);
    // A file that is not a baseline is an error that names it.
    write(dir.path(), "broken.json", "{\"version\": 1,");
    let broken = gnu(&["--baseline", "broken.json"]);
    assert_eq!(broken.code, 2);
    assert!(
        broken
            .stderr
            .contains("broken.json: not a layerlint baseline"),
        "{}",
        broken.stderr
    );
    let missing = gnu(&["--baseline", "nope.json"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nope.json"), "{}", missing.stderr);
    write(dir.path(), "old.json", "{\"version\": 9, \"findings\": []}");
    let old = gnu(&["--baseline", "old.json"]);
    assert_eq!(old.code, 2);
    assert!(old.stderr.contains("version 9"), "{}", old.stderr);
}

#[test]
fn shellcheck_modes() {
    let dir = tempdir();
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\n# hadolint ignore=SC2154\nRUN echo $lower \\\n && echo $other\n",
    );
    // `required` without the program on the PATH: exit 2, naming it.
    let run = layerlint_with(
        dir.path(),
        &["check", "--shellcheck", "required", "Dockerfile"],
        None,
        &[("PATH", "")],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("shellcheck"), "{}", run.stderr);
    // `auto` without it: plain linting.
    let run = layerlint_with(dir.path(), &["check", "Dockerfile"], None, &[("PATH", "")]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let bad = layerlint(
        dir.path(),
        &["check", "--shellcheck", "sometimes", "Dockerfile"],
    );
    assert_eq!(bad.code, 2);
    if layerlint::shellcheck::find_program().is_none() {
        eprintln!("shellcheck not on the PATH: the rest is skipped");
        return;
    }
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--shellcheck",
            "required",
            "Dockerfile",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(String, u64, u64)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // SC2154 is suppressed by the comment; SC2086 points at each `$…`.
    assert!(found.contains(&("SC2086".to_string(), 3, 10)), "{found:?}");
    assert!(found.contains(&("SC2086".to_string(), 4, 10)), "{found:?}");
    assert!(!found.iter().any(|(c, _, _)| c == "SC2154"), "{found:?}");
    let off = layerlint(
        dir.path(),
        &[
            "check",
            "--shellcheck",
            "off",
            "--ignore",
            "SC2086",
            "Dockerfile",
        ],
    );
    assert_eq!(off.code, 0, "{}", off.stdout);
    let ignored = layerlint(dir.path(), &["check", "--ignore", "SC2086", "Dockerfile"]);
    assert_eq!(ignored.code, 0, "{}", ignored.stdout);
}

/// A report on standard output is written a chunk of files at a time; a
/// report to a file is written at once. Over more files than a chunk, with
/// an unreadable one among them, both have the same text, in file order,
/// and the same exit code.
#[test]
fn streamed_reports_match_reports_written_at_once() {
    let dir = tempdir();
    let mut names = Vec::new();
    for i in 0..300 {
        let name = format!("d{i:03}.Dockerfile");
        let text = match i % 3 {
            0 => BAD,
            1 => WARNING_ONLY,
            _ => CLEAN,
        };
        write(dir.path(), &name, text);
        names.push(name);
    }
    names.insert(150, "missing.Dockerfile".to_string());
    for format in ["json", "gnu", "github", "text"] {
        let mut args = vec!["check", "--format", format];
        args.extend(names.iter().map(String::as_str));
        let streamed = layerlint(dir.path(), &args);
        args.extend(["--output", "report"]);
        let at_once = layerlint(dir.path(), &args);
        let written = std::fs::read_to_string(dir.path().join("report")).unwrap();
        assert_eq!(streamed.code, 2, "{format}: {}", streamed.stderr);
        assert_eq!(at_once.code, 2, "{format}");
        assert_eq!(streamed.stdout, written, "{format}");
        assert!(
            streamed.stderr.contains("missing.Dockerfile"),
            "{}",
            streamed.stderr
        );
        if format == "gnu" {
            let files = gnu_files(&streamed.stdout);
            let mut sorted = files.clone();
            sorted.sort();
            assert_eq!(files, sorted);
            assert_eq!(files.len(), 200);
        }
    }
}

/// Files that repeat a `RUN` share its ShellCheck report: each gets the
/// findings at its own position, under its own suppressions.
#[test]
fn shellcheck_reports_of_repeated_scripts_reach_every_file() {
    if layerlint::shellcheck::find_program().is_none() {
        eprintln!("shellcheck not on the PATH: skipped");
        return;
    }
    let dir = tempdir();
    let run = "RUN echo $lower\n";
    write(
        dir.path(),
        "a.Dockerfile",
        &format!("FROM alpine:3.20\n{run}"),
    );
    write(
        dir.path(),
        "b.Dockerfile",
        &format!("FROM alpine:3.20\n# hadolint ignore=SC2086\n{run}"),
    );
    write(
        dir.path(),
        "c.Dockerfile",
        &format!("FROM alpine:3.20\nWORKDIR /x\n\n{run}"),
    );
    let out = layerlint(
        dir.path(),
        &[
            "check",
            "--format",
            "gnu",
            "--shellcheck",
            "required",
            "--select",
            "SC2086",
            "a.Dockerfile",
            "b.Dockerfile",
            "c.Dockerfile",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(lines[0].starts_with("a.Dockerfile:2:10-"), "{}", out.stdout);
    assert!(lines[1].starts_with("c.Dockerfile:4:10-"), "{}", out.stdout);
}

/// ShellCheck's reports are cached per script: a second run does not start
/// `shellcheck` for scripts it has seen, a changed script is checked again,
/// an upgraded program starts afresh, and a cache that cannot be written
/// costs a warning, never findings.
#[cfg(unix)]
#[test]
fn shellcheck_reports_are_cached_per_script() {
    use std::os::unix::fs::PermissionsExt;
    let Some(real) = layerlint::shellcheck::find_program() else {
        eprintln!("shellcheck not on the PATH: skipped");
        return;
    };
    let dir = tempdir();
    // A `shellcheck` that logs the scripts it is given, then runs the real
    // one.
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.path().join("calls.log");
    let wrapper = bin.join("shellcheck");
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do case $a in -*) ;; *) echo \"$a\" >> '{}' ;; esac; done\nexec '{}' \"$@\"\n",
        log.display(),
        real.display()
    );
    std::fs::write(&wrapper, &script).unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let cache = dir.path().join("cache");
    let project = dir.path().join("project");
    write(
        &project,
        "Dockerfile",
        "FROM alpine:3.20\nRUN echo $lower\nRUN ls *.txt | grep a\n",
    );
    let check = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--format",
            "gnu",
            "--shellcheck",
            "required",
            "--select",
            "SC",
        ];
        args.extend_from_slice(extra);
        args.push("Dockerfile");
        let run = layerlint_with(
            &project,
            &args,
            None,
            &[
                ("PATH", path.as_str()),
                ("LAYERLINT_CACHE_DIR", cache.to_str().unwrap()),
            ],
        );
        let calls = std::fs::read_to_string(&log).unwrap_or_default();
        let _ = std::fs::remove_file(&log);
        (run, calls.lines().count())
    };

    let (first, calls) = check(&[]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(first.stdout.contains("SC2086"), "{}", first.stdout);
    assert!(first.stdout.contains("SC2010"), "{}", first.stdout);
    assert_eq!(calls, 2, "both scripts are checked the first time");

    let (second, calls) = check(&[]);
    assert_eq!(calls, 0, "nothing is checked again: {}", second.stderr);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(second.code, first.code);

    let (uncached, calls) = check(&["--no-cache"]);
    assert_eq!(calls, 2, "--no-cache checks everything");
    assert_eq!(uncached.stdout, first.stdout);

    // One script changes: only it is checked.
    write(
        &project,
        "Dockerfile",
        "FROM alpine:3.20\nRUN echo $lower\nRUN ls *.log | grep a\n",
    );
    let (changed, calls) = check(&[]);
    assert_eq!(calls, 1, "{}", changed.stderr);
    assert_eq!(changed.stdout, first.stdout, "same findings, same places");

    // Another program (a new size) does not see the old entries.
    std::fs::write(&wrapper, format!("{script}# upgraded\n")).unwrap();
    let (upgraded, calls) = check(&[]);
    assert_eq!(calls, 2, "{}", upgraded.stderr);
    assert_eq!(upgraded.stdout, first.stdout);

    // A cache directory that cannot be made: a warning, the same report.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "a file").unwrap();
    let (unwritable, calls) = check(&["--cache-dir", blocked.to_str().unwrap()]);
    assert_eq!(calls, 2);
    assert_eq!(unwritable.stdout, first.stdout);
    assert_eq!(unwritable.code, 1);
    assert!(
        unwritable
            .stderr
            .contains("cannot write the ShellCheck cache"),
        "{}",
        unwritable.stderr
    );
}
