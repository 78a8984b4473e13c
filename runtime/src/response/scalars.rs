//! [`ResponseField`] for the scalar types: text, booleans, numbers, dates, phone numbers, and
//! any JSON value. What fits each one is listed in the [module docs](super).

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use time::format_description::well_known::{Iso8601, Rfc2822, Rfc3339};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::field::{read_scalar, Scalar};
use super::{DateFormat, FieldContext, ResponseField};
use crate::reflect::Shape;
use crate::PhoneNumber;

/// Implements [`ResponseField`] through [`Scalar`] (fit) plus a writer and an example.
macro_rules! scalar_fields {
    ($($ty:ty => |$v:ident, $s:ident, $dates:ident| $write:expr, example $example:expr;)*) => {$(
        impl ResponseField for $ty {
            fn read<'de, D: Deserializer<'de>>(
                d: D,
                field: &mut FieldContext<'_>,
            ) -> Result<Option<Self>, D::Error> {
                read_scalar::<Self, D>(d, field)
            }

            fn write<S: Serializer>(&self, $s: S, $dates: DateFormat) -> Result<S::Ok, S::Error> {
                let $v = self;
                $write
            }

            fn example(_: usize) -> Value {
                $example
            }
        }
    )*};
}

scalar_fields! {
    String => |v, s, _dates| s.serialize_str(v), example Value::from("text");
    bool => |v, s, _dates| s.serialize_bool(*v), example Value::Bool(true);
    i8 => |v, s, _dates| v.serialize(s), example Value::from(42);
    i16 => |v, s, _dates| v.serialize(s), example Value::from(42);
    i32 => |v, s, _dates| v.serialize(s), example Value::from(42);
    i64 => |v, s, _dates| v.serialize(s), example Value::from(42);
    u8 => |v, s, _dates| v.serialize(s), example Value::from(42);
    u16 => |v, s, _dates| v.serialize(s), example Value::from(42);
    u32 => |v, s, _dates| v.serialize(s), example Value::from(42);
    u64 => |v, s, _dates| v.serialize(s), example Value::from(42);
    f32 => |v, s, _dates| v.serialize(s), example Value::from(1.5);
    f64 => |v, s, _dates| v.serialize(s), example Value::from(1.5);
    // Twilio sends amounts as text (`"-0.03000"`), which keeps every digit.
    Decimal => |v, s, _dates| s.collect_str(v), example Value::from("-0.0075");
    PhoneNumber => |v, s, _dates| s.serialize_str(v.as_str()), example Value::from("+14155550100");
    OffsetDateTime => |v, s, dates| write_date_time(v, s, dates),
        example Value::from("Wed, 18 Dec 2019 20:02:01 +0000");
    time::Date => |v, s, _dates| {
        let text = v.format(DAY).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }, example Value::from("2019-12-18");
}

