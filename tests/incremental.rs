//! Linting after an edit through `IncrementalLint` (what the language
//! server does on every keystroke) finds exactly what a full lint of the
//! new text finds. Documents are runs of consecutive corpus files joined
//! into one multi-stage file; each gets a sequence of random edits (a
//! character typed or deleted, a line duplicated or removed, a word
//! replaced) and after every edit both lints are compared, with every rule
//! enabled and with the defaults.
//!
//! `LAYERLINT_INCREMENTAL_DOCS` and `LAYERLINT_INCREMENTAL_EDITS` raise the
//! number of documents and edits (defaults: 24 and 12).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fmt::Write as _;

use layerlint::engine::IncrementalLint;
use layerlint::{Diagnostic, Settings};

/// A small deterministic generator (xorshift64*), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap()
    }
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `count` documents of `per` consecutive corpus files each, spread evenly
/// over the corpus.
fn documents(count: usize, per: usize) -> Vec<(String, String)> {
    let files = common::corpus_dockerfiles();
    let step = (files.len() / count.max(1)).max(per);
    let mut out = Vec::new();
    for start in (0..files.len()).step_by(step).take(count) {
        let mut text = String::new();
        for path in files.iter().skip(start).take(per) {
            let Ok(body) = std::fs::read_to_string(path) else {
                continue;
            };
            if body.contains('\0') {
                continue;
            }
            text.push_str(&body);
            if !text.ends_with('\n') {
                text.push('\n');
            }
        }
        let name = files[start].display().to_string();
        out.push((name, text));
    }
    out
}

/// The nearest char boundary at or before `at`.
fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Applies one random edit; returns what it did.
fn edit(text: &mut String, rng: &mut Rng) -> String {
    const TYPED: &[&str] = &[
        "x",
        "\n",
        " ",
        "\\",
        "$",
        "\"",
        "#",
        "-",
        "=",
        "{",
        "}",
        "'",
        "&&",
        "\\\n",
        "A",
        "FROM",
        "RUN ",
        "--from=0 ",
        "${X:-y}",
        "<<EOF\n",
    ];
    const WORDS: &[&str] = &[
        "FROM",
        "RUN",
        "COPY",
        "ARG",
        "ENV",
        "USER",
        "root",
        "apt-get",
        "install",
        "latest",
        "AS build",
        "WORKDIR",
        "CMD",
        "HEALTHCHECK NONE",
        "--from=build",
        "builder",
        "EOF",
        "pip",
        "npm",
        "curl",
        "sudo",
        "cd",
        "ONBUILD RUN",
    ];
    let at = boundary(text, rng.below(text.len() + 1));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    match rng.below(6) {
        0 | 1 => {
            let typed = TYPED[rng.below(TYPED.len())];
            text.insert_str(at, typed);
            format!("insert {typed:?} at {at}")
        }
        2 => {
            let end = boundary(text, at + 1 + rng.below(3));
            let end = if end <= at {
                text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
            } else {
                end
            };
            text.replace_range(at..end, "");
            format!("delete {at}..{end}")
        }
        3 => {
            let line = text[line_start..line_end].to_string();
            text.insert_str(line_start, &line);
            format!("duplicate line at {line_start}")
        }
        4 => {
            text.replace_range(line_start..line_end, "");
            format!("remove line at {line_start}")
        }
        _ => {
            let word_end = text[at..]
                .find(|c: char| c.is_whitespace())
                .map_or(text.len(), |i| at + i);
            let word = WORDS[rng.below(WORDS.len())];
            text.replace_range(at..word_end, word);
            format!("replace {at}..{word_end} with {word:?}")
        }
    }
}

fn describe(list: &[&Diagnostic]) -> String {
    let mut out = String::new();
    for d in list {
        let _ = writeln!(
            out,
            "  {} {:?} {}\n    related {:?}\n    fix {:?}",
            d.code,
            d.range,
            d.message.chars().take(100).collect::<String>(),
            d.related,
            d.fix,
        );
    }
    out
}

fn check(settings: &Settings, seed: u64) {
    let docs = env_count("LAYERLINT_INCREMENTAL_DOCS", 24);
    let edits = env_count("LAYERLINT_INCREMENTAL_EDITS", 12);
    let mut rng = Rng(seed);
    let mut compared = 0;
    let mut reused = 0;
    for (name, original) in documents(docs, 8) {
        let mut text = original;
        let mut last = IncrementalLint::new();
        let mut history = Vec::new();
        for step in 0..=edits {
            if step > 0 {
                history.push(edit(&mut text, &mut rng));
            }
            let file = layerlint::parse(&text);
            let full = layerlint::engine::lint_in_context(&file, settings, None);
            let fresh = last.lint(&file, settings, None);
            compared += 1;
            if step > 0 && !full.is_empty() {
                reused += 1;
            }
            if fresh != full {
                let only_full: Vec<&Diagnostic> =
                    full.iter().filter(|d| !fresh.contains(d)).collect();
                let only_fresh: Vec<&Diagnostic> =
                    fresh.iter().filter(|d| !full.contains(d)).collect();
                let path = std::env::temp_dir().join("layerlint-incremental-failure");
                std::fs::write(&path, &text).unwrap();
                panic!(
                    "{name}: after edits {history:?} the incremental lint differs from a full \
                     lint (text in {}).\nonly in the full lint:\n{}only in the incremental \
                     lint:\n{}",
                    path.display(),
                    describe(&only_full),
                    describe(&only_fresh),
                );
            }
        }
    }
    assert!(compared > docs, "only {compared} lints compared");
    assert!(reused > 0);
}

#[test]
fn incremental_lint_equals_full_lint_with_every_rule() {
    check(&Settings::only(&["ALL"]).unwrap(), 0x9e37_79b9_7f4a_7c15);
}

#[test]
fn incremental_lint_equals_full_lint_with_default_rules() {
    check(&Settings::default(), 0xd1b5_4a32_d192_ed03);
}

/// The reuse is real: after an edit inside one stage of a file whose
/// stages are unrelated, the other stages' findings are the same values,
/// moved, and an edit that changes line numbers still agrees.
#[test]
fn an_edit_in_one_stage_keeps_the_others_findings() {
    let settings = Settings::default();
    let stage = "FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN cd /x\n";
    let original = stage.repeat(5);
    let mut last = IncrementalLint::new();
    let before = last.lint(&layerlint::parse(&original), &settings, None);
    assert!(before.len() >= 10, "{before:?}");
    assert_eq!(last.stages_linted(), Some((5, 5)));
    let third = original.match_indices("cd /x").nth(2).unwrap().0;
    let mut typed = original.clone();
    typed.insert(third + 5, 'y');
    let second = original.match_indices("cd /x").nth(1).unwrap().0;
    let mut blank = typed.clone();
    blank.insert(second + 6, '\n');
    // (edited text, stages linted again): a character typed in the third
    // stage; the same again (nothing changed); a blank line added in the
    // second stage, which moves the lines of the stages after it; a `FROM`
    // line changed, which lints everything.
    for (edited, linted) in [
        (typed.clone(), 1),
        (typed.clone(), 0),
        (blank, 4),
        (
            typed.replacen("FROM debian\n", "FROM debian AS base\n", 2),
            5,
        ),
    ] {
        let file = layerlint::parse(&edited);
        let full = layerlint::engine::lint_in_context(&file, &settings, None);
        assert_eq!(last.lint(&file, &settings, None), full);
        assert_eq!(last.stages_linted(), Some((linted, 5)), "{edited}");
        assert!(full.len() >= 10);
    }
}
