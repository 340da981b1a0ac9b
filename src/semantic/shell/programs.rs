//! Reading a program's arguments the way that program does. Each program
//! has one table: the options it knows (every spelling under one key, and
//! whether a value follows), whether its first operand is a subcommand,
//! which subcommands install packages and how a package pins its version.
//!
//! ```text
//! apt-get -q install -y --no-install-recommends curl=8.5.0-2 -o Dpkg::Options::=--force-confold
//!         │  │       │  │                        │            └ option "option" = "Dpkg::…"
//!         │  │       │  └ option "no-install-recommends"
//!         │  │       └ option "yes"               └ package curl, version 8.5.0-2
//!         │  └ subcommand
//!         └ option "quiet"
//! ```

use std::borrow::Cow;

use super::invocation::Invocation;
use super::word::ShellWord;

/// Whether an option takes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    Flag,
    /// The value is attached (`-ofile`, `--output=file`) or the next word.
    Value,
    /// The value is only ever attached (`--preserve-env=LIST`).
    Optional,
}

/// One option of a program, with all its spellings.
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    /// The name rules ask for (`"yes"` for `-y`, `--yes`, `--assume-yes`).
    pub key: &'static str,
    pub names: &'static [&'static str],
    pub arity: Arity,
}

const fn flag(key: &'static str, names: &'static [&'static str]) -> OptionSpec {
    OptionSpec {
        key,
        names,
        arity: Arity::Flag,
    }
}

const fn value(key: &'static str, names: &'static [&'static str]) -> OptionSpec {
    OptionSpec {
        key,
        names,
        arity: Arity::Value,
    }
}

const fn optional(key: &'static str, names: &'static [&'static str]) -> OptionSpec {
    OptionSpec {
        key,
        names,
        arity: Arity::Optional,
    }
}

/// How a package operand pins a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionSyntax {
    /// No versions in operands.
    None,
    /// `pkg=1.0` (apt).
    Equals,
    /// `pkg=1.0`, `pkg~1.0`, `pkg>1.0`, `pkg<1.0` (apk, zypper).
    Constraint,
    /// `pkg==1.0`, `pkg>=1`, `pkg[extra]~=1`, `pkg @ url` (pip).
    Pip,
    /// `pkg@1`, `@scope/pkg@1` (npm, go).
    At,
    /// `pkg:1.0` (gem).
    Colon,
    /// `pkg-1.0-1.el9`: from the first `-` followed by a digit (yum, dnf;
    /// RPM names are ambiguous, so this is a best guess).
    RpmDash,
}

/// The argument grammar of one program.
#[derive(Debug)]
pub struct ProgramSpec {
    /// Program names (basenames) this table applies to.
    pub programs: &'static [&'static str],
    /// The first operand is a subcommand.
    pub subcommands: bool,
    /// Subcommands that install packages (with their aliases).
    pub install: &'static [&'static str],
    pub options: &'static [OptionSpec],
    pub versions: VersionSyntax,
    /// Options are words like `-ldflags`, never clusters of letters, and
    /// `--name` means `-name` (Go's flag package).
    pub single_dash_long: bool,
}

const fn program(programs: &'static [&'static str], options: &'static [OptionSpec]) -> ProgramSpec {
    ProgramSpec {
        programs,
        subcommands: false,
        install: &[],
        options,
        versions: VersionSyntax::None,
        single_dash_long: false,
    }
}

pub const APT: ProgramSpec = ProgramSpec {
    subcommands: true,
    install: &["install"],
    versions: VersionSyntax::Equals,
    ..program(
        &["apt-get", "apt"],
        &[
            flag("yes", &["-y", "--yes", "--assume-yes"]),
            flag("quiet", &["-q", "--quiet", "--silent"]),
            flag("no-install-recommends", &["--no-install-recommends"]),
            flag("install-recommends", &["--install-recommends"]),
            flag("no-install-suggests", &["--no-install-suggests"]),
            flag("install-suggests", &["--install-suggests"]),
            value("option", &["-o", "--option"]),
            value("config-file", &["-c", "--config-file"]),
            value(
                "target-release",
                &["-t", "--target-release", "--default-release"],
            ),
            value("host-architecture", &["-a", "--host-architecture"]),
            value("build-profiles", &["-P", "--build-profiles"]),
            flag("allow-unauthenticated", &["--allow-unauthenticated"]),
            flag("allow-downgrades", &["--allow-downgrades"]),
            flag("allow-remove-essential", &["--allow-remove-essential"]),
            flag(
                "allow-change-held-packages",
                &["--allow-change-held-packages"],
            ),
            flag("force-yes", &["--force-yes"]),
            flag("fix-broken", &["-f", "--fix-broken"]),
            flag("fix-missing", &["-m", "--fix-missing", "--ignore-missing"]),
            flag("download-only", &["-d", "--download-only"]),
            flag(
                "simulate",
                &[
                    "-s",
                    "--simulate",
                    "--just-print",
                    "--dry-run",
                    "--recon",
                    "--no-act",
                ],
            ),
            flag("no-upgrade", &["--no-upgrade"]),
            flag("only-upgrade", &["--only-upgrade"]),
            flag("reinstall", &["--reinstall"]),
            flag("purge", &["--purge"]),
            flag("autoremove", &["--autoremove", "--auto-remove"]),
            flag("no-download", &["--no-download"]),
            flag("verbose-versions", &["-V", "--verbose-versions"]),
            flag("show-upgraded", &["-u", "--show-upgraded"]),
            flag("ignore-hold", &["--ignore-hold"]),
            flag("trivial-only", &["--trivial-only"]),
            flag("assume-no", &["--assume-no"]),
        ],
    )
};

pub const APK: ProgramSpec = ProgramSpec {
    subcommands: true,
    install: &["add"],
    versions: VersionSyntax::Constraint,
    ..program(
        &["apk"],
        &[
            flag("no-cache", &["--no-cache"]),
            flag("no-network", &["--no-network"]),
            flag("update-cache", &["-U", "--update-cache"]),
            value("virtual", &["-t", "--virtual"]),
            value("repository", &["-X", "--repository"]),
            value("root", &["-p", "--root"]),
            value("keys-dir", &["--keys-dir"]),
            value("arch", &["--arch"]),
            value("cache-dir", &["--cache-dir"]),
            value("cache-max-age", &["--cache-max-age"]),
            value("repositories-file", &["--repositories-file"]),
            value("progress-fd", &["--progress-fd"]),
            value("wait", &["--wait"]),
            value("timeout", &["--timeout"]),
            flag("allow-untrusted", &["--allow-untrusted"]),
            flag("quiet", &["-q", "--quiet"]),
            flag("verbose", &["-v", "--verbose"]),
            flag("interactive", &["-i", "--interactive"]),
            flag("upgrade", &["-u", "--upgrade"]),
            flag("latest", &["-l", "--latest"]),
            flag("available", &["-a", "--available"]),
            flag("simulate", &["-s", "--simulate"]),
            flag("no-progress", &["--no-progress"]),
            flag("no-scripts", &["--no-scripts"]),
            flag("initdb", &["--initdb"]),
            flag("purge", &["--purge"]),
            flag("clean-protected", &["--clean-protected"]),
            flag("force-overwrite", &["--force-overwrite"]),
            flag("force-broken-world", &["--force-broken-world"]),
            flag("force-non-repository", &["--force-non-repository"]),
        ],
    )
};

