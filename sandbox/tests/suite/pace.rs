//! The caller at a human pace: a client that waits for each field's last callback succeeds; one
//! that does not is cut off and refused as the docs say. Deterministic without sleeping: a pace
//! whose pause before each field is an hour keeps a field "being keyed" for as long as the test
//! needs, and `Sandbox::set_caller_pace` lets the next field go instantly.

use crate::common;

use std::time::Duration;

use api::payments::{update, Capture, Status};
use common::*;
use sandbox::{CallerPace, Events, KeyingInterrupted, Sandbox, SandboxEvent};

/// A caller who never gets past the pause before a field while a test runs.
const STUCK: CallerPace = CallerPace::new(Duration::from_millis(1), Duration::from_secs(3600));

async fn next_interruption(events: &mut Events) -> KeyingInterrupted {
    tokio::time::timeout(WAIT, async {
        loop {
            match events.next().await {
                Some(SandboxEvent::KeyingInterrupted(k)) => return k,
                Some(_) => {}
                None => panic!("the sandbox went away"),
            }
        }
    })
    .await
    .expect("an interruption within the timeout")
}

#[tokio::test]
async fn a_client_that_waits_for_each_field_succeeds_at_a_human_pace() {
    // Fast enough for a test, slow enough that every field is keyed in the background.
    let pace = CallerPace::new(Duration::from_millis(2), Duration::from_millis(5));
    let mut env = env_with(Sandbox::builder().caller_pace(pace)).await;
    assert_eq!(env.sandbox.default_pace(), pace);
    let call = env.sandbox.start_call();
    let callbacks = env.run_session(call, "human/1").await;
    assert_eq!(capture_sequence(&callbacks), expected_capture_sequence());
    let last = callbacks.last().expect("final");
    assert_eq!(last.get("Result"), Some("success"));
    assert_eq!(last.get("PaymentCardNumber"), Some("xxxxxxxxxxxx4242"));
    // Partial callbacks show the digits keyed so far, masked.
    let partials: Vec<&str> = callbacks
        .iter()
        .filter(|cb| cb.get("Capture") == Some("payment-card-number"))
        .filter_map(|cb| cb.get("PaymentCardNumber"))
        .collect();
    assert_eq!(
        partials,
        ["xxxx", "xxxxxxxx", "xxxxxxxxxxxx", "xxxxxxxxxxxx4242"]
    );
}

#[tokio::test]
async fn a_client_that_does_not_wait_is_cut_off_and_refused_with_64019() {
    let mut env = env_with(Sandbox::builder().caller_pace(STUCK)).await;
    let mut events = env.sandbox.events();
    let call = env.sandbox.start_call();
    let session = env.start(call, "hurry/start").await.expect("create");
    // Four Captures back to back, each accepted: the agent may re-prompt at any point.
    for field in CARD_FIELDS {
        env.capture(call, session.sid, field)
            .await
            .expect("accepted");
    }
    let err = env
        .finish(call, session.sid, Status::Complete)
        .await
        .expect_err("nothing was keyed in");
    assert_twilio_error(&err, 400, 64019);
    let message = err.to_string();
    assert!(
        message.contains(
            "still required: payment-card-number, expiration-date, security-code, postal-code \
             (the caller is still keying postal-code: 0 of 5 digits)"
        ),
        "{message}"
    );
    // Each new prompt cut off the field before it; the security code was refused at once
    // because no card number was in.
    let first = next_interruption(&mut events).await;
    assert_eq!(
        (
            first.field.as_str(),
            first.typed,
            first.digits,
            first.by.as_str()
        ),
        ("payment-card-number", 0, 16, "Capture=expiration-date")
    );
    let second = next_interruption(&mut events).await;
    assert_eq!(
        (second.field.as_str(), second.by.as_str()),
        ("expiration-date", "Capture=security-code")
    );
    let cb = env.next().await;
    assert_eq!(cb.get("Capture"), Some("security-code"));
    assert_eq!(
        cb.get("ErrorType"),
        Some("invalid-card-number-security-code-capture-sequence")
    );
    // Cancelling stops the caller too; nothing else was ever sent.
    env.finish(call, session.sid, Status::Cancel)
        .await
        .expect("cancel");
    let third = next_interruption(&mut events).await;
    assert_eq!(
        (third.field.as_str(), third.by.as_str()),
        ("postal-code", "Status=cancel")
    );
    assert!(env.sandbox.wait_for_callbacks(WAIT).await);
    assert_eq!(env.sandbox.callback_stats().delivered, 1);
}

