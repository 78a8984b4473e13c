//! The shape of a `Deserialize` type as serde sees it: which fields each struct reads, at every
//! depth. The conformance check compares it with the spec's response schemas, so a response
//! type that silently drops a field Twilio sends is caught.
//!
//! It works on any derived type without extra derives: a tracing deserializer walks the type
//! one path at a time. At the end of the path it records what the type asked for (a struct's
//! field list, a map, any value, a scalar) and stops with an error; along the path it feeds the
//! derived visitor exactly one key, so nested types are reached without real values.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

/// What a type reads, with `Option`, `Vec`, `Box` and newtypes looked through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A struct: its field names as serde reads them (renames applied), each with its shape.
    Struct {
        /// The Rust struct's name.
        name: &'static str,
        /// `(wire name, shape)` per field, in declaration order.
        fields: Vec<(&'static str, Shape)>,
    },
    /// A string-keyed map, or a struct with `#[serde(flatten)]`: any keys are read.
    Map,
    /// A self-describing value (`serde_json::Value`, or a custom `deserialize_any`): reads
    /// anything.
    Any,
    /// A single value: string, number, boolean, enum.
    Scalar,
    /// Nothing (`()`): the body is ignored.
    Unit,
    /// The type nests deeper than the tracer follows (a recursive type).
    TooDeep,
}

impl Shape {
    /// The shape of `T`.
    pub fn of<T: DeserializeOwned>() -> Shape {
        shape_at::<T>(&mut Vec::new())
    }

    /// The shape reached by following these field names from the top.
    pub fn field(&self, name: &str) -> Option<&Shape> {
        match self {
            Shape::Struct { fields, .. } => fields.iter().find(|(f, _)| *f == name).map(|(_, s)| s),
            _ => None,
        }
    }
}

/// Nesting limit: Twilio's bodies are a few levels deep; deeper means a recursive type.
const MAX_DEPTH: usize = 12;

fn shape_at<T: DeserializeOwned>(path: &mut Vec<&'static str>) -> Shape {
    if path.len() > MAX_DEPTH {
        return Shape::TooDeep;
    }
    match trace::<T>(path) {
        Found::Struct(name, names) => {
            let mut fields = Vec::with_capacity(names.len());
            for &field in names {
                path.push(field);
                let shape = shape_at::<T>(path);
                path.pop();
                fields.push((field, shape));
            }
            Shape::Struct { name, fields }
        }
        Found::Map => Shape::Map,
        Found::Any => Shape::Any,
        Found::Scalar => Shape::Scalar,
        Found::Unit => Shape::Unit,
    }
}

#[derive(Clone, Copy)]
enum Found {
    Struct(&'static str, &'static [&'static str]),
    Map,
    Any,
    Scalar,
    Unit,
}

/// Runs `T`'s deserializer along `path` and returns what it asked for at the end. Types that
/// never ask (a custom impl that fails first) read as scalars.
fn trace<T: DeserializeOwned>(path: &[&'static str]) -> Found {
    let found = RefCell::new(None);
    let _ = T::deserialize(Tracer {
        path,
        found: &found,
    });
    found.into_inner().unwrap_or(Found::Scalar)
}

/// The error that ends every trace; its text is never shown.
#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("shape traced")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Stop
    }
}

struct Tracer<'a> {
    path: &'a [&'static str],
    found: &'a RefCell<Option<Found>>,
}

impl Tracer<'_> {
    fn record<V>(&self, found: Found) -> Result<V, Stop> {
        self.found.borrow_mut().get_or_insert(found);
        Err(Stop)
    }
}

macro_rules! scalars {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            self.record(Found::Scalar)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Tracer<'_> {
    type Error = Stop;

    scalars! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_identifier
        deserialize_ignored_any
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        self.record(Found::Any)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        self.record(Found::Unit)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: V,
    ) -> Result<V::Value, Stop> {
        self.record(Found::Unit)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_seq(OneElement(Some(self)))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, Stop> {
        self.record(Found::Scalar)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        _: V,
    ) -> Result<V::Value, Stop> {
        self.record(Found::Scalar)
    }

    fn deserialize_map<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        self.record(Found::Map)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        match self.path.split_first() {
            None => self.record(Found::Struct(name, fields)),
            Some((key, rest)) => visitor.visit_map(OneField {
                key: Some(key),
                value: Tracer {
                    path: rest,
                    found: self.found,
                },
            }),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.record(Found::Scalar)
    }
}

/// A sequence whose one element is traced further.
struct OneElement<'a>(Option<Tracer<'a>>);

impl<'de> de::SeqAccess<'de> for OneElement<'_> {
    type Error = Stop;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Stop> {
        match self.0.take() {
            Some(tracer) => seed.deserialize(tracer).map(Some),
            None => Ok(None),
        }
    }
}

/// A map with one key (the next field on the path) whose value is traced further.
struct OneField<'a> {
    key: Option<&'a &'static str>,
    value: Tracer<'a>,
}

impl<'de> de::MapAccess<'de> for OneField<'_> {
    type Error = Stop;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        match self.key.take() {
            Some(key) => seed.deserialize((*key).into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        seed.deserialize(Tracer {
            path: self.value.path,
            found: self.value.found,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        #[serde(rename = "x_y")]
        x: u32,
        tags: Option<Vec<String>>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Page {
        items: Vec<Inner>,
        next_page_uri: Option<String>,
        extra: serde_json::Value,
        links: std::collections::HashMap<String, String>,
        #[serde(default, with = "crate::date::rfc2822_option")]
        when: Option<time::OffsetDateTime>,
        sid: crate::sid::CallSid,
    }

    #[test]
    fn traces_nested_fields_through_vec_and_option() {
        let shape = Shape::of::<Page>();
        let Shape::Struct { name, fields } = &shape else {
            panic!("not a struct: {shape:?}")
        };
        assert_eq!(*name, "Page");
        let names: Vec<_> = fields.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            names,
            ["items", "next_page_uri", "extra", "links", "when", "sid"]
        );
        let items = shape.field("items").expect("items");
        assert_eq!(items.field("x_y"), Some(&Shape::Scalar));
        assert_eq!(items.field("tags"), Some(&Shape::Scalar));
        assert_eq!(shape.field("extra"), Some(&Shape::Any));
        assert_eq!(shape.field("links"), Some(&Shape::Map));
        assert_eq!(shape.field("when"), Some(&Shape::Scalar));
        assert_eq!(shape.field("sid"), Some(&Shape::Scalar));
    }

    #[test]
    fn unit_and_value() {
        assert_eq!(Shape::of::<()>(), Shape::Unit);
        assert_eq!(Shape::of::<serde_json::Value>(), Shape::Any);
    }
}
