use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Keyword;

declare_rule! {
    /// ## What it does
    /// Flags a `ENTRYPOINT` that a later `ENTRYPOINT` in the same stage
    /// overrides.
    ///
    /// Every one but the last is flagged, with a note pointing at the one that
    /// takes effect. `ONBUILD ENTRYPOINT` is not counted: it belongs to the
    /// images built from this one.
    ///
    /// ## Why is this bad?
    /// A stage has one entrypoint. Only the last `ENTRYPOINT` is kept; the
    /// earlier ones do nothing but mislead the reader.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/sbin/tini", "--"]
    /// ENTRYPOINT ["/usr/local/bin/app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/usr/local/bin/app"]
    /// ```
    ///
    /// ## Differences from hadolint
    /// Both count per stage and ignore `ONBUILD ENTRYPOINT`. hadolint flags
    /// every `ENTRYPOINT` after the first; layerlint flags every one before the
    /// last, as BuildKit does, because those are the ones that have no effect.
    pub struct MultipleEntrypoint { keyword: String }
    code = "DL4004", name = "multiple-entrypoint", aliases = ["MultipleInstructionsDisallowed"],
    category = Correctness, severity = Error, fix = None,
    visits = file,
}

impl Violation for MultipleEntrypoint {
    fn message(&self) -> String {
        format!(
            "`{}` is overridden by a later `ENTRYPOINT` in the same stage",
            self.keyword
        )
    }

    fn help(&self) -> Option<String> {
        Some("Remove this `ENTRYPOINT`, or merge it into the last one".to_string())
    }
}

fn check(checker: &mut Checker) {
    for (inst, last) in checker.stages.overridden(checker.file, Keyword::Entrypoint) {
        checker
            .report(
                MultipleEntrypoint {
                    keyword: inst.keyword.value.to_string(),
                },
                inst.keyword.range,
            )
            .with_related(last.keyword.range, "this `ENTRYPOINT` takes effect");
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
                    "FROM alpine\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n",
                    "FROM alpine\nENTRYPOINT a\nCMD [\"x\"]\nentrypoint b\nENTRYPOINT [\"c\"]\n",
                ],
                good: &[
                    "FROM alpine\nENTRYPOINT [\"a\"]\nCMD [\"b\"]\n",
                    "FROM alpine AS one\nENTRYPOINT [\"a\"]\nFROM one\nENTRYPOINT [\"b\"]\n",
                    "FROM alpine\nONBUILD ENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n",
                ],
                fixes: &[],
            },
        );
    }
}
