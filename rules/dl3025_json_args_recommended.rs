use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::Stage;
use crate::syntax::{Args, CommandLine, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Flags `CMD` and `ENTRYPOINT` written in the shell form (`CMD npm start`)
    /// rather than the exec form (`CMD ["npm", "start"]`).
    ///
    /// ## Why is this bad?
    /// The shell form runs the command as `/bin/sh -c "…"`. The shell is the
    /// container's PID 1 and does not pass `SIGTERM` on to the program, so
    /// `docker stop` waits for its timeout and then kills the program without
    /// a chance to shut down cleanly. A shell-form `ENTRYPOINT` also ignores
    /// `CMD` and the arguments given to `docker run`.
    ///
    /// A stage that sets `SHELL` (or builds on a stage that does) chose its
    /// shell on purpose and is not flagged, as BuildKit does.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// CMD npm start
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// CMD ["npm", "start"]
    /// ```
    ///
    /// ## Fix safety
    /// When the command uses no shell feature (no variables, globs,
    /// redirections, pipes, `&&`/`||`/`;`, subshells, comments, backslash
    /// escapes, assignments or shell builtins, only plain words and quotes), it
    /// is rewritten as the JSON array of its words; a leading `exec` is
    /// dropped, since the exec form does what it asks for. For `CMD` in a
    /// stage without `ENTRYPOINT` this is safe: the program now receives
    /// signals, which is the point. It is unsafe for `ENTRYPOINT` (`CMD` and
    /// `docker run` arguments are now passed to it), for a `CMD` that feeds an
    /// `ENTRYPOINT` (it now receives the words instead of `/bin/sh -c …`), and
    /// for a program ending in `.sh` (a script without a `#!` line runs under
    /// a shell but cannot be executed directly).
    ///
    /// A command that needs the shell gets a display-only suggestion,
    /// `["/bin/sh", "-c", "…"]`. That is exactly what BuildKit already stores
    /// for the shell form, so applying it would silence the warning without
    /// changing anything: the real fix (a script that ends with `exec`, or
    /// `exec` before the last command) needs a human. No fix is offered for
    /// Windows stages (a Windows base image, the backtick escape, or a
    /// program ending in `.exe`, `.bat`, `.cmd` or `.ps1`), whose default
    /// shell is `cmd`.
    ///
    /// ## Differences from hadolint
    /// hadolint also flags shell-form `HEALTHCHECK CMD`; a health check is not
    /// PID 1 and receives no signals, so layerlint does not. hadolint flags a
    /// stage with a `SHELL` instruction; layerlint follows BuildKit and does
    /// not. hadolint skips `ONBUILD CMD …`; layerlint checks it, since the
    /// trigger runs the same way in the child image.
    pub struct JsonArgsRecommended { keyword: String }
    code = "DL3025", name = "json-args-recommended", aliases = ["JSONArgsRecommended"],
    category = Correctness, severity = Warning, fix = Sometimes,
    visits = [Cmd, Entrypoint],
}

impl Violation for JsonArgsRecommended {
    fn message(&self) -> String {
        format!(
            "`{}` in shell form runs its command through a shell, which does not pass signals on",
            self.keyword
        )
    }

