//! Dates sent in requests, in Twilio's wire formats: `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SSZ`
//! (UTC). Both wrap `time` values; `time`'s own serde forms are not Twilio's, so these types do
//! the formatting. (Dates read from responses: [`crate::date`].)

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use crate::param::{Kind, ParamError, ParamType, Scalar};

use super::text_conversions;

const DAY: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]");
const INSTANT: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// A date parameter, sent as `YYYY-MM-DD`. Build it from a [`time::Date`] or parse it from text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Date(pub time::Date);

/// A date-time parameter, sent as `YYYY-MM-DDTHH:MM:SSZ` (converted to UTC, whole seconds).
///
/// Several list filters (`StartTime>`, `DateSent<`, …) also take a bare day: build one from a
/// [`time::Date`] and it is sent as `YYYY-MM-DD`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum DateTime {
    /// A whole day, `YYYY-MM-DD`.
    Day(time::Date),
    /// An instant, `YYYY-MM-DDTHH:MM:SSZ`.
    At(OffsetDateTime),
}

fn parse_day(s: &str) -> Result<time::Date, ParamError> {
    time::Date::parse(s.trim(), DAY)
        .map_err(|_| ParamError::new(format!("expected a date YYYY-MM-DD, got {s:?}")))
}

impl Date {
    /// The date as Twilio wants it.
    pub fn to_wire(&self) -> String {
        self.0.format(DAY).unwrap_or_default()
    }
}

impl DateTime {
    /// The value as Twilio wants it.
    pub fn to_wire(&self) -> String {
        match self {
            DateTime::Day(d) => d.format(DAY).unwrap_or_default(),
            DateTime::At(t) => t
                .to_offset(UtcOffset::UTC)
                .format(INSTANT)
                .unwrap_or_default(),
        }
    }

    fn parse(s: &str) -> Result<Self, ParamError> {
        let t = s.trim();
        if t.len() == 10 {
            return parse_day(t).map(DateTime::Day);
        }
        OffsetDateTime::parse(t, &Rfc3339)
            .map(DateTime::At)
            .map_err(|_| {
                ParamError::new(format!(
                    "expected YYYY-MM-DDTHH:MM:SSZ (or a date YYYY-MM-DD), got {s:?}"
                ))
            })
    }
}

impl From<time::Date> for Date {
    fn from(d: time::Date) -> Self {
        Date(d)
    }
}

impl From<time::Date> for DateTime {
    fn from(d: time::Date) -> Self {
        DateTime::Day(d)
    }
}

impl From<OffsetDateTime> for DateTime {
    fn from(t: OffsetDateTime) -> Self {
        DateTime::At(t)
    }
}

text_conversions!(Date, ParamError, |s| parse_day(s).map(Date), to_wire);
text_conversions!(DateTime, ParamError, DateTime::parse, to_wire);

impl ParamType for Date {
    const KIND: Kind = Kind::scalar(Scalar::Date);
}

impl ParamType for DateTime {
    const KIND: Kind = Kind::scalar(Scalar::DateTime);
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn wire_formats() {
        assert_eq!(Date(date!(2024 - 03 - 09)).to_wire(), "2024-03-09");
        assert_eq!(
            DateTime::from(date!(2024 - 03 - 09)).to_wire(),
            "2024-03-09"
        );
        let t = datetime!(2024-03-09 10:11:12.5 +02:00);
        assert_eq!(DateTime::from(t).to_wire(), "2024-03-09T08:11:12Z");
        let parsed = DateTime::try_from("2024-03-09T08:11:12Z").expect("parses");
        assert_eq!(parsed.to_wire(), "2024-03-09T08:11:12Z");
        assert!(Date::try_from("09/03/2024").is_err());
        assert!(DateTime::try_from("yesterday").is_err());
    }
}
