use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::Stage;
use crate::semantic::shell::pkgcache::{Action, Manager, classify};
use crate::semantic::shell::{Invocation, Script, ShellWord};
use crate::syntax::{Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags compilers, build systems and development packages installed
    /// with apt, apk, dnf/yum or zypper in a stage that becomes the image
    /// (the last stage, or the `--target` stage, and the stages it is built
    /// `FROM`): `build-essential`, `gcc`, `g++`, `clang`, `make`, `cmake`,
    /// `autoconf`, `libtool`, `pkg-config`, `musl-dev`, `linux-headers`,
    /// `build-base`, `golang`, `rustc`, `cargo`, `*-dev` and `*-devel`
    /// header packages… and toolchains fetched with `rustup` or from the Go
    /// download site.
    ///
    /// Packages removed again in the same `RUN` (`apk del .build-deps`,
    /// `apt-get purge -y --auto-remove gcc`, or the `apt-mark auto` +
    /// `autoremove` idiom of the official images) are not flagged.
    ///
    /// ## Why is this bad?
    /// A compiler and its headers are needed to build, not to run. In the
    /// shipped image they add hundreds of megabytes, slow every pull, and
    /// give an attacker who gets in the tools to build whatever they need.
    /// A multi-stage build compiles in a build stage and copies only the
    /// result into a slim final stage.
    ///
    /// The severity is *info*: single-stage images are sometimes meant to
    /// be build environments (CI runners, dev containers).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    ///     && rm -rf /var/lib/apt/lists/*
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    ///     && rm -rf /var/lib/apt/lists/*
    /// COPY requirements.txt .
    /// RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt
    ///
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
    ///     && rm -rf /var/lib/apt/lists/*
    /// COPY --from=build /wheels /wheels
    /// RUN pip install --no-cache-dir /wheels/*
    /// ```
    pub struct BuildToolsInFinalStage { tools: Vec<String> }
    code = "LL303", name = "build-tools-in-final-stage", aliases = [],
    category = Size, severity = Info, fix = None,
    visits = file,
}

impl Violation for BuildToolsInFinalStage {
    fn message(&self) -> String {
        let shown: Vec<String> = self
            .tools
            .iter()
            .take(4)
            .map(|t| format!("`{t}`"))
            .collect();
        let more = match self.tools.len().saturating_sub(4) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let (verb, ships) = if self.tools.len() == 1 {
            ("is a build tool", "it ships")
        } else {
            ("are build tools", "they ship")
        };
        format!(
            "{}{more} {verb} installed in the final stage, so {ships} in the image",
            shown.join(", ")
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "Build in a separate stage and copy only the artifacts into the final stage"
                .to_string(),
        )
    }
}

/// The stages whose files end up in the image: the target stage and the
/// stages it is built `FROM`.
fn image_stages<'f, 's>(checker: &Checker<'f, 's>) -> Vec<&'f Stage<'s>> {
    let stages: &'f [Stage<'s>] = &checker.stages.stages;
    let target = match &checker.settings.options.target {
        Some(name) => stages.iter().find(|s| {
            s.name
                .as_ref()
                .is_some_and(|n| n.value.eq_ignore_ascii_case(name))
        }),
        None => stages.last(),
    };
    let mut chain = Vec::new();
    let mut current = target;
    while let Some(stage) = current {
        if chain.iter().any(|s: &&Stage| s.index == stage.index) {
            break;
        }
        chain.push(stage);
        current = stage
            .base
            .as_ref()
            .and_then(|base| checker.stages.by_name(&base.value, stage.index));
    }
    chain
}

const TOOLS: &[&str] = &[
    "build-essential",
    "build-base",
    "alpine-sdk",
    "gcc",
    "g++",
    "gcc-c++",
    "cpp",
    "clang",
    "llvm",
    "make",
    "cmake",
    "ninja-build",
    "meson",
    "autoconf",
    "automake",
    "libtool",
    "pkg-config",
    "pkgconf",
    "pkgconfig",
    "bison",
    "flex",
    "gfortran",
    "musl-dev",
    "linux-headers",
    "libc-dev",
    "libc6-dev",
    "glibc-devel",
    "kernel-headers",
    "kernel-devel",
    "golang",
    "golang-go",
    "go",
    "rustc",
    "cargo",
    "rust",
    "Development Tools",
];

