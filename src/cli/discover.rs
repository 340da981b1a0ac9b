//! Which files `check` lints: the paths given, with directories searched
//! for Dockerfiles (honouring `.gitignore`, also outside a git repository).

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use super::error::CliError;

/// One thing to lint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// Standard input (`-`).
    Stdin,
    File(PathBuf),
}

/// The inputs found, sorted and without duplicates, and the paths that
/// could not be searched.
#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub errors: Vec<CliError>,
}

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Containerfile`,
/// `*.Dockerfile`, `*.dockerfile`, `Dockerfile.*`, `Containerfile.*`; never
/// a `*.dockerignore`.
pub fn is_dockerfile_name(name: &str) -> bool {
    if name.ends_with(".dockerignore") {
        return false;
    }
    matches!(name, "Dockerfile" | "Containerfile")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
}

/// How many paths make looking them up in parallel worth it.
const PARALLEL_LOOKUPS: usize = 64;

/// Resolves the command line's paths (`.` when none) into inputs. Files
/// named explicitly are linted whatever their name; directories are walked.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    // Each path is looked up on the thread pool when there are many (a
    // whole repository's files named by a hook or `xargs`): one `stat`
    // after another is a noticeable part of such a run.
    let metadata = |path: &PathBuf| (path.as_os_str() != "-").then(|| std::fs::metadata(path));
    let looked_up: Vec<_> = if paths.len() >= PARALLEL_LOOKUPS {
        paths.par_iter().map(metadata).collect()
    } else {
        paths.iter().map(metadata).collect()
    };
    let mut found = Discovered::default();
    for (path, meta) in paths.iter().zip(looked_up) {
        let Some(meta) = meta else {
            found.inputs.push(Input::Stdin);
            continue;
        };
        match meta {
            Err(source) => found.errors.push(CliError::Read {
                path: path.clone(),
                source,
            }),
            Ok(meta) if meta.is_dir() => walk(path, &mut found),
            Ok(_) => found.inputs.push(Input::File(tidy(path))),
        }
    }
    found.inputs.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    found.inputs.dedup();
    found
}

fn sort_key(input: &Input) -> (bool, &Path) {
    match input {
        Input::Stdin => (false, Path::new("")),
        Input::File(p) => (true, p.as_path()),
    }
}

fn walk(dir: &Path, found: &mut Discovered) {
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .hidden(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry
                    .file_type()
                    .is_some_and(|t| t.is_file() || (t.is_symlink() && entry.path().is_file()));
                if is_file && entry.file_name().to_str().is_some_and(is_dockerfile_name) {
                    found.inputs.push(Input::File(tidy(entry.path())));
                }
            }
            Err(e) => found.errors.push(CliError::Walk {
                path: dir.to_path_buf(),
                message: e.to_string(),
            }),
        }
    }
}

/// Drops leading `./` components, so `.` walks report `a/Dockerfile`.
fn tidy(path: &Path) -> PathBuf {
    let rest: PathBuf = path
        .components()
        .skip_while(|c| matches!(c, Component::CurDir))
        .collect();
    if rest.as_os_str().is_empty() {
        path.to_path_buf()
    } else {
        rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for name in [
            "Dockerfile",
            "Containerfile",
            "api.Dockerfile",
            "api.dockerfile",
            "Dockerfile.dev",
            "Containerfile.arm64",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in [
            "Dockerfile.dockerignore",
            "api.Dockerfile.dockerignore",
            "dockerfile",
            "README.md",
            "Dockerfiles",
            "docker-compose.yml",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }

    #[test]
    fn tidy_drops_leading_dot() {
        assert_eq!(
            tidy(Path::new("./a/Dockerfile")),
            PathBuf::from("a/Dockerfile")
        );
        assert_eq!(tidy(Path::new(".")), PathBuf::from("."));
        assert_eq!(
            tidy(Path::new("/x/./Dockerfile")),
            PathBuf::from("/x/Dockerfile")
        );
    }

    #[test]
    fn many_paths_are_looked_up_as_few_are() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("Dockerfile"), "FROM a\n").unwrap();
        let mut paths = Vec::new();
        for i in 0..PARALLEL_LOOKUPS + 6 {
            let path = dir.path().join(format!("f{}", 99 - i));
            if i % 10 != 3 {
                std::fs::write(&path, "FROM a\n").unwrap();
            }
            paths.push(path);
            if i == 20 {
                paths.push(sub.clone());
                paths.push(PathBuf::from("-"));
            }
        }
        let errors = |found: &Discovered| -> Vec<String> {
            found.errors.iter().map(ToString::to_string).collect()
        };
        let many = discover(&paths);
        // Every file but the 7 missing, the directory's Dockerfile (for the
        // directory), standard input.
        assert_eq!(many.inputs.len(), paths.len() - 7);
        assert!(many.inputs.contains(&Input::Stdin));
        assert!(many.inputs.contains(&Input::File(sub.join("Dockerfile"))));
        // Missing files are reported in the order they were given.
        let missing: Vec<String> = paths
            .iter()
            .filter(|p| p.as_os_str() != "-" && !p.exists())
            .map(|p| format!("{}", p.display()))
            .collect();
        assert_eq!(missing.len(), 7);
        let reported = errors(&many);
        assert_eq!(reported.len(), missing.len());
        for (error, path) in reported.iter().zip(&missing) {
            assert!(error.contains(path.as_str()), "{error} names {path}");
        }
        // The same as one path at a time.
        let mut one_by_one = Discovered::default();
        for path in &paths {
            let found = discover(std::slice::from_ref(path));
            one_by_one.inputs.extend(found.inputs);
            one_by_one.errors.extend(found.errors);
        }
        one_by_one
            .inputs
            .sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        assert_eq!(many.inputs, one_by_one.inputs);
        assert_eq!(errors(&many), errors(&one_by_one));
    }
}
