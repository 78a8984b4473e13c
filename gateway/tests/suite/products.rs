//! Every product through the gateway: the generated declarations (`api` with every product;
//! `verify.v2.services.verifications.create` and the rest) and one stand-in, on hosts other
//! than `api`. They prove that a
//! product is served under `/{host}` and reaches the upstream at the routed path (DESIGN's
//! Routing: a base URL puts host `verify` at `{base}/verify`), that the same path in two
//! products stays apart, that the unprefixed path is no operation, that a JSON body and a
//! header parameter are checked by the declaration and forwarded exactly, that page links
//! lead back through the gateway, and that the injected credentials win.

use crate::common;

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use common::*;
use http_body_util::BodyExt as _;
use serde_json::json;

// Verify, Messaging and Chat are the generated declarations (`api` with every product);
// Assistants gets a stand-in (`crate::assistants`, at the binary's root so that its operation
// is named `assistants.v1.sandboxes.create`, as a product's would be).

const SERVICE: &str = "VAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const MESSAGING: &str = "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// One request as the upstream got it.
#[derive(Debug, Clone)]
struct Got {
    method: String,
    target: String,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

type Log = Arc<Mutex<Vec<Got>>>;

/// A recording upstream. Answers 201 to POSTs; to `/verify/v2/Services` a page whose `meta`
/// names Twilio's host (the first page) or the upstream's own base (any later page).
async fn upstream() -> (String, Log) {
    let log: Log = Arc::default();
    async fn answer(State((log, own)): State<(Log, String)>, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let body = body.collect().await.expect("body").to_bytes().to_vec();
        let target = parts.uri.to_string();
        log.lock().expect("lock").push(Got {
            method: parts.method.to_string(),
            target: target.clone(),
            headers: parts.headers.clone(),
            body,
        });
        let headers = [
            ("Content-Type", "application/json"),
            ("Twilio-Request-Id", "RQ0123456789abcdef0123456789abcdef"),
        ];
        if parts.method == http::Method::POST {
            return (
                http::StatusCode::CREATED,
                headers,
                r#"{"sid":"VE00000000000000000000000000000001","status":"pending"}"#,
            )
                .into_response();
        }
        if target.starts_with("/verify/v2/Services") {
            let first = !target.contains("PageToken");
            let (page, base) = if first {
                (0, "https://verify.twilio.com".to_owned())
            } else {
                (1, format!("{own}/verify"))
            };
            let next = if first {
                json!(format!(
                    "{base}/v2/Services?PageSize=1&Page=1&PageToken=PT1"
                ))
            } else {
                serde_json::Value::Null
            };
            let body = json!({
                "services": [{"sid": format!("VA{page:032x}"), "url": format!("https://verify.twilio.com/v2/Services/VA{page:032x}")}],
                "meta": {
                    "page": page,
                    "page_size": 1,
                    "first_page_url": format!("{base}/v2/Services?PageSize=1&Page=0"),
                    "previous_page_url": serde_json::Value::Null,
                    "url": format!("{base}/v2/Services?PageSize=1&Page={page}"),
                    "next_page_url": next,
                    "key": "services"
                }
            });
            return (headers, body.to_string()).into_response();
        }
        (headers, r#"{"sid":"fetched"}"#).into_response()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new()
        .fallback(answer)
        .with_state((log.clone(), url.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, log)
}

async fn start(allow: &[&str]) -> (gateway::Gateway, TestKey, Log) {
    let key = TestKey::new("products", allow);
    let (url, log) = upstream().await;
    let gateway = gateway::Gateway::builder()
        .config(config(&url, &[&key]))
        .start()
        .await
        .expect("gateway");
    (gateway, key, log)
}

fn got(log: &Log) -> Vec<Got> {
    log.lock().expect("lock").clone()
}

/// The configured credentials, as upstream must see them.
fn injected() -> String {
    basic(ACCOUNT, TOKEN)
}

#[tokio::test]
async fn a_product_is_served_under_its_host_and_reaches_the_routed_path() {
    let (gateway, key, log) = start(&["verify"]).await;
    let answer = http()
        .post(format!(
            "{}/verify/v2/Services/{SERVICE}/Verifications",
            gateway.url()
        ))
        .header("Authorization", key.basic())
        .form(&[("To", "+15005550006"), ("Channel", "sms")])
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 201);
    assert_eq!(
        answer
            .headers()
            .get("twilio-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("RQ0123456789abcdef0123456789abcdef")
    );
    let body: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(body["status"], "pending");

    let sent = got(&log);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].method, "POST");
    assert_eq!(
        sent[0].target,
        format!("/verify/v2/Services/{SERVICE}/Verifications")
    );
    assert_eq!(sent[0].body, b"To=%2B15005550006&Channel=sms");
    assert_eq!(
        sent[0].headers.get("authorization").expect("auth"),
        injected().as_str()
    );
    let metrics = gateway.metrics();
    assert!(
        metrics.contains("verify.v2.services.verifications.create"),
        "{metrics}"
    );
}

#[tokio::test]
async fn the_unprefixed_path_is_no_operation_and_nothing_is_sent() {
    let (gateway, key, log) = start(&["*"]).await;
    for path in [
        format!("/v2/Services/{SERVICE}/Verifications"),
        // Another product's prefix does not reach this one.
        format!("/messaging/v2/Services/{SERVICE}/Verifications"),
    ] {
        let answer = http()
            .post(format!("{}{path}", gateway.url()))
            .header("Authorization", key.basic())
            .form(&[("To", "+15005550006"), ("Channel", "sms")])
            .send()
            .await
            .expect("answer");
        assert_eq!(answer.status(), 404, "{path}");
        let body: serde_json::Value = answer.json().await.expect("json");
        assert_eq!(body["code"], 20404);
        assert_eq!(body["status"], 404);
    }
    assert!(got(&log).is_empty());
}

#[tokio::test]
async fn the_same_path_in_two_products_stays_apart() {
    let (gateway, key, log) = start(&["messaging", "chat"]).await;
    let chat_sid = "ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for (path, upstream_path) in [
        (
            format!("/messaging/v1/Services/{MESSAGING}"),
            format!("/messaging/v1/Services/{MESSAGING}"),
        ),
        (
            format!("/chat/v1/Services/{chat_sid}"),
            format!("/chat/v1/Services/{chat_sid}"),
        ),
    ] {
        let answer = http()
            .get(format!("{}{path}", gateway.url()))
            .header("Authorization", key.basic())
            .send()
            .await
            .expect("answer");
        assert_eq!(answer.status(), 200, "{path}");
        assert_eq!(
            got(&log).last().map(|g| g.target.clone()),
            Some(upstream_path)
        );
    }
    // Messaging's SID type checks the value; chat's path takes any text.
    let answer = http()
        .get(format!(
            "{}/messaging/v1/Services/{chat_sid}",
            gateway.url()
        ))
        .header("Authorization", key.basic())
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 400);
    let body: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(
        body["details"]["invalid_params"][0]["param"], "Sid",
        "{body}"
    );
    let unprefixed = http()
        .get(format!("{}/v1/Services/{MESSAGING}", gateway.url()))
        .header("Authorization", key.basic())
        .send()
        .await
        .expect("answer");
    assert_eq!(unprefixed.status(), 404);
    assert_eq!(got(&log).len(), 2);
}