impl Scalar for String {
    const EXPECTED: &'static str = "text";
    const VERBATIM: bool = true;
    #[inline]
    fn from_text(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
    #[inline]
    fn from_owned(text: String) -> Option<Self> {
        Some(text)
    }
}

impl Scalar for bool {
    const EXPECTED: &'static str = "a boolean (true/false, or the text true/false/1/0)";
    #[inline]
    fn from_text(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("true") || text == "1" {
            Some(true)
        } else if text.eq_ignore_ascii_case("false") || text == "0" {
            Some(false)
        } else {
            None
        }
    }
    fn from_bool(v: bool) -> Option<Self> {
        Some(v)
    }
}

macro_rules! integers {
    ($($ty:ty),*) => {$(
        impl Scalar for $ty {
            const EXPECTED: &'static str = concat!("an integer (", stringify!($ty), "), as a number or text");
            #[inline]
    fn from_text(text: &str) -> Option<Self> {
                text.parse().ok()
            }
            fn from_i64(v: i64) -> Option<Self> {
                Self::try_from(v).ok()
            }
            fn from_u64(v: u64) -> Option<Self> {
                Self::try_from(v).ok()
            }
        }
    )*};
}

integers!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! floats {
    ($($ty:ty),*) => {$(
        impl Scalar for $ty {
            const EXPECTED: &'static str = "a number, as a number or text";
            #[inline]
    fn from_text(text: &str) -> Option<Self> {
                text.parse::<$ty>().ok().filter(|v| v.is_finite())
            }
            #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
            fn from_i64(v: i64) -> Option<Self> {
                Some(v as $ty)
            }
            #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
            fn from_u64(v: u64) -> Option<Self> {
                Some(v as $ty)
            }
            #[allow(clippy::cast_possible_truncation)]
            fn from_f64(v: f64) -> Option<Self> {
                Some(v as $ty).filter(|v| v.is_finite())
            }
        }
    )*};
}

floats!(f32, f64);

impl Scalar for Decimal {
    const EXPECTED: &'static str = "a decimal number, as text or a number";
    #[inline]
    fn from_text(text: &str) -> Option<Self> {
        Decimal::from_str(text)
            .or_else(|_| Decimal::from_scientific(text))
            .ok()
    }
    fn from_i64(v: i64) -> Option<Self> {
        Some(Decimal::from(v))
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(Decimal::from(v))
    }
    fn from_f64(v: f64) -> Option<Self> {
        // The shortest text that reads back as the same f64 (how `Display` writes a float):
        // what the sender most likely wrote.
        v.is_finite()
            .then(|| Self::from_text(&v.to_string()))
            .flatten()
    }
}

impl Scalar for PhoneNumber {
    const EXPECTED: &'static str = "a phone number or address";
    #[inline]
    fn from_text(text: &str) -> Option<Self> {
        PhoneNumber::new(text).ok()
    }
}

impl Scalar for OffsetDateTime {
    const EXPECTED: &'static str = "a date-time in RFC 2822 or ISO 8601 (RFC 3339)";
    #[inline]
    fn from_text(text: &str) -> Option<Self> {
        parse_date_time(text)
    }
}

impl Scalar for time::Date {
    const EXPECTED: &'static str = "a date, YYYY-MM-DD";
    #[inline]
    fn from_text(text: &str) -> Option<Self> {
        time::Date::parse(text, DAY).ok()
    }
}

const DAY: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

/// A date-time in any of the forms Twilio sends: RFC 2822 (`Wed, 18 Dec 2019 20:02:01 +0000`,
/// Api v2010), RFC 3339 / ISO 8601 with or without fractions of a second
/// (`2019-12-18T20:02:01.123Z`, newer products and real callback traffic), a space instead of
/// the `T`, and ISO 8601 without an offset (taken as UTC).
pub fn parse_date_time(text: &str) -> Option<OffsetDateTime> {
    let t = text.trim_ascii();
    if t.as_bytes().get(4) != Some(&b'-') {
        return OffsetDateTime::parse(t, &Rfc2822).ok();
    }
    let spaced;
    let t = if t.as_bytes().get(10) == Some(&b' ') {
        spaced = format!("{}T{}", &t[..10], &t[11..]);
        spaced.as_str()
    } else {
        t
    };
    OffsetDateTime::parse(t, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(t, &Iso8601::DEFAULT))
        .ok()
        .or_else(|| {
            PrimitiveDateTime::parse(t, &Iso8601::DEFAULT)
                .ok()
                .map(PrimitiveDateTime::assume_utc)
        })
}

fn write_date_time<S: Serializer>(
    v: &OffsetDateTime,
    s: S,
    dates: DateFormat,
) -> Result<S::Ok, S::Error> {
    let text = match dates {
        DateFormat::Rfc2822 => v.format(&Rfc2822),
        DateFormat::Rfc3339 => v.format(&Rfc3339),
    }
    .map_err(serde::ser::Error::custom)?;
    s.serialize_str(&text)
}

/// Any JSON value fits; `null` is absent.
impl ResponseField for Value {
    fn read<'de, D: Deserializer<'de>>(
        d: D,
        _: &mut FieldContext<'_>,
    ) -> Result<Option<Self>, D::Error> {
        Ok(Some(Value::deserialize(d)?).filter(|v| !v.is_null()))
    }

    fn write<S: Serializer>(&self, s: S, _: DateFormat) -> Result<S::Ok, S::Error> {
        self.serialize(s)
    }

    fn shape(_: usize) -> Shape {
        Shape::Any
    }

