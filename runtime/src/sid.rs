//! Typed Twilio SIDs: two upper-case letters naming the resource kind, then 32 hex digits.
//!
//! Each kind is its own type, so a call SID cannot be passed where a payment SID belongs. A SID
//! is stored inline (34 bytes, `Copy`): building a request never allocates for one.

use std::fmt;

use serde::{Deserializer, Serializer};

use crate::param::ParamError;

/// Why a string is not a SID of the expected kind. The message says what the value should look
/// like and what it was: `must be a call SID: CA followed by 32 hex digits; got "CA123" (5
/// characters)`; a refused parameter puts its name in front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SidError {
    /// The string is not 34 characters long.
    Length {
        /// The SID type's name, e.g. `CallSid`.
        kind: &'static str,
        /// The expected two-letter prefix.
        prefix: &'static str,
        /// The length that was given.
        len: usize,
        /// The value as given, when it is safe to show: whole when short, never a 32-character
        /// value (the length of an auth token or API secret) nor a long one.
        value: Option<String>,
    },
    /// The first two letters name another kind of resource.
    Prefix {
        /// The SID type's name.
        kind: &'static str,
        /// The expected two-letter prefix.
        prefix: &'static str,
        /// The two characters that were found.
        found: String,
        /// The value as given, when it is safe to show.
        value: Option<String>,
    },
    /// A character after the prefix is not a hex digit.
    Digit {
        /// The SID type's name.
        kind: &'static str,
        /// The expected two-letter prefix.
        prefix: &'static str,
        /// The offending character.
        found: char,
        /// Its position in the string, from 1.
        position: usize,
        /// The value as given, when it is safe to show.
        value: Option<String>,
    },
}

impl SidError {
    /// The value as it may appear in a message: whole when short, but never a 32-character
    /// value (the length of an auth token or API secret, the likeliest thing to land in a SID's
    /// place by mistake) nor a long one.
    fn shown(s: &str) -> Option<String> {
        (s.chars().count() <= 40 && s.len() != 32).then(|| s.to_owned())
    }
}

/// `CallSid` → `call`, `ApiKeySid` → `API key`, `IpAccessControlListSid` → `IP access control
/// list`: the words a person uses for the kind.
fn kind_words(kind: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for c in kind.trim_end_matches("Sid").chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(String::new());
        }
        if let Some(word) = words.last_mut() {
            word.push(c.to_ascii_lowercase());
        }
    }
    for word in &mut words {
        if matches!(word.as_str(), "api" | "ip" | "sip" | "byoc") {
            *word = word.to_ascii_uppercase();
        }
    }
    words.join(" ")
}

impl fmt::Display for SidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, prefix, value) = match self {
            SidError::Length {
                kind,
                prefix,
                value,
                ..
            }
            | SidError::Prefix {
                kind,
                prefix,
                value,
                ..
            }
            | SidError::Digit {
                kind,
                prefix,
                value,
                ..
            } => (*kind, *prefix, value),
        };
        let words = kind_words(kind);
        let article = if words.starts_with(['a', 'e', 'i', 'o', 'A', 'E', 'I', 'O']) {
            "an"
        } else {
            "a"
        };
        // A kind with more than one prefix (a message: SM or MM) names them all.
        let all = prefixes(prefix);
        let accepted = if all.len() > 1 {
            all.join(" or ")
        } else {
            prefix.to_owned()
        };
        write!(
            f,
            "must be {article} {words} SID: {accepted} followed by 32 hex digits; got "
        )?;
        match value {
            Some(v) => write!(f, "{v:?}")?,
            None => f.write_str("a value not shown here")?,
        }
        match self {
            SidError::Length { len, .. } => write!(f, " ({len} characters)"),
            SidError::Prefix { found, .. } if prefix == "AC" && found == "SK" => f.write_str(
                " (that is an API key SID: with API-key auth the account SID AC… is still needed)",
            ),
            SidError::Prefix { found, .. } => write!(f, " (it starts with {found:?})"),
            SidError::Digit {
                found, position, ..
            } => write!(f, " ({found:?} at position {position} is not a hex digit)"),
        }
    }
}

impl std::error::Error for SidError {}

impl From<SidError> for ParamError {
    fn from(err: SidError) -> Self {
        ParamError::new(err.to_string())
    }
}

