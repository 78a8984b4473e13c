//! Driving every declaration through the real `runtime::Client` against `prism mock`, which
//! validates each request against the spec (422 with reasons when it disagrees) and answers
//! with the spec's example, which must parse into the declared response type.

use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use runtime::param::{ListStyle, Location, Scalar};
use runtime::{EndpointInfo, WireError};
use serde_json::Value;

use crate::check::spec_path;
use crate::spec::Spec;
use crate::values::{pairs, Fill, ACCOUNT_SID};

/// The auth token the suite sends; Prism checks that Basic credentials are present, not what
/// they are.
pub const AUTH_TOKEN: &str = "conformance-test-token";

/// The OAuth2 client id the suite's client sends for a token (Prism checks the form's shape).
pub const OAUTH_CLIENT_ID: &str = "conformance-client";

/// Requests in flight at once (Prism is one Node process; more only queues).
const CONCURRENCY: usize = 8;

/// What Prism made of one call.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// 2xx, and the body parsed into the declared response type.
    Accepted,
    /// Refused: the reasons.
    Rejected(String),
    /// Prism refused only what a form carries differently from how Prism reads the spec: a
    /// repeated-key array (`Key=a&Key=b`, Twilio's real encoding, which Prism reads as one
    /// string) or an object sent as one JSON string (as the official helpers send it). The
    /// verdict is set aside; the call was re-sent without those parameters and `rest` is the
    /// verdict on everything else (`None` when they are required, so no re-send is possible;
    /// the static check still judges them).
    SetAside {
        /// The array parameters Prism refused.
        params: Vec<String>,
        /// The verdict on the call without them.
        rest: Option<Box<Verdict>>,
    },
}

impl Verdict {
    /// Whether this counts as accepted.
    pub fn accepted(&self) -> bool {
        match self {
            Verdict::Accepted => true,
            Verdict::Rejected(_) => false,
            Verdict::SetAside { rest, .. } => rest.as_deref().is_none_or(Verdict::accepted),
        }
    }
}

/// One call of the suite.
#[derive(Debug, Clone)]
pub struct Call {
    /// `METHOD /path/{X}`.
    pub endpoint: String,
    /// Which parameters were set.
    pub fill: Fill,
    /// Prism's verdict.
    pub verdict: Verdict,
}

