use crate::declare_rule;
use crate::engine::{Checker, Violation};
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
    /// Commands are counted with a lightweight shell reader rather than
    /// ShellCheck's parser: simple commands separated by `&&`, `||`, `;`,
    /// `|`, `&` or new lines, plus those in `$(…)` and backquotes; shell
    /// keywords (`if`, `then`, `do`…), `[ … ]` tests and plain assignments
    /// are not commands, as for ShellCheck. Counts can differ for unusual
    /// scripts (`case` patterns, functions). After a `SHELL` that selects
    /// PowerShell or `cmd`, the statements separated by `;`, `|`, `&` or new
    /// lines are counted instead; hadolint reads those scripts as POSIX shell
    /// scripts, and flags them or not depending on how much of them
    /// ShellCheck manages to parse.
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

fn commands_of(inst: &Instruction) -> usize {
    let script = match &inst.args {
        Args::Command {
            command: CommandLine::Shell { text },
        } => text.value.to_string(),
        Args::Command {
            command: CommandLine::Exec { args, .. },
        } => args
            .iter()
            .map(|a| a.value.as_ref())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    };
    let mut count = count_commands(&script);
    for heredoc in &inst.heredocs {
        count += count_commands(&heredoc.body.value);
    }
    count
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
    // The `RUN` later ones are compared with: as in hadolint, a flagged
    // `RUN` does not replace it.
    let mut previous: Option<Previous> = None;
    let mut last_run: Option<&Instruction> = None;
    let mut posix_shell = true;
    for inst in &file.instructions {
        match inst.kind {
            Keyword::Run => {}
            Keyword::From => {
                posix_shell = true;
                previous = None;
                last_run = None;
                continue;
            }
            Keyword::Shell => {
                posix_shell = is_posix_shell(inst);
                previous = None;
                last_run = None;
                continue;
            }
            _ => {
                previous = None;
                last_run = None;
                continue;
            }
        }
        let flags = flags_of(inst);
        let commands = if posix_shell {
            commands_of(inst)
        } else {
            statements_of(inst)
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

/// Whether a `SHELL` instruction selects a POSIX shell (not PowerShell or
/// `cmd`).
fn is_posix_shell(inst: &Instruction) -> bool {
    let Args::Command {
        command: CommandLine::Exec { args, .. },
    } = &inst.args
    else {
        return true;
    };
    let Some(program) = args.first() else {
        return true;
    };
    let name = program
        .value
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let name = name.strip_suffix(".exe").unwrap_or(&name);
    !matches!(name, "powershell" | "pwsh" | "cmd")
}

/// Words that open or close shell syntax rather than name a command.
const KEYWORDS: [&str; 16] = [
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "case", "esac", "!", "{",
    "}", "time", "in",
];

/// Counts the simple commands in a shell script: pieces between `&&`, `||`,
/// `;`, `|`, `&` and new lines (and inside `$(…)`, backquotes and
/// parentheses) whose first word, after keywords, assignments and
/// redirections, names a command.
fn count_commands(script: &str) -> usize {
    let mut reader = Reader::default();
    let mut chars = script.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            match c {
                '\\' if q == '"' => {
                    reader.push(c);
                    if let Some(n) = chars.next() {
                        reader.push(n);
                    }
                }
                // A command substitution inside double quotes: one command.
                '$' if q == '"' && chars.peek() == Some(&'(') => {
                    reader.count += 1;
                    reader.push(c);
                }
                _ if c == q => quote = None,
                _ => reader.push(c),
            }
            continue;
        }
        match c {
            '\\' => {
                if let Some(n) = chars.next()
                    && n != '\n'
                {
                    reader.push(n);
                }
            }
            '\'' | '"' => {
                reader.in_word = true;
                quote = Some(c);
            }
            '#' if !reader.in_word => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                reader.end_command();
            }
            '$' if chars.peek() == Some(&'(') => {
                chars.next();
                if chars.peek() == Some(&'(') {
                    // `$((…))` arithmetic: part of the current word.
                    reader.push('$');
                    let mut depth = 1usize;
                    for n in chars.by_ref() {
                        reader.push(n);
                        match n {
                            '(' => depth += 1,
                            ')' if depth <= 1 => break,
                            ')' => depth -= 1,
                            _ => {}
                        }
                    }
                } else {
                    reader.push('$');
                    reader.open(true);
                }
            }
            '(' => {
                reader.end_command();
                reader.open(false);
            }
            ')' => reader.close(),
            '`' => {
                if reader.in_backquote {
                    reader.close();
                    reader.in_backquote = false;
                } else {
                    reader.push('`');
                    reader.open(true);
                    reader.in_backquote = true;
                }
            }
            // `2>&1`, `<&3` and `&>file` are redirections, not separators.
            '&' if reader.word.ends_with(['>', '<']) || chars.peek() == Some(&'>') => {
                reader.push(c);
            }
            ';' | '&' | '|' | '\n' => reader.end_command(),
            _ if c.is_whitespace() => reader.flush_word(),
            _ => reader.push(c),
        }
    }
    reader.end_command();
    reader.count
}

