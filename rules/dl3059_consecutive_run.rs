use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::{Command, ConstructKind, RunForm, RunScript, Script, ShellOrigin};
use crate::syntax::{Args, CommandLine, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that directly follows another `RUN` when both are short
    /// and use the same flags.
    ///
    /// ## Why is this bad?
    /// Each `RUN` makes a layer. Short consecutive steps such as
    /// `RUN apt-get update` followed by `RUN apt-get install -y curl` cost an
    /// extra layer each and can leave stale state cached between them; one
    /// `RUN` joined with `&&` does the same work in one layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// As in hadolint, the rule stays quiet when either `RUN` already runs
    /// more than one command (splitting longer steps is often deliberate, to
    /// cache them separately), when the flags differ (`--mount=…`,
    /// `--network=…`: they cannot be merged as they are), and when any other
    /// instruction comes between them. Comments do not separate them. A run
    /// of several short `RUN`s is reported at each one after the first.
    ///
    /// ## Differences from hadolint
    /// Commands are counted on the shell model, as ShellCheck counts them
    /// for hadolint: simple commands with a static name, also in `$(…)`,
    /// backquotes and subshells; shell keywords, `[ … ]` tests and plain
    /// assignments are not commands, and the quoted script of `sh -c '…'`
    /// is one word. In Windows stages that keep the default `cmd`, the text
    /// is read as a POSIX script as hadolint does (a script that does not
    /// parse has no commands). After a `SHELL` that selects PowerShell or
    /// `cmd`, the statements separated by `;`, `|`, `&` or new lines are
    /// counted instead; hadolint reads those scripts as POSIX shell scripts
    /// and flags them or not depending on how much of them ShellCheck
    /// manages to parse. On the corpus this is all that differs: 37 of
    /// hadolint's 1,807 findings, in PowerShell stages.
    pub struct ConsecutiveRun { previous_line: u32 }
    code = "DL3059", name = "consecutive-run", aliases = [],
    category = Size, severity = Info, fix = None,
    visits = file,
}

impl Violation for ConsecutiveRun {
    fn message(&self) -> String {
        format!(
            "`RUN` directly follows the `RUN` on line {}; they could be one layer",
            self.previous_line
        )
    }

    fn help(&self) -> Option<String> {
        Some("Join them into one `RUN` with `&&`".to_string())
    }
}

/// The `RUN` that later ones are compared with.
struct Previous {
    flags: Vec<String>,
    commands: usize,
}

fn flags_of(inst: &Instruction) -> Vec<String> {
    let mut flags: Vec<String> = inst.flags.iter().map(crate::syntax::Flag::text).collect();
    flags.sort_unstable();
    flags
}

/// The commands of a `RUN` as ShellCheck (and so hadolint) counts them:
/// simple commands whose name is known statically, in substitutions and
/// heredoc scripts too, but not inside the quoted script of `sh -c '…'`
/// (one string to ShellCheck). `[ … ]` tests and plain assignments are not
/// commands. Exec form counts as its words joined into one shell line:
/// `["sh", "-c", "a && b"]` is two.
fn commands_of(run: &RunScript) -> usize {
    match (&run.script, &run.text) {
        (Some(script), _) => count_in(script, run.is_exec()),
        // `cmd`, the default shell of a Windows image: read as a POSIX
        // script, as hadolint does.
        // ShellCheck finds no command in what it cannot parse.
        (None, Some(text)) if matches!(run.form, RunForm::Shell | RunForm::Heredoc) => {
            let script = Script::parse(text);
            if script.errors.is_empty() {
                count_in(&script, false)
            } else {
                0
            }
        }
        // A heredoc run by another interpreter (`#!/usr/bin/python3`).
        _ => 1,
    }
}

fn count_in(script: &Script, exec: bool) -> usize {
    let nested =
        |c: &Command| script.is_inside(c, |k| matches!(k, ConstructKind::ShellCommand { .. }));
    let counted = |c: &&Command| c.name_str().is_some_and(|n| n != "[" && n != "[[");
    if exec {
        let inner = script
            .commands
            .iter()
            .filter(|c| nested(c))
            .filter(counted)
            .count();
        return inner.max(1);
    }
    script
        .commands
        .iter()
        .filter(|c| !nested(c))
        .filter(counted)
        .count()
}

