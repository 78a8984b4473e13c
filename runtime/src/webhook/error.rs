//! Why a webhook was refused. Messages never contain the token, the signature or the body.

/// Why a webhook request failed signature validation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The request carries no `X-Twilio-Signature` header.
    #[error("the request has no X-Twilio-Signature header")]
    Missing,
    /// The header is not the base64 encoding of an HMAC-SHA1 (20 bytes).
    #[error("the X-Twilio-Signature header is not a base64-encoded HMAC-SHA1")]
    Malformed,
    /// No configured token signs this URL and these parameters, with or without the default
    /// port. Behind a proxy, the usual cause is validating against the URL the app sees
    /// instead of the public URL Twilio requested.
    #[error(
        "the X-Twilio-Signature does not match the URL and parameters under any configured \
         token (behind a proxy, validate against the public URL Twilio requested)"
    )]
    Mismatch,
    /// A JSON callback's URL lacks the `bodySHA256` query parameter.
    #[error("the JSON callback's URL has no bodySHA256 query parameter")]
    MissingBodyHash,
    /// The raw body does not hash to the signed `bodySHA256`.
    #[error("the body does not match the signed bodySHA256")]
    BodyHashMismatch,
    /// The URL to check is not absolute (`scheme://host...`).
    #[error("the URL to validate against is not absolute: {0}")]
    InvalidUrl(&'static str),
    /// The form body does not decode to UTF-8 text, so it cannot be what Twilio signed.
    #[error("the form body is not valid UTF-8 after percent-decoding")]
    InvalidBody,
}
