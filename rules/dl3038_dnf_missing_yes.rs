use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::Fix;
use crate::semantic::shell::rpm::{DNF_PROGRAMS, RpmCommand, insert_option_after};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a `dnf install` or `microdnf install` (also `groupinstall`,
    /// `localinstall`, `reinstall`, `group install`, `module install`)
    /// without `-y`.
    ///
    /// ## Why is this bad?
    /// Without `-y` (`--assumeyes`), dnf asks for confirmation. A build has
    /// no one to answer: dnf reads end of input, aborts the transaction and
    /// the `RUN` fails. microdnf does not ask, but accepts `-y`; as in
    /// hadolint it is held to the same rule, so that the command reads the
    /// same whichever tool runs it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `-y` after the subcommand. It is safe: the build could
    /// not go on without confirming.
    ///
    /// ## Differences from hadolint
    /// Commands run through `sudo`, `env`, `xargs`, `sh -c` and the like are
    /// checked too, as are `dnf5` and `reinstall`. A word that only contains
    /// `install` as an option value is not taken for the subcommand.
    /// Scripts for PowerShell or `cmd` are skipped.
    pub struct DnfMissingYes { command: String }
    code = "DL3038", name = "dnf-missing-yes", aliases = [],
    category = Correctness, severity = Warning, fix = Always,
    visits = [Run],
}

impl Violation for DnfMissingYes {
    fn message(&self) -> String {
        format!(
            "`{}` without `-y`: the build cannot answer a confirmation prompt",
            self.command
        )
    }

    fn help(&self) -> Option<String> {
        Some("Add `-y`".to_string())
    }
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    for cmd in RpmCommand::all_in(script, DNF_PROGRAMS) {
        if !cmd.action.installs() || cmd.args.has("yes") {
            continue;
        }
        let Some(word) = cmd.action_word() else {
            continue;
        };
        let edit = insert_option_after(run, &cmd.invocation, word, "-y");
        checker
            .report(
                DnfMissingYes {
                    command: cmd.describe(),
                },
                cmd.command_range(),
            )
            .with_fix(Fix::safe("Add `-y`", vec![edit]));
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
                    "FROM fedora:40\nRUN dnf install httpd-2.4.62\n",
                    "FROM ubi9/ubi-minimal\nRUN microdnf install httpd-2.4.62\n",
                    "FROM fedora:40\nRUN dnf group install 'Development Tools'\n",
                    "FROM fedora:40\nRUN dnf module install nodejs:20\n",
                    "FROM fedora:40\nRUN sudo -E dnf --setopt=tsflags=nodocs install x-1\n",
                    "FROM fedora:40\nRUN [\"dnf\", \"install\", \"x-1\"]\n",
                    "FROM fedora:40\nRUN <<EOF\ndnf install x-1\nEOF\n",
                    "FROM fedora:40\nRUN --mount=target=/var/cache/dnf,type=cache dnf install x-1\n",
                    "FROM fedora:40\nONBUILD RUN dnf5 install x-1\n",
                ],
                good: &[
                    "FROM fedora:40\nRUN dnf install -y httpd-2.4.62\n",
                    "FROM fedora:40\nRUN dnf -y install httpd-2.4.62\n",
                    "FROM fedora:40\nRUN dnf --assumeyes module install nodejs:20\n",
                    "FROM ubi9/ubi-minimal\nRUN microdnf install -y x-1 && microdnf clean all\n",
                    "FROM fedora:40\nRUN dnf upgrade --refresh && dnf makecache\n",
                    "FROM fedora:40\nRUN yum install x-1\n",
                    "FROM fedora:40\nRUN command -v dnf\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN dnf install x\n",
                ],
                fixes: &[
                    (
                        "FROM fedora:40\nRUN dnf install httpd-2.4.62\n",
                        "FROM fedora:40\nRUN dnf install -y httpd-2.4.62\n",
                    ),
                    (
                        "FROM fedora:40\nRUN dnf module install nodejs:20 \\\n && dnf clean all\n",
                        "FROM fedora:40\nRUN dnf module install -y nodejs:20 \\\n && dnf clean all\n",
                    ),
                    (
                        "FROM fedora:40\nRUN <<EOF\ndnf install x-1\nEOF\n",
                        "FROM fedora:40\nRUN <<EOF\ndnf install -y x-1\nEOF\n",
                    ),
                ],
            },
        );
    }
}
