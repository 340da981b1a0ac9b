use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::Invocation;
use crate::semantic::shell::dialect::program_basename;
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `sudo` in a `RUN`.
    ///
    /// ## Why is this bad?
    /// `RUN` already runs as the user set by `USER` (root unless changed), so
    /// `sudo` is either pointless or works around a `USER` switch. It needs a
    /// TTY or a sudoers entry to behave, passes the environment on only
    /// partly, and leaves the image with a setuid binary and a privilege
    /// escalation path. Switch users with `USER`, and in an entrypoint with a
    /// tool such as `gosu` or `su-exec`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// USER app
    /// RUN sudo apt-get update
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// USER app
    /// ```
    ///
    /// Every `sudo` the script runs is reported, also inside `sh -c '…'`,
    /// subshells and command substitutions, and in exec form. Scripts for
    /// PowerShell or `cmd` are not checked.
    pub struct RunWithSudo { command: String }
    code = "DL3004", name = "run-with-sudo", aliases = [],
    category = Security, severity = Error, fix = None,
    visits = [Run],
}

impl Violation for RunWithSudo {
    fn message(&self) -> String {
        format!(
            "`{}` in `RUN`: the step already runs as the current `USER`",
            self.command
        )
    }

    fn help(&self) -> Option<String> {
        Some("Drop `sudo`; switch users with `USER`, or `gosu` at run time".to_string())
    }
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    let mut found = Vec::new();
    for (i, command) in script.commands.iter().enumerate() {
        if command.program() == Some("sudo") {
            if let Some(name) = &command.name {
                found.push(name.range);
            }
            continue;
        }
        if let Some(invocation) = Invocation::of(i, command) {
            found.extend(
                invocation
                    .wrappers
                    .iter()
                    .filter(|w| w.static_value().map(program_basename) == Some("sudo"))
                    .map(|w| w.range),
            );
        }
    }
    for range in found {
        let command = range.slice(checker.source()).to_string();
        checker.report(RunWithSudo { command }, range);
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
                    "FROM debian\nRUN sudo apt-get install -y curl\n",
                    "FROM debian\nRUN apt-get update && /usr/bin/sudo -u app make\n",
                    "FROM debian\nRUN [\"sudo\", \"make\", \"install\"]\n",
                    "FROM debian\nRUN sh -c 'sudo make install'\n",
                    "FROM debian\nRUN env HOME=/root sudo make\n",
                    "FROM debian\nONBUILD RUN sudo make\n",
                    "FROM debian\nRUN <<EOF\nset -e\nsudo make\nEOF\n",
                    "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt --network=none sudo make\n",
                    "FROM debian\nRUN --network=none --mount=target=/var/cache/apt,type=cache sudo make\n",
                ],
                good: &[
                    "FROM debian\nRUN apt-get install -y sudo\n",
                    "FROM debian\nRUN echo sudo && command -v sudo\n",
                    "FROM debian\nRUN echo 'app ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/app\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN sudo make\n",
                    "FROM debian\nRUN <<EOF\n#!/usr/bin/env python3\nimport os; os.system('sudo ls')\nEOF\n",
                ],
                fixes: &[],
            },
        );
    }
}
