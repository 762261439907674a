//! Product and component from tags: configured keys tried in order, compared case-insensitively after
//! stripping a `user:` / `user_` / `aws:` prefix.
use serde_json::{Map, Value};

use crate::TagConfig;
use crate::value::present;

const PREFIXES: [&str; 3] = ["user:", "user_", "aws:"];

/// The key with a `user:`/`user_`/`aws:` prefix removed (prefix matched in any case).
pub(crate) fn strip_prefix(key: &str) -> &str {
    let k = key.trim();
    for p in PREFIXES {
        if k.len() > p.len() && k.is_char_boundary(p.len()) && k[..p.len()].eq_ignore_ascii_case(p)
        {
            return &k[p.len()..];
        }
    }
    k
}

fn normalise(keys: &[String]) -> Vec<String> {
    keys.iter()
        .map(|k| strip_prefix(k).to_ascii_lowercase())
        .collect()
}

/// Where a format keeps its tags.
#[derive(Debug, Default)]
pub(crate) enum TagColumns {
    #[default]
    None,
    /// CUR legacy: one column per tag; for each configured key (in order), the columns that carry it.
    Columns {
        product: Vec<Vec<usize>>,
        component: Vec<Vec<usize>>,
    },
    /// CUR 2.0 / FOCUS: one column holding a JSON object; the configured keys, normalised, in order.
    Json {
        column: usize,
        product: Vec<String>,
        component: Vec<String>,
    },
}

impl TagColumns {
    /// `names` are normalised header names; tag columns start with `prefix` (e.g. `resourcetags/`).
    pub(crate) fn columns(names: &[String], prefix: &str, cfg: &TagConfig) -> TagColumns {
        let keyed: Vec<(usize, String)> = names
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                h.strip_prefix(prefix)
                    .map(|k| (i, strip_prefix(k).to_ascii_lowercase()))
            })
            .collect();
        let pick = |keys: &[String]| -> Vec<Vec<usize>> {
            normalise(keys)
                .iter()
                .map(|k| {
                    keyed
                        .iter()
                        .filter(|(_, tk)| tk == k)
                        .map(|(i, _)| *i)
                        .collect()
                })
                .collect()
        };
        TagColumns::Columns {
            product: pick(&cfg.product),
            component: pick(&cfg.component),
        }
    }

    pub(crate) fn json(column: Option<usize>, cfg: &TagConfig) -> TagColumns {
        match column {
            Some(column) => TagColumns::Json {
                column,
                product: normalise(&cfg.product),
                component: normalise(&cfg.component),
            },
            None => TagColumns::None,
        }
    }
}

/// First configured key present in a parsed JSON tag map with a non-null value.
pub(crate) fn from_map(map: &Map<String, Value>, keys: &[String]) -> Option<String> {
    keys.iter().find_map(|want| {
        map.iter().find_map(|(k, v)| {
            if !strip_prefix(k).eq_ignore_ascii_case(want) {
                return None;
            }
            match v {
                Value::Null => None,
                Value::String(s) => present(s).map(str::to_string),
                other => Some(other.to_string()),
            }
        })
    })
}

/// Parse a JSON tag/attribute map. Null words mean "no tags"; anything but an object is an error.
pub(crate) fn parse_map(text: &str) -> Result<Option<Map<String, Value>>, String> {
    let Some(t) = present(text) else {
        return Ok(None);
    };
    match serde_json::from_str::<Value>(t) {
        Ok(Value::Object(m)) => Ok(Some(m)),
        Ok(Value::Null) => Ok(None),
        Ok(_) => Err("not a JSON object".to_string()),
        Err(e) => Err(format!("not a JSON object: {e}")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_case() {
        assert_eq!(strip_prefix("user:Product"), "Product");
        assert_eq!(strip_prefix("USER_product"), "product");
        assert_eq!(strip_prefix("aws:createdBy"), "createdBy");
        assert_eq!(strip_prefix("user:"), "user:");
        let m = parse_map(r#"{"user_App":"shop","Product":null,"user:component":"  "}"#)
            .unwrap()
            .unwrap();
        let keys = normalise(&["product".into(), "app".into()]);
        assert_eq!(from_map(&m, &keys).as_deref(), Some("shop"));
        assert_eq!(from_map(&m, &["component".into()]), None);
        assert!(parse_map("[1]").is_err());
        assert!(parse_map("{").is_err());
        assert_eq!(parse_map("NULL").unwrap(), None);
    }
}