pub const PIP: ProgramSpec = ProgramSpec {
    subcommands: true,
    install: &["install"],
    versions: VersionSyntax::Pip,
    ..program(
        &[
            "pip", "pip3", "pip2", "pip3.6", "pip3.7", "pip3.8", "pip3.9", "pip3.10", "pip3.11",
            "pip3.12", "pip3.13",
        ],
        &[
            flag("no-cache-dir", &["--no-cache-dir"]),
            value("requirement", &["-r", "--requirement"]),
            value("constraint", &["-c", "--constraint"]),
            value("editable", &["-e", "--editable"]),
            value("target", &["-t", "--target"]),
            flag("user", &["--user"]),
            flag("upgrade", &["-U", "--upgrade"]),
            value("upgrade-strategy", &["--upgrade-strategy"]),
            value("index-url", &["-i", "--index-url"]),
            value("extra-index-url", &["--extra-index-url"]),
            flag("no-index", &["--no-index"]),
            value("find-links", &["-f", "--find-links"]),
            value("trusted-host", &["--trusted-host"]),
            value("prefix", &["--prefix"]),
            value("root", &["--root"]),
            value("src", &["--src"]),
            value("platform", &["--platform"]),
            value("python-version", &["--python-version"]),
            value("implementation", &["--implementation"]),
            value("abi", &["--abi"]),
            value("progress-bar", &["--progress-bar"]),
            value("cache-dir", &["--cache-dir"]),
            value("log", &["--log"]),
            value("proxy", &["--proxy"]),
            value("retries", &["--retries"]),
            value("timeout", &["--timeout"]),
            value("exists-action", &["--exists-action"]),
            value("cert", &["--cert"]),
            value("client-cert", &["--client-cert"]),
            value("global-option", &["--global-option"]),
            value("config-settings", &["-C", "--config-settings"]),
            value("only-binary", &["--only-binary"]),
            value("no-binary", &["--no-binary"]),
            value("root-user-action", &["--root-user-action"]),
            value("report", &["--report"]),
            value("python", &["--python"]),
            flag("prefer-binary", &["--prefer-binary"]),
            flag("no-deps", &["--no-deps"]),
            flag("pre", &["--pre"]),
            flag("require-hashes", &["--require-hashes"]),
            flag("no-build-isolation", &["--no-build-isolation"]),
            flag("break-system-packages", &["--break-system-packages"]),
            flag("ignore-installed", &["-I", "--ignore-installed"]),
            flag("force-reinstall", &["--force-reinstall"]),
            flag("quiet", &["-q", "--quiet"]),
            flag("verbose", &["-v", "--verbose"]),
            flag(
                "disable-pip-version-check",
                &["--disable-pip-version-check"],
            ),
            flag("no-input", &["--no-input"]),
            flag("isolated", &["--isolated"]),
            flag("no-warn-script-location", &["--no-warn-script-location"]),
            flag("compile", &["--compile"]),
            flag("no-compile", &["--no-compile"]),
            flag("use-pep517", &["--use-pep517"]),
            flag("dry-run", &["--dry-run"]),
        ],
    )
};

pub const NPM: ProgramSpec = ProgramSpec {
    subcommands: true,
    install: &[
        "install",
        "i",
        "in",
        "ins",
        "inst",
        "insta",
        "instal",
        "isnt",
        "isnta",
        "isntal",
        "isntall",
        "add",
        "ci",
        "clean-install",
        "ic",
        "install-clean",
        "isntall-clean",
    ],
    versions: VersionSyntax::At,
    ..program(
        &["npm"],
        &[
            flag("global", &["-g", "--global"]),
            flag("save", &["-S", "--save"]),
            flag("save-dev", &["-D", "--save-dev"]),
            flag("save-prod", &["-P", "--save-prod"]),
            flag("save-optional", &["-O", "--save-optional"]),
            flag("save-exact", &["-E", "--save-exact"]),
            flag("no-save", &["--no-save"]),
            flag("production", &["--production"]),
            optional("only", &["--only"]),
            value("omit", &["--omit"]),
            value("include", &["--include"]),
            value("prefix", &["--prefix"]),
            value("registry", &["--registry"]),
            value("loglevel", &["--loglevel"]),
            value("cache", &["--cache"]),
            value("userconfig", &["--userconfig"]),
            value("workspace", &["-w", "--workspace"]),
            value("tag", &["--tag"]),
            flag("ignore-scripts", &["--ignore-scripts"]),
            flag("no-audit", &["--no-audit"]),
            flag("no-fund", &["--no-fund"]),
            flag("unsafe-perm", &["--unsafe-perm"]),
            flag("legacy-peer-deps", &["--legacy-peer-deps"]),
            flag("force", &["-f", "--force"]),
            flag("silent", &["-s", "--silent"]),
            flag("quiet", &["-q", "--quiet"]),
            flag("no-optional", &["--no-optional"]),
            flag("no-package-lock", &["--no-package-lock"]),
            flag("prefer-offline", &["--prefer-offline"]),
            flag("no-progress", &["--no-progress"]),
        ],
    )
};

