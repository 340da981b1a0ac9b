use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::{Args, Comment, Instruction, Keyword, Word};

declare_rule! {
    /// ## What it does
    /// Flags a comment directly above an `ARG` or a named stage
    /// (`FROM … AS name`) that does not start with the argument's or the
    /// stage's name.
    ///
    /// `docker buildx build --call=outline` and `--call=targets` show the
    /// comment directly above an `ARG` or `FROM … AS` as its description,
    /// when the comment's first word is the name being defined
    /// (`# VERSION the release to package`). A comment that sits there
    /// without the name is probably meant for something else, or is a
    /// description in the wrong form.
    ///
    /// A blank line or an empty `#` line between the comment and the
    /// instruction ends the description, as BuildKit's documentation says.
    /// Suppression comments (`# hadolint ignore=…`, `# layerlint ignore=…`,
    /// `# check=…`) are not descriptions and are not flagged. The finding
    /// points at the name being defined (BuildKit reports the instruction),
    /// with a note on the comment.
    ///
    /// ## Why is this bad?
    /// The outline shows nothing for the argument or stage, or a comment
    /// that was never meant to describe it.
    ///
    /// ## Example
    /// ```dockerfile
    /// # the release to package
    /// ARG VERSION=1.0
    /// # compile the CLI
    /// FROM golang:1.23 AS build-cli
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # VERSION is the release to package
    /// ARG VERSION=1.0
    /// # build-cli compiles the CLI
    /// FROM golang:1.23 AS build-cli
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts a blank line between the comment and the instruction,
    /// so the comment is no longer a description. It does not change the
    /// build, but when the comment was meant as a description, prefixing it
    /// with the name is the better repair: the fix is unsafe.
    pub struct InvalidDefinitionDescription { keyword: &'static str, name: String }
    code = "LL112", name = "invalid-definition-description", aliases = ["InvalidDefinitionDescription"],
    category = Style, severity = Info, fix = Always, status = Preview,
    visits = [Arg, From],
}

impl Violation for InvalidDefinitionDescription {
    fn message(&self) -> String {
        format!(
            "The comment above `{}` is not a description of it: it should read `# {} <description>`",
            self.keyword, self.name
        )
    }

    fn help(&self) -> Option<String> {
        let name = if self.name.starts_with('<') {
            "the name of an argument".to_string()
        } else {
            format!("`{}`", self.name)
        };
        Some(format!(
            "Start the comment with {name}, or separate it from the instruction with a blank line"
        ))
    }
}

fn is_pragma(text: &str) -> bool {
    let text = text.trim_start();
    ["hadolint ", "layerlint ", "check="]
        .iter()
        .any(|p| text.starts_with(p))
}

/// The comment on the line directly above `inst`, unless it is empty.
fn comment_above<'f, 's>(checker: &Checker<'f, 's>, inst: &Instruction) -> Option<&'f Comment<'s>> {
    let file = checker.file;
    let line = file.line_index.line_of(inst.range.start);
    let above = line.checked_sub(1)?;
    file.comments.iter().find(|c| {
        !c.in_continuation
            && file.line_index.line_of(c.range.start) == above
            && !c.text.trim().is_empty()
    })
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let index = checker.instruction_index();
    if checker.file.instructions[index].kind == Keyword::Onbuild {
        return; // outlines don't show triggers
    }
    let names: Vec<&Word> = match (&inst.kind, &inst.args) {
        (Keyword::Arg, Args::ArgDecls { decls }) => decls.iter().map(|d| &d.name).collect(),
        (Keyword::From, _) => match checker.stage().and_then(|s| s.name.as_ref()) {
            Some(name) => vec![name],
            None => return,
        },
        _ => return,
    };
    let (Some(first_name), Some(last_name)) = (names.first(), names.last()) else {
        return;
    };
    let names_range = first_name.range.cover(last_name.range);
    let Some(comment) = comment_above(checker, inst) else {
        return;
    };
    let text = comment.text.trim();
    if is_pragma(text) {
        return;
    }
    let first = text.split(' ').next().unwrap_or("");
    if names.iter().any(|n| n.value == first) {
        return;
    }
    let name = match names.as_slice() {
        [one] => one.value.to_string(),
        _ => "<arg_key>".to_string(),
    };
    let file = checker.file;
    let line_start = file
        .line_index
        .line_start(file.line_index.line_of(inst.range.start));
    let newline = if file.source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let keyword = inst.kind.as_str();
    checker
        .report(InvalidDefinitionDescription { keyword, name }, names_range)
        .with_related(comment.range, "the comment taken as its description")
        .with_fix(Fix::unsafe_edits(
            "Separate the comment from the instruction with a blank line",
            vec![Edit::insert(line_start, newline)],
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
                    "# a non-descriptive comment\nFROM scratch AS base\n",
                    "FROM alpine\n# another comment\nARG VERSION=1\n",
                    "FROM alpine\n# first line\n# the second line\nARG A B\n",
                    "FROM alpine\n  #   version of the thing\nARG VERSION\n",
                    "FROM alpine\r\n# bad\r\nARG X\r\n",
                ],
                good: &[
                    "# base is a stage for compiling source\nFROM scratch AS base\n",
                    "FROM alpine\n# VERSION This is the version number.\nARG VERSION=1\n",
                    "# a non-descriptive comment\n\nFROM scratch AS base\n",
                    "FROM alpine\n# a comment\n#\nARG VERSION=1\n",
                    "# no stage name here\nFROM alpine\n",
                    "FROM alpine\n# B the second\nARG A B\n",
                    "# hadolint ignore=DL3006\nFROM base AS final\n",
                    "FROM alpine\n# layerlint ignore=LL106\nARG X\n",
                    "FROM alpine\nRUN true\nARG X\n",
                    "FROM alpine\n# X\nONBUILD ARG X\n",
                    "FROM alpine\n# just a comment\nONBUILD ARG X\n",
                ],
                fixes: &[
                    (
                        "FROM alpine\n# another comment\nARG VERSION=1\n",
                        "FROM alpine\n# another comment\n\nARG VERSION=1\n",
                    ),
                    (
                        "FROM alpine\r\n# bad\r\nARG X\r\n",
                        "FROM alpine\r\n# bad\r\n\r\nARG X\r\n",
                    ),
                ],
            },
        );
    }
}
