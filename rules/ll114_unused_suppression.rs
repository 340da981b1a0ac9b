use crate::declare_rule;
use crate::engine::Violation;

declare_rule! {
    /// ## What it does
    /// Flags a suppression comment, or a rule named in one, that suppresses
    /// no finding.
    ///
    /// It reads `# layerlint ignore=…`, hadolint's `# hadolint ignore=…` and
    /// BuildKit's `# check=skip=…`, and also flags names that name no rule,
    /// suppression comments in a place where they cannot apply, and comments
    /// that look like suppressions but are not understood.
    ///
    /// ## Why is this bad?
    /// A suppression that no longer suppresses anything is noise today and
    /// hides the next real finding of that rule there tomorrow. A misspelled
    /// rule name, or a comment separated from its instruction by a blank
    /// line, looks like it silences a finding while it silences nothing.
    ///
    /// Names of rules that did not run (not selected) are not reported, nor
    /// ShellCheck codes (`SC2086`) in hadolint pragmas, nor BuildKit check
    /// names that layerlint has no rule for.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # layerlint ignore=DL3000
    /// WORKDIR /app
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # layerlint ignore=workdir-relative-pth -- generated path
    /// WORKDIR app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// WORKDIR /app
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # layerlint ignore=workdir-relative-path -- generated path
    /// WORKDIR app
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the name from the list, or the whole comment when no
    /// name in it is used. That changes no finding, so it is safe for
    /// `# layerlint` comments and for names that name no rule. Removing a
    /// name layerlint finds unused from a `# hadolint` pragma or a `check`
    /// directive is marked unsafe: hadolint or BuildKit read the same comment
    /// and may still need it.
    ///
    /// Comments in the wrong place get no fix: they should be moved, not
    /// deleted.
    pub struct UnusedSuppression { problem: Problem }
    code = "LL114", name = "unused-suppression", aliases = [],
    category = Maintainability, severity = Warning, fix = Sometimes,
    default = false,
    visits = engine,
}

