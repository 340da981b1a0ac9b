use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `cd` in a `RUN`.
    ///
    /// ## Why is this bad?
    /// A `cd` lasts only until the end of its `RUN`: the next instruction
    /// starts in the `WORKDIR` again, which surprises readers, and long
    /// `cd a && … && cd ../b` chains are hard to follow. `WORKDIR` sets the
    /// directory for every later instruction and creates it if needed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22
    /// RUN cd /src && go build ./...
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22
    /// WORKDIR /src
    /// RUN go build ./...
    /// ```
    ///
    /// Every `cd` the script runs is reported at the `cd` word, also inside
    /// subshells (`(cd x && make)`) and `sh -c '…'`.
    ///
    /// ## Differences from hadolint
    /// hadolint reads the text of `sh -c '…'` as one string; layerlint parses
    /// the script it runs, so a `cd` in it is found too. hadolint also reads
    /// the `RUN`s of Windows stages (`cmd`, PowerShell) as POSIX scripts and
    /// flags their `cd`; layerlint does not check scripts for those shells.
    pub struct CdInsteadOfWorkdir { directory: Option<String> }
    code = "DL3003", name = "cd-instead-of-workdir", aliases = [],
    category = Maintainability, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for CdInsteadOfWorkdir {
    fn message(&self) -> String {
        match &self.directory {
            Some(dir) => format!("`cd {dir}` changes directory for this `RUN` only"),
            None => "`cd` changes directory for this `RUN` only".to_string(),
        }
    }

    fn help(&self) -> Option<String> {
        Some("Use `WORKDIR` to switch to a directory".to_string())
    }
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    for command in script.commands_named("cd") {
        let Some(name) = &command.name else {
            continue;
        };
        let directory = command
            .args
            .iter()
            .find(|a| !a.value.starts_with('-'))
            .map(|a| a.raw.to_string());
        checker.report(CdInsteadOfWorkdir { directory }, name.range);
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
                    "FROM alpine\nRUN cd /usr/src/app && make\n",
                    "FROM alpine\nRUN make -C a && (cd b && make)\n",
                    "FROM alpine\nRUN cd\n",
                    "FROM alpine\nRUN for d in a b; do cd \"$d\"; make; cd ..; done\n",
                    "FROM alpine\nRUN sh -c 'cd /tmp && ls'\n",
                    "FROM alpine\nRUN <<EOF\ncd /tmp\nmake\nEOF\n",
                    "FROM alpine\nRUN --mount=type=bind,source=.,target=/src cd /src && make\n",
                    "FROM alpine\nRUN --mount=target=/src,type=bind,source=. cd /src && make\n",
                ],
                good: &[
                    "FROM alpine\nWORKDIR /usr/src/app\nRUN make\n",
                    "FROM alpine\nRUN echo cd && git -C /src pull\n",
                    "FROM alpine\nRUN make -C /src\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN cd C:\\\\app; dir\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN cd C:\\\\app && dir\n",
                    "FROM alpine\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nos.chdir('/tmp')\nEOF\n",
                ],
                fixes: &[],
            },
        );
    }
}
