//! The request side: parameter values in Twilio's wire formats (checked when they are made),
//! the path template's segments, and the encoding of a whole declared request.
//!
//! The response side lives apart, in [`response`](crate::response).

mod date;
mod encode;
pub(crate) mod json;
mod list;
pub mod path;
mod prefixed;
mod text;

pub use date::{Date, DateTime};
pub(crate) use encode::encode;
#[doc(hidden)]
pub use encode::write_query;
pub use json::JsonObject;
pub use list::{Comma, CommaSeparated, ConstSeparator, Joined, Space, SpaceSeparated};
pub use prefixed::PrefixedMap;
pub use text::{IdempotencyKey, PhoneNumber, Uri};

/// The conversions every text-valued parameter type has, written once: `TryFrom` the string
/// types and `FromStr` through `$parse` (so a setter given text checks it), `Deserialize`
/// through `$parse` too (a request rebuilt from the wire is checked as a setter checks it; the
/// deserializer cannot name the parameter, so its message names the type), and `Display` and
/// `Serialize` as `self.$show()`, the wire text.
macro_rules! text_conversions {
    ($ty:ty, $err:ty, $parse:expr, $show:ident) => {
        impl ::std::convert::TryFrom<&str> for $ty {
            type Error = $err;
            fn try_from(s: &str) -> Result<Self, $err> {
                ($parse)(s)
            }
        }

        impl ::std::convert::TryFrom<String> for $ty {
            type Error = $err;
            fn try_from(s: String) -> Result<Self, $err> {
                ($parse)(&s)
            }
        }

        impl ::std::convert::TryFrom<&String> for $ty {
            type Error = $err;
            fn try_from(s: &String) -> Result<Self, $err> {
                ($parse)(s)
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, $err> {
                ($parse)(s)
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.$show())
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.$show())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str($crate::request::TextVisitor(|s: &str| {
                    ($parse)(s).map_err(|e| format!("{}: {e}", stringify!($ty)))
                }))
            }
        }
    };
}
pub(crate) use text_conversions;

/// Reads a value from any string the deserializer has, borrowed or not, without copying it
/// into a `String` first (serde's `Cow<str>` would).
pub(crate) struct TextVisitor<F>(pub(crate) F);

impl<T, E: std::fmt::Display, F: FnOnce(&str) -> Result<T, E>> serde::de::Visitor<'_>
    for TextVisitor<F>
{
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<Er: serde::de::Error>(self, v: &str) -> Result<T, Er> {
        (self.0)(v).map_err(Er::custom)
    }
}
