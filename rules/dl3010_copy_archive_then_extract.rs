use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::Invocation;
use crate::semantic::shell::dialect::program_basename;
use crate::syntax::{Args, Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags a local archive copied with `COPY` and then extracted by a
    /// later `RUN` of the same stage (`tar -x`, `gunzip`, `unxz`…).
    ///
    /// ## Why is this bad?
    /// The `COPY` layer keeps the archive and the `RUN` layer adds its
    /// content, so the image carries both (deleting the archive in the
    /// `RUN` does not shrink the earlier layer). `ADD` extracts a local
    /// `tar` archive (plain, gzip, bzip2 or xz) straight into the
    /// destination in one layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// COPY app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// ADD app.tar.gz /opt/
    /// ```
    ///
    /// An archive is a source (or a destination file name) ending in `.tar`,
    /// `.gz`, `.tgz`, `.bz2`, `.tbz2`, `.xz`, `.txz`, `.lz`, `.lzma`, `.Z`
    /// and the other `tar` suffixes; it is extracted when a `RUN` of the
    /// stage runs `tar` with `-x`/`--extract`/`--get` (also `tar xzf`) or
    /// one of `unzip`, `gunzip`, `bunzip2`, `unlzma`, `unxz`, `uncompress`,
    /// `zcat` or `gzcat` with an argument of the same file name. The finding
    /// is on the `COPY` word that names the archive. `COPY --from` (an
    /// archive from another stage) is not flagged.
    ///
    /// ## Differences from hadolint
    /// hadolint counts any `tar` option with an `x` in it as extracting
    /// (`--exclude` too) and misses the old `tar xzf` form; layerlint reads
    /// `tar`'s options.
    pub struct CopyArchiveThenExtract { archive: String, extract_line: u32 }
    code = "DL3010", name = "copy-archive-then-extract", aliases = [],
    category = Size, severity = Info, fix = None,
    visits = file,
}

impl Violation for CopyArchiveThenExtract {
    fn message(&self) -> String {
        format!(
            "`{}` is copied into the image and extracted on line {}; the image keeps both",
            self.archive, self.extract_line
        )
    }

    fn help(&self) -> Option<String> {
        Some("Use `ADD` to extract the archive into the image".to_string())
    }
}

