//! Property: the shell model never panics, whatever the `RUN` text, and
//! every range it reports lies within the source on character boundaries.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use layerlint::semantic::Stages;
use layerlint::semantic::shell::{
    RunScript, ShellScripts, ShellWord, mounts::MountProblem, programs::spec_for,
};
use layerlint::syntax::{TextRange, parse};
use proptest::prelude::*;

fn check(source: &str, range: TextRange, what: &str) {
    let (start, end) = (range.start as usize, range.end as usize);
    assert!(
        start <= end && end <= source.len(),
        "{what} {range:?} outside a source of {} bytes: {source:?}",
        source.len()
    );
    assert!(
        source.is_char_boundary(start) && source.is_char_boundary(end),
        "{what} {range:?} not on character boundaries: {source:?}"
    );
}

fn check_word(source: &str, word: &ShellWord<'_>) {
    check(source, word.range, "word");
    for part in &word.parts {
        check(source, part.range(), "word part");
    }
}

fn check_run(source: &str, run: &RunScript<'_>) {
    if let Some(text) = &run.text {
        check(source, text.range(0, text.len()), "text");
    }
    for mount in &run.flags.mounts {
        check(source, mount.range, "mount");
        for option in &mount.options {
            check(source, option.range, "mount option");
        }
        for problem in &mount.problems {
            let range = match problem {
                MountProblem::Csv { range }
                | MountProblem::UnknownKey { range, .. }
                | MountProblem::MissingValue { range, .. }
                | MountProblem::InvalidValue { range, .. }
                | MountProblem::NotAllowed { range, .. }
                | MountProblem::InvalidSecret { range }
                | MountProblem::VariableInFrom { range } => *range,
            };
            check(source, range, "mount problem");
        }
    }
    let Some(script) = &run.script else { return };
    for construct in &script.constructs {
        check(source, construct.range, "construct");
    }
    for error in &script.errors {
        check(source, *error, "error");
    }
    for command in &script.commands {
        check(source, command.range, "command");
        assert!(command.construct < script.constructs.len());
        for word in command.words() {
            check_word(source, word);
        }
        for assignment in &command.assignments {
            check(source, assignment.range, "assignment");
            if let Some(value) = &assignment.value {
                check_word(source, value);
            }
        }
        for redirect in &command.redirects {
            check(source, redirect.range, "redirect");
            if let Some(target) = &redirect.target {
                check_word(source, target);
            }
            if let Some(body) = redirect.body {
                check(source, body, "heredoc body");
            }
        }
    }
    // The helpers run on anything.
    for inv in script.invocations() {
        if let Some(args) = spec_for(inv.program()).map(|s| s.parse(inv.args)) {
            let _ = args.packages();
        }
    }
    let _ = script.removal_after(0, "/var/lib/apt/lists/*");
    let _ = script.has_pipes();
    let _ = script.sets_pipefail();
}

fn check_source(source: &str) {
    let file = parse(source);
    let stages = Stages::new(&file);
    let scripts = ShellScripts::new(&file, &stages);
    for (_, run) in scripts.runs() {
        check_run(source, run);
    }
}

/// Shell-heavy text: metacharacters, quotes, continuations, heredoc
/// markers, multi-byte characters.
fn shell_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("apt-get install -y x".to_owned()),
        Just("sh -c '".to_owned()),
        Just("bash -c \"".to_owned()),
        Just("<<EOF".to_owned()),
        Just("<<-'E'".to_owned()),
        Just("\\\n".to_owned()),
        Just("\n# c\n".to_owned()),
        Just("$(".to_owned()),
        Just("`".to_owned()),
        Just("${A:-".to_owned()),
        Just("$'\\t".to_owned()),
        Just("rm -rf /var/lib/apt/lists/*".to_owned()),
        Just("sudo env A=1 xargs -n1".to_owned()),
        "[a-z \\\\'\"$(){}|&;<>\\n\\t#=*?\\[\\]`!~é😀-]{0,12}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn shell_model_never_panics(text in shell_text(), exec in any::<bool>(), flags in "[a-z=,\"/$ -]{0,20}") {
        let run = if exec {
            format!("[\"sh\", \"-c\", \"{}\"]", text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
        } else {
            text.clone()
        };
        check_source(&format!("FROM a\nRUN --mount={flags} {run}\nEOF\nE\n"));
        check_source(&format!("# escape=`\nFROM a\nRUN {run}\n"));
        check_source(&format!("FROM a\nONBUILD RUN <<EOF bash\n{text}\nEOF\n"));
        check_source(&format!("FROM a\nRUN <<EOF\n#!/bin/sh\n{text}\nEOF\n"));
    }
}

