//! Variables: what `$NAME` means at each instruction, and what a word
//! expands to.
//!
//! Three layers:
//! - [`expand_word`] / [`expand_words`] reproduce BuildKit's shell lexer
//!   (`ProcessWord` and `ProcessWords`): quotes, the escape character, `$v`,
//!   `${v}` and every modifier BuildKit accepts, with its error messages.
//!   The result is a sequence of [`Part`]s, each mapped back to the source,
//!   and a value may be *partly known*: a build argument without a default,
//!   or a name the base image may define, expands to an unknown part.
//! - [`VarModel`] applies BuildKit's scoping rules to a file: global `ARG`s
//!   visible in `FROM` lines only (unless redeclared), `--build-arg`
//!   overrides, `ENV` and `ARG` in order, inheritance through
//!   `FROM <stage>`, the automatic platform arguments. It answers, for any
//!   instruction, which binding a name has there and where it was defined.
//! - [`bad_substitutions`] lists the expansion errors of the instructions
//!   BuildKit expands (rule `LL012`).
//!
//! Where the model is deliberately not BuildKit's, it says so:
//! - names that are not defined in the Dockerfile are *unknown* (not empty)
//!   in a stage built on an image, whose environment we cannot see;
//! - the automatic platform arguments are unknown unless a [`Platform`] is
//!   given, since a Dockerfile is built for many platforms;
//! - `ONBUILD` triggers of a parent stage are not replayed in child stages;
//! - letters and digits in names follow Rust's Unicode `Alphabetic` and
//!   `Numeric` properties, which differ from Go's categories on a few rare
//!   characters (combining marks, superscript digits).

mod expand;
mod model;
mod pattern;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::HashMap;

use crate::syntax::TextRange;

pub use expand::{
    ExpandError, ExpandErrorKind, Expanded, Lex, MAX_DEPTH, Modifier, Op, Part, PartKind,
    Reference, UnknownPart, Words, expand_word, expand_words,
};
pub use model::{Root, ScopeEnv, StageVars, VarModel, bad_substitutions};

/// The value of a variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value<'s> {
    Known(Cow<'s, str>),
    Unknown(UnknownReason),
}

impl Value<'_> {
    pub fn known(&self) -> Option<&str> {
        match self {
            Value::Known(v) => Some(v),
            Value::Unknown(_) => None,
        }
    }

    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Known(v) => Value::Known(Cow::Owned(v.into_owned())),
            Value::Unknown(r) => Value::Unknown(r),
        }
    }
}

/// Why a value is not known when linting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnknownReason {
    /// `ARG NAME` without a default and no `--build-arg NAME`: BuildKit
    /// leaves it unset (it expands to nothing) unless the build passes a
    /// value.
    UnsetArg,
    /// Not defined in the Dockerfile, in a stage built on an image: the
    /// image's environment may define it.
    BaseImage,
    /// An automatic platform argument (`TARGETARCH`…) and no platform was
    /// given to the model.
    Platform,
    /// Computed from unknown values, as in `ENV URL=https://x/$VERSION`.
    /// `display` shows the known text and `${NAME}` for what is unknown.
    Partial { display: String, nonempty: bool },
}

impl UnknownReason {
    /// Whether the variable is set: known for platform arguments and
    /// assigned values, unknown otherwise.
    pub fn is_set(&self) -> Option<bool> {
        match self {
            UnknownReason::UnsetArg | UnknownReason::BaseImage => None,
            UnknownReason::Platform | UnknownReason::Partial { .. } => Some(true),
        }
    }

    /// Whether the value is non-empty, when that is known.
    pub fn is_nonempty(&self) -> Option<bool> {
        match self {
            UnknownReason::Partial { nonempty: true, .. } => Some(true),
            _ => None,
        }
    }

    /// How a reference to `name` with this value is shown: the partial
    /// value when there is one, `${name}` otherwise.
    pub fn display(&self, name: &str) -> String {
        match self {
            UnknownReason::Partial { display, .. } => display.clone(),
            _ => format!("${{{name}}}"),
        }
    }
}

/// A name's value and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding<'s> {
    pub value: Value<'s>,
    pub origin: Origin,
}

/// Where a binding was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    pub kind: DefKind,
    /// The `ENV` pair or `ARG` declaration; `None` for automatic values.
    pub site: Option<Site>,
    /// The value is the one passed with `--build-arg`.
    pub from_build_arg: bool,
}

/// A definition in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Site {
    /// Index in [`Dockerfile::instructions`](crate::syntax::Dockerfile).
    pub instruction: usize,
    /// The name as written.
    pub name: TextRange,
    /// The whole `NAME=value` pair or `ARG` declaration.
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefKind {
    /// `ENV NAME=value`.
    Env,
    /// `ARG NAME[=default]` in a stage.
    Arg,
    /// `ARG NAME[=default]` before the first `FROM`.
    GlobalArg,
    /// `ARG NAME` in a stage, without a default, taking the value of the
    /// global `ARG` (or automatic argument) of the same name.
    RedeclaredGlobal { global: Option<Site> },
    /// An automatic argument: the platform ones and `TARGETSTAGE`.
    Automatic,
    /// The `PATH` BuildKit sets when the base (here `scratch`) has none.
    DefaultPath,
}