#[tokio::test]
async fn a_capture_asked_while_another_field_is_keyed_cuts_that_field_off() {
    let mut env = env().await;
    let mut events = env.sandbox.events();
    let call = env.sandbox.call().pace(STUCK).start();
    let session = env.start(call, "cut/start").await.expect("create");
    env.capture(call, session.sid, Capture::PaymentCardNumber)
        .await
        .expect("card");
    // The next field goes at once, and cuts off the card number still being keyed.
    assert!(env.sandbox.set_caller_pace(&call, CallerPace::INSTANT));
    env.capture(call, session.sid, Capture::ExpirationDate)
        .await
        .expect("expiry");
    let cut = next_interruption(&mut events).await;
    assert_eq!(
        (cut.field.as_str(), cut.by.as_str()),
        ("payment-card-number", "Capture=expiration-date")
    );
    let typing = env.next().await;
    let done = env.next().await;
    for cb in [&typing, &done] {
        assert_eq!(
            cb.get("Capture"),
            Some("expiration-date"),
            "no card callback: {cb:?}"
        );
        assert_eq!(cb.get("PaymentCardNumber"), None);
    }
    assert_eq!(
        done.get("Required"),
        Some("payment-card-number, security-code, postal-code")
    );
    assert!(env.sandbox.wait_for_callbacks(WAIT).await);
    assert_eq!(env.sandbox.callback_stats().delivered, 2);
    // Asked again, the card number goes in and the session completes.
    for field in [
        Capture::PaymentCardNumber,
        Capture::SecurityCode,
        Capture::PostalCode,
    ] {
        env.capture(call, session.sid, field)
            .await
            .expect("capture");
    }
    let last = env.complete_and_result(call, session.sid).await;
    assert_eq!(last.get("Result"), Some("success"));
}

#[tokio::test]
async fn complete_while_the_last_field_is_keyed_is_64019_and_changes_nothing() {
    let mut env = env().await;
    let mut events = env.sandbox.events();
    let call = env.sandbox.start_call();
    let session = env.start(call, "late/start").await.expect("create");
    for field in &CARD_FIELDS[..3] {
        env.capture(call, session.sid, field.clone())
            .await
            .expect("capture");
    }
    env.sandbox.set_caller_pace(&call, STUCK);
    env.capture(call, session.sid, Capture::PostalCode)
        .await
        .expect("postal code");
    let err = env
        .finish(call, session.sid, Status::Complete)
        .await
        .expect_err("the postal code is still being keyed");
    assert_twilio_error(&err, 400, 64019);
    assert!(
        err.to_string().contains(
            "still required: postal-code (the caller is still keying postal-code: 0 of 5 digits)"
        ),
        "{err}"
    );
    // The refused complete left the caller keying: asking again is what cuts it off.
    env.sandbox.set_caller_pace(&call, CallerPace::INSTANT);
    env.capture(call, session.sid, Capture::PostalCode)
        .await
        .expect("postal code again");
    let cut = next_interruption(&mut events).await;
    assert_eq!(
        (cut.field.as_str(), cut.by.as_str()),
        ("postal-code", "Capture=postal-code")
    );
    let last = env.complete_and_result(call, session.sid).await;
    assert_eq!(last.get("Result"), Some("success"));
}

#[tokio::test]
async fn a_replayed_capture_does_not_restart_the_keying() {
    let env = env().await;
    let mut events = env.sandbox.events();
    let call = env.sandbox.call().pace(STUCK).start();
    let session = env.start(call, "again/start").await.expect("create");
    let request = update(call, session.sid, "again/card", env.status.as_str())
        .capture(Capture::PaymentCardNumber);
    let first = request.clone().send(&env.client).await.expect("capture");
    let replay = request.send(&env.client).await.expect("replay");
    assert_eq!(first, replay);
    env.finish(call, session.sid, Status::Cancel)
        .await
        .expect("cancel");
    // The first interruption is the cancel's: the replay cut nothing off.
    let cut = next_interruption(&mut events).await;
    assert_eq!(
        (cut.field.as_str(), cut.by.as_str()),
        ("payment-card-number", "Status=cancel")
    );
}

#[tokio::test]
async fn hanging_up_cuts_the_caller_off_and_the_field_stays_required() {
    let mut env = env().await;
    let mut events = env.sandbox.events();
    let call = env.sandbox.call().pace(STUCK).start();
    let session = env.start(call, "gone/start").await.expect("create");
    env.capture(call, session.sid, Capture::PaymentCardNumber)
        .await
        .expect("card");
    assert!(env.sandbox.end_call(&call));
    let cut = next_interruption(&mut events).await;
    assert_eq!(
        (cut.field.as_str(), cut.by.as_str()),
        ("payment-card-number", "the call ending")
    );
    let last = env.next().await;
    assert_eq!(last.get("Result"), Some("caller-hung-up"));
    assert!(last
        .get("Required")
        .is_some_and(|r| r.starts_with("payment-card-number")));
}