/// The state of [`count_commands`]: the words of the command being read and
/// those of the commands a substitution interrupted.
#[derive(Default)]
struct Reader {
    count: usize,
    words: Vec<String>,
    word: String,
    in_word: bool,
    in_backquote: bool,
    /// One entry per open parenthesis: the enclosing command's words when it
    /// was a substitution, `None` for a subshell or arithmetic.
    stack: Vec<Option<(Vec<String>, String)>>,
}

impl Reader {
    fn push(&mut self, c: char) {
        self.in_word = true;
        self.word.push(c);
    }

    fn flush_word(&mut self) {
        if self.in_word {
            self.words.push(std::mem::take(&mut self.word));
            self.in_word = false;
        }
    }

    fn end_command(&mut self) {
        self.flush_word();
        if names_command(&self.words) {
            self.count += 1;
        }
        self.words.clear();
    }

    /// Enters a parenthesis; a substitution saves the enclosing command.
    fn open(&mut self, substitution: bool) {
        if substitution {
            let words = std::mem::take(&mut self.words);
            let word = std::mem::take(&mut self.word);
            self.in_word = false;
            self.stack.push(Some((words, word)));
        } else {
            self.stack.push(None);
        }
    }

    fn close(&mut self) {
        self.end_command();
        if let Some(Some((words, word))) = self.stack.pop() {
            self.words = words;
            self.word = word;
            self.in_word = true;
        }
    }
}

/// Whether a simple command's words name a command.
fn names_command(words: &[String]) -> bool {
    let mut iter = words.iter().peekable();
    if iter
        .peek()
        .is_some_and(|w| *w == "for" || *w == "select" || *w == "case")
    {
        return false;
    }
    while let Some(w) = iter.next() {
        if KEYWORDS.contains(&w.as_str()) || is_assignment(w) {
            continue;
        }
        if w.starts_with('>')
            || w.starts_with('<')
            || w.trim_start_matches(char::is_numeric)
                .starts_with(['>', '<'])
        {
            // A redirection: skip its target when it is a separate word.
            if w.trim_start_matches(char::is_numeric)
                .trim_start_matches(['>', '<', '&', '|'])
                .is_empty()
            {
                iter.next();
            }
            continue;
        }
        // `[ … ]` and `[[ … ]]` are conditions, not commands, to ShellCheck,
        // and a name built from a variable or substitution is not a name.
        return !(w == "["
            || w.starts_with("[[")
            || w.starts_with("((")
            || w == "function"
            || w.contains(['$', '`']));
    }
    false
}

fn is_assignment(word: &str) -> bool {
    match word.find('=') {
        Some(eq) if eq > 0 => {
            let name = word[..eq].trim_end_matches('+');
            name.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::count_commands;
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

    #[test]
    fn counts_commands() {
        assert_eq!(count_commands("apt-get update"), 1);
        assert_eq!(count_commands("a && b || c; d | e & f"), 6);
        assert_eq!(count_commands("A=1 B=2"), 0);
        assert_eq!(count_commands("A=1 make install"), 1);
        assert_eq!(count_commands("if [ -f x ]; then rm x; fi"), 1);
        assert_eq!(count_commands("for i in 1 2; do echo $i; done"), 1);
        assert_eq!(count_commands("echo $(date) `whoami`"), 3);
        assert_eq!(count_commands("echo \"a && b; c\""), 1);
        assert_eq!(count_commands("echo 'a | b'"), 1);
        assert_eq!(count_commands("a > /dev/null 2>&1"), 1);
        assert_eq!(count_commands("set -ex \\\n && b"), 2);
        assert_eq!(count_commands("a # b && c\nd"), 2);
        assert_eq!(count_commands("[[ -d x ]] || mkdir x"), 1);
        assert_eq!(count_commands("echo $((1 + 2))"), 1);
        assert_eq!(count_commands("(cd x && make)"), 2);
        assert_eq!(count_commands("echo \"$(date)\""), 2);
        assert_eq!(count_commands("yes | \"$SDK/bin/sdkmanager\" x"), 1);
    }
}
