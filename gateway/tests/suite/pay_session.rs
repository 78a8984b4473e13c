//! A whole pay session through the gateway with this SDK, `base_url` pointed at the gateway
//! and a gateway key as its API key: the embedded sandbox is the upstream, and the status
//! callbacks arrive signed with the sandbox's auth token, which the caller never holds.

use crate::common;

use std::time::Duration;

use api::payments::{create, update, Capture, PayStatusCallback, Status};
use common::http;
use gateway::Gateway;
use rust_decimal_macros::dec;

#[tokio::test]
async fn a_pay_session_runs_through_the_gateway_with_our_client() {
    let gateway = Gateway::builder()
        .bind("127.0.0.1:0".parse().expect("addr"))
        .start()
        .await
        .expect("gateway");
    let sandbox = gateway
        .sandbox()
        .expect("the embedded sandbox is the upstream");
    let (key_id, secret) = gateway.sandbox_key().expect("a key made at start");
    let account = gateway.account_sid();
    let client = runtime::Client::builder_with_api_key(&account, key_id, secret)
        .base_url(gateway.url())
        .build()
        .expect("client");
    let mut receiver = sandbox::Receiver::start(sandbox.auth_token())
        .await
        .expect("receiver");
    let status = receiver.url("/pay/status");

    let call = api::calls::create("+15005550006", "+15005550001")
        .url("https://example.com/twiml")
        .send(&client)
        .await
        .expect("call created through the gateway");
    let call_sid = call.sid.expect("call sid");
    let session = create(call_sid, "order-1/start", status.as_str())
        .charge_amount(dec!(19.99))
        .send(&client)
        .await
        .expect("session");
    for (i, field) in [
        Capture::PaymentCardNumber,
        Capture::ExpirationDate,
        Capture::SecurityCode,
        Capture::PostalCode,
    ]
    .into_iter()
    .enumerate()
    {
        update(
            call_sid,
            session.sid,
            format!("order-1/capture-{i}"),
            status.as_str(),
        )
        .capture(field)
        .send(&client)
        .await
        .expect("capture");
    }
    update(call_sid, session.sid, "order-1/complete", status.as_str())
        .status(Status::Complete)
        .send(&client)
        .await
        .expect("complete");
    let mut confirmation = None;
    for _ in 0..200 {
        let received = receiver
            .next(Duration::from_secs(10))
            .await
            .expect("a callback");
        assert!(
            received.signature_valid,
            "signed with the sandbox's auth token"
        );
        let callback: PayStatusCallback = received.callback().expect("typed callback");
        if callback.stage().is_final() {
            confirmation = callback.payment_confirmation_code.clone();
            break;
        }
    }
    assert!(confirmation.is_some_and(|c| !c.is_empty()), "charged");

    // The gateway's own view: every request counted under its operation.
    let metrics = http()
        .get(format!("{}/metrics", gateway.url()))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains(r#"gateway_requests_total{operation="payments.update",status="202"} 5"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"gateway_requests_total{operation="payments.create",status="201"} 1"#)
    );
    assert!(metrics.contains(r#"gateway_requests_total{operation="calls.create",status="201"} 1"#));
}

#[tokio::test]
async fn a_declarations_refusal_comes_back_twilio_shaped_to_our_client() {
    let gateway = Gateway::builder()
        .bind("127.0.0.1:0".parse().expect("addr"))
        .start()
        .await
        .expect("gateway");
    let (key_id, secret) = gateway.sandbox_key().expect("key");
    // A client of another language would send this; ours refuses it before sending, so send
    // it raw: a charge amount that is no number.
    let answer = http()
        .post(format!(
            "{}/2010-04-01/Accounts/{}/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Payments.json",
            gateway.url(),
            gateway.account_sid()
        ))
        .basic_auth(key_id, Some(secret))
        .form(&[
            ("IdempotencyKey", "k"),
            ("StatusCallback", "https://e.com/s"),
            ("ChargeAmount", "ten"),
        ])
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 400);
    let body: serde_json::Value = answer.json().await.expect("json");
    let api = runtime::ApiError::parse(400, body.to_string().as_bytes()).expect("Twilio's shape");
    assert_eq!(api.code, Some(20001));
    assert!(api.message.contains("ChargeAmount"), "{}", api.message);
    assert_eq!(
        body["details"]["invalid_params"][0]["param"],
        "ChargeAmount"
    );
}
