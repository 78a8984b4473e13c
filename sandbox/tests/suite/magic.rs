//! Card choice from any client: the call's `To` or `From` number picks the test card (and its
//! exchange the caller's pace), `SandboxTestCard` for raw clients, refusals that say why.

use crate::common;

use api::payments::{create, Capture, CardType};
use common::*;
use sandbox::{CallerPace, MagicNumber, SandboxEvent, TestCard};

/// The last callback of a whole session on a call to `to`.
async fn result_of(env: &mut Env, to: &str) -> sandbox::Received {
    let call = env.call_to(to, "+15005550006").await;
    let callbacks = env.run_session(call, &format!("magic/{to}")).await;
    callbacks.last().expect("final").clone()
}

#[tokio::test]
async fn magic_to_numbers_pick_the_card_and_its_outcome() {
    let mut env = env().await;
    let last = result_of(&mut env, "+15005550002").await;
    assert_eq!(last.get("Result"), Some("payment-connector-error"));
    assert_eq!(last.get("ConnectorError"), Some("card_declined"));
    assert_eq!(last.get("PaymentCardNumber"), Some("xxxxxxxxxxxx0002"));

    let last = result_of(&mut env, "+15005559995").await;
    assert_eq!(last.get("Result"), Some("payment-connector-error"));
    assert_eq!(last.get("ConnectorError"), Some("insufficient_funds"));
    assert_eq!(last.get("PaymentError"), Some("Insufficient funds"));

    for (to, brand, last4) in [
        ("+15005554242", "visa", "4242"),
        ("+15005554444", "mastercard", "4444"),
        ("+15005550005", "amex", "0005"),
    ] {
        let last = result_of(&mut env, to).await;
        assert_eq!(last.get("Result"), Some("success"), "{to}");
        assert_eq!(last.get("PaymentCardType"), Some(brand), "{to}");
        assert!(
            last.get("PaymentCardNumber")
                .is_some_and(|n| n.ends_with(last4)),
            "{to}"
        );
    }
}

#[tokio::test]
async fn the_from_number_picks_when_to_does_not_and_to_wins_over_from() {
    let mut env = env().await;
    let call = env.call_to("+14155550100", "+15005554444").await;
    let last = env.run_session(call, "from/1").await.pop().expect("final");
    assert_eq!(last.get("PaymentCardType"), Some("mastercard"));

    let call = env.call_to("+15005550002", "+15005554444").await;
    let last = env.run_session(call, "both/1").await.pop().expect("final");
    assert_eq!(last.get("Result"), Some("payment-connector-error"));
}

#[tokio::test]
async fn the_invalid_number_is_refused_while_captured() {
    let mut env = env().await;
    let call = env.call_to("+15005554241", "+15005550006").await;
    let session = env.start(call, "invalid/start").await.expect("create");
    env.capture(call, session.sid, Capture::PaymentCardNumber)
        .await
        .expect("capture");
    let last = env.field_done().await;
    assert_eq!(last.get("ErrorType"), Some("invalid-card-number"));
    assert!(last
        .get("Required")
        .is_some_and(|r| r.contains("payment-card-number")));
}

#[tokio::test]
async fn brands_outside_the_default_card_types_need_valid_card_types() {
    let mut env = env().await;
    for magic in ["+15005551117", "+15005550505", "+15005555904"] {
        let card = MagicNumber::find(magic).expect("magic").test_card();
        let brand = card.card_type().expect("brand");
        // Twilio's default list (visa mastercard amex) refuses the brand...
        let call = env.call_to(magic, "+15005550006").await;
        let session = env
            .start(call, &format!("{magic}/default"))
            .await
            .expect("create");
        env.capture(call, session.sid, Capture::PaymentCardNumber)
            .await
            .expect("capture");
        let last = env.field_done().await;
        assert_eq!(last.get("ErrorType"), Some("invalid-card-type"), "{magic}");
        // ...and accepts it when listed.
        let call = env.call_to(magic, "+15005550006").await;
        let kind: CardType = brand.parse().expect("card type");
        let session = create(call, format!("{magic}/listed"), env.status.as_str())
            .charge_amount(rust_decimal::Decimal::ONE)
            .valid_card_types([kind])
            .send(&env.client)
            .await
            .expect("create");
        let last = env.capture_all_and_complete(call, session.sid).await;
        assert_eq!(last.get("Result"), Some("success"), "{magic}");
        assert_eq!(last.get("PaymentCardType"), Some(brand), "{magic}");
    }
}

