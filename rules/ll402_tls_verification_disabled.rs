use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::shell::programs::{ParsedArgs, spec_for};
use crate::semantic::shell::{Command, Invocation, ShellWord};
use crate::syntax::{Args, Instruction, Keyword, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags commands and settings that turn off TLS certificate checks or
    /// package signature checks during the build:
    ///
    /// - `curl -k`/`--insecure`/`--proxy-insecure`, `wget --no-check-certificate`;
    /// - `pip --trusted-host`, `pip config set global.trusted-host`;
    /// - `npm`/`yarn`/`pnpm` `config set strict-ssl false`, `--strict-ssl=false`;
    /// - `git -c http.sslVerify=false`, `git config http.sslVerify false`;
    /// - `apk --allow-untrusted`; `apt-get --allow-unauthenticated`,
    ///   `--allow-insecure-repositories`, `-o Acquire::https::Verify-Peer=false`
    ///   and similar `-o` settings; `yum`/`dnf --nogpgcheck`,
    ///   `--setopt=sslverify=0`/`gpgcheck=0` (also through `yum-config-manager`);
    ///   `rpm --nosignature`;
    ///   `zypper --no-gpg-checks`;
    /// - the variables `GIT_SSL_NO_VERIFY`, `NODE_TLS_REJECT_UNAUTHORIZED=0`,
    ///   `PYTHONHTTPSVERIFY=0`, `NPM_CONFIG_STRICT_SSL=false` and
    ///   `PIP_TRUSTED_HOST`, set by `ENV`, an `ARG` default, or in a `RUN`
    ///   (`VAR=… cmd`, `export VAR=…`).
    ///
    /// Programs are found behind wrappers (`sudo`, `env`, `sh -c '…'`), in
    /// heredoc scripts and in exec-form `RUN`s; `ENV`/`ARG` values are
    /// expanded.
    ///
    /// ## Why is this bad?
    /// Without certificate or signature checks, anyone who can tamper with
    /// the network between the builder and the server (a proxy, a
    /// compromised mirror, DNS) can substitute what the build downloads and
    /// installs, and the result ships in the image. Variables set with
    /// `ENV` also stay in the image and disable the checks for the
    /// application at run time.
    ///
    /// The severity is *warning*: the build works, but whatever it
    /// downloads is unverified. When a proxy with its own CA is the reason,
    /// add that CA instead (`COPY corp-ca.crt /usr/local/share/ca-certificates/`
    /// and `update-ca-certificates`, or `RUN --mount=type=secret`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN curl -kfsSL https://example.com/install.sh | sh
    /// RUN pip install --trusted-host pypi.org --trusted-host files.pythonhosted.org flask
    /// ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// RUN pip install flask
    /// ```
    pub struct TlsVerificationDisabled { what: String }
    code = "LL402", name = "tls-verification-disabled", aliases = [],
    category = Security, severity = Warning, fix = None,
    visits = [Run, Env, Arg],
}

impl Violation for TlsVerificationDisabled {
    fn message(&self) -> String {
        format!("`{}` turns off certificate or signature checks", self.what)
    }

    fn help(&self) -> Option<String> {
        Some("Keep verification on; trust a custom CA explicitly if a proxy needs one".to_string())
    }
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let inst = inst.effective();
    let index = checker.instruction_index();
    let mut found: Vec<(String, TextRange)> = Vec::new();
    match inst.kind {
        Keyword::Run => {
            let Some(script) = checker.shell().run(index).and_then(|r| r.script.as_ref()) else {
                return;
            };
            for command in &script.commands {
                assignments(command, &mut found);
            }
            for inv in script.invocations() {
                invocation(&inv, &mut found);
            }
        }
        Keyword::Env => {
            let Args::KeyValues { pairs } = &inst.args else {
                return;
            };
            let vars = checker.vars();
            // Only the variables that can turn verification off are expanded.
            let known = pairs
                .iter()
                .filter_map(|p| Some((p, variable(&p.key.value)?)));
            for (pair, turns_off) in known {
                let value = match vars.expand(index, &pair.value) {
                    Ok(expanded) => expanded.known().map(str::to_owned),
                    Err(_) => None,
                };
                if let Some(value) = value
                    && turns_off(value.trim())
                {
                    found.push((format!("{}={value}", pair.key.value), pair.range));
                }
            }
        }
        Keyword::Arg => {
            let Args::ArgDecls { decls } = &inst.args else {
                return;
            };
            for decl in decls {
                if let Some(default) = &decl.default
                    && !default.value.contains('$')
                    && insecure_variable(&decl.name.value, &default.value)
                {
                    found.push((format!("{}={}", decl.name.value, default.value), decl.range));
                }
            }
        }
        _ => {}
    }
    found.sort_by_key(|(_, range)| range.start);
    found.dedup_by_key(|(_, range)| *range);
    for (what, range) in found {
        checker.report(TlsVerificationDisabled { what }, range);
    }
}

