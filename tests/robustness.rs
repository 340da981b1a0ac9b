//! Bad input at the limits, run through the real binary: each case ends
//! with a message naming the file (and line where there is one) and the
//! documented exit code (0 clean, 1 findings, 2 errors), never a panic
//! (exit 101) or a hang. Inputs are built in temporary directories at test
//! time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use layerlint::{Settings, engine};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `layerlint ARGS` in `dir`, killing it (and failing) after `limit`.
/// Output goes to files, so a chatty run cannot block on a full pipe.
fn layerlint_in(dir: &Path, args: &[&str], stdin: Option<&Path>, limit: Duration) -> Run {
    let out = tempfile::tempdir().unwrap();
    let stdout_path = out.path().join("stdout");
    let stderr_path = out.path().join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_layerlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // Scripts that keep ShellCheck (when installed) busy are given up
        // on after this long, with a warning.
        .env("LAYERLINT_SHELLCHECK_TIMEOUT", "3")
        .stdin(match stdin {
            Some(path) => Stdio::from(fs::File::open(path).unwrap()),
            None => Stdio::null(),
        })
        .stdout(fs::File::create(&stdout_path).unwrap())
        .stderr(fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("layerlint {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap()).into_owned();
    let run = Run {
        code: status.code().expect("killed by a signal"),
        stdout: read(&stdout_path),
        stderr: read(&stderr_path),
    };
    assert_ne!(run.code, 101, "panic:\n{}", run.stderr);
    assert!(
        !run.stderr.contains("panicked"),
        "panic message:\n{}",
        run.stderr
    );
    run
}

fn layerlint(dir: &Path, args: &[&str]) -> Run {
    layerlint_in(dir, args, None, Duration::from_secs(60))
}

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, text).unwrap();
}

/// Lints `source` with every default rule on a thread with the standard
/// spawned-thread stack (2 MiB), where unbounded recursion would overflow.
fn lint_on_a_normal_stack(source: String) -> Vec<String> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let settings = Settings::default();
            let fixed = engine::fix(&source, &settings, true);
            engine::lint(&source, &settings)
                .into_iter()
                .chain(fixed.remaining)
                .map(|d| d.code.to_string())
                .collect()
        })
        .unwrap()
        .join()
        .expect("linting panicked or overflowed the stack")
}

