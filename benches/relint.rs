//! Re-lint latency of a large Dockerfile after a one-character edit, through
//! the library: what an editor integration pays per keystroke when it lints
//! the whole buffer again.
//!
//! `cargo bench --bench relint` builds a Dockerfile of about 2,000 lines
//! (`LAYERLINT_RELINT_LINES`) from the start of the corpus (sorted files,
//! concatenated; `LAYERLINT_CORPUS` picks another directory), then for about
//! three seconds (`LAYERLINT_BENCH_SECS`) changes one character (a comment
//! line near the middle alternates between two letters), lints the new text
//! with the default rules and prints the best and median latency in ms.
//!
//! Without `--bench` (`cargo test --benches`) it lints once as a smoke test.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use layerlint::{Settings, lint};

const DEFAULT_CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/files");

#[allow(clippy::cast_precision_loss)]
fn main() {
    let corpus = std::env::var_os("LAYERLINT_CORPUS")
        .map_or_else(|| PathBuf::from(DEFAULT_CORPUS), PathBuf::from);
    let lines = std::env::var("LAYERLINT_RELINT_LINES")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(2000);
    let mut paths = Vec::new();
    if let Err(e) = collect(&corpus, &mut paths) {
        println!(
            "relint bench: cannot read corpus {}: {e}; set LAYERLINT_CORPUS. Skipping.",
            corpus.display()
        );
        return;
    }
    paths.sort();
    let Some((before, after)) = build(&paths, lines) else {
        println!(
            "relint bench: no text files under {}. Skipping.",
            corpus.display()
        );
        return;
    };
    let settings = Settings::default();
    let total = before.lines().count() + after.lines().count() + 1;
    println!(
        "relint: {total} lines, {:.1} KB, one-character edit at line {}",
        (before.len() + after.len()) as f64 / 1e3,
        before.lines().count() + 1
    );
    let text = |flip: bool| format!("{before}# edit {}\n{after}", if flip { 'a' } else { 'b' });
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "smoke test: {} findings",
            lint(&text(false), &settings).len()
        );
        return;
    }
    let budget = std::env::var("LAYERLINT_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map_or(Duration::from_secs(3), Duration::from_secs_f64);
    let mut times = Vec::new();
    let mut flip = false;
    let start = Instant::now();
    while start.elapsed() < budget || times.len() < 10 {
        flip = !flip;
        // The edit (a new buffer, as an editor sends) is part of the cost.
        let t = Instant::now();
        let edited = text(flip);
        black_box(lint(black_box(&edited), &settings));
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "relint best: {:.3} ms  median: {:.3} ms  ({} edits)",
        times[0] * 1e3,
        times[times.len() / 2] * 1e3,
        times.len()
    );
}

/// The first `lines` lines of the concatenated corpus, split in the middle
/// (at a line start) where the edited comment goes.
fn build(paths: &[PathBuf], lines: usize) -> Option<(String, String)> {
    let mut all = Vec::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        all.extend(text.lines().map(str::to_owned));
        if all.len() >= lines {
            break;
        }
    }
    if all.is_empty() {
        return None;
    }
    all.truncate(lines.saturating_sub(1).max(1));
    // Split between two instructions: after a line that does not continue.
    let mut mid = all.len() / 2;
    while mid > 0 && mid < all.len() && all[mid - 1].trim_end().ends_with('\\') {
        mid += 1;
    }
    let join = |part: &[String]| {
        part.iter()
            .flat_map(|l| [l.as_str(), "\n"])
            .collect::<String>()
    };
    Some((join(&all[..mid]), join(&all[mid..])))
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
