use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Keyword;

declare_rule! {
    /// ## What it does
    /// Flags a `HEALTHCHECK` that a later `HEALTHCHECK` in the same stage
    /// overrides.
    ///
    /// Every one but the last is flagged, with a note pointing at the one that
    /// takes effect. `ONBUILD HEALTHCHECK` is not counted: it belongs to the
    /// images built from this one.
    ///
    /// ## Why is this bad?
    /// A stage has one health check. Only the last `HEALTHCHECK` is kept
    /// (`HEALTHCHECK NONE` included); the earlier ones never run.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD curl -f http://localhost/ || exit 1
    /// HEALTHCHECK --interval=30s CMD curl -f http://localhost/health || exit 1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK --interval=30s CMD curl -f http://localhost/health || exit 1
    /// ```
    ///
    /// ## Differences from hadolint
    /// Both count per stage and ignore `ONBUILD HEALTHCHECK`. hadolint flags
    /// every `HEALTHCHECK` after the first; layerlint flags every one before
    /// the last, as BuildKit does, because those are the ones that have no
    /// effect.
    pub struct MultipleHealthcheck { keyword: String }
    code = "DL3012", name = "multiple-healthcheck", aliases = ["MultipleInstructionsDisallowed"],
    category = Correctness, severity = Error, fix = None,
    visits = file,
}

impl Violation for MultipleHealthcheck {
    fn message(&self) -> String {
        format!(
            "`{}` is overridden by a later `HEALTHCHECK` in the same stage",
            self.keyword
        )
    }

    fn help(&self) -> Option<String> {
        Some("Remove this `HEALTHCHECK`, or merge it into the last one".to_string())
    }
}

fn check(checker: &mut Checker) {
    for (inst, last) in checker
        .stages
        .overridden(checker.file, Keyword::Healthcheck)
    {
        checker
            .report(
                MultipleHealthcheck {
                    keyword: inst.keyword.value.to_string(),
                },
                inst.keyword.range,
            )
            .with_related(last.keyword.range, "this `HEALTHCHECK` takes effect");
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
                    "FROM alpine\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\n",
                    "FROM alpine\nHEALTHCHECK CMD a\nHEALTHCHECK CMD b\nHEALTHCHECK CMD c\n",
                ],
                good: &[
                    "FROM alpine\nHEALTHCHECK CMD true\n",
                    "FROM alpine AS one\nHEALTHCHECK CMD a\nFROM one\nHEALTHCHECK NONE\n",
                    "FROM alpine\nONBUILD HEALTHCHECK CMD a\nHEALTHCHECK CMD b\n",
                ],
                fixes: &[],
            },
        );
    }
}
