use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Keyword};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` to a relative destination in a stage where no `WORKDIR`
    /// has been set yet.
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the working directory,
    /// which then comes from the base image. It is `/` for most images, but
    /// any base image may set another one, and a new version of it may
    /// change it: the files land somewhere else without any change to the
    /// Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// COPY package.json app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /usr/src
    /// COPY package.json app/
    /// ```
    ///
    /// A destination that is absolute (`/app`, `C:\app`, `C:/app`) or starts
    /// with a variable (`$HOME/app`) is accepted, quotes around it looked
    /// through, as in hadolint. A `WORKDIR` set in an earlier stage counts for
    /// the stages built on it (`FROM build AS test`), since they inherit the
    /// working directory.
    ///
    /// ## Differences from hadolint
    /// - hadolint tracks `WORKDIR` by image name as well as by stage, so in
    ///   `FROM ubuntu` … `WORKDIR /app` … `FROM ubuntu`, it thinks the second
    ///   stage has a `WORKDIR`. Only a real stage reference inherits one
    ///   here (matched ignoring case: `AS Base` defines the stage `base`).
    /// - `COPY` inside `ONBUILD` is not checked, like hadolint: it runs in a
    ///   later build whose working directory is not known here.
    pub struct CopyRelativeDestWithoutWorkdir { dest: String }
    code = "DL3045", name = "copy-relative-dest-without-workdir", aliases = [],
    category = Correctness, severity = Warning, fix = None,
    visits = file,
}

impl Violation for CopyRelativeDestWithoutWorkdir {
    fn message(&self) -> String {
        format!(
            "`COPY` to relative destination `{}` without a `WORKDIR` set",
            self.dest
        )
    }

    fn help(&self) -> Option<String> {
        Some("Set a `WORKDIR` before this `COPY`, or use an absolute destination".to_string())
    }
}

fn is_absolute_or_variable(dest: &str) -> bool {
    let dest = dest.trim_matches(|c| c == '"' || c == '\'');
    let after_drive = dest.get(1..).unwrap_or("");
    dest.starts_with('/')
        || dest.starts_with('$')
        || after_drive.starts_with(":\\")
        || after_drive.starts_with(":/")
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    let stages = checker.stages;
    // Whether each stage has a `WORKDIR` so far (its final value once the
    // stage is over).
    let mut has_workdir = vec![false; stages.stages.len()];
    for (index, inst) in file.instructions.iter().enumerate() {
        let Some(stage) = stages.stage_of.get(index).copied().flatten() else {
            continue;
        };
        match inst.kind {
            Keyword::From => {
                has_workdir[stage] = stages.stages[stage]
                    .base
                    .as_ref()
                    .and_then(|base| stages.by_name(&base.value, stage))
                    .is_some_and(|parent| has_workdir[parent.index]);
            }
            Keyword::Workdir => has_workdir[stage] = true,
            Keyword::Copy if !has_workdir[stage] => {
                let Args::Paths { paths, .. } = &inst.args else {
                    continue;
                };
                let [_, .., dest] = paths.as_slice() else {
                    continue;
                };
                if !is_absolute_or_variable(&dest.value) {
                    checker.report(
                        CopyRelativeDestWithoutWorkdir {
                            dest: dest.value.to_string(),
                        },
                        dest.range,
                    );
                }
            }
            _ => {}
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
                    "FROM node:22\nCOPY . app\n",
                    "FROM node:22\nCOPY --chown=node a b ./\n",
                    "FROM node:22\nCOPY [\"a\", \"dest dir/\"]\n",
                    "FROM ubuntu:24.04\nWORKDIR /app\nFROM ubuntu:24.04\nCOPY . app\n",
                    "FROM alpine:3 AS a\nCOPY x y\nWORKDIR /w\nFROM alpine:3 AS b\nCOPY x y\n",
                    "FROM alpine:3 AS base\nCOPY x y\nFROM base\nCOPY x y\n",
                ],
                good: &[
                    "FROM node:22\nWORKDIR /app\nCOPY . .\n",
                    "FROM node:22\nCOPY . /app\n",
                    "FROM node:22\nCOPY . \"/app\"\n",
                    "FROM node:22\nCOPY . $HOME/app\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY . C:\\app\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY . c:/app\n",
                    "FROM alpine:3 AS base\nWORKDIR /w\nFROM base AS test\nCOPY x y\nFROM test\nCOPY x y\n",
                    "FROM alpine:3 AS Base\nWORKDIR /w\nFROM base\nCOPY x y\n",
                    "FROM alpine:3\nONBUILD COPY . app\n",
                ],
                fixes: &[],
            },
        );
    }
}
