use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Keyword;

declare_rule! {
    /// ## What it does
    /// Flags every instruction other than `ARG` that comes before the first
    /// `FROM`. Only parser directives, comments and `ARG` may precede it.
    ///
    /// ## Why is this bad?
    /// Instructions belong to a build stage, and stages start with `FROM`.
    /// BuildKit refuses to build a file whose first instruction is anything
    /// else (`ARG` aside, which declares values for `FROM` lines).
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV NODE_ENV=production
    /// FROM node:22-alpine
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG NODE_VERSION=22
    /// FROM node:${NODE_VERSION}-alpine
    /// ENV NODE_ENV=production
    /// ```
    pub struct InvalidInstructionOrder { keyword: String }
    code = "DL3061", name = "invalid-instruction-order", aliases = [],
    category = Correctness, severity = Error, fix = None,
    visits = file,
}

impl Violation for InvalidInstructionOrder {
    fn message(&self) -> String {
        format!("`{}` comes before the first `FROM`", self.keyword)
    }

    fn help(&self) -> Option<String> {
        Some("Move it after `FROM`; only `ARG` may come before the first `FROM`".to_string())
    }
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    for inst in file
        .instructions
        .iter()
        .take_while(|i| i.kind != Keyword::From)
        .filter(|i| i.kind != Keyword::Arg)
    {
        checker.report(
            InvalidInstructionOrder {
                keyword: inst.keyword.value.to_string(),
            },
            inst.keyword.range,
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
                    "RUN echo hi\nFROM alpine\n",
                    "# syntax=docker/dockerfile:1\n# a comment\nARG A=1\nLABEL a=b\nenv c=d\nFROM alpine\nRUN true\n",
                    "CMD [\"app\"]\n",
                ],
                good: &[
                    "FROM alpine\nRUN true\n",
                    "# syntax=docker/dockerfile:1\n# comment\nARG BASE=alpine\nARG TAG\nFROM $BASE:$TAG\n",
                ],
                fixes: &[],
            },
        );
    }
}