/// A variable whose value turns verification off.
fn insecure_variable(name: &str, value: &str) -> bool {
    variable(name).is_some_and(|turns_off| turns_off(value.trim()))
}

/// Whether a (trimmed) value of a variable turns verification off.
type TurnsOff = fn(&str) -> bool;

/// The variables that can turn verification off, each with its test.
const VARIABLES: &[(&str, TurnsOff)] = &[
    // Git disables the check for any value.
    ("GIT_SSL_NO_VERIFY", |v| !v.is_empty()),
    ("PIP_TRUSTED_HOST", |v| !v.is_empty()),
    ("NODE_TLS_REJECT_UNAUTHORIZED", |v| v == "0"),
    ("PYTHONHTTPSVERIFY", |v| v == "0"),
    ("NPM_CONFIG_STRICT_SSL", is_false),
];

/// The test for variable `name` (any case), when it is one of
/// [`VARIABLES`].
fn variable(name: &str) -> Option<TurnsOff> {
    VARIABLES
        .iter()
        .find(|(known, _)| name.eq_ignore_ascii_case(known))
        .map(|&(_, turns_off)| turns_off)
}

fn is_false(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off"
    )
}

/// `VAR=value cmd`, `export VAR=value`, `env VAR=value cmd`.
fn assignments(command: &Command, found: &mut Vec<(String, TextRange)>) {
    for a in &command.assignments {
        if let Some(value) = a.value.as_ref().map_or(Some(""), ShellWord::static_value)
            && insecure_variable(&a.name, value)
        {
            found.push((format!("{}={value}", a.name), a.range));
        }
    }
    if matches!(
        command.program(),
        Some("export" | "env" | "declare" | "readonly" | "sudo")
    ) {
        for word in &command.args {
            if let Some((name, value)) = word.static_value().and_then(|w| w.split_once('='))
                && insecure_variable(name, value)
            {
                found.push((format!("{name}={value}"), word.range));
            }
        }
    }
}

fn invocation(inv: &Invocation, found: &mut Vec<(String, TextRange)>) {
    let program = inv.program();
    let parsed = spec_for(program).map(|spec| spec.parse(inv.args));
    let mut flag = |parsed: &ParsedArgs, keys: &[&str]| {
        for option in parsed.options.iter().filter(|o| keys.contains(&&*o.key)) {
            let range = option
                .value_word
                .map_or(option.word.range, |v| option.word.range.cover(v.range));
            let text = text_of(option.word, option.value_word);
            // A cluster such as `-fsSLk`: name the letter.
            let short = spec_for(program)
                .and_then(|s| s.options.iter().find(|o| o.key == option.key))
                .and_then(|o| o.names.iter().find(|n| n.len() == 2));
            let clustered =
                !text.starts_with("--") && text.len() > 2 && option.value_word.is_none();
            let text = match short {
                Some(short) if clustered => format!("{short}` in `{text}"),
                _ => text,
            };
            found.push((text, range));
        }
    };
    match (program, &parsed) {
        ("curl", Some(p)) => flag(p, &["insecure", "proxy-insecure"]),
        ("wget", Some(p)) => flag(p, &["no-check-certificate"]),
        // `apk index --allow-untrusted` indexes packages built locally.
        ("apk", Some(p)) if p.subcommand() != Some("index") => flag(p, &["allow-untrusted"]),
        ("zypper", Some(p)) => flag(p, &["no-gpg-checks"]),
        ("pip" | "pip3" | "pip2", Some(p)) => {
            flag(p, &["trusted-host"]);
            config_set(inv, |key, _| key.ends_with(".trusted-host"), found);
        }
        ("apt-get" | "apt", Some(p)) => {
            flag(
                p,
                &["allow-unauthenticated", "--allow-insecure-repositories"],
            );
            for option in p.options.iter().filter(|o| o.key == "option") {
                if option.value.as_deref().is_some_and(insecure_apt_option) {
                    let range = option
                        .value_word
                        .map_or(option.word.range, |v| option.word.range.cover(v.range));
                    found.push((text_of(option.word, option.value_word), range));
                }
            }
        }
        (_, Some(p)) if spec_for(program).is_some_and(|s| s.programs.contains(&"dnf")) => {
            flag(p, &["nogpgcheck"]);
            for option in p.options.iter().filter(|o| o.key == "setopt") {
                if option.value.as_deref().is_some_and(insecure_setopt) {
                    let range = option
                        .value_word
                        .map_or(option.word.range, |v| option.word.range.cover(v.range));
                    found.push((text_of(option.word, option.value_word), range));
                }
            }
        }
        ("yum-config-manager" | "dnf-config-manager", _) => {
            let words = inv.args;
            for (i, word) in words.iter().enumerate() {
                let (setting, range) = match word.value.strip_prefix("--setopt") {
                    Some(rest) if rest.starts_with('=') => (rest[1..].to_string(), word.range),
                    Some("") => match words.get(i + 1) {
                        Some(next) => (next.value.to_string(), word.range.cover(next.range)),
                        None => continue,
                    },
                    _ => continue,
                };
                if insecure_setopt(&setting) {
                    found.push((format!("--setopt={setting}"), range));
                }
            }
        }
        ("rpm", _) => {
            for word in inv.args {
                if word.is("--nosignature") || word.is("--nodigest") {
                    found.push((word.value.to_string(), word.range));
                }
            }
        }
        ("npm" | "yarn" | "pnpm", _) => strict_ssl(inv, found),
        ("git", _) => git(inv, found),
        _ => {}
    }
}

