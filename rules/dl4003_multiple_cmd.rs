use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Keyword;

declare_rule! {
    /// ## What it does
    /// Flags a `CMD` that a later `CMD` in the same stage overrides.
    ///
    /// Every one but the last is flagged, with a note pointing at the one that
    /// takes effect. `ONBUILD CMD` is not counted: it belongs to the images
    /// built from this one.
    ///
    /// ## Why is this bad?
    /// A stage has one default command. Only the last `CMD` is kept; the
    /// earlier ones do nothing but mislead the reader, who may think they run
    /// one after the other.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "manage.py", "migrate"]
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## Differences from hadolint
    /// Both count per stage and ignore `ONBUILD CMD`. hadolint flags every
    /// `CMD` after the first; layerlint flags every one before the last, as
    /// BuildKit does, because those are the ones that have no effect.
    pub struct MultipleCmd { keyword: String }
    code = "DL4003", name = "multiple-cmd", aliases = ["MultipleInstructionsDisallowed"],
    category = Correctness, severity = Warning, fix = None,
    visits = file,
}

impl Violation for MultipleCmd {
    fn message(&self) -> String {
        format!(
            "`{}` is overridden by a later `CMD` in the same stage",
            self.keyword
        )
    }

    fn help(&self) -> Option<String> {
        Some("Remove this `CMD`, or merge it into the last one".to_string())
    }
}

fn check(checker: &mut Checker) {
    for (inst, last) in checker.stages.overridden(checker.file, Keyword::Cmd) {
        checker
            .report(
                MultipleCmd {
                    keyword: inst.keyword.value.to_string(),
                },
                inst.keyword.range,
            )
            .with_related(last.keyword.range, "this `CMD` takes effect");
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
                    "FROM alpine\nCMD [\"a\"]\nCMD [\"b\"]\n",
                    "FROM alpine\nCMD a\nRUN true\ncmd b\nCMD [\"c\"]\n",
                    "FROM alpine AS one\nCMD [\"a\"]\nFROM alpine\nCMD [\"b\"]\nCMD [\"c\"]\n",
                ],
                good: &[
                    "FROM alpine\nCMD [\"a\"]\n",
                    "FROM alpine AS one\nCMD [\"a\"]\nFROM one\nCMD [\"b\"]\n",
                    "FROM alpine\nONBUILD CMD [\"a\"]\nCMD [\"b\"]\n",
                    "CMD [\"a\"]\nFROM alpine\nCMD [\"b\"]\n",
                ],
                fixes: &[],
            },
        );
    }
}
