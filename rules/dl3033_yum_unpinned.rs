use super::rpm_unpinned;
use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::rpm::YUM_PROGRAMS;
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a package in `yum install` without a version
    /// (`httpd` rather than `httpd-2.4.6`), and a module in
    /// `yum module install` without a stream (`nodejs` rather than
    /// `nodejs:18`).
    ///
    /// ## Why is this bad?
    /// Without a version, yum installs whatever is newest when the image is
    /// built: two builds of the same commit can get different packages, and
    /// a new release can break the build or the image without any change
    /// to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// A version starts at the first `-` followed by a digit
    /// (`httpd-2.4.6-99.el7`); `.rpm` files name their version. Groups
    /// (`groupinstall`, `@group`) cannot be pinned and are not checked.
    ///
    /// ## Differences from hadolint
    /// - hadolint takes any `-` for a version separator, so `python3-pip`
    ///   passes there; here it is flagged, as dnf's rule in hadolint (DL3041)
    ///   does.
    /// - Option values are not packages: `--setopt tsflags=nodocs` or
    ///   `-x pkg` are not flagged (hadolint reads the value as a package).
    /// - Operands built from variables or `$(…)` are judged when their value is
    ///   known, set earlier in the script (`PKGS="a b" && yum install -y $PKGS`)
    ///   or by `ARG`/`ENV`. Otherwise it is only known when the shell runs, and
    ///   `httpd-${VERSION}` or `$PACKAGES` are not flagged (hadolint flags any
    ///   operand it cannot read as pinned).
    /// - Groups are not checked: hadolint flags `yum group install x` (but not
    ///   `groupinstall`); a group has no version to pin.
    /// - Each unpinned package is reported at its word (hadolint reports the
    ///   `RUN` once). Commands run through `sudo`, `sh -c` and the like are
    ///   checked, and `ONBUILD RUN`. Scripts for PowerShell or `cmd` are
    ///   skipped.
    pub struct YumUnpinned { package: String, module: bool, via: Option<String> }
    code = "DL3033", name = "yum-unpinned", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for YumUnpinned {
    fn message(&self) -> String {
        rpm_unpinned::message(&self.package, self.module, self.via.as_deref())
    }

    fn help(&self) -> Option<String> {
        Some(rpm_unpinned::help(&self.package, self.module))
    }
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    for found in rpm_unpinned::unpinned(checker, YUM_PROGRAMS) {
        checker.report(
            YumUnpinned {
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
                    "FROM centos:7\nENV PKGS=\"httpd-2.4 tar\"\nRUN yum install -y $PKGS\n",
                    "FROM centos:7\nRUN yum install -y httpd && yum clean all\n",
                    "FROM centos:7\nRUN yum install -y httpd-2.4.6 python3-pip && yum clean all\n",
                    "FROM centos:7\nRUN yum -y --setopt tsflags=nodocs install 'gcc-c++' && yum clean all\n",
                    "FROM centos:7\nRUN yum module install -y nodejs && yum clean all\n",
                    "FROM centos:7\nRUN sudo yum reinstall -y tzdata\n",
                    "FROM centos:7\nRUN <<EOF\nyum install -y \\\n  httpd\nEOF\n",
                    "FROM centos:7\nRUN [\"yum\", \"install\", \"-y\", \"httpd\"]\n",
                    "FROM centos:7\nRUN INSTALL_PKGS=\"bind-utils-9.11 tar\" && \\\n    yum install -y $INSTALL_PKGS && yum clean all\n",
                ],
                good: &[
                    "FROM centos:7\nARG V=2.4\nRUN yum install -y httpd-$V\n",
                    "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
                    "FROM centos:7\nRUN yum install -y httpd-2.4.6-99.el7.centos.1 && yum clean all\n",
                    "FROM centos:7\nRUN yum install -y https://example.com/epel-release-latest-7.noarch.rpm\n",
                    "FROM centos:7\nRUN yum localinstall -y /tmp/app.rpm\n",
                    "FROM centos:7\nRUN yum module install -y nodejs:18/common\n",
                    "FROM centos:7\nRUN yum groupinstall -y 'Development Tools'\n",
                    "FROM centos:7\nRUN yum install -y @development\n",
                    "FROM centos:7\nRUN yum -y reinstall '*'\n",
                    "FROM centos:7\nRUN yum install -y $PACKAGES\n",
                    "FROM centos:7\nRUN PKGS=\"a-1 b-2\" && yum install -y $PKGS\n",
                    "FROM centos:7\nRUN yum install -y \"${TMP}/app.rpm\" httpd-${HTTPD_VERSION}\n",
                    "FROM centos:7\nRUN yum -x kernel -y update\n",
                    "FROM centos:7\nRUN dnf install -y httpd\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN yum install -y httpd\n",
                ],
                fixes: &[],
            },
        );
    }
}
