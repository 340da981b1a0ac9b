//! The language server's keystroke cost: re-linting a 2,000-line
//! Dockerfile after a one-character edit.
//!
//! `cargo bench --bench lsp` builds the document from the corpus under
//! `../shared/corpus/files` (`LAYERLINT_CORPUS` picks another directory):
//! the corpus files in path order, concatenated until there are 2,000
//! lines (a generated multi-stage file when there is no corpus). Each
//! file's stage names get the file's number as a suffix (`AS build` and
//! `--from=build` become `build-3`), so the document is one BuildKit
//! accepts: joined as written, 30 of its stages would share the name
//! `runtime-image`, which BuildKit refuses (DL3024). A server is
//! initialized and the document opened; then each pass sends a
//! `textDocument/didChange` (full text, as the server asks clients to
//! sync) that inserts or removes one character in the middle of the
//! file, through the same `Server::handle` the stdio loop calls, and waits
//! for the `publishDiagnostics` it answers with: decoding the JSON
//! parameters, linting with the default rules, converting positions and
//! encoding the notification. Passes repeat for about three seconds
//! (`LAYERLINT_BENCH_SECS`); it prints the best, median and 90th
//! percentile, in wall time and in CPU time of the thread; then the same
//! for the document joined as written (its shared stage names connect 30
//! stages, which an edit in one of them lints again). Last, the re-lint
//! itself: parsing the edited text and linting it incrementally, as the
//! server does, without the protocol around it (decoding the change,
//! converting positions, building the JSON of 600-odd diagnostics); and,
//! for comparison, parsing and linting it from scratch. The budget for the
//! re-lint is 2 ms.
//!
//! Without `--bench` (`cargo test --benches`) it makes one edit as a smoke
//! test.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use layerlint::lsp::Server;
use lsp_server::{Message, Notification};
use serde_json::json;

const DEFAULT_CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/files");
const LINES: usize = 2_000;
const URI: &str = "file:///bench/Dockerfile";

fn main() {
    let corpus = std::env::var_os("LAYERLINT_CORPUS")
        .map_or_else(|| PathBuf::from(DEFAULT_CORPUS), PathBuf::from);
    let bench = std::env::args().any(|a| a == "--bench");
    let (text, origin) = match document_from(&corpus, true) {
        Some(text) => (text, format!("corpus {}", corpus.display())),
        None => (generated(), "generated".to_string()),
    };
    let edited = keystrokes(&text, &origin, bench);
    if !bench {
        return;
    }
    if let Some(as_written) = document_from(&corpus, false) {
        println!("\nthe same files joined as written (stage names shared between files):");
        keystrokes(&as_written, &origin, bench);
    }

    // The re-lint as the server runs it: with the `RUN` parses kept
    // between keystrokes (`Server::new` turned that on for this thread).
    let budget = budget();
    let texts = [&edited, &text];
    let mut turn = 0;
    let settings = layerlint::Settings::default();
    let mut last = layerlint::engine::IncrementalLint::new();
    let (mut wall, cpu) = measure(budget, || {
        turn += 1;
        let t = Instant::now();
        let file = layerlint::parse(texts[turn % 2]);
        black_box(last.lint(&file, &settings, None));
        t.elapsed().as_secs_f64()
    });
    report("re-lint: parse + incremental lint", &mut wall, cpu);
    // From scratch: nothing kept.
    layerlint::semantic::shell::keep_parses(0);
    let (mut wall, cpu) = measure(budget, || {
        turn += 1;
        let t = Instant::now();
        black_box(layerlint::lint(texts[turn % 2], &settings));
        t.elapsed().as_secs_f64()
    });
    report("parse + full lint", &mut wall, cpu);
}