/// A package name that is a compiler, a build system or headers.
fn is_build_tool(name: &str) -> bool {
    let base = name.split(':').next().unwrap_or(name);
    if TOOLS.contains(&base) || base.ends_with("-dev") || base.ends_with("-devel") {
        return true;
    }
    // Versioned compilers: gcc-12, g++-13, clang-17, golang-1.22-go.
    ["gcc-", "g++-", "clang-", "golang-"].iter().any(|prefix| {
        base.strip_prefix(prefix)
            .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// Whether a later command of the script uninstalls `name` (or everything:
/// a dynamic list, or the `apt-mark auto` idiom).
fn removed_later(script: &Script, after: usize, name: &str, virtual_name: Option<&str>) -> bool {
    let mut marked_auto = false;
    for inv in script.invocations().filter(|i| i.index > after) {
        let program = inv.program();
        if program == "apt-mark" && inv.args.iter().any(|a| a.is("auto")) {
            marked_auto = true;
            continue;
        }
        let Some((manager, Action::Other)) = classify(&inv) else {
            continue;
        };
        if !manager.is_system() {
            continue;
        }
        let operands: Vec<&ShellWord> = inv
            .args
            .iter()
            .filter(|w| !w.value.starts_with('-'))
            .collect();
        let Some((sub, packages)) = operands.split_first() else {
            continue;
        };
        let removes = matches!(
            sub.static_value(),
            Some("remove" | "purge" | "autoremove" | "del" | "erase" | "rm")
        );
        if !removes {
            continue;
        }
        let autoremove = sub.is("autoremove")
            || inv
                .args
                .iter()
                .any(|a| a.is("--auto-remove") || a.is("--autoremove"));
        if autoremove && marked_auto {
            return true;
        }
        for package in packages {
            if !package.is_static() {
                return true;
            }
            let value = package.value.as_ref();
            if value == name || Some(value) == virtual_name {
                return true;
            }
        }
    }
    false
}

/// Toolchains fetched by URL (`rustup`, Go's release tarballs).
fn toolchain_download(inv: &Invocation) -> Option<(&'static str, TextRange)> {
    if inv.program() == "rustup-init" {
        return Some(("rustup", inv.name.range));
    }
    inv.args.iter().find_map(|w| {
        let v = w.value.as_ref();
        // Shorter than the shortest address below.
        if v.len() < "sh.rustup.rs".len() {
            return None;
        }
        // Most words name neither: one search rules each family out.
        if v.contains("rust")
            && (v.contains("sh.rustup.rs") || v.contains("static.rust-lang.org/rustup"))
        {
            Some(("rustup", w.range))
        } else if v.contains(".tar.gz")
            && (v.contains("go.dev/dl/go")
                || v.contains("golang.org/dl/go")
                || v.contains("dl.google.com/go/go"))
        {
            Some(("go toolchain", w.range))
        } else {
            None
        }
    })
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    let shell = checker.shell();
    let mut found: Vec<(Vec<String>, TextRange)> = Vec::new();
    for stage in image_stages(checker) {
        for index in stage.from..stage.end {
            if file.instructions[index].kind != Keyword::Run {
                continue;
            }
            let Some(script) = shell.run(index).and_then(|r| r.script.as_ref()) else {
                continue;
            };
            for inv in script.invocations() {
                if let Some((tool, range)) = toolchain_download(&inv) {
                    found.push((vec![tool.to_string()], range));
                    continue;
                }
                let Some((manager, Action::Install)) = classify(&inv) else {
                    continue;
                };
                if !manager.is_system()
                    || matches!(manager, Manager::Apt if inv.args.iter().any(|a| a.is("build-dep")))
                {
                    continue;
                }
                let Some(parsed) = inv.parse_args() else {
                    continue;
                };
                let virtual_name = parsed.value("virtual");
                let mut tools = Vec::new();
                let mut first: Option<TextRange> = None;
                for package in parsed.packages() {
                    if package.dynamic || !is_build_tool(&package.name) {
                        continue;
                    }
                    if removed_later(script, inv.index, &package.name, virtual_name) {
                        continue;
                    }
                    first.get_or_insert(package.word.range);
                    tools.push(package.name.to_string());
                }
                if let Some(range) = first {
                    found.push((tools, range));
                }
            }
        }
    }
    for (tools, range) in found {
        checker.report(BuildToolsInFinalStage { tools }, range);
    }
}

#[cfg(test)]
mod tests {
    use super::is_build_tool;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc python3-dev libpq-dev && rm -rf /var/lib/apt/lists/*\nCOPY . .\nRUN pip install -r requirements.txt\n",
                    "FROM node:22-alpine\nRUN apk add --no-cache python3 make g++\nCOPY . .\nRUN npm ci\n",
                    "FROM ruby:3.3-slim\nRUN apt-get update && apt-get install -y build-essential libsqlite3-dev\n",
                    "FROM php:8.3-fpm-alpine\nRUN apk add --no-cache $PHPIZE_DEPS autoconf linux-headers\n",
                    "FROM rockylinux:9\nRUN dnf install -y gcc-c++ openssl-devel && dnf clean all\n",
                    "FROM debian:12\nRUN curl --proto '=https' -sSf https://sh.rustup.rs | sh -s -- -y\n",
                    "FROM debian:12 AS base\nRUN apt-get install -y cmake\nFROM base\nCMD [\"app\"]\n",
                    "FROM python:3.12-slim\nRUN <<EOF\nset -e\napt-get update\napt-get install -y --no-install-recommends gcc\nrm -rf /var/lib/apt/lists/*\nEOF\n",
                    "FROM golang:1.23 AS build\nRUN go build -o /app\nFROM debian:12\nRUN apt-get install -y gcc-12 clang-17 make cmake autoconf automake\n",
                ],
                good: &[
                    "FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y gcc libpq-dev\nRUN pip wheel -w /wheels psycopg2\nFROM python:3.12-slim\nCOPY --from=build /wheels /wheels\n",
                    "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x && apk del .build-deps\n",
                    "FROM debian:12\nRUN apt-get install -y gcc && make && apt-get purge -y --auto-remove gcc\n",
                    "FROM debian:12\nRUN savedAptMark=\"$(apt-mark showmanual)\" && apt-get install -y gcc make && apt-mark auto '.*' && apt-mark manual $savedAptMark && apt-get purge -y --auto-remove\n",
                    "FROM debian:12\nRUN apt-get install -y curl ca-certificates libpq5 udev\n",
                    "FROM debian:12\nRUN apt-get install -y $BUILD_DEPS\n",
                    "FROM debian:12 AS tools\nRUN apt-get install -y gcc\nFROM debian:12\nCMD [\"app\"]\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN choco install -y make\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn build_tools() {
        for name in [
            "gcc",
            "g++-13",
            "libssl-dev",
            "openssl-devel",
            "build-base",
            "clang-17",
        ] {
            assert!(is_build_tool(name), "{name}");
        }
        for name in [
            "curl",
            "libpq5",
            "gcc-libs",
            "libgcc",
            "devscripts",
            "python3",
            "udev",
        ] {
            assert!(!is_build_tool(name), "{name}");
        }
    }
}
