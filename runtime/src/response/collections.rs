//! [`ResponseField`] for lists and string-keyed maps. They are read item by item: an item that
//! does not fit is left out and kept raw under `name[index]` (`name.key` in a map), so one odd
//! item costs neither the others nor the rest of the model. A value that is not a list (or not
//! an object) at all does not fit the field as a whole.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::Serializer;
use serde_json::Value;

use super::field::{token, FieldSeed, Out};
use super::{DateFormat, FieldContext, ResponseField};
use crate::reflect::Shape;

/// The visits of a value that is not the collection expected: collected raw (`Err`), except
/// blank text, which is absent.
macro_rules! not_a_collection {
    () => {
        fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Err(Value::Bool(v)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Err(Value::from(v)))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Err(Value::from(v)))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Err(Value::from(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(if v.trim_ascii().is_empty() {
                Ok(None)
            } else {
                Err(Value::from(v))
            })
        }
    };
}

impl<T: ResponseField> ResponseField for Vec<T> {
    fn read<'de, D: Deserializer<'de>>(
        d: D,
        field: &mut FieldContext<'_>,
    ) -> Result<Option<Self>, D::Error> {
        match d.deserialize_any(ListVisitor::<T>(field, PhantomData))? {
            Ok(list) => Ok(list),
            Err(raw) => {
                field.unreadable(raw, "a list");
                Ok(None)
            }
        }
    }

    fn write<S: Serializer>(&self, s: S, dates: DateFormat) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for item in self {
            seq.serialize_element(&Out(item, dates))?;
        }
        seq.end()
    }

    fn shape(depth: usize) -> Shape {
        T::shape(depth)
    }

    fn example(depth: usize) -> Value {
        Value::Array(vec![T::example(depth)])
    }

    fn each_unreadable(&self, path: &str, visit: &mut dyn FnMut(&str, &Value)) {
        for (i, item) in self.iter().enumerate() {
            item.each_unreadable(&format!("{path}[{i}]"), visit);
        }
    }
}

/// Reads a list; `Err(raw)` when the value is not one.
struct ListVisitor<'a, 'b, T>(&'a mut FieldContext<'b>, PhantomData<T>);

impl<'de, T: ResponseField> Visitor<'de> for ListVisitor<'_, '_, T> {
    type Value = Result<Option<Vec<T>>, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // A size hint comes from the input: never trust it for more than a page's worth.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        let mut index = 0;
        loop {
            let mut item = self.0.item(index);
            match seq.next_element_seed(FieldSeed::<T>::new(&mut item))? {
                None => break,
                Some(Some(value)) => out.push(value),
                Some(None) => {}
            }
            index += 1;
        }
        Ok(Ok(Some(out)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        use serde::Deserialize as _;
        Value::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Err)
    }

    not_a_collection!();
}

macro_rules! maps {
    ($($map:ident),*) => {$(
        impl<V: ResponseField> ResponseField for $map<String, V> {
            fn read<'de, D: Deserializer<'de>>(
                d: D,
                field: &mut FieldContext<'_>,
            ) -> Result<Option<Self>, D::Error> {
                match d.deserialize_any(MapVisitor::<Self, V>(field, PhantomData))? {
                    Ok(map) => Ok(map),
                    Err(raw) => {
                        field.unreadable(raw, "an object");
                        Ok(None)
                    }
                }
            }

            fn write<S: Serializer>(&self, s: S, dates: DateFormat) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(self.len()))?;
                for (k, v) in self {
                    map.serialize_entry(k, &Out(v, dates))?;
                }
                map.end()
            }

            fn shape(_: usize) -> Shape {
                Shape::Map
            }

            fn example(depth: usize) -> Value {
                serde_json::json!({ "key": V::example(depth) })
            }

            fn each_unreadable(&self, path: &str, visit: &mut dyn FnMut(&str, &Value)) {
                for (k, v) in self {
                    v.each_unreadable(&format!("{path}.{k}"), visit);
                }
            }
        }

        impl<V> Insert<V> for $map<String, V> {
            fn insert_entry(&mut self, key: String, value: V) {
                self.insert(key, value);
            }
        }
    )*};
}

