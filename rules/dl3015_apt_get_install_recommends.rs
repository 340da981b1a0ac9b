use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::shell::programs::ParsedArgs;
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` (or `apt install`) without
    /// `--no-install-recommends`.
    ///
    /// ## Why is this bad?
    /// By default apt also installs every package the requested ones
    /// *recommend*: documentation, optional tools, sometimes whole desktop
    /// stacks. They make the image larger and add attack surface, and the
    /// image rarely needs them; the packages it does need can be named.
    ///
    /// `--no-install-recommends` and `-o APT::Install-Recommends=false`
    /// both turn recommendations off.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--no-install-recommends` after `install`. It is unsafe:
    /// the image may rely on a recommended package, which then has to be
    /// named.
    ///
    /// ## Differences from hadolint
    /// Commands are found through wrappers (`sudo`, `env`…), inside
    /// `sh -c '…'` and in heredoc scripts, and `apt install` is checked too.
    /// `-o APT::Install-Recommends=0` (or `no`, in any case) is accepted
    /// like `=false`.
    pub struct AptGetInstallRecommends { program: String }
    code = "DL3015", name = "apt-get-install-recommends", aliases = [],
    category = Size, severity = Info, fix = Sometimes,
    visits = [Run],
}

impl Violation for AptGetInstallRecommends {
    fn message(&self) -> String {
        format!(
            "`{} install` without `--no-install-recommends` also installs recommended packages",
            self.program
        )
    }

    fn help(&self) -> Option<String> {
        Some("Add `--no-install-recommends`".to_string())
    }
}

fn skips_recommends(args: &ParsedArgs<'_, '_>) -> bool {
    args.has("no-install-recommends")
        || args.values("option").any(|o| {
            o.split_once('=').is_some_and(|(k, v)| {
                k.eq_ignore_ascii_case("APT::Install-Recommends")
                    && matches!(
                        v.trim_matches('"').to_ascii_lowercase().as_str(),
                        "false" | "0" | "no" | "off"
                    )
            })
        })
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
        if !args.is_install() || skips_recommends(&args) {
            continue;
        }
        let diagnostic = checker.report(
            AptGetInstallRecommends {
                program: inv.program().to_owned(),
            },
            inv.command_range(&args),
        );
        if let Some(sub) = args.subcommand.filter(|w| !w.has_quotes()) {
            diagnostic.with_fix(Fix::unsafe_edits(
                "Add `--no-install-recommends`",
                vec![Edit::insert(sub.range.end, " --no-install-recommends")],
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
                    "FROM debian\nRUN apt-get install -y curl\n",
                    "FROM debian\nRUN sudo apt install -y curl\n",
                    "FROM debian\nRUN <<EOF\napt-get install -y curl\nEOF\n",
                    "FROM debian\nRUN [\"apt-get\", \"install\", \"-y\", \"curl\"]\n",
                    "FROM debian\nRUN apt-get -o APT::Install-Recommends=true install -y curl\n",
                ],
                good: &[
                    "FROM debian\nRUN apt-get install -y --no-install-recommends curl\n",
                    "FROM debian\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n",
                    "FROM debian\nRUN apt-get install -y -oAPT::Install-Recommends=0 curl\n",
                    "FROM debian\nRUN apt-get update && apt-get upgrade -y\n",
                    "FROM debian\nRUN --mount=type=cache,sharing=locked,target=/var/cache/apt <<EOF\napt-get install -y --no-install-recommends curl\nEOF\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN apt-get install curl\n",
                ],
                fixes: &[(
                    "FROM debian\nRUN apt-get install -y curl\n",
                    "FROM debian\nRUN apt-get install --no-install-recommends -y curl\n",
                )],
            },
        );
    }
}
