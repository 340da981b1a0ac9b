use super::rpm_unpinned;
use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::rpm::DNF_PROGRAMS;
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
        rpm_unpinned::message(&self.package, self.module, self.via.as_deref())
    }

    fn help(&self) -> Option<String> {
        Some(rpm_unpinned::help(&self.package, self.module))
    }
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    for found in rpm_unpinned::unpinned(checker, DNF_PROGRAMS) {
        checker.report(
            DnfUnpinned {
                package: found.package,
                module: found.module,
                via: found.via,
            },
            found.range,
        );
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
