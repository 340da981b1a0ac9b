//! What DL3033 (yum) and DL3041 (dnf, microdnf) share: finding the packages
//! and modules an install leaves unpinned, and how to say so.

use crate::engine::Checker;
use crate::semantic::shell::rpm::{RpmAction, RpmCommand, operand_packages, rpm_package_pinned};
use crate::syntax::TextRange;

/// A package (or module, without a stream) installed without a version.
#[derive(Debug)]
pub struct Unpinned {
    pub package: String,
    pub module: bool,
    /// The word it came from, when that was a variable (`$PKGS`).
    pub via: Option<String>,
    pub range: TextRange,
}

/// The unpinned packages of the visited `RUN`'s installs by `programs`.
pub fn unpinned(checker: &Checker, programs: &[&str]) -> Vec<Unpinned> {
    let index = checker.instruction_index();
    let Some(script) = checker
        .shell()
        .run(index)
        .and_then(|run| run.script.as_ref())
    else {
        return Vec::new();
    };
    let vars = checker.vars();
    let outer = |name: &str| {
        vars.lookup(index, name)
            .and_then(|b| b.value.known())
            .map(str::to_string)
    };
    let mut found = Vec::new();
    for cmd in RpmCommand::all_in(script, programs) {
        let module = match cmd.action {
            RpmAction::Install => false,
            RpmAction::ModuleInstall => true,
            _ => continue,
        };
        for word in &cmd.operands {
            let packages = operand_packages(script, cmd.invocation.index, word, &outer, |p| {
                rpm_package_pinned(p, module)
            });
            for (package, pinned) in packages {
                // Groups (`@group`) and patterns over every package (`*`)
                // cannot be pinned.
                if !pinned && !package.starts_with(['@', '*', '?', '[']) {
                    found.push(Unpinned {
                        package,
                        module,
                        via: (!word.is_static()).then(|| word.raw.to_string()),
                        range: word.range,
                    });
                }
            }
        }
    }
    found
}

/// The finding's message.
pub fn message(package: &str, module: bool, via: Option<&str>) -> String {
    let via = via.map(|w| format!(" (from `{w}`)")).unwrap_or_default();
    if module {
        format!("Module `{package}`{via} is installed without a stream")
    } else {
        format!("`{package}`{via} is installed without a version")
    }
}

/// The finding's help.
pub fn help(package: &str, module: bool) -> String {
    if module {
        format!("Name the stream: `{package}:<stream>`")
    } else {
        format!("Pin the version: `{package}-<version>`")
    }
}
