//! Snippets proved, not eyeballed: for every operation of every product (sample values of
//! every kind) the curl snippet runs in real curl, the Python snippet with twilio-python 9.13.0
//! and the Node snippet with twilio-node 6.0.0; for Api v2010's the Rust snippet also compiles
//! (all in one crate) and runs. Each runs against a recording server and must send the same
//! wire request as our own client does for the same values, but for the pairs listed with their
//! reason in `snippet_differences.txt`. A hand-picked set covering every parameter kind (path,
//! enum, repeated and joined lists, JSON, date, date-time, boolean, decimal, integer, awkward
//! text; a product host, a header param, JSON bodies) runs in every language, Rust included, and
//! has to run to a clean exit with a realistic answer.
//!
//! Run with `cargo test -p console --features proof --test snippets_run` after
//! `scripts/python-deps` and `scripts/node-deps` (CI does).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use console::catalog::{self, Operation};
use console::snippet::{self, Call, Target};
use runtime::param::{ParamInfo, Scalar};
use serde_json::json;

const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// One request as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Wire {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    body: Vec<(String, String)>,
    /// A JSON body, parsed (its `body` pairs are then empty).
    json: Option<serde_json::Value>,
    /// Twilio's `X-Twilio-…` request headers (lower-case names), where header params travel.
    twilio_headers: Vec<(String, String)>,
    content_type: Option<String>,
}

#[derive(Default)]
struct Recorder {
    mark: String,
    seen: Vec<(String, Wire)>,
    answer: BTreeMap<String, (u16, String)>,
}

type Shared = Arc<Mutex<Recorder>>;

