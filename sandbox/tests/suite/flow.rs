//! The full flow through the public client: every callback arrives signed, in order, with the
//! masked values and the fields still required, then the connector's result.

use crate::common;

use api::payments::{create, Capture, CardType, PayStage, PayStatusCallback, Status, TokenType};
use common::*;
use sandbox::{Sandbox, TestCard};

#[tokio::test]
async fn full_charge_flow_sends_every_callback_signed_and_in_order() {
    let mut env = env().await;
    let call = env.sandbox.start_call();
    let session = env.start(call, "flow/start").await.expect("create");
    assert_eq!(session.call_sid, Some(call));
    assert_eq!(
        session.account_sid.as_ref().map(|a| a.as_str()),
        Some(env.sandbox.account_sid())
    );
    assert!(session.unreadable.is_empty());
    assert!(session.date_created.is_some());
    for field in CARD_FIELDS {
        let answer = env
            .capture(call, session.sid, field)
            .await
            .expect("capture");
        assert_eq!(answer.sid, session.sid);
    }
    env.finish(call, session.sid, Status::Complete)
        .await
        .expect("complete");
    let callbacks = env.until_result().await;

    assert_eq!(capture_sequence(&callbacks), expected_capture_sequence());
    for cb in &callbacks {
        assert_eq!(cb.get("Sid"), Some(session.sid.as_str()));
        assert_eq!(cb.get("CallSid"), Some(call.as_str()));
        assert_eq!(cb.get("AccountSid"), Some(env.sandbox.account_sid()));
        assert_eq!(cb.get("ChargeAmount"), Some("19.99"));
        assert_eq!(cb.get("PaymentMethod"), Some("credit-card"));
        assert_eq!(cb.get("PaymentConnector"), Some("Default"));
        assert!(cb.url.ends_with("/pay/status"));
        assert!(cb.idempotency_token.is_some());
        // No callback ever carries the full card number or the security code.
        for (_, v) in &cb.params {
            assert!(!v.contains("4242424242424242"), "{cb:?}");
            assert_ne!(v, "123", "{cb:?}");
        }
    }
    let card_done = callbacks
        .iter()
        .find(|cb| {
            cb.get("Capture") == Some("payment-card-number")
                && cb.get("PartialResult") == Some("false")
        })
        .expect("card number captured");
    assert_eq!(card_done.get("PaymentCardNumber"), Some("xxxxxxxxxxxx4242"));
    assert_eq!(card_done.get("PaymentCardType"), Some("visa"));
    assert_eq!(
        card_done.get("Required"),
        Some("expiration-date, security-code, postal-code")
    );
    let code_done = callbacks
        .iter()
        .find(|cb| {
            cb.get("Capture") == Some("security-code") && cb.get("PartialResult") == Some("false")
        })
        .expect("security code captured");
    assert_eq!(code_done.get("SecurityCode"), Some("xxx"));
    assert_eq!(code_done.get("Required"), Some("postal-code"));
    let last = callbacks.last().expect("final");
    assert_eq!(last.get("Result"), Some("success"));
    assert!(last
        .get("PaymentConfirmationCode")
        .is_some_and(|c| c.starts_with("ch_")));
    assert_eq!(last.get("PaymentToken"), None);
    assert_eq!(last.get("PaymentCardPostalCode"), Some("94105"));
    assert_eq!(
        last.get("ExpirationDate"),
        Some(TestCard::visa().expiration_date.as_str())
    );

    // The typed callback of the api crate reads every one of them.
    let typed: Vec<PayStatusCallback> = callbacks
        .iter()
        .map(|cb| cb.callback().expect("a Pay status callback"))
        .collect();
    let (last_typed, capturing) = typed.split_last().expect("callbacks");
    assert!(capturing.iter().all(|cb| cb.stage() == PayStage::Capturing));
    assert!(capturing
        .iter()
        .all(|cb| cb.sid == session.sid && cb.call_sid == call));
    assert_eq!(last_typed.stage(), PayStage::Completed);
    assert_eq!(
        last_typed.charge_amount,
        Some(rust_decimal::Decimal::new(1999, 2))
    );
    assert!(last_typed.date_created.is_some() && last_typed.date_updated.is_some());
    let card_typed = &typed[3];
    assert_eq!(card_typed.capture, Some(Capture::PaymentCardNumber));
    assert_eq!(card_typed.partial_result, Some(false));
    assert_eq!(
        card_typed
            .payment_card_number
            .as_ref()
            .and_then(|n| n.last4()),
        Some("4242")
    );
    assert_eq!(card_typed.payment_card_type, Some(CardType::Visa));
    assert_eq!(
        card_typed.required,
        [
            Capture::ExpirationDate,
            Capture::SecurityCode,
            Capture::PostalCode
        ]
    );

    assert!(env.sandbox.wait_for_callbacks(WAIT).await);
    let stats = env.sandbox.callback_stats();
    assert_eq!(stats.delivered, callbacks.len() as u64);
    assert_eq!(stats.failed, 0);
}

