//! What the rpm-family package managers (`yum`, `dnf`, `microdnf`,
//! `zypper`) are asked to do, read from their [`programs`](super::programs)
//! tables, and whether a `RUN` leaves their download cache behind.
//!
//! ```text
//! yum -y group install "Development Tools"   → GroupInstall, "Development Tools"
//! dnf module install -y nodejs:20            → ModuleInstall, nodejs:20
//! zypper -n in curl=8.0                      → Install, curl=8.0
//! ```

use super::invocation::Invocation;
use super::mounts::{MountType, RunFlags};
use super::paths::path_covers;
use super::programs::{ParsedArgs, VersionSyntax, split_version};
use super::run::RunScript;
use super::script::{Connector, Script};
use super::word::{ShellWord, WordPart};
use crate::fix::Edit;

/// What a `yum`/`dnf`/`zypper` command does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RpmAction {
    /// `install`, `in`, `reinstall`.
    Install,
    /// `localinstall`: files, not repository packages.
    LocalInstall,
    /// `groupinstall`, `group install`, zypper's `install -t pattern`.
    GroupInstall,
    /// `module install` (dnf modules: `NAME:STREAM`).
    ModuleInstall,
    /// `clean`/`cc`; `all` when every cache is cleaned (`yum clean all`,
    /// any `zypper clean`).
    Clean {
        all: bool,
    },
    /// `dist-upgrade`/`dup` (zypper).
    DistUpgrade,
    /// `update`, `upgrade`, `distro-sync`, `downgrade` (yum, dnf), and
    /// zypper's `update`/`up` and `patch`: they download packages too.
    Upgrade,
    /// zypper's `remove`/`rm`, `source-install`/`si`,
    /// `install-new-recommends`/`inr`: they ask for confirmation like an
    /// install does.
    OtherChange,
    Other,
}

impl RpmAction {
    /// Any install that asks for confirmation.
    pub fn installs(self) -> bool {
        matches!(
            self,
            RpmAction::Install
                | RpmAction::LocalInstall
                | RpmAction::GroupInstall
                | RpmAction::ModuleInstall
        )
    }
}

impl RpmAction {
    /// Fetches packages and metadata into the cache: an install, an
    /// upgrade or a distribution upgrade.
    pub fn downloads(self) -> bool {
        self.installs() || matches!(self, RpmAction::Upgrade | RpmAction::DistUpgrade)
    }
}

/// The programs of the yum family (same options, same cache) and of the
/// dnf family.
pub const YUM_PROGRAMS: &[&str] = &["yum"];
pub const DNF_PROGRAMS: &[&str] = &["dnf", "dnf5", "microdnf"];

/// One run of an rpm-family package manager.
#[derive(Debug)]
pub struct RpmCommand<'s, 'a> {
    pub invocation: Invocation<'s, 'a>,
    pub args: ParsedArgs<'s, 'a>,
    pub action: RpmAction,
    /// The words naming the action (`install`, or `group` and `install`).
    pub action_words: Vec<&'s ShellWord<'a>>,
    /// The operands after the action words.
    pub operands: Vec<&'s ShellWord<'a>>,
}

