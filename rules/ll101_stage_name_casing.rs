use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::{Args, Instruction, Keyword, Word};

declare_rule! {
    /// ## What it does
    /// Flags a stage name (`FROM … AS Name`) that is not all lower case.
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases a stage name when it records it: `AS Build`
    /// defines the stage `build`. `COPY --from=` and `--target` look names up
    /// ignoring case, but `FROM Build` compares the name as written, finds no
    /// stage and then fails on `Build` as an image name. Writing stage names
    /// in lower case avoids the trap and keeps references easy to search
    /// for. BuildKit reports it as `StageNameCasing`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS Builder
    /// RUN go build -o /app .
    ///
    /// FROM alpine:3.20
    /// COPY --from=Builder /app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS builder
    /// RUN go build -o /app .
    ///
    /// FROM alpine:3.20
    /// COPY --from=builder /app /app
    /// ```
    ///
    /// ## Fix safety
    /// The fix lower-cases the name where the stage is defined and in the
    /// `COPY --from=` references to it, which BuildKit already resolves
    /// ignoring case: the build does not change, so the fix is safe. When a
    /// `FROM <Stage>` reference has to be lower-cased too, the fix is unsafe:
    /// that reference does not resolve today (the build fails), and the fix
    /// makes it point at the stage.
    pub struct StageNameCasing { name: String }
    code = "LL101", name = "stage-name-casing", aliases = ["StageNameCasing"],
    category = Style, severity = Warning, fix = Sometimes,
    visits = [From],
}

impl Violation for StageNameCasing {
    fn message(&self) -> String {
        format!("Stage name '{}' should be lowercase", self.name)
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "Rename the stage to `{}`",
            self.name.to_lowercase()
        ))
    }
}

/// Whether `word` is written in the source exactly as its value (no joined
/// continuation lines, no removed quotes), so it can be edited in place.
fn is_verbatim(source: &str, word: &Word) -> bool {
    word.range.slice(source) == word.value
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::Words { words } = &inst.args else {
        return;
    };
    let [_, as_kw, name] = words.as_slice() else {
        return;
    };
    if !as_kw.value.eq_ignore_ascii_case("as") {
        return;
    }
    let lower = name.value.to_lowercase();
    if lower == name.value {
        return;
    }
    let source = checker.source();
    let mut edits = Vec::new();
    let mut verbatim = is_verbatim(source, name);
    let mut recases_from = false;
    edits.push(Edit::replace(name.range, lower.clone()));
    for (reference, in_from) in references(checker, &name.value) {
        if reference.value == lower {
            continue;
        }
        verbatim &= is_verbatim(source, reference);
        recases_from |= in_from;
        edits.push(Edit::replace(reference.range, lower.clone()));
    }
    let diagnostic = checker.report(
        StageNameCasing {
            name: name.value.to_string(),
        },
        name.range,
    );
    let title = format!("Rename the stage to `{lower}`");
    if verbatim {
        diagnostic.with_fix(if recases_from {
            Fix::unsafe_edits(title, edits)
        } else {
            Fix::safe(title, edits)
        });
    }
}

/// Words that refer to the stage `name` after its definition, each with
/// whether it is the base of a `FROM` (rather than `COPY --from=`, also
/// inside `ONBUILD`).
fn references<'c>(checker: &'c Checker, name: &str) -> Vec<(&'c Word<'c>, bool)> {
    let file = checker.file;
    let mut out = Vec::new();
    for inst in &file.instructions[checker.instruction_index() + 1..] {
        let inst = inst.effective();
        match (&inst.kind, &inst.args) {
            (Keyword::From, Args::Words { words }) => {
                if let Some(base) = words.first()
                    && base.value.eq_ignore_ascii_case(name)
                {
                    out.push((base, true));
                }
            }
            (Keyword::Copy, _) => {
                if let Some(value) = inst.flag("from").and_then(|f| f.value.as_ref())
                    && value.value.eq_ignore_ascii_case(name)
                {
                    out.push((value, false));
                }
            }
            _ => {}
        }
    }
    out
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
                    "FROM alpine AS Build\n",
                    "FROM alpine AS BUILD\nFROM BUILD\n",
                    "FROM golang AS Builder\nRUN make\nFROM alpine\nCOPY --from=builder /a /a\nCOPY --from=BUILDER /b /b\n",
                    "FROM alpine as StageOne\nFROM stageone AS StageTwo\n",
                ],
                good: &[
                    "FROM alpine AS build\n",
                    "FROM alpine\n",
                    "FROM Alpine:3.20\n",
                    "FROM alpine AS build-1.x_y\n",
                ],
                fixes: &[
                    ("FROM alpine AS Build\n", "FROM alpine AS build\n"),
                    (
                        "FROM golang AS Builder\nFROM alpine\nCOPY --from=BUILDER /a /a\nONBUILD COPY --from=Builder /b /b\n",
                        "FROM golang AS builder\nFROM alpine\nCOPY --from=builder /a /a\nONBUILD COPY --from=builder /b /b\n",
                    ),
                    (
                        "FROM golang AS Builder\nFROM Builder AS test\nFROM alpine\nCOPY --from=BUILDER /a /a\nONBUILD COPY --from=Builder /b /b\n",
                        "FROM golang AS builder\nFROM builder AS test\nFROM alpine\nCOPY --from=builder /a /a\nONBUILD COPY --from=builder /b /b\n",
                    ),
                ],
            },
        );
    }
}
