//! The `LL0xx` rules: syntax errors, one code per kind, reported by the
//! engine from the parser's errors.

use crate::diagnostic::Severity;
use crate::engine::{Category, FixAvailability, RuleEntry, RuleMeta, Run, Status};
use crate::syntax::SyntaxErrorKind;

macro_rules! syntax_rule {
    ($meta:ident, $entry:ident, $kind:ident, $docs:literal) => {
        pub static $meta: RuleMeta = RuleMeta {
            code: SyntaxErrorKind::$kind.code(),
            name: SyntaxErrorKind::$kind.name(),
            aliases: &[],
            category: Category::Syntax,
            severity: Severity::Error,
            fix: FixAvailability::None,
            status: Status::Stable,
            default_enabled: true,
            raw_docs: $docs,
        };
        pub static $entry: RuleEntry = RuleEntry {
            meta: &$meta,
            run: Run::Engine,
        };
    };
}

syntax_rule!(LL001_META, LL001, NoInstructions, "## What it does
Flags a Dockerfile that holds no instruction at all: it is empty, or has only comments and blank lines.

## Why is this bad?
BuildKit refuses it with \"file with no instructions\".

## Example
```dockerfile
# nothing to build yet
```

Use instead:
```dockerfile
FROM alpine:3.20
```
");

syntax_rule!(LL002_META, LL002, LineTooLong, "## What it does
Flags a physical line longer than 65,535 bytes.

## Why is this bad?
BuildKit reads Dockerfiles line by line with a 64 KiB buffer and fails on a longer line (\"dockerfile line greater than max allowed size\").

Split the line with continuation lines, or move the data into a file that is copied into the image.
");

syntax_rule!(
    LL003_META,
    LL003,
    InvalidDirective,
    "## What it does
Flags an `escape` parser directive whose value is neither `\\` nor `` ` ``.

## Why is this bad?
BuildKit refuses the file: only the backslash and the backtick can be the escape character.

## Example
```dockerfile
# escape=^
FROM alpine:3.20
```

Use instead:
```dockerfile
# escape=`
FROM alpine:3.20
```
"
);

syntax_rule!(
    LL004_META,
    LL004,
    DuplicateDirective,
    "## What it does
Flags a parser directive (`syntax`, `escape`, `check`) given twice.

## Why is this bad?
BuildKit refuses the file (\"only one escape parser directive can be used\").

## Example
```dockerfile
# syntax=docker/dockerfile:1
# syntax=docker/dockerfile:1.7
FROM alpine:3.20
```

Use instead:
```dockerfile
# syntax=docker/dockerfile:1.7
FROM alpine:3.20
```
"
);

syntax_rule!(LL005_META, LL005, UnterminatedHeredoc, "## What it does
Flags a heredoc (`<<EOF`) whose terminator line never comes.

## Why is this bad?
BuildKit refuses the file (\"unterminated heredoc\"). The terminator must be alone on its line, with no leading white space unless the heredoc is opened with `<<-` (which strips leading tabs).

## Example
```dockerfile
FROM alpine:3.20
RUN <<END
apk add --no-cache curl
  END
```

Use instead:
```dockerfile
FROM alpine:3.20
RUN <<END
apk add --no-cache curl
END
```
");

syntax_rule!(LL006_META, LL006, JsonNonString, "## What it does
Flags a JSON-array (exec form) argument with an element that is not a string.

## Why is this bad?
BuildKit refuses the file: \"when using JSON array syntax, arrays must be comprised of strings only\".

## Example
```dockerfile
FROM alpine:3.20
CMD [\"sleep\", 10]
```

Use instead:
```dockerfile
FROM alpine:3.20
CMD [\"sleep\", \"10\"]
```
");

syntax_rule!(
    LL007_META,
    LL007,
    MissingKeyValue,
    "## What it does
Flags `ENV` or `LABEL` with a key and no value, or a word without `=` in the `key=value` form.

## Why is this bad?
BuildKit refuses the file (\"ENV must have two arguments\", \"can't find = in …\").

## Example
```dockerfile
FROM alpine:3.20
ENV PATH
```

Use instead:
```dockerfile
FROM alpine:3.20
ENV PATH=/usr/local/bin:$PATH
```
"
);

syntax_rule!(LL008_META, LL008, UnknownInstruction, "## What it does
Flags an instruction keyword that does not exist.

## Why is this bad?
The build fails with \"unknown instruction\". It is usually a typo, or a line that lost its continuation backslash.

## Example
```dockerfile
FROM alpine:3.20
RUN apk add curl
    git
```

Use instead:
```dockerfile
FROM alpine:3.20
RUN apk add curl \\
    git
```
");

syntax_rule!(LL009_META, LL009, ArgumentCount, "## What it does
Flags an instruction with too few or too many arguments.

## Why is this bad?
The build fails: for example `COPY` needs a source and a destination, `WORKDIR` takes exactly one path, `FROM` takes an image and optionally `AS name`.

## Example
```dockerfile
FROM alpine:3.20
COPY app.py
```

Use instead:
```dockerfile
FROM alpine:3.20
COPY app.py /app/
```
");

syntax_rule!(
    LL010_META,
    LL010,
    UnknownFlag,
    "## What it does
Flags a `--flag` that the instruction does not accept.

## Why is this bad?
The build fails with \"unknown flag\".

## Example
```dockerfile
FROM alpine:3.20
COPY --owner=app app /app
```

Use instead:
```dockerfile
FROM alpine:3.20
COPY --chown=app app /app
```
"
);

syntax_rule!(LL011_META, LL011, InvalidFlagValue, "## What it does
Flags a flag whose value is missing or malformed, or a flag given twice.

## Why is this bad?
The build fails: durations need a unit (`30s`), boolean flags take `true` or `false`, `--chmod` takes an octal mode.

## Example
```dockerfile
FROM alpine:3.20
HEALTHCHECK --interval=30 CMD true
```

Use instead:
```dockerfile
FROM alpine:3.20
HEALTHCHECK --interval=30s CMD true
```
");

syntax_rule!(
    LL012_META,
    LL012,
    BadSubstitution,
    "## What it does
Flags a variable substitution BuildKit cannot process, in the instructions where BuildKit expands variables (`FROM`, `COPY`, `ADD`, `ENV`, `ARG`, `LABEL`, `EXPOSE`, `USER`, `WORKDIR`, `VOLUME`, `STOPSIGNAL`, `RUN --mount` options): an unsupported modifier, an unterminated `${`, an unterminated quote, or `${NAME:?message}` on a name that is certainly unset.

## Why is this bad?
The build fails with \"failed to process …\".

## Example
```dockerfile
FROM alpine:3.20
ENV APP_HOME=${HOME:=/app}
```

Use instead:
```dockerfile
FROM alpine:3.20
ENV APP_HOME=${HOME:-/app}
```
"
);

syntax_rule!(
    LL013_META,
    LL013,
    InvalidEncoding,
    "## What it does
Flags a file that is not UTF-8 text: binary data, or text in another encoding.

## Why is this bad?
A Dockerfile must be UTF-8. layerlint names the line and column of the first byte that is not.
"
);

syntax_rule!(LL014_META, LL014, InvalidArgument, "## What it does
Flags an argument the instruction cannot take: an invalid stage name, `SHELL` not in JSON form, an unknown `HEALTHCHECK` type, `ONBUILD FROM`, and the like.

## Why is this bad?
The build fails on it.

## Example
```dockerfile
FROM alpine:3.20 AS 1st
```

Use instead:
```dockerfile
FROM alpine:3.20 AS first
```
");

/// The rule of a syntax error kind.
pub fn meta(kind: SyntaxErrorKind) -> &'static RuleMeta {
    match kind {
        SyntaxErrorKind::NoInstructions => &LL001_META,
        SyntaxErrorKind::LineTooLong => &LL002_META,
        SyntaxErrorKind::InvalidDirective => &LL003_META,
        SyntaxErrorKind::DuplicateDirective => &LL004_META,
        SyntaxErrorKind::UnterminatedHeredoc => &LL005_META,
        SyntaxErrorKind::JsonNonString => &LL006_META,
        SyntaxErrorKind::MissingKeyValue => &LL007_META,
        SyntaxErrorKind::UnknownInstruction => &LL008_META,
        SyntaxErrorKind::ArgumentCount => &LL009_META,
        SyntaxErrorKind::UnknownFlag => &LL010_META,
        SyntaxErrorKind::InvalidFlagValue => &LL011_META,
        SyntaxErrorKind::BadSubstitution => &LL012_META,
        SyntaxErrorKind::InvalidEncoding => &LL013_META,
        SyntaxErrorKind::InvalidArgument => &LL014_META,
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{Cases, test_rule};

    const NONE: &[(&str, &str)] = &[];

    /// `LL013` comes from raw bytes, before there is text to lint, so it is
    /// tested through `lint_bytes` rather than the text harness.
    #[test]
    fn ll013_invalid_encoding() {
        use std::fmt::Write as _;
        let Ok(settings) = crate::Settings::only(&["LL013"]) else {
            panic!("LL013 must resolve");
        };
        let cases: [&[u8]; 3] = [
            b"FROM alpine\nLABEL caf\xe9=1\n",
            b"FROM alpine\nRUN echo \x00\x01\x02\n",
            b"\xff\xfe\x00F\x00R\x00O\x00M\x00",
        ];
        let mut rendered = String::new();
        for bytes in cases {
            let linted = crate::lint_bytes(bytes, &settings);
            assert_eq!(linted.diagnostics.len(), 1, "{bytes:?}");
            let d = &linted.diagnostics[0];
            assert_eq!(d.code, "LL013");
            let index = crate::syntax::LineIndex::new(&linted.text);
            let pos = index.line_col(&linted.text, d.range.start);
            let _ = writeln!(
                rendered,
                "{:?}\n  {}:{} {}",
                String::from_utf8_lossy(bytes),
                pos.line,
                pos.column,
                d.message
            );
        }
        let good = crate::lint_bytes(b"FROM alpine\nLABEL caf\xc3\xa9=1\n", &settings);
        assert!(good.diagnostics.is_empty());
        insta::with_settings!({
            snapshot_path => "../snapshots/rules",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!("LL013_invalid-encoding", rendered);
        });
    }

    #[test]
    fn ll001_no_instructions() {
        test_rule(
            &super::LL001,
            Cases {
                bad: &["", "# only a comment\n\n", "\u{feff}\n   \n"],
                good: &["FROM scratch\n", "# escape=`\nFROM scratch\n"],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll002_line_too_long() {
        let long: &'static str =
            Box::leak(format!("FROM alpine\nRUN echo {}\n", "x".repeat(65_600)).into_boxed_str());
        test_rule(
            &super::LL002,
            Cases {
                bad: Box::leak(vec![long].into_boxed_slice()),
                good: &["FROM alpine\nRUN echo short\n"],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll003_invalid_directive() {
        test_rule(
            &super::LL003,
            Cases {
                bad: &["# escape=x\nFROM alpine\n", "# escape= \nFROM alpine\n"],
                good: &[
                    "# escape=\\\nFROM alpine\n",
                    "# hello\n# escape=x\nFROM alpine\n",
                ],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll004_duplicate_directive() {
        test_rule(
            &super::LL004,
            Cases {
                bad: &[
                    "# escape=`\n# ESCAPE=`\nFROM alpine\n",
                    "#check=skip=all\n#check=error=true\nFROM a\n",
                ],
                good: &[
                    "# syntax=docker/dockerfile:1\n# escape=`\nFROM alpine\n",
                    "FROM a\n# syntax=x\n# syntax=y\n",
                ],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll005_unterminated_heredoc() {
        test_rule(
            &super::LL005,
            Cases {
                bad: &[
                    "FROM alpine\nRUN <<EOF\necho hi\n",
                    "FROM alpine\nCOPY <<a <<b /x\n1\na\n2\n",
                ],
                good: &[
                    "FROM alpine\nRUN <<EOF\necho hi\nEOF\n",
                    "FROM alpine\nRUN <<-EOF\n\techo hi\n\tEOF\n",
                    "FROM alpine\nRUN [\"<<EOF\"]\n",
                ],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll006_json_non_string() {
        test_rule(
            &super::LL006,
            Cases {
                bad: &[
                    "FROM a\nCMD [\"a\", 1]\n",
                    "FROM a\nCOPY [\"a\", null] \n",
                    "FROM a\nHEALTHCHECK CMD [true]\n",
                ],
                good: &["FROM a\nCMD [\"a\", \"1\"]\n", "FROM a\nCMD [\"a\", 1\n"],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll008_unknown_instruction() {
        test_rule(
            &super::LL008,
            Cases {
                bad: &[
                    "FROM a\nRUNN echo\n",
                    "FROM a\nRUN apk add curl\n    git\n",
                    "FROM a\nONBUILD COPPY a b\n",
                ],
                good: &[
                    "FROM a\nrun echo\n",
                    "FROM a\nRUN apk add curl \\\n    git\n",
                ],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll009_argument_count() {
        test_rule(
            &super::LL009,
            Cases {
                bad: &[
                    "FROM a\nCOPY app.py\n",
                    "FROM\n",
                    "FROM a\nWORKDIR\n",
                    "FROM a b\n",
                ],
                good: &[
                    "FROM a\nCOPY <<EOF /app.py\nprint()\nEOF\n",
                    "FROM a AS b\n",
                    "FROM a\nCMD\n",
                ],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll010_unknown_flag() {
        test_rule(
            &super::LL010,
            Cases {
                bad: &[
                    "FROM a\nCOPY --owner=app a /b\n",
                    "FROM --plattform=linux/amd64 a\n",
                    "FROM a\nCMD --x [\"a\"]\n",
                ],
                good: &[
                    "FROM --platform=$BUILDPLATFORM a\nCOPY --chown=app --chmod=644 --link a /b\n",
                    "FROM a\nRUN --mount=type=cache,target=/root/.cache --network=none make\n",
                ],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll011_invalid_flag_value() {
        test_rule(
            &super::LL011,
            Cases {
                bad: &[
                    "FROM a\nHEALTHCHECK --interval=30 CMD true\n",
                    "FROM a\nCOPY --link=maybe a /b\n",
                    "FROM a\nCOPY --from=x --from=y a /b\n",
                    "FROM a\nHEALTHCHECK --retries=x CMD true\n",
                    "FROM a\nRUN --network=internet make\n",
                ],
                good: &[
                    "FROM a\nHEALTHCHECK --interval=1m30s --retries=3 CMD true\n",
                    "FROM a\nCOPY --link=false --chmod=0755 a /b\n",
                ],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll014_invalid_argument() {
        test_rule(
            &super::LL014,
            Cases {
                bad: &[
                    "FROM a AS 1st\n",
                    "FROM a TO b\n",
                    "FROM a\nSHELL /bin/bash -c\n",
                    "FROM a\nHEALTHCHECK CONNECT tcp\n",
                    "FROM a\nHEALTHCHECK NONE CMD x\n",
                ],
                good: &[
                    "FROM a AS First\n",
                    "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nHEALTHCHECK NONE\n",
                ],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll012_bad_substitution() {
        test_rule(
            &super::LL012,
            Cases {
                bad: &[
                    "FROM alpine\nENV A=${B:=x}\n",
                    "FROM alpine\nWORKDIR /app/${NAME\n",
                    "FROM alpine\nLABEL foo=\"bar baz\n",
                    "FROM scratch\nCOPY a /${DEST:?unset}\n",
                ],
                good: &[
                    "FROM alpine\nENV A=${B:-x} C=${D:+y} E=${F%%.*}\n",
                    "FROM alpine\nRUN echo ${B:=x}\n",
                    "FROM alpine\nARG DEST\nCOPY a /${DEST:?unset}\n",
                ],
                fixes: NONE,
            },
        );
    }

    #[test]
    fn ll007_missing_key_value() {
        test_rule(
            &super::LL007,
            Cases {
                bad: &["FROM a\nENV PATH\n", "FROM a\nLABEL a=b c\n"],
                good: &["FROM a\nENV PATH /bin\n", "FROM a\nLABEL a=b c=\n"],
                fixes: NONE,
            },
        );
    }
}
