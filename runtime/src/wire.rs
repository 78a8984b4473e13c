//! A request as it arrived on the wire, before it is a params struct: what a server (the
//! gateway, the console, the sandbox) hands to a declaration to rebuild and check it.

/// The parts of a request that carry parameters, as text, in the order they arrived.
///
/// Built by whoever received the request; a declaration turns it back into its params struct
/// with `FromWire::from_wire` (runtime's `reflect` feature), refusing what the setters would
/// refuse and anything that is not one of its parameters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WireInput {
    /// Path placeholder values by placeholder name, decoded: `("CallSid", "CA…")`.
    pub path: Vec<(String, String)>,
    /// Query-string pairs (GET, DELETE) or form pairs (POST, PUT, PATCH), decoded; a list
    /// parameter repeats its key.
    pub pairs: Vec<(String, String)>,
    /// The body of a `body = json` request: a JSON object.
    pub json: Option<serde_json::Value>,
    /// Request headers. Only the declared header parameters are read; any other header (the
    /// user agent, credentials, …) is ignored, not refused.
    pub headers: Vec<(String, String)>,
}

use crate::param::Location;
use crate::registry::Body;

impl WireInput {
    /// A request given as flat `(wire name, value)` pairs (the conformance suite's, a form's): a pair named like a path placeholder
    /// fills it (unless a body parameter has the same name), a pair named like a header
    /// parameter is that header, the rest are query or form pairs, or the members (text, or a
    /// list of texts; a JSON-valued member's text read as JSON when it parses) of a JSON body.
    pub fn from_pairs(info: &crate::registry::EndpointInfo, pairs: &[(String, String)]) -> Self {
        let mut input = Self::default();
        let mut json = serde_json::Map::new();
        for (k, v) in pairs {
            let in_path = info.param_in(Location::Path, k).is_some()
                && !info
                    .params
                    .iter()
                    .any(|p| p.wire_name == k && p.location != Location::Path);
            if in_path {
                input.path.push((k.clone(), v.clone()));
            } else if info.param_in(Location::Header, k).is_some() {
                input.headers.push((k.clone(), v.clone()));
            } else if info.body == Body::Json && info.param_in(Location::Query, k).is_none() {
                let json_valued = info
                    .param_in(Location::Json, k)
                    .is_some_and(|p| p.kind.scalar == crate::param::Scalar::Json);
                let value = match serde_json::from_str(v) {
                    Ok(parsed) if json_valued => parsed,
                    _ => serde_json::Value::String(v.clone()),
                };
                let listed = info
                    .param_in(Location::Json, k)
                    .is_some_and(|p| p.kind.list.is_some());
                match json.get_mut(k) {
                    Some(serde_json::Value::Array(items)) => items.push(value),
                    _ if listed => {
                        json.insert(k.clone(), serde_json::Value::Array(vec![value]));
                    }
                    _ => {
                        json.insert(k.clone(), value);
                    }
                }
            } else if let Some((prefix, map)) = info
                .params
                .iter()
                .find(|p| p.wire_name == k && p.prefix.is_some())
                .and_then(|p| Some((p.prefix?, crate::PrefixedMap::try_from(v.as_str()).ok()?)))
            {
                // A flat pair gives a prefixed map as its JSON text; the request carries it as
                // the pairs Twilio reads (`AddOns.a.b=c`). Text that is no such map stays as
                // it came, for the declaration to refuse.
                input.pairs.extend(
                    map.prefixed_pairs(prefix)
                        .map(|(key, value)| (key, value.to_owned())),
                );
            } else {
                input.pairs.push((k.clone(), v.clone()));
            }
        }
        if info.body == Body::Json {
            input.json = Some(serde_json::Value::Object(json));
        }
        input
    }

    /// The value of a path placeholder.
    pub fn path_value(&self, name: &str) -> Option<&str> {
        self.path
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a query or form key, in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of a header (names compare without regard to case); `None` when absent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A member of the JSON object body.
    pub fn json_member(&self, name: &str) -> Option<&serde_json::Value> {
        self.json.as_ref()?.as_object()?.get(name)
    }
}
