//! What `#[twilio_model]` expands to calls: [`ModelReader`] drives a model's `visit_map`,
//! [`ModelWriter`] its `Serialize`, [`read_model`] reads a nested model. Generic over the
//! deserializer, so the generated code stays a `match` of one line per field.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::Serializer;
use serde_json::Value;

use super::field::{custom, CodecOut, CodecSeed, FieldSeed, Out};
use super::{DateFormat, FieldCodec, FieldContext, ResponseField, Unreadable};
use crate::reflect::Shape;

/// Reads the fields of one model from a map, keeping what does not fit.
pub struct ModelReader<'f> {
    model: &'static str,
    fields: &'f [&'static str],
    unreadable: Unreadable,
    blank_is_absent: bool,
}

impl<'f> ModelReader<'f> {
    /// A reader of `model`, whose fields have these wire names (indices are positions here).
    #[inline]
    pub fn new(model: &'static str, fields: &'f [&'static str]) -> Self {
        Self {
            model,
            fields,
            unreadable: Unreadable::default(),
            blank_is_absent: false,
        }
    }

    /// Reads blank text as absent in text fields too (`#[twilio_model(blank_is_absent)]`: a
    /// form, such as a status callback, has no `null`, and an empty value means "not sent").
    #[inline]
    pub fn blank_is_absent(mut self) -> Self {
        self.blank_is_absent = true;
        self
    }

    /// The next key: `Some(Some(i))` for field `i`, `Some(None)` for a key the model does not
    /// read, `None` at the end of the map.
    pub fn key<'de, A: MapAccess<'de>>(
        &self,
        map: &mut A,
    ) -> Result<Option<Option<usize>>, A::Error> {
        map.next_key_seed(FieldIndex(self.fields))
    }

    /// [`key`](Self::key) with the model's own lookup (`#[twilio_model]` generates a `match`
    /// on the wire names, which the compiler turns into a few comparisons).
    #[inline]
    pub fn key_by<'de, A: MapAccess<'de>, F: Fn(&str) -> Option<usize>>(
        &self,
        map: &mut A,
        index: F,
    ) -> Result<Option<Option<usize>>, A::Error> {
        map.next_key_seed(KeyBy(index))
    }

    /// Reads the value of field `index` with its type's own [`ResponseField`].
    pub fn value<'de, T: ResponseField, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        index: usize,
    ) -> Result<Option<T>, A::Error> {
        let name = self.name(index);
        if !self.unreadable.is_empty() {
            self.unreadable.forget(name);
        }
        let mut field = FieldContext::new(self.model, name, &mut self.unreadable)
            .with_blank_absent(self.blank_is_absent);
        map.next_value_seed(FieldSeed::<T>::new(&mut field))
    }

    /// Reads the value of field `index` with codec `C` (`#[twilio(with = C)]`).
    pub fn value_with<'de, C: FieldCodec<T>, T, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        index: usize,
    ) -> Result<Option<T>, A::Error> {
        let name = self.name(index);
        if !self.unreadable.is_empty() {
            self.unreadable.forget(name);
        }
        let mut field = FieldContext::new(self.model, name, &mut self.unreadable)
            .with_blank_absent(self.blank_is_absent);
        map.next_value_seed(CodecSeed::<C, T>::new(&mut field))
    }

    /// Skips the value of a key the model does not read.
    pub fn skip<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<(), A::Error> {
        map.next_value::<IgnoredAny>().map(drop)
    }

    /// The value of essential field `index`, or the error that fails the decode, naming it.
    pub fn essential<T, E: de::Error>(&self, value: Option<T>, index: usize) -> Result<T, E> {
        match value {
            Some(v) => Ok(v),
            None => {
                let (model, name) = (self.model, self.name(index));
                Err(if self.unreadable.contains(name) {
                    custom(format_args!(
                        "the essential field `{name}` of `{model}` holds a value that does not fit its type"
                    ))
                } else {
                    custom(format_args!(
                        "the essential field `{name}` of `{model}` is missing or null"
                    ))
                })
            }
        }
    }

    /// What did not fit, for the model's `unreadable` field.
    #[inline]
    pub fn finish(self) -> Unreadable {
        self.unreadable
    }

    #[inline]
    fn name(&self, index: usize) -> &'static str {
        // Proof of invariant: the generated code only passes indices that `key` returned.
        self.fields.get(index).copied().unwrap_or("?")
    }
}

