//! Finding the program a command really runs: `sudo`, `env VAR=x`, `xargs`,
//! `nice`, `time`, `command`, `exec`… run the command that follows them,
//! and `python3 -m pip` runs `pip`.

use super::dialect::program_basename;
use super::script::{Command, Script};
use super::word::ShellWord;

/// How a wrapper program takes its options.
#[derive(Debug)]
struct WrapperSpec {
    name: &'static str,
    /// Short options that take a value (attached or in the next word).
    short_values: &'static str,
    /// Long options that take a value in the next word when not written
    /// `--name=value`.
    long_values: &'static [&'static str],
    /// Options after which the wrapper runs no command (`command -v`).
    stops: &'static [&'static str],
    /// `NAME=value` words may come before the command.
    assignments: bool,
    /// Operands the wrapper reads before the command (`timeout 10s cmd`).
    operands: usize,
    /// A lone `-N` (digits) is an option (`nice -10`).
    numeric_options: bool,
}

const fn spec(name: &'static str) -> WrapperSpec {
    WrapperSpec {
        name,
        short_values: "",
        long_values: &[],
        stops: &[],
        assignments: false,
        operands: 0,
        numeric_options: false,
    }
}

/// The wrappers, one entry per program.
const WRAPPERS: &[WrapperSpec] = &[
    WrapperSpec {
        short_values: "CDghprRtTUu",
        long_values: &[
            "--close-from",
            "--chdir",
            "--group",
            "--host",
            "--prompt",
            "--chroot",
            "--role",
            "--type",
            "--command-timeout",
            "--other-user",
            "--user",
        ],
        stops: &[
            "-e",
            "--edit",
            "-l",
            "--list",
            "-v",
            "--validate",
            "-V",
            "--version",
            "--help",
        ],
        assignments: true,
        ..spec("sudo")
    },
    WrapperSpec {
        short_values: "uC",
        long_values: &["--user"],
        ..spec("doas")
    },
    WrapperSpec {
        short_values: "uCS",
        long_values: &["--unset", "--chdir", "--split-string"],
        assignments: true,
        ..spec("env")
    },
    WrapperSpec {
        short_values: "IiLlnPsdEea",
        long_values: &[
            "--arg-file",
            "--delimiter",
            "--max-args",
            "--max-procs",
            "--max-chars",
            "--process-slot-var",
        ],
        ..spec("xargs")
    },
    WrapperSpec {
        short_values: "n",
        long_values: &["--adjustment"],
        numeric_options: true,
        ..spec("nice")
    },
    WrapperSpec {
        short_values: "fo",
        long_values: &["--format", "--output"],
        ..spec("time")
    },
    WrapperSpec {
        stops: &["-v", "-V"],
        ..spec("command")
    },
    WrapperSpec {
        short_values: "a",
        ..spec("exec")
    },
    spec("nohup"),
    spec("eatmydata"),
    WrapperSpec {
        short_values: "sk",
        long_values: &["--signal", "--kill-after"],
        operands: 1,
        ..spec("timeout")
    },
    WrapperSpec {
        short_values: "ioe",
        long_values: &["--input", "--output", "--error"],
        ..spec("stdbuf")
    },
    WrapperSpec {
        short_values: "cnpPu",
        long_values: &["--class", "--classdata", "--pid", "--pgid", "--uid"],
        ..spec("ionice")
    },
    WrapperSpec {
        operands: 1,
        ..spec("gosu")
    },
    WrapperSpec {
        operands: 1,
        ..spec("su-exec")
    },
];

