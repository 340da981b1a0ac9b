//! Every Dockerfile of the corpus (`../shared/corpus/files`) parses and lints
//! with every rule without panicking, and the set of files with syntax errors is exactly the reviewed
//! list in `tests/corpus-errors.tsv` (path, error codes, why BuildKit refuses
//! the file too). Regenerate the list with `LAYERLINT_BLESS=1 cargo test
//! --test corpus`, then review the diff and write a reason for every new row.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    common::corpus_dir()
}

fn expectations_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-errors.tsv")
}

fn dockerfiles() -> Vec<PathBuf> {
    common::corpus_dockerfiles()
}

/// `relative path -> sorted, de-duplicated error codes` for files with errors.
fn actual_errors() -> (usize, BTreeMap<String, String>) {
    let root = corpus_dir();
    let files = dockerfiles();
    let mut errors = BTreeMap::new();
    let mut panics = Vec::new();
    let settings = layerlint::Settings::only(&["ALL"]).unwrap();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let result = std::panic::catch_unwind(|| {
            // Every rule runs (so no rule may panic on real files); only the
            // syntax errors are compared with the list.
            let linted = layerlint::lint_bytes(&bytes, &settings);
            let mut codes: Vec<&str> = linted
                .diagnostics
                .iter()
                .map(|d| d.code)
                .filter(|c| c.starts_with("LL0"))
                .collect();
            codes.sort_unstable();
            codes.dedup();
            codes.join(",")
        });
        match result {
            Ok(codes) if !codes.is_empty() => {
                errors.insert(rel, codes);
            }
            Ok(_) => {}
            Err(_) => panics.push(rel),
        }
    }
    assert!(panics.is_empty(), "parser panicked on: {panics:?}");
    (files.len(), errors)
}

#[test]
fn corpus_parses_and_errors_match_the_reviewed_list() {
    let (count, actual) = actual_errors();
    assert_eq!(count, 6701, "the corpus should hold 6,701 Dockerfiles");
    let text = std::fs::read_to_string(expectations_path()).unwrap_or_default();
    let mut expected = BTreeMap::new();
    let mut reasons = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut cols = line.splitn(3, '\t');
        let path = cols.next().unwrap().to_string();
        let codes = cols.next().unwrap_or("").to_string();
        let reason = cols.next().unwrap_or("").trim().to_string();
        expected.insert(path.clone(), codes);
        reasons.insert(path, reason);
    }
    if std::env::var_os("LAYERLINT_BLESS").is_some() {
        let mut out = String::from(
            "# Corpus files with syntax errors: path, codes, why BuildKit refuses them too.\n",
        );
        for (path, codes) in &actual {
            let reason = reasons.get(path).map_or("UNREVIEWED", String::as_str);
            let _ = writeln!(out, "{path}\t{codes}\t{reason}");
        }
        std::fs::write(expectations_path(), out).unwrap();
        return;
    }
    let mut diffs = Vec::new();
    for (path, codes) in &actual {
        match expected.get(path) {
            None => diffs.push(format!("new errors: {path} {codes}")),
            Some(e) if e != codes => diffs.push(format!("changed: {path} {e} -> {codes}")),
            _ => {}
        }
    }
    for (path, codes) in &expected {
        if !actual.contains_key(path) {
            diffs.push(format!("no longer errors: {path} (was {codes})"));
        }
    }
    assert!(
        diffs.is_empty(),
        "corpus errors differ from tests/corpus-errors.tsv:\n{}",
        diffs.join("\n")
    );
    let unreviewed: Vec<_> = reasons
        .iter()
        .filter(|(_, r)| r.is_empty() || r.as_str() == "UNREVIEWED")
        .map(|(p, _)| p.as_str())
        .collect();
    assert!(
        unreviewed.is_empty(),
        "rows without a reason: {unreviewed:?}"
    );
}
