//! `RUN` flags: `--mount`, `--network` and `--security`, read the way
//! BuildKit reads them (`instructions/commands_runmount.go`,
//! `commands_runnetwork.go`, `commands_runsecurity.go`).

use std::borrow::Cow;

use serde::Serialize;

use crate::syntax::{Flag, Instruction, TextRange};

/// The flags of one `RUN`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunFlags<'a> {
    pub mounts: Vec<Mount<'a>>,
    /// `--network=…`; `None` when not given (BuildKit's `default`).
    pub network: Option<Setting<'a, Network>>,
    /// `--security=…`; `None` when not given (sandboxed).
    pub security: Option<Setting<'a, Security>>,
}

impl<'a> RunFlags<'a> {
    pub fn of(inst: &Instruction<'a>) -> Self {
        let mut flags = RunFlags::default();
        for flag in &inst.flags {
            match flag.name.value.as_ref() {
                "mount" => flags.mounts.push(Mount::parse(flag)),
                "network" => flags.network = Some(Setting::parse(flag, Network::parse)),
                "security" => flags.security = Some(Setting::parse(flag, Security::parse)),
                _ => {}
            }
        }
        flags
    }

    /// The mounts of `kind`.
    pub fn mounts_of(&self, kind: MountType) -> impl Iterator<Item = &Mount<'a>> {
        self.mounts.iter().filter(move |m| m.kind == kind)
    }

    /// A cache mount whose target is `path` (compared without trailing `/`).
    pub fn cache_mount_at(&self, path: &str) -> Option<&Mount<'a>> {
        let want = path.trim_end_matches('/');
        self.mounts_of(MountType::Cache).find(|m| {
            m.target
                .as_ref()
                .is_some_and(|t| t.value.trim_end_matches('/') == want)
        })
    }
}

/// The value of `--network` or `--security`.
#[derive(Clone, Debug, Serialize)]
pub struct Setting<'a, T> {
    /// The value as written, unquoted.
    pub value: Cow<'a, str>,
    /// `None` when BuildKit does not know the value.
    pub kind: Option<T>,
    pub range: TextRange,
}