fn text_of(word: &ShellWord, value: Option<&ShellWord>) -> String {
    match value {
        Some(v) => format!("{} {}", word.value, v.value),
        None => word.value.to_string(),
    }
}

/// `-o` settings of apt that skip TLS or signature checks.
fn insecure_apt_option(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let Some((key, setting)) = lower.split_once('=') else {
        return false;
    };
    let setting = setting.trim_matches(['"', '\'']);
    let truthy = matches!(setting, "true" | "1" | "yes" | "on");
    let falsy = is_false(setting);
    (falsy && (key.ends_with("::verify-peer") || key.ends_with("::verify-host")))
        || (truthy
            && (key.ends_with("::allowunauthenticated")
                || key.ends_with("::allowinsecurerepositories")
                || key.ends_with("::allowdowngradetoinsecurerepositories")))
}

/// `--setopt=sslverify=0`, `--setopt=*.gpgcheck=false` for yum/dnf.
fn insecure_setopt(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.split_once('=').is_some_and(|(key, setting)| {
        let key = key.rsplit('.').next().unwrap_or(key);
        matches!(key, "sslverify" | "gpgcheck" | "repo_gpgcheck") && is_false(setting)
    })
}

/// `<program> config set KEY VALUE` (or `KEY=VALUE`) where `bad(key, value)`.
fn config_set(
    inv: &Invocation,
    bad: impl Fn(&str, &str) -> bool,
    found: &mut Vec<(String, TextRange)>,
) {
    let words: Vec<&ShellWord> = inv.args.iter().collect();
    let Some(set) = words
        .windows(2)
        .position(|w| w[0].is("config") && w[1].is("set"))
    else {
        return;
    };
    let rest = &words[set + 2..];
    let operands: Vec<&&ShellWord> = rest.iter().filter(|w| !w.value.starts_with('-')).collect();
    let Some(first) = operands.first() else {
        return;
    };
    let (key, value, last) = match first.value.split_once('=') {
        Some((k, v)) => (k.to_ascii_lowercase(), v.to_string(), **first),
        None => match operands.get(1) {
            Some(second) => (
                first.value.to_ascii_lowercase(),
                second.value.to_string(),
                **second,
            ),
            None => return,
        },
    };
    if bad(&key, &value) {
        found.push((
            format!("{} config set {key} {value}", inv.program()),
            first.range.cover(last.range),
        ));
    }
}

/// `npm config set strict-ssl false`, `npm install --strict-ssl=false`,
/// `--no-strict-ssl`.
fn strict_ssl(inv: &Invocation, found: &mut Vec<(String, TextRange)>) {
    config_set(
        inv,
        |key, value| key == "strict-ssl" && is_false(value),
        found,
    );
    // `npm set strict-ssl false` is `npm config set`.
    let words = inv.args;
    if words.first().is_some_and(|w| w.is("set"))
        && let [_, key, value, ..] = words
        && key.value.eq_ignore_ascii_case("strict-ssl")
        && is_false(&value.value)
    {
        found.push((
            format!("{} set strict-ssl {}", inv.program(), value.value),
            key.range.cover(value.range),
        ));
    }
    for (i, word) in words.iter().enumerate() {
        let lower = word.value.to_ascii_lowercase();
        let bad = lower == "--no-strict-ssl"
            || lower.strip_prefix("--strict-ssl=").is_some_and(is_false)
            || (lower == "--strict-ssl" && words.get(i + 1).is_some_and(|n| is_false(&n.value)));
        if bad {
            found.push((word.value.to_string(), word.range));
        }
    }
}

