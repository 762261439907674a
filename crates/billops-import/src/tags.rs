//! Product and component from tags: configured keys tried in order, compared case-insensitively after
//! stripping a `user:` / `user_` / `aws:` prefix.
use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::TagConfig;
use crate::value::present;

const PREFIXES: [&str; 3] = ["user:", "user_", "aws:"];

/// The key with a `user:`/`user_`/`aws:` prefix removed (prefix matched in any case).
pub(crate) fn strip_prefix(key: &str) -> &str {
    let k = key.trim();
    for p in PREFIXES {
        if k.len() > p.len() && k.is_char_boundary(p.len()) && k[..p.len()].eq_ignore_ascii_case(p) {
            return &k[p.len()..];
        }
    }
    k
}

fn normalise(keys: &[String]) -> Vec<String> {
    keys.iter().map(|k| strip_prefix(k).to_ascii_lowercase()).collect()
}

/// Where a format keeps its tags.
#[derive(Debug, Default)]
pub(crate) enum TagColumns {
    #[default]
    None,
    /// CUR legacy: one column per tag; for each configured key (in order), the columns that carry it.
    Columns { product: Vec<Vec<usize>>, component: Vec<Vec<usize>> },
    /// CUR 2.0 / FOCUS: one column holding a JSON object; the configured keys, normalised, in order.
    Json { column: usize, product: Vec<String>, component: Vec<String> },
}

impl TagColumns {
    /// `names` are normalised header names; tag columns start with `prefix` (e.g. `resourcetags/`).
    pub(crate) fn columns(names: &[String], prefix: &str, cfg: &TagConfig) -> TagColumns {
        let keyed: Vec<(usize, String)> = names
            .iter()
            .enumerate()
            .filter_map(|(i, h)| h.strip_prefix(prefix).map(|k| (i, strip_prefix(k).to_ascii_lowercase())))
            .collect();
        let pick = |keys: &[String]| -> Vec<Vec<usize>> {
            normalise(keys).iter().map(|k| keyed.iter().filter(|(_, tk)| tk == k).map(|(i, _)| *i).collect()).collect()
        };
        TagColumns::Columns { product: pick(&cfg.product), component: pick(&cfg.component) }
    }

    /// OCI: one column per tag, `tags/namespace.key` (or `tags/key` for free-form tags): the key after the
    /// namespace dot is matched.
    pub(crate) fn namespaced(names: &[String], prefix: &str, cfg: &TagConfig) -> TagColumns {
        let keys: Vec<String> = names
            .iter()
            .map(|h| match h.strip_prefix(prefix) {
                Some(k) => format!("{prefix}{}", k.split_once('.').map_or(k, |(_, key)| key)),
                None => h.clone(),
            })
            .collect();
        TagColumns::columns(&keys, prefix, cfg)
    }

    pub(crate) fn json(column: Option<usize>, cfg: &TagConfig) -> TagColumns {
        match column {
            Some(column) => {
                TagColumns::Json { column, product: normalise(&cfg.product), component: normalise(&cfg.component) }
            }
            None => TagColumns::None,
        }
    }
}

/// A JSON object key, borrowed from the text when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

/// The value of a tag as text; `None` for null or a null word.
fn tag_text(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => present(&s).map(str::to_string),
        other => Some(other.to_string()),
    }
}

/// Picks, from a JSON object, the value of the first key of each list (in list order) that is present with a
/// non-null value. Keys are compared case-insensitively after [`strip_prefix`]; values of other keys are skipped
/// without being materialised.
struct Pick<'k> {
    lists: [&'k [String]; 2],
}

type Picked = [Option<(usize, String)>; 2];

impl<'de> Visitor<'de> for Pick<'_> {
    type Value = Picked;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Picked, E> {
        Ok([None, None])
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Picked, A::Error> {
        let mut best: Picked = [None, None];
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let k = strip_prefix(&key);
            let hits = self.lists.map(|keys| keys.iter().position(|w| k.eq_ignore_ascii_case(w)));
            // Better than what was found so far (an earlier key in the configured order)?
            let better = |hit: Option<usize>, slot: &Option<(usize, String)>| {
                hit.is_some_and(|i| slot.as_ref().is_none_or(|(j, _)| i < *j))
            };
            let wanted = hits.iter().zip(&best).any(|(h, b)| better(*h, b));
            if !wanted {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let Some(text) = tag_text(map.next_value::<Value>()?) else {
                continue;
            };
            for (slot, hit) in best.iter_mut().zip(hits) {
                if let Some(i) = hit.filter(|_| better(hit, slot)) {
                    *slot = Some((i, text.clone()));
                }
            }
        }
        Ok(best)
    }
}

impl<'de> DeserializeSeed<'de> for Pick<'_> {
    type Value = Picked;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Picked, D::Error> {
        d.deserialize_any(self)
    }
}

/// From a JSON object column: the first present key of `first` and of `second`. Null words and JSON `null`
/// mean no tags; anything but an object is an error (the reason).
pub(crate) fn pick(
    text: &str,
    first: &[String],
    second: &[String],
) -> Result<(Option<String>, Option<String>), String> {
    let Some(t) = present(text) else {
        return Ok((None, None));
    };
    // Azure writes its tags with or without the outer braces (`"env": "prod","app": "shop"`).
    let wrapped;
    let t = if t.starts_with('{') {
        t
    } else {
        wrapped = format!("{{{t}}}");
        wrapped.as_str()
    };
    let mut de = serde_json::Deserializer::from_str(t);
    let [a, b] = Pick { lists: [first, second] }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| format!("not a JSON object: {e}"))?;
    Ok((a.map(|(_, v)| v), b.map(|(_, v)| v)))
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
        let text = r#"{"user_App":"shop","Product":null,"user:component":"  ","x":{"a":[1,2]},"user:Product":"first"}"#;
        let keys = normalise(&["product".into(), "app".into()]);
        assert_eq!(pick(text, &keys, &["component".into()]).unwrap(), (Some("first".into()), None));
        assert_eq!(
            pick(text, &["app".into()], &["x".into()]).unwrap(),
            (Some("shop".into()), Some(r#"{"a":[1,2]}"#.into()))
        );
        assert_eq!(pick(r#"{"a\u0041":"esc"}"#, &["aA".into()], &[]).unwrap().0.as_deref(), Some("esc"));
        assert_eq!(
            pick(r#"{"n":42,"b":true}"#, &["n".into()], &["b".into()]).unwrap(),
            (Some("42".into()), Some("true".into()))
        );
        assert!(pick("[1]", &keys, &[]).is_err());
        assert!(pick("{", &keys, &[]).is_err());
        assert!(pick("{} x", &keys, &[]).is_err());
        assert_eq!(pick("NULL", &keys, &[]).unwrap(), (None, None));
        assert_eq!(pick("null", &keys, &[]).unwrap(), (None, None));
    }
}
