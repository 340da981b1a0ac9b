use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `apk add` without `--no-cache`.
    ///
    /// ## Why is this bad?
    /// Without `--no-cache`, apk keeps the package index it downloaded
    /// (`apk update`, `apk add --update`) in `/var/cache/apk`, and the layer
    /// keeps it for good. `--no-cache` fetches the index for this command
    /// only, so neither `apk update` nor a later `rm -rf /var/cache/apk/*`
    /// is needed.
    ///
    /// A `RUN` that mounts a cache or tmpfs at `/var/cache/apk` or
    /// `/etc/apk/cache` (apk's cache directory, usually a link to
    /// `/var/cache/apk`), or at a directory above them, keeps the cache out
    /// of the layer and is not flagged: there the cache speeds up later
    /// builds. `apk add --no-network` downloads nothing and is not flagged
    /// either.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --update curl=8.9.1-r0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl=8.9.1-r0
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--no-cache` after `add`. It is unsafe: a later `RUN`
    /// that runs `apk add` without `--update` or `--no-cache` relies on the
    /// index kept here.
    ///
    /// ## Differences from hadolint
    /// hadolint flags a `RUN` with a cache mount too (hadolint issues #497,
    /// #943), and `apk add --no-network`, which downloads nothing (the
    /// official PHP and Drupal Alpine images use it to mark the
    /// runtime libraries of what they built). Commands are found through wrappers (`sudo`, `env`…), inside
    /// `sh -c '…'` and in heredoc scripts.
    pub struct ApkAddWithoutNoCache {}
    code = "DL3019", name = "apk-add-without-no-cache", aliases = [],
    category = Size, severity = Info, fix = Sometimes,
    visits = [Run],
}

impl Violation for ApkAddWithoutNoCache {
    fn message(&self) -> String {
        "`apk add` without `--no-cache` keeps the package index in the layer".to_string()
    }

    fn help(&self) -> Option<String> {
        Some("Add `--no-cache`".to_string())
    }
}

/// apk's cache directories: the one it uses, and the link to it.
const CACHES: &[&str] = &["/var/cache/apk", "/etc/apk/cache"];

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = run.script.as_ref() else {
        return;
    };
    if CACHES
        .iter()
        .any(|dir| run.flags.mount_covering(dir).is_some())
    {
        return;
    }
    for inv in script.invocations_of(&["apk"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        if !args.is_install() || args.has_any(&["no-cache", "no-network"]) {
            continue;
        }
        let diagnostic = checker.report(ApkAddWithoutNoCache {}, inv.command_range(&args));
        if let Some(sub) = args.subcommand.filter(|w| !w.has_quotes()) {
            diagnostic.with_fix(Fix::unsafe_edits(
                "Add `--no-cache`",
                vec![Edit::insert(sub.range.end, " --no-cache")],
            ));
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
                    "FROM alpine\nRUN apk add curl\n",
                    "FROM alpine\nRUN apk update && apk add curl && rm -rf /var/cache/apk/*\n",
                    "FROM alpine\nRUN sudo apk --update add curl\n",
                    "FROM alpine\nRUN <<EOF\napk add -U curl\nEOF\n",
                    "FROM alpine\nRUN --mount=type=cache,target=/root/.cache apk add curl\n",
                    "FROM alpine\nRUN [\"apk\", \"add\", \"curl\"]\n",
                ],
                good: &[
                    "FROM alpine\nRUN apk add --no-cache curl\n",
                    "FROM alpine\nRUN apk --no-cache add curl\n",
                    "FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
                    "FROM alpine\nRUN --mount=target=/etc/apk/cache,type=cache,sharing=locked apk add curl\n",
                    "FROM alpine\nRUN --mount=type=cache,id=apk,target=/var/cache/apk,sharing=locked \\\n    apk update && apk add curl\n",
                    "FROM alpine\nRUN apk del curl\n",
                    "FROM alpine\nRUN find / -name '*.so' | xargs -rt apk add --no-network --virtual .rundeps\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN apk add curl\n",
                ],
                fixes: &[
                    (
                        "FROM alpine\nRUN apk add curl\n",
                        "FROM alpine\nRUN apk add --no-cache curl\n",
                    ),
                    (
                        "FROM alpine\nRUN apk --update add curl\n",
                        "FROM alpine\nRUN apk --update add --no-cache curl\n",
                    ),
                ],
            },
        );
    }
}