/// What names that are not in the environment expand to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Missing {
    /// Nothing, as BuildKit does (in `FROM` lines and `scratch` stages).
    #[default]
    Empty,
    /// Something unknown (stages built on an image, whose environment may
    /// define the name).
    Unknown,
}

/// The variables an expansion can see.
pub trait Env {
    /// The binding of `name`, or `None` when it is not defined.
    fn lookup(&self, name: &str) -> Option<&Binding<'_>>;
    /// What a name without a binding expands to.
    fn missing(&self) -> Missing;
}

/// An environment held in a map, for callers outside a file and for tests.
#[derive(Clone, Debug, Default)]
pub struct MapEnv {
    vars: HashMap<String, Binding<'static>>,
    missing: Missing,
}

impl MapEnv {
    pub fn new(missing: Missing) -> Self {
        Self {
            vars: HashMap::new(),
            missing,
        }
    }

    /// Binds `name` to `value` (as an `ENV` without a source location).
    pub fn set(&mut self, name: impl Into<String>, value: Value<'_>) {
        self.vars.insert(
            name.into(),
            Binding {
                value: value.into_owned(),
                origin: Origin {
                    kind: DefKind::Env,
                    site: None,
                    from_build_arg: false,
                },
            },
        );
    }

    #[must_use]
    pub fn known(mut self, name: &str, value: &str) -> Self {
        self.set(name, Value::Known(Cow::Owned(value.to_string())));
        self
    }

    #[must_use]
    pub fn unknown(mut self, name: &str, reason: UnknownReason) -> Self {
        self.set(name, Value::Unknown(reason));
        self
    }
}

impl Env for MapEnv {
    fn lookup(&self, name: &str) -> Option<&Binding<'_>> {
        self.vars.get(name)
    }

    fn missing(&self) -> Missing {
        self.missing
    }
}

/// An OCI platform such as `linux/arm64/v8`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub arch: String,
    pub variant: String,
}

impl Platform {
    pub fn linux_amd64() -> Self {
        Self {
            os: "linux".to_string(),
            arch: "amd64".to_string(),
            variant: String::new(),
        }
    }

    /// `os/arch[/variant]`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('/');
        let os = parts.next().filter(|s| !s.is_empty())?;
        let arch = parts.next().filter(|s| !s.is_empty())?;
        let variant = parts.next().unwrap_or("");
        if parts.next().is_some() {
            return None;
        }
        Some(Self {
            os: os.to_string(),
            arch: arch.to_string(),
            variant: variant.to_string(),
        })
    }

    /// `os/arch[/variant]`, as BuildKit formats it.
    pub fn format(&self) -> String {
        if self.variant.is_empty() {
            format!("{}/{}", self.os, self.arch)
        } else {
            format!("{}/{}/{}", self.os, self.arch, self.variant)
        }
    }
}

/// What the build is given from outside the Dockerfile.
#[derive(Clone, Debug, Default)]
pub struct VarOptions {
    /// `--build-arg NAME=value`: overrides `ARG` defaults and the automatic
    /// arguments.
    pub build_args: HashMap<String, String>,
    /// The platform the build runs on (`BUILDPLATFORM`…). `None`: the
    /// `BUILD*` arguments are unknown.
    pub build_platform: Option<Platform>,
    /// The platform built for (`TARGETPLATFORM`…). `None`: the build
    /// platform if one is given (as BuildKit does), else unknown.
    pub target_platform: Option<Platform>,
    /// `--target`; `None`: the last stage, as BuildKit does. Only
    /// `TARGETSTAGE` depends on it.
    pub target: Option<String>,
}

/// Arguments BuildKit gives a meaning without a declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Predefined {
    /// `HTTP_PROXY` and the other proxy arguments (either case): passed to
    /// `RUN` without an `ARG`, but not expanded elsewhere unless declared.
    Proxy,
    /// `BUILDPLATFORM`, `TARGETARCH`…: defined in the global scope (so usable
    /// in `FROM`), and inside a stage only after `ARG NAME`.
    Platform,
    /// `TARGETSTAGE`: the stage being built; global scope like the platform
    /// arguments.
    TargetStage,
    /// `SOURCE_DATE_EPOCH`: sets image timestamps when passed.
    SourceDateEpoch,
    /// `BUILDKIT_*`: frontend settings passed as build arguments.
    BuildKit,
}

/// The automatic platform arguments, in BuildKit's order.
pub const PLATFORM_ARGS: [&str; 10] = [
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
];

const PROXY_ARGS: [&str; 5] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "FTP_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
];

/// Whether `name` is an argument BuildKit predefines, and which kind.
pub fn predefined(name: &str) -> Option<Predefined> {
    if PROXY_ARGS
        .iter()
        .any(|p| *p == name || p.to_ascii_lowercase() == name)
    {
        Some(Predefined::Proxy)
    } else if PLATFORM_ARGS.contains(&name) {
        Some(Predefined::Platform)
    } else if name == "TARGETSTAGE" {
        Some(Predefined::TargetStage)
    } else if name == "SOURCE_DATE_EPOCH" {
        Some(Predefined::SourceDateEpoch)
    } else if name.starts_with("BUILDKIT_") {
        Some(Predefined::BuildKit)
    } else {
        None
    }
}
