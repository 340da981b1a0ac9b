use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::shell::programs::ParsedArgs;
use crate::semantic::shell::{Command, Connector, Script};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` (or `apt install`) without `-y`.
    ///
    /// ## Why is this bad?
    /// A build has no terminal to answer apt's "Do you want to continue?".
    /// Without `-y` apt-get gives up whenever it would ask, typically as
    /// soon as the packages pull in a dependency, and the build fails.
    ///
    /// `-y`, `--yes`, `--assume-yes`, `-qq` (which implies `-y`) and
    /// `-o APT::Get::Assume-Yes=true` all answer yes, and so does piping
    /// `yes` into the command.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `-y` after `install`. It is safe: without a terminal,
    /// apt-get can only go on where it needs no answer, and aborts where it
    /// would ask, so `-y` changes only builds that fail.
    ///
    /// ## Differences from hadolint
    /// hadolint accepts a single `-q`; apt-get answers prompts by itself
    /// only from `-qq` on, so layerlint flags `apt-get -q install`.
    /// Commands are found through wrappers (`sudo`, `env`…), inside
    /// `sh -c '…'` and in heredoc scripts, and `apt install` is checked too.
    pub struct AptGetMissingYes { program: String }
    code = "DL3014", name = "apt-get-missing-yes", aliases = [],
    category = Correctness, severity = Warning, fix = Sometimes,
    visits = [Run],
}

impl Violation for AptGetMissingYes {
    fn message(&self) -> String {
        format!(
            "`{} install` without `-y` fails when it needs an answer",
            self.program
        )
    }

    fn help(&self) -> Option<String> {
        Some("Add `-y`".to_string())
    }
}

/// The command answers apt's questions.
fn assumes_yes(args: &ParsedArgs<'_, '_>) -> bool {
    args.has("yes")
        || args.count("quiet") >= 2
        || args.values("option").any(|o| {
            o.split_once('=').is_some_and(|(k, v)| {
                k.eq_ignore_ascii_case("APT::Get::Assume-Yes")
                    && matches!(v.to_ascii_lowercase().as_str(), "true" | "yes" | "1")
            })
        })
}

/// `yes | apt-get install …`
fn fed_by_yes(script: &Script<'_>, index: usize, command: &Command<'_>) -> bool {
    command.connector_before == Some(Connector::Pipe)
        && index
            .checked_sub(1)
            .and_then(|i| script.commands.get(i))
            .is_some_and(|c| c.program() == Some("yes"))
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(script) = checker
        .shell()
        .run(checker.instruction_index())
        .and_then(|run| run.script.as_ref())
    else {
        return;
    };
    for inv in script.invocations_of(&["apt-get", "apt"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        if !args.is_install() || assumes_yes(&args) || fed_by_yes(script, inv.index, inv.command) {
            continue;
        }
        let diagnostic = checker.report(
            AptGetMissingYes {
                program: inv.program().to_owned(),
            },
            inv.command_range(&args),
        );
        if let Some(sub) = args.subcommand.filter(|w| !w.has_quotes()) {
            diagnostic.with_fix(Fix::safe(
                "Add `-y`",
                vec![Edit::insert(sub.range.end, " -y")],
            ));
        }
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
                    "FROM debian\nRUN apt-get install curl\n",
                    "FROM debian\nRUN apt-get -q install curl\n",
                    "FROM debian\nRUN sudo apt install curl\n",
                    "FROM debian\nRUN <<EOF\napt-get update\napt-get install curl\nEOF\n",
                    "FROM debian\nRUN [\"apt-get\", \"install\", \"curl\"]\n",
                    "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt \\\n    apt-get install \\\n    curl\n",
                ],
                good: &[
                    "FROM debian\nRUN apt-get install -y curl\n",
                    "FROM debian\nRUN apt-get -yq install curl\n",
                    "FROM debian\nRUN apt-get -qq install curl\n",
                    "FROM debian\nRUN apt-get install --assume-yes curl\n",
                    "FROM debian\nRUN apt-get -o APT::Get::Assume-Yes=true install curl\n",
                    "FROM debian\nRUN yes | apt-get install curl\n",
                    "FROM debian\nRUN apt-get update\n",
                    "FROM debian\nRUN <<EOF\napt-get install --yes curl\nEOF\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"pwsh\", \"-Command\"]\nRUN apt-get install curl\n",
                ],
                fixes: &[
                    (
                        "FROM debian\nRUN apt-get install curl\n",
                        "FROM debian\nRUN apt-get install -y curl\n",
                    ),
                    (
                        "FROM debian\nRUN sh -c 'apt-get update && apt install curl'\n",
                        "FROM debian\nRUN sh -c 'apt-get update && apt install -y curl'\n",
                    ),
                ],
            },
        );
    }
}
