//! A stand-in for the gateway, until the console's tests run through the real one: the
//! console's routers, the embedded sandbox behind a minimal forwarder that injects the
//! sandbox's credentials, and a session cookie handed to the page on loopback.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;

pub const COOKIE: &str = "twilio_console";

pub struct Harness {
    pub sandbox: sandbox::Sandbox,
    pub addr: SocketAddr,
    pub session: String,
    forward: Arc<Forward>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

struct Forward {
    sandbox_url: String,
    account: String,
    token: String,
    session: String,
    http: reqwest::Client,
    forwarded: AtomicUsize,
}

impl Harness {
    pub async fn start() -> Harness {
        let sandbox = sandbox::Sandbox::start().await.expect("sandbox");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut config = console::ConsoleConfig::new(sandbox.account_sid());
        config.upstream = "the embedded sandbox (no real calls or charges)".to_owned();
        config.callback_validator = Some(runtime::webhook::Validator::new(
            sandbox.auth_token().to_owned(),
        ));
        let console = console::Console::new(config).expect("console");
        let session = console::inbox::new_id().expect("randomness");
        let forward = Arc::new(Forward {
            sandbox_url: sandbox.base_url().to_owned(),
            account: sandbox.account_sid().to_owned(),
            token: sandbox.auth_token().to_owned(),
            session: session.clone(),
            http: reqwest::Client::new(),
            forwarded: AtomicUsize::new(0),
        });
        let app = Router::new()
            .merge(console::router(console.clone()))
            .merge(console::callback_router(console))
            .fallback_service(
                Router::new()
                    .fallback(forward_rest)
                    .with_state(forward.clone()),
            )
            .layer(axum::middleware::from_fn_with_state(
                forward.clone(),
                hand_session,
            ));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Harness {
            sandbox,
            addr,
            session,
            forward,
            _stop: stop,
        }
    }

    /// Requests forwarded upstream so far.
    pub fn forwarded(&self) -> usize {
        self.forward.forwarded.load(Ordering::SeqCst)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// On loopback with the sandbox the gateway hands the page a session without a key.
async fn hand_session(
    State(forward): State<Arc<Forward>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_page = request.method() == Method::GET && request.uri().path().starts_with("/console");
    let mut response = next.run(request).await;
    if is_page {
        let cookie = format!(
            "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
            forward.session
        );
        if let Ok(value) = cookie.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The REST surface: session cookie + `X-Twilio-Console: 1`, then forwarded to the sandbox
/// with the sandbox's credentials (any caller `Authorization` dropped).
async fn forward_rest(
    State(forward): State<Arc<Forward>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let has_session = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim() == format!("{COOKIE}={}", forward.session));
    if !has_session {
        return (
            StatusCode::UNAUTHORIZED,
            "{\"code\":20003,\"message\":\"Authenticate\",\"status\":401}",
        )
            .into_response();
    }
    if headers
        .get("x-twilio-console")
        .and_then(|v| v.to_str().ok())
        != Some("1")
    {
        return (
            StatusCode::FORBIDDEN,
            "{\"code\":20403,\"message\":\"X-Twilio-Console: 1 required\",\"status\":403}",
        )
            .into_response();
    }
    forward.forwarded.fetch_add(1, Ordering::SeqCst);
    let url = format!(
        "{}{}",
        forward.sandbox_url,
        uri.path_and_query().map_or("", |p| p.as_str())
    );
    let Ok(m) = reqwest::Method::from_bytes(method.as_str().as_bytes()) else {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    };
    let mut req = forward
        .http
        .request(m, url)
        .basic_auth(&forward.account, Some(&forward.token));
    if let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        req = req.header("content-type", ct);
    }
    match req.body(body).send().await {
        Ok(answer) => {
            let status =
                StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let ct = answer
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/json")
                .to_owned();
            let bytes = answer.bytes().await.unwrap_or_default();
            (status, [(header::CONTENT_TYPE, ct)], bytes).into_response()
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}
