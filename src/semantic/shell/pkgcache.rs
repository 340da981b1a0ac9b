//! Package managers as the cache advisor sees them: which family a program
//! belongs to, whether a run refreshes the package index, installs (or
//! otherwise reads the index), and where the manager keeps its download
//! cache.

use super::invocation::Invocation;
use super::programs::spec_for;

/// A package manager (a family of programs sharing an index and a cache).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Manager {
    Apt,
    Apk,
    /// yum, dnf, microdnf, tdnf.
    Rpm,
    Zypper,
    Pip,
    Uv,
    Poetry,
    Npm,
    Yarn,
    Pnpm,
    Go,
    Cargo,
    Maven,
    Gradle,
    Bundler,
    Gem,
    Composer,
}

/// What one run of a package manager does to its index and cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Downloads the package index only (`apt-get update`, `apk update`,
    /// `dnf makecache`, `zypper refresh`).
    IndexUpdate,
    /// Installs (or otherwise downloads) packages.
    Install,
    /// Reads the index without installing (`apt-cache policy`, `apk
    /// search`, upgrades).
    UsesIndex,
    /// Anything else (removal, configuration…).
    Other,
}

impl Manager {
    /// The family of a program basename.
    pub fn of(program: &str) -> Option<Manager> {
        Some(match program {
            "apt-get" | "apt" | "aptitude" | "apt-cache" => Manager::Apt,
            "apk" => Manager::Apk,
            "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" => Manager::Rpm,
            "zypper" => Manager::Zypper,
            "pip" | "pip3" | "pip2" => Manager::Pip,
            "uv" => Manager::Uv,
            "poetry" => Manager::Poetry,
            "npm" => Manager::Npm,
            "yarn" => Manager::Yarn,
            "pnpm" => Manager::Pnpm,
            "go" => Manager::Go,
            "cargo" => Manager::Cargo,
            "mvn" | "mvnw" => Manager::Maven,
            "gradle" | "gradlew" => Manager::Gradle,
            "bundle" | "bundler" => Manager::Bundler,
            "gem" => Manager::Gem,
            "composer" => Manager::Composer,
            _ => return None,
        })
    }

    /// The name users know it by.
    pub fn name(self) -> &'static str {
        match self {
            Manager::Apt => "apt",
            Manager::Apk => "apk",
            Manager::Rpm => "dnf/yum",
            Manager::Zypper => "zypper",
            Manager::Pip => "pip",
            Manager::Uv => "uv",
            Manager::Poetry => "poetry",
            Manager::Npm => "npm",
            Manager::Yarn => "yarn",
            Manager::Pnpm => "pnpm",
            Manager::Go => "go",
            Manager::Cargo => "cargo",
            Manager::Maven => "maven",
            Manager::Gradle => "gradle",
            Manager::Bundler => "bundler",
            Manager::Gem => "gem",
            Manager::Composer => "composer",
        }
    }

    /// A system package manager (with an index refreshed separately).
    pub fn is_system(self) -> bool {
        matches!(
            self,
            Manager::Apt | Manager::Apk | Manager::Rpm | Manager::Zypper
        )
    }

    /// Where the manager keeps downloads between runs, for a root user
    /// with the official images' defaults; the first is the one to mount.
    pub fn cache_dirs(self) -> &'static [&'static str] {
        match self {
            Manager::Apt => &["/var/cache/apt", "/var/lib/apt"],
            Manager::Apk => &["/var/cache/apk", "/etc/apk/cache"],
            Manager::Rpm => &["/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"],
            Manager::Zypper => &["/var/cache/zypp"],
            Manager::Pip => &["/root/.cache/pip", "/root/.cache"],
            Manager::Uv => &["/root/.cache/uv", "/root/.cache"],
            Manager::Poetry => &["/root/.cache/pypoetry", "/root/.cache"],
            Manager::Npm => &["/root/.npm"],
            Manager::Yarn => &[
                "/usr/local/share/.cache/yarn",
                "/root/.cache/yarn",
                "/root/.yarn/berry/cache",
            ],
            Manager::Pnpm => &["/root/.local/share/pnpm/store", "/pnpm/store"],
            Manager::Go => &["/go/pkg/mod", "/root/.cache/go-build"],
            Manager::Cargo => &[
                "/usr/local/cargo/registry",
                "/usr/local/cargo/git",
                "/root/.cargo/registry",
            ],
            Manager::Maven => &["/root/.m2", "/root/.m2/repository"],
            Manager::Gradle => &["/root/.gradle", "/home/gradle/.gradle"],
            Manager::Bundler | Manager::Gem => &["/usr/local/bundle/cache", "/root/.gem"],
            Manager::Composer => &[
                "/root/.composer/cache",
                "/tmp/cache",
                "/root/.cache/composer",
            ],
        }
    }
}

/// The subcommand: the first operand that is not an option. Good enough
/// for programs without an option table (their options rarely take a
/// separate value before the subcommand).
fn first_operand<'s>(inv: &'s Invocation<'_, '_>) -> Option<&'s str> {
    if let Some(subcommand) = inv.subcommand() {
        return subcommand.and_then(|w| w.static_value());
    }
    inv.args
        .iter()
        .filter_map(|w| w.static_value())
        .find(|w| !w.starts_with('-'))
}

