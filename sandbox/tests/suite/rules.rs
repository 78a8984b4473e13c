//! Twilio's rules, each one: auth, accounts, one session per call, capture order, complete
//! before every field, cancel, ended calls, and request validation by the `api` declarations.

use crate::common;

use api::payments::{create, update, Capture, Status};
use common::*;

#[tokio::test]
async fn wrong_or_missing_credentials_get_401_20003() {
    let env = env().await;
    let call = env.sandbox.start_call();
    let url = format!("{}{}", env.sandbox.base_url(), env.payments_path(call));
    let form = [
        ("IdempotencyKey", "k"),
        ("StatusCallback", "https://example.com/cb"),
    ];
    let (status, body) = raw_post(&url, env.sandbox.account_sid(), "wrong-token", &form).await;
    assert_eq!(
        (status, body["code"].as_u64()),
        (401, Some(20003)),
        "{body}"
    );
    assert_eq!(body["status"], 401);
    assert!(body["message"].is_string() && body["more_info"].is_string());
    let (status, _) = raw_post(
        &url,
        env.sandbox.api_key_sid(),
        env.sandbox.auth_token(),
        &form,
    )
    .await;
    assert_eq!(status, 401, "the key SID with the account's token");
    // reqwest is built without a crypto provider of its own (the workspace uses ring, see the
    // root Cargo.toml): name it for the process before building a client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let unauthenticated = reqwest::Client::new()
        .post(&url)
        .send()
        .await
        .expect("response");
    assert_eq!(unauthenticated.status().as_u16(), 401);
    assert!(unauthenticated.headers().contains_key("www-authenticate"));
}

#[tokio::test]
async fn another_account_in_the_path_is_not_found() {
    let env = env().await;
    let call = env.sandbox.start_call();
    let other = "ACffffffffffffffffffffffffffffffff";
    let err = create(call, "other/start", env.status.as_str())
        .account_sid(other)
        .send(&env.client)
        .await
        .expect_err("someone else's account");
    assert_twilio_error(&err, 404, 20404);
    // Also through an API key.
    let key_client = env.sandbox.api_key_client().expect("client");
    let err = create(call, "other/start", env.status.as_str())
        .account_sid(other)
        .send(&key_client)
        .await
        .expect_err("someone else's account");
    assert_twilio_error(&err, 404, 20404);
}

#[tokio::test]
async fn unknown_calls_and_sessions_are_not_found() {
    let env = env().await;
    let err = env
        .start(
            "CA00000000000000000000000000000000".parse().expect("sid"),
            "x/start",
        )
        .await
        .expect_err("unknown call");
    assert_twilio_error(&err, 404, 20404);
    let call = env.sandbox.start_call();
    let err = env
        .capture(
            call,
            "PK00000000000000000000000000000000".parse().expect("sid"),
            Capture::PostalCode,
        )
        .await
        .expect_err("unknown session");
    assert_twilio_error(&err, 404, 20404);
    // A session exists only on its own call.
    let session = env.start(call, "own/start").await.expect("create");
    let other_call = env.sandbox.start_call();
    let err = env
        .capture(other_call, session.sid, Capture::PaymentCardNumber)
        .await
        .expect_err("session of another call");
    assert_twilio_error(&err, 404, 20404);
}

#[tokio::test]
async fn one_open_session_per_call_64021() {
    let env = env().await;
    let call = env.sandbox.start_call();
    let first = env.start(call, "one/start").await.expect("create");
    let err = env
        .start(call, "two/start")
        .await
        .expect_err("second session");
    assert_twilio_error(&err, 400, 64021);
    assert!(err.to_string().contains("session-in-progress"), "{err}");
    // Another call is independent.
    env.start(env.sandbox.start_call(), "three/start")
        .await
        .expect("other call");
    // Once the first session ends, the call takes a new one.
    env.finish(call, first.sid, Status::Cancel)
        .await
        .expect("cancel");
    env.start(call, "four/start").await.expect("after cancel");
}