impl<'s, 'a> RpmCommand<'s, 'a> {
    /// Reads `invocation` when its program is one of `programs` and has a
    /// table.
    pub fn of(invocation: Invocation<'s, 'a>) -> Option<Self> {
        let args = invocation.parse_args()?;
        let zypper = invocation.program() == "zypper";
        let sub = args.subcommand();
        let first = args.operands.first().and_then(|w| w.static_value());
        let (action, words) = match (sub, first) {
            (Some("group" | "groups"), Some("install")) => (RpmAction::GroupInstall, 1),
            (Some("module"), Some("install")) => (RpmAction::ModuleInstall, 1),
            (Some("groupinstall"), _) => (RpmAction::GroupInstall, 0),
            (Some("localinstall"), _) => (RpmAction::LocalInstall, 0),
            (Some("install" | "in" | "reinstall"), _) => {
                let pattern = zypper && args.value("type").is_some_and(|t| t != "package");
                if pattern {
                    (RpmAction::GroupInstall, 0)
                } else {
                    (RpmAction::Install, 0)
                }
            }
            (Some("clean" | "cc"), _) => {
                let all = zypper || args.operands.iter().any(|w| w.is("all"));
                (RpmAction::Clean { all }, 0)
            }
            (Some("dist-upgrade" | "dup"), _) if zypper => (RpmAction::DistUpgrade, 0),
            (Some("update" | "up" | "patch"), _) if zypper => (RpmAction::Upgrade, 0),
            (
                Some("remove" | "rm" | "source-install" | "si" | "install-new-recommends" | "inr"),
                _,
            ) if zypper => (RpmAction::OtherChange, 0),
            (
                Some(
                    "update" | "upgrade" | "update-minimal" | "upgrade-minimal" | "distro-sync"
                    | "dsync" | "downgrade",
                ),
                _,
            ) => (RpmAction::Upgrade, 0),
            _ => (RpmAction::Other, 0),
        };
        let mut action_words: Vec<&ShellWord<'a>> = args.subcommand.into_iter().collect();
        action_words.extend(args.operands.iter().take(words).copied());
        let operands = args.operands.iter().skip(words).copied().collect();
        Some(RpmCommand {
            invocation,
            args,
            action,
            action_words,
            operands,
        })
    }

    /// The runs of `programs` in `script`, read.
    pub fn all_in<'p>(
        script: &'s Script<'a>,
        programs: &'p [&'p str],
    ) -> impl Iterator<Item = RpmCommand<'s, 'a>> + use<'s, 'a, 'p> {
        script
            .invocations()
            .filter(move |inv| programs.contains(&inv.program()))
            .filter_map(RpmCommand::of)
    }

    /// The last action word (`install`), where options are best added.
    pub fn action_word(&self) -> Option<&'s ShellWord<'a>> {
        self.action_words.last().copied()
    }

    /// The program and its action as one writes them: `yum install`,
    /// `dnf group install`.
    pub fn describe(&self) -> String {
        let mut out = self.invocation.program().to_string();
        for word in &self.action_words {
            out.push(' ');
            out.push_str(&word.value);
        }
        out
    }

    /// The program name and action words (`yum install`, `dnf group
    /// install`) as one range, for reports.
    pub fn command_range(&self) -> crate::syntax::TextRange {
        let name = self.invocation.name.range;
        match self.action_word() {
            Some(w) if w.range.end >= name.start => name.cover(w.range),
            _ => name,
        }
    }
}

/// Whether an rpm package names a version: `name-1.2.3`, `name-1.2-3.el9`,
/// a `.rpm` file, or for a module, `name:stream`.
pub fn rpm_package_pinned(text: &str, module: bool) -> bool {
    if module {
        return text.contains(':');
    }
    is_rpm_file(text) || split_version(VersionSyntax::RpmDash, text).1.is_some()
}

/// Whether a zypper package constrains its version (`curl=8.0`,
/// `curl>=8`, `curl<9`) or is an `.rpm` file.
pub fn zypper_package_pinned(text: &str) -> bool {
    is_rpm_file(text) || split_version(VersionSyntax::Constraint, text).1.is_some()
}

/// A path or URL of an `.rpm` file.
fn is_rpm_file(text: &str) -> bool {
    std::path::Path::new(text)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("rpm"))
}

/// The packages an install operand stands for, each with whether it is
/// pinned: the words of its value when every part of it is known (see
/// [`Script::resolve_word`]; `outer` gives the Dockerfile's `ARG`/`ENV`
/// values), nothing when it is not. An `.rpm` path is pinned whatever
/// variables it holds.
pub fn operand_packages(
    script: &Script<'_>,
    before: usize,
    word: &ShellWord<'_>,
    outer: &dyn Fn(&str) -> Option<String>,
    pinned: impl Fn(&str) -> bool,
) -> Vec<(String, bool)> {
    if let Some(text) = word.static_value() {
        return vec![(text.to_string(), pinned(text))];
    }
    if is_rpm_file(&word.value) {
        return Vec::new();
    }
    script
        .resolve_word(before, word, outer)
        .map(|value| {
            value
                .split_whitespace()
                .map(|p| (p.to_string(), pinned(p)))
                .collect()
        })
        .unwrap_or_default()
}

