use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::shell::pkgcache::{Action, Manager, classify};
use crate::semantic::shell::{MountType, RunScript};
use crate::syntax::{Args, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Flags a package install in a `RUN` without a
    /// `--mount=type=cache` on the directory where that package manager
    /// keeps its downloads: apt, apk, dnf/yum, zypper, pip, uv, poetry, npm,
    /// yarn, pnpm, go, cargo, maven, gradle, bundler/gem and composer.
    ///
    /// A `RUN` is left alone when one of its cache mounts is on (or
    /// around) a cache directory of the manager, or when the script itself
    /// names the mount's target (`pip install --cache-dir=/cache` with
    /// `target=/cache`).
    ///
    /// ## Why is this bad?
    /// When the install step's cache key changes (a new dependency, a
    /// changed lock file), BuildKit runs it again from an empty cache and
    /// downloads every package again. A cache mount keeps the manager's
    /// download cache across builds on the builder, outside the image: the
    /// rebuild downloads only what changed, and the image does not carry
    /// the cache (so `--no-cache-dir`/`--no-cache` and `rm -rf` clean-ups
    /// are no longer needed).
    ///
    /// This rule is in *preview* and its severity is *info*: it is an
    /// optimisation that needs BuildKit, and the cache directory depends on
    /// the user and the base image (the paths assume root and the official
    /// images' defaults).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// For pip (without `--no-cache-dir`), uv, poetry, npm, go and maven
    /// run as root (no `USER` before the `RUN` in its stage), the fix adds
    /// the cache mount(s) to the `RUN`. It is unsafe: it needs BuildKit,
    /// and a base image that moved the cache elsewhere makes the mount
    /// useless. apt (whose images delete downloaded packages through
    /// `docker-clean`), apk, dnf/yum, cargo, gradle and the others need
    /// more than a mount and get no fix.
    pub struct MissingCacheMount { command: String, manager: &'static str, target: &'static str }
    code = "LL205", name = "missing-cache-mount", aliases = [],
    category = Cache, severity = Info, fix = Sometimes, status = Preview,
    visits = [Run],
}

impl Violation for MissingCacheMount {
    fn message(&self) -> String {
        format!(
            "`{}` has no cache mount for {}'s downloads: a rerun fetches every package again",
            self.command, self.manager
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "Add `--mount=type=cache,target={}` to the `RUN`",
            self.target
        ))
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    if inst.kind != Keyword::Run {
        // `ONBUILD RUN`: the child image decides.
        return;
    }
    let index = checker.instruction_index();
    let Some(run) = checker.shell().run(index) else {
        return;
    };
    let Some(script) = run.script.as_ref() else {
        return;
    };
    let mut seen: Vec<Manager> = Vec::new();
    for inv in script.invocations() {
        let Some((manager, Action::Install)) = classify(&inv) else {
            continue;
        };
        if seen.contains(&manager) || has_cache_mount(run, manager) {
            continue;
        }
        seen.push(manager);
        let end = inv
            .args
            .iter()
            .find(|a| !a.value.starts_with('-'))
            .map_or(inv.name.range, |a| a.range);
        let range = inv.name.range.cover(end);
        let fix = fix_for(checker, inst, &inv, manager);
        let target = manager.cache_dirs().first().copied().unwrap_or("");
        let diagnostic = checker.report(
            MissingCacheMount {
                command: range.slice(checker.source()).to_string(),
                manager: manager.name(),
                target,
            },
            range,
        );
        if let Some(fix) = fix {
            diagnostic.with_fix(fix);
        }
    }
}

/// A cache mount on, above or below one of the manager's cache
/// directories, or on a directory the script names.
fn has_cache_mount(run: &RunScript, manager: Manager) -> bool {
    let text = run.text.as_ref().map_or("", |t| t.as_str());
    run.flags.mounts_of(MountType::Cache).any(|mount| {
        let Some(target) = mount.target.as_ref() else {
            return false;
        };
        let target = target.value.trim_end_matches('/');
        if target.is_empty() {
            return false;
        }
        let related = |dir: &str| {
            dir == target
                || dir.starts_with(&format!("{target}/"))
                || target.starts_with(&format!("{dir}/"))
        };
        manager.cache_dirs().iter().any(|d| related(d))
            || text.contains(target)
            // A relative target (`node_modules/.cache`, `.yarn/cache`)
            // sits under the work directory the tool caches in.
            || !target.starts_with('/')
    })
}

