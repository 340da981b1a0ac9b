#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use super::*;
use crate::rules::RULES;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, text).unwrap();
    path
}

fn layerlint(text: &str) -> Result<Config, ConfigError> {
    parse(
        text,
        Path::new("/repo/.layerlint.yaml"),
        ConfigKind::Layerlint,
    )
}

fn hadolint(text: &str) -> Result<Config, ConfigError> {
    parse(
        text,
        Path::new("/repo/.hadolint.yaml"),
        ConfigKind::Hadolint,
    )
}

fn error(text: &str) -> String {
    layerlint(text).unwrap_err().to_string()
}

fn enabled(settings: &Settings) -> Vec<&'static str> {
    settings.enabled_rules().map(|r| r.meta.code).collect()
}

/// Everything the engine reads from settings, as text.
fn fingerprint(settings: &Settings) -> String {
    let mut out = String::new();
    for rule in RULES {
        let _ = writeln!(
            out,
            "{} {} {}",
            rule.meta.code,
            settings.is_enabled(rule.meta),
            settings.severity_of(rule.meta)
        );
    }
    let o = &settings.options;
    let _ = writeln!(
        out,
        "{:?} {:?} {} {:?} {}",
        o.trusted_registries,
        o.required_labels,
        o.strict_labels,
        o.build_args,
        settings.inline_ignores
    );
    out
}

#[test]
fn empty_file_is_the_default() {
    for text in ["", "\n", "# only a comment\n", "~\n"] {
        let config = layerlint(text).unwrap();
        let settings = config.settings(&Overrides::default()).unwrap();
        assert_eq!(
            fingerprint(&settings),
            fingerprint(&Settings::default()),
            "{text:?}"
        );
        assert!(config.warnings().is_empty());
    }
}

#[test]
fn selection_keys() {
    let config = layerlint("select: [DL3000, LL102]\nignore: [from-as-casing]\n").unwrap();
    assert_eq!(
        enabled(&config.settings(&Overrides::default()).unwrap()),
        ["DL3000"]
    );
    let config = layerlint("extend-select: [LL114]\nignore: [DL30]\n").unwrap();
    let on = enabled(&config.settings(&Overrides::default()).unwrap());
    assert!(
        on.contains(&"LL114") && on.contains(&"LL102") && !on.contains(&"DL3000"),
        "{on:?}"
    );
    // Aliases and prefixes.
    let config = layerlint("select: [WorkdirRelativePath, LL1]\n").unwrap();
    let on = enabled(&config.settings(&Overrides::default()).unwrap());
    assert!(
        on.contains(&"DL3000") && on.contains(&"LL102") && on.contains(&"LL114"),
        "{on:?}"
    );
    assert!(
        on.iter().all(|c| *c == "DL3000" || c.starts_with("LL1")),
        "{on:?}"
    );
}

#[test]
fn command_line_wins() {
    let config =
        layerlint("select: [DL3000]\nseverity-threshold: error\nbuild-args: {A: file, B: file}\n")
            .unwrap();
    let cli = Overrides {
        select: Some(vec!["LL102".to_string()]),
        severity_threshold: Some(Severity::Style),
        build_args: vec![("B".to_string(), "cli".to_string())],
        ..Overrides::default()
    };
    let settings = config.settings(&cli).unwrap();
    assert_eq!(enabled(&settings), ["LL102"]);
    assert_eq!(config.effective_threshold(&cli), Severity::Style);
    assert_eq!(
        config.effective_threshold(&Overrides::default()),
        Severity::Error
    );
    assert_eq!(settings.options.build_args["A"], "file");
    assert_eq!(settings.options.build_args["B"], "cli");
    // --ignore adds to the file's selection.
    let cli = Overrides {
        ignore: vec!["DL3000".to_string()],
        ..Overrides::default()
    };
    assert!(enabled(&config.settings(&cli).unwrap()).is_empty());
    // --no-inline-ignores beats `inline-ignores: true`.
    let config = layerlint("inline-ignores: true\n").unwrap();
    let cli = Overrides {
        no_inline_ignores: true,
        ..Overrides::default()
    };
    assert!(!config.settings(&cli).unwrap().inline_ignores);
    assert!(
        config
            .settings(&Overrides::default())
            .unwrap()
            .inline_ignores
    );
    // Unknown names on the command line name the flag.
    let cli = Overrides {
        extend_select: vec!["NOPE1".to_string()],
        ..Overrides::default()
    };
    assert_eq!(
        config.settings(&cli).unwrap_err().to_string(),
        "--extend-select: unknown rule or prefix `NOPE1`"
    );
}

