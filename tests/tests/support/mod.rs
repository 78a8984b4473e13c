//! A loopback HTTP/1.1 server of our own that plays Twilio's Payments create (with
//! idempotency) plus two tiny test endpoints, and misbehaves on command.
//!
//! It is written on bare `TcpListener` rather than a framework because half of the faults are
//! things no well-behaved server framework will do: reset a connection, cut a body short, lie
//! about its length, never answer.
//!
//! What it models:
//! - `POST …/Calls/{CallSid}/Payments.json` creates a pay session. A repeated `IdempotencyKey`
//!   returns the session it created the first time (Twilio's documented behaviour). Sessions are
//!   also counted per call: a client that resent with a NEW key would show up there as a
//!   second session for the same call, which is the duplicate the suite hunts for.
//! - `POST …/Notes.json`: a create WITHOUT an idempotency key; every processed request counts.
//! - `GET …/Notes/{Sid}.json`: a read.
//!
//! Faults decide whether the request is processed first: 429, 503 and a reset before answering
//! are not; 500/502/504, a reset after processing, a stall and every broken 2xx body are.

#![allow(dead_code)] // each test binary uses a different part of it

pub mod proxy;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
pub const TOKEN: &str = "tok-3f9a1c7e5b2d4680-never-log-me";

/// The session date Twilio-style (RFC 2822).
const DATE: &str = "Wed, 18 Dec 2019 20:02:01 +0000";
/// Size of the oversized body the server streams (the clients in the tests cap at 64 KiB).
pub const HUGE_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Longest the server waits on a silent client before giving up (a safety bound only: the
/// client's own timeout always ends a stall first).
const STALL_LIMIT: Duration = Duration::from_secs(10);

/// How `Retry-After` is sent with a 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RetryAfter {
    /// No header.
    Absent,
    /// `Retry-After: N` (seconds).
    Seconds(u64),
    /// `Retry-After: <HTTP date N seconds from now>`.
    DateIn(u64),
}

/// One way for the server to misbehave on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// Read the request, then reset the connection without processing it.
    ResetBeforeAnswer,
    /// Process the request (a session is created), then reset instead of answering.
    ProcessThenReset,
    /// Process the request, then never answer; wait until the client hangs up.
    Stall,
    /// 429 with a Twilio error body (not processed).
    TooManyRequests(RetryAfter),
    /// Process, then 500 with a Twilio error body.
    Internal500,
    /// Process, then 502 with a proxy's HTML page.
    BadGatewayHtml502,
    /// 503 (not processed).
    Unavailable503,
    /// Process, then 504 with an empty body.
    GatewayTimeout504,
    /// Process, then 2xx with a JSON body cut in half (the HTTP framing is correct).
    TruncatedJson,
    /// Process, then 2xx announcing more bytes than it sends before closing.
    CutOffBody,
    /// Process, then 2xx whose JSON strings hold bytes that are not UTF-8.
    InvalidUtf8,
    /// Process, then 2xx with a chunked body of [`HUGE_BODY_BYTES`].
    HugeBody,
    /// Process, then 500 with a chunked body of [`HUGE_BODY_BYTES`].
    HugeErrorBody,
    /// Process, then 200 with JSON of the wrong shape.
    UnexpectedShape,
}

impl Fault {
    /// Every kind, for the soak test's draw.
    pub const ALL: [Fault; 14] = [
        Fault::ResetBeforeAnswer,
        Fault::ProcessThenReset,
        Fault::Stall,
        Fault::TooManyRequests(RetryAfter::Seconds(1)),
        Fault::Internal500,
        Fault::BadGatewayHtml502,
        Fault::Unavailable503,
        Fault::GatewayTimeout504,
        Fault::TruncatedJson,
        Fault::CutOffBody,
        Fault::InvalidUtf8,
        Fault::HugeBody,
        Fault::HugeErrorBody,
        Fault::UnexpectedShape,
    ];

