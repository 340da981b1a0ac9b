use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::context::{BuildContext, EntryKind};
use crate::semantic::layers::copy_sources;
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` of the whole build context (`.`, `/`, `*`)
    /// when the context has no `.dockerignore` (nor a
    /// `<Dockerfile>.dockerignore`) but holds directories that never belong
    /// in an image: `.git`, `node_modules`, `target`, `.venv`, `__pycache__`,
    /// `.gradle`, `.terraform`… Runs only when the build context is known.
    ///
    /// ## Why is this bad?
    /// Everything in the context is sent to the builder and copied into the
    /// layer: version-control history, local dependency trees built for
    /// another platform, build output, editor and tool caches. The image
    /// grows, secrets in `.git` or local files can leak, and any change to
    /// these files (every `git commit`, every local build) invalidates the
    /// `COPY` and every step after it.
    ///
    /// ## Example
    /// In a project with a `.git` directory and no `.dockerignore`:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// Use instead: add a `.dockerignore` (`.git`, `node_modules`…), or copy
    /// only what the image needs:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY src/ ./src/
    /// ```
    pub struct DockerignoreMissing { source: String, found: Vec<String> }
    code = "LL502", name = "dockerignore-missing", aliases = [],
    category = Size, severity = Warning, fix = None,
    visits = [Copy, Add],
}

impl Violation for DockerignoreMissing {
    fn message(&self) -> String {
        let found: Vec<String> = self.found.iter().map(|f| format!("`{f}`")).collect();
        format!(
            "`{}` copies the whole build context, which has no `.dockerignore` and holds {}",
            self.source,
            found.join(", ")
        )
    }

    fn help(&self) -> Option<String> {
        let found: Vec<String> = self.found.iter().map(|f| format!("`{f}`")).collect();
        Some(format!(
            "Add a `.dockerignore` that excludes {}",
            found.join(", ")
        ))
    }
}

/// Directories that are almost never meant to be in an image.
const JUNK: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".tox",
    ".gradle",
    ".terraform",
    ".next",
    ".idea",
];

fn check(checker: &mut Checker, inst: &Instruction) {
    let Some(context) = checker.context() else {
        return;
    };
    if context.ignore_path().is_some() || inst.flag("from").is_some() {
        return;
    }
    let index = checker.instruction_index();
    for source in copy_sources(inst) {
        let Some(value) = checker
            .vars()
            .expand(index, source)
            .ok()
            .and_then(|e| e.known().map(str::to_owned))
        else {
            continue;
        };
        if !copies_everything(&value) {
            continue;
        }
        let found = junk_in(context);
        if found.is_empty() {
            return;
        }
        checker.report(
            DockerignoreMissing {
                source: source.value.to_string(),
                found,
            },
            source.range,
        );
        return;
    }
}

/// `.`, `./`, `/`, `*`, `./*`: the whole context.
fn copies_everything(source: &str) -> bool {
    let trimmed = source.trim_start_matches("./").trim_start_matches('/');
    matches!(trimmed, "" | "." | "*" | "**")
}

/// The junk directories at the top of the context (and `__pycache__`
/// anywhere), in [`JUNK`] order.
fn junk_in(context: &BuildContext) -> Vec<String> {
    JUNK.iter()
        .filter(|name| {
            context
                .entry(name)
                .is_some_and(|e| e.kind() == EntryKind::Dir)
                || (**name == "__pycache__"
                    && context
                        .entries()
                        .iter()
                        .any(|e| e.kind() == EntryKind::Dir && e.path().ends_with("/__pycache__")))
        })
        .map(|name| (*name).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::testing::{Cases, test_rule_in_context};

    #[test]
    fn cases() {
        test_rule_in_context(
            &super::RULE,
            &[
                (".git/HEAD", "ref: refs/heads/main\n"),
                ("node_modules/left-pad/index.js", "x\n"),
                ("package.json", "{}\n"),
                ("src/index.js", "x\n"),
            ],
            Cases {
                bad: &[
                    "FROM node:22-alpine\nWORKDIR /app\nCOPY . .\n",
                    "FROM node:22-alpine\nCOPY ./ /app/\n",
                    "FROM node:22-alpine\nADD * /app/\n",
                    "FROM node:22-alpine\nCOPY --chown=node:node . /app\n",
                ],
                good: &[
                    "FROM node:22-alpine\nWORKDIR /app\nCOPY src/ ./src/\n",
                    "FROM node:22-alpine\nCOPY package.json /app/\n",
                    "FROM node:22-alpine AS build\nFROM node:22-alpine\nCOPY --from=build . /app\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn quiet_with_an_ignore_file_or_a_clean_context() {
        use crate::engine::{Settings, lint_in_context};
        use crate::semantic::context::{BuildContext, WalkOptions};
        use crate::testing::context_dir;
        let settings = Settings::only(&["LL502"]).unwrap();
        let source = "FROM alpine\nCOPY . /app\n";
        let file = crate::syntax::parse(source);
        for files in [
            &[(".git/HEAD", "x"), (".dockerignore", ".git\n")][..],
            &[("src/main.c", "x"), ("Makefile", "x")][..],
        ] {
            let dir = context_dir(files);
            let context = BuildContext::load(dir.path(), None, WalkOptions::default()).unwrap();
            assert!(lint_in_context(&file, &settings, Some(&context)).is_empty());
        }
        let dir = context_dir(&[(".git/HEAD", "x"), ("Dockerfile.dockerignore", ".git\n")]);
        let dockerfile = dir.path().join("Dockerfile");
        let context =
            BuildContext::load(dir.path(), Some(&dockerfile), WalkOptions::default()).unwrap();
        assert!(lint_in_context(&file, &settings, Some(&context)).is_empty());
    }
}
