use crate::declare_rule;
use crate::engine::{Checker, Violation};

declare_rule! {
    /// ## What it does
    /// Flags inline suppression comments: `# hadolint ignore=…` and
    /// `# layerlint ignore=…` above an instruction. Off by default; select it
    /// where every exception must live in the configuration instead.
    ///
    /// ## Why is this bad?
    /// Inline suppressions are scattered through the Dockerfiles of a
    /// repository, so nobody sees the whole list of exceptions, and they
    /// outlive the reason they were added for. Teams that review exceptions
    /// centrally keep them in `.layerlint.yaml` (`ignore`, `per-file-ignores`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// # hadolint ignore=DL3008
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl=7.88.1-10
    /// ```
    ///
    /// File-wide (`global ignore=`) and stage-wide (`stage ignore=`) forms
    /// and BuildKit's `# check=skip=…` are not flagged, as in hadolint;
    /// `--no-inline-ignores` disregards all of them.
    pub struct InlineIgnorePragma { tool: String }
    code = "DL1001", name = "inline-ignore-pragma", aliases = [],
    category = Maintainability, severity = Info, fix = None,
    default = false,
    visits = file,
}

impl Violation for InlineIgnorePragma {
    fn message(&self) -> String {
        format!("Inline `{} ignore=` pragma", self.tool)
    }

    fn help(&self) -> Option<String> {
        Some("Move the exception to the configuration file".to_string())
    }
}

/// The tool of a line-level ignore pragma (`hadolint ignore=…`, comment
/// text after the `#`).
fn ignore_pragma_tool(comment: &str) -> Option<&'static str> {
    let is_space = |c: char| c == ' ' || c == '\t';
    let rest = comment.trim_start_matches(is_space);
    let (tool, rest) = if let Some(rest) = rest.strip_prefix("hadolint") {
        ("hadolint", rest)
    } else {
        ("layerlint", rest.strip_prefix("layerlint")?)
    };
    let after = rest.trim_start_matches(is_space);
    if after.len() == rest.len() {
        return None;
    }
    let rest = after.strip_prefix("ignore")?;
    rest.trim_start_matches(is_space)
        .starts_with('=')
        .then_some(tool)
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    for comment in &file.comments {
        if let Some(tool) = ignore_pragma_tool(comment.text) {
            checker.report(
                InlineIgnorePragma {
                    tool: tool.to_string(),
                },
                comment.range,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ignore_pragma_tool;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\n# hadolint ignore=DL3018\nRUN apk add curl\n",
                    "FROM alpine\n#layerlint ignore = DL3018, SC2086 -- pinned by the base\nRUN apk add curl\n",
                    "FROM alpine\n\t# hadolint\tignore=DL3018\nRUN apk add curl\n",
                ],
                good: &[
                    "# hadolint global ignore=DL3018\nFROM alpine\nRUN apk add curl\n",
                    "FROM alpine\n# layerlint stage ignore=DL3018\nRUN apk add curl\n",
                    "FROM alpine\n# hadolint shell=bash\nRUN apk add curl\n",
                    "FROM alpine\n# check=skip=JSONArgsRecommended\nCMD app\n",
                    "FROM alpine\n# ignore=DL3018 hadolint\nRUN apk add curl\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn pragma_forms() {
        assert_eq!(
            ignore_pragma_tool(" hadolint ignore=DL3008"),
            Some("hadolint")
        );
        assert_eq!(
            ignore_pragma_tool(" layerlint ignore =DL3008"),
            Some("layerlint")
        );
        assert_eq!(ignore_pragma_tool(" hadolintignore=DL3008"), None);
        assert_eq!(ignore_pragma_tool(" hadolint global ignore=DL3008"), None);
        assert_eq!(ignore_pragma_tool(" hadolint ignored"), None);
    }
}