/// Finds a key among the field names without copying it.
struct FieldIndex<'f>(&'f [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| *name == v))
    }

    fn visit_bytes<E>(self, v: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| name.as_bytes() == v))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Option<usize>, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Option<usize>, E> {
        Ok(None)
    }
}

/// Finds a key with a lookup function, without copying it.
struct KeyBy<F>(F);

impl<'de, F: Fn(&str) -> Option<usize>> DeserializeSeed<'de> for KeyBy<F> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, F: Fn(&str) -> Option<usize>> Visitor<'de> for KeyBy<F> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E>(self, v: &str) -> Result<Option<usize>, E> {
        Ok((self.0)(v))
    }

    fn visit_bytes<E>(self, v: &[u8]) -> Result<Option<usize>, E> {
        Ok(std::str::from_utf8(v).ok().and_then(&self.0))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Option<usize>, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Option<usize>, E> {
        Ok(None)
    }
}

/// Writes a model's fields, in order, date-times in the model's format.
pub struct ModelWriter<S: SerializeStruct> {
    out: S,
    dates: DateFormat,
}

impl<S: SerializeStruct> ModelWriter<S> {
    /// Starts writing `model` with `len` fields.
    pub fn new<Ser: Serializer<SerializeStruct = S>>(
        serializer: Ser,
        model: &'static str,
        len: usize,
        dates: DateFormat,
    ) -> Result<Self, Ser::Error> {
        Ok(Self {
            out: serializer.serialize_struct(model, len)?,
            dates,
        })
    }

    /// Writes a field of type `T`.
    pub fn value<T: ResponseField>(&mut self, name: &'static str, v: &T) -> Result<(), S::Error> {
        self.out.serialize_field(name, &Out(v, self.dates))
    }

    /// Writes an `Option<T>` field (`None` as the format writes nothing: `null` in JSON, no
    /// pair in a form).
    pub fn option<T: ResponseField>(
        &mut self,
        name: &'static str,
        v: &Option<T>,
    ) -> Result<(), S::Error> {
        let dates = self.dates;
        self.out
            .serialize_field(name, &v.as_ref().map(|v| Out(v, dates)))
    }

    /// Writes a field through codec `C`.
    pub fn value_with<C: FieldCodec<T>, T>(
        &mut self,
        name: &'static str,
        v: &T,
    ) -> Result<(), S::Error> {
        self.out
            .serialize_field(name, &CodecOut::<C, T>::new(v, self.dates))
    }

    /// Writes an `Option<T>` field through codec `C`.
    pub fn option_with<C: FieldCodec<T>, T>(
        &mut self,
        name: &'static str,
        v: &Option<T>,
    ) -> Result<(), S::Error> {
        let dates = self.dates;
        self.out
            .serialize_field(name, &v.as_ref().map(|v| CodecOut::<C, T>::new(v, dates)))
    }

    /// Ends the model.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.out.end()
    }
}

/// Reads a nested model: an object is read with the model's own (lenient) `Deserialize`;
/// anything else does not fit (`expected` says what was).
pub fn read_model<'de, M: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
    field: &mut FieldContext<'_>,
    expected: &'static str,
) -> Result<Option<M>, D::Error> {
    match d.deserialize_any(NestedVisitor::<M>(PhantomData))? {
        Ok(model) => Ok(model),
        Err(raw) => {
            field.unreadable(raw, expected);
            Ok(None)
        }
    }
}

