use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags `USER` given as a name (`USER app`) rather than a numeric user
    /// ID (`USER 10001`, `USER 10001:10001`). Only the user part is checked;
    /// a group name after `:` is accepted.
    ///
    /// ## Why is this bad?
    /// A name is resolved through the image's `/etc/passwd`. Tools outside
    /// the container (Kubernetes `runAsNonRoot`, volume ownership on the
    /// host, security scanners) see only the ID and cannot tell whether a
    /// name stands for root. A numeric ID means the same thing everywhere.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -D -u 10001 app
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -D -u 10001 app
    /// USER 10001
    /// ```
    ///
    /// ## Differences from hadolint
    /// Variables are expanded: `ARG UID=10001` … `USER $UID` is numeric and
    /// not flagged, and a value unknown at lint time (a build argument
    /// without a default, a base-image variable) is not flagged either;
    /// hadolint (2.15) flags a variable that no `ARG` or `ENV` of the file
    /// declares (`USER $APP_UID`, set by the base image) and accepts one
    /// that the file declares, whatever its default: `ARG USERNAME=vscode`
    /// … `USER $USERNAME` is flagged by layerlint only.
    pub struct NonNumericUser { user: String }
    code = "DL3066", name = "non-numeric-user", aliases = [],
    category = Security, severity = Info, fix = None,
    visits = [User],
}

impl Violation for NonNumericUser {
    fn message(&self) -> String {
        format!(
            "`USER {}` names the user: the host cannot resolve a name to a user ID",
            self.user
        )
    }

    fn help(&self) -> Option<String> {
        Some("Use the numeric user ID, e.g. `USER 10001`".to_string())
    }
}

fn is_numeric_user(user: &str) -> bool {
    let uid = user.split_once(':').map_or(user, |(uid, _)| uid);
    uid.bytes().all(|b| b.is_ascii_digit())
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::Text { text: Some(word) } = &inst.args else {
        return;
    };
    let Ok(expanded) = checker.vars().expand(checker.instruction_index(), word) else {
        return;
    };
    if let Some(user) = expanded.known()
        && !is_numeric_user(user)
    {
        checker.report(
            NonNumericUser {
                user: user.to_string(),
            },
            word.range,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_numeric_user;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\nUSER app\n",
                    "FROM alpine\nUSER root\n",
                    "FROM alpine\nUSER app:app\n",
                    "FROM alpine\nARG NAME=app\nUSER $NAME\n",
                    "FROM alpine\nONBUILD USER nobody\n",
                ],
                good: &[
                    "FROM alpine\nUSER 10001\n",
                    "FROM alpine\nUSER 10001:10001\n",
                    "FROM alpine\nUSER 10001:app\n",
                    "FROM alpine\nARG UID=10001\nUSER ${UID}\n",
                    "FROM alpine\nARG UID\nUSER ${UID}\n",
                    "FROM alpine\nUSER $UID:$GID\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn numeric() {
        for user in ["0", "10001", "10001:10001", "1:wheel", ""] {
            assert!(is_numeric_user(user), "{user}");
        }
        for user in ["app", "root", "1a", "app:1"] {
            assert!(!is_numeric_user(user), "{user}");
        }
    }
}
