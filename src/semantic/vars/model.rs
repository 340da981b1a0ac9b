//! BuildKit's variable scopes over a whole file (`dockerfile2llb/convert.go`:
//! `buildMetaArgs`, `dispatchArg`, `dispatchEnv`, stage inheritance).
//!
//! Definitions are kept as a log per scope (the global scope, then one per
//! stage). The environment an instruction sees is a prefix of its stage's
//! log, then its parent stage's whole log, and so on; looking a name up
//! walks back through them. Nothing is copied per instruction.

use std::borrow::Cow;

use super::expand::{ExpandError, Expanded, Lex, Words, expand_word, expand_words, is_plain};
use super::{
    Binding, DefKind, Env, Missing, Origin, PLATFORM_ARGS, Platform, Site, UnknownReason, Value,
    VarOptions,
};
use crate::semantic::Stages;
use crate::syntax::{
    Args, Dockerfile, Instruction, Keyword, SyntaxError, SyntaxErrorKind, TextRange, Word,
};

/// `PATH` as BuildKit sets it on Linux when the base image has none.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

static DEFAULT_PATH_BINDING: Binding<'static> = Binding {
    value: Value::Known(Cow::Borrowed(DEFAULT_PATH)),
    origin: Origin {
        kind: DefKind::DefaultPath,
        site: None,
        from_build_arg: false,
    },
};

/// What a stage is ultimately built on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    /// `FROM scratch` (directly or through earlier stages): nothing is
    /// defined but what the Dockerfile defines, and `PATH`.
    Scratch,
    /// An image, whose environment may define any name.
    Image,
    /// The `FROM` could not be resolved (its expansion failed or is
    /// unknown); treated as an image.
    Unknown,
}

#[derive(Clone, Copy, Debug)]
enum Parent {
    Root(Root),
    /// An earlier stage, whose first `defs` definitions are inherited.
    Stage {
        stage: usize,
        defs: usize,
    },
}

#[derive(Debug)]
struct Def<'s> {
    name: Cow<'s, str>,
    binding: Binding<'s>,
}

/// The variables of one stage.
#[derive(Debug)]
pub struct StageVars<'s> {
    parent: Parent,
    root: Root,
    defs: Vec<Def<'s>>,
    base: Option<Result<Expanded, ExpandError>>,
    platform: Option<Result<Expanded, ExpandError>>,
}

impl StageVars<'_> {
    /// What the stage is ultimately built on.
    pub fn root(&self) -> Root {
        self.root
    }

    /// The earlier stage this one is built on (`FROM <stage>`).
    pub fn parent_stage(&self) -> Option<usize> {
        match self.parent {
            Parent::Stage { stage, .. } => Some(stage),
            Parent::Root(_) => None,
        }
    }

    /// The `FROM` image (or stage) reference, expanded with the global
    /// arguments.
    pub fn base(&self) -> Option<&Result<Expanded, ExpandError>> {
        self.base.as_ref()
    }

    /// The `FROM --platform` value, expanded with the global arguments.
    pub fn platform(&self) -> Option<&Result<Expanded, ExpandError>> {
        self.platform.as_ref()
    }

    /// What names without a binding expand to in this stage.
    pub fn missing(&self) -> Missing {
        match self.root {
            Root::Scratch => Missing::Empty,
            Root::Image | Root::Unknown => Missing::Unknown,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Global,
    Stage(usize),
}

/// A point in a scope's log: the first `defs` definitions are visible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Point {
    scope: Scope,
    defs: usize,
}

/// The variables of a Dockerfile: for every instruction, the environment it
/// sees, as BuildKit builds it.
#[derive(Debug)]
pub struct VarModel<'s> {
    source: &'s str,
    escape: char,
    globals: Vec<Def<'s>>,
    stages: Vec<StageVars<'s>>,
    points: Vec<Point>,
    errors: Vec<ExpandError>,
    names: Vec<Cow<'s, str>>,
}

/// The environment at one point of a [`VarModel`]: cheap to copy.
#[derive(Clone, Copy, Debug)]
pub struct ScopeEnv<'m, 's> {
    model: &'m VarModel<'s>,
    point: Point,
    missing: Missing,
}

impl ScopeEnv<'_, '_> {
    /// The same bindings, with another policy for names without one.
    #[must_use]
    pub fn with_missing(mut self, missing: Missing) -> Self {
        self.missing = missing;
        self
    }
}

