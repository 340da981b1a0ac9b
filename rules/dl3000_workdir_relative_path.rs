use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags a `WORKDIR` with a relative path.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the previous one, which may be
    /// set by the base image and change without notice. An absolute path says
    /// where commands run, whatever the base image does.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// WORKDIR app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// WORKDIR /app
    /// ```
    ///
    /// ## Differences from hadolint
    /// Like hadolint, a path starting with a variable (`$HOME/app`) or a
    /// Windows drive (`C:\app`) is accepted; quotes around the path are
    /// looked through.
    pub struct WorkdirRelativePath { path: String }
    code = "DL3000", name = "workdir-relative-path", aliases = ["WorkdirRelativePath"],
    category = Correctness, severity = Error, fix = None,
    visits = [Workdir],
}

impl Violation for WorkdirRelativePath {
    fn message(&self) -> String {
        format!("`WORKDIR {}` is a relative path", self.path)
    }

    fn help(&self) -> Option<String> {
        Some("Use an absolute path".to_string())
    }
}

fn is_absolute(path: &str) -> bool {
    let path = path.trim_matches(|c| c == '"' || c == '\'');
    let bytes = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('$')
        || path.starts_with('\\')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

fn check(checker: &mut Checker, inst: &Instruction) {
    if let Args::Text { text: Some(path) } = &inst.args
        && !is_absolute(&path.value)
    {
        checker.report(
            WorkdirRelativePath {
                path: path.value.to_string(),
            },
            path.range,
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
                    "FROM alpine\nWORKDIR app\n",
                    "FROM alpine\nWORKDIR ./src\n",
                    "FROM alpine\nWORKDIR \"relative dir\"\n",
                ],
                good: &[
                    "FROM alpine\nWORKDIR /app\n",
                    "FROM alpine\nWORKDIR $HOME/app\n",
                    "FROM alpine\nWORKDIR ${APP_HOME}\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n",
                    "FROM alpine\nWORKDIR \"/quoted path\"\n",
                ],
                fixes: &[],
            },
        );
    }
}