pub const YARN: ProgramSpec = ProgramSpec {
    subcommands: true,
    install: &["install"],
    versions: VersionSyntax::At,
    ..program(
        &["yarn"],
        &[
            value("cwd", &["--cwd"]),
            value("cache-folder", &["--cache-folder"]),
            value("modules-folder", &["--modules-folder"]),
            value("global-folder", &["--global-folder"]),
            value("network-timeout", &["--network-timeout"]),
            value("network-concurrency", &["--network-concurrency"]),
            value("registry", &["--registry"]),
            value("mutex", &["--mutex"]),
            value("use-yarnrc", &["--use-yarnrc"]),
            value("link-folder", &["--link-folder"]),
            value("preferred-cache-folder", &["--preferred-cache-folder"]),
            flag("frozen-lockfile", &["--frozen-lockfile"]),
            flag("immutable", &["--immutable"]),
            flag("pure-lockfile", &["--pure-lockfile"]),
            flag("production", &["--production", "--prod"]),
            flag("ignore-scripts", &["--ignore-scripts"]),
            flag("ignore-optional", &["--ignore-optional"]),
            flag("ignore-engines", &["--ignore-engines"]),
            flag("non-interactive", &["--non-interactive"]),
            flag("silent", &["-s", "--silent"]),
            flag("verbose", &["--verbose"]),
            flag("offline", &["--offline"]),
            flag("prefer-offline", &["--prefer-offline"]),
            flag("force", &["--force"]),
            flag("no-progress", &["--no-progress"]),
            flag("check-files", &["--check-files"]),
            flag("flat", &["--flat"]),
            flag("global", &["-g", "--global"]),
            flag("dev", &["-D", "--dev"]),
            flag("exact", &["-E", "--exact"]),
        ],
    )
};

const RPM_OPTIONS: &[OptionSpec] = &[
    flag("yes", &["-y", "--assumeyes"]),
    flag("assume-no", &["--assumeno"]),
    flag("quiet", &["-q", "--quiet"]),
    flag("nodocs", &["--nodocs"]),
    value("setopt", &["--setopt"]),
    value("enablerepo", &["--enablerepo"]),
    value("disablerepo", &["--disablerepo"]),
    value("repo", &["--repo", "--repoid"]),
    value("installroot", &["--installroot"]),
    value("releasever", &["--releasever"]),
    value("exclude", &["-x", "--exclude"]),
    value("downloaddir", &["--downloaddir", "--destdir"]),
    value("disableplugin", &["--disableplugin"]),
    value("enableplugin", &["--enableplugin"]),
    value("config", &["-c", "--config"]),
    value("color", &["--color"]),
    value("debuglevel", &["-d", "--debuglevel"]),
    value("errorlevel", &["-e", "--errorlevel"]),
    value("forcearch", &["--forcearch"]),
    value("module-platform-id", &["--module_platform_id"]),
    flag("nogpgcheck", &["--nogpgcheck"]),
    flag("skip-broken", &["--skip-broken"]),
    flag("best", &["--best"]),
    flag("nobest", &["--nobest"]),
    flag("allowerasing", &["--allowerasing"]),
    flag("refresh", &["--refresh"]),
    flag("cacheonly", &["-C", "--cacheonly"]),
    flag("downloadonly", &["--downloadonly"]),
    flag("noplugins", &["--noplugins"]),
    flag("verbose", &["-v", "--verbose"]),
    flag("no-weak-deps", &["--no-weak-deps"]),
];

pub const YUM: ProgramSpec = ProgramSpec {
    subcommands: true,
    install: &["install", "in", "groupinstall", "localinstall", "reinstall"],
    versions: VersionSyntax::RpmDash,
    ..program(&["yum", "dnf", "dnf5", "microdnf", "tdnf"], RPM_OPTIONS)
};

pub const ZYPPER: ProgramSpec = ProgramSpec {
    subcommands: true,
    install: &["install", "in"],
    versions: VersionSyntax::Constraint,
    ..program(
        &["zypper"],
        &[
            // `-n` is `--non-interactive` before the subcommand (by far the
            // common use) and `--name` after `install`; one table keeps
            // the first meaning.
            flag("non-interactive", &["-n", "--non-interactive"]),
            flag("yes", &["-y", "--no-confirm"]),
            flag("quiet", &["-q", "--quiet"]),
            flag("no-recommends", &["--no-recommends"]),
            flag("recommends", &["--recommends"]),
            flag(
                "auto-agree-with-licenses",
                &["-l", "--auto-agree-with-licenses"],
            ),
            flag("no-gpg-checks", &["--no-gpg-checks"]),
            flag("gpg-auto-import-keys", &["--gpg-auto-import-keys"]),
            flag("no-refresh", &["--no-refresh"]),
            flag("force", &["-f", "--force"]),
            flag("download-only", &["--download-only", "-d"]),
            flag("clean-deps", &["--clean-deps"]),
            value("root", &["-R", "--root"]),
            value("config", &["-c", "--config"]),
            value("reposd-dir", &["-D", "--reposd-dir"]),
            value("cache-dir", &["-C", "--cache-dir"]),
            value("from", &["--from"]),
            value("repo", &["-r", "--repo"]),
            value("type", &["-t", "--type"]),
        ],
    )
};

pub const GEM: ProgramSpec = ProgramSpec {
    subcommands: true,
    install: &["install", "i"],
    versions: VersionSyntax::Colon,
    ..program(
        &["gem"],
        &[
            value("version", &["-v", "--version"]),
            flag(
                "no-document",
                &["-N", "--no-document", "--no-ri", "--no-rdoc"],
            ),
            optional("document", &["--document"]),
            value("install-dir", &["-i", "--install-dir"]),
            value("bindir", &["-n", "--bindir"]),
            value("source", &["-s", "--source"]),
            value("platform", &["--platform"]),
            value("trust-policy", &["-P", "--trust-policy"]),
            value("build-root", &["--build-root"]),
            value("without", &["--without"]),
            value("file", &["-g", "--file"]),
            value("config-file", &["--config-file"]),
            value("http-proxy", &["-p", "--http-proxy"]),
            flag("clear-sources", &["--clear-sources"]),
            flag("user-install", &["--user-install"]),
            flag("no-user-install", &["--no-user-install"]),
            flag("force", &["-f", "--force"]),
            flag("wrappers", &["-w", "--wrappers"]),
            flag("ignore-dependencies", &["--ignore-dependencies"]),
            flag("conservative", &["--conservative"]),
            flag("minimal-deps", &["--minimal-deps"]),
            flag("prerelease", &["--pre", "--prerelease"]),
            flag("env-shebang", &["-E", "--env-shebang"]),
            flag("quiet", &["-q", "--quiet"]),
            flag("silent", &["--silent"]),
            flag("verbose", &["-V", "--verbose"]),
            flag("local", &["-l", "--local"]),
            flag("remote", &["-r", "--remote"]),
            flag("both", &["-b", "--both"]),
            flag("norc", &["--norc"]),
        ],
    )
};

