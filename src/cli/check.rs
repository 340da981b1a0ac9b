//! `layerlint check`: find the files, lint (and fix) them in parallel,
//! render the report, and decide the exit code.

use super::Threshold;
use crate::Severity;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::baseline::{self, Baseline};
use super::discover::{self, Input};
use super::error::CliError;
use super::settings::SettingsSource;
use super::{CheckArgs, Outcome, fs, report_error};
use crate::diagnostic::Diagnostic;
use crate::render::{self, FileReport, Format, text};
use crate::semantic::context::{BuildContext, ContextCache, WalkOptions};
use crate::shellcheck::{self, Mode as ShellcheckMode};
use crate::{engine, syntax};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// What `check` does with the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Report findings.
    Lint,
    /// Apply fixes, then report what remains.
    Fix,
    /// Print the fixes as a diff.
    Diff,
}

/// One linted input.
#[derive(Debug)]
struct Checked {
    /// The name the report shows.
    name: String,
    /// The text the diagnostics point into (the fixed text after `--fix`).
    source: String,
    diagnostics: Vec<Diagnostic>,
    /// Fixes applied (or, with `--diff`, that would be).
    fixed: usize,
    /// With `--diff`: the unified diff, when the fixes change the file.
    diff: Option<String>,
    /// With `--fix` on standard input: the text to print.
    stdin_output: Option<Vec<u8>>,
    /// ShellCheck is to check it, with these settings.
    shellcheck: Option<Arc<engine::Settings>>,
}

/// Where the report goes.
enum Destination {
    Stdout,
    Stderr,
    File(PathBuf),
}

