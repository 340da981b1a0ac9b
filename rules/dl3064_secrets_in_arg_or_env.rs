use crate::declare_rule;
use crate::engine::{Checker, Violation};
use crate::syntax::{Args, Instruction, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags `ARG` and `ENV` names that suggest a secret, and `ARG`/`ENV`
    /// values that are literally a credential.
    ///
    /// A name is split at `_`; it is flagged when one of its parts is
    /// `apikey`, `auth`, `credential(s)`, `key`, `password`, `pword`,
    /// `passwd`, `secret` or `token`, and none is `public`, `file`,
    /// `version`, `path`, `dir` or `url` (case-insensitive, after BuildKit's
    /// `SecretsUsedInArgOrEnv`: `NPM_TOKEN`, `db_password` and `AUTH` are
    /// flagged, `MONKEY`, `PUBLIC_KEY`, `TOKEN_FILE` and `KEYCLOAK_VERSION`
    /// are not). Only `_` separates words: BuildKit does not split at case
    /// changes, so `dbPassword` is a single word and not flagged (`apiKey`
    /// is: it is the word `apikey`). `GPG_KEY`, `PGP_KEY` and `SIGNING_KEY` name the fingerprint
    /// of a public key that verifies a download and are not flagged. Names
    /// that hadolint knows to be sensitive are flagged too (`GH_TOKEN`,
    /// `AWS_ACCESS_KEY_ID`, `DOCKER_USERNAME`, `OKTA_CLIENT_ORGURL`…).
    ///
    /// A value is flagged when it contains a token in a known format: GitHub
    /// (`ghp_…`, `gho_…`, `ghs_…`, `github_pat_…`), GitLab (`glpat-…`), AWS
    /// access key IDs (`AKIA…`, `ASIA…`), Slack (`xoxb-…`, `xoxp-…`…),
    /// Stripe live keys (`sk_live_…`, `rk_live_…`), npm (`npm_…`), Google
    /// API keys (`AIza…`) and PEM private keys (`-----BEGIN … PRIVATE
    /// KEY-----`).
    ///
    /// ## Why is this bad?
    /// `ARG` and `ENV` values are recorded in the image: `ENV` in its
    /// configuration, `ARG` in the history of every `RUN` that sees it.
    /// Anyone who can pull the image can read them with `docker history` or
    /// `docker inspect`. A secret needed while building belongs in a secret
    /// mount, which is never stored; one needed at run time is given to the
    /// container when it starts.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint also flags any name that merely contains `token`, `secret`,
    /// `password`, `private`, `username`, `api_key` or `client_key`, so
    /// `USERNAME`, `SECRETFILE`, `PRIVATE_ZONEFILE`, `PASSWORD_FILE` and
    /// `TOKENIZERS_PARALLELISM` are findings there; layerlint splits names
    /// into words as BuildKit does. A user name is not a secret: most of
    /// hadolint's findings that layerlint does not share are the
    /// `ARG USERNAME=vscode` of dev-container images. Of hadolint's list of
    /// known names, those that hold no secret (`TRAVIS_OS_NAME`,
    /// `TRAVIS_SUDO`, `TRAVIS_SECURE_ENV_VARS`, `STRIPE_DEVICE_NAME`) are
    /// left out. Through BuildKit's words, layerlint flags names hadolint
    /// misses (`SA_PASSWORD`, `DJANGO_SECRET_KEY`, `LICENSE_KEY`, `AUTH`).
    /// hadolint reports an `ENV` once; layerlint reports each name. Literal
    /// credentials in values are layerlint's own addition.
    ///
    /// ## Differences from BuildKit
    /// BuildKit flags `GPG_KEY` and `SWIFT_SIGNING_KEY` (public key
    /// fingerprints, hundreds of findings in official images) and names of
    /// paths and URLs (`SA_PASSWORD_PATH`, `RESTY_APK_KEY_URL`); layerlint
    /// does not.
    pub struct SecretsInArgOrEnv { keyword: &'static str, name: String, kind: Kind }
    code = "DL3064", name = "secrets-in-arg-or-env", aliases = ["SecretsUsedInArgOrEnv"],
    category = Security, severity = Warning, fix = None,
    visits = [Arg, Env],
}

/// What gives the secret away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The name.
    Name,
    /// The value holds a credential of this kind.
    Value(&'static str),
}

impl Violation for SecretsInArgOrEnv {
    fn message(&self) -> String {
        let Self { keyword, name, .. } = self;
        match self.kind {
            Kind::Name => {
                format!("`{keyword} {name}` looks like a secret: its value is stored in the image")
            }
            Kind::Value(what) => format!(
                "The value of `{keyword} {name}` is a literal {what}: it is stored in the image"
            ),
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self.kind {
            Kind::Name => {
                "Pass build-time secrets with `RUN --mount=type=secret`, run-time ones when the container starts"
                    .to_string()
            }
            Kind::Value(_) => {
                "Revoke the credential, then pass it with `RUN --mount=type=secret`".to_string()
            }
        })
    }
}

/// Words that make a name a secret (BuildKit's list).
const SECRET_WORDS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];

