use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::Fix;
use crate::semantic::shell::rpm::{RpmAction, RpmCommand, insert_option_after};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a `zypper` command that changes packages (`install`/`in`,
    /// `remove`/`rm`, `source-install`/`si`, `patch`, `update`/`up`,
    /// `dist-upgrade`/`dup`, `install-new-recommends`) without
    /// `--non-interactive` (`-n` before the subcommand) or `-y`
    /// (`--no-confirm`) after it.
    ///
    /// ## Why is this bad?
    /// zypper asks for confirmation before changing packages. A build has
    /// no one to answer, so the `RUN` fails or hangs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install httpd=2.4.58 && zypper clean
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install httpd=2.4.58 && zypper clean
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds the global option `-n` after `zypper`. It is safe: the
    /// build could not go on without confirming.
    ///
    /// ## Differences from hadolint
    /// After the subcommand, `-n` means `--name` for `install` and
    /// `remove`, not `--non-interactive`: `zypper install -n httpd` still
    /// asks, so it is flagged here (hadolint accepts `-n` anywhere).
    /// `update`, `dist-upgrade` and `install-new-recommends` ask too and are
    /// checked; so are commands run through `sudo`, `sh -c` and the like,
    /// and `ONBUILD RUN`. Scripts for PowerShell or `cmd` are skipped.
    pub struct ZypperMissingNonInteractive { command: String }
    code = "DL3034", name = "zypper-missing-non-interactive", aliases = [],
    category = Correctness, severity = Warning, fix = Always,
    visits = [Run],
}

impl Violation for ZypperMissingNonInteractive {
    fn message(&self) -> String {
        format!(
            "`{}` without `--non-interactive`: zypper waits for a confirmation no one gives",
            self.command
        )
    }

    fn help(&self) -> Option<String> {
        Some("Add `-n` after `zypper`".to_string())
    }
}

/// Whether the command will not ask: `--non-interactive` anywhere, `-n`
/// before the subcommand, `-y`/`--no-confirm`.
fn non_interactive(cmd: &RpmCommand<'_, '_>) -> bool {
    let sub_start = cmd.args.subcommand.map_or(u32::MAX, |w| w.range.start);
    cmd.args.has("yes")
        || cmd.args.options.iter().any(|o| {
            o.key == "non-interactive"
                && (o.word.is("--non-interactive") || o.word.range.start < sub_start)
        })
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    for cmd in RpmCommand::all_in(script, &["zypper"]) {
        let asks = cmd.action.installs()
            || matches!(
                cmd.action,
                RpmAction::OtherChange | RpmAction::DistUpgrade | RpmAction::Upgrade
            );
        if !asks || non_interactive(&cmd) {
            continue;
        }
        let edit = insert_option_after(run, &cmd.invocation, cmd.invocation.name, "-n");
        checker
            .report(
                ZypperMissingNonInteractive {
                    command: cmd.describe(),
                },
                cmd.command_range(),
            )
            .with_fix(Fix::safe("Add `-n` after `zypper`", vec![edit]));
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
                    "FROM opensuse/leap\nRUN zypper install httpd=2.4.58\n",
                    "FROM opensuse/leap\nRUN zypper in -n httpd=2.4.58\n",
                    "FROM opensuse/leap\nRUN zypper --gpg-auto-import-keys ref && zypper rm vim\n",
                    "FROM opensuse/leap\nRUN zypper patch\n",
                    "FROM opensuse/leap\nRUN zypper si curl\n",
                    "FROM opensuse/leap\nRUN sudo zypper update\n",
                    "FROM opensuse/leap\nRUN [\"zypper\", \"in\", \"curl=8\"]\n",
                    "FROM opensuse/leap\nRUN <<EOF\nzypper in curl=8\nEOF\n",
                ],
                good: &[
                    "FROM opensuse/leap\nRUN zypper -n install httpd=2.4.58\n",
                    "FROM opensuse/leap\nRUN zypper --non-interactive install httpd=2.4.58\n",
                    "FROM opensuse/leap\nRUN zypper install --non-interactive httpd=2.4.58\n",
                    "FROM opensuse/leap\nRUN zypper install -y httpd=2.4.58\n",
                    "FROM opensuse/leap\nRUN zypper install --no-confirm httpd=2.4.58\n",
                    "FROM opensuse/leap\nRUN zypper -q -n --gpg-auto-import-keys in -l curl=8\n",
                    "FROM opensuse/leap\nRUN zypper ref && zypper search curl && zypper clean -a\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN zypper install x\n",
                ],
                fixes: &[
                    (
                        "FROM opensuse/leap\nRUN zypper install httpd=2.4.58\n",
                        "FROM opensuse/leap\nRUN zypper -n install httpd=2.4.58\n",
                    ),
                    (
                        "FROM opensuse/leap\nRUN [\"zypper\", \"in\", \"curl=8\"]\n",
                        "FROM opensuse/leap\nRUN [\"zypper\", \"-n\", \"in\", \"curl=8\"]\n",
                    ),
                ],
            },
        );
    }
}
