use super::dl3006_image_untagged::base_image;
use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::RunFlags;
use crate::syntax::{Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags an image pulled from a registry that is not in the configured
    /// `trusted-registries` (hadolint: `trustedRegistries`): the image of a
    /// `FROM`, of a `COPY --from=<image>` and of a
    /// `RUN --mount=from=<image>`. Without that setting the rule does
    /// nothing.
    ///
    /// ## Why is this bad?
    /// An image runs code in the build and ships in the result. Teams that
    /// mirror and scan images want every image to come from those mirrors.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ghcr.io/acme/tool:1.2
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM registry.example.com/acme/tool:1.2
    /// ```
    ///
    /// (with `trusted-registries: [registry.example.com]` in
    /// `.layerlint.yaml`).
    ///
    /// An image without a registry (`ubuntu:24.04`, `acme/tool:1`) comes
    /// from Docker Hub, and is trusted when `docker.io` or `hub.docker.com`
    /// is. An entry may start with `*.` to trust every subdomain
    /// (`*.gcr.io`), and `*` trusts everything. `scratch` and references to
    /// stages are not images. The reference is expanded first:
    /// `FROM $REGISTRY/app:1` with `ARG REGISTRY=ghcr.io` is `ghcr.io`; an
    /// unknown value is not flagged.
    ///
    /// ## Differences from hadolint
    /// - hadolint reads the reference as written: `FROM ${REGISTRY}/app`
    ///   has no registry there, whatever `REGISTRY` holds.
    /// - Stage names are compared ignoring case, as BuildKit does; hadolint
    ///   takes `FROM Build` after `AS build` for an image on Docker Hub.
    pub struct UntrustedRegistry { registry: String, image: String, explain: String }
    code = "DL3026", name = "untrusted-registry", aliases = [],
    category = Security, severity = Error, fix = None,
    visits = [From, Copy, Run],
}

impl Violation for UntrustedRegistry {
    fn message(&self) -> String {
        format!(
            "Image `{}` comes from `{}`, which is not a trusted registry",
            self.image, self.registry
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "Use an image from a trusted registry, or add `{}` to `trusted-registries`{}",
            self.registry, self.explain
        ))
    }
}

/// The registry of an image reference, as the Docker reference grammar
/// reads it: the first path component when it has a `.` or a `:` or is
/// `localhost`; `None` for Docker Hub.
pub fn registry_of(reference: &str) -> Option<&str> {
    let (first, _) = reference.split_once('/')?;
    (first.contains('.') || first.contains(':') || first == "localhost").then_some(first)
}