/// Words that make a name harmless whatever else it says: BuildKit's
/// (`public`, `file`, `version`), and the other ways to say where a secret
/// is rather than what it is.
const ALLOWED_WORDS: &[&str] = &["public", "file", "version", "path", "dir", "url"];

/// Words that, just before `key`, name a public key: the fingerprint of a
/// GPG key that verifies downloads (`GPG_KEY`, `SWIFT_SIGNING_KEY`).
const PUBLIC_KEY_WORDS: &[&str] = &["gpg", "pgp", "signing"];

/// Names hadolint knows to hold secrets (upper case), where BuildKit's
/// words don't already catch them.
const KNOWN_NAMES: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "BITTREX_API_SECRET",
    "CF_PASSWORD",
    "CF_USERNAME",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPLOY_USER",
    "DOCKERHUB_PASSWORD",
    "DOCKER_EMAIL",
    "DOCKER_PASSWORD",
    "DOCKER_USERNAME",
    "FACEBOOK_APP_ID",
    "HEROKU_API_USER",
    "OKTA_AUTHN_GROUPID",
    "OKTA_CLIENT_ORGURL",
    "OKTA_OAUTH2_CLIENTID",
    "OKTA_OAUTH2_CLIENTSECRET",
    "OS_PASSWORD",
    "OS_USERNAME",
];

fn is_secret_name(name: &str) -> bool {
    let is = |word: &str, list: &[&str]| list.iter().any(|w| w.eq_ignore_ascii_case(word));
    let (mut secret, mut allowed) = (false, false);
    let mut previous: Option<&str> = None;
    for word in name.split('_') {
        secret |= is(word, SECRET_WORDS)
            && !(word.eq_ignore_ascii_case("key")
                && previous.is_some_and(|p| is(p, PUBLIC_KEY_WORDS)));
        allowed |= is(word, ALLOWED_WORDS);
        previous = Some(word);
    }
    (secret && !allowed) || KNOWN_NAMES.iter().any(|k| k.eq_ignore_ascii_case(name))
}