pub fn run(args: &CheckArgs) -> Result<Outcome, CliError> {
    if args.shellcheck == Some(ShellcheckMode::Required) && shellcheck_program().is_none() {
        return Err(CliError::ShellcheckMissing);
    }
    if args.statistics && !matches!(args.format, Format::Text | Format::Json) {
        return Err(CliError::Usage(format!(
            "--statistics works with --format text or json, not {}",
            args.format.as_str()
        )));
    }
    let mode = if args.diff {
        Mode::Diff
    } else if args.fix {
        Mode::Fix
    } else {
        Mode::Lint
    };
    let settings = SettingsSource::from_args(args)?;
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let found = discover::discover(&args.paths);
    let mut failed = !found.errors.is_empty();
    for e in &found.errors {
        report_error(e);
    }
    if found.inputs.is_empty() && !failed {
        super::warn(
            "no Dockerfiles found (looked for Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, Dockerfile.*, Containerfile.*)",
        );
    }
    let reads_stdin = found.inputs.contains(&Input::Stdin);
    let stdin = if reads_stdin {
        match fs::read_stdin() {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                report_error(&e);
                failed = true;
                None
            }
        }
    } else {
        None
    };
    let stdin_name = args
        .stdin_filename
        .as_ref()
        .map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string());

    let cache_root = if args.no_cache {
        None
    } else {
        args.cache_dir
            .clone()
            .or_else(shellcheck::cache::default_root)
    };
    // The walks of every build context stay until the process ends, and
    // the operating system reclaims them then: freeing them one by one
    // took 10-20 ms at the end of a run over the corpus, with both cores
    // idle.
    let contexts = std::mem::ManuallyDrop::new(Contexts::new(args.context.clone()));
    let check_input = |input: &Input| match input {
        Input::Stdin => stdin.as_ref().map(|bytes| {
            let context = contexts.for_stdin()?;
            let checked = check_one(
                bytes,
                &stdin_name,
                None,
                args.stdin_filename.as_deref(),
                &settings,
                context.as_deref(),
                mode,
                args.unsafe_fixes,
            );
            contexts.after_lint(context.as_deref());
            checked
        }),
        Input::File(path) => Some(fs::read(path).and_then(|bytes| {
            let context = contexts.for_file(path, &settings)?;
            let checked = check_one(
                &bytes,
                &path.display().to_string(),
                Some(path),
                Some(path),
                &settings,
                context.as_deref(),
                mode,
                args.unsafe_fixes,
            );
            contexts.after_lint(context.as_deref());
            checked
        })),
    };
    // One input (an editor or a pre-commit hook on one file) does not need
    // the thread pool: starting it costs more than the lint.
    let many = found.inputs.len() > 1;
    let mut lint_inputs = |inputs: &[Input]| -> Vec<Checked> {
        let results: Vec<Result<Checked, CliError>> = if many {
            inputs
                .par_iter()
                .filter_map(|input| {
                    // Neighbouring files often repeat each other's `RUN`s.
                    crate::semantic::shell::keep_parses(crate::semantic::shell::KEPT_IN_BATCH);
                    check_input(input)
                })
                .collect()
        } else {
            inputs.iter().filter_map(check_input).collect()
        };
        let mut checked = Vec::with_capacity(results.len());
        for result in results {
            match result {
                Ok(c) => checked.push(c),
                Err(e) => {
                    report_error(&e);
                    failed = true;
                }
            }
        }
        if let Err(e) = add_shellcheck(&mut checked, cache_root.as_deref()) {
            report_error(&e);
            failed = true;
        }
        checked
    };

    let destination = match &args.output {
        Some(file) => Destination::File(file.clone()),
        None if mode == Mode::Fix && reads_stdin => Destination::Stderr,
        None => Destination::Stdout,
    };
    let options = text::Options {
        color: destination.color() && args.format == Format::Text,
        quiet: args.quiet,
        statistics: args.statistics,
        unsafe_fixes: args.unsafe_fixes,
        fixed: None,
    };
    let threshold = args
        .severity_threshold
        .unwrap_or_else(|| match settings.config_threshold() {
            Some(Severity::Error) => Threshold::Error,
            Some(Severity::Warning) => Threshold::Warning,
            Some(Severity::Style) => Threshold::Style,
            Some(Severity::Info) | None => Threshold::Info,
        });

    // A report that can be written file by file is written as the files
    // are linted, a chunk at a time: a run over thousands of files then
    // holds one chunk's findings, not all of them. A report to a file is
    // written at once, when complete.
    let streamed = (mode != Mode::Diff
        && args.write_baseline.is_none()
        && baseline.is_none()
        && !matches!(destination, Destination::File(_)))
    .then(|| render::Stream::new(args.format, &options))
    .flatten();
    if let Some(mut stream) = streamed {
        let mut fixed = 0;
        let mut remaining = 0;
        let mut found_anything = false;
        let mut stdin_output = None;
        emit(&destination, |out| {
            let mut chunks = found.inputs.chunks(STREAMED_CHUNK);
            let mut next = chunks.next().map(&mut lint_inputs);
            while let Some(mut checked) = next.take() {
                // The next chunk is linted (on the thread pool) while this
                // one is written.
                let upcoming = chunks.next();
                let written = std::thread::scope(|scope| {
                    let linting = upcoming.map(|chunk| scope.spawn(|| lint_inputs(chunk)));
                    let reports: Vec<FileReport<'_>> = checked
                        .iter()
                        .map(|c| FileReport::new(&c.name, &c.source, &c.diagnostics))
                        .collect();
                    let written = stream.files(&reports, out);
                    next = linting.map(|thread| {
                        thread
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    });
                    written
                });
                written?;
                fixed += checked.iter().map(|c| c.fixed).sum::<usize>();
                remaining += checked.iter().map(|c| c.diagnostics.len()).sum::<usize>();
                found_anything |= checked
                    .iter()
                    .flat_map(|c| &c.diagnostics)
                    .any(|d| threshold.fails(d.severity));
                if stdin_output.is_none() {
                    stdin_output = checked.iter_mut().find_map(|c| c.stdin_output.take());
                }
            }
            stream.finish((mode == Mode::Fix).then_some(fixed), out)
        })?;
        after_report(
            args,
            (mode == Mode::Fix).then_some(fixed),
            remaining,
            stdin_output.as_deref(),
        )?;
        return Ok(outcome(failed, found_anything, args.exit_zero));
    }
    let mut checked = lint_inputs(&found.inputs);

    if let Some(path) = &args.write_baseline {
        let written = baseline::write(
            path,
            checked
                .iter()
                .map(|c| (c.name.as_str(), c.source.as_str(), c.diagnostics.as_slice())),
        )?;
        if !args.quiet {
            eprintln!("Wrote {} to {}.", count(written, "finding"), path.display());
        }
        return Ok(if failed {
            Outcome::Error
        } else {
            Outcome::Clean
        });
    }
    if let Some(baseline) = &baseline {
        let known: usize = checked
            .iter_mut()
            .map(|c| baseline.filter(&c.name, &c.source, &mut c.diagnostics))
            .sum();
        if known > 0 && !args.quiet {
            eprintln!("{} in the baseline not shown.", count(known, "finding"));
        }
    }

    let found_anything = match mode {
        Mode::Diff => {
            emit(&destination, |out| write_diffs(&checked, out))?;
            let files = checked.iter().filter(|c| c.diff.is_some()).count();
            let would_fix: usize = checked
                .iter()
                .filter(|c| c.diff.is_some())
                .map(|c| c.fixed)
                .sum();
            if !args.quiet {
                if files == 0 {
                    eprintln!("Nothing to fix.");
                } else {
                    eprintln!(
                        "Would fix {} in {}.",
                        count(would_fix, "finding"),
                        count(files, "file")
                    );
                }
            }
            files > 0
        }
        Mode::Lint | Mode::Fix => {
            let reports: Vec<FileReport<'_>> = checked
                .iter()
                .map(|c| FileReport::new(&c.name, &c.source, &c.diagnostics))
                .collect();
            let fixed = (mode == Mode::Fix).then(|| checked.iter().map(|c| c.fixed).sum::<usize>());
            let options = text::Options { fixed, ..options };
            emit(&destination, |out| {
                if args.statistics && args.format == Format::Json {
                    render::json::render_statistics(&reports, args.unsafe_fixes, out)
                } else {
                    render::render(args.format, &reports, &options, out)
                }
            })?;
            after_report(
                args,
                fixed,
                reports.iter().map(|r| r.diagnostics.len()).sum(),
                checked.iter().find_map(|c| c.stdin_output.as_deref()),
            )?;
            reports
                .iter()
                .flat_map(|r| r.diagnostics)
                .any(|d| threshold.fails(d.severity))
        }
    };
    Ok(outcome(failed, found_anything, args.exit_zero))
}

