use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::semantic::Stage;
use crate::semantic::context::{BuildContext, Entry};
use crate::syntax::{Args, Keyword, TextRange, Word};

declare_rule! {
    /// ## What it does
    /// Flags `COPY` and `ADD` that put secret files into a stage that ends
    /// up in the image (the last stage, or the `--target` stage, the stages
    /// it is built `FROM`, and the stages they `COPY --from`):
    ///
    /// - environment files `.env`, `.env.production`… (not `.env.example`,
    ///   `.env.sample`, `.env.template`, `.env.dist`, `.env.defaults`);
    /// - SSH private keys (`id_rsa`, `id_ed25519`…), `.ssh`, `.gnupg`,
    ///   `.aws`, `.kube` and `.docker` directories, `.aws/credentials`,
    ///   `.kube/config`, `kubeconfig`, `.docker/config.json`,
    ///   `.git-credentials`, `.netrc`, `.pgpass`;
    /// - private keys and key stores: `*.key`, `*.pem`, `*.p12`, `*.pfx`,
    ///   `*.jks`, `*.keystore`, `*.ppk` (names that mark a certificate or a
    ///   public key, such as `cert.pem`, `ca.pem`, `repo.gpg.key`, are left
    ///   alone);
    /// - `.npmrc` and `.pypirc` that hold a literal token or password.
    ///
    /// A source is checked by its name. When the build context is known
    /// (`layerlint check` loads it), a broad source such as `COPY . .` is
    /// also resolved against the context and its `.dockerignore`, every
    /// secret file it would copy is named, and a `.pem` or `.key` counts
    /// only if it holds a `PRIVATE KEY`.
    ///
    /// ## Why is this bad?
    /// Anything copied into a layer stays in the image, even if a later
    /// step deletes it, and anyone who can pull the image can read it.
    /// Pass secrets to the build with `RUN --mount=type=secret` (or
    /// `--mount=type=ssh`), and keep them out of the context with
    /// `.dockerignore`.
    ///
    /// The severity is *warning*: names are a strong hint, not proof (a
    /// `.pem` may hold only a certificate).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY .env package.json ./
    /// COPY id_rsa /root/.ssh/id_rsa
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:22-alpine
    /// WORKDIR /app
    /// COPY package.json ./
    /// RUN --mount=type=ssh --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// Without a build context, `.npmrc` and `.pypirc` are not flagged by
    /// name: most hold only a registry address or `${NPM_TOKEN}`, which is
    /// read from the environment. With a context, their content is read.
    /// Without one, a public key with a private-looking name
    /// (`vendor.io-2026.key`) is flagged; the context settles it.
    pub struct SecretFileCopied { keyword: String, files: Vec<String>, via: Option<String> }
    code = "LL401", name = "secret-file-copied", aliases = [],
    category = Security, severity = Warning, fix = None,
    visits = file,
}

impl Violation for SecretFileCopied {
    fn message(&self) -> String {
        let shown: Vec<String> = self
            .files
            .iter()
            .take(5)
            .map(|f| format!("`{f}`"))
            .collect();
        let more = match self.files.len().saturating_sub(5) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let what = if self.files.len() == 1 {
            "a secret"
        } else {
            "secrets"
        };
        match &self.via {
            Some(source) => format!(
                "`{} {source}` copies {what} into the image: {}{more}",
                self.keyword,
                shown.join(", ")
            ),
            None => format!(
                "`{}` copies {what} into the image: {}{more}",
                self.keyword,
                shown.join(", ")
            ),
        }
    }

    fn help(&self) -> Option<String> {
        Some(
            "Keep secrets out of the image: exclude them in `.dockerignore` and use `RUN --mount=type=secret`"
                .to_string(),
        )
    }
}