/// Reads a nested model that has essential fields: the value is collected as JSON first, so
/// that one whose essential field is missing or does not fit is kept whole, raw, instead of
/// failing the body around it. (Models without essential fields are read in one pass.)
pub fn read_model_buffered<'de, M: serde::de::DeserializeOwned, D: Deserializer<'de>>(
    d: D,
    field: &mut FieldContext<'_>,
    expected: &'static str,
) -> Result<Option<M>, D::Error> {
    let raw = match super::field::token(d)? {
        super::field::Token::Absent => return Ok(None),
        super::field::Token::Borrowed(t) if t.trim_ascii().is_empty() => return Ok(None),
        super::field::Token::Owned(t) if t.trim_ascii().is_empty() => return Ok(None),
        other => other.into_raw(),
    };
    if raw.is_object() {
        if let Ok(model) = M::deserialize(&raw) {
            return Ok(Some(model));
        }
    }
    field.unreadable(raw, expected);
    Ok(None)
}

struct NestedVisitor<M>(PhantomData<M>);

impl<'de, M: Deserialize<'de>> Visitor<'de> for NestedVisitor<M> {
    type Value = Result<Option<M>, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        M::deserialize(MapAccessDeserializer::new(map)).map(|m| Ok(Some(m)))
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

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Err)
    }

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
}

/// Nesting limit of shapes and examples: Twilio's bodies are a few levels deep; deeper means a
/// model that contains itself.
pub const MAX_DEPTH: usize = 12;

