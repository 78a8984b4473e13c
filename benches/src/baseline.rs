//! What an openapi-generator SDK does for Create Payments, reproduced as the encoding baseline:
//! `format!` of the path with each SID percent-encoded into a fresh `String`, a
//! `HashMap<&str, String>` holding every present parameter as an owned string, then
//! `serde_urlencoded` for the body (`twilio-openapi` 1.2.2's `create_payments`, with the two
//! fields it lacks added so both sides encode the same parameters).

use std::collections::HashMap;

/// The arguments as generated code takes them: borrowed strings, machine numbers, a JSON value.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// `<AccountSid>`.
    pub account_sid: &'static str,
    /// `<CallSid>`.
    pub call_sid: &'static str,
    /// `IdempotencyKey`.
    pub idempotency_key: &'static str,
    /// `StatusCallback`.
    pub status_callback: &'static str,
    /// `BankAccountType`.
    pub bank_account_type: Option<&'static str>,
    /// `ChargeAmount` (generated code takes an `f32`).
    pub charge_amount: Option<f32>,
    /// `Currency`.
    pub currency: Option<&'static str>,
    /// `Description`.
    pub description: Option<&'static str>,
    /// `Input`.
    pub input: Option<&'static str>,
    /// `MinPostalCodeLength`.
    pub min_postal_code_length: Option<i32>,
    /// `Parameter`.
    pub parameter: Option<serde_json::Value>,
    /// `PaymentConnector`.
    pub payment_connector: Option<&'static str>,
    /// `PaymentMethod`.
    pub payment_method: Option<&'static str>,
    /// `PostalCode`.
    pub postal_code: Option<bool>,
    /// `SecurityCode`.
    pub security_code: Option<bool>,
    /// `Timeout`.
    pub timeout: Option<i32>,
    /// `TokenType`.
    pub token_type: Option<&'static str>,
    /// `ValidCardTypes`, already joined by the caller.
    pub valid_card_types: Option<&'static str>,
    /// `RequireMatchingInputs`, already joined by the caller.
    pub require_matching_inputs: Option<&'static str>,
    /// `Confirmation`.
    pub confirmation: Option<bool>,
}

/// The same values as [`crate::fixture::full_params`], in generated-code form.
pub fn full_inputs() -> Inputs {
    use crate::fixture as f;
    Inputs {
        account_sid: f::ACCOUNT_SID,
        call_sid: f::CALL_SID,
        idempotency_key: f::IDEMPOTENCY_KEY,
        status_callback: f::STATUS_CALLBACK,
        bank_account_type: Some("consumer-checking"),
        charge_amount: Some(19.99),
        currency: Some(f::CURRENCY),
        description: Some(f::DESCRIPTION),
        input: Some("dtmf"),
        min_postal_code_length: Some(f::MIN_POSTAL_CODE_LENGTH as i32),
        parameter: Some(f::parameter()),
        payment_connector: Some(f::PAYMENT_CONNECTOR),
        payment_method: Some("credit-card"),
        postal_code: Some(true),
        security_code: Some(true),
        timeout: Some(f::TIMEOUT as i32),
        token_type: Some("reusable"),
        valid_card_types: Some("visa mastercard amex"),
        require_matching_inputs: Some("payment-card-number,expiration-date"),
        confirmation: Some(true),
    }
}

/// The generator's path-segment encoder: a fresh `String` per segment.
fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Inserts an optional value as an owned string, as generated code does for each parameter.
fn put<T: ToString>(form: &mut HashMap<&'static str, String>, key: &'static str, v: Option<T>) {
    if let Some(v) = v {
        form.insert(key, v.to_string());
    }
}

/// Encodes `(path, form body)` the generated way.
///
/// # Panics
/// Never for these inputs: `serde_urlencoded` fails only on nested values.
pub fn encode(i: &Inputs) -> (String, String) {
    let path = format!(
        "/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Payments.json",
        AccountSid = urlencode(i.account_sid),
        CallSid = urlencode(i.call_sid)
    );
    let mut form = HashMap::new();
    form.insert("IdempotencyKey", i.idempotency_key.to_string());
    form.insert("StatusCallback", i.status_callback.to_string());
    put(&mut form, "BankAccountType", i.bank_account_type);
    put(&mut form, "ChargeAmount", i.charge_amount);
    put(&mut form, "Currency", i.currency);
    put(&mut form, "Description", i.description);
    put(&mut form, "Input", i.input);
    put(&mut form, "MinPostalCodeLength", i.min_postal_code_length);
    put(&mut form, "Parameter", i.parameter.as_ref());
    put(&mut form, "PaymentConnector", i.payment_connector);
    put(&mut form, "PaymentMethod", i.payment_method);
    put(&mut form, "PostalCode", i.postal_code);
    put(&mut form, "SecurityCode", i.security_code);
    put(&mut form, "Timeout", i.timeout);
    put(&mut form, "TokenType", i.token_type);
    put(&mut form, "ValidCardTypes", i.valid_card_types);
    put(
        &mut form,
        "RequireMatchingInputs",
        i.require_matching_inputs,
    );
    put(&mut form, "Confirmation", i.confirmation);
    let body = match serde_urlencoded::to_string(&form) {
        Ok(body) => body,
        Err(e) => panic!("baseline form encoding: {e}"),
    };
    (path, body)
}
