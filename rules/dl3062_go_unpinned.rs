use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::packages::{Operand, known_var};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a module installed with `go install` or `go get` without a
    /// pinned version.
    ///
    /// ## Why is this bad?
    /// Without a version, Go fetches the newest release (or the newest
    /// commit) on the day of the build: two builds of the same commit can
    /// produce different images, and a new release can break the build.
    ///
    /// A package counts as pinned when it names a version
    /// (`golang.org/x/tools/gopls@v0.15.3`) other than `@latest`; local
    /// packages (`.`, `./cmd/app`, `/src/app`) and the patterns `tool`,
    /// `all`, `std` and `cmd` need none. A word that is
    /// only a variable is checked with the value the script, `ENV` or `ARG`
    /// gives it, and skipped when that is not known.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22
    /// RUN go install golang.org/x/tools/gopls
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22
    /// RUN go install golang.org/x/tools/gopls@v0.15.3
    /// ```
    ///
    /// ## Differences from hadolint
    /// The finding points at each unpinned package rather than at the whole
    /// `RUN`. `@latest` asks for the newest release and is flagged;
    /// hadolint accepts any `@`. hadolint also flags local packages
    /// (`go install ./cmd/app`) and `go run make.go`, which build code
    /// from the context. Option values (`-ldflags '…'`,
    /// `-o /bin/app`) are not packages. Commands are found through wrappers
    /// (`sudo`, `env`…), inside `sh -c '…'` and in heredoc scripts. A word
    /// that is only a variable with an unknown value is skipped.
    pub struct GoUnpinned { package: String, name: String, subcommand: String }
    code = "DL3062", name = "go-unpinned", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [Run],
}

impl Violation for GoUnpinned {
    fn message(&self) -> String {
        format!(
            "`{}` is installed with `go {}` without a pinned version",
            self.package, self.subcommand
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!("Pin the version: `{}@<version>`", self.name))
    }
}

fn is_pinned(package: &Operand<'_, '_>) -> bool {
    let text = package.text.as_ref();
    package.opaque
        || matches!(text, "tool" | "all" | "std" | "cmd")
        || text.starts_with('.')
        || text.starts_with('/')
        || package
            .version
            .as_deref()
            .is_some_and(|v| !v.is_empty() && v != "latest")
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
    for inv in script.invocations_of(&["go"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        let subcommand = args.subcommand().unwrap_or("install").to_owned();
        for package in args.resolved_packages(script, inv.index, &env) {
            if is_pinned(&package) {
                continue;
            }
            checker.report(
                GoUnpinned {
                    package: package.text.to_string(),
                    name: package.name.to_string(),
                    subcommand: subcommand.clone(),
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
                    "FROM golang\nRUN go install golang.org/x/tools/gopls\n",
                    "FROM golang\nRUN go get -u -v github.com/golang/dep/cmd/dep\n",
                    "FROM golang\nRUN go install github.com/go-delve/delve/cmd/dlv@latest\n",
                    "FROM golang\nRUN GO111MODULE=on go get -ldflags '-s -w' example.com/tool honnef.co/go/tools/cmd/staticcheck@2023.1.7\n",
                    "FROM golang\nRUN <<EOF\ngo install mvdan.cc/gofumpt\nEOF\n",
                ],
                good: &[
                    "FROM golang\nRUN go install golang.org/x/tools/gopls@v0.15.3\n",
                    "FROM golang\nRUN go install ./cmd/app && go install . && go get -d ./...\n",
                    "FROM golang\nRUN go install -o /bin/app /src/app\n",
                    "FROM golang\nRUN go build -o /bin/app ./cmd/app && go mod download\n",
                    "FROM golang\nRUN go get\n",
                    "FROM golang\nRUN go install tool\n",
                    "FROM golang\nRUN --mount=target=/go/pkg/mod,type=cache <<EOF\ngo install golang.org/x/tools/gopls@v0.15.3\nEOF\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN go install golang.org/x/tools/gopls\n",
                    "FROM golang\nRUN go install $TOOLS\n",
                    "FROM golang\nARG V=v1.2.0\nRUN go install example.com/tool@${V}\n",
                ],
                fixes: &[],
            },
        );
    }
}
