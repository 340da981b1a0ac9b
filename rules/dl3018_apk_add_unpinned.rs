use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::packages::{Operand, known_var};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a package installed with `apk add` without a pinned version.
    ///
    /// ## Why is this bad?
    /// Without a version, the package is whatever the repository holds on
    /// the day of the build: two builds of the same commit can produce
    /// different images, and an update can break the build or the image
    /// without any change to the Dockerfile.
    ///
    /// A package counts as pinned when it names a version (`curl=8.9.1-r0`)
    /// or a constraint with `=` or `~` (`curl~8.9`, `curl>=8.9`), or is a
    /// local `.apk` file. `curl>8` alone is a range, not a pin. Values of
    /// options such as `--virtual .build-deps` or `-X <repository>` are not
    /// packages. A package word that is only a variable is checked with the
    /// value the script, `ENV` or `ARG` gives it, and skipped when that is
    /// not known.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl=8.9.1-r0
    /// ```
    ///
    /// ## Differences from hadolint
    /// The finding points at each unpinned package rather than at the whole
    /// `RUN`. Commands are found through wrappers (`sudo`, `env`…), with a
    /// path, inside `sh -c '…'` and in heredoc scripts. A word that is only
    /// a variable with an unknown value (also `${PACKAGES//,/ }`) is
    /// skipped, where hadolint flags it; hadolint also flags one whose value
    /// is pinned.
    pub struct ApkAddUnpinned { package: String, name: String }
    code = "DL3018", name = "apk-add-unpinned", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for ApkAddUnpinned {
    fn message(&self) -> String {
        format!(
            "`{}` is installed with `apk add` without a pinned version",
            self.package
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!("Pin the version: `{}=<version>`", self.name))
    }
}

fn is_pinned(package: &Operand<'_, '_>) -> bool {
    let operator = package.text.get(package.name.len()..).unwrap_or("");
    (package.version.is_some() && operator.contains(['=', '~']))
        || package.name.ends_with(".apk")
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
    for inv in script.invocations_of(&["apk"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        for package in args.resolved_packages(script, inv.index, &env) {
            if is_pinned(&package) {
                continue;
            }
            checker.report(
                ApkAddUnpinned {
                    package: package.text.to_string(),
                    name: package.name.to_string(),
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
                    "FROM alpine\nRUN apk add --no-cache curl\n",
                    "FROM alpine\nRUN apk add --no-cache --virtual .build-deps gcc=12.2.1-r0 musl-dev\n",
                    "FROM alpine\nRUN apk add 'python3>3.10'\n",
                    "FROM alpine\nRUN sudo apk --update add -X https://dl-cdn.alpinelinux.org/alpine/edge/testing bash\n",
                    "FROM alpine\nRUN <<EOF\napk add --no-cache git\nEOF\n",
                    "FROM alpine\nRUN set -e; deps='make gcc=1'; apk add --no-cache $deps\n",
                    "FROM alpine\nRUN deps='make gcc=1' set -x && apk add --no-cache $deps\n",
                    "FROM alpine\nRUN extra=\"$(cat /x)\"; deps=\"make $extra\"; apk add --no-cache $deps\n",
                ],
                good: &[
                    "FROM alpine\nRUN apk add --no-cache curl=8.9.1-r0 'musl-dev~1.2' 'py3-pip>=23'\n",
                    "FROM alpine\nRUN apk add --no-cache --allow-untrusted /tmp/pkg.apk\n",
                    "FROM alpine\nRUN apk add --no-cache $PACKAGES\n",
                    "FROM alpine\nRUN apk del curl && apk update\n",
                    "FROM alpine\nRUN apk add --no-cache --virtual .deps\n",
                    "FROM alpine\nRUN echo apk add curl\n",
                    "FROM alpine\nRUN <<EOF\napk add --no-cache curl=8.9.1-r0\nEOF\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN apk add curl\n",
                ],
                fixes: &[],
            },
        );
    }
}
