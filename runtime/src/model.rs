//! Serde helpers for response models: lenient readers for values Twilio sends in more than one
//! shape.

/// `Option<Decimal>` fields that arrive as a JSON string (`"-0.03000"`) or number; `null`,
/// absent and `""` mean `None`.
pub mod decimal_option {
    use std::str::FromStr;

    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes as a string, or `null`.
    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    /// Reads a string or a number.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let value = Option::<serde_json::Value>::deserialize(d)?;
        let text = match value {
            None | Some(serde_json::Value::Null) => return Ok(None),
            Some(serde_json::Value::String(s)) => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(other) => {
                return Err(serde::de::Error::custom(format!(
                    "expected a decimal, got {other}"
                )))
            }
        };
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        Decimal::from_str(t)
            .or_else(|_| Decimal::from_scientific(t))
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("not a decimal ({e}): {t:?}")))
    }
}

/// `Option<time::Date>` fields sent as `YYYY-MM-DD`; `null`, absent and `""` mean `None`.
pub mod date_option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::macros::format_description;
    use time::Date;

    const DAY: &[time::format_description::FormatItem<'static>] =
        format_description!("[year]-[month]-[day]");

    /// Serializes as `YYYY-MM-DD`, or `null`.
    pub fn serialize<S: Serializer>(v: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&d.format(DAY).map_err(serde::ser::Error::custom)?),
            None => s.serialize_none(),
        }
    }

    /// Reads `YYYY-MM-DD`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let text: Option<std::borrow::Cow<'de, str>> = Option::deserialize(d)?;
        match text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => Date::parse(t, DAY)
                .map(Some)
                .map_err(|e| serde::de::Error::custom(format!("not a date ({e}): {t:?}"))),
        }
    }
}

/// `Option<SID>` fields: `null`, absent and `""` (how Twilio often says "none") mean `None`;
/// anything else must be a SID of the field's kind.
pub mod sid_option {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes the SID, or `null`.
    pub fn serialize<S: Serializer, T: Display>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(sid) => s.collect_str(sid),
            None => s.serialize_none(),
        }
    }

    /// Reads a SID; empty text is `None`.
    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr,
        T::Err: Display,
    {
        let text: Option<std::borrow::Cow<'de, str>> = Option::deserialize(d)?;
        match text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => t.parse().map(Some).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Priced {
        #[serde(default, with = "super::decimal_option")]
        price: Option<Decimal>,
    }

    #[derive(Deserialize)]
    struct Linked {
        #[serde(default, with = "super::sid_option")]
        call_sid: Option<crate::CallSid>,
    }

    #[test]
    fn empty_sids_are_none_and_wrong_kinds_fail() {
        let l: Linked = serde_json::from_str(r#"{"call_sid":""}"#).expect("empty");
        assert!(l.call_sid.is_none());
        let l: Linked =
            serde_json::from_str(r#"{"call_sid":"CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#)
                .expect("sid");
        assert!(l.call_sid.is_some());
        assert!(serde_json::from_str::<Linked>(
            r#"{"call_sid":"PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#
        )
        .is_err());
    }

    #[test]
    fn decimals_from_strings_numbers_and_nothing() {
        let p: Priced = serde_json::from_str(r#"{"price":"-0.03000"}"#).expect("string");
        assert_eq!(p.price, Some(Decimal::new(-3000, 5)));
        let p: Priced = serde_json::from_str(r#"{"price":1.5}"#).expect("number");
        assert_eq!(p.price, Some(Decimal::new(15, 1)));
        let p: Priced = serde_json::from_str(r#"{"price":null}"#).expect("null");
        assert_eq!(p.price, None);
        let p: Priced = serde_json::from_str(r#"{}"#).expect("absent");
        assert_eq!(p.price, None);
    }
}