/// For PowerShell and `cmd`, which cannot be read as POSIX shell scripts:
/// the pieces of the text between `;`, `|`, `&` and new lines outside
/// quotes.
fn statements_of(inst: &Instruction) -> usize {
    let Args::Command {
        command: CommandLine::Shell { text },
    } = &inst.args
    else {
        return 1;
    };
    let mut count = 0;
    let mut quote: Option<char> = None;
    let mut pending = false;
    for c in text.value.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                pending = true;
            }
            None if matches!(c, ';' | '|' | '&' | '\n') => {
                count += usize::from(pending);
                pending = false;
            }
            None if c.is_whitespace() => {}
            None => pending = true,
        }
    }
    count + usize::from(pending)
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    let shells = checker.shell();
    // The `RUN` later ones are compared with: as in hadolint, a flagged
    // `RUN` does not replace it.
    let mut previous: Option<Previous> = None;
    let mut last_run: Option<&Instruction> = None;
    for (index, inst) in file.instructions.iter().enumerate() {
        if inst.kind != Keyword::Run {
            previous = None;
            last_run = None;
            continue;
        }
        let flags = flags_of(inst);
        let commands = match shells.run(index) {
            Some(run)
                if run.shell.is_posix()
                    || run.is_exec()
                    || !matches!(run.shell.origin, ShellOrigin::Instruction { .. }) =>
            {
                commands_of(run)
            }
            _ => statements_of(inst),
        };
        match (&previous, last_run) {
            (Some(prev), Some(last))
                if prev.flags == flags && commands <= 1 && prev.commands <= 1 =>
            {
                let (previous_line, _) = file.lines_of(last.range);
                checker
                    .report(ConsecutiveRun { previous_line }, inst.keyword.range)
                    .with_related(last.keyword.range, "the previous `RUN`");
            }
            _ => {
                previous = Some(Previous { flags, commands });
            }
        }
        last_run = Some(inst);
    }
}

#[cfg(test)]
mod tests {
    use super::commands_of;
    use crate::semantic::Stages;
    use crate::semantic::shell::ShellScripts;
    use crate::syntax::parse;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n",
                    "FROM debian\nRUN a\n# comment\nRUN b\nRUN c\n",
                    "FROM debian\nRUN [ -f x ] && a\nRUN A=1 b\n",
                    "FROM debian\nRUN --mount=type=cache,target=/x a\nRUN --mount=type=cache,target=/x b\n",
                    "FROM debian\nRUN [\"a\"]\nRUN b\n",
                    "FROM windows\nSHELL [\"powershell\", \"-Command\"]\nRUN Write-Host ('a {0}' -f $b)\nRUN c\n",
                ],
                good: &[
                    "FROM debian\nRUN a\nENV X=1\nRUN b\n",
                    "FROM debian\nRUN a && b\nRUN c\n",
                    "FROM debian\nRUN a\nRUN b; c\n",
                    "FROM debian\nRUN a\nRUN echo $(date)\n",
                    "FROM debian\nRUN a\nRUN <<EOF\na\nb\nEOF\n",
                    "FROM debian\nRUN --mount=type=cache,target=/x a\nRUN b\n",
                    "FROM debian\nRUN --network=none a\nRUN --network=host b\n",
                    "FROM debian\nRUN a\nFROM debian\nRUN b\n",
                    "FROM debian\nRUN a\nONBUILD RUN b\n",
                    "FROM windows\nSHELL [\"pwsh\", \"-Command\"]\nRUN a; b\nRUN c\n",
                    "FROM windows\nSHELL [\"powershell\", \"-Command\"]\nRUN a\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN c\n",
                ],
                fixes: &[],
            },
        );
    }

    fn count(script: &str) -> usize {
        let source = format!("FROM debian\nRUN {script}\n");
        let file = parse(&source);
        let stages = Stages::new(&file);
        let shells = ShellScripts::new(&file, &stages);
        shells.run(1).map_or(0, commands_of)
    }

    #[test]
    fn counts_commands() {
        assert_eq!(count("apt-get update"), 1);
        assert_eq!(count("a && b || c; d | e & f"), 6);
        assert_eq!(count("A=1 B=2"), 0);
        assert_eq!(count("A=1 make install"), 1);
        assert_eq!(count("if [ -f x ]; then rm x; fi"), 1);
        assert_eq!(count("for i in 1 2; do echo $i; done"), 1);
        assert_eq!(count("echo $(date) `whoami`"), 3);
        assert_eq!(count("echo \"a && b; c\""), 1);
        assert_eq!(count("echo 'a | b'"), 1);
        assert_eq!(count("a > /dev/null 2>&1"), 1);
        assert_eq!(count("set -ex \\\n && b"), 2);
        assert_eq!(count("<<EOF\na # b && c\nd\nEOF"), 2);
        assert_eq!(count("[[ -d x ]] || mkdir x"), 1);
        assert_eq!(count("echo $((1 + 2))"), 1);
        assert_eq!(count("(cd x && make)"), 2);
        assert_eq!(count("echo \"$(date)\""), 2);
        assert_eq!(count("yes | \"$SDK/bin/sdkmanager\" x"), 1);
        assert_eq!(count("sh -c 'a && b'"), 1);
        assert_eq!(count("[\"sh\", \"-c\", \"a && b\"]"), 2);
        assert_eq!(count("[\"make\"]"), 1);
    }
}