#[test]
fn severity_and_options() {
    let config = layerlint(
        "severity:\n  DL3000: warning\n  from-as-casing: error\n\
         trusted-registries: [docker.io, ghcr.io]\n\
         required-labels: {maintainer: email, version: semver}\n\
         strict-labels: true\n\
         build-args: {VERSION: 1.20, DEBUG: true, NAME: app}\n\
         inline-ignores: false\n\
         severity-threshold: warning\n\
         context: ../ctx\n",
    )
    .unwrap();
    let settings = config.settings(&Overrides::default()).unwrap();
    let meta = |code: &str| crate::engine::find(code).unwrap().meta;
    assert_eq!(settings.severity_of(meta("DL3000")), Severity::Warning);
    assert_eq!(settings.severity_of(meta("LL102")), Severity::Error);
    assert_eq!(
        settings.options.trusted_registries,
        ["docker.io", "ghcr.io"]
    );
    assert_eq!(
        settings.options.required_labels,
        [
            ("maintainer".to_string(), "email".to_string()),
            ("version".to_string(), "semver".to_string())
        ]
    );
    assert!(settings.options.strict_labels);
    assert_eq!(settings.options.build_args["VERSION"], "1.20");
    assert_eq!(settings.options.build_args["DEBUG"], "true");
    assert!(!settings.inline_ignores);
    assert_eq!(config.severity_threshold(), Some(Severity::Warning));
    assert_eq!(config.context(), Some(Path::new("/repo/../ctx")));
    assert_eq!(config.build_args().len(), 3);
}

#[test]
fn rules_section_validates_codes() {
    assert!(layerlint("rules:\n  DL3000: {}\n  from-as-casing:\n").is_ok());
    assert_eq!(
        error("rules:\n  DL3000:\n    max: 3\n"),
        "/repo/.layerlint.yaml:3:5: DL3000 (workdir-relative-path) has no option `max` (key `rules.DL3000.max`)"
    );
    assert_eq!(
        error("rules:\n  DL9999: {}\n"),
        "/repo/.layerlint.yaml:2:3: `DL9999` names no rule (key `rules.DL9999`)"
    );
}