fn fix_for(
    checker: &Checker,
    inst: &Instruction,
    inv: &crate::semantic::shell::Invocation,
    manager: Manager,
) -> Option<Fix> {
    let targets: &[&str] = match manager {
        Manager::Pip if !inv.args.iter().any(|w| w.is("--no-cache-dir")) => &["/root/.cache/pip"],
        Manager::Uv => &["/root/.cache/uv"],
        Manager::Poetry => &["/root/.cache/pypoetry"],
        Manager::Npm => &["/root/.npm"],
        Manager::Go => &["/go/pkg/mod", "/root/.cache/go-build"],
        Manager::Maven => &["/root/.m2"],
        _ => return None,
    };
    let stage = checker.stage()?;
    let index = checker.instruction_index();
    let as_root = checker.file.instructions[stage.from..index]
        .iter()
        .filter(|i| i.kind == Keyword::User)
        .all(|i| match &i.args {
            Args::Text { text: Some(t) } => {
                let user = t.value.split(':').next().unwrap_or("");
                user == "root" || user == "0"
            }
            _ => false,
        });
    if !as_root {
        return None;
    }
    let mut mounts = String::new();
    for target in targets {
        mounts.push_str("--mount=type=cache,target=");
        mounts.push_str(target);
        mounts.push(' ');
    }
    Some(Fix::unsafe_edits(
        "Add a cache mount",
        vec![Edit::insert(inst.args_text.range.start, mounts)],
    ))
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
                    "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
                    "FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n",
                    "FROM node:22-alpine\nCOPY package*.json ./\nRUN npm ci --omit=dev\n",
                    "FROM node:22-alpine\nRUN yarn install --frozen-lockfile\n",
                    "FROM golang:1.23\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app ./cmd/app\n",
                    "FROM rust:1.82\nCOPY . .\nRUN cargo build --release\n",
                    "FROM maven:3.9-eclipse-temurin-21\nCOPY . .\nRUN mvn -B package -DskipTests\n",
                    "FROM ruby:3.3\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\n",
                    "FROM php:8.3\nRUN composer install --no-dev\n",
                    "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
                    "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
                    "FROM python:3.12\nUSER app\nRUN pip install --user x\n",
                    "FROM node:22\nRUN <<EOF\nset -e\nnpm ci\nnpm run build\nEOF\n",
                    "FROM python:3.12\nRUN --mount=type=cache,target=/root/.npm pip install x && npm ci\n",
                ],
                good: &[
                    "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
                    "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache pip install x\n",
                    "FROM python:3.12-slim\nRUN --mount=type=cache,target=/pipcache pip install --cache-dir=/pipcache x\n",
                    "FROM golang:1.23\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build ./...\n",
                    "FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl\n",
                    "FROM node:22\nRUN --mount=type=cache,target=node_modules/.cache npm run build\n",
                    "FROM node:22\nRUN npm run build\n",
                    "FROM golang:1.23\nRUN go version\n",
                    "FROM debian:12\nRUN apt-get remove -y curl\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN pip install flask\n",
                ],
                fixes: &[
                    (
                        "FROM python:3.12-slim\nRUN pip install -r requirements.txt\n",
                        "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
                    ),
                    (
                        "FROM golang:1.23\nRUN go mod download\n",
                        "FROM golang:1.23\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go mod download\n",
                    ),
                    (
                        "FROM node:22\nRUN --mount=type=secret,id=npmrc npm ci\n",
                        "FROM node:22\nRUN --mount=type=secret,id=npmrc --mount=type=cache,target=/root/.npm npm ci\n",
                    ),
                ],
            },
        );
    }
}