    fn help(&self) -> Option<String> {
        Some("Write the command as a JSON array (exec form)".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::Command {
        command: CommandLine::Shell { text },
    } = &inst.args
    else {
        return;
    };
    let chain = stage_chain(checker);
    if sets_shell(checker, &chain) {
        return;
    }
    let fix = if text.value.starts_with('[') || is_windows(checker, &chain) {
        None
    } else {
        match plain_words(&text.value) {
            Some(words) if words.first().is_some_and(|w| is_windows_program(w)) => None,
            Some(words) => {
                let risky = inst.kind == Keyword::Entrypoint
                    || has_entrypoint(checker, &chain)
                    || words
                        .first()
                        .is_some_and(|w| w.to_ascii_lowercase().ends_with(".sh"));
                let edit = Edit::replace(text.range, json_array(&words));
                Some(if risky {
                    Fix::unsafe_edits("Convert to the exec form", vec![edit])
                } else {
                    Fix::safe("Convert to the exec form", vec![edit])
                })
            }
            None => {
                let words = [
                    "/bin/sh".to_string(),
                    "-c".to_string(),
                    text.value.to_string(),
                ];
                Some(Fix::display_only(
                    "Write the shell out as a JSON array",
                    vec![Edit::replace(text.range, json_array(&words))],
                ))
            }
        }
    };
    let diagnostic = checker.report(
        JsonArgsRecommended {
            keyword: inst.keyword.value.to_uppercase(),
        },
        text.range,
    );
    if let Some(fix) = fix {
        diagnostic.with_fix(fix);
    }
}

/// The visited instruction's stage followed by the stages it builds on
/// (`FROM <stage>`), nearest first.
fn stage_chain<'f, 's>(checker: &Checker<'f, 's>) -> Vec<&'f Stage<'s>> {
    let mut chain: Vec<&'f Stage<'s>> = Vec::new();
    let mut current = checker.stage();
    while let Some(stage) = current {
        chain.push(stage);
        current = stage
            .base
            .as_ref()
            .and_then(|base| checker.stages.by_name(&base.value, stage.index));
    }
    chain
}

/// Top-level instructions of the chain that take effect before the visited
/// one: the start of its own stage, and the whole of every parent stage.
fn instructions_before<'a, 'f: 'a, 's: 'a>(
    checker: &'a Checker<'f, 's>,
    chain: &'a [&'f Stage<'s>],
) -> impl Iterator<Item = &'a Instruction<'s>> + 'a {
    chain.iter().enumerate().flat_map(move |(i, stage)| {
        let end = if i == 0 {
            checker.instruction_index()
        } else {
            stage.end
        };
        checker.file.instructions[stage.from..end.max(stage.from)].iter()
    })
}

fn sets_shell<'f, 's>(checker: &Checker<'f, 's>, chain: &[&'f Stage<'s>]) -> bool {
    instructions_before(checker, chain).any(|i| i.kind == Keyword::Shell)
}

/// An `ENTRYPOINT` anywhere in the stage or a parent stage.
fn has_entrypoint(checker: &Checker, chain: &[&Stage]) -> bool {
    chain.iter().any(|stage| {
        checker.file.instructions[stage.from..stage.end]
            .iter()
            .any(|i| i.kind == Keyword::Entrypoint)
    })
}

/// Windows images run the shell form with `cmd /S /C` and split exec-form
/// words differently; the backtick escape is the usual sign of one.
fn is_windows(checker: &Checker, chain: &[&Stage]) -> bool {
    checker.file.escape == '`'
        || chain
            .last()
            .and_then(|s| s.base.as_ref())
            .is_some_and(|base| {
                let base = base.value.to_ascii_lowercase();
                ["windows", "nanoserver", "servercore", "dotnet/framework"]
                    .iter()
                    .any(|w| base.contains(w))
            })
}

fn is_windows_program(program: &str) -> bool {
    let program = program.to_ascii_lowercase();
    [".exe", ".bat", ".cmd", ".ps1"]
        .iter()
        .any(|ext| program.ends_with(ext))
}

/// Characters that mean something to the shell outside quotes.
const SHELL_SPECIAL: &str = "$`\\;&|<>()*?[]~{}!\n\r";

/// Words that only the shell understands: builtins with no program of the
/// same name, and reserved words.
const SHELL_ONLY: &[&str] = &[
    ".", ":", "alias", "bg", "break", "case", "cd", "command", "continue", "do", "done", "elif",
    "else", "esac", "eval", "exec", "exit", "export", "fg", "fi", "for", "function", "getopts",
    "hash", "if", "in", "jobs", "local", "read", "readonly", "return", "select", "set", "shift",
    "source", "then", "time", "times", "trap", "type", "ulimit", "umask", "unalias", "unset",
    "until", "wait", "while",
];

