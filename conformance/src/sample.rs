//! Values the spec itself asks for, where a declaration takes looser text: a string with a
//! `pattern` (identifiers such as `^OQ[a-zA-Z0-9]{32}$` or `^aia_asst_.+$`, which the
//! declarations take as `String`), and a JSON member's nested object with its required
//! properties (declared as `serde_json::Value`). Without them Prism refuses the suite's
//! placeholder text, which says nothing about how the client sends a request.

use serde_json::{json, Value};

use crate::spec::Spec;

/// A value matching `pattern`, for the shapes the specs use: literals, `(A|B)` (the first
/// alternative), `[…]` classes (their first character), `.`, `\` escapes, each with an optional
/// `{n}`, `{n,m}`, `+`, `*` or `?` (the smallest count, one for `+`). `None` for anything else.
pub fn pattern(pattern: &str) -> Option<String> {
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let atom: String = match chars[i] {
            '(' => {
                let close = i + chars[i..].iter().position(|&c| c == ')')?;
                let inner: String = chars[i + 1..close].iter().collect();
                i = close + 1;
                self::pattern(inner.split('|').next()?)?
            }
            '[' => {
                let close = i + chars[i..].iter().position(|&c| c == ']')?;
                let first = *chars.get(i + 1)?;
                if first == '^' || close == i + 1 {
                    return None;
                }
                i = close + 1;
                first.to_string()
            }
            '.' => {
                i += 1;
                "x".to_owned()
            }
            '\\' => {
                i += 2;
                chars.get(i - 1)?.to_string()
            }
            c if c.is_alphanumeric() || "_-,:/ ".contains(c) => {
                i += 1;
                c.to_string()
            }
            _ => return None,
        };
        let count = match chars.get(i) {
            Some('{') => {
                let close = i + chars[i..].iter().position(|&c| c == '}')?;
                let spec: String = chars[i + 1..close].iter().collect();
                i = close + 1;
                spec.split(',').next()?.trim().parse::<usize>().ok()?
            }
            Some('+') => {
                i += 1;
                1
            }
            Some('*' | '?') => {
                i += 1;
                0
            }
            _ => 1,
        };
        out.push_str(&atom.repeat(count));
    }
    Some(out)
}

/// A value of `schema`: an object with its required properties, each sampled in turn; a
/// one-item array; a string matching its pattern or format; a number at its minimum.
pub fn value(schema: &Value, spec: &Spec) -> Value {
    sample(schema, spec, 0)
}

fn sample(schema: &Value, spec: &Spec, depth: usize) -> Value {
    let schema = spec.resolve(schema);
    if depth > 8 {
        return Value::Null;
    }
    if let Some(first) = schema["enum"].as_array().and_then(|v| v.first()) {
        return first.clone();
    }
    match schema["type"].as_str() {
        Some("object") | None if schema["properties"].is_object() => {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut object = serde_json::Map::new();
            for name in required {
                let prop = &schema["properties"][name];
                object.insert(name.to_owned(), sample(prop, spec, depth + 1));
            }
            Value::Object(object)
        }
        Some("object") => json!({}),
        Some("array") => json!([sample(&schema["items"], spec, depth + 1)]),
        Some("integer") => json!(schema["minimum"].as_i64().unwrap_or(1)),
        Some("number") => json!(schema["minimum"].as_f64().unwrap_or(1.0)),
        Some("boolean") => json!(true),
        _ => Value::String(text(schema).unwrap_or_else(|| "conformance".to_owned())),
    }
}

/// A string for `schema` from its pattern or format, when it has one.
pub fn text(schema: &Value) -> Option<String> {
    if let Some(p) = schema["pattern"].as_str() {
        return pattern(p);
    }
    Some(
        match schema["format"].as_str()? {
            "date-time" => "2024-01-01T03:04:05Z",
            "date" => "2024-01-01",
            "uri" => "https://example.com/conformance",
            "email" => "conformance@example.com",
            _ => return None,
        }
        .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_patterns_give_matching_values() {
        assert_eq!(
            pattern("^OQ[a-zA-Z0-9]{32}$").expect("sid"),
            format!("OQ{}", "a".repeat(32))
        );
        assert_eq!(pattern("^aia_asst_.+$").as_deref(), Some("aia_asst_x"));
        assert_eq!(
            pattern("^(SM|MM)[0-9a-fA-F]{32}$").expect("alt"),
            format!("SM{}", "0".repeat(32))
        );
        assert_eq!(
            pattern("^BU[0-9a-fA-F]{32}(,BU[0-9a-fA-F]{32}){0,19}$").expect("list"),
            format!("BU{}", "0".repeat(32))
        );
        assert_eq!(
            pattern(r"^(STOP|START)\.(ALL|ENGLISH)$").as_deref(),
            Some("STOP.ALL")
        );
        assert_eq!(pattern("^[^a]+$"), None);
    }

    #[test]
    fn objects_get_their_required_properties() {
        let spec = Spec::parse(r#"{"openapi":"3.0.1","paths":{},"components":{"schemas":{}}}"#)
            .expect("spec");
        let schema = json!({
            "type": "object",
            "required": ["engine", "policy"],
            "properties": {
                "engine": {"type": "boolean"},
                "policy": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "pattern": "^aia_.+$"}}},
                "optional": {"type": "string"}
            }
        });
        assert_eq!(
            value(&schema, &spec),
            json!({"engine": true, "policy": {"id": "aia_x"}})
        );
    }
}
