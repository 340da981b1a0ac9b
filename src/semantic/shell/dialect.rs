//! Which shell runs a `RUN`: the `SHELL` in force in its stage (inherited
//! through `FROM <stage>`), BuildKit's default otherwise (`/bin/sh -c`, or
//! `cmd /S /C` for a Windows base image), and the `# hadolint shell=…` /
//! `# layerlint shell=…` pragmas.

use serde::Serialize;
use std::sync::Arc;

use crate::semantic::Stages;
use crate::syntax::{Args, CommandLine, Dockerfile, Keyword, TextRange};

/// The shell a shell-form instruction runs in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActiveShell {
    /// The command BuildKit prepends, as in `SHELL ["/bin/bash", "-c"]`.
    pub argv: Vec<String>,
    pub kind: ShellKind,
    /// `-o pipefail` is among the shell's options.
    pub pipefail: bool,
    pub origin: ShellOrigin,
}

/// The family of a shell program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShellKind {
    Sh,
    Bash,
    Dash,
    Ash,
    Zsh,
    Ksh,
    PowerShell,
    Cmd,
    /// Anything else (fish, csh, python…): not a POSIX shell.
    Other,
}

impl ShellKind {
    /// The kind of a program path such as `/bin/bash`,
    /// `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe` or `pwsh`.
    pub fn of_program(program: &str) -> ShellKind {
        // Lowercased on the stack: this runs for every command.
        let base = program_basename(program).as_bytes();
        let mut buf = [0u8; 16];
        let Some(lower) = buf.get_mut(..base.len()) else {
            return ShellKind::Other;
        };
        lower.copy_from_slice(base);
        lower.make_ascii_lowercase();
        let lower: &[u8] = lower;
        let base = lower.strip_suffix(b".exe").unwrap_or(lower);
        match std::str::from_utf8(base).unwrap_or_default() {
            "sh" | "yash" | "posh" => ShellKind::Sh,
            "bash" | "rbash" => ShellKind::Bash,
            "dash" => ShellKind::Dash,
            "ash" | "busybox" => ShellKind::Ash,
            "zsh" => ShellKind::Zsh,
            "ksh" | "ksh93" | "mksh" | "pdksh" | "oksh" => ShellKind::Ksh,
            "powershell" | "pwsh" => ShellKind::PowerShell,
            "cmd" => ShellKind::Cmd,
            _ => ShellKind::Other,
        }
    }

    /// The shell reads POSIX `sh` syntax (the bash grammar covers it).
    pub fn is_posix(self) -> bool {
        matches!(
            self,
            ShellKind::Sh
                | ShellKind::Bash
                | ShellKind::Dash
                | ShellKind::Ash
                | ShellKind::Zsh
                | ShellKind::Ksh
        )
    }
}

/// The last component of a Unix or Windows path.
pub fn program_basename(program: &str) -> &str {
    // Both separators are ASCII: the slice starts on a character boundary.
    match program.bytes().rposition(|b| b == b'/' || b == b'\\') {
        Some(i) => &program[i + 1..],
        None => program,
    }
}

/// Where the active shell was decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShellOrigin {
    /// BuildKit's default for the platform.
    Default,
    /// A `SHELL` instruction (possibly in the stage this one is built from).
    Instruction { range: TextRange },
    /// A `# hadolint shell=…` or `# layerlint shell=…` comment.
    Pragma { range: TextRange },
}

impl ActiveShell {
    /// BuildKit's default shell: `/bin/sh -c`, or `cmd /S /C` on Windows.
    pub fn default_for(windows: bool) -> Self {
        let argv: &[&str] = if windows {
            &["cmd", "/S", "/C"]
        } else {
            &["/bin/sh", "-c"]
        };
        Self::from_argv(
            argv.iter().map(|s| (*s).to_owned()).collect(),
            ShellOrigin::Default,
        )
    }

    /// The shell of a `SHELL` argv or a pragma.
    pub fn from_argv(argv: Vec<String>, origin: ShellOrigin) -> Self {
        let (kind, options) = shell_program(&argv);
        let pipefail = kind.is_posix() && has_pipefail(options);
        ActiveShell {
            argv,
            kind,
            pipefail,
            origin,
        }
    }

