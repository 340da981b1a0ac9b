//! Typed reading of the YAML tree, with errors that name the file, line,
//! column and key.

use std::cell::RefCell;
use std::path::Path;

use super::yaml::{Node, Value};
use super::{ConfigError, ConfigWarning};
use crate::diagnostic::Severity;
use crate::engine::resolve;
use crate::rules::RULES;

pub(super) struct Reader<'p> {
    path: &'p Path,
    warnings: RefCell<Vec<ConfigWarning>>,
}

impl<'p> Reader<'p> {
    pub fn new(path: &'p Path) -> Self {
        Self {
            path,
            warnings: RefCell::new(Vec::new()),
        }
    }

    pub fn into_warnings(self) -> Vec<ConfigWarning> {
        self.warnings.into_inner()
    }

    pub fn error(&self, node: &Node, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line: node.line,
            column: node.column,
            key: key.to_string(),
            message: message.into(),
        }
    }

    pub fn warn(&self, node: &Node, key: &str, message: impl Into<String>) {
        self.warnings.borrow_mut().push(ConfigWarning {
            path: self.path.to_path_buf(),
            line: node.line,
            column: node.column,
            key: key.to_string(),
            message: message.into(),
        });
    }

    fn expected(&self, node: &Node, key: &str, what: &str) -> ConfigError {
        self.error(node, key, format!("expected {what}, found {}", node.kind()))
    }

    /// The entries of a mapping, with string keys; nothing gives none.
    pub fn map<'n>(
        &self,
        node: &'n Node,
        key: &str,
    ) -> Result<Vec<(&'n str, &'n Node, &'n Node)>, ConfigError> {
        match &node.value {
            Value::Null => Ok(Vec::new()),
            Value::Map(entries) => entries
                .iter()
                .map(|(k, v)| match &k.value {
                    Value::Str(s) => Ok((s.as_str(), k, v)),
                    _ => Err(self.error(
                        k,
                        key,
                        format!("expected a string key, found {}", k.kind()),
                    )),
                })
                .collect(),
            _ => Err(self.expected(node, key, "a mapping")),
        }
    }

    /// The items of a list; nothing gives none.
    pub fn list<'n>(&self, node: &'n Node, key: &str) -> Result<&'n [Node], ConfigError> {
        match &node.value {
            Value::Null => Ok(&[]),
            Value::Seq(items) => Ok(items),
            _ => Err(self.expected(node, key, "a list")),
        }
    }

    pub fn string(&self, node: &Node, key: &str) -> Result<String, ConfigError> {
        node.as_str()
            .map(ToString::to_string)
            .ok_or_else(|| self.expected(node, key, "a string"))
    }

    /// A string, or a number or boolean as written (`VERSION: 1.20`).
    pub fn scalar(&self, node: &Node, key: &str) -> Result<String, ConfigError> {
        node.scalar_text()
            .ok_or_else(|| self.expected(node, key, "a string"))
    }

    pub fn strings(&self, node: &Node, key: &str) -> Result<Vec<String>, ConfigError> {
        self.list(node, key)?
            .iter()
            .map(|item| self.string(item, key))
            .collect()
    }

    pub fn bool(&self, node: &Node, key: &str) -> Result<bool, ConfigError> {
        match node.value {
            Value::Bool(b) => Ok(b),
            _ => Err(self.expected(node, key, "`true` or `false`")),
        }
    }

    /// `error`, `warning`, `info` or `style`.
    pub fn severity(&self, node: &Node, key: &str) -> Result<Severity, ConfigError> {
        let text = self.string(node, key)?;
        Severity::parse(&text).ok_or_else(|| {
            self.error(
                node,
                key,
                format!(
                    "`{text}` is not a severity (expected `error`, `warning`, `info` or `style`)"
                ),
            )
        })
    }

    /// A rule name (code, name, alias or prefix) and the codes it names.
    pub fn rule(&self, node: &Node, key: &str) -> Result<(String, Vec<&'static str>), ConfigError> {
        let name = self.string(node, key)?;
        match resolve(&name) {
            Ok(hits) => Ok((name, hits.into_iter().map(|i| RULES[i].meta.code).collect())),
            Err(_) => Err(self.error(
                node,
                key,
                format!("`{name}` names no rule{}", rule_hint(&name)),
            )),
        }
    }

    /// A list of rule names.
    pub fn rules(
        &self,
        node: &Node,
        key: &str,
    ) -> Result<Vec<(String, Vec<&'static str>)>, ConfigError> {
        self.list(node, key)?
            .iter()
            .map(|item| self.rule(item, key))
            .collect()
    }

    /// An error for a key that is not among `known`, suggesting the closest.
    pub fn unknown_key(&self, node: &Node, key: &str, known: &[&str]) -> ConfigError {
        let name = key.rsplit('.').next().unwrap_or(key);
        let hint =
            closest(name, known).map_or_else(String::new, |k| format!("; did you mean `{k}`?"));
        self.error(node, key, format!("unknown key `{name}`{hint}"))
    }
}

/// ` (did you mean …?)` for a misspelled rule code or name.
fn rule_hint(name: &str) -> String {
    let mut candidates: Vec<&str> = Vec::new();
    for rule in RULES {
        candidates.push(rule.meta.code);
        candidates.push(rule.meta.name);
        candidates.extend_from_slice(rule.meta.aliases);
    }
    closest(name, &candidates).map_or_else(String::new, |c| format!("; did you mean `{c}`?"))
}

/// The candidate nearest to `word` by edit distance, if near enough.
pub(super) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&word, &c.to_ascii_lowercase()), *c))
        .filter(|&(d, c)| d > 0 && d <= (c.len() / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == cb {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_names() {
        assert_eq!(closest("selct", &["select", "ignore"]), Some("select"));
        assert_eq!(closest("zzz", &["select", "ignore"]), None);
        assert_eq!(closest("select", &["select"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
