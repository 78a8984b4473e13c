//! The one request all benches use: Create Payments with every optional field set, so the
//! encoder does the most work a real call can ask of it.

use api::payments::{
    create, BankAccountType, CardType, Create, CreateRequest, Input, MatchingInput, PaymentMethod,
    TokenType,
};
use rust_decimal::Decimal;

/// A syntactically valid account SID (the server never checks it).
pub const ACCOUNT_SID: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
/// A placeholder auth token.
pub const AUTH_TOKEN: &str = "bench-auth-token";
/// The call the session starts on.
pub const CALL_SID: &str = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
/// The idempotency key.
pub const IDEMPOTENCY_KEY: &str = "order-1234/start";
/// The status callback.
pub const STATUS_CALLBACK: &str = "https://example.com/pay/status?session=1234&attempt=1";
/// The charge, as the SDK takes it (cents exact).
pub const CHARGE_AMOUNT_CENTS: i64 = 1999;
/// The currency.
pub const CURRENCY: &str = "usd";
/// The description: spaces and punctuation make the form encoder work.
pub const DESCRIPTION: &str = "Order #1234: 2 × widgets & 1 gadget";
/// The postal code minimum length.
pub const MIN_POSTAL_CODE_LENGTH: u32 = 5;
/// The connector name.
pub const PAYMENT_CONNECTOR: &str = "Default";
/// The digit timeout in seconds.
pub const TIMEOUT: u32 = 10;

/// The connector parameters, as a JSON object.
pub fn parameter() -> serde_json::Value {
    serde_json::json!({ "merchant": "acme", "store": 42, "test": true })
}

/// The builder with every field set; `send` it, or take its params.
pub fn full_request() -> CreateRequest {
    create(CALL_SID, IDEMPOTENCY_KEY, STATUS_CALLBACK)
        .bank_account_type(BankAccountType::ConsumerChecking)
        .charge_amount(Decimal::new(CHARGE_AMOUNT_CENTS, 2))
        .currency(CURRENCY)
        .description(DESCRIPTION)
        .input(Input::Dtmf)
        .min_postal_code_length(MIN_POSTAL_CODE_LENGTH)
        .parameter(parameter())
        .payment_connector(PAYMENT_CONNECTOR)
        .payment_method(PaymentMethod::CreditCard)
        .postal_code(true)
        .security_code(true)
        .timeout(TIMEOUT)
        .token_type(TokenType::Reusable)
        .valid_card_types([CardType::Visa, CardType::Mastercard, CardType::Amex])
        .require_matching_inputs([
            MatchingInput::PaymentCardNumber,
            MatchingInput::ExpirationDate,
        ])
        .confirmation(true)
}

/// The params struct with every field set.
///
/// # Panics
/// If the fixture's values were refused (a bug in the fixture, caught by the first bench run).
pub fn full_params() -> Create {
    match full_request().into_params() {
        Ok(params) => params,
        Err(errors) => panic!("the bench fixture was refused: {errors}"),
    }
}

/// A client for encoding (nothing is sent) or for the loopback server at `base_url`.
///
/// # Panics
/// If the client cannot be built (a bad `base_url`).
pub fn client(base_url: Option<&str>) -> runtime::Client {
    let mut builder = runtime::Client::builder(ACCOUNT_SID, AUTH_TOKEN);
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    match builder.build() {
        Ok(client) => client,
        Err(e) => panic!("bench client: {e}"),
    }
}