/// Drives each endpoint twice (required parameters only, then all) against the Prism server at
/// `base_url`.
pub async fn drive(
    endpoints: &[&'static EndpointInfo],
    spec: &Spec,
    base_url: &str,
) -> Result<Vec<Call>, String> {
    // One Prism serves one spec: every host of these endpoints goes to it, at its root.
    let mut builder = runtime::Client::builder(ACCOUNT_SID, AUTH_TOKEN).base_url(base_url);
    let mut hosts: Vec<&str> = endpoints.iter().map(|e| e.host).collect();
    hosts.sort_unstable();
    hosts.dedup();
    let serves_oauth = hosts.contains(&"oauth");
    for host in hosts {
        builder = builder.host_base_url(host, base_url);
    }
    // The `auth = oauth2` endpoints (Organizations) take a bearer token from the oauth
    // product's token endpoint: scripts/conformance serves that spec with a Prism of its own,
    // whose example answer is the token. A spec that is the oauth product's keeps its own.
    builder = builder.oauth2(OAUTH_CLIENT_ID, AUTH_TOKEN);
    if let (false, Ok(url)) = (serves_oauth, std::env::var(crate::PRISM_OAUTH_ENV)) {
        builder = builder.host_base_url("oauth", url.trim_end_matches('/'));
    }
    let client = builder
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("cannot build the client: {e}"))?;
    // reqwest is built without a crypto provider of its own (the workspace uses ring, see the
    // root Cargo.toml): name it for the process before building a client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let raw = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let jobs = endpoints
        .iter()
        .flat_map(|e| [(*e, Fill::Required), (*e, Fill::All)]);
    let mut calls: Vec<(usize, Call)> = stream::iter(jobs.enumerate())
        .map(|(i, (info, fill))| {
            let (client, raw) = (&client, &raw);
            async move {
                let verdict = call(client, raw, spec, base_url, info, fill).await;
                let endpoint = format!("{} {}", info.method, spec_path(info.path));
                (
                    i,
                    Call {
                        endpoint,
                        fill,
                        verdict,
                    },
                )
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    calls.sort_by_key(|(i, _)| *i);
    Ok(calls.into_iter().map(|(_, c)| c).collect())
}

async fn call(
    client: &runtime::Client,
    raw: &reqwest::Client,
    spec: &Spec,
    base_url: &str,
    info: &'static EndpointInfo,
    fill: Fill,
) -> Verdict {
    let op = spec.operation(&spec_path(info.path), info.method.as_str());
    let wire = pairs(info, fill, op.as_ref().map(|op| (op, spec)));
    let verdict = once(client, raw, base_url, info, &wire).await;
    let Err(reasons) = verdict else {
        return Verdict::Accepted;
    };
    // Set aside only a refusal made entirely of "must be array" on repeated-key parameters and
    // "must be object" on form or query parameters that carry a JSON object as one string.
    let form_shaped = |name: &str, message: &str| {
        info.param(name).is_some_and(|p| {
            (p.kind.list == Some(ListStyle::RepeatedKey) && message.contains("must be array"))
                || (p.kind.scalar == Scalar::Json
                    && p.location != Location::Json
                    && message.contains("must be object"))
        })
    };
    let blamed: Option<Vec<String>> = reasons
        .issues
        .iter()
        .map(|issue| {
            let name = issue.param.as_ref()?;
            form_shaped(name, &issue.message).then(|| name.clone())
        })
        .collect();
    match blamed {
        Some(mut params) if !params.is_empty() => {
            params.sort();
            params.dedup();
            let droppable = params
                .iter()
                .all(|n| info.param(n).is_some_and(|p| !p.required));
            let rest = if droppable {
                let without: Vec<(String, String)> = wire
                    .into_iter()
                    .filter(|(k, _)| !params.contains(k))
                    .collect();
                Some(Box::new(
                    match once(client, raw, base_url, info, &without).await {
                        Ok(()) => Verdict::Accepted,
                        Err(r) => Verdict::Rejected(r.text),
                    },
                ))
            } else {
                None
            };
            Verdict::SetAside { params, rest }
        }
        _ => Verdict::Rejected(reasons.text),
    }
}

/// One validation problem Prism reported.
struct Issue {
    /// The parameter it names, when it names one.
    param: Option<String>,
    message: String,
}

struct Refusal {
    text: String,
    issues: Vec<Issue>,
}

async fn once(
    client: &runtime::Client,
    raw: &reqwest::Client,
    base_url: &str,
    info: &'static EndpointInfo,
    wire: &[(String, String)],
) -> Result<(), Refusal> {
    let outcome = (info.erased.send_wire)(client, wire).await;
    let err = match outcome.result {
        Ok(()) => return Ok(()),
        Err(WireError::Params(m)) => {
            return Err(Refusal {
                text: format!("the generated pairs do not make the params struct: {m}"),
                issues: Vec::new(),
            })
        }
        Err(WireError::Call(e)) => e,
    };
    let (Some(422), Some((target, body))) = (err.status(), outcome.request) else {
        return Err(Refusal {
            text: err.to_string(),
            issues: Vec::new(),
        });
    };
    // The client keeps Prism's summary, not its list of reasons: replay the exact request
    // (same bytes) to read them.
    let issues = replay(raw, base_url, info, &target, body).await;
    let text = if issues.is_empty() {
        err.to_string()
    } else {
        let list: Vec<String> = issues
            .iter()
            .map(|i| match &i.param {
                Some(p) => format!("{p}: {}", i.message),
                None => i.message.clone(),
            })
            .collect();
        format!("422: {}", list.join("; "))
    };
    Err(Refusal { text, issues })
}

async fn replay(
    raw: &reqwest::Client,
    base_url: &str,
    info: &EndpointInfo,
    target: &str,
    body: Option<String>,
) -> Vec<Issue> {
    let url = format!("{base_url}{target}");
    let mut req = match info.method {
        runtime::Method::Get => raw.get(url),
        runtime::Method::Post => raw.post(url),
        runtime::Method::Put => raw.put(url),
        runtime::Method::Patch => raw.patch(url),
        runtime::Method::Delete => raw.delete(url),
    };
    // The same credentials' kind and body type as the client sent, or Prism would refuse the
    // replay for another reason than the call's.
    req = match info.auth {
        runtime::Auth::Basic => req.basic_auth(ACCOUNT_SID, Some(AUTH_TOKEN)),
        runtime::Auth::OAuth2 => req.bearer_auth("conformance-replay"),
        runtime::Auth::None => req,
    };
    if let Some(body) = body {
        let content_type = match info.body {
            runtime::Body::Json => "application/json",
            _ => "application/x-www-form-urlencoded",
        };
        req = req.header("content-type", content_type).body(body);
    }
    let Ok(resp) = req.send().await else {
        return Vec::new();
    };
    let Ok(bytes) = resp.bytes().await else {
        return Vec::new();
    };
    let Ok(json) = serde_json::from_slice::<Value>(&bytes) else {
        return Vec::new();
    };
    json["validation"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|v| {
                    let location: Vec<&str> = v["location"]
                        .as_array()
                        .map(|l| l.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    Issue {
                        param: location.get(1).map(|s| (*s).to_owned()),
                        message: v["message"].as_str().unwrap_or("(no message)").to_owned(),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}
