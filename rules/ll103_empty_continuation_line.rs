use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::TextRange;

declare_rule! {
    /// ## What it does
    /// Flags blank lines inside an instruction continued with `\`.
    ///
    /// ## Why is this bad?
    /// BuildKit skips a blank line in a continuation and keeps joining the
    /// lines after it into the same instruction. A blank line usually reads
    /// as the end of the instruction, so the text that follows looks like a
    /// new instruction while it is really more arguments. BuildKit reports it
    /// as `NoEmptyContinuation` and says it will become an error.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && \
    ///
    ///     apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && \
    ///     apt-get install -y curl
    /// ```
    ///
    /// One finding is reported per instruction, at its first blank line, like
    /// BuildKit; the others are listed as related locations.
    ///
    /// ## Fix safety
    /// The fix deletes the blank lines (with their line breaks). BuildKit
    /// ignores them already, so the instruction means the same: safe.
    pub struct EmptyContinuationLine { keyword: String, count: usize }
    code = "LL103", name = "empty-continuation-line", aliases = ["NoEmptyContinuation"],
    category = Correctness, severity = Warning, fix = Always,
    visits = file,
}

impl Violation for EmptyContinuationLine {
    fn message(&self) -> String {
        if self.count == 1 {
            format!("Empty continuation line in `{}`", self.keyword)
        } else {
            format!(
                "{} empty continuation lines in `{}`",
                self.count, self.keyword
            )
        }
    }

    fn help(&self) -> Option<String> {
        Some(if self.count == 1 {
            "Remove the empty line".to_string()
        } else {
            "Remove the empty lines".to_string()
        })
    }
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    for inst in &file.instructions {
        let Some(&first) = inst.empty_continuation_lines.first() else {
            continue;
        };
        let whole_line = |range: TextRange| {
            let line = file.line_index.line_of(range.start);
            let end = file.line_index.line_start(line + 1);
            TextRange::new(range.start, end.max(range.end))
        };
        let edits = inst
            .empty_continuation_lines
            .iter()
            .map(|&r| Edit::delete(whole_line(r)))
            .collect();
        let count = inst.empty_continuation_lines.len();
        let diagnostic = checker.report(
            EmptyContinuationLine {
                keyword: inst.keyword.value.to_string(),
                count,
            },
            whole_line(first),
        );
        for &other in &inst.empty_continuation_lines[1..] {
            diagnostic.with_related(whole_line(other), "another empty continuation line");
        }
        diagnostic.with_fix(Fix::safe(
            if count == 1 {
                "Remove the empty line"
            } else {
                "Remove the empty lines"
            },
            edits,
        ));
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
                    "FROM alpine\nRUN echo a \\\n\n    b\n",
                    "FROM alpine\nRUN echo a \\\n   \n\t\n    b\n",
                    "FROM alpine\nRUN echo a \\\r\n\r\n    b\r\n",
                    "FROM alpine\nRUN apk add \\\n    curl \\\n\n    # a comment\n    git\n",
                    "FROM alpine\nRUN echo a \\\n\n",
                ],
                good: &[
                    "FROM alpine\nRUN echo a \\\n    b\n\nRUN c\n",
                    "FROM alpine\nRUN echo a \\\n    # comment\n    b\n",
                    "FROM alpine\n\nRUN a\n",
                ],
                fixes: &[
                    (
                        "FROM alpine\nRUN echo a \\\n\n    b\n",
                        "FROM alpine\nRUN echo a \\\n    b\n",
                    ),
                    (
                        "FROM alpine\nRUN echo a \\\n  \n\n    b \\\n\n    c\n",
                        "FROM alpine\nRUN echo a \\\n    b \\\n    c\n",
                    ),
                    (
                        "FROM alpine\nRUN echo a \\\r\n\r\n    b\r\n",
                        "FROM alpine\nRUN echo a \\\r\n    b\r\n",
                    ),
                ],
            },
        );
    }
}