#[tokio::test]
async fn a_key_may_be_allowed_one_product() {
    let (gateway, key, log) = start(&["verify"]).await;
    let answer = http()
        .get(format!(
            "{}/messaging/v1/Services/{MESSAGING}",
            gateway.url()
        ))
        .header("Authorization", key.basic())
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 403);
    let body: serde_json::Value = answer.json().await.expect("json");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("messaging.v1.services.fetch")),
        "{body}"
    );
    assert!(got(&log).is_empty());
}

fn assistants_url(gateway: &gateway::Gateway) -> String {
    format!("{}/assistants/v1/Sandboxes", gateway.url())
}

#[tokio::test]
async fn json_bodies_and_header_params_are_checked_by_the_declaration() {
    let (gateway, key, log) = start(&["assistants"]).await;
    let post = |body: &'static str, content_type: &'static str, header: Option<&'static str>| {
        let mut request = http()
            .post(assistants_url(&gateway))
            .header("Authorization", key.basic())
            .header("Content-Type", content_type)
            .body(body);
        if let Some(value) = header {
            request = request.header("X-Twilio-Webhook-Enabled", value);
        }
        request.send()
    };
    // (body, content type, header, status, the refused parameter or words of the message)
    let cases: [(&str, &str, Option<&str>, u16, &str); 8] = [
        (
            r#"{"name":"a","size":500}"#,
            "application/json",
            None,
            400,
            "size",
        ),
        (
            r#"{"name":"a","colour":"red"}"#,
            "application/json",
            None,
            400,
            "colour",
        ),
        (r#"{"size":5}"#, "application/json", None, 400, "name"),
        (
            r#"{"name":"a"}"#,
            "application/json",
            Some("maybe"),
            400,
            "X-Twilio-Webhook-Enabled",
        ),
        (r#"{"name":"a""#, "application/json", None, 400, "malformed"),
        (r#"["name"]"#, "application/json", None, 400, "object"),
        (
            "name=a",
            "application/x-www-form-urlencoded",
            None,
            415,
            "JSON body",
        ),
        (r#"{"name":"a"}"#, "text/plain", None, 415, "JSON body"),
    ];
    for (body, content_type, header, status, says) in cases {
        let answer = post(body, content_type, header).await.expect("answer");
        assert_eq!(answer.status(), status, "{body}");
        let answer: serde_json::Value = answer.json().await.expect("json");
        let named = answer["details"]["invalid_params"]
            .as_array()
            .is_some_and(|list| list.iter().any(|p| p["param"] == says));
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(named || message.contains(says), "{body}: {answer}");
        assert_eq!(answer["status"], status);
    }
    // The declaration's own words, as a Rust caller gets them from the setter.
    let answer = post(r#"{"name":"a","size":500}"#, "application/json", None)
        .await
        .expect("answer");
    let answer: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(
        answer["details"]["invalid_params"][0]["reason"],
        "must be between 1 and 100, got 500"
    );
    assert!(got(&log).is_empty(), "nothing refused is forwarded");
}

#[tokio::test]
async fn a_json_body_and_a_header_param_are_forwarded_exactly() {
    let (gateway, key, log) = start(&["assistants"]).await;
    let answer = http()
        .post(assistants_url(&gateway))
        .header("Authorization", key.basic())
        .header("X-Twilio-Webhook-Enabled", "false")
        // Credential-bearing and unknown headers the caller sends stay at the gateway.
        .header("Cookie", "session=caller")
        .header("X-Api-Key", "caller-key")
        .json(&json!({"name": "Helper", "meta": {"tone": "dry", "rules": [1, 2]}, "size": 5}))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 201);
    let sent = got(&log);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let sent = &sent[0];
    assert_eq!(sent.target, "/assistants/v1/Sandboxes");
    assert_eq!(
        sent.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let body: serde_json::Value = serde_json::from_slice(&sent.body).expect("a JSON body");
    assert_eq!(
        body,
        json!({"name": "Helper", "meta": {"tone": "dry", "rules": [1, 2]}, "size": 5})
    );
    assert_eq!(
        sent.headers
            .get("x-twilio-webhook-enabled")
            .and_then(|v| v.to_str().ok()),
        Some("false")
    );
    assert_eq!(
        sent.headers.get("authorization").expect("auth"),
        injected().as_str()
    );
    assert!(sent.headers.get("cookie").is_none());
    assert!(sent.headers.get("x-api-key").is_none());
}

#[tokio::test]
async fn injected_credentials_win_for_every_product() {
    let (gateway, key, log) = start(&["*"]).await;
    // The caller authenticates with its gateway key; an attacker's own Basic credentials in
    // a second Authorization header, or as a bearer token, never reach upstream either.
    let attacker = basic("ACdddddddddddddddddddddddddddddddd", "attacker-token");
    let answer = http()
        .get(format!(
            "{}/chat/v1/Services/ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            gateway.url()
        ))
        .header("Authorization", key.basic())
        .header("X-Twilio-Authorization", attacker.as_str())
        .header("Proxy-Authorization", attacker.as_str())
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 200);
    let answer = http()
        .post(format!(
            "{}/verify/v2/Services/{SERVICE}/Verifications",
            gateway.url()
        ))
        .header("Authorization", key.basic())
        .header("Cookie", "caller=1")
        .form(&[("To", "+15005550006"), ("Channel", "sms")])
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 201);
    let sent = got(&log);
    assert_eq!(sent.len(), 2);
    for request in &sent {
        let auth: Vec<_> = request.headers.get_all("authorization").iter().collect();
        assert_eq!(auth, [injected().as_str()], "{}", request.target);
        for name in ["x-twilio-authorization", "proxy-authorization", "cookie"] {
            assert!(request.headers.get(name).is_none(), "{name} was forwarded");
        }
        let all = format!("{:?}", request.headers);
        assert!(!all.contains(&key.secret) && !all.contains("attacker-token"));
    }
}

#[tokio::test]
async fn page_links_of_a_product_lead_back_through_the_gateway() {
    let (gateway, key, log) = start(&["verify"]).await;
    let first: serde_json::Value = http()
        .get(format!("{}/verify/v2/Services?PageSize=1", gateway.url()))
        .header("Authorization", key.basic())
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    let gw = gateway.url();
    let meta = &first["meta"];
    assert_eq!(
        meta["next_page_url"],
        format!("{gw}/verify/v2/Services?PageSize=1&Page=1&PageToken=PT1")
    );
    assert_eq!(
        meta["first_page_url"],
        format!("{gw}/verify/v2/Services?PageSize=1&Page=0")
    );
    assert_eq!(
        meta["url"],
        format!("{gw}/verify/v2/Services?PageSize=1&Page=0")
    );
    assert!(meta["previous_page_url"].is_null());
    // A resource's own URL is not a page link: it comes back as it came.
    assert_eq!(
        first["services"][0]["url"],
        format!("https://verify.twilio.com/v2/Services/VA{:032x}", 0)
    );

    // Following the link goes through the gateway (with the gateway key), to the upstream at
    // the product's routed path; the next page's links name the upstream's own base and are
    // rewritten the same way.
    let next_url = meta["next_page_url"].as_str().expect("next").to_owned();
    let second: serde_json::Value = http()
        .get(&next_url)
        .header("Authorization", key.basic())
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(second["meta"]["page"], 1);
    assert_eq!(
        second["meta"]["first_page_url"],
        format!("{gw}/verify/v2/Services?PageSize=1&Page=0")
    );
    assert!(second["meta"]["next_page_url"].is_null());
    let targets: Vec<String> = got(&log).into_iter().map(|g| g.target).collect();
    assert_eq!(
        targets,
        [
            "/verify/v2/Services?PageSize=1".to_owned(),
            "/verify/v2/Services?PageSize=1&Page=1&PageToken=PT1".to_owned()
        ]
    );
}

#[tokio::test]
async fn our_client_pages_a_product_through_the_gateway() {
    use futures_util::TryStreamExt as _;
    let (gateway, key, log) = start(&["verify"]).await;
    let client = runtime::Client::builder_with_api_key(ACCOUNT, &key.id, key.secret.clone())
        .base_url(gateway.url())
        .build()
        .expect("client");
    let sids: Vec<String> = api::verify::v2::services::list()
        .page_size(1u32)
        .stream(&client)
        .map_ok(|s| s.sid.map(|sid| sid.to_string()).unwrap_or_default())
        .try_collect()
        .await
        .expect("both pages");
    assert_eq!(sids, [format!("VA{:032x}", 0), format!("VA{:032x}", 1)]);
    let targets: Vec<String> = got(&log).into_iter().map(|g| g.target).collect();
    assert_eq!(
        targets,
        [
            "/verify/v2/Services?PageSize=1".to_owned(),
            "/verify/v2/Services?PageSize=1&Page=1&PageToken=PT1".to_owned()
        ]
    );
}

#[tokio::test]
async fn a_prefixed_map_and_a_query_parameter_beside_a_body_are_forwarded_where_twilio_reads_them()
{
    let (gateway, key, log) = start(&["lookups", "oauth"]).await;
    // Lookup's `AddOnsData` as the helpers send it: `AddOns.<add-on>.<key>=<value>`.
    let answer = http()
        .get(format!(
            "{}/lookups/v1/PhoneNumbers/+14155550100?AddOns=nomorobo_spamscore&AddOns.nomorobo_spamscore.score=1",
            gateway.url()
        ))
        .header("Authorization", key.basic())
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 200, "{:?}", answer.text().await);
    // The map's own name is no key Twilio reads: refused, nothing sent.
    let refused = http()
        .get(format!(
            "{}/lookups/v1/PhoneNumbers/+14155550100?AddOnsData=%7B%22a%22%3A%22b%22%7D",
            gateway.url()
        ))
        .header("Authorization", key.basic())
        .send()
        .await
        .expect("answer");
    assert_eq!(refused.status(), 400);
    let text = refused.text().await.expect("body");
    assert!(text.contains("AddOns.<key>=<value>"), "{text}");
    // OAuth v2's `account_sid` in the query beside the form body.
    let answer = http()
        .post(format!(
            "{}/oauth/v2/token?account_sid={ACCOUNT}",
            gateway.url()
        ))
        .header("Authorization", key.basic())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("answer");
    assert!(answer.status().is_success(), "{:?}", answer.text().await);
    let got = got(&log);
    let targets: Vec<&str> = got.iter().map(|g| g.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/lookups/v1/PhoneNumbers/+14155550100?AddOns=nomorobo_spamscore&AddOns.nomorobo_spamscore.score=1",
            &*format!("/oauth/v2/token?account_sid={ACCOUNT}"),
        ]
    );
    assert_eq!(got[1].body, b"grant_type=client_credentials");
}