impl Env for ScopeEnv<'_, '_> {
    fn lookup(&self, name: &str) -> Option<&Binding<'_>> {
        self.model.lookup_point(self.point, name)
    }

    fn missing(&self) -> Missing {
        self.missing
    }
}

impl<'s> VarModel<'s> {
    /// Builds the model in one pass over the instructions.
    pub fn new(file: &Dockerfile<'s>, stages: &Stages<'s>, options: &VarOptions) -> Self {
        let mut model = VarModel {
            source: file.source,
            escape: file.escape,
            globals: Vec::new(),
            stages: Vec::with_capacity(stages.stages.len()),
            points: Vec::with_capacity(file.instructions.len()),
            errors: Vec::new(),
            names: Vec::new(),
        };
        model.automatic_args(stages, options);
        for (index, inst) in file.instructions.iter().enumerate() {
            match stages.stage_of.get(index).copied().flatten() {
                None => {
                    model.points.push(model.global_point());
                    if let Args::ArgDecls { decls } = &inst.args {
                        model.args(index, decls, None, options);
                    }
                }
                Some(stage) if inst.kind == Keyword::From => {
                    model.points.push(model.global_point());
                    model.from(inst, stage, stages);
                }
                Some(stage) => {
                    let Some(vars) = model.stages.get(stage) else {
                        model.points.push(model.global_point());
                        continue;
                    };
                    let point = Point {
                        scope: Scope::Stage(stage),
                        defs: vars.defs.len(),
                    };
                    model.points.push(point);
                    match &inst.args {
                        Args::KeyValues { pairs } if inst.kind == Keyword::Env => {
                            for pair in pairs {
                                model.env_pair(index, point, pair);
                            }
                        }
                        Args::ArgDecls { decls } => {
                            model.args(index, decls, Some(stage), options);
                        }
                        _ => {}
                    }
                }
            }
        }
        let mut names: Vec<Cow<'s, str>> = model
            .globals
            .iter()
            .chain(model.stages.iter().flat_map(|s| s.defs.iter()))
            .filter(|d| d.binding.origin.site.is_some())
            .map(|d| d.name.clone())
            .collect();
        names.sort_unstable();
        names.dedup();
        model.names = names;
        model
    }

    fn global_point(&self) -> Point {
        Point {
            scope: Scope::Global,
            defs: self.globals.len(),
        }
    }

