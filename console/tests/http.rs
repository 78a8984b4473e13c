//! The console over real HTTP (behind the tests' stand-in gateway): the declaration's messages,
//! snippets without secrets, the callback inbox's checks, and pages that hold no secret.

mod support;

use runtime::webhook::compute_form_body_signature;

async fn post_form(url: &str, body: &str) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .expect("answer");
    let status = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_value_gets_the_message_a_rust_caller_gets() {
    let h = support::Harness::start().await;
    let call = h.sandbox.start_call();
    let body = format!(
        "CallSid={call}&IdempotencyKey=k&StatusCallback=https%3A%2F%2Fexample.com%2Fcb&Timeout=0"
    );
    let (status, answer) = post_form(&h.url("/console/api/check/payments.create"), &body).await;
    assert_eq!(status, 200);
    assert_eq!(answer["ok"], false);
    let client = h.sandbox.client().expect("client");
    let err = api::payments::create(call.as_str(), "k", "https://example.com/cb")
        .timeout(0)
        .send(&client)
        .await
        .expect_err("refused");
    let expected = err
        .invalid_params()
        .expect("refusal")
        .iter()
        .map(|p| serde_json::json!({ "param": p.param, "message": p.to_string() }))
        .collect::<Vec<_>>();
    assert_eq!(answer["problems"], serde_json::Value::Array(expected));
    assert!(answer["request"].is_null(), "no request for a refused form");
    assert_eq!(h.forwarded(), 0, "checking sends nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_accepted_form_comes_back_as_the_exact_request() {
    let h = support::Harness::start().await;
    let body = "CallSid=CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&IdempotencyKey=k%201&StatusCallback=https%3A%2F%2Fexample.com%2Fcb&ValidCardTypes=visa&ValidCardTypes=amex&ChargeAmount=19.990";
    let (_, answer) = post_form(&h.url("/console/api/snippets/payments.create"), body).await;
    assert_eq!(answer["ok"], true, "{answer}");
    let request = &answer["request"];
    assert_eq!(request["method"], "POST");
    assert_eq!(
        request["path"],
        format!(
            "/2010-04-01/Accounts/{}/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Payments.json",
            h.sandbox.account_sid()
        )
    );
    assert_eq!(request["content_type"], "application/x-www-form-urlencoded");
    // The joined list travels as one value, the decimal exactly as written.
    assert_eq!(
        request["body"],
        "IdempotencyKey=k+1&StatusCallback=https%3A%2F%2Fexample.com%2Fcb&ChargeAmount=19.990&ValidCardTypes=visa+amex"
    );
    let curl = answer["snippets"]["curl"].as_str().expect("curl");
    assert!(
        curl.contains("--data-urlencode 'ValidCardTypes=visa amex'"),
        "{curl}"
    );
    let rust = answer["snippets"]["rust"].as_str().expect("rust");
    assert!(
        rust.contains(".valid_card_types([CardType::Visa, CardType::Amex])"),
        "{rust}"
    );
    assert!(
        rust.contains("use api::payments::{") || rust.contains("use api::payments::CardType;"),
        "{rust}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_and_answers_hold_no_secret() {
    let h = support::Harness::start().await;
    let token = h.sandbox.auth_token().to_owned();
    let secret = h.sandbox.api_key_secret().to_owned();
    let http = reqwest::Client::new();
    for path in [
        "/console/",
        "/console/?q=pay",
        "/console/op/payments.create",
        "/console/op/calls.create",
        "/console/assets/console.js",
        "/console/assets/console.css",
    ] {
        let r = http.get(h.url(path)).send().await.expect("page");
        assert_eq!(r.status(), 200, "{path}");
        let text = r.text().await.expect("text");
        assert!(
            !text.contains(&token) && !text.contains(&secret),
            "{path} holds a secret"
        );
    }
    let (_, answer) = post_form(
        &h.url("/console/api/snippets/calls.create"),
        "To=%2B15005550006&From=%2B15005550001&Url=https%3A%2F%2Fexample.com%2Ftwiml",
    )
    .await;
    let text = answer.to_string();
    assert!(!text.contains(&token) && !text.contains(&secret));
    for lang in ["rust", "curl", "python", "node"] {
        let s = answer["snippets"][lang].as_str().expect("snippet");
        assert!(
            s.contains("GATEWAY_KEY_SECRET"),
            "{lang}: credentials come from the environment"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_inbox_takes_only_signed_callbacks_for_open_inboxes() {
    let h = support::Harness::start().await;
    // A page opens an inbox: its id is in the page.
    let page = reqwest::get(h.url("/console/op/payments.create"))
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    let marker = "data-inbox=\"";
    let start = page.find(marker).expect("an inbox") + marker.len();
    let inbox = &page[start..start + 32];
    let url = h.url(&format!("/console/callbacks/{inbox}"));
    let body = "AccountSid=AC1&PaymentCardNumber=4242424242424242&Capture=payment-card-number";
    let signature = compute_form_body_signature(h.sandbox.auth_token(), &url, body.as_bytes())
        .expect("signature");
    let http = reqwest::Client::new();
    let send = |sig: String, to: String| {
        http.post(to)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", sig)
            .body(body)
            .send()
    };
    assert_eq!(
        send(signature.clone(), url.clone())
            .await
            .expect("ok")
            .status(),
        204
    );
    assert_eq!(
        send("bad".into(), url.clone()).await.expect("ok").status(),
        403
    );
    let unknown = h.url("/console/callbacks/0123456789abcdef0123456789abcdef");
    assert_eq!(send(signature, unknown).await.expect("ok").status(), 404);
    let listed: serde_json::Value = reqwest::get(h.url(&format!("/console/api/callbacks/{inbox}")))
        .await
        .expect("list")
        .text()
        .await
        .map(|t| serde_json::from_str(&t).expect("json"))
        .expect("text");
    let entries = listed["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["signature"], "valid");
    assert_eq!(entries[1]["signature"], "invalid");
    let card = &entries[0]["params"][1];
    assert_eq!(
        card,
        &serde_json::json!(["PaymentCardNumber", "xxxxxxxxxxxx4242"]),
        "card numbers are masked"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_lead_to_the_operations_that_take_their_sids() {
    let h = support::Harness::start().await;
    let call = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let payment = "PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let next: serde_json::Value = reqwest::get(h.url(&format!(
        "/console/api/next?call_sid={call}&sid={payment}&StatusCallback=https%3A%2F%2Fexample.com%2Fcb"
    )))
    .await
    .expect("next")
    .text().await.map(|t| serde_json::from_str(&t).expect("json")).expect("text");
    let links = next["links"].as_array().expect("links");
    let update = links
        .iter()
        .find(|l| l["operation"] == "payments.update")
        .expect("Update Payments is offered");
    let href = update["href"].as_str().expect("href");
    assert!(
        href.contains(&format!("CallSid={call}")) && href.contains(&format!("Sid={payment}")),
        "{href}"
    );
    assert!(
        href.contains("StatusCallback=https%3A%2F%2Fexample.com%2Fcb"),
        "{href}"
    );
    assert!(links.iter().any(|l| l["operation"] == "payments.create"));
    assert!(links.iter().any(|l| l["operation"] == "calls.fetch"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_index_lists_every_product_with_a_contents_line() {
    let h = support::Harness::start().await;
    let text = reqwest::get(h.url("/console/"))
        .await
        .expect("index")
        .text()
        .await
        .expect("text");
    let total = runtime::endpoints().len();
    assert!(
        total > 1400,
        "every product is linked (the console's default `full`): {total}"
    );
    assert!(text.contains(&format!("Every declared endpoint ({total})")));
    // The contents line links each product's section, with its count.
    for product in [
        "Api 2010-04-01",
        "Verify v2",
        "Conversations v1",
        "Flex Api v1",
    ] {
        let id = product.to_lowercase().replace([' ', '.'], "-");
        assert!(
            text.contains(&format!("<a href=\"#product-{id}\">{product}</a>")),
            "{product} in the contents line"
        );
        assert!(
            text.contains(&format!("id=\"product-{id}\"")),
            "{product} has its section"
        );
    }
    // A product's operations are served under its host's prefix.
    assert!(text.contains("/console/op/verify.v2.services.verifications.create"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_sid_field_takes_mms_sids_too() {
    // `MessageSid` accepts `SM…` (SMS) and `MM…` (MMS); the form's own pattern must not refuse
    // what the declaration takes.
    let h = support::Harness::start().await;
    let page = reqwest::get(h.url("/console/op/messages.fetch"))
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(
        page.contains(r#"pattern="(SM|MM)[0-9a-fA-F]{32}""#),
        "the Sid field's pattern takes both prefixes"
    );
    assert!(page.contains("SID (SM… or MM…)"), "the docs table says so");
    assert!(page.contains(r#"data-sid-prefix="SM or MM""#));
    let (status, answer) = post_form(
        &h.url("/console/api/check/messages.fetch"),
        "Sid=MM0123456789abcdef0123456789abcdef",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["ok"], true, "{answer}");
    let (_, answer) = post_form(
        &h.url("/console/api/check/messages.fetch"),
        "Sid=MX0123456789abcdef0123456789abcdef",
    )
    .await;
    assert_eq!(answer["ok"], false, "{answer}");
}
