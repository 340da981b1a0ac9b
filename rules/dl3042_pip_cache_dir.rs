use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::shell::packages::{known_var, path_ends_with, path_within};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `pip install` without `--no-cache-dir`.
    ///
    /// ## Why is this bad?
    /// pip keeps every package it downloads and every wheel it builds in
    /// its cache (`~/.cache/pip`). In an image the cache is never used
    /// again, yet it stays in the layer, often as large as the packages
    /// themselves.
    ///
    /// Not flagged: `PIP_NO_CACHE_DIR` set to a true value (`1`, `true`,
    /// `yes`, `on`) by `ENV` or `ARG`, or in the `RUN` itself; and a `RUN`
    /// that mounts a cache or tmpfs at pip's cache directory
    /// (`--mount=type=cache,target=/root/.cache/pip`; also a `.cache` above
    /// it, the `--cache-dir` given, or `PIP_CACHE_DIR`), which keeps the
    /// cache out of the layer and reuses it across builds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install flask==3.0.3
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--no-cache-dir` after `install`. It is safe: the same
    /// packages are installed, only the cache is not written.
    ///
    /// ## Differences from hadolint
    /// hadolint reports a `RUN` with a cache mount too (hadolint issues
    /// #497, #943). The finding points at each `pip install` rather than at
    /// the whole `RUN`. Commands are found through wrappers (`sudo`,
    /// `env`…), with a path (`/venv/bin/pip`), as `python -m pip`, inside
    /// `sh -c '…'` and in heredoc scripts;
    /// `pipx` and `pipenv` are not pip, as in hadolint. PowerShell and `cmd`
    /// stages are skipped; hadolint reads their scripts as POSIX shell.
    pub struct PipCacheDir {}
    code = "DL3042", name = "pip-cache-dir", aliases = [],
    category = Size, severity = Warning, fix = Sometimes,
    visits = [Run],
}

impl Violation for PipCacheDir {
    fn message(&self) -> String {
        "`pip install` without `--no-cache-dir` keeps pip's cache in the layer".to_string()
    }

    fn help(&self) -> Option<String> {
        Some("Add `--no-cache-dir`".to_string())
    }
}

const NO_CACHE: &str = "PIP_NO_CACHE_DIR";

fn truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    let index = checker.instruction_index();
    let vars = checker.vars();
    let Some(run) = checker.shell().run(index) else {
        return;
    };
    let Some(script) = run.script.as_ref() else {
        return;
    };
    if known_var(vars, index, NO_CACHE).is_some_and(|v| truthy(&v)) {
        return;
    }
    let cache_env = known_var(vars, index, "PIP_CACHE_DIR");
    for inv in script.invocations_of(crate::semantic::shell::programs::PIP.programs) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        if !args.is_install() || args.has("no-cache-dir") {
            continue;
        }
        // `PIP_NO_CACHE_DIR=1 pip install`, `export PIP_NO_CACHE_DIR=1`,
        // `env PIP_NO_CACHE_DIR=1 pip install`.
        let set_here = inv
            .command
            .assignments
            .iter()
            .filter(|a| a.name == NO_CACHE)
            .filter_map(|a| a.value.as_ref()?.static_value())
            .map(str::to_owned)
            .chain(script.assigned_before(inv.index, NO_CACHE))
            .chain(
                inv.command
                    .words()
                    .filter_map(|w| w.static_value()?.strip_prefix(NO_CACHE)?.strip_prefix('='))
                    .map(str::to_owned),
            )
            .any(|v| truthy(&v));
        if set_here {
            continue;
        }
        let cache_dir = args.value("cache-dir").or(cache_env.as_deref());
        let mounted = run
            .flags
            .mount_keeping_out(|target| {
                path_ends_with(target, ".cache/pip")
                    || path_ends_with(target, ".cache")
                    || cache_dir.is_some_and(|dir| path_within(dir, target))
            })
            .is_some();
        if mounted {
            continue;
        }
        let diagnostic = checker.report(PipCacheDir {}, inv.command_range(&args));
        if let Some(sub) = args.subcommand.filter(|w| !w.has_quotes()) {
            diagnostic.with_fix(Fix::safe(
                "Add `--no-cache-dir`",
                vec![Edit::insert(sub.range.end, " --no-cache-dir")],
            ));
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
                    "FROM python\nRUN pip install flask==3.0.3\n",
                    "FROM python\nRUN python3 -m pip install -r requirements.txt\n",
                    "FROM python\nRUN <<EOF\npip3 install black==24.4.2\nEOF\n",
                    "FROM python\nENV PIP_NO_CACHE_DIR=0\nRUN pip install flask==3.0.3\n",
                    "FROM python\nRUN --mount=type=cache,target=/var/cache/apt pip install flask==3.0.3\n",
                    "FROM python\nRUN [\"pip\", \"install\", \"flask==3.0.3\"]\n",
                ],
                good: &[
                    "FROM python\nRUN pip install --no-cache-dir flask==3.0.3\n",
                    "FROM python\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.3\n",
                    "FROM python AS base\nENV PIP_NO_CACHE_DIR=true\nFROM base\nRUN pip install flask==3.0.3\n",
                    "FROM python\nARG PIP_NO_CACHE_DIR=yes\nRUN pip install flask==3.0.3\n",
                    "FROM python\nRUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.3\n",
                    "FROM python\nRUN export PIP_NO_CACHE_DIR=on && pip install flask==3.0.3\n",
                    "FROM python\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3\n",
                    "FROM python\nRUN --mount=target=/root/.cache,type=cache,sharing=locked pip install flask==3.0.3\n",
                    "FROM python\nRUN --mount=type=cache,target=/pipcache pip install --cache-dir /pipcache flask==3.0.3\n",
                    "FROM python\nRUN pip uninstall -y flask && pip freeze\n",
                    "FROM python\nRUN pipx install black\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN pip install flask\n",
                ],
                fixes: &[
                    (
                        "FROM python\nRUN pip install flask==3.0.3\n",
                        "FROM python\nRUN pip install --no-cache-dir flask==3.0.3\n",
                    ),
                    (
                        "FROM python\nRUN python -m pip install -U pip==24.0 && pip install -r req.txt\n",
                        "FROM python\nRUN python -m pip install --no-cache-dir -U pip==24.0 && pip install --no-cache-dir -r req.txt\n",
                    ),
                ],
            },
        );
    }
}
