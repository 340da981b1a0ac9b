use super::dl3022_copy_from_unknown_stage::copy_from;
use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<name>` that names the stage it is in, by name
    /// (ignoring case, as BuildKit does) or by index.
    ///
    /// ## Why is this bad?
    /// A stage cannot read its own result while it is being built: BuildKit
    /// stops with a circular dependency. The copy was meant to read another
    /// stage, usually an earlier one with a similar name.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS build
    /// COPY --from=build /app/dist /srv
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22 AS deps
    /// RUN npm ci
    ///
    /// FROM node:22 AS build
    /// COPY --from=deps /app/node_modules /app/node_modules
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint compares the name with its case and ignores indices: it
    /// misses `--from=Build` in stage `build`, and `--from=0` in the first
    /// stage.
    pub struct CopyFromOwnStage { reference: String }
    code = "DL3023", name = "copy-from-own-stage", aliases = [],
    category = Correctness, severity = Error, fix = None,
    visits = [Copy],
}

impl Violation for CopyFromOwnStage {
    fn message(&self) -> String {
        format!("`COPY --from={}` names the stage it is in", self.reference)
    }

    fn help(&self) -> Option<String> {
        Some("Copy from another stage; a stage cannot read its own result".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Some((value, stage, resolved)) = copy_from(checker, inst) else {
        return;
    };
    let own_name = checker
        .stage()
        .and_then(|s| s.name.as_ref())
        .is_some_and(|n| n.value.eq_ignore_ascii_case(&value.value));
    if own_name || resolved == Some(stage) {
        checker.report(
            CopyFromOwnStage {
                reference: value.value.to_string(),
            },
            value.range,
        );
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
                    "FROM alpine:3 AS build\nCOPY --from=build /a /a\n",
                    "FROM alpine:3 AS Build\nCOPY --from=bUILD /a /a\n",
                    "FROM alpine:3\nFROM alpine:3\nCOPY --from=1 /a /a\n",
                ],
                good: &[
                    "FROM alpine:3 AS build\nFROM alpine:3\nCOPY --from=build /a /a\n",
                    "FROM alpine:3 AS build\nFROM alpine:3 AS final\nCOPY --from=0 /a /a\n",
                    "FROM alpine:3 AS build\nONBUILD COPY --from=build /a /a\n",
                    "FROM alpine:3 AS build\nCOPY /a /a\n",
                ],
                fixes: &[],
            },
        );
    }
}
