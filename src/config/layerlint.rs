//! `.layerlint.yaml`: layerlint's own keys.

use std::path::Path;

use globset::{GlobBuilder, GlobSetBuilder};

use super::reader::Reader;
use super::yaml::Node;
use super::{Config, ConfigError, PerFileIgnores};
use crate::engine::find;

pub(super) const KEYS: &[&str] = &[
    "select",
    "extend-select",
    "ignore",
    "severity",
    "per-file-ignores",
    "trusted-registries",
    "required-labels",
    "strict-labels",
    "build-args",
    "context",
    "target",
    "severity-threshold",
    "inline-ignores",
    "rules",
    "shellcheck",
];

/// hadolint's keys, for a hint when one turns up in a layerlint file.
const HADOLINT_EQUIVALENTS: &[(&str, &str)] = &[
    ("ignored", "ignore"),
    ("override", "severity"),
    ("trustedRegistries", "trusted-registries"),
    ("label-schema", "required-labels"),
    ("failure-threshold", "severity-threshold"),
    ("disable-ignore-pragma", "inline-ignores"),
];

/// The value formats `required-labels` (hadolint: `label-schema`) accepts.
pub(super) const LABEL_FORMATS: &[&str] =
    &["text", "url", "semver", "hash", "rfc3339", "spdx", "email"];

pub(super) fn read(
    reader: &Reader<'_>,
    root: &Node,
    config: &mut Config,
) -> Result<(), ConfigError> {
    let Ok(entries) = reader.map(root, "") else {
        return Err(reader.error(
            root,
            "",
            format!("expected a mapping of settings, found {}", root.kind()),
        ));
    };
    for (key, key_node, value) in entries {
        match key {
            "select" => {
                if !matches!(value.value, super::yaml::Value::Null) {
                    config.selection.select = Some(names(reader.rules(value, key)?));
                }
            }
            "extend-select" => config.selection.extend_select = names(reader.rules(value, key)?),
            "ignore" => config.selection.ignore = names(reader.rules(value, key)?),
            "severity" => {
                for (rule, rule_node, level) in reader.map(value, key)? {
                    let path = format!("severity.{rule}");
                    let (_, codes) = reader.rule(rule_node, &path)?;
                    let severity = reader.severity(level, &path)?;
                    config
                        .severity
                        .extend(codes.into_iter().map(|c| (c, severity)));
                }
            }
            "per-file-ignores" => config.per_file_ignores = Some(per_file_ignores(reader, value)?),
            "trusted-registries" => config.trusted_registries = reader.strings(value, key)?,
            "required-labels" => {
                for (label, _, format) in reader.map(value, key)? {
                    let path = format!("required-labels.{label}");
                    config
                        .required_labels
                        .push((label.to_string(), label_format(reader, format, &path)?));
                }
            }
            "strict-labels" => config.strict_labels = reader.bool(value, key)?,
            "build-args" => {
                for (name, _, arg) in reader.map(value, key)? {
                    let path = format!("build-args.{name}");
                    config
                        .build_args
                        .insert(name.to_string(), reader.scalar(arg, &path)?);
                }
            }
            "context" => {
                let dir = reader.string(value, key)?;
                config.context = Some(config.dir.join(Path::new(&dir)));
            }
            "target" => {
                let target = reader.string(value, key)?;
                if target.trim().is_empty() {
                    return Err(reader.error(
                        value,
                        key,
                        "expected a stage name, found an empty string",
                    ));
                }
                config.target = Some(target);
            }
            "severity-threshold" => config.severity_threshold = Some(reader.severity(value, key)?),
            "inline-ignores" => config.inline_ignores = Some(reader.bool(value, key)?),
            "rules" => rule_options(reader, value)?,
            "shellcheck" => {
                let mode = reader.string(value, key)?;
                config.shellcheck =
                    Some(crate::shellcheck::Mode::parse(&mode).ok_or_else(|| {
                        reader.error(
                            value,
                            key,
                            format!(
                                "`{mode}` is not a ShellCheck mode (expected auto, off or required)"
                            ),
                        )
                    })?);
            }
            other => {
                if let Some((_, ours)) = HADOLINT_EQUIVALENTS.iter().find(|(h, _)| *h == other) {
                    return Err(reader.error(
                        key_node,
                        other,
                        format!(
                            "unknown key `{other}`: that is hadolint's; here it is `{ours}` (or name the file `.hadolint.yaml`)"
                        ),
                    ));
                }
                return Err(reader.unknown_key(key_node, other, KEYS));
            }
        }
    }
    Ok(())
}

fn names(rules: Vec<(String, Vec<&'static str>)>) -> Vec<String> {
    rules.into_iter().map(|(name, _)| name).collect()
}

pub(super) fn label_format(
    reader: &Reader<'_>,
    node: &Node,
    key: &str,
) -> Result<String, ConfigError> {
    let format = reader.string(node, key)?;
    if LABEL_FORMATS.contains(&format.as_str()) {
        Ok(format)
    } else {
        Err(reader.error(
            node,
            key,
            format!(
                "`{format}` is not a label format (expected one of {})",
                LABEL_FORMATS.join(", ")
            ),
        ))
    }
}

/// `per-file-ignores: {GLOB: [RULE…]}`. A glob with a `/` is matched against
/// the path relative to the config file's directory; one without, against
/// the file name in any directory. `*` stays within a directory, `**`
/// crosses them.
fn per_file_ignores(reader: &Reader<'_>, node: &Node) -> Result<PerFileIgnores, ConfigError> {
    let mut relative = GlobSetBuilder::new();
    let mut basename = GlobSetBuilder::new();
    let mut relative_codes = Vec::new();
    let mut basename_codes = Vec::new();
    for (pattern, pattern_node, rules) in reader.map(node, "per-file-ignores")? {
        let path = format!("per-file-ignores.{pattern}");
        let trimmed = pattern.trim_start_matches("./");
        let glob = GlobBuilder::new(trimmed)
            .literal_separator(true)
            .build()
            .map_err(|e| {
                reader.error(pattern_node, &path, format!("invalid glob: {}", e.kind()))
            })?;
        // As written (validated): a ShellCheck code names no rule of the
        // registry but is a selector all the same.
        let codes: Vec<String> = reader
            .rules(rules, &path)?
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        if trimmed.contains('/') {
            relative.add(glob);
            relative_codes.push(codes);
        } else {
            basename.add(glob);
            basename_codes.push(codes);
        }
    }
    let build = |builder: GlobSetBuilder| {
        builder.build().map_err(|e| {
            reader.error(
                node,
                "per-file-ignores",
                format!("invalid glob: {}", e.kind()),
            )
        })
    };
    Ok(PerFileIgnores {
        relative: build(relative)?,
        basename: build(basename)?,
        relative_codes,
        basename_codes,
    })
}

/// `rules: {CODE: {option: value}}`: the codes must name a rule; no rule
/// takes options yet.
fn rule_options(reader: &Reader<'_>, node: &Node) -> Result<(), ConfigError> {
    for (rule, rule_node, options) in reader.map(node, "rules")? {
        let path = format!("rules.{rule}");
        let Some(entry) = find(rule) else {
            let (_, _) = reader.rule(rule_node, &path)?;
            return Err(reader.error(rule_node, &path, format!("`{rule}` names no single rule")));
        };
        if let Some((option, option_node, _)) = reader.map(options, &path)?.into_iter().next() {
            return Err(reader.error(
                option_node,
                &format!("{path}.{option}"),
                format!(
                    "{} ({}) has no option `{option}`",
                    entry.meta.code, entry.meta.name
                ),
            ));
        }
    }
    Ok(())
}
