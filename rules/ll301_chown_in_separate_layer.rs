use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::fix::{Edit, Fix};
use crate::semantic::shell::fsops::{
    CopyWrite, SHARED_DIRS, copy_writes, image_stages, is_within, resolve, workdirs,
};
use crate::semantic::shell::{Invocation, RunForm, ShellWord};
use crate::syntax::{Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags `chown` and `chmod` in a `RUN` that change files an earlier
    /// `COPY` or `ADD` of the same stage wrote: recursively on the copied
    /// directory (or a directory around or inside it), or on a copied file
    /// by name (`COPY entrypoint.sh /` then `RUN chmod +x /entrypoint.sh`).
    /// Only stages that end up in the image are checked (the last stage, or
    /// the `--target` stage, and the stages it is built `FROM`). A path
    /// inside a directory copied into a shared system directory (`COPY
    /// conf/ /etc/`, then `chown -R /etc/nginx`) is not counted: packages
    /// write there too, so the path is not known to come from the copy.
    ///
    /// ## Why is this bad?
    /// Changing a file's owner or mode in a new layer stores a second copy
    /// of the whole file in that layer: the image carries the copied tree
    /// twice. `COPY --chown=user:group` and `COPY --chmod=755` set them
    /// while copying, in one layer.
    ///
    /// The severity is *warning*: for a source tree or `node_modules` this
    /// easily doubles the size of the application layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY . .
    /// RUN chown -R node:node /app
    /// USER node
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY --chown=node:node . .
    /// USER node
    /// ```
    ///
    /// ## Fix safety
    /// When the `RUN` holds only this `chown` (or a `chmod` to an octal mode
    /// or `+x`), on exactly the destination of one `COPY`/`ADD` without
    /// `--chown` (or `--chmod`), the fix adds `--chown=…` (or `--chmod=…`;
    /// `+x` becomes `755`) to that instruction and deletes the `RUN`. It is
    /// unsafe: the `RUN` also changed files other steps put in the same
    /// directory and the directory itself when it already existed, which
    /// `COPY --chown` leaves alone; `--chmod` needs BuildKit.
    pub struct ChownInSeparateLayer { command: String, copy_line: u32 }
    code = "LL301", name = "chown-in-separate-layer", aliases = [],
    category = Size, severity = Warning, fix = Sometimes,
    visits = file,
}

impl Violation for ChownInSeparateLayer {
    fn message(&self) -> String {
        format!(
            "`{}` rewrites files copied on line {} into a new layer, storing them twice",
            self.command, self.copy_line
        )
    }

    fn help(&self) -> Option<String> {
        let flag = if self.command.starts_with("chmod") {
            "--chmod"
        } else {
            "--chown"
        };
        Some(format!("Set it while copying with `COPY {flag}=…`"))
    }
}

/// A `chown`/`chmod` run, read.
struct Change<'s, 'a> {
    chmod: bool,
    recursive: bool,
    /// Options other than `-R`, `-v`, `-f`, `-h` (`--from=`, `--reference=`).
    other_options: bool,
    spec: Option<&'s ShellWord<'a>>,
    paths: Vec<&'s ShellWord<'a>>,
}

fn read_change<'s, 'a>(inv: &Invocation<'s, 'a>) -> Option<Change<'s, 'a>> {
    let chmod = match inv.program() {
        "chown" => false,
        "chmod" => true,
        _ => return None,
    };
    let mut change = Change {
        chmod,
        recursive: false,
        other_options: false,
        spec: None,
        paths: Vec::new(),
    };
    let mut options_done = false;
    for word in inv.args {
        let value = word.value.as_ref();
        // chmod modes such as `-x` or `-R` clusters look like options.
        let option = !options_done
            && value.starts_with('-')
            && value.len() > 1
            && !(chmod
                && change.spec.is_none()
                && value[1..].chars().all(|c| "rwxXst".contains(c)));
        if option {
            if value == "--" {
                options_done = true;
            } else if value == "--recursive" {
                change.recursive = true;
            } else if let Some(cluster) = value.strip_prefix('-').filter(|c| !c.starts_with('-')) {
                change.recursive |= cluster.contains('R');
                change.other_options |= cluster.chars().any(|c| !"Rvfhc".contains(c));
            } else if !matches!(
                value,
                "--verbose" | "--silent" | "--quiet" | "--changes" | "--no-dereference"
            ) {
                change.other_options = true;
                if value.starts_with("--reference") {
                    // No spec operand follows.
                    change.spec = Some(word);
                }
            }
            continue;
        }
        if change.spec.is_none() {
            change.spec = Some(word);
        } else {
            change.paths.push(word);
        }
    }
    Some(change)
}

