//! [`ResponseField`]: how one value of a response model is read, leniently, in a single pass.
//!
//! A scalar is read straight from the deserializer's visitor (a borrowed string is not copied)
//! and fitted to its type; only a value that does not fit is collected as raw JSON.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::Unreadable;
use crate::reflect::Shape;

/// A type that a field of a response model ([`#[twilio_model]`](crate::twilio_model)) can hold.
///
/// Reading never fails on a value's shape: a value that does not fit is reported to the
/// [`FieldContext`] (kept raw, one warning) and reads as `None`. Implemented for `String`,
/// `bool`, the integer types, `f32`/`f64`, `Decimal`, `OffsetDateTime`, `time::Date`, every SID
/// type, every [`twilio_enum!`](crate::twilio_enum) enum, [`PhoneNumber`](crate::PhoneNumber),
/// `serde_json::Value`, `Vec<T>`, `String`-keyed `BTreeMap`/`HashMap`, and every
/// `#[twilio_model]`. A text type of your own implements it with [`read_text`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of a response model",
    label = "not a `runtime::response::ResponseField`",
    note = "a #[twilio_model] field holds String, bool, an integer, Decimal, OffsetDateTime, time::Date, a SID, a twilio_enum! enum, PhoneNumber, serde_json::Value, a Vec or String-keyed map of these, or another #[twilio_model] (optionally in an Option)",
    note = "for a text type of your own, implement `runtime::response::ResponseField` with `runtime::response::read_text`"
)]
pub trait ResponseField: Sized {
    /// Reads one value. `Ok(Some)` when it fits; `Ok(None)` when it is absent (`null`, or blank
    /// text for a type that is not text) or does not fit, in which case it has been passed to
    /// [`FieldContext::unreadable`]. `Err` only when the input itself is broken (not JSON).
    fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        field: &mut FieldContext<'_>,
    ) -> Result<Option<Self>, D::Error>;

    /// Writes the value, for the model's `Serialize`; date-times in `dates`.
    fn write<S: Serializer>(&self, serializer: S, dates: DateFormat) -> Result<S::Ok, S::Error>;

    /// What a value of this type reads, for the conformance check ([`Shape`]). A single value
    /// unless overridden.
    fn shape(depth: usize) -> Shape {
        let _ = depth;
        Shape::Scalar
    }

    /// A JSON value that fits this type (for tests and tools that build bodies).
    #[doc(hidden)]
    fn example(depth: usize) -> Value {
        let _ = depth;
        Value::String("text".to_owned())
    }

    /// Calls `visit` with every value kept as unreadable inside this value (nested models), its
    /// name prefixed with `path`.
    #[doc(hidden)]
    fn each_unreadable(&self, path: &str, visit: &mut dyn FnMut(&str, &Value)) {
        let _ = (path, visit);
    }
}

/// How a model writes its date-times (its `Serialize`); reading accepts both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DateFormat {
    /// `2019-12-18T20:02:01Z` (newer products).
    #[default]
    Rfc3339,
    /// `Wed, 18 Dec 2019 20:02:01 +0000` (Api v2010 and its callbacks).
    Rfc2822,
}

/// Reads and writes a field in a way of its own, for `#[twilio(with = Codec)]` (a list sent as
/// one comma-separated string, say). Reading follows [`ResponseField::read`]'s rules.
pub trait FieldCodec<T> {
    /// Reads one value (see [`ResponseField::read`]).
    fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        field: &mut FieldContext<'_>,
    ) -> Result<Option<T>, D::Error>;

    /// Writes one value.
    fn write<S: Serializer>(value: &T, serializer: S, dates: DateFormat)
        -> Result<S::Ok, S::Error>;

    /// What the field reads (see [`ResponseField::shape`]).
    fn shape(depth: usize) -> Shape {
        let _ = depth;
        Shape::Scalar
    }

    /// A JSON value that fits (see [`ResponseField::example`]).
    #[doc(hidden)]
    fn example(depth: usize) -> Value {
        let _ = depth;
        Value::String("text".to_owned())
    }
}

/// Where the value being read belongs: the model and field it is reported under.
pub struct FieldContext<'a> {
    model: &'static str,
    field: &'a str,
    at: Step<'a>,
    unreadable: &'a mut Unreadable,
    blank_is_absent: bool,
}

/// The position inside a field: the field itself, an item of a list, an entry of a map.
#[derive(Clone, Copy)]
enum Step<'a> {
    Field,
    Index(&'a Step<'a>, usize),
    Key(&'a Step<'a>, &'a str),
}

