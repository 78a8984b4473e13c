//! Text parameters with a check: idempotency keys, URLs and phone numbers.

use crate::param::{Kind, ParamError, ParamType, Scalar};

use super::text_conversions;

/// Refuses what is never a valid text value: empty (or blank), or holding control characters.
fn plain_text(value: &str) -> Result<(), ParamError> {
    if value.trim().is_empty() {
        return Err(ParamError::new("must not be empty"));
    }
    if value.chars().any(char::is_control) {
        return Err(ParamError::new("must not contain control characters"));
    }
    Ok(())
}

/// A token that makes a request safe to repeat: Twilio acts on the first request carrying it and
/// answers repeats without acting again. Use one fresh key per logical operation; the client
/// sends the same key on every retry of that operation.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Validates a key: not empty, not only whitespace, no control characters.
    pub fn new(key: impl Into<String>) -> Result<Self, ParamError> {
        let key = key.into();
        plain_text(&key)?;
        Ok(Self(key))
    }

    /// A fresh random key (128 random bits as hex), for callers with no natural key.
    pub fn generate() -> Self {
        Self(format!("{:032x}", fastrand::u128(..)))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_conversions!(IdempotencyKey, ParamError, IdempotencyKey::new, as_str);

impl ParamType for IdempotencyKey {
    const KIND: Kind = Kind::scalar(Scalar::String);
}

/// A phone number (`+14155550100`), or a `client:` / `sip:` address for the parameters that
/// accept one. Checked only for what is never valid (empty, control characters); Twilio
/// judges the rest.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Validates a number or address.
    pub fn new(value: impl Into<String>) -> Result<Self, ParamError> {
        let value = value.into();
        plain_text(&value)?;
        Ok(Self(value))
    }

    /// The number or address as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_conversions!(PhoneNumber, ParamError, PhoneNumber::new, as_str);

impl ParamType for PhoneNumber {
    const KIND: Kind = Kind::scalar(Scalar::PhoneNumber);
}

/// A URL parameter: an absolute `http`/`https` URL, or a relative reference (Twilio resolves it
/// against the URL of the request or TwiML that named it).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Uri(String);

impl Uri {
    /// Validates a URL or relative reference.
    pub fn new(value: impl Into<String>) -> Result<Self, ParamError> {
        let value = value.into();
        if value.is_empty() {
            return Err(ParamError::new("must be a URL, got an empty string"));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ParamError::new(format!(
                "must be a URL, got {value:?} (whitespace or control characters)"
            )));
        }
        match url::Url::parse(&value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
                Ok(Self(value))
            }
            Ok(url) => Err(ParamError::new(format!(
                "must be an http or https URL, got scheme {:?}",
                url.scheme()
            ))),
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                // A relative reference: it must resolve against some base.
                let base = url::Url::parse("https://relative.invalid/")
                    .map_err(|e| ParamError::new(e.to_string()))?;
                base.join(&value)
                    .map(|_| Self(value))
                    .map_err(|e| ParamError::new(format!("must be a URL: {e}")))
            }
            Err(e) => Err(ParamError::new(format!("must be a URL: {e}"))),
        }
    }

    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it is absolute (has a scheme and host).
    pub fn is_absolute(&self) -> bool {
        url::Url::parse(&self.0).is_ok()
    }
}

text_conversions!(Uri, ParamError, Uri::new, as_str);

impl From<url::Url> for Uri {
    fn from(url: url::Url) -> Self {
        Self(url.into())
    }
}

impl TryFrom<&url::Url> for Uri {
    type Error = ParamError;
    fn try_from(url: &url::Url) -> Result<Self, ParamError> {
        Self::new(url.as_str())
    }
}

impl ParamType for Uri {
    const KIND: Kind = Kind::scalar(Scalar::Uri);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_accepts_absolute_and_relative() {
        assert!(Uri::new("https://example.com/pay?x=1").is_ok());
        assert!(Uri::new("/pay/status").is_ok());
        assert!(Uri::new("pay/status").is_ok());
        assert!(Uri::new("").is_err());
        assert!(Uri::new("not a url").is_err());
        assert!(Uri::new("ftp://example.com/x").is_err());
        assert!(Uri::new("https://").is_err());
    }

    #[test]
    fn idempotency_key_rejects_blank() {
        assert!(IdempotencyKey::new("").is_err());
        assert!(IdempotencyKey::new("   ").is_err());
        assert!(IdempotencyKey::new("order-1/start").is_ok());
        assert_ne!(IdempotencyKey::generate(), IdempotencyKey::generate());
    }

    #[test]
    fn text_values_read_from_the_wire_are_checked() {
        let key: IdempotencyKey = serde_json::from_str("\"k-1\"").expect("valid");
        assert_eq!(key.to_string(), "k-1");
        assert!(serde_json::from_str::<PhoneNumber>("\"\"").is_err());
        assert!(serde_json::from_str::<Uri>("\"ftp://x\"").is_err());
        assert_eq!(
            serde_json::to_string(&Uri::new("/a").expect("uri")).expect("json"),
            "\"/a\""
        );
    }
}
