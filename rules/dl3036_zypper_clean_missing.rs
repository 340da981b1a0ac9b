use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::Fix;
use crate::semantic::shell::rpm::{RpmCommand, cache_handled, run_after};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs or upgrades packages with `zypper` and
    /// leaves its
    /// cache behind: no `zypper clean` (`zypper cc`) after the install, no
    /// removal of `/var/cache/zypp`, and no cache mount over it.
    ///
    /// ## Why is this bad?
    /// zypper keeps repository metadata (and, with `keeppackages`, the
    /// downloaded packages) in `/var/cache/zypp`. Left in the layer, they
    /// add megabytes to the image and nothing the image needs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install httpd=2.4.58
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install httpd=2.4.58 && zypper clean -a
    /// ```
    ///
    /// or keep the cache out of the image, and across builds, with a cache
    /// mount:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN --mount=type=cache,target=/var/cache/zypp zypper -n install httpd=2.4.58
    /// ```
    ///
    /// The clean must come after the (last) install in the same `RUN`; a
    /// later `RUN` cannot shrink the layer. The finding points at the last
    /// install that nothing cleans after.
    ///
    /// ## Fix safety
    /// The fix runs `zypper clean --all` right after the last install. It is safe:
    /// only caches are removed. There is no fix for exec form, nor when the
    /// install's status or output feeds another command (`||`, `|`).
    ///
    /// ## Differences from hadolint
    /// - A `RUN --mount=type=cache` (or `type=tmpfs`) over `/var/cache/zypp` (or
    ///   a directory above) satisfies the rule: the cache never reaches the image
    ///   (hadolint issues #497 and #943).
    /// - An `rm -rf` of `/var/cache/zypp` or its contents counts as a clean
    ///   (hadolint wants `zypper clean`).
    /// - Upgrades (`update`, `patch`, `dist-upgrade`) fill the cache too and
    ///   are checked (hadolint checks `install` only). Commands run through
    ///   `sudo`, `sh -c` and the like are checked, and `install -t pattern`
    ///   counts as an install. Scripts for PowerShell or
    ///   `cmd` are skipped.
    pub struct ZypperCleanMissing { command: String }
    code = "DL3036", name = "zypper-clean-missing", aliases = [],
    category = Size, severity = Warning, fix = Sometimes,
    visits = [Run],
}

impl Violation for ZypperCleanMissing {
    fn message(&self) -> String {
        format!(
            "`{}` without `zypper clean` after it: the package cache stays in the layer",
            self.command
        )
    }

    fn help(&self) -> Option<String> {
        Some("Run `zypper clean` at the end of the same `RUN`, or use a cache mount".to_string())
    }
}

/// The program whose `clean` empties the cache.
const CLEANERS: &[&str] = &["zypper"];
/// Where zypper keeps it.
const CACHE_DIRS: &[&str] = &["/var/cache/zypp"];

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    // The last install without a clean after it: a clean after it covers
    // the installs before too.
    let last = RpmCommand::all_in(script, &["zypper"])
        .filter(|c| c.action.downloads())
        .filter(|c| !cache_handled(run, c.invocation.index, CLEANERS, CACHE_DIRS))
        .last();
    if let Some(cmd) = last {
        let clean = "zypper clean --all".to_string();
        let edit = run_after(run, &cmd.invocation, &clean);
        let diagnostic = checker.report(
            ZypperCleanMissing {
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
                    "FROM opensuse/leap\nRUN zypper -n install httpd=2.4.58\n",
                    "FROM opensuse/leap\nRUN zypper clean && zypper -n in curl=8\n",
                    "FROM opensuse/leap\nRUN zypper -n in -t pattern devel_basis\n",
                    "FROM opensuse/leap\nRUN zypper -n in curl=8 && rm -rf /tmp/*\n",
                    "FROM opensuse/leap\nRUN --mount=type=cache,target=/var/cache/dnf zypper -n in curl=8\n",
                    "FROM opensuse/leap\nRUN <<EOF\nzypper -n in curl=8\nEOF\n",
                    "FROM opensuse/leap\nRUN zypper -n dup\n",
                    "FROM opensuse/leap\nONBUILD RUN zypper -n in curl=8\n",
                ],
                good: &[
                    "FROM opensuse/leap\nRUN zypper -n install httpd=2.4.58 && zypper clean -a\n",
                    "FROM opensuse/leap\nRUN zypper -n in curl=8 && zypper cc\n",
                    "FROM opensuse/leap\nRUN zypper -n in curl=8 && zypper --quiet clean --all\n",
                    "FROM opensuse/leap\nRUN zypper -n in curl=8 && rm -rf /var/cache/zypp/*\n",
                    "FROM opensuse/leap\nRUN --mount=type=cache,target=/var/cache/zypp zypper -n in curl=8\n",
                    "FROM opensuse/leap\nRUN --mount=id=zypp,target=/var/cache/zypp,type=cache,sharing=locked \\\n    zypper -n in curl=8\n",
                    "FROM opensuse/leap\nRUN <<EOF\nzypper -n in curl=8\nzypper clean\nEOF\n",
                    "FROM opensuse/leap\nRUN zypper -n ref && zypper se curl\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN zypper -n in curl\n",
                ],
                fixes: &[(
                    "FROM opensuse/leap\nRUN zypper -n in curl=8 \\\n && zypper -n in git=2\n",
                    "FROM opensuse/leap\nRUN zypper -n in curl=8 \\\n && zypper -n in git=2 && zypper clean --all\n",
                )],
            },
        );
    }
}