#[test]
fn errors_name_file_line_and_key() {
    let cases: &[(&str, &str)] = &[
        (
            "select: [DL3000]\nselct: [DL3000]\n",
            "/repo/.layerlint.yaml:2:1: unknown key `selct`; did you mean `select`? (key `selct`)",
        ),
        (
            "ignore:\n  - DL3000\n  - NOPE42\n",
            "/repo/.layerlint.yaml:3:5: `NOPE42` names no rule (key `ignore`)",
        ),
        (
            "ignore: [workdir-relative-pth]\n",
            "/repo/.layerlint.yaml:1:10: `workdir-relative-pth` names no rule; did you mean `workdir-relative-path`? (key `ignore`)",
        ),
        (
            "severity:\n  DL3000: fatal\n",
            "/repo/.layerlint.yaml:2:11: `fatal` is not a severity (expected `error`, `warning`, `info` or `style`) (key `severity.DL3000`)",
        ),
        (
            "severity-threshold: high\n",
            "/repo/.layerlint.yaml:1:21: `high` is not a severity (expected `error`, `warning`, `info` or `style`) (key `severity-threshold`)",
        ),
        (
            "select: DL3000\n",
            "/repo/.layerlint.yaml:1:9: expected a list, found a string (key `select`)",
        ),
        (
            "inline-ignores: yes\n",
            "/repo/.layerlint.yaml:1:17: expected `true` or `false`, found a string (key `inline-ignores`)",
        ),
        (
            "build-args: {A: [1]}\n",
            "/repo/.layerlint.yaml:1:17: expected a string, found a list (key `build-args.A`)",
        ),
        (
            "required-labels: {maintainer: phone}\n",
            "/repo/.layerlint.yaml:1:31: `phone` is not a label format (expected one of text, url, semver, hash, rfc3339, spdx, email) (key `required-labels.maintainer`)",
        ),
        (
            "per-file-ignores:\n  \"docker/[z-a]\": [DL3000]\n",
            "/repo/.layerlint.yaml:2:3: invalid glob: invalid range; 'z' > 'a' (key `per-file-ignores.docker/[z-a]`)",
        ),
        (
            "per-file-ignores:\n  \"docker/*\": [DL300X]\n",
            "/repo/.layerlint.yaml:2:16: `DL300X` names no rule; did you mean `DL3000`? (key `per-file-ignores.docker/*`)",
        ),
        (
            "ignored: [DL3000]\n",
            "/repo/.layerlint.yaml:1:1: unknown key `ignored`: that is hadolint's; here it is `ignore` (or name the file `.hadolint.yaml`) (key `ignored`)",
        ),
        (
            "- DL3000\n",
            "/repo/.layerlint.yaml:1:1: expected a mapping of settings, found a list",
        ),
        (
            "severity: [DL3000]\n",
            "/repo/.layerlint.yaml:1:11: expected a mapping, found a list (key `severity`)",
        ),
        (
            "select: [\n",
            "/repo/.layerlint.yaml:1:9: unclosed bracket '['",
        ),
        (
            "select: [DL3000]\nselect: [LL102]\n",
            "/repo/.layerlint.yaml:2:1: duplicate key `select`",
        ),
        (
            "FROM alpine\nRUN true\n",
            "/repo/.layerlint.yaml:1:1: expected a mapping of settings, found a string",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(&error(text), expected, "{text}");
    }
    let e = layerlint("ignore:\n  - NOPE42\n").unwrap_err();
    assert_eq!((e.line(), e.key()), (Some(2), Some("ignore")));
    assert_eq!(e.path(), Some(Path::new("/repo/.layerlint.yaml")));
}

#[test]
fn not_yaml_is_an_error_with_a_line() {
    let e = layerlint("select: [DL3000\nignore: {\n").unwrap_err();
    assert!(matches!(e, ConfigError::Syntax { .. }), "{e:?}");
    assert!(e.line().is_some_and(|l| l >= 1), "{e}");
    let e = layerlint("a: b: c\n").unwrap_err();
    assert!(matches!(e, ConfigError::Syntax { line: 1, .. }), "{e}");
}

#[test]
fn hadolint_keys() {
    let config = hadolint(
        "ignored: [DL3000, SC2086]\n\
         override:\n  error: [LL102]\n\
         trustedRegistries: [docker.io, \"*.gcr.io\"]\n\
         label-schema: {author: text, created: rfc3339}\n\
         strict-labels: true\n\
         failure-threshold: warning\n\
         disable-ignore-pragma: true\n\
         no-fail: true\n\
         no-color: true\n\
         format: gitlab_codeclimate\n\
         verbose: false\n",
    )
    .unwrap();
    assert!(config.warnings().is_empty(), "{:?}", config.warnings());
    let settings = config.settings(&Overrides::default()).unwrap();
    let meta = |code: &str| crate::engine::find(code).unwrap().meta;
    assert!(!settings.is_enabled(meta("DL3000")));
    assert_eq!(settings.severity_of(meta("LL102")), Severity::Error);
    assert_eq!(
        settings.options.trusted_registries,
        ["docker.io", "*.gcr.io"]
    );
    assert_eq!(settings.options.required_labels.len(), 2);
    assert!(settings.options.strict_labels);
    assert!(!settings.inline_ignores);
    assert_eq!(config.severity_threshold(), Some(Severity::Warning));
    assert_eq!(config.exit_zero(), Some(true));
    assert_eq!(config.color(), Some(false));
    assert_eq!(config.format(), Some("gitlab"));
    assert_eq!(config.kind(), Some(ConfigKind::Hadolint));
}

#[test]
fn hadolint_leniency_and_errors() {
    // hadolint reads past keys and codes it does not know; so do we, with a warning.
    let config = hadolint("ignored: [XX1234, SC1000]\nbogus: 1\noverride: {fatal: [DL3000]}\ntrustedRegistries: docker.io\nformat: codacy\n").unwrap();
    let warnings: Vec<String> = config.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "/repo/.hadolint.yaml:1:11: `XX1234` names no layerlint rule; ignored (key `ignored`)",
            "/repo/.hadolint.yaml:2:1: hadolint ignores the key `bogus`, and so does layerlint (key `bogus`)",
            "/repo/.hadolint.yaml:3:12: `fatal` is not a severity hadolint overrides (error, warning, info, style); ignored (key `override.fatal`)",
            "/repo/.hadolint.yaml:5:9: layerlint has no `codacy` output; the default format is used (key `format`)",
        ]
    );
    assert_eq!(
        config
            .settings(&Overrides::default())
            .unwrap()
            .options
            .trusted_registries,
        ["docker.io"]
    );
    // ... but values of the wrong type are errors, as in hadolint.
    for (text, expected) in [
        (
            "ignored: DL3000\n",
            "/repo/.hadolint.yaml:1:10: expected a list, found a string (key `ignored`)",
        ),
        (
            "failure-threshold: bogus\n",
            "/repo/.hadolint.yaml:1:20: `bogus` is not a threshold (expected error, warning, info, style, ignore or none) (key `failure-threshold`)",
        ),
        (
            "no-fail: yes\n",
            "/repo/.hadolint.yaml:1:10: expected `true` or `false`, found a string (key `no-fail`)",
        ),
        (
            "label-schema: {a: bogus}\n",
            "/repo/.hadolint.yaml:1:19: `bogus` is not a label format (expected one of text, url, semver, hash, rfc3339, spdx, email) (key `label-schema.a`)",
        ),
        (
            "format: html\n",
            "/repo/.hadolint.yaml:1:9: `html` is not an output format (expected one of tty, json, checkstyle, codeclimate, gitlab_codeclimate, gnu, codacy, sonarqube, sarif, junit) (key `format`)",
        ),
    ] {
        assert_eq!(hadolint(text).unwrap_err().to_string(), expected, "{text}");
    }
    for (threshold, level) in [
        ("none", Severity::Style),
        ("ignore", Severity::Style),
        ("style", Severity::Style),
        ("error", Severity::Error),
    ] {
        let config = hadolint(&format!("failure-threshold: {threshold}\n")).unwrap();
        assert_eq!(config.severity_threshold(), Some(level));
    }
}

