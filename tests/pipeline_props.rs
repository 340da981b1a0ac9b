//! Property tests for the whole lint-and-fix pipeline on Dockerfile-shaped
//! random input (the parser property tests' generators): linting never
//! panics, the fixed text has no syntax error the input did not have, and
//! fixing the fixed text changes nothing.
//!
//! 256 cases per property by default; set `PROPTEST_CASES` for a longer run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod generators;

use generators::{ALPHABET, dockerfile};
use layerlint::{Settings, engine, lint_bytes, parse};
use proptest::prelude::*;
use proptest::sample::select;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig::with_cases(cases)
}

/// Lints and fixes `source` (safe fixes, then unsafe ones too) and checks
/// the fix invariants.
fn check_pipeline(source: &str) -> Result<(), TestCaseError> {
    let settings = Settings::default();
    let _ = engine::lint(source, &settings);
    let before = parse(source).errors.len();
    for unsafe_fixes in [false, true] {
        let fixed = engine::fix(source, &settings, unsafe_fixes);
        let after = parse(&fixed.text).errors.len();
        prop_assert!(
            after <= before,
            "fixing (unsafe: {unsafe_fixes}) added syntax errors ({before} -> {after})\n\
             input: {source:?}\nfixed: {:?}",
            fixed.text
        );
        let again = engine::fix(&fixed.text, &settings, unsafe_fixes);
        prop_assert_eq!(
            &again.text,
            &fixed.text,
            "a second fix (unsafe: {}) changed the text; input: {:?}",
            unsafe_fixes,
            source
        );
        prop_assert_eq!(again.applied, 0);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn structured_input_fixes_cleanly(source in dockerfile()) {
        check_pipeline(&source)?;
    }

    #[test]
    fn dense_input_fixes_cleanly(chars in prop::collection::vec(select(ALPHABET), 0..300)) {
        let source: String = chars.into_iter().collect();
        check_pipeline(&source)?;
    }

    #[test]
    fn arbitrary_bytes_lint_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let linted = lint_bytes(&bytes, &Settings::default());
        if std::str::from_utf8(&bytes).is_err() || bytes.contains(&0) {
            prop_assert!(linted.diagnostics.iter().any(|d| d.code == "LL013"));
        }
    }
}

/// Inputs the properties once failed on.
#[test]
fn regressions() {
    for source in [
        // LL107 rewrote a legacy `ENV` whose key holds `=` (the key runs up
        // to the no-break space) as `key=value`, which splits at that `=`
        // and fired again, 16 passes without converging.
        "FROM alpine\nENV a\u{a0}b=c d\n",
        "ENV alpine:3.20\u{a0}--from=build --from=build \u{b} # not a comment \\  \r  FROM  --from=build --from=build \\\nFROM --from=build\n",
    ] {
        check_pipeline(source).unwrap();
    }
}