impl Script<'_> {
    /// The value of `word` as command `before` sees it, when every part is
    /// known: literal text, and plain parameters (`$NAME`, `${NAME}`) set
    /// by an assignment earlier in the script (`NAME=value` as a command of
    /// its own, `NAME="$NAME more"` included) or, for names the script does
    /// not set, by `outer`. Substitutions and parameter operators
    /// (`${NAME:-x}`) make the value unknown.
    pub fn resolve_word(
        &self,
        before: usize,
        word: &ShellWord<'_>,
        outer: &dyn Fn(&str) -> Option<String>,
    ) -> Option<String> {
        let mut out = String::new();
        for part in &word.parts {
            match part {
                WordPart::Literal { text, .. } => out.push_str(text),
                WordPart::Parameter { name, raw, .. } if is_plain_parameter(raw, name) => {
                    out.push_str(&self.parameter_value(before, name, outer)?);
                }
                _ => return None,
            }
        }
        Some(out)
    }

    /// The value of `name` before command `before`.
    fn parameter_value(
        &self,
        before: usize,
        name: &str,
        outer: &dyn Fn(&str) -> Option<String>,
    ) -> Option<String> {
        let earlier = self.commands.get(..before)?;
        for (i, command) in earlier.iter().enumerate().rev() {
            if command.name.is_some() {
                continue;
            }
            let Some(assignment) = command.assignments.iter().rev().find(|a| a.name == name) else {
                continue;
            };
            let value = match &assignment.value {
                Some(v) => self.resolve_word(i, v, outer)?,
                None => String::new(),
            };
            return if assignment.append {
                Some(self.parameter_value(i, name, outer)? + &value)
            } else {
                Some(value)
            };
        }
        outer(name)
    }
}

/// `$NAME` or `${NAME}`, without an operator.
fn is_plain_parameter(raw: &str, name: &str) -> bool {
    raw.strip_prefix('$').is_some_and(|r| {
        r == name || r.strip_prefix('{').and_then(|r| r.strip_suffix('}')) == Some(name)
    })
}

impl RunFlags<'_> {
    /// A `--mount=type=cache` (or `type=tmpfs`) whose target is `dir` or a
    /// directory above it, so what is written under `dir` never reaches
    /// the image.
    pub fn cache_mount_covering(&self, dir: &str) -> bool {
        self.mounts
            .iter()
            .filter(|m| matches!(m.kind, MountType::Cache | MountType::Tmpfs))
            .any(|m| {
                m.target.as_ref().is_some_and(|t| {
                    let target = t.value.trim_end_matches('/');
                    let target = if target.is_empty() { "/" } else { target };
                    path_covers(target, true, dir.trim_end_matches('/'))
                })
            })
    }
}

/// Whether the download cache in one of `dirs` is dealt with for an
/// install at command `install` of `run`: a clean command (one of
/// `cleans`, with `all` unless `any_clean`) or an `rm` of the cache later
/// in the `RUN`, or a cache mount over it.
pub fn cache_handled(run: &RunScript<'_>, install: usize, cleans: &[&str], dirs: &[&str]) -> bool {
    if dirs.iter().any(|d| run.flags.cache_mount_covering(d)) {
        return true;
    }
    let Some(script) = &run.script else {
        return true;
    };
    let cleaned = RpmCommand::all_in(script, cleans).any(|c| {
        c.invocation.index > install && matches!(c.action, RpmAction::Clean { all: true })
    });
    cleaned
        || dirs
            .iter()
            .any(|d| script.removal_after(install, &format!("{d}/*")).is_some())
}

