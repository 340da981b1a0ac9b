use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::rules::dl3002_last_user_root::{chain, final_stage};
use crate::syntax::Keyword;

declare_rule! {
    /// ## What it does
    /// Flags an image without a `HEALTHCHECK`: neither the stage that
    /// becomes the image (the last stage, or the `--target` stage) nor the
    /// stages it is built `FROM` declare one. `HEALTHCHECK NONE` counts as a
    /// decision and is accepted. Off by default, as in hadolint: select it
    /// for services that run under an orchestrator that reads health checks.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker and Swarm only know whether the
    /// process is alive, not whether it serves: a hung server stays
    /// "running" and keeps receiving traffic.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint reports every stage without a `HEALTHCHECK`, build stages
    /// included; layerlint reports only the image, once, at its `FROM`.
    /// A health check inherited from the base image is not visible to
    /// either linter.
    pub struct HealthcheckMissing {}
    code = "DL3057", name = "healthcheck-missing", aliases = [],
    category = Maintainability, severity = Info, fix = None, default = false,
    visits = file,
}

impl Violation for HealthcheckMissing {
    fn message(&self) -> String {
        "The image has no `HEALTHCHECK`".to_string()
    }

    fn help(&self) -> Option<String> {
        Some(
            "Add a `HEALTHCHECK CMD …` that probes the service (or `HEALTHCHECK NONE`)".to_string(),
        )
    }
}

fn check(checker: &mut Checker) {
    let Some(stage) = final_stage(checker) else {
        return;
    };
    let file = checker.file;
    let has_healthcheck = chain(checker, stage).iter().any(|stage| {
        file.instructions[stage.from..stage.end]
            .iter()
            .any(|i| i.kind == Keyword::Healthcheck)
    });
    if has_healthcheck {
        return;
    }
    let from = &file.instructions[stage.from];
    let range = stage.base.as_ref().map_or(from.keyword.range, |b| b.range);
    checker.report(HealthcheckMissing {}, range);
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
                    "FROM alpine\nCMD [\"app\"]\n",
                    "FROM alpine AS build\nHEALTHCHECK CMD true\nFROM alpine\nCOPY --from=build /a /a\n",
                    "FROM alpine\nONBUILD HEALTHCHECK CMD true\n",
                ],
                good: &[
                    "FROM alpine\nHEALTHCHECK CMD wget -q -O- http://localhost/\n",
                    "FROM alpine\nHEALTHCHECK NONE\n",
                    "FROM alpine AS base\nHEALTHCHECK CMD true\nFROM base\nCMD [\"app\"]\n",
                    "FROM alpine AS build\nRUN make\nFROM alpine\nHEALTHCHECK CMD true\n",
                ],
                fixes: &[],
            },
        );
    }
}