/// A `.hadolint.yaml` written for hadolint gives the same settings as the
/// `.layerlint.yaml` that says the same in layerlint's keys.
#[test]
fn hadolint_file_means_what_it_means_to_hadolint() {
    let ours = layerlint(
        "ignore: [DL3000]\nseverity: {LL102: info}\nextend-select: [LL102]\n\
         trusted-registries: [docker.io, my.registry:5000]\nseverity-threshold: warning\n\
         required-labels: {version: semver}\n",
    )
    .unwrap();
    let theirs = hadolint(
        "ignored:\n  - DL3000\n  - SC2086\noverride:\n  info:\n    - LL102\n\
         trustedRegistries:\n  - docker.io\n  - my.registry:5000\nfailure-threshold: warning\n\
         label-schema:\n  version: semver\n",
    )
    .unwrap();
    let cli = Overrides::default();
    assert_eq!(
        fingerprint(&theirs.settings(&cli).unwrap()),
        fingerprint(&ours.settings(&cli).unwrap())
    );
    assert_eq!(theirs.severity_threshold(), ours.severity_threshold());
    // hadolint turns on an off-by-default rule given a severity.
    let config = hadolint("override:\n  warning: [LL114]\n").unwrap();
    let settings = config.settings(&cli).unwrap();
    assert!(settings.is_enabled(crate::engine::find("LL114").unwrap().meta));
}