pub const GO: ProgramSpec = ProgramSpec {
    subcommands: true,
    install: &["install", "get"],
    versions: VersionSyntax::At,
    single_dash_long: true,
    ..program(
        &["go"],
        &[
            value("o", &["-o"]),
            value("p", &["-p"]),
            value("mod", &["-mod"]),
            value("modfile", &["-modfile"]),
            value("tags", &["-tags"]),
            value("ldflags", &["-ldflags"]),
            value("gcflags", &["-gcflags"]),
            value("asmflags", &["-asmflags"]),
            value("gccgoflags", &["-gccgoflags"]),
            value("buildmode", &["-buildmode"]),
            value("buildvcs", &["-buildvcs"]),
            value("compiler", &["-compiler"]),
            value("installsuffix", &["-installsuffix"]),
            value("pkgdir", &["-pkgdir"]),
            value("toolexec", &["-toolexec"]),
            value("overlay", &["-overlay"]),
            value("pgo", &["-pgo"]),
            value("C", &["-C"]),
            flag("v", &["-v"]),
            flag("x", &["-x"]),
            flag("a", &["-a"]),
            flag("n", &["-n"]),
            flag("race", &["-race"]),
            flag("msan", &["-msan"]),
            flag("asan", &["-asan"]),
            flag("trimpath", &["-trimpath"]),
            flag("work", &["-work"]),
            flag("cover", &["-cover"]),
            flag("linkshared", &["-linkshared"]),
            flag("modcacherw", &["-modcacherw"]),
            flag("u", &["-u"]),
            flag("d", &["-d"]),
            flag("t", &["-t"]),
        ],
    )
};

pub const CURL: ProgramSpec = program(
    &["curl"],
    &[
        value("output", &["-o", "--output"]),
        flag("remote-name", &["-O", "--remote-name"]),
        flag("remote-name-all", &["--remote-name-all"]),
        flag("remote-header-name", &["-J", "--remote-header-name"]),
        flag("location", &["-L", "--location"]),
        flag("location-trusted", &["--location-trusted"]),
        flag("silent", &["-s", "--silent"]),
        flag("show-error", &["-S", "--show-error"]),
        flag("fail", &["-f", "--fail"]),
        flag("fail-with-body", &["--fail-with-body"]),
        flag("insecure", &["-k", "--insecure"]),
        flag("proxy-insecure", &["--proxy-insecure"]),
        flag("verbose", &["-v", "--verbose"]),
        flag("include", &["-i", "--include"]),
        flag("head", &["-I", "--head"]),
        flag("get", &["-G", "--get"]),
        flag("compressed", &["--compressed"]),
        flag("create-dirs", &["--create-dirs"]),
        flag("progress-bar", &["-#", "--progress-bar"]),
        flag("no-progress-meter", &["--no-progress-meter"]),
        flag("netrc", &["-n", "--netrc"]),
        flag("globoff", &["-g", "--globoff"]),
        flag("http1.1", &["--http1.1"]),
        flag("http2", &["--http2"]),
        flag("tlsv1.2", &["--tlsv1.2"]),
        flag("tlsv1.3", &["--tlsv1.3"]),
        flag("ssl-reqd", &["--ssl-reqd"]),
        value("request", &["-X", "--request"]),
        value("header", &["-H", "--header"]),
        value(
            "data",
            &[
                "-d",
                "--data",
                "--data-raw",
                "--data-binary",
                "--data-urlencode",
                "--data-ascii",
            ],
        ),
        value("form", &["-F", "--form"]),
        value("user", &["-u", "--user"]),
        value("user-agent", &["-A", "--user-agent"]),
        value("referer", &["-e", "--referer"]),
        value("proxy", &["-x", "--proxy"]),
        value("retry", &["--retry"]),
        value("retry-delay", &["--retry-delay"]),
        value("retry-max-time", &["--retry-max-time"]),
        flag("retry-all-errors", &["--retry-all-errors"]),
        flag("retry-connrefused", &["--retry-connrefused"]),
        value("connect-timeout", &["--connect-timeout"]),
        value("max-time", &["-m", "--max-time"]),
        value("write-out", &["-w", "--write-out"]),
        value("upload-file", &["-T", "--upload-file"]),
        value("cacert", &["--cacert"]),
        value("capath", &["--capath"]),
        value("cert", &["-E", "--cert"]),
        value("key", &["--key"]),
        value("cookie", &["-b", "--cookie"]),
        value("cookie-jar", &["-c", "--cookie-jar"]),
        value("continue-at", &["-C", "--continue-at"]),
        value("range", &["-r", "--range"]),
        value("url", &["--url"]),
        value("output-dir", &["--output-dir"]),
        value("proto", &["--proto"]),
        value("proto-redir", &["--proto-redir"]),
        value("resolve", &["--resolve"]),
        value("interface", &["--interface"]),
        value("limit-rate", &["--limit-rate"]),
        value("max-redirs", &["--max-redirs"]),
        value("netrc-file", &["--netrc-file"]),
        value("config", &["-K", "--config"]),
        value("dump-header", &["-D", "--dump-header"]),
        value("trace", &["--trace"]),
        value("trace-ascii", &["--trace-ascii"]),
        value("unix-socket", &["--unix-socket"]),
        value("oauth2-bearer", &["--oauth2-bearer"]),
        value("json", &["--json"]),
        value("variable", &["--variable"]),
        value("ciphers", &["--ciphers"]),
    ],
);

