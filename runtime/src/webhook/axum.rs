//! The axum extractor [`TwilioWebhook<T>`]: verify the signature, then decode the payload.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, OriginalUri, Request};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{PublicUrl, SignatureError, Validator};

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
/// Needs a [`WebhookConfig`] extension on the route (500 otherwise).
#[derive(Debug, Clone)]
pub struct TwilioWebhook<T>(pub T);

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
    /// The payload is authentic but does not decode into the expected type (400). The source
    /// error may quote the payload; it is kept for the handler and never logged or sent back.
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

impl<T, S> FromRequest<S> for TwilioWebhook<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
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
        let decoded = if is_json {
            validator.validate_json(&url, &body, signature)?;
            serde_json::from_slice(&body).map_err(|e| WebhookRejection::Decode(Box::new(e)))
        } else if is_get {
            validator.validate(&url, &[] as &[(&str, &str)], signature)?;
            serde_html_form::from_str(uri.query().unwrap_or(""))
                .map_err(|e| WebhookRejection::Decode(Box::new(e)))
        } else {
            validator.validate_form_body(&url, &body, signature)?;
            serde_html_form::from_bytes(&body).map_err(|e| WebhookRejection::Decode(Box::new(e)))
        };
        decoded.map(TwilioWebhook)
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