/// What is wrong with a suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// These names suppressed no finding (`whole`: nor did any other name
    /// in the comment).
    Unused { names: Vec<String>, whole: bool },
    /// Names that name no rule.
    Unknown { names: Vec<String> },
    /// A line suppression not directly above an instruction.
    Misplaced,
    /// A suppression inside a continued instruction.
    InContinuation,
    /// A `# layerlint`/`# hadolint` suppression that does not parse.
    Malformed { text: String, tool: &'static str },
    /// A `check` value BuildKit cannot read.
    InvalidCheck { detail: String },
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Violation for UnusedSuppression {
    fn message(&self) -> String {
        match &self.problem {
            Problem::Unused { names, .. } if names.len() == 1 => {
                format!(
                    "Unused suppression: {} suppresses nothing here",
                    quoted(names)
                )
            }
            Problem::Unused { names, .. } => {
                format!(
                    "Unused suppression: {} suppress nothing here",
                    quoted(names)
                )
            }
            Problem::Unknown { names } if names.len() == 1 => {
                format!("{} in a suppression names no rule", quoted(names))
            }
            Problem::Unknown { names } => {
                format!("{} in a suppression name no rule", quoted(names))
            }
            Problem::Misplaced => {
                "Suppression comment is not directly above an instruction, so it suppresses nothing"
                    .to_string()
            }
            Problem::InContinuation => {
                "Suppression comment inside a continued instruction suppresses nothing".to_string()
            }
            Problem::Malformed { text, .. } => {
                format!("`{text}` is not a valid suppression comment")
            }
            Problem::InvalidCheck { detail } => format!("Invalid `check` option: {detail}"),
        }
    }

    fn help(&self) -> Option<String> {
        Some(
            match &self.problem {
                Problem::Unused { whole: true, .. } => "Remove the suppression".to_string(),
                Problem::Unused { names, .. } => format!("Remove {}", quoted(names)),
                Problem::Unknown { .. } => "Correct the rule name, or remove it".to_string(),
                Problem::Misplaced => {
                    "Move the comment to the line directly above the instruction".to_string()
                }
                Problem::InContinuation => "Move the comment above the instruction".to_string(),
                Problem::Malformed { tool, .. } if *tool == "hadolint" => {
                    "Write `# hadolint ignore=CODE[,CODE…]`; a reason must follow a `#`".to_string()
                }
                Problem::Malformed { tool, .. } => {
                    format!("Write `# {tool} ignore=CODE[,CODE…] [-- reason]`")
                }
                Problem::InvalidCheck { .. } => {
                    "Write `skip=NAME[,NAME…]|all`, `error=true|false` or `experimental=…`, separated by `;`"
                        .to_string()
                }
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{Cases, test_rule_with};

    #[test]
    fn cases() {
        test_rule_with(
            &super::RULE,
            &["DL3000", "LL102"],
            Cases {
                bad: &[
                    // unused, one name: the whole comment goes
                    "FROM alpine:3.20\n# layerlint ignore=DL3000\nWORKDIR /app\n",
                    // one of two names unused
                    "FROM alpine:3.20\n# layerlint ignore=DL3000,LL102 -- legacy\nWORKDIR app\n",
                    // names that name no rule
                    "FROM alpine:3.20\n# layerlint ignore=DL3000, DL9999\nWORKDIR app\n",
                    "FROM alpine:3.20\n# hadolint ignore=DL9998,DL9999\nWORKDIR app\n",
                    // global and stage forms
                    "# layerlint global ignore=LL102\nFROM alpine:3.20\n",
                    "FROM alpine:3.20\n# layerlint stage ignore=DL3000\nWORKDIR /app\n",
                    // hadolint pragmas: unused names get an unsafe fix
                    "FROM alpine:3.20\n# hadolint ignore=DL3000,SC2086\nRUN cd /tmp\n",
                    "FROM alpine:3.20\n# hadolint ignore=DL3000\nWORKDIR /app\n",
                    // a blank line between comment and instruction
                    "FROM alpine:3.20\n# layerlint ignore=DL3000\n\nWORKDIR app\n",
                    // hadolint's pragma must be on the line right above
                    "FROM alpine:3.20\n# hadolint ignore=DL3000\n# relative on purpose\nWORKDIR app\n",
                    // inside a continuation
                    "FROM alpine:3.20\nRUN true \\\n# layerlint ignore=DL3000\n  && false\n",
                    // not understood
                    "FROM alpine:3.20\n# layerlint ignore DL3000\nWORKDIR app\n",
                    "FROM alpine:3.20\n# hadolint ignore=DL3000 -- reason\nWORKDIR app\n",
                    // BuildKit's check directive and comments
                    "# check=skip=FromAsCasing;error=true\nFROM alpine:3.20 AS base\n",
                    "# check=skip=FromAsCasing,WorkdirRelativePath\nFROM alpine:3.20 as base\n",
                    "# check=skipp=FromAsCasing\nFROM alpine:3.20\n",
                    "FROM alpine:3.20\n# check=skip=NoSuchCheck\nWORKDIR /app\n",
                ],
                good: &[
                    "FROM alpine:3.20\n# layerlint ignore=DL3000\nWORKDIR app\n",
                    "FROM alpine:3.20\n# layerlint ignore=workdir-relative-path -- generated\nWORKDIR app\n",
                    "FROM alpine:3.20\n# layerlint ignore=DL30\nWORKDIR app\n",
                    "FROM alpine:3.20\n# a note\n# layerlint ignore=WorkdirRelativePath\nWORKDIR app\n",
                    "# layerlint global ignore=DL3000\nFROM alpine:3.20\nWORKDIR app\n",
                    "FROM alpine:3.20\n# layerlint stage ignore=DL3000\nRUN true\nWORKDIR app\n",
                    // ShellCheck codes are hadolint's business
                    "FROM alpine:3.20\n# hadolint ignore=DL3000,SC2086\nWORKDIR app\n",
                    "FROM alpine:3.20\n# hadolint shell=powershell\nRUN Get-Process\n",
                    // rules that did not run are not reported
                    "FROM alpine:3.20\n# layerlint ignore=LL001\nWORKDIR /app\n",
                    // BuildKit checks layerlint has no rule for
                    "# check=skip=InvalidBaseImagePlatform\nFROM alpine:3.20\n",
                    "# check=skip=all\nFROM alpine:3.20\n",
                    "# check=error=true\nFROM alpine:3.20\n",
                    "# check=skip=FromAsCasing\nFROM alpine:3.20 as base\n",
                    "FROM alpine:3.20\n# check=skip=WorkdirRelativePath\n\nWORKDIR app\n",
                    // suppressing LL114 itself
                    "# layerlint global ignore=LL114\nFROM alpine:3.20\n# layerlint ignore=DL3000\nWORKDIR /app\n",
                    "FROM alpine:3.20\n# just a comment about layerlint ignore rules\nWORKDIR /app\n",
                ],
                fixes: &[
                    (
                        "FROM alpine:3.20\n# layerlint ignore=DL3000\nWORKDIR /app\n",
                        "FROM alpine:3.20\nWORKDIR /app\n",
                    ),
                    (
                        "FROM alpine:3.20\n# layerlint ignore=DL3000,LL102 -- legacy\nWORKDIR app\n",
                        "FROM alpine:3.20\n# layerlint ignore=DL3000 -- legacy\nWORKDIR app\n",
                    ),
                    (
                        "FROM alpine:3.20\n# layerlint ignore=LL102, DL3000 , DL9999\nWORKDIR app\n",
                        "FROM alpine:3.20\n# layerlint ignore=DL3000\nWORKDIR app\n",
                    ),
                    (
                        "FROM alpine:3.20\n# hadolint ignore=DL3000,SC2086\nRUN cd /tmp\n",
                        "FROM alpine:3.20\n# hadolint ignore=SC2086\nRUN cd /tmp\n",
                    ),
                    (
                        "# check=skip=FromAsCasing;error=true\nFROM alpine:3.20 AS base\n",
                        "# check=error=true\nFROM alpine:3.20 AS base\n",
                    ),
                    (
                        "# check=error=true;skip=FromAsCasing\nFROM alpine:3.20 AS base\n",
                        "# check=error=true\nFROM alpine:3.20 AS base\n",
                    ),
                    (
                        "# syntax=docker/dockerfile:1\n# check=skip=FromAsCasing,WorkdirRelativePath\nFROM alpine:3.20 as base\n",
                        "# syntax=docker/dockerfile:1\n# check=skip=FromAsCasing\nFROM alpine:3.20 as base\n",
                    ),
                ],
            },
        );
    }
}
