use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=…` unless the value uses the predefined
    /// `BUILDPLATFORM` or `TARGETPLATFORM` build argument
    /// (`--platform=$BUILDPLATFORM`, `${TARGETPLATFORM:-linux/amd64}`).
    ///
    /// ## Why is this bad?
    /// A fixed platform ties the image to one architecture: built for
    /// another target (`docker buildx build --platform linux/arm64`) it
    /// still pulls the pinned platform's base, and the result runs under
    /// emulation or not at all. `$BUILDPLATFORM` (for build stages that
    /// cross-compile) and `$TARGETPLATFORM` follow the build instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 golang:1.22 AS build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint accepts any value that contains the text `BUILDPLATFORM` or
    /// `TARGETPLATFORM`, even as a plain word (`--platform=BUILDPLATFORM`) or
    /// inside another name (`$MY_BUILDPLATFORM`); layerlint requires a
    /// reference to one of those two variables. `ONBUILD FROM` is left to
    /// `DL3043`.
    pub struct FromPlatformFlag { flag: String }
    code = "DL3029", name = "from-platform-flag", aliases = [],
    category = Correctness, severity = Warning, fix = None,
    visits = [From],
}

impl Violation for FromPlatformFlag {
    fn message(&self) -> String {
        format!("`{}` pins the platform of the base image", self.flag)
    }

    fn help(&self) -> Option<String> {
        Some("Remove `--platform`, or use `$BUILDPLATFORM` or `$TARGETPLATFORM`".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let outer = checker.file.instructions.get(checker.instruction_index());
    if !outer.is_some_and(|outer| std::ptr::eq(outer, inst)) {
        return;
    }
    let Some(flag) = inst.flag("platform") else {
        return;
    };
    let value = flag.value.as_ref().map_or("", |v| v.value.as_ref());
    if value.is_empty()
        || ["BUILDPLATFORM", "TARGETPLATFORM"]
            .iter()
            .any(|name| references(value, name))
    {
        return;
    }
    checker.report(FromPlatformFlag { flag: flag.text() }, flag.range);
}

/// Whether `value` refers to the variable `name` (`$name`, `${name}`,
/// `${name:-…}`…).
fn references(value: &str, name: &str) -> bool {
    value.match_indices('$').any(|(at, _)| {
        let rest = &value[at + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        rest.strip_prefix(name).is_some_and(|after| {
            !after
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::references;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM --platform=linux/amd64 alpine\n",
                    "FROM --platform=$FOO alpine AS a\n",
                    "FROM --platform=$BUILDOS/$BUILDARCH alpine\n",
                    "FROM --platform=$buildplatform alpine\n",
                    "FROM --platform=\"linux/arm64\" alpine\n",
                ],
                good: &[
                    "FROM alpine\n",
                    "FROM --platform=$BUILDPLATFORM golang AS build\n",
                    "FROM --platform=${BUILDPLATFORM} golang AS build\n",
                    "FROM --platform=\"$BUILDPLATFORM\" golang AS build\n",
                    "FROM --platform=${TARGETPLATFORM:-linux/amd64} alpine\n",
                    "FROM --platform=$TARGETPLATFORM alpine\n",
                    "FROM alpine\nONBUILD FROM --platform=linux/amd64 alpine\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn finds_variable_references() {
        assert!(references("$BUILDPLATFORM", "BUILDPLATFORM"));
        assert!(references("${BUILDPLATFORM:-x}", "BUILDPLATFORM"));
        assert!(references("a,${BUILDPLATFORM}", "BUILDPLATFORM"));
        assert!(!references("$BUILDPLATFORMX", "BUILDPLATFORM"));
        assert!(!references("$MY_BUILDPLATFORM", "BUILDPLATFORM"));
        assert!(!references("BUILDPLATFORM", "BUILDPLATFORM"));
    }
}
