//! What the package-manager rules share: where an invocation's command
//! stands in the Dockerfile (`apt-get install`), and whether a `RUN` mount
//! keeps a directory out of the layer (`--mount=type=cache,target=…`).

use super::invocation::Invocation;
use super::mounts::{Mount, MountType, RunFlags};
use std::borrow::Cow;

use super::programs::{Package, ParsedArgs, split_version};
use super::script::Script;
use super::word::{ShellWord, WordPart};
use crate::semantic::Stages;
use crate::semantic::vars::VarModel;
use crate::syntax::TextRange;

impl<'a> RunFlags<'a> {
    /// A cache or tmpfs mount whose target passes `keeps`: what the command
    /// writes below it is not stored in the layer.
    pub fn mount_keeping_out(&self, keeps: impl Fn(&str) -> bool) -> Option<&Mount<'a>> {
        self.mounts
            .iter()
            .filter(|m| matches!(m.kind, MountType::Cache | MountType::Tmpfs))
            .find(|m| m.target.as_ref().is_some_and(|t| keeps(&t.value)))
    }

    /// A cache or tmpfs mount at `path` or at a directory above it.
    pub fn mount_covering(&self, path: &str) -> Option<&Mount<'a>> {
        self.mount_keeping_out(|target| path_within(path, target))
    }
}

/// `path` is `dir` or lies below it (both absolute; `.` components and
/// repeated or trailing `/` are ignored).
pub fn path_within(path: &str, dir: &str) -> bool {
    if !path.starts_with('/') || !dir.starts_with('/') {
        return false;
    }
    let parts = |p: &'_ str| -> Vec<String> {
        p.split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .map(str::to_owned)
            .collect()
    };
    let (path, dir) = (parts(path), parts(dir));
    path.len() >= dir.len() && path.iter().zip(&dir).all(|(a, b)| a == b)
}

/// The components of `path` end with `suffix` (`/root/.cache/pip` ends
/// with `.cache/pip`).
pub fn path_ends_with(path: &str, suffix: &str) -> bool {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let want: Vec<&str> = suffix.split('/').filter(|c| !c.is_empty()).collect();
    parts.len() >= want.len() && parts[parts.len() - want.len()..] == want[..]
}

impl Invocation<'_, '_> {
    /// The program's name through its subcommand (`apt-get -q install`),
    /// or the name alone when there is no subcommand: where a finding
    /// about the whole command points.
    pub fn command_range(&self, args: &ParsedArgs<'_, '_>) -> TextRange {
        match args.subcommand {
            Some(sub) if sub.range.start >= self.name.range.end => self.name.range.cover(sub.range),
            _ => self.name.range,
        }
    }
}

impl Package<'_, '_> {
    /// The operand is nothing but expansions (`$PACKAGES`, `"${LIST}"`):
    /// which packages it names, and how, is not known.
    pub fn is_variable(&self) -> bool {
        self.dynamic
            && self.word.parts.iter().all(|p| match p {
                WordPart::Literal { text, .. } => text.is_empty(),
                _ => true,
            })
    }
}

/// Stands for the dynamic parts of a value in [`Script::assigned_before`].
pub const UNKNOWN: char = '\u{1}';

/// Special builtins: assignments before them stay set in a POSIX shell.
const SPECIAL_BUILTINS: &[&str] = &[
    ":", ".", "set", "export", "readonly", "eval", "exec", "shift", "times", "trap", "unset",
];

impl Script<'_> {
    /// The value the script last gave shell variable `name` before command
    /// `before` (by an assignment alone, `name=value`, one before a special
    /// builtin such as `set`, or `export`, `readonly`, `local`, `declare`);
    /// `None` when it gave none. Dynamic parts of the value (`$OTHER`,
    /// `$(…)`) are each replaced by [`UNKNOWN`]. Only assignments in the
    /// constructs around command `before` count: one in another branch of
    /// an `if`, in a subshell or in a loop body may not have run.
    pub fn assigned_before(&self, before: usize, name: &str) -> Option<String> {
        let commands = self.commands.get(..before)?;
        let mut around = Vec::new();
        let mut next = self.commands.get(before).map(|c| c.construct);
        while let Some(id) = next {
            around.push(id);
            next = self.constructs.get(id).and_then(|c| c.parent);
        }
        for command in commands.iter().rev() {
            if !around.contains(&command.construct) {
                continue;
            }
            let program = command.program();
            if command.name.is_none() || program.is_some_and(|p| SPECIAL_BUILTINS.contains(&p)) {
                if let Some(a) = command.assignments.iter().rev().find(|a| a.name == name) {
                    if a.append {
                        return None;
                    }
                    return Some(a.value.as_ref().map_or_else(String::new, known_text));
                }
            }
            if !matches!(program, Some("export" | "readonly" | "local" | "declare")) {
                continue;
            }
            for arg in command.args.iter().rev() {
                let text = known_text(arg);
                if let Some(value) = text
                    .strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix('='))
                {
                    return Some(value.to_owned());
                }
            }
        }
        None
    }
}

/// The word's value with each dynamic part replaced by [`UNKNOWN`].
fn known_text(word: &ShellWord<'_>) -> String {
    let mut out = String::with_capacity(word.value.len());
    for part in &word.parts {
        match part {
            WordPart::Literal { text, .. } => out.push_str(text),
            _ => out.push(UNKNOWN),
        }
    }
    out
}

