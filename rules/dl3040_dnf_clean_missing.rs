use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::Fix;
use crate::semantic::shell::rpm::{DNF_PROGRAMS, RpmCommand, cache_handled, run_after};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs or upgrades packages with `dnf` or `microdnf`
    /// and leaves the package cache behind: no `dnf clean all` after the install,
    /// no removal of `/var/cache/dnf`, and no cache mount over it.
    ///
    /// ## Why is this bad?
    /// dnf keeps repository metadata (and, depending on the configuration,
    /// the downloaded packages) in `/var/cache/dnf` (`/var/cache/yum` for
    /// microdnf and older dnf). Left in the layer, they add tens of
    /// megabytes to the image and nothing the image needs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd-2.4.62
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// or keep the cache out of the image, and across builds, with a cache
    /// mount:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN --mount=type=cache,target=/var/cache/dnf dnf install -y httpd-2.4.62
    /// ```
    ///
    /// The clean must come after the (last) install in the same `RUN`; a
    /// later `RUN` cannot shrink the layer. `clean all` by `dnf`, `dnf5`,
    /// `microdnf` or `yum`, and an `rm -rf` of `/var/cache/dnf`,
    /// `/var/cache/yum` or their contents all count. The finding points at
    /// the last install that nothing cleans after.
    ///
    /// ## Fix safety
    /// The fix runs `dnf clean all` (`microdnf clean all` after microdnf)
    /// right after the last install. It is safe: only caches are removed.
    /// There is no fix for exec form, nor when the install's status or
    /// output feeds another command (`||`, `|`).
    ///
    /// ## Differences from hadolint
    /// - A `RUN --mount=type=cache` (or `type=tmpfs`) over `/var/cache/dnf` or
    ///   `/var/cache/yum` (or a directory above) satisfies the rule: the cache
    ///   never reaches the image (hadolint issues #497 and #943).
    /// - hadolint accepts any `dnf clean` (`dnf clean metadata` too) and any
    ///   `rm -rf` (of any path); here the clean must be `clean all` or the
    ///   removal must cover the cache directory. hadolint wants the clean
    ///   from the same program as the install (`microdnf clean all` after
    ///   `dnf install` is flagged there); they share the cache, so any of
    ///   them counts here.
    /// - hadolint compares the first install with the first clean-like
    ///   command of the `RUN` (an earlier `rm -rf "$TMP"` counts as one), so
    ///   `rm -rf "$GNUPGHOME" && microdnf install -y x && microdnf clean all`
    ///   is flagged there; here any clean after the last install counts.
    /// - `groupinstall`, `localinstall`, `group install`, `module install`,
    ///   `update`, `distro-sync`, `downgrade` and `dnf5` are checked (hadolint
    ///   checks `install`, `reinstall` and `upgrade`); so are commands run
    ///   through `sudo`, `sh -c` and the like. Scripts for PowerShell or
    ///   `cmd` are skipped.
    pub struct DnfCleanMissing { command: String, program: String }
    code = "DL3040", name = "dnf-clean-missing", aliases = [],
    category = Size, severity = Warning, fix = Sometimes,
    visits = [Run],
}

impl Violation for DnfCleanMissing {
    fn message(&self) -> String {
        format!(
            "`{}` without `{} clean all` after it: the package cache stays in the layer",
            self.command, self.program
        )
    }

    fn help(&self) -> Option<String> {
        Some("Run `dnf clean all` (`microdnf clean all`) at the end of the same `RUN`, or use a cache mount".to_string())
    }
}

/// The programs whose `clean all` empties dnf's cache.
const CLEANERS: &[&str] = &["dnf", "dnf5", "microdnf", "yum"];
/// Where dnf (`/var/cache/dnf`) and microdnf or older dnf keep it.
const CACHE_DIRS: &[&str] = &["/var/cache/dnf", "/var/cache/yum"];

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    // The last install without a clean after it: a clean after it covers
    // the installs before too.
    let last = RpmCommand::all_in(script, DNF_PROGRAMS)
        .filter(|c| c.action.downloads())
        .filter(|c| !cache_handled(run, c.invocation.index, CLEANERS, CACHE_DIRS))
        .last();
    if let Some(cmd) = last {
        let clean = format!("{} clean all", cmd.invocation.program());
        let edit = run_after(run, &cmd.invocation, &clean);
        let diagnostic = checker.report(
            DnfCleanMissing {
                command: cmd.describe(),
                program: cmd.invocation.program().to_string(),
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
                    "FROM fedora:40\nRUN dnf install -y httpd-2.4.62\n",
                    "FROM fedora:40\nRUN dnf clean all && dnf install -y a-1\n",
                    "FROM fedora:40\nRUN dnf install -y a-1 && dnf clean packages\n",
                    "FROM fedora:40\nRUN dnf install -y a-1 && rm -rf /tmp/*\n",
                    "FROM ubi9/ubi-minimal\nRUN microdnf install -y a-1\n",
                    "FROM fedora:40\nRUN --mount=type=cache,target=/root/.cache/pip dnf install -y a-1\n",
                    "FROM fedora:40\nRUN --mount=type=bind,target=/var/cache/dnf dnf install -y a-1 && dnf5 install -y b-1\n",
                    "FROM fedora:40\nRUN dnf upgrade -y\n",
                    "FROM fedora:40\nRUN <<EOF\ndnf install -y a-1\nEOF\n",
                    "FROM fedora:40\nONBUILD RUN dnf module install -y nodejs:20\n",
                ],
                good: &[
                    "FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n",
                    "FROM ubi9/ubi-minimal\nRUN microdnf install -y a-1 && microdnf clean all\n",
                    "FROM ubi9/ubi-minimal\nRUN microdnf install -y a-1 && rm -rf /var/cache/yum\n",
                    "FROM fedora:40\nRUN dnf install -y a-1 && rm -rf /var/cache/dnf/*\n",
                    "FROM fedora:40\nRUN dnf install -y a-1 && yum clean all\n",
                    "FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y a-1\n",
                    "FROM fedora:40\nRUN --mount=type=cache,sharing=locked,target=/var/cache/dnf,id=dnf \\\n    dnf install -y a-1\n",
                    "FROM fedora:40\nRUN --mount=target=/var/cache/yum,type=cache microdnf install -y a-1\n",
                    "FROM fedora:40\nRUN <<EOF\nset -eux\ndnf install -y a-1\ndnf clean all\nEOF\n",
                    "FROM fedora:40\nRUN dnf makecache && dnf repolist\n",
                    "FROM fedora:40\nRUN yum install -y a-1\n",
                    "FROM fedora:40\nRUN --mount=type=tmpfs,target=/var/cache/dnf dnf install -y a-1\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN dnf install -y a-1\n",
                ],
                fixes: &[
                    (
                        "FROM ubi9/ubi-minimal\nRUN microdnf install -y a-1; echo ok\n",
                        "FROM ubi9/ubi-minimal\nRUN microdnf install -y a-1 && microdnf clean all; echo ok\n",
                    ),
                    (
                        "FROM fedora:40\nRUN [\"sh\", \"-c\", \"dnf install -y a-1\"]\n",
                        "FROM fedora:40\nRUN [\"sh\", \"-c\", \"dnf install -y a-1 && dnf clean all\"]\n",
                    ),
                    (
                        "FROM fedora:40\nRUN dnf install -y a-1 | tee /tmp/log\n",
                        "FROM fedora:40\nRUN dnf install -y a-1 | tee /tmp/log\n",
                    ),
                ],
            },
        );
    }
}
