//! Typed Twilio SIDs: two upper-case letters naming the resource kind, then 32 hex digits.
//!
//! Each kind is its own type, so a call SID cannot be passed where a payment SID belongs. A SID
//! is stored inline (34 bytes, `Copy`): building a request never allocates for one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not a SID of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SidError {
    /// The string is not 34 characters long.
    #[error("a {kind} SID is 34 characters ({prefix} + 32 hex digits), got {len}")]
    Length {
        /// The SID type's name, e.g. `CallSid`.
        kind: &'static str,
        /// The expected two-letter prefix.
        prefix: &'static str,
        /// The length that was given.
        len: usize,
    },
    /// The first two letters name another kind of resource.
    #[error("a {kind} SID starts with {prefix}, got {found:?}{hint}")]
    Prefix {
        /// The SID type's name.
        kind: &'static str,
        /// The expected two-letter prefix.
        prefix: &'static str,
        /// The two characters that were found.
        found: String,
        /// An extra sentence for common mix-ups (an API key where an account SID belongs).
        hint: &'static str,
    },
    /// A character after the prefix is not a hex digit.
    #[error("a {kind} SID ends in 32 hex digits; found {found:?} at position {position}")]
    Digit {
        /// The SID type's name.
        kind: &'static str,
        /// The offending character.
        found: char,
        /// Its position in the string.
        position: usize,
    },
}

/// Checks `s` against `prefix` and returns the SID's bytes.
fn parse_sid(
    s: &str,
    kind: &'static str,
    prefix: &'static str,
    also: &[&str],
) -> Result<[u8; 34], SidError> {
    if s.len() != 34 {
        return Err(SidError::Length {
            kind,
            prefix,
            len: s.len(),
        });
    }
    let bytes = s.as_bytes();
    if &bytes[..2] != prefix.as_bytes() && !also.iter().any(|p| &bytes[..2] == p.as_bytes()) {
        let hint = if prefix == "AC" && bytes.starts_with(b"SK") {
            " (that is an API key SID: with API-key auth the account SID `AC…` is still needed for the URL)"
        } else {
            ""
        };
        return Err(SidError::Prefix {
            kind,
            prefix,
            found: s.chars().take(2).collect(),
            hint,
        });
    }
    if let Some(at) = bytes[2..].iter().position(|b| !b.is_ascii_hexdigit()) {
        // Every byte before it is ASCII, so it starts a character (perhaps a multi-byte one).
        let position = 2 + at;
        return Err(SidError::Digit {
            kind,
            found: s
                .get(position..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or(char::REPLACEMENT_CHARACTER),
            position,
        });
    }
    let mut out = [0u8; 34];
    out.copy_from_slice(bytes);
    Ok(out)
}

/// Reads a SID from any string the deserializer has, borrowed or not, without copying it into
/// a `String` first (serde's `Cow<str>` always allocates); every decoded answer carries several.
struct SidVisitor<T>(fn(&str) -> Result<T, SidError>);

impl<T> serde::de::Visitor<'_> for SidVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a SID string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        (self.0)(v).map_err(E::custom)
    }
}

