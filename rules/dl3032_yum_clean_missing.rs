use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::Fix;
use crate::semantic::shell::rpm::{RpmCommand, YUM_PROGRAMS, cache_handled, run_after};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs or upgrades packages with `yum` and
    /// leaves yum's
    /// cache behind: no `yum clean all` after the install, no removal of
    /// `/var/cache/yum`, and no cache mount over it.
    ///
    /// ## Why is this bad?
    /// yum keeps repository metadata (and, depending on the configuration,
    /// the downloaded packages) in `/var/cache/yum`. Left in the layer, they
    /// add tens of megabytes to the image and nothing the image needs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// or keep the cache out of the image, and across builds, with a cache
    /// mount:
    /// ```dockerfile
    /// FROM centos:7
    /// RUN --mount=type=cache,target=/var/cache/yum yum install -y httpd-2.4.6
    /// ```
    ///
    /// The clean must come after the (last) install in the same `RUN`; a
    /// later `RUN` cannot shrink the layer. `yum clean all`, `dnf clean all`
    /// (yum is dnf on current distributions) and an `rm -rf` of
    /// `/var/cache/yum`, `/var/cache/dnf` or their contents all count. The
    /// finding points at the last install that nothing cleans after.
    ///
    /// ## Fix safety
    /// The fix runs `yum clean all` right after the last install. It is safe:
    /// only caches are removed. There is no fix for exec form, nor when the
    /// install's status or output feeds another command (`||`, `|`).
    ///
    /// ## Differences from hadolint
    /// - A `RUN --mount=type=cache` (or `type=tmpfs`) over `/var/cache/yum` or
    ///   `/var/cache/dnf` (or a directory above) satisfies the rule: the cache
    ///   never reaches the image (hadolint issues #497 and #943).
    /// - hadolint accepts any `yum clean` (`yum clean metadata` too) and any
    ///   `rm -rf` (of any path); here the clean must be `clean all` or the
    ///   removal must cover the cache directory.
    /// - hadolint compares the first install with the first clean-like
    ///   command of the `RUN`, so `yum clean metadata && yum install -y x &&
    ///   yum clean all` is flagged there; here any clean after the last
    ///   install counts.
    /// - hadolint skips a `RUN` whose script ShellCheck cannot parse (a
    ///   comment line inside a `case` continuation, say); the shell model
    ///   here still reads its commands.
    /// - `groupinstall`, `localinstall`, `reinstall`, `group install`,
    ///   `module install` and upgrades (`update`, `upgrade`, `distro-sync`,
    ///   `downgrade`) fill the cache too and are checked; so are commands
    ///   run through `sudo`, `sh -c` and the like, and `ONBUILD RUN`.
    ///   Scripts for PowerShell or `cmd` are skipped.
    pub struct YumCleanMissing { command: String }
    code = "DL3032", name = "yum-clean-missing", aliases = [],
    category = Size, severity = Warning, fix = Sometimes,
    visits = [Run],
}

impl Violation for YumCleanMissing {
    fn message(&self) -> String {
        format!(
            "`{}` without `yum clean all` after it: the package cache stays in the layer",
            self.command
        )
    }

    fn help(&self) -> Option<String> {
        Some("Run `yum clean all` at the end of the same `RUN`, or use a cache mount".to_string())
    }
}

