use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::fsops::{
    SHARED_DIRS, copy_writes, image_stages, is_within, resolve, workdirs,
};
use crate::semantic::shell::paths::{path_covers, pattern_covers};
use crate::semantic::shell::pkgcache::{Action, Manager, classify};
use crate::semantic::shell::programs::RM;
use crate::semantic::shell::{Invocation, MountType, RunScript, Script};
use crate::syntax::{Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that deletes files an earlier instruction of the image
    /// wrote in a layer of its own: files and directories from `COPY`/`ADD`,
    /// downloads (`curl -o`, `wget`, `git clone`), and package-manager
    /// indexes and caches (`apt-get update` lists, apk, dnf/yum, pip and npm
    /// caches) that the earlier `RUN` did not clean up itself. Deletions are
    /// `rm` (paths resolved against `WORKDIR`, wildcards understood) and
    /// `apt-get clean`, `yum`/`dnf clean all`, `npm cache clean`,
    /// `pip cache purge`.
    ///
    /// Only the stages that make up the image are checked (the last stage,
    /// or the `--target` stage, and the stages it is built `FROM`); files
    /// under a cache or tmpfs mount never reach a layer and are ignored.
    ///
    /// ## Why is this bad?
    /// Layers only add: deleting a file in a later layer hides it, but the
    /// earlier layer still holds it and every pull downloads it. Delete
    /// files in the same `RUN` that creates them, download and extract in
    /// one step, copy only what is needed (`.dockerignore`), or build in a
    /// separate stage and `COPY --from` the result.
    ///
    /// The severity is *warning*: the deletion suggests the files were
    /// meant not to ship, and they do.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// RUN curl -fsSLo /tmp/app.tar.gz https://example.com/app.tar.gz
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// RUN curl -fsSLo /tmp/app.tar.gz https://example.com/app.tar.gz \
    ///     && tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    pub struct RemoveInLaterLayer { removal: String, created: String, line: u32 }
    code = "LL302", name = "remove-in-later-layer", aliases = [],
    category = Size, severity = Warning, fix = None,
    visits = file,
}

impl Violation for RemoveInLaterLayer {
    fn message(&self) -> String {
        format!(
            "`{}` deletes `{}`, written on line {} in an earlier layer, which still ships in the image",
            self.removal, self.created, self.line
        )
    }

    fn help(&self) -> Option<String> {
        Some("Delete the files in the same `RUN` that creates them".to_string())
    }
}

/// A path an instruction wrote into its layer.
#[derive(Debug)]
struct Created {
    index: usize,
    path: String,
    /// A directory whose contents were written too.
    dir: bool,
    /// Which paths inside `path` it wrote.
    inside: Inside,
}

/// What a directory creation wrote inside the directory.
#[derive(Debug)]
enum Inside {
    /// Anything (a clone, a download directory, a cache, an app directory).
    Any,
    /// Only names matching these patterns (`COPY *.rpm /tmp/`).
    Matching(Vec<String>),
    /// Unknown: a copy into a shared system directory (`/etc`, `/usr/local`),
    /// where other steps also write; only removals of the whole count.
    Unknown,
}

fn known_cache(manager: Manager, inv: &Invocation, action: Action) -> Option<(&'static str, bool)> {
    let has = |flag: &str| inv.args.iter().any(|w| w.is(flag));
    match (manager, action) {
        (Manager::Apt, Action::IndexUpdate) => Some(("/var/lib/apt/lists", true)),
        (Manager::Apk, Action::IndexUpdate) => Some(("/var/cache/apk", true)),
        (Manager::Apk, Action::Install) if has("-U") || has("--update-cache") => {
            Some(("/var/cache/apk", true))
        }
        (Manager::Rpm, Action::IndexUpdate | Action::Install) => match inv.program() {
            "yum" => Some(("/var/cache/yum", true)),
            "dnf" | "microdnf" => Some(("/var/cache/dnf", true)),
            _ => None,
        },
        (Manager::Pip, Action::Install) if !has("--no-cache-dir") => {
            Some(("/root/.cache/pip", true))
        }
        (Manager::Npm, Action::Install) => Some(("/root/.npm", true)),
        _ => None,
    }
}

fn url_basename(url: &str) -> Option<&str> {
    let path = url.split(['?', '#']).next()?;
    let name = path.trim_end_matches('/').rsplit('/').next()?;
    (!name.is_empty() && !name.contains(':')).then_some(name)
}