fn budget() -> Duration {
    std::env::var("LAYERLINT_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map_or(Duration::from_secs(3), Duration::from_secs_f64)
}

/// Opens `text` in a fresh server and, with `--bench`, measures edits
/// that add and remove a character at the end of the middle line; returns
/// the edited text.
fn keystrokes(text: &str, origin: &str, bench: bool) -> String {
    // The edit: a character added at the end of the middle line.
    let middle = text
        .match_indices('\n')
        .nth(LINES / 2)
        .map_or(text.len(), |(i, _)| i);
    let mut edited = text.to_string();
    edited.insert(middle, 'x');
    println!(
        "document: {} lines, {} bytes ({origin}); edit at byte {middle}",
        text.lines().count(),
        text.len()
    );

    let (sender, receiver) = crossbeam_channel::unbounded();
    let params = serde_json::from_value(json!({
        "capabilities": {"general": {"positionEncodings": ["utf-16"]}}
    }))
    .unwrap_or_default();
    let (mut server, _) = Server::new(sender, &params);
    server.handle(notification(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "dockerfile", "version": 0, "text": text}}),
    ));
    let mut published = 0;
    while receiver.try_recv().is_ok() {
        published += 1;
    }
    let mut version = 0;
    // One keystroke: the change notification in, the diagnostics out.
    // The client's JSON encoding of the notification is not counted; the
    // server's decoding is, and so is building the notification's JSON
    // value, but not writing it out or freeing it (the transport's writer
    // thread does that). Returns the diagnostics count, and the wall and
    // thread-CPU seconds of the server's part.
    let mut keystroke = |text: &str| -> (usize, f64) {
        version += 1;
        let change = notification(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version},
                   "contentChanges": [{"text": text}]}),
        );
        let start = Instant::now();
        server.handle(change);
        let published = receiver.recv();
        let elapsed = start.elapsed().as_secs_f64();
        // Freeing the message is the transport's work (its writer thread
        // drops it after writing it out), not the server's.
        let diagnostics = match black_box(published) {
            Ok(Message::Notification(n)) => n.params["diagnostics"].as_array().map_or(0, Vec::len),
            _ => 0,
        };
        (diagnostics, elapsed)
    };
    let (findings, _) = keystroke(&edited);
    println!("published on open: {published}; diagnostics after the edit: {findings}");
    if bench {
        let texts = [&edited, text];
        let mut turn = 0;
        let (mut wall, cpu) = measure(budget(), || {
            turn += 1;
            keystroke(texts[turn % 2]).1
        });
        report("didChange → publishDiagnostics", &mut wall, cpu);
    }
    edited
}

fn notification(method: &str, params: serde_json::Value) -> Message {
    Message::Notification(Notification::new(method.to_string(), params))
}

/// Corpus files in path order, concatenated up to [`LINES`] lines; with
/// `unique`, each file's stage names made unique by the file's number.
fn document_from(corpus: &Path, unique: bool) -> Option<String> {
    let mut paths = Vec::new();
    collect(corpus, &mut paths).ok()?;
    paths.sort();
    let mut out = String::new();
    let mut lines = 0;
    for (n, path) in paths.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        if text.contains('\0') {
            continue;
        }
        let text = if unique {
            rename_stages(&text, n)
        } else {
            text
        };
        for line in text.lines() {
            out.push_str(line);
            out.push('\n');
            lines += 1;
            if lines == LINES {
                return Some(out);
            }
        }
    }
    None
}