/// The programs whose `clean all` empties yum's cache.
const CLEANERS: &[&str] = &["yum", "dnf"];
/// Where yum (and dnf, which `yum` is on current distributions) keeps it.
const CACHE_DIRS: &[&str] = &["/var/cache/yum", "/var/cache/dnf"];

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    // The last install without a clean after it: a clean after it covers
    // the installs before too.
    let last = RpmCommand::all_in(script, YUM_PROGRAMS)
        .filter(|c| c.action.downloads())
        .filter(|c| !cache_handled(run, c.invocation.index, CLEANERS, CACHE_DIRS))
        .last();
    if let Some(cmd) = last {
        let clean = "yum clean all".to_string();
        let edit = run_after(run, &cmd.invocation, &clean);
        let diagnostic = checker.report(
            YumCleanMissing {
                command: cmd.describe(),
            },
            cmd.command_range(),
        );
        if let Some(edit) = edit {
            diagnostic.with_fix(Fix::safe(format!("Add `&& {clean}`"), vec![edit]));
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
                    "FROM centos:7\nRUN yum install -y httpd-2.4.6\n",
                    "FROM centos:7\nRUN yum clean all && yum install -y httpd-2.4.6\n",
                    "FROM centos:7\nRUN yum install -y a-1 && yum clean all && yum install -y b-1\n",
                    "FROM centos:7\nRUN yum install -y a-1 && yum clean metadata\n",
                    "FROM centos:7\nRUN yum install -y a-1 && rm -rf /tmp/*\n",
                    "FROM centos:7\nRUN yum install -y a-1 && rm /var/cache/yum\n",
                    "FROM centos:7\nRUN --mount=type=cache,target=/root/.cache yum install -y a-1\n",
                    "FROM centos:7\nRUN --mount=type=bind,target=/var/cache/yum yum install -y a-1\n",
                    "FROM centos:7\nRUN sudo yum groupinstall -y 'Development Tools'\n",
                    "FROM centos:7\nRUN yum upgrade -y\n",
                    "FROM centos:7\nRUN <<EOF\nyum install -y a-1\nEOF\n",
                    "FROM centos:7\nRUN [\"yum\", \"install\", \"-y\", \"a-1\"]\n",
                ],
                good: &[
                    "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
                    "FROM centos:7\nRUN yum -y install a-1 \\\n    && yum -q clean all \\\n    && rm -rf /tmp/*\n",
                    "FROM centos:7\nRUN yum install -y a-1 && rm -rf /var/cache/yum\n",
                    "FROM centos:7\nRUN yum install -y a-1 && rm -rf /var/cache/yum/*\n",
                    "FROM centos:7\nRUN yum install -y a-1 && rm -fr /var/cache/*\n",
                    "FROM rockylinux:9\nRUN yum install -y a-1 && dnf clean all\n",
                    "FROM centos:7\nRUN --mount=type=cache,target=/var/cache/yum yum install -y a-1\n",
                    "FROM centos:7\nRUN --mount=type=cache,target=/var/cache/yum/ yum install -y a-1\n",
                    "FROM centos:7\nRUN --mount=target=/var/cache/yum,type=cache,sharing=locked yum install -y a-1\n",
                    "FROM centos:7\nRUN --mount=type=cache,id=yum,target=/var/cache yum install -y a-1\n",
                    "FROM centos:7\nRUN --network=host --mount=sharing=locked,type=cache,target=/var/cache/dnf \\\n    yum install -y a-1\n",
                    "FROM centos:7\nRUN <<EOF\nyum install -y a-1\nyum clean all\nEOF\n",
                    "FROM centos:7\nRUN yum makecache && yum repolist\n",
                    "FROM centos:7\nRUN dnf install -y a-1\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN yum install -y a-1\n",
                ],
                fixes: &[
                    (
                        "FROM centos:7\nRUN yum install -y a-1 && yum clean all && yum install -y b-1 \\\n    && echo done\n",
                        "FROM centos:7\nRUN yum install -y a-1 && yum clean all && yum install -y b-1 && yum clean all \\\n    && echo done\n",
                    ),
                    (
                        "FROM centos:7\nRUN <<EOF\nyum install -y a-1 >/dev/null\necho ok\nEOF\n",
                        "FROM centos:7\nRUN <<EOF\nyum install -y a-1 >/dev/null && yum clean all\necho ok\nEOF\n",
                    ),
                    (
                        "FROM centos:7\nRUN yum install -y a-1 || true\n",
                        "FROM centos:7\nRUN yum install -y a-1 || true\n",
                    ),
                    (
                        "FROM centos:7\nRUN [\"yum\", \"install\", \"-y\", \"a-1\"]\n",
                        "FROM centos:7\nRUN [\"yum\", \"install\", \"-y\", \"a-1\"]\n",
                    ),
                ],
            },
        );
    }
}
