//! What the label-schema rules (DL3049–DL3058) share: the labels a `LABEL`
//! sets, with their values as the build sees them, the formats configured
//! in `required-labels` (hadolint: `label-schema`), and a validator per
//! format.

use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction, TextRange};

/// One `key=value` of a `LABEL`.
#[derive(Debug)]
pub struct Label {
    /// The key without surrounding quotes.
    pub key: String,
    pub key_range: TextRange,
    /// The value with quotes removed and variables expanded; `None` when it
    /// depends on a value unknown at lint time.
    pub value: Option<String>,
    pub value_range: TextRange,
}

fn unquote(key: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = key.strip_prefix(q).and_then(|k| k.strip_suffix(q)) {
            return inner;
        }
    }
    key
}

/// The labels `inst` sets; `index` is the position of the instruction (of
/// the `ONBUILD` that wraps it) in the file, whose variables it sees.
pub fn labels(checker: &Checker, index: usize, inst: &Instruction) -> Vec<Label> {
    let Args::KeyValues { pairs } = &inst.args else {
        return Vec::new();
    };
    let vars = checker.vars();
    pairs
        .iter()
        .map(|pair| Label {
            key: unquote(&pair.key.value).to_string(),
            key_range: pair.key.range,
            value: vars
                .expand(index, &pair.value)
                .ok()
                .and_then(|e| e.known().map(ToString::to_string)),
            value_range: pair.value.range,
        })
        .collect()
}

/// The format `required-labels` gives `key`, if it lists it.
pub fn format_of<'a>(checker: &Checker<'a, '_>, key: &str) -> Option<&'a str> {
    checker
        .settings
        .options
        .required_labels
        .iter()
        .find(|(label, _)| label == key)
        .map(|(_, format)| format.as_str())
}

/// Reports every label of `inst` configured with `format` whose known,
/// non-empty value `valid` rejects (an empty value is DL3051's).
pub fn check_format<V: Violation>(
    checker: &mut Checker,
    inst: &Instruction,
    format: &str,
    valid: fn(&str) -> bool,
    violation: fn(String, String) -> V,
) {
    if checker.settings.options.required_labels.is_empty() {
        return;
    }
    for label in labels(checker, checker.instruction_index(), inst) {
        if format_of(checker, &label.key) != Some(format) {
            continue;
        }
        if let Some(value) = label.value
            && !value.is_empty()
            && !valid(&value)
        {
            checker.report(violation(label.key, value), label.value_range);
        }
    }
}

/// An absolute URL with a host: `scheme://[user@]host[:port][/path][?query][#fragment]`.
pub fn is_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once("://") else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return false;
    }
    if rest
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
    {
        return false;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host_ok, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let Some((addr, after)) = v6.split_once(']') else {
            return false;
        };
        let ok = !addr.is_empty()
            && addr
                .chars()
                .all(|c| c.is_ascii_hexdigit() || ":.".contains(c));
        match after {
            "" => (ok, None),
            _ => (ok, Some(after.strip_prefix(':').unwrap_or("x"))),
        }
    } else {
        let (host, port) = match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        };
        let ok = host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '%'))
        });
        (ok, port)
    };
    let port_ok =
        port.is_none_or(|p| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    host_ok && port_ok
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// An RFC 3339 date-time: `2024-05-01T12:30:00Z`, `2024-05-01t12:30:00.5+02:00`.
pub fn is_rfc3339(value: &str) -> bool {
    let Some((date, time)) = value.split_once(['T', 't']) else {
        return false;
    };
    let mut d = date.split('-');
    let (Some(year), Some(month), Some(day), None) = (
        d.next().and_then(|s| digits(s, 4)),
        d.next().and_then(|s| digits(s, 2)),
        d.next().and_then(|s| digits(s, 2)),
        d.next(),
    ) else {
        return false;
    };
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return false;
    }
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, None)
    } else {
        match time.rfind(['+', '-']) {
            Some(at) => (&time[..at], Some(&time[at + 1..])),
            None => return false,
        }
    };
    let (clock, fraction) = match clock.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (clock, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let mut c = clock.split(':');
    let (Some(hour), Some(minute), Some(second), None) = (
        c.next().and_then(|s| digits(s, 2)),
        c.next().and_then(|s| digits(s, 2)),
        c.next().and_then(|s| digits(s, 2)),
        c.next(),
    ) else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    match offset {
        None => true,
        Some(offset) => match offset.split_once(':') {
            Some((h, m)) => {
                matches!((digits(h, 2), digits(m, 2)), (Some(h), Some(m)) if h <= 23 && m <= 59)
            }
            None => false,
        },
    }
}