/// A field's wire name and how to get the shape of its type at a depth.
pub type FieldShape = (&'static str, fn(usize) -> Shape);

/// A field's wire name and how to get an example of its type at a depth.
pub type FieldExample = (&'static str, fn(usize) -> Value);

/// A model's [`Shape`], from `(wire name, shape of the field's type)` pairs.
pub fn model_shape(model: &'static str, depth: usize, fields: &[FieldShape]) -> Shape {
    if depth > MAX_DEPTH {
        return Shape::TooDeep;
    }
    Shape::Struct {
        name: model,
        fields: fields.iter().map(|(n, s)| (*n, s(depth + 1))).collect(),
    }
}

/// A model's example body, from `(wire name, example of the field's type)` pairs.
pub fn model_example(depth: usize, fields: &[FieldExample]) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    Value::Object(
        fields
            .iter()
            .map(|(n, e)| ((*n).to_owned(), e(depth + 1)))
            .collect(),
    )
}

/// Visits a model's own unreadable values, their names prefixed with `path`.
pub fn each_unreadable(kept: &Unreadable, path: &str, visit: &mut dyn FnMut(&str, &Value)) {
    for (name, raw) in kept.iter() {
        visit(&join(path, name), raw);
    }
}

/// Visits the unreadable values inside field `name` (a nested model, or a list of them).
pub fn walk<T: ResponseField>(
    value: &T,
    path: &str,
    name: &str,
    visit: &mut dyn FnMut(&str, &Value),
) {
    value.each_unreadable(&join(path, name), visit);
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use crate::response::{DateFormat, Unreadable};
    use crate::CallSid;

    #[crate::twilio_model]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Link {
        pub href: Option<String>,
        pub rel: Option<u32>,
    }

    #[crate::twilio_model]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Anchored {
        pub id: String,
        pub weight: Option<u8>,
    }

    #[crate::twilio_model(dates = rfc2822)]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Thing {
        pub sid: CallSid,
        #[twilio(rename = "Friendly-Name")]
        pub friendly_name: Option<String>,
        pub when: Option<time::OffsetDateTime>,
        pub link: Option<Link>,
        pub links: Option<Vec<Link>>,
        pub anchors: Option<Vec<Anchored>>,
        pub tags: Option<BTreeMap<String, u8>>,
        #[twilio(default)]
        pub count: u32,
    }

    const SID: &str = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    #[test]
    fn nested_models_keep_their_own_odd_values() {
        let thing: Thing = serde_json::from_value(json!({
            "sid": SID,
            "Friendly-Name": "x",
            "when": "2026-12-01T10:00:00.123Z",
            "link": {"href": "/a", "rel": "first"},
            "links": [{"href": "/b", "rel": 2}, "not a link", {"href": 3}],
            "anchors": [{"id": "a"}, {"weight": 1}, {"id": "c", "weight": 300}],
            "tags": {"a": 1, "b": "two"},
            "count": "many",
            "unknown": {"deep": [1]}
        }))
        .expect("decodes");
        let link = thing.link.as_ref().expect("link");
        assert_eq!(link.href.as_deref(), Some("/a"));
        assert_eq!(link.rel, None);
        assert_eq!(link.unreadable.get("rel"), Some(&json!("first")));
        let links = thing.links.as_ref().expect("links");
        assert_eq!(links.len(), 2);
        assert_eq!(links[1].unreadable.get("href"), Some(&json!(3)));
        // A nested model whose essential field is missing is kept whole, raw.
        let anchors = thing.anchors.as_ref().expect("anchors");
        assert_eq!(anchors.len(), 2);
        assert_eq!(anchors[1].weight, None);
        assert_eq!(thing.count, 0, "a default field reads as its default");
        // (`json!` objects iterate in key order, so that is the order of arrival here.)
        let own: Vec<&str> = thing.unreadable.names().collect();
        assert_eq!(own, ["anchors[1]", "count", "links[1]", "tags.b"]);
        assert_eq!(
            thing.unreadable.get("anchors[1]"),
            Some(&json!({"weight": 1}))
        );
        #[cfg(feature = "reflect")]
        {
            use crate::response::ResponseBody as _;
            let mut all = Vec::new();
            thing.each_unreadable(&mut |path, _| all.push(path.to_owned()));
            assert_eq!(
                all,
                [
                    "anchors[1]",
                    "count",
                    "links[1]",
                    "tags.b",
                    "link.rel",
                    "links[1].href",
                    // Inside a nested model, a position is the decoded list's ("c" is item 1
                    // once "anchors[1]" as sent was left out).
                    "anchors[1].weight"
                ]
            );
        }
    }

    #[test]
    fn essential_fields_fail_by_name() {
        let missing = serde_json::from_value::<Thing>(json!({"count": 1})).expect_err("no sid");
        assert!(
            missing
                .to_string()
                .contains("essential field `sid` of `Thing` is missing"),
            "{missing}"
        );
        let odd =
            serde_json::from_value::<Thing>(json!({"sid": "PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}))
                .expect_err("wrong kind");
        assert!(
            odd.to_string()
                .contains("`sid` of `Thing` holds a value that does not fit"),
            "{odd}"
        );
        assert!(
            !odd.to_string().contains("PKaaa"),
            "the value is not quoted: {odd}"
        );
        // A repeated key: the last value counts, and one that fits clears the earlier misfit.
        let thing: Thing =
            serde_json::from_str(&format!(r#"{{"sid": 1, "sid": "{SID}"}}"#)).expect("decodes");
        assert!(thing.unreadable.is_empty());
    }

    #[test]
    fn serialize_writes_what_was_read_in_the_models_date_format() {
        let thing: Thing = serde_json::from_value(json!({
            "sid": SID, "when": "2019-12-18T20:02:01Z", "link": {"href": "/a"}, "count": 2,
            "tags": {"k": 7}
        }))
        .expect("decodes");
        let written = serde_json::to_value(&thing).expect("writes");
        assert_eq!(written["sid"], json!(SID));
        assert_eq!(written["when"], json!("Wed, 18 Dec 2019 20:02:01 +0000"));
        assert_eq!(written["Friendly-Name"], json!(null));
        assert_eq!(written["link"], json!({"href": "/a", "rel": null}));
        assert_eq!(written["tags"], json!({"k": 7}));
        assert!(written.get("unreadable").is_none());
        let back: Thing = serde_json::from_value(written).expect("reads back");
        assert_eq!(back, thing);
        let _ = DateFormat::Rfc3339;
        let _ = Unreadable::default();
    }
}
