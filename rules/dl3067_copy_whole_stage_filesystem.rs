use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<stage> / /`: copying the whole filesystem of
    /// another stage or image over the root of this one.
    ///
    /// ## Why is this bad?
    /// Everything comes along: the other stage's package database, caches,
    /// build tools, `/etc/passwd`, `/proc` and `/sys` placeholders. It
    /// overwrites this stage's own system files with files from another
    /// base image, which breaks in ways that are hard to trace, and throws
    /// away the size benefit of a multi-stage build. Copy the directories the
    /// image needs; to start from the other stage, use `FROM <stage>`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM gcr.io/distroless/static
    /// COPY --from=build / /
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM gcr.io/distroless/static
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    pub struct CopyWholeStageFilesystem { from: String }
    code = "DL3067", name = "copy-whole-stage-filesystem", aliases = [],
    category = Correctness, severity = Warning, fix = None,
    visits = [Copy],
}

impl Violation for CopyWholeStageFilesystem {
    fn message(&self) -> String {
        format!(
            "`COPY --from={} / /` copies its whole filesystem over this one",
            self.from
        )
    }

    fn help(&self) -> Option<String> {
        Some("Copy only the directories the image needs, or build `FROM` that stage".to_string())
    }
}

fn is_root(path: &str) -> bool {
    let path = path
        .strip_prefix('"')
        .and_then(|p| p.strip_suffix('"'))
        .or_else(|| path.strip_prefix('\'').and_then(|p| p.strip_suffix('\'')))
        .unwrap_or(path);
    path == "/"
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Some(from) = inst.flag("from").and_then(|f| f.value.as_ref()) else {
        return;
    };
    let Args::Paths { paths, .. } = &inst.args else {
        return;
    };
    let Some((dest, sources)) = paths.split_last() else {
        return;
    };
    if !is_root(&dest.value) {
        return;
    }
    if let Some(source) = sources.iter().find(|s| is_root(&s.value)) {
        checker.report(
            CopyWholeStageFilesystem {
                from: from.value.to_string(),
            },
            source.range.cover(dest.range),
        );
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
                    "FROM alpine AS a\nFROM scratch\nCOPY --from=a / /\n",
                    "FROM alpine AS a\nFROM scratch\nCOPY --from=a \"/\" \"/\"\n",
                    "FROM alpine AS a\nFROM scratch\nCOPY --from=a [\"/\", \"/\"]\n",
                    "FROM scratch\nCOPY --from=busybox:1.36 --chown=0:0 / /\n",
                ],
                good: &[
                    "FROM alpine AS a\nFROM scratch\nCOPY --from=a /out /\n",
                    "FROM alpine AS a\nFROM scratch\nCOPY --from=a / /rootfs/\n",
                    "FROM scratch\nCOPY / /\n",
                    "FROM scratch\nCOPY rootfs/ /\n",
                ],
                fixes: &[],
            },
        );
    }
}