/// A credential format: a prefix, the characters that follow it and how
/// many of them at least.
struct Format {
    what: &'static str,
    prefixes: &'static [&'static str],
    body: fn(u8) -> bool,
    min: usize,
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn alnum_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn alnum_dash(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn alnum_dash_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn upper_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

const FORMATS: &[Format] = &[
    Format {
        what: "GitHub token",
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        body: alnum,
        min: 36,
    },
    Format {
        what: "GitHub token",
        prefixes: &["github_pat_"],
        body: alnum_underscore,
        min: 22,
    },
    Format {
        what: "GitLab token",
        prefixes: &["glpat-"],
        body: alnum_dash_underscore,
        min: 20,
    },
    Format {
        what: "AWS access key ID",
        prefixes: &["AKIA", "ASIA"],
        body: upper_digit,
        min: 16,
    },
    Format {
        what: "Slack token",
        prefixes: &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"],
        body: alnum_dash,
        min: 10,
    },
    Format {
        what: "Stripe key",
        prefixes: &["sk_live_", "rk_live_"],
        body: alnum,
        min: 16,
    },
    Format {
        what: "npm token",
        prefixes: &["npm_"],
        body: alnum,
        min: 36,
    },
    Format {
        what: "Google API key",
        prefixes: &["AIza"],
        body: alnum_dash_underscore,
        min: 35,
    },
];

/// The bytes a prefix of [`FORMATS`] starts with.
const TOKEN_STARTS: [bool; 256] = {
    let mut starts = [false; 256];
    let mut f = 0;
    while f < FORMATS.len() {
        let mut p = 0;
        while p < FORMATS[f].prefixes.len() {
            starts[FORMATS[f].prefixes[p].as_bytes()[0] as usize] = true;
            p += 1;
        }
        f += 1;
    }
    starts
};

/// The kind of credential `value` contains, if any.
fn credential_in(value: &str) -> Option<&'static str> {
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY-----") {
        return Some("private key");
    }
    // The first format (in table order) with a match anywhere: one pass
    // over the places a token can start, after a non-word character.
    let bytes = value.as_bytes();
    let mut best = FORMATS.len();
    for at in 0..bytes.len() {
        if at > 0 && alnum_underscore(bytes[at - 1]) {
            continue;
        }
        let rest = &bytes[at..];
        if !TOKEN_STARTS[usize::from(bytes[at])] {
            continue;
        }
        for (i, format) in FORMATS.iter().enumerate().take(best) {
            let matched = format.prefixes.iter().any(|prefix| {
                rest.starts_with(prefix.as_bytes())
                    && rest[prefix.len()..]
                        .iter()
                        .take_while(|&&b| (format.body)(b))
                        .count()
                        >= format.min
            });
            if matched {
                best = i;
                break;
            }
        }
    }
    FORMATS.get(best).map(|format| format.what)
}

fn unquote(key: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = key.strip_prefix(q).and_then(|k| k.strip_suffix(q)) {
            return inner;
        }
    }
    key
}

/// A declared name, where it is, and its value (as written) with where it is.
struct Entry<'a> {
    name: &'a str,
    name_range: TextRange,
    value: Option<(&'a str, TextRange)>,
}

