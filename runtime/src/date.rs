//! Serde helpers for Twilio's dates: RFC 2822 in v2010 response bodies
//! (`Wed, 18 Dec 2019 20:02:01 +0000`).

/// `Option<OffsetDateTime>` fields in RFC 2822; `null`, absent and `""` all mean `None`.
pub mod rfc2822_option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::format_description::well_known::Rfc2822;
    use time::OffsetDateTime;

    /// Serializes as RFC 2822, or `null`.
    pub fn serialize<S: Serializer>(v: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(dt) => {
                let text = dt.format(&Rfc2822).map_err(serde::ser::Error::custom)?;
                s.serialize_str(&text)
            }
            None => s.serialize_none(),
        }
    }

    /// Deserializes RFC 2822; `null` and `""` give `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        let text: Option<std::borrow::Cow<'de, str>> = Option::deserialize(d)?;
        match text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => OffsetDateTime::parse(t, &Rfc2822).map(Some).map_err(|e| {
                serde::de::Error::custom(format!("not an RFC 2822 date ({e}): {t:?}"))
            }),
        }
    }
}