/// A package operand, or one of the packages a variable operand names.
#[derive(Clone, Debug)]
pub struct Operand<'w, 'a> {
    /// The package as written or as the variable's value gives it.
    pub text: Cow<'w, str>,
    pub name: Cow<'w, str>,
    pub version: Option<Cow<'w, str>>,
    /// The operand's word (the variable, for a package it names).
    pub word: &'w ShellWord<'a>,
    /// The word is dynamic and its value was not found: `text` is the word
    /// as written.
    pub unknown: bool,
    /// The word is only a variable whose value was not found: nothing is
    /// known about the package(s) it names.
    pub opaque: bool,
}

impl<'s, 'a> ParsedArgs<'s, 'a> {
    /// The package operands, with an operand that is only a variable
    /// (`$PKGS`) replaced by the packages its value lists, when the value
    /// is known: set earlier in the script (`PKGS="a b"; apt-get install
    /// $PKGS`) or by `ENV`/`ARG` (`env`).
    pub fn resolved_packages(
        &self,
        script: &Script<'_>,
        command: usize,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<Operand<'s, 'a>> {
        let mut out = Vec::new();
        for package in self.packages() {
            if !package.is_variable() {
                out.push(Operand {
                    text: package.word.value.clone(),
                    unknown: package.dynamic,
                    name: package.name,
                    version: package.version,
                    word: package.word,
                    opaque: false,
                });
                continue;
            }
            let value = variable_name(package.word)
                .and_then(|name| script.assigned_before(command, name).or_else(|| env(name)));
            let Some(value) = value else {
                out.push(Operand {
                    text: package.word.value.clone(),
                    name: package.name,
                    version: package.version,
                    word: package.word,
                    unknown: true,
                    opaque: true,
                });
                continue;
            };
            // Pieces with a dynamic part are not known.
            for piece in value.split_whitespace().filter(|p| !p.contains(UNKNOWN)) {
                let (name, version) = split_version(self.spec.versions, piece);
                out.push(Operand {
                    text: Cow::Owned(piece.to_owned()),
                    name: Cow::Owned(name.to_owned()),
                    version: version.map(|v| Cow::Owned(v.to_owned())),
                    word: package.word,
                    unknown: false,
                    opaque: false,
                });
            }
        }
        out
    }
}

/// `NAME` of a word that is exactly `$NAME` or `${NAME}` (quoted or not).
fn variable_name<'w>(word: &'w ShellWord<'_>) -> Option<&'w str> {
    let mut names = word.parts.iter().filter_map(|p| match p {
        WordPart::Parameter { name, raw, .. } => Some((name, raw)),
        WordPart::Literal { text, .. } if text.is_empty() => None,
        _ => Some((&Cow::Borrowed(""), &Cow::Borrowed("-"))),
    });
    let (name, raw) = names.next()?;
    if names.next().is_some() {
        return None;
    }
    let simple = *raw == format!("${name}") || *raw == format!("${{{name}}}");
    (simple && !name.is_empty()).then_some(name.as_ref())
}

/// Whether what stage `stage` leaves in its layers ends up in an image:
/// it is the last stage, or a later stage is built `FROM` it. Caches left
/// in other stages cost nothing (cleanup rules skip them).
pub fn stage_in_image(stages: &Stages<'_>, stage: usize) -> bool {
    stage + 1 >= stages.stages.len()
        || stages.stages[stage + 1..].iter().any(|later| {
            later.base.as_ref().is_some_and(|base| {
                stages
                    .by_name(&base.value, later.index)
                    .is_some_and(|s| s.index == stage)
            })
        })
}

/// The known value of `name` for instruction `index` from `ENV` and `ARG`.
pub fn known_var(vars: &VarModel<'_>, index: usize, name: &str) -> Option<String> {
    vars.lookup(index, name)
        .and_then(|b| b.value.known())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assigned(script: &str, name: &str) -> Option<String> {
        use crate::semantic::shell::text::ShellText;
        let source = format!("RUN {script}");
        let text = ShellText::verbatim(&source, TextRange::from_usize(4, source.len()));
        let parsed = Script::parse(&text);
        let last = parsed.commands.len() - 1;
        parsed
            .assigned_before(last, name)
            .map(|v| v.replace(UNKNOWN, "?"))
    }

    #[test]
    fn assignments_before_a_command() {
        assert_eq!(assigned("a='x y'; use", "a").as_deref(), Some("x y"));
        assert_eq!(assigned("a=1; a=2 && use", "a").as_deref(), Some("2"));
        assert_eq!(assigned("a=1 set -x && use", "a").as_deref(), Some("1"));
        assert_eq!(
            assigned("export a=\"p $b\"; use", "a").as_deref(),
            Some("p ?")
        );
        assert_eq!(assigned("a=1 env && use", "a"), None);
        assert_eq!(assigned("if x; then a=1; else use; fi", "a"), None);
        assert_eq!(assigned("(a=1); use", "a"), None);
        assert_eq!(assigned("a+=1; use", "a"), None);
        assert_eq!(assigned("use", "a"), None);
    }

    #[test]
    fn paths() {
        assert!(path_within("/var/lib/apt/lists", "/var/lib/apt"));
        assert!(path_within("/var/lib/apt/lists", "/var/lib/apt/lists/"));
        assert!(path_within("/var/cache/apk", "/"));
        assert!(!path_within("/var/lib/apt", "/var/lib/apt/lists"));
        assert!(!path_within("/var/lib/aptitude", "/var/lib/apt"));
        assert!(!path_within("var/lib/apt", "/var"));
        assert!(path_ends_with("/root/.cache/pip/", ".cache/pip"));
        assert!(path_ends_with("/home/app/.cache", ".cache"));
        assert!(!path_ends_with("/root/.cache/pip", ".cache"));
        assert!(!path_ends_with("pip", ".cache/pip"));
    }
}
