//! Request parsing: the form body plus the path values become the `api` crate's own params
//! structs, checked by the declarations themselves; then the Pay rules a connector enforces.

use api::payments::Create;
use runtime::Endpoint;
use serde::de::DeserializeOwned;

use crate::error::Failure;
use crate::session::Form;
use crate::store::Shared;

pub(crate) fn form_pairs(body: &[u8]) -> Result<Form, Failure> {
    serde_html_form::from_bytes(body)
        .map_err(|e| Failure::bad_request(20001, format!("The request body is not a form: {e}")))
}

pub(crate) fn value<'a>(form: &'a Form, name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub(crate) fn missing(name: &str) -> Failure {
    Failure::bad_request(
        21201,
        format!("Missing required parameter {name} in the post body"),
    )
}

/// Rebuilds the `api` crate's params struct from the form plus the path values, then runs the
/// declaration's own checks: the sandbox has no schema of its own.
pub(crate) fn parse<T: DeserializeOwned + Endpoint>(
    body: &[u8],
    path: &[(&str, &str)],
) -> Result<T, Failure> {
    let form = form_pairs(body)?;
    let mut pairs: Vec<(&str, &str)> = form
        .iter()
        .filter(|(k, _)| !path.iter().any(|(p, _)| p == k))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.extend_from_slice(path);
    let encoded = serde_html_form::to_string(&pairs)
        .map_err(|e| Failure::bad_request(20001, e.to_string()))?;
    let params: T = serde_html_form::from_str(&encoded)
        .map_err(|e| Failure::bad_request(20001, format!("Invalid parameters: {e}")))?;
    params.validate().map_err(|errors| {
        // A broken rule across parameters (exactly one of Capture and Status) is a request
        // Twilio refuses as malformed (20001), not a Pay value error.
        let breaks_rule = errors.iter().any(|e| {
            T::INFO
                .rules
                .iter()
                .any(|r| r.params.contains(&e.param.as_ref()))
        });
        let code = if errors.contains("ChargeAmount") {
            64003
        } else if breaks_rule {
            20001
        } else {
            64020
        };
        Failure::bad_request(code, format!("Invalid parameters: {errors}"))
    })?;
    Ok(params)
}

/// 400 for an enum value the declaration does not know.
pub(crate) fn known(
    name: &str,
    value: &str,
    is_known: bool,
    values: &[&str],
) -> Result<(), Failure> {
    if is_known {
        Ok(())
    } else {
        Err(Failure::bad_request(
            64020,
            format!("{name} {value:?} is not one of: {}", values.join(", ")),
        ))
    }
}

pub(crate) fn check_create_enums(p: &Create) -> Result<(), Failure> {
    use api::payments::{
        BankAccountType, CardType, Input, MatchingInput, PaymentMethod, TokenType,
    };
    if let Some(v) = &p.input {
        known("Input", v.as_str(), v.is_known(), Input::VALUES)?;
    }
    if let Some(v) = &p.payment_method {
        known(
            "PaymentMethod",
            v.as_str(),
            v.is_known(),
            PaymentMethod::VALUES,
        )?;
    }
    if let Some(v) = &p.bank_account_type {
        known(
            "BankAccountType",
            v.as_str(),
            v.is_known(),
            BankAccountType::VALUES,
        )?;
    }
    if let Some(v) = &p.token_type {
        known("TokenType", v.as_str(), v.is_known(), TokenType::VALUES)?;
    }
    if let Some(list) = &p.valid_card_types {
        for v in list.items() {
            known("ValidCardTypes", v.as_str(), v.is_known(), CardType::VALUES)?;
        }
    }
    if let Some(list) = &p.require_matching_inputs {
        for v in list.items() {
            known(
                "RequireMatchingInputs",
                v.as_str(),
                v.is_known(),
                MatchingInput::VALUES,
            )?;
        }
    }
    Ok(())
}

/// Currencies the fake connector settles.
const CURRENCIES: &[&str] = &[
    "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "JPY", "CHF", "SEK", "NOK", "DKK", "INR", "BRL",
    "MXN",
];

pub(crate) fn check_create_rules(shared: &Shared, p: &Create) -> Result<(), Failure> {
    use api::payments::PaymentMethod;
    if let Some(currency) = &p.currency {
        if !CURRENCIES.contains(&currency.to_ascii_uppercase().as_str()) {
            return Err(Failure::bad_request(
                64011,
                format!("Currency {currency:?} is not supported by the payment connector"),
            ));
        }
    }
    let connector = p.payment_connector.as_deref().unwrap_or("Default");
    if !shared.config.connectors.iter().any(|c| c == connector) {
        return Err(Failure::bad_request(
            64004,
            format!("PaymentConnector {connector:?} is not installed on this account"),
        ));
    }
    // TokenType with a ChargeAmount is not refused: Twilio's parameter description says the
    // card is then charged and not tokenized (Session::is_charge decides by the amount alone).
    let ach = p.payment_method == Some(PaymentMethod::AchDebit);
    if !ach && p.bank_account_type.is_some() {
        return Err(Failure::bad_request(
            64017,
            "BankAccountType applies to ach-debit sessions only",
        ));
    }
    if ach && p.parameter.is_none() {
        return Err(Failure::bad_request(
            64020,
            "ach-debit sessions need Parameter with the connector's fields",
        ));
    }
    Ok(())
}
