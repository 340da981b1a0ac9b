//! Settings the editor sends (`initializationOptions`,
//! `workspace/didChangeConfiguration`), merged over the configuration file
//! found for each document as command-line flags are.
//!
//! ```json
//! {"select": ["DL", "LL1"], "ignore": "DL3008,DL3009",
//!  "build-args": {"VERSION": "1.2"}}
//! ```
//! The same object may sit under a `layerlint` key (how editors group
//! settings per tool). `select` and `ignore` take a list or a
//! comma-separated string; `build-args` (or `buildArgs`) a map or a list of
//! `K=V`. Other keys are ignored, since editors send their own.

use serde_json::Value;

use crate::config::Overrides;
use crate::engine;

/// The keys read; others are ignored.
const KEYS: [&str; 4] = ["select", "ignore", "build-args", "buildArgs"];

/// The editor's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientOptions {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub build_args: Vec<(String, String)>,
}

impl ClientOptions {
    /// Reads the settings; an error names the key and what is wrong.
    pub fn parse(value: &Value) -> Result<Self, String> {
        let value = value.get("layerlint").unwrap_or(value);
        let mut options = ClientOptions::default();
        let object = match value {
            Value::Null => return Ok(options),
            Value::Object(object) => object,
            _ => return Err("layerlint settings: expected an object".to_string()),
        };
        if let Some(select) = object.get("select").filter(|v| !v.is_null()) {
            options.select = Some(rule_list(select, "select")?);
        }
        if let Some(ignore) = object.get("ignore").filter(|v| !v.is_null()) {
            options.ignore = rule_list(ignore, "ignore")?;
        }
        if let Some(args) = object
            .get("build-args")
            .or_else(|| object.get("buildArgs"))
            .filter(|v| !v.is_null())
        {
            options.build_args = build_args(args)?;
        }
        Ok(options)
    }

    /// The settings of a `workspace/didChangeConfiguration`: `None` when
    /// they say nothing about layerlint (`{}`, `null`, or
    /// only other tools' settings), which keeps the current ones; otherwise
    /// they replace them.
    pub fn parse_change(value: &Value) -> Result<Option<Self>, String> {
        let ours = value.get("layerlint").is_some() || KEYS.iter().any(|k| value.get(k).is_some());
        if ours {
            Self::parse(value).map(Some)
        } else {
            Ok(None)
        }
    }

    /// As command-line flags over a configuration file.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            build_args: self.build_args.clone(),
            ..Overrides::default()
        }
    }
}

fn rule_list(value: &Value, key: &str) -> Result<Vec<String>, String> {
    let names: Vec<String> = match value {
        Value::String(s) => s.split(',').map(|s| s.trim().to_string()).collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(|s| s.trim().to_string())
                    .ok_or_else(|| format!("layerlint settings: `{key}`: expected rule names"))
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(format!(
                "layerlint settings: `{key}`: expected a list of rules"
            ));
        }
    };
    let names: Vec<String> = names.into_iter().filter(|s| !s.is_empty()).collect();
    for name in &names {
        engine::resolve(name).map_err(|e| format!("layerlint settings: `{key}`: {e}"))?;
    }
    Ok(names)
}

fn build_args(value: &Value) -> Result<Vec<(String, String)>, String> {
    let invalid = || {
        "layerlint settings: `build-args`: expected a map of names to values, or a list of `NAME=value`".to_string()
    };
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                Value::Number(n) => Ok((k.clone(), n.to_string())),
                Value::Bool(b) => Ok((k.clone(), b.to_string())),
                _ => Err(invalid()),
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .and_then(|s| s.split_once('='))
                    .filter(|(k, _)| !k.is_empty())
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .ok_or_else(invalid)
            })
            .collect(),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_lists_strings_and_maps() {
        let options = ClientOptions::parse(&json!({
            "layerlint": {"select": "DL3000, LL1", "ignore": ["DL3025"],
                          "buildArgs": {"V": "1", "N": 2}}
        }))
        .unwrap();
        assert_eq!(
            options.select,
            Some(vec!["DL3000".to_string(), "LL1".to_string()])
        );
        assert_eq!(options.ignore, vec!["DL3025".to_string()]);
        assert_eq!(
            options.build_args,
            vec![
                ("N".to_string(), "2".to_string()),
                ("V".to_string(), "1".to_string())
            ]
        );
        let options = ClientOptions::parse(&json!({"build-args": ["A=b=c"]})).unwrap();
        assert_eq!(
            options.build_args,
            vec![("A".to_string(), "b=c".to_string())]
        );
        assert_eq!(
            ClientOptions::parse(&Value::Null).unwrap(),
            ClientOptions::default()
        );
    }

    #[test]
    fn changes_without_our_keys_keep_the_settings() {
        for nothing in [json!(null), json!({}), json!({"python": {"x": 1}})] {
            assert_eq!(ClientOptions::parse_change(&nothing), Ok(None), "{nothing}");
        }
        let changed = ClientOptions::parse_change(&json!({"layerlint": {}})).unwrap();
        assert_eq!(changed, Some(ClientOptions::default()));
        let changed = ClientOptions::parse_change(&json!({"ignore": ["DL3000"]})).unwrap();
        assert_eq!(changed.unwrap().ignore, vec!["DL3000".to_string()]);
    }

    #[test]
    fn rejects_unknown_rules_and_bad_shapes() {
        let e = ClientOptions::parse(&json!({"select": ["NOPE123"]})).unwrap_err();
        assert!(e.contains("`select`") && e.contains("NOPE123"), "{e}");
        assert!(ClientOptions::parse(&json!({"build-args": ["novalue"]})).is_err());
        assert!(ClientOptions::parse(&json!(3)).is_err());
    }
}
