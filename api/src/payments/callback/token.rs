//! The token a tokenization session returns. Whoever holds it can charge the card again, so it
//! is treated like a secret: `Debug` never shows it, and reading it takes a deliberate call.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use runtime::response::{read_text, DateFormat, FieldContext, ResponseField};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A reusable payment token (the `PaymentToken` callback field). [`expose`](Self::expose) gives
/// the value to store with the payment connector's customer; `Debug` prints `[redacted]`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PaymentToken(String);

impl PaymentToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself: store it, never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PaymentToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PaymentToken([redacted])")
    }
}

/// Any text fits.
impl ResponseField for PaymentToken {
    fn read<'de, D: Deserializer<'de>>(
        d: D,
        field: &mut FieldContext<'_>,
    ) -> Result<Option<Self>, D::Error> {
        read_text(d, field, "a token", |t| Some(Self::new(t)))
    }

    fn write<S: Serializer>(&self, s: S, _: DateFormat) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl FromStr for PaymentToken {
    type Err = Infallible;
    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(Self::new(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let t = PaymentToken::new("tok_live_secret");
        assert_eq!(format!("{t:?}"), "PaymentToken([redacted])");
        assert_eq!(
            format!("{:?}", Some(t.clone())),
            "Some(PaymentToken([redacted]))"
        );
        assert_eq!(t.expose(), "tok_live_secret");
    }
}