pub const WGET: ProgramSpec = program(
    &["wget"],
    &[
        value("output-document", &["-O", "--output-document"]),
        value("output-file", &["-o", "--output-file"]),
        value("append-output", &["-a", "--append-output"]),
        flag("quiet", &["-q", "--quiet"]),
        flag("no-verbose", &["-nv", "--no-verbose"]),
        flag("verbose", &["-v", "--verbose"]),
        flag("debug", &["-d", "--debug"]),
        flag("no-check-certificate", &["--no-check-certificate"]),
        value("directory-prefix", &["-P", "--directory-prefix"]),
        value("tries", &["-t", "--tries"]),
        value("timeout", &["-T", "--timeout"]),
        value("read-timeout", &["--read-timeout"]),
        value("dns-timeout", &["--dns-timeout"]),
        value("connect-timeout", &["--connect-timeout"]),
        value("waitretry", &["--waitretry"]),
        value("user-agent", &["-U", "--user-agent"]),
        value("header", &["--header"]),
        value("user", &["--user"]),
        value("password", &["--password"]),
        value("http-user", &["--http-user"]),
        value("http-password", &["--http-password"]),
        value("input-file", &["-i", "--input-file"]),
        value("progress", &["--progress"]),
        value("level", &["-l", "--level"]),
        value("accept", &["-A", "--accept"]),
        value("reject", &["-R", "--reject"]),
        value("limit-rate", &["--limit-rate"]),
        value("wait", &["-w", "--wait"]),
        value("secure-protocol", &["--secure-protocol"]),
        value("ca-certificate", &["--ca-certificate"]),
        value("certificate", &["--certificate"]),
        value("private-key", &["--private-key"]),
        value("post-data", &["--post-data"]),
        value("body-data", &["--body-data"]),
        value("method", &["--method"]),
        value("execute", &["-e", "--execute"]),
        value("base", &["-B", "--base"]),
        value("config", &["--config"]),
        value("load-cookies", &["--load-cookies"]),
        value("save-cookies", &["--save-cookies"]),
        value("max-redirect", &["--max-redirect"]),
        value("restrict-file-names", &["--restrict-file-names"]),
        value("bind-address", &["--bind-address"]),
        value("quota", &["-Q", "--quota"]),
        flag("continue", &["-c", "--continue"]),
        flag("show-progress", &["--show-progress"]),
        flag("no-clobber", &["-nc", "--no-clobber"]),
        flag("no-directories", &["-nd", "--no-directories"]),
        flag("no-host-directories", &["-nH", "--no-host-directories"]),
        flag("no-parent", &["-np", "--no-parent"]),
        flag("recursive", &["-r", "--recursive"]),
        flag("server-response", &["-S", "--server-response"]),
        flag("spider", &["--spider"]),
        flag("https-only", &["--https-only"]),
        flag("inet4-only", &["-4", "--inet4-only"]),
        flag("inet6-only", &["-6", "--inet6-only"]),
        flag("content-disposition", &["--content-disposition"]),
        flag("trust-server-names", &["--trust-server-names"]),
        flag("retry-connrefused", &["--retry-connrefused"]),
        flag("no-dns-cache", &["--no-dns-cache"]),
    ],
);

pub const USERADD: ProgramSpec = program(
    &["useradd", "adduser"],
    &[
        value("uid", &["-u", "--uid"]),
        value("gid", &["-g", "--gid"]),
        value("groups", &["-G", "--groups"]),
        value("shell", &["-s", "--shell"]),
        value("home-dir", &["-d", "--home-dir", "--home"]),
        value("comment", &["-c", "--comment", "--gecos"]),
        value("expiredate", &["-e", "--expiredate"]),
        value("inactive", &["-f", "--inactive"]),
        value("skel", &["-k", "--skel"]),
        value("key", &["-K", "--key"]),
        value("password", &["-p", "--password"]),
        value("base-dir", &["-b", "--base-dir"]),
        value("root", &["-R", "--root"]),
        value("prefix", &["-P", "--prefix"]),
        value("selinux-user", &["-Z", "--selinux-user"]),
        value("ingroup", &["--ingroup"]),
        flag("create-home", &["-m", "--create-home"]),
        flag("no-create-home", &["-M", "--no-create-home"]),
        flag("system", &["-r", "--system"]),
        flag("no-log-init", &["-l", "--no-log-init"]),
        flag("no-user-group", &["-N", "--no-user-group"]),
        flag("user-group", &["-U", "--user-group"]),
        flag("non-unique", &["-o", "--non-unique"]),
        flag("defaults", &["-D", "--defaults"]),
        flag("disabled-password", &["--disabled-password"]),
        flag("disabled-login", &["--disabled-login"]),
    ],
);

pub const RM: ProgramSpec = program(
    &["rm"],
    &[
        flag("recursive", &["-r", "-R", "--recursive"]),
        flag("force", &["-f", "--force"]),
        flag("dir", &["-d", "--dir"]),
        flag("interactive-always", &["-i"]),
        flag("interactive-once", &["-I"]),
        optional("interactive", &["--interactive"]),
        flag("verbose", &["-v", "--verbose"]),
        flag("one-file-system", &["--one-file-system"]),
        flag("no-preserve-root", &["--no-preserve-root"]),
        optional("preserve-root", &["--preserve-root"]),
    ],
);

/// Every table.
pub const PROGRAMS: &[&ProgramSpec] = &[
    &APT, &APK, &PIP, &NPM, &YUM, &ZYPPER, &GEM, &GO, &CURL, &WGET, &USERADD, &RM, &YARN,
];

/// The table for a program basename (`apt-get`, `pip3`…).
pub fn spec_for(program: &str) -> Option<&'static ProgramSpec> {
    PROGRAMS
        .iter()
        .copied()
        .find(|spec| spec.programs.contains(&program))
}

/// An option found in the arguments.
#[derive(Clone, Debug)]
pub struct ParsedOption<'s, 'a> {
    /// The table's key; for an option the table does not know, its name as
    /// written (`--foo`, `-z`).
    pub key: Cow<'s, str>,
    pub known: bool,
    pub value: Option<Cow<'s, str>>,
    /// The word holding the option.
    pub word: &'s ShellWord<'a>,
    /// The next word, when the value was taken from it.
    pub value_word: Option<&'s ShellWord<'a>>,
}

/// A package operand split into name and version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package<'s, 'a> {
    pub name: Cow<'s, str>,
    /// The version or constraint as written after the name (`1.0` for
    /// `pkg=1.0`, `==1.0` for pip, `>=1` for apk), if any.
    pub version: Option<Cow<'s, str>>,
    /// The word is not static (`$PACKAGES`): name and version are guesses.
    pub dynamic: bool,
    pub word: &'s ShellWord<'a>,
}

/// A program's arguments, read with its table.
#[derive(Clone, Debug)]
pub struct ParsedArgs<'s, 'a> {
    pub spec: &'static ProgramSpec,
    pub subcommand: Option<&'s ShellWord<'a>>,
    pub options: Vec<ParsedOption<'s, 'a>>,
    /// Operands other than the subcommand.
    pub operands: Vec<&'s ShellWord<'a>>,
}

impl ProgramSpec {
    /// The option spelled exactly `name`.
    fn find(&self, name: &str) -> Option<&'static OptionSpec>
    where
        Self: 'static,
    {
        self.options.iter().find(|o| o.names.contains(&name))
    }

    /// The option spelled `-c`.
    fn short(&self, c: char) -> Option<&'static OptionSpec>
    where
        Self: 'static,
    {
        self.options.iter().find(|o| {
            o.names.iter().any(|n| {
                let mut chars = n.chars();
                chars.next() == Some('-') && chars.next() == Some(c) && chars.next().is_none()
            })
        })
    }