/// The index in `words` (a command's name followed by its arguments) of the
/// program that really runs, after wrappers; `None` when a wrapper runs no
/// command (`command -v x`, `sudo -l`) or nothing follows it. The second
/// value lists the indexes of the wrappers, outermost first.
pub fn unwrap_wrappers(words: &[&ShellWord<'_>]) -> Option<(usize, Vec<usize>)> {
    let mut at = 0;
    let mut wrappers = Vec::new();
    // Each wrapper consumes at least one word: the loop ends.
    loop {
        let name = program_basename(words.get(at)?.static_value()?);
        if let Some(module) = python_module(name, &words[at + 1..]) {
            wrappers.push(at);
            at += 1 + module;
            continue;
        }
        let Some(spec) = WRAPPERS.iter().find(|s| s.name == name) else {
            return Some((at, wrappers));
        };
        wrappers.push(at);
        at = skip_wrapper_args(spec, words, at + 1)?;
    }
}

/// For `python3 -m MODULE …`, the offset of `MODULE` after the name.
fn python_module(name: &str, args: &[&ShellWord<'_>]) -> Option<usize> {
    if !is_python(name) {
        return None;
    }
    let mut i = 0;
    while let Some(arg) = args.get(i).and_then(|a| a.static_value()) {
        match arg {
            "-m" => return args.get(i + 1).map(|_| i + 1),
            _ if arg.starts_with("-m") && arg.len() > 2 => return None,
            "-c" | "-" => return None,
            _ if arg.starts_with('-') => i += 1,
            _ => return None,
        }
    }
    None
}

/// `python`, `python3`, `python3.12`…
fn is_python(name: &str) -> bool {
    name.strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Whether [`unwrap_wrappers`] looks past a command named `name`.
pub(super) fn may_wrap(name: &str) -> bool {
    is_python(name) || WRAPPERS.iter().any(|s| s.name == name)
}

/// Skips the wrapper's options, assignments and operands from `at`;
/// returns where the wrapped command starts.
fn skip_wrapper_args(spec: &WrapperSpec, words: &[&ShellWord<'_>], mut at: usize) -> Option<usize> {
    while let Some(word) = words.get(at) {
        let Some(arg) = word.static_value() else {
            break;
        };
        if arg == "--" {
            at += 1;
            break;
        }
        if spec.stops.contains(&arg) {
            return None;
        }
        if let Some(long) = arg.strip_prefix("--") {
            at += 1;
            if !long.contains('=') && spec.long_values.contains(&arg) {
                at += 1;
            }
            continue;
        }
        if let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.is_empty()) {
            at += 1;
            if spec.numeric_options && cluster.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            // The first letter taking a value ends the cluster: the value is
            // the rest of it, or the next word.
            for (i, c) in cluster.char_indices() {
                if spec.stops.iter().any(|s| s.len() == 2 && s.ends_with(c)) {
                    return None;
                }
                if spec.short_values.contains(c) {
                    if i + c.len_utf8() == cluster.len() {
                        at += 1;
                    }
                    break;
                }
            }
            continue;
        }
        if spec.assignments && is_assignment(arg) {
            at += 1;
            continue;
        }
        break;
    }
    let at = at + spec.operands;
    (at < words.len()).then_some(at)
}

/// `NAME=value` with a valid shell name.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        let mut chars = name.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// One run of a program, seen through its wrappers.
#[derive(Clone, Debug)]
pub struct Invocation<'s, 'a> {
    /// Index of the command in [`Script::commands`].
    pub index: usize,
    pub command: &'s Command<'a>,
    /// The word naming the program (`apt-get` in `sudo apt-get install`).
    pub name: &'s ShellWord<'a>,
    /// The program's arguments.
    pub args: &'s [ShellWord<'a>],
    /// The wrapper words, outermost first (`sudo`, `env`…).
    pub wrappers: Vec<&'s ShellWord<'a>>,
}

/// Where a command's program sits among its words (the name is word 0),
/// and where its wrappers sit, outermost first.
#[derive(Clone, Debug)]
pub(super) struct Resolved {
    command: usize,
    start: usize,
    wrappers: Box<[usize]>,
}

impl Resolved {
    /// Looks through the wrappers of the command at `index`; `None` when
    /// its program is not known statically.
    fn of(index: usize, command: &Command<'_>) -> Option<Self> {
        let first = command.name.as_ref()?;
        // Most commands run no wrapper: no need to collect their words.
        if !may_wrap(program_basename(first.static_value()?)) {
            return Some(Resolved {
                command: index,
                start: 0,
                wrappers: Box::default(),
            });
        }
        let words: Vec<&ShellWord<'_>> = command.words().collect();
        let (start, wrappers) = unwrap_wrappers(&words)?;
        words.get(start)?.static_value()?;
        Some(Resolved {
            command: index,
            start,
            wrappers: wrappers.into(),
        })
    }
}

/// Word `i` of `command`: its name, then its arguments.
fn word_of<'s, 'a>(command: &'s Command<'a>, i: usize) -> Option<&'s ShellWord<'a>> {
    match i {
        0 => command.name.as_ref(),
        i => command.args.get(i - 1),
    }
}

/// The basename of the program `name` runs (`apt-get`); empty when it
/// is not known before the script runs.
fn program_of<'s>(name: &'s ShellWord<'_>) -> &'s str {
    name.static_value().map_or("", program_basename)
}

/// The resolved programs of `commands`, in order; commands whose program
/// is not known are left out.
pub(super) fn resolve_all(commands: &[Command<'_>]) -> Vec<Resolved> {
    commands
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Resolved::of(i, c))
        .collect()
}

impl<'s, 'a> Invocation<'s, 'a> {
    /// The invocation a command makes, if its program is known statically.
    pub fn of(index: usize, command: &'s Command<'a>) -> Option<Self> {
        Self::from_resolved(&Resolved::of(index, command)?, command)
    }

    fn from_resolved(resolved: &Resolved, command: &'s Command<'a>) -> Option<Self> {
        let word = |i: usize| word_of(command, i);
        Some(Invocation {
            index: resolved.command,
            command,
            name: word(resolved.start)?,
            args: command.args.get(resolved.start..).unwrap_or(&[]),
            wrappers: resolved.wrappers.iter().filter_map(|&i| word(i)).collect(),
        })
    }

    /// The program's basename (`apt-get`).
    pub fn program(&self) -> &str {
        program_of(self.name)
    }
}

impl<'a> Script<'a> {
    /// Every command whose program is known, seen through its wrappers.
    pub fn invocations(&self) -> impl Iterator<Item = Invocation<'_, 'a>> {
        self.resolved.iter().filter_map(|r| {
            let command = self.commands.get(r.command)?;
            Invocation::from_resolved(r, command)
        })
    }

    /// The runs of any of `programs` (compared with the basename).
    pub fn invocations_of<'s>(
        &'s self,
        programs: &'s [&'s str],
    ) -> impl Iterator<Item = Invocation<'s, 'a>> {
        // The program is checked before an invocation is made: most
        // commands run none of `programs`.
        self.resolved.iter().filter_map(move |r| {
            let command = self.commands.get(r.command)?;
            if !programs.contains(&program_of(word_of(command, r.start)?)) {
                return None;
            }
            Invocation::from_resolved(r, command)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::shell::text::ShellText;
    use crate::syntax::TextRange;

    fn programs(script: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
        let source = format!("RUN {script}");
        let text = ShellText::verbatim(&source, TextRange::from_usize(4, source.len()));
        let parsed = Script::parse(&text);
        parsed
            .invocations()
            .map(|inv| {
                (
                    inv.program().to_owned(),
                    inv.args.iter().map(|a| a.value.to_string()).collect(),
                    inv.wrappers.iter().map(|w| w.value.to_string()).collect(),
                )
            })
            .collect()
    }

    fn first(script: &str) -> (String, Vec<String>) {
        let all = programs(script);
        let (p, a, _) = all.into_iter().next().unwrap_or_default();
        (p, a)
    }

    #[test]
    fn unwraps_wrappers() {
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "sudo apt-get install -y x",
                "apt-get",
                &["install", "-y", "x"],
            ),
            (
                "sudo -u root -E DEBIAN_FRONTEND=noninteractive apt-get update",
                "apt-get",
                &["update"],
            ),
            ("sudo --user=app -- npm ci", "npm", &["ci"]),
            (
                "env -u HOME A=1 B=2 /usr/bin/pip install x",
                "pip",
                &["install", "x"],
            ),
            ("xargs -n1 -I{} curl -fsSL {}", "curl", &["-fsSL", "{}"]),
            ("xargs -0 -P 4 rm -f", "rm", &["-f"]),
            ("nice -n 10 make -j4", "make", &["-j4"]),
            ("nice -10 make", "make", &[]),
            ("time -p go build ./...", "go", &["build", "./..."]),
            ("command -p wget -q x", "wget", &["-q", "x"]),
            (
                "exec -a name gem install rails",
                "gem",
                &["install", "rails"],
            ),
            ("timeout 30s curl -sSf x", "curl", &["-sSf", "x"]),
            (
                "eatmydata apt-get install -y x",
                "apt-get",
                &["install", "-y", "x"],
            ),
            (
                "sudo env nice -n5 apk add --no-cache x",
                "apk",
                &["add", "--no-cache", "x"],
            ),
            (
                "python3 -m pip install --no-cache-dir x",
                "pip",
                &["install", "--no-cache-dir", "x"],
            ),
            ("python -u -m pip install x", "pip", &["install", "x"]),
            ("gosu app npm install", "npm", &["install"]),
        ];
        for (script, program, args) in cases {
            let (p, a) = first(script);
            assert_eq!(&p, program, "{script}");
            assert_eq!(
                a,
                args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
                "{script}"
            );
        }
    }

    #[test]
    fn wrappers_that_run_nothing() {
        assert!(programs("command -v curl").is_empty());
        assert!(programs("sudo -l").is_empty());
        assert!(programs("env").is_empty());
        assert!(programs("python3 -c 'print(1)'")[0].0 == "python3");
        let (_, _, wrappers) = programs("sudo -E env A=1 apt-get update").remove(0);
        assert_eq!(wrappers, vec!["sudo", "env"]);
        // A dynamic program name is not an invocation.
        assert!(programs("$SUDO").is_empty());
    }

    #[test]
    fn finds_programs_in_nested_scripts() {
        let all = programs(
            "sudo sh -c 'apt-get update && apt-get install -y curl' && bash -ec \"pip install x\"",
        );
        let names: Vec<&str> = all.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(names, vec!["sh", "apt-get", "apt-get", "bash", "pip"]);
    }
}
