use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::packages::{Operand, known_var};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a package installed with `pip install` without a pinned
    /// version.
    ///
    /// ## Why is this bad?
    /// Without a version, pip installs the latest release on the day of the
    /// build: two builds of the same commit can produce different images,
    /// and a new release can break the build or the application.
    ///
    /// A package counts as pinned when it has a version specifier
    /// (`flask==3.0.3`, `flask>=3,<4`, `flask~=3.0`) or a direct reference
    /// (`pkg @ https://…`), when it is a local path, an archive or a wheel
    /// (`.`, `./lib`, `dist/app-1.0-py3-none-any.whl`) or a URL, and a VCS
    /// URL when it names a revision (`git+https://…/repo.git@v1.2`).
    /// Commands with a constraints file (`-c constraints.txt`) are not
    /// checked: the file pins the versions. Requirements files (`-r`) and
    /// editable installs (`-e`) are not packages; other packages named next
    /// to them are still checked. A package word that is only a variable is
    /// checked with the value the script, `ENV` or `ARG` gives it, and
    /// skipped when that is not known. `pip install --upgrade pip` is
    /// flagged like any other package: the pip it installs changes from one
    /// build to the next.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    ///
    /// ## Differences from hadolint
    /// The finding points at each unpinned package rather than at the whole
    /// `RUN`. hadolint skips the whole command when it has `-r`,
    /// `--requirement` or `.` among its arguments; layerlint still checks
    /// the other packages it names. hadolint accepts any word with `/` as
    /// a path; layerlint also requires a revision in a VCS URL
    /// (`git+https://github.com/org/repo` is not pinned). Commands are found
    /// through wrappers (`sudo`, `env`…), with a path (`/venv/bin/pip`), as
    /// `python -m pip`, inside `sh -c '…'` and in heredoc scripts. A word
    /// that is only a variable with an unknown value is skipped, where
    /// hadolint flags it. hadolint
    /// takes any program whose name starts with `pip` for pip, and flags
    /// `pipx install black`; layerlint does not. PowerShell and `cmd`
    /// stages are skipped; hadolint reads their scripts as POSIX shell.
    pub struct PipUnpinned { package: String }
    code = "DL3013", name = "pip-unpinned", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for PipUnpinned {
    fn message(&self) -> String {
        format!(
            "`{}` is installed with `pip install` without a pinned version",
            self.package
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "Pin the version (`{}==<version>`) or install from a requirements file",
            self.package
        ))
    }
}

/// Schemes of the VCS URLs pip accepts.
const VCS: &[&str] = &["git+", "hg+", "svn+", "bzr+", "git://"];

/// Archive and wheel suffixes: a file, not a name on an index.
const FILES: &[&str] = &[".whl", ".tar.gz", ".tgz", ".tar.bz2", ".zip"];

fn is_pinned(package: &Operand<'_, '_>) -> bool {
    let text = package.text.as_ref();
    if package.opaque {
        return true;
    }
    if VCS.iter().any(|s| text.starts_with(s)) {
        // A revision follows `@` in the last path segment.
        let last = text.rsplit('/').next().unwrap_or("");
        return last.contains('@');
    }
    package.version.is_some()
        || text == "."
        || text == ".."
        || text.contains('/')
        || FILES.iter().any(|s| text.ends_with(s))
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
    for inv in script.invocations_of(crate::semantic::shell::programs::PIP.programs) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        if args.has("constraint") {
            continue;
        }
        for package in args.resolved_packages(script, inv.index, &env) {
            if is_pinned(&package) {
                continue;
            }
            checker.report(
                PipUnpinned {
                    package: package.text.to_string(),
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
                    "FROM python\nRUN pip install flask\n",
                    "FROM python\nRUN pip3 install --no-cache-dir 'django[argon2]' requests==2.32.3\n",
                    "FROM python\nRUN python3 -m pip install --upgrade pip\n",
                    "FROM python\nRUN pip install -r requirements.txt gunicorn\n",
                    "FROM python\nRUN pip install git+https://github.com/org/repo.git\n",
                    "FROM python\nRUN sudo -H pip install -i https://pypi.example.com/simple tool\n",
                    "FROM python\nRUN <<EOF\npip install black\nEOF\n",
                    "FROM python\nENV TOOLS=\"black ruff==0.5\"\nRUN pip install $TOOLS\n",
                ],
                good: &[
                    "FROM python\nRUN pip install flask==3.0.3 'requests>=2,<3' 'attrs~=23.1'\n",
                    "FROM python\nRUN pip install -r requirements.txt\n",
                    "FROM python\nRUN pip install --requirement=requirements.txt\n",
                    "FROM python\nRUN pip install -e ./lib\n",
                    "FROM python\nRUN pip install . ./dist/app-1.0-py3-none-any.whl\n",
                    "FROM python\nRUN pip install -c constraints.txt flask\n",
                    "FROM python\nRUN pip install 'pkg @ https://example.com/pkg-1.0.tar.gz'\n",
                    "FROM python\nRUN pip install git+https://github.com/org/repo.git@v1.2#egg=repo\n",
                    "FROM python\nRUN pip install $PACKAGES\n",
                    "FROM python\nRUN pip download flask && pip uninstall -y flask\n",
                    "FROM python\nRUN pipenv install flask && pipx install black\n",
                    "FROM python\nRUN --mount=type=cache,target=/root/.cache/pip <<EOF\npip install flask==3.0.3\nEOF\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN pip install flask\n",
                ],
                fixes: &[],
            },
        );
    }
}
