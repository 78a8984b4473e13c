//! The axum extractor [`TwilioWebhook<T>`]: verify the signature, then decode the payload.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, OriginalUri, Request};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::strict_form::parse_pairs;
use super::{PublicUrl, SignatureError, Validator};
use crate::response::ResponseBody;

/// What [`TwilioWebhook`] verifies against: the token(s) and the public base URL. Add it to the
/// router as an `axum::Extension`; cloning is cheap.
///
/// ```
/// use runtime::webhook::{PublicUrl, Validator, WebhookConfig};
/// let config = WebhookConfig::new(
///     Validator::new("auth-token"),
///     PublicUrl::new("https://example.com")?,
/// );
/// let app: axum::Router = axum::Router::new().layer(axum::Extension(config));
/// # Ok::<(), runtime::webhook::SignatureError>(())
/// ```
#[derive(Clone, Debug)]
pub struct WebhookConfig {
    inner: Arc<(Validator, PublicUrl)>,
}

impl WebhookConfig {
    /// Verifies with `validator`, against URLs rebuilt from `public_url`.
    pub fn new(validator: Validator, public_url: PublicUrl) -> Self {
        Self {
            inner: Arc::new((validator, public_url)),
        }
    }

    /// The validator.
    pub fn validator(&self) -> &Validator {
        &self.inner.0
    }

    /// The public base URL.
    pub fn public_url(&self) -> &PublicUrl {
        &self.inner.1
    }
}

/// Extracts a Twilio webhook payload `T` after checking its `X-Twilio-Signature`.
///
/// Reads the raw body once; the URL checked is the configured [`PublicUrl`] plus the request's
/// path and query (as received, before any `nest` stripped a prefix). Form POSTs are decoded
/// from the body, JSON bodies (`Content-Type: application/json`) are checked against
/// `bodySHA256` and decoded with serde_json, GET callbacks are decoded from the query. A missing
/// or wrong signature is answered with 403; neither the body nor the URL is ever logged.
///
/// `T` is a `#[twilio_model]` (or `serde_json::Value`). A model (such as
/// `api::payments::PayStatusCallback`) decodes whatever the values look like: a field that does
/// not fit is `None` with its raw text in the model's `unreadable`. What can still fail is a body without the model's essential fields, or not a
/// form (or JSON) at all; `TwilioWebhook<T>` answers that with 400. Ask for
/// `TwilioWebhook<Result<T, RawWebhook>>` to get every authentic request in the handler, the
/// ones that do not decode as their raw pairs:
///
/// ```
/// use runtime::webhook::{RawWebhook, TwilioWebhook};
///
/// /// The part of a message status callback this app reads.
/// #[runtime::twilio_model(rename_all = "PascalCase", blank_is_absent)]
/// #[derive(Debug)]
/// pub struct MessageStatus {
///     pub message_sid: runtime::MessageSid,
///     pub message_status: Option<String>,
///     pub error_code: Option<u32>,
/// }
///
/// async fn message_status(
///     TwilioWebhook(status): TwilioWebhook<Result<MessageStatus, RawWebhook>>,
/// ) -> &'static str {
///     match status {
///         Ok(s) => println!("{} is {:?}; odd: {:?}", s.message_sid, s.message_status, s.unreadable),
///         Err(raw) => println!("kept for later: {:?}", raw.get("MessageSid")),
///     }
///     "ok"
/// }
/// let app: axum::Router =
///     axum::Router::new().route("/sms/status", axum::routing::post(message_status));
/// ```
///
/// Needs a [`WebhookConfig`] extension on the route (500 otherwise).
#[derive(Debug, Clone)]
pub struct TwilioWebhook<T>(pub T);

/// An authentic webhook (its signature matched) whose body did not decode into the type the
/// handler asked for: the parameters as sent, so nothing Twilio said is lost.
///
/// `Debug` shows the parameter names only, never their values (card data, tokens).
#[derive(Clone)]
pub struct RawWebhook {
    pairs: Vec<(String, String)>,
    body: Bytes,
    reason: String,
}

