use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags a stage whose `RUN`s use both `curl` and `wget`: every `RUN`
    /// that uses either, from the one where the second tool appears on.
    ///
    /// ## Why is this bad?
    /// Both download files. Needing both means two tools (and their
    /// libraries) in the image or the build, and two sets of options to get
    /// right for retries, redirects and certificate checks. One is enough.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget -q https://example.com/a.tar.gz
    /// RUN curl -fsSLO https://example.com/b.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLO https://example.com/a.tar.gz
    /// RUN curl -fsSLO https://example.com/b.tar.gz
    /// ```
    ///
    /// Each stage is judged on its own, as are the `ONBUILD RUN`s (they run
    /// in another build). Only commands that run `curl` or `wget` count, not
    /// mentions such as `apt-get install curl` or `command -v wget`.
    ///
    /// ## Differences from hadolint
    /// Commands run through `sudo`, `xargs`, `sh -c`, `su -c` and the like
    /// count too, and so do commands in scripts that ShellCheck (which
    /// hadolint uses) cannot parse.
    /// The finding points at the first `curl` or `wget` of the `RUN`, and
    /// notes where the other tool was first used. Scripts for PowerShell or
    /// `cmd` are skipped.
    pub struct CurlAndWget { tool: String, other: String }
    code = "DL4001", name = "curl-and-wget", aliases = [],
    category = Maintainability, severity = Warning, fix = None,
    visits = file,
}

impl Violation for CurlAndWget {
    fn message(&self) -> String {
        format!(
            "`{}` is used here and `{}` elsewhere in the stage: use one of them",
            self.tool, self.other
        )
    }

    fn help(&self) -> Option<String> {
        Some("Use either `curl` or `wget` throughout the stage".to_string())
    }
}

/// The first use of each tool in a stage (or its `ONBUILD` triggers).
#[derive(Default)]
struct Seen {
    curl: Option<TextRange>,
    wget: Option<TextRange>,
}

fn check(checker: &mut Checker) {
    let shell = checker.shell();
    let file = checker.file;
    let mut current: Option<usize> = None;
    let mut seen = Seen::default();
    let mut onbuild = Seen::default();
    for (index, run) in shell.runs() {
        let here = checker.stages.stage_of.get(index).copied().flatten();
        if here != current {
            current = here;
            seen = Seen::default();
            onbuild = Seen::default();
        }
        let Some(script) = &run.script else {
            continue;
        };
        let uses: Vec<(&str, TextRange)> = script
            .invocations_of(&["curl", "wget"])
            .map(|inv| {
                (
                    if inv.program() == "curl" {
                        "curl"
                    } else {
                        "wget"
                    },
                    inv.name.range,
                )
            })
            .collect();
        let Some(&(tool, range)) = uses.first() else {
            continue;
        };
        let state = match file.instructions.get(index) {
            Some(inst) if inst.kind == Keyword::Onbuild => &mut onbuild,
            _ => &mut seen,
        };
        for &(name, at) in &uses {
            let slot = if name == "curl" {
                &mut state.curl
            } else {
                &mut state.wget
            };
            slot.get_or_insert(at);
        }
        let (Some(curl), Some(wget)) = (state.curl, state.wget) else {
            continue;
        };
        let (other, other_at) = if tool == "curl" {
            ("wget", wget)
        } else {
            ("curl", curl)
        };
        checker
            .report(
                CurlAndWget {
                    tool: tool.to_string(),
                    other: other.to_string(),
                },
                range,
            )
            .with_related(other_at, format!("`{other}` is first used here"));
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
                    "FROM debian\nRUN wget -q https://x/a\nRUN curl -fsSLO https://x/b\n",
                    "FROM debian\nRUN curl -fsSLO https://x/a && wget -q https://x/b\n",
                    "FROM debian\nRUN wget -q https://x/a\nRUN echo hi\nRUN curl -fsSLO https://x/b\nRUN wget -q https://x/c\n",
                    "FROM debian\nRUN <<EOF\ncurl -fsSLO https://x/a\nEOF\nRUN [\"wget\", \"-q\", \"https://x/b\"]\n",
                    "FROM debian\nRUN sudo curl -fsSLO https://x/a | sh -c 'wget -q https://x/b'\n",
                    "FROM debian\nONBUILD RUN curl -fsSLO https://x/a\nONBUILD RUN wget -q https://x/b\n",
                ],
                good: &[
                    "FROM debian\nRUN curl -fsSLO https://x/a\nRUN curl -fsSLO https://x/b\n",
                    "FROM debian AS a\nRUN wget -q https://x/a\nFROM debian AS b\nRUN curl -fsSLO https://x/b\n",
                    "FROM debian\nRUN apt-get install -y curl wget && curl -fsSLO https://x/a\n",
                    "FROM debian\nRUN command -v wget || curl -fsSLO https://x/a\n",
                    "FROM debian\nRUN wget -q https://x/a\nONBUILD RUN curl -fsSLO https://x/b\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN curl.exe -o a https://x/a; wget https://x/b\n",
                ],
                fixes: &[],
            },
        );
    }
}
