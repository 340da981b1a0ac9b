use super::ll106_undefined_var::{closest, rename_fix};
use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::vars::{PLATFORM_ARGS, Reference};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a variable in a `FROM` line (the image or `--platform`) that no
    /// `ARG` before the first `FROM` declares and that is not one of the
    /// automatic platform arguments (`TARGETPLATFORM`, `BUILDARCH`…).
    ///
    /// ## Why is this bad?
    /// `FROM` sees only the global `ARG`s. An undeclared name expands to
    /// nothing, even when the build passes `--build-arg` for it, so
    /// `FROM node:22${VARIANT}` is always `node:22`. It is often a typo:
    /// `$BUILDPLATFROM` for `$BUILDPLATFORM`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22${VARIANT} AS jsbuilder
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG VARIANT="-alpine3.20"
    /// FROM node:22${VARIANT} AS jsbuilder
    /// ```
    ///
    /// When a declared (or automatic) name is close, the help suggests it
    /// and a fix renames the reference.
    ///
    /// ## Fix safety
    /// Renaming the reference is unsafe: the suggestion is a guess.
    pub struct UndefinedArgInFrom { name: String, suggestion: Option<String> }
    code = "LL105", name = "undefined-arg-in-from", aliases = ["UndefinedArgInFrom"],
    category = Correctness, severity = Warning, fix = Sometimes,
    visits = [From],
}

impl Violation for UndefinedArgInFrom {
    fn message(&self) -> String {
        format!(
            "`FROM` uses `{}`, which no global `ARG` declares",
            self.name
        )
    }

    fn help(&self) -> Option<String> {
        Some(match &self.suggestion {
            Some(s) => format!("Did you mean `{s}`?"),
            None => format!(
                "Declare `ARG {}` before the first `FROM` (it expands to nothing here)",
                self.name
            ),
        })
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let index = checker.instruction_index();
    let outer = checker.file.instructions.get(index);
    if !outer.is_some_and(|outer| std::ptr::eq(outer, inst)) {
        return;
    }
    let Some(stage) = checker.stage() else { return };
    let vars = checker.vars();
    let Some(stage_vars) = vars.stage(stage.index) else {
        return;
    };
    let mut undefined: Vec<&Reference> = Vec::new();
    for expanded in [stage_vars.base(), stage_vars.platform()]
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_ref().ok())
    {
        undefined.extend(expanded.references().iter().filter(|r| r.origin.is_none()));
    }
    if undefined.is_empty() {
        return;
    }
    let globals: Vec<&str> = vars
        .names()
        .filter(|n| vars.lookup(index, n).is_some())
        .chain(PLATFORM_ARGS)
        .collect();
    for reference in undefined {
        let suggestion = closest(&reference.name, globals.iter().copied());
        let fix = suggestion.and_then(|s| rename_fix(checker.source(), reference, s));
        let diagnostic = checker.report(
            UndefinedArgInFrom {
                name: reference.name.clone(),
                suggestion: suggestion.map(str::to_string),
            },
            reference.range,
        );
        if let Some(fix) = fix {
            diagnostic.with_fix(fix);
        }
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
                    "FROM node:22${VARIANT} AS jsbuilder\n",
                    "FROM --platform=$BUILDPLATFROM golang:1.22\n",
                    "ARG TAG=3\nFROM alpine:${TAGG}\n",
                    "FROM alpine:${TAG:-3.20}\n",
                    "FROM alpine:3\nARG TAG=3\nFROM alpine:${TAG}\n",
                ],
                good: &[
                    "ARG VARIANT=\"-alpine3.20\"\nFROM node:22${VARIANT} AS jsbuilder\n",
                    "ARG TAG\nFROM busybox:${TAG}\n",
                    "FROM --platform=$BUILDPLATFORM golang:1.22\n",
                    "FROM base-${TARGETARCH}\n",
                    "ARG TAG\nFROM alpine:${TAG:-3.14}\n",
                    "FROM alpine:3\nONBUILD FROM alpine:${TAG}\n",
                ],
                fixes: &[
                    (
                        "FROM --platform=$BUILDPLATFROM golang:1.22\n",
                        "FROM --platform=$BUILDPLATFORM golang:1.22\n",
                    ),
                    (
                        "ARG ALPINE_VERSION=3.20\nFROM alpine:${ALPINE_VERSON}\n",
                        "ARG ALPINE_VERSION=3.20\nFROM alpine:${ALPINE_VERSION}\n",
                    ),
                ],
            },
        );
    }
}
