use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags commands in a `RUN` that make no sense while an image is built:
    /// `ssh`, `vim`, `nano`, `shutdown`, `service`, `ps`, `free`, `top`,
    /// `kill`, `mount` and `ifconfig`.
    ///
    /// ## Why is this bad?
    /// A build step runs once, without a terminal or running services, and
    /// only its file changes are kept. Editors wait for input that never
    /// comes, `service … start` starts a daemon that is gone in the next
    /// step, `ps`, `top`, `free` and `ifconfig` describe the build sandbox
    /// rather than the container, and `shutdown`, `kill` or `mount` act on a
    /// machine the image will not run on. Such a command is usually meant
    /// for the container's entrypoint, or was left over from an interactive
    /// session.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN service nginx start
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// Each such command is reported at its name, also behind wrappers such
    /// as `sudo` or `xargs`. Installing the packages (`apt-get install vim`)
    /// is not flagged.
    ///
    /// ## Differences from hadolint
    /// hadolint's list lacks `ifconfig` and `nano` (its message names
    /// `ifconfig`); layerlint flags both. hadolint looks only at the first
    /// word of each command, so it misses `sudo service …`; layerlint sees
    /// through `sudo`, `env`, `xargs` and other wrappers.
    pub struct PointlessCommand { program: String }
    code = "DL3001", name = "pointless-command", aliases = [],
    category = Maintainability, severity = Info, fix = None,
    visits = [Run],
}

impl Violation for PointlessCommand {
    fn message(&self) -> String {
        format!("`{}` makes no sense while an image is built", self.program)
    }

    fn help(&self) -> Option<String> {
        Some("Remove it, or run it from the container's entrypoint".to_string())
    }
}

/// Programs that act on a running machine or wait for a person.
const POINTLESS: [&str; 11] = [
    "free", "ifconfig", "kill", "mount", "nano", "ps", "service", "shutdown", "ssh", "top", "vim",
];

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    let found: Vec<_> = script
        .invocations_of(&POINTLESS)
        .map(|inv| (inv.program().to_owned(), inv.name.range))
        .collect();
    for (program, range) in found {
        checker.report(PointlessCommand { program }, range);
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
                    "FROM debian\nRUN service ssh start\n",
                    "FROM debian\nRUN apt-get update && sudo service mysql start && mysql < /x.sql\n",
                    "FROM debian\nRUN ps aux | grep nginx\n",
                    "FROM debian\nRUN vim /etc/hosts\n",
                    "FROM debian\nRUN /sbin/ifconfig\n",
                    "FROM debian\nRUN ssh-keyscan github.com >> k && ssh -T git@github.com\n",
                    "FROM debian\nRUN [\"/usr/bin/top\", \"-b\", \"-n1\"]\n",
                    "FROM debian\nRUN --mount=type=ssh,id=default ssh git@example.com\n",
                ],
                good: &[
                    "FROM debian\nRUN apt-get install -y vim openssh-client procps\n",
                    "FROM debian\nRUN ssh-keygen -A && mkdir -p /run/sshd\n",
                    "FROM debian\nRUN command -v ps\n",
                    "FROM debian\nRUN echo kill mount\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN ps | kill\n",
                    "FROM debian\nRUN <<EOF\n#!/usr/bin/python3\nprint('ps')\nEOF\n",
                ],
                fixes: &[],
            },
        );
    }
}
