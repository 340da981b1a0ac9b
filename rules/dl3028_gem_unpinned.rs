use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::packages::{Operand, known_var};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a gem installed with `gem install` without a pinned version.
    ///
    /// ## Why is this bad?
    /// Without a version, gem installs the newest release on the day of the
    /// build: two builds of the same commit can produce different images,
    /// and a new release can break the build or the application.
    ///
    /// A gem counts as pinned when it names a version (`rails:7.1.3`), when
    /// the command gives one with `-v`/`--version`, or when it is a local
    /// `.gem` file. A gem word that is only a variable is checked with the
    /// value the script, `ENV` or `ARG` gives it, and skipped when that is
    /// not known.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ruby:3.3
    /// RUN gem install bundler
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ruby:3.3
    /// RUN gem install bundler:2.5.6
    /// ```
    ///
    /// ## Differences from hadolint
    /// The finding points at each unpinned gem rather than at the whole
    /// `RUN`. Option values (`-n /usr/local/bin`, `--source <url>`) are not
    /// gems, and local `.gem` files are pinned. hadolint takes the word
    /// after a flag as the flag's value, so it misses
    /// `gem install --no-document bundler`. Commands are found through
    /// wrappers (`sudo`, `env`…), inside `sh -c '…'` and in heredoc
    /// scripts. A word that is only a variable with an unknown value is
    /// skipped, where hadolint flags it.
    pub struct GemUnpinned { package: String, name: String }
    code = "DL3028", name = "gem-unpinned", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for GemUnpinned {
    fn message(&self) -> String {
        format!(
            "`{}` is installed with `gem install` without a pinned version",
            self.package
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "Pin the version: `{}:<version>` or `-v <version>`",
            self.name
        ))
    }
}

fn is_pinned(package: &Operand<'_, '_>) -> bool {
    package.opaque || package.version.is_some() || package.name.ends_with(".gem")
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
    for inv in script.invocations_of(&["gem"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        if args.has("version") {
            continue;
        }
        for package in args.resolved_packages(script, inv.index, &env) {
            if is_pinned(&package) {
                continue;
            }
            checker.report(
                GemUnpinned {
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
                    "FROM ruby\nRUN gem install bundler\n",
                    "FROM ruby\nRUN gem i --no-document rails:7.1.3 puma\n",
                    "FROM ruby\nRUN gem install -n /usr/local/bin fastlane\n",
                    "FROM ruby\nRUN <<EOF\ngem install rake\nEOF\n",
                ],
                good: &[
                    "FROM ruby\nRUN gem install bundler:2.5.6\n",
                    "FROM ruby\nRUN gem install bundler -v 2.5.6\n",
                    "FROM ruby\nRUN gem install bundler --version '~> 2.5'\n",
                    "FROM ruby\nRUN gem install ./pkg/tool-1.0.gem\n",
                    "FROM ruby\nRUN gem install $GEMS\n",
                    "FROM ruby\nRUN gem update --system && gem list\n",
                    "FROM ruby\nRUN <<EOF\ngem install rake:13.2.1\nEOF\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN gem install rake\n",
                ],
                fixes: &[],
            },
        );
    }
}