/// The stages whose files can end up in the image.
fn image_stages<'f, 's>(checker: &Checker<'f, 's>) -> Vec<&'f Stage<'s>> {
    let stages: &'f [Stage<'s>] = &checker.stages.stages;
    let file = checker.file;
    let target = match &checker.settings.options.target {
        Some(name) => stages.iter().find(|s| {
            s.name
                .as_ref()
                .is_some_and(|n| n.value.eq_ignore_ascii_case(name))
        }),
        None => stages.last(),
    };
    let mut out: Vec<&'f Stage<'s>> = Vec::new();
    let mut todo: Vec<&'f Stage<'s>> = target.into_iter().collect();
    while let Some(stage) = todo.pop() {
        if out.iter().any(|s| s.index == stage.index) {
            continue;
        }
        out.push(stage);
        if let Some(parent) = stage
            .base
            .as_ref()
            .and_then(|base| checker.stages.by_name(&base.value, stage.index))
        {
            todo.push(parent);
        }
        for inst in &file.instructions[stage.from..stage.end] {
            if !matches!(inst.kind, Keyword::Copy | Keyword::Add) {
                continue;
            }
            let Some(from) = inst.flag("from").and_then(|f| f.value.as_ref()) else {
                continue;
            };
            let source = match from.value.parse::<usize>() {
                Ok(n) => stages.get(n).filter(|s| s.index < stage.index),
                Err(_) => checker.stages.by_name(&from.value, stage.index),
            };
            todo.extend(source);
        }
    }
    out
}

/// Whether a context path looks like a secret, judged by its name.
#[allow(clippy::case_sensitive_file_extension_comparisons)] // compared lowercased
fn secret_by_name(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let mut components = path.rsplit('/').filter(|c| !c.is_empty() && *c != ".");
    let Some(name) = components.next() else {
        return false;
    };
    let parent = components.next();
    let lower = name.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        ".env"
            | ".git-credentials"
            | ".netrc"
            | "_netrc"
            | ".pgpass"
            | "id_rsa"
            | "id_dsa"
            | "id_ecdsa"
            | "id_ed25519"
            | "kubeconfig"
            | ".ssh"
            | ".gnupg"
            | ".aws"
            | ".kube"
            | ".docker"
    ) {
        return true;
    }
    if let Some(variant) = lower.strip_prefix(".env.") {
        return !matches!(
            variant,
            "example" | "sample" | "template" | "dist" | "defaults" | "default" | "schema" | "tpl"
        );
    }
    match parent {
        Some(".aws") if lower == "credentials" => return true,
        Some(".kube") if lower == "config" => return true,
        Some(".docker") if lower == "config.json" => return true,
        Some(".ssh") => {
            return !(lower.ends_with(".pub")
                || matches!(lower.as_str(), "known_hosts" | "config" | "authorized_keys"));
        }
        _ => {}
    }
    let key_like = [".key", ".pem", ".p12", ".pfx", ".jks", ".keystore", ".ppk"]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || lower.ends_with(".kubeconfig");
    let public = || {
        [
            "cert", "crt", "chain", "ca.", "ca-", "_ca", "-ca", "bundle", "pub", "gpg", "pgp",
            "asc", "signing", "release", "archive", "repo", "trust", "root", "dhparam", "ffdhe",
        ]
        .iter()
        .any(|w| lower.contains(w))
    };
    key_like && !public()
}

/// A `.pem`/`.key` in the context that holds no private key (a
/// certificate, a public or signing key, DH parameters).
#[allow(clippy::case_sensitive_file_extension_comparisons)] // compared lowercased
fn public_key_file(context: &BuildContext, path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if !(lower.ends_with(".pem") || lower.ends_with(".key")) {
        return false;
    }
    match std::fs::read(context.root().join(path)) {
        Ok(bytes) => !bytes
            .windows(b"PRIVATE KEY".len())
            .any(|w| w == b"PRIVATE KEY"),
        Err(_) => false,
    }
}

