use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::shell::pkgcache::{Action, Manager, classify};
use crate::semantic::shell::{RunForm, RunScript};
use crate::syntax::{Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that refreshes a package index (`apt-get update`,
    /// `apk update`, `yum`/`dnf makecache`, `zypper refresh`) without
    /// installing anything from it in the same `RUN`.
    ///
    /// ## Why is this bad?
    /// BuildKit caches the update layer by its text alone, so after the
    /// first build it never runs again: a later `RUN apt-get install …`
    /// (changed, or rebuilt on another day) reads the stale index from the
    /// cache and fails with "404 Not Found" once the mirror has moved on,
    /// or installs old versions. The index also stays in the image as a
    /// layer of its own. Updating and installing in one `RUN` keeps them in
    /// step and lets the same `RUN` clean up after itself.
    ///
    /// A `RUN` that runs a script or `make` (which may install) is not
    /// flagged. The severity is *warning*: builds break in a way that is
    /// hard to trace back.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// When the update `RUN` holds only the update command, has the same
    /// flags as the next `RUN` of the stage that installs with the same
    /// manager, and both are plain shell form, the fix deletes the update
    /// `RUN` and starts the install `RUN` with the update command (or just
    /// deletes it when that `RUN` already updates). It is safe when the two
    /// `RUN`s are adjacent, and unsafe when other instructions sit between
    /// them, since those now run before the update.
    pub struct PackageIndexUpdateAlone { command: String, manager: &'static str }
    code = "LL203", name = "package-index-update-alone", aliases = [],
    category = Cache, severity = Warning, fix = Sometimes,
    visits = file,
}

impl Violation for PackageIndexUpdateAlone {
    fn message(&self) -> String {
        format!(
            "`{}` runs in a `RUN` that installs nothing; the cached index goes stale",
            self.command
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "Refresh the index in the same `RUN` as the {} install that uses it",
            self.manager
        ))
    }
}

/// What one `RUN` does with system package managers.
struct RunUse {
    updates: Vec<(Manager, TextRange)>,
    consumes: Vec<Manager>,
    /// Runs a script or `make`, which may install anything.
    opaque: bool,
    commands: usize,
}

fn use_of(run: &RunScript) -> Option<RunUse> {
    let script = run.script.as_ref()?;
    let mut out = RunUse {
        updates: Vec::new(),
        consumes: Vec::new(),
        opaque: false,
        commands: script.commands.len(),
    };
    for inv in script.invocations() {
        match classify(&inv) {
            Some((m, Action::IndexUpdate)) if m.is_system() => {
                out.updates.push((m, inv.command.range));
            }
            Some((m, Action::Install | Action::UsesIndex)) => out.consumes.push(m),
            Some(_) => {}
            None => out.opaque |= is_opaque(inv.program(), inv.args.first().map(|w| &*w.value)),
        }
    }
    // A dynamic program name (`$INSTALL`) could be anything.
    out.opaque |= script
        .commands
        .iter()
        .any(|c| c.name.as_ref().is_some_and(|n| !n.is_static()));
    Some(out)
}

/// Programs that may install packages behind our back.
#[allow(clippy::case_sensitive_file_extension_comparisons)] // script names, as written
fn is_opaque(program: &str, first_arg: Option<&str>) -> bool {
    let shell = matches!(program, "sh" | "bash" | "dash" | "ash" | "zsh")
        && first_arg.is_some_and(|a| !a.starts_with('-'));
    shell
        || program.ends_with(".sh")
        || program.contains("install")
        || matches!(
            program,
            "make"
                | "source"
                | "."
                | "eval"
                | "xargs"
                | "add-apt-repository"
                | "install-php-extensions"
                | "docker-php-ext-install"
                | "install_packages"
                | "apt-install"
                | "clean-install"
        )
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    let shell = checker.shell();
    for stage in &checker.stages.stages {
        let runs: Vec<(usize, &RunScript)> = (stage.from..stage.end)
            .filter(|&i| file.instructions[i].kind == Keyword::Run)
            .filter_map(|i| shell.run(i).map(|r| (i, r)))
            .collect();
        let uses: Vec<Option<RunUse>> = runs.iter().map(|(_, r)| use_of(r)).collect();
        for (n, ((index, run), usage)) in runs.iter().zip(&uses).enumerate() {
            let Some(usage) = usage else { continue };
            if usage.opaque {
                continue;
            }
            for &(manager, range) in &usage.updates {
                if usage.consumes.contains(&manager) {
                    continue;
                }
                let target = runs
                    .iter()
                    .zip(&uses)
                    .skip(n + 1)
                    .find(|(_, u)| u.as_ref().is_some_and(|u| u.consumes.contains(&manager)));
                let fix = target.and_then(|((install_index, install), install_use)| {
                    let install_use = install_use.as_ref()?;
                    merge_fix(
                        checker,
                        (*index, run, usage),
                        (*install_index, install, install_use),
                        manager,
                        range,
                    )
                });
                let diagnostic = checker.report(
                    PackageIndexUpdateAlone {
                        command: range.slice(file.source).to_string(),
                        manager: manager.name(),
                    },
                    range,
                );
                if let Some(((install_index, _), _)) = target {
                    diagnostic.with_related(
                        file.instructions[*install_index].keyword.range,
                        "the install that needs the fresh index",
                    );
                }
                if let Some(fix) = fix {
                    diagnostic.with_fix(fix);
                }
            }
        }
    }
}

fn merge_fix(
    checker: &Checker,
    (index, run, usage): (usize, &RunScript, &RunUse),
    (install_index, install, install_use): (usize, &RunScript, &RunUse),
    manager: Manager,
    update: TextRange,
) -> Option<Fix> {
    let file = checker.file;
    let inst = &file.instructions[index];
    let target = &file.instructions[install_index];
    if usage.commands != 1
        || run.form != RunForm::Shell
        || install.form != RunForm::Shell
        || !inst.heredocs.is_empty()
        || !target.heredocs.is_empty()
        || flags_text(inst) != flags_text(target)
    {
        return None;
    }
    let source = file.source;
    let delete = TextRange::new(inst.range.start, line_end(source, inst.range.end));
    let mut edits = vec![Edit::delete(delete)];
    let already = install_use.updates.iter().any(|(m, _)| *m == manager);
    if !already {
        edits.push(Edit::insert(
            target.args_text.range.start,
            format!("{} && ", update.slice(source)),
        ));
    }
    let between_only_comments = file.instructions[index + 1..install_index].is_empty();
    let title = if already {
        "Remove the separate index update"
    } else {
        "Merge the index update into the install `RUN`"
    };
    Some(if between_only_comments {
        Fix::safe(title, edits)
    } else {
        Fix::unsafe_edits(title, edits)
    })
}

fn flags_text(inst: &crate::syntax::Instruction) -> Vec<String> {
    let mut flags: Vec<String> = inst.flags.iter().map(crate::syntax::Flag::text).collect();
    flags.sort_unstable();
    flags
}

/// The offset after the line break that ends the line holding `at`.
fn line_end(source: &str, at: u32) -> u32 {
    let rest = &source[at as usize..];
    let len = rest.find('\n').map_or(rest.len(), |i| i + 1);
    at + u32::try_from(len).unwrap_or(0)
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
                    "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
                    "FROM debian:12\nRUN apt-get update -qq\nCOPY sources.list /etc/apt/\nRUN apt-get install -y curl\n",
                    "FROM alpine:3.20\nRUN apk update\nRUN apk add curl\n",
                    "FROM fedora:40\nRUN dnf makecache\nRUN dnf install -y gcc\n",
                    "FROM opensuse/leap:15.6\nRUN zypper refresh\nRUN zypper install -y curl\n",
                    "FROM ubuntu:24.04\nRUN apt-get update && echo done\n",
                    "FROM ubuntu:24.04\nRUN apt-get update\nRUN apt-get update && apt-get install -y x\n",
                    "FROM ubuntu:24.04\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\nRUN apt-get install -y x\n",
                ],
                good: &[
                    "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
                    "FROM debian:12\nRUN apt-get update && apt-get -y upgrade\n",
                    "FROM debian:12\nRUN apt-get update && ./install-deps.sh\n",
                    "FROM debian:12\nRUN apt-get update && make deps\n",
                    "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
                    "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n",
                    "FROM debian:12\nRUN echo apt-get update\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN apt-get update\n",
                ],
                fixes: &[
                    (
                        "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
                        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
                    ),
                    (
                        "FROM debian:12\nRUN apt-get update -qq\nCOPY sources.list /etc/apt/\nRUN apt-get install -y curl\n",
                        "FROM debian:12\nCOPY sources.list /etc/apt/\nRUN apt-get update -qq && apt-get install -y curl\n",
                    ),
                    (
                        "FROM ubuntu:24.04\nRUN apt-get update\nRUN apt-get update && apt-get install -y x\n",
                        "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y x\n",
                    ),
                    (
                        "FROM alpine:3.20\nRUN apk update\n# tools\nRUN apk add \\\n    curl\n",
                        "FROM alpine:3.20\n# tools\nRUN apk update && apk add \\\n    curl\n",
                    ),
                ],
            },
        );
    }
}
