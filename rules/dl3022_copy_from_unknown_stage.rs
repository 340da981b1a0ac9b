use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<name>` when no earlier stage has that name (or
    /// that index) and the value does not look like an image reference
    /// (with a `:` tag).
    ///
    /// ## Why is this bad?
    /// BuildKit takes a `--from` that names no stage for an image, and
    /// pulls it: a typo in a stage name (`--from=biuld`) becomes a pull of
    /// `docker.io/library/biuld:latest`, which fails, or worse, succeeds.
    /// `--from` is not expanded either: `--from=$STAGE` is the image
    /// `$STAGE`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go build -o /bin/app ./cmd/app
    ///
    /// FROM alpine:3.20
    /// COPY --from=builder /bin/app /bin/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go build -o /bin/app ./cmd/app
    ///
    /// FROM alpine:3.20
    /// COPY --from=build /bin/app /bin/app
    /// ```
    ///
    /// Stage names are compared ignoring case, as BuildKit does. A number
    /// names a stage by index, and must be that of an earlier stage; the
    /// stage's own name or index is `DL3023`'s finding.
    ///
    /// ## Differences from hadolint
    /// - hadolint compares stage names with their case; `--from=Build`
    ///   after `AS build` is flagged there, not here.
    /// - hadolint accepts the index of the current stage; BuildKit refuses
    ///   it (a stage cannot copy from itself), and layerlint reports it as
    ///   `DL3023`.
    /// - `ONBUILD COPY --from=…` is not checked: the trigger runs in another
    ///   Dockerfile, whose stages are not known here.
    pub struct CopyFromUnknownStage { reference: String, later: bool }
    code = "DL3022", name = "copy-from-unknown-stage", aliases = [],
    category = Correctness, severity = Warning, fix = None,
    visits = [Copy],
}

impl Violation for CopyFromUnknownStage {
    fn message(&self) -> String {
        format!(
            "`COPY --from={}` does not name a previously defined stage",
            self.reference
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            if self.later && self.reference.bytes().all(|b| b.is_ascii_digit()) {
                "Use the index (or the name) of an earlier stage".to_string()
            } else if self.later {
                format!(
                    "Move stage `{}` above this instruction, or copy from an earlier stage",
                    self.reference
                )
            } else if self.reference.contains('$') {
                "Name a stage defined above (`--from` is not expanded), or an image with its tag"
                    .to_string()
            } else {
                "Name a stage defined above with `FROM … AS <name>`, or an image with its tag"
                    .to_string()
            },
        )
    }
}

/// The `--from` value of a top-level `COPY`, its stage, and the stage it
/// resolves to (`None`: no stage of the file).
pub(crate) fn copy_from<'i>(
    checker: &Checker,
    inst: &'i Instruction<'i>,
) -> Option<(&'i crate::syntax::Word<'i>, usize, Option<usize>)> {
    let outer = checker.file.instructions.get(checker.instruction_index())?;
    if !std::ptr::eq(outer, inst) {
        return None;
    }
    let value = inst.flag("from")?.value.as_ref()?;
    let stage = checker.stage()?.index;
    Some((value, stage, checker.stages.resolve(&value.value, true)))
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Some((value, stage, resolved)) = copy_from(checker, inst) else {
        return;
    };
    if value.value.is_empty() || value.value.contains(':') {
        return;
    }
    let later = match resolved {
        Some(uses) if uses < stage => return,
        // The stage itself: DL3023.
        Some(uses) if uses == stage => return,
        Some(_) => true,
        None => false,
    };
    checker.report(
        CopyFromUnknownStage {
            reference: value.value.to_string(),
            later,
        },
        value.range,
    );
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
                    "FROM alpine:3 AS build\nFROM alpine:3\nCOPY --from=biuld /a /a\n",
                    "FROM alpine:3\nCOPY --from=nginx /etc/nginx /etc/nginx\n",
                    "FROM alpine:3\nCOPY --from=2 /a /a\nFROM alpine:3\nFROM alpine:3\n",
                    "FROM alpine:3\nCOPY --from=later /a /a\nFROM alpine:3 AS later\n",
                    "ARG STAGE=build\nFROM alpine:3 AS build\nFROM alpine:3\nCOPY --from=$STAGE /a /a\n",
                ],
                good: &[
                    "FROM alpine:3 AS build\nFROM alpine:3\nCOPY --from=build /a /a\n",
                    "FROM alpine:3 AS Build\nFROM alpine:3\nCOPY --from=BUILD /a /a\n",
                    "FROM alpine:3\nFROM alpine:3\nCOPY --from=0 /a /a\n",
                    "FROM alpine:3\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
                    "FROM alpine:3\nCOPY --from=docker.io/library/nginx:1.27 /a /a\n",
                    "FROM alpine:3\nCOPY /a /a\n",
                    "FROM alpine:3 AS self\nCOPY --from=self /a /a\n",
                    "FROM alpine:3\nONBUILD COPY --from=elsewhere /a /a\n",
                ],
                fixes: &[],
            },
        );
    }
}
