//! `.hadolint.yaml`, read with hadolint's meaning (hadolint 2.15,
//! `src/Hadolint/Config/Configuration.hs` and its README):
//!
//! | hadolint | layerlint |
//! |---|---|
//! | `ignored: [CODE]` | `ignore` |
//! | `override: {error\|warning\|info\|style: [CODE]}` | `severity`, and the rule is turned on (hadolint runs an off-by-default rule given a severity) |
//! | `trustedRegistries: [REGISTRY]` (or one string) | `trusted-registries` |
//! | `label-schema: {LABEL: FORMAT}` | `required-labels` |
//! | `strict-labels` | `strict-labels` |
//! | `failure-threshold: error\|warning\|info\|style\|ignore\|none` | `severity-threshold` (`ignore`/`none`: any finding fails) |
//! | `disable-ignore-pragma: true` | `inline-ignores: false` |
//! | `no-fail`, `no-color`, `format` | `--exit-zero`, no colour, `--format` |
//! | `verbose` | read, no effect |
//!
//! Like hadolint, keys it does not know are read past (here with a
//! warning), and so are rule codes: ShellCheck's `SC` codes silently,
//! others with a warning. Values of the wrong type are errors, as in
//! hadolint.

use super::layerlint::label_format;
use super::reader::Reader;
use super::yaml::{Node, Value};
use super::{Config, ConfigError};
use crate::diagnostic::Severity;
use crate::engine::resolve;
use crate::rules::RULES;

const KEYS: &[&str] = &[
    "ignored",
    "override",
    "trustedRegistries",
    "label-schema",
    "strict-labels",
    "failure-threshold",
    "disable-ignore-pragma",
    "no-fail",
    "no-color",
    "format",
    "verbose",
];

/// hadolint's output formats and layerlint's equivalent.
const FORMATS: &[(&str, Option<&str>)] = &[
    ("tty", Some("text")),
    ("json", Some("json")),
    ("checkstyle", Some("checkstyle")),
    ("codeclimate", None),
    ("gitlab_codeclimate", Some("gitlab")),
    ("gnu", Some("gnu")),
    ("codacy", None),
    ("sonarqube", None),
    ("sarif", Some("sarif")),
    ("junit", Some("junit")),
];

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
        if matches!(value.value, Value::Null) {
            continue;
        }
        match key {
            "ignored" => {
                for item in reader.list(value, key)? {
                    let code = reader.string(item, key)?;
                    if known(reader, item, key, &code) {
                        config.selection.ignore.push(code);
                    }
                }
            }
            "override" => {
                for (level, level_node, codes) in reader.map(value, key)? {
                    let path = format!("override.{level}");
                    let Some(severity) = Severity::parse(level) else {
                        reader.warn(
                            level_node,
                            &path,
                            format!("`{level}` is not a severity hadolint overrides (error, warning, info, style); ignored"),
                        );
                        continue;
                    };
                    for item in reader.list(codes, &path)? {
                        let code = reader.string(item, &path)?;
                        if !known(reader, item, &path, &code) {
                            continue;
                        }
                        if let Ok(hits) = resolve(&code) {
                            config
                                .severity
                                .extend(hits.iter().map(|&i| (RULES[i].meta.code, severity)));
                        }
                        config.selection.extend_select.push(code);
                    }
                }
            }
            "trustedRegistries" => {
                config.trusted_registries = match &value.value {
                    Value::Str(s) => vec![s.clone()],
                    _ => reader.strings(value, key)?,
                };
            }
            "label-schema" => {
                for (label, _, format) in reader.map(value, key)? {
                    let path = format!("label-schema.{label}");
                    config
                        .required_labels
                        .push((label.to_string(), label_format(reader, format, &path)?));
                }
            }
            "strict-labels" => config.strict_labels = reader.bool(value, key)?,
            "failure-threshold" => {
                let text = reader.string(value, key)?;
                config.severity_threshold = Some(match text.as_str() {
                    "ignore" | "none" => Severity::Style,
                    other => Severity::parse(other).ok_or_else(|| {
                        reader.error(
                            value,
                            key,
                            format!("`{other}` is not a threshold (expected error, warning, info, style, ignore or none)"),
                        )
                    })?,
                });
            }
            "disable-ignore-pragma" => config.inline_ignores = Some(!reader.bool(value, key)?),
            "no-fail" => config.exit_zero = Some(reader.bool(value, key)?),
            "no-color" => config.color = Some(!reader.bool(value, key)?),
            "verbose" => {
                reader.bool(value, key)?;
            }
            "format" => {
                let text = reader.string(value, key)?;
                match FORMATS.iter().find(|(name, _)| *name == text) {
                    Some((_, Some(ours))) => config.format = Some((*ours).to_string()),
                    Some((_, None)) => reader.warn(
                        value,
                        key,
                        format!("layerlint has no `{text}` output; the default format is used"),
                    ),
                    None => {
                        let names: Vec<&str> = FORMATS.iter().map(|(n, _)| *n).collect();
                        return Err(reader.error(
                            value,
                            key,
                            format!(
                                "`{text}` is not an output format (expected one of {})",
                                names.join(", ")
                            ),
                        ));
                    }
                }
            }
            other => {
                let hint = super::reader::closest(other, KEYS)
                    .map_or_else(String::new, |k| format!(" (did you mean `{k}`?)"));
                reader.warn(
                    key_node,
                    other,
                    format!("hadolint ignores the key `{other}`, and so does layerlint{hint}"),
                );
            }
        }
    }
    Ok(())
}

/// Whether a code in a hadolint file names a rule; warns when it does not
/// (ShellCheck codes excepted: hadolint runs ShellCheck, layerlint does not).
fn known(reader: &Reader<'_>, node: &Node, key: &str, code: &str) -> bool {
    if resolve(code).is_ok() {
        return true;
    }
    let shellcheck = code.len() == 6
        && code.starts_with("SC")
        && code.as_bytes()[2..].iter().all(u8::is_ascii_digit);
    if !shellcheck {
        reader.warn(
            node,
            key,
            format!("`{code}` names no layerlint rule; ignored"),
        );
    }
    false
}
