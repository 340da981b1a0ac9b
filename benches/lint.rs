//! Lint throughput over the real-world corpus, in one process.
//!
//! `cargo bench --bench lint` reads every file under
//! `../shared/corpus/files` (`LAYERLINT_CORPUS` picks another directory;
//! names ending in `.dockerignore` are skipped) into memory, then lints the
//! whole set with the default rules, as `layerlint check` does (bytes in,
//! `lint_bytes`, so non-UTF-8 files are linted too): first on one thread,
//! then on every core with rayon. Each mode repeats for about three seconds
//! (`LAYERLINT_BENCH_SECS`) and prints its best and median pass in files/s
//! and MB/s. The one-thread mode also reports throughput per second of CPU
//! time the thread got (Linux), which stays steady on a busy machine.
//!
//! Without `--bench` (`cargo test --benches`) it lints the set once as a
//! smoke test.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use layerlint::{Settings, lint_bytes};
use rayon::prelude::*;

const DEFAULT_CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/files");

fn main() {
    let corpus = std::env::var_os("LAYERLINT_CORPUS")
        .map_or_else(|| PathBuf::from(DEFAULT_CORPUS), PathBuf::from);
    let mut paths = Vec::new();
    if let Err(e) = collect(&corpus, &mut paths) {
        println!(
            "lint bench: cannot read corpus {}: {e}; set LAYERLINT_CORPUS to a directory of Dockerfiles. Skipping.",
            corpus.display()
        );
        return;
    }
    paths.sort();
    let files: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    if files.is_empty() {
        println!("lint bench: no files under {}. Skipping.", corpus.display());
        return;
    }
    let bytes: usize = files.iter().map(Vec::len).sum();
    let settings = Settings::default();
    println!(
        "corpus: {} ({} files, {:.2} MB)",
        corpus.display(),
        files.len(),
        as_f64(bytes) / 1e6
    );
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "smoke test: {} findings in {} files",
            one_thread(&files, &settings),
            files.len()
        );
        return;
    }
    let budget = std::env::var("LAYERLINT_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map_or(Duration::from_secs(3), Duration::from_secs_f64);
    let threads = rayon::current_num_threads();
    let findings = one_thread(&files, &settings);
    println!("findings per pass: {findings}");

    let (mut wall, mut cpu) = measure(budget, || one_thread(&files, &settings));
    report("1 thread", "wall", &mut wall, bytes, files.len());
    if cpu.len() == wall.len() {
        report("1 thread", "cpu", &mut cpu, bytes, files.len());
    }
    let (mut wall, _) = measure(budget, || parallel(&files, &settings));
    report(
        &format!("{threads} threads"),
        "wall",
        &mut wall,
        bytes,
        files.len(),
    );
}

fn one_thread(files: &[Vec<u8>], settings: &Settings) -> usize {
    files
        .iter()
        .map(|f| {
            black_box(lint_bytes(black_box(f), settings))
                .diagnostics
                .len()
        })
        .sum()
}

fn parallel(files: &[Vec<u8>], settings: &Settings) -> usize {
    files
        .par_iter()
        .map(|f| {
            black_box(lint_bytes(black_box(f), settings))
                .diagnostics
                .len()
        })
        .sum()
}

/// Runs `pass` for a short warm-up, then for `budget` (at least three
/// times); returns the wall and thread-CPU seconds of each pass.
fn measure(budget: Duration, mut pass: impl FnMut() -> usize) -> (Vec<f64>, Vec<f64>) {
    let warm_up = Instant::now();
    while warm_up.elapsed() < Duration::from_millis(300) {
        black_box(pass());
    }
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    let start = Instant::now();
    while start.elapsed() < budget || wall.len() < 3 {
        let (t, c) = (Instant::now(), thread_cpu_seconds());
        black_box(pass());
        wall.push(t.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (c, thread_cpu_seconds()) {
            cpu.push(after - before);
        }
    }
    (wall, cpu)
}

fn report(mode: &str, clock: &str, times: &mut [f64], bytes: usize, files: usize) {
    times.sort_by(f64::total_cmp);
    let passes = times.len();
    for (label, secs) in [("best", times[0]), ("median", times[passes / 2])] {
        println!(
            "{mode:>10} {clock:>4} {label:>6}: {:8.1} ms/pass {:10.0} files/s {:8.1} MB/s  ({passes} passes)",
            secs * 1e3,
            as_f64(files) / secs,
            as_f64(bytes) / 1e6 / secs,
        );
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

#[allow(clippy::cast_precision_loss)]
fn as_f64(n: usize) -> f64 {
    n as f64
}
