use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::packages::{Operand, known_var};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a package installed with `npm install` (or `npm i`, `npm add`)
    /// without a pinned version.
    ///
    /// ## Why is this bad?
    /// Without a version, npm installs the newest release on the day of the
    /// build: two builds of the same commit can produce different images,
    /// and a new release can break the build or the application.
    /// `npm install` without packages (or `npm ci`) installs what
    /// `package.json` and the lock file say, and is not flagged.
    ///
    /// A package counts as pinned when it names a version, a range or a tag
    /// other than `latest` (`typescript@5.4.5`, `@angular/cli@17`), when it
    /// is a local folder or a tarball (`./lib`, `pkg-1.0.0.tgz`), and a git
    /// URL or GitHub shorthand when it names a commit or tag
    /// (`git+https://…/repo.git#v1.2`, `owner/repo#v1.2`). A package word
    /// that is only a variable is checked with the value the script, `ENV`
    /// or `ARG` gives it, and skipped when that is not known.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// RUN npm install -g typescript
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// RUN npm install -g typescript@5.4.5
    /// ```
    ///
    /// ## Differences from hadolint
    /// The finding points at each unpinned package rather than at the whole
    /// `RUN`. hadolint checks only `npm install` whose first operand is
    /// `install`; layerlint also checks its aliases (`npm i`, `npm add`…)
    /// and options before the subcommand (`npm --prefix /app install x`).
    /// `pkg@latest` asks for the newest release and is flagged; hadolint
    /// accepts any `@`. Option values (`--registry <url>`) are not
    /// packages. Commands are found through wrappers (`sudo`, `env`…),
    /// inside `sh -c '…'` and in heredoc scripts. A word that is only a
    /// variable with an unknown value is skipped, where hadolint flags it.
    /// PowerShell and `cmd` stages are skipped; hadolint reads their
    /// scripts as POSIX shell.
    pub struct NpmUnpinned { package: String, name: String }
    code = "DL3016", name = "npm-unpinned", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for NpmUnpinned {
    fn message(&self) -> String {
        format!(
            "`{}` is installed with `npm install` without a pinned version",
            self.package
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!("Pin the version: `{}@<version>`", self.name))
    }
}

const GIT: &[&str] = &[
    "git://",
    "git+ssh://",
    "git+http://",
    "git+https://",
    "git+file://",
    "github:",
    "gitlab:",
    "bitbucket:",
    "gist:",
];

const FOLDERS: &[&str] = &["/", "./", "../", "~/"];

const TARBALLS: &[&str] = &[".tar", ".tar.gz", ".tgz"];

fn is_pinned(package: &Operand<'_, '_>) -> bool {
    let text = package.text.as_ref();
    if package.opaque {
        return true;
    }
    // `owner/repo` is GitHub shorthand; `@scope/name` is a package.
    let shorthand = !text.starts_with('@') && text.contains('/') && !text.contains(':');
    if GIT.iter().any(|p| text.starts_with(p)) || (shorthand && !is_local(text)) {
        return text.contains('#');
    }
    if is_local(text) || TARBALLS.iter().any(|s| text.ends_with(s)) {
        return true;
    }
    package
        .version
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "latest")
}

fn is_local(text: &str) -> bool {
    text == "." || text == ".." || FOLDERS.iter().any(|p| text.starts_with(p))
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
    for inv in script.invocations_of(&["npm"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        for package in args.resolved_packages(script, inv.index, &env) {
            if is_pinned(&package) {
                continue;
            }
            checker.report(
                NpmUnpinned {
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
                    "FROM node\nRUN npm install express\n",
                    "FROM node\nRUN npm i -g @angular/cli typescript@5.4.5\n",
                    "FROM node\nRUN npm install -g npm@latest\n",
                    "FROM node\nRUN npm --prefix /app install --registry https://registry.example.com left-pad\n",
                    "FROM node\nRUN npm install git+https://github.com/org/repo.git\n",
                    "FROM node\nRUN <<EOF\nnpm add lodash\nEOF\n",
                    "FROM node\nRUN sudo npm install -g yarn\n",
                ],
                good: &[
                    "FROM node\nRUN npm install\n",
                    "FROM node\nRUN npm ci --omit=dev\n",
                    "FROM node\nRUN npm install express@4.19.2 @angular/cli@17 'react@^18'\n",
                    "FROM node\nRUN npm install ./lib /opt/pkg ../x ~/y pkg-1.0.0.tgz\n",
                    "FROM node\nRUN npm install git+https://github.com/org/repo.git#v1.2 org/repo#abc123\n",
                    "FROM node\nRUN npm install -g $PACKAGES\n",
                    "FROM node\nRUN npm run build && npm test\n",
                    "FROM node\nARG V=5.4.5\nRUN npm install -g typescript@$V\n",
                    "FROM node\nRUN --mount=type=cache,target=/root/.npm <<EOF\nnpm install -g typescript@5.4.5\nEOF\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN npm install -g yarn\n",
                ],
                fixes: &[],
            },
        );
    }
}
