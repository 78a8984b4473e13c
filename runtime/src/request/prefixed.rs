//! A map sent as many parameters under one prefix (Lookup's `AddOnsData`, sent as
//! `AddOns.<add-on>.<key>=<value>`): the spec's `prefixed-collapsible-map-<Prefix>` format,
//! flattened as Twilio's official helpers flatten it.

use serde::{Deserialize, Deserializer};

use crate::param::{Kind, ParamError, ParamType, Scalar};

type Map = serde_json::Map<String, serde_json::Value>;

/// A JSON object whose leaves travel as separate parameters: `{"a": {"b": "c"}, "d": 1}` under
/// the prefix `AddOns` is sent as `AddOns.a.b=c&AddOns.d=1`. Nested objects add a segment to the
/// key; a leaf is text, a number or a boolean (`true`/`false`). Keys go out in the object's
/// order (sorted by key, as `serde_json` keeps an object). The prefix belongs to the
/// declaration (`#[twilio(prefix = "AddOns")]`), not to the value.
///
/// ```
/// use runtime::PrefixedMap;
///
/// let data = PrefixedMap::try_from(serde_json::json!({
///     "payfone_tcpa_compliance": { "RightPartyContactedDate": "20160101" }
/// }))?;
/// let pairs: Vec<(&str, &str)> = data.pairs().collect();
/// assert_eq!(pairs, [("payfone_tcpa_compliance.RightPartyContactedDate", "20160101")]);
/// # Ok::<(), runtime::param::ParamError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PrefixedMap {
    /// `(key below the prefix, value)`, flattened, in order.
    pairs: Vec<(String, String)>,
}

impl PrefixedMap {
    /// Flattens `map`, refusing what has no text form: an array, `null`, an empty key.
    pub fn new(map: &Map) -> Result<Self, ParamError> {
        let mut out = Self::default();
        flatten(map, &mut String::new(), &mut out.pairs)?;
        Ok(out)
    }

    /// The flattened `(key, value)` pairs, keys without the prefix.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The pairs as they travel under `prefix`: `("AddOns.a.b", "c")`.
    pub fn prefixed_pairs<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (String, &'a str)> + 'a {
        self.pairs()
            .map(move |(key, value)| (format!("{prefix}.{key}"), value))
    }

    /// The key below `prefix` of a pair as it travels: `AddOns.a.b` → `a.b`; `None` for a key
    /// outside the prefix (`AddOns` itself, `AddOnsX.a`).
    pub fn key_below<'k>(prefix: &str, key: &'k str) -> Option<&'k str> {
        key.strip_prefix(prefix)?.strip_prefix('.')
    }

    /// Whether it holds no pair (then nothing is sent).
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Rebuilds a map from the pairs of a request as it arrived (`AddOns.a.b=c` with the
    /// prefix already taken off: `("a.b", "c")`). Used by servers rebuilding requests.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ParamError> {
        let mut out = Self::default();
        for (key, value) in pairs {
            if key.is_empty() || key.split('.').any(str::is_empty) {
                return Err(ParamError::new(format!(
                    "has a key with an empty segment: {key:?}"
                )));
            }
            out.pairs.push((key.to_owned(), value.to_owned()));
        }
        Ok(out)
    }

    /// The pairs as one nested JSON object again (for forms and snippets).
    pub fn to_json(&self) -> serde_json::Value {
        let mut root = Map::new();
        for (key, value) in &self.pairs {
            let mut node = &mut root;
            let mut segments = key.split('.').peekable();
            while let Some(segment) = segments.next() {
                if segments.peek().is_none() {
                    node.insert(segment.to_owned(), value.clone().into());
                    break;
                }
                let child = node
                    .entry(segment.to_owned())
                    .or_insert_with(|| serde_json::Value::Object(Map::new()));
                if !child.is_object() {
                    *child = serde_json::Value::Object(Map::new());
                }
                match child.as_object_mut() {
                    Some(next) => node = next,
                    None => break,
                }
            }
        }
        serde_json::Value::Object(root)
    }
}

fn flatten(map: &Map, key: &mut String, out: &mut Vec<(String, String)>) -> Result<(), ParamError> {
    for (name, value) in map {
        if name.is_empty() || name.contains('.') {
            return Err(ParamError::new(format!(
                "has the key {name:?}; a key must be non-empty and without `.` (nest objects instead)"
            )));
        }
        let mark = key.len();
        if !key.is_empty() {
            key.push('.');
        }
        key.push_str(name);
        let text = match value {
            serde_json::Value::Object(inner) => {
                flatten(inner, key, out)?;
                key.truncate(mark);
                continue;
            }
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Array(_) => {
                return Err(ParamError::new(format!(
                    "holds an array at {key:?}; a value must be text, a number or a boolean"
                )))
            }
            serde_json::Value::Null => {
                return Err(ParamError::new(format!(
                    "holds null at {key:?}; leave the key out instead"
                )))
            }
        };
        out.push((key.clone(), text));
        key.truncate(mark);
    }
    Ok(())
}

impl TryFrom<serde_json::Value> for PrefixedMap {
    type Error = ParamError;
    fn try_from(value: serde_json::Value) -> Result<Self, ParamError> {
        match value {
            serde_json::Value::Object(map) => Self::new(&map),
            _ => Err(ParamError::new("must be a JSON object")),
        }
    }
}

impl TryFrom<Map> for PrefixedMap {
    type Error = ParamError;
    fn try_from(map: Map) -> Result<Self, ParamError> {
        Self::new(&map)
    }
}

/// Text in JSON (`{"a":{"b":"c"}}`): how a form field or a flat `(name, value)` pair gives one.
impl TryFrom<&str> for PrefixedMap {
    type Error = ParamError;
    fn try_from(text: &str) -> Result<Self, ParamError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ParamError::new(format!("must be a JSON object: {e}")))?;
        Self::try_from(value)
    }
}

impl<'de> Deserialize<'de> for PrefixedMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = Map::deserialize(d)?;
        Self::new(&map).map_err(serde::de::Error::custom)
    }
}

impl ParamType for PrefixedMap {
    const KIND: Kind = Kind::scalar(Scalar::Json);
}

#[cfg(test)]
mod tests {
    use super::PrefixedMap;
    use serde_json::json;

    #[test]
    fn nested_objects_become_dotted_keys_as_the_helpers_flatten_them() {
        let m = PrefixedMap::try_from(json!({"b": {"x": "1", "y": {"z": true}}, "a": 2.5}))
            .expect("flat");
        let pairs: Vec<_> = m.pairs().collect();
        assert_eq!(pairs, [("a", "2.5"), ("b.x", "1"), ("b.y.z", "true")]);
        assert_eq!(
            m.to_json(),
            json!({"a": "2.5", "b": {"x": "1", "y": {"z": "true"}}})
        );
    }

    #[test]
    fn what_has_no_text_form_is_refused_with_its_key() {
        let refused =
            |v: serde_json::Value| PrefixedMap::try_from(v).expect_err("refused").to_string();
        assert!(refused(json!({"a": {"b": [1]}})).contains("\"a.b\""));
        assert!(refused(json!({"a": null})).contains("null"));
        assert!(refused(json!({"a.b": "c"})).contains("without `.`"));
        assert!(refused(json!([1])).contains("JSON object"));
        assert!(PrefixedMap::try_from("{").is_err());
        assert!(PrefixedMap::from_pairs([("a..b", "c")]).is_err());
    }
}
