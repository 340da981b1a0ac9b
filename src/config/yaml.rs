//! YAML read into a tree that remembers where every key and value is, so
//! that validation can name the file, line and key of what is wrong.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

/// A YAML value.
#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in file order; keys are strings (a non-string key is an error).
    Map(Vec<(Node, Node)>),
}

/// A value with its position.
#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    /// 1-based line and column.
    pub line: usize,
    pub column: usize,
    /// The text the value was written as (for plain scalars read as
    /// strings: `1.20` stays `1.20`).
    pub raw: Option<String>,
}

impl Node {
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text: strings as they are, numbers and booleans as
    /// written.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(self.raw.clone().unwrap_or_else(|| b.to_string())),
            Value::Int(i) => Some(self.raw.clone().unwrap_or_else(|| i.to_string())),
            Value::Float(f) => Some(self.raw.clone().unwrap_or_else(|| f.to_string())),
            _ => None,
        }
    }
}

/// What the YAML parser saw: a value with its location.
struct Raw(Spanned<RawValue>);

#[derive(Debug)]
enum RawValue {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawValue>>),
    Map(Vec<(Spanned<RawValue>, Spanned<RawValue>)>),
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnyVisitor;
        impl<'de> Visitor<'de> for AnyVisitor {
            type Value = RawValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<RawValue, E> {
                Ok(RawValue::Null)
            }
            fn visit_none<E>(self) -> Result<RawValue, E> {
                Ok(RawValue::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
                RawValue::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
                Ok(RawValue::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
                Ok(RawValue::Int(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawValue, E> {
                Ok(RawValue::Int(v.into()))
            }
            fn visit_i128<E>(self, v: i128) -> Result<RawValue, E> {
                Ok(RawValue::Int(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
                Ok(RawValue::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
                Ok(RawValue::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(RawValue::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(RawValue::Map(entries))
            }
        }
        deserializer.deserialize_any(AnyVisitor)
    }
}

/// A YAML syntax error: message, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Parses a YAML document. An empty document (or one with only comments)
/// gives `None`.
pub fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    // YAML 1.2 scalars, as hadolint's HsYAML reads them: `yes`/`on` are
    // strings, not booleans; `.inf` stays text.
    let options = serde_saphyr::options! {
        strict_booleans: true,
        non_finite_float_policy: serde_saphyr::options::NonFiniteFloatPolicy::AsString,
    };
    let parsed: Result<Option<Spanned<RawValue>>, serde_saphyr::Error> =
        serde_saphyr::from_str_with_options(text, options);
    match parsed {
        Ok(value) => Ok(value.map(|v| convert(text, Raw(v)))),
        Err(e) => {
            let (line, column) = e
                .location()
                .map_or((0, 0), |l| (to_usize(l.line()), to_usize(l.column())));
            let mut message = e.without_snippet().to_string();
            let suffix = format!(" at line {line}, column {column}");
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_string();
            }
            if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
                let key = key.split(", set DuplicateKeyPolicy").next().unwrap_or(key);
                message = format!("duplicate key `{key}`");
            }
            Err(SyntaxError {
                message,
                line,
                column,
            })
        }
    }
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn raw_text(text: &str, location: &Location) -> Option<String> {
    let span = location.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    text.get(start..start + len).map(ToString::to_string)
}

fn convert(text: &str, Raw(spanned): Raw) -> Node {
    let location = spanned.referenced;
    let value = match spanned.value {
        RawValue::Null => Value::Null,
        RawValue::Bool(b) => Value::Bool(b),
        RawValue::Int(i) => Value::Int(i),
        RawValue::Float(f) => Value::Float(f),
        RawValue::Str(s) => Value::Str(s),
        RawValue::Seq(items) => {
            Value::Seq(items.into_iter().map(|i| convert(text, Raw(i))).collect())
        }
        RawValue::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(text, Raw(k)), convert(text, Raw(v))))
                .collect(),
        ),
    };
    let raw = match value {
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => raw_text(text, &location),
        _ => None,
    };
    Node {
        value,
        line: to_usize(location.line()),
        column: to_usize(location.column()),
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_raw_scalars() {
        let node = parse("a: 1.20\nb:\n  - x\n  - true\n").unwrap().unwrap();
        let Value::Map(entries) = &node.value else {
            panic!("not a map")
        };
        assert_eq!(entries[0].0.as_str(), Some("a"));
        assert_eq!(entries[0].1.scalar_text().as_deref(), Some("1.20"));
        assert_eq!((entries[1].0.line, entries[1].0.column), (2, 1));
        let Value::Seq(items) = &entries[1].1.value else {
            panic!("not a seq")
        };
        assert_eq!((items[1].line, items[1].column), (4, 5));
        assert_eq!(items[1].scalar_text().as_deref(), Some("true"));
    }

    #[test]
    fn empty_and_broken() {
        assert!(parse("").unwrap().is_none());
        assert!(parse("# nothing\n").unwrap().is_none());
        let e = parse("a: [\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("unclosed"), "{e:?}");
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
