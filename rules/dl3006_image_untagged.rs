use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction, Word};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image has neither a tag nor a digest, such as
    /// `FROM ubuntu`.
    ///
    /// ## Why is this bad?
    /// An image without a tag means `:latest`, which moves whenever the
    /// publisher pushes a new version: two builds of the same Dockerfile get
    /// different base images, and an upgrade arrives without anyone choosing
    /// it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// ```
    ///
    /// `scratch`, images pinned by digest (`@sha256:…`) and references to an
    /// earlier stage (`FROM build`) are not flagged. A registry port is not a
    /// tag: `localhost:5000/app` has no tag.
    ///
    /// ## Differences from hadolint
    /// - Stage names are matched ignoring case: BuildKit lower-cases stage
    ///   names, so `FROM build` after `AS Build` refers to the stage. hadolint
    ///   matches names exactly and flags it.
    /// - A `FROM` whose image contains a variable anywhere (`$REGISTRY/app`)
    ///   is skipped, since the variable may supply the tag; hadolint skips only
    ///   images that start with `$`.
    pub struct ImageUntagged { image: String }
    code = "DL3006", name = "image-untagged", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [From],
}

impl Violation for ImageUntagged {
    fn message(&self) -> String {
        format!("Image `{}` has no tag", self.image)
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "Pin a version: `{}:<version>` (or a digest)",
            self.image
        ))
    }
}

/// An image reference split as the registry reads it:
/// `[registry[:port]/]path[:tag][@digest]`.
#[derive(Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Everything before the tag and digest.
    pub name: &'a str,
    /// The tag, and its byte offset in the reference.
    pub tag: Option<(&'a str, usize)>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(reference: &'a str) -> Self {
        let (rest, digest) = match reference.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest)),
            None => (reference, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        match rest[last_slash..].rfind(':') {
            Some(i) => {
                let colon = last_slash + i;
                ImageRef {
                    name: &rest[..colon],
                    tag: Some((&rest[colon + 1..], colon + 1)),
                    digest,
                }
            }
            None => ImageRef {
                name: rest,
                tag: None,
                digest,
            },
        }
    }
}

/// The base image of a `FROM` that names a real image (not `scratch`, not an
/// earlier stage, without variables), or `None`.
pub fn base_image<'i>(checker: &Checker, inst: &'i Instruction) -> Option<&'i Word<'i>> {
    let Args::Words { words } = &inst.args else {
        return None;
    };
    let base = words.first()?;
    let value: &str = &base.value;
    if value.contains('$') || value.eq_ignore_ascii_case("scratch") {
        return None;
    }
    let stage = checker.stage()?;
    if checker.stages.by_name(value, stage.index).is_some() {
        return None;
    }
    Some(base)
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Some(base) = base_image(checker, inst) else {
        return;
    };
    let image = ImageRef::parse(&base.value);
    if image.tag.is_some() || image.digest.is_some() {
        return;
    }
    checker.report(
        ImageUntagged {
            image: base.value.to_string(),
        },
        base.range,
    );
}

#[cfg(test)]
mod tests {
    use super::ImageRef;
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM ubuntu\n",
                    "FROM --platform=linux/amd64 docker.io/library/debian AS base\n",
                    "FROM localhost:5000/app\n",
                    "FROM alpine:3.20 AS build\nFROM builder\n",
                    "FROM node AS node\n",
                ],
                good: &[
                    "FROM ubuntu:24.04\n",
                    "FROM scratch\n",
                    "FROM ubuntu@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
                    "FROM alpine:3.20 AS build\nFROM build\n",
                    "FROM alpine:3.20 AS Build\nFROM build AS next\nFROM next\n",
                    "FROM localhost:5000/app:1.0\n",
                    "ARG IMAGE=alpine:3.20\nFROM $IMAGE\n",
                    "FROM registry.example.com/${IMAGE}\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn image_references() {
        let r = ImageRef::parse("localhost:5000/app");
        assert_eq!(
            (r.name, r.tag, r.digest),
            ("localhost:5000/app", None, None)
        );
        let r = ImageRef::parse("localhost:5000/app:1.2");
        assert_eq!(r.tag, Some(("1.2", 19)));
        let r = ImageRef::parse("app:latest@sha256:abc");
        assert_eq!(
            (r.name, r.tag, r.digest),
            ("app", Some(("latest", 4)), Some("sha256:abc"))
        );
    }
}
