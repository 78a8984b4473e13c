//! A JSON object sent as one string parameter (the Pay `Parameter` field).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::json::JsonString;
use serde_with::{DeserializeAs, Same, SerializeAs};

use crate::param::{Kind, ParamError, ParamType, Scalar};

type Map = serde_json::Map<String, serde_json::Value>;

/// A JSON object with scalar values, sent as a JSON string.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct JsonObject(Map);

impl JsonObject {
    /// Validates a single-level object: every value a string, number, boolean or null.
    pub fn new(map: Map) -> Result<Self, ParamError> {
        if let Some((key, _)) = map.iter().find(|(_, v)| v.is_object() || v.is_array()) {
            return Err(ParamError::new(format!(
                "must be a single-level JSON object; {key:?} holds a nested value"
            )));
        }
        Ok(Self(map))
    }

    /// The object.
    pub fn as_map(&self) -> &Map {
        &self.0
    }
}

impl TryFrom<serde_json::Value> for JsonObject {
    type Error = ParamError;
    fn try_from(value: serde_json::Value) -> Result<Self, ParamError> {
        let what = match value {
            serde_json::Value::Object(map) => return Self::new(map),
            serde_json::Value::Array(_) => "an array",
            serde_json::Value::String(_) => "a string",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::Bool(_) => "a boolean",
            serde_json::Value::Null => "null",
        };
        Err(ParamError::new(format!(
            "must be a JSON object, got {what}"
        )))
    }
}

impl TryFrom<Map> for JsonObject {
    type Error = ParamError;
    fn try_from(map: Map) -> Result<Self, ParamError> {
        Self::new(map)
    }
}

impl Serialize for JsonObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        JsonString::<Same>::serialize_as(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for JsonObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map: Map = JsonString::<Same>::deserialize_as(d)?;
        Self::new(map).map_err(serde::de::Error::custom)
    }
}

impl ParamType for JsonObject {
    const KIND: Kind = Kind::scalar(Scalar::Json);
}

/// How a member of a JSON body (`body = json`) is written: as its type serializes itself,
/// except a `Decimal`, which is a JSON number there (Twilio's JSON APIs take `"score": 0.5`;
/// in a form the same value stays the exact text `Decimal` writes). Chosen by the member's
/// concrete type in generated code: the inherent `member` of `JsonMember<Decimal>` wins over
/// the trait [`JsonMemberAsItself`] every other type uses.
pub struct JsonMember<T>(std::marker::PhantomData<T>);

impl<T> JsonMember<T> {
    /// The chooser for members of type `T`.
    pub const NEW: Self = Self(std::marker::PhantomData);
}

impl JsonMember<rust_decimal::Decimal> {
    /// A decimal as a JSON number.
    pub fn member<'a>(&self, value: &'a rust_decimal::Decimal) -> DecimalNumber<'a> {
        DecimalNumber(value)
    }
}

/// Every member type but `Decimal`: written as it serializes itself.
pub trait JsonMemberAsItself<T> {
    /// The value itself.
    fn member<'a>(&self, value: &'a T) -> &'a T;
}

impl<T: Serialize> JsonMemberAsItself<T> for JsonMember<T> {
    fn member<'a>(&self, value: &'a T) -> &'a T {
        value
    }
}

/// A `Decimal` written as a JSON number (through `f64`: serde_json keeps the shortest text
/// that reads back as the same `f64`, so `0.5` and `12.25` go out as written).
pub struct DecimalNumber<'a>(&'a rust_decimal::Decimal);

impl Serialize for DecimalNumber<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use rust_decimal::prelude::ToPrimitive;
        match self.0.to_f64() {
            Some(number) => serializer.serialize_f64(number),
            // Unreachable for a Decimal (its range is inside f64's), kept exact if not.
            None => Serialize::serialize(self.0, serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decimal_member_is_a_json_number_and_the_rest_serialize_as_themselves() {
        let score = rust_decimal::Decimal::new(5, 1);
        let written =
            serde_json::to_string(&JsonMember::<rust_decimal::Decimal>::NEW.member(&score))
                .expect("json");
        assert_eq!(written, "0.5");
        let text = String::from("0.5");
        let written = serde_json::to_string(JsonMember::<String>::NEW.member(&text)).expect("json");
        assert_eq!(written, r#""0.5""#);
    }

    #[test]
    fn json_object_is_single_level_and_travels_as_a_string() {
        assert!(JsonObject::try_from(serde_json::json!({"a": {"b": 1}})).is_err());
        assert!(JsonObject::try_from(serde_json::json!([1])).is_err());
        let flat = JsonObject::try_from(serde_json::json!({"a": "b", "n": 1})).expect("flat");
        assert_eq!(
            serde_html_form::to_string([("J", &flat)]).expect("form"),
            "J=%7B%22a%22%3A%22b%22%2C%22n%22%3A1%7D"
        );
        let back: JsonObject = serde_json::from_str(r#""{\"a\":\"b\",\"n\":1}""#).expect("back");
        assert_eq!(back, flat);
    }
}
