//! Phone-number parameters: an E.164 number, or a Client or SIP address where Twilio takes one.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::param::{Kind, ParamError, ParamType, Scalar};

/// A phone number (`+14155550100`), or a `client:` / `sip:` address for the parameters that
/// accept one. Checked only for what is never valid (empty, control characters); Twilio
/// judges the rest.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Validates a number or address.
    pub fn new(value: impl Into<String>) -> Result<Self, ParamError> {
        let value = value.into();
        if value.trim().is_empty() {
            return Err(ParamError::new("must not be empty"));
        }
        if value.chars().any(char::is_control) {
            return Err(ParamError::new("must not contain control characters"));
        }
        Ok(Self(value))
    }

    /// The number or address as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for PhoneNumber {
    type Error = ParamError;
    fn try_from(s: &str) -> Result<Self, ParamError> {
        Self::new(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = ParamError;
    fn try_from(s: String) -> Result<Self, ParamError> {
        Self::new(s)
    }
}

impl TryFrom<&String> for PhoneNumber {
    type Error = ParamError;
    fn try_from(s: &String) -> Result<Self, ParamError> {
        Self::new(s.as_str())
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl ParamType for PhoneNumber {
    const KIND: Kind = Kind::scalar(Scalar::PhoneNumber);
}