fn check(checker: &mut Checker, inst: &Instruction) {
    let (keyword, entries): (&'static str, Vec<Entry>) = match &inst.args {
        Args::ArgDecls { decls } => (
            "ARG",
            decls
                .iter()
                .map(|d| Entry {
                    name: &d.name.value,
                    name_range: d.name.range,
                    value: d.default.as_ref().map(|v| (v.value.as_ref(), v.range)),
                })
                .collect(),
        ),
        Args::KeyValues { pairs } => (
            "ENV",
            pairs
                .iter()
                .map(|p| Entry {
                    name: unquote(&p.key.value),
                    name_range: p.key.range,
                    value: Some((p.value.value.as_ref(), p.value.range)),
                })
                .collect(),
        ),
        _ => return,
    };
    for entry in entries {
        let literal = entry
            .value
            .and_then(|(value, range)| credential_in(value).map(|what| (what, range)));
        let (kind, range) = match literal {
            Some((what, range)) => (Kind::Value(what), range),
            None if is_secret_name(entry.name) => (Kind::Name, entry.name_range),
            None => continue,
        };
        checker.report(
            SecretsInArgOrEnv {
                keyword,
                name: entry.name.to_string(),
                kind,
            },
            range,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{credential_in, is_secret_name};
    use crate::testing::{Cases, test_rule};

    #[test]
    fn cases() {
        test_rule(
            &super::RULE,
            Cases {
                bad: &[
                    "FROM alpine\nARG GITHUB_TOKEN\n",
                    "FROM alpine\nENV DB_PASSWORD=changeme API_URL=https://example.com\n",
                    "FROM alpine\nARG auth\nARG Aws_Secret_Access_Key=x\n",
                    "FROM alpine\nENV DOCKER_USERNAME=me\n",
                    "FROM alpine\nENV \"SECRET\"=1\n",
                    "FROM alpine\nONBUILD ARG NPM_TOKEN\n",
                    "FROM alpine\nENV GH=ghp_0123456789abcdefghijABCDEFGHIJ012345\n",
                    "FROM alpine\nARG DEPLOY=glpat-abcdefghij0123456789\n",
                    "FROM alpine\nENV AWS_ID=AKIAIOSFODNN7EXAMPLE\n",
                    "FROM alpine\nENV KEY_PEM=\"-----BEGIN RSA PRIVATE KEY-----\\nMIIE\"\n",
                    "FROM alpine\nENV SLACK_HOOK xoxb-1234567890-abcdefghij\n",
                ],
                good: &[
                    "FROM alpine\nARG VERSION=1.0\nENV PATH=/opt/bin:$PATH\n",
                    "FROM alpine\nARG PUBLIC_KEY\nARG TOKEN_FILE=/run/secrets/token\n",
                    "FROM alpine\nARG KEYCLOAK_VERSION=25\nENV MONKEY=1 PASSWORDLESS=1\n",
                    "FROM alpine\nENV TOKENIZERS_PARALLELISM=false\n",
                    "FROM alpine\nENV TRAVIS_OS_NAME=linux\n",
                    "FROM alpine\nENV GHP=ghp_short NOTE=xghp_0123456789abcdefghijABCDEFGHIJ012345\n",
                    "FROM alpine\nRUN --mount=type=secret,id=token cat /run/secrets/token\n",
                ],
                fixes: &[],
            },
        );
    }

    #[test]
    fn names() {
        for name in [
            "API_KEY",
            "apikey",
            "apiKey",
            "AUTH",
            "my_auth_header",
            "CREDENTIALS",
            "GITHUB_TOKEN",
            "Secret_Message",
            "PWORD",
            "DB_PASSWD",
            "OS_USERNAME",
            "okta_client_orgurl",
            "GPG_KEY_SECRET",
            "SIGNING_SECRET_KEY",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "MONKEY",
            "KEYCLOAK",
            "PUBLIC_KEY",
            "SSH_KEY_FILE",
            "TOKEN_VERSION",
            "AUTHOR",
            "PASSWORDLESS",
            "NODE_VERSION",
            "USERNAME",
            "GPG_KEY",
            "SWIFT_SIGNING_KEY",
            "SA_PASSWORD_PATH",
            "dbPassword",
            "RESTY_APK_KEY_URL",
            "",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn credentials() {
        assert_eq!(
            credential_in("github_pat_11ABCDEFG0123456789_abcdefghij"),
            Some("GitHub token")
        );
        assert_eq!(
            credential_in("token=sk_live_0123456789abcdefXYZ"),
            Some("Stripe key")
        );
        assert_eq!(
            credential_in("AIzaSyA-0123456789abcdefghijklmnopqrstu"),
            Some("Google API key")
        );
        assert_eq!(credential_in("AKIA1234"), None);
        assert_eq!(credential_in("sk_test_0123456789abcdefXYZ"), None);
        assert_eq!(credential_in("-----BEGIN PUBLIC KEY-----"), None);
        assert_eq!(credential_in("plain text"), None);
        let github = format!("ghp_{}", "a1".repeat(18));
        assert_eq!(credential_in(&github), Some("GitHub token"));
        // A token starts after a non-word character.
        assert_eq!(credential_in(&format!("x{github}")), None);
        assert_eq!(credential_in(&format!("x_{github}")), None);
        assert_eq!(credential_in(&format!("x-{github}")), Some("GitHub token"));
        // The body must be long enough right after the prefix.
        assert_eq!(credential_in(&github[..30]), None);
        // With several, the earlier format of the table is named.
        assert_eq!(
            credential_in(&format!("xoxb-0123456789ab {github}")),
            Some("GitHub token")
        );
        assert_eq!(
            credential_in("xoxb-0123456789ab xoxp-short"),
            Some("Slack token")
        );
        // Every prefix of the table is found, alone or after a word.
        for format in super::FORMATS {
            for prefix in format.prefixes {
                let token = format!("{prefix}{}", "7".repeat(format.min));
                assert_eq!(credential_in(&token), Some(format.what), "{token}");
                let after = format!("key={token}");
                assert_eq!(credential_in(&after), Some(format.what), "{after}");
            }
        }
    }
}
