//! Value types with Twilio's wire formats and validation built in: idempotency keys, URLs,
//! separator-joined lists and JSON-string parameters.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::formats::Separator;
use serde_with::{DeserializeAs, SerializeAs, StringWithSeparator};

use crate::inline::InlineBuf;
use crate::param::{Kind, ListStyle, ParamError, ParamType, Scalar};

/// A token that makes a request safe to repeat: Twilio acts on the first request carrying it and
/// answers repeats without acting again. Use one fresh key per logical operation; the client
/// sends the same key on every retry of that operation.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Validates a key: not empty, not only whitespace, no control characters.
    pub fn new(key: impl Into<String>) -> Result<Self, ParamError> {
        let key = key.into();
        if key.trim().is_empty() {
            return Err(ParamError::new("must not be empty"));
        }
        if key.chars().any(char::is_control) {
            return Err(ParamError::new("must not contain control characters"));
        }
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

impl TryFrom<&str> for IdempotencyKey {
    type Error = ParamError;
    fn try_from(s: &str) -> Result<Self, ParamError> {
        Self::new(s)
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = ParamError;
    fn try_from(s: String) -> Result<Self, ParamError> {
        Self::new(s)
    }
}

impl TryFrom<&String> for IdempotencyKey {
    type Error = ParamError;
    fn try_from(s: &String) -> Result<Self, ParamError> {
        Self::new(s.as_str())
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IdempotencyKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl ParamType for IdempotencyKey {
    const KIND: Kind = Kind::scalar(Scalar::String);
}

/// A URL parameter: an absolute `http`/`https` URL, or a relative reference (Twilio resolves it
/// against the URL of the request or TwiML that named it).
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(transparent)]
pub struct Uri(String);

impl Uri {
    /// Validates a URL or relative reference.
    pub fn new(value: impl Into<String>) -> Result<Self, ParamError> {
        let value = value.into();
        if value.is_empty() {
            return Err(ParamError::new("must be a URL, got an empty string"));
        }
        if plainly_absolute_http(&value) {
            return Ok(Self(value));
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

/// Whether `value` is, beyond doubt, an absolute `http`/`https` URL that `url::Url::parse`
/// accepts: the everyday shape (lower-case scheme, an ASCII host name whose last label starts
/// with a letter, an optional port, printable ASCII after), checked without allocating. Every
/// request with a callback URL goes through this; anything else (IP addresses, IDNA, user
/// info, non-ASCII) is left to the full parser, so the verdicts never differ.
fn plainly_absolute_http(value: &str) -> bool {
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return false;
    };
    let (authority, tail) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            // Punycode labels are checked by IDNA: the full parser's job.
            && !label.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
    };
    // A last label of digits (or `0x…`) makes the host an IPv4 address: the full parser's job.
    let named = host
        .rsplit('.')
        .next()
        .and_then(|last| last.bytes().next())
        .is_some_and(|b| b.is_ascii_alphabetic());
    let port_ok = port.is_none_or(|p| {
        (1..=5).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= 65_535)
    });
    named && host.split('.').all(label_ok) && port_ok && tail.bytes().all(|b| b.is_ascii_graphic())
}

impl TryFrom<&str> for Uri {
    type Error = ParamError;
    fn try_from(s: &str) -> Result<Self, ParamError> {
        Self::new(s)
    }
}

impl TryFrom<String> for Uri {
    type Error = ParamError;
    fn try_from(s: String) -> Result<Self, ParamError> {
        Self::new(s)
    }
}

impl TryFrom<&String> for Uri {
    type Error = ParamError;
    fn try_from(s: &String) -> Result<Self, ParamError> {
        Self::new(s.as_str())
    }
}

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

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Uri {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl ParamType for Uri {
    const KIND: Kind = Kind::scalar(Scalar::Uri);
}

/// A list sent as ONE value with its items joined by `Sep` (space or comma); most Twilio lists
/// are repeated keys (`Vec<T>`), but a few Pay parameters are joined strings.
pub struct Joined<T, Sep>(pub Vec<T>, PhantomData<Sep>);

/// A list sent as one space-separated value (`ValidCardTypes=visa amex`).
pub type SpaceSeparated<T> = Joined<T, Space>;
/// A list sent as one comma-separated value (`RequireMatchingInputs=a,b`).
pub type CommaSeparated<T> = Joined<T, Comma>;

/// The separator of [`SpaceSeparated`].
#[derive(Debug, Clone, Copy)]
pub struct Space;
/// The separator of [`CommaSeparated`].
#[derive(Debug, Clone, Copy)]
pub struct Comma;

impl Separator for Space {
    fn separator() -> &'static str {
        " "
    }
}
impl ConstSeparator for Space {
    const SEPARATOR: &'static str = " ";
}
impl Separator for Comma {
    fn separator() -> &'static str {
        ","
    }
}
impl ConstSeparator for Comma {
    const SEPARATOR: &'static str = ",";
}

impl<T, Sep> Joined<T, Sep> {
    /// Wraps items.
    pub fn new(items: Vec<T>) -> Self {
        Self(items, PhantomData)
    }

    /// The items.
    pub fn items(&self) -> &[T] {
        &self.0
    }
}

impl<T: Clone, Sep> Clone for Joined<T, Sep> {
    fn clone(&self) -> Self {
        Self::new(self.0.clone())
    }
}

impl<T: PartialEq, Sep> PartialEq for Joined<T, Sep> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: fmt::Debug, Sep> fmt::Debug for Joined<T, Sep> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.0).finish()
    }
}