    /// Reads `args` (the words after the program name).
    pub fn parse<'s, 'a>(&'static self, args: &'s [ShellWord<'a>]) -> ParsedArgs<'s, 'a> {
        self.read(args, false)
    }

    /// The subcommand of `args` (as [`ProgramSpec::parse`] finds it),
    /// without reading the words after it.
    pub fn subcommand<'s, 'a>(
        &'static self,
        args: &'s [ShellWord<'a>],
    ) -> Option<&'s ShellWord<'a>> {
        if !self.subcommands {
            return None;
        }
        self.read(args, true).subcommand
    }

    /// Reads `args`, up to the subcommand only when `until_subcommand`.
    fn read<'s, 'a>(
        &'static self,
        args: &'s [ShellWord<'a>],
        until_subcommand: bool,
    ) -> ParsedArgs<'s, 'a> {
        let mut parsed = ParsedArgs {
            spec: self,
            subcommand: None,
            options: Vec::new(),
            // Most words are operands (packages, paths): one allocation.
            operands: if until_subcommand {
                Vec::new()
            } else {
                Vec::with_capacity(args.len())
            },
        };
        let mut options_done = false;
        let mut i = 0;
        while let Some(word) = args.get(i) {
            i += 1;
            let option = word
                .static_value()
                .filter(|t| !options_done && t.len() > 1 && t.starts_with('-'));
            let Some(text) = option else {
                if self.subcommands && parsed.subcommand.is_none() {
                    parsed.subcommand = Some(word);
                    if until_subcommand {
                        break;
                    }
                } else {
                    parsed.operands.push(word);
                }
                continue;
            };
            if text == "--" {
                options_done = true;
                continue;
            }
            let next = args.get(i);
            let whole =
                text.starts_with("--") || self.single_dash_long || self.find(text).is_some();
            let took_next = if whole {
                parsed.whole(text, word, next)
            } else {
                parsed.cluster(text, word, next)
            };
            i += usize::from(took_next);
        }
        parsed
    }
}

impl<'s, 'a> ParsedArgs<'s, 'a> {
    /// A word that is one option (`--name`, `--name=value`, `-nv`, Go's
    /// `-ldflags`); returns whether it took `next` as its value.
    fn whole(
        &mut self,
        text: &'s str,
        word: &'s ShellWord<'a>,
        next: Option<&'s ShellWord<'a>>,
    ) -> bool {
        let spec = self.spec;
        let text = match text.strip_prefix('-') {
            Some(single) if spec.single_dash_long && single.starts_with('-') => single,
            _ => text,
        };
        let (option, name, attached) = match (spec.find(text), text.split_once('=')) {
            (None, Some((name, value))) => (spec.find(name), name, Some(value)),
            (option, _) => (option, text, None),
        };
        match option {
            Some(option) => self.known(option, attached, word, next),
            None => {
                self.options.push(ParsedOption {
                    key: Cow::Borrowed(name),
                    known: false,
                    value: attached.map(Cow::Borrowed),
                    word,
                    value_word: None,
                });
                false
            }
        }
    }

    /// A cluster of short options (`-yq`, `-oFoo=bar`): the first option
    /// taking a value takes the rest of the word, or the next word.
    fn cluster(
        &mut self,
        text: &'s str,
        word: &'s ShellWord<'a>,
        next: Option<&'s ShellWord<'a>>,
    ) -> bool {
        for (at, c) in text.char_indices().skip(1) {
            let rest = &text[at + c.len_utf8()..];
            match self.spec.short(c) {
                Some(option) if option.arity == Arity::Value => {
                    return if rest.is_empty() {
                        self.known(option, None, word, next)
                    } else {
                        self.known(option, Some(rest), word, None)
                    };
                }
                Some(option) => {
                    self.known(option, None, word, None);
                }
                None => self.options.push(ParsedOption {
                    key: Cow::Owned(format!("-{c}")),
                    known: false,
                    value: None,
                    word,
                    value_word: None,
                }),
            }
        }
        false
    }

    /// Records a known option; returns whether it took `next` as its value.
    fn known(
        &mut self,
        option: &'static OptionSpec,
        attached: Option<&'s str>,
        word: &'s ShellWord<'a>,
        next: Option<&'s ShellWord<'a>>,
    ) -> bool {
        let (value, value_word) = match (attached, option.arity) {
            (Some(v), _) => (Some(Cow::Borrowed(v)), None),
            (None, Arity::Value) => match next {
                Some(n) => (Some(Cow::Borrowed(&*n.value)), Some(n)),
                None => (None, None),
            },
            (None, _) => (None, None),
        };
        self.options.push(ParsedOption {
            key: Cow::Borrowed(option.key),
            known: true,
            value,
            word,
            value_word,
        });
        value_word.is_some()
    }

    /// The option `key` was given.
    pub fn has(&self, key: &str) -> bool {
        self.options.iter().any(|o| o.key == key)
    }

    /// Any of the options was given.
    pub fn has_any(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.has(k))
    }

    /// How often `key` was given (`-qq` counts 2).
    pub fn count(&self, key: &str) -> usize {
        self.options.iter().filter(|o| o.key == key).count()
    }

    /// The value of the last `key` given.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|o| o.key == key)
            .and_then(|o| o.value.as_deref())
    }

    /// Every value given for `key`, in order.
    pub fn values<'p>(&'p self, key: &'p str) -> impl Iterator<Item = &'p str> {
        self.options
            .iter()
            .filter(move |o| o.key == key)
            .filter_map(|o| o.value.as_deref())
    }

    /// The subcommand's static value.
    pub fn subcommand(&self) -> Option<&str> {
        self.subcommand.and_then(ShellWord::static_value)
    }

    /// The subcommand is one that installs packages.
    pub fn is_install(&self) -> bool {
        self.subcommand()
            .is_some_and(|s| self.spec.install.contains(&s))
    }

    /// The package operands of an install subcommand (empty otherwise).
    pub fn packages(&self) -> Vec<Package<'s, 'a>> {
        if !self.is_install() {
            return Vec::new();
        }
        self.operands
            .iter()
            .map(|&word| {
                let (name, version) = split_version(self.spec.versions, &word.value);
                Package {
                    name: Cow::Borrowed(name),
                    version: version.map(Cow::Borrowed),
                    dynamic: !word.is_static(),
                    word,
                }
            })
            .collect()
    }
}