impl RawWebhook {
    /// The form (or, for a GET callback, query) parameters in the order sent; empty for a JSON
    /// body.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The first value of parameter `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The raw body, as signed (empty for a GET callback).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Why it did not decode. The decoder's message may quote the payload: never log it.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl std::fmt::Debug for RawWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawWebhook")
            .field(
                "names",
                &self
                    .pairs
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Why [`TwilioWebhook`] refused a request; each kind maps to a status code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// No [`WebhookConfig`] extension on the route: a setup error (500).
    #[error("no WebhookConfig extension on this route")]
    NotConfigured,
    /// The body could not be read (size limit, broken connection); axum's status is kept.
    #[error("could not read the webhook body")]
    Body(#[source] BytesRejection),
    /// The signature is missing or wrong (403).
    #[error("webhook signature refused: {0}")]
    Signature(#[from] SignatureError),
    /// The payload is authentic but does not decode into the expected type (400): an
    /// essential field is missing, or the body is not a form or JSON at all. Never for a
    /// field's format (lenient models keep those). The source error may quote the payload; it
    /// is kept for the handler and never logged or sent back.
    #[error("the verified webhook payload does not decode into the expected type")]
    Decode(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl WebhookRejection {
    /// The status code the response carries.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotConfigured => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Body(rejection) => rejection.status(),
            Self::Signature(_) => StatusCode::FORBIDDEN,
            Self::Decode(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        // Only the error's own message: it never contains the body, the URL or the signature.
        tracing::warn!(reason = %self, "rejected a Twilio webhook");
        (self.status(), self.to_string()).into_response()
    }
}

/// How the authentic payload arrived.
enum Carrier {
    Json,
    Query,
    Form,
}

/// A request whose signature matched.
struct Verified {
    carrier: Carrier,
    body: Bytes,
    query: String,
}

type DecodeError = Box<dyn std::error::Error + Send + Sync>;

impl Verified {
    fn decode<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        Ok(match self.carrier {
            Carrier::Json => serde_json::from_slice(&self.body)?,
            Carrier::Query => serde_html_form::from_str(&self.query)?,
            Carrier::Form => serde_html_form::from_bytes(&self.body)?,
        })
    }

    fn raw(self, reason: &DecodeError) -> RawWebhook {
        let pairs = match self.carrier {
            Carrier::Json => Ok(Vec::new()),
            Carrier::Query => parse_pairs(self.query.as_bytes()),
            Carrier::Form => parse_pairs(&self.body),
        };
        RawWebhook {
            // The signature check already decoded these strictly, so this cannot fail here.
            pairs: pairs.unwrap_or_default(),
            body: self.body,
            reason: reason.to_string(),
        }
    }
}

/// Checks the signature of `req` and keeps what its payload needs.
async fn verify<S: Send + Sync>(req: Request, state: &S) -> Result<Verified, WebhookRejection> {
    let config = req
        .extensions()
        .get::<WebhookConfig>()
        .cloned()
        .ok_or(WebhookRejection::NotConfigured)?;
    let uri = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().clone(), |original| original.0.clone());
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let headers = req.headers();
    let url = config.public_url().url_for_forwarded(
        path_and_query,
        header_str(headers, "forwarded"),
        header_str(headers, "x-forwarded-proto"),
        header_str(headers, "x-forwarded-host"),
    );
    // A header that is not visible ASCII cannot be base64: keep it present but malformed.
    let signature = headers
        .get("x-twilio-signature")
        .map(|v| v.to_str().unwrap_or("\u{0}").to_owned());
    let is_json = header_str(headers, header::CONTENT_TYPE.as_str()).is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
    });
    let is_get = matches!(*req.method(), Method::GET | Method::HEAD);

    let body = Bytes::from_request(req, state)
        .await
        .map_err(WebhookRejection::Body)?;
    let validator = config.validator();
    let signature = signature.as_deref();
    let carrier = if is_json {
        validator.validate_json(&url, &body, signature)?;
        Carrier::Json
    } else if is_get {
        validator.validate(&url, &[] as &[(&str, &str)], signature)?;
        Carrier::Query
    } else {
        validator.validate_form_body(&url, &body, signature)?;
        Carrier::Form
    };
    Ok(Verified {
        carrier,
        body,
        query: uri.query().unwrap_or("").to_owned(),
    })
}

impl<T, S> FromRequest<S> for TwilioWebhook<T>
where
    T: ResponseBody,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verified = verify(req, state).await?;
        verified
            .decode()
            .map(TwilioWebhook)
            .map_err(WebhookRejection::Decode)
    }
}

/// Every authentic request reaches the handler: decoded, or as its raw pairs.
impl<T, S> FromRequest<S> for TwilioWebhook<Result<T, RawWebhook>>
where
    T: ResponseBody,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verified = verify(req, state).await?;
        Ok(TwilioWebhook(match verified.decode::<T>() {
            Ok(payload) => Ok(payload),
            Err(reason) => {
                // The reason may quote the payload: it goes to the handler, not to the log.
                tracing::warn!(
                    "an authentic Twilio webhook does not decode into the expected type; handing over its raw parameters"
                );
                Err(verified.raw(&reason))
            }
        }))
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
