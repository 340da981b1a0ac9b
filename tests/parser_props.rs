//! Property tests for the parser: whatever the input, `parse` does not panic,
//! every range in the tree lies inside the source on character boundaries,
//! and every value borrowed from the source equals the text its range covers.
//!
//! The inputs are mostly Dockerfile-shaped (lines drawn from a vocabulary of
//! keywords, flags, quotes, continuations, directives, heredocs and JSON),
//! plus dense strings over the characters the parser cares about and fully
//! arbitrary strings. 512 cases per property by default; set
//! `PROPTEST_CASES` for a longer run.
//!
//! The checker is shared with the fuzz target: `fuzz/fuzz_targets/ranges.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../fuzz/fuzz_targets/ranges.rs"]
mod ranges;

mod generators;

use generators::{ALPHABET, dockerfile};
use layerlint::syntax::{dump, parse};
use proptest::prelude::*;
use proptest::sample::select;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    ProptestConfig::with_cases(cases)
}

/// Parses `source`, dumps it, and checks the range invariants.
fn check_source(source: &str) -> Result<(), TestCaseError> {
    let file = parse(source);
    let _ = dump::dump(&file);
    let problems = ranges::check(&file);
    prop_assert!(
        problems.is_empty(),
        "{} problem(s) for {source:?}:\n{}",
        problems.len(),
        problems.join("\n")
    );
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn structured_input_keeps_ranges_valid(source in dockerfile()) {
        check_source(&source)?;
    }

    #[test]
    fn dense_input_keeps_ranges_valid(
        chars in prop::collection::vec(select(ALPHABET), 0..300)
    ) {
        let source: String = chars.into_iter().collect();
        check_source(&source)?;
    }

    #[test]
    fn arbitrary_input_keeps_ranges_valid(source in "(?s).{0,300}") {
        check_source(&source)?;
    }

    #[test]
    fn any_string_keeps_ranges_valid(source in any::<String>()) {
        check_source(&source)?;
    }
}

/// Hand-picked inputs at the edges the generators aim for.
#[test]
fn edge_cases_keep_ranges_valid() {
    for source in [
        "",
        "\u{feff}",
        "\u{feff}FROM a",
        "\\",
        "RUN \\",
        "RUN \\\n",
        "RUN a \\\n\n# c\n\\\n b",
        "# escape=`\nRUN a `\n  b",
        "# escape=`\nRUN a \\\n",
        "RUN <<EOF\nbody\nEOF\n",
        "RUN <<-EOF\n\tbody\n\tEOF",
        "RUN <<'EOF' <<EOF2\nx\nEOF\ny\nEOF2\nFROM a",
        "RUN <<EOF\nno end\nRUN next\n",
        "COPY <<EOF /x\r\nbody\r\nEOF\r\n",
        "ONBUILD RUN <<EOF\nx\nEOF",
        "ONBUILD ONBUILD ONBUILD",
        "RUN  [\"a\"]\n",
        "CMD [\"a\", \\\n \"b\"]",
        "CMD [\"\\u00e9\\ud83d\\ude00\", \\\n \"\\ud83d\"]",
        "COPY --chown=\"a\\\n b\" x y",
        "RUN --mount=type=cache,\\\ntarget=/x é",
        "ENV a=\"b \\\n c\" d=é\u{a0}f",
        "LABEL k v\u{2028}w",
        "ARG a=\\",
        "HEALTHCHECK CMD [\"x\"]",
        "HEALTHCHECK\u{b}\u{b}",
        "FROM\u{a0}a",
        "RUN\u{2028}é\\",
        "RUN a\\\r\n\r\nb",
        "RUN é\\\n\u{feff}\\\n😀",
    ] {
        check_source(source).unwrap();
    }
}

/// Heredoc bodies full of instruction-like lines, and many unterminated
/// heredocs, once made the parser quadratic (a 300 KB file took 6 to 20 s).
/// There is no timing assertion; a regression shows as a test that takes
/// minutes.
#[test]
fn heredoc_look_ahead_stays_linear() {
    use std::fmt::Write as _;

    let lines = 10_000;
    let mut terminated = String::from("FROM a\nRUN <<EOF\n");
    for i in 0..lines {
        writeln!(terminated, "RUN echo {i}").unwrap();
    }
    terminated.push_str("EOF\n");
    let file = parse(&terminated);
    assert_eq!(file.instructions.len(), 2);
    assert_eq!(file.instructions[1].heredocs.len(), 1);
    assert!(file.instructions[1].heredocs[0].terminator.is_some());
    check_source(&terminated).unwrap();

    let mut unterminated = String::from("FROM a\n");
    for i in 0..lines / 2 {
        writeln!(unterminated, "RUN <<NOPE{i}\nRUN echo").unwrap();
    }
    let file = parse(&unterminated);
    assert_eq!(file.instructions.len(), 1 + lines);
    check_source(&unterminated).unwrap();
}
