//! `--fix` over real Dockerfiles never damages them: every rule's fixes
//! (unsafe ones too) are applied to a sample of the corpus, and the result
//! re-parses with no more syntax errors than the original, loses no
//! instruction, and a second fix changes nothing. Through the CLI, fixed
//! files keep their permissions and are never truncated.
//!
//! The sample is every 8th file; `cargo test --test fix_corpus -- --ignored`
//! runs the whole corpus.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;

fn sample(step: usize) -> Vec<PathBuf> {
    common::corpus_dockerfiles()
        .into_iter()
        .step_by(step)
        .collect()
}

fn check_fixes(files: &[PathBuf]) {
    let settings = layerlint::Settings::only(&["ALL"]).unwrap();
    let mut problems = Vec::new();
    let mut fixed_files = 0;
    let mut applied = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue; // not UTF-8: nothing to fix (lint_bytes reports it)
        };
        let name = path.display();
        let result = std::panic::catch_unwind(|| {
            let once = layerlint::fix(&text, &settings, true);
            let twice = layerlint::fix(&once.text, &settings, true);
            (once, twice)
        });
        let Ok((once, twice)) = result else {
            problems.push(format!("{name}: panicked"));
            continue;
        };
        if once.applied > 0 {
            fixed_files += 1;
            applied += once.applied;
        }
        let before = layerlint::parse(&text);
        let after = layerlint::parse(&once.text);
        if after.errors.len() > before.errors.len() {
            problems.push(format!(
                "{name}: {} syntax errors after fixing, {} before: {:?}",
                after.errors.len(),
                before.errors.len(),
                after.errors.first()
            ));
        }
        // A fix may merge or drop instructions (a RUN whose only job moved
        // into a COPY flag), but never most of a file.
        if after.instructions.len() * 2 < before.instructions.len() {
            problems.push(format!(
                "{name}: {} instructions after fixing, {} before",
                after.instructions.len(),
                before.instructions.len()
            ));
        }
        if twice.text != once.text {
            let diff = similar::TextDiff::from_lines(&once.text, &twice.text)
                .unified_diff()
                .to_string();
            problems.push(format!("{name}: a second fix changed the file:\n{diff}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} files:\n{}",
        problems.len(),
        files.len(),
        problems.join("\n")
    );
    eprintln!(
        "fixed {fixed_files} of {} files ({applied} fixes), all re-parse and are stable",
        files.len()
    );
}

#[test]
fn fixes_on_a_corpus_sample_reparse_and_are_idempotent() {
    check_fixes(&sample(8));
}

#[test]
#[ignore = "the whole corpus takes a while in a debug build; run with --ignored"]
fn fixes_on_the_whole_corpus_reparse_and_are_idempotent() {
    check_fixes(&sample(1));
}

#[cfg(unix)]
#[test]
fn cli_fix_keeps_files_whole_and_their_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut copies = Vec::new();
    for (i, path) in sample(97).iter().enumerate() {
        let copy = dir.path().join(format!("{i:03}.Dockerfile"));
        std::fs::copy(path, &copy).unwrap();
        let mode = if i % 2 == 0 { 0o640 } else { 0o755 };
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(mode)).unwrap();
        copies.push((copy, mode));
    }
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_layerlint"))
            .args(["check", "--no-config", "--select", "ALL", "--quiet"])
            .args(extra)
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let first = run(&["--fix", "--unsafe-fixes"]);
    assert_ne!(first.status.code(), Some(2), "{first:?}");
    for (copy, mode) in &copies {
        let meta = std::fs::metadata(copy).unwrap();
        assert_eq!(
            meta.permissions().mode() & 0o777,
            *mode,
            "{}",
            copy.display()
        );
        assert!(meta.len() > 0, "{} was truncated", copy.display());
        let text = std::fs::read_to_string(copy).unwrap();
        assert!(
            !layerlint::parse(&text).instructions.is_empty(),
            "{} lost its instructions",
            copy.display()
        );
    }
    // Nothing left to fix: --diff exits 0 and prints nothing.
    let again = run(&["--diff", "--unsafe-fixes"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".layerlint-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