/// A semantic version (2.0.0): `1.2.3`, `1.0.0-rc.1+build.5`; no leading
/// zeros, no `v`.
pub fn is_semver(value: &str) -> bool {
    let (rest, build) = match value.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (value, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numeric = |s: &str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
    };
    let ident =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| numeric(p))
        && pre.is_none_or(|pre| {
            pre.split('.')
                .all(|id| ident(id) && (!id.bytes().all(|b| b.is_ascii_digit()) || numeric(id)))
        })
        && build.is_none_or(|build| build.split('.').all(ident))
}

/// A git commit hash: 7 to 40 hexadecimal digits (an abbreviated or full
/// SHA-1), or 64 (SHA-256).
pub fn is_git_hash(value: &str) -> bool {
    ((7..=40).contains(&value.len()) || value.len() == 64)
        && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Characters of an RFC 5322 atom.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c)
}

fn is_dot_atom(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|a| !a.is_empty() && a.chars().all(is_atext))
}

fn is_quoted_string(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return false;
    };
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.next().is_none() => return false,
            '"' => return false,
            c if c.is_control() && c != '\t' => return false,
            _ => {}
        }
    }
    true
}

fn is_domain(s: &str) -> bool {
    if let Some(literal) = s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return !literal.is_empty() && !literal.contains(['[', ']', '\\']);
    }
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn is_addr_spec(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    (is_dot_atom(local) || is_quoted_string(local)) && local.len() <= 64 && is_domain(domain)
}

/// An e-mail address (RFC 5322 `mailbox`): `dev@example.com`, or with a
/// display name, `Jane Doe <dev@example.com>`.
pub fn is_email(value: &str) -> bool {
    if let Some(open) = value.rfind('<') {
        let Some(addr) = value[open + 1..].strip_suffix('>') else {
            return false;
        };
        let name = value[..open].trim();
        let name_ok = name.is_empty()
            || is_quoted_string(name)
            || name
                .split_whitespace()
                .all(|word| word.chars().all(|c| is_atext(c) || c == '.'));
        return name_ok && is_addr_spec(addr);
    }
    is_addr_spec(value)
}

/// SPDX license identifiers in common use (the list is not exhaustive;
/// `LicenseRef-…` is accepted for the others).
const SPDX_LICENSES: &[&str] = &[
    "0BSD",
    "AAL",
    "AFL-1.1",
    "AFL-1.2",
    "AFL-2.0",
    "AFL-2.1",
    "AFL-3.0",
    "AGPL-1.0",
    "AGPL-1.0-only",
    "AGPL-1.0-or-later",
    "AGPL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.0",
    "Apache-1.1",
    "Apache-2.0",
    "APSL-2.0",
    "Artistic-1.0",
    "Artistic-2.0",
    "BlueOak-1.0.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-2-Clause-Patent",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSD-4-Clause",
    "BSL-1.0",
    "BUSL-1.1",
    "bzip2-1.0.6",
    "CC-BY-1.0",
    "CC-BY-2.0",
    "CC-BY-2.5",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "CDDL-1.1",
    "CECILL-2.1",
    "CPAL-1.0",
    "CPL-1.0",
    "curl",
    "ECL-2.0",
    "EFL-2.0",
    "Elastic-2.0",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "FTL",
    "GFDL-1.3",
    "GFDL-1.3-only",
    "GFDL-1.3-or-later",
    "GPL-1.0",
    "GPL-1.0-only",
    "GPL-1.0-or-later",
    "GPL-2.0",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "HPND",
    "ICU",
    "IJG",
    "ImageMagick",
    "IPL-1.0",
    "ISC",
    "JSON",
    "LGPL-2.0",
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "Libpng",
    "libtiff",
    "LPL-1.02",
    "LPPL-1.3c",
    "MIT",
    "MIT-0",
    "MIT-CMU",
    "MPL-1.0",
    "MPL-1.1",
    "MPL-2.0",
    "MPL-2.0-no-copyleft-exception",
    "MS-PL",
    "MS-RL",
    "MulanPSL-2.0",
    "NCSA",
    "ODbL-1.0",
    "OFL-1.0",
    "OFL-1.1",
    "OpenSSL",
    "OSL-1.0",
    "OSL-2.0",
    "OSL-2.1",
    "OSL-3.0",
    "PHP-3.0",
    "PHP-3.01",
    "PostgreSQL",
    "PSF-2.0",
    "Python-2.0",
    "Python-2.0.1",
    "QPL-1.0",
    "Ruby",
    "SGI-B-2.0",
    "SISSL",
    "Sleepycat",
    "SSPL-1.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Unlicense",
    "UPL-1.0",
    "Vim",
    "W3C",
    "WTFPL",
    "X11",
    "XFree86-1.1",
    "Zlib",
    "zlib-acknowledgement",
    "ZPL-2.0",
    "ZPL-2.1",
];

