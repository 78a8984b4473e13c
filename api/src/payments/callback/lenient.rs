//! Lenient field decoding for callbacks, whose real traffic differs from the docs: blank
//! means absent, several date formats, `Required` in two spellings.

use std::borrow::Cow;
use std::fmt::Display;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serializer};
use time::format_description::well_known::{Iso8601, Rfc2822, Rfc3339};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::payments::Capture;

/// The trimmed text of a field, `None` when absent or blank.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    let raw: Option<Cow<'de, str>> = Option::deserialize(d)?;
    Ok(raw.and_then(|t| {
        let trimmed = t.trim();
        if trimmed.is_empty() {
            None
        } else if trimmed.len() == t.len() {
            Some(t)
        } else {
            Some(Cow::Owned(trimmed.to_owned()))
        }
    }))
}

/// Any `FromStr` value; blank is `None`.
pub(super) fn parsed<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    text(d)?
        .map(|t| t.parse().map_err(serde::de::Error::custom))
        .transpose()
}

/// `true`/`false` in any case, or `1`/`0`; blank is `None`.
pub(super) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    text(d)?
        .map(|t| match t.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(serde::de::Error::custom(format!("not a boolean: {t:?}"))),
        })
        .transpose()
}

/// A date in RFC 2822 (the docs), RFC 3339 / ISO 8601 with or without milliseconds (real
/// traffic), or ISO 8601 without an offset (taken as UTC); blank is `None`.
pub(super) fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
    text(d)?
        .map(|t| {
            parse_date(&t).ok_or_else(|| {
                serde::de::Error::custom(format!("not an RFC 2822 or ISO 8601 date: {t:?}"))
            })
        })
        .transpose()
}

fn parse_date(t: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(t, &Rfc2822)
        .or_else(|_| OffsetDateTime::parse(t, &Rfc3339))
        .or_else(|_| OffsetDateTime::parse(t, &Iso8601::DEFAULT))
        .ok()
        .or_else(|| {
            PrimitiveDateTime::parse(t, &Iso8601::DEFAULT)
                .ok()
                .map(PrimitiveDateTime::assume_utc)
        })
}

/// Serializes a date as RFC 2822, the documented callback format.
pub(super) fn serialize_date<S: Serializer>(
    v: &Option<OffsetDateTime>,
    s: S,
) -> Result<S::Ok, S::Error> {
    runtime::date::rfc2822_option::serialize(v, s)
}

/// `Required`: a comma list of kebab-case (`payment-card-number`) or PascalCase
/// (`PaymentCardNumber`) names; unknown names are kept, blank entries skipped.
pub(super) fn required<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Capture>, D::Error> {
    Ok(text(d)?
        .map(|t| {
            t.split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(capture_from_any_case)
                .collect()
        })
        .unwrap_or_default())
}

/// Serializes `Required` as a comma list of wire (kebab-case) names.
pub(super) fn serialize_required<S: Serializer>(v: &[Capture], s: S) -> Result<S::Ok, S::Error> {
    let names: Vec<&str> = v.iter().map(Capture::as_str).collect();
    s.serialize_str(&names.join(","))
}

fn capture_from_any_case(name: &str) -> Capture {
    let known = Capture::from_wire(name);
    if known.is_known() {
        return known;
    }
    let mut kebab = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            kebab.push('-');
        }
        kebab.push(if c == '_' {
            '-'
        } else {
            c.to_ascii_lowercase()
        });
    }
    match Capture::from_wire(&kebab) {
        Capture::Other(_) => Capture::Other(name.to_owned()),
        found => found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_spellings_of_required_names() {
        assert_eq!(
            capture_from_any_case("ExpirationDate"),
            Capture::ExpirationDate
        );
        assert_eq!(
            capture_from_any_case("payment-card-number"),
            Capture::PaymentCardNumber
        );
        assert_eq!(capture_from_any_case("postal_code"), Capture::PostalCode);
        assert_eq!(
            capture_from_any_case("FavouriteColour"),
            Capture::Other("FavouriteColour".into())
        );
    }

    #[test]
    fn reads_the_date_formats_seen() {
        let expected = time::macros::datetime!(2019-12-18 20:02:01 UTC);
        assert_eq!(
            parse_date("Wed, 18 Dec 2019 20:02:01 +0000"),
            Some(expected)
        );
        assert_eq!(parse_date("2019-12-18T20:02:01Z"), Some(expected));
        let with_ms = parse_date("2019-12-18T20:02:01.123Z").expect("ms");
        assert_eq!(with_ms.millisecond(), 123);
        assert_eq!(parse_date("2019-12-18T21:02:01.000+01:00"), Some(expected));
        assert_eq!(parse_date("2019-12-18T20:02:01"), Some(expected));
        assert_eq!(parse_date("yesterday"), None);
    }
}