#[test]
fn deep_nesting_is_bounded() {
    for open in ["(", "$(", "{ ", "`", "if true; then ", "sh -c '"] {
        let text = open.repeat(3000);
        check_source(&format!("FROM a\nRUN {text}\n"));
    }
    let nested_quotes = format!("{}echo{}", "sh -c \"".repeat(300), "\"".repeat(300));
    check_source(&format!("FROM a\nRUN {nested_quotes}\n"));
}

/// A token of a generated script: mostly what the plain command-list
/// parser reads, with some of what it leaves to the grammar.
fn script_token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a",
        "apt-get",
        "x-1.2",
        "/usr/bin/x",
        "*.txt",
        "/var/lib/*",
        "--opt=v",
        "-f",
        "-",
        "${V%x}",
        "[ a ]",
        "0",
        "12",
        "$V",
        "${V}",
        "${V:-d}",
        "$1",
        "$@",
        "$?",
        "x$V",
        "a-$V-b",
        "a/$V/b-$V.tgz",
        "$V$W",
        "\"q\"",
        "\"$V x\"",
        "\" $V\"",
        "\"a $(b c)\"",
        "'s q'",
        "a'b'c",
        "\\$x",
        "\\\"",
        "$(a b)",
        "$(a | b)",
        "\"$(a)\"",
        "then",
        "else",
        "fi",
        "for",
        "in",
        "do",
        "done",
        "while",
        "case",
        "esac",
        ";;",
        "if a; then b; fi",
        "if ! a $V; then",
        "while ! a; do",
        "if [ $V ]; then",
        "for x in 1 2; do",
        "while a; do b; done",
        "elif",
        "until",
        "if a\nthen",
        "do b $V; done",
        "for x in $(a) \"$V\"\ndo",
        "case \"$V\" in",
        "x|'y')",
        "(*.z)",
        ";&",
        "(a b)",
        "case $V in a|b) c;; *) d $V;; esac",
        "a)",
        "} >f",
        "{ a; }",
        "( a; b $V )",
        "{\n a\n}",
        "(a) && b",
        "{ a | b | c; }",
        "(cd x && a >f)",
        "{ a; } 2>&1",
        "{ a; } >\"$V\"",
        "( a ) >> f 2>&1",
        "done >f",
        "fi 2>/dev/null",
        "A=b",
        "A=",
        "A+=x",
        "B=\"$V\"",
        "C=$(d)",
        ">",
        ">>",
        "<",
        "2>",
        "2>&1",
        ">&2",
        "&>",
        ">|",
        "<&",
        "|",
        "||",
        "&&",
        ";",
        "\n",
        " ",
        "  ",
        "# c\n",
        "~",
        "?",
        "%",
        "@",
        ":",
        ",",
        "=",
        "sh",
        "-c",
        "bash",
        "sudo",
        "env",
        "export",
        "local",
        "unset",
        "unset A",
        "unset -f a",
        "! a |",
        "! a b | c",
        "{}",
        "x{}",
        "{}}",
        "{a,b}",
        "x{a,b}y",
        "{1..3}",
        "{a,{b,c}}",
        "{a",
        "{a }",
        "-exec a {} \\;",
        "export $(a | b)",
        "export $(a)x",
        "local $(a) B=c",
        "[ -f x ]",
        "[ \"$V\" = a ]",
        "-n",
        "-eq",
        "-a",
        "if",
        "[",
        "]",
        "{",
        "}",
        "(",
        ")",
        "!",
        "&",
        "f() { a; }",
        "f () {\n a $V\n}",
        "f(){ a | b; }",
        "f()",
        "f() (a)",
        "`a`",
        "`",
        "`a b`",
        "x`a`y",
        "`a | b`",
        "`a; b`",
        "`a && b`",
        "\"`a`\"",
        "\"a!b\"",
        "\"!\"",
        "\"! $V!\"",
        "\"$!\"",
        "\"!(x)\"",
        "\"!$(a)\"",
        "!x",
        "a!b",
        "!=",
        "x!(y)",
        "!(y)",
        "[ ! -d x ]",
        "[ ! x ]",
        "[ \"$V\" != a ]",
        "test ! -e x",
        "A=!x",
        "\"x `a $V` y\"",
        "\\`",
        "`a \\` b`",
        "`a \\`b\\``",
        "`$(a)`",
        "$(`a`)",
        "`a\nb`",
        "'`'",
        "\\",
        "\\ ",
        "<<E",
        "$((1))",
        "é",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The plain command-list parser gives the grammar's model, or leaves
    /// the script to it.
    #[test]
    fn plain_parser_agrees_with_the_grammar(tokens in prop::collection::vec(script_token(), 1..14)) {
        use layerlint::semantic::shell::script::parse_with_grammar_only;
        use layerlint::semantic::shell::{Script, ShellText};
        let source = tokens.join(" ") + " ";
        let text = ShellText::verbatim(&source, TextRange::from_usize(0, source.len()));
        let fast = format!("{:#?}", Script::parse(&text));
        let full = parse_with_grammar_only(|| format!("{:#?}", Script::parse(&text)));
        prop_assert_eq!(fast, full, "{:?}", source);
    }
}

