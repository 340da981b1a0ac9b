use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::Base;
use crate::semantic::vars::{Missing, Reference, predefined};
use crate::syntax::{Args, Instruction, Keyword, TextRange, Word};

declare_rule! {
    /// ## What it does
    /// Flags a variable that is used where BuildKit expands it (`COPY`,
    /// `ADD`, `ENV`, `ARG` defaults, `LABEL`, `WORKDIR`, `USER`, `VOLUME`,
    /// `EXPOSE`, `STOPSIGNAL`) but is not defined there, and suggests the
    /// closest defined name.
    ///
    /// ## Why is this bad?
    /// An undefined variable expands to nothing, silently: `COPY $foo .`
    /// copies the whole context, `ENV PATH=$PAHT:/app/bin` drops the system
    /// path. Most of the time it is a typo, or an `ARG` that was declared
    /// before `FROM` and so is not visible in the stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine AS base
    /// COPY $foo .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine AS base
    /// ARG foo
    /// COPY $foo .
    /// ```
    ///
    /// What counts as defined: `ARG` (with or without a value) and `ENV`
    /// before the use in the stage or in the stages it is built on, the
    /// automatic platform arguments once declared with `ARG`, and
    /// BuildKit's predefined arguments (proxies, `BUILDKIT_*`…).
    ///
    /// The base image may define names too, and layerlint cannot see its
    /// environment. So in a stage built on an image, a name is flagged only
    /// when a defined name is a close match (a likely typo, as
    /// `$PAHT` for `$PATH`), or when the image is one known to define
    /// nothing but `PATH` (`alpine`, `busybox`, `debian`, `ubuntu`). In a
    /// stage built on `scratch` (directly or through earlier stages),
    /// every undefined name is flagged.
    ///
    /// `RUN`, and `CMD`/`ENTRYPOINT` in shell form, are not checked: the
    /// shell expands those, with its own variables.
    ///
    /// ## Fix safety
    /// The fix renames the reference to the suggested name. It is unsafe:
    /// the suggestion is a guess.
    pub struct UndefinedVar { name: String, suggestion: Option<String> }
    code = "LL106", name = "undefined-var", aliases = ["UndefinedVar"],
    category = Correctness, severity = Warning, fix = Sometimes,
    visits = [Copy, Add, Env, Arg, Label, Workdir, User, Volume, Expose, Stopsignal],
}

impl Violation for UndefinedVar {
    fn message(&self) -> String {
        format!("`${}` is not defined", self.name)
    }

    fn help(&self) -> Option<String> {
        Some(match &self.suggestion {
            Some(s) => format!("Did you mean `${s}`?"),
            None => format!(
                "Define it first (`ARG {}` or `ENV {}=…`); here it expands to nothing",
                self.name, self.name
            ),
        })
    }
}

/// The closest of `candidates` to `name`: the same name in another case,
/// else the nearest by edit distance, if it is within a third of the
/// name's length (at least one edit). `None` when nothing is that close.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates.filter(|c| *c != name) {
        let distance = if candidate.eq_ignore_ascii_case(name) {
            0
        } else {
            edit_distance(name, candidate)
        };
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance over characters, counting a swap of two neighbours as
/// one edit (optimal string alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

/// A fix renaming `reference` (`$NAME`, `${NAME…}` as written) to `to`,
/// when the name is written verbatim right after `$` or `${`.
pub(crate) fn rename_fix(source: &str, reference: &Reference, to: &str) -> Option<Fix> {
    let text = reference.range.slice(source);
    let offset = if text.starts_with("${") { 2 } else { 1 };
    if !text.get(offset..)?.starts_with(reference.name.as_str()) {
        return None;
    }
    let start = reference.range.start + u32::try_from(offset).ok()?;
    let end = start + u32::try_from(reference.name.len()).ok()?;
    Some(Fix::unsafe_edits(
        format!("Replace with `{to}`"),
        vec![Edit::replace(TextRange::new(start, end), to)],
    ))
}