/// SPDX license exceptions in common use (after `WITH`).
const SPDX_EXCEPTIONS: &[&str] = &[
    "389-exception",
    "Autoconf-exception-2.0",
    "Autoconf-exception-3.0",
    "Bison-exception-2.2",
    "Bootloader-exception",
    "Classpath-exception-2.0",
    "CLISP-exception-2.0",
    "FLTK-exception",
    "Font-exception-2.0",
    "freertos-exception-2.0",
    "GCC-exception-2.0",
    "GCC-exception-3.1",
    "gnu-javamail-exception",
    "GPL-3.0-linking-exception",
    "GPL-3.0-linking-source-exception",
    "GPL-CC-1.0",
    "i2p-gpl-java-exception",
    "Libtool-exception",
    "Linux-syscall-note",
    "LLVM-exception",
    "LZMA-exception",
    "mif-exception",
    "OCaml-LGPL-linking-exception",
    "OpenJDK-assembly-exception-1.0",
    "openvpn-openssl-exception",
    "Qt-GPL-exception-1.0",
    "Qt-LGPL-exception-1.1",
    "Qwt-exception-1.0",
    "u-boot-exception-2.0",
    "Universal-FOSS-exception-1.0",
    "WxWindows-exception-3.1",
];

fn is_ref(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    })
}

fn is_license_id(id: &str) -> bool {
    let id = id.strip_suffix('+').unwrap_or(id);
    SPDX_LICENSES.iter().any(|l| l.eq_ignore_ascii_case(id))
        || is_ref(id, "LicenseRef-")
        || id
            .split_once(':')
            .is_some_and(|(doc, lic)| is_ref(doc, "DocumentRef-") && is_ref(lic, "LicenseRef-"))
}

/// Tokens of an SPDX license expression.
fn spdx_tokens(value: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    for word in value.split_whitespace() {
        let mut rest = word;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix(['(', ')']) {
                tokens.push(&rest[..1]);
                rest = r;
            } else {
                let end = rest.find(['(', ')']).unwrap_or(rest.len());
                tokens.push(&rest[..end]);
                rest = &rest[end..];
            }
        }
    }
    tokens
}

/// An SPDX license expression: `MIT`, `Apache-2.0 OR MIT`,
/// `GPL-2.0-or-later WITH Classpath-exception-2.0`, `(MIT AND BSD-3-Clause)`.
pub fn is_spdx(value: &str) -> bool {
    let tokens = spdx_tokens(value);
    let mut at = 0;
    expression(&tokens, &mut at) && at == tokens.len()
}

/// `expression := term (("AND" | "OR") term)*`
fn expression(tokens: &[&str], at: &mut usize) -> bool {
    if !term(tokens, at) {
        return false;
    }
    while let Some(op) = tokens.get(*at) {
        if op.eq_ignore_ascii_case("AND") || op.eq_ignore_ascii_case("OR") {
            *at += 1;
            if !term(tokens, at) {
                return false;
            }
        } else {
            break;
        }
    }
    true
}