#[tokio::test]
async fn tokenization_returns_a_payment_token() {
    let mut env = env().await;
    let call = env.sandbox.start_call_with_card(TestCard::amex());
    let session = create(call, "tok/start", env.status.as_str())
        .token_type(TokenType::Reusable)
        .send(&env.client)
        .await
        .expect("create");
    let last = env.capture_all_and_complete(call, session.sid).await;
    assert_eq!(last.get("Result"), Some("success"));
    assert!(last
        .get("PaymentToken")
        .is_some_and(|t| t.starts_with("tok_")));
    assert_eq!(last.get("PaymentConfirmationCode"), None);
    assert_eq!(last.get("TokenType"), Some("reusable"));
    assert_eq!(last.get("ChargeAmount"), Some(""));
    assert_eq!(last.get("PaymentCardType"), Some("amex"));
    assert_eq!(last.get("SecurityCode"), Some("xxxx"));
}

#[tokio::test]
async fn token_type_with_a_charge_amount_charges_and_does_not_tokenize() {
    // Twilio's TokenType description: with a charge amount the card is charged, not tokenized.
    let mut env = env().await;
    let call = env.sandbox.start_call();
    let session = create(call, "tokcharge/start", env.status.as_str())
        .charge_amount(rust_decimal::Decimal::new(500, 2))
        .token_type(TokenType::OneTime)
        .send(&env.client)
        .await
        .expect("TokenType with ChargeAmount is accepted");
    let last = env.capture_all_and_complete(call, session.sid).await;
    assert_eq!(last.get("Result"), Some("success"));
    assert!(last
        .get("PaymentConfirmationCode")
        .is_some_and(|c| c.starts_with("ch_")));
    assert_eq!(last.get("PaymentToken"), None);
    assert_eq!(last.get("ProfileId"), None);
    assert_eq!(last.get("ChargeAmount"), Some("5.00"));
    assert_eq!(last.get("TokenType"), Some("one-time"));
}

#[tokio::test]
async fn a_declined_card_ends_with_payment_connector_error() {
    let mut env = env_with(Sandbox::builder().test_card(TestCard::declined())).await;
    let call = env.sandbox.start_call();
    let session = env.start(call, "decline/start").await.expect("create");
    let last = env.capture_all_and_complete(call, session.sid).await;
    assert_eq!(last.get("Result"), Some("payment-connector-error"));
    assert_eq!(last.get("PayErrorCode"), Some("64012"));
    assert_eq!(last.get("PaymentConfirmationCode"), None);
}

