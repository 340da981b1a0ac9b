//! Parser throughput over the real-world corpus.
//!
//! `cargo bench --bench parse` (or `bench/parse.sh`) loads every Dockerfile
//! under `../shared/corpus/files` (override with `LAYERLINT_CORPUS`; files
//! ending in `.dockerignore` and files that are not UTF-8 are skipped), warms
//! up, then parses the whole set again and again on one thread for about
//! three seconds (`LAYERLINT_BENCH_SECS` changes that) and prints the best and
//! median throughput of those passes.
//!
//! Wall-clock figures suffer when other processes compete for the CPU; on
//! Linux the bench also reports throughput per second of CPU time the
//! thread actually got (`/proc/thread-self/schedstat`), which stays steady
//! on a busy machine.
//!
//! Without `--bench` (as under `cargo test --benches`) it parses the set once
//! as a smoke test.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use layerlint::syntax::parse;

const DEFAULT_CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/files");
const WARM_UP: Duration = Duration::from_millis(500);

fn main() {
    let corpus = std::env::var_os("LAYERLINT_CORPUS")
        .map_or_else(|| PathBuf::from(DEFAULT_CORPUS), PathBuf::from);
    if !corpus.is_dir() {
        println!(
            "parse bench: corpus directory {} not found; set LAYERLINT_CORPUS to a directory of Dockerfiles. Skipping.",
            corpus.display()
        );
        return;
    }
    let mut paths = Vec::new();
    if let Err(err) = collect(&corpus, &mut paths) {
        println!(
            "parse bench: cannot read {}: {err}. Skipping.",
            corpus.display()
        );
        return;
    }
    paths.sort();
    let mut sources = Vec::with_capacity(paths.len());
    let mut not_utf8 = 0usize;
    for path in &paths {
        match std::fs::read(path).map(String::from_utf8) {
            Ok(Ok(text)) => sources.push(text),
            Ok(Err(_)) => not_utf8 += 1,
            Err(err) => println!("parse bench: skipping {}: {err}", path.display()),
        }
    }
    if sources.is_empty() {
        println!(
            "parse bench: no Dockerfiles under {}. Skipping.",
            corpus.display()
        );
        return;
    }
    let bytes: usize = sources.iter().map(String::len).sum();
    let mb = megabytes(bytes);
    let files = sources.len();
    println!(
        "corpus: {} ({files} files, {mb:.2} MB; {not_utf8} skipped as not UTF-8)",
        corpus.display()
    );

    if !std::env::args().any(|a| a == "--bench") {
        let instructions = pass(&sources);
        println!("smoke test: parsed {files} files, {instructions} instructions");
        return;
    }

    let budget = std::env::var("LAYERLINT_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map_or(Duration::from_secs(3), Duration::from_secs_f64);

    let start = Instant::now();
    while start.elapsed() < WARM_UP {
        black_box(pass(&sources));
    }

    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    let start = Instant::now();
    while start.elapsed() < budget || wall.len() < 3 {
        let (t, c) = (Instant::now(), cpu_seconds());
        black_box(pass(&sources));
        wall.push(t.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (c, cpu_seconds()) {
            cpu.push(after - before);
        }
    }
    println!(
        "passes: {} in {:.2} s",
        wall.len(),
        start.elapsed().as_secs_f64()
    );
    report("wall", &mut wall, mb, count(files));
    if cpu.len() == wall.len() {
        report("cpu", &mut cpu, mb, count(files));
    }
}

/// Prints the best and median pass of `times` (seconds).
fn report(clock: &str, times: &mut [f64], mb: f64, files: f64) {
    times.sort_by(f64::total_cmp);
    let best = times[0];
    let median = times[times.len() / 2];
    for (label, secs) in [("best", best), ("median", median)] {
        println!(
            "{clock:>4} {label:>6}: {:8.2} ms/pass  {:8.1} MB/s  {:9.0} files/s",
            secs * 1e3,
            mb / secs,
            files / secs
        );
    }
}

/// Seconds this thread has spent on a CPU (Linux only).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = stat.split_whitespace().next()?.parse().ok()?;
    #[allow(clippy::cast_precision_loss)]
    Some(nanos as f64 / 1e9)
}

/// Parses every source once; returns the instruction count so the work
/// cannot be optimised away.
fn pass(sources: &[String]) -> usize {
    sources
        .iter()
        .map(|s| black_box(parse(black_box(s))).instructions.len())
        .sum()
}

/// Every regular file under `dir` whose name does not end in `.dockerignore`.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.is_file()
            && !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(".dockerignore"))
        {
            out.push(path);
        }
    }
    Ok(())
}

#[allow(clippy::cast_precision_loss)]
fn count(n: usize) -> f64 {
    n as f64
}

fn megabytes(bytes: usize) -> f64 {
    count(bytes) / 1e6
}