/// The edit that runs `command` right after `invocation` (`yum install -y
/// x && yum clean all`), when that keeps the script's flow: not for exec
/// form, nor for a command whose status or output feeds the next one
/// (`||`, `|`, `&`).
pub fn run_after(
    run: &RunScript<'_>,
    invocation: &Invocation<'_, '_>,
    command: &str,
) -> Option<Edit> {
    let cmd = invocation.command;
    let argv = run.is_exec() && run.commands().first().is_some_and(|c| std::ptr::eq(c, cmd));
    let flows = matches!(
        cmd.connector_after,
        None | Some(Connector::And | Connector::Semicolon | Connector::Newline)
    );
    (!argv && flows && !cmd.negated).then(|| Edit::insert(cmd.range.end, format!(" && {command}")))
}

/// The edit that adds `option` after `word` of `invocation` in `run`: a new
/// JSON element in exec form, ` option` otherwise.
pub fn insert_option_after(
    run: &RunScript<'_>,
    invocation: &Invocation<'_, '_>,
    word: &ShellWord<'_>,
    option: &str,
) -> Edit {
    let argv = run.is_exec()
        && run
            .commands()
            .first()
            .is_some_and(|c| std::ptr::eq(c, invocation.command));
    if argv {
        Edit::insert(word.range.end, format!(", \"{option}\""))
    } else {
        Edit::insert(word.range.end, format!(" {option}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::shell::text::ShellText;
    use crate::syntax::TextRange;

    fn actions(script: &str) -> Vec<(RpmAction, Vec<String>)> {
        let source = format!("RUN {script}");
        let text = ShellText::verbatim(&source, TextRange::from_usize(4, source.len()));
        let parsed = Script::parse(&text);
        RpmCommand::all_in(&parsed, &["yum", "dnf", "microdnf", "zypper"])
            .map(|c| {
                (
                    c.action,
                    c.operands.iter().map(|w| w.value.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn resolves_words() {
        let source = "RUN PKGS=\"a b-1\" && PKGS=\"$PKGS c\" && X=1 dnf install -y $PKGS \"${PKGS}\" ${PKGS:-c} $X v-$V $(x)";
        let text = ShellText::verbatim(source, TextRange::from_usize(4, source.len()));
        let parsed = Script::parse(&text);
        let dnf = parsed
            .commands
            .iter()
            .position(|c| c.name_str() == Some("dnf"))
            .unwrap_or_default();
        let outer = |name: &str| (name == "V").then(|| "2.0".to_string());
        let values: Vec<Option<String>> = parsed.commands[dnf]
            .args
            .iter()
            .skip(2)
            .map(|w| parsed.resolve_word(dnf, w, &outer))
            .collect();
        assert_eq!(
            values,
            vec![
                Some("a b-1 c".into()),
                Some("a b-1 c".into()),
                None,
                None,
                Some("v-2.0".into()),
                None
            ]
        );
        let pkgs = operand_packages(&parsed, dnf, &parsed.commands[dnf].args[2], &outer, |p| {
            rpm_package_pinned(p, false)
        });
        assert_eq!(
            pkgs,
            vec![
                ("a".into(), false),
                ("b-1".into(), true),
                ("c".into(), false)
            ]
        );
    }

    #[test]
    fn reads_actions() {
        let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            actions("yum -y group install 'Development Tools'"),
            vec![(RpmAction::GroupInstall, s(&["Development Tools"]))]
        );
        assert_eq!(
            actions("dnf module install -y nodejs:20 && dnf clean all"),
            vec![
                (RpmAction::ModuleInstall, s(&["nodejs:20"])),
                (RpmAction::Clean { all: true }, s(&["all"]))
            ]
        );
        assert_eq!(
            actions("sudo microdnf --setopt=tsflags=nodocs install x-1 && yum clean packages"),
            vec![
                (RpmAction::Install, s(&["x-1"])),
                (RpmAction::Clean { all: false }, s(&["packages"]))
            ]
        );
        assert_eq!(
            actions("zypper -n in -t pattern devel_basis && zypper cc && zypper dup"),
            vec![
                (RpmAction::GroupInstall, s(&["devel_basis"])),
                (RpmAction::Clean { all: true }, s(&[])),
                (RpmAction::DistUpgrade, s(&[]))
            ]
        );
    }
}
