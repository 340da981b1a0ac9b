//! The shell model over every `RUN` of the corpus (`../shared/corpus/files`):
//! no panic, every range valid, every word that is a plain slice of the
//! source reads back as written. Prints counts and timing (run with
//! `--nocapture` to see them).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use layerlint::semantic::Stages;
use layerlint::semantic::shell::{RunForm, ShellScripts, ShellWord};
use layerlint::syntax::parse;

fn corpus_files() -> Vec<PathBuf> {
    common::corpus_dockerfiles()
}

#[derive(Debug, Default)]
struct Stats {
    files: usize,
    runs: usize,
    shell: usize,
    exec: usize,
    heredoc: usize,
    not_posix: usize,
    with_errors: usize,
    commands: usize,
    words: usize,
    nested: usize,
    mounts: usize,
    mount_problems: usize,
    /// Words on one line whose source slice differs from their text.
    misplaced: Vec<String>,
    parse_time: Duration,
    panics: Vec<String>,
}

fn word_ok(source: &str, word: &ShellWord<'_>) -> bool {
    let slice = source.get(word.range.as_usize());
    match slice {
        None => false,
        // Words spanning a continuation or written with escapes that an
        // outer layer removed (`sh -c "a \"b\""`) differ from the source.
        Some(s) if s.contains(['\n', '\\', '`']) || word.range.is_empty() => true,
        Some(s) => s == word.raw,
    }
}

fn scan(path: &Path, stats: &mut Stats) {
    let Ok(bytes) = std::fs::read(path) else {
        return;
    };
    let source = String::from_utf8_lossy(&bytes);
    let file = parse(&source);
    let stages = Stages::new(&file);
    let scripts = ShellScripts::new(&file, &stages);
    stats.files += 1;
    let start = Instant::now();
    let runs: Vec<_> = scripts.runs().collect();
    stats.parse_time += start.elapsed();
    for (_, run) in runs {
        stats.runs += 1;
        match run.form {
            RunForm::Exec => stats.exec += 1,
            RunForm::Heredoc | RunForm::Shebang { .. } => stats.heredoc += 1,
            _ => stats.shell += 1,
        }
        stats.mounts += run.flags.mounts.len();
        stats.mount_problems += run
            .flags
            .mounts
            .iter()
            .filter(|m| !m.problems.is_empty())
            .count();
        let Some(script) = &run.script else {
            stats.not_posix += 1;
            continue;
        };
        if !script.errors.is_empty() {
            stats.with_errors += 1;
        }
        stats.nested += script
            .constructs
            .iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    layerlint::semantic::shell::ConstructKind::ShellCommand { .. }
                        | layerlint::semantic::shell::ConstructKind::HeredocScript { .. }
                )
            })
            .count();
        for command in &script.commands {
            stats.commands += 1;
            assert!(
                source.get(command.range.as_usize()).is_some(),
                "{}",
                path.display()
            );
            for word in command.words() {
                stats.words += 1;
                if !word_ok(&source, word) && stats.misplaced.len() < 20 {
                    stats.misplaced.push(format!(
                        "{}: {:?} at {:?} reads {:?}",
                        path.display(),
                        word.raw,
                        word.range,
                        source.get(word.range.as_usize())
                    ));
                }
            }
        }
    }
}

#[test]
fn shell_model_over_the_corpus() {
    let files = corpus_files();
    assert!(files.len() > 6000, "the corpus should be there");
    let mut stats = Stats::default();
    for path in &files {
        let mut local = Stats::default();
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| scan(path, &mut local)));
        match result {
            Ok(()) => {
                stats.files += local.files;
                stats.runs += local.runs;
                stats.shell += local.shell;
                stats.exec += local.exec;
                stats.heredoc += local.heredoc;
                stats.not_posix += local.not_posix;
                stats.with_errors += local.with_errors;
                stats.commands += local.commands;
                stats.words += local.words;
                stats.nested += local.nested;
                stats.mounts += local.mounts;
                stats.mount_problems += local.mount_problems;
                stats.parse_time += local.parse_time;
                stats.misplaced.extend(local.misplaced);
            }
            Err(_) => stats.panics.push(path.display().to_string()),
        }
    }
    let per_run =
        stats.parse_time.as_secs_f64() * 1e6 / f64::from(u32::try_from(stats.runs.max(1)).unwrap());
    eprintln!(
        "shell model over the corpus: {} files, {} RUNs ({} shell form, {} exec form, {} heredoc), \
         {} not POSIX, {} with parse errors, {} commands, {} words, {} nested scripts, \
         {} mounts ({} with problems); {:.1} µs per RUN ({:.2} s in all); {} panics",
        stats.files,
        stats.runs,
        stats.shell,
        stats.exec,
        stats.heredoc,
        stats.not_posix,
        stats.with_errors,
        stats.commands,
        stats.words,
        stats.nested,
        stats.mounts,
        stats.mount_problems,
        per_run,
        stats.parse_time.as_secs_f64(),
        stats.panics.len()
    );
    assert!(stats.panics.is_empty(), "panicked on {:?}", stats.panics);
    assert!(
        stats.misplaced.is_empty(),
        "words that do not read back: {:#?}",
        stats.misplaced
    );
    assert!(
        stats.runs > 15_000,
        "expected the corpus's RUNs, got {}",
        stats.runs
    );
}

/// The plain command-list parser gives exactly the bash grammar's model
/// for every `RUN` of the corpus, nested scripts included, and reads most
/// of them.
#[test]
fn plain_parser_agrees_with_the_grammar() {
    use layerlint::semantic::shell::script::{parse_with_grammar_only, parses_as_plain};
    let files = corpus_files();
    assert!(files.len() > 6000, "the corpus should be there");
    let (mut runs, mut plain, mut bytes, mut plain_bytes) = (0, 0, 0, 0);
    let mut differ = Vec::new();
    for path in &files {
        let Ok(bytes_of_file) = std::fs::read(path) else {
            continue;
        };
        let source = String::from_utf8_lossy(&bytes_of_file);
        let file = parse(&source);
        let stages = Stages::new(&file);
        let fast = ShellScripts::new(&file, &stages);
        let slow = ShellScripts::new(&file, &stages);
        let slow_runs: Vec<_> = parse_with_grammar_only(|| {
            slow.runs()
                .map(|(i, r)| (i, format!("{:#?}", r.script)))
                .collect()
        });
        let fast_runs: Vec<_> = fast.runs().collect();
        assert_eq!(fast_runs.len(), slow_runs.len());
        for ((i, run), (_, expected)) in fast_runs.into_iter().zip(slow_runs) {
            let Some(text) = &run.text else { continue };
            runs += 1;
            bytes += text.len();
            if parses_as_plain(text) {
                plain += 1;
                plain_bytes += text.len();
            }
            let got = format!("{:#?}", run.script);
            if got != expected && differ.len() < 10 {
                differ.push(format!(
                    "{} instruction {i}: {:?}\n--- grammar\n{expected}\n--- plain\n{got}",
                    path.display(),
                    text.as_str()
                ));
            }
        }
    }
    println!(
        "plain parser: {plain} of {runs} scripts, {plain_bytes} of {bytes} bytes ({}%)",
        plain_bytes * 100 / bytes.max(1)
    );
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
    // The fast path is worth its keep: it reads most scripts.
    assert!(plain * 2 > runs, "{plain} of {runs}");
}