#[tokio::test]
async fn an_invalid_card_number_is_refused_while_captured_and_stays_required() {
    let mut env = env().await;
    let call = env.sandbox.start_call_with_card(TestCard::invalid_number());
    let session = env.start(call, "invalid/start").await.expect("create");
    env.capture(call, session.sid, Capture::PaymentCardNumber)
        .await
        .expect("capture");
    let last = env.field_done().await;
    assert_eq!(last.get("ErrorType"), Some("invalid-card-number"));
    assert_eq!(last.get("PaymentCardNumber"), None);
    assert!(last
        .get("Required")
        .is_some_and(|r| r.starts_with("payment-card-number")));
    let err = env
        .finish(call, session.sid, Status::Complete)
        .await
        .expect_err("64019");
    assert_twilio_error(&err, 400, 64019);
}

#[tokio::test]
async fn a_card_brand_outside_valid_card_types_is_refused() {
    let mut env = env().await;
    let call = env.sandbox.start_call(); // Visa
    let session = create(call, "brand/start", env.status.as_str())
        .charge_amount(rust_decimal::Decimal::ONE)
        .valid_card_types([CardType::Amex, CardType::Mastercard])
        .send(&env.client)
        .await
        .expect("create");
    env.capture(call, session.sid, Capture::PaymentCardNumber)
        .await
        .expect("capture");
    let last = env.field_done().await;
    assert_eq!(last.get("ErrorType"), Some("invalid-card-type"));
}

#[tokio::test]
async fn api_key_credentials_work_too() {
    let env = env().await;
    let client = env.sandbox.api_key_client().expect("client");
    let call = env.sandbox.start_call();
    let session = create(call, "key/start", env.status.as_str())
        .send(&client)
        .await
        .expect("create with an API key");
    assert_eq!(session.call_sid, Some(call));
}

#[tokio::test]
async fn a_relative_status_callback_resolves_against_the_configured_base() {
    // The receiver must exist before the sandbox to give it its base URL.
    let sandbox_builder =
        Sandbox::builder().account("AC0123456789abcdef0123456789abcdef", "shared-token");
    let mut receiver = sandbox::Receiver::start("shared-token")
        .await
        .expect("receiver");
    let sandbox = sandbox_builder
        .callback_base(receiver.url("/hooks/"))
        .start()
        .await
        .expect("sandbox");
    let client = sandbox.client().expect("client");
    let call = sandbox.start_call();
    let session = create(call, "rel/start", "pay/status")
        .send(&client)
        .await
        .expect("create with a relative callback");
    api::payments::update(call, session.sid, "rel/card", "pay/status")
        .capture(Capture::PaymentCardNumber)
        .send(&client)
        .await
        .expect("capture");
    let cb = receiver.next(WAIT).await.expect("callback");
    assert_eq!(cb.url, receiver.url("/hooks/pay/status"));
    assert!(cb.signature_valid);
}

#[tokio::test]
async fn a_receiver_with_another_token_rejects_the_signature() {
    // The receiver's check is real: with the wrong token every callback fails it.
    let env = env().await;
    let mut wrong = sandbox::Receiver::start("not-the-token")
        .await
        .expect("receiver");
    let call = env.sandbox.start_call();
    let status = wrong.url("/pay");
    let session = create(call, "wrong/start", status.as_str())
        .send(&env.client)
        .await
        .expect("create");
    api::payments::update(call, session.sid, "wrong/card", status.as_str())
        .capture(Capture::PaymentCardNumber)
        .send(&env.client)
        .await
        .expect("capture");
    let cb = wrong.next(WAIT).await.expect("callback");
    assert!(!cb.signature_valid);
    assert_eq!(cb.answered, 403);
}

#[tokio::test]
async fn debug_output_never_shows_the_secrets() {
    let builder =
        Sandbox::builder().account("AC0123456789abcdef0123456789abcdef", "very-secret-token");
    assert!(!format!("{builder:?}").contains("very-secret-token"));
    let sandbox = builder.start().await.expect("sandbox");
    let shown = format!("{sandbox:?}");
    assert!(!shown.contains("very-secret-token"), "{shown}");
    assert!(!shown.contains(sandbox.api_key_secret()), "{shown}");
    assert!(shown.contains(sandbox.account_sid()), "{shown}");
}

