use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::layers::referenced_names;
use crate::syntax::{ArgDecl, Args, Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags an `ARG` whose value changes on every build (a commit, a date
    /// or time, a build number, an application version without a default,
    /// a cache-bust value, or anything put in the `revision`/`created`
    /// image labels) when it is declared in a stage before expensive `RUN`
    /// steps (package installs, compiles, downloads) that come before its
    /// first use.
    ///
    /// ## Why is this bad?
    /// Every `ARG` declared in a stage is in the environment of every later
    /// `RUN` of that stage, whether the command uses it or not, and BuildKit
    /// makes the value part of the step's cache key. An argument that
    /// differs on each build therefore makes each of those steps miss the
    /// cache: the dependencies are installed and the code compiled again
    /// every time. Declared just before the instruction that uses it, it
    /// invalidates only that step and what follows.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// ARG GIT_COMMIT
    /// RUN apt-get update && apt-get install -y --no-install-recommends build-essential
    /// LABEL org.opencontainers.image.revision=$GIT_COMMIT
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends build-essential
    /// ARG GIT_COMMIT
    /// LABEL org.opencontainers.image.revision=$GIT_COMMIT
    /// ```
    ///
    /// ## Fix safety
    /// When the `ARG` declares only this argument and a later instruction of
    /// the stage refers to it, the fix moves the declaration to just before
    /// that instruction. It is unsafe: a script run by an earlier `RUN` may
    /// read the variable from its environment without naming it in the
    /// Dockerfile.
    pub struct VolatileArgBeforeRun { name: String, kind: &'static str, run: String, line: u32 }
    code = "LL202", name = "volatile-arg-before-run", aliases = [],
    category = Cache, severity = Warning, fix = Sometimes,
    visits = [Arg],
}

impl Violation for VolatileArgBeforeRun {
    fn message(&self) -> String {
        format!(
            "`ARG {}` ({}) changes every build and is declared before `{}` (line {}), which then misses the cache every time",
            self.name, self.kind, self.run, self.line
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "Declare `{}` just before the instruction that uses it",
            self.name
        ))
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::ArgDecls { decls } = &inst.args else {
        return;
    };
    let Some(stage) = checker.stage() else {
        return;
    };
    let index = checker.instruction_index();
    if index == stage.from {
        return;
    }
    let file = checker.file;
    let layers = checker.layers();
    for decl in decls {
        let name = decl.name.value.as_ref();
        let later = index + 1..stage.end;
        let first_use = later
            .clone()
            .find(|&i| uses(&file.instructions[i], file.source, name));
        let Some(kind) = volatility(checker, decl, index + 1..stage.end) else {
            continue;
        };
        let until = first_use.unwrap_or(stage.end);
        let expensive = (index + 1..until).find_map(|i| {
            let step = layers.step_of(i)?;
            (step.keyword == Keyword::Run && step.cost.is_expensive()).then_some(step)
        });
        let Some(run) = expensive else {
            continue;
        };
        let run_inst = &file.instructions[run.instruction];
        let fix = match (first_use, decls.len()) {
            (Some(u), 1) => Some(move_arg(file.source, inst, &file.instructions[u])),
            _ => None,
        };
        let diagnostic = checker.report(
            VolatileArgBeforeRun {
                name: name.to_owned(),
                kind,
                run: summary(run_inst.range.slice(file.source)),
                line: run.line,
            },
            decl.name.range,
        );
        diagnostic.with_related(run_inst.range, "misses the cache on every build");
        if let Some(fix) = fix {
            diagnostic.with_fix(fix);
        }
    }
}

/// Why the argument's value differs between builds, if it does.
fn volatility(
    checker: &Checker,
    decl: &ArgDecl,
    later: std::ops::Range<usize>,
) -> Option<&'static str> {
    let name = decl.name.value.as_ref();
    let source = checker.source();
    let uses: Vec<&Instruction> = later
        .map(|i| &checker.file.instructions[i])
        .filter(|inst| uses(inst, source, name))
        .collect();
    // A value checked with `sha256sum -c` (or given as a long hex default)
    // is a checksum of a download: it changes with the download, not with
    // every build.
    let checksum = decl
        .default
        .as_ref()
        .is_some_and(|d| d.value.len() >= 64 && d.value.chars().all(|c| c.is_ascii_hexdigit()))
        || uses.iter().any(|inst| {
            let text = inst.range.slice(source);
            [
                "sha1sum",
                "sha256sum",
                "sha512sum",
                "shasum",
                "md5sum",
                "--checksum",
            ]
            .iter()
            .any(|tool| text.contains(tool))
        });
    if checksum {
        return None;
    }
    let tokens = tokens(name);
    let has = |t: &str| tokens.iter().any(|x| x == t);
    if has("COMMIT") || has("SHA") || has("GITSHA") || has("REVISION") || has("VCSREF") {
        return Some("a commit");
    }
    if (has("GIT") || has("VCS")) && (has("REF") || has("HASH") || has("REV")) {
        return Some("a commit");
    }
    if has("DATE") || has("TIME") || has("TIMESTAMP") || has("EPOCH") || has("BUILDDATE") {
        return Some("a date");
    }
    if has("BUILDNUMBER")
        || has("BUILDID")
        || (has("BUILD") && (has("NUMBER") || has("NUM") || has("ID") || has("NO")))
        || ((has("RUN") || has("PIPELINE") || has("JOB")) && has("ID"))
    {
        return Some("a build number");
    }
    if has("CACHEBUST") || has("BUST") || has("NOCACHE") || has("NONCE") || has("RANDOM") {
        return Some("a cache-bust value");
    }
    let app_version = name.eq_ignore_ascii_case("version")
        || name.eq_ignore_ascii_case("release")
        || (has("VERSION")
            && ["APP", "BUILD", "RELEASE", "PROJECT", "GIT", "SERVICE"]
                .iter()
                .any(|t| has(t)));
    if app_version && decl.default.is_none() {
        return Some("a version");
    }
    // Put in an image label that records the build.
    for inst in uses.iter().filter(|i| i.kind == Keyword::Label) {
        let Args::KeyValues { pairs } = &inst.args else {
            continue;
        };
        for pair in pairs {
            let key = pair.key.value.to_ascii_lowercase();
            if referenced_names(pair.value.range.slice(source)).any(|n| n == name)
                && [
                    "revision",
                    "created",
                    "build-date",
                    "build_date",
                    "vcs-ref",
                    "commit",
                ]
                .iter()
                .any(|k| key.contains(k))
            {
                return Some("recorded in a build label");
            }
        }
    }
    None
}

/// `GIT_COMMIT` → `GIT`, `COMMIT`; `buildDate` → `BUILD`, `DATE`; and the
/// whole name without separators (`BUILDDATE`).
fn tokens(name: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' {
            tokens.push(std::mem::take(&mut current));
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower {
            tokens.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    tokens.push(current);
    tokens.retain(|t| !t.is_empty());
    let joined: String = tokens.concat();
    tokens.push(joined);
    tokens
}

/// Whether an instruction refers to `$name` (heredoc bodies included).
fn uses(inst: &Instruction, source: &str, name: &str) -> bool {
    std::iter::once(inst.range.slice(source))
        .chain(inst.heredocs.iter().map(|h| h.body.value.as_ref()))
        .any(|text| text.contains(name) && referenced_names(text).any(|n| n == name))
}

/// Moves the `ARG` instruction to just before `target`.
fn move_arg(source: &str, arg: &Instruction, target: &Instruction) -> Fix {
    let text = arg.range.slice(source);
    let mut end = arg.range.end as usize;
    if source[end..].starts_with("\r\n") {
        end += 2;
    } else if source[end..].starts_with('\n') {
        end += 1;
    }
    Fix::unsafe_edits(
        format!("Move `{text}` to just before its first use"),
        vec![
            Edit::delete(TextRange::from_usize(arg.range.start as usize, end)),
            Edit::insert(target.range.start, format!("{text}\n")),
        ],
    )
}

/// An instruction's first line, shortened.
fn summary(text: &str) -> String {
    let line = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\\')
        .trim();
    if line.chars().count() > 50 {
        let cut: String = line.chars().take(47).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::tokens;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM debian:12\nARG GIT_COMMIT\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential\nLABEL org.opencontainers.image.revision=$GIT_COMMIT\n",
                    "FROM golang:1.23\nARG BUILD_DATE\nARG VERSION\nRUN go mod download\nRUN go build -ldflags \"-X main.version=${VERSION} -X main.date=${BUILD_DATE}\" .\n",
                    "FROM node:22\nARG CACHEBUST=1\nRUN npm ci\nRUN curl -fsSL https://example.com/latest.json -o /data.json\n",
                    "FROM python:3.12\nARG BUILD_NUMBER\nRUN pip install -r requirements.txt\n",
                    "FROM alpine:3.20\nARG buildTime\nRUN apk add --no-cache git\nLABEL org.label-schema.build-date=$buildTime\n",
                    "FROM alpine:3.20\nARG REV\nRUN apk add --no-cache curl\nLABEL org.opencontainers.image.revision=\"${REV}\"\n",
                    "FROM alpine:3.20\nARG GIT_SHA TARGET=prod\nRUN apk add --no-cache make && make\nRUN echo $GIT_SHA > /sha\n",
                ],
                good: &[
                    "FROM debian:12\nRUN apt-get update && apt-get install -y build-essential\nARG GIT_COMMIT\nLABEL org.opencontainers.image.revision=$GIT_COMMIT\n",
                    "FROM node:22\nARG NODE_ENV=production\nRUN npm ci\n",
                    "FROM node:22\nARG NODE_VERSION=22.1.0\nRUN curl -fsSL https://nodejs.org/dist/v$NODE_VERSION/node.tar.gz -o /n.tgz\n",
                    "FROM alpine\nARG GIT_COMMIT\nRUN echo $GIT_COMMIT > /commit && apk add --no-cache git\n",
                    "ARG BUILD_DATE\nFROM alpine\nRUN apk add --no-cache git\n",
                    "FROM alpine\nARG SHA256=abc\nRUN apk add --no-cache git\n",
                    "FROM alpine\nARG GIT_COMMIT\nRUN mkdir /app\n",
                    "FROM alpine\nARG UPDATE_TIMEZONE\nRUN apk add tzdata\n",
                    "FROM alpine\nARG TOOL_SHA\nRUN apk add curl\nRUN curl -o /t.tgz https://x/t.tgz && echo \"$TOOL_SHA */t.tgz\" | sha256sum -c -\n",
                    "FROM alpine\nARG SHA=831a8591fe20c8243b1dbe7d71e3244f31d1665b0804b2e825e38cbbe5ce0caf\nRUN apk add curl\n",
                    "FROM alpine\nARG BASE_IMAGE_VERSION\nRUN apk add curl\n",
                    "FROM alpine\nARG PG_FULL\nRUN apk add curl\nLABEL postgresql.version=$PG_FULL\n",
                ],
                fixes: &[
                    (
                        "FROM debian:12\nARG GIT_COMMIT\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential\nLABEL org.opencontainers.image.revision=$GIT_COMMIT\n",
                        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential\nARG GIT_COMMIT\nLABEL org.opencontainers.image.revision=$GIT_COMMIT\n",
                    ),
                    (
                        "FROM golang:1.23\nARG BUILD_DATE\nARG VERSION\nRUN go mod download\nRUN go build -ldflags \"-X main.version=${VERSION} -X main.date=${BUILD_DATE}\" .\n",
                        "FROM golang:1.23\nRUN go mod download\nARG BUILD_DATE\nARG VERSION\nRUN go build -ldflags \"-X main.version=${VERSION} -X main.date=${BUILD_DATE}\" .\n",
                    ),
                ],
            },
        );
    }

    #[test]
    fn splits_names() {
        assert_eq!(tokens("GIT_COMMIT"), ["GIT", "COMMIT", "GITCOMMIT"]);
        assert_eq!(tokens("buildDate"), ["BUILD", "DATE", "BUILDDATE"]);
        assert_eq!(tokens("CACHEBUST"), ["CACHEBUST", "CACHEBUST"]);
    }
}