/// Splits `pkg=1.0`-like text by the program's version syntax.
pub fn split_version(syntax: VersionSyntax, text: &str) -> (&str, Option<&str>) {
    let cut = match syntax {
        VersionSyntax::None => None,
        VersionSyntax::Equals => text.find('=').map(|i| (i, i + 1)),
        VersionSyntax::Constraint => text.find(['=', '<', '>', '~']).map(|i| {
            let op_end =
                i + text[i..].len() - text[i..].trim_start_matches(['=', '<', '>', '~']).len();
            (
                i,
                if text[i..].starts_with('=') && op_end == i + 1 {
                    i + 1
                } else {
                    i
                },
            )
        }),
        VersionSyntax::Pip => {
            let end = text.find(['=', '<', '>', '!', '~', ';', '@', ' ']);
            let name_end = text
                .find('[')
                .map_or(end, |b| Some(end.map_or(b, |e| e.min(b))));
            match (name_end, end) {
                (Some(n), Some(e)) => Some((n, e)),
                (Some(n), None) => Some((n, text.len())),
                _ => None,
            }
        }
        VersionSyntax::At => text
            .char_indices()
            .rev()
            .find(|&(i, c)| c == '@' && i > 0)
            .map(|(i, _)| (i, i + 1)),
        VersionSyntax::Colon => text.find(':').map(|i| (i, i + 1)),
        VersionSyntax::RpmDash => text
            .char_indices()
            .find(|&(i, c)| {
                c == '-'
                    && text[i + 1..]
                        .chars()
                        .next()
                        .is_some_and(|n| n.is_ascii_digit())
            })
            .map(|(i, _)| (i, i + 1)),
    };
    match cut {
        Some((name_end, version_start)) => {
            let name = text[..name_end].trim_end();
            let version = text[version_start..].trim();
            (name, (!version.is_empty()).then_some(version))
        }
        None => (text, None),
    }
}

impl<'s, 'a> Invocation<'s, 'a> {
    /// The invocation's arguments read with its program's table; `None`
    /// for programs without one.
    pub fn parse_args(&self) -> Option<ParsedArgs<'s, 'a>> {
        spec_for(self.program()).map(|spec| spec.parse(self.args))
    }