impl<'a, T> Setting<'a, T> {
    fn parse(flag: &Flag<'a>, kind: impl Fn(&str) -> Option<T>) -> Self {
        match &flag.value {
            Some(v) => Setting {
                kind: kind(&v.value),
                value: v.value.clone(),
                range: v.range,
            },
            None => Setting {
                value: Cow::Borrowed(""),
                kind: None,
                range: flag.range,
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Default,
    None,
    Host,
}

impl Network {
    fn parse(value: &str) -> Option<Self> {
        match value {
            "default" => Some(Network::Default),
            "none" => Some(Network::None),
            "host" => Some(Network::Host),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    Sandbox,
    Insecure,
}

impl Security {
    fn parse(value: &str) -> Option<Self> {
        match value {
            "sandbox" => Some(Security::Sandbox),
            "insecure" => Some(Security::Insecure),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MountType {
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
}

impl MountType {
    /// BuildKit compares the type case-insensitively.
    pub fn parse(value: &str) -> Option<Self> {
        match value.to_ascii_lowercase().as_str() {
            "bind" => Some(MountType::Bind),
            "cache" => Some(MountType::Cache),
            "tmpfs" => Some(MountType::Tmpfs),
            "secret" => Some(MountType::Secret),
            "ssh" => Some(MountType::Ssh),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sharing {
    Shared,
    Private,
    Locked,
}

/// One `--mount=…`.
#[derive(Clone, Debug, Serialize)]
pub struct Mount<'a> {
    /// `type=`; `bind` when not given.
    pub kind: MountType,
    pub target: Option<MountValue<'a>>,
    pub source: Option<MountValue<'a>>,
    pub from: Option<MountValue<'a>>,
    pub id: Option<MountValue<'a>>,
    pub sharing: Option<Sharing>,
    /// Octal `mode=`.
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    /// Whether the mount is read-only, with BuildKit's default when no
    /// `ro`/`rw` option was given (bind, secret and ssh mounts are
    /// read-only; cache and tmpfs mounts are writable).
    pub readonly: bool,
    pub required: bool,
    /// `env=` of a secret mount: the variable the secret is exposed in.
    pub env: Option<MountValue<'a>>,
    /// `size=` of a tmpfs mount, as written.
    pub size: Option<MountValue<'a>>,
    /// Every `key=value` (or bare key) in order.
    pub options: Vec<MountOption<'a>>,
    /// What BuildKit would reject, in order.
    pub problems: Vec<MountProblem>,
    /// The whole flag.
    pub range: TextRange,
}

/// A value of a mount option, with its range in the Dockerfile (the whole
/// flag value when the option cannot be located exactly).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountValue<'a> {
    pub value: Cow<'a, str>,
    pub range: TextRange,
}

/// One comma-separated field of `--mount`.
#[derive(Clone, Debug, Serialize)]
pub struct MountOption<'a> {
    /// The key, lower-cased as BuildKit compares it.
    pub key: String,
    pub value: Option<MountValue<'a>>,
    pub range: TextRange,
}

/// Why BuildKit would refuse a `--mount`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MountProblem {
    /// The value is not valid CSV (a stray or unterminated quote).
    Csv {
        range: TextRange,
    },
    UnknownKey {
        key: String,
        range: TextRange,
    },
    /// A key other than `ro`/`rw`/`required` given without `=value`.
    MissingValue {
        key: String,
        range: TextRange,
    },
    InvalidValue {
        key: String,
        range: TextRange,
    },
    /// An option not allowed for this type (such as `required` on a cache
    /// mount, or `mode` on a bind mount).
    NotAllowed {
        key: String,
        range: TextRange,
    },
    /// A secret mount with neither `id`, `source` nor `target`, or with
    /// both `source` and `id`, or with `from`.
    InvalidSecret {
        range: TextRange,
    },
    /// `from=` with a variable: BuildKit does not expand it.
    VariableInFrom {
        range: TextRange,
    },
}

impl<'a> Mount<'a> {
    /// Reads one `--mount` flag.
    pub fn parse(flag: &Flag<'a>) -> Self {
        let mut mount = Mount {
            kind: MountType::Bind,
            target: None,
            source: None,
            from: None,
            id: None,
            sharing: None,
            mode: None,
            uid: None,
            gid: None,
            readonly: false,
            required: false,
            env: None,
            size: None,
            options: Vec::new(),
            problems: Vec::new(),
            range: flag.range,
        };
        let Some(value) = &flag.value else {
            mount.problems.push(MountProblem::Csv { range: flag.range });
            mount.apply_defaults(true);
            return mount;
        };
        // Offsets inside the value map to the source only when the value
        // is written as-is (no quotes or escapes around it).
        let exact = value.range.len() as usize == value.value.len();
        let locate = |lo: usize, hi: usize| {
            if exact {
                TextRange::from_usize(
                    value.range.start as usize + lo,
                    value.range.start as usize + hi,
                )
            } else {
                value.range
            }
        };
        let text = value.value.clone();
        let Some(fields) = csv_fields(&text) else {
            mount
                .problems
                .push(MountProblem::Csv { range: value.range });
            mount.apply_defaults(true);
            return mount;
        };
        let mut ro_auto = true;
        for field in fields {
            let range = locate(field.start, field.end);
            let raw = &text[field.start..field.end];
            let unquoted: Cow<'a, str> = match (&field.unquoted, &text) {
                (Some(owned), _) => Cow::Owned(owned.clone()),
                (None, Cow::Borrowed(all)) => Cow::Borrowed(&all[field.start..field.end]),
                (None, Cow::Owned(_)) => Cow::Owned(raw.to_owned()),
            };
            let (key, val) = match unquoted.find('=') {
                Some(eq) => {
                    let key = unquoted[..eq].to_ascii_lowercase();
                    let val = match &unquoted {
                        Cow::Borrowed(s) => Cow::Borrowed(&s[eq + 1..]),
                        Cow::Owned(s) => Cow::Owned(s[eq + 1..].to_owned()),
                    };
                    let val_range = if field.unquoted.is_none() {
                        locate(field.start + eq + 1, field.end)
                    } else {
                        range
                    };
                    (
                        key,
                        Some(MountValue {
                            value: val,
                            range: val_range,
                        }),
                    )
                }
                None => (unquoted.to_ascii_lowercase(), None),
            };
            mount.option(&key, val.as_ref(), range, &mut ro_auto);
            mount.options.push(MountOption {
                key,
                value: val,
                range,
            });
        }
        mount.apply_defaults(ro_auto);
        mount
    }

    fn option(
        &mut self,
        key: &str,
        value: Option<&MountValue<'a>>,
        range: TextRange,
        ro_auto: &mut bool,
    ) {
        let invalid = |key: &str| MountProblem::InvalidValue {
            key: key.to_owned(),
            range: value.map_or(range, |v| v.range),
        };
        let not_allowed = |key: &str| MountProblem::NotAllowed {
            key: key.to_owned(),
            range,
        };
        let Some(value) = value else {
            match key {
                "readonly" | "ro" => {
                    self.readonly = true;
                    *ro_auto = false;
                }
                "readwrite" | "rw" => {
                    self.readonly = false;
                    *ro_auto = false;
                }
                "required" if matches!(self.kind, MountType::Secret | MountType::Ssh) => {
                    self.required = true;
                }
                "required" => self.problems.push(not_allowed(key)),
                _ => self.problems.push(MountProblem::MissingValue {
                    key: key.to_owned(),
                    range,
                }),
            }
            return;
        };
        let v = value.value.as_ref();
        match key {
            "type" => match MountType::parse(v) {
                Some(kind) => self.kind = kind,
                None => self.problems.push(invalid(key)),
            },
            "from" => {
                if has_variable(v) {
                    self.problems
                        .push(MountProblem::VariableInFrom { range: value.range });
                }
                self.from = Some(value.clone());
            }
            "source" | "src" => self.source = Some(value.clone()),
            "target" | "dst" | "destination" => self.target = Some(value.clone()),
            "id" => self.id = Some(value.clone()),
            "env" => self.env = Some(value.clone()),
            "readonly" | "ro" => match parse_bool(v) {
                Some(b) => {
                    self.readonly = b;
                    *ro_auto = false;
                }
                None => self.problems.push(invalid(key)),
            },
            "readwrite" | "rw" => match parse_bool(v) {
                Some(b) => {
                    self.readonly = !b;
                    *ro_auto = false;
                }
                None => self.problems.push(invalid(key)),
            },
            "required" => {
                if !matches!(self.kind, MountType::Secret | MountType::Ssh) {
                    self.problems.push(not_allowed(key));
                } else if let Some(b) = parse_bool(v) {
                    self.required = b;
                } else {
                    self.problems.push(invalid(key));
                }
            }
            "size" => {
                if self.kind == MountType::Tmpfs {
                    self.size = Some(value.clone());
                } else {
                    self.problems.push(not_allowed(key));
                }
            }
            "sharing" => match v.to_ascii_lowercase().as_str() {
                "shared" => self.sharing = Some(Sharing::Shared),
                "private" => self.sharing = Some(Sharing::Private),
                "locked" => self.sharing = Some(Sharing::Locked),
                _ => self.problems.push(invalid(key)),
            },
            "mode" => match u32::from_str_radix(v, 8) {
                Ok(m) => self.mode = Some(m),
                Err(_) => self.problems.push(invalid(key)),
            },
            "uid" => match v.parse() {
                Ok(n) => self.uid = Some(n),
                Err(_) => self.problems.push(invalid(key)),
            },
            "gid" => match v.parse() {
                Ok(n) => self.gid = Some(n),
                Err(_) => self.problems.push(invalid(key)),
            },
            _ => self.problems.push(MountProblem::UnknownKey {
                key: key.to_owned(),
                range,
            }),
        }
    }

    /// BuildKit's `validateMount`: defaults and the checks that need the
    /// whole mount.
    fn apply_defaults(&mut self, ro_auto: bool) {
        let file_info = matches!(
            self.kind,
            MountType::Secret | MountType::Ssh | MountType::Cache
        );
        if !file_info {
            for (key, set) in [
                ("mode", self.mode.is_some()),
                ("uid", self.uid.is_some()),
                ("gid", self.gid.is_some()),
            ] {
                if set {
                    self.problems.push(MountProblem::NotAllowed {
                        key: key.to_owned(),
                        range: self.option_range(key),
                    });
                }
            }
        }
        if ro_auto {
            self.readonly = !matches!(self.kind, MountType::Cache | MountType::Tmpfs);
        }
        if self.kind == MountType::Secret {
            let bad = self.from.is_some()
                || self.sharing.is_some()
                || (self.source.is_none() && self.target.is_none() && self.id.is_none())
                || (self.source.is_some() && self.id.is_some());
            if bad {
                self.problems
                    .push(MountProblem::InvalidSecret { range: self.range });
            }
        }
        if self.sharing.is_some() && self.kind != MountType::Cache && self.kind != MountType::Secret
        {
            self.problems.push(MountProblem::NotAllowed {
                key: "sharing".to_owned(),
                range: self.option_range("sharing"),
            });
        }
    }

    fn option_range(&self, key: &str) -> TextRange {
        self.options
            .iter()
            .rev()
            .find(|o| o.key == key)
            .map_or(self.range, |o| o.range)
    }

    /// The cache id BuildKit uses: `id=`, or else the target path.
    pub fn cache_id(&self) -> Option<&str> {
        self.id
            .as_ref()
            .or(self.target.as_ref())
            .map(|v| v.value.as_ref())
    }
}

/// `$` followed by any character, as BuildKit's `\$.` check.
fn has_variable(value: &str) -> bool {
    value
        .find('$')
        .is_some_and(|i| value[i + 1..].chars().next().is_some())
}

/// Go's `strconv.ParseBool`.
fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// A CSV field: `start..end` in the text, and its unquoted value when it
/// was quoted.
#[derive(Debug, PartialEq, Eq)]
struct CsvField {
    start: usize,
    end: usize,
    unquoted: Option<String>,
}

/// One record as Go's `encoding/csv` reads it with default settings: fields
/// split at `,`; a field starting with `"` is quoted, `""` inside it is a
/// quote, and it must end at a `,` or the end; a `"` anywhere else is an
/// error. A line break ends the record.
fn csv_fields(text: &str) -> Option<Vec<CsvField>> {
    let line = text.split(['\n', '\r']).next().unwrap_or("");
    if line.is_empty() {
        return None;
    }
    let bytes = line.as_bytes();
    let mut fields = Vec::new();
    let mut pos = 0;
    loop {
        if bytes.get(pos) == Some(&b'"') {
            let mut value = String::new();
            let mut i = pos + 1;
            loop {
                let rest = &line[i..];
                let q = rest.find('"')?;
                value.push_str(&rest[..q]);
                i += q + 1;
                match bytes.get(i) {
                    Some(b'"') => {
                        value.push('"');
                        i += 1;
                    }
                    Some(b',') | None => break,
                    Some(_) => return None,
                }
            }
            fields.push(CsvField {
                start: pos,
                end: i,
                unquoted: Some(value),
            });
            pos = i;
        } else {
            let end = line[pos..].find(',').map_or(line.len(), |i| pos + i);
            if line[pos..end].contains('"') {
                return None;
            }
            fields.push(CsvField {
                start: pos,
                end,
                unquoted: None,
            });
            pos = end;
        }
        if pos >= line.len() {
            return Some(fields);
        }
        pos += 1; // the comma
        if pos == line.len() {
            fields.push(CsvField {
                start: pos,
                end: pos,
                unquoted: None,
            });
            return Some(fields);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn csv_follows_go() {
        let f = csv_fields(r#"type=cache,"target=/a,b",id="#).unwrap();
        assert_eq!(f.len(), 3);
        assert_eq!(f[1].unquoted.as_deref(), Some("target=/a,b"));
        assert_eq!((f[2].start, f[2].end), (25, 28));
        let f = csv_fields(r#""a""b",c,"#).unwrap();
        assert_eq!(f[0].unquoted.as_deref(), Some("a\"b"));
        assert_eq!(f.len(), 3);
        assert!(csv_fields(r#"a"b"#).is_none());
        assert!(csv_fields(r#""ab"c"#).is_none());
        assert!(csv_fields(r#""ab"#).is_none());
        assert!(csv_fields("").is_none());
    }

    #[test]
    fn cache_mount_in_any_order() {
        let src = "RUN --mount=target=/root/.cache/pip,type=cache,sharing=locked,id=pip \\\n  pip install x\n";
        let file = parse(src);
        let flags = RunFlags::of(&file.instructions[0]);
        let m = &flags.mounts[0];
        assert_eq!(m.kind, MountType::Cache);
        assert_eq!(
            m.target.as_ref().map(|t| &*t.value),
            Some("/root/.cache/pip")
        );
        assert_eq!(
            m.target.as_ref().map(|t| t.range.slice(src)),
            Some("/root/.cache/pip")
        );
        assert_eq!(m.sharing, Some(Sharing::Locked));
        assert_eq!(m.cache_id(), Some("pip"));
        assert!(!m.readonly);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert!(flags.cache_mount_at("/root/.cache/pip/").is_some());
    }

    #[test]
    fn defaults_and_aliases() {
        let src = "RUN --mount=src=go.mod,dst=/src/go.mod --mount=type=secret,id=npmrc,env=NPMRC,required \\\n  --mount=type=TMPFS,destination=/tmp,size=64m,rw=false --network=none --security=insecure true\n";
        let file = parse(src);
        let flags = RunFlags::of(&file.instructions[0]);
        let [bind, secret, tmpfs] = flags.mounts.as_slice() else {
            panic!("three mounts expected: {:?}", flags.mounts);
        };
        assert_eq!(bind.kind, MountType::Bind);
        assert!(bind.readonly);
        assert_eq!(bind.source.as_ref().map(|v| &*v.value), Some("go.mod"));
        assert_eq!(secret.kind, MountType::Secret);
        assert!(secret.required && secret.readonly);
        assert_eq!(secret.env.as_ref().map(|v| &*v.value), Some("NPMRC"));
        assert_eq!(tmpfs.kind, MountType::Tmpfs);
        assert!(tmpfs.readonly);
        assert_eq!(tmpfs.size.as_ref().map(|v| &*v.value), Some("64m"));
        assert!(secret.problems.is_empty() && tmpfs.problems.is_empty());
        assert_eq!(
            flags.network.as_ref().and_then(|n| n.kind),
            Some(Network::None)
        );
        assert_eq!(
            flags.security.as_ref().and_then(|s| s.kind),
            Some(Security::Insecure)
        );
    }

    #[test]
    fn quoted_flag_values_are_unquoted_first() {
        let src = "RUN --mount=\"type=cache,target=/var/cache/apt\" --mount=type=bind,\"source=a,b\",target=/x true\n";
        let file = parse(src);
        let flags = RunFlags::of(&file.instructions[0]);
        assert_eq!(flags.mounts[0].kind, MountType::Cache);
        assert_eq!(
            flags.mounts[0].target.as_ref().map(|t| &*t.value),
            Some("/var/cache/apt")
        );
        // The flag value loses its quotes before the CSV reader sees it.
        assert_eq!(flags.mounts[1].options.len(), 4);
        assert!(
            flags.mounts[1]
                .problems
                .iter()
                .any(|p| matches!(p, MountProblem::MissingValue { key, .. } if key == "b"))
        );
    }

    #[test]
    fn problems_buildkit_would_report() {
        let cases = [
            ("type=cache,required", "required"),
            ("type=bind,mode=0755", "mode"),
            ("type=nope", "type"),
            ("type=cache,sharing=maybe", "sharing"),
            ("type=cache,uid=x", "uid"),
            ("type=cache,foo=bar", "foo"),
            ("type=cache,target", "target"),
            ("type=secret", "secret"),
            ("from=$STAGE", "from"),
            ("type=cache,a\\\"b", "csv"),
        ];
        for (value, what) in cases {
            let src = format!("RUN --mount={value} true\n");
            let file = parse(&src);
            let flags = RunFlags::of(&file.instructions[0]);
            let problems = &flags.mounts[0].problems;
            let matched = problems.iter().any(|p| match p {
                MountProblem::Csv { .. } => what == "csv",
                MountProblem::InvalidSecret { .. } => what == "secret",
                MountProblem::VariableInFrom { .. } => what == "from",
                MountProblem::UnknownKey { key, .. }
                | MountProblem::MissingValue { key, .. }
                | MountProblem::InvalidValue { key, .. }
                | MountProblem::NotAllowed { key, .. } => key == what,
            });
            assert!(matched, "{value}: {problems:?}");
        }
    }
}
