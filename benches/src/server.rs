//! The loopback server: answers every request with the spec's example Payments resource and
//! `201 Created`, after reading the whole request body (as a real server must).

use axum::body::Bytes;
use axum::http::{header, StatusCode};
use axum::Router;
use tokio::net::TcpListener;

/// The `startPaymentSessionSuccess` example of the Api v2010 spec.
pub const PAYMENT_JSON: &str = r#"{"account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","call_sid":"CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","date_created":"Wed, 18 Dec 2019 20:02:01 +0000","date_updated":"Wed, 18 Dec 2019 20:02:01 +0000","sid":"PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","uri":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Payments/PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"}"#;

async fn answer(
    body: Bytes,
) -> (
    StatusCode,
    [(header::HeaderName, &'static str); 1],
    &'static str,
) {
    // Touch the body so reading it cannot be optimised away.
    std::hint::black_box(body.len());
    (
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        PAYMENT_JSON,
    )
}

/// Serves until the process ends.
///
/// # Errors
/// If accepting connections fails.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    let app = Router::new().fallback(answer);
    axum::serve(listener, app).await
}