#[tokio::test]
async fn an_ach_session_captures_bank_details() {
    use api::payments::{BankAccountType, PaymentMethod};
    let mut env = env().await;
    let call = env.sandbox.start_call();
    let parameter = serde_json::json!({"customer": "cus_123"});
    let session = create(call, "ach/start", env.status.as_str())
        .charge_amount(rust_decimal::Decimal::new(5000, 2))
        .payment_method(PaymentMethod::AchDebit)
        .bank_account_type(BankAccountType::ConsumerSavings)
        .parameter(parameter)
        .send(&env.client)
        .await
        .expect("create");
    let err = env
        .capture(call, session.sid, Capture::PaymentCardNumber)
        .await
        .expect_err("card data in an ACH session");
    assert_twilio_error(&err, 400, 64013);
    env.capture(call, session.sid, Capture::BankRoutingNumber)
        .await
        .expect("routing");
    env.capture(call, session.sid, Capture::BankAccountNumber)
        .await
        .expect("account");
    env.finish(call, session.sid, Status::Complete)
        .await
        .expect("complete");
    let callbacks = env.until_result().await;
    let last = callbacks.last().expect("final");
    assert_eq!(last.get("Result"), Some("success"));
    assert_eq!(last.get("PaymentMethod"), Some("ach-debit"));
    assert_eq!(last.get("BankAccountType"), Some("consumer-savings"));
    assert_eq!(last.get("BankRoutingNumber"), Some("121000358"));
    assert_eq!(last.get("BankAccountNumber"), Some("xxxxxxxxxx89"));
    let typed = last.callback().expect("typed");
    assert_eq!(
        typed.bank_account_number.as_ref().and_then(|n| n.last2()),
        Some("89")
    );
}

#[tokio::test]
async fn require_matching_inputs_adds_the_matcher_captures() {
    use api::payments::MatchingInput;
    let mut env = env().await;
    let call = env.sandbox.start_call();
    let session = create(call, "match/start", env.status.as_str())
        .postal_code(false)
        .require_matching_inputs([MatchingInput::PaymentCardNumber])
        .send(&env.client)
        .await
        .expect("create");
    // The matcher before the field it confirms fails as a mismatch.
    env.capture(call, session.sid, Capture::PaymentCardNumberMatcher)
        .await
        .expect("accepted");
    let cb = env.next().await;
    assert_eq!(cb.get("ErrorType"), Some("input-matching-failed"));
    for field in [
        Capture::PaymentCardNumber,
        Capture::ExpirationDate,
        Capture::SecurityCode,
    ] {
        env.capture(call, session.sid, field)
            .await
            .expect("capture");
    }
    let err = env
        .finish(call, session.sid, Status::Complete)
        .await
        .expect_err("matcher missing");
    assert_twilio_error(&err, 400, 64019);
    assert!(
        err.to_string().contains("payment-card-number-matcher"),
        "{err}"
    );
    env.capture(call, session.sid, Capture::PaymentCardNumberMatcher)
        .await
        .expect("matcher");
    let last = env.complete_and_result(call, session.sid).await;
    assert_eq!(last.get("Result"), Some("success"));
}

#[tokio::test]
async fn an_operation_the_sandbox_does_not_play_is_refused_saying_so() {
    // Twilio lists calls; the sandbox plays pay sessions only, and its refusal must not read as
    // Twilio's own.
    let env = env().await;
    let client = env.sandbox.client().expect("client");
    let err = api::calls::list()
        .page_size(1)
        .send(&client)
        .await
        .expect_err("the sandbox does not list calls");
    assert_eq!(err.status(), Some(405), "{err}");
    let message = err
        .api_error()
        .map(|e| e.message.clone())
        .unwrap_or_default();
    assert!(message.contains("local sandbox"), "{message}");
    assert!(message.contains("pay sessions"), "{message}");
}