#[test]
fn binary_file_is_one_finding_without_terminal_controls() {
    let dir = tempfile::tempdir().unwrap();
    // Every byte value, ESC sequences and NULs included.
    let mut bytes = b"FROM alpine:3.20\n".to_vec();
    bytes.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    bytes.extend(b"\x1b[2J\x1b]0;pwned\x07\x00\n");
    write(dir.path(), "image.Dockerfile", &bytes);
    let run = layerlint(dir.path(), &["check", "--no-config", "image.Dockerfile"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("error[LL013]: binary file"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("image.Dockerfile:"), "{}", run.stdout);
    assert!(
        !run.stdout.contains(|c: char| c.is_control() && c != '\n'),
        "terminal controls in the report"
    );
    assert!(run.stdout.contains("Found 1 finding"), "{}", run.stdout);
}

#[test]
fn invalid_utf8_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        b"FROM alpine:3.20\nRUN echo caf\xe9\n",
    );
    let run = layerlint(dir.path(), &["check", "--no-config", "Dockerfile"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("error[LL013]: invalid UTF-8"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Dockerfile:2:13"), "{}", run.stdout);
    // --fix leaves a file it cannot read as text alone.
    let run = layerlint(dir.path(), &["check", "--no-config", "--fix", "Dockerfile"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        fs::read(dir.path().join("Dockerfile")).unwrap(),
        b"FROM alpine:3.20\nRUN echo caf\xe9\n"
    );
}

#[test]
fn a_100_mb_dockerfile_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("Dockerfile");
    // Sparse: 100 MB of size without writing them.
    fs::File::create(&big)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    write(dir.path(), "ok/Dockerfile", "FROM alpine:3.20\n");
    let start = Instant::now();
    let run = layerlint(dir.path(), &["check", "--no-config", "Dockerfile", "ok"]);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "`Dockerfile` is too large for a Dockerfile: 104857600 bytes, \
             more than the limit of 8388608 bytes (8 MiB)"
        ),
        "{}",
        run.stderr
    );
    // The other file is still linted.
    assert!(run.stdout.contains("in 1 file"), "{}", run.stdout);

    // The same on standard input, whose size is only known by reading.
    let run = layerlint_in(
        dir.path(),
        &["check", "--no-config", "-"],
        Some(&big),
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("is too large for a Dockerfile: more than the limit"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn an_endless_device_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run = layerlint(dir.path(), &["check", "--no-config", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("`/dev/zero` is too large for a Dockerfile"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_one_megabyte_line_is_reported_not_choked_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("FROM alpine:3.20\nRUN echo ");
    text.push_str(&"a".repeat(1_000_000));
    text.push('\n');
    write(dir.path(), "Dockerfile", &text);
    let run = layerlint(dir.path(), &["check", "--no-config", "Dockerfile"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("LL002]: line is 1000009 bytes long; BuildKit allows at most 65535"),
        "{}",
        &run.stdout[..run.stdout.len().min(2000)]
    );
    assert!(run.stdout.contains("Dockerfile:2:"), "line number");
}

#[test]
fn ten_thousand_heredocs() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("FROM alpine:3.20\n");
    for i in 0..10_000 {
        writeln!(text, "RUN <<EOF{i}\necho {i}\nEOF{i}").unwrap();
    }
    // And one left open at the end.
    text.push_str("RUN <<NEVER\necho unterminated\n");
    write(dir.path(), "Dockerfile", &text);
    // ShellCheck (when installed) would spend a minute on 10,000 scripts:
    // this is about layerlint's own limits.
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--shellcheck",
            "off",
            "--format",
            "json",
            "Dockerfile",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    // One run of 10,001 consecutive RUN instructions.
    assert!(run.stdout.contains("DL3059"), "consecutive RUNs");
}

/// `$( $( … ) )` 10,000 deep: the shell model stops descending at its
/// depth limit instead of overflowing the stack.
#[test]
fn deeply_nested_command_substitution() {
    let depth = 10_000;
    let nested = format!("{}true{}", "$(".repeat(depth), ")".repeat(depth));
    let quoted = format!("{}true{}", "\"$(".repeat(depth), ")\"".repeat(depth));
    let backticks = format!("{}true", "`echo \\".repeat(50));
    let source = format!(
        "FROM alpine:3.20\nRUN echo {nested}\nRUN echo {quoted}\nRUN {backticks}\n\
         RUN apt-get install -y $(echo {nested})\n"
    );
    let codes = lint_on_a_normal_stack(source.clone());
    // The apt-get around the nesting is still seen.
    assert!(codes.iter().any(|c| c == "DL3015"), "{codes:?}");

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", &source);
    let run = layerlint(dir.path(), &["check", "--no-config", "Dockerfile"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

/// `${a:-${a:-…}}` 10,000 deep, in FROM (expanded by the variable model)
/// and in RUN (seen by the shell model too).
#[test]
fn deeply_nested_parameter_expansion() {
    let depth = 10_000;
    let nested = format!("{}alpine{}", "${a:-".repeat(depth), "}".repeat(depth));
    let unclosed = "${a:-".repeat(depth);
    let source =
        format!("ARG a\nFROM {nested}\nRUN echo {nested}\nENV b={nested}\nRUN echo {unclosed}\n");
    let _ = lint_on_a_normal_stack(source.clone());

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", &source);
    let run = layerlint(dir.path(), &["check", "--no-config", "Dockerfile"]);
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
}

/// Values that grow exponentially: `ARG`s that each double the one before,
/// and `${v//}` (an empty pattern: the replacement between every two
/// characters) nested in its own replacement. Both once needed more memory
/// than the machine has; values are now capped and the long ones unknown.
#[test]
fn exponentially_growing_variable_values() {
    let mut source = "FROM alpine:3.20\nARG A0=0123456789abcdef\n".to_string();
    for i in 1..48 {
        let _ = writeln!(source, "ARG A{i}=$A{p}$A{p}", p = i - 1);
    }
    let mut nested = "x".to_string();
    for _ in 0..12 {
        nested = format!("${{A0///{nested}}}");
    }
    let _ = write!(
        source,
        "ENV B={nested}\nRUN echo $A47 $B\nFROM ${{A47}}\nRUN echo \"$A47\"\n"
    );
    let _ = lint_on_a_normal_stack(source.clone());

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", &source);
    let run = layerlint(dir.path(), &["check", "--no-config", "Dockerfile"]);
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn context_with_symlink_loops() {
    use std::os::unix::fs::symlink;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Dockerfile",
        "FROM alpine:3.20\nCOPY . /app\nCOPY a/loop/a/loop/x /x\n",
    );
    write(root, ".dockerignore", "self\n");
    fs::create_dir_all(root.join("a/b")).unwrap();
    symlink("..", root.join("a/loop")).unwrap();
    symlink("../..", root.join("a/b/up")).unwrap();
    symlink("self", root.join("self")).unwrap();
    symlink("ping", root.join("pong")).unwrap();
    symlink("pong", root.join("ping")).unwrap();
    for args in [
        &["check", "--no-config", "."][..],
        &["check", "--no-config", "--context", ".", "Dockerfile"][..],
        &["explain", "--no-config", "Dockerfile"][..],
    ] {
        let run = layerlint_in(root, args, None, Duration::from_secs(30));
        assert!(
            matches!(run.code, 0 | 1),
            "{args:?}: {}{}",
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn context_with_200_000_files_stops_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "Dockerfile", "FROM alpine:3.20\nCOPY . /app\n");
    for d in 0..200 {
        let sub = root.join(format!("d{d}"));
        fs::create_dir(&sub).unwrap();
        for f in 0..1000 {
            fs::File::create(sub.join(format!("f{f}"))).unwrap();
        }
    }
    let start = Instant::now();
    let run = layerlint_in(
        root,
        &["check", "--no-config", "Dockerfile"],
        None,
        Duration::from_secs(120),
    );
    assert!(start.elapsed() < Duration::from_secs(60));
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("context walk stopped after 200000 files; context rules may miss files"),
        "{}",
        run.stderr
    );
}

/// Whether file permissions stop this process (they do not for root).
#[cfg(unix)]
fn permissions_apply(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;

    let probe = dir.join("probe");
    fs::write(&probe, "x").unwrap();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o000)).unwrap();
    let applies = fs::read(&probe).is_err();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o600)).unwrap();
    fs::remove_file(&probe).unwrap();
    applies
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    if !permissions_apply(root) {
        eprintln!("skipped: permissions do not apply to this user (root?)");
        return;
    }
    write(root, "locked/Dockerfile", "FROM alpine:3.20\n");
    write(root, "open/Dockerfile", "FROM alpine:3.20\nCOPY . /app\n");
    write(root, "open/secret/key", "x");
    write(root, "Dockerfile", "FROM alpine:3.20\n");
    let mode = |p: &str, m: u32| {
        fs::set_permissions(root.join(p), fs::Permissions::from_mode(m)).unwrap();
    };
    mode("Dockerfile", 0o000);
    mode("locked", 0o000);
    mode("open/secret", 0o000);

    let run = layerlint(root, &["check", "--no-config", "Dockerfile", "open"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("cannot read `Dockerfile`: Permission denied"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("in 1 file"), "{}", run.stdout);

    let run = layerlint(root, &["check", "--no-config", "."]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("locked"), "{}", run.stderr);

    // An unreadable directory inside a context is a problem of the walk,
    // not of the run.
    let run = layerlint(root, &["check", "--no-config", "open/Dockerfile"]);
    assert!(matches!(run.code, 0 | 1), "{}{}", run.stdout, run.stderr);

    mode("Dockerfile", 0o644);
    mode("locked", 0o755);
    mode("open/secret", 0o755);
}

#[test]
fn config_that_is_not_yaml() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\n");
    write(
        dir.path(),
        ".layerlint.yaml",
        "ignored:\n  - DL3006\nrules: [\n",
    );
    let run = layerlint(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(".layerlint.yaml:"), "{}", run.stderr);

    // Binary garbage.
    write(dir.path(), ".layerlint.yaml", b"\x00\xff\xfe\x1b[2J");
    let run = layerlint(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(".layerlint.yaml"), "{}", run.stderr);
    assert!(!run.stderr.contains('\x1b'), "{}", run.stderr);

    // Given with --config.
    write(dir.path(), "conf.yml", "{{{");
    let run = layerlint(dir.path(), &["check", "--config", "conf.yml", "Dockerfile"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("conf.yml:1:"), "{}", run.stderr);
}

#[test]
fn dockerignore_with_invalid_patterns() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nCOPY . /app\n");
    for pattern in ["[", "node_modules\na[b\n", "[z-a]", "\\"] {
        write(dir.path(), ".dockerignore", pattern);
        // The default context: a warning, context rules skipped.
        let run = layerlint(dir.path(), &["check", "--no-config", "Dockerfile"]);
        assert!(matches!(run.code, 0 | 1), "{pattern:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(".dockerignore: line ")
                && run.stderr.contains("context rules skipped"),
            "{pattern:?}: {}",
            run.stderr
        );
        // A context the user named must load: an error.
        let run = layerlint(
            dir.path(),
            &["check", "--no-config", "--context", ".", "Dockerfile"],
        );
        assert_eq!(run.code, 2, "{pattern:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(".dockerignore: line "),
            "{}",
            run.stderr
        );
    }
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn explain_since_a_ref_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "Dockerfile", "FROM alpine:3.20\nCOPY . /app\n");
    if !git(root, &["--version"]) {
        eprintln!("skipped: no git");
        return;
    }
    let run = layerlint(
        root,
        &["explain", "--no-config", "--since", "HEAD~3", "Dockerfile"],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("is not in a git repository"),
        "{}",
        run.stderr
    );

    assert!(git(root, &["init", "-q"]));
    // A repository without commits, then with one.
    let run = layerlint(
        root,
        &["explain", "--no-config", "--since", "HEAD", "Dockerfile"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`HEAD` is not a commit"),
        "{}",
        run.stderr
    );
    assert!(git(root, &["add", "."]) && git(root, &["commit", "-qm", "x"]));
    for reference in ["no-such-branch", "HEAD~5", "-x", "a..b", "--all"] {
        let run = layerlint(
            root,
            &[
                "explain",
                "--no-config",
                &format!("--since={reference}"),
                "Dockerfile",
            ],
        );
        assert_eq!(run.code, 2, "{reference}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr
                .contains(&format!("--since: `{reference}` is not a commit")),
            "{reference}: {}",
            run.stderr
        );
    }
}

#[test]
fn missing_files_in_a_list_do_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a/Dockerfile", "FROM alpine:3.20\nWORKDIR app\n");
    write(root, "c/Dockerfile", "FROM alpine:3.20\nWORKDIR app\n");
    write(root, "b/Dockerfile", "FROM alpine:3.20\n");
    // Found, then gone before it is read.
    fs::remove_file(root.join("b/Dockerfile")).unwrap();
    let run = layerlint(
        root,
        &[
            "check",
            "--no-config",
            "a/Dockerfile",
            "b/Dockerfile",
            "c/Dockerfile",
        ],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("cannot read `b/Dockerfile`: No such file or directory"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("a/Dockerfile:2:9"), "{}", run.stdout);
    assert!(run.stdout.contains("c/Dockerfile:2:9"), "{}", run.stdout);
    assert!(run.stdout.contains("in 2 files"), "{}", run.stdout);

    // A dangling symlink named on the command line, and one in a walked
    // directory (skipped: it is not a file).
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("gone", root.join("a/Dockerfile.dev")).unwrap();
        let run = layerlint(root, &["check", "--no-config", "a/Dockerfile.dev"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("cannot read `a/Dockerfile.dev`"),
            "{}",
            run.stderr
        );
        let run = layerlint(root, &["check", "--no-config", "a"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
    }

    // With --fix, a file deleted after discovery is an error, not a crash,
    // and nothing is written in its place.
    let run = layerlint(
        root,
        &["check", "--no-config", "--fix", "b/Dockerfile", "a"],
    );
    assert_eq!(run.code, 2);
    assert!(!root.join("b/Dockerfile").exists());
}

/// Thousands of relative WORKDIRs once built a path per instruction
/// growing without bound (quadratic: 20 s for 5,000 lines).
#[test]
fn thousands_of_relative_workdirs() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("FROM alpine:3.20\n");
    text.push_str(&"WORKDIR app\nRUN touch x\n".repeat(5000));
    write(dir.path(), "Dockerfile", &text);
    let run = layerlint_in(
        dir.path(),
        // ShellCheck (when installed) would spend its time on 5,000
        // scripts: this is about layerlint's own cost.
        &[
            "check",
            "--no-config",
            "--shellcheck",
            "off",
            "--statistics",
            "Dockerfile",
        ],
        None,
        Duration::from_secs(30),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("DL3000"), "{}", run.stdout);
}

/// A run that writes its report to standard output closed early
/// (`layerlint check | head -1`) stops quietly.
#[cfg(unix)]
#[test]
fn closed_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("FROM alpine\n");
    for _ in 0..5000 {
        text.push_str("WORKDIR app\n");
    }
    write(dir.path(), "Dockerfile", &text);
    let mut child = Command::new(env!("CARGO_BIN_EXE_layerlint"))
        .args(["check", "--no-config", "Dockerfile"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let _ = std::io::stderr().flush();
}

/// A script that keeps ShellCheck busy is given up on after the time limit,
/// with a warning; the run still reports layerlint's own findings.
#[test]
fn shellcheck_that_runs_too_long_is_stopped() {
    if Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("shellcheck not installed: nothing to check");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let depth = 3000;
    let text = format!(
        "FROM alpine:3.20\nWORKDIR app\nRUN echo {}true{}\n",
        "$(".repeat(depth),
        ")".repeat(depth)
    );
    write(dir.path(), "Dockerfile", &text);
    let run = layerlint(
        dir.path(),
        &["check", "--no-config", "--format", "gnu", "Dockerfile"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("DL3000"), "{}", run.stdout);
    assert!(
        run.stderr.contains("was stopped") || !run.stdout.contains("[SC"),
        "{}",
        run.stderr
    );
}
