use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::context::Missing;
use crate::semantic::layers::copy_sources;
use crate::syntax::Instruction;

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` source that the build context's
    /// `.dockerignore` excludes: a file or directory named by the source, or
    /// every match of a wildcard. `!` exceptions are applied as Docker
    /// applies them (the last matching pattern wins), so a file re-included
    /// by `!pattern` is not flagged. Runs only when the build context is
    /// known.
    ///
    /// ## Why is this bad?
    /// Excluded files are never sent to the builder. A `COPY` that names one
    /// fails with "not found" even though the file is right there in the
    /// project, and a wildcard that only matches excluded files silently
    /// copies nothing. Either the ignore pattern is too broad or the `COPY`
    /// is stale.
    ///
    /// ## Example
    /// With a `.dockerignore` holding `*.md`:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY README.md /usr/share/nginx/html/
    /// ```
    ///
    /// Use instead (or add `!README.md` to `.dockerignore`):
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY index.html /usr/share/nginx/html/
    /// ```
    ///
    /// ## Differences from BuildKit
    /// BuildKit's `CopyIgnoredFile` check compares sources with the
    /// patterns without their `!` exceptions, so it warns about files that
    /// are in fact re-included; this rule asks the same matcher the build
    /// uses.
    pub struct CopyIgnoredFile { source: String, pattern: String, line: usize, files: Vec<String> }
    code = "LL501", name = "copy-ignored-file", aliases = ["CopyIgnoredFile"],
    category = Correctness, severity = Error, fix = None,
    visits = [Copy, Add],
}

impl Violation for CopyIgnoredFile {
    fn message(&self) -> String {
        let named = match self.files.as_slice() {
            [] => String::new(),
            [one] if *one == self.source => String::new(),
            files => format!(" ({})", summarise(files)),
        };
        format!(
            "`{}`{named} is excluded by `.dockerignore` pattern `{}` (line {}), so the build cannot copy it",
            self.source, self.pattern, self.line
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "Remove the source, or re-include it in `.dockerignore` with a `!` pattern".to_string(),
        )
    }
}

/// Up to three paths, then how many more.
pub(crate) fn summarise(files: &[String]) -> String {
    let mut shown: Vec<String> = files.iter().take(3).map(|f| format!("`{f}`")).collect();
    if files.len() > 3 {
        shown.push(format!("{} more", files.len() - 3));
    }
    shown.join(", ")
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let Some(context) = checker.context() else {
        return;
    };
    if inst.flag("from").is_some() {
        return;
    }
    let index = checker.instruction_index();
    for source in copy_sources(inst) {
        let Some(value) = checker
            .vars()
            .expand(index, source)
            .ok()
            .and_then(|e| e.known().map(str::to_owned))
        else {
            continue;
        };
        let Ok(files) = context.resolve_source(&value) else {
            continue;
        };
        let excluded_only = match files.missing {
            Some(Missing::Excluded) => true,
            Some(Missing::NoWildcardMatch) => files.excluded().next().is_some(),
            _ => false,
        };
        if !excluded_only || files.incomplete {
            continue;
        }
        let pattern = files
            .excluded()
            .next()
            .map(|e| e.pattern)
            .or_else(|| context.excluded_by(&files.path));
        let Some(pattern) = pattern else {
            continue;
        };
        let violation = CopyIgnoredFile {
            source: source.value.to_string(),
            pattern: pattern.source().to_string(),
            line: pattern.line(),
            files: if files.wildcard {
                files
                    .excluded()
                    .map(|e| e.entry.path().to_string())
                    .collect()
            } else {
                Vec::new()
            },
        };
        checker.report(violation, source.range);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{Cases, test_rule_in_context};

    #[test]
    fn cases() {
        test_rule_in_context(
            &super::RULE,
            &[
                (
                    ".dockerignore",
                    "*.md\n!CHANGELOG.md\nsecrets/\nlogs\n**/*.log\n",
                ),
                ("README.md", "# app\n"),
                ("CHANGELOG.md", "# changes\n"),
                ("index.html", "<html></html>\n"),
                ("secrets/key.pem", "-----\n"),
                ("logs/a.log", "x\n"),
                ("src/app.js", "x\n"),
                ("src/debug.log", "x\n"),
            ],
            Cases {
                bad: &[
                    "FROM nginx:1.27\nCOPY README.md /usr/share/nginx/html/\n",
                    "FROM alpine\nCOPY secrets/key.pem /etc/ssl/\n",
                    "FROM alpine\nCOPY secrets /etc/secrets\n",
                    "FROM alpine\nADD src/*.log /logs/\n",
                    "FROM alpine\nARG DIR=logs\nCOPY ${DIR} /var/log/app\n",
                    "FROM alpine\nCOPY index.html src/debug.log /srv/\n",
                ],
                good: &[
                    "FROM nginx:1.27\nCOPY index.html /usr/share/nginx/html/\n",
                    "FROM alpine\nCOPY CHANGELOG.md /docs/\n",
                    "FROM alpine\nCOPY . /app\n",
                    "FROM alpine\nCOPY src /app/src\n",
                    "FROM alpine\nADD *.md /docs/\n",
                    "FROM alpine AS build\nRUN touch /README.md\nFROM alpine\nCOPY --from=build /README.md /\n",
                    "FROM alpine\nCOPY missing.txt /\n",
                    "FROM alpine\nCOPY $UNKNOWN /\n",
                    "FROM alpine\nCOPY <<EOF /README.md\nhi\nEOF\n",
                ],
                fixes: &[],
            },
        );
    }
}
