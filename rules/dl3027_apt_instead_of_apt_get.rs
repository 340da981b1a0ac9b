use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `apt` in a `RUN`: scripts should use `apt-get` or `apt-cache`.
    ///
    /// ## Why is this bad?
    /// `apt` is the command-line tool for people at a terminal. Its output
    /// and behaviour may change between releases, and it warns that it
    /// "does not have a stable CLI interface" when its output is not a
    /// terminal. `apt-get` and `apt-cache` are meant for scripts.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt update && apt install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix safety
    /// For the subcommands `apt-get` has under the same name (`install`,
    /// `update`, `remove`, `purge`, `autoremove`, `clean`…), the fix
    /// replaces `apt` with `apt-get`. It is safe for all but `upgrade` and
    /// `dist-upgrade`, where it is unsafe: `apt upgrade` installs new
    /// dependencies that `apt-get upgrade` holds back. Others (`search`,
    /// `show`, `list`, `full-upgrade`) get no fix.
    ///
    /// ## Differences from hadolint
    /// The finding points at each `apt` command rather than at the whole
    /// `RUN`. Commands are found through wrappers (`sudo`, `env`…), with a
    /// path (`/usr/bin/apt`), inside `sh -c '…'` and in heredoc scripts.
    pub struct AptInsteadOfAptGet {}
    code = "DL3027", name = "apt-instead-of-apt-get", aliases = [],
    category = Maintainability, severity = Warning, fix = Sometimes,
    visits = [Run],
}

impl Violation for AptInsteadOfAptGet {
    fn message(&self) -> String {
        "`apt` is meant for terminals; scripts should use `apt-get` or `apt-cache`".to_string()
    }

    fn help(&self) -> Option<String> {
        Some("Use `apt-get` or `apt-cache`".to_string())
    }
}

/// Subcommands `apt-get` has with the same meaning.
const SAME: &[&str] = &[
    "install",
    "update",
    "remove",
    "purge",
    "autoremove",
    "autoclean",
    "clean",
    "source",
    "build-dep",
    "download",
    "satisfy",
    "check",
    "changelog",
];

/// Subcommands `apt-get` has with a narrower meaning.
const NARROWER: &[&str] = &["upgrade", "dist-upgrade"];

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(script) = checker
        .shell()
        .run(checker.instruction_index())
        .and_then(|run| run.script.as_ref())
    else {
        return;
    };
    for inv in script.invocations_of(&["apt"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        let diagnostic = checker.report(AptInsteadOfAptGet {}, inv.name.range);
        let (Some(name), false) = (inv.name.static_value(), inv.name.has_quotes()) else {
            continue;
        };
        let Some(dir) = name.strip_suffix("apt") else {
            continue;
        };
        let edit = Edit::replace(inv.name.range, format!("{dir}apt-get"));
        match args.subcommand() {
            Some(sub) if SAME.contains(&sub) => {
                diagnostic.with_fix(Fix::safe("Replace `apt` with `apt-get`", vec![edit]));
            }
            Some(sub) if NARROWER.contains(&sub) => {
                diagnostic.with_fix(Fix::unsafe_edits(
                    "Replace `apt` with `apt-get`",
                    vec![edit],
                ));
            }
            _ => {}
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
                    "FROM debian\nRUN apt install -y curl\n",
                    "FROM debian\nRUN apt update && sudo apt upgrade -y\n",
                    "FROM debian\nRUN /usr/bin/apt search curl\n",
                    "FROM debian\nRUN <<EOF\napt-get update\napt install -y curl\nEOF\n",
                    "FROM debian\nRUN [\"apt\", \"install\", \"-y\", \"curl\"]\n",
                ],
                good: &[
                    "FROM debian\nRUN apt-get install -y curl\n",
                    "FROM debian\nRUN apt-cache search curl && apt-key list\n",
                    "FROM debian\nRUN echo apt install curl\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN apt install curl\n",
                ],
                fixes: &[
                    (
                        "FROM debian\nRUN apt update && apt install -y curl\n",
                        "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                    ),
                    (
                        "FROM debian\nRUN /usr/bin/apt upgrade -y && apt list --installed\n",
                        "FROM debian\nRUN /usr/bin/apt-get upgrade -y && apt list --installed\n",
                    ),
                ],
            },
        );
    }
}