/// Whether `registry` (`None`: Docker Hub) matches a trusted entry.
pub fn is_trusted(registry: Option<&str>, trusted: &[String]) -> bool {
    let matches = |registry: &str| {
        trusted.iter().any(|t| {
            t == "*"
                || t.eq_ignore_ascii_case(registry)
                || t.strip_prefix('*').is_some_and(|suffix| {
                    suffix.starts_with('.')
                        && registry.len() > suffix.len()
                        && registry
                            .to_ascii_lowercase()
                            .ends_with(&suffix.to_ascii_lowercase())
                })
        })
    };
    match registry {
        Some(r) => matches(r),
        None => matches("docker.io") || matches("hub.docker.com"),
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let trusted = &checker.settings.options.trusted_registries;
    if trusted.is_empty() {
        return;
    }
    let outer = checker.file.instructions.get(checker.instruction_index());
    if !outer.is_some_and(|outer| std::ptr::eq(outer, inst)) {
        return;
    }
    let mut images: Vec<(String, TextRange, String)> = Vec::new();
    match inst.kind {
        Keyword::From => {
            if let Some(base) = base_image(checker, inst).filter(|b| b.known) {
                images.push((
                    base.reference.to_string(),
                    base.word,
                    base.explain(checker.source()),
                ));
            }
        }
        Keyword::Copy => {
            if let Some(value) = inst.flag("from").and_then(|f| f.value.as_ref())
                && checker.stages.resolve(&value.value, true).is_none()
                && !value.value.contains('$')
            {
                images.push((value.value.to_string(), value.range, String::new()));
            }
        }
        Keyword::Run => {
            for mount in RunFlags::of(inst).mounts {
                if let Some(from) = mount.from
                    && checker.stages.resolve(&from.value, false).is_none()
                    && !from.value.contains('$')
                    && !from.value.eq_ignore_ascii_case("context")
                {
                    images.push((from.value.to_string(), from.range, String::new()));
                }
            }
        }
        _ => {}
    }
    for (image, range, explain) in images {
        if image.eq_ignore_ascii_case("scratch") {
            continue;
        }
        let registry = registry_of(&image);
        if is_trusted(registry, trusted) {
            continue;
        }
        checker.report(
            UntrustedRegistry {
                registry: registry.unwrap_or("docker.io").to_string(),
                image,
                explain,
            },
            range,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{is_trusted, registry_of};
    use crate::engine::{self, Settings};
    use crate::testing::{Cases, test_rule_configured};

    #[test]
    fn cases() {
        test_rule_configured(
            &super::RULE,
            |options| options.trusted_registries = vec!["registry.example.com".to_string()],
            Cases {
                bad: &[
                    "FROM ubuntu:24.04\n",
                    "ARG REGISTRY=ghcr.io\nFROM ${REGISTRY}/app:1\n",
                    "FROM registry.example.com/app:1 AS app\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
                    "FROM registry.example.com/app:1\nRUN --mount=type=bind,from=quay.io/x/y:1,target=/y true\n",
                ],
                good: &[
                    "FROM registry.example.com/app:1 AS build\nFROM build\nCOPY --from=build /a /a\n",
                    "FROM scratch\n",
                    "ARG REGISTRY\nFROM ${REGISTRY}/app:1\n",
                    "FROM registry.example.com/app:1\nRUN --mount=type=cache,target=/c true\n",
                ],
                fixes: &[],
            },
        );
    }

    fn findings(source: &str, trusted: &[&str]) -> Vec<String> {
        let mut settings = Settings::only(&["DL3026"]).unwrap();
        settings.options.trusted_registries = trusted.iter().map(ToString::to_string).collect();
        engine::lint(source, &settings)
            .into_iter()
            .map(|d| d.range.slice(source).to_string())
            .collect()
    }

    #[test]
    fn registries() {
        assert_eq!(registry_of("ubuntu:24.04"), None);
        assert_eq!(registry_of("acme/tool"), None);
        assert_eq!(registry_of("localhost/tool"), Some("localhost"));
        assert_eq!(registry_of("localhost:5000/tool"), Some("localhost:5000"));
        assert_eq!(registry_of("ghcr.io/acme/tool:1"), Some("ghcr.io"));
        let trusted = |list: &[&str], r| {
            is_trusted(r, &list.iter().map(ToString::to_string).collect::<Vec<_>>())
        };
        assert!(trusted(&["docker.io"], None));
        assert!(trusted(&["hub.docker.com"], None));
        assert!(!trusted(&["ghcr.io"], None));
        assert!(trusted(&["*.random.com"], Some("foo.random.com")));
        assert!(!trusted(&["*.random.com"], Some("random.com")));
        assert!(!trusted(&["*.random.com"], Some("x.com")));
        assert!(trusted(&["*"], Some("x.com")));
    }

    #[test]
    fn hadolint_cases() {
        assert!(findings("FROM random.com/debian\n", &[]).is_empty());
        assert_eq!(
            findings("FROM random.com/debian\n", &["docker.io"]),
            ["random.com/debian"]
        );
        assert!(findings("FROM random.com/debian\n", &["x.com", "random.com"]).is_empty());
        assert!(findings("FROM scratch\n", &["x.com"]).is_empty());
        let hub = "FROM ubuntu:18.04 AS builder1\nFROM zemanlx/ubuntu:18.04 AS builder2\n\
                   FROM docker.io/zemanlx/ubuntu:18.04 AS builder3\n";
        assert!(findings(hub, &["docker.io"]).is_empty());
        assert!(findings(hub, &["*"]).is_empty());
        assert!(
            findings(
                "FROM random.com/foo AS builder1\nFROM builder1 AS builder2\n",
                &["random.com"]
            )
            .is_empty()
        );
        assert_eq!(
            findings("FROM x.com/debian\n", &["*.random.com"]),
            ["x.com/debian"]
        );
        assert!(findings("FROM foo.random.com/debian\n", &["x.com", "*.random.com"]).is_empty());
    }

    #[test]
    fn expanded_copy_and_mounts() {
        let source = "ARG REGISTRY=ghcr.io\nFROM ${REGISTRY}/app:1 AS build\n\
                      COPY --from=quay.io/x/y:1 /a /a\nCOPY --from=Build /b /b\n\
                      RUN --mount=from=nginx:1,target=/n true\n\
                      RUN --mount=from=build,target=/b true\n";
        assert_eq!(
            findings(source, &["registry.example.com"]),
            ["${REGISTRY}/app:1", "quay.io/x/y:1", "nginx:1"]
        );
        assert!(findings("ARG R\nFROM ${R}/app:1\n", &["x.com"]).is_empty());
    }
}