#[test]
fn per_file_ignores() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let path = write(
        root,
        ".layerlint.yaml",
        "per-file-ignores:\n  \"docker/*.Dockerfile\": [DL3000]\n  \"Dockerfile.dev\": [from-as-casing]\n  \"**/test/**\": [DL30]\n",
    );
    let config = load(&path).unwrap();
    let cli = Overrides::default();
    let case = |rel: &str| {
        let file = root.join(rel);
        let on = enabled(&config.settings_for(&file, &cli).unwrap());
        (
            config.is_ignored_for(&file, "DL3000"),
            config.is_ignored_for(&file, "LL102"),
            on.contains(&"DL3000"),
        )
    };
    assert_eq!(case("docker/app.Dockerfile"), (true, false, false));
    // `*` stays in one directory.
    assert_eq!(case("docker/sub/app.Dockerfile"), (false, false, true));
    // A glob without `/` matches the file name anywhere.
    assert_eq!(case("Dockerfile.dev"), (false, true, true));
    assert_eq!(case("services/api/Dockerfile.dev"), (false, true, true));
    assert_eq!(case("a/test/b/Dockerfile"), (true, false, false));
    assert_eq!(case("Dockerfile"), (false, false, true));
    // Relative to the config file's directory, not the current one.
    assert!(!config.is_ignored_for(Path::new("/elsewhere/docker/app.Dockerfile"), "DL3000"));
}

#[test]
fn per_file_ignores_take_shellcheck_codes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let path = write(
        root,
        ".layerlint.yaml",
        "per-file-ignores:\n  \"legacy/*\": [SC2086, SC20, DL3008]\n",
    );
    let config = load(&path).unwrap();
    let cli = Overrides::default();
    let legacy = root.join("legacy/Dockerfile");
    let settings = config.settings_for(&legacy, &cli).unwrap();
    assert!(!settings.shellcheck_enabled("SC2086"));
    assert!(!settings.shellcheck_enabled("SC2046"));
    assert!(settings.shellcheck_enabled("SC1091"));
    assert!(config.is_ignored_for(&legacy, "SC2086"));
    assert!(config.is_ignored_for(&legacy, "SC2046"));
    assert!(!config.is_ignored_for(&legacy, "SC1091"));
    assert!(config.is_ignored_for(&legacy, "DL3008"));
    let other = config.settings_for(&root.join("Dockerfile"), &cli).unwrap();
    assert!(other.shellcheck_enabled("SC2086"));
}

#[test]
fn discovery_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let deep = root.join("a/b/c");
    fs::create_dir_all(&deep).unwrap();
    let none = Discovery::default();
    assert_eq!(none.find(&deep).unwrap(), None);

    // hadolint's file is the fallback.
    let hadolint_top = write(root, ".hadolint.yml", "ignored: [DL3000]\n");
    assert_eq!(none.find(&deep).unwrap(), Some(hadolint_top.clone()));
    let hadolint_near = write(root, "a/b/.hadolint.yaml", "");
    assert_eq!(none.find(&deep).unwrap(), Some(hadolint_near.clone()));

    // Any layerlint file above wins over any hadolint file, nearest first.
    let top = write(root, ".layerlint.yml", "");
    assert_eq!(none.find(&deep).unwrap(), Some(top.clone()));
    let mid = write(root, "a/.layerlint.yaml", "");
    assert_eq!(none.find(&deep).unwrap(), Some(mid.clone()));
    assert_eq!(none.find(root).unwrap(), Some(top.clone()));
    // `.yaml` before `.yml` in one directory.
    let mid_yml = write(root, "a/.layerlint.yml", "");
    assert_eq!(none.find(&deep).unwrap(), Some(mid));
    fs::remove_file(&mid_yml).unwrap();
    // A directory named like a config file is not one.
    fs::create_dir_all(deep.join(".layerlint.yaml")).unwrap();
    assert_eq!(
        none.find(&deep).unwrap(),
        Some(root.join("a/.layerlint.yaml"))
    );

    // Relative directories are taken from `cwd`.
    let relative = Discovery {
        cwd: Some(root.join("a")),
        ..Discovery::default()
    };
    assert_eq!(
        relative.find(Path::new("b/c")).unwrap(),
        Some(root.join("a/.layerlint.yaml"))
    );
}

