use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` port written with an IP address or a host port, such
    /// as `127.0.0.1:80:80` or `8080:80`.
    ///
    /// ## Why is this bad?
    /// `EXPOSE` only documents which ports the container listens on; it
    /// cannot publish a port on the host. BuildKit drops the IP address and
    /// the host port and records only the container port, so the mapping the
    /// line seems to ask for never happens. BuildKit reports it as
    /// `ExposeInvalidFormat` and says it will become an error.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 8080:80
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80
    /// ```
    ///
    /// and publish the port when the container runs (`docker run -p 8080:80`).
    ///
    /// A `:` inside a `${…}` substitution (`EXPOSE ${PORT:-80}`) is not a
    /// mapping and is not flagged; a mapping that only appears after a
    /// variable is expanded is not seen.
    pub struct ExposeInvalidFormat { port: String, container: String }
    code = "LL111", name = "expose-invalid-format", aliases = ["ExposeInvalidFormat"],
    category = Correctness, severity = Warning, fix = None,
    visits = [Expose],
}

impl Violation for ExposeInvalidFormat {
    fn message(&self) -> String {
        format!(
            "EXPOSE instruction should not define an IP address or host-port mapping, found '{}'",
            self.port
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "Expose only the container port `{}` and publish it with `docker run -p`",
            self.container
        ))
    }
}

/// Byte offset of the last `:` outside `${…}`, if any.
fn last_mapping_colon(word: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut last = None;
    let mut prev = '\0';
    for (i, c) in word.char_indices() {
        match c {
            '{' if prev == '$' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            ':' if depth == 0 => last = Some(i),
            _ => {}
        }
        prev = c;
    }
    last
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::Words { words } = &inst.args else {
        return;
    };
    for word in words {
        let Some(colon) = last_mapping_colon(&word.value) else {
            continue;
        };
        checker.report(
            ExposeInvalidFormat {
                port: word.value.to_string(),
                container: word.value[colon + 1..].to_string(),
            },
            word.range,
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
                    "FROM alpine\nEXPOSE 80:80\n",
                    "FROM alpine\nEXPOSE 127.0.0.1:8080:80/tcp\n",
                    "FROM alpine\nEXPOSE [::1]:8080:80\n",
                    "FROM alpine\nEXPOSE 443 ${HOST_PORT}:80\n",
                ],
                good: &[
                    "FROM alpine\nEXPOSE 80\n",
                    "FROM alpine\nEXPOSE 80/udp 8000-8010\n",
                    "FROM alpine\nEXPOSE ${PORT:-8080}\n",
                    "FROM alpine\nEXPOSE $PORT\n",
                ],
                fixes: &[],
            },
        );
    }
}
