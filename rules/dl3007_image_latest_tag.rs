use super::dl3006_image_untagged::{ImageRef, base_image};
use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image uses the `latest` tag, such as
    /// `FROM node:latest`.
    ///
    /// ## Why is this bad?
    /// `latest` is not a version: it moves whenever the publisher pushes, so
    /// two builds of the same Dockerfile get different base images, and a
    /// breaking upgrade arrives without anyone choosing it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11
    /// ```
    ///
    /// ## Differences from hadolint
    /// - An image pinned by digest (`node:latest@sha256:…`) is not flagged:
    ///   the digest decides which image is used, whatever the tag says.
    ///   hadolint flags it.
    /// - Variables are expanded as BuildKit expands them, with the global
    ///   `ARG` defaults and the configured build arguments: `FROM node:${V}`
    ///   is flagged with `ARG V=latest` or `--build-arg V=latest` (the help
    ///   says what it expanded to), and skipped when `V` has no known value.
    ///   hadolint reads the text as written, so it misses these (most of
    ///   what layerlint alone reports on real files is such a default).
    pub struct ImageLatestTag { image: String, explain: String }
    code = "DL3007", name = "image-latest-tag", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [From],
}

impl Violation for ImageLatestTag {
    fn message(&self) -> String {
        format!("Image `{}` uses the `latest` tag", self.image)
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "Pin a release tag (or a digest) instead of `latest`{}",
            self.explain
        ))
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Some(base) = base_image(checker, inst) else {
        return;
    };
    let image = ImageRef::parse(base.reference);
    let Some((tag, at)) = image.tag else {
        return;
    };
    if tag != "latest" || image.digest.is_some() {
        return;
    }
    let range = base.source_range(at..at + tag.len());
    let explain = base.explain(checker.source());
    let reference = base.reference.to_string();
    checker.report(
        ImageLatestTag {
            image: reference,
            explain,
        },
        range,
    );
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
                    "FROM node:latest\n",
                    "FROM localhost:5000/app:latest AS app\n",
                    "FROM --platform=linux/arm64 ghcr.io/org/tool:latest\n",
                    "ARG V=latest\nFROM node:${V}\n",
                    "ARG IMAGE=node:latest\nFROM ${IMAGE} AS app\n",
                    "ARG REGISTRY=ghcr.io\nFROM $REGISTRY/org/tool:latest\n",
                    "FROM gcr.io/$PROJECT/tool:latest\n",
                    "ARG PROJECT\nFROM gcr.io/${PROJECT}/tool:latest AS tool\n",
                ],
                good: &[
                    "FROM node:22\n",
                    "FROM node\n",
                    "FROM node:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
                    "FROM node:Latest-alpine\n",
                    "FROM scratch\n",
                    "ARG V=22\nFROM node:${V}\n",
                    "ARG V\nFROM node:${V}\n",
                    // Unknown: the build may pass `TAG`.
                    "ARG TAG\nFROM node:${TAG:-latest}\n",
                    "ARG PROJECT\nFROM gcr.io/${PROJECT}/tool:22\n",
                    "ARG SUFFIX\nFROM node:latest${SUFFIX}\n",
                    "FROM node:22 AS latest\nFROM latest\n",
                    "ARG BASE=latest\nFROM alpine:3 AS Latest\nFROM ${BASE}\n",
                ],
                fixes: &[],
            },
        );
    }
}