    pub fn is_posix(&self) -> bool {
        self.kind.is_posix()
    }

    /// The program, as written (`/bin/bash`).
    pub fn program(&self) -> &str {
        self.argv.first().map_or("", String::as_str)
    }
}

/// The shell kind of an argv and the options that follow the program,
/// seeing through `env [VAR=x…]`/`/usr/bin/env bash` and `busybox sh`.
fn shell_program(argv: &[String]) -> (ShellKind, &[String]) {
    let mut i = 0;
    while let Some(program) = argv.get(i) {
        let base = program_basename(program);
        if base == "env" {
            i += 1;
            while argv
                .get(i)
                .is_some_and(|a| a.starts_with('-') || a.contains('='))
            {
                i += 1;
            }
            continue;
        }
        if base == "busybox" && argv.get(i + 1).is_some_and(|a| a == "sh" || a == "ash") {
            return (ShellKind::Ash, argv.get(i + 2..).unwrap_or(&[]));
        }
        return (
            ShellKind::of_program(program),
            argv.get(i + 1..).unwrap_or(&[]),
        );
    }
    (ShellKind::Other, &[])
}

/// `-o pipefail`, also as the last letter of a cluster (`-eo pipefail`).
fn has_pipefail(options: &[String]) -> bool {
    options.windows(2).any(|w| {
        let opt = &w[0];
        opt.starts_with('-') && !opt.starts_with("--") && opt.ends_with('o') && w[1] == "pipefail"
    })
}

/// `# hadolint shell=NAME` or `# layerlint shell=NAME` (comment text after
/// the `#`): spaces or tabs may surround the tool name, `shell` and `=`,
/// and a `#` comment may follow the name. Returns the name.
pub fn parse_shell_pragma(comment: &str) -> Option<&str> {
    let is_space = |c: char| c == ' ' || c == '\t';
    let rest = comment.trim_start_matches(is_space);
    let rest = rest
        .strip_prefix("hadolint")
        .or_else(|| rest.strip_prefix("layerlint"))?;
    let after_tool = rest.trim_start_matches(is_space);
    if after_tool.len() == rest.len() {
        return None;
    }
    let rest = after_tool.strip_prefix("shell")?;
    let rest = rest.trim_start_matches(is_space).strip_prefix('=')?;
    let rest = rest.trim_start_matches(is_space);
    let end = rest.find([' ', '\t', '\n']).unwrap_or(rest.len());
    let (name, tail) = rest.split_at(end);
    let tail = tail.trim_start_matches(is_space);
    (!name.is_empty() && (tail.is_empty() || tail.starts_with('#'))).then_some(name)
}

/// A Windows base image, by BuildKit's `--platform=windows/…` or by the
/// names Microsoft publishes Windows images under.
fn is_windows_base(image: &str, platform: Option<&str>) -> bool {
    if let Some(p) = platform {
        return p.to_ascii_lowercase().starts_with("windows");
    }
    let image = image.to_ascii_lowercase();
    image.starts_with("mcr.microsoft.com/windows")
        || image.contains("windowsservercore")
        || image.contains("nanoserver")
        || image.starts_with("microsoft/windows")
}

/// The shell in force at every instruction of a file.
#[derive(Clone, Debug, Default)]
pub struct ShellTable {
    /// By instruction index; consecutive instructions share one shell.
    shells: Vec<Arc<ActiveShell>>,
}

