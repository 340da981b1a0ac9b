use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::packages::{Operand, known_var};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a package installed with `apt-get install` (or `apt install`)
    /// without a pinned version.
    ///
    /// ## Why is this bad?
    /// Without a version, the package is whatever the archive holds on the
    /// day of the build: two builds of the same commit can produce different
    /// images, and an update can break the build or the image without any
    /// change to the Dockerfile. `package=version` fails loudly instead when
    /// the version is gone, so the change is seen and made on purpose.
    ///
    /// A package counts as pinned when it names a version (`curl=8.5.0-2`,
    /// also with a wildcard such as `curl=8.5.*`), a release
    /// (`curl/bookworm-backports`), or is a local `.deb` file. Values of
    /// options such as `-t bookworm-backports` or `-o Dpkg::…` are not
    /// packages. A package word that is only a variable (`$PACKAGES`) is
    /// checked with the value the script gave it earlier
    /// (`PACKAGES="curl git"; apt-get install -y $PACKAGES`) or that `ENV`
    /// or `ARG` gives it; when that value is not known it is not checked.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// ## Differences from hadolint
    /// The finding points at each unpinned package rather than at the whole
    /// `RUN`. Commands are found through wrappers (`sudo`, `env`, `xargs`…),
    /// with a path (`/usr/bin/apt-get`), inside `sh -c '…'` and in heredoc
    /// scripts, and `apt install` is checked like `apt-get install`;
    /// hadolint sees only a command literally named `apt-get`. A word that
    /// is only a variable with an unknown value is skipped, where hadolint
    /// flags it; hadolint also flags one whose value is pinned. PowerShell
    /// and `cmd` stages are skipped.
    pub struct AptGetUnpinned { program: String, package: String }
    code = "DL3008", name = "apt-get-unpinned", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for AptGetUnpinned {
    fn message(&self) -> String {
        format!(
            "`{}` is installed with `{} install` without a pinned version",
            self.package, self.program
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!("Pin the version: `{}=<version>`", self.package))
    }
}

/// Whether an `apt-get install` operand fixes what gets installed.
fn is_pinned(package: &Operand<'_, '_>) -> bool {
    package.version.is_some()
        || package.name.contains('/')
        || package.name.ends_with(".deb")
        || package.opaque
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    let index = checker.instruction_index();
    let vars = checker.vars();
    let Some(script) = checker
        .shell()
        .run(index)
        .and_then(|run| run.script.as_ref())
    else {
        return;
    };
    let env = |name: &str| known_var(vars, index, name);
    for inv in script.invocations_of(&["apt-get", "apt"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        for package in args.resolved_packages(script, inv.index, &env) {
            if is_pinned(&package) {
                continue;
            }
            checker.report(
                AptGetUnpinned {
                    program: inv.program().to_owned(),
                    package: package.text.to_string(),
                },
                package.word.range,
            );
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
                    "FROM debian\nRUN apt-get update && apt-get -y install python3=3.11.2-1 git \\\n    && rm -rf /var/lib/apt/lists/*\n",
                    "FROM debian\nRUN sudo -E apt-get install -t bookworm-backports -y golang\n",
                    "FROM debian\nRUN apt install curl\n",
                    "FROM debian\nRUN /usr/bin/apt-get install -y \"${TOOL}-dev\"\n",
                    "FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get install -y jq\nEOF\n",
                    "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y make\n",
                    "FROM debian\nRUN [\"apt-get\", \"install\", \"-y\", \"make\"]\n",
                    "FROM debian\nRUN sh -c 'apt-get install -y make'\n",
                    "FROM debian\nONBUILD RUN apt-get install -y make\n",
                    "FROM debian\nRUN set -ex; deps='gcc libc6-dev=2.36-9'; apt-get install -y $deps\n",
                    "FROM debian\nENV TOOLS=\"git make\"\nRUN apt-get install -y ${TOOLS}\n",
                ],
                good: &[
                    "FROM debian\nRUN apt-get install -y curl=8.5.0-2 ca-certificates=2023*\n",
                    "FROM debian\nRUN apt-get install -y curl/bookworm-backports ./pkg.deb\n",
                    "FROM debian\nRUN apt-get install -y -o Dpkg::Options::=--force-confold curl=1\n",
                    "FROM debian\nRUN apt-get install -y $PACKAGES \"${EXTRA}\"\n",
                    "FROM debian\nENV V=curl=1\nRUN if [ -n \"$X\" ]; then V=$X; apt-get install -y foo=1; else apt-get install -y $V; fi\n",
                    "FROM debian\nARG V=1.0\nRUN deps=\"gcc=12 make=4.3\" && apt-get install -y $deps tool=$V\n",
                    "FROM debian\nRUN apt-get update && apt-get upgrade -y\n",
                    "FROM debian\nRUN apt-cache policy curl\n",
                    "FROM debian\nRUN echo apt-get install curl\n",
                    "FROM debian\nRUN <<EOF\napt-get install -y curl=8.5.0-2\nEOF\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN apt-get install curl\n",
                ],
                fixes: &[],
            },
        );
    }
}
