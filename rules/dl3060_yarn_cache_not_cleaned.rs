use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::Script;
use crate::semantic::shell::packages::{known_var, path_ends_with, path_within, stage_in_image};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `yarn install` in a `RUN` that does not run `yarn cache clean`
    /// afterwards.
    ///
    /// ## Why is this bad?
    /// yarn keeps a copy of every package it downloads in its cache
    /// (`/usr/local/share/.cache/yarn` in the official Node.js images,
    /// `~/.cache/yarn` elsewhere). In an image the cache is never used
    /// again, yet it stays in the layer, often larger than `node_modules`.
    ///
    /// Only stages that end up in an image are checked: the last stage,
    /// and stages another stage is built `FROM`.
    ///
    /// Removing the cache directory (`rm -rf /usr/local/share/.cache/yarn`)
    /// works too. A `RUN` that mounts a cache or tmpfs at yarn's cache
    /// directory (a target ending in `.cache/yarn`, `.cache`,
    /// `.yarn/cache` or `.yarn/berry/cache`, the `--cache-folder` given, or
    /// `YARN_CACHE_FOLDER`) keeps the cache out of the layer and reuses it
    /// across builds, and is not flagged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint accepts `yarn cache clean` anywhere in the `RUN`; layerlint
    /// wants it after the install. hadolint flags a `RUN` with a cache mount
    /// too (hadolint issues #497, #943), and does not accept removing the
    /// cache directory. The finding points at each `yarn install`. Commands
    /// are found through wrappers (`sudo`, `env`…), inside `sh -c '…'` and
    /// in heredoc scripts, and options before the subcommand
    /// (`yarn --cwd /app install`) are read.
    pub struct YarnCacheNotCleaned {}
    code = "DL3060", name = "yarn-cache-not-cleaned", aliases = [],
    category = Size, severity = Info, fix = None,
    visits = [Run],
}

impl Violation for YarnCacheNotCleaned {
    fn message(&self) -> String {
        "`yarn install` leaves yarn's cache in the layer".to_string()
    }

    fn help(&self) -> Option<String> {
        Some("Run `yarn cache clean` in the same `RUN`".to_string())
    }
}

/// Where yarn 1 keeps its cache as root.
const CACHES: &[&str] = &["/usr/local/share/.cache/yarn/*", "/root/.cache/yarn/*"];

/// Targets of a mount that hold yarn's cache.
const MOUNTS: &[&str] = &[".cache/yarn", ".cache", ".yarn/cache", ".yarn/berry/cache"];

/// The cache is cleaned after command `index`.
fn cleaned_after(script: &Script<'_>, index: usize) -> bool {
    CACHES
        .iter()
        .any(|dir| script.removal_after(index, dir).is_some())
        || script.invocations_of(&["yarn"]).any(|inv| {
            inv.index > index
                && inv.parse_args().is_some_and(|a| {
                    a.subcommand() == Some("cache")
                        && a.operands.first().is_some_and(|w| w.is("clean"))
                })
        })
}

fn check(checker: &mut Checker, _inst: &Instruction) {
    let index = checker.instruction_index();
    let vars = checker.vars();
    let Some(run) = checker.shell().run(index) else {
        return;
    };
    let Some(script) = run.script.as_ref() else {
        return;
    };
    let in_image = checker
        .stage()
        .is_none_or(|s| stage_in_image(checker.stages, s.index));
    if !in_image {
        return;
    }
    let cache_env = known_var(vars, index, "YARN_CACHE_FOLDER");
    for inv in script.invocations_of(&["yarn"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        if !args.is_install() || cleaned_after(script, inv.index) {
            continue;
        }
        let folder = args.value("cache-folder").or(cache_env.as_deref());
        let mounted = run
            .flags
            .mount_keeping_out(|target| {
                MOUNTS.iter().any(|m| path_ends_with(target, m))
                    || folder.is_some_and(|dir| path_within(dir, target))
            })
            .is_some();
        if mounted {
            continue;
        }
        checker.report(YarnCacheNotCleaned {}, inv.command_range(&args));
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
                    "FROM node\nRUN yarn install\n",
                    "FROM node\nRUN yarn cache clean && yarn --cwd /app install --production\n",
                    "FROM node\nRUN <<EOF\nyarn install --frozen-lockfile\nEOF\n",
                    "FROM node\nRUN --mount=type=cache,target=/var/cache/apt yarn install\n",
                    "FROM node\nRUN sudo -u node yarn install && yarn build\n",
                    "FROM node AS deps\nRUN yarn install\nFROM deps\nCMD [\"node\", \"app.js\"]\n",
                ],
                good: &[
                    "FROM node\nRUN yarn install --frozen-lockfile && yarn cache clean\n",
                    "FROM node\nRUN yarn install && rm -rf /usr/local/share/.cache/yarn\n",
                    "FROM node\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n",
                    "FROM node\nRUN --mount=type=cache,sharing=locked,target=/root/.cache/yarn yarn install\n",
                    "FROM node\nRUN --mount=type=cache,target=/app/.yarn/cache yarn install --immutable\n",
                    "FROM node\nRUN --mount=type=cache,target=/yc yarn install --cache-folder /yc\n",
                    "FROM node\nENV YARN_CACHE_FOLDER=/yc\nRUN --mount=type=cache,target=/yc yarn install\n",
                    "FROM node\nRUN yarn build && yarn add left-pad@1.3.0\n",
                    "FROM node AS build\nRUN yarn install && yarn build\nFROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN yarn install\n",
                ],
                fixes: &[],
            },
        );
    }
}