impl ShellTable {
    pub fn new(file: &Dockerfile<'_>, stages: &Stages<'_>) -> Self {
        // Comments that are not inside a continuation, in order.
        let comments: Vec<_> = file
            .comments
            .iter()
            .filter(|c| !c.in_continuation)
            .collect();
        let mut next_comment = 0;
        let mut file_default: Option<Arc<ActiveShell>> = None;
        // The shell each stage ended with, for `FROM <stage>`.
        let mut stage_final: Vec<Option<Arc<ActiveShell>>> = vec![None; stages.stages.len()];
        let mut current = Arc::new(ActiveShell::default_for(false));
        let mut shells = Vec::with_capacity(file.instructions.len());
        for (i, inst) in file.instructions.iter().enumerate() {
            let stage = stages.stage_of.get(i).copied().flatten();
            let is_from = inst.kind == Keyword::From;
            // A pragma before the first stage is file-wide; one above a
            // `FROM` sets that stage's shell; any other holds from there to
            // the end of the stage.
            let mut pragma = None;
            while let Some(comment) = comments.get(next_comment) {
                if comment.range.start >= inst.range.start {
                    break;
                }
                next_comment += 1;
                if let Some(name) = parse_shell_pragma(comment.text) {
                    pragma = Some(Arc::new(ActiveShell::from_argv(
                        vec![name.to_owned()],
                        ShellOrigin::Pragma {
                            range: comment.range,
                        },
                    )));
                }
            }
            let header = stage.is_none() || (is_from && stage == Some(0));
            if let Some(shell) = &pragma
                && header
            {
                file_default = Some(shell.clone());
            }
            if is_from {
                if let Some(prev) = stage.and_then(|s| s.checked_sub(1))
                    && let Some(slot) = stage_final.get_mut(prev)
                {
                    *slot = Some(current.clone());
                }
                current = match stage {
                    Some(s) => {
                        Self::stage_start(file, stages, s, &stage_final, file_default.as_ref())
                    }
                    None => Arc::new(ActiveShell::default_for(false)),
                };
            }
            if let Some(shell) = pragma {
                current = shell;
            }
            if inst.kind == Keyword::Shell
                && let Args::Command {
                    command: CommandLine::Exec { args, range },
                } = &inst.args
                && !args.is_empty()
            {
                current = Arc::new(ActiveShell::from_argv(
                    args.iter().map(|a| a.value.to_string()).collect(),
                    ShellOrigin::Instruction {
                        range: inst.range.cover(*range),
                    },
                ));
            }
            shells.push(Arc::clone(&current));
        }
        Self { shells }
    }

    /// The shell a new stage starts with.
    fn stage_start(
        file: &Dockerfile<'_>,
        stages: &Stages<'_>,
        stage: usize,
        finals: &[Option<Arc<ActiveShell>>],
        file_default: Option<&Arc<ActiveShell>>,
    ) -> Arc<ActiveShell> {
        let Some(st) = stages.stages.get(stage) else {
            return Arc::new(ActiveShell::default_for(false));
        };
        let base = st.base.as_ref().map_or("", |b| b.value.as_ref());
        if let Some(parent) = stages.by_name(base, stage)
            && let Some(Some(shell)) = finals.get(parent.index)
        {
            return shell.clone();
        }
        if let Some(shell) = file_default {
            return shell.clone();
        }
        let platform = file
            .instructions
            .get(st.from)
            .and_then(|f| f.flag("platform"))
            .and_then(|f| f.value.as_ref())
            .map(|v| v.value.as_ref());
        Arc::new(ActiveShell::default_for(is_windows_base(base, platform)))
    }