/// `text` with every stage name it declares (`FROM … AS name`) suffixed
/// with `-n` where it is declared and where it is used (`FROM name`,
/// `--from=name`, `from=name` in a mount).
fn rename_stages(text: &str, n: usize) -> String {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [from, .., as_kw, name] = words.as_slice()
            && from.eq_ignore_ascii_case("from")
            && as_kw.eq_ignore_ascii_case("as")
        {
            names.push(name.to_ascii_lowercase());
        }
    }
    if names.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let is_from = line
            .split_whitespace()
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("from"));
        let mut rebuilt = String::with_capacity(line.len());
        let mut rest = line;
        // Split into separators and tokens, renaming tokens that are a
        // name (on a `FROM` line) or end in `--from=name` / `from=name`.
        while !rest.is_empty() {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == ',')
                .unwrap_or(rest.len());
            let (token, tail) = rest.split_at(end);
            let (prefix, word) = token.rsplit_once('=').map_or(("", token), |(p, w)| (p, w));
            let prefix_ok = (prefix.is_empty() && is_from)
                || prefix.eq_ignore_ascii_case("--from")
                || prefix.eq_ignore_ascii_case("from");
            if prefix_ok && names.contains(&word.to_ascii_lowercase()) {
                if !prefix.is_empty() {
                    rebuilt.push_str(prefix);
                    rebuilt.push('=');
                }
                let _ = write!(rebuilt, "{word}-{n}");
            } else {
                rebuilt.push_str(token);
            }
            let sep = tail
                .find(|c: char| !(c.is_whitespace() || c == ','))
                .unwrap_or(tail.len());
            rebuilt.push_str(&tail[..sep]);
            rest = &tail[sep..];
        }
        out.push_str(&rebuilt);
    }
    out
}

/// A multi-stage Dockerfile of [`LINES`] lines, for when there is no corpus.
fn generated() -> String {
    let mut out = String::from("ARG BASE=debian:bookworm-slim\n");
    let mut i = 0;
    while out.lines().count() + 8 <= LINES {
        let _ = write!(
            out,
            "FROM $BASE AS stage{i}\nENV APP_HOME=/srv/app{i}\nWORKDIR $APP_HOME\n\
             RUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl=8.5.0-2 \\\n    && rm -rf /var/lib/apt/lists/*\n\
             COPY . .\nCMD [\"./run\", \"{i}\"]\n"
        );
        i += 1;
    }
    while out.lines().count() < LINES {
        out.push_str("LABEL filler=true\n");
    }
    out
}

/// Runs `pass` (which returns the wall seconds of the part it times) for a
/// short warm-up, then for `budget` (at least ten times); returns the wall
/// seconds of each pass, and the thread's CPU seconds per pass over the
/// whole run (the kernel updates that counter at scheduler ticks, too
/// coarse for one pass, exact over many; it includes the client's side).
fn measure(budget: Duration, mut pass: impl FnMut() -> f64) -> (Vec<f64>, Option<f64>) {
    let warm_up = Instant::now();
    while warm_up.elapsed() < Duration::from_millis(300) {
        black_box(pass());
    }
    let mut wall = Vec::new();
    let cpu_start = thread_cpu_seconds();
    let start = Instant::now();
    while start.elapsed() < budget || wall.len() < 10 {
        wall.push(pass());
    }
    #[allow(clippy::cast_precision_loss)]
    let cpu = cpu_start
        .zip(thread_cpu_seconds())
        .map(|(a, b)| (b - a) / wall.len() as f64);
    (wall, cpu)
}

fn report(what: &str, times: &mut [f64], cpu: Option<f64>) {
    times.sort_by(f64::total_cmp);
    let n = times.len();
    println!(
        "{what:>30}: wall best {:6.3} ms  median {:6.3} ms  p90 {:6.3} ms  ({n} passes)",
        times[0] * 1e3,
        times[n / 2] * 1e3,
        times[n * 9 / 10] * 1e3,
    );
    if let Some(cpu) = cpu {
        println!("{:>30}  thread CPU per pass {:6.3} ms", "", cpu * 1e3);
    }
}

/// CPU seconds this thread has had (Linux; `None` elsewhere).
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = stat.split_whitespace().next()?.parse().ok()?;
    #[allow(clippy::cast_precision_loss)]
    Some(nanos as f64 / 1e9)
}

/// Every file under `dir`, recursively, except `*.dockerignore`.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if !path.to_string_lossy().ends_with(".dockerignore") {
            out.push(path);
        }
    }
    Ok(())
}
