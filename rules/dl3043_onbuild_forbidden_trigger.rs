use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Flags `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses all three: `ONBUILD` cannot be chained, and `FROM`
    /// and `MAINTAINER` are not allowed as triggers. The build fails as soon
    /// as the Dockerfile is parsed, before any step runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// ONBUILD FROM node:22-alpine
    /// ONBUILD COPY package.json ./
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// ONBUILD COPY package.json ./
    /// ```
    pub struct OnbuildForbiddenTrigger { trigger: String }
    code = "DL3043", name = "onbuild-forbidden-trigger", aliases = [],
    category = Correctness, severity = Error, fix = None,
    visits = [Onbuild],
}

impl Violation for OnbuildForbiddenTrigger {
    fn message(&self) -> String {
        format!("`{}` is not allowed as an `ONBUILD` trigger", self.trigger)
    }

    fn help(&self) -> Option<String> {
        Some(format!("Remove `ONBUILD {}`", self.trigger))
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::Onbuild(Some(trigger)) = &inst.args else {
        return;
    };
    if matches!(
        trigger.kind,
        Keyword::Onbuild | Keyword::From | Keyword::Maintainer
    ) {
        checker.report(
            OnbuildForbiddenTrigger {
                trigger: trigger.keyword.value.to_string(),
            },
            trigger.keyword.range,
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
                    "FROM alpine\nONBUILD ONBUILD RUN true\n",
                    "FROM alpine\nONBUILD FROM alpine\n",
                    "FROM alpine\nonbuild maintainer Jane\n",
                ],
                good: &[
                    "FROM alpine\nONBUILD RUN true\n",
                    "FROM alpine\nONBUILD COPY . /app\n",
                    "FROM alpine\nMAINTAINER Jane\n",
                ],
                fixes: &[],
            },
        );
    }
}