/// What a `RUN` writes (before its own clean-up).
fn created_by(script: &Script, workdir: Option<&str>, mut push: impl FnMut(usize, String, bool)) {
    let abs = |p: &str| -> Option<String> {
        if p.starts_with('/') {
            Some(resolve("/", p))
        } else {
            workdir.map(|w| resolve(w, p))
        }
    };
    for inv in script.invocations() {
        let at = inv.index;
        if let Some((manager, action)) = classify(&inv)
            && let Some((path, dir)) = known_cache(manager, &inv, action)
        {
            push(at, path.to_string(), dir);
            continue;
        }
        let words: Vec<&str> = inv.args.iter().filter_map(|w| w.static_value()).collect();
        if words.len() != inv.args.len() {
            continue;
        }
        let url = words
            .iter()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"));
        match inv.program() {
            "curl" => {
                let parsed = inv.parse_args();
                let output = parsed.as_ref().and_then(|p| p.value("output"));
                if let Some(out) = output.filter(|o| *o != "-").and_then(abs) {
                    push(at, out, false);
                } else if parsed.is_some_and(|p| p.has("remote-name"))
                    && let Some(name) = url.and_then(|u| url_basename(u))
                    && let Some(out) = abs(name)
                {
                    push(at, out, false);
                }
            }
            "wget" => {
                let parsed = inv.parse_args();
                let document = parsed.as_ref().and_then(|p| p.value("output-document"));
                let prefix = parsed.as_ref().and_then(|p| p.value("directory-prefix"));
                match (document, prefix) {
                    (Some("-"), _) => {}
                    (Some(doc), _) => {
                        if let Some(out) = abs(doc) {
                            push(at, out, false);
                        }
                    }
                    (None, Some(dir)) => {
                        if let Some(out) = abs(dir) {
                            push(at, out, true);
                        }
                    }
                    (None, None) => {
                        if let Some(out) = url.and_then(|u| url_basename(u)).and_then(abs) {
                            push(at, out, false);
                        }
                    }
                }
            }
            "git" if words.first() == Some(&"clone") => {
                let operands: Vec<&str> = words[1..]
                    .iter()
                    .copied()
                    .filter(|w| !w.starts_with('-'))
                    .collect();
                let dir = match operands.as_slice() {
                    [_, dir, ..] => Some(*dir),
                    [repo] => url_basename(repo).map(|n| n.trim_end_matches(".git")),
                    [] => None,
                };
                if let Some(out) = dir.and_then(abs) {
                    push(at, out, true);
                }
            }
            _ => {}
        }
    }
}

/// A deletion: the word to report, the pattern it removes, whether
/// recursively.
struct Removal {
    /// Index of the command in the script.
    at: usize,
    range: TextRange,
    text: String,
    pattern: String,
    recursive: bool,
}

fn removals(script: &Script, workdir: Option<&str>) -> Vec<Removal> {
    let mut out = Vec::new();
    for inv in script.invocations() {
        let fixed = |path: &str| Removal {
            at: inv.index,
            range: inv.command.range,
            text: inv.command.range_text(),
            pattern: path.to_string(),
            recursive: true,
        };
        match (inv.program(), classify(&inv)) {
            ("rm", _) => {
                let args = RM.parse(inv.args);
                let recursive = args.has("recursive");
                for operand in &args.operands {
                    let Some(pattern) = operand.pattern() else {
                        continue;
                    };
                    let pattern = if pattern.starts_with('/') {
                        resolve("/", &pattern)
                    } else if let Some(w) = workdir {
                        resolve(w, &pattern)
                    } else {
                        continue;
                    };
                    out.push(Removal {
                        at: inv.index,
                        range: operand.range,
                        text: format!("rm {}", operand.value),
                        pattern,
                        recursive,
                    });
                }
            }
            (_, Some((Manager::Apt, Action::Other))) if inv.args.iter().any(|w| w.is("clean")) => {
                out.push(fixed("/var/cache/apt"));
            }
            (program @ ("yum" | "dnf"), Some((Manager::Rpm, Action::Other)))
                if inv.args.iter().any(|w| w.is("clean")) =>
            {
                out.push(fixed(if program == "yum" {
                    "/var/cache/yum"
                } else {
                    "/var/cache/dnf"
                }));
            }
            (_, Some((Manager::Npm, Action::Other)))
                if inv.args.iter().any(|w| w.is("cache"))
                    && inv.args.iter().any(|w| w.is("clean")) =>
            {
                out.push(fixed("/root/.npm"));
            }
            (_, Some((Manager::Pip, Action::Other)))
                if inv.args.iter().any(|w| w.is("cache"))
                    && inv.args.iter().any(|w| w.is("purge")) =>
            {
                out.push(fixed("/root/.cache/pip"));
            }
            _ => {}
        }
    }
    out
}