    /// The platform arguments and `TARGETSTAGE`, overridable by build args.
    fn automatic_args(&mut self, stages: &Stages<'s>, options: &VarOptions) {
        let build = options.build_platform.as_ref();
        let target = options.target_platform.as_ref().or(build);
        let field = |p: Option<&Platform>, i: usize| -> Value<'s> {
            match p {
                None => Value::Unknown(UnknownReason::Platform),
                Some(p) => Value::Known(Cow::Owned(match i {
                    0 => p.format(),
                    1 => p.os.clone(),
                    3 => p.arch.clone(),
                    4 => p.variant.clone(),
                    // OS versions are empty on Linux.
                    _ => String::new(),
                })),
            }
        };
        let target_stage = options.target.clone().unwrap_or_else(|| {
            stages
                .stages
                .last()
                .and_then(crate::semantic::Stage::name_lower)
                .unwrap_or_default()
        });
        let mut values: Vec<(&'static str, Value<'s>)> = PLATFORM_ARGS
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let value = if i < 5 {
                    field(build, i)
                } else {
                    field(target, i - 5)
                };
                (*name, value)
            })
            .collect();
        values.push(("TARGETSTAGE", Value::Known(Cow::Owned(target_stage))));
        for (name, value) in values {
            let overridden = options.build_args.get(name);
            self.globals.push(Def {
                name: Cow::Borrowed(name),
                binding: Binding {
                    value: overridden.map_or(value, |v| Value::Known(Cow::Owned(v.clone()))),
                    origin: Origin {
                        kind: DefKind::Automatic,
                        site: None,
                        from_build_arg: overridden.is_some(),
                    },
                },
            });
        }
    }

    fn env_at(&self, point: Point, missing: Missing) -> ScopeEnv<'_, 's> {
        ScopeEnv {
            model: self,
            point,
            missing,
        }
    }

    fn missing_of(&self, scope: Scope) -> Missing {
        match scope {
            Scope::Global => Missing::Empty,
            Scope::Stage(s) => self
                .stages
                .get(s)
                .map_or(Missing::Empty, StageVars::missing),
        }
    }

    /// Expands `word` at `point`, recording a failure.
    fn expand_at(&mut self, point: Point, word: &Word<'_>) -> Option<Expanded> {
        let env = self.env_at(point, self.missing_of(point.scope));
        match expand_word(word, self.source, &env, Lex::new(self.escape)) {
            Ok(e) => Some(e),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// A word's value at `point`, borrowing it when nothing needs expanding.
    fn value_at(&mut self, point: Point, word: &Word<'s>) -> Value<'s> {
        if is_plain(&word.value, Lex::new(self.escape)) {
            return Value::Known(word.value.clone());
        }
        match self.expand_at(point, word) {
            Some(e) => e.to_value(),
            // The build fails here; what follows is linted as if the value
            // were unknown.
            None => Value::Unknown(UnknownReason::Partial {
                display: word.value.to_string(),
                nonempty: false,
            }),
        }
    }

    fn from(&mut self, inst: &Instruction<'s>, stage: usize, stages: &Stages<'s>) {
        let point = self.global_point();
        let base = match &inst.args {
            Args::Words { words } => words.first().map(|w| {
                let env = self.env_at(point, Missing::Empty);
                expand_word(w, self.source, &env, Lex::new(self.escape))
            }),
            _ => None,
        };
        let platform = inst
            .flag("platform")
            .and_then(|f| f.value.as_ref())
            .map(|w| {
                let env = self.env_at(point, Missing::Empty);
                expand_word(w, self.source, &env, Lex::new(self.escape))
            });
        for result in [&base, &platform].into_iter().flatten() {
            if let Err(e) = result {
                self.errors.push(e.clone());
            }
        }
        let parent = match base
            .as_ref()
            .and_then(|b| b.as_ref().ok())
            .map(Expanded::known)
        {
            Some(Some(name)) => match stages.by_name(name, stage) {
                Some(earlier) if earlier.index < self.stages.len() => Parent::Stage {
                    stage: earlier.index,
                    defs: self.stages[earlier.index].defs.len(),
                },
                _ if name.eq_ignore_ascii_case("scratch") => Parent::Root(Root::Scratch),
                _ => Parent::Root(Root::Image),
            },
            _ => Parent::Root(Root::Unknown),
        };
        let root = match parent {
            Parent::Root(root) => root,
            Parent::Stage { stage, .. } => self.stages[stage].root,
        };
        // Stages are pushed in order, so `stage` is the next index.
        debug_assert_eq!(stage, self.stages.len());
        self.stages.push(StageVars {
            parent,
            root,
            defs: Vec::new(),
            base,
            platform,
        });
    }

    fn env_pair(&mut self, index: usize, point: Point, pair: &crate::syntax::KeyValue<'s>) {
        // `ENV a=1 b=$a` expands every pair before setting any: all see
        // `point`.
        let name = match self.value_at(point, &pair.key) {
            Value::Known(name) if !name.is_empty() => name,
            _ => return,
        };
        let value = self.value_at(point, &pair.value);
        let Scope::Stage(stage) = point.scope else {
            return;
        };
        self.stages[stage].defs.push(Def {
            name,
            binding: Binding {
                value,
                origin: Origin {
                    kind: DefKind::Env,
                    site: Some(Site {
                        instruction: index,
                        name: pair.key.range,
                        range: pair.range,
                    }),
                    from_build_arg: false,
                },
            },
        });
    }

    /// `ARG`, global (`stage` is `None`) or in a stage. Declarations are
    /// handled in order, each seeing the ones before it.
    fn args(
        &mut self,
        index: usize,
        decls: &[crate::syntax::ArgDecl<'s>],
        stage: Option<usize>,
        options: &VarOptions,
    ) {
        for decl in decls {
            let name = decl.name.value.clone();
            if name.is_empty() {
                continue;
            }
            let point = match stage {
                None => self.global_point(),
                Some(s) => Point {
                    scope: Scope::Stage(s),
                    defs: self.stages[s].defs.len(),
                },
            };
            let site = Site {
                instruction: index,
                name: decl.name.range,
                range: decl.range,
            };
            let own_kind = if stage.is_some() {
                DefKind::Arg
            } else {
                DefKind::GlobalArg
            };
            let (value, kind, from_build_arg) = if let Some(v) = options.build_args.get(&*name) {
                // The default is then not even expanded.
                (Value::Known(Cow::Owned(v.clone())), own_kind, true)
            } else if let Some(default) = &decl.default {
                (self.value_at(point, default), own_kind, false)
            } else if let Some(global) = stage
                .and_then(|_| self.lookup_point(self.global_point(), &name))
                .cloned()
            {
                (
                    global.value,
                    DefKind::RedeclaredGlobal {
                        global: global.origin.site,
                    },
                    global.origin.from_build_arg,
                )
            } else if self.lookup_point(point, &name).is_some() {
                // No value: BuildKit sets nothing, and an earlier binding
                // of the name stays in force.
                continue;
            } else {
                (Value::Unknown(UnknownReason::UnsetArg), own_kind, false)
            };
            let def = Def {
                name,
                binding: Binding {
                    value,
                    origin: Origin {
                        kind,
                        site: Some(site),
                        from_build_arg,
                    },
                },
            };
            match stage {
                None => self.globals.push(def),
                Some(s) => self.stages[s].defs.push(def),
            }
        }
    }

    fn lookup_point(&self, point: Point, name: &str) -> Option<&Binding<'s>> {
        fn find<'d, 's>(defs: &'d [Def<'s>], n: usize, name: &str) -> Option<&'d Binding<'s>> {
            defs[..n.min(defs.len())]
                .iter()
                .rev()
                .find(|d| d.name == name)
                .map(|d| &d.binding)
        }
        let (mut scope, mut n) = (point.scope, point.defs);
        loop {
            match scope {
                Scope::Global => return find(&self.globals, n, name),
                Scope::Stage(s) => {
                    let vars = self.stages.get(s)?;
                    if let Some(b) = find(&vars.defs, n, name) {
                        return Some(b);
                    }
                    match vars.parent {
                        Parent::Stage { stage, defs } if stage < s => {
                            scope = Scope::Stage(stage);
                            n = defs;
                        }
                        Parent::Root(Root::Scratch) if name == "PATH" => {
                            return Some(&DEFAULT_PATH_BINDING);
                        }
                        _ => return None,
                    }
                }
            }
        }
    }

    fn point(&self, index: usize) -> Point {
        self.points
            .get(index)
            .copied()
            .unwrap_or_else(|| self.global_point())
    }

    /// The environment instruction `index` sees. A `FROM` sees the global
    /// arguments; other instructions their stage's bindings so far.
    pub fn env(&self, index: usize) -> ScopeEnv<'_, 's> {
        let point = self.point(index);
        self.env_at(point, self.missing_of(point.scope))
    }

    /// The binding of `name` at instruction `index`, with where it was made.
    pub fn lookup(&self, index: usize, name: &str) -> Option<&Binding<'s>> {
        self.lookup_point(self.point(index), name)
    }

    /// What names without a binding expand to at instruction `index`.
    pub fn missing(&self, index: usize) -> Missing {
        self.missing_of(self.point(index).scope)
    }

    /// Expands `word` of instruction `index` as BuildKit's `ProcessWord`.
    pub fn expand(&self, index: usize, word: &Word<'_>) -> Result<Expanded, ExpandError> {
        expand_word(word, self.source, &self.env(index), Lex::new(self.escape))
    }

    /// Expands `word` of instruction `index` as BuildKit's `ProcessWords`.
    pub fn expand_words(&self, index: usize, word: &Word<'_>) -> Result<Words, ExpandError> {
        expand_words(word, self.source, &self.env(index), Lex::new(self.escape))
    }

    /// The variables of stage `stage` (its `FROM`, what it is built on).
    pub fn stage(&self, stage: usize) -> Option<&StageVars<'s>> {
        self.stages.get(stage)
    }

    /// Every name the Dockerfile defines (`ENV` and `ARG`, in any scope),
    /// sorted, each once.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|n| &**n)
    }

    /// Every binding the Dockerfile makes, global ones first, then stage by
    /// stage in order; automatic ones are not included.
    pub fn definitions(&self) -> impl Iterator<Item = (&str, &Binding<'s>)> {
        self.globals
            .iter()
            .chain(self.stages.iter().flat_map(|s| s.defs.iter()))
            .filter(|d| d.binding.origin.site.is_some())
            .map(|d| (&*d.name, &d.binding))
    }

    /// The expansion errors met while building the model (`FROM`, `ENV`
    /// and `ARG` defaults), in source order.
    pub fn errors(&self) -> &[ExpandError] {
        &self.errors
    }

    /// The expansion errors of every instruction BuildKit expands, as
    /// `LL012` syntax errors, sorted by position.
    pub fn bad_substitutions(&self, file: &Dockerfile<'_>) -> Vec<SyntaxError> {
        let mut errors: Vec<ExpandError> = self.errors.clone();
        for (index, inst) in file.instructions.iter().enumerate() {
            if !matches!(self.point(index).scope, Scope::Stage(_)) {
                continue;
            }
            let lex = Lex::new(self.escape);
            let mut check = |word: &Word<'_>| {
                if is_plain(&word.value, lex) {
                    return;
                }
                if let Err(e) = self.expand(index, word) {
                    errors.push(e);
                }
            };
            match (&inst.args, inst.kind) {
                (Args::Paths { paths, .. }, Keyword::Copy | Keyword::Add) => {
                    for name in ["chown", "chmod", "checksum"] {
                        if name == "checksum" && inst.kind != Keyword::Add {
                            continue;
                        }
                        if let Some(value) = inst.flag(name).and_then(|f| f.value.as_ref()) {
                            check(value);
                        }
                    }
                    paths.iter().for_each(&mut check);
                    for heredoc in inst
                        .heredocs
                        .iter()
                        .filter(|h| h.expand && !is_plain(&h.body.value, Lex::heredoc()))
                    {
                        if let Err(e) = expand_word(
                            &heredoc.body,
                            self.source,
                            &self.env(index),
                            Lex::heredoc(),
                        ) {
                            errors.push(e);
                        }
                    }
                }
                (Args::Paths { paths, .. }, Keyword::Volume) => paths.iter().for_each(check),
                (Args::KeyValues { pairs }, Keyword::Label) => {
                    for pair in pairs {
                        check(&pair.key);
                        check(&pair.value);
                    }
                }
                (Args::Words { words }, Keyword::Expose) => {
                    for word in words.iter().filter(|w| !is_plain(&w.value, lex)) {
                        if let Err(e) = self.expand_words(index, word) {
                            errors.push(e);
                        }
                    }
                }
                (
                    Args::Text { text: Some(text) },
                    Keyword::User | Keyword::Workdir | Keyword::Stopsignal,
                ) => {
                    check(text);
                }
                (_, Keyword::Run) => {
                    for flag in inst.flags.iter().filter(|f| f.name.value == "mount") {
                        if let Some(value) =
                            flag.value.as_ref().filter(|v| !is_plain(&v.value, lex))
                        {
                            for field in mount_values(value, self.source) {
                                check(&field);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let mut out: Vec<SyntaxError> = errors
            .iter()
            .map(|e| {
                SyntaxError::new(
                    SyntaxErrorKind::BadSubstitution,
                    e.range,
                    e.describe(self.source),
                )
            })
            .collect();
        out.sort_by_key(|e| (e.range.start, e.range.end));
        out.dedup();
        out
    }
}

/// The `value` of every `key=value` field of a `--mount` flag value (CSV,
/// quotes already removed by the flag scanner), as words mapped into the
/// source.
fn mount_values<'w>(flag: &Word<'w>, source: &str) -> Vec<Word<'w>> {
    let text: &str = &flag.value;
    let map = super::expand::SourceMap::new(text, flag.range, source);
    let mut out = Vec::new();
    let mut start = 0;
    for field in text.split(',') {
        let end = start + field.len();
        if let Some(eq) = field.find('=') {
            let a = start + eq + 1;
            let range: TextRange = map.range(a..end);
            let value = match &flag.value {
                Cow::Borrowed(b) => Cow::Borrowed(&b[a..end]),
                Cow::Owned(o) => Cow::Owned(o[a..end].to_string()),
            };
            out.push(Word { value, range });
        }
        start = end + 1;
    }
    out
}

/// The expansion errors (`LL012`) of a file, with no build arguments and no
/// platform given.
pub fn bad_substitutions<'s>(file: &Dockerfile<'s>, stages: &Stages<'s>) -> Vec<SyntaxError> {
    VarModel::new(file, stages, &VarOptions::default()).bad_substitutions(file)
}