/// After the report: with `--fix`, what was fixed (the text report says
/// it itself), and the fixed text of standard input.
fn after_report(
    args: &CheckArgs,
    fixed: Option<usize>,
    remaining: usize,
    stdin_output: Option<&[u8]>,
) -> Result<(), CliError> {
    if let (Some(fixed), false) = (fixed, args.quiet || args.format == Format::Text) {
        eprintln!("Fixed {} ({remaining} remaining).", count(fixed, "finding"));
    }
    if let Some(bytes) = stdin_output {
        emit(&Destination::Stdout, |out| out.write_all(bytes))?;
    }
    Ok(())
}

fn outcome(failed: bool, found_anything: bool, exit_zero: bool) -> Outcome {
    if failed {
        Outcome::Error
    } else if found_anything && !exit_zero {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Lints one input; with `--fix`/`--diff`, fixes it first (and writes the
/// fixed file with `--fix`). `path` is where to write (`None`: standard
/// input); `settings_path` is what configuration is looked up for.
#[allow(clippy::too_many_arguments)]
fn check_one(
    bytes: &[u8],
    name: &str,
    path: Option<&Path>,
    settings_path: Option<&Path>,
    source: &SettingsSource,
    context: Option<&BuildContext>,
    mode: Mode,
    unsafe_fixes: bool,
) -> Result<Checked, CliError> {
    let settings = source.for_file(settings_path)?;
    let mut checked = lint_or_fix(bytes, name, path, &settings, context, mode, unsafe_fixes)?;
    let wanted = match settings.shellcheck {
        ShellcheckMode::Off => false,
        ShellcheckMode::Auto => shellcheck_program().is_some(),
        ShellcheckMode::Required => true,
    };
    if wanted && std::str::from_utf8(bytes).is_ok() {
        if shellcheck_program().is_none() {
            return Err(CliError::ShellcheckMissing);
        }
        checked.shellcheck = Some(settings);
    }
    Ok(checked)
}

/// Files linted, then written, at a time when the report is streamed:
/// enough to keep both cores busy and `shellcheck` batches full.
const STREAMED_CHUNK: usize = 256;

/// Scripts per `shellcheck` process.
const SHELLCHECK_BATCH: usize = 200;

/// Checks the scripts of every file that asked for it with a few
/// `shellcheck` processes (in parallel), and adds the findings.
fn add_shellcheck(checked: &mut [Checked], cache_root: Option<&Path>) -> Result<(), CliError> {
    // When no file asked for ShellCheck (`--shellcheck off`), neither look
    // the program up nor start the thread pool.
    let asking = checked.iter().filter(|c| c.shellcheck.is_some()).count();
    if asking == 0 {
        return Ok(());
    }
    let Some(program) = shellcheck_program() else {
        return Ok(());
    };
    // One file (a commit hook, an editor) is checked without the thread
    // pool: starting it costs more than the work.
    let parallel = asking > 1;
    // Each file's scripts, parsed once for the inputs and for mapping the
    // findings back; every input named `<file index>-run-<instruction>.sh`.
    let prepared = each(parallel, checked, |_, c| {
        c.shellcheck
            .as_ref()
            .map(|_| shellcheck::Scripts::new(&c.source))
    });
    let mut scripts = Vec::with_capacity(prepared.len());
    let mut inputs = Vec::new();
    for (i, found) in prepared.into_iter().enumerate() {
        let Some((file_scripts, file_inputs)) = found else {
            scripts.push(None);
            continue;
        };
        inputs.extend(file_inputs.into_iter().map(|input| shellcheck::Input {
            name: format!("{i}-{}", input.name),
            script: input.script,
        }));
        scripts.push(Some(file_scripts));
    }
    // Identical scripts (a repository's Dockerfiles repeat their `RUN`s)
    // are checked once: a script's report depends on its text only.
    let (unique, copies) = dedupe(inputs);
    // Scripts checked before (by this `shellcheck`) take their findings
    // from the cache; the rest are checked, and their reports stored.
    let options = std::env::var_os("SHELLCHECK_OPTS");
    let cache = cache_root
        .and_then(|root| shellcheck::cache::Cache::open(root, program, options.as_deref()));
    let (cached, unique) = match &cache {
        Some(cache) => from_cache(cache, unique, parallel),
        None => (Vec::new(), unique),
    };
    let unwritable = OnceLock::new();
    let batches: Vec<&[shellcheck::Input]> = unique.chunks(SHELLCHECK_BATCH).collect();
    let mut reports = each(parallel, &batches, |_, batch| {
        let comments = shellcheck::parse_report(&shellcheck::run(program, batch)?)?;
        if let Some(cache) = &cache
            && let Err(e) = store(cache, batch, &comments)
        {
            let _ = unwritable.set(e);
        }
        Ok::<_, shellcheck::Error>(comments)
    });
    if let (Some(cache), Some(e)) = (&cache, unwritable.get()) {
        super::warn(&format!(
            "cannot write the ShellCheck cache in {}: {e} (--no-cache or --cache-dir DIR)",
            cache.dir().display()
        ));
    }
    reports.push(Ok(cached));
    let mut by_file: Vec<Vec<shellcheck::Comment>> = vec![Vec::new(); checked.len()];
    for report in reports {
        let comments = match report {
            Ok(comments) => comments,
            // A script that keeps ShellCheck busy costs its findings (of
            // up to a batch of scripts), not the run.
            Err(e @ shellcheck::Error::TimedOut { .. }) => {
                super::warn(&format!("{e}; its ShellCheck findings are left out"));
                continue;
            }
            Err(source) => return Err(CliError::Shellcheck { source }),
        };
        for comment in comments {
            let also = copies.get(&comment.file).map_or(&[][..], Vec::as_slice);
            for file in std::iter::once(&comment.file).chain(also) {
                let Some((i, name)) = file.split_once('-') else {
                    continue;
                };
                let Some(slot) = i.parse::<usize>().ok().and_then(|i| by_file.get_mut(i)) else {
                    continue;
                };
                let mut comment = comment.clone();
                comment.file = name.to_string();
                slot.push(comment);
            }
        }
    }
    let found = each(parallel, &scripts, |i, scripts| {
        let settings = checked[i].shellcheck.as_ref()?;
        Some(scripts.as_ref()?.diagnostics(settings, &by_file[i]))
    });
    // The scripts borrow the sources: they go before the files change.
    drop(scripts);
    for (c, found) in checked.iter_mut().zip(found) {
        c.shellcheck = None;
        if let Some(found) = found.filter(|f| !f.is_empty()) {
            c.diagnostics.extend(found);
            c.diagnostics
                .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        }
    }
    Ok(())
}

/// `f` applied to each item and its index, on the thread pool when
/// `parallel`, in order.
fn each<'t, T: Sync, R: Send>(
    parallel: bool,
    items: &'t [T],
    f: impl Fn(usize, &'t T) -> R + Sync + Send,
) -> Vec<R> {
    if parallel {
        items.par_iter().enumerate().map(|(i, t)| f(i, t)).collect()
    } else {
        items.iter().enumerate().map(|(i, t)| f(i, t)).collect()
    }
}

/// The first input of each distinct script, and for each kept name the
/// names of the inputs that repeat its script.
fn dedupe(
    inputs: Vec<shellcheck::Input>,
) -> (Vec<shellcheck::Input>, HashMap<String, Vec<String>>) {
    let mut first: HashMap<String, String> = HashMap::new();
    let mut copies: HashMap<String, Vec<String>> = HashMap::new();
    let mut unique = Vec::with_capacity(inputs.len());
    for input in inputs {
        match first.get(&input.script) {
            Some(name) => copies.entry(name.clone()).or_default().push(input.name),
            None => {
                first.insert(input.script.clone(), input.name.clone());
                unique.push(input);
            }
        }
    }
    (unique, copies)
}

/// The findings `cache` holds for `inputs` (each named after its input),
/// and the inputs it holds nothing for.
fn from_cache(
    cache: &shellcheck::cache::Cache,
    inputs: Vec<shellcheck::Input>,
    parallel: bool,
) -> (Vec<shellcheck::Comment>, Vec<shellcheck::Input>) {
    let found = each(parallel, &inputs, |_, input| cache.get(&input.script));
    let mut cached = Vec::new();
    let mut misses = Vec::with_capacity(inputs.len());
    for (input, found) in inputs.into_iter().zip(found) {
        match found {
            Some(comments) => cached.extend(comments.into_iter().map(|mut comment| {
                comment.file.clone_from(&input.name);
                comment
            })),
            None => misses.push(input),
        }
    }
    (cached, misses)
}

/// Stores the report of one `shellcheck` process in `cache`, script by
/// script (a script without findings is stored too).
fn store(
    cache: &shellcheck::cache::Cache,
    batch: &[shellcheck::Input],
    comments: &[shellcheck::Comment],
) -> io::Result<()> {
    let mut by_name: HashMap<&str, Vec<shellcheck::Comment>> = HashMap::new();
    for comment in comments {
        by_name
            .entry(comment.file.as_str())
            .or_default()
            .push(comment.clone());
    }
    for input in batch {
        let found = by_name
            .get(input.name.as_str())
            .map_or(&[][..], Vec::as_slice);
        cache.put(&input.script, found)?;
    }
    Ok(())
}

/// The `shellcheck` program, looked up once per process.
fn shellcheck_program() -> Option<&'static Path> {
    static PROGRAM: OnceLock<Option<PathBuf>> = OnceLock::new();
    PROGRAM.get_or_init(shellcheck::find_program).as_deref()
}

/// The lint (or fix) part of [`check_one`].
fn lint_or_fix(
    bytes: &[u8],
    name: &str,
    path: Option<&Path>,
    settings: &engine::Settings,
    context: Option<&BuildContext>,
    mode: Mode,
    unsafe_fixes: bool,
) -> Result<Checked, CliError> {
    let text = std::str::from_utf8(bytes)
        .ok()
        .filter(|_| mode != Mode::Lint);
    // Plain linting, or not text (nothing to fix; lint_bytes reports the
    // encoding).
    let Some(text) = text else {
        let linted = engine::lint_bytes_in_context(bytes, settings, context);
        let stdin_output = (mode == Mode::Fix && path.is_none()).then(|| bytes.to_vec());
        return Ok(Checked {
            name: name.to_string(),
            source: linted.text.into_owned(),
            diagnostics: linted.diagnostics,
            fixed: 0,
            diff: None,
            stdin_output,
            shellcheck: None,
        });
    };
    let outcome = engine::fix_in_context(text, settings, context, unsafe_fixes);
    let changed = outcome.text != text;
    if changed {
        refuse_new_syntax_errors(name, text, &outcome.text)?;
    }
    let mut checked = Checked {
        name: name.to_string(),
        source: String::new(),
        diagnostics: outcome.remaining,
        fixed: outcome.applied,
        diff: None,
        stdin_output: None,
        shellcheck: None,
    };
    match (mode, path) {
        (Mode::Diff, _) => {
            checked.diff = changed.then(|| unified_diff(name, text, &outcome.text));
            checked.source = text.to_string();
        }
        (_, None) => {
            checked.stdin_output = Some(outcome.text.as_bytes().to_vec());
            checked.source = outcome.text;
        }
        (_, Some(path)) => {
            if changed {
                fs::write_atomically(path, outcome.text.as_bytes())?;
            }
            checked.source = outcome.text;
        }
    }
    Ok(checked)
}

/// The engine only keeps fixes that add no syntax error; check again before
/// anything leaves the process.
fn refuse_new_syntax_errors(name: &str, original: &str, fixed: &str) -> Result<(), CliError> {
    let before = syntax::parse(original).errors.len();
    let after = syntax::parse(fixed).errors.len();
    if after > before {
        return Err(CliError::FixAddsErrors {
            path: name.into(),
            before,
            after,
        });
    }
    Ok(())
}

fn unified_diff(name: &str, old: &str, new: &str) -> String {
    let name = render::slash_path(name);
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

fn write_diffs(checked: &[Checked], out: &mut dyn Write) -> io::Result<()> {
    for diff in checked.iter().filter_map(|c| c.diff.as_deref()) {
        out.write_all(diff.as_bytes())?;
    }
    Ok(())
}

impl Destination {
    fn color(&self) -> bool {
        use anstream::{AutoStream, ColorChoice};
        match self {
            Destination::Stdout => AutoStream::choice(&io::stdout()) != ColorChoice::Never,
            Destination::Stderr => AutoStream::choice(&io::stderr()) != ColorChoice::Never,
            Destination::File(_) => false,
        }
    }
}

/// Renders the report where it goes: streamed through a buffered writer to
/// standard output or error (a whole-corpus JSON report is tens of
/// megabytes; holding it in memory as well doubled the peak RSS), or into a
/// buffer written in one go to a file.
fn emit(
    destination: &Destination,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), CliError> {
    match destination {
        Destination::Stdout => {
            let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
            render(&mut out)
                .and_then(|()| out.flush())
                .map_err(CliError::Output)
        }
        Destination::Stderr => {
            let mut out = io::BufWriter::with_capacity(64 * 1024, io::stderr().lock());
            render(&mut out)
                .and_then(|()| out.flush())
                .map_err(CliError::Output)
        }
        Destination::File(path) => {
            let mut buffer = Vec::new();
            render(&mut buffer).map_err(CliError::Output)?;
            std::fs::write(path, &buffer).map_err(|source| CliError::Write {
                path: path.clone(),
                source,
            })
        }
    }
}

/// The build contexts of a run: one walk per context directory (and ignore
/// file), shared by the files and threads that use it.
pub(crate) struct Contexts {
    /// `--context DIR`.
    explicit: Option<PathBuf>,
    cache: ContextCache,
    /// Contexts whose notes and problems were printed.
    warned: Mutex<HashSet<PathBuf>>,
}

impl Contexts {
    pub(crate) fn new(explicit: Option<PathBuf>) -> Self {
        Self {
            explicit,
            cache: ContextCache::new(WalkOptions::default()),
            warned: Mutex::new(HashSet::new()),
        }
    }

    /// Standard input has a context only when `--context` names one.
    fn for_stdin(&self) -> Result<Option<Arc<BuildContext>>, CliError> {
        match &self.explicit {
            Some(dir) => self.load(dir, None, true),
            None => Ok(None),
        }
    }

    fn for_file(
        &self,
        path: &Path,
        settings: &SettingsSource,
    ) -> Result<Option<Arc<BuildContext>>, CliError> {
        let (dir, explicit) = settings.context_for(path)?;
        self.load(&dir, Some(path), explicit)
    }

    /// Warns, once per context, when a walk of `context` stopped at the
    /// file limit. Called after linting, as contexts are walked on demand.
    pub(crate) fn after_lint(&self, context: Option<&BuildContext>) {
        let Some(context) = context else { return };
        let Some(note) = context.note() else { return };
        let first = self
            .warned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                context
                    .root()
                    .join(context.ignore_path().unwrap_or(Path::new(""))),
            );
        if first {
            super::warn(&format!(
                "{}: {note}; context rules may miss files",
                context.root().display()
            ));
        }
    }

    /// Loads (or reuses) the context at `dir` for `dockerfile`. A context
    /// the user named must load; the default one (the Dockerfile's
    /// directory) is skipped with a warning when it cannot be read.
    pub(crate) fn load(
        &self,
        dir: &Path,
        dockerfile: Option<&Path>,
        explicit: bool,
    ) -> Result<Option<Arc<BuildContext>>, CliError> {
        match self.cache.get(dir, dockerfile) {
            Ok(context) => Ok(Some(context)),
            Err(e) if explicit => Err(CliError::Context(e)),
            Err(e) => {
                super::warn(&format!("{e}; context rules skipped"));
                Ok(None)
            }
        }
    }
}