    /// A short name, for counts.
    pub fn name(self) -> &'static str {
        match self {
            Fault::ResetBeforeAnswer => "reset-before-answer",
            Fault::ProcessThenReset => "process-then-reset",
            Fault::Stall => "stall",
            Fault::TooManyRequests(_) => "429",
            Fault::Internal500 => "500",
            Fault::BadGatewayHtml502 => "502-html",
            Fault::Unavailable503 => "503",
            Fault::GatewayTimeout504 => "504",
            Fault::TruncatedJson => "truncated-json",
            Fault::CutOffBody => "cut-off-body",
            Fault::InvalidUtf8 => "invalid-utf8",
            Fault::HugeBody => "huge-body",
            Fault::HugeErrorBody => "huge-error-body",
            Fault::UnexpectedShape => "unexpected-shape",
        }
    }

    /// Whether the server acts on the request before misbehaving.
    fn processes(self) -> bool {
        !matches!(
            self,
            Fault::ResetBeforeAnswer | Fault::TooManyRequests(_) | Fault::Unavailable503
        )
    }
}

/// What the server does with the requests to come.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Answer every request properly.
    Healthy,
    /// The n-th request (from now) gets the n-th entry; `None` answers properly. Requests past
    /// the end of the script are answered properly.
    Script(VecDeque<Option<Fault>>),
    /// Every request gets this fault.
    Always(Fault),
    /// A fault drawn for each attempt from `seed`, the request's key (or path) and how many
    /// attempts that key has had: reproducible whatever order concurrent requests arrive in.
    Random { seed: u64, percent: u64 },
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub idempotency_key: Option<String>,
    pub fault: Option<Fault>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    plan: Option<Plan>,
    received: Vec<Received>,
    /// IdempotencyKey → the session it created.
    by_key: HashMap<String, String>,
    /// CallSid → every session created on it.
    by_call: HashMap<String, Vec<String>>,
    /// Notes processed (the endpoint without an idempotency key).
    notes: u64,
    /// Attempts seen per key (or per path without a key), for the random plan.
    attempts: HashMap<String, u64>,
}

/// The server; dropping it stops accepting.
pub struct FaultServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    /// Client hang-ups observed during stalls (a channel, so a test can wait for one).
    hangups: Arc<tokio::sync::watch::Sender<u64>>,
    accept: JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl FaultServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State {
            plan: Some(Plan::Healthy),
            ..State::default()
        }));
        let hangups = Arc::new(tokio::sync::watch::Sender::new(0));
        let accept_state = state.clone();
        let accept_hangups = hangups.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, accept_state.clone(), accept_hangups.clone()));
            }
        });
        Self {
            addr,
            state,
            hangups,
            accept,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_plan(&self, plan: Plan) {
        self.state.lock().unwrap().plan = Some(plan);
    }

    /// Queues faults for the next requests (`None` = answer properly).
    pub fn script(&self, faults: impl IntoIterator<Item = Option<Fault>>) {
        self.set_plan(Plan::Script(faults.into_iter().collect()));
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// Requests that carried this IdempotencyKey.
    pub fn attempts_for_key(&self, key: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.idempotency_key.as_deref() == Some(key))
            .collect()
    }

    /// Sessions created on this call (the duplicate detector: must never exceed 1).
    pub fn sessions_on_call(&self, call_sid: &str) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .by_call
            .get(call_sid)
            .cloned()
            .unwrap_or_default()
    }

    /// Every call with more than one session.
    pub fn duplicates(&self) -> usize {
        self.state
            .lock()
            .unwrap()
            .by_call
            .values()
            .filter(|s| s.len() > 1)
            .count()
    }

    pub fn notes_processed(&self) -> u64 {
        self.state.lock().unwrap().notes
    }

    /// Waits until the server has seen `n` clients hang up on a stall. The client closes a
    /// timed-out connection from a background task, so this can lag the call's return.
    pub async fn wait_for_hangups(&self, n: u64) {
        let mut seen = self.hangups.subscribe();
        seen.wait_for(|count| *count >= n)
            .await
            .expect("the server owns the sender");
    }

    pub fn hangups(&self) -> u64 {
        *self.hangups.borrow()
    }

    /// How many requests received each fault.
    pub fn fault_counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for r in self.state.lock().unwrap().received.iter() {
            if let Some(f) = r.fault {
                *counts.entry(f.name()).or_insert(0) += 1;
            }
        }
        counts
    }
}

/// A payments path for a call on the test account.
pub fn payments_path(call_sid: &str) -> String {
    format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{call_sid}/Payments.json")
}

/// The n-th distinct call SID.
pub fn call_sid(n: u64) -> String {
    format!("CA{n:032x}")
}

/// Creates a pay session on call `n` through the public API (key `key-{n}`).
pub async fn create_payment(client: &runtime::Client, n: u64) -> Result<(), runtime::Error> {
    api::payments::create(
        call_sid(n),
        format!("key-{n}"),
        "https://example.com/status",
    )
    .send(client)
    .await
    .map(|_| ())
}