impl<'a> FieldContext<'a> {
    /// The context of field `field` of model `model`, keeping raw values in `unreadable`.
    #[inline]
    pub fn new(model: &'static str, field: &'a str, unreadable: &'a mut Unreadable) -> Self {
        Self {
            model,
            field,
            at: Step::Field,
            unreadable,
            blank_is_absent: false,
        }
    }

    /// Blank text is absent even for text fields (a form, where nothing can be `null`).
    #[inline]
    pub(crate) fn with_blank_absent(mut self, blank_is_absent: bool) -> Self {
        self.blank_is_absent = blank_is_absent;
        self
    }

    /// The context of item `index` of this list (kept as `name[index]`).
    pub fn item(&mut self, index: usize) -> FieldContext<'_> {
        FieldContext {
            model: self.model,
            field: self.field,
            at: Step::Index(&self.at, index),
            unreadable: self.unreadable,
            blank_is_absent: self.blank_is_absent,
        }
    }

    /// The context of entry `key` of this map (kept as `name.key`).
    pub fn entry<'b>(&'b mut self, key: &'b str) -> FieldContext<'b> {
        FieldContext {
            model: self.model,
            field: self.field,
            at: Step::Key(&self.at, key),
            unreadable: self.unreadable,
            blank_is_absent: self.blank_is_absent,
        }
    }

    /// Records a value that does not fit: it is kept raw under this field's name and one
    /// warning names the model, the field, what was expected and what kind of JSON value came
    /// (never the value itself: it may be card data or a token).
    pub fn unreadable(&mut self, raw: Value, expected: &'static str) {
        let name = self.name();
        tracing::warn!(
            model = self.model,
            field = %name,
            expected,
            found = json_kind(&raw),
            "a response field does not fit its type: it reads as None and its raw value is kept in `unreadable`"
        );
        self.unreadable.insert(name, raw);
    }

    /// The name this position is kept under.
    fn name(&self) -> String {
        let mut out = self.field.to_owned();
        push_step(&mut out, &self.at);
        out
    }
}

fn push_step(out: &mut String, step: &Step<'_>) {
    use std::fmt::Write as _;
    match step {
        Step::Field => {}
        Step::Index(parent, i) => {
            push_step(out, parent);
            let _ = write!(out, "[{i}]");
        }
        Step::Key(parent, k) => {
            push_step(out, parent);
            out.push('.');
            out.push_str(k);
        }
    }
}

/// The kind of a JSON value in a few words, for warnings.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(s) if s.trim_ascii().is_empty() => "blank text",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// --- Scalars: one token, then a fit. ---

/// One value as the deserializer gave it (for a nested model read from buffered JSON, and map
/// keys). Strings the input lends are borrowed, not copied.
pub(crate) enum Token<'de> {
    Absent,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Borrowed(&'de str),
    Owned(String),
    /// An array or object (or something no scalar reads), collected as JSON.
    Raw(Value),
}

impl Token<'_> {
    pub(crate) fn into_raw(self) -> Value {
        match self {
            Token::Absent => Value::Null,
            Token::Bool(b) => Value::Bool(b),
            Token::I64(v) => Value::from(v),
            Token::U64(v) => Value::from(v),
            Token::F64(v) => Value::from(v),
            Token::Borrowed(s) => Value::String(s.to_owned()),
            Token::Owned(s) => Value::String(s),
            Token::Raw(v) => v,
        }
    }
}

/// Reads one token with `deserialize_any`, the only call that never fails on a value's shape.
pub(crate) fn token<'de, D: Deserializer<'de>>(d: D) -> Result<Token<'de>, D::Error> {
    d.deserialize_any(TokenVisitor)
}

struct TokenVisitor;

