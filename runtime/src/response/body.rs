//! [`ResponseBody`]: what a declaration can name as its `response`.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::reflect::Shape;

/// A type a declared endpoint answers with (`response = T`): a
/// [`#[twilio_model]`](crate::twilio_model), a [`Page`](crate::Page) of one, `serde_json::Value`,
/// or `()` for an answer without a body.
///
/// The methods are for tools (the conformance check, the generated test over every model) and
/// report real values only when `runtime` has its `reflect` feature.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the response of a declared endpoint",
    label = "not a `runtime::response::ResponseBody`",
    note = "declare the response type with #[runtime::twilio_model], or answer with runtime::Page<T> of one, serde_json::Value or ()"
)]
pub trait ResponseBody: DeserializeOwned + Serialize {
    /// Decodes a success body (an empty one arrives as `null`).
    #[doc(hidden)]
    fn from_json(body: &[u8]) -> serde_json::Result<Self> {
        serde_json::from_slice(body)
    }

    /// What the type reads, for the conformance check.
    #[doc(hidden)]
    fn shape() -> Shape {
        Shape::Scalar
    }

    /// A body in which every field holds a value that fits its type.
    #[doc(hidden)]
    fn example() -> Value {
        Value::Null
    }

    /// Calls `visit` with every value kept as unreadable, at any depth, with its path
    /// (`date_created`, `calls[2].sid`, `links.self`). A model's own entries count list
    /// positions as sent; the path to a nested model counts them in the decoded list.
    #[doc(hidden)]
    fn each_unreadable(&self, visit: &mut dyn FnMut(&str, &Value)) {
        let _ = visit;
    }
}

/// No body (a DELETE's 204). Whatever a success answer carries is ignored: the status said
/// it all.
impl ResponseBody for () {
    fn from_json(_: &[u8]) -> serde_json::Result<Self> {
        Ok(())
    }

    fn shape() -> Shape {
        Shape::Unit
    }
}

/// Any JSON body, kept as it is.
impl ResponseBody for Value {
    fn shape() -> Shape {
        Shape::Any
    }

    fn example() -> Value {
        serde_json::json!({"any": ["json", 1]})
    }
}

/// A body decoded by [`decode_for_tools`]: what was read, written back as JSON, and every value
/// kept as unreadable with its path.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedResponse {
    /// The decoded value, serialized again (fields that did not fit are `null`).
    pub value: Value,
    /// `(path, raw value)` of each value that did not fit.
    pub unreadable: Vec<(String, Value)>,
}

/// Decodes `body` as `R` the way the client does (an empty body reads as `null`) and reports
/// what was read. `Err` carries the decoder's message.
pub fn decode_for_tools<R: ResponseBody>(body: &[u8]) -> Result<DecodedResponse, String> {
    let input: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    let decoded = R::from_json(input).map_err(|e| e.to_string())?;
    let mut unreadable = Vec::new();
    decoded.each_unreadable(&mut |path, raw| unreadable.push((path.to_owned(), raw.clone())));
    let value = serde_json::to_value(&decoded).map_err(|e| e.to_string())?;
    Ok(DecodedResponse { value, unreadable })
}