/// `git -c http.sslVerify=false …`, `git config [--global] http.sslVerify false`.
fn git(inv: &Invocation, found: &mut Vec<(String, TextRange)>) {
    let is_ssl_key = |key: &str| {
        let key = key.to_ascii_lowercase();
        key.starts_with("http.") && key.ends_with(".sslverify")
    };
    let words = inv.args;
    for (i, word) in words.iter().enumerate() {
        let setting = if word.is("-c") {
            words.get(i + 1).map(|n| (n, word.range.cover(n.range)))
        } else {
            None
        };
        if let Some((setting, range)) = setting
            && let Some((key, value)) = setting.value.split_once('=')
            && is_ssl_key(key)
            && is_false(value)
        {
            found.push((format!("-c {}", setting.value), range));
        }
    }
    if words.first().is_some_and(|w| w.is("config")) {
        let operands: Vec<&ShellWord> = words[1..]
            .iter()
            .filter(|w| !w.value.starts_with('-'))
            .collect();
        if let [key, value, ..] = operands.as_slice()
            && is_ssl_key(&key.value)
            && is_false(&value.value)
        {
            found.push((
                format!("git config {} {}", key.value, value.value),
                key.range.cover(value.range),
            ));
        }
    }
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
                    "FROM alpine:3.20\nRUN curl -fsSLk https://example.com/x -o /x\n",
                    "FROM alpine:3.20\nRUN wget --no-check-certificate -qO- https://example.com/i.sh | sh\n",
                    "FROM python:3.12\nRUN pip install --trusted-host pypi.org -r requirements.txt\n",
                    "FROM python:3.12\nRUN pip config set global.trusted-host pypi.org\n",
                    "FROM node:22\nRUN npm config set strict-ssl false && npm ci\n",
                    "FROM node:22\nRUN yarn config set strict-ssl false\n",
                    "FROM node:22\nRUN npm install --strict-ssl=false\n",
                    "FROM golang:1.23\nRUN git -c http.sslVerify=false clone https://example.com/r.git\n",
                    "FROM golang:1.23\nRUN git config --global http.sslverify false\n",
                    "FROM golang:1.23\nENV GIT_SSL_NO_VERIFY=true\n",
                    "FROM node:22\nARG NODE_TLS_REJECT_UNAUTHORIZED=0\n",
                    "FROM python:3.12\nRUN PYTHONHTTPSVERIFY=0 python fetch.py\n",
                    "FROM python:3.12\nRUN export PIP_TRUSTED_HOST=pypi.org && pip install x\n",
                    "FROM alpine:3.20\nRUN apk add --allow-untrusted /tmp/pkg.apk\n",
                    "FROM debian:12\nRUN apt-get update && apt-get install -y --allow-unauthenticated curl\n",
                    "FROM debian:12\nRUN apt-get -o Acquire::https::Verify-Peer=false update\n",
                    "FROM fedora:40\nRUN dnf install -y --nogpgcheck https://example.com/x.rpm\n",
                    "FROM centos:7\nRUN yum --setopt=sslverify=0 install -y x\n",
                    "FROM centos:7\nRUN rpm -ivh --nosignature x.rpm\n",
                    "FROM centos:7\nRUN yum-config-manager --save --setopt=\\*.sslverify=false\n",
                    "FROM opensuse/leap:15.6\nRUN zypper --no-gpg-checks install -y x\n",
                    "FROM alpine:3.20\nRUN sudo sh -c 'curl --insecure https://example.com'\n",
                    "FROM alpine:3.20\nRUN [\"curl\", \"-k\", \"https://example.com\"]\n",
                    "FROM alpine:3.20\nRUN <<EOF\nset -e\nwget --no-check-certificate https://example.com/x\nEOF\n",
                    "FROM alpine:3.20\nARG V=0\nENV NODE_TLS_REJECT_UNAUTHORIZED=$V\n",
                ],
                good: &[
                    "FROM alpine:3.20\nRUN curl -fsSL https://example.com/x -o /x\n",
                    "FROM alpine:3.20\nRUN curl -fsSL --cacert /etc/ssl/corp.pem https://example.com/x\n",
                    "FROM alpine:3.20\nRUN wget -q https://example.com/x\n",
                    "FROM node:22\nRUN npm config set strict-ssl true\n",
                    "FROM node:22\nENV NODE_TLS_REJECT_UNAUTHORIZED=1\n",
                    "FROM golang:1.23\nRUN git -c advice.detachedHead=false clone https://example.com/r.git\n",
                    "FROM debian:12\nRUN apt-get -o Acquire::Retries=3 update\n",
                    "FROM python:3.12\nRUN pip install --index-url https://mirror.example.com/simple x\n",
                    "FROM alpine:3.20\nRUN echo --insecure -k\n",
                    "FROM alpine:3.20\nRUN grep -k x y\n",
                    "FROM alpine:3.20\nRUN apk index --allow-untrusted -o /tmp/APKINDEX.tar.gz /tmp/pkgs/*.apk\n",
                    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN Invoke-WebRequest -SkipCertificateCheck https://example.com\n",
                ],
                fixes: &[],
            },
        );
    }
}