/// Defines SID types; each gets parsing, `Display`, serde and the traits request fields need.
macro_rules! sid_types {
    ($($(#[$meta:meta])* $name:ident = $prefix:literal $(| $also:literal)*;)*) => {$(
        $(#[$meta])*
        ///
        #[doc = concat!("Parses from `\"", $prefix, "\"` followed by 32 hex digits; displays and serializes as that string.")]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; 34]);

        impl $name {
            /// The two-letter prefix of this kind of SID.
            pub const PREFIX: &'static str = $prefix;

            /// Parses and validates a SID.
            pub fn new(s: &str) -> Result<Self, SidError> {
                parse_sid(s, stringify!($name), $prefix, &[$($also),*]).map(Self)
            }

            /// The SID as a string slice.
            pub fn as_str(&self) -> &str {
                // Proof of invariant: the bytes were copied from a `&str` of ASCII characters.
                std::str::from_utf8(&self.0).unwrap_or_default()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = SidError;
            fn from_str(s: &str) -> Result<Self, SidError> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = SidError;
            fn try_from(s: &str) -> Result<Self, SidError> {
                Self::new(s)
            }
        }

        impl TryFrom<&String> for $name {
            type Error = SidError;
            fn try_from(s: &String) -> Result<Self, SidError> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = SidError;
            fn try_from(s: String) -> Result<Self, SidError> {
                Self::new(&s)
            }
        }

        impl From<&$name> for $name {
            fn from(sid: &$name) -> Self {
                *sid
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(SidVisitor(Self::new))
            }
        }

        impl $crate::param::ParamType for $name {
            const KIND: $crate::param::Kind = $crate::param::Kind::scalar($crate::param::Scalar::Sid($prefix));
        }

        impl $crate::path::PathSegment for $name {
            fn segment(&self) -> &str {
                self.as_str()
            }
        }
    )*};
}

sid_types! {
    /// An account (`AC…`): the owner of every other resource, and the account part of each path.
    AccountSid = "AC";
    /// A call (`CA…`).
    CallSid = "CA";
    /// An Agent Assisted Payments session (`PK…`).
    PaymentSid = "PK";
    /// An API key (`SK…`), used with its secret in place of the auth token.
    ApiKeySid = "SK";
    /// A TwiML application (`AP…`).
    ApplicationSid = "AP";
    /// A conference (`CF…`).
    ConferenceSid = "CF";
    /// A recording (`RE…`).
    RecordingSid = "RE";
    /// A queue (`QU…`).
    QueueSid = "QU";
    /// An incoming phone number (`PN…`).
    PhoneNumberSid = "PN";
    /// A message: `SM…` (SMS) or `MM…` (MMS).
    MessageSid = "SM" | "MM";
    /// An address (`AD…`).
    AddressSid = "AD";
    /// A SIP IP access control list (`AL…`).
    IpAccessControlListSid = "AL";
    /// A regulatory bundle (`BU…`).
    BundleSid = "BU";
    /// A BYOC trunk (`BY…`).
    ByocTrunkSid = "BY";
    /// A SIP credential list (`CL…`).
    CredentialListSid = "CL";
    /// A Connect App (`CN…`).
    ConnectAppSid = "CN";
    /// A SIP credential (`CR…`).
    CredentialSid = "CR";
    /// A Content API template (`HX…`).
    ContentSid = "HX";
    /// A SIP IP address entry (`IP…`).
    IpAddressSid = "IP";
    /// A media item of an MMS (`ME…`).
    MediaSid = "ME";
    /// A Messaging Service (`MG…`).
    MessagingServiceSid = "MG";
    /// A notification (debugger log entry) (`NO…`).
    NotificationSid = "NO";
    /// A regulatory end-user identity (`RI…`).
    IdentitySid = "RI";
    /// A short code (`SC…`).
    ShortCodeSid = "SC";
    /// A SIP domain (`SD…`).
    SipDomainSid = "SD";
    /// An Elastic SIP trunk (`TK…`).
    TrunkSid = "TK";
    /// A transcription (`TR…`).
    TranscriptionSid = "TR";
    /// A usage trigger (`UT…`).
    UsageTriggerSid = "UT";
    /// An installed Marketplace add-on, or its assignment to a number (`XE…`).
    AddOnSid = "XE";
    /// An extension of an assigned add-on (`XF…`).
    AddOnExtensionSid = "XF";
    /// An add-on result payload (`XH…`).
    AddOnPayloadSid = "XH";
    /// An add-on result (`XR…`).
    AddOnResultSid = "XR";
    /// A user-defined-message subscription (`ZY…`).
    UserDefinedMessageSubscriptionSid = "ZY";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays() {
        let sid: CallSid = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".parse().expect("valid");
        assert_eq!(sid.to_string(), "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        assert_eq!(
            format!("{sid:?}"),
            "CallSid(CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)"
        );
    }

    #[test]
    fn rejects_wrong_prefix_length_and_digits() {
        assert!(matches!(
            CallSid::new("PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            Err(SidError::Prefix { .. })
        ));
        assert!(matches!(
            CallSid::new("CA123"),
            Err(SidError::Length { len: 5, .. })
        ));
        assert!(matches!(
            CallSid::new("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaz"),
            Err(SidError::Digit {
                found: 'z',
                position: 33,
                ..
            })
        ));
        // Multi-byte input of the right byte length must not panic on slicing.
        assert!(CallSid::new("CAé234567890123456789012345678901").is_err());
    }

    #[test]
    fn api_key_in_account_slot_says_so() {
        let err =
            AccountSid::new("SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").expect_err("not an account");
        assert!(err.to_string().contains("API key"), "{err}");
    }
}