#[tokio::test]
async fn security_code_before_card_number_is_a_capture_sequence_error() {
    let mut env = env().await;
    let call = env.sandbox.start_call();
    let session = env.start(call, "seq/start").await.expect("create");
    env.capture(call, session.sid, Capture::SecurityCode)
        .await
        .expect("accepted");
    let cb = env.next().await;
    assert_eq!(cb.get("Capture"), Some("security-code"));
    assert_eq!(cb.get("PartialResult"), Some("false"));
    assert_eq!(
        cb.get("ErrorType"),
        Some("invalid-card-number-security-code-capture-sequence")
    );
    assert_eq!(cb.get("SecurityCode"), None);
    assert!(cb
        .get("Required")
        .is_some_and(|r| r.contains("security-code")));
    // In the right order it works.
    env.capture(call, session.sid, Capture::PaymentCardNumber)
        .await
        .expect("card");
    env.capture(call, session.sid, Capture::SecurityCode)
        .await
        .expect("code");
    let last = loop {
        let cb = env.next().await;
        if cb.get("Capture") == Some("security-code") && cb.get("PartialResult") == Some("false") {
            break cb;
        }
    };
    assert_eq!(last.get("ErrorType"), None);
    assert_eq!(last.get("SecurityCode"), Some("xxx"));
}

#[tokio::test]
async fn complete_before_every_required_field_is_64019() {
    let env = env().await;
    let call = env.sandbox.start_call();
    let session = env.start(call, "early/start").await.expect("create");
    let err = env
        .finish(call, session.sid, Status::Complete)
        .await
        .expect_err("nothing captured");
    assert_twilio_error(&err, 400, 64019);
    for field in &CARD_FIELDS[..3] {
        env.capture(call, session.sid, field.clone())
            .await
            .expect("capture");
    }
    let err = env
        .finish(call, session.sid, Status::Complete)
        .await
        .expect_err("postal code missing");
    assert_twilio_error(&err, 400, 64019);
    assert!(err.to_string().contains("postal-code"), "{err}");
    env.capture(call, session.sid, Capture::PostalCode)
        .await
        .expect("capture");
    env.finish(call, session.sid, Status::Complete)
        .await
        .expect("complete");
}

#[tokio::test]
async fn fields_a_session_does_not_ask_for_are_neither_required_nor_capturable() {
    let env = env().await;
    let call = env.sandbox.start_call();
    let session = create(call, "nopostal/start", env.status.as_str())
        .postal_code(false)
        .security_code(false)
        .send(&env.client)
        .await
        .expect("create");
    env.capture(call, session.sid, Capture::PaymentCardNumber)
        .await
        .expect("card");
    env.capture(call, session.sid, Capture::ExpirationDate)
        .await
        .expect("expiry");
    let err = env
        .capture(call, session.sid, Capture::PostalCode)
        .await
        .expect_err("not asked");
    assert_twilio_error(&err, 400, 64020);
    let err = env
        .capture(call, session.sid, Capture::BankRoutingNumber)
        .await
        .expect_err("bank field");
    assert_twilio_error(&err, 400, 64017);
    env.finish(call, session.sid, Status::Complete)
        .await
        .expect("complete with two fields");
}

#[tokio::test]
async fn cancel_ends_the_session_for_good() {
    let env = env().await;
    let call = env.sandbox.start_call();
    let session = env.start(call, "cancel/start").await.expect("create");
    env.capture(call, session.sid, Capture::PaymentCardNumber)
        .await
        .expect("capture");
    env.finish(call, session.sid, Status::Cancel)
        .await
        .expect("cancel");
    let err = env
        .capture(call, session.sid, Capture::ExpirationDate)
        .await
        .expect_err("after cancel");
    assert_twilio_error(&err, 400, 64020);
    assert!(err.to_string().contains("cancelled"), "{err}");
    let err = env
        .finish(call, session.sid, Status::Complete)
        .await
        .expect_err("complete after cancel");
    assert_twilio_error(&err, 400, 64020);
    let err = env
        .finish(call, session.sid, Status::Cancel)
        .await
        .expect_err("cancel again");
    assert_twilio_error(&err, 400, 64020);
}

