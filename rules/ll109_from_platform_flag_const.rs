use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=<constant>`, a platform written out instead of
    /// taken from a variable, unless the stage name says which platform the
    /// stage is for (`AS build-arm64`).
    ///
    /// ## Why is this bad?
    /// A constant platform pins the stage to one platform whatever the build
    /// targets, so the Dockerfile cannot build a multi-platform image, and
    /// builds for another platform silently get this one (often under
    /// emulation).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 alpine:3.20 AS base
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM alpine:3.20 AS base
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// A stage whose name contains the platform's OS or architecture
    /// (`FROM --platform=linux/amd64 alpine AS build_amd64`, picked later
    /// with `FROM build_${TARGETARCH}`) is meant for that platform only, and
    /// is not flagged. Unlike `DL3029`, any variable is accepted
    /// (`--platform=$MY_PLATFORM`): the build decides its value.
    pub struct FromPlatformFlagConst { value: String }
    code = "LL109", name = "from-platform-flag-const", aliases = ["FromPlatformFlagConstDisallowed"],
    category = Correctness, severity = Warning, fix = None,
    visits = [From],
}

impl Violation for FromPlatformFlagConst {
    fn message(&self) -> String {
        format!("`FROM --platform` uses the constant value `{}`", self.value)
    }

    fn help(&self) -> Option<String> {
        Some(
            "Remove `--platform` and choose the platform when building, or use `$BUILDPLATFORM`"
                .to_string(),
        )
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let outer = checker.file.instructions.get(checker.instruction_index());
    if !outer.is_some_and(|outer| std::ptr::eq(outer, inst)) {
        return;
    }
    let Some(value) = inst.flag("platform").and_then(|f| f.value.as_ref()) else {
        return;
    };
    let Some(stage) = checker.stage() else { return };
    let Some(Ok(expanded)) = checker.vars().stage(stage.index).and_then(|v| v.platform()) else {
        return;
    };
    if !expanded.references().is_empty() {
        return;
    }
    let Some(platform) = expanded.known().filter(|p| !p.is_empty()) else {
        return;
    };
    let name = stage.name_lower().unwrap_or_default();
    let named_for_it = platform
        .split('/')
        .filter(|part| !part.is_empty())
        .any(|part| name.contains(&part.to_lowercase()));
    if named_for_it {
        return;
    }
    checker.report(
        FromPlatformFlagConst {
            value: platform.to_string(),
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
                    "FROM --platform=linux/amd64 alpine AS base\nRUN apk add --no-cache git\n",
                    "FROM --platform=\"linux/arm64\" alpine\n",
                    "FROM --platform=linux/amd64 alpine AS build_arm64\n",
                ],
                good: &[
                    "FROM alpine AS base\nRUN apk add --no-cache git\n",
                    "FROM --platform=${BUILDPLATFORM} alpine AS base\nRUN apk add --no-cache git\n",
                    "FROM --platform=linux/amd64 alpine AS build_amd64\nFROM --platform=linux/arm64 alpine AS build_arm64\nFROM build_${TARGETARCH} AS build\n",
                    "ARG P=linux/amd64\nFROM --platform=$P alpine\n",
                    "FROM --platform=linux/amd64 alpine AS Windows-AMD64\n",
                ],
                fixes: &[],
            },
        );
    }
}
