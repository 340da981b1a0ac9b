//! `--format sarif`: SARIF 2.1.0, the subset GitHub code scanning and the
//! SARIF multitool's validator expect. Hand-written serde structs (the
//! SARIF crates are unmaintained or do not build alone).
//!
//! `tool.driver.rules` lists the rules that have results, in registry order
//! (a result's `ruleIndex` points into it); columns are Unicode scalar
//! values, declared with `columnKind`; file URIs are relative, with `/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::{FileReport, Span};
use crate::diagnostic::Severity;
use crate::engine::RuleMeta;
use crate::rules::RULES;
use crate::syntax::TextRange;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/layerlint/layerlint";
const SRCROOT: &str = "%SRCROOT%";
/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "layerlint/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Multiformat,
    help: Multiformat,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Multiformat {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<Fix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(clippy::struct_field_names)] // SARIF's names
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
    /// The whole lines around `region`.
    #[serde(skip_serializing_if = "Option::is_none")]
    context_region: Option<Region>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

impl From<Span> for Region {
    fn from(s: Span) -> Self {
        Self {
            start_line: s.line,
            start_column: s.column,
            end_line: s.end_line,
            end_column: s.end_column,
            snippet: None,
        }
    }
}

/// The region of `range` with its text, and the whole lines around it.
fn regions(file: &FileReport<'_>, range: TextRange) -> (Region, Region) {
    let mut region = Region::from(file.span(range));
    region.snippet = Some(Text {
        text: range.slice(file.source).to_string(),
    });
    let lines = file.line_range(range);
    let mut context = Region::from(file.span(lines));
    context.snippet = Some(Text {
        text: lines.slice(file.source).to_string(),
    });
    (region, context)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fix {
    description: Text,
    artifact_changes: [ArtifactChange; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

const fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

/// `workdir-relative-path` → `WorkdirRelativePath`.
fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The rule docs as plain text: headings lose their `#`, code blocks lose
/// their fences and are indented.
fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut in_code = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str("    ");
            out.push_str(line);
        } else {
            out.push_str(line.trim_start_matches('#').trim_start());
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

fn rule(meta: &RuleMeta) -> Rule {
    let docs = meta.docs();
    let description = ["What it does", "Why is this bad?"]
        .iter()
        .filter_map(|h| meta.section(h))
        .collect::<Vec<_>>()
        .join("\n\n");
    let description = if description.is_empty() {
        meta.summary()
    } else {
        description
    };
    Rule {
        id: meta.code,
        name: pascal_case(meta.name),
        short_description: Text {
            text: meta.summary(),
        },
        full_description: Multiformat {
            text: plain_text(&description),
            markdown: description,
        },
        help: Multiformat {
            text: plain_text(&docs),
            markdown: docs,
        },
        help_uri: meta.url(),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags: vec![meta.category.as_str()],
        },
    }
}

/// Percent-encodes what may not appear in a URI path.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A relative path becomes a URI relative to `%SRCROOT%`; an absolute one a
/// `file:` URI.
fn artifact_location(path: &str) -> ArtifactLocation {
    let path = super::slash_path(path);
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", encode_uri_path(&path)),
            uri_base_id: None,
        }
    } else if drive {
        ArtifactLocation {
            uri: format!(
                "file:///{}:{}",
                char::from(bytes[0]),
                encode_uri_path(&path[2..])
            ),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode_uri_path(&path),
            uri_base_id: Some(SRCROOT),
        }
    }
}

pub fn render(files: &[FileReport<'_>], out: &mut dyn Write) -> io::Result<()> {
    let reported: Vec<&RuleMeta> = RULES
        .iter()
        .map(|r| r.meta)
        .filter(|m| {
            files
                .iter()
                .flat_map(|f| f.diagnostics)
                .any(|d| d.code == m.code)
        })
        .collect();
    let mut results = Vec::new();
    for file in files {
        let location = artifact_location(file.path);
        let fingerprints = file.fingerprints();
        for (d, fingerprint) in file.diagnostics.iter().zip(fingerprints) {
            let physical = |range| {
                let (region, context) = regions(file, range);
                PhysicalLocation {
                    artifact_location: location.clone(),
                    region,
                    context_region: Some(context),
                }
            };
            let sarif_fixes = d
                .fix
                .iter()
                .map(|fix| Fix {
                    description: Text {
                        text: fix.title.clone(),
                    },
                    artifact_changes: [ArtifactChange {
                        artifact_location: location.clone(),
                        replacements: fix
                            .edits
                            .iter()
                            .map(|e| Replacement {
                                deleted_region: file.span(e.range).into(),
                                inserted_content: Text {
                                    text: e.content.clone(),
                                },
                            })
                            .collect(),
                    }],
                })
                .collect();
            let message = match &d.help {
                Some(help) => format!("{}. {help}.", d.message.trim_end_matches('.')),
                None => d.message.clone(),
            };
            results.push(SarifResult {
                rule_id: d.code,
                rule_index: reported.iter().position(|m| m.code == d.code),
                level: level(d.severity),
                message: Text { text: message },
                locations: [Location {
                    id: None,
                    physical_location: physical(d.range),
                    message: None,
                }],
                related_locations: d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| Location {
                        id: Some(i + 1),
                        physical_location: physical(r.range),
                        message: Some(Text {
                            text: r.message.clone(),
                        }),
                    })
                    .collect(),
                partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
                fixes: sarif_fixes,
            });
        }
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "layerlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: reported.iter().map(|m| rule(m)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(
            artifact_location("./a b/Dockerfile").uri,
            "a%20b/Dockerfile"
        );
        assert_eq!(artifact_location("x:y/Dockerfile").uri, "x%3Ay/Dockerfile");
        let abs = artifact_location("/srv/é/Dockerfile");
        assert_eq!(abs.uri, "file:///srv/%C3%A9/Dockerfile");
        assert!(abs.uri_base_id.is_none());
        assert_eq!(
            artifact_location("C:\\x\\Dockerfile").uri,
            "file:///C:/x/Dockerfile"
        );
        assert_eq!(artifact_location("<stdin>").uri, "%3Cstdin%3E");
    }

    #[test]
    fn names_and_plain_text() {
        assert_eq!(pascal_case("workdir-relative-path"), "WorkdirRelativePath");
        assert_eq!(
            plain_text("## Example\n```dockerfile\nFROM a\n```\ntext"),
            "Example\n    FROM a\ntext"
        );
    }
}