/// `.npmrc`/`.pypirc` whose content holds a literal credential.
fn registry_config_with_token(context: &BuildContext, path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if !matches!(name, ".npmrc" | ".pypirc") {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(context.root().join(path)) else {
        return false;
    };
    text.lines().any(|line| {
        let line = line.trim();
        if line.starts_with(['#', ';']) {
            return false;
        }
        let Some((key, value)) = line.split_once('=').or_else(|| line.split_once(':')) else {
            return false;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        let credential = key.ends_with("_authtoken")
            || key.ends_with("_auth")
            || key.ends_with("_password")
            || key == "password";
        credential && !value.is_empty() && !value.starts_with("${") && !value.starts_with('$')
    })
}

fn check(checker: &mut Checker) {
    let file = checker.file;
    let vars = checker.vars();
    let context = checker.context();
    let mut found: Vec<(SecretFileCopied, TextRange)> = Vec::new();
    let mut stages = image_stages(checker);
    stages.sort_by_key(|s| s.index);
    for stage in stages {
        for index in stage.from..stage.end {
            let inst = &file.instructions[index];
            if !matches!(inst.kind, Keyword::Copy | Keyword::Add) || inst.flag("from").is_some() {
                continue;
            }
            let Args::Paths { paths, .. } = &inst.args else {
                continue;
            };
            let Some((_, sources)) = paths.split_last() else {
                continue;
            };
            let keyword = inst.keyword.value.to_uppercase();
            for source in sources {
                let Some(value) = expanded(vars, index, source) else {
                    continue;
                };
                if value.starts_with("<<") || value.contains("://") || value.starts_with("git@") {
                    continue;
                }
                let relative = value.trim_start_matches("./");
                let named = match context {
                    Some(c) => {
                        (secret_by_name(&value) && !public_key_file(c, relative))
                            || registry_config_with_token(c, relative)
                    }
                    None => secret_by_name(&value),
                };
                if named {
                    found.push((
                        SecretFileCopied {
                            keyword: keyword.clone(),
                            files: vec![value],
                            via: None,
                        },
                        source.range,
                    ));
                    continue;
                }
                let Some(context) = context else { continue };
                let Ok(resolved) = context.resolve_source(&value) else {
                    continue;
                };
                let files: Vec<String> = resolved
                    .included()
                    .map(Entry::path)
                    .filter(|p| {
                        (secret_by_name(p) && !public_key_file(context, p))
                            || registry_config_with_token(context, p)
                    })
                    .map(str::to_owned)
                    .collect();
                if !files.is_empty() {
                    found.push((
                        SecretFileCopied {
                            keyword: keyword.clone(),
                            files,
                            via: Some(value),
                        },
                        source.range,
                    ));
                }
            }
        }
    }
    for (violation, range) in found {
        checker.report(violation, range);
    }
}

fn expanded(vars: &crate::semantic::vars::VarModel, index: usize, word: &Word) -> Option<String> {
    if !word.value.contains('$') {
        return Some(word.value.to_string());
    }
    vars.expand(index, word).ok()?.known().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::secret_by_name;
    use crate::engine::{Settings, lint_in_context};
    use crate::semantic::context::{BuildContext, WalkOptions};
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM node:22-alpine\nWORKDIR /app\nCOPY .env package.json ./\n",
                    "FROM python:3.12\nCOPY .env.production /app/.env\n",
                    "FROM alpine:3.20\nCOPY id_rsa /root/.ssh/id_rsa\n",
                    "FROM alpine:3.20\nCOPY .ssh /root/.ssh\n",
                    "FROM alpine:3.20\nADD .aws/credentials /root/.aws/credentials\n",
                    "FROM bitnami/kubectl:1.31\nCOPY kubeconfig /root/.kube/config\n",
                    "FROM nginx:1.27\nCOPY certs/server.key certs/server.crt /etc/nginx/ssl/\n",
                    "FROM alpine:3.20\nARG KEY=deploy.pem\nCOPY ${KEY} /keys/\n",
                    "FROM golang:1.23 AS build\nCOPY .git-credentials /root/\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\n",
                    "FROM debian:12 AS base\nCOPY .netrc /root/.netrc\nFROM base\nCMD [\"app\"]\n",
                ],
                good: &[
                    "FROM node:22-alpine\nCOPY .env.example package.json ./\n",
                    "FROM nginx:1.27\nCOPY certs/server.crt certs/ca.pem /etc/nginx/ssl/\n",
                    "FROM debian:12\nCOPY nodesource.gpg.key /usr/share/keyrings/\n",
                    "FROM alpine:3.20\nCOPY .ssh/known_hosts /root/.ssh/known_hosts\n",
                    "FROM node:22\nCOPY .npmrc package.json ./\n",
                    "FROM alpine:3.20 AS secrets\nCOPY .env /x\nFROM alpine:3.20\nCMD [\"app\"]\n",
                    "FROM alpine:3.20\nCOPY . .\n",
                    "FROM alpine:3.20\nCOPY --from=build /root/.ssh/id_rsa.pub /keys/\n",
                    "FROM alpine:3.20\nADD https://example.com/server.key /x\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn names() {
        for path in [
            ".env",
            "./.env.local",
            "config/.env.prod",
            "keys/id_ed25519",
            "a/.aws/credentials",
            "tls.key",
            "privkey.pem",
            "store.p12",
            ".kube/config",
            "home/.ssh/deploy",
        ] {
            assert!(secret_by_name(path), "{path}");
        }
        for path in [
            ".env.sample",
            "env",
            "fullchain.pem",
            "ca-certificates.crt",
            "id_rsa.pub",
            "monkey.txt",
            ".ssh/config",
            "keyboard.pem.txt",
            "docker.gpg.key",
            ".environment",
        ] {
            assert!(!secret_by_name(path), "{path}");
        }
    }

    fn lint_with_context(files: &[(&str, &str)], dockerfile: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, content).unwrap();
        }
        let context = BuildContext::load(dir.path(), None, WalkOptions::default()).unwrap();
        let parsed = crate::syntax::parse(dockerfile);
        let settings = Settings::only(&["LL401"]).unwrap();
        lint_in_context(&parsed, &settings, Some(&context))
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn broad_copy_through_the_context() {
        let project: &[(&str, &str)] = &[
            ("package.json", "{}"),
            ("src/index.js", ""),
            (".env", "DB_PASSWORD=hunter2\n"),
            ("deploy/key.pem", "-----BEGIN PRIVATE KEY-----\n"),
            (".npmrc", "//registry.npmjs.org/:_authToken=npm_abc123\n"),
        ];
        let found = lint_with_context(project, "FROM node:22\nWORKDIR /app\nCOPY . .\n");
        assert_eq!(
            found,
            vec!["`COPY .` copies secrets into the image: `.env`, `.npmrc`, `deploy/key.pem`"],
        );

        // `.dockerignore` stops them.
        let mut ignored = project.to_vec();
        ignored.push((".dockerignore", ".env\n*.pem\n**/*.pem\n.npmrc\n"));
        assert!(lint_with_context(&ignored, "FROM node:22\nCOPY . .\n").is_empty());

        // `!` exceptions bring one back.
        let mut excepted = project.to_vec();
        excepted.push((".dockerignore", ".env\ndeploy\n!deploy/key.pem\n.npmrc\n"));
        assert_eq!(
            lint_with_context(&excepted, "FROM node:22\nCOPY . .\n"),
            vec!["`COPY .` copies a secret into the image: `deploy/key.pem`"],
        );

        // A `.key` that holds a public key is not a secret.
        let public: &[(&str, &str)] = &[
            ("repo.io-2026.key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"),
            ("tls.key", "-----BEGIN RSA PRIVATE KEY-----\n"),
        ];
        assert_eq!(
            lint_with_context(
                public,
                "FROM debian:12\nCOPY repo.io-2026.key tls.key /keys/\n"
            ),
            vec!["`COPY` copies a secret into the image: `tls.key`"],
        );

        // A `.npmrc` that reads its token from the environment is fine.
        let env_token: &[(&str, &str)] = &[
            ("package.json", "{}"),
            (".npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"),
        ];
        assert!(lint_with_context(env_token, "FROM node:22\nCOPY . .\n").is_empty());
        assert_eq!(
            lint_with_context(project, "FROM node:22\nCOPY .npmrc package.json ./\n"),
            vec!["`COPY` copies a secret into the image: `.npmrc`"],
        );

        // Only stages that end in the image count.
        assert!(lint_with_context(
            project,
            "FROM node:22 AS build\nCOPY . .\nRUN npm run build\nFROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
        )
        .len()
            == 1, "stages the image copies from count");
        assert!(lint_with_context(
            project,
            "FROM node:22 AS lint\nCOPY . .\nFROM nginx:1.27\nCOPY site/ /usr/share/nginx/html\n"
        )
        .is_empty());
    }
}
