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

const KEYWORDS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "ENTRYPOINT",
    "SHELL",
    "COPY",
    "ADD",
    "VOLUME",
    "ENV",
    "LABEL",
    "ARG",
    "USER",
    "WORKDIR",
    "STOPSIGNAL",
    "MAINTAINER",
    "EXPOSE",
    "HEALTHCHECK",
    "ONBUILD",
    "ONBUILD RUN",
    "ONBUILD COPY",
    "ONBUILD ONBUILD",
    "HEALTHCHECK CMD",
    "HEALTHCHECK NONE",
    "FROBNICATE",
];

/// Pieces of argument text, valid and broken.
const FRAGMENTS: &[&str] = &[
    "--from=build",
    "--mount=type=cache,target=/root/.cache",
    "--chmod=755",
    "--link",
    "--",
    "--network=none",
    "--x=\"a b\"",
    "--y='q'",
    "--z=\\",
    "--é=😀",
    "--interval=5s",
    "--platform=$BUILDPLATFORM",
    "alpine:3.20",
    "AS",
    "build",
    "apt-get install -y curl",
    "&&",
    "|",
    ";",
    "echo",
    "cat",
    "a=b",
    "KEY=\"v w\"",
    "KEY='x'",
    "k=",
    "=v",
    "KEY",
    "value",
    "\"",
    "'",
    "\"unterminated",
    "'half",
    "a\\ b",
    "\\\"",
    "<<EOF",
    "<<-EOF",
    "<<'EOF'",
    "<<\"EOF\"",
    "3<<EOF",
    "<<-\"E O\"",
    "<<EOF2",
    "<<<",
    "<<",
    "<<-",
    "[\"a\", \"b\"]",
    "[\"sh\", \"-c\", \"echo hi\"]",
    "[]",
    "[",
    "]",
    "[\"a\"",
    "[\"a\",]",
    "['a']",
    "[1, \"b\"]",
    "[\"x\", [\"y\"]]",
    "[{\"k\": [1, {}]}]",
    "[\"\\u00e9\\ud83d\\ude00\"]",
    "[\"\\ud83d\"]",
    "[\"\\n\\t\\\"\"]",
    "[\"\\x\"]",
    "é",
    "😀",
    "\u{a0}",
    "\u{2028}",
    "\u{feff}",
    "\u{b}",
    "\u{c}",
    "\t",
    "  ",
    "\r",
    "\\",
    "`",
    "$VAR",
    "${VAR:-x}",
    "#",
    "# not a comment",
    "=",
    "RUN",
    "CMD",
    "NONE",
];

/// Line endings that continue (or fail to continue) the instruction.
const ENDINGS: &[&str] = &[
    "", "", "", " \\", "\\", " \\  ", "\\\t", "`", " `", "\\\\", "``", " \\ # x",
];

const BREAKS: &[&str] = &["\n", "\n", "\n", "\r\n", "\r", ""];

const WHOLE_LINES: &[&str] = &[
    "# escape=`",
    "# escape=\\",
    "#escape=x",
    "# ESCAPE = `",
    "# escape= ",
    "#syntax=docker/dockerfile:1",
    "# syntax = docker/dockerfile:1.7 ",
    "# check=skip=all",
    "# check=error=true",
    "#",
    "# a comment",
    "   # indented comment é",
    "",
    "   ",
    "\t",
    "\u{a0}",
    "EOF",
    "\tEOF",
    "\t\tEOF",
    " EOF",
    "EOF ",
    "EOF2",
    "E O",
    "  echo body line",
    "\u{feff}FROM x",
];

/// An instruction keyword in mixed case.
fn keyword() -> impl Strategy<Value = String> {
    (select(KEYWORDS), any::<u32>()).prop_map(|(k, mask)| {
        k.chars()
            .enumerate()
            .map(|(i, c)| {
                if mask >> (i % 32) & 1 == 1 {
                    c.to_ascii_lowercase()
                } else {
                    c
                }
            })
            .collect()
    })
}

fn separator() -> impl Strategy<Value = &'static str> {
    select(&[" ", " ", " ", "  ", "\t", "\u{b}", "", "\u{a0}"][..])
}

fn instruction_line() -> impl Strategy<Value = String> {
    (
        select(&["", "", "  ", "\t"][..]),
        keyword(),
        prop::collection::vec((separator(), select(FRAGMENTS)), 0..6),
        select(ENDINGS),
    )
        .prop_map(|(indent, keyword, parts, ending)| {
            let mut line = format!("{indent}{keyword}");
            for (sep, part) in parts {
                line.push_str(sep);
                line.push_str(part);
            }
            line.push_str(ending);
            line
        })
}

