use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::shell::packages::stage_in_image;
use crate::semantic::shell::{ConstructKind, RunForm, RunScript, Script};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `apt-get update` in a `RUN` that does not delete the package
    /// lists (`/var/lib/apt/lists/*`) afterwards.
    ///
    /// ## Why is this bad?
    /// `apt-get update` downloads the package lists, tens of megabytes that
    /// the image never needs once the packages are installed. Deleted in a
    /// later `RUN`, they would still be stored in this layer; they have to
    /// go in the same `RUN`.
    ///
    /// Only stages that end up in an image are checked: the last stage,
    /// and stages another stage is built `FROM`. A `RUN` that mounts a
    /// cache or tmpfs at `/var/lib/apt/lists` (or a directory above it,
    /// such as `--mount=type=cache,target=/var/lib/apt`) keeps the lists
    /// out of the layer and is not flagged. `apt-get dist-clean` (or
    /// `distclean`, apt 2.7 and later) deletes them too.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends `&& rm -rf /var/lib/apt/lists/*` to the `RUN` (when
    /// its last command is at the top level of a shell-form script). It is
    /// unsafe: a later `RUN` that installs packages without its own
    /// `apt-get update` relies on the lists and then fails.
    ///
    /// ## Differences from hadolint
    /// hadolint accepts any `rm` with `-rf` (or any `rm` of
    /// `/var/lib/apt/lists/*`) anywhere in the `RUN`; layerlint requires an
    /// `rm` that really removes the lists (`rm -rf /var/lib/apt/lists/*`,
    /// `rm -r /var/lib/apt/lists`…) after the update. hadolint skips a
    /// cache mount at `/var/lib/apt` unless `/var/cache/apt` is mounted
    /// too; the lists are below `/var/lib/apt`, so one mount is enough, and
    /// a tmpfs mount counts as well (hadolint issues #497, #943).
    /// hadolint does not know `apt-get dist-clean` and flags the `RUN`s
    /// that use it (the Debian trixie images of the official PHP and
    /// buildpack-deps images do). Commands are found through wrappers
    /// (`sudo`…), inside `sh -c '…'` and in heredoc scripts, and
    /// `apt update` is checked too. An `rm` of a relative path after `cd`
    /// (`cd /var/lib && rm -rf apt`) is not followed. PowerShell and `cmd`
    /// stages are skipped.
    pub struct AptListsNotDeleted { program: String }
    code = "DL3009", name = "apt-lists-not-deleted", aliases = [],
    category = Size, severity = Info, fix = Sometimes,
    visits = [Run],
}

impl Violation for AptListsNotDeleted {
    fn message(&self) -> String {
        format!(
            "`{} update` leaves the package lists in the layer",
            self.program
        )
    }

    fn help(&self) -> Option<String> {
        Some("Delete them in the same `RUN`: `rm -rf /var/lib/apt/lists/*`".to_string())
    }
}

const LISTS: &str = "/var/lib/apt/lists";

/// The lists are removed after command `index`.
fn removed_after(script: &Script<'_>, index: usize) -> bool {
    script.removal_after(index, &format!("{LISTS}/*")).is_some()
        || script.invocations_of(&["apt-get", "apt"]).any(|inv| {
            inv.index > index
                && inv
                    .parse_args()
                    .is_some_and(|a| matches!(a.subcommand(), Some("distclean" | "dist-clean")))
        })
}

/// Where `&& rm -rf …` can be appended: after the last command, when it
/// runs at the top level of a plain shell-form script.
fn append_at(run: &RunScript<'_>, inst: &Instruction<'_>) -> Option<u32> {
    if run.form != RunForm::Shell || !inst.effective().heredocs.is_empty() {
        return None;
    }
    let script = run.script.as_ref()?;
    let last = script.commands.last()?;
    let top = script
        .ancestors(last)
        .all(|c| matches!(c.kind, ConstructKind::TopLevel | ConstructKind::Pipeline));
    let background = last.connector_after == Some(crate::semantic::shell::Connector::Background);
    (top && !background && script.errors.is_empty()).then_some(last.range.end)
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = run.script.as_ref() else {
        return;
    };
    let in_image = checker
        .stage()
        .is_none_or(|s| stage_in_image(checker.stages, s.index));
    if run.flags.mount_covering(LISTS).is_some() || !in_image {
        return;
    }
    let mut fix = append_at(run, inst);
    for inv in script.invocations_of(&["apt-get", "apt"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        if args.subcommand() != Some("update") || removed_after(script, inv.index) {
            continue;
        }
        let diagnostic = checker.report(
            AptListsNotDeleted {
                program: inv.program().to_owned(),
            },
            inv.command_range(&args),
        );
        // One fix for the whole `RUN`: it covers every update.
        if let Some(at) = fix.take() {
            diagnostic.with_fix(Fix::unsafe_edits(
                "Append `&& rm -rf /var/lib/apt/lists/*`",
                vec![Edit::insert(at, " && rm -rf /var/lib/apt/lists/*")],
            ));
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
                    "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                    "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /tmp/*\n",
                    "FROM debian\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl\n",
                    "FROM debian\nRUN sudo apt update\n",
                    "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n",
                    "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl\n",
                    "FROM debian AS base\nRUN apt-get update\nFROM base\nRUN echo done\n",
                    "FROM debian\nONBUILD RUN apt-get update\n",
                ],
                good: &[
                    "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
                    "FROM debian\nRUN apt-get update \\\n && apt-get install -y curl \\\n && apt-get clean \\\n && rm -rf /var/lib/apt/lists\n",
                    "FROM debian\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n",
                    "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=target=/var/lib/apt,type=cache apt-get update\n",
                    "FROM debian\nRUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update\n",
                    "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n",
                    "FROM debian\nRUN apt-get update && apt-get install -y curl && apt-get distclean\n",
                    "FROM debian AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian\nCOPY --from=build /out /out\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN apt-get update\n",
                ],
                fixes: &[
                    (
                        "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                        "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
                    ),
                    (
                        "FROM debian\nRUN apt-get update \\\n    && apt-get install -y curl\n",
                        "FROM debian\nRUN apt-get update \\\n    && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
                    ),
                ],
            },
        );
    }
}
