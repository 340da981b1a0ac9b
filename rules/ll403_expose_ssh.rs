use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags `EXPOSE` of port 22, the SSH port, alone or inside a port
    /// range. Variables are expanded with the `ARG`/`ENV` values the
    /// instruction sees (`EXPOSE $SSH_PORT` with `ARG SSH_PORT=22`); a
    /// value that is not known at lint time is skipped.
    ///
    /// ## Why is this bad?
    /// Exposing 22 means the container runs an SSH server: one more daemon,
    /// host keys and credentials baked into the image, and a login that
    /// bypasses the container runtime's access control and audit. Use
    /// `docker exec` / `kubectl exec` to get a shell in a running container.
    ///
    /// The severity is *warning*: `EXPOSE` by itself publishes nothing, but
    /// `docker run -P` and many orchestrators publish every exposed port,
    /// and the SSH server behind it is a standing way in.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// EXPOSE 22
    /// CMD ["/usr/sbin/sshd", "-D"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// EXPOSE 8080
    /// CMD ["/usr/local/bin/app"]
    /// ```
    pub struct ExposeSsh { port: String }
    code = "LL403", name = "expose-ssh", aliases = [],
    category = Security, severity = Warning, fix = None,
    visits = [Expose],
}

impl Violation for ExposeSsh {
    fn message(&self) -> String {
        if self.port.split('/').next() == Some("22") {
            "`EXPOSE` declares the SSH port 22".to_string()
        } else {
            format!("`EXPOSE {}` includes the SSH port 22", self.port)
        }
    }

    fn help(&self) -> Option<String> {
        Some(
            "Don't run an SSH server in the container; use `docker exec` or `kubectl exec`"
                .to_string(),
        )
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::Words { words } = &inst.effective().args else {
        return;
    };
    let vars = checker.vars();
    let index = checker.instruction_index();
    for word in words {
        let ports: Vec<String> = if word.value.contains('$') {
            match vars.expand_words(index, word) {
                Ok(expanded) => expanded
                    .words
                    .iter()
                    .filter_map(|w| w.known().map(str::to_owned))
                    .collect(),
                Err(_) => continue,
            }
        } else {
            vec![word.value.to_string()]
        };
        if let Some(port) = ports.into_iter().find(|p| includes_ssh(p)) {
            checker.report(ExposeSsh { port }, word.range);
        }
    }
}

/// `PORT[-PORT][/PROTO]` covering port 22 over TCP (SSH does not use UDP).
fn includes_ssh(word: &str) -> bool {
    let (ports, proto) = word.split_once('/').unwrap_or((word, "tcp"));
    if !proto.eq_ignore_ascii_case("tcp") {
        return false;
    }
    let (low, high) = ports.split_once('-').unwrap_or((ports, ports));
    match (low.parse::<u32>(), high.parse::<u32>()) {
        (Ok(low), Ok(high)) => (low..=high).contains(&22),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::includes_ssh;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine:3.20\nEXPOSE 22\n",
                    "FROM alpine:3.20\nEXPOSE 80 22/tcp 443\n",
                    "FROM alpine:3.20\nEXPOSE 20-30\n",
                    "FROM alpine:3.20\nARG SSH_PORT=22\nEXPOSE ${SSH_PORT}\n",
                    "FROM alpine:3.20\nENV PORTS=\"8080 22\"\nEXPOSE $PORTS\n",
                    "FROM alpine:3.20\nONBUILD EXPOSE 22\n",
                ],
                good: &[
                    "FROM alpine:3.20\nEXPOSE 80 443 8022 2222\n",
                    "FROM alpine:3.20\nEXPOSE 22/udp\n",
                    "FROM alpine:3.20\nEXPOSE $PORT\n",
                    "FROM alpine:3.20\nARG SSH_PORT=2222\nEXPOSE $SSH_PORT\n",
                    "FROM alpine:3.20\nEXPOSE 1000-2000\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn port_ranges() {
        assert!(includes_ssh("22"));
        assert!(includes_ssh("22/TCP"));
        assert!(includes_ssh("1-1024"));
        assert!(!includes_ssh("22/udp"));
        assert!(!includes_ssh("222"));
        assert!(!includes_ssh("x22"));
    }
}
