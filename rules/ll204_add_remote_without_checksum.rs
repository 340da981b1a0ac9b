use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags `ADD` of an `http://` or `https://` URL without `--checksum`.
    /// Sources are expanded with the `ARG`/`ENV` values the instruction sees,
    /// so `ADD ${RELEASE_URL} /opt/` is checked too when its value is known.
    ///
    /// ## Why is this bad?
    /// BuildKit cannot know whether the file behind a URL changed without
    /// fetching it again, so it downloads it on every build and the steps
    /// after it miss the cache whenever the server sends other bytes. Two
    /// builds of the same commit can ship different files, and a
    /// compromised or spoofed server goes unnoticed. `--checksum=sha256:…`
    /// makes the download verified and cacheable by content.
    ///
    /// The severity is *warning*: the build works, but it is neither
    /// reproducible nor verified.
    ///
    /// Git sources (`ADD https://github.com/org/repo.git#v1.2.3 /src`,
    /// `git@…`) are not flagged: they are pinned by their ref.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /sbin/tini
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee \
    ///     https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /sbin/tini
    /// ```
    pub struct AddRemoteWithoutChecksum { url: String }
    code = "LL204", name = "add-remote-without-checksum", aliases = [],
    category = Cache, severity = Warning, fix = None,
    visits = [Add],
}

impl Violation for AddRemoteWithoutChecksum {
    fn message(&self) -> String {
        format!(
            "`ADD {}` has no `--checksum`: it is downloaded again on every build and not verified",
            self.url
        )
    }

    fn help(&self) -> Option<String> {
        Some("Add `--checksum=sha256:<digest>` of the file".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let add = inst.effective();
    if add.flag("checksum").is_some() {
        return;
    }
    let Args::Paths { paths, .. } = &add.args else {
        return;
    };
    let Some((_, sources)) = paths.split_last() else {
        return;
    };
    let vars = checker.vars();
    let index = checker.instruction_index();
    for source in sources {
        let value = if source.value.contains('$') {
            match vars.expand(index, source) {
                Ok(expanded) => match expanded.known() {
                    Some(known) => known.to_string(),
                    None => continue,
                },
                Err(_) => continue,
            }
        } else {
            source.value.to_string()
        };
        if is_http_file(&value) {
            checker.report(AddRemoteWithoutChecksum { url: value }, source.range);
        }
    }
}

/// An `http(s)://` URL that BuildKit downloads as a file (not a git
/// repository).
#[allow(clippy::case_sensitive_file_extension_comparisons)] // compared lowercased
fn is_http_file(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return false;
    }
    let path = lower.split(['#', '?']).next().unwrap_or("");
    !(path.ends_with(".git") || lower.contains(".git#"))
}

#[cfg(test)]
mod tests {
    use super::is_http_file;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine:3.20\nADD https://example.com/app.tar.gz /opt/\n",
                    "FROM debian:12\nARG V=1.2.3\nADD https://dl.example.com/tool-${V}.deb http://example.com/b.deb /tmp/\n",
                    "FROM alpine:3.20\nADD [\"https://example.com/a b.tgz\", \"/opt/\"]\n",
                    "FROM alpine:3.20\nADD --chown=app:app https://example.com/cfg.json /etc/app/\n",
                    "FROM alpine:3.20\nONBUILD ADD https://example.com/x /x\n",
                ],
                good: &[
                    "FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/app.tar.gz /opt/\n",
                    "FROM alpine:3.20\nADD https://github.com/moby/buildkit.git#v0.14.0 /src\n",
                    "FROM alpine:3.20\nADD git@github.com:moby/buildkit.git /src\n",
                    "FROM alpine:3.20\nADD app.tar.gz /opt/\n",
                    "FROM alpine:3.20\nADD $URL /opt/\n",
                    "FROM alpine:3.20\nCOPY https-proxy.conf /etc/\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn urls() {
        assert!(is_http_file("HTTPS://example.com/x"));
        assert!(is_http_file("https://example.com/x.tar.gz?raw=1"));
        assert!(!is_http_file("https://example.com/r.git"));
        assert!(!is_http_file("https://example.com/r.git#main:sub"));
        assert!(!is_http_file("ftp://example.com/x"));
    }
}
