use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::Fix;
use crate::semantic::shell::rpm::{RpmCommand, YUM_PROGRAMS, insert_option_after};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a `yum install` (also `groupinstall`, `localinstall`,
    /// `reinstall`, `group install`, `module install`) without `-y`.
    ///
    /// ## Why is this bad?
    /// Without `-y` (`--assumeyes`), yum asks for confirmation. A build has
    /// no one to answer: yum reads end of input, aborts the transaction and
    /// the `RUN` fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `-y` after the subcommand. It is safe: the build could
    /// not go on without confirming.
    ///
    /// ## Differences from hadolint
    /// Commands run through `sudo`, `env`, `xargs`, `sh -c` and the like are
    /// checked too, as are `reinstall`, `group install` and `ONBUILD RUN`.
    /// A word that only contains `install` as an option value is not taken
    /// for the subcommand. Scripts for PowerShell or `cmd` are skipped.
    pub struct YumMissingYes { command: String }
    code = "DL3030", name = "yum-missing-yes", aliases = [],
    category = Correctness, severity = Warning, fix = Always,
    visits = [Run],
}

impl Violation for YumMissingYes {
    fn message(&self) -> String {
        format!(
            "`{}` without `-y`: yum waits for a confirmation no one gives",
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
    for cmd in RpmCommand::all_in(script, YUM_PROGRAMS) {
        if !cmd.action.installs() || cmd.args.has("yes") {
            continue;
        }
        let Some(word) = cmd.action_word() else {
            continue;
        };
        let edit = insert_option_after(run, &cmd.invocation, word, "-y");
        checker
            .report(
                YumMissingYes {
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
                    "FROM centos:7\nRUN yum install httpd-2.4.6\n",
                    "FROM centos:7\nRUN yum groupinstall 'Development Tools'\n",
                    "FROM centos:7\nRUN yum localinstall /tmp/x.rpm\n",
                    "FROM centos:7\nRUN sudo yum --enablerepo=epel install jq-1.6\n",
                    "FROM centos:7\nRUN yum -q group install 'Development Tools'\n",
                    "FROM centos:7\nRUN [\"yum\", \"install\", \"x-1\"]\n",
                    "FROM centos:7\nRUN <<EOF\nset -e\nyum install x-1\nEOF\n",
                    "FROM centos:7\nRUN --mount=type=cache,target=/var/cache/yum yum install \\\n    x-1\n",
                    "FROM centos:7\nONBUILD RUN yum install x-1\n",
                ],
                good: &[
                    "FROM centos:7\nRUN yum install -y httpd-2.4.6\n",
                    "FROM centos:7\nRUN yum -y install httpd-2.4.6\n",
                    "FROM centos:7\nRUN yum install --assumeyes httpd-2.4.6\n",
                    "FROM centos:7\nRUN yum install -qy httpd-2.4.6\n",
                    "FROM centos:7\nRUN yum update && yum -y upgrade\n",
                    "FROM centos:7\nRUN yum --setopt=install -y install x-1\n",
                    "FROM centos:7\nRUN dnf install x-1\n",
                    "FROM centos:7\nRUN echo yum install x\n",
                    "FROM centos:7\nRUN <<EOF\nyum install -y x-1\nEOF\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN yum install x\n",
                ],
                fixes: &[
                    (
                        "FROM centos:7\nRUN yum install httpd-2.4.6\n",
                        "FROM centos:7\nRUN yum install -y httpd-2.4.6\n",
                    ),
                    (
                        "FROM centos:7\nRUN yum -q group install 'Development Tools'\n",
                        "FROM centos:7\nRUN yum -q group install -y 'Development Tools'\n",
                    ),
                    (
                        "FROM centos:7\nRUN [\"yum\", \"install\", \"x-1\"]\n",
                        "FROM centos:7\nRUN [\"yum\", \"install\", \"-y\", \"x-1\"]\n",
                    ),
                    (
                        "FROM centos:7\nRUN [\"/bin/sh\", \"-c\", \"yum install x-1\"]\n",
                        "FROM centos:7\nRUN [\"/bin/sh\", \"-c\", \"yum install -y x-1\"]\n",
                    ),
                ],
            },
        );
    }
}