/// Suffixes of the archives `ADD` extracts.
const ARCHIVE_SUFFIXES: [&str; 15] = [
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

/// Programs that decompress the file they are given.
const DECOMPRESSORS: [&str; 9] = [
    "unzip",
    "gunzip",
    "bunzip2",
    "unlzma",
    "unxz",
    "zgz",
    "uncompress",
    "zcat",
    "gzcat",
];

fn basename(path: &str) -> &str {
    let path = path.trim_matches(|c| c == '"' || c == '\'');
    program_basename(path)
}

fn is_archive(name: &str) -> bool {
    ARCHIVE_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// An archive a `COPY` put into the stage.
struct Copied {
    name: String,
    range: TextRange,
    reported: bool,
}

/// The archives a `COPY` brings in: its destination when that names an
/// archive, otherwise its sources that do.
fn copied_archives(inst: &Instruction) -> Vec<Copied> {
    let Args::Paths { paths, .. } = &inst.args else {
        return Vec::new();
    };
    let Some((dest, sources)) = paths.split_last() else {
        return Vec::new();
    };
    let copied = |w: &crate::syntax::Word| Copied {
        name: basename(&w.value).to_string(),
        range: w.range,
        reported: false,
    };
    if is_archive(basename(&dest.value)) {
        return vec![copied(dest)];
    }
    sources
        .iter()
        .filter(|w| is_archive(basename(&w.value)))
        .map(copied)
        .collect()
}

/// `tar` is asked to extract: `-x…`, `--extract`, `--get`, or a first
/// argument of bundled letters with `x` (`tar xzf`).
fn tar_extracts(args: &[crate::semantic::shell::ShellWord]) -> bool {
    args.iter().enumerate().any(|(i, a)| {
        let Some(v) = a.static_value() else {
            return false;
        };
        v == "--extract"
            || v == "--get"
            || (v.starts_with('-')
                && !v.starts_with("--")
                && v[1..].starts_with(|c: char| c.is_ascii_alphabetic())
                && v.split('=').next().is_some_and(|o| o.contains('x'))
                && !v.contains('/'))
            || (i == 0
                && !v.starts_with('-')
                && v.contains('x')
                && v.chars().all(|c| c.is_ascii_alphabetic()))
    })
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    let shells = checker.shell();
    let mut copied: Vec<Copied> = Vec::new();
    let mut found: Vec<(usize, u32)> = Vec::new();
    for (index, inst) in file.instructions.iter().enumerate() {
        match inst.kind {
            Keyword::From => copied.clear(),
            Keyword::Copy if inst.flag("from").is_none() => {
                copied.extend(copied_archives(inst));
            }
            Keyword::Run if !copied.is_empty() => {
                let Some(script) = shells.run(index).and_then(|r| r.script.as_ref()) else {
                    continue;
                };
                for (i, command) in script.commands.iter().enumerate() {
                    let Some(inv) = Invocation::of(i, command) else {
                        continue;
                    };
                    let program = inv.program();
                    let extracts = (program == "tar" && tar_extracts(inv.args))
                        || DECOMPRESSORS.contains(&program);
                    if !extracts {
                        continue;
                    }
                    let names: Vec<&str> = inv
                        .args
                        .iter()
                        .filter_map(|a| {
                            let v = a.value.as_ref();
                            let v = v.strip_prefix("--file=").unwrap_or(v);
                            (!v.starts_with('-')).then(|| basename(v))
                        })
                        .collect();
                    let (line, _) = file.lines_of(command.range);
                    for (k, c) in copied.iter_mut().enumerate() {
                        if !c.reported && names.contains(&c.name.as_str()) {
                            c.reported = true;
                            found.push((k, line));
                        }
                    }
                }
                // Report in the order the archives were copied.
                for (k, line) in found.drain(..) {
                    let c = &copied[k];
                    let (name, range) = (c.name.clone(), c.range);
                    checker.report(
                        CopyArchiveThenExtract {
                            archive: name,
                            extract_line: line,
                        },
                        range,
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n",
                    "FROM debian\nCOPY [\"dist/app.tgz\", \"/tmp/\"]\nRUN cd /tmp && tar xzf app.tgz\n",
                    "FROM debian\nCOPY dist/release /tmp/app.tar.xz\nRUN tar --extract --file=/tmp/app.tar.xz\n",
                    "FROM debian\nCOPY data.gz /srv/\nRUN gunzip /srv/data.gz\n",
                    "FROM debian\nCOPY a.tar b.tar /tmp/\nRUN tar -xf /tmp/b.tar && tar -xf /tmp/a.tar\n",
                    "FROM debian\nCOPY app.tar.gz /tmp/\nRUN --mount=type=cache,target=/root/.cache sudo tar -xzf /tmp/app.tar.gz\n",
                ],
                good: &[
                    "FROM debian\nADD app.tar.gz /opt/\n",
                    "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -tzf /tmp/app.tar.gz\n",
                    "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar --exclude=x -czf /out.tar.gz /tmp/app.tar.gz\n",
                    "FROM debian AS build\nRUN tar -czf /app.tar.gz /src\nFROM debian\nCOPY --from=build /app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\n",
                    "FROM debian\nCOPY app.tar.gz /tmp/\nFROM debian\nRUN tar -xzf /tmp/app.tar.gz\n",
                    "FROM debian\nCOPY app.zip /tmp/\nRUN unzip /tmp/app.zip\n",
                    "FROM debian\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/other.tar.gz\n",
                ],
                fixes: &[],
            },
        );
    }
}