/// The copy whose files `path` (resolved) changes.
fn touches(change: &Change, path: &str, copy: &CopyWrite) -> bool {
    if change.recursive {
        is_within(&copy.dest, path)
            // Inside a copied directory; in `/etc` or `/usr/local` other
            // steps write too, so the path is not known to be copied.
            || (!copy.files.contains(&copy.dest)
                && !SHARED_DIRS.contains(&copy.dest.as_str())
                && is_within(path, &copy.dest))
            || copy.files.iter().any(|f| is_within(f, path))
    } else {
        copy.files.iter().any(|f| f == path)
    }
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    let vars = checker.vars();
    let shell = checker.shell();
    let target = checker.settings.options.target.clone();
    let mut found = Vec::new();
    for stage in image_stages(checker.stages, target.as_deref()) {
        let copies = copy_writes(file, stage, vars);
        let dirs = workdirs(file, stage, vars);
        for index in stage.from..stage.end {
            if file.instructions[index].kind != Keyword::Run {
                continue;
            }
            let Some(run) = shell.run(index) else {
                continue;
            };
            let Some(script) = run.script.as_ref() else {
                continue;
            };
            let workdir = dirs.get(index - stage.from).and_then(Option::as_deref);
            for inv in script.invocations() {
                let Some(change) = read_change(&inv) else {
                    continue;
                };
                for word in &change.paths {
                    let Some(value) = word.static_value() else {
                        continue;
                    };
                    let path = match (value.starts_with('/'), &workdir) {
                        (true, _) => resolve("/", value),
                        (false, Some(base)) => resolve(base, value),
                        (false, None) => continue,
                    };
                    let matched: Vec<&CopyWrite> = copies
                        .iter()
                        .filter(|c| c.index < index && touches(&change, &path, c))
                        .collect();
                    let Some(copy) = matched.last() else { continue };
                    let fix = fix_for(
                        checker,
                        index,
                        run.form == RunForm::Shell && script.commands.len() == 1,
                        &change,
                        &path,
                        &matched,
                    );
                    // The command with only the offending path.
                    let command: Vec<&str> = std::iter::once(&*inv.name.value)
                        .chain(
                            inv.args
                                .iter()
                                .filter(|a| {
                                    a.range == word.range
                                        || !change.paths.iter().any(|p| p.range == a.range)
                                })
                                .map(|a| &*a.value),
                        )
                        .collect();
                    let command = command.join(" ");
                    found.push((command, copy.index, word.range, fix));
                }
            }
        }
    }
    for (command, copy_index, range, fix) in found {
        let copy = &file.instructions[copy_index];
        let (copy_line, _) = file.lines_of(copy.range);
        let diagnostic = checker.report(ChownInSeparateLayer { command, copy_line }, range);
        diagnostic.with_related(copy.keyword.range, "the files are copied here");
        if let Some(fix) = fix {
            diagnostic.with_fix(fix);
        }
    }
}

