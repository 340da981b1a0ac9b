//! One snapshot per output format, all from the same input: a fixture with
//! a fixable finding, a finding on a line with non-ASCII text, and a syntax
//! error, plus a clean file. The SARIF is also run through Microsoft's SARIF
//! validator when it is installed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use layerlint::render::{self, FileReport, Format, text};
use layerlint::{Diagnostic, Settings, lint};

const CLEAN: &str = "FROM alpine:3.20\nCMD [\"true\"]\n";

fn fixture() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render/Dockerfile"),
    )
    .unwrap()
}

fn render_to_string(format: Format, options: &text::Options) -> String {
    let source = fixture();
    let findings: Vec<Diagnostic> = lint(&source, &Settings::default());
    let clean: Vec<Diagnostic> = lint(CLEAN, &Settings::default());
    assert!(clean.is_empty(), "{clean:?}");
    let files = [
        FileReport::new("app/Dockerfile", &source, &findings),
        FileReport::new("clean/Dockerfile", CLEAN, &clean),
    ];
    let mut out = Vec::new();
    render::render(format, &files, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn fixture_has_what_the_snapshots_need() {
    let findings = lint(&fixture(), &Settings::default());
    let codes: Vec<_> = findings.iter().map(|d| d.code).collect();
    assert!(findings.iter().any(|d| d.fix.is_some()), "{codes:?}");
    assert!(codes.iter().any(|c| c.starts_with("LL0")), "{codes:?}");
    assert!(codes.len() >= 3, "{codes:?}");
}

#[test]
fn every_format() {
    for format in Format::ALL {
        let output = render_to_string(format, &text::Options::default());
        if matches!(format, Format::Json | Format::Sarif | Format::Gitlab) {
            serde_json::from_str::<serde_json::Value>(&output)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", format.as_str()));
        }
        insta::with_settings!({
            snapshot_path => "../snapshots/render",
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("--format {} of tests/fixtures/render/Dockerfile and a clean file", format.as_str()),
        }, {
            insta::assert_snapshot!(format.as_str(), output);
        });
    }
}

#[test]
fn text_colour_only_when_asked() {
    let plain = render_to_string(Format::Text, &text::Options::default());
    assert!(!plain.contains('\u{1b}'));
    let coloured = render_to_string(
        Format::Text,
        &text::Options {
            color: true,
            ..text::Options::default()
        },
    );
    assert!(coloured.contains("\u{1b}["));
}

#[test]
fn text_quiet_and_statistics() {
    let quiet = render_to_string(
        Format::Text,
        &text::Options {
            quiet: true,
            ..text::Options::default()
        },
    );
    assert!(!quiet.contains("Found "), "{quiet}");
    assert!(quiet.contains("[DL3000]"));
    let stats = render_to_string(
        Format::Text,
        &text::Options {
            statistics: true,
            ..text::Options::default()
        },
    );
    assert!(!stats.contains('┌'), "{stats}");
    let dl3000 = stats.lines().find(|l| l.contains("DL3000")).unwrap();
    assert!(dl3000.trim_start().starts_with('2'), "{dl3000}");
    assert!(
        stats
            .lines()
            .any(|l| l.contains("LL102") && l.contains("[*]")),
        "{stats}"
    );
}

/// The SARIF multitool: `$SARIF_MULTITOOL`, or where `.ci/run` installs it.
fn multitool() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("SARIF_MULTITOOL").map(PathBuf::from),
        Some(PathBuf::from(
            "/tmp/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool",
        )),
        Some(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"),
        ),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

#[test]
fn sarif_passes_the_multitool_validator() {
    let Some(tool) = multitool() else {
        eprintln!(
            "NOTICE: SARIF validation skipped: the SARIF multitool is not installed \
             (npm install --prefix /tmp/sarif @microsoft/sarif-multitool-linux, or set SARIF_MULTITOOL)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("layerlint.sarif");
    let output = dir.path().join("validation.sarif");
    std::fs::write(
        &input,
        render_to_string(Format::Sarif, &text::Options::default()),
    )
    .unwrap();
    let status = std::process::Command::new(&tool)
        .arg("validate")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .args(["--log", "ForceOverwrite", "--level", "Error;Warning;Note"])
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(
        status.success(),
        "{} validate failed: {status}",
        tool.display()
    );
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    let problems: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| matches!(r["level"].as_str(), Some("error" | "warning") | None))
        .map(|r| format!("{} {}", r["ruleId"], r["message"]))
        .collect();
    assert!(
        problems.is_empty(),
        "SARIF validation problems:\n{}",
        problems.join("\n")
    );
}