maps!(BTreeMap, HashMap);

/// The one thing the map visitor needs of a map type.
trait Insert<V>: Default {
    fn insert_entry(&mut self, key: String, value: V);
}

/// Reads a string-keyed map; `Err(raw)` when the value is not an object.
struct MapVisitor<'a, 'b, M, V>(&'a mut FieldContext<'b>, PhantomData<(M, V)>);

impl<'de, M: Insert<V>, V: ResponseField> Visitor<'de> for MapVisitor<'_, '_, M, V> {
    type Value = Result<Option<M>, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = M::default();
        while let Some(key) = map.next_key_seed(KeyText)? {
            let mut entry = self.0.entry(&key);
            if let Some(value) = map.next_value_seed(FieldSeed::<V>::new(&mut entry))? {
                out.insert_entry(key, value);
            }
        }
        Ok(Ok(Some(out)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        use serde::Deserialize as _;
        Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(Err)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    not_a_collection!();
}

/// A map key as text, whatever the input keys are (JSON keys are text; a form's too).
struct KeyText;

impl<'de> serde::de::DeserializeSeed<'de> for KeyText {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        Ok(match token(d)? {
            super::field::Token::Borrowed(s) => s.to_owned(),
            super::field::Token::Owned(s) => s,
            other => other.into_raw().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Unreadable;

    fn read<T: ResponseField>(json: &str) -> (Option<T>, Unreadable) {
        let mut kept = Unreadable::default();
        let mut field = FieldContext::new("Test", "f", &mut kept);
        let mut de = serde_json::Deserializer::from_str(json);
        let value = T::read(&mut de, &mut field).expect("well-formed JSON");
        (value, kept)
    }

    #[test]
    fn odd_items_are_left_out_and_kept_by_position() {
        let (list, kept) = read::<Vec<crate::CallSid>>(
            r#"["CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 7, null,
               "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"]"#,
        );
        assert_eq!(list.map(|l| l.len()), Some(2));
        assert_eq!(
            kept.get("f[1]"),
            Some(&Value::from("PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
        );
        assert_eq!(kept.get("f[2]"), Some(&Value::from(7)));
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn a_value_that_is_not_a_list_is_kept_whole() {
        for odd in [r#""voice""#, "3", r#"{"a":["b"]}"#, "true"] {
            let (list, kept) = read::<Vec<String>>(odd);
            assert!(list.is_none(), "{odd}");
            let raw: Value = serde_json::from_str(odd).expect("json");
            assert_eq!(kept.get("f"), Some(&raw), "{odd}");
        }
        let (list, kept) = read::<Vec<String>>("null");
        assert!(list.is_none() && kept.is_empty());
        let (nested, kept) = read::<Vec<Vec<u8>>>("[[1, 300], [2]]");
        assert_eq!(nested, Some(vec![vec![1], vec![2]]));
        assert_eq!(kept.get("f[0][1]"), Some(&Value::from(300)));
    }

    #[test]
    fn maps_keep_odd_entries_by_key() {
        let (map, kept) =
            read::<BTreeMap<String, String>>(r#"{"media": "/m.json", "odd": {"x": 1}}"#);
        let map = map.expect("a map");
        assert_eq!(map.get("media").map(String::as_str), Some("/m.json"));
        assert!(!map.contains_key("odd"));
        assert_eq!(kept.get("f.odd"), Some(&serde_json::json!({"x": 1})));
        let (map, kept) = read::<HashMap<String, u32>>(r#"["not", "a", "map"]"#);
        assert!(map.is_none());
        assert_eq!(kept.get("f"), Some(&serde_json::json!(["not", "a", "map"])));
    }
}