impl<T, Sep> From<Vec<T>> for Joined<T, Sep> {
    fn from(items: Vec<T>) -> Self {
        Self::new(items)
    }
}

impl<T, Sep, const N: usize> From<[T; N]> for Joined<T, Sep> {
    fn from(items: [T; N]) -> Self {
        Self::new(items.into())
    }
}

impl<T, Sep> FromIterator<T> for Joined<T, Sep> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self::new(iter.into_iter().collect())
    }
}

impl<T: fmt::Display, Sep: Separator> Serialize for Joined<T, Sep> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Joined on the stack when short (the usual case), so encoding costs no allocation.
        let mut buf = InlineBuf::<INLINE_LIST>::new();
        let mut joined = Ok(());
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                joined = joined.and_then(|()| buf.write_str(Sep::separator()));
            }
            joined = joined.and_then(|()| write!(buf, "{item}"));
        }
        match (joined, buf.as_str()) {
            (Ok(()), Some(text)) => serializer.serialize_str(text),
            _ => StringWithSeparator::<Sep, T>::serialize_as(&self.0, serializer),
        }
    }
}

/// Joined lists up to this many bytes are built on the stack.
const INLINE_LIST: usize = 256;
/// JSON-string parameters up to this many bytes are built on the stack.
const INLINE_JSON: usize = 512;

impl<'de, T, Sep> Deserialize<'de> for Joined<T, Sep>
where
    T: std::str::FromStr,
    T::Err: fmt::Display,
    Sep: Separator,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Twilio's docs show "visa amex" but users also write "visa, amex": trim each item.
        let raw = String::deserialize(d)?;
        raw.split(Sep::separator())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<T>().map_err(serde::de::Error::custom))
            .collect::<Result<Vec<T>, _>>()
            .map(Self::new)
    }
}

impl<T: ParamType, Sep: ConstSeparator> ParamType for Joined<T, Sep> {
    const KIND: Kind = Kind {
        scalar: T::KIND.scalar,
        list: Some(ListStyle::Joined(Sep::SEPARATOR)),
    };
}

/// Separators with a compile-time value (serde_with's trait only exposes a function), so the
/// registry can tell how a joined list travels.
pub trait ConstSeparator {
    /// The separator.
    const SEPARATOR: &'static str;
}

/// A JSON object with scalar values, sent as a JSON string (the Pay `Parameter` field).
#[derive(Clone, PartialEq, Debug, Default)]
pub struct JsonObject(serde_json::Map<String, serde_json::Value>);

impl JsonObject {
    /// Validates a single-level object: every value a string, number, boolean or null.
    pub fn new(map: serde_json::Map<String, serde_json::Value>) -> Result<Self, ParamError> {
        if let Some((key, _)) = map.iter().find(|(_, v)| v.is_object() || v.is_array()) {
            return Err(ParamError::new(format!(
                "must be a single-level JSON object; {key:?} holds a nested value"
            )));
        }
        Ok(Self(map))
    }

