use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::shell::{
    Command, Connector, ConstructKind, RunScript, Script, ShellKind, ShellOrigin,
};
use crate::syntax::{Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` with a pipe (`a | b`) whose shell does not run with
    /// `-o pipefail`.
    ///
    /// ## Why is this bad?
    /// A pipeline's status is that of its last command. In
    /// `RUN curl -fsSL https://example.com/install.sh | sh`, a failed
    /// download gives `sh` an empty script, which succeeds, and the build goes
    /// on without the tool. With `pipefail` any failing command of the
    /// pipeline fails the step.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// The shell counts as setting `pipefail` when `SHELL` runs `bash`,
    /// `zsh`, `ash`, `ksh` or `busybox sh` with `-o pipefail` (also as
    /// `-eo pipefail`), in the stage or in the stage it is built `FROM`.
    /// `/bin/sh -o pipefail` does not count: `sh` is `dash` on Debian and
    /// Ubuntu images, which refuses the option. A script that runs
    /// `set -o pipefail` itself is not flagged either, nor a pipe inside
    /// `bash -c '…'` (the inner shell does not get the `SHELL` options). `RUN`s for
    /// PowerShell or `cmd` (a `SHELL` or a Windows base image), exec-form
    /// `RUN`s and heredocs run by another interpreter (`#!/usr/bin/python3`)
    /// are skipped.
    ///
    /// ## Fix safety
    /// The fix inserts `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (with
    /// `/bin/ash` when the stage is built on an Alpine or `busybox` image)
    /// before the first such `RUN` of the stage, above the comments directly
    /// over it. It is offered only where the stage uses the default shell,
    /// and it is unsafe: the image may have no `bash`, every later `RUN` of
    /// the stage now runs under that shell, and a pipeline that used to
    /// fail quietly now fails the build.
    ///
    /// ## Differences from hadolint
    /// hadolint does not notice `set -o pipefail` in the script, and starts
    /// every stage without `pipefail`, although a stage built `FROM` another
    /// one inherits its `SHELL`; layerlint follows the shell the build uses.
    /// hadolint reads `busybox sh -o pipefail` as a shell without the option,
    /// and counts pipes inside `bash -c '…'`. On the corpus this leaves 2 of
    /// hadolint's 3,344 findings: a script that starts with
    /// `set -eo pipefail`, and one whose `RUN` follows a line holding only
    /// `\`.
    pub struct PipeWithoutPipefail { shell: String }
    code = "DL4006", name = "pipe-without-pipefail", aliases = [],
    category = Correctness, severity = Warning, fix = Sometimes,
    visits = file,
}

impl Violation for PipeWithoutPipefail {
    fn message(&self) -> String {
        format!(
            "Pipe in a `RUN` run by `{}` without `-o pipefail`: a failure before the last command goes unnoticed",
            self.shell
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "Set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this `RUN`"
                .to_string(),
        )
    }
}

/// The shell sets `pipefail` as far as the rule is concerned.
fn has_pipefail(run: &RunScript) -> bool {
    run.shell.pipefail && run.shell.kind != ShellKind::Sh
}

/// The first command piped into another by the script's own shell (a
/// pipe inside `bash -c '…'` runs in a shell that `SHELL` does not set).
fn first_piped<'s, 'a>(script: &'s Script<'a>) -> Option<&'s Command<'a>> {
    script.commands.iter().find(|c| {
        matches!(
            c.connector_after,
            Some(Connector::Pipe | Connector::PipeAll)
        ) && !script.is_inside(c, |k| {
            matches!(
                k,
                ConstructKind::ShellCommand { .. } | ConstructKind::HeredocScript { .. }
            )
        })
    })
}

/// The `|` after `command`, in the Dockerfile.
fn pipe_after(source: &str, command: &Command) -> Option<TextRange> {
    let from = command.range.end as usize;
    let bytes = source.get(from..)?.as_bytes();
    let at = (0..bytes.len()).find(|&i| bytes[i] == b'|' && bytes.get(i + 1) != Some(&b'|'))?;
    let width = if bytes.get(at + 1) == Some(&b'&') {
        2
    } else {
        1
    };
    Some(TextRange::from_usize(from + at, from + at + width))
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    let source = checker.source();
    let shells = checker.shell();
    // Stages whose first flagged `RUN` carries the fix: they and the
    // stages built on them get the `SHELL`.
    let mut fixed: Vec<usize> = Vec::new();
    let mut found = Vec::new();
    for (index, run) in shells.runs() {
        let Some(script) = &run.script else {
            continue;
        };
        if run.is_exec() || !run.shell.is_posix() || has_pipefail(run) {
            continue;
        }
        let Some(piped) = first_piped(script) else {
            continue;
        };
        if script.sets_pipefail() {
            continue;
        }
        let stage = checker.stages.stage_of.get(index).copied().flatten();
        let inst = &file.instructions[index];
        let fix = if run.shell.origin == ShellOrigin::Default
            && inst.kind == Keyword::Run
            && let Some(stage) = stage
            && !stage_chain(checker, stage).any(|s| fixed.contains(&s))
        {
            fixed.push(stage);
            Some(shell_fix(checker, source, inst.range.start, stage))
        } else {
            None
        };
        let range = pipe_after(source, piped).unwrap_or(inst.keyword.range);
        found.push((run.shell.program().to_string(), range, fix));
    }
    for (shell, range, fix) in found {
        let diagnostic = checker.report(PipeWithoutPipefail { shell }, range);
        if let Some(fix) = fix {
            diagnostic.with_fix(fix);
        }
    }
}

