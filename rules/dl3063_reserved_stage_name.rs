use crate::declare_rule;
use crate::engine::{Checker, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a stage named `scratch` or `context` (in any case).
    ///
    /// ## Why is this bad?
    /// Both words already mean something to BuildKit: `scratch` is the
    /// empty image, and `context` is the build context in
    /// `COPY --from=context` and named contexts. A stage with one of these
    /// names is ambiguous, and BuildKit warns about it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// RUN echo hello > /hello
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20 AS hello
    /// RUN echo hello > /hello
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint compares the name with its case; BuildKit lower-cases stage
    /// names, so `AS Scratch` is flagged here too.
    pub struct ReservedStageName { name: String }
    code = "DL3063", name = "reserved-stage-name", aliases = ["ReservedStageName"],
    category = Correctness, severity = Warning, fix = None,
    visits = file,
}

impl Violation for ReservedStageName {
    fn message(&self) -> String {
        format!("`{}` is reserved and cannot name a stage", self.name)
    }

    fn help(&self) -> Option<String> {
        Some("Rename the stage (and the references to it)".to_string())
    }
}

/// The words BuildKit reserves.
const RESERVED: [&str; 2] = ["scratch", "context"];

fn check(checker: &mut Checker) {
    let stages = checker.stages;
    for stage in &stages.stages {
        let Some(name) = &stage.name else { continue };
        if RESERVED.iter().any(|r| name.value.eq_ignore_ascii_case(r)) {
            checker.report(
                ReservedStageName {
                    name: name.value.to_string(),
                },
                name.range,
            );
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
                    "FROM foo:bar AS scratch\n",
                    "FROM foo:bar AS context\n",
                    "FROM foo:bar AS Scratch\n",
                    // BuildKit's documented example.
                    "FROM alpine AS scratch\nFROM alpine AS context\n",
                ],
                good: &[
                    "FROM foo:bar AS foobar\n",
                    "FROM scratch\n",
                    "FROM alpine AS scratch-build\n",
                    // BuildKit's documented fix.
                    "FROM alpine AS builder\n",
                ],
                fixes: &[],
            },
        );
    }
}
