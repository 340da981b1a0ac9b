use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::Fix;
use crate::semantic::shell::rpm::insert_option_after;
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags `useradd` with a UID of 100000 or more and without `-l`
    /// (`--no-log-init`).
    ///
    /// ## Why is this bad?
    /// `useradd` reserves a record for the new user in `/var/log/lastlog`
    /// and `/var/log/faillog`, at an offset proportional to the UID. The
    /// files are sparse on disk, but image layers store them in full: a UID
    /// in the millions adds hundreds of megabytes of zeros to the image.
    /// `-l` skips those records.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -u 1000000 -m app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -l -u 1000000 -m app
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `-l` after `useradd`. It is safe: the user is created the
    /// same way, only the login records are not written.
    ///
    /// ## Differences from hadolint
    /// The UID is read as a number wherever it is given (`--uid 1000000`,
    /// `--uid=1000000`, `-mu1000000`); hadolint looks only at `-u` and
    /// counts characters, so it flags `-u ${UID}` whatever the value (even
    /// after `ARG UID=1000`) and misses `--uid`. A UID from a variable is
    /// judged when its value is known (assigned earlier in the script, or by
    /// `ARG`/`ENV`), and not flagged otherwise. Commands
    /// run through `sudo`, `sh -c` and the like are checked, and
    /// `ONBUILD RUN`. Scripts for PowerShell or `cmd` are skipped.
    pub struct UseraddHighUidWithoutL { uid: String }
    code = "DL3046", name = "useradd-high-uid-without-l", aliases = [],
    category = Size, severity = Warning, fix = Always,
    visits = [Run],
}

impl Violation for UseraddHighUidWithoutL {
    fn message(&self) -> String {
        format!(
            "`useradd` with UID {} without `-l`: the login records make the image much larger",
            self.uid
        )
    }

    fn help(&self) -> Option<String> {
        Some("Add `-l` (`--no-log-init`)".to_string())
    }
}

/// UIDs from this one on make `lastlog` and `faillog` large.
const HIGH_UID: u64 = 100_000;

fn check(checker: &mut Checker, _inst: &Instruction) {
    let Some(run) = checker.shell().run(checker.instruction_index()) else {
        return;
    };
    let Some(script) = &run.script else {
        return;
    };
    let vars = checker.vars();
    let index = checker.instruction_index();
    let outer = |name: &str| {
        vars.lookup(index, name)
            .and_then(|b| b.value.known())
            .map(str::to_string)
    };
    for inv in script.invocations_of(&["useradd"]) {
        let Some(args) = inv.parse_args() else {
            continue;
        };
        if args.has("no-log-init") {
            continue;
        }
        let Some(option) = args.options.iter().rev().find(|o| o.key == "uid") else {
            continue;
        };
        let (uid, range) = match option.value_word {
            Some(word) => (script.resolve_word(inv.index, word, &outer), word.range),
            None if option.word.is_static() => (
                option.value.as_deref().map(str::to_string),
                option.word.range,
            ),
            None => (None, option.word.range),
        };
        let Some(uid) = uid else {
            continue;
        };
        if uid.trim().parse::<u64>().is_ok_and(|n| n >= HIGH_UID) {
            let edit = insert_option_after(run, &inv, inv.name, "-l");
            checker
                .report(
                    UseraddHighUidWithoutL {
                        uid: uid.trim().to_string(),
                    },
                    range,
                )
                .with_fix(Fix::safe("Add `-l`", vec![edit]));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM debian\nRUN useradd -u 1000000 -m app\n",
                    "FROM debian\nRUN useradd -u 100000 app\n",
                    "FROM debian\nRUN useradd --uid=1000000 app\n",
                    "FROM debian\nRUN useradd --uid 1000000 app\n",
                    "FROM debian\nRUN useradd -mu1000000 app\n",
                    "FROM debian\nARG APP_UID=1000000\nRUN useradd -u \"${APP_UID}\" app\n",
                    "FROM debian\nRUN U=200000 && sudo useradd -r -u $U app\n",
                    "FROM debian\nRUN <<EOF\nuseradd -u 1000000 app\nEOF\n",
                    "FROM debian\nRUN [\"useradd\", \"-u\", \"1000000\", \"app\"]\n",
                ],
                good: &[
                    "FROM debian\nRUN useradd -l -u 1000000 -m app\n",
                    "FROM debian\nRUN useradd --no-log-init --uid=1000000 app\n",
                    "FROM debian\nRUN useradd -lmu 1000000 app\n",
                    "FROM debian\nRUN useradd -u 99999 app\n",
                    "FROM debian\nRUN useradd -u ${APP_UID} app\n",
                    "FROM debian\nRUN useradd -m app\n",
                    "FROM debian\nRUN adduser --uid 1000000 app\n",
                    "FROM debian\nRUN usermod -u 1000000 app\n",
                    "FROM mcr.microsoft.com/windows/servercore\nSHELL [\"powershell\", \"-Command\"]\nRUN useradd -u 1000000 app\n",
                ],
                fixes: &[
                    (
                        "FROM debian\nRUN useradd -u 1000000 -m app\n",
                        "FROM debian\nRUN useradd -l -u 1000000 -m app\n",
                    ),
                    (
                        "FROM debian\nRUN [\"useradd\", \"-u\", \"1000000\", \"app\"]\n",
                        "FROM debian\nRUN [\"useradd\", \"-l\", \"-u\", \"1000000\", \"app\"]\n",
                    ),
                ],
            },
        );
    }
}