    fn example(_: usize) -> Value {
        serde_json::json!({"any": ["json", 1]})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Unreadable;
    use time::macros::datetime;

    /// Reads `json` as a `T` field; returns the value and what was kept.
    fn read<T: ResponseField>(json: &str) -> (Option<T>, Unreadable) {
        let mut kept = Unreadable::default();
        let mut field = FieldContext::new("Test", "f", &mut kept);
        let mut de = serde_json::Deserializer::from_str(json);
        let value = T::read(&mut de, &mut field).expect("well-formed JSON");
        (value, kept)
    }

    fn fits<T: ResponseField + PartialEq + std::fmt::Debug>(json: &str, expected: T) {
        let (value, kept) = read::<T>(json);
        assert_eq!(value, Some(expected), "{json}");
        assert!(kept.is_empty(), "{json}: {kept:?}");
    }

    fn absent<T: ResponseField + std::fmt::Debug>(json: &str) {
        let (value, kept) = read::<T>(json);
        assert!(
            value.is_none() && kept.is_empty(),
            "{json}: {value:?} {kept:?}"
        );
    }

    fn misfits<T: ResponseField + std::fmt::Debug>(json: &str) {
        let (value, kept) = read::<T>(json);
        assert!(value.is_none(), "{json} read as {value:?}");
        let raw: Value = serde_json::from_str(json).expect("json");
        assert_eq!(kept.get("f"), Some(&raw), "{json}");
    }

    #[test]
    fn text_is_kept_verbatim_and_other_shapes_do_not_fit() {
        fits(r#""  a b ""#, "  a b ".to_owned());
        fits(r#""""#, String::new());
        fits(r#""caf\u00e9""#, "café".to_owned());
        absent::<String>("null");
        for odd in ["12", "1.5", "true", "[\"a\"]", r#"{"a":1}"#] {
            misfits::<String>(odd);
        }
    }

    #[test]
    fn numbers_from_numbers_and_text() {
        fits("42", 42i64);
        fits(r#"" 42 ""#, 42u32);
        fits("-7", -7i32);
        absent::<u32>(r#""""#);
        for odd in [
            "-1",
            "4294967296",
            "1.5",
            r#""64012a""#,
            r#""64.012""#,
            "true",
            "[1]",
        ] {
            misfits::<u32>(odd);
        }
        fits(r#""-0.03000""#, Decimal::new(-3000, 5));
        fits("1.5", Decimal::new(15, 1));
        fits("0.1", Decimal::new(1, 1));
        fits(r#""1e3""#, Decimal::from(1000));
        fits("7", Decimal::from(7));
        for odd in [r#""lots""#, r#""$19.99""#, r#""19,99""#, r#""NaN""#, "{}"] {
            misfits::<Decimal>(odd);
        }
        fits(r#""2.5""#, 2.5f64);
        misfits::<f64>(r#""inf""#);
    }

    #[test]
    fn booleans_from_booleans_and_text() {
        fits("true", true);
        fits(r#""False""#, false);
        fits(r#""1""#, true);
        for odd in [r#""maybe""#, "1", r#""yes""#, "[true]"] {
            misfits::<bool>(odd);
        }
    }

    #[test]
    fn date_times_in_every_form_twilio_sends() {
        let at = datetime!(2019-12-18 20:02:01 UTC);
        fits(r#""Wed, 18 Dec 2019 20:02:01 +0000""#, at);
        fits(r#""2019-12-18T20:02:01Z""#, at);
        fits(r#""2019-12-18T21:02:01+01:00""#, at);
        fits(r#""2019-12-18 20:02:01Z""#, at);
        fits(r#""2019-12-18T20:02:01""#, at);
        fits(
            r#""2026-12-01T10:00:00.123Z""#,
            datetime!(2026-12-01 10:00:00.123 UTC),
        );
        absent::<OffsetDateTime>(r#"" ""#);
        for odd in [
            r#""yesterday""#,
            r#""2019-12-18""#,
            r#""2019-13-45T00:00:00Z""#,
            "1576699321",
            r#""Wed, 32 Dec 2019 20:02:01 +0000""#,
            r#"{"date":"2019-12-18"}"#,
        ] {
            misfits::<OffsetDateTime>(odd);
        }
        fits(r#""2019-12-18""#, time::macros::date!(2019 - 12 - 18));
        misfits::<time::Date>(r#""2019-12-18T20:02:01Z""#);
    }

    #[test]
    fn dates_write_in_the_models_format() {
        let at = datetime!(2019-12-18 20:02:01.5 UTC);
        let rfc2822 = serde_json::to_value(super::super::field::Out(&at, DateFormat::Rfc2822));
        assert_eq!(
            rfc2822.expect("writes"),
            Value::from("Wed, 18 Dec 2019 20:02:01 +0000")
        );
        let rfc3339 = serde_json::to_value(super::super::field::Out(&at, DateFormat::Rfc3339));
        assert_eq!(
            rfc3339.expect("writes"),
            Value::from("2019-12-18T20:02:01.5Z")
        );
    }

    #[test]
    fn any_value_fits_a_json_field() {
        fits(r#"{"a":[1]}"#, serde_json::json!({"a": [1]}));
        absent::<Value>("null");
    }

    #[test]
    fn a_broken_body_is_still_an_error() {
        let mut kept = Unreadable::default();
        let mut field = FieldContext::new("Test", "f", &mut kept);
        let mut de = serde_json::Deserializer::from_str(r#"{"a": tru"#);
        assert!(String::read(&mut de, &mut field).is_err());
    }
}
