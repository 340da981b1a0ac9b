use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags `FROM … AS name` where `AS` is not cased like `FROM`: an
    /// upper-case `FROM` with a lower-case `as`, or the other way round.
    ///
    /// ## Why is this bad?
    /// Mixed casing in one instruction reads as a mistake. BuildKit reports
    /// it as `FromAsCasing`. A `FROM` that is itself mixed case (`From`) is
    /// left to the instruction-casing rule.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 as build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// ```
    ///
    /// ## Fix safety
    /// The fix re-cases `AS`; keyword case has no meaning to BuildKit, so it
    /// is safe.
    pub struct FromAsCasing { as_keyword: String, from_keyword: String }
    code = "LL102", name = "from-as-casing", aliases = ["FromAsCasing"],
    category = Style, severity = Warning, fix = Always,
    visits = [From],
}

impl Violation for FromAsCasing {
    fn message(&self) -> String {
        format!(
            "'{}' and '{}' keywords' casing do not match",
            self.as_keyword, self.from_keyword
        )
    }

    fn help(&self) -> Option<String> {
        let wanted = if self.from_keyword.to_lowercase() == self.from_keyword {
            "as"
        } else {
            "AS"
        };
        Some(format!("Write `{wanted}` to match `{}`", self.from_keyword))
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::Words { words } = &inst.args else {
        return;
    };
    let [_, as_kw, _] = words.as_slice() else {
        return;
    };
    let from = &inst.keyword.value;
    if !as_kw.value.eq_ignore_ascii_case("as") {
        return;
    }
    let from_lower = from.to_lowercase() == *from;
    let from_upper = from.to_uppercase() == *from;
    let wanted = if from_lower {
        "as"
    } else if from_upper {
        "AS"
    } else {
        return;
    };
    if as_kw.value == wanted {
        return;
    }
    checker
        .report(
            FromAsCasing {
                as_keyword: as_kw.value.to_string(),
                from_keyword: from.to_string(),
            },
            as_kw.range,
        )
        .with_fix(Fix::safe(
            format!("Write `{wanted}`"),
            vec![Edit::replace(as_kw.range, wanted)],
        ));
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
                    "FROM alpine as base\n",
                    "from alpine AS base\n",
                    "FROM alpine As base\n",
                ],
                good: &[
                    "FROM alpine AS base\n",
                    "from alpine as base\n",
                    "From alpine as base\n",
                    "FROM alpine\n",
                ],
                fixes: &[
                    ("FROM alpine as base\n", "FROM alpine AS base\n"),
                    ("from alpine AS base\n", "from alpine as base\n"),
                ],
            },
        );
    }
}