    /// The subcommand [`Invocation::parse_args`] finds: `None` without a
    /// table, `Some(None)` when there is none.
    pub fn subcommand(&self) -> Option<Option<&'s ShellWord<'a>>> {
        spec_for(self.program()).map(|spec| spec.subcommand(self.args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::shell::script::Script;
    use crate::semantic::shell::text::ShellText;
    use crate::syntax::TextRange;

    /// The subcommand alone is what the whole parse finds.
    #[test]
    fn subcommand_as_parsed() {
        for script in [
            "apt-get install -y curl",
            "apt-get -o Dpkg::Options::=--force-confold -y install curl",
            "apt-get -oFoo=bar update",
            "apt-get -- install x",
            "apt-get -y",
            "apt-get",
            "apk --no-cache add curl",
            "apk -X https://mirror add x",
            "pip --no-cache-dir install x",
            "npm --prefix /app ci",
            "dnf --setopt=x=1 -y install x",
            "yum -c /etc/yum.conf makecache",
            "curl -o x https://example.com",
            "git -C /src clone https://example.com/r.git",
            "go -C dir build ./...",
        ] {
            let source = format!("RUN {script}");
            let text = ShellText::verbatim(&source, TextRange::from_usize(4, source.len()));
            let parsed = Script::parse(&text);
            let inv = parsed
                .invocations()
                .next()
                .unwrap_or_else(|| panic!("{script}"));
            assert_eq!(
                inv.subcommand().map(|s| s.map(|w| w.raw.to_string())),
                inv.parse_args()
                    .map(|p| p.subcommand.map(|w| w.raw.to_string())),
                "{script}"
            );
        }
    }

    /// Parses `script` and reads the first invocation of `program`.
    fn with_args(script: &str, check: impl FnOnce(&ParsedArgs<'_, '_>)) {
        let source = format!("RUN {script}");
        let text = ShellText::verbatim(&source, TextRange::from_usize(4, source.len()));
        let parsed = Script::parse(&text);
        let inv = parsed
            .invocations()
            .find(|i| spec_for(i.program()).is_some())
            .unwrap_or_else(|| panic!("no known program in {script}"));
        let args = inv.parse_args().unwrap_or_else(|| panic!("no table"));
        check(&args);
    }

    fn packages(args: &ParsedArgs<'_, '_>) -> Vec<(String, Option<String>)> {
        args.packages()
            .into_iter()
            .map(|p| (p.name.into_owned(), p.version.map(Cow::into_owned)))
            .collect()
    }

    fn pkg(name: &str, version: Option<&str>) -> (String, Option<String>) {
        (name.to_owned(), version.map(str::to_owned))
    }

    #[test]
    fn apt_get() {
        with_args(
            "apt-get -q install -yq --no-install-recommends curl=8.5.0-2 git -o Dpkg::Options::=--force-confold -oAcquire::Retries=3",
            |a| {
                assert_eq!(a.subcommand(), Some("install"));
                assert!(a.is_install());
                assert!(a.has("yes") && a.has("no-install-recommends"));
                assert_eq!(a.count("quiet"), 2);
                assert_eq!(
                    a.values("option").collect::<Vec<_>>(),
                    vec!["Dpkg::Options::=--force-confold", "Acquire::Retries=3"]
                );
                assert_eq!(
                    packages(a),
                    vec![pkg("curl", Some("8.5.0-2")), pkg("git", None)]
                );
            },
        );
        with_args("apt install --yes -t bookworm-backports x", |a| {
            assert!(a.has("yes"));
            assert_eq!(a.value("target-release"), Some("bookworm-backports"));
            assert_eq!(packages(a), vec![pkg("x", None)]);
        });
        with_args("apt-get update", |a| {
            assert!(!a.is_install());
            assert!(a.packages().is_empty());
        });
    }

    #[test]
    fn apk() {
        with_args(
            "apk add --no-cache --virtual .build-deps gcc=12.2.1-r0 musl-dev~1.2 'py3-pip>=23'",
            |a| {
                assert!(a.is_install() && a.has("no-cache"));
                assert_eq!(a.value("virtual"), Some(".build-deps"));
                assert_eq!(
                    packages(a),
                    vec![
                        pkg("gcc", Some("12.2.1-r0")),
                        pkg("musl-dev", Some("~1.2")),
                        pkg("py3-pip", Some(">=23"))
                    ]
                );
            },
        );
    }

    #[test]
    fn pip() {
        with_args(
            "pip3 install --no-cache-dir -r requirements.txt 'django[argon2]==4.2' 'flask>=2' requests -e ./lib",
            |a| {
                assert!(a.is_install() && a.has("no-cache-dir"));
                assert_eq!(a.value("requirement"), Some("requirements.txt"));
                assert_eq!(a.value("editable"), Some("./lib"));
                assert_eq!(
                    packages(a),
                    vec![
                        pkg("django", Some("==4.2")),
                        pkg("flask", Some(">=2")),
                        pkg("requests", None)
                    ]
                );
            },
        );
        with_args("python3 -m pip install --upgrade pip==24.0", |a| {
            assert!(a.has("upgrade"));
            assert_eq!(packages(a), vec![pkg("pip", Some("==24.0"))]);
        });
    }

    #[test]
    fn npm() {
        with_args(
            "npm install -g --no-audit typescript@5.4 @angular/cli@17 @scope/x left-pad",
            |a| {
                assert!(a.is_install() && a.has("global") && a.has("no-audit"));
                assert_eq!(
                    packages(a),
                    vec![
                        pkg("typescript", Some("5.4")),
                        pkg("@angular/cli", Some("17")),
                        pkg("@scope/x", None),
                        pkg("left-pad", None)
                    ]
                );
            },
        );
        with_args("npm ci --omit=dev", |a| {
            assert!(a.is_install());
            assert_eq!(a.value("omit"), Some("dev"));
            assert!(a.packages().is_empty());
        });
        with_args("npm i -D x", |a| {
            assert!(a.is_install() && a.has("save-dev"));
        });
    }

    #[test]
    fn rpm_family() {
        for program in ["yum", "dnf", "microdnf"] {
            with_args(
                &format!("{program} install -y --setopt=tsflags=nodocs httpd-2.4.57 python3-pip"),
                |a| {
                    assert!(a.is_install() && a.has("yes"));
                    assert_eq!(a.value("setopt"), Some("tsflags=nodocs"));
                    assert_eq!(
                        packages(a),
                        vec![pkg("httpd", Some("2.4.57")), pkg("python3-pip", None)]
                    );
                },
            );
        }
        with_args("zypper -n in --no-recommends curl=8.0 'git>=2'", |a| {
            assert!(a.is_install() && a.has("non-interactive") && a.has("no-recommends"));
            assert_eq!(
                packages(a),
                vec![pkg("curl", Some("8.0")), pkg("git", Some(">=2"))]
            );
        });
    }

    #[test]
    fn gem_and_go() {
        with_args(
            "gem install bundler -v 2.5.6 --no-document rails:7.1.3",
            |a| {
                assert!(a.is_install() && a.has("no-document"));
                assert_eq!(a.value("version"), Some("2.5.6"));
                assert_eq!(
                    packages(a),
                    vec![pkg("bundler", None), pkg("rails", Some("7.1.3"))]
                );
            },
        );
        with_args(
            "go install -v -ldflags '-s -w' --trimpath golang.org/x/tools/gopls@v0.15.0",
            |a| {
                assert!(a.is_install() && a.has("v") && a.has("trimpath"));
                assert_eq!(a.value("ldflags"), Some("-s -w"));
                assert_eq!(
                    packages(a),
                    vec![pkg("golang.org/x/tools/gopls", Some("v0.15.0"))]
                );
            },
        );
    }

    #[test]
    fn curl_wget_useradd_rm() {
        with_args(
            "curl -fsSLo /tmp/x.tgz --retry 3 -H 'Accept: */*' https://example.com/x.tgz",
            |a| {
                assert!(
                    a.has("fail") && a.has("silent") && a.has("show-error") && a.has("location")
                );
                assert_eq!(a.value("output"), Some("/tmp/x.tgz"));
                assert_eq!(a.value("retry"), Some("3"));
                assert_eq!(a.value("header"), Some("Accept: */*"));
                assert_eq!(
                    a.operands.iter().map(|w| &*w.value).collect::<Vec<_>>(),
                    vec!["https://example.com/x.tgz"]
                );
                assert!(!a.has("insecure"));
            },
        );
        with_args("wget -nv --no-check-certificate -O- https://x | sh", |a| {
            assert!(a.has("no-verbose") && a.has("no-check-certificate"));
            assert_eq!(a.value("output-document"), Some("-"));
        });
        with_args("useradd -l -u 100000 -g app -m -s /bin/sh app", |a| {
            assert!(a.has("no-log-init") && a.has("create-home"));
            assert_eq!(a.value("uid"), Some("100000"));
            assert_eq!(
                a.operands.iter().map(|w| &*w.value).collect::<Vec<_>>(),
                vec!["app"]
            );
        });
        with_args(
            "rm -Rf --one-file-system /var/lib/apt/lists/* -- -weird",
            |a| {
                assert!(a.has("recursive") && a.has("force"));
                assert_eq!(a.operands.len(), 2);
            },
        );
    }

    #[test]
    fn unknown_options_and_dynamic_words() {
        with_args("apt-get install -y --frobnicate=1 -Z $PKGS", |a| {
            assert!(
                a.options.iter().any(|o| o.key == "--frobnicate"
                    && !o.known
                    && o.value.as_deref() == Some("1"))
            );
            assert!(a.options.iter().any(|o| o.key == "-Z" && !o.known));
            let p = a.packages();
            assert_eq!(p.len(), 1);
            assert!(p[0].dynamic);
        });
    }

    #[test]
    fn version_syntax() {
        assert_eq!(
            split_version(VersionSyntax::Equals, "a=1:2.0-1"),
            ("a", Some("1:2.0-1"))
        );
        assert_eq!(
            split_version(VersionSyntax::Equals, "a/bookworm"),
            ("a/bookworm", None)
        );
        assert_eq!(
            split_version(VersionSyntax::Constraint, "a=1"),
            ("a", Some("1"))
        );
        assert_eq!(
            split_version(VersionSyntax::Constraint, "a<2"),
            ("a", Some("<2"))
        );
        assert_eq!(split_version(VersionSyntax::Pip, "a[x,y]"), ("a", None));
        assert_eq!(
            split_version(VersionSyntax::Pip, "a @ https://x"),
            ("a", Some("@ https://x"))
        );
        assert_eq!(split_version(VersionSyntax::At, "@s/p"), ("@s/p", None));
        assert_eq!(
            split_version(VersionSyntax::At, "p@latest"),
            ("p", Some("latest"))
        );
        assert_eq!(
            split_version(VersionSyntax::RpmDash, "gcc-c++"),
            ("gcc-c++", None)
        );
        assert_eq!(split_version(VersionSyntax::None, "x=1"), ("x=1", None));
    }
}
