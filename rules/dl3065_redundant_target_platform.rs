use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::vars::DefKind;
use crate::syntax::{Instruction, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).
    ///
    /// ## Why is this bad?
    /// A stage is built for the target platform unless told otherwise: the
    /// flag says nothing, and readers look for a reason it is there.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// A global `ARG TARGETPLATFORM=…` with a default changes the value, and
    /// the flag is then not redundant; it is not flagged.
    ///
    /// ## Fix safety
    /// Removing the flag is safe: the stage is built for the same platform.
    ///
    /// ## Differences from hadolint
    /// hadolint compares the text as written, so it misses the quoted form
    /// (`--platform="$TARGETPLATFORM"`) and flags the flag even when a
    /// global `ARG TARGETPLATFORM=…` gives it another value.
    pub struct RedundantTargetPlatform { flag: String }
    code = "DL3065", name = "redundant-target-platform", aliases = ["RedundantTargetPlatform"],
    category = Style, severity = Warning, fix = Always,
    visits = [From],
}

impl Violation for RedundantTargetPlatform {
    fn message(&self) -> String {
        format!(
            "`{}` is redundant: stages are built for the target platform by default",
            self.flag
        )
    }

    fn help(&self) -> Option<String> {
        Some("Remove the `--platform` flag".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let index = checker.instruction_index();
    let outer = checker.file.instructions.get(index);
    if !outer.is_some_and(|outer| std::ptr::eq(outer, inst)) {
        return;
    }
    let Some(flag) = inst.flag("platform") else {
        return;
    };
    let Some(value) = &flag.value else { return };
    if !matches!(
        value.value.as_ref(),
        "$TARGETPLATFORM" | "${TARGETPLATFORM}"
    ) {
        return;
    }
    // Only the automatic value (or a `--build-arg`) is the default.
    let automatic = checker
        .vars()
        .lookup(index, "TARGETPLATFORM")
        .is_none_or(|b| b.origin.kind == DefKind::Automatic);
    if !automatic {
        return;
    }
    // The flag and the blanks after it.
    let source = checker.source();
    let end = flag.range.end as usize;
    let blanks = source[end..]
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count();
    let removal = TextRange::from_usize(flag.range.start as usize, end + blanks);
    checker
        .report(RedundantTargetPlatform { flag: flag.text() }, flag.range)
        .with_fix(Fix::safe(
            "Remove `--platform`",
            vec![Edit::delete(removal)],
        ));
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
                    "FROM --platform=$TARGETPLATFORM alpine\n",
                    "FROM --platform=${TARGETPLATFORM} alpine AS a\n",
                    "FROM --platform=\"$TARGETPLATFORM\" alpine\n",
                    "ARG TARGETPLATFORM\nFROM --platform=$TARGETPLATFORM alpine\n",
                    // BuildKit's documented example.
                    "FROM --platform=$TARGETPLATFORM scratch AS build\n",
                ],
                good: &[
                    "FROM alpine\n",
                    "FROM scratch AS build\n",
                    "FROM --platform=$BUILDPLATFORM alpine\n",
                    "FROM --platform=linux/amd64 alpine\n",
                    "FROM --platform=${TARGETPLATFORM:-linux/amd64} alpine\n",
                    "ARG TARGETPLATFORM=linux/arm64\nFROM --platform=$TARGETPLATFORM alpine\n",
                    "FROM alpine\nONBUILD FROM --platform=$TARGETPLATFORM alpine\n",
                ],
                fixes: &[
                    (
                        "FROM --platform=$TARGETPLATFORM alpine:3\n",
                        "FROM alpine:3\n",
                    ),
                    (
                        "FROM   --platform=${TARGETPLATFORM}\tgolang:1.22 AS build\n",
                        "FROM   golang:1.22 AS build\n",
                    ),
                ],
            },
        );
    }
}
