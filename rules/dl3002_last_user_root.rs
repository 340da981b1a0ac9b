use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::Stage;
use crate::syntax::{Args, Keyword, Word};

declare_rule! {
    /// ## What it does
    /// Flags an image whose last `USER` is `root` (or user ID `0`): the
    /// container runs as root.
    ///
    /// Only the stage that becomes the image counts: the last stage, or the
    /// `--target` stage, together with the stages it is built `FROM`, whose
    /// `USER` it inherits. `USER ${NAME}` is expanded with the `ARG`/`ENV`
    /// values the instruction sees; a value that is unknown at lint time is
    /// not flagged.
    ///
    /// ## Why is this bad?
    /// A process running as root in a container is root on the files it can
    /// reach and is one kernel bug away from root on the host. Switch to an
    /// unprivileged user once the steps that need root are done.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --uid 10001 app
    /// USER app
    /// RUN make install
    /// USER root
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --uid 10001 app
    /// USER root
    /// RUN make install
    /// USER app
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint checks every stage, so a build stage that ends as root is
    /// flagged although it never runs as a container; layerlint checks the
    /// stage that becomes the image, and follows `FROM <stage>` to the
    /// `USER` it inherits. hadolint compares the text as written; layerlint
    /// expands variables (`ARG RUN_AS=root` … `USER $RUN_AS` is flagged),
    /// and trims the value (hadolint misses `USER root ` with a trailing
    /// space).
    pub struct LastUserRoot { user: String }
    code = "DL3002", name = "last-user-root", aliases = [],
    category = Security, severity = Warning, fix = None,
    visits = file,
}

impl Violation for LastUserRoot {
    fn message(&self) -> String {
        format!("The image runs as root: its last `USER` is `{}`", self.user)
    }

    fn help(&self) -> Option<String> {
        Some("End the final stage with `USER` of an unprivileged user".to_string())
    }
}

/// The stage that becomes the image: the `--target` stage, or the last one.
pub(crate) fn final_stage<'f, 's>(checker: &Checker<'f, 's>) -> Option<&'f Stage<'s>> {
    let stages: &'f [Stage<'s>] = &checker.stages.stages;
    checker
        .settings
        .options
        .target
        .as_ref()
        .and_then(|target| {
            stages.iter().find(|s| {
                s.name
                    .as_ref()
                    .is_some_and(|n| n.value.eq_ignore_ascii_case(target))
            })
        })
        .or_else(|| stages.last())
}

/// `stage` followed by the stages it is built on (`FROM <stage>`), nearest
/// first.
pub(crate) fn chain<'f, 's>(checker: &Checker<'f, 's>, stage: &'f Stage<'s>) -> Vec<&'f Stage<'s>> {
    let mut chain = vec![stage];
    let mut current = stage;
    while let Some(parent) = current
        .base
        .as_ref()
        .and_then(|base| checker.stages.by_name(&base.value, current.index))
    {
        chain.push(parent);
        current = parent;
    }
    chain
}

/// `root`, `0`, `root:group`, `0:group`.
fn is_root(user: &str) -> bool {
    let name = user.split_once(':').map_or(user, |(name, _)| name);
    name == "root" || name == "0"
}

fn check(checker: &mut Checker) {
    let Some(stage) = final_stage(checker) else {
        return;
    };
    let file = checker.file;
    let last_user = chain(checker, stage).into_iter().find_map(|stage| {
        (stage.from..stage.end).rev().find_map(|i| {
            let inst = &file.instructions[i];
            match (&inst.kind, &inst.args) {
                (Keyword::User, Args::Text { text: Some(word) }) => Some((i, word)),
                _ => None,
            }
        })
    });
    let Some((index, word)) = last_user else {
        return;
    };
    if let Some(user) = expanded_user(checker, index, word)
        && is_root(&user)
    {
        checker.report(LastUserRoot { user }, word.range);
    }
}

/// The value of a `USER` argument, when known.
fn expanded_user(checker: &Checker, index: usize, word: &Word) -> Option<String> {
    let expanded = checker.vars().expand(index, word).ok()?;
    expanded.known().map(ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::is_root;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\nUSER root\n",
                    "FROM alpine\nUSER 0\n",
                    "FROM alpine\nUSER root:root\n",
                    "FROM alpine\nUSER 0:0\n",
                    "FROM alpine\nARG RUN_AS=root\nUSER ${RUN_AS}\n",
                    "FROM alpine AS base\nUSER root\nFROM base\nRUN id\n",
                    "FROM alpine\nUSER app\nRUN make\nUSER root\n",
                    "FROM alpine\nUSER \"root\"\n",
                ],
                good: &[
                    "FROM alpine\nRUN id\n",
                    "FROM alpine\nUSER root\nRUN make\nUSER app\n",
                    "FROM alpine AS build\nUSER root\nFROM alpine\nUSER 10001\n",
                    "FROM alpine AS build\nUSER root\nFROM alpine\nCOPY --from=build /a /a\n",
                    "FROM alpine AS base\nUSER root\nFROM base\nUSER app\n",
                    "FROM alpine\nUSER $UNKNOWN\n",
                    "FROM alpine\nUSER rootless\n",
                    "FROM alpine\nUSER 1000:0\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn root_forms() {
        for user in ["root", "0", "root:root", "0:0", "root:", "0:wheel"] {
            assert!(is_root(user), "{user}");
        }
        for user in ["app", "1000", "1000:0", "rooty", "00", ""] {
            assert!(!is_root(user), "{user}");
        }
    }
}