#[tokio::test]
async fn an_ended_call_fails_later_updates_with_21220() {
    let mut env = env().await;
    let call = env.sandbox.start_call();
    let session = env.start(call, "hangup/start").await.expect("create");
    env.capture(call, session.sid, Capture::PaymentCardNumber)
        .await
        .expect("capture");
    // End it over REST, as an application would.
    let path = format!(
        "/2010-04-01/Accounts/{}/Calls/{call}.json",
        env.sandbox.account_sid()
    );
    let (status, body) = env.post(&path, &[("Status", "completed")]).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("completed")),
        "{body}"
    );
    let err = env
        .capture(call, session.sid, Capture::ExpirationDate)
        .await
        .expect_err("call over");
    assert_twilio_error(&err, 400, 21220);
    let err = env
        .finish(call, session.sid, Status::Complete)
        .await
        .expect_err("call over");
    assert_twilio_error(&err, 400, 21220);
    let err = env
        .start(call, "hangup/again")
        .await
        .expect_err("call over");
    assert_twilio_error(&err, 400, 21220);
    // The open session ended with the call, and said so last.
    let callbacks = env.until_result().await;
    assert_eq!(
        callbacks.last().and_then(|c| c.get("Result")),
        Some("caller-hung-up")
    );
}

#[tokio::test]
async fn calls_can_be_created_and_ended_over_rest() {
    let env = env().await;
    let path = format!(
        "/2010-04-01/Accounts/{}/Calls.json",
        env.sandbox.account_sid()
    );
    let (status, body) = env
        .post(&path, &[("To", "+15005550006"), ("From", "+15005550001")])
        .await;
    assert_eq!(
        (status, body["code"].as_u64()),
        (400, Some(21205)),
        "{body}"
    );
    let (status, body) = env
        .post(
            &path,
            &[
                ("To", "+15005550006"),
                ("From", "+15005550001"),
                ("Url", "https://example.com/twiml"),
                ("SandboxTestCard", "4000000000000002"),
            ],
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "in-progress");
    let call: runtime::CallSid = body["sid"]
        .as_str()
        .expect("sid")
        .parse()
        .expect("call SID");
    env.start(call, "rest/start")
        .await
        .expect("session on a REST call");
    assert!(env.sandbox.end_call(&call));
    let err = env.start(call, "rest/again").await.expect_err("ended");
    assert_twilio_error(&err, 400, 21220);
}

