use super::*;
use crate::engine::Selection;

/// A runner that records the inputs and answers with `report`.
fn lint_with(source: &str, settings: &Settings, report: &str) -> (Vec<Input>, Vec<Diagnostic>) {
    let mut seen = Vec::new();
    let found = lint::<Error>(source, settings, |inputs| {
        seen = inputs.to_vec();
        Ok(report.to_string())
    })
    .unwrap();
    (seen, found)
}

fn comment(file: &str, line: usize, col: usize, end: usize, code: u32) -> String {
    format!(
        r#"{{"file":"{file}","line":{line},"endLine":{line},"column":{col},"endColumn":{end},"level":"info","code":{code},"message":"m","fix":null}}"#
    )
}

fn report(comments: &[String]) -> String {
    format!(r#"{{"comments":[{}]}}"#, comments.join(","))
}

fn at<'s>(source: &'s str, d: &Diagnostic) -> &'s str {
    d.range.slice(source)
}

#[test]
fn scripts_export_the_stage_variables_under_the_stage_shell() {
    let source = "ARG GLOBAL\nFROM debian\nARG VERSION=1\nENV HOME_DIR=/x OTHER=2\nRUN echo $VERSION\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN echo $X\nFROM alpine\nRUN echo $VERSION\n";
    let (inputs, _) = lint_with(source, &Settings::default(), &report(&[]));
    assert_eq!(inputs.len(), 3);
    assert_eq!(inputs[0].name, "run-4.sh");
    assert!(inputs[0].script.starts_with("#!/bin/sh\n"));
    assert!(inputs[0].script.contains("export VERSION=1\n"));
    assert!(inputs[0].script.contains("export HOME_DIR=1\n"));
    assert!(inputs[0].script.contains("export OTHER=1\n"));
    assert!(inputs[0].script.contains("export http_proxy=1\n"));
    assert!(
        !inputs[0].script.contains("GLOBAL"),
        "global ARGs are not seen by RUN"
    );
    assert!(inputs[0].script.ends_with("\necho $VERSION"));
    assert!(inputs[1].script.starts_with("#!/bin/bash\n"));
    assert!(
        !inputs[2].script.contains("export VERSION"),
        "a new stage starts afresh"
    );
}

#[test]
fn findings_map_to_exact_ranges_through_continuations() {
    let source = "FROM debian\nENV A=1\nRUN echo ok \\\n  && ls $DIR\n";
    // The script: `#!/bin/sh`, 9 proxy exports, `export A=1`, then the text.
    let (inputs, _) = lint_with(source, &Settings::default(), &report(&[]));
    let prefix = inputs[0].script.matches('\n').count()
        - inputs[0].script.trim_end().matches('\n').count()
        + inputs[0]
            .script
            .lines()
            .position(|l| l.starts_with("echo"))
            .unwrap_or(0);
    let line = prefix + 1;
    let text_line = inputs[0].script.lines().nth(prefix).unwrap_or("");
    let col = text_line.find("$DIR").unwrap_or(0) + 1;
    let (_, found) = lint_with(
        source,
        &Settings::default(),
        &report(&[comment("run-2.sh", line, col, col + 4, 2086)]),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, "SC2086");
    assert_eq!(found[0].name, NAME);
    assert_eq!(found[0].severity, Severity::Info);
    assert_eq!(at(source, &found[0]), "$DIR");
}

#[test]
fn columns_count_characters_and_heredocs_map_back() {
    let source = "FROM debian\nRUN <<EOF\n\techo é $x\nEOF\n";
    let (inputs, _) = lint_with(source, &Settings::default(), &report(&[]));
    let line = inputs[0]
        .script
        .lines()
        .position(|l| l.contains("echo"))
        .unwrap_or(0)
        + 1;
    // `\techo é $x`: `$x` starts at character 9.
    let (_, found) = lint_with(
        source,
        &Settings::default(),
        &report(&[comment("run-1.sh", line, 9, 11, 2086)]),
    );
    assert_eq!(at(source, &found[0]), "$x");
}