/// A command of a few words for `long_pipeline`.
fn pipeline_command() -> impl Strategy<Value = String> {
    prop::collection::vec(script_token(), 1..4).prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// What follows a pipeline of three commands or more, after `;`, `&&`,
    /// `||` or a line break, is read as the grammar reads it.
    #[test]
    fn plain_parser_agrees_after_long_pipelines(
        prefix in prop::sample::select(vec!["", "x && ", "x || ", "x; ", "x &&\n ", "x | y && "]),
        stages in prop::collection::vec(pipeline_command(), 3..6),
        separator in prop::sample::select(vec![";", "\n", " ;\n", ";\n\n", "; # c\n", "\n# c\n", " & ", ";;", " && ", " || ", " &&\n ", " || # c\n"]),
        rest in prop::collection::vec(script_token(), 1..10),
    ) {
        use layerlint::semantic::shell::script::parse_with_grammar_only;
        use layerlint::semantic::shell::{Script, ShellText};
        let source = format!("{prefix}{}{separator}{} ", stages.join(" | "), rest.join(" "));
        let text = ShellText::verbatim(&source, TextRange::from_usize(0, source.len()));
        let fast = format!("{:#?}", Script::parse(&text));
        let full = parse_with_grammar_only(|| format!("{:#?}", Script::parse(&text)));
        prop_assert_eq!(fast, full, "{:?}", source);
    }
}

/// A command of a few words for `plain_parser_agrees_on_lists_of_pipelines`,
/// at times with a redirect.
fn list_command() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        4 => prop::sample::select(vec!["a", "b $V", "-f", "\"q x\"", "$(a | b)", "c=d", "[ -f x ]"]),
        1 => script_token(),
    ];
    let redirect = prop::sample::select(vec!["", "", "", " 2>&1", " >f", " 2>/dev/null", " <in"]);
    (prop::collection::vec(word, 1..4), redirect)
        .prop_map(|(words, redirect)| words.join(" ") + redirect)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Lists of pipelines, which the grammar may nest otherwise than the
    /// shell (`a | (b | c && d)`, `(a >x | b) | c`), get the same model
    /// from both parsers.
    #[test]
    fn plain_parser_agrees_on_lists_of_pipelines(
        list in prop::collection::vec(
            (
                prop::collection::vec(list_command(), 1..6),
                prop::sample::select(vec![" && ", " || ", "; ", "\n", " &&\n  ", " ;\n", " "]),
            ),
            1..6,
        ),
    ) {
        use layerlint::semantic::shell::script::parse_with_grammar_only;
        use layerlint::semantic::shell::{Script, ShellText};
        let source: String = list
            .iter()
            .map(|(stages, separator)| stages.join(" | ") + separator)
            .collect();
        let text = ShellText::verbatim(&source, TextRange::from_usize(0, source.len()));
        let fast = format!("{:#?}", Script::parse(&text));
        let full = parse_with_grammar_only(|| format!("{:#?}", Script::parse(&text)));
        prop_assert_eq!(fast, full, "{:?}", source);
    }
}