fn continuation_line() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((separator(), select(FRAGMENTS)), 1..4),
        select(ENDINGS),
    )
        .prop_map(|(parts, ending)| {
            let mut line = String::new();
            for (sep, part) in parts {
                line.push_str(sep);
                line.push_str(part);
            }
            line.push_str(ending);
            line
        })
}

/// Keywords whose arguments may be a JSON array.
const JSON_KEYWORDS: &[&str] = &[
    "RUN",
    "CMD",
    "ENTRYPOINT",
    "SHELL",
    "COPY",
    "ADD",
    "VOLUME",
    "HEALTHCHECK CMD",
    "ONBUILD CMD",
    "ONBUILD COPY",
];

/// JSON array elements: strings with and without escapes, and other values.
const JSON_ELEMENTS: &[&str] = &[
    "\"a\"",
    "\"sh\"",
    "\"-c\"",
    "\"echo hi && ls\"",
    "\"\"",
    "\"é😀\u{a0}\u{2028}\"",
    "\"\\u00e9\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud83d\"",
    "\"\\n\\t\\\\\\\"\\/\"",
    "\"\\x\"",
    "\"tab\tinside\"",
    "\"<<EOF\"",
    "\"unterminated",
    "'single'",
    "1",
    "-0.5e+3",
    "01",
    "null",
    "true",
    "[\"nested\"]",
    "{\"k\": [1, {}]}",
];

/// What separates JSON elements, including continuations inside the array.
const JSON_SEPARATORS: &[&str] = &[
    ",",
    ", ",
    ", ",
    " , ",
    ",\t",
    ",\\\n ",
    ",\\\r\n\t",
    ", \\\n# c\n ",
    ",`\n",
    " ",
    "",
];

const JSON_CLOSERS: &[&str] = &["]", "]", "]", "] ", "]\t", "", "]x", "],", "]]"];

fn json_array() -> impl Strategy<Value = String> {
    (
        select(&["[", "[", "[ ", "[\\\n"][..]),
        prop::collection::vec((select(JSON_ELEMENTS), select(JSON_SEPARATORS)), 0..5),
        select(JSON_CLOSERS),
    )
        .prop_map(|(open, elements, close)| {
            let mut text = open.to_owned();
            let count = elements.len();
            for (i, (element, sep)) in elements.into_iter().enumerate() {
                text.push_str(element);
                if i + 1 < count {
                    text.push_str(sep);
                }
            }
            text.push_str(close);
            text
        })
}

/// An exec-form (or JSON paths) instruction, valid or nearly so.
fn json_line() -> impl Strategy<Value = String> {
    (
        select(&["", "", "  "][..]),
        select(JSON_KEYWORDS),
        prop::collection::vec(select(&["--from=a", "--link", "--chmod=7\\ 5"][..]), 0..2),
        separator(),
        json_array(),
        select(&["", "", "", " \\", "\\"][..]),
    )
        .prop_map(|(indent, keyword, flags, sep, array, ending)| {
            let mut line = format!("{indent}{keyword} ");
            for flag in flags {
                line.push_str(flag);
                line.push(' ');
            }
            line.push_str(sep);
            line.push_str(&array);
            line.push_str(ending);
            line
        })
}

/// Characters that drive the parser's decisions, for dense random text.
const ALPHABET: &[char] = &[
    '\\', '`', '\n', '\n', '\r', '\t', ' ', ' ', '"', '\'', '<', '<', '-', '#', '=', '[', ']', ',',
    '{', '}', ':', 'E', 'O', 'F', 'R', 'U', 'N', 'r', 'u', 'n', 'C', 'P', 'Y', 'A', 'D', 'V', 'L',
    'B', 'I', 'G', 'H', 'M', 'T', 'S', 'e', 'x', 'a', 'p', '3', '0', 'u', 'é', '😀', '\u{a0}',
    '\u{2028}', '\u{feff}', '\u{b}', '\u{c}',
];

/// A Dockerfile-shaped line with its line break.
fn line() -> impl Strategy<Value = String> {
    let body = prop_oneof![
        6 => instruction_line(),
        3 => json_line(),
        3 => continuation_line(),
        3 => select(WHOLE_LINES).prop_map(str::to_owned),
        1 => prop::collection::vec(select(ALPHABET), 0..12)
            .prop_map(|chars| chars.into_iter().collect::<String>()),
        1 => "\\PC{0,12}",
    ];
    (body, select(BREAKS)).prop_map(|(body, brk)| body + brk)
}

fn dockerfile() -> impl Strategy<Value = String> {
    (
        select(&["", "", "", "\u{feff}"][..]),
        prop::collection::vec(line(), 0..24),
    )
        .prop_map(|(bom, lines)| {
            let mut text = bom.to_owned();
            text.extend(lines);
            text
        })
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