/// Inserts a `SHELL` with `pipefail` above the `RUN` at `at` and the
/// comments directly above it.
fn shell_fix(checker: &Checker, source: &str, at: u32, stage: usize) -> Fix {
    let line_start = |offset: usize| source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut start = line_start(at as usize);
    let indent: String = source[start..at as usize].to_string();
    while start > 0 {
        let previous = line_start(start - 1);
        if !source[previous..start].trim_start().starts_with('#') {
            break;
        }
        start = previous;
    }
    let shell = if builds_on_busybox(checker, stage) {
        "/bin/ash"
    } else {
        "/bin/bash"
    };
    let text = format!("{indent}SHELL [\"{shell}\", \"-o\", \"pipefail\", \"-c\"]\n");
    Fix::unsafe_edits(
        format!("Insert `SHELL [\"{shell}\", \"-o\", \"pipefail\", \"-c\"]`"),
        vec![Edit::insert(u32::try_from(start).unwrap_or(at), text)],
    )
}

/// The stage and the stages it is built `FROM`, nearest first.
fn stage_chain<'c>(checker: &'c Checker, stage: usize) -> impl Iterator<Item = usize> + 'c {
    let stages = checker.stages;
    let mut next = stages.stages.get(stage);
    std::iter::from_fn(move || {
        let st = next?;
        next = st
            .base
            .as_ref()
            .and_then(|b| stages.by_name(&b.value, st.index));
        Some(st.index)
    })
    .take(stages.stages.len())
}

/// The stage's image (through `FROM <stage>`) is Alpine or `busybox`, whose
/// `ash` knows `pipefail` and which have no `bash`.
fn builds_on_busybox(checker: &Checker, stage: usize) -> bool {
    let stages = checker.stages;
    stage_chain(checker, stage)
        .last()
        .and_then(|root| stages.stages.get(root)?.base.as_ref())
        .is_some_and(|base| {
            let image = base.value.to_ascii_lowercase();
            image.contains("alpine") || image.contains("busybox")
        })
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
                    "FROM debian\nRUN wget -O - https://some.site | wc -l > /number\n",
                    "FROM alpine\nRUN apk add curl \\\n && curl -fsSL https://x/i.sh |& sh\n",
                    "FROM debian\nSHELL [\"/bin/bash\", \"-c\"]\nRUN a | b\n",
                    "FROM debian\nSHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
                    "FROM debian AS a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\nFROM debian\nRUN a | b\n",
                    "FROM debian\n# hadolint ignore=DL3008\nRUN echo $(a | b)\nRUN c | d\n",
                    "FROM debian\nRUN <<EOF\nset -e\ncurl -fsSL https://x/i.sh | sh\nEOF\n",
                    "FROM debian\nRUN --mount=type=secret,id=t --network=host a | b\n",
                    "FROM debian\nRUN --network=host --mount=id=t,type=secret a | b\n",
                ],
                good: &[
                    "FROM debian\nRUN a && b\n",
                    "FROM debian\nRUN a || b\n",
                    "FROM debian\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN a | b\n",
                    "FROM debian\nSHELL [\"/usr/bin/zsh\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
                    "FROM alpine\nSHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
                    "FROM alpine AS base\nSHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]\nFROM base\nRUN a | b\n",
                    "FROM debian\nRUN set -o pipefail && a | b\n",
                    "FROM debian\nRUN [\"sh\", \"-c\", \"a | b\"]\n",
                    "FROM mcr.microsoft.com/powershell:ubuntu-16.04\nSHELL [\"pwsh\", \"-c\"]\nRUN Get-Variable PSVersionTable | Select-Object -ExpandProperty Value\n",
                    "FROM debian\nSHELL [\"cmd.exe\", \"/c\"]\nRUN dir | more\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir | more\n",
                    "FROM debian\nRUN <<EOF\n#!/usr/bin/env python3\nprint('a | b')\nEOF\n",
                    "FROM debian\nRUN echo 'a | b'\n",
                    "FROM debian\nRUN sudo bash -c 'a | b'\n",
                ],
                fixes: &[
                    (
                        "FROM debian\nRUN a | b\nRUN c | d\n",
                        "FROM debian\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\nRUN c | d\n",
                    ),
                    (
                        "FROM alpine:3.20 AS base\n# fetch\n# hadolint ignore=DL3018\nRUN a | b\nFROM base\nRUN c | d\n",
                        "FROM alpine:3.20 AS base\nSHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]\n# fetch\n# hadolint ignore=DL3018\nRUN a | b\nFROM base\nRUN c | d\n",
                    ),
                ],
            },
        );
    }
}
