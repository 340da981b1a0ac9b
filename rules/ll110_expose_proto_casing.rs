use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::syntax::{Args, Instruction, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` port whose protocol is not lower case, such as
    /// `80/TCP`.
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases the protocol when it records the port, so
    /// `80/TCP` and `80/tcp` are the same; the upper-case spelling only
    /// differs from every other place ports are written (`docker run -p`,
    /// Compose, Kubernetes). BuildKit reports it as `ExposeProtoCasing`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80/TCP 53/UDP
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80/tcp 53/udp
    /// ```
    ///
    /// Only `tcp`, `udp` and `sctp` are checked (any other protocol is a build
    /// error), and only when the protocol is written out rather than coming
    /// from a variable.
    ///
    /// ## Fix safety
    /// The fix lower-cases the protocol, which BuildKit does anyway: safe.
    pub struct ExposeProtoCasing { port: String, fixed: String }
    code = "LL110", name = "expose-proto-casing", aliases = ["ExposeProtoCasing"],
    category = Style, severity = Warning, fix = Sometimes,
    visits = [Expose],
}

impl Violation for ExposeProtoCasing {
    fn message(&self) -> String {
        format!(
            "Defined protocol '{}' in EXPOSE instruction should be lowercase",
            self.port
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!("Write `{}`", self.fixed))
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::Words { words } = &inst.args else {
        return;
    };
    for word in words {
        let value = &word.value;
        let Some(slash) = value.find('/') else {
            continue;
        };
        let proto = &value[slash + 1..];
        let known = ["tcp", "udp", "sctp"]
            .iter()
            .any(|p| p.eq_ignore_ascii_case(proto));
        if !known || proto.to_lowercase() == proto {
            continue;
        }
        let verbatim = word.range.slice(checker.source()) == *value;
        let range = if verbatim {
            let start = word.range.start + u32::try_from(slash + 1).unwrap_or(0);
            TextRange::new(start, word.range.end)
        } else {
            word.range
        };
        let diagnostic = checker.report(
            ExposeProtoCasing {
                port: value.to_string(),
                fixed: format!("{}{}", &value[..=slash], proto.to_lowercase()),
            },
            range,
        );
        if verbatim {
            let lower = proto.to_lowercase();
            diagnostic.with_fix(Fix::safe(
                format!("Write `{lower}`"),
                vec![Edit::replace(range, lower)],
            ));
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
                    "FROM alpine\nEXPOSE 80/TCP\n",
                    "FROM alpine\nEXPOSE 80 53/Udp 8080-8090/SCTP\n",
                    "FROM alpine\nEXPOSE ${PORT}/TCP\n",
                ],
                good: &[
                    "FROM alpine\nEXPOSE 80/tcp 53/udp 9/sctp\n",
                    "FROM alpine\nEXPOSE 80\n",
                    "FROM alpine\nEXPOSE 80/${PROTO}\n",
                    "FROM alpine\nEXPOSE 80/FOO\n",
                ],
                fixes: &[
                    (
                        "FROM alpine\nEXPOSE 80/TCP\n",
                        "FROM alpine\nEXPOSE 80/tcp\n",
                    ),
                    (
                        "FROM alpine\nEXPOSE 80 53/Udp 8080-8090/SCTP\n",
                        "FROM alpine\nEXPOSE 80 53/udp 8080-8090/sctp\n",
                    ),
                ],
            },
        );
    }
}