impl<'de> Visitor<'de> for TokenVisitor {
    type Value = Token<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Token<'de>, E> {
        Ok(Token::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Token<'de>, E> {
        Ok(Token::I64(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Token<'de>, E> {
        Ok(Token::U64(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Token<'de>, E> {
        Ok(i64::try_from(v).map_or_else(|_| Token::Owned(v.to_string()), Token::I64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Token<'de>, E> {
        Ok(u64::try_from(v).map_or_else(|_| Token::Owned(v.to_string()), Token::U64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Token<'de>, E> {
        Ok(Token::F64(v))
    }
    fn visit_char<E>(self, v: char) -> Result<Token<'de>, E> {
        Ok(Token::Owned(v.to_string()))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Token<'de>, E> {
        Ok(Token::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Token<'de>, E> {
        Ok(Token::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Token<'de>, E> {
        Ok(Token::Owned(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Token<'de>, E> {
        Ok(Token::Owned(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E>(self) -> Result<Token<'de>, E> {
        Ok(Token::Absent)
    }
    fn visit_none<E>(self) -> Result<Token<'de>, E> {
        Ok(Token::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Token<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Token<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Token<'de>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Token::Raw)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Token<'de>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Token::Raw)
    }
}

/// A type read from text or a JSON scalar.
pub(crate) trait Scalar: Sized {
    /// What a fitting value looks like, for warnings and errors.
    const EXPECTED: &'static str;
    /// Text is the value itself (`String`): not trimmed, and blank text is a value.
    const VERBATIM: bool = false;
    fn from_text(text: &str) -> Option<Self>;
    fn from_owned(text: String) -> Option<Self> {
        Self::from_text(&text)
    }
    fn from_i64(_: i64) -> Option<Self> {
        None
    }
    fn from_u64(_: u64) -> Option<Self> {
        None
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
}

/// Reads a [`Scalar`] straight from the deserializer's visitor: fits it, or reports it to
/// `field`.
pub(crate) fn read_scalar<'de, T: Scalar, D: Deserializer<'de>>(
    d: D,
    field: &mut FieldContext<'_>,
) -> Result<Option<T>, D::Error> {
    d.deserialize_any(ScalarVisitor::<T>(field, PhantomData))
}

struct ScalarVisitor<'a, 'b, T>(&'a mut FieldContext<'b>, PhantomData<T>);

impl<T: Scalar> ScalarVisitor<'_, '_, T> {
    fn misfit(self, raw: Value) -> Option<T> {
        self.0.unreadable(raw, T::EXPECTED);
        None
    }

    fn fitted(self, fitted: Option<T>, raw: impl FnOnce() -> Value) -> Option<T> {
        match fitted {
            Some(v) => Some(v),
            None => self.misfit(raw()),
        }
    }

    fn text(self, text: &str) -> Option<T> {
        if T::VERBATIM {
            if self.0.blank_is_absent && text.trim_ascii().is_empty() {
                return None;
            }
            return self.fitted(T::from_text(text), || Value::from(text));
        }
        let trimmed = text.trim_ascii();
        if trimmed.is_empty() {
            return None;
        }
        self.fitted(T::from_text(trimmed), || Value::from(text))
    }
}

impl<'de, T: Scalar> Visitor<'de> for ScalarVisitor<'_, '_, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }

    fn visit_str<E>(self, v: &str) -> Result<Option<T>, E> {
        Ok(self.text(v))
    }
    fn visit_string<E>(self, v: String) -> Result<Option<T>, E> {
        // Text that is the value itself moves into it (`String`): no copy.
        if T::VERBATIM && !(self.0.blank_is_absent && v.trim_ascii().is_empty()) {
            return Ok(T::from_owned(v));
        }
        Ok(self.text(&v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Option<T>, E> {
        Ok(self.fitted(T::from_bool(v), || Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Option<T>, E> {
        Ok(self.fitted(T::from_i64(v), || Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Option<T>, E> {
        Ok(self.fitted(T::from_u64(v), || Value::from(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Option<T>, E> {
        Ok(match i64::try_from(v) {
            Ok(v) => self.fitted(T::from_i64(v), || Value::from(v)),
            Err(_) => self.misfit(Value::String(v.to_string())),
        })
    }
    fn visit_u128<E>(self, v: u128) -> Result<Option<T>, E> {
        Ok(match u64::try_from(v) {
            Ok(v) => self.fitted(T::from_u64(v), || Value::from(v)),
            Err(_) => self.misfit(Value::String(v.to_string())),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Option<T>, E> {
        Ok(self.fitted(T::from_f64(v), || Value::from(v)))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Option<T>, E> {
        Ok(self.text(&String::from_utf8_lossy(v)))
    }
    fn visit_unit<E>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
        let raw = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(self.misfit(raw))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        let raw = Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(self.misfit(raw))
    }
}

/// Reads a value of a text type: `parse` gets the trimmed text (blank text and `null` are
/// absent) and returns `None` when it does not fit; numbers, booleans, arrays and objects
/// never fit. `expected` says what fits, for the warning.
///
/// ```
/// use runtime::response::{read_text, DateFormat, FieldContext, ResponseField};
///
/// /// A color as `#rrggbb`.
/// pub struct Color(u32);
///
/// impl ResponseField for Color {
///     fn read<'de, D: serde::Deserializer<'de>>(
///         d: D,
///         field: &mut FieldContext<'_>,
///     ) -> Result<Option<Self>, D::Error> {
///         read_text(d, field, "a #rrggbb color", |t| {
///             u32::from_str_radix(t.strip_prefix('#')?, 16).ok().map(Color)
///         })
///     }
///     fn write<S: serde::Serializer>(&self, s: S, _: DateFormat) -> Result<S::Ok, S::Error> {
///         s.collect_str(&format_args!("#{:06x}", self.0))
///     }
/// }
/// ```
pub fn read_text<'de, D, T, F>(
    deserializer: D,
    field: &mut FieldContext<'_>,
    expected: &'static str,
    parse: F,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> Option<T>,
{
    deserializer.deserialize_any(TextVisitor {
        field,
        expected,
        parse,
    })
}

/// Reads text straight from the deserializer's visitor (no intermediate token: text types are
/// the most common fields); anything else is collected raw.
struct TextVisitor<'a, 'b, F> {
    field: &'a mut FieldContext<'b>,
    expected: &'static str,
    parse: F,
}

impl<F> TextVisitor<'_, '_, F> {
    fn misfit<T>(self, raw: Value) -> Option<T> {
        self.field.unreadable(raw, self.expected);
        None
    }

    fn text<T>(self, text: &str) -> Option<T>
    where
        F: FnOnce(&str) -> Option<T>,
    {
        let trimmed = text.trim_ascii();
        if trimmed.is_empty() {
            return None;
        }
        match (self.parse)(trimmed) {
            Some(v) => Some(v),
            None => {
                self.field
                    .unreadable(Value::String(text.to_owned()), self.expected);
                None
            }
        }
    }
}

impl<'de, T, F: FnOnce(&str) -> Option<T>> Visitor<'de> for TextVisitor<'_, '_, F> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expected)
    }

    fn visit_str<E>(self, v: &str) -> Result<Option<T>, E> {
        Ok(self.text(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Option<T>, E> {
        Ok(self.misfit(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Option<T>, E> {
        Ok(self.misfit(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Option<T>, E> {
        Ok(self.misfit(Value::from(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Option<T>, E> {
        Ok(self.misfit(Value::String(v.to_string())))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Option<T>, E> {
        Ok(self.misfit(Value::String(v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Option<T>, E> {
        Ok(self.misfit(Value::from(v)))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Option<T>, E> {
        Ok(self.text(&String::from_utf8_lossy(v)))
    }
    fn visit_unit<E>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
        let raw = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(self.misfit(raw))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        let raw = Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(self.misfit(raw))
    }
}

// --- Seeds and writers the generated code and the collections use. ---

/// Reads a `T` through `DeserializeSeed`, reporting to `field`.
pub(crate) struct FieldSeed<'a, 'b, T>(pub(crate) &'a mut FieldContext<'b>, PhantomData<T>);

impl<'a, 'b, T> FieldSeed<'a, 'b, T> {
    pub(crate) fn new(field: &'a mut FieldContext<'b>) -> Self {
        Self(field, PhantomData)
    }
}

impl<'de, T: ResponseField> DeserializeSeed<'de> for FieldSeed<'_, '_, T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::read(d, self.0)
    }
}

/// Reads a `T` with codec `C`.
pub(crate) struct CodecSeed<'a, 'b, C, T>(&'a mut FieldContext<'b>, PhantomData<(C, T)>);

impl<'a, 'b, C, T> CodecSeed<'a, 'b, C, T> {
    pub(crate) fn new(field: &'a mut FieldContext<'b>) -> Self {
        Self(field, PhantomData)
    }
}

impl<'de, C: FieldCodec<T>, T> DeserializeSeed<'de> for CodecSeed<'_, '_, C, T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        C::read(d, self.0)
    }
}

/// A value written through [`ResponseField::write`].
pub(crate) struct Out<'a, T>(pub(crate) &'a T, pub(crate) DateFormat);

impl<T: ResponseField> Serialize for Out<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.write(s, self.1)
    }
}

/// A value written through a codec.
pub(crate) struct CodecOut<'a, C, T>(pub(crate) &'a T, pub(crate) DateFormat, PhantomData<C>);

impl<'a, C, T> CodecOut<'a, C, T> {
    pub(crate) fn new(value: &'a T, dates: DateFormat) -> Self {
        Self(value, dates, PhantomData)
    }
}

impl<C: FieldCodec<T>, T> Serialize for CodecOut<'_, C, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        C::write(self.0, s, self.1)
    }
}

/// An error for a broken essential field, in the deserializer's error type.
pub(crate) fn custom<E: de::Error>(message: fmt::Arguments<'_>) -> E {
    E::custom(message)
}
