use std::borrow::Cow;

use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::vars::{
    Binding, DefKind, Env, Lex, Missing, Origin, ScopeEnv, UnknownReason, Value, expand_word,
};
use crate::syntax::{Args, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image reference, expanded with the `ARG`
    /// defaults, is empty or not a valid image reference: `ARG TAG` without
    /// a default, then `FROM busybox:${TAG}` gives `busybox:`.
    ///
    /// ## Why is this bad?
    /// The build then fails unless every caller remembers to pass
    /// `--build-arg TAG=…`. A Dockerfile should build as it is.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG TAG
    /// FROM busybox:${TAG}
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG TAG=1.37
    /// FROM busybox:${TAG}
    /// ```
    ///
    /// An `ARG` without a default counts as empty, which is fine where the
    /// reference stays valid (`FROM busybox:stable${VARIANT}`), and a
    /// modifier can supply the default (`FROM alpine:${TAG:-3.20}`). The
    /// configured build arguments (`--build-arg`, `build-args`) are used as
    /// the build would use them. References whose value is not known here,
    /// such as the automatic platform arguments, are not judged, and a
    /// reference that names a stage is not an image.
    pub struct InvalidDefaultArgInFrom { written: String, expanded: String }
    code = "LL108", name = "invalid-default-arg-in-from", aliases = ["InvalidDefaultArgInFrom"],
    category = Correctness, severity = Warning, fix = None,
    visits = [From],
}

impl Violation for InvalidDefaultArgInFrom {
    fn message(&self) -> String {
        if self.expanded.is_empty() {
            format!("`{}` is empty with the default `ARG` values", self.written)
        } else {
            format!(
                "`{}` is not a valid image reference with the default `ARG` values",
                self.written
            )
        }
    }

    fn help(&self) -> Option<String> {
        let value = if self.expanded.is_empty() {
            "nothing".to_string()
        } else {
            format!("`{}`", self.expanded)
        };
        Some(format!(
            "Give the `ARG` a default that makes a valid image; `{}` expands to {value}",
            self.written
        ))
    }
}

/// The global environment, with `ARG`s that have no value (and no build
/// argument) read as empty, as BuildKit does.
struct Defaults<'e, 's> {
    env: ScopeEnv<'e, 's>,
}

static EMPTY: Binding<'static> = Binding {
    value: Value::Known(Cow::Borrowed("")),
    origin: Origin {
        kind: DefKind::GlobalArg,
        site: None,
        from_build_arg: false,
    },
};

impl Env for Defaults<'_, '_> {
    fn lookup(&self, name: &str) -> Option<&Binding<'_>> {
        match self.env.lookup(name) {
            Some(Binding {
                value: Value::Unknown(UnknownReason::UnsetArg),
                ..
            }) => Some(&EMPTY),
            other => other,
        }
    }

    fn missing(&self) -> Missing {
        Missing::Empty
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let index = checker.instruction_index();
    let outer = checker.file.instructions.get(index);
    if !outer.is_some_and(|outer| std::ptr::eq(outer, inst)) {
        return;
    }
    let Args::Words { words } = &inst.args else {
        return;
    };
    let Some(word) = words.first() else { return };
    if !word.value.contains('$') {
        return;
    }
    let vars = checker.vars();
    let env = Defaults {
        env: vars.env(index),
    };
    let Ok(expanded) = expand_word(word, checker.source(), &env, Lex::new(checker.file.escape))
    else {
        return;
    };
    if expanded.references().is_empty() {
        return;
    }
    let Some(value) = expanded.known() else {
        return;
    };
    let stage = checker.stage().map_or(0, |s| s.index);
    if is_valid_reference(value) || checker.stages.by_name(value, stage).is_some() {
        return;
    }
    checker.report(
        InvalidDefaultArgInFrom {
            written: word.range.slice(checker.source()).to_string(),
            expanded: value.to_string(),
        },
        word.range,
    );
}

/// Whether `reference` is an image reference Docker accepts:
/// `[domain/]path[:tag][@digest]`, the path lower case.
pub fn is_valid_reference(reference: &str) -> bool {
    if reference.eq_ignore_ascii_case("scratch") {
        return true;
    }
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (reference, None),
    };
    if digest.is_some_and(|d| !is_digest(d)) {
        return false;
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if tag.is_some_and(|t| !is_tag(t)) || name.is_empty() || name.len() > 255 {
        return false;
    }
    let mut components: Vec<&str> = name.split('/').collect();
    if components.len() > 1 {
        let first = components[0];
        let is_domain = first.contains(['.', ':'])
            || first == "localhost"
            || first.chars().any(|c| c.is_ascii_uppercase());
        if is_domain {
            if !is_domain_name(first) {
                return false;
            }
            components.remove(0);
        }
    }
    components.iter().all(|c| is_path_component(c))
}

fn is_path_component(c: &str) -> bool {
    // [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
    let bytes = c.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-')) {
            return false;
        }
    }
    true
}

fn is_domain_name(domain: &str) -> bool {
    let (host, port) = match domain.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || domain.starts_with('[') => (host, Some(port)),
        _ => (domain, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    if host.starts_with('[') {
        return host.ends_with(']') && host.len() > 2;
    }
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn is_tag(tag: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = tag.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && word(bytes[0])
        && bytes.iter().all(|&b| word(b) || b == b'.' || b == b'-')
}

fn is_digest(digest: &str) -> bool {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return false;
    };
    !algorithm.is_empty()
        && algorithm.starts_with(|c: char| c.is_ascii_alphabetic())
        && algorithm
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'.'))
        && hex.len() >= 32
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::is_valid_reference;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "ARG TAG\nFROM busybox:${TAG}\n",
                    "ARG IMAGE\nFROM ${IMAGE}\n",
                    "ARG IMAGE\nFROM ${IMAGE} AS base\n",
                    "ARG REGISTRY\nFROM ${REGISTRY}/app:1\n",
                    "ARG NAME=MyApp\nFROM ${NAME}:1\n",
                ],
                good: &[
                    "ARG TAG=latest\nFROM busybox:${TAG}\n",
                    "ARG VARIANT\nFROM busybox:stable${VARIANT}\n",
                    "ARG TAG\nFROM alpine:${TAG:-3.14}\n",
                    "FROM busybox:1\n",
                    "FROM base-${TARGETARCH}\n",
                    "ARG STAGE\nFROM alpine:3 AS build\nFROM build${STAGE}\n",
                    "ARG REGISTRY=ghcr.io\nFROM ${REGISTRY}/app:1\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn references() {
        for good in [
            "alpine",
            "alpine:3.20",
            "docker.io/library/alpine:3.20",
            "localhost:5000/app",
            "my-registry.example.com:5000/team/app_x:1.0-rc.1",
            "ubuntu@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "scratch",
            "a__b/c-d---e",
            "[::1]:5000/app",
        ] {
            assert!(is_valid_reference(good), "{good}");
        }
        for bad in [
            "",
            "busybox:",
            ":latest",
            "MyApp",
            "app/",
            "/app",
            "app:-x",
            "app@sha256:xyz",
            "a..b",
            "-app",
            "app:1:2",
        ] {
            assert!(!is_valid_reference(bad), "{bad}");
        }
    }
}