#[tokio::test]
async fn the_typed_client_picks_cards_by_number_too() {
    let mut env = env().await;
    let call = api::calls::create("+15005550002", "+15005550006")
        .url("https://example.com/twiml")
        .send(&env.client)
        .await
        .expect("create call");
    let call = call.sid.expect("call SID");
    let last = env.run_session(call, "typed/1").await.pop().expect("final");
    assert_eq!(last.get("Result"), Some("payment-connector-error"));
}

#[tokio::test]
async fn sandbox_test_card_wins_and_bad_values_are_refused_with_the_reason() {
    let mut env = env().await;
    let (status, body) = env
        .create_call(
            "+15005550002",
            "+15005550006",
            &[("SandboxTestCard", "amex")],
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let call: runtime::CallSid = body["sid"].as_str().expect("sid").parse().expect("sid");
    let last = env
        .run_session(call, "explicit/1")
        .await
        .pop()
        .expect("final");
    assert_eq!(last.get("Result"), Some("success"));
    assert_eq!(last.get("PaymentCardType"), Some("amex"));

    for (card, says) in [
        ("123", "has 3 digits"),
        ("4242424242424241", "fails the Luhn check"),
        ("gold", "neither a test card name"),
    ] {
        let (status, body) = env
            .create_call("+15005554242", "+15005550006", &[("SandboxTestCard", card)])
            .await;
        assert_eq!(
            (status, body["code"].as_u64()),
            (400, Some(20001)),
            "{body}"
        );
        let message = body["message"].as_str().expect("message");
        assert!(message.starts_with("SandboxTestCard: "), "{message}");
        assert!(message.contains(says), "{message}");
        assert!(
            message.contains("invalid-number"),
            "names the choices: {message}"
        );
    }
    let (status, body) = env
        .create_call(
            "+15005554242",
            "+15005550006",
            &[("SandboxCallerPace", "sluggish")],
        )
        .await;
    assert_eq!(
        (status, body["code"].as_u64()),
        (400, Some(20001)),
        "{body}"
    );
    assert!(body["message"]
        .as_str()
        .is_some_and(|m| m.contains("instant or realistic")));
}

#[tokio::test]
async fn each_call_says_in_the_events_what_its_caller_will_do_and_why() {
    let env = env().await;
    let mut events = env.sandbox.events();
    env.call_to("+15005560002", "+15005550006").await;
    env.call_to("+14155550100", "+15005550005").await;
    env.sandbox
        .call()
        .card(TestCard::jcb())
        .pace(CallerPace::REALISTIC)
        .start();
    let mut started = Vec::new();
    while started.len() < 3 {
        if let Some(SandboxEvent::CallStarted(c)) = events.next().await {
            started.push(c);
        }
    }
    assert_eq!(started[0].card, "visa …0002 (declined)");
    assert_eq!(started[0].card_chosen_by, "To +15005560002");
    assert_eq!(started[0].pace, "realistic");
    assert_eq!(started[0].pace_chosen_by, "To +15005560002");
    assert_eq!(started[1].card, "amex …0005");
    assert_eq!(started[1].card_chosen_by, "From +15005550005");
    assert_eq!(started[1].pace, "instant");
    assert_eq!(started[1].pace_chosen_by, "the sandbox's default");
    assert_eq!(started[2].card, "jcb …0505");
    assert_eq!(started[2].card_chosen_by, "Sandbox::call().card()");
    assert_eq!(started[2].pace_chosen_by, "Sandbox::call().pace()");
}
