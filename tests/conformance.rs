//! BuildKit's own parser test files (`../shared/conformance/buildkit-parser`):
//! every positive case must dump exactly as BuildKit's `result`, every
//! negative case must give a syntax error, and `testfile-line` must give the
//! documented line ranges.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use layerlint::syntax::{SyntaxErrorKind, dump::dump, parse};

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/buildkit-parser")
}

fn cases(dir: &str) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(conformance_dir().join(dir))
        .unwrap_or_else(|e| panic!("conformance data missing ({dir}): {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn positive_cases_dump_exactly_like_buildkit() {
    let cases = cases("testfiles");
    assert_eq!(cases.len(), 33, "expected BuildKit's 33 positive cases");
    let mut failures = Vec::new();
    for case in &cases {
        let source = std::fs::read_to_string(case.join("Dockerfile")).unwrap();
        let expected = std::fs::read_to_string(case.join("result")).unwrap();
        let file = parse(&source);
        let got = dump(&file);
        if got != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- got\n{got}",
                case.display()
            ));
        }
        // BuildKit's parser tests run only the line parser; the second stage
        // (instructions/parse.go: flags, argument counts, unknown keywords)
        // rejects some of these fixtures, which are never built.
        let line_errors: Vec<_> = file
            .errors
            .iter()
            .filter(|e| {
                !matches!(
                    e.kind,
                    SyntaxErrorKind::UnknownInstruction
                        | SyntaxErrorKind::ArgumentCount
                        | SyntaxErrorKind::UnknownFlag
                        | SyntaxErrorKind::InvalidFlagValue
                        | SyntaxErrorKind::InvalidArgument
                )
            })
            .collect();
        if !line_errors.is_empty() {
            failures.push(format!(
                "{}: unexpected errors {line_errors:?}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn negative_cases_are_syntax_errors() {
    let cases = cases("testfiles-negative");
    assert_eq!(cases.len(), 4);
    for case in &cases {
        let source = std::fs::read_to_string(case.join("Dockerfile")).unwrap();
        let file = parse(&source);
        let codes: Vec<_> = file
            .errors
            .iter()
            .map(layerlint::syntax::SyntaxError::code)
            .collect();
        let expected = match case.file_name().unwrap().to_str().unwrap() {
            "empty_dockerfile" | "only_comments" => "LL001",
            "env_no_value" => "LL007",
            "shykes-nested-json" => "LL006",
            other => panic!("unknown negative case {other}"),
        };
        assert_eq!(codes, vec![expected], "{}", case.display());
    }
}

#[test]
fn instruction_line_ranges() {
    let source =
        std::fs::read_to_string(conformance_dir().join("testfile-line/Dockerfile")).unwrap();
    let file = parse(&source);
    let lines: Vec<_> = file
        .instructions
        .iter()
        .map(|i| file.lines_of(i.range))
        .collect();
    assert_eq!(lines, vec![(5, 5), (11, 12), (17, 31)]);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
}
