use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::rpm::{RpmAction, RpmCommand, operand_packages, zypper_package_pinned};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a package in `zypper install` without a version
    /// (`httpd` rather than `httpd=2.4.58`).
    ///
    /// ## Why is this bad?
    /// Without a version, zypper installs whatever is newest when the image
    /// is built: two builds of the same commit can get different packages,
    /// and a new release can break the build or the image without any
    /// change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install httpd && zypper clean
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install httpd=2.4.58 && zypper clean
    /// ```
    ///
    /// A version is given with `=`, `>`, `>=`, `<`, `<=` or `~`
    /// (`'httpd>=2.4'`); `.rpm` files name their version. Patterns and
    /// other non-package types (`-t pattern`) cannot be pinned and are not
    /// checked.
    ///
    /// ## Differences from hadolint
    /// - Option values are not packages: `--from repo` or `-r repo` are not
    ///   flagged (hadolint reads the value as a package).
    /// - Operands built from variables or `$(…)` are judged when their value is
    ///   known, set earlier in the script (`PKGS="a b" && zypper -n in $PKGS`) or
    ///   by `ARG`/`ENV`. Otherwise it is only known when the shell runs, and
    ///   `$PACKAGES` is not flagged (hadolint flags it).
    /// - Each unpinned package is reported at its word (hadolint reports the
    ///   `RUN` once). Commands run through `sudo`, `sh -c` and the like are
    ///   checked, and `ONBUILD RUN`. Scripts for PowerShell or `cmd` are
    ///   skipped.
    pub struct ZypperUnpinned { package: String, via: Option<String> }
    code = "DL3037", name = "zypper-unpinned", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for ZypperUnpinned {
    fn message(&self) -> String {
        format!(
            "`{}`{} is installed without a version",
            self.package,
            via(self.via.as_deref())
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!("Pin the version: `{}=<version>`", self.package))
    }
}

/// ` (from `$PKGS`)` when the package came from a variable.
fn via(word: Option<&str>) -> String {
    word.map(|w| format!(" (from `{w}`)")).unwrap_or_default()
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    let vars = checker.vars();
    let index = checker.instruction_index();
    let outer = |name: &str| {
        vars.lookup(index, name)
            .and_then(|b| b.value.known())
            .map(str::to_string)
    };
    for cmd in RpmCommand::all_in(script, &["zypper"]) {
        if cmd.action != RpmAction::Install {
            continue;
        }
        for word in &cmd.operands {
            let packages = operand_packages(
                script,
                cmd.invocation.index,
                word,
                &outer,
                zypper_package_pinned,
            );
            for (package, pinned) in packages {
                if !pinned {
                    let via = (!word.is_static()).then(|| word.raw.to_string());
                    checker.report(ZypperUnpinned { package, via }, word.range);
                }
            }
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
                    "FROM opensuse/leap\nRUN zypper -n install httpd && zypper clean\n",
                    "FROM opensuse/leap\nRUN zypper -n in curl=8.0 git && zypper clean\n",
                    "FROM opensuse/leap\nRUN zypper -n --gpg-auto-import-keys in --from oss -l 'vim'\n",
                    "FROM opensuse/leap\nRUN <<EOF\nzypper -n in \\\n  httpd\nEOF\n",
                    "FROM opensuse/leap\nRUN [\"zypper\", \"-n\", \"in\", \"httpd\"]\n",
                    "FROM opensuse/leap\nRUN PKGS='curl=8 git' && zypper -n in $PKGS\n",
                ],
                good: &[
                    "FROM opensuse/leap\nRUN zypper -n install httpd=2.4.58 && zypper clean\n",
                    "FROM opensuse/leap\nRUN zypper -n in 'curl>=8' 'git<3' 'vim~9' && zypper clean\n",
                    "FROM opensuse/leap\nRUN zypper -n in /tmp/app-1.0.x86_64.rpm\n",
                    "FROM opensuse/leap\nRUN zypper -n in -t pattern devel_basis\n",
                    "FROM opensuse/leap\nRUN zypper -n in $PACKAGES\n",
                    "FROM opensuse/leap\nRUN zypper -n rm httpd && zypper -n up\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN zypper -n in httpd\n",
                ],
                fixes: &[],
            },
        );
    }
}
