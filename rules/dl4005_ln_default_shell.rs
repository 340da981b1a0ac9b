use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that replaces `/bin/sh` with a symbolic link
    /// (`ln -sf /bin/bash /bin/sh`) to change the shell later `RUN`s use.
    ///
    /// ## Why is this bad?
    /// Relinking `/bin/sh` changes the shell of every program in the image
    /// that runs `/bin/sh`, not only of the Dockerfile, and hides the choice
    /// in a `RUN`. `SHELL` changes the shell of the later instructions of
    /// the stage, says so where it is read, and leaves the image alone.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN ln -sf /bin/bash /bin/sh
    /// RUN echo "${PATH//:/ }"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-c"]
    /// RUN echo "${PATH//:/ }"
    /// ```
    ///
    /// Any `ln` (also through `sudo`) with `/bin/sh` among its arguments is
    /// reported, at that argument. Scripts for PowerShell or `cmd` are not
    /// checked.
    ///
    /// ## Differences from hadolint
    /// hadolint compares the command name as written, so it misses
    /// `/busybox/ln … /bin/sh` and `sudo ln … /bin/sh`; layerlint compares
    /// the program's base name, seen through wrappers.
    pub struct LnDefaultShell {}
    code = "DL4005", name = "ln-default-shell", aliases = [],
    category = Maintainability, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for LnDefaultShell {
    fn message(&self) -> String {
        "`ln` replaces `/bin/sh`, the shell of every program in the image".to_string()
    }

    fn help(&self) -> Option<String> {
        Some("Use `SHELL` to change the default shell".to_string())
    }
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    let targets: Vec<_> = script
        .invocations_of(&["ln"])
        .filter_map(|inv| inv.args.iter().find(|a| a.is("/bin/sh")).map(|a| a.range))
        .collect();
    for range in targets {
        checker.report(LnDefaultShell {}, range);
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
                    "FROM debian\nRUN ln -sf /bin/bash /bin/sh\n",
                    "FROM debian\nRUN rm /bin/sh && ln -s /bin/bash /bin/sh\n",
                    "FROM debian\nRUN sudo ln -sf bash /bin/sh\n",
                    "FROM debian\nRUN [\"ln\", \"-sf\", \"/bin/bash\", \"/bin/sh\"]\n",
                    "FROM debian\nRUN --mount=type=tmpfs,target=/tmp ln -sf /bin/bash /bin/sh\n",
                ],
                good: &[
                    "FROM debian\nSHELL [\"/bin/bash\", \"-c\"]\nRUN echo hi\n",
                    "FROM debian\nRUN ln -s /usr/bin/python3 /usr/bin/python\n",
                    "FROM debian\nRUN echo /bin/sh\n",
                    "FROM debian\nRUN ln -sf /bin/bash /bin/sh.bak\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN ln -sf /bin/bash /bin/sh\n",
                ],
                fixes: &[],
            },
        );
    }
}