    /// The object.
    pub fn as_map(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.0
    }
}

impl TryFrom<serde_json::Value> for JsonObject {
    type Error = ParamError;
    fn try_from(value: serde_json::Value) -> Result<Self, ParamError> {
        match value {
            serde_json::Value::Object(map) => Self::new(map),
            other => Err(ParamError::new(format!(
                "must be a JSON object, got {}",
                match other {
                    serde_json::Value::Array(_) => "an array",
                    serde_json::Value::String(_) => "a string",
                    serde_json::Value::Number(_) => "a number",
                    serde_json::Value::Bool(_) => "a boolean",
                    _ => "null",
                }
            ))),
        }
    }
}

impl TryFrom<serde_json::Map<String, serde_json::Value>> for JsonObject {
    type Error = ParamError;
    fn try_from(map: serde_json::Map<String, serde_json::Value>) -> Result<Self, ParamError> {
        Self::new(map)
    }
}

impl Serialize for JsonObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Written on the stack when short, as for joined lists; same text either way.
        let mut buf = InlineBuf::<INLINE_JSON>::new();
        if serde_json::to_writer(&mut buf, &self.0).is_ok() {
            if let Some(text) = buf.as_str() {
                return serializer.serialize_str(text);
            }
        }
        serde_with::json::JsonString::<serde_with::Same>::serialize_as(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for JsonObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map: serde_json::Map<String, serde_json::Value> =
            serde_with::json::JsonString::<serde_with::Same>::deserialize_as(d)?;
        Self::new(map).map_err(serde::de::Error::custom)
    }
}

impl ParamType for JsonObject {
    const KIND: Kind = Kind::scalar(Scalar::Json);
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The fast path accepts only what the full parser accepts as an absolute http(s) URL.
        #[test]
        fn the_fast_url_check_never_accepts_what_the_parser_refuses(
            value in "(https?|HTTP|ftp)://[a-zA-Z0-9.x-]{0,14}(:[0-9]{0,6})?([/?#][ -~]{0,24})?",
        ) {
            if plainly_absolute_http(&value) {
                let url = url::Url::parse(&value);
                proptest::prop_assert!(
                    url.as_ref().is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host()),
                    "{value:?}: {url:?}"
                );
            }
        }
    }

    #[test]
    fn everyday_callback_urls_take_the_fast_path() {
        for url in [
            "https://example.com/pay/status?session=1234&attempt=1",
            "http://app.example.co.uk:8080/twilio/callback#frag",
            "https://my-app.herokuapp.com",
        ] {
            assert!(plainly_absolute_http(url), "{url}");
        }
        for url in [
            "https://127.0.0.1/x",
            "https://xn--bcher-kva.example/",
            "https://user@example.com/",
            "https://example.com/a b",
            "https://exämple.com/",
            "https://example.com:99999/",
            "/relative/path",
        ] {
            assert!(!plainly_absolute_http(url), "{url}");
        }
    }

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
    fn joined_lists_and_json_encode_the_same_short_or_long() {
        #[derive(Serialize)]
        struct Form {
            #[serde(rename = "L")]
            list: SpaceSeparated<String>,
            #[serde(rename = "J")]
            json: JsonObject,
        }
        // 3 items fit the stack buffers; 300 do not and take the allocating path.
        for n in [3, 300] {
            let items: Vec<String> = (0..n).map(|i| format!("item-{i}")).collect();
            let map: serde_json::Map<String, serde_json::Value> = (0..n)
                .map(|i| (format!("k{i}"), serde_json::json!(i)))
                .collect();
            let expected = serde_html_form::to_string([
                ("L", items.join(" ")),
                ("J", serde_json::to_string(&map).expect("json")),
            ])
            .expect("form");
            let form = Form {
                list: SpaceSeparated::new(items),
                json: JsonObject::new(map).expect("flat"),
            };
            assert_eq!(serde_html_form::to_string(&form).expect("form"), expected);
        }
    }

    #[test]
    fn json_object_is_single_level() {
        assert!(JsonObject::try_from(serde_json::json!({"a": "b", "n": 1})).is_ok());
        assert!(JsonObject::try_from(serde_json::json!({"a": {"b": 1}})).is_err());
        assert!(JsonObject::try_from(serde_json::json!([1])).is_err());
    }
}