#[tokio::test]
async fn requests_are_validated_by_the_api_declarations() {
    let env = env().await;
    let call = env.sandbox.start_call();
    let path = env.payments_path(call);
    let cb = ("StatusCallback", "https://example.com/cb");
    type Case<'a> = (&'a [(&'a str, &'a str)], u32, &'a str);
    let cases: &[Case] = &[
        (&[cb], 20001, "IdempotencyKey"),
        (&[("IdempotencyKey", "k1")], 20001, "StatusCallback"),
        (
            &[("IdempotencyKey", "k2"), ("StatusCallback", "not a url")],
            20001,
            "URL",
        ),
        (
            &[("IdempotencyKey", "k3"), cb, ("PaymentMethod", "bitcoin")],
            64020,
            "PaymentMethod",
        ),
        (
            &[("IdempotencyKey", "k4"), cb, ("Input", "speech")],
            64020,
            "Input",
        ),
        (
            &[
                ("IdempotencyKey", "k5"),
                cb,
                ("ValidCardTypes", "visa unicorn"),
            ],
            64020,
            "ValidCardTypes",
        ),
        (
            &[("IdempotencyKey", "k6"), cb, ("Timeout", "0")],
            64020,
            "Timeout",
        ),
        (
            &[("IdempotencyKey", "k7"), cb, ("Timeout", "601")],
            64020,
            "Timeout",
        ),
        (
            &[("IdempotencyKey", "k8"), cb, ("ChargeAmount", "1000000")],
            64003,
            "ChargeAmount",
        ),
        (
            &[("IdempotencyKey", "k9"), cb, ("ChargeAmount", "-1")],
            64003,
            "ChargeAmount",
        ),
        (
            &[("IdempotencyKey", "k10"), cb, ("ChargeAmount", "ten")],
            20001,
            "",
        ),
        (
            &[("IdempotencyKey", "k11"), cb, ("Currency", "XXX")],
            64011,
            "Currency",
        ),
        (
            &[
                ("IdempotencyKey", "k12"),
                cb,
                ("PaymentConnector", "Stripe"),
            ],
            64004,
            "Stripe",
        ),
        (
            &[
                ("IdempotencyKey", "k14"),
                cb,
                ("PaymentMethod", "ach-debit"),
            ],
            64020,
            "Parameter",
        ),
        (
            &[("IdempotencyKey", "k15"), cb, ("Parameter", "[1]")],
            20001,
            "",
        ),
    ];
    for (form, code, mention) in cases {
        let (status, body) = env.post(&path, form).await;
        assert_eq!(status, 400, "{form:?}: {body}");
        assert_eq!(
            body["code"].as_u64(),
            Some(u64::from(*code)),
            "{form:?}: {body}"
        );
        assert_eq!(body["status"], 400);
        let message = body["message"].as_str().expect("message");
        assert!(message.contains(mention), "{form:?}: {message}");
    }
    // Bad SIDs in the path.
    let bad = format!(
        "/2010-04-01/Accounts/{}/Calls/CAnot-a-sid/Payments.json",
        env.sandbox.account_sid()
    );
    let (status, body) = env.post(&bad, &[("IdempotencyKey", "k"), cb]).await;
    assert_eq!(
        (status, body["code"].as_u64()),
        (400, Some(20001)),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("CallSid")),
        "{body}"
    );
    // Updates: unknown Capture, both or neither of Capture/Status.
    let session = env.start(call, "v/start").await.expect("create");
    let upath = format!(
        "/2010-04-01/Accounts/{}/Calls/{call}/Payments/{}.json",
        env.sandbox.account_sid(),
        session.sid
    );
    for (form, code) in [
        (
            vec![("IdempotencyKey", "u1"), cb, ("Capture", "pin-code")],
            64020,
        ),
        (
            vec![("IdempotencyKey", "u2"), cb, ("Status", "pause")],
            64020,
        ),
        (vec![("IdempotencyKey", "u3"), cb], 20001),
        (
            vec![
                ("IdempotencyKey", "u4"),
                cb,
                ("Capture", "postal-code"),
                ("Status", "complete"),
            ],
            20001,
        ),
        (
            vec![
                ("StatusCallback", "https://example.com/cb"),
                ("Capture", "postal-code"),
            ],
            20001,
        ),
    ] {
        let (status, body) = env.post(&upath, &form).await;
        assert_eq!(
            (status, body["code"].as_u64()),
            (400, Some(code)),
            "{form:?}: {body}"
        );
    }
    // A form that sets path fields cannot redirect the request to another call or session.
    let (status, body) = env
        .post(
            &upath,
            &[
                ("IdempotencyKey", "u5"),
                cb,
                ("Capture", "payment-card-number"),
                ("Sid", "PK00000000000000000000000000000000"),
            ],
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["sid"].as_str(), Some(session.sid.as_str()));
    // A relative StatusCallback without a configured base.
    let err = update(call, session.sid, "v/rel", "relative/path")
        .capture(Capture::ExpirationDate)
        .send(&env.client)
        .await
        .expect_err("no base");
    assert_twilio_error(&err, 400, 21609);
}