/// `term := "(" expression ")" | id ["WITH" exception]`
fn term(tokens: &[&str], at: &mut usize) -> bool {
    match tokens.get(*at) {
        Some(&"(") => {
            *at += 1;
            if !expression(tokens, at) || tokens.get(*at) != Some(&")") {
                return false;
            }
            *at += 1;
            true
        }
        Some(id) if is_license_id(id) => {
            *at += 1;
            if tokens
                .get(*at)
                .is_some_and(|t| t.eq_ignore_ascii_case("WITH"))
            {
                *at += 1;
                let ok = tokens.get(*at).is_some_and(|e| {
                    SPDX_EXCEPTIONS.iter().any(|x| x.eq_ignore_ascii_case(e))
                        || is_ref(e, "AdditionRef-")
                });
                *at += 1;
                return ok;
            }
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "https://example.com",
            "https://example.com/",
            "http://localhost:8080/path?q=1#top",
            "git+ssh://git@github.com/org/repo.git",
            "https://[2001:db8::1]:443/",
            "ftp://user:pw@ftp.example.org/file",
            "https://sub_domain.example.com",
        ] {
            assert!(is_url(ok), "{ok}");
        }
        for bad in [
            "example.com",
            "https://",
            "https:///path",
            "//example.com",
            "1http://example.com",
            "https://exa mple.com",
            "https://example.com:port",
            "https://-bad.com",
            "mailto:dev@example.com",
            "",
        ] {
            assert!(!is_url(bad), "{bad}");
        }
    }

    #[test]
    fn rfc3339() {
        for ok in [
            "2024-05-01T12:30:00Z",
            "2024-05-01t12:30:00z",
            "2024-02-29T00:00:00.123456+02:00",
            "1999-12-31T23:59:60-08:00",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "2024-05-01",
            "2024-05-01 12:30:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:30Z",
            "2024-05-01T12:30:00",
            "2024-05-01T12:30:00+0200",
            "2024-05-01T12:30:00.Z",
            "24-05-01T12:30:00Z",
            "1714566600",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn semver() {
        for ok in [
            "0.0.0",
            "1.2.3",
            "10.20.30",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-0.3.7",
            "1.0.0-x.7.z.92",
            "1.0.0+20130313144700",
            "1.0.0-beta+exp.sha.5114f85",
            "1.0.0-rc.1+build-1",
        ] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in [
            "1",
            "1.2",
            "v1.2.3",
            "01.2.3",
            "1.02.3",
            "1.2.3-",
            "1.2.3-01",
            "1.2.3+",
            "1.2.3-a..b",
            "1.2.3.4",
            "1.2.3-a_b",
            "latest",
            "",
        ] {
            assert!(!is_semver(bad), "{bad}");
        }
    }

    #[test]
    fn git_hashes() {
        assert!(is_git_hash("a1b2c3d"));
        assert!(is_git_hash("0123456789abcdef0123456789abcdef01234567"));
        assert!(is_git_hash(&"f".repeat(64)));
        assert!(is_git_hash("A1B2C3D"));
        assert!(!is_git_hash("a1b2c3"));
        assert!(!is_git_hash("g1b2c3d"));
        assert!(!is_git_hash(&"a".repeat(41)));
        assert!(!is_git_hash("main"));
    }

    #[test]
    fn emails() {
        for ok in [
            "dev@example.com",
            "first.last+tag@sub.example.co.uk",
            "\"john doe\"@example.com",
            "admin@localhost",
            "Jane Doe <jane@example.com>",
            "\"Doe, Jane\" <jane@example.com>",
            "<jane@example.com>",
            "user@[192.168.0.1]",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "example.com",
            "@example.com",
            "dev@",
            "dev@@example.com",
            ".dev@example.com",
            "dev.@example.com",
            "de..v@example.com",
            "dev@-example.com",
            "dev@exa mple.com",
            "Jane Doe jane@example.com",
            "Jane <jane@example.com",
            "Jane, Doe <jane@example.com>",
            "",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn spdx() {
        for ok in [
            "MIT",
            "mit",
            "Apache-2.0",
            "GPL-2.0+",
            "GPL-2.0-or-later WITH Classpath-exception-2.0",
            "MIT OR Apache-2.0",
            "(MIT AND BSD-3-Clause) OR GPL-3.0-only",
            "(MIT)",
            "LicenseRef-Proprietary",
            "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
        ] {
            assert!(is_spdx(ok), "{ok}");
        }
        for bad in [
            "",
            "Apache 2.0",
            "GPLv2",
            "MIT OR",
            "AND MIT",
            "(MIT",
            "MIT)",
            "MIT WITH",
            "MIT WITH Apache-2.0",
            "Proprietary",
            "LicenseRef-",
            "MIT Apache-2.0",
        ] {
            assert!(!is_spdx(bad), "{bad}");
        }
    }
}
