use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::{Args, Instruction, Word};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` with more than one source (heredocs count)
    /// whose destination does not end with `/`.
    ///
    /// A trailing `\` (the Windows separator) counts as a slash.
    ///
    /// ## Why is this bad?
    /// Several sources can only go into a directory. The classic builder
    /// refuses the instruction ("the destination must be a directory and end
    /// with a /"); BuildKit accepts it, so the file builds in one place and
    /// fails in another, and a reader cannot tell whether the destination
    /// was meant to be a file.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY package.json package-lock.json .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends `/` to the destination (inside its quotes). It is
    /// safe: with the slash every builder copies the sources into the
    /// directory, which is the only reading under which the instruction is
    /// valid.
    ///
    /// ## Differences from hadolint
    /// hadolint checks `COPY` only; `ADD` has the same requirement and is
    /// checked too. A destination that ends with a variable (`$DEST`,
    /// `${APP_DIR}`) is skipped, since its value may end with `/`; hadolint
    /// flags it. hadolint does not look inside `ONBUILD COPY`; layerlint does.
    pub struct CopyMultipleSourcesDestNotDir { keyword: String, dest: String }
    code = "DL3021", name = "copy-multiple-sources-dest-not-dir", aliases = [],
    category = Correctness, severity = Error, fix = Always,
    visits = [Copy, Add],
}

impl Violation for CopyMultipleSourcesDestNotDir {
    fn message(&self) -> String {
        format!(
            "`{}` with more than one source needs a directory destination, but `{}` does not end with `/`",
            self.keyword, self.dest
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "End the destination with `/`: `{}/`",
            strip_quotes(&self.dest)
        ))
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::Paths { json, paths } = &inst.args else {
        return;
    };
    let [_, _, .., dest] = paths.as_slice() else {
        return;
    };
    let value = if *json {
        &dest.value
    } else {
        strip_quotes(&dest.value)
    };
    if value.ends_with(['/', '\\']) || ends_with_variable(value) {
        return;
    }
    let at = slash_position(*json, dest);
    checker
        .report(
            CopyMultipleSourcesDestNotDir {
                keyword: inst.keyword.value.to_uppercase(),
                dest: dest.value.to_string(),
            },
            dest.range,
        )
        .with_fix(Fix::safe(
            "Append `/` to the destination",
            vec![Edit::insert(at, "/")],
        ));
}

fn strip_quotes(value: &str) -> &str {
    value.trim_matches(|c| c == '"' || c == '\'')
}

/// Where `/` goes: before the closing quote of a JSON string or a quoted
/// word, else at the end.
fn slash_position(json: bool, dest: &Word) -> u32 {
    let quoted = dest.value.len() >= 2
        && ["\"", "'"]
            .iter()
            .any(|q| dest.value.starts_with(q) && dest.value.ends_with(q));
    if json || quoted {
        dest.range.end - 1
    } else {
        dest.range.end
    }
}

/// `…$NAME` or `…${…}`: the value, and so its last character, is unknown.
fn ends_with_variable(value: &str) -> bool {
    if value.ends_with('}') {
        return value.contains("${");
    }
    let name_start = value.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    name_start.len() < value.len() && name_start.ends_with('$')
}

#[cfg(test)]
mod tests {
    use super::ends_with_variable;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\nCOPY a b /app\n",
                    "FROM alpine\nCOPY a b .\n",
                    "FROM alpine\nCOPY [\"a\", \"b c\", \"/my app\"]\n",
                    "FROM alpine\nADD --chown=1 a b \"/dst\"\n",
                    "FROM alpine\nCOPY <<EOF1 <<EOF2 /etc/app\none\nEOF1\ntwo\nEOF2\n",
                    "FROM alpine\nONBUILD COPY a b c\n",
                ],
                good: &[
                    "FROM alpine\nCOPY a /app\n",
                    "FROM alpine\nCOPY a b /app/\n",
                    "FROM alpine\nCOPY a b ./\n",
                    "FROM alpine\nCOPY a b \"/app/\"\n",
                    "FROM alpine\nCOPY [\"a\", \"b\", \"/app/\"]\n",
                    "FROM alpine\nCOPY a b $DEST\n",
                    "FROM alpine\nCOPY a b ${APP_HOME}\n",
                    "FROM alpine\nCOPY *.json /app\n",
                    "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY a.dll b.dll C:\\Windows\\\n",
                ],
                fixes: &[
                    (
                        "FROM alpine\nCOPY a b /app\n",
                        "FROM alpine\nCOPY a b /app/\n",
                    ),
                    ("FROM alpine\nCOPY a b .\n", "FROM alpine\nCOPY a b ./\n"),
                    (
                        "FROM alpine\nCOPY [\"a\", \"b c\", \"/my app\"]\n",
                        "FROM alpine\nCOPY [\"a\", \"b c\", \"/my app/\"]\n",
                    ),
                    (
                        "FROM alpine\nADD --chown=1 a b \"/dst\"\n",
                        "FROM alpine\nADD --chown=1 a b \"/dst/\"\n",
                    ),
                ],
            },
        );
    }

    #[test]
    fn sees_trailing_variables() {
        assert!(ends_with_variable("$DEST"));
        assert!(ends_with_variable("/opt/${APP:-x}"));
        assert!(ends_with_variable("/opt/$APP_1"));
        assert!(!ends_with_variable("/opt/app"));
        assert!(!ends_with_variable("$HOME/app"));
        assert!(!ends_with_variable("/opt/{x}"));
    }
}
