use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::Fix;
use crate::semantic::shell::rpm::insert_option_after;
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `wget` without `--progress`, and without an option that quiets
    /// or redirects its output (`-q`, `-nv`, `-o FILE`, `-a FILE`).
    ///
    /// ## Why is this bad?
    /// Without a terminal, wget falls back to its "dot" progress display:
    /// a line of dots for every few dozen kilobytes. A large download fills
    /// the build log with thousands of lines that hide the output that
    /// matters. `--progress=dot:giga` prints one line per 32 megabytes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget https://example.com/app.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget --progress=dot:giga https://example.com/app.tar.gz
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--progress=dot:giga` after `wget`. It is unsafe:
    /// the `wget` of `BusyBox` (the one in Alpine and other small images)
    /// does not know the option and fails.
    ///
    /// ## Differences from hadolint
    /// Options are read the way wget reads them: in `-lol`, `-l` (`--level`)
    /// takes `ol` as its value, so there is no `-o` (hadolint splits the
    /// word into `-l -o -l` and accepts it). Commands run through `sudo`,
    /// `xargs`, `sh -c` and the like are checked too, as are `ONBUILD RUN`.
    /// Scripts for PowerShell or `cmd` are skipped.
    pub struct WgetWithoutProgress {}
    code = "DL3047", name = "wget-without-progress", aliases = [],
    category = Style, severity = Info, fix = Always,
    visits = [Run],
}

impl Violation for WgetWithoutProgress {
    fn message(&self) -> String {
        "`wget` without `--progress`: its progress dots flood the build log".to_string()
    }

    fn help(&self) -> Option<String> {
        Some("Add `--progress=dot:giga`, or quiet it with `-q` or `-nv`".to_string())
    }
}

/// Options that quiet wget's progress display or send it elsewhere.
const QUIETING: &[&str] = &[
    "progress",
    "quiet",
    "no-verbose",
    "output-file",
    "append-output",
];

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    for inv in script.invocations_of(&["wget"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        if args.has_any(QUIETING) {
            continue;
        }
        let edit = insert_option_after(run, &inv, inv.name, "--progress=dot:giga");
        checker
            .report(WgetWithoutProgress {}, inv.name.range)
            .with_fix(Fix::unsafe_edits("Add `--progress=dot:giga`", vec![edit]));
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
                    "FROM debian\nRUN wget https://example.com/a.tgz\n",
                    "FROM debian\nRUN wget -O /tmp/a.tgz https://example.com/a.tgz\n",
                    "FROM debian\nRUN wget --show-progress https://example.com/a.tgz\n",
                    "FROM debian\nRUN cd /tmp && sudo wget -c https://example.com/a.tgz\n",
                    "FROM debian\nRUN <<EOF\nset -e\nwget https://example.com/a.tgz\nEOF\n",
                    "FROM debian\nRUN [\"wget\", \"https://example.com/a.tgz\"]\n",
                    "FROM debian\nONBUILD RUN wget https://example.com/a.tgz\n",
                ],
                good: &[
                    "FROM debian\nRUN wget --progress=dot:giga https://example.com/a.tgz\n",
                    "FROM debian\nRUN wget --progress bar:force https://example.com/a.tgz\n",
                    "FROM debian\nRUN wget -q https://example.com/a.tgz\n",
                    "FROM debian\nRUN wget -qO- https://example.com/a.sh | sh\n",
                    "FROM debian\nRUN wget --quiet https://example.com/a.tgz\n",
                    "FROM debian\nRUN wget -nv https://example.com/a.tgz\n",
                    "FROM debian\nRUN wget --no-verbose https://example.com/a.tgz\n",
                    "FROM debian\nRUN wget -o /tmp/log https://example.com/a.tgz\n",
                    "FROM debian\nRUN wget --append-output=/tmp/log https://example.com/a.tgz\n",
                    "FROM debian\nRUN command -v wget && echo wget\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN wget https://example.com/a.tgz\n",
                ],
                fixes: &[
                    (
                        "FROM debian\nRUN wget https://example.com/a.tgz\n",
                        "FROM debian\nRUN wget --progress=dot:giga https://example.com/a.tgz\n",
                    ),
                    (
                        "FROM debian\nRUN [\"wget\", \"https://example.com/a.tgz\"]\n",
                        "FROM debian\nRUN [\"wget\", \"--progress=dot:giga\", \"https://example.com/a.tgz\"]\n",
                    ),
                ],
            },
        );
    }
}