#[test]
fn selection_and_suppression_apply() {
    let source = "FROM debian\n# hadolint ignore=SC2086\nRUN echo $a\nRUN echo $b\n";
    let (inputs, _) = lint_with(source, &Settings::default(), &report(&[]));
    let line = |k: usize| {
        inputs[k]
            .script
            .lines()
            .position(|l| l.starts_with("echo"))
            .unwrap_or(0)
            + 1
    };
    let answer = report(&[
        comment("run-1.sh", line(0), 6, 8, 2086),
        comment("run-2.sh", line(1), 6, 8, 2086),
        comment("run-2.sh", line(1), 6, 8, 2154),
        comment("run-2.sh", line(1), 1, 2, 2187),
    ]);
    let (_, found) = lint_with(source, &Settings::default(), &answer);
    let codes: Vec<_> = found.iter().map(|d| (d.code, at(source, d))).collect();
    assert_eq!(codes, [("SC2086", "$b"), ("SC2154", "$b")]);

    let ignore = Settings::from_selection(&Selection {
        ignore: vec!["SC2154".to_string()],
        ..Selection::default()
    })
    .unwrap();
    let (_, found) = lint_with(source, &ignore, &answer);
    assert_eq!(found.len(), 1);

    let only_dl = Settings::only(&["DL3003"]).unwrap();
    let (_, found) = lint_with(source, &only_dl, &answer);
    assert!(found.is_empty(), "--select without SC codes selects none");

    let only_sc = Settings::only(&["SC21"]).unwrap();
    let (_, found) = lint_with(source, &only_sc, &answer);
    assert_eq!(found.iter().map(|d| d.code).collect::<Vec<_>>(), ["SC2154"]);
}

#[test]
fn other_shells_and_forms_are_not_checked() {
    let sources = [
        "FROM debian\nRUN [\"sh\", \"-c\", \"echo $a\"]\n",
        "FROM debian\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n",
        "FROM debian\nSHELL [\"pwsh\", \"-Command\"]\nRUN Write-Host $a\n",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo %a%\n",
        "# hadolint shell=powershell\nFROM debian\nRUN Write-Host $a\n",
    ];
    for source in sources {
        let mut called = false;
        let found = lint::<Error>(source, &Settings::default(), |_| {
            called = true;
            Ok(report(&[]))
        })
        .unwrap();
        assert!(!called && found.is_empty(), "{source}");
    }
}

#[test]
fn onbuild_run_is_checked_in_its_stage() {
    let (inputs, _) = lint_with(
        "FROM debian\nARG V\nONBUILD RUN echo $V $a\n",
        &Settings::default(),
        &report(&[]),
    );
    assert_eq!(inputs.len(), 1);
    assert!(inputs[0].script.contains("export V=1\n"));
    assert!(inputs[0].script.ends_with("\necho $V $a"));
}

#[test]
fn mount_flags_in_any_order_leave_the_script_alone() {
    for source in [
        "FROM debian\nRUN --mount=type=cache,target=/x --network=none echo $a\n",
        "FROM debian\nRUN --network=none --mount=target=/x,type=cache echo $a\n",
    ] {
        let (inputs, _) = lint_with(source, &Settings::default(), &report(&[]));
        assert!(inputs[0].script.ends_with("\necho $a"), "{source}");
    }
}

#[test]
fn selectors() {
    assert!(is_selector("SC2086"));
    assert!(is_selector("sc2"));
    assert!(is_selector("SC"));
    assert!(!is_selector("SC20861"));
    assert!(!is_selector("SCX"));
    assert!(!is_selector("DL3008"));
    assert_eq!(code_str(2086), "SC2086");
    assert!(std::ptr::eq(code_str(2086), code_str(2086)), "made once");
    assert_eq!((code_str(1000), code_str(3999)), ("SC1000", "SC3999"));
    assert_eq!((code_str(999), code_str(4000)), ("SC", "SC"));
    assert_eq!(Mode::parse("required"), Some(Mode::Required));
    assert_eq!(Mode::parse("yes"), None);
}

/// Runs the real `shellcheck` when it is installed (CI installs it).
#[test]
fn real_shellcheck_when_installed() {
    let Some(program) = find_program() else {
        eprintln!("shellcheck not on the PATH: skipped");
        return;
    };
    let source = "FROM debian\nARG name\nRUN echo $name \\\n    && ls $unset_dir\nRUN <<EOF\ncd /tmp\necho `date`\nEOF\n";
    let found = lint(source, &Settings::default(), |inputs| run(&program, inputs)).unwrap();
    let got: Vec<_> = found.iter().map(|d| (d.code, at(source, d))).collect();
    assert!(got.contains(&("SC2086", "$unset_dir")), "{got:?}");
    assert!(got.contains(&("SC2154", "$unset_dir")), "{got:?}");
    // ARGs are exported (with a constant value: no SC2086 either).
    assert!(!got.iter().any(|(_, at)| *at == "$name"), "{got:?}");
    assert!(got.contains(&("SC2164", "cd /tmp")), "{got:?}");
    assert!(got.contains(&("SC2006", "`date`")), "{got:?}");
}