#[test]
fn hadolint_global_locations() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let project = root.join("project/src");
    fs::create_dir_all(&project).unwrap();
    let home = root.join("home");
    let cwd = root.join("cwd");
    fs::create_dir_all(&cwd).unwrap();
    let discovery = Discovery {
        cwd: Some(cwd.clone()),
        home: Some(home.clone()),
        xdg_config_home: None,
    };
    assert_eq!(discovery.find(&project).unwrap(), None);
    // From last to first in hadolint's order; each new file takes over.
    let order = [
        home.join(".hadolint.yml"),
        home.join(".hadolint.yaml"),
        home.join(".hadolint/config.yml"),
        home.join(".hadolint/config.yaml"),
        home.join(".hadolint/hadolint.yml"),
        home.join(".hadolint/hadolint.yaml"),
        home.join(".config/hadolint.yml"),
        home.join(".config/hadolint.yaml"),
        cwd.join(".hadolint.yml"),
        cwd.join(".hadolint.yaml"),
    ];
    for path in &order {
        write(
            path.parent().unwrap(),
            path.file_name().unwrap().to_str().unwrap(),
            "",
        );
        assert_eq!(discovery.find(&project).unwrap().as_ref(), Some(path));
    }
    // $XDG_CONFIG_HOME replaces ~/.config.
    let xdg = root.join("xdg");
    let with_xdg = Discovery {
        cwd: None,
        home: Some(home.clone()),
        xdg_config_home: Some(xdg.clone()),
    };
    assert_eq!(
        with_xdg.find(&project).unwrap(),
        Some(home.join(".hadolint/hadolint.yaml"))
    );
    let xdg_file = write(&xdg, "hadolint.yaml", "");
    assert_eq!(with_xdg.find(&project).unwrap(), Some(xdg_file));
    // A project file, even hadolint's, comes before the global ones.
    let project_file = write(root, "project/.hadolint.yaml", "");
    assert_eq!(discovery.find(&project).unwrap(), Some(project_file));
    // The global file is read as hadolint's format.
    assert_eq!(
        ConfigKind::of(&home.join(".hadolint/config.yaml")),
        ConfigKind::Hadolint
    );
    assert_eq!(
        ConfigKind::of(&home.join(".config/hadolint.yml")),
        ConfigKind::Hadolint
    );
    assert_eq!(
        ConfigKind::of(Path::new("ci/lint.yaml")),
        ConfigKind::Layerlint
    );
}

#[test]
fn cache_loads_each_file_once_and_reports_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".layerlint.yaml", "ignore: [DL3000]\n");
    write(root, "bad/.layerlint.yaml", "ignore: [NOPE42]\n");
    fs::create_dir_all(root.join("a/b")).unwrap();
    let cache = ConfigCache::new(Discovery::default());
    let one = cache.for_file(&root.join("a/Dockerfile")).unwrap();
    let two = cache.for_file(&root.join("a/b/Dockerfile")).unwrap();
    assert!(std::sync::Arc::ptr_eq(&one, &two));
    assert_eq!(one.path(), Some(root.join(".layerlint.yaml").as_path()));
    let e = cache.for_file(&root.join("bad/Dockerfile")).unwrap_err();
    assert_eq!(e.line(), Some(1));
    assert!(e.to_string().contains("bad/.layerlint.yaml:1:10"), "{e}");
    let fixed = ConfigCache::fixed(Config::default());
    assert_eq!(
        fixed.for_file(&root.join("a/Dockerfile")).unwrap().path(),
        None
    );
    // Many threads at once.
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..20 {
                    assert!(cache.for_dir(&root.join("a/b")).is_ok());
                }
            });
        }
    });
}

