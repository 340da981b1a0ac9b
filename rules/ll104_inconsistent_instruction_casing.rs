use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::{Args, Instruction, Keyword, Word};

declare_rule! {
    /// ## What it does
    /// Flags instruction keywords whose case differs from the rest of the
    /// file: `run` in a file written with `RUN`, or a mixed-case keyword such
    /// as `Run` anywhere.
    ///
    /// ## Why is this bad?
    /// Keywords are case-insensitive, so mixing cases only makes a file
    /// harder to read and to search. BuildKit reports it as
    /// `ConsistentInstructionCasing`.
    ///
    /// The expected case is the majority's, decided as BuildKit decides it:
    /// every keyword of a build stage (its `FROM` and every instruction after
    /// it) that is written all lower case or all upper case is one vote;
    /// mixed-case keywords do not vote; lower case wins only with strictly
    /// more votes, so a tie (or a file of mixed-case keywords) expects upper
    /// case. Every keyword that is not in the expected case is flagged,
    /// mixed-case ones included.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// run apk add --no-cache curl
    /// CMD ["curl", "--version"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// CMD ["curl", "--version"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix re-cases the keyword. Keywords are case-insensitive, so it is
    /// safe.
    ///
    /// ## Differences from BuildKit
    /// BuildKit checks only the instructions of build stages. This rule also
    /// checks the keywords of `ARG`s before the first `FROM` and the keyword
    /// an `ONBUILD` wraps (`ONBUILD run …`), without letting them vote, so the
    /// expected case is the same as BuildKit's.
    pub struct InconsistentInstructionCasing { keyword: String, expected: Case }
    code = "LL104", name = "inconsistent-instruction-casing",
    aliases = ["ConsistentInstructionCasing"],
    category = Style, severity = Warning, fix = Sometimes,
    visits = document,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    Lower,
    Upper,
}

impl Case {
    fn apply(self, word: &str) -> String {
        match self {
            Case::Lower => word.to_lowercase(),
            Case::Upper => word.to_uppercase(),
        }
    }

    /// Whether `apply` would leave `word` as it is (checked without
    /// building the converted word).
    fn holds(self, word: &str) -> bool {
        match self {
            Case::Lower => word.chars().all(|c| c.to_lowercase().eq([c])),
            Case::Upper => word.chars().all(|c| c.to_uppercase().eq([c])),
        }
    }

    fn of(word: &str) -> Option<Case> {
        if Case::Lower.holds(word) {
            Some(Case::Lower)
        } else if Case::Upper.holds(word) {
            Some(Case::Upper)
        } else {
            None
        }
    }
}

impl Violation for InconsistentInstructionCasing {
    fn message(&self) -> String {
        let case = match self.expected {
            Case::Lower => "lowercase",
            Case::Upper => "uppercase",
        };
        format!(
            "Command '{}' should match the case of the command majority ({case})",
            self.keyword
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!("Write `{}`", self.expected.apply(&self.keyword)))
    }
}

/// The keywords BuildKit counts: those of build stages, outside `ONBUILD`.
fn voting(inst: &Instruction, in_stage: bool) -> bool {
    in_stage && inst.kind != Keyword::Unknown
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    let (mut lower, mut upper) = (0usize, 0usize);
    let mut in_stage = false;
    for inst in &file.instructions {
        in_stage |= inst.kind == Keyword::From;
        if voting(inst, in_stage) {
            match Case::of(&inst.keyword.value) {
                Some(Case::Lower) => lower += 1,
                Some(Case::Upper) => upper += 1,
                None => {}
            }
        }
    }
    let expected = if lower > upper {
        Case::Lower
    } else {
        Case::Upper
    };
    for inst in &file.instructions {
        let mut current = Some(inst);
        while let Some(inst) = current {
            if inst.kind != Keyword::Unknown {
                report(checker, &inst.keyword, expected);
            }
            current = match &inst.args {
                Args::Onbuild(inner) => inner.as_deref(),
                _ => None,
            };
        }
    }
}

fn report(checker: &mut Checker, keyword: &Word, expected: Case) {
    if expected.holds(&keyword.value) {
        return;
    }
    let wanted = expected.apply(&keyword.value);
    let verbatim = keyword.range.slice(checker.source()) == keyword.value;
    let diagnostic = checker.report(
        InconsistentInstructionCasing {
            keyword: keyword.value.to_string(),
            expected,
        },
        keyword.range,
    );
    if verbatim {
        diagnostic.with_fix(Fix::safe(
            format!("Write `{wanted}`"),
            vec![Edit::replace(keyword.range, wanted)],
        ));
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
                    "FROM alpine\nrun echo\nCMD [\"sh\"]\n",
                    "from alpine\nrun echo\nCMD [\"sh\"]\n",
                    "FROM alpine\nRun echo\n",
                    "From alpine\n",
                    "FROM alpine\nrun a\n",
                    "FROM alpine\nONBUILD run echo\n",
                    "arg V=1\nFROM alpine\nRUN echo\n",
                    "from alpine\nrun a\nRUN b\nRUN c\nrun d\n",
                ],
                good: &[
                    "FROM alpine\nRUN echo\n",
                    "from alpine\nrun echo\n",
                    "from alpine\nonbuild run echo\n",
                    "FROM alpine\nONBUILD RUN echo\n",
                    "# syntax=docker/dockerfile:1\nfrom alpine\nrun echo \\\n  RUN\n",
                ],
                fixes: &[
                    (
                        "FROM alpine\nrun echo\nCMD x\n",
                        "FROM alpine\nRUN echo\nCMD x\n",
                    ),
                    (
                        "from alpine\nrun echo\nCMD x\n",
                        "from alpine\nrun echo\ncmd x\n",
                    ),
                    ("FROM alpine\nrun a\n", "FROM alpine\nRUN a\n"),
                    (
                        "from alpine\nRun a\nOnBuild Copy . /x\n",
                        "from alpine\nrun a\nonbuild copy . /x\n",
                    ),
                    ("ARG A\nfrom alpine\nrun a\n", "arg A\nfrom alpine\nrun a\n"),
                ],
            },
        );
    }
}
