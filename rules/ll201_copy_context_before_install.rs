use std::collections::BTreeMap;

use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::context::{BuildContext, EntryKind, glob_match};
use crate::semantic::layers::{ContextInput, Install, Manifest, Step};
use crate::syntax::{Args, Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags a dependency install (`npm ci`, `yarn install`, `pnpm install`,
    /// `pip install -r requirements.txt`, `poetry install`, `pipenv install`,
    /// `uv sync`, `go mod download`, `cargo fetch`, `bundle install`,
    /// `composer install`, `mvn dependency:go-offline`, `gradle
    /// dependencies`, `dotnet restore`, `mix deps.get`) that runs after a
    /// `COPY` of the whole build context, or of a source tree that holds the
    /// install's manifest together with the code.
    ///
    /// Installs of named packages (`npm install -g pm2`, `pip install
    /// flask`) read no manifest and are not flagged.
    ///
    /// ## Why is this bad?
    /// A `COPY` is cached by the content of the files it copies. Copying the
    /// whole project before the install means that editing any source file
    /// invalidates the `COPY`, so the install runs again on every build,
    /// although the dependencies did not change. Copying only the manifest
    /// and lock files first, installing, and then copying the rest keeps
    /// the install cached until the dependencies change.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// When the build context is known, the install `RUN` directly follows
    /// the `COPY` and does nothing but install, the fix inserts a `COPY` of
    /// exactly the manifest and lock files that exist in the context
    /// (with the broad `COPY`'s flags and destination) and the install
    /// before the broad `COPY`, which stays after them. It is unsafe: an
    /// install may read other files (a `postinstall` script, a local path
    /// dependency, a `setup.py` next to the requirements).
    pub struct CopyContextBeforeInstall { copy: String, install: String, line: u32, manifests: Vec<String> }
    code = "LL201", name = "copy-context-before-install", aliases = [],
    category = Cache, severity = Warning, fix = Sometimes,
    visits = [Run],
}

impl Violation for CopyContextBeforeInstall {
    fn message(&self) -> String {
        format!(
            "`{}` copies the source before `{}` (line {}): every source change re-runs the install",
            self.copy, self.install, self.line
        )
    }

    fn help(&self) -> Option<String> {
        Some(if self.manifests.is_empty() {
            "Copy only the manifest and lock files first, install, then copy the rest".to_string()
        } else {
            let files: Vec<String> = self.manifests.iter().map(|m| format!("`{m}`")).collect();
            format!(
                "Copy {} first, install, then copy the rest",
                files.join(", ")
            )
        })
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let index = checker.instruction_index();
    let layers = checker.layers();
    let Some(step) = layers.step_of(index) else {
        return;
    };
    let Some(install) = step.installs.first() else {
        return;
    };
    let Some(stage) = checker.stage() else {
        return;
    };
    let context = checker.context();
    let file = checker.file;
    let found = (stage.from + 1..index).rev().find_map(|c| {
        let copy = layers.step_of(c)?;
        let dir = broad_source(copy, &step.installs, context)?;
        Some((c, copy, dir))
    });
    let Some((copy_index, copy_step, (input, dir))) = found else {
        return;
    };
    let copy = &file.instructions[copy_index];
    let manifests = context.map_or_else(Vec::new, |ctx| {
        existing_manifests(ctx, &dir, &step.installs)
    });
    let source = file.source;
    let copy_text = first_line(copy.range.slice(source));
    let range = source_word(copy, &input.source).unwrap_or(copy.range);
    let fix = (!manifests.is_empty())
        .then(|| {
            move_install(
                source, copy, inst, copy_index, index, &dir, &manifests, copy_step,
            )
        })
        .flatten()
        .filter(|_| all_installs(checker, index, &step.installs));
    let diagnostic = checker.report(
        CopyContextBeforeInstall {
            copy: copy_text,
            install: install.command.clone(),
            line: file.line_index.line_of(install.range.start) + 1,
            manifests: manifests.clone(),
        },
        range,
    );
    diagnostic.with_related(install.range, "the install");
    if let Some(fix) = fix {
        diagnostic.with_fix(fix);
    }
}

/// If `copy` is a `COPY`/`ADD` from the context that copies the whole
/// context, or a directory holding the installs' manifests and more: the
/// source and the directory (relative to the context root) it copies.
fn broad_source<'a>(
    copy: &'a Step,
    installs: &[Install],
    context: Option<&BuildContext>,
) -> Option<(&'a ContextInput, String)> {
    if !matches!(copy.keyword, Keyword::Copy | Keyword::Add) {
        return None;
    }
    copy.context.iter().find_map(|input| {
        let path = input.path.as_deref()?;
        if path.is_empty() || (input.wildcard && matches!(path, "*" | "**")) {
            return Some((input, String::new()));
        }
        let ctx = context?;
        if input.wildcard || input.files.is_empty() {
            return None;
        }
        let manifests = existing_manifests(ctx, path, installs);
        let more = input.files.iter().any(|f| !manifests.contains(f));
        (!manifests.is_empty() && more).then(|| (input, path.to_owned()))
    })
}

/// The installs' manifest files in context directory `dir`, as context
/// paths, in a stable order.
fn existing_manifests(ctx: &BuildContext, dir: &str, installs: &[Install]) -> Vec<String> {
    // Only `dir` is read: the rest of the context need not be walked.
    let walk = ctx.walk_of(dir);
    let join = |name: &str| {
        if dir.is_empty() {
            name.to_owned()
        } else {
            format!("{dir}/{name}")
        }
    };
    let present = |path: &str| {
        walk.entry(path)
            .is_some_and(|e| e.kind() != EntryKind::Dir && !e.is_excluded())
    };
    let mut found: Vec<String> = Vec::new();
    for install in installs {
        for manifest in &install.manifests {
            match manifest {
                Manifest::Optional(name) => {
                    let path = join(name);
                    if present(&path) {
                        found.push(path);
                    }
                }
                Manifest::Glob(pattern) => {
                    let pattern = join(pattern);
                    for entry in walk.below(dir) {
                        if entry.kind() != EntryKind::Dir
                            && !entry.is_excluded()
                            && glob_match(&pattern, entry.path()).unwrap_or(false)
                        {
                            found.push(entry.path().to_owned());
                        }
                    }
                }
            }
        }
        for named in &install.named {
            let path = join(named.trim_start_matches("./"));
            if present(&path) {
                found.push(path);
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|f| seen.insert(f.clone()));
    found
}

/// Whether every command of the `RUN` is one of its installs.
fn all_installs(checker: &Checker, index: usize, installs: &[Install]) -> bool {
    checker
        .shell()
        .run(index)
        .and_then(|run| run.script.as_ref())
        .is_some_and(|script| {
            !script.commands.is_empty()
                && (0..script.commands.len()).all(|i| installs.iter().any(|x| x.command_index == i))
        })
}

/// Moves the install `RUN` before the broad `COPY`, preceded by a `COPY` of
/// the manifests.
#[allow(clippy::too_many_arguments)]
fn move_install(
    source: &str,
    copy: &Instruction,
    run: &Instruction,
    copy_index: usize,
    run_index: usize,
    dir: &str,
    manifests: &[String],
    copy_step: &Step,
) -> Option<Fix> {
    if run_index != copy_index + 1 || !run.heredocs.is_empty() || copy_step.context.len() != 1 {
        return None;
    }
    let Args::Paths { paths, .. } = &copy.args else {
        return None;
    };
    let dest = paths.last()?;
    if dest.value.contains(['$', ' ']) || manifests.iter().any(|m| m.contains([' ', '$'])) {
        return None;
    }
    let dest_dir = match dest.value.as_ref() {
        "." | "./" => "./".to_owned(),
        d if d.ends_with('/') => d.to_owned(),
        d => format!("{d}/"),
    };
    let flags: Vec<&str> = copy.flags.iter().map(|f| f.range.slice(source)).collect();
    let keyword = copy.keyword.value.as_ref();
    // One COPY per directory below the copied one.
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for manifest in manifests {
        let relative = if dir.is_empty() {
            manifest.as_str()
        } else {
            manifest.strip_prefix(dir)?.trim_start_matches('/')
        };
        let sub = relative.rfind('/').map_or("", |i| &relative[..i]);
        groups.entry(sub.to_owned()).or_default().push(manifest);
    }
    let mut text = String::new();
    for (sub, files) in &groups {
        let target = if sub.is_empty() {
            dest_dir.clone()
        } else {
            format!("{dest_dir}{sub}/")
        };
        let mut words: Vec<&str> = vec![keyword];
        words.extend(flags.iter().copied());
        words.extend(files.iter().copied());
        text.push_str(&words.join(" "));
        text.push(' ');
        text.push_str(&target);
        text.push('\n');
    }
    text.push_str(run.range.slice(source));
    text.push('\n');
    let mut end = run.range.end as usize;
    if source[end..].starts_with("\r\n") {
        end += 2;
    } else if source[end..].starts_with('\n') {
        end += 1;
    }
    let title = format!(
        "Copy {} and install before `{}`",
        manifests.join(", "),
        first_line(copy.range.slice(source))
    );
    Some(Fix::unsafe_edits(
        title,
        vec![
            Edit::insert(copy.range.start, text),
            Edit::delete(TextRange::from_usize(run.range.start as usize, end)),
        ],
    ))
}

/// The range of the source word written as `written`.
fn source_word(copy: &Instruction, written: &str) -> Option<TextRange> {
    let Args::Paths { paths, .. } = &copy.args else {
        return None;
    };
    paths.iter().find(|w| w.value == written).map(|w| w.range)
}

/// An instruction's first line, shortened.
fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\\')
        .trim();
    if line.chars().count() > 60 {
        let cut: String = line.chars().take(57).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{Cases, test_rule_in_context};

    const CONTEXT: &[(&str, &str)] = &[
        ("package.json", "{\"name\": \"app\"}\n"),
        ("package-lock.json", "{}\n"),
        ("server.js", "require('http')\n"),
        ("requirements.txt", "flask==3.0.0\n"),
        ("requirements/dev.txt", "pytest\n"),
        ("app.py", "print()\n"),
        ("go.mod", "module example.com/app\n"),
        ("go.sum", ""),
        ("main.go", "package main\n"),
        ("web/package.json", "{}\n"),
        ("web/yarn.lock", ""),
        ("web/index.js", "x\n"),
        ("Api/Api.csproj", "<Project/>\n"),
        ("Api/Program.cs", "x\n"),
    ];

    #[test]
    fn cases() {
        test_rule_in_context(
            &super::RULE,
            CONTEXT,
            Cases {
                bad: &[
                    "FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n",
                    "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nRUN pip install --no-cache-dir -r requirements.txt\n",
                    "FROM python:3.12-slim\nCOPY --chown=app:app ./ /srv\nRUN pip install -r requirements.txt -r requirements/dev.txt\n",
                    "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go mod download && go build -o /app .\n",
                    "FROM node:22\nCOPY web /web\nWORKDIR /web\nRUN yarn install --frozen-lockfile\n",
                    "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY Api/ Api/\nRUN dotnet restore\n",
                    "FROM node:22\nCOPY . .\nENV NODE_ENV=production\nRUN npm ci --omit=dev\n",
                ],
                good: &[
                    "FROM node:22-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n",
                    "FROM node:22-alpine\nCOPY . .\nRUN npm install -g pm2\n",
                    "FROM python:3.12\nCOPY . .\nRUN pip install flask\n",
                    "FROM golang:1.23\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build .\n",
                    "FROM node:22\nCOPY . .\nFROM node:22\nRUN npm ci\n",
                    "FROM node:22 AS deps\nCOPY --from=build /app .\nRUN npm ci\n",
                    "FROM node:22\nCOPY web/package.json web/yarn.lock /web/\nRUN yarn install\n",
                ],
                fixes: &[
                    (
                        "FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n",
                        "FROM node:22-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
                    ),
                    (
                        "FROM python:3.12-slim\nCOPY --chown=app:app ./ /srv\nRUN pip install -r requirements.txt -r requirements/dev.txt\n",
                        "FROM python:3.12-slim\nCOPY --chown=app:app requirements.txt /srv/\nCOPY --chown=app:app requirements/dev.txt /srv/requirements/\nRUN pip install -r requirements.txt -r requirements/dev.txt\nCOPY --chown=app:app ./ /srv\n",
                    ),
                    (
                        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY Api/ .\nRUN dotnet restore\n",
                        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY Api/Api.csproj ./\nRUN dotnet restore\nCOPY Api/ .\n",
                    ),
                ],
            },
        );
    }

    #[test]
    fn without_a_context_whole_context_copies_only() {
        use crate::engine::Settings;
        let settings = Settings::only(&["LL201"]).unwrap();
        let found = crate::lint("FROM node:22\nCOPY . .\nRUN npm ci\n", &settings);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
        assert!(crate::lint("FROM node:22\nCOPY web /web\nRUN npm ci\n", &settings).is_empty());
    }
}
