use super::dl3006_image_untagged::{ImageRef, base_image};
use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Instruction, TextRange};

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
    /// - A `FROM` whose image contains a variable (`$REGISTRY/node:latest`)
    ///   is skipped for now, like `DL3006`; hadolint checks it.
    pub struct ImageLatestTag { image: String }
    code = "DL3007", name = "image-latest-tag", aliases = [],
    category = Reproducibility, severity = Warning, fix = None,
    visits = [From],
}

impl Violation for ImageLatestTag {
    fn message(&self) -> String {
        format!("Image `{}` uses the `latest` tag", self.image)
    }

    fn help(&self) -> Option<String> {
        Some("Pin a release tag (or a digest) instead of `latest`".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Some(base) = base_image(checker, inst) else {
        return;
    };
    let image = ImageRef::parse(&base.value);
    let Some((tag, at)) = image.tag else {
        return;
    };
    if tag != "latest" || image.digest.is_some() {
        return;
    }
    let verbatim = base.range.slice(checker.source()) == base.value;
    let range = if verbatim {
        let start = base.range.start + u32::try_from(at).unwrap_or(0);
        TextRange::new(start, start + u32::try_from(tag.len()).unwrap_or(0))
    } else {
        base.range
    };
    checker.report(
        ImageLatestTag {
            image: base.value.to_string(),
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
                ],
                good: &[
                    "FROM node:22\n",
                    "FROM node\n",
                    "FROM node:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
                    "FROM node:Latest-alpine\n",
                    "FROM $BASE:latest\n",
                    "FROM scratch\n",
                ],
                fixes: &[],
            },
        );
    }
}