async fn serve(
    mut stream: TcpStream,
    state: Arc<Mutex<State>>,
    hangups: Arc<tokio::sync::watch::Sender<u64>>,
) {
    let mut buf = Vec::new();
    loop {
        let request = match read_request(&mut stream, &mut buf).await {
            Ok(Some(r)) => r,
            _ => return,
        };
        let fault = choose_fault(&state, &request);
        let processed = if fault.is_none_or(Fault::processes) {
            Some(process(&state, &request))
        } else {
            None
        };
        state.lock().unwrap().received.push(Received {
            fault,
            ..request.clone()
        });
        let keep_going = match fault {
            None => {
                let (status, body) = processed.expect("processed");
                write_response(&mut stream, status, &[], body.as_bytes())
                    .await
                    .is_ok()
            }
            Some(fault) => misbehave(&mut stream, &hangups, fault, processed).await,
        };
        if !keep_going {
            return;
        }
    }
}

/// Plays one fault; returns whether the connection can serve another request.
async fn misbehave(
    stream: &mut TcpStream,
    hangups: &tokio::sync::watch::Sender<u64>,
    fault: Fault,
    processed: Option<(u16, String)>,
) -> bool {
    let ok_body = processed.map(|(_, b)| b).unwrap_or_default();
    let twilio_error = |status: u16, code: u32, message: &str| {
        format!(
            r#"{{"code":{code},"message":"{message}","more_info":"https://www.twilio.com/docs/errors/{code}","status":{status}}}"#
        )
    };
    let sent = match fault {
        Fault::ResetBeforeAnswer | Fault::ProcessThenReset => {
            reset(stream);
            return false;
        }
        Fault::Stall => {
            // Wait for the client to give up and close: a real event, not a timer.
            let mut scratch = [0u8; 1024];
            let hung_up = tokio::time::timeout(STALL_LIMIT, async {
                loop {
                    match stream.read(&mut scratch).await {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {}
                    }
                }
            })
            .await
            .is_ok();
            if hung_up {
                hangups.send_modify(|n| *n += 1);
            }
            return false;
        }
        Fault::TooManyRequests(retry_after) => {
            let header = match retry_after {
                RetryAfter::Absent => None,
                RetryAfter::Seconds(s) => Some(s.to_string()),
                RetryAfter::DateIn(s) => Some(httpdate_in(s)),
            };
            let headers: Vec<(&str, String)> =
                header.into_iter().map(|v| ("Retry-After", v)).collect();
            let body = twilio_error(429, 20429, "Too Many Requests");
            write_response(stream, 429, &headers, body.as_bytes()).await
        }
        Fault::Internal500 => {
            let body = twilio_error(500, 20500, "Internal Server Error");
            write_response(stream, 500, &[], body.as_bytes()).await
        }
        Fault::BadGatewayHtml502 => {
            let body = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>";
            let headers = [("Content-Type", "text/html".to_owned())];
            write_response(stream, 502, &headers, body.as_bytes()).await
        }
        Fault::Unavailable503 => {
            let body = twilio_error(503, 20503, "Service Unavailable");
            write_response(stream, 503, &[], body.as_bytes()).await
        }
        Fault::GatewayTimeout504 => write_response(stream, 504, &[], b"").await,
        Fault::TruncatedJson => {
            let half = &ok_body.as_bytes()[..ok_body.len() / 2];
            write_response(stream, 201, &[], half).await
        }
        Fault::CutOffBody => {
            let head = format!(
                "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                ok_body.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream
                .write_all(&ok_body.as_bytes()[..ok_body.len() / 2])
                .await;
            let _ = stream.flush().await;
            return false;
        }
        Fault::InvalidUtf8 => {
            let mut body = ok_body.into_bytes();
            // Replace the session's URI value with bytes that are not UTF-8.
            let at = find(&body, b"\"uri\":\"").map_or(0, |i| i + 7);
            body.splice(at..at + 2, [0xff, 0xfe]);
            write_response(stream, 201, &[], &body).await
        }
        Fault::HugeBody => {
            write_chunked(stream, 201, HUGE_BODY_BYTES).await;
            return false;
        }
        Fault::HugeErrorBody => {
            write_chunked(stream, 500, HUGE_BODY_BYTES).await;
            return false;
        }
        Fault::UnexpectedShape => {
            write_response(stream, 200, &[], br#"{"result":{"ok":true},"sid":42}"#).await
        }
    };
    sent.is_ok()
}

fn choose_fault(state: &Mutex<State>, request: &Received) -> Option<Fault> {
    let mut state = state.lock().unwrap();
    let counter_key = request
        .idempotency_key
        .clone()
        .unwrap_or_else(|| request.path.clone());
    let attempt = {
        let n = state.attempts.entry(counter_key.clone()).or_insert(0);
        *n += 1;
        *n
    };
    match state.plan.as_mut()? {
        Plan::Healthy => None,
        Plan::Always(f) => Some(*f),
        Plan::Script(queue) => queue.pop_front().flatten(),
        Plan::Random { seed, percent } => {
            let mut h = *seed ^ fnv1a(counter_key.as_bytes());
            h = splitmix64(h ^ attempt);
            if h % 100 < *percent {
                let pick = splitmix64(h) % Fault::ALL.len() as u64;
                Some(Fault::ALL[pick as usize])
            } else {
                None
            }
        }
    }
}

/// Acts on a request; returns the status and body a healthy server would send.
fn process(state: &Mutex<State>, request: &Received) -> (u16, String) {
    let form: Vec<(String, String)> =
        serde_html_form::from_bytes(&request.body).unwrap_or_default();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    let mut state = state.lock().unwrap();
    match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["2010-04-01", "Accounts", account, "Calls", call, "Payments.json"]) => {
            let Some(key) = field("IdempotencyKey") else {
                return (400, r#"{"code":20001,"message":"Missing required parameter IdempotencyKey","status":400}"#.to_owned());
            };
            let sid = match state.by_key.get(&key) {
                Some(sid) => sid.clone(),
                None => {
                    let n = state.by_key.len() as u64 + 1;
                    let sid = format!("PK{n:032x}");
                    state.by_key.insert(key, sid.clone());
                    state
                        .by_call
                        .entry((*call).to_owned())
                        .or_default()
                        .push(sid.clone());
                    sid
                }
            };
            (
                201,
                format!(
                    r#"{{"account_sid":"{account}","call_sid":"{call}","sid":"{sid}","date_created":"{DATE}","date_updated":"{DATE}","uri":"/2010-04-01/Accounts/{account}/Calls/{call}/Payments/{sid}.json"}}"#
                ),
            )
        }
        ("POST", ["2010-04-01", "Accounts", _, "Notes.json"]) => {
            state.notes += 1;
            let text = field("Text").unwrap_or_default();
            let body = serde_json::json!({"sid": format!("NO{}", state.notes), "text": text});
            (201, body.to_string())
        }
        ("GET", ["2010-04-01", "Accounts", _, "Notes", sid]) => {
            let sid = sid.trim_end_matches(".json");
            (
                200,
                serde_json::json!({"sid": sid, "text": "hello"}).to_string(),
            )
        }
        _ => (
            404,
            r#"{"code":20404,"message":"Not found","status":404}"#.to_owned(),
        ),
    }
}

/// Resets the connection: zero linger turns the close into a TCP RST.
fn reset(stream: &TcpStream) {
    let _ = stream.set_zero_linger();
}

async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<Option<Received>> {
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i + 4;
        }
        if !read_more(stream, buf).await? {
            return Ok(None);
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let path = first.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        if !read_more(stream, buf).await? {
            return Ok(None);
        }
    }
    let body = buf[head_end..head_end + length].to_vec();
    buf.drain(..head_end + length);
    let idempotency_key = serde_html_form::from_bytes::<Vec<(String, String)>>(&body)
        .ok()
        .and_then(|form| {
            form.into_iter()
                .find(|(k, _)| k == "IdempotencyKey")
                .map(|(_, v)| v)
        });
    Ok(Some(Received {
        method,
        path,
        headers,
        body,
        idempotency_key,
        fault: None,
    }))
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<bool> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n > 0)
}

async fn write_response(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        out.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await?;
    stream.flush().await
}

/// Streams `total` bytes of JSON-ish filler in chunks, stopping when the client goes away.
async fn write_chunked(stream: &mut TcpStream, status: u16, total: usize) {
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        reason(status)
    );
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    while sent < total {
        let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
        frame.extend_from_slice(&chunk);
        frame.extend_from_slice(b"\r\n");
        if stream.write_all(&frame).await.is_err() {
            return;
        }
        sent += chunk.len();
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

fn httpdate_in(secs: u64) -> String {
    httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(secs))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}