#[tokio::test]
async fn a_body_of_variants_is_held_to_the_variant_its_discriminator_names() {
    // Messaging v3's typing indicator: `channel` names the variant (WhatsApp: `messageId`;
    // Apple: `from`, `to`, `event`), and Twilio takes no member of the other one.
    let (gateway, key, log) = start(&["messaging"]).await;
    let url = format!("{}/messaging/v3/Indicators/Typing.json", gateway.url());
    let message = "SM0123456789abcdef0123456789abcdef";
    let refused = [
        (
            json!({"channel": "WHATSAPP", "messageId": message, "to": "apple:b"}),
            vec![(
                "to",
                "to can be set only when channel is APPLE, not WHATSAPP",
            )],
        ),
        (
            json!({"channel": "WHATSAPP"}),
            vec![(
                "messageId",
                "messageId must be set when channel is WHATSAPP",
            )],
        ),
        (
            json!({"channel": "APPLE", "from": "apple:a", "messageId": message}),
            vec![
                ("to", "to must be set when channel is APPLE"),
                (
                    "messageId",
                    "messageId can be set only when channel is WHATSAPP, not APPLE",
                ),
            ],
        ),
    ];
    for (body, params) in refused {
        let answer = http()
            .post(&url)
            .header("Authorization", key.basic())
            .json(&body)
            .send()
            .await
            .expect("answer");
        assert_eq!(answer.status(), 400, "{body}");
        let answer: serde_json::Value = answer.json().await.expect("json");
        let named: Vec<(String, String)> = answer["details"]["invalid_params"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                let name = p["param"].as_str().unwrap_or_default();
                let reason = p["reason"].as_str().unwrap_or_default();
                (name.to_owned(), format!("{name} {reason}"))
            })
            .collect();
        let expected: Vec<(String, String)> = params
            .iter()
            .map(|(n, m)| ((*n).to_owned(), (*m).to_owned()))
            .collect();
        assert_eq!(named, expected, "{body}: {answer}");
    }
    assert!(got(&log).is_empty(), "nothing refused is forwarded");

    // Each variant whole goes through, exactly as sent.
    for body in [
        json!({"channel": "WHATSAPP", "messageId": message}),
        json!({"channel": "APPLE", "from": "apple:a", "to": "apple:b", "event": "END"}),
    ] {
        let answer = http()
            .post(&url)
            .header("Authorization", key.basic())
            .json(&body)
            .send()
            .await
            .expect("answer");
        assert_eq!(answer.status(), 201, "{body}");
    }
    let sent = got(&log);
    assert_eq!(sent.len(), 2, "{sent:?}");
    let bodies: Vec<serde_json::Value> = sent
        .iter()
        .map(|g| serde_json::from_slice(&g.body).expect("json body"))
        .collect();
    assert_eq!(
        bodies[0],
        json!({"channel": "WHATSAPP", "messageId": message})
    );
    assert_eq!(
        bodies[1],
        json!({"channel": "APPLE", "from": "apple:a", "to": "apple:b", "event": "END"})
    );
}
