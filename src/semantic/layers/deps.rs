//! Dependency installs in `RUN` scripts and the manifest files they read.
//!
//! An install that reads only a lock file and a manifest (`npm ci`,
//! `pip install -r requirements.txt`, `go mod download`…) can run before
//! the rest of the source is copied, so that editing the source keeps it
//! cached. This module recognises those commands and names their
//! manifests; installs of named packages (`npm install -g pm2`,
//! `pip install flask`) read no manifest and are not listed.

use crate::semantic::shell::programs::PIP;
use crate::semantic::shell::{Invocation, Script, ShellWord};
use crate::syntax::TextRange;

/// A file an install reads, relative to the directory it runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Manifest {
    /// Read when present (`package-lock.json`).
    Optional(&'static str),
    /// Every file matching a one-component wildcard (`*.csproj`).
    Glob(&'static str),
}

/// A dependency install found in a script.
#[derive(Clone, Debug)]
pub struct Install {
    /// The ecosystem (`npm`, `pip`, `go`…).
    pub tool: &'static str,
    /// The command as written, without wrappers (`npm ci`).
    pub command: String,
    /// Where the command is in the Dockerfile.
    pub range: TextRange,
    /// Index of the command in [`Script::commands`].
    pub command_index: usize,
    pub manifests: Vec<Manifest>,
    /// Requirement files named on the command line (`pip install -r x`).
    pub named: Vec<String>,
}

const NPM: &[Manifest] = &[
    Manifest::Optional("package.json"),
    Manifest::Optional("package-lock.json"),
    Manifest::Optional("npm-shrinkwrap.json"),
    Manifest::Optional(".npmrc"),
];
const YARN: &[Manifest] = &[
    Manifest::Optional("package.json"),
    Manifest::Optional("yarn.lock"),
    Manifest::Optional(".yarnrc"),
    Manifest::Optional(".yarnrc.yml"),
    Manifest::Optional(".npmrc"),
];
const PNPM: &[Manifest] = &[
    Manifest::Optional("package.json"),
    Manifest::Optional("pnpm-lock.yaml"),
    Manifest::Optional("pnpm-workspace.yaml"),
    Manifest::Optional(".npmrc"),
];
const POETRY: &[Manifest] = &[
    Manifest::Optional("pyproject.toml"),
    Manifest::Optional("poetry.lock"),
];
const PIPENV: &[Manifest] = &[
    Manifest::Optional("Pipfile"),
    Manifest::Optional("Pipfile.lock"),
];
const UV: &[Manifest] = &[
    Manifest::Optional("pyproject.toml"),
    Manifest::Optional("uv.lock"),
];
const GO: &[Manifest] = &[Manifest::Optional("go.mod"), Manifest::Optional("go.sum")];
const CARGO: &[Manifest] = &[
    Manifest::Optional("Cargo.toml"),
    Manifest::Optional("Cargo.lock"),
];
const BUNDLER: &[Manifest] = &[
    Manifest::Optional("Gemfile"),
    Manifest::Optional("Gemfile.lock"),
    Manifest::Glob("*.gemspec"),
];
const COMPOSER: &[Manifest] = &[
    Manifest::Optional("composer.json"),
    Manifest::Optional("composer.lock"),
];
const MAVEN: &[Manifest] = &[Manifest::Optional("pom.xml")];
const GRADLE: &[Manifest] = &[
    Manifest::Optional("build.gradle"),
    Manifest::Optional("build.gradle.kts"),
    Manifest::Optional("settings.gradle"),
    Manifest::Optional("settings.gradle.kts"),
    Manifest::Optional("gradle.properties"),
];
const DOTNET: &[Manifest] = &[
    Manifest::Glob("*.sln"),
    Manifest::Glob("*.csproj"),
    Manifest::Glob("*.fsproj"),
    Manifest::Glob("*.vbproj"),
    Manifest::Optional("NuGet.Config"),
    Manifest::Optional("nuget.config"),
    Manifest::Optional("Directory.Build.props"),
    Manifest::Optional("Directory.Packages.props"),
    Manifest::Optional("global.json"),
];
const MIX: &[Manifest] = &[
    Manifest::Optional("mix.exs"),
    Manifest::Optional("mix.lock"),
];

/// The manifest-driven installs of a script, in order.
pub fn installs(script: &Script<'_>) -> Vec<Install> {
    script
        .invocations()
        .filter_map(|inv| recognise(&inv))
        .collect()
}

fn recognise(inv: &Invocation<'_, '_>) -> Option<Install> {
    let args: Vec<&str> = inv
        .args
        .iter()
        .map(|w| w.static_value().unwrap_or("$"))
        .collect();
    let operands: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let first = operands.first().copied();
    let mut named = Vec::new();
    let (tool, manifests): (&'static str, &'static [Manifest]) = match inv.program() {
        "npm" => match first {
            Some("ci" | "clean-install" | "ic" | "install-clean") => ("npm", NPM),
            Some("install" | "i" | "add")
                if operands.len() == 1 && !has(&args, &["-g", "--global"]) =>
            {
                ("npm", NPM)
            }
            _ => return None,
        },
        "yarn" => match first {
            None if args.iter().all(|a| a.starts_with('-')) => ("yarn", YARN),
            Some("install") if operands.len() == 1 => ("yarn", YARN),
            _ => return None,
        },
        "pnpm" => match first {
            Some("install" | "i") if operands.len() == 1 => ("pnpm", PNPM),
            Some("fetch") => ("pnpm", PNPM),
            _ => return None,
        },
        "pip" | "pip3" | "pip2" => {
            let parsed = PIP.parse(inv.args);
            if !parsed.is_install() {
                return None;
            }
            named = parsed.values("requirement").map(str::to_owned).collect();
            if named.is_empty() || !parsed.packages().is_empty() {
                return None;
            }
            if named.iter().any(|n| n.contains('$')) {
                return None;
            }
            ("pip", &[])
        }
        "poetry" => match first {
            Some("install") => ("poetry", POETRY),
            _ => return None,
        },
        "pipenv" => match first {
            Some("install" | "sync") if operands.len() == 1 => ("pipenv", PIPENV),
            _ => return None,
        },
        "uv" => match first {
            Some("sync") => ("uv", UV),
            Some("pip") if operands.get(1) == Some(&"install") => {
                let requirement = args
                    .iter()
                    .position(|a| matches!(*a, "-r" | "--requirement"))
                    .and_then(|i| args.get(i + 1));
                match requirement {
                    Some(r) if !r.contains('$') => {
                        named.push((*r).to_owned());
                        ("uv", &[])
                    }
                    _ => return None,
                }
            }
            _ => return None,
        },
        "go" => match (first, operands.get(1)) {
            (Some("mod"), Some(&"download")) => ("go", GO),
            _ => return None,
        },
        "cargo" => match first {
            Some("fetch") => ("cargo", CARGO),
            Some("chef") if operands.get(1) == Some(&"cook") => ("cargo", CARGO),
            _ => return None,
        },
        "bundle" | "bundler" => match first {
            Some("install") => ("bundler", BUNDLER),
            _ => return None,
        },
        "composer" | "composer.phar" => match first {
            Some("install") => ("composer", COMPOSER),
            _ => return None,
        },
        "mvn" | "mvnw"
            if operands.iter().any(|o| {
                matches!(
                    *o,
                    "dependency:go-offline" | "dependency:resolve" | "dependency:resolve-plugins"
                )
            }) =>
        {
            ("maven", MAVEN)
        }
        "gradle" | "gradlew"
            if operands.contains(&"dependencies") || has(&args, &["--refresh-dependencies"]) =>
        {
            ("gradle", GRADLE)
        }
        "dotnet" => match first {
            Some("restore") if operands.len() == 1 => ("dotnet", DOTNET),
            _ => return None,
        },
        "mix" => match first {
            Some("deps.get") => ("mix", MIX),
            _ => return None,
        },
        _ => return None,
    };
    let words: Vec<&str> = std::iter::once(inv.name)
        .chain(inv.args.iter())
        .map(|w: &ShellWord<'_>| w.raw.as_ref())
        .collect();
    let range = inv
        .args
        .last()
        .map_or(inv.name.range, |last| inv.name.range.cover(last.range));
    Some(Install {
        tool,
        command: words.join(" "),
        range,
        command_index: inv.index,
        manifests: manifests.to_vec(),
        named,
    })
}

fn has(args: &[&str], options: &[&str]) -> bool {
    args.iter().any(|a| options.contains(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::shell::ShellText;

    fn found(script: &str) -> Vec<(&'static str, String, Vec<String>)> {
        let source = format!("RUN {script}");
        let text = ShellText::verbatim(&source, TextRange::from_usize(4, source.len()));
        installs(&Script::parse(&text))
            .into_iter()
            .map(|i| (i.tool, i.command, i.named))
            .collect()
    }

    #[test]
    fn recognises_manifest_installs() {
        for (script, tool) in [
            ("npm ci", "npm"),
            ("npm install --omit=dev", "npm"),
            ("yarn --frozen-lockfile", "yarn"),
            ("yarn install --immutable", "yarn"),
            ("pnpm install --frozen-lockfile", "pnpm"),
            ("poetry install --no-root", "poetry"),
            ("pipenv install --deploy --system", "pipenv"),
            ("uv sync --frozen", "uv"),
            ("go mod download", "go"),
            ("cargo fetch", "cargo"),
            ("bundle install --jobs 4", "bundler"),
            ("composer install --no-dev", "composer"),
            ("mvn -B dependency:go-offline", "maven"),
            ("./gradlew dependencies --no-daemon", "gradle"),
            ("dotnet restore", "dotnet"),
            ("mix deps.get --only prod", "mix"),
            ("sudo npm ci", "npm"),
        ] {
            let got = found(script);
            assert_eq!(got.len(), 1, "{script}: {got:?}");
            assert_eq!(got[0].0, tool, "{script}");
        }
        assert_eq!(
            found("pip install --no-cache-dir -r requirements/prod.txt")[0].2,
            vec!["requirements/prod.txt".to_owned()]
        );
    }

    #[test]
    fn skips_installs_of_named_packages() {
        for script in [
            "npm install -g pm2",
            "npm install express",
            "yarn add react",
            "pip install flask",
            "pip install -r requirements.txt flask",
            "pip install -r $REQS",
            "go get example.com/x",
            "go build ./...",
            "cargo build --release",
            "composer require monolog/monolog",
            "mvn package",
            "dotnet restore app.csproj",
            "npm run build",
        ] {
            assert!(found(script).is_empty(), "{script}");
        }
    }
}