/// Official images whose configuration sets no variable but `PATH`.
const PATH_ONLY_IMAGES: [&str; 4] = ["alpine", "busybox", "debian", "ubuntu"];

/// Whether `reference` names one of [`PATH_ONLY_IMAGES`] (any tag).
fn is_path_only(reference: &str) -> bool {
    let name = reference.split('@').next().unwrap_or(reference);
    let name = match name.rsplit_once(':') {
        Some((n, tag)) if !tag.contains('/') => n,
        _ => name,
    };
    let name = name
        .strip_prefix("docker.io/")
        .or_else(|| name.strip_prefix("index.docker.io/"))
        .unwrap_or(name);
    let name = name.strip_prefix("library/").unwrap_or(name);
    PATH_ONLY_IMAGES.contains(&name)
}

/// The words of `inst` that BuildKit expands, each with whether it is
/// split into several words (`EXPOSE`).
fn expanded_words<'i>(inst: &'i Instruction<'i>) -> Vec<(&'i Word<'i>, bool)> {
    let mut words: Vec<(&Word, bool)> = Vec::new();
    let flag = |name: &str| inst.flag(name).and_then(|f| f.value.as_ref());
    match (&inst.args, inst.kind) {
        (Args::Paths { paths, .. }, Keyword::Copy | Keyword::Add) => {
            words.extend(
                ["chown", "chmod"]
                    .into_iter()
                    .filter_map(flag)
                    .map(|w| (w, false)),
            );
            if inst.kind == Keyword::Add {
                words.extend(flag("checksum").map(|w| (w, false)));
            }
            words.extend(paths.iter().map(|w| (w, false)));
        }
        (Args::Paths { paths, .. }, Keyword::Volume) => {
            words.extend(paths.iter().map(|w| (w, false)));
        }
        (Args::KeyValues { pairs }, Keyword::Label | Keyword::Env) => {
            for pair in pairs {
                words.push((&pair.key, false));
                words.push((&pair.value, false));
            }
        }
        (Args::ArgDecls { decls }, Keyword::Arg) => {
            words.extend(
                decls
                    .iter()
                    .filter_map(|d| d.default.as_ref())
                    .map(|w| (w, false)),
            );
        }
        (Args::Words { words: list }, Keyword::Expose) => {
            words.extend(list.iter().map(|w| (w, true)));
        }
        (
            Args::Text { text: Some(text) },
            Keyword::User | Keyword::Workdir | Keyword::Stopsignal,
        ) => {
            words.push((text, false));
        }
        _ => {}
    }
    words.retain(|(w, _)| w.value.contains('$'));
    words
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let index = checker.instruction_index();
    let outer = checker.file.instructions.get(index);
    if !outer.is_some_and(|outer| std::ptr::eq(outer, inst)) {
        return;
    }
    let words = expanded_words(inst);
    if words.is_empty() {
        return;
    }
    let Some(stage) = checker.stage() else { return };
    let vars = checker.vars();
    let mut undefined: Vec<Reference> = Vec::new();
    for (word, split) in words {
        let references = if split {
            vars.expand_words(index, word).map(|w| w.references)
        } else {
            vars.expand(index, word).map(|e| e.references().to_vec())
        };
        // A failed expansion is LL012's finding.
        let Ok(references) = references else { continue };
        undefined.extend(
            references
                .into_iter()
                .filter(|r| r.origin.is_none() && predefined(&r.name).is_none()),
        );
    }
    if undefined.is_empty() {
        return;
    }
    // Is every name the stage can see defined in the file?
    let known_env = vars.missing(index) == Missing::Empty || {
        let graph = checker.graph();
        let mut root = stage.index;
        while let Some(Base::Stage(parent)) = graph.bases.get(root) {
            if *parent >= root {
                break;
            }
            root = *parent;
        }
        matches!(graph.bases.get(root), Some(Base::Image(image)) if is_path_only(image))
    };
    let visible: Vec<&str> = vars
        .names()
        .filter(|n| vars.lookup(index, n).is_some())
        .chain(known_env.then_some("PATH"))
        .collect();
    for reference in undefined {
        if known_env && reference.name == "PATH" {
            continue;
        }
        let suggestion = closest(&reference.name, visible.iter().copied());
        if !known_env && suggestion.is_none() {
            continue;
        }
        let fix = suggestion.and_then(|s| rename_fix(checker.source(), &reference, s));
        let diagnostic = checker.report(
            UndefinedVar {
                name: reference.name.clone(),
                suggestion: suggestion.map(str::to_string),
            },
            reference.range,
        );
        if let Some(fix) = fix {
            diagnostic.with_fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{closest, edit_distance, is_path_only};
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    // BuildKit's documented examples.
                    "FROM alpine AS base\nCOPY $foo .\n",
                    "FROM alpine AS base\nARG VERSION=$foo\n",
                    "FROM alpine\nENV PATH=$PAHT:/app/bin\n",
                    // A typo, whatever the image.
                    "FROM node:22\nARG APP_VERSION=1\nLABEL version=$APP_VERSON\n",
                    // scratch: nothing is defined but what the file defines.
                    "FROM scratch\nWORKDIR $HOME\n",
                    "FROM scratch AS a\nFROM a\nUSER ${APP_USER:-app}\n",
                    // A global ARG is not visible in the stage.
                    "ARG DIR=/app\nFROM scratch\nWORKDIR $DIR\n",
                    "FROM scratch\nEXPOSE $PORT\n",
                ],
                good: &[
                    "FROM alpine AS base\nARG foo\nCOPY $foo .\n",
                    "FROM python AS base\nARG VERSION=$PYTHON_VERSION\n",
                    "FROM node:22\nWORKDIR $HOME\n",
                    "FROM scratch\nENV PATH=$PATH:/app/bin\n",
                    "FROM alpine\nENV PATH=$PATH:/app/bin\n",
                    "FROM scratch\nARG HTTP_PROXY\nCOPY $http_proxy /x\n",
                    "ARG DIR=/app\nFROM scratch\nARG DIR\nWORKDIR $DIR\n",
                    "FROM scratch\nARG TARGETARCH\nCOPY bin/$TARGETARCH /bin\n",
                    "FROM scratch AS a\nENV A=1\nFROM a\nWORKDIR $A\n",
                    "FROM scratch\nRUN echo $UNDEFINED\n",
                    "FROM scratch\nCOPY '$literal' /x\n",
                    "FROM alpine\nONBUILD COPY $X /x\n",
                ],
                fixes: &[
                    (
                        "FROM alpine\nENV PATH=$PAHT:/app/bin\n",
                        "FROM alpine\nENV PATH=$PATH:/app/bin\n",
                    ),
                    (
                        "FROM node:22\nARG APP_VERSION=1\nLABEL version=${APP_VERSON}\n",
                        "FROM node:22\nARG APP_VERSION=1\nLABEL version=${APP_VERSION}\n",
                    ),
                ],
            },
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("PAHT", "PATH"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        let names = ["PATH", "APP_VERSION", "node_env"];
        assert_eq!(closest("PAHT", names.into_iter()), Some("PATH"));
        assert_eq!(
            closest("APP_VERSON", names.into_iter()),
            Some("APP_VERSION")
        );
        assert_eq!(closest("NODE_ENV", names.into_iter()), Some("node_env"));
        assert_eq!(closest("PATH", names.into_iter()), None);
        assert_eq!(closest("X", names.into_iter()), None);
    }

    #[test]
    fn path_only_images() {
        for image in [
            "alpine",
            "alpine:3.20",
            "docker.io/library/debian:12",
            "ubuntu@sha256:ab",
        ] {
            assert!(is_path_only(image), "{image}");
        }
        for image in ["python:3", "node", "ghcr.io/x/alpine", "alpinex"] {
            assert!(!is_path_only(image), "{image}");
        }
    }
}
