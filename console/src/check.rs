//! The authoritative check of a filled-in form, by the declaration itself, and the exact wire
//! request our client would send for it.
//!
//! A form arrives as `(wire name, value)` pairs. The declaration rebuilds its params struct
//! from them (the same conversions, ranges and rules a Rust caller meets), and the client's
//! own encoder turns that struct into the request. The page sends exactly that request, and
//! the snippets are written from it, so the console never re-implements a wire rule.

use runtime::param::Location;
use runtime::WireInput;
use runtime::{Client, ErrorKind, RetryPolicy, WireError};
use serde::Serialize;

use crate::catalog::Operation;

/// One refused value (or a refusal of the whole request, with no parameter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The parameter's wire name, when the refusal is about one parameter.
    pub param: Option<String>,
    /// Why, in the declaration's words.
    pub message: String,
}

/// The request exactly as our client would send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireRequest {
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// The path and query on the gateway's REST surface (Twilio's path, prefixed with
    /// `/{host}` for products other than api.twilio.com).
    pub path: String,
    /// The path and query on Twilio's host.
    pub twilio_path: String,
    /// The body's content type, when there is a body.
    pub content_type: Option<&'static str>,
    /// The encoded body.
    pub body: Option<String>,
    /// Declared header parameters, in declaration order.
    pub headers: Vec<(String, String)>,
}

impl WireRequest {
    /// The body's pairs, decoded, in order (a form body); empty for other bodies.
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        match (&self.body, self.content_type) {
            (Some(body), Some(FORM)) => decode_pairs(body),
            _ => Vec::new(),
        }
    }

    /// The members of a JSON body as `(name, text)`: a string as itself, anything else as its
    /// JSON text; empty for other bodies.
    pub fn json_pairs(&self) -> Vec<(String, String)> {
        let (Some(body), Some(JSON)) = (&self.body, self.content_type) else {
            return Vec::new();
        };
        match serde_json::from_str::<serde_json::Value>(body) {
            Ok(serde_json::Value::Object(members)) => members
                .into_iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(text) => (k, text),
                    other => (k, other.to_string()),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The query's pairs, decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.twilio_path
            .split_once('?')
            .map(|(_, q)| decode_pairs(q))
            .unwrap_or_default()
    }

    /// The path without its query.
    pub fn twilio_path_only(&self) -> &str {
        self.twilio_path
            .split_once('?')
            .map_or(self.twilio_path.as_str(), |(p, _)| p)
    }
}

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// Decodes `a=b&c=d` (form encoding: `+` is a space).
pub fn decode_pairs(encoded: &str) -> Vec<(String, String)> {
    serde_html_form::from_str::<Vec<(String, String)>>(encoded).unwrap_or_default()
}

/// The outcome of checking a form.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    /// Every refusal; empty when the request is good to send.
    pub problems: Vec<Problem>,
    /// The request, when the declaration accepted the values.
    pub request: Option<WireRequest>,
    /// The values as given (empty values dropped), in form order.
    #[serde(skip)]
    pub pairs: Vec<(String, String)>,
}

impl Checked {
    /// Whether the declaration accepted the values.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && self.request.is_some()
    }
}

/// Checks what the declaration needs to rebuild requests: a client that never reaches any
/// server (it only encodes), acting for `account_sid`.
pub struct Checker {
    client: Client,
}

impl Checker {
    /// A checker for requests made on behalf of `account_sid` (it fills `<AccountSid>` when the
    /// form leaves it empty, as the client does).
    pub fn new(account_sid: &str) -> Result<Self, runtime::Error> {
        // Not a credential: this client only encodes; its sends go to a closed loopback port.
        let client = Client::builder(account_sid, "console-encoder")
            .base_url("http://127.0.0.1:1")
            .retry(RetryPolicy::none())
            .timeout(std::time::Duration::from_secs(2))
            .build()?;
        Ok(Self { client })
    }