    /// The shell in force at instruction `index` (after it, for `SHELL`).
    pub fn at(&self, index: usize) -> Option<&ActiveShell> {
        self.shells.get(index).map(|s| &**s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn table(src: &str) -> Vec<ActiveShell> {
        let file = parse(src);
        let stages = Stages::new(&file);
        let t = ShellTable::new(&file, &stages);
        (0..file.instructions.len())
            .filter_map(|i| t.at(i).cloned())
            .collect()
    }

    #[test]
    fn kinds_of_programs() {
        assert_eq!(ShellKind::of_program("/bin/bash"), ShellKind::Bash);
        assert_eq!(
            ShellKind::of_program(r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"),
            ShellKind::PowerShell
        );
        assert_eq!(ShellKind::of_program("pwsh"), ShellKind::PowerShell);
        assert_eq!(ShellKind::of_program("cmd.exe"), ShellKind::Cmd);
        assert_eq!(ShellKind::of_program("/usr/bin/fish"), ShellKind::Other);
        assert!(ShellKind::of_program("/bin/ash").is_posix());
        assert!(!ShellKind::Cmd.is_posix());
    }

    #[test]
    fn pipefail_in_shell_options() {
        let shell = |argv: &[&str]| {
            ActiveShell::from_argv(
                argv.iter().map(|s| (*s).to_owned()).collect(),
                ShellOrigin::Default,
            )
        };
        assert!(shell(&["/bin/bash", "-o", "pipefail", "-c"]).pipefail);
        assert!(shell(&["/bin/bash", "-euxo", "pipefail", "-c"]).pipefail);
        assert!(shell(&["/usr/bin/env", "bash", "-eo", "pipefail", "-c"]).pipefail);
        assert!(shell(&["/bin/busybox", "sh", "-o", "pipefail", "-c"]).pipefail);
        assert!(!shell(&["/bin/bash", "-c"]).pipefail);
        // bash reads options after `-c` too.
        assert!(shell(&["/bin/bash", "-c", "-o", "pipefail"]).pipefail);
        assert!(!shell(&["pwsh", "-o", "pipefail"]).pipefail);
        assert_eq!(shell(&["/usr/bin/env", "bash", "-c"]).kind, ShellKind::Bash);
    }

    #[test]
    fn pragma_syntax() {
        assert_eq!(
            parse_shell_pragma(" hadolint shell=powershell"),
            Some("powershell")
        );
        assert_eq!(
            parse_shell_pragma("  hadolint \t shell = powershell.exe  "),
            Some("powershell.exe")
        );
        assert_eq!(
            parse_shell_pragma(" layerlint shell=/bin/bash # why"),
            Some("/bin/bash")
        );
        assert_eq!(parse_shell_pragma(" hadolint shell=powershell foo"), None);
        assert_eq!(parse_shell_pragma(" hadolint shell="), None);
        assert_eq!(parse_shell_pragma(" hadolintshell=pwsh"), None);
        assert_eq!(parse_shell_pragma(" hadolint ignore=DL3008"), None);
        assert_eq!(parse_shell_pragma(" shell=powershell"), None);
    }

    #[test]
    fn shell_per_stage_with_inheritance() {
        let shells = table(
            "FROM alpine AS base\n\
             SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\n\
             RUN a | b\n\
             FROM base\n\
             RUN c\n\
             FROM debian\n\
             RUN d\n",
        );
        assert_eq!(shells[2].kind, ShellKind::Ash);
        assert!(shells[2].pipefail);
        assert!(matches!(shells[2].origin, ShellOrigin::Instruction { .. }));
        assert_eq!(shells[4].kind, ShellKind::Ash, "inherited from base");
        assert!(shells[4].pipefail);
        assert_eq!(shells[6].argv, vec!["/bin/sh", "-c"]);
        assert_eq!(shells[6].origin, ShellOrigin::Default);
    }

    #[test]
    fn windows_images_and_powershell() {
        let shells = table(
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n\
             RUN dir\n\
             SHELL [\"powershell\", \"-Command\", \"$ErrorActionPreference = 'Stop';\"]\n\
             RUN Get-ChildItem\n\
             FROM --platform=linux/amd64 mcr.microsoft.com/windows/servercore:ltsc2022\n\
             RUN ls\n",
        );
        assert_eq!(shells[1].kind, ShellKind::Cmd);
        assert!(!shells[1].is_posix());
        assert_eq!(shells[3].kind, ShellKind::PowerShell);
        assert_eq!(shells[5].kind, ShellKind::Sh, "the platform flag wins");
    }

    #[test]
    fn pragmas_apply_until_the_stage_ends_or_file_wide_in_the_header() {
        let shells = table(
            "# hadolint shell=powershell\n\
             FROM a\n\
             RUN x\n\
             FROM b\n\
             # layerlint shell=/bin/bash\n\
             RUN y\n\
             RUN z\n\
             SHELL [\"/bin/sh\", \"-c\"]\n\
             RUN w\n\
             # hadolint shell=cmd\n\
             FROM c\n\
             RUN v\n\
             FROM d\n\
             RUN u\n",
        );
        assert_eq!(shells[1].kind, ShellKind::PowerShell);
        assert!(matches!(shells[1].origin, ShellOrigin::Pragma { .. }));
        assert_eq!(shells[3].kind, ShellKind::Bash);
        assert_eq!(shells[4].kind, ShellKind::Bash);
        assert_eq!(shells[6].kind, ShellKind::Sh);
        assert_eq!(
            shells[8].kind,
            ShellKind::Cmd,
            "a pragma above FROM sets the stage"
        );
        assert_eq!(shells[10].kind, ShellKind::PowerShell, "file-wide default");
    }
}
