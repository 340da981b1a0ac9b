use std::collections::HashMap;

use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Word;

declare_rule! {
    /// ## What it does
    /// Flags a stage name (`FROM … AS name`) already used by an earlier
    /// stage.
    ///
    /// A note points at the first one. Names are compared without regard to
    /// case, as BuildKit does.
    ///
    /// ## Why is this bad?
    /// `COPY --from=name`, `FROM name` and `--target name` can only mean one
    /// stage. A second stage of the same name makes the file ambiguous, and
    /// a reference to it may silently pick a stage other than the intended
    /// one.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go build -o /app ./cmd/app
    ///
    /// FROM node:22 AS build
    /// RUN npm run build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build-api
    /// RUN go build -o /app ./cmd/app
    ///
    /// FROM node:22 AS build-web
    /// RUN npm run build
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint compares names with their case, so `AS Build` and `AS build`
    /// pass there; BuildKit lower-cases stage names, and so does layerlint.
    pub struct DuplicateStageName { name: String }
    code = "DL3024", name = "duplicate-stage-name", aliases = ["DuplicateStageName"],
    category = Correctness, severity = Error, fix = None,
    visits = file,
}

impl Violation for DuplicateStageName {
    fn message(&self) -> String {
        format!(
            "Stage name `{}` is already used by an earlier stage",
            self.name
        )
    }

    fn help(&self) -> Option<String> {
        Some("Give each stage its own name".to_string())
    }
}

fn check(checker: &mut Checker) {
    let stages = checker.stages;
    let mut first: HashMap<String, &Word> = HashMap::new();
    for stage in &stages.stages {
        let Some(name) = &stage.name else { continue };
        match first.get(&name.value.to_lowercase()) {
            Some(earlier) => {
                checker
                    .report(
                        DuplicateStageName {
                            name: name.value.to_string(),
                        },
                        name.range,
                    )
                    .with_related(earlier.range, "first defined here");
            }
            None => {
                first.insert(name.value.to_lowercase(), name);
            }
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
                    "FROM alpine AS build\nFROM alpine AS build\n",
                    "FROM alpine AS Build\nFROM alpine AS base\nFROM alpine as BUILD\nFROM alpine AS build\n",
                ],
                good: &[
                    "FROM alpine AS build\nFROM alpine AS test\n",
                    "FROM alpine\nFROM alpine\n",
                    "FROM alpine AS build\nFROM build\n",
                ],
                fixes: &[],
            },
        );
    }
}
