//! IdempotencyKey: a replay returns the original answer and changes nothing; the same key with
//! other parameters is refused.

use crate::common;

use api::payments::{create, update, Capture, Status};
use common::*;
use rust_decimal::Decimal;

#[tokio::test]
async fn replaying_a_create_returns_the_same_session_and_starts_no_other() {
    let env = env().await;
    let call = env.sandbox.start_call();
    let first = env.start(call, "idem/start").await.expect("create");
    let again = env.start(call, "idem/start").await.expect("replay");
    assert_eq!(again, first, "the original answer, dates included");
    // The replay started nothing: the original session is still the call's one open session.
    let err = env
        .start(call, "idem/other")
        .await
        .expect_err("still one open session");
    assert_twilio_error(&err, 400, 64021);
    assert!(err.to_string().contains(first.sid.as_str()), "{err}");
}

#[tokio::test]
async fn replaying_a_capture_sends_no_callbacks_again() {
    let mut env = env().await;
    let call = env.sandbox.start_call();
    let session = env.start(call, "replay/start").await.expect("create");
    let request = update(call, session.sid, "replay/card", env.status.as_str())
        .capture(Capture::PaymentCardNumber);
    let first = request.clone().send(&env.client).await.expect("capture");
    let replay = request.send(&env.client).await.expect("replayed capture");
    assert_eq!(first, replay);
    // Only the first request's callbacks arrive: 3 partial + 1 final, then the next step's.
    env.capture(call, session.sid, Capture::ExpirationDate)
        .await
        .expect("expiry");
    let mut seen = Vec::new();
    while seen.len() < 6 {
        let cb = env.next().await;
        seen.push(cb.get("Capture").unwrap_or_default().to_owned());
    }
    assert_eq!(
        seen,
        [
            "payment-card-number",
            "payment-card-number",
            "payment-card-number",
            "payment-card-number",
            "expiration-date",
            "expiration-date"
        ]
    );
    assert!(env.sandbox.wait_for_callbacks(WAIT).await);
    assert_eq!(env.sandbox.callback_stats().delivered, 6);
}

#[tokio::test]
async fn replaying_complete_after_the_session_ended_returns_the_original_answer() {
    let env = env().await;
    let call = env.sandbox.start_call();
    let session = env.start(call, "done/start").await.expect("create");
    for field in CARD_FIELDS {
        env.capture(call, session.sid, field)
            .await
            .expect("capture");
    }
    let request =
        update(call, session.sid, "done/complete", env.status.as_str()).status(Status::Complete);
    let first = request.clone().send(&env.client).await.expect("complete");
    let replay = request
        .send(&env.client)
        .await
        .expect("replay after the session ended");
    assert_eq!(first, replay);
    // A new step with a fresh key is refused: the session is over.
    let err = env
        .finish(call, session.sid, Status::Complete)
        .await
        .expect_err("over");
    assert_twilio_error(&err, 400, 64020);
}

#[tokio::test]
async fn the_same_key_with_other_parameters_is_refused() {
    let env = env().await;
    let call = env.sandbox.start_call();
    create(call, "reuse/start", env.status.as_str())
        .charge_amount(Decimal::new(1000, 2))
        .send(&env.client)
        .await
        .expect("create");
    let err = create(call, "reuse/start", env.status.as_str())
        .charge_amount(Decimal::new(2000, 2))
        .send(&env.client)
        .await
        .expect_err("other amount, same key");
    assert_twilio_error(&err, 400, 20001);
    assert!(err.to_string().contains("different parameters"), "{err}");
}