/// Checks `s` against `prefix` (or one of `also`) and returns the SID's bytes.
fn parse_sid(
    s: &str,
    kind: &'static str,
    prefix: &'static str,
    also: &[&str],
) -> Result<[u8; 34], SidError> {
    let value = || SidError::shown(s);
    if s.len() != 34 {
        return Err(SidError::Length {
            kind,
            prefix,
            len: s.chars().count(),
            value: value(),
        });
    }
    let bytes = s.as_bytes();
    if &bytes[..2] != prefix.as_bytes() && !also.iter().any(|p| &bytes[..2] == p.as_bytes()) {
        return Err(SidError::Prefix {
            kind,
            prefix,
            found: s.chars().take(2).collect(),
            value: value(),
        });
    }
    if let Some(at) = bytes[2..].iter().position(|b| !b.is_ascii_hexdigit()) {
        // Every byte before it is ASCII, so it starts a character (perhaps a multi-byte one).
        let index = 2 + at;
        return Err(SidError::Digit {
            kind,
            prefix,
            found: s
                .get(index..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or(char::REPLACEMENT_CHARACTER),
            position: index + 1,
            value: value(),
        });
    }
    let mut out = [0u8; 34];
    out.copy_from_slice(bytes);
    Ok(out)
}

/// Defines SID types; each gets parsing, `Display`, serde and the traits request fields need.
macro_rules! sid_types {
    (prefixes $table:ident; $($(#[$meta:meta])* $name:ident = $prefix:literal $(| $also:literal)*;)*) => {
        /// Every prefix of each kind defined here, the kind's own first (see [`prefixes`]).
        pub(crate) const $table: &[&[&str]] = &[$(&[$prefix $(, $also)*]),*];
        sid_types!($($(#[$meta])* $name = $prefix $(| $also)*;)*);
    };
    ($($(#[$meta:meta])* $name:ident = $prefix:literal $(| $also:literal)*;)*) => {$(
        $(#[$meta])*
        ///
        #[doc = concat!("Parses from `\"", $prefix, "\"`", $(" or `\"", $also, "\"`",)* " followed by 32 hex digits; displays and serializes as that string.")]
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

        $crate::request::text_conversions!($name, SidError, $name::new, as_str);

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.as_str())
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

        impl $crate::response::ResponseField for $name {
            fn read<'de, D: Deserializer<'de>>(
                d: D,
                field: &mut $crate::response::FieldContext<'_>,
            ) -> Result<Option<Self>, D::Error> {
                $crate::response::read_text(d, field, concat!("a ", $prefix, "… SID"), |t| Self::new(t).ok())
            }

            fn write<S: Serializer>(&self, s: S, _: $crate::response::DateFormat) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }

            fn example(_: usize) -> serde_json::Value {
                serde_json::Value::from(concat!($prefix, "0123456789abcdef0123456789abcdef"))
            }
        }

        impl $crate::param::ParamType for $name {
            const KIND: $crate::param::Kind = $crate::param::Kind::scalar($crate::param::Scalar::Sid($prefix));
        }

        impl $crate::request::path::PathSegment for $name {
            fn segment(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
        }
    )*};
}

sid_types! {
    prefixes CORE_PREFIXES;
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

// Every other product's SID kinds, generated from the specs by `cargo xtask codegen`.
mod kinds;

/// Every prefix the kind of SID named by `prefix` accepts, `prefix` first: `SM` gives `SM` and
/// `MM` (a message, SMS or MMS); most kinds have one. A registry entry names a SID parameter by
/// its kind's first prefix ([`Scalar::Sid`](crate::param::Scalar::Sid)), so tools that check a
/// value before a declaration does (a form's pattern, say) read the others here. Empty for a
/// prefix no kind has.
pub fn prefixes(prefix: &str) -> &'static [&'static str] {
    CORE_PREFIXES
        .iter()
        .chain(kinds::PRODUCT_PREFIXES)
        .find(|kind| kind.first() == Some(&prefix))
        .copied()
        .unwrap_or(&[])
}

pub use kinds::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_names_the_prefixes_it_accepts() {
        assert_eq!(prefixes("SM"), ["SM", "MM"]);
        assert_eq!(prefixes(MessageSid::PREFIX), ["SM", "MM"]);
        assert_eq!(prefixes("CA"), ["CA"]);
        // A generated kind, from the products' specs.
        assert_eq!(prefixes(MonitorEventSid::PREFIX), ["AE"]);
        // `MM` is accepted by the message kind, not a kind of its own.
        assert!(prefixes("MM").is_empty());
        assert!(prefixes("ZZ").is_empty());
        assert!(MessageSid::new("MM0123456789abcdef0123456789abcdef").is_ok());
        let refused = MessageSid::new("MX0123456789abcdef0123456789abcdef").expect_err("MX");
        assert!(
            refused
                .to_string()
                .contains(": SM or MM followed by 32 hex digits"),
            "{refused}"
        );
        let refused = CallSid::new("MX0123456789abcdef0123456789abcdef").expect_err("MX");
        assert!(
            refused
                .to_string()
                .contains(": CA followed by 32 hex digits"),
            "{refused}"
        );
    }

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
                position: 34,
                ..
            })
        ));
        // Multi-byte input of the right byte length must not panic on slicing.
        assert!(CallSid::new("CAé234567890123456789012345678901").is_err());
    }

    #[test]
    fn messages_say_what_a_sid_looks_like_in_plain_words() {
        let msg = |r: Result<CallSid, SidError>| r.expect_err("refused").to_string();
        assert_eq!(
            msg(CallSid::new("CA123")),
            r#"must be a call SID: CA followed by 32 hex digits; got "CA123" (5 characters)"#
        );
        assert_eq!(
            AccountSid::new("").expect_err("empty").to_string(),
            r#"must be an account SID: AC followed by 32 hex digits; got "" (0 characters)"#
        );
        assert!(ApiKeySid::new("x")
            .expect_err("short")
            .to_string()
            .starts_with("must be an API key SID: SK followed"));
        assert!(msg(CallSid::new("PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
            .ends_with(r#"(it starts with "PK")"#));
        assert!(msg(CallSid::new("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaz"))
            .ends_with(r#"('z' at position 34 is not a hex digit)"#));
        assert_eq!(
            kind_words("IpAccessControlListSid"),
            "IP access control list"
        );
        // A value the length of an auth token is never repeated back.
        let token = "0123456789abcdef0123456789abcdef";
        let shown = AccountSid::new(token).expect_err("a token").to_string();
        assert!(!shown.contains(token), "{shown}");
        assert!(shown.contains("not shown"), "{shown}");
    }

    #[test]
    fn api_key_in_account_slot_says_so() {
        let err =
            AccountSid::new("SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").expect_err("not an account");
        assert!(err.to_string().contains("API key"), "{err}");
    }
}