/// The words of a command that uses nothing of the shell but word splitting
/// and quotes, or `None` when running it needs a shell.
fn plain_words(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '$' | '`' | '\\' => return None,
                        c => word.push(c),
                    }
                }
            }
            '#' if !in_word => return None,
            c if SHELL_SPECIAL.contains(c) => return None,
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    if words.first().is_some_and(|w| w == "exec")
        && words.get(1).is_some_and(|w| !w.starts_with('-'))
    {
        words.remove(0);
    }
    let program = words.first()?;
    if program.contains('=') || SHELL_ONLY.contains(&program.as_str()) {
        return None;
    }
    Some(words)
}

fn json_array(words: &[String]) -> String {
    let items: Vec<String> = words
        .iter()
        .map(|w| serde_json::Value::from(w.as_str()).to_string())
        .collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::plain_words;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\nCMD npm start\n",
                    "FROM alpine\nENTRYPOINT /usr/bin/app --port 80\n",
                    "FROM alpine\nCMD exec java -jar 'my app.jar'\n",
                    "FROM alpine\nCMD echo \"$HOME\" && sleep 1\n",
                    "FROM alpine\nCMD ./start.sh\n",
                    "FROM alpine\nENTRYPOINT [\"tini\", \"--\"]\nCMD node server.js\n",
                    "FROM alpine\nCMD ['npm', 'start']\n",
                    "FROM alpine\nONBUILD CMD make run\n",
                    "FROM alpine\nCMD cd /app \\\n  && ./run\n",
                    "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD app.exe\n",
                    "FROM mcr.microsoft.com/dotnet/framework/runtime:4.8.1\nENTRYPOINT WcfClient.exe\n",
                    "FROM alpine AS base\nSHELL [\"/bin/ash\", \"-c\"]\nFROM alpine\nCMD app\n",
                ],
                good: &[
                    "FROM alpine\nCMD [\"npm\", \"start\"]\n",
                    "FROM alpine\nENTRYPOINT [\"app\"]\n",
                    "FROM alpine\nSHELL [\"/bin/ash\", \"-c\"]\nCMD echo hi\n",
                    "FROM alpine AS base\nSHELL [\"/bin/ash\", \"-c\"]\nFROM base\nCMD echo hi\n",
                    "FROM alpine\nHEALTHCHECK CMD curl -f http://localhost/\n",
                    "FROM alpine\nRUN echo hi\n",
                ],
                fixes: &[
                    (
                        "FROM alpine\nCMD npm start\n",
                        "FROM alpine\nCMD [\"npm\", \"start\"]\n",
                    ),
                    (
                        "FROM alpine\nCMD exec java -jar 'my app.jar'\n",
                        "FROM alpine\nCMD [\"java\", \"-jar\", \"my app.jar\"]\n",
                    ),
                    (
                        "FROM alpine\nENTRYPOINT /usr/bin/app --port 80\n",
                        "FROM alpine\nENTRYPOINT [\"/usr/bin/app\", \"--port\", \"80\"]\n",
                    ),
                ],
            },
        );
    }

    #[test]
    fn splits_plain_commands_only() {
        let words = |s| plain_words(s).map(|w| w.join("|"));
        assert_eq!(words("npm  start"), Some("npm|start".into()));
        assert_eq!(
            words("node \"a b\" 'c d' e\"f\"g"),
            Some("node|a b|c d|efg".into())
        );
        assert_eq!(words("echo ''"), Some("echo|".into()));
        assert_eq!(words("echo 'a|b $c'"), Some("echo|a|b $c".into()));
        assert_eq!(
            words("exec nginx -g 'daemon off;'"),
            Some("nginx|-g|daemon off;".into())
        );
        assert_eq!(words("a#b"), Some("a#b".into()));
        for shell in [
            "echo $HOME",
            "echo \"$HOME\"",
            "a && b",
            "a; b",
            "a | b",
            "a > log",
            "ls *.txt",
            "cd /app",
            "FOO=1 app",
            "app # comment",
            "echo 'unterminated",
            "echo a\\ b",
            "exec",
            "exec -a name app",
            "(app)",
            "echo ~",
            "",
        ] {
            assert_eq!(words(shell), None, "{shell}");
        }
    }
}