fn fix_for(
    checker: &Checker,
    run_index: usize,
    only_command: bool,
    change: &Change,
    path: &str,
    matched: &[&CopyWrite],
) -> Option<Fix> {
    let [copy] = matched else { return None };
    let run = &checker.file.instructions[run_index];
    if !only_command
        || !run.heredocs.is_empty()
        || !run.flags.is_empty()
        || change.other_options
        || change.paths.len() != 1
        || (copy.dest != path && !copy.files.iter().any(|f| f == path))
    {
        return None;
    }
    let spec = change.spec?.static_value()?;
    let flag = if change.chmod {
        if copy.chmod {
            return None;
        }
        let mode = match spec {
            "+x" | "a+x" | "ugo+x" => "755",
            m if (3..=4).contains(&m.len()) && m.chars().all(|c| ('0'..='7').contains(&c)) => m,
            _ => return None,
        };
        format!(" --chmod={mode}")
    } else {
        if copy.chown
            || spec.is_empty()
            || !spec
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
        {
            return None;
        }
        format!(" --chown={spec}")
    };
    let source = checker.file.source;
    let copy_inst = &checker.file.instructions[copy.index];
    let rest = &source[run.range.end as usize..];
    let end = run.range.end + u32::try_from(rest.find('\n').map_or(rest.len(), |i| i + 1)).ok()?;
    Some(Fix::unsafe_edits(
        format!("Copy with `{}` and drop the `RUN`", flag.trim()),
        vec![
            Edit::insert(copy_inst.keyword.range.end, flag),
            Edit::delete(TextRange::new(run.range.start, end)),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN chown -R node:node /app\n",
                    "FROM python:3.12-slim\nWORKDIR /srv\nCOPY src/ ./src/\nRUN useradd app && chown -R app:app /srv && chmod -R 755 src\n",
                    "FROM alpine:3.20\nCOPY docker-entrypoint.sh /usr/local/bin/\nRUN chmod +x /usr/local/bin/docker-entrypoint.sh\n",
                    "FROM eclipse-temurin:21-jre\nCOPY target/app.jar /opt/app/app.jar\nRUN chmod 0644 /opt/app/app.jar\n",
                    "FROM ruby:3.3\nCOPY --chown=app . /app\nRUN chmod -R g+w /app/tmp\n",
                    "FROM php:8.3-apache\nCOPY . /var/www/html/\nRUN chown -R www-data:www-data /var/www\n",
                    "FROM rust:1.82\nWORKDIR /usr/src/app\nCOPY . .\nRUN <<EOF\nset -e\ncargo build --release\nchown -R nobody .\nEOF\n",
                ],
                good: &[
                    "FROM node:22-alpine\nWORKDIR /app\nCOPY --chown=node:node . .\n",
                    "FROM alpine:3.20\nCOPY --chmod=755 entrypoint.sh /\n",
                    "FROM alpine:3.20\nRUN mkdir /data && chown -R app /data\n",
                    "FROM alpine:3.20\nCOPY app /app\nRUN chown app /app\n",
                    "FROM alpine:3.20\nCOPY . /app\nRUN chown -R app /data\n",
                    "FROM alpine:3.20\nCOPY conf/etc/ /etc/\nRUN apk add nginx && chown -R nginx /etc/nginx\n",
                    "FROM golang:1.23 AS build\nCOPY . /src\nRUN chown -R nobody /src\nFROM scratch\nCOPY --from=build /src/app /app\n",
                    "FROM alpine:3.20\nRUN chmod +x /usr/local/bin/x\nCOPY x /usr/local/bin/x.sh\n",
                    "FROM alpine:3.20\nCOPY run.sh /\nRUN --mount=type=cache,target=/root/.cache <<EOF\nset -e\nmkdir -p /data\nchmod 755 /data\nEOF\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nCOPY app.ps1 C:/app/\nRUN icacls C:/app/app.ps1 /grant Users:F\n",
                ],
                fixes: &[
                    (
                        "FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN chown -R node:node /app\n",
                        "FROM node:22-alpine\nWORKDIR /app\nCOPY --chown=node:node . .\n",
                    ),
                    (
                        "FROM alpine:3.20\nCOPY docker-entrypoint.sh /usr/local/bin/\nRUN chmod +x /usr/local/bin/docker-entrypoint.sh\nCMD [\"docker-entrypoint.sh\"]\n",
                        "FROM alpine:3.20\nCOPY --chmod=755 docker-entrypoint.sh /usr/local/bin/\nCMD [\"docker-entrypoint.sh\"]\n",
                    ),
                    (
                        "FROM eclipse-temurin:21-jre\nCOPY --chown=app target/app.jar /opt/app/app.jar\nRUN chmod 0644 /opt/app/app.jar\n",
                        "FROM eclipse-temurin:21-jre\nCOPY --chmod=0644 --chown=app target/app.jar /opt/app/app.jar\n",
                    ),
                ],
            },
        );
    }
}
