use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::vars::Missing;
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags an `ENV` pair whose value refers to a variable that another
    /// pair of the same `ENV` defines, when no earlier instruction defines
    /// it: `ENV DIR=/opt/app BIN=$DIR/bin`.
    ///
    /// ## Why is this bad?
    /// BuildKit expands every value of an `ENV` before it sets any of them,
    /// so `$DIR` is not `/opt/app` there: it is whatever `DIR` was before
    /// (nothing, here), and `BIN` becomes `/bin`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DIR=/opt/app BIN=$DIR/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV DIR=/opt/app
    /// ENV BIN=$DIR/bin
    /// ```
    ///
    /// The help says what the reference expands to instead. A name an
    /// earlier `ENV` or `ARG` of the stage (or of a parent stage) defines is
    /// not flagged: the old value is what the pair is meant to extend, as in
    /// `ENV PATH=/opt/bin:$PATH`.
    ///
    /// The finding points at the reference itself, not at the `ENV`.
    ///
    /// ## Differences from hadolint
    /// - hadolint recognises only `$NAME` and `${NAME}`; layerlint expands
    ///   the value as BuildKit does, so `${NAME:-default}` is a reference
    ///   too, and a `$NAME` inside single quotes is not.
    /// - hadolint treats a name declared by any earlier `ARG` as defined,
    ///   even a global `ARG` before the first `FROM` that the stage does not
    ///   redeclare; BuildKit does not pass those into the stage, so
    ///   layerlint flags the reference.
    pub struct EnvSelfReference { name: String, expands_to: String }
    code = "DL3044", name = "env-self-reference", aliases = [],
    category = Correctness, severity = Error, fix = None,
    visits = [Env],
}

impl Violation for EnvSelfReference {
    fn message(&self) -> String {
        format!(
            "`${}` refers to `{}`, which this same `ENV` defines",
            self.name, self.name
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "Define `{}` in an earlier `ENV`; here `${}` expands to {}",
            self.name, self.name, self.expands_to
        ))
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let index = checker.instruction_index();
    let outer = checker.file.instructions.get(index);
    if !outer.is_some_and(|outer| std::ptr::eq(outer, inst)) {
        return;
    }
    let Args::KeyValues { pairs } = &inst.args else {
        return;
    };
    let vars = checker.vars();
    let missing = vars.missing(index);
    for (i, pair) in pairs.iter().enumerate() {
        if !pair.value.value.contains('$') {
            continue;
        }
        let Ok(expanded) = vars.expand(index, &pair.value) else {
            continue;
        };
        for reference in expanded.references() {
            let defined_here = pairs
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.key.value == reference.name.as_str());
            if !defined_here || reference.origin.is_some() {
                continue;
            }
            let expands_to = match missing {
                Missing::Empty => "nothing".to_string(),
                Missing::Unknown => "the base image's value, if it sets one".to_string(),
            };
            checker.report(
                EnvSelfReference {
                    name: reference.name.clone(),
                    expands_to,
                },
                reference.range,
            );
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
                    "FROM alpine:3\nENV A=1 B=$A\n",
                    "FROM alpine:3\nENV B=${A}/x A=1\n",
                    "FROM scratch\nENV HOME=/home/app \\\n    CONFIG=${HOME}/.config\n",
                    "ARG A=1\nFROM alpine:3\nENV A=2 B=$A\n",
                    "FROM alpine:3\nENV A=1 B=\"${A:-x}\"\n",
                ],
                good: &[
                    "FROM alpine:3\nENV A=1\nENV B=$A\n",
                    "FROM alpine:3\nENV PATH=/opt/bin:$PATH\n",
                    "FROM alpine:3\nENV A=1\nENV A=2 B=$A\n",
                    "FROM alpine:3\nARG A\nENV A=2 B=$A\n",
                    "FROM alpine:3\nENV A=1 B=$AB C=$A_X\nENV D=$A\n",
                    "FROM alpine:3\nENV A=1 B='$A'\n",
                    "FROM alpine:3 AS base\nENV A=1\nFROM base\nENV A=2 B=$A\n",
                    "FROM alpine:3\nENV A=$A:x\n",
                ],
                fixes: &[],
            },
        );
    }
}