/// Searches share what they found in common ancestors, and a layerlint
/// file anywhere above still beats a nearer hadolint file.
#[test]
fn cache_reuses_searched_ancestors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "p/.hadolint.yaml", "ignored: [DL3000]\n");
    write(root, "p/b/.layerlint.yaml", "ignore: [DL3001]\n");
    write(root, "p/d/.hadolint.yml", "ignored: [DL3002]\n");
    for sub in ["p/b/c/e", "p/d/f", "p/g"] {
        fs::create_dir_all(root.join(sub)).unwrap();
    }
    let discovery = Discovery {
        home: Some(root.join("home")),
        ..Discovery::default()
    };
    let cache = ConfigCache::new(discovery.clone());
    let order = ["p/b/c/e", "p/b/c", "p/d/f", "p/g", "p/b", "p", "p/d"];
    let found = |dir: &str| {
        cache
            .for_dir(&root.join(dir))
            .unwrap()
            .path()
            .map(Path::to_path_buf)
    };
    for dir in order {
        assert_eq!(
            found(dir),
            discovery.find(&root.join(dir)).unwrap(),
            "{dir}"
        );
    }
    assert_eq!(found("p/b/c/e"), Some(root.join("p/b/.layerlint.yaml")));
    assert_eq!(found("p/d/f"), Some(root.join("p/d/.hadolint.yml")));
    assert_eq!(found("p/g"), Some(root.join("p/.hadolint.yaml")));
}

#[test]
fn io_errors_name_the_file() {
    let e = load(Path::new("/nonexistent/dir/.layerlint.yaml")).unwrap_err();
    assert!(matches!(e, ConfigError::Io { .. }));
    assert!(
        e.to_string()
            .starts_with("/nonexistent/dir/.layerlint.yaml: cannot read the configuration"),
        "{e}"
    );
}

/// The example in README.md's "Configuration" section is a valid file
/// (rule codes of rules not written yet aside).
#[test]
fn readme_example_is_valid() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("## Configuration").unwrap()..];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let mut example = section[start..start + section[start..].find("```").unwrap()].to_string();
    // Drop rule names the registry does not have yet, one error at a time.
    for _ in 0..20 {
        match layerlint(&example) {
            Ok(config) => {
                assert!(config.warnings().is_empty());
                assert_eq!(config.severity_threshold(), Some(Severity::Warning));
                return;
            }
            Err(e) => {
                let message = e.to_string();
                let name = message
                    .split('`')
                    .nth(1)
                    .filter(|n| message.contains("names no rule") && n.starts_with("DL"))
                    .unwrap_or_else(|| panic!("README example: {message}"))
                    .to_string();
                example = example
                    .replace(&format!("{name}: {{}}"), "")
                    .replace(&name, "DL3000");
            }
        }
    }
    panic!("README example never became valid");
}

#[test]
fn target_from_file_and_command_line() {
    let config = layerlint("target: Build\n").unwrap();
    let settings = config.settings(&Overrides::default()).unwrap();
    assert_eq!(settings.options.target.as_deref(), Some("Build"));
    let cli = Overrides {
        target: Some("test".to_string()),
        ..Overrides::default()
    };
    let settings = config.settings(&cli).unwrap();
    assert_eq!(settings.options.target.as_deref(), Some("test"));
    let settings = layerlint("")
        .unwrap()
        .settings(&Overrides::default())
        .unwrap();
    assert_eq!(settings.options.target, None);
    let error = layerlint("target: ''\n").unwrap_err().to_string();
    assert!(error.contains("target"), "{error}");
    let error = layerlint("target: [a]\n").unwrap_err().to_string();
    assert!(error.contains("target"), "{error}");
}

#[test]
fn shellcheck_mode_and_codes() {
    let config = layerlint("shellcheck: required\nignore: [SC2086]\n").unwrap();
    let settings = config.settings(&Overrides::default()).unwrap();
    assert_eq!(settings.shellcheck, crate::shellcheck::Mode::Required);
    assert!(!settings.shellcheck_enabled("SC2086"));
    assert!(settings.shellcheck_enabled("SC2046"));
    let cli = Overrides {
        shellcheck: Some(crate::shellcheck::Mode::Off),
        ..Overrides::default()
    };
    assert_eq!(
        config.settings(&cli).unwrap().shellcheck,
        crate::shellcheck::Mode::Off,
        "the command line wins"
    );
    assert!(error("shellcheck: maybe\n").contains("not a ShellCheck mode"));
    let default = layerlint("").unwrap();
    assert_eq!(
        default.settings(&Overrides::default()).unwrap().shellcheck,
        crate::shellcheck::Mode::Auto
    );
}
