use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::rpm::{
    DNF_PROGRAMS, RpmAction, RpmCommand, operand_packages, rpm_package_pinned,
};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a package in `dnf install` or `microdnf install` without a
    /// version (`httpd` rather than `httpd-2.4.62`), and a module in
    /// `dnf module install` without a stream (`nodejs` rather than
    /// `nodejs:20`).
    ///
    /// ## Why is this bad?
    /// Without a version, dnf installs whatever is newest when the image is
    /// built: two builds of the same commit can get different packages, and
    /// a new release can break the build or the image without any change
    /// to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// A version starts at the first `-` followed by a digit
    /// (`httpd-2.4.62-1.fc40`); `.rpm` files name their version. Groups
    /// (`group install`, `@group`) cannot be pinned and are not checked.
    ///
    /// ## Differences from hadolint
    /// - Option values are not packages: `--setopt install_weak_deps=0` or
    ///   `-x pkg` are not flagged (hadolint reads the value as a package).
    /// - Operands built from variables or `$(…)` are judged when their value is
    ///   known, set earlier in the script (`PKGS="a b" && dnf install -y $PKGS`)
    ///   or by `ARG`/`ENV`. Otherwise it is only known when the shell runs, and
    ///   `httpd-${VERSION}`, `${DIR}/*.rpm` or `$PACKAGES` are not flagged
    ///   (hadolint flags any operand it cannot read as pinned).
    /// - A clean-looking version with a pattern (`libuv-1.44*`) counts as
    ///   pinned; hadolint's version check rejects the `*`.
    /// - Groups are not checked: hadolint flags `dnf group install x` (but not
    ///   `groupinstall`); a group has no version to pin.
    /// - Each unpinned package is reported at its word (hadolint reports the
    ///   `RUN` once). Commands run through `sudo`, `sh -c` and the like are
    ///   checked, and `dnf5`. Scripts for PowerShell or `cmd` are skipped.
    pub struct DnfUnpinned { package: String, module: bool, via: Option<String> }
    code = "DL3041", name = "dnf-unpinned", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for DnfUnpinned {
    fn message(&self) -> String {
        if self.module {
            format!(
                "Module `{}`{} is installed without a stream",
                self.package,
                via(self.via.as_deref())
            )
        } else {
            format!(
                "`{}`{} is installed without a version",
                self.package,
                via(self.via.as_deref())
            )
        }
    }

    fn help(&self) -> Option<String> {
        Some(if self.module {
            format!("Name the stream: `{}:<stream>`", self.package)
        } else {
            format!("Pin the version: `{}-<version>`", self.package)
        })
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
    for cmd in RpmCommand::all_in(script, DNF_PROGRAMS) {
        let module = match cmd.action {
            RpmAction::Install => false,
            RpmAction::ModuleInstall => true,
            _ => continue,
        };
        for word in &cmd.operands {
            let packages = operand_packages(script, cmd.invocation.index, word, &outer, |p| {
                rpm_package_pinned(p, module)
            });
            for (package, pinned) in packages {
                // Groups (`@group`) and patterns over every package (`*`)
                // cannot be pinned.
                if !pinned && !package.starts_with(['@', '*', '?', '[']) {
                    let via = (!word.is_static()).then(|| word.raw.to_string());
                    checker.report(
                        DnfUnpinned {
                            package,
                            module,
                            via,
                        },
                        word.range,
                    );
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
                    "FROM fedora:40\nENV PKGS=\"httpd-2.4 tar\"\nRUN dnf install -y $PKGS\n",
                    "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n",
                    "FROM fedora:40\nRUN dnf install -y httpd-2.4.62 python3-pip && dnf clean all\n",
                    "FROM fedora:40\nRUN dnf -y --setopt install_weak_deps=0 install 'dnf-command(config-manager)'\n",
                    "FROM fedora:40\nRUN dnf module install -y nodejs && dnf clean all\n",
                    "FROM ubi9/ubi-minimal\nRUN microdnf install -y shadow-utils && microdnf clean all\n",
                    "FROM fedora:40\nRUN <<EOF\ndnf install -y \\\n  httpd\nEOF\n",
                    "FROM fedora:40\nONBUILD RUN dnf5 install -y httpd\n",
                    "FROM fedora:40\nRUN INSTALL_PKGS=\"bind-utils-9.11 tar\" && \\\n    dnf install -y $INSTALL_PKGS && dnf clean all\n",
                ],
                good: &[
                    "FROM fedora:40\nARG V=2.4\nRUN dnf install -y httpd-$V\n",
                    "FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n",
                    "FROM fedora:40\nRUN dnf install -y java-17-openjdk-headless-17.0.12.0.7-2.fc40\n",
                    "FROM fedora:40\nRUN dnf install -y https://example.com/x-1.noarch.rpm\n",
                    "FROM fedora:40\nRUN dnf module install -y nodejs:20\n",
                    "FROM fedora:40\nRUN dnf group install -y 'Development Tools'\n",
                    "FROM fedora:40\nRUN dnf install -y @development-tools\n",
                    "FROM fedora:40\nRUN dnf install -y ${PACKAGES}\n",
                    "FROM fedora:40\nRUN dnf install -y ${TMP}/*.rpm cuda-toolkit-${CUDA_VERSION//./-}\n",
                    "FROM fedora:40\nRUN dnf install -y libuv-1.44*\n",
                    "FROM fedora:40\nRUN dnf -y reinstall '*'\n",
                    "FROM fedora:40\nRUN dnf -x kernel -y upgrade\n",
                    "FROM fedora:40\nRUN yum install -y httpd\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN dnf install -y httpd\n",
                ],
                fixes: &[],
            },
        );
    }
}
