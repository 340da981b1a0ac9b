use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::rpm::{RpmAction, RpmCommand};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `zypper dist-upgrade` (`zypper dup`) in a `RUN`.
    ///
    /// ## Why is this bad?
    /// A distribution upgrade moves every package of the base image to
    /// whatever the repositories hold the day of the build, possibly to a
    /// new release with changed vendors and removed packages. The image no
    /// longer matches its base tag, two builds of one commit differ, and the
    /// layer holds a second copy of most of the system. Pick a newer base
    /// image instead, and install or update the few packages that need it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.5
    /// RUN zypper -n dist-upgrade && zypper clean
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n patch && zypper clean
    /// ```
    ///
    /// ## Differences from hadolint
    /// Commands run through `sudo`, `sh -c` and the like are checked too, as
    /// are `ONBUILD RUN`; a `dup` that is an operand or an option value, not
    /// the subcommand, is not flagged. Scripts for PowerShell or `cmd` are
    /// skipped.
    pub struct ZypperDistUpgrade { command: String }
    code = "DL3035", name = "zypper-dist-upgrade", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for ZypperDistUpgrade {
    fn message(&self) -> String {
        format!(
            "`{}` upgrades every package to whatever the repositories hold at build time",
            self.command
        )
    }

    fn help(&self) -> Option<String> {
        Some("Use a newer base image, or update only the packages that need it".to_string())
    }
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    for cmd in RpmCommand::all_in(script, &["zypper"]) {
        if cmd.action != RpmAction::DistUpgrade {
            continue;
        }
        let Some(word) = cmd.action_word() else {
            continue;
        };
        checker.report(
            ZypperDistUpgrade {
                command: cmd.describe(),
            },
            word.range,
        );
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
                    "FROM opensuse/leap\nRUN zypper -n dist-upgrade\n",
                    "FROM opensuse/leap\nRUN zypper dup -y && zypper -n in curl=8 && zypper clean\n",
                    "FROM opensuse/leap\nRUN sudo zypper --non-interactive --gpg-auto-import-keys dup --allow-vendor-change\n",
                    "FROM opensuse/leap\nRUN <<EOF\nzypper -n ref\nzypper -n dup\nEOF\n",
                    "FROM opensuse/leap\nRUN [\"zypper\", \"-n\", \"dup\"]\n",
                ],
                good: &[
                    "FROM opensuse/leap\nRUN zypper -n patch && zypper clean\n",
                    "FROM opensuse/leap\nRUN zypper -n up curl && zypper clean\n",
                    "FROM opensuse/leap\nRUN zypper -n in dup && zypper clean\n",
                    "FROM opensuse/leap\nRUN echo zypper dup\n",
                    "FROM fedora:40\nRUN dnf -y distro-sync\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN zypper dup\n",
                ],
                fixes: &[],
            },
        );
    }
}