    /// Checks `pairs` (wire name, value) against `op`'s declaration. Empty values are
    /// dropped, and the repeated values of a joined list (`ValidCardTypes=visa`,
    /// `ValidCardTypes=amex`) become its one wire value (`visa amex`).
    pub async fn check(&self, op: &Operation, pairs: Vec<(String, String)>) -> Checked {
        let pairs = crate::api::join_lists(op, pairs);
        let mut problems = Vec::new();
        for (name, _) in &pairs {
            if op.info.param(name).is_none()
                && !problems
                    .iter()
                    .any(|p: &Problem| p.param.as_deref() == Some(name))
            {
                problems.push(Problem {
                    param: Some(name.clone()),
                    message: format!("{name} is not a parameter of {}", op.id()),
                });
            }
        }
        if !problems.is_empty() {
            return Checked {
                problems,
                request: None,
                pairs,
            };
        }
        // The declaration's own check (the setters' conversions and messages, ranges, rules),
        // each refusal under its parameter's name.
        if let Err(refused) = (op.info.erased.check)(&WireInput::from_pairs(op.info, &pairs)) {
            problems.extend(refused.iter().map(|p| Problem {
                param: Some(p.param.to_string()),
                message: p.to_string(),
            }));
            return Checked {
                problems,
                request: None,
                pairs,
            };
        }
        // The declaration rebuilds its params struct from the pairs and encodes it with the
        // client's own encoder; the send that follows fails at once (nothing listens there),
        // which is the point: nothing leaves the machine.
        let Some(outcome) = encode_off_thread(self.client.clone(), op.info, pairs.clone()).await
        else {
            problems.push(Problem {
                param: None,
                message: "the console could not run the declaration's check".to_owned(),
            });
            return Checked {
                problems,
                request: None,
                pairs,
            };
        };
        match outcome.result {
            Err(WireError::Params(message)) => {
                problems.push(serde_problem(op, &message));
            }
            Err(WireError::Call(error)) => {
                if let ErrorKind::InvalidParams(refused) = error.kind() {
                    problems.extend(refused.iter().map(|p| Problem {
                        param: Some(p.param.to_string()),
                        message: p.to_string(),
                    }));
                }
            }
            Ok(()) => {}
        }
        let request = if problems.is_empty() {
            outcome
                .request
                .map(|(path, body)| wire_request(op, path, body, &pairs))
        } else {
            None
        };
        if request.is_none() && problems.is_empty() {
            problems.push(Problem {
                param: None,
                message: "the declaration could not encode this request".to_owned(),
            });
        }
        Checked {
            problems,
            request,
            pairs,
        }
    }
}

/// Runs the erased entry point, whose future is not `Send`, on a blocking thread with a
/// runtime of its own (one per thread, reused).
async fn encode_off_thread(
    client: Client,
    info: &'static runtime::EndpointInfo,
    pairs: Vec<(String, String)>,
) -> Option<runtime::WireOutcome> {
    thread_local! {
        static RUNTIME: Option<tokio::runtime::Runtime> = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok();
    }
    tokio::task::spawn_blocking(move || {
        RUNTIME.with(|rt| {
            rt.as_ref()
                .map(|rt| rt.block_on((info.erased.send_wire)(&client, &pairs)))
        })
    })
    .await
    .ok()
    .flatten()
}

fn wire_request(
    op: &Operation,
    twilio_path: String,
    body: Option<String>,
    pairs: &[(String, String)],
) -> WireRequest {
    let headers = op
        .info
        .params
        .iter()
        .filter(|p| p.location == Location::Header)
        .flat_map(|p| {
            pairs
                .iter()
                .filter(move |(n, _)| n == p.wire_name)
                .map(|(n, v)| (n.clone(), v.clone()))
        })
        .collect();
    WireRequest {
        method: op.info.method.as_str(),
        path: format!("{}{twilio_path}", op.gateway_prefix()),
        twilio_path,
        content_type: body.as_ref().map(|_| match op.info.body {
            runtime::Body::Json => JSON,
            _ => FORM,
        }),
        body,
        headers,
    }
}

/// A deserialization refusal, named by wire name: `missing field `call_sid`` becomes
/// `CallSid is required`.
fn serde_problem(op: &Operation, message: &str) -> Problem {
    if let Some(field) = message
        .split_once("missing field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(field, _)| field)
    {
        if let Some(p) = op.info.params.iter().find(|p| p.field == field) {
            return Problem {
                param: Some(p.wire_name.to_owned()),
                message: format!("{} is required", p.wire_name),
            };
        }
    }
    Problem {
        param: None,
        message: message.to_owned(),
    }
}
