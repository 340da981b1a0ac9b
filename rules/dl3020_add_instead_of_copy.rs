use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags `ADD` of a local file or directory, where `COPY` would do.
    ///
    /// `ADD` of a URL, a Git repository or a local archive (`.tar`, `.tar.gz`,
    /// `.tgz`, `.xz`, `.zst`…, which `ADD` unpacks) is left alone, and so is a
    /// source that starts or ends with a variable, since it may be any of
    /// those.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it downloads URLs, clones Git repositories
    /// and unpacks local tar archives, by content rather than by name. For a
    /// plain file that magic is a surprise waiting to happen; `COPY` says
    /// what it does.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ADD requirements.txt /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt /app/
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces `ADD` with `COPY`, keeping the flags. It is offered
    /// only when every source is a plain local path, and is safe unless an
    /// `ADD`-only flag (`--checksum`, `--keep-git-dir`, `--unpack`) is
    /// present, in which case there is no fix. A local file that is a tar
    /// archive under a name without an archive extension would no longer be
    /// unpacked; that is the surprise this rule exists to remove.
    ///
    /// ## Differences from hadolint
    /// hadolint treats only `http://` and `https://` sources as remote;
    /// layerlint also recognises Git sources (`git@…`, `git://…`, `ssh://…`)
    /// and zstd archives (`.zst`, `.tzst`), and skips sources that start or
    /// end with a variable. hadolint does not look inside `ONBUILD ADD`;
    /// layerlint does.
    pub struct AddInsteadOfCopy { source: String }
    code = "DL3020", name = "add-instead-of-copy", aliases = [],
    category = Maintainability, severity = Error, fix = Sometimes,
    visits = [Add],
}

impl Violation for AddInsteadOfCopy {
    fn message(&self) -> String {
        let what = if self.source.starts_with("<<") {
            "the heredoc"
        } else {
            "the local path"
        };
        format!(
            "`ADD` of {what} `{}`: use `COPY` for files and folders",
            self.source
        )
    }

    fn help(&self) -> Option<String> {
        Some("Replace `ADD` with `COPY`".to_string())
    }
}

/// Flags only `ADD` understands; with one of them, `COPY` is no replacement.
const ADD_ONLY_FLAGS: &[&str] = &["checksum", "keep-git-dir", "unpack"];

/// Extensions of the archives `ADD` unpacks (compressed tar archives and
/// the compressors alone).
const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".tar", ".z", ".bz2", ".gz", ".lz", ".lzma", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz", ".tpz",
    ".txz", ".xz", ".zst", ".tzst",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A file or directory of the build context (or a heredoc).
    Local,
    /// A URL, Git repository or archive: `ADD` is the right instruction.
    Special,
    /// A variable decides what it is.
    Unknown,
}

fn classify(raw: &str) -> Source {
    let path = raw.trim_matches(|c| c == '"' || c == '\'');
    let lower = path.to_ascii_lowercase();
    if path.starts_with('$') || ends_with_variable(path) {
        Source::Unknown
    } else if ["http://", "https://", "git@", "git://", "ssh://"]
        .iter()
        .any(|p| lower.starts_with(p))
        || ARCHIVE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
    {
        Source::Special
    } else {
        Source::Local
    }
}

fn ends_with_variable(value: &str) -> bool {
    if value.ends_with('}') {
        return value.contains("${");
    }
    let name_start = value.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    name_start.len() < value.len() && name_start.ends_with('$')
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::Paths { paths, .. } = &inst.args else {
        return;
    };
    let [sources @ .., _dest] = paths.as_slice() else {
        return;
    };
    let kinds: Vec<Source> = sources.iter().map(|s| classify(&s.value)).collect();
    let Some(local) = sources
        .iter()
        .zip(&kinds)
        .find_map(|(s, kind)| (*kind == Source::Local).then_some(s))
    else {
        return;
    };
    let fixable = kinds.iter().all(|k| *k == Source::Local)
        && !inst
            .flags
            .iter()
            .any(|f| ADD_ONLY_FLAGS.contains(&f.name.value.as_ref()));
    let diagnostic = checker.report(
        AddInsteadOfCopy {
            source: local.value.to_string(),
        },
        inst.keyword.range,
    );
    if fixable {
        let copy = if inst.keyword.value.chars().any(|c| c.is_ascii_uppercase()) {
            "COPY"
        } else {
            "copy"
        };
        diagnostic.with_fix(Fix::safe(
            "Replace `ADD` with `COPY`",
            vec![Edit::replace(inst.keyword.range, copy)],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::{Source, classify};
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\nADD app.py /app/\n",
                    "FROM alpine\nadd --chown=1000 --link src/ /app/\n",
                    "FROM alpine\nADD [\"my file.txt\", \"/app/\"]\n",
                    "FROM alpine\nADD https://example.com/a.txt local.conf /etc/\n",
                    "FROM alpine\nADD --checksum=sha256:abc conf /etc/\n",
                    "FROM alpine\nADD <<EOF /etc/motd\nhello\nEOF\n",
                    "FROM alpine\nONBUILD ADD . /src\n",
                ],
                good: &[
                    "FROM alpine\nCOPY app.py /app/\n",
                    "FROM alpine\nADD https://example.com/app.tar.gz /opt/\n",
                    "FROM alpine\nADD rootfs.tar.xz /\n",
                    "FROM alpine\nADD \"data.TGZ\" /data/\n",
                    "FROM alpine\nADD git@github.com:moby/buildkit.git /src\n",
                    "FROM alpine\nADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.14 /src\n",
                    "FROM alpine\nADD $URL /opt/\n",
                    "FROM alpine\nADD app-${VERSION} /opt/\n",
                    "FROM alpine\nADD app-${VERSION}.tar.gz /opt/\n",
                ],
                fixes: &[
                    (
                        "FROM alpine\nADD app.py /app/\n",
                        "FROM alpine\nCOPY app.py /app/\n",
                    ),
                    (
                        "FROM alpine\nadd --chown=1000 --link src/ /app/\n",
                        "FROM alpine\ncopy --chown=1000 --link src/ /app/\n",
                    ),
                    (
                        "FROM alpine\nADD https://example.com/a.txt local.conf /etc/\n",
                        "FROM alpine\nADD https://example.com/a.txt local.conf /etc/\n",
                    ),
                    (
                        "FROM alpine\nADD --checksum=sha256:abc conf /etc/\n",
                        "FROM alpine\nADD --checksum=sha256:abc conf /etc/\n",
                    ),
                ],
            },
        );
    }

    #[test]
    fn classifies_sources() {
        assert!(classify("./src") == Source::Local);
        assert!(classify("'a b'") == Source::Local);
        assert!(classify("HTTPS://x/y") == Source::Special);
        assert!(classify("x.tar.zst") == Source::Special);
        assert!(classify("${SRC}") == Source::Unknown);
        assert!(classify("$HOME/x") == Source::Unknown);
        assert!(classify("lib/${NAME}/x.jar") == Source::Local);
    }
}