trait RangeText {
    fn range_text(&self) -> String;
}

impl RangeText for crate::semantic::shell::Command<'_> {
    fn range_text(&self) -> String {
        self.words()
            .map(|w| w.value.as_ref())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The removal takes away (some of) what was created.
fn hits(removal: &Removal, created: &Created) -> bool {
    if path_covers(&removal.pattern, removal.recursive, &created.path) {
        return true;
    }
    if !created.dir {
        return false;
    }
    let base = removal.pattern.rsplit('/').next().unwrap_or("");
    match &created.inside {
        Inside::Any => {}
        Inside::Unknown => return false,
        Inside::Matching(patterns) => {
            // The copied names sit directly in the directory.
            let parent = removal
                .pattern
                .rsplit_once('/')
                .map_or("", |(parent, _)| parent);
            if parent != created.path
                || !patterns
                    .iter()
                    .any(|p| pattern_covers(p, base) || pattern_covers(base, p))
            {
                return false;
            }
        }
    }
    // Something inside a created directory: compare the literal prefix.
    let literal = removal
        .pattern
        .find(['*', '?', '[', '\\'])
        .map_or(removal.pattern.as_str(), |i| &removal.pattern[..i]);
    let literal = literal.trim_end_matches('/');
    !literal.is_empty() && is_within(literal, &created.path) && literal.len() >= created.path.len()
}

/// Paths under a cache, tmpfs or bind mount of the `RUN` never reach its layer.
fn mounted(run: &RunScript, path: &str) -> bool {
    run.flags.mounts.iter().any(|m| {
        matches!(
            m.kind,
            MountType::Cache | MountType::Tmpfs | MountType::Bind
        ) && m
            .target
            .as_ref()
            .is_some_and(|t| is_within(path, &resolve("/", &t.value)))
    })
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    let vars = checker.vars();
    let shell = checker.shell();
    let target = checker.settings.options.target.clone();
    let mut chain = image_stages(checker.stages, target.as_deref());
    chain.reverse();
    let mut created: Vec<Created> = Vec::new();
    let mut found = Vec::new();
    for stage in chain {
        let dirs = workdirs(file, stage, vars);
        let copies = copy_writes(file, stage, vars);
        for index in stage.from..stage.end {
            let workdir = dirs.get(index - stage.from).and_then(Option::as_deref);
            let inst = &file.instructions[index];
            if let Some(copy) = copies.iter().find(|c| c.index == index) {
                if copy.files.len() == 1 && !copy.into_dir {
                    created.push(Created {
                        index,
                        path: copy.dest.clone(),
                        dir: false,
                        inside: Inside::Any,
                    });
                } else if copy.into_dir
                    && !copy.files.is_empty()
                    && copy.files.len() == count_sources(inst)
                {
                    for f in &copy.files {
                        created.push(Created {
                            index,
                            path: f.clone(),
                            dir: false,
                            inside: Inside::Any,
                        });
                    }
                } else if copy.dest != "/" {
                    created.push(Created {
                        index,
                        path: copy.dest.clone(),
                        dir: true,
                        inside: copy_inside(inst, &copy.dest),
                    });
                }
                continue;
            }
            if inst.kind != Keyword::Run {
                continue;
            }
            let Some(run) = shell.run(index) else {
                continue;
            };
            let Some(script) = run.script.as_ref() else {
                continue;
            };
            let own_removals = removals(script, workdir);
            let mut own_created: Vec<(usize, Created)> = Vec::new();
            created_by(script, workdir, |at, path, dir| {
                own_created.push((
                    at,
                    Created {
                        index,
                        path,
                        dir,
                        inside: Inside::Any,
                    },
                ));
            });
            for removal in &own_removals {
                // Written earlier in this same `RUN`: deleted in its own layer.
                if own_created
                    .iter()
                    .any(|(at, c)| *at < removal.at && hits(removal, c))
                {
                    continue;
                }
                if let Some(hit) = created.iter().find(|c| hits(removal, c)) {
                    let what = if path_covers(&removal.pattern, removal.recursive, &hit.path) {
                        hit.path.clone()
                    } else {
                        format!("{}`, part of `{}", removal.pattern, hit.path)
                    };
                    found.push((removal.range, removal.text.clone(), what, hit.index));
                }
            }
            for (at, made) in own_created {
                let cleaned = own_removals
                    .iter()
                    .any(|r| r.at > at && path_covers(&r.pattern, r.recursive, &made.path))
                    || (made.dir
                        && script
                            .removal_after(at, &format!("{}/*", made.path))
                            .is_some());
                if !cleaned && !mounted(run, &made.path) && made.path != "/" {
                    created.push(made);
                }
            }
        }
    }
    for (range, text, path, index) in found {
        let (line, _) = file.lines_of(file.instructions[index].range);
        checker
            .report(
                RemoveInLaterLayer {
                    removal: text,
                    created: path,
                    line,
                },
                range,
            )
            .with_related(file.instructions[index].keyword.range, "written here");
    }
}

/// What a directory `COPY` writes inside its destination.
fn copy_inside(inst: &crate::syntax::Instruction, dest: &str) -> Inside {
    let crate::syntax::Args::Paths { paths, .. } = &inst.args else {
        return Inside::Unknown;
    };
    let sources = &paths[..paths.len().saturating_sub(1)];
    let names: Vec<String> = sources
        .iter()
        .map(|s| {
            let v = s.value.trim_end_matches('/');
            v.rsplit('/').next().unwrap_or(v).to_string()
        })
        .collect();
    if !names.is_empty() && names.iter().all(|n| n.contains(['*', '?', '['])) {
        Inside::Matching(names)
    } else if SHARED_DIRS.contains(&dest) {
        Inside::Unknown
    } else {
        Inside::Any
    }
}

fn count_sources(inst: &crate::syntax::Instruction) -> usize {
    match &inst.args {
        crate::syntax::Args::Paths { paths, .. } => paths.len().saturating_sub(1),
        _ => 0,
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
                    "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n",
                    "FROM debian:12\nWORKDIR /tmp\nRUN wget https://example.com/app-1.2.tar.gz\nRUN tar xzf app-1.2.tar.gz && rm app-1.2.tar.gz\n",
                    "FROM python:3.12-slim\nCOPY requirements.txt /tmp/\nRUN pip install --no-cache-dir -r /tmp/requirements.txt && rm /tmp/requirements.txt\n",
                    "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build && rm -rf src tests\n",
                    "FROM golang:1.23\nRUN git clone https://github.com/org/tool.git /src/tool\nRUN cd /src/tool && make install && rm -rf /src/tool\n",
                    "FROM centos:7\nRUN yum install -y httpd\nRUN yum clean all\n",
                    "FROM ruby:3.3\nCOPY vendor/cache/ /app/vendor/cache/\nRUN <<EOF\nset -e\nbundle install --local\nrm -rf /app/vendor/cache\nEOF\n",
                    "FROM python:3.12\nRUN pip install flask\nRUN rm -rf /root/.cache\n",
                    "FROM debian:12 AS base\nADD https://example.com/x.deb /tmp/x.deb\nFROM base\nRUN dpkg -i /tmp/x.deb && rm /tmp/x.deb\n",
                ],
                good: &[
                    "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN rm -rf /var/lib/apt/lists/*\n",
                    "FROM debian:12\nRUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz && tar xzf /tmp/a.tgz -C /opt && rm /tmp/a.tgz\n",
                    "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n",
                    "FROM python:3.12\nRUN --mount=type=bind,source=requirements.txt,target=/tmp/requirements.txt pip install --no-cache-dir -r /tmp/requirements.txt\n",
                    "FROM node:22 AS build\nCOPY . .\nRUN rm -rf tests\nFROM node:22-slim\nCOPY --from=build /dist /dist\n",
                    "FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN rm -rf /var/cache/apk/*\n",
                    "FROM alpine:3.20\nRUN rm -rf /tmp/*\n",
                    "FROM debian:12\nRUN <<EOF\nset -e\ncurl -fsSLo /tmp/a.deb https://example.com/a.deb\ndpkg -i /tmp/a.deb\nrm /tmp/a.deb\nEOF\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nCOPY setup.exe C:/tmp/\nRUN Remove-Item C:/tmp/setup.exe\n",
                    "FROM alpine:3.20\nCOPY app /app\nRUN rm -rf /opt/x\n",
                ],
                fixes: &[],
            },
        );
    }
}
