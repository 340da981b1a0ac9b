//! Where instructions write in the image's file system, for the size rules:
//! the `WORKDIR` in force, the paths `COPY`/`ADD` write, and the stages
//! whose layers end up in the image.

use crate::semantic::vars::VarModel;
use crate::semantic::{Stage, Stages};
use crate::syntax::{Args, Dockerfile, Keyword, Word};
use std::rc::Rc;

/// `path` made absolute against `base` (when relative), with `.`, `..`,
/// repeated and trailing `/` resolved.
pub fn resolve(base: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{base}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Directories many steps write into (package installs, other copies), so
/// a path inside one is not known to come from a given `COPY`.
pub const SHARED_DIRS: &[&str] = &[
    "/",
    "/etc",
    "/usr",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/lib",
    "/usr/local/share",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/share",
    "/bin",
    "/sbin",
    "/lib",
    "/var",
    "/var/lib",
    "/opt",
    "/tmp",
    "/root",
    "/home",
    "/srv",
    "/run",
];

/// `inner` is `outer` or below it (both resolved).
pub fn is_within(inner: &str, outer: &str) -> bool {
    outer == "/"
        || inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The value of `word`, expanded when it uses variables and fully known.
fn known_value(vars: &VarModel, index: usize, word: &Word) -> Option<String> {
    if !word.value.contains('$') {
        return Some(word.value.to_string());
    }
    vars.expand(index, word).ok()?.known().map(str::to_owned)
}

/// The `WORKDIR` in force at each instruction of `stage` (indexed from
/// `stage.from`); `None` once it depends on an unknown value. A stage
/// starts at `/` (the base image's own `WORKDIR` is not known).
pub fn workdirs(file: &Dockerfile, stage: &Stage, vars: &VarModel) -> Vec<Option<Rc<str>>> {
    let mut current: Option<Rc<str>> = Some("/".into());
    let mut out = Vec::with_capacity(stage.end - stage.from);
    for index in stage.from..stage.end {
        out.push(current.clone());
        let inst = &file.instructions[index];
        if inst.kind != Keyword::Workdir {
            continue;
        }
        let Args::Text { text: Some(text) } = &inst.args else {
            continue;
        };
        current = match known_value(vars, index, text) {
            Some(dir) if dir.starts_with('/') => Some(resolve("/", &dir)),
            Some(dir) => current.map(|base| resolve(&base, &dir)),
            None => None,
        }
        // Past this no directory can exist; and thousands of relative
        // WORKDIRs would otherwise build ever longer paths, one per
        // instruction (quadratic time and memory).
        .filter(|dir| dir.len() <= PATH_MAX)
        .map(Rc::from);
    }
    out
}

/// The longest path Linux accepts, in bytes.
const PATH_MAX: usize = 4096;

/// What one `COPY`/`ADD` writes.
#[derive(Clone, Debug)]
pub struct CopyWrite {
    /// Instruction index.
    pub index: usize,
    /// The destination, resolved.
    pub dest: String,
    /// The destination is a directory that receives the sources (it ends
    /// in `/`, or there are several sources or a wildcard).
    pub into_dir: bool,
    /// The single files the copy names, resolved (`/app/run.sh` for
    /// `COPY run.sh /app/`), when a source's last component has an
    /// extension (so it is very likely a file).
    pub files: Vec<String>,
    /// The instruction has `--chown` / `--chmod`.
    pub chown: bool,
    pub chmod: bool,
    /// It copies from another stage or image.
    pub from: bool,
}

/// The `COPY`/`ADD`s of `stage` with the paths they write; those whose
/// destination is not known are left out.
pub fn copy_writes(file: &Dockerfile, stage: &Stage, vars: &VarModel) -> Vec<CopyWrite> {
    let dirs = workdirs(file, stage, vars);
    let mut out = Vec::new();
    for index in stage.from..stage.end {
        let inst = &file.instructions[index];
        if !matches!(inst.kind, Keyword::Copy | Keyword::Add) {
            continue;
        }
        let Args::Paths { paths, .. } = &inst.args else {
            continue;
        };
        let Some((dest_word, sources)) = paths.split_last() else {
            continue;
        };
        let Some(dest) = known_value(vars, index, dest_word) else {
            continue;
        };
        let base = dirs.get(index - stage.from).and_then(Option::as_deref);
        let resolved = match (dest.starts_with('/'), base) {
            (true, _) => resolve("/", &dest),
            (false, Some(base)) => resolve(base, &dest),
            (false, None) => continue,
        };
        let wildcard = sources.iter().any(|s| s.value.contains(['*', '?', '[']));
        let into_dir = dest.ends_with('/') || sources.len() > 1 || wildcard;
        let mut files = Vec::new();
        for source in sources {
            let name = source.value.trim_end_matches('/');
            let name = name.rsplit('/').next().unwrap_or(name);
            let has_extension = name
                .rfind('.')
                .is_some_and(|dot| dot > 0 && dot + 1 < name.len());
            if !has_extension || source.value.ends_with('/') || name.contains(['*', '?', '[', '$'])
            {
                continue;
            }
            files.push(if into_dir {
                resolve(&resolved, name)
            } else {
                resolved.clone()
            });
        }
        out.push(CopyWrite {
            index,
            dest: resolved,
            into_dir,
            files,
            chown: inst.flag("chown").is_some(),
            chmod: inst.flag("chmod").is_some(),
            from: inst.flag("from").is_some(),
        });
    }
    out
}

/// The stages whose layers are the image: the `target` stage (the last
/// one when `None`) and the stages it is built `FROM`, nearest first.
pub fn image_stages<'f, 's>(stages: &'f Stages<'s>, target: Option<&str>) -> Vec<&'f Stage<'s>> {
    let last = match target {
        Some(name) => stages.stages.iter().find(|s| {
            s.name
                .as_ref()
                .is_some_and(|n| n.value.eq_ignore_ascii_case(name))
        }),
        None => stages.stages.last(),
    };
    let mut chain: Vec<&'f Stage<'s>> = Vec::new();
    let mut current = last;
    while let Some(stage) = current {
        if chain.iter().any(|s| s.index == stage.index) {
            break;
        }
        chain.push(stage);
        current = stage
            .base
            .as_ref()
            .and_then(|base| stages.by_name(&base.value, stage.index));
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workdirs_longer_than_any_path_are_unknown() {
        let mut source = String::from("FROM a\n");
        source.push_str(&"WORKDIR app\n".repeat(5000));
        let file = crate::syntax::parse(&source);
        let stages = Stages::new(&file);
        let vars = VarModel::new(
            &file,
            &stages,
            &crate::semantic::vars::VarOptions::default(),
        );
        let dirs = workdirs(&file, &stages.stages[0], &vars);
        // The directory in force at each instruction: `/` at FROM and the
        // first WORKDIR, `/app` at the second.
        assert_eq!(dirs[3].as_deref(), Some("/app/app"));
        assert!(dirs.iter().flatten().all(|d| d.len() <= PATH_MAX));
        assert_eq!(dirs.last(), Some(&None));
    }

    #[test]
    fn resolves_paths() {
        assert_eq!(resolve("/app", "src/"), "/app/src");
        assert_eq!(resolve("/app", "./"), "/app");
        assert_eq!(resolve("/app", "/etc//x/"), "/etc/x");
        assert_eq!(resolve("/app", "../x"), "/x");
        assert_eq!(resolve("/", "."), "/");
        assert!(is_within("/app/a", "/app"));
        assert!(is_within("/app", "/app"));
        assert!(!is_within("/apple", "/app"));
        assert!(is_within("/x", "/"));
    }
}
