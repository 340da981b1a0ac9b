use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::vars::{Expanded, PartKind};
use crate::syntax::{Args, Instruction, TextRange};

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
    /// Variables are expanded as BuildKit expands them, with the global
    /// `ARG` defaults and the configured build arguments (`--build-arg`,
    /// `build-args`): `FROM ${IMAGE}` with `ARG IMAGE=alpine` is flagged,
    /// and the help says what the reference expanded to. A reference whose
    /// value is not known (`ARG IMAGE` without a default) is not flagged,
    /// unless only the part before the last `/` is unknown
    /// (`FROM gcr.io/${PROJECT}/app`: whatever the project, no tag).
    ///
    /// ## Differences from hadolint
    /// - Stage names are matched ignoring case: BuildKit lower-cases stage
    ///   names, so `FROM build` after `AS Build` refers to the stage. hadolint
    ///   matches names exactly and flags it.
    /// - hadolint does not expand variables: it skips images that start
    ///   with `$` (`FROM ${IMAGE}` with `ARG IMAGE=alpine` passes there) and
    ///   flags `FROM app${SUFFIX}` whatever `SUFFIX` holds. layerlint judges
    ///   the expanded value, and skips one whose last path component
    ///   (`name:tag`) is not known. Most of what hadolint
    ///   alone reports on real files is a variable that picks a stage,
    ///   `FROM base-${TARGETARCH}` next to stages `base-amd64` and
    ///   `base-arm64`: not an image at all.
    /// - A reference that uses a name declared nowhere (`FROM $BASE/app`
    ///   without `ARG BASE`) is left to `LL105`.
    pub struct ImageUntagged { image: String, explain: String }
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
            "Pin a version: `{}:<version>` (or a digest){}",
            self.image, self.explain
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

/// The image a `FROM` is built on, with its reference expanded.
#[derive(Debug)]
pub struct BaseImage<'f> {
    /// The reference as written.
    pub word: TextRange,
    /// The reference expanded with the global `ARG`s and build arguments.
    pub expanded: &'f Expanded,
    /// The expanded value; where it is not [`known`](Self::known), unknown
    /// parts are shown as `${NAME}`, and lie before the last `/`.
    pub reference: &'f str,
    /// The whole value is known. Otherwise only the last path component
    /// (with the tag and digest) is.
    pub known: bool,
}

impl BaseImage<'_> {
    /// Whether the reference uses a variable.
    pub fn uses_vars(&self) -> bool {
        !self.expanded.references().is_empty()
    }

    /// The source range that produced bytes `range` of the expanded value:
    /// the written text itself where it is verbatim, else the whole
    /// variable reference (or quoted text) it came from.
    pub fn source_range(&self, range: std::ops::Range<usize>) -> TextRange {
        let Some(part) = self.expanded.parts().iter().find(|p| {
            p.text.start <= range.start && range.start < p.text.end.max(p.text.start + 1)
        }) else {
            return self.word;
        };
        let verbatim = matches!(part.kind, PartKind::Text)
            && part.range.len() as usize == part.text.len()
            && range.end <= part.text.end;
        if verbatim {
            let offset = |at: usize| u32::try_from(at - part.text.start).unwrap_or(0);
            TextRange::new(
                part.range.start + offset(range.start),
                part.range.start + offset(range.end),
            )
        } else {
            part.range
        }
    }

    /// Whether the reference uses a name declared nowhere (which BuildKit
    /// expands to nothing; `LL105` reports it).
    pub fn uses_undefined(&self) -> bool {
        self.expanded
            .references()
            .iter()
            .any(|r| r.origin.is_none())
    }

    /// ``; `node:${V}` expands to `node:20` `` when variables were
    /// involved, to end a help text; empty otherwise.
    pub fn explain(&self, source: &str) -> String {
        if self.uses_vars() && self.word.slice(source) != self.reference {
            format!(
                "; `{}` expands to `{}`",
                self.word.slice(source),
                self.reference
            )
        } else {
            String::new()
        }
    }
}

/// The image a top-level `FROM` is built on, when its reference expands to
/// a known value that is neither `scratch` nor an earlier stage (compared
/// ignoring case, as BuildKit does), or to a value whose unknown parts all
/// come before the last `/` (`gcr.io/${PROJECT}/app:latest`: the name and
/// tag are known, only the registry path is not). Otherwise (`ARG V`
/// without a default, no `--build-arg V`, in the last component) `None`.
pub fn base_image<'f>(checker: &Checker<'f, '_>, inst: &Instruction<'_>) -> Option<BaseImage<'f>> {
    let outer = checker.file.instructions.get(checker.instruction_index())?;
    if !std::ptr::eq(outer, inst) {
        return None;
    }
    let Args::Words { words } = &inst.args else {
        return None;
    };
    let word = words.first()?;
    let stage = checker.stage()?;
    let vars = checker.vars().stage(stage.index)?;
    if vars.parent_stage().is_some() {
        return None;
    }
    let expanded = vars.base()?.as_ref().ok()?;
    let (reference, known) = match expanded.known() {
        Some(reference) => (reference, true),
        None => {
            let display = expanded.display();
            let unknown_end = expanded.unknown_parts().map(|(p, _)| p.text.end).max()?;
            let last_slash = display.rfind('/')?;
            if last_slash < unknown_end || display[..last_slash].contains('@') {
                return None;
            }
            (display, false)
        }
    };
    if reference.is_empty() || reference.eq_ignore_ascii_case("scratch") {
        return None;
    }
    // `FROM Build` after `AS Build`: BuildKit takes it for an image (it
    // looks the value up among lower-cased stage names), but a stage was
    // meant, and `LL101` says so.
    let meant_stage = checker.stages.stages[..stage.index].iter().any(|s| {
        s.name
            .as_ref()
            .is_some_and(|n| n.value.eq_ignore_ascii_case(reference))
    });
    if meant_stage {
        return None;
    }
    Some(BaseImage {
        word: word.range,
        expanded,
        reference,
        known,
    })
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Some(base) = base_image(checker, inst) else {
        return;
    };
    let image = ImageRef::parse(base.reference);
    // A name declared nowhere leaves a hole in the reference: that is
    // `LL105`'s finding, whatever the rest says.
    if image.tag.is_some() || image.digest.is_some() || base.uses_undefined() {
        return;
    }
    let explain = base.explain(checker.source());
    let (reference, range) = (base.reference.to_string(), base.word);
    checker.report(
        ImageUntagged {
            image: reference,
            explain,
        },
        range,
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
                    "ARG IMAGE=alpine\nFROM ${IMAGE}\n",
                    "ARG REGISTRY=ghcr.io\nFROM ${REGISTRY}/org/app AS app\n",
                    "ARG PROJECT\nFROM gcr.io/${PROJECT}/app\n",
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
                    "ARG IMAGE\nFROM ${IMAGE}\n",
                    "ARG TAG=3.20\nFROM alpine:${TAG}\n",
                    "ARG TAG\nFROM alpine:${TAG:-3.20}\n",
                    "ARG PREFIX\nFROM ${PREFIX}busybox\n",
                    "ARG PROJECT\nFROM gcr.io/${PROJECT}/app:1.0\n",
                    "FROM alpine:3.20 AS build\nARG STAGE=BUILD\nFROM build\n",
                    "ARG STAGE=build\nFROM alpine:3.20 AS Build\nFROM ${STAGE}\n",
                    "FROM alpine:3.20 AS BUG_stage\nFROM BUG_stage AS final\n",
                    "FROM $UNDECLARED\n",
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