async fn record(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(mark) = uri.path().strip_prefix("/__mark/") {
        shared.lock().expect("lock").mark = mark.to_owned();
        return StatusCode::NO_CONTENT.into_response();
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_owned());
    let text = std::str::from_utf8(&body).unwrap_or("");
    let json = content_type
        .as_deref()
        .filter(|t| t.ends_with("json"))
        .and_then(|_| serde_json::from_str(text).ok());
    let mut twilio_headers: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("x-twilio-"))
        .map(|(name, v)| {
            (
                name.as_str().to_owned(),
                v.to_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    twilio_headers.sort();
    let wire = Wire {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri.query().map(pairs).unwrap_or_default(),
        body: if json.is_some() {
            Vec::new()
        } else {
            pairs(text)
        },
        json,
        twilio_headers,
        content_type: content_type.filter(|_| !body.is_empty()),
    };
    let mut r = shared.lock().expect("lock");
    let mark = r.mark.clone();
    r.seen.push((mark.clone(), wire));
    let (status, body) = r
        .answer
        .get(
            mark.rsplit_once('-')
                .map_or(mark.as_str(), |(case, _lang)| case),
        )
        .cloned()
        .unwrap_or((200, "{}".to_owned()));
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    if status == StatusCode::NO_CONTENT {
        return status.into_response();
    }
    (status, [("content-type", "application/json")], body).into_response()
}

fn pairs(s: &str) -> Vec<(String, String)> {
    serde_html_form::from_str(s).unwrap_or_default()
}

async fn recorder() -> (String, Shared) {
    let shared: Shared = Arc::default();
    let app = axum::Router::new()
        .fallback(record)
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (origin, shared)
}

fn set_mark(shared: &Shared, mark: &str) {
    shared.lock().expect("lock").mark = mark.to_owned();
}

fn taken(shared: &Shared, mark: &str) -> Vec<Wire> {
    let mut r = shared.lock().expect("lock");
    let (mine, rest): (Vec<_>, Vec<_>) = r.seen.drain(..).partition(|(m, _)| m == mark);
    r.seen = rest;
    mine.into_iter().map(|(_, w)| w).collect()
}

/// A case: an operation and its form values.
struct Case {
    id: String,
    op: Operation,
    pairs: Vec<(String, String)>,
    /// A realistic answer the snippet must accept (exit 0); `None`: only the request counts.
    answer: Option<(u16, serde_json::Value)>,
    /// Whether the Rust snippet is compiled and run too (the proof's crate compiles the
    /// products its cases name, so every product's operations run in curl, Python and Node
    /// only; Api v2010's and the hand-picked ones in Rust as well).
    rust: bool,
}

fn sid(prefix: &str) -> String {
    format!("{prefix}{}", "0123456789abcdef0123456789abcdef")
}

/// A value of the parameter's kind that its declaration accepts.
fn sample(p: &ParamInfo) -> String {
    match p.kind.scalar {
        Scalar::Sid("AC") => ACCOUNT.to_owned(),
        Scalar::Sid(prefix) => sid(prefix),
        Scalar::Uri => "https://example.com/hook?a=1&b=two%20words".to_owned(),
        Scalar::Boolean => "true".to_owned(),
        Scalar::Integer => p
            .range
            .and_then(|r| r.min)
            .map_or(7, |m| m.max(1))
            .to_string(),
        // Within a declared range (assistants' feedback `score` is 0 to 1).
        Scalar::Number => match p.range.and_then(|r| r.max) {
            Some(max) if max < 2 => "0.5".to_owned(),
            _ => "1.5".to_owned(),
        },
        Scalar::Enum(values) => values.first().copied().unwrap_or("x").to_owned(),
        Scalar::Json => r#"{"k":"v","n":1}"#.to_owned(),
        Scalar::PhoneNumber => "+15005550006".to_owned(),
        Scalar::DateTime => "2024-01-02T03:04:05Z".to_owned(),
        Scalar::Date => "2024-01-02".to_owned(),
        _ => format!("it's $HOME & {}=\"x\"", p.wire_name),
    }
}

/// The `i`-th item of a list: a SID with its last digit changed, a JSON object with a member
/// more, text with a number after it.
fn nth_sample(p: &ParamInfo, one: &str, i: usize) -> String {
    match p.kind.scalar {
        Scalar::Sid(_) => format!("{}{i}", &one[..one.len() - 1]),
        Scalar::Json => format!(r#"{{"k":"v","n":{i}}}"#),
        _ => format!("{one}{i}"),
    }
}

/// Operations with a form field named like one of their path placeholders (Update
/// IncomingPhoneNumber's `AccountSid`, which moves the number to another account): flat
/// `(wire name, value)` pairs cannot tell the two apart, so the check that rebuilds requests
/// from them would send the path's value in the body too. Left out, by name, until the
/// registry's wire input keeps path values apart.
const FLAT_PAIR_COLLISIONS: &[&str] = &["incoming_phone_numbers.update"];

/// Parameters our spec has and the pinned twilio-python 9.13.0 does not (it predates them):
/// its method refuses the keyword, so they are left out of the sample values.
const NEWER_THAN_TWILIO_PYTHON: &[(&str, &str)] =
    &[("calls.transcriptions.create", "ConfigurationId")];

/// Operations that authenticate with OAuth2 client credentials (the Organizations API): our
/// client first fetches a token from the `oauth` host, so one call is two requests; the
/// token flow has its own wire tests (tests/tests/suite/products.rs) and these are left out here.
fn oauth2(op: &Operation) -> bool {
    op.info.auth == runtime::registry::Auth::OAuth2
}

/// Products our specs have and the pinned helpers do not (twilio-python 9.13.0 and twilio-node
/// 6.0.0 predate Assistants; neither has Monitor v2): their snippets name a module that is
/// not there, so they are not run in that language (counted in the output).
const NOT_IN_TWILIO_PYTHON: &[&str] = &["assistants.v1.", "monitor.v2."];
const NOT_IN_TWILIO_NODE: &[&str] = &["monitor.v2."];

fn in_helper(op: &Operation, missing: &[&str]) -> bool {
    let id = op.id();
    !missing.iter().any(|prefix| id.starts_with(prefix))
}

fn collides(op: &Operation) -> bool {
    op.info.params.iter().any(|p| {
        p.location != runtime::param::Location::Path
            && op
                .info
                .params
                .iter()
                .any(|q| q.location == runtime::param::Location::Path && q.wire_name == p.wire_name)
    })
}

fn every_operation() -> Vec<Case> {
    let colliding: Vec<String> = catalog::operations()
        .into_iter()
        .filter(collides)
        .map(|op| op.id())
        .collect();
    assert_eq!(
        colliding, FLAT_PAIR_COLLISIONS,
        "the operations left out are exactly these"
    );
    let token_flow = catalog::operations().into_iter().filter(oauth2).count();
    eprintln!("left out: {token_flow} OAuth2 operations (two requests per call)");
    catalog::operations()
        .into_iter()
        .filter(|op| !collides(op) && !oauth2(op))
        .map(|op| {
            let pairs = op
                .params_for_form()
                .into_iter()
                .filter(|p| !matches!(p.wire_name, "Page" | "PageToken"))
                .filter(|p| !NEWER_THAN_TWILIO_PYTHON.contains(&(op.id().as_str(), p.wire_name)))
                // Of an exactly_one_of rule (payments.update: Capture or Status) only the first
                // is filled: setting them all is a request the declaration refuses.
                .filter(|p| {
                    !op.info.rules.iter().any(|r| {
                        r.kind == runtime::registry::RuleKind::ExactlyOne
                            && r.params.iter().skip(1).any(|n| *n == p.wire_name)
                    })
                })
                .flat_map(|p| {
                    let one = sample(p);
                    let n = if p.kind.list.is_some() && p.kind.scalar != Scalar::Boolean {
                        2
                    } else {
                        1
                    };
                    let values: Vec<String> = match (p.kind.list, p.kind.scalar) {
                        (Some(_), Scalar::Enum(values)) => {
                            values.iter().take(n).map(|v| (*v).to_owned()).collect()
                        }
                        (Some(_), _) => (0..n).map(|i| nth_sample(p, &one, i)).collect(),
                        _ => vec![one],
                    };
                    values.into_iter().map(move |v| (p.wire_name.to_owned(), v))
                })
                .collect();
            let pairs = outside_only_when(&op, pairs);
            Case {
                id: op.id().replace('.', "_"),
                pairs,
                answer: None,
                rust: op.host() == "api",
                op,
            }
        })
        .collect()
}

/// The pairs without the members an `only_when` rule keeps out under the value the pairs give
/// its parameter (messaging v3's typing indicator with `channel=WHATSAPP`: no `to`, no
/// `event`), a request the declaration would refuse.
fn outside_only_when(op: &Operation, pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let value_of = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let out: Vec<&str> = op
        .info
        .rules
        .iter()
        .filter_map(|r| match r.kind {
            runtime::registry::RuleKind::OnlyWhen { param, .. } => {
                (!r.kind.holds(value_of(param))).then_some(r.params)
            }
            _ => None,
        })
        .flatten()
        .copied()
        .collect();
    pairs
        .iter()
        .filter(|(n, _)| !out.contains(&n.as_str()))
        .cloned()
        .collect()
}

fn payment(call: &str) -> serde_json::Value {
    json!({
        "account_sid": ACCOUNT, "call_sid": call, "sid": sid("PK"),
        "date_created": "Tue, 01 Dec 2026 10:00:00 +0000",
        "date_updated": "Tue, 01 Dec 2026 10:00:00 +0000",
        "uri": "/2010-04-01/Accounts/AC/Calls/CA/Payments/PK.json"
    })
}

fn chosen() -> Vec<Case> {
    let op = |id: &str| catalog::find(id).unwrap_or_else(|| panic!("{id} is declared"));
    let p = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };
    let call = sid("CA");
    vec![
        Case {
            id: "kinds_payments_create".into(),
            op: op("payments.create"),
            pairs: p(&[
                ("CallSid", &call),
                ("IdempotencyKey", "order-1234/start it's $x"),
                (
                    "StatusCallback",
                    "https://example.com/pay/status?order=12&note=a%20b&q=it's",
                ),
                ("BankAccountType", "consumer-checking"),
                ("ChargeAmount", "19.99"),
                ("Currency", "USD"),
                (
                    "Description",
                    "line one\nline two: it's \"quoted\", $HOME, `id`, 100% & more=+",
                ),
                ("Input", "dtmf"),
                ("MinPostalCodeLength", "5"),
                (
                    "Parameter",
                    r#"{"customer": "O'Brien", "note": "a \"b\"", "n": 3, "ok": true}"#,
                ),
                ("PaymentConnector", "Default"),
                ("PaymentMethod", "credit-card"),
                ("PostalCode", "false"),
                ("SecurityCode", "true"),
                ("Timeout", "600"),
                ("TokenType", "reusable"),
                ("ValidCardTypes", "visa"),
                ("ValidCardTypes", "amex"),
                ("RequireMatchingInputs", "payment-card-number"),
                ("RequireMatchingInputs", "postal-code"),
                ("Confirmation", "true"),
            ]),
            answer: Some((201, payment(&call))),
            rust: true,
        },
        Case {
            id: "kinds_payments_update".into(),
            op: op("payments.update"),
            pairs: p(&[
                ("CallSid", &call),
                ("Sid", &sid("PK")),
                ("IdempotencyKey", "order-1234/card"),
                ("StatusCallback", "https://example.com/pay/status"),
                ("Capture", "payment-card-number"),
            ]),
            answer: Some((202, payment(&call))),
            rust: true,
        },
        Case {
            id: "kinds_calls_create".into(),
            op: op("calls.create"),
            pairs: p(&[
                ("To", "+15005550006"),
                ("From", "+15005550001"),
                (
                    "Twiml",
                    "<Response><Say>It's $5 & \"free\"</Say></Response>",
                ),
                ("Method", "GET"),
                ("Record", "true"),
                ("StatusCallbackEvent", "initiated"),
                ("StatusCallbackEvent", "ringing"),
                ("StatusCallbackEvent", "answered"),
                ("Timeout", "30"),
            ]),
            answer: Some((
                201,
                json!({ "sid": call, "account_sid": ACCOUNT, "status": "queued" }),
            )),
            rust: true,
        },
        Case {
            id: "kinds_calls_list".into(),
            op: op("calls.list"),
            pairs: p(&[
                ("Status", "completed"),
                ("StartTime>", "2024-01-01T00:00:00Z"),
                ("StartTime<", "2024-02-01T00:00:00Z"),
                ("To", "+15005550006"),
                ("PageSize", "20"),
            ]),
            answer: Some((
                200,
                json!({
                    "calls": [], "page": 0, "page_size": 20, "start": 0, "end": 0,
                    "first_page_uri": "/2010-04-01/Accounts/AC/Calls.json?PageSize=20&Page=0",
                    "next_page_uri": null, "previous_page_uri": null,
                    "uri": "/2010-04-01/Accounts/AC/Calls.json?PageSize=20&Page=0"
                }),
            )),
            rust: true,
        },
        Case {
            id: "kinds_calls_delete".into(),
            op: op("calls.delete"),
            pairs: p(&[("Sid", &call)]),
            answer: Some((204, json!(null))),
            rust: true,
        },
        // Beyond Api v2010: a product host with a path SID (the gateway serves it under
        // `/verify`), a header param, and a JSON body.
        Case {
            id: "kinds_verify_verifications_create".into(),
            op: op("verify.v2.services.verifications.create"),
            pairs: p(&[
                ("ServiceSid", &sid("VA")),
                ("To", "+15005550006"),
                ("Channel", "sms"),
                ("ChannelConfiguration", r#"{"template_id":"HJ1"}"#),
            ]),
            answer: Some((
                201,
                json!({ "sid": sid("VE"), "service_sid": sid("VA"), "status": "pending" }),
            )),
            rust: true,
        },
        Case {
            id: "kinds_conversations_users_create".into(),
            op: op("conversations.v1.users.create"),
            pairs: p(&[
                ("Identity", "o'brien@example.com"),
                ("FriendlyName", "Ann O'Brien"),
                ("X-Twilio-Webhook-Enabled", "true"),
            ]),
            answer: Some((
                201,
                json!({ "sid": sid("US"), "identity": "o'brien@example.com" }),
            )),
            rust: true,
        },
        Case {
            id: "kinds_marketplace_referral_conversion_create".into(),
            op: op("marketplace.v1.referral_conversion.create"),
            pairs: p(&[("referral_account_sid", ACCOUNT)]),
            answer: Some((201, json!({ "converted_account_sid": ACCOUNT }))),
            rust: true,
        },
        // A JSON body whose model is an inline schema with a title (twilio-python's
        // `LookupRequest`), a list of JSON objects in it…
        Case {
            id: "kinds_lookups_batch_query_create".into(),
            op: op("lookups.v2.batch.query.create"),
            pairs: p(&[
                (
                    "phone_numbers",
                    r#"{"phone_number":"+15005550006","fields":["line_type_intelligence"]}"#,
                ),
                ("phone_numbers", r#"{"phone_number":"+15005550001"}"#),
            ]),
            answer: None,
            rust: true,
        },
        // …and one with no declared members, which twilio-python has no class for.
        Case {
            id: "kinds_taskrouter_bulk_statistics_create".into(),
            op: op("taskrouter.v1.workspaces.task_queues.real_time_statistics.create"),
            pairs: p(&[("WorkspaceSid", &sid("WS"))]),
            answer: Some((
                200,
                json!({ "account_sid": ACCOUNT, "workspace_sid": sid("WS"), "task_queue_data": [] }),
            )),
            rust: true,
        },
    ]
}

struct Proof {
    origin: String,
    shared: Shared,
    checker: console::Checker,
    client: runtime::Client,
    failures: Vec<String>,
    passed: usize,
    /// `(language, operation)` pairs of [`KNOWN_DIFFERENCES`] that did differ.
    known_seen: Vec<(String, String)>,
}

/// Where a pinned helper sends another request than ours for the same values, or cannot make
/// the call at all, and why (one `language operation` per line; `#` starts a comment). Each
/// entry must still differ: one that passes fails the proof, so the list never goes stale.
const KNOWN_DIFFERENCES: &str = include_str!("snippet_differences.txt");

/// The `(language, operation)` pairs of [`KNOWN_DIFFERENCES`].
fn known_pairs() -> impl Iterator<Item = (&'static str, &'static str)> {
    KNOWN_DIFFERENCES.lines().filter_map(|line| {
        let mut words = line.split('#').next().unwrap_or("").split_whitespace();
        Some((words.next()?, words.next()?))
    })
}

fn known(lang: &str, op: &str) -> bool {
    known_pairs().any(|(l, o)| l == lang && o == op)
}

impl Proof {
    /// Records a difference: a failure unless the list of known ones names it (the list is
    /// for the every-operation cases; a hand-picked case must always match).
    fn fail(&mut self, case: &Case, lang: &str, detail: String) {
        let op = case.op.id();
        if !case.id.starts_with("kinds_") && known(lang, &op) {
            self.known_seen.push((lang.to_owned(), op));
        } else {
            self.failures.push(format!("{op} ({lang}): {detail}"));
        }
    }

    fn compare(&mut self, case: &Case, lang: &str, ours: &Wire, theirs: &[Wire]) {
        match theirs {
            [one] if same(&case.op, ours, one) => {
                self.passed += 1;
                if !case.id.starts_with("kinds_") && known(lang, &case.op.id()) {
                    self.failures.push(format!(
                        "{} ({lang}) is listed in snippet_differences.txt and now sends what ours does: remove it",
                        case.op.id()
                    ));
                }
            }
            [one] => self.fail(case, lang, format!("sent {one:#?}\n  ours {ours:#?}")),
            many => self.fail(
                case,
                lang,
                format!("{} requests instead of one", many.len()),
            ),
        }
    }
}

/// The same request: method, path, content type, the query and body pairs (JSON-valued
/// parameters compared as JSON; pairs compared in order within each name), a JSON body as JSON,
/// and Twilio's request headers (header params).
fn same(op: &Operation, a: &Wire, b: &Wire) -> bool {
    let norm = |pairs: &[(String, String)]| {
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            let v = match op.info.param(k).map(|p| p.kind.scalar) {
                Some(Scalar::Json) => serde_json::from_str::<serde_json::Value>(v)
                    .map(|j| j.to_string())
                    .unwrap_or_else(|_| v.clone()),
                _ => v.clone(),
            };
            by_name.entry(k.clone()).or_default().push(v);
        }
        by_name
    };
    a.method == b.method
        && a.path == b.path
        && a.content_type == b.content_type
        && norm(&a.query) == norm(&b.query)
        && norm(&a.body) == norm(&b.body)
        && a.json == b.json
        && declared_headers(op, a) == declared_headers(op, b)
}

/// The request's values of the operation's header params (twilio-python adds an
/// `X-Twilio-Client` of its own, which is no parameter).
fn declared_headers<'w>(op: &Operation, wire: &'w Wire) -> Vec<&'w (String, String)> {
    wire.twilio_headers
        .iter()
        .filter(|(name, _)| {
            op.info.params.iter().any(|p| {
                p.location == runtime::param::Location::Header
                    && p.wire_name.eq_ignore_ascii_case(name)
            })
        })
        .collect()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("repo root")
}

#[tokio::test(flavor = "multi_thread")]
async fn snippets_send_what_our_client_sends() {
    let (origin, shared) = recorder().await;
    let client = runtime::Client::builder(ACCOUNT, "recorder-token")
        .base_url(&origin)
        .retry(runtime::RetryPolicy::none())
        .build()
        .expect("client");
    let mut proof = Proof {
        origin: origin.clone(),
        shared: shared.clone(),
        checker: console::Checker::new(ACCOUNT).expect("checker"),
        client,
        failures: Vec::new(),
        passed: 0,
        known_seen: Vec::new(),
    };
    let mut cases = chosen();
    cases.extend(every_operation());

    // Ours, and every snippet, per case.
    let mut prepared = Vec::new();
    for case in &cases {
        let checked = proof.checker.check(&case.op, case.pairs.clone()).await;
        assert!(
            checked.is_ok(),
            "{}: the sample values are refused: {:?}\n{:?}",
            case.id,
            checked.problems,
            case.pairs
        );
        if let Some((status, body)) = &case.answer {
            shared
                .lock()
                .expect("lock")
                .answer
                .insert(case.id.clone(), (*status, body.to_string()));
        }
        set_mark(&shared, &format!("{}-ours", case.id));
        let outcome = (case.op.info.erased.send_wire)(&proof.client, &checked.pairs).await;
        let ours = taken(&shared, &format!("{}-ours", case.id));
        assert_eq!(
            ours.len(),
            1,
            "{}: our client sent {} requests ({:?})",
            case.op.id(),
            ours.len(),
            outcome.result
        );
        let call = Call::new(case.op, &checked, ACCOUNT);
        let snippets = snippet::all(
            &call,
            &Target::Gateway {
                origin: origin.clone(),
            },
        );
        for (lang, text) in [
            ("rust", &snippets.rust),
            ("curl", &snippets.curl),
            ("python", &snippets.python),
            ("node", &snippets.node),
        ] {
            assert!(
                !text.contains("recorder-token"),
                "{lang} snippet holds no secret"
            );
        }
        prepared.push((ours.into_iter().next().expect("one"), snippets));
    }

    run_curl(&mut proof, &cases, &prepared);
    run_python(&mut proof, &cases, &prepared);
    run_node(&mut proof, &cases, &prepared);
    run_rust(&mut proof, &cases, &prepared);

    // Every listed difference must have been seen (an entry for an operation no longer run,
    // or misspelt, is stale too).
    for (lang, op) in known_pairs() {
        if !proof.known_seen.iter().any(|(l, o)| l == lang && o == op) {
            proof.failures.push(format!(
                "snippet_differences.txt lists `{lang} {op}`, which did not differ"
            ));
        }
    }
    println!(
        "{} passed, {} known differences (snippet_differences.txt), {} failed",
        proof.passed,
        proof.known_seen.len(),
        proof.failures.len()
    );
    assert!(proof.failures.is_empty(), "{}", proof.failures.join("\n"));
}

fn env_key(cmd: &mut Command) -> &mut Command {
    cmd.env("GATEWAY_KEY_ID", "SKffffffffffffffffffffffffffffffff")
        .env("GATEWAY_KEY_SECRET", "proof-secret")
}

fn run_curl(proof: &mut Proof, cases: &[Case], prepared: &[(Wire, snippet::Snippets)]) {
    for (case, (ours, snippets)) in cases.iter().zip(prepared) {
        let mark = format!("{}-curl", case.id);
        set_mark(&proof.shared, &mark);
        let out = env_key(
            Command::new("sh")
                .arg("-c")
                .arg(format!("{} -s -o /dev/null", snippets.curl)),
        )
        .output()
        .expect("curl runs");
        if !out.status.success() {
            proof.fail(
                case,
                "curl",
                format!(
                    "exit {:?}: {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                ),
            );
            let _ = taken(&proof.shared, &mark);
            continue;
        }
        let theirs = taken(&proof.shared, &mark);
        proof.compare(case, "curl", ours, &theirs);
    }
}

fn run_python(proof: &mut Proof, cases: &[Case], prepared: &[(Wire, snippet::Snippets)]) {
    let python = std::env::var("TWILIO_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|_| target_dir().join("venv/bin/python"));
    assert!(
        python.exists(),
        "{} is missing: run scripts/python-deps",
        python.display()
    );
    // One interpreter runs every snippet (importing twilio once), marking each on the
    // recorder first; a snippet that raises after sending is reported, not fatal.
    let runs = |c: &Case| in_helper(&c.op, NOT_IN_TWILIO_PYTHON);
    eprintln!(
        "python: {} operation(s) of products twilio-python 9.13.0 lacks not run",
        cases.iter().filter(|c| !runs(c)).count()
    );
    let scripts: Vec<serde_json::Value> = cases
        .iter()
        .zip(prepared)
        .filter(|(c, _)| runs(c))
        .map(|(c, (_, s))| json!({ "mark": format!("{}-python", c.id), "code": s.python, "must_pass": c.answer.is_some() }))
        .collect();
    let file = target_dir().join("snippet-proof-python.json");
    std::fs::write(&file, serde_json::to_vec(&scripts).expect("json")).expect("write");
    let driver = r#"
import json, sys, urllib.request, io, contextlib
origin, path = sys.argv[1], sys.argv[2]
failed, errors = [], {}
for s in json.load(open(path)):
    urllib.request.urlopen(urllib.request.Request(origin + "/__mark/" + s["mark"], method="POST")).read()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(s["code"], s["mark"], "exec"), {"__name__": "__main__"})
    except Exception as e:
        message = type(e).__name__ + ": " + str(e)[:300]
        errors[s["mark"]] = message
        if s["must_pass"]:
            failed.append(s["mark"] + ": " + message)
print(json.dumps([failed, errors]))
"#;
    let out = env_key(
        Command::new(&python)
            .arg("-c")
            .arg(driver)
            .arg(&proof.origin)
            .arg(&file),
    )
    .output()
    .expect("python runs");
    assert!(
        out.status.success(),
        "python driver: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (failed, errors): (Vec<String>, BTreeMap<String, String>) =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
            (
                vec![String::from_utf8_lossy(&out.stdout).into_owned()],
                BTreeMap::new(),
            )
        });
    proof
        .failures
        .extend(failed.into_iter().map(|f| format!("python: {f}")));
    for (case, (ours, _)) in cases.iter().zip(prepared).filter(|(c, _)| runs(c)) {
        let mark = format!("{}-python", case.id);
        let theirs = taken(&proof.shared, &mark);
        if theirs.is_empty() {
            let why = errors.get(&mark).cloned().unwrap_or_default();
            proof.fail(case, "python", format!("sent nothing: {why}"));
            continue;
        }
        proof.compare(case, "python", ours, &theirs);
    }
}

fn run_node(proof: &mut Proof, cases: &[Case], prepared: &[(Wire, snippet::Snippets)]) {
    let modules = std::env::var("TWILIO_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| target_dir().join("node/node_modules"));
    assert!(
        modules.join("twilio/package.json").exists(),
        "{} holds no twilio: run scripts/node-deps",
        modules.display()
    );
    let runs = |c: &Case| in_helper(&c.op, NOT_IN_TWILIO_NODE);
    eprintln!(
        "node: {} operation(s) of products twilio-node 6.0.0 lacks not run",
        cases.iter().filter(|c| !runs(c)).count()
    );
    let scripts: Vec<serde_json::Value> = cases
        .iter()
        .zip(prepared)
        .filter(|(c, _)| runs(c))
        .map(|(c, (_, s))| json!({ "mark": format!("{}-node", c.id), "code": s.node, "must_pass": c.answer.is_some() }))
        .collect();
    let file = target_dir().join("snippet-proof-node.json");
    std::fs::write(&file, serde_json::to_vec(&scripts).expect("json")).expect("write");
    // One Node process runs every snippet (twilio-node loads in about half a second). Each
    // snippet is its text verbatim, run as a function body with a `process` whose `exit`
    // records the code instead of ending the driver; its closing `main().catch(…)` becomes the
    // function's result so the driver can wait for it. A snippet without that line fails.
    let driver = r#"
const fs = require("fs"), http = require("http");
const [origin, path, results] = process.argv.slice(1);
const mark = (m) => new Promise((resolve, reject) => {
  const req = http.request(origin + "/__mark/" + m, { method: "POST" }, (res) => { res.resume(); res.on("end", resolve); });
  req.on("error", reject);
  req.end();
});
(async () => {
  const failed = [], errors = {};
  for (const s of JSON.parse(fs.readFileSync(path, "utf8"))) {
    await mark(s.mark);
    let exitCode = 0, reported = "";
    const quiet = { log() {}, info() {}, warn() {}, error(e) { reported = String(e && e.stack || e).slice(0, 300); } };
    const fakeProcess = Object.create(process, { exit: { value: (code) => { exitCode = code ?? 0; } } });
    const body = s.code.replace(/\nmain\(\)\.catch\(/, "\nreturn main().catch(");
    try {
      if (body === s.code) throw new Error("the snippet has no closing main().catch(...)");
      await new Function("require", "process", "console", body)(require, fakeProcess, quiet);
      if (exitCode !== 0) throw new Error("exit " + exitCode + ": " + reported);
    } catch (e) {
      const message = String(e && e.message || e).slice(0, 300);
      errors[s.mark] = message;
      if (s.must_pass) failed.push(s.mark + ": " + message);
    }
  }
  // To a file: a pipe's stdout is written asynchronously, and `exit` would cut it short.
  fs.writeFileSync(results, JSON.stringify([failed, errors]));
  process.exit(0);
})();
"#;
    let results = target_dir().join("snippet-proof-node-results.json");
    let _ = std::fs::remove_file(&results);
    let out = env_key(
        Command::new("node")
            .arg("-e")
            .arg(driver)
            .arg(&proof.origin)
            .arg(&file)
            .arg(&results)
            .env("NODE_PATH", &modules),
    )
    .output()
    .expect("node runs");
    assert!(
        out.status.success(),
        "node driver: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read(&results).unwrap_or_default();
    let (failed, errors): (Vec<String>, BTreeMap<String, String>) =
        serde_json::from_slice(&written).unwrap_or_else(|e| {
            (
                vec![format!("the driver's results do not read ({e})")],
                BTreeMap::new(),
            )
        });
    proof
        .failures
        .extend(failed.into_iter().map(|f| format!("node: {f}")));
    for (case, (ours, _)) in cases.iter().zip(prepared).filter(|(c, _)| runs(c)) {
        let mark = format!("{}-node", case.id);
        let theirs = taken(&proof.shared, &mark);
        if theirs.is_empty() {
            let why = errors.get(&mark).cloned().unwrap_or_default();
            proof.fail(case, "node", format!("sent nothing: {why}"));
            continue;
        }
        proof.compare(case, "node", ours, &theirs);
    }
}

fn run_rust(proof: &mut Proof, cases: &[Case], prepared: &[(Wire, snippet::Snippets)]) {
    // One crate: each snippet verbatim in its own module, a dispatcher picks one by name.
    let dir = target_dir().join("snippet-proof");
    let src = dir.join("src");
    std::fs::create_dir_all(&src).expect("dir");
    // `api`'s product features the cases need (`api::verify::…` needs `verify`), and no more:
    // the crate has a target dir of its own, so every product in it compiles again.
    let mut features: Vec<String> = cases
        .iter()
        .filter(|c| c.rust && c.op.host() != "api")
        .filter_map(|c| c.op.rust_path().split("::").nth(1).map(str::to_owned))
        .collect();
    features.sort();
    features.dedup();
    let repo = repo();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"snippet-proof\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\napi = {{ path = {:?}, features = {:?} }}\nruntime = {{ path = {:?} }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\nserde_json = \"1\"\n\n# No debug info: the crate is built once to be run, and its target dir is disk CI pays for.\n[profile.dev]\ndebug = false\n",
            repo.join("api").display().to_string(),
            features,
            repo.join("runtime").display().to_string(),
        ),
    )
    .expect("manifest");
    std::fs::copy(repo.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    let mut main = String::from("#![allow(dead_code, unused_imports)]\n");
    let mut arms = String::new();
    for (case, (_, snippets)) in cases.iter().zip(prepared).filter(|(c, _)| c.rust) {
        std::fs::write(src.join(format!("{}.rs", case.id)), &snippets.rust).expect("snippet");
        // The snippet verbatim; `run` reaches its private `main` from the same module.
        main.push_str(&format!(
            "mod {id} {{\n    include!(\"{id}.rs\");\n    pub fn run() -> Result<(), runtime::Error> {{\n        main()\n    }}\n}}\n",
            id = case.id
        ));
        arms.push_str(&format!("        {:?} => {}::run(),\n", case.id, case.id));
    }
    main.push_str(&format!(
        "\nfn main() {{\n    let case = std::env::args().nth(1).unwrap_or_default();\n    let result = match case.as_str() {{\n{arms}        other => panic!(\"no case {{other}}\"),\n    }};\n    if let Err(e) = result {{\n        eprintln!(\"{{e}}\");\n        std::process::exit(1);\n    }}\n}}\n"
    ));
    std::fs::write(src.join("main.rs"), main).expect("main");
    let build_dir = dir.join("target");
    let started = std::time::Instant::now();
    let out = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &build_dir)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "the Rust snippets do not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "rust snippets of {} operations compiled in {:.1?}",
        cases.iter().filter(|c| c.rust).count(),
        started.elapsed()
    );
    let binary = build_dir.join("debug/snippet-proof");
    for (case, (ours, _)) in cases.iter().zip(prepared).filter(|(c, _)| c.rust) {
        let mark = format!("{}-rust", case.id);
        set_mark(&proof.shared, &mark);
        let out = env_key(Command::new(&binary).arg(&case.id))
            .output()
            .expect("snippet runs");
        if case.answer.is_some() && !out.status.success() {
            proof.failures.push(format!(
                "{} (rust): exit {:?}: {}",
                case.op.id(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let theirs = taken(&proof.shared, &mark);
        proof.compare(case, "rust", ours, &theirs);
    }
}
