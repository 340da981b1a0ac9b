//! Generators of Dockerfile-shaped text for the property tests: lines
//! drawn from a vocabulary of keywords, flags, quotes, continuations,
//! directives, heredocs and JSON, and an alphabet of the characters the
//! parser cares about. Shared by `parser_props.rs` and `pipeline_props.rs`.

use proptest::prelude::*;
use proptest::sample::select;

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
pub const ALPHABET: &[char] = &[
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

pub fn dockerfile() -> impl Strategy<Value = String> {
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
