use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` port, or an end of a port range, above 65535.
    ///
    /// Ports may carry a protocol (`8080/udp`); words with variables are
    /// skipped, since their value is only known at build time.
    ///
    /// ## Why is this bad?
    /// TCP and UDP ports are 16-bit numbers. BuildKit refuses the build
    /// ("invalid containerPort").
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80 80800
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80 8080
    /// ```
    ///
    /// ## Differences from hadolint
    /// Each offending word is reported, where hadolint reports the
    /// instruction once. hadolint does not look inside `ONBUILD EXPOSE`;
    /// layerlint does.
    pub struct ExposePortOutOfRange { port: String }
    code = "DL3011", name = "expose-port-out-of-range", aliases = [],
    category = Correctness, severity = Error, fix = None,
    visits = [Expose],
}

impl Violation for ExposePortOutOfRange {
    fn message(&self) -> String {
        format!(
            "`{}` is not a valid port: ports range from 0 to 65535",
            self.port
        )
    }

    fn help(&self) -> Option<String> {
        Some("Use a port between 0 and 65535".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Args::Words { words } = &inst.args else {
        return;
    };
    for word in words {
        if out_of_range(&word.value) {
            checker.report(
                ExposePortOutOfRange {
                    port: word.value.to_string(),
                },
                word.range,
            );
        }
    }
}

/// `PORT[-PORT][/PROTO]` with a number above 65535. Anything else (variables,
/// other formats) is not this rule's business.
fn out_of_range(word: &str) -> bool {
    let ports = word.split_once('/').map_or(word, |(ports, _)| ports);
    let (low, high) = ports.split_once('-').unwrap_or((ports, ports));
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let too_big =
        |s: &str| s.trim_start_matches('0').len() > 5 || s.parse::<u32>().is_ok_and(|p| p > 65535);
    numeric(low) && numeric(high) && (too_big(low) || too_big(high))
}

#[cfg(test)]
mod tests {
    use super::out_of_range;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\nEXPOSE 65536\n",
                    "FROM alpine\nEXPOSE 80 70000/tcp 8000-70000 99999999999/udp\n",
                    "FROM alpine\nONBUILD EXPOSE 100000\n",
                ],
                good: &[
                    "FROM alpine\nEXPOSE 0 80 65535 8000-9000/udp 443/tcp\n",
                    "FROM alpine\nEXPOSE $PORT ${P}0000 9${X}9999\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn reads_ports_and_ranges() {
        assert!(out_of_range("65536"));
        assert!(out_of_range("1-65536/tcp"));
        assert!(out_of_range("0000065536"));
        assert!(!out_of_range("0000065535"));
        assert!(!out_of_range("80-"));
        assert!(!out_of_range("0.0.0.0:80:80"));
        assert!(!out_of_range("$P"));
    }
}