/// What `inv` does, if its program is a package manager.
pub fn classify(inv: &Invocation<'_, '_>) -> Option<(Manager, Action)> {
    let manager = Manager::of(inv.program())?;
    let sub = first_operand(inv);
    let sub = sub.unwrap_or("");
    let action = match manager {
        Manager::Apt if inv.program() == "apt-cache" => Action::UsesIndex,
        Manager::Apt => match sub {
            "update" => Action::IndexUpdate,
            "install" | "reinstall" | "build-dep" | "source" | "download" | "satisfy" => {
                Action::Install
            }
            "upgrade" | "dist-upgrade" | "full-upgrade" | "policy" | "show" | "search"
            | "changelog" | "check" => Action::UsesIndex,
            _ => Action::Other,
        },
        Manager::Apk => match sub {
            "update" => Action::IndexUpdate,
            "add" | "fetch" => Action::Install,
            "upgrade" | "fix" | "search" | "policy" | "dot" | "info" | "list" => Action::UsesIndex,
            _ => Action::Other,
        },
        Manager::Rpm => match sub {
            "makecache" | "check-update" => Action::IndexUpdate,
            "install" | "in" | "groupinstall" | "localinstall" | "reinstall" | "builddep"
            | "download" => Action::Install,
            "update" | "upgrade" | "distro-sync" | "search" | "list" | "info" | "provides"
            | "repoquery" | "group" => Action::UsesIndex,
            _ => Action::Other,
        },
        Manager::Zypper => match sub {
            "refresh" | "ref" => Action::IndexUpdate,
            "install" | "in" | "source-install" | "si" => Action::Install,
            "update" | "up" | "dist-upgrade" | "dup" | "patch" | "search" | "se" | "info" => {
                Action::UsesIndex
            }
            _ => Action::Other,
        },
        Manager::Pip => match sub {
            "install" | "download" | "wheel" => Action::Install,
            _ => Action::Other,
        },
        Manager::Uv => match sub {
            "sync" | "pip" | "tool" | "run" => Action::Install,
            _ => Action::Other,
        },
        Manager::Poetry => match sub {
            "install" | "add" | "update" | "lock" => Action::Install,
            _ => Action::Other,
        },
        Manager::Npm => match sub {
            _ if spec_for("npm").is_some_and(|s| s.install.contains(&sub)) => Action::Install,
            _ => Action::Other,
        },
        Manager::Yarn => match sub {
            // A bare `yarn` installs.
            "" | "install" | "add" => Action::Install,
            _ => Action::Other,
        },
        Manager::Pnpm => match sub {
            "install" | "i" | "add" | "fetch" => Action::Install,
            _ => Action::Other,
        },
        Manager::Go => match sub {
            "build" | "install" | "get" | "test" => Action::Install,
            "mod" if inv.args.iter().any(|w| w.is("download") || w.is("tidy")) => Action::Install,
            _ => Action::Other,
        },
        Manager::Cargo => match sub {
            "build" | "install" | "fetch" | "test" | "b" | "t" => Action::Install,
            _ => Action::Other,
        },
        Manager::Maven | Manager::Gradle => {
            let goals = inv.args.iter().filter_map(|w| w.static_value());
            let mut goals = goals.filter(|w| !w.starts_with('-'));
            if goals.next().is_some() {
                Action::Install
            } else {
                Action::Other
            }
        }
        Manager::Bundler => match sub {
            "" | "install" => Action::Install,
            _ => Action::Other,
        },
        Manager::Gem => match sub {
            "install" | "i" => Action::Install,
            _ => Action::Other,
        },
        Manager::Composer => match sub {
            "install" | "update" | "require" | "create-project" => Action::Install,
            _ => Action::Other,
        },
    };
    Some((manager, action))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::shell::script::Script;
    use crate::semantic::shell::text::ShellText;
    use crate::syntax::TextRange;

    fn actions(script: &str) -> Vec<(Manager, Action)> {
        let source = format!("RUN {script}");
        let text = ShellText::verbatim(&source, TextRange::from_usize(4, source.len()));
        let parsed = Script::parse(&text);
        parsed.invocations().filter_map(|i| classify(&i)).collect()
    }

    #[test]
    fn classifies_runs() {
        assert_eq!(
            actions("apt-get -qq update && sudo apt-get install -y x"),
            vec![
                (Manager::Apt, Action::IndexUpdate),
                (Manager::Apt, Action::Install)
            ]
        );
        assert_eq!(
            actions("apk update; apk upgrade"),
            vec![
                (Manager::Apk, Action::IndexUpdate),
                (Manager::Apk, Action::UsesIndex)
            ]
        );
        assert_eq!(
            actions("dnf -y makecache"),
            vec![(Manager::Rpm, Action::IndexUpdate)]
        );
        assert_eq!(
            actions("zypper --non-interactive refresh"),
            vec![(Manager::Zypper, Action::IndexUpdate)]
        );
        assert_eq!(
            actions("python3 -m pip install x"),
            vec![(Manager::Pip, Action::Install)]
        );
        assert_eq!(actions("yarn"), vec![(Manager::Yarn, Action::Install)]);
        assert_eq!(
            actions("go mod download"),
            vec![(Manager::Go, Action::Install)]
        );
        assert_eq!(actions("go version"), vec![(Manager::Go, Action::Other)]);
        assert_eq!(
            actions("./mvnw -B package"),
            vec![(Manager::Maven, Action::Install)]
        );
        assert!(actions("echo apt-get update").is_empty());
    }
}
