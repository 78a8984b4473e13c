//! Parsing Pay status callbacks: a doc-shaped and a real-traffic-shaped body for each stage.

use api::payments::{
    BankAccountType, Capture, CardType, ErrorType, PayResult, PayStage, PayStatusCallback,
    PaymentMethod, TokenType,
};
use rust_decimal_macros::dec;
use time::macros::datetime;

use crate::odd;
use odd::{COMPLETED, ODD};

const ACCOUNT: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const CALL: &str = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const PAYMENT: &str = "PKcccccccccccccccccccccccccccccccc";

fn common() -> String {
    format!("AccountSid={ACCOUNT}&CallSid={CALL}&Sid={PAYMENT}")
}

fn parse(body: &str) -> PayStatusCallback {
    PayStatusCallback::from_form(body.as_bytes()).expect("callback parses")
}

#[test]
fn started_doc_shaped() {
    let cb = parse(&format!(
        "{}&DateCreated=Wed%2C+18+Dec+2019+20%3A02%3A01+%2B0000&BankAccountType=consumer-checking\
         &ChargeAmount=19.99&PaymentConnector=Default&PaymentMethod=credit-card&TokenType=reusable",
        common()
    ));
    assert_eq!(cb.account_sid.as_str(), ACCOUNT);
    assert_eq!(cb.call_sid.as_str(), CALL);
    assert_eq!(cb.sid.as_str(), PAYMENT);
    assert_eq!(cb.date_created, Some(datetime!(2019-12-18 20:02:01 UTC)));
    assert_eq!(
        cb.bank_account_type,
        Some(BankAccountType::ConsumerChecking)
    );
    assert_eq!(cb.charge_amount, Some(dec!(19.99)));
    assert_eq!(cb.payment_connector.as_deref(), Some("Default"));
    assert_eq!(cb.payment_method, Some(PaymentMethod::CreditCard));
    assert_eq!(cb.token_type, Some(TokenType::Reusable));
    assert_eq!(cb.stage(), PayStage::Started);
    assert!(!cb.stage().is_final());
}

#[test]
fn started_real_traffic_shaped() {
    // ISO dates with milliseconds, blank fields, parameters this version does not model.
    let cb = parse(&format!(
        "{}&DateCreated=2024-03-05T14%3A07%3A09.512Z&BankAccountType=&ChargeAmount=\
         &PaymentConnector=Stripe_Connector_1&PaymentMethod=&TokenType=&ApiVersion=2010-04-01\
         &Capture=&Required=&PartialResult=&ErrorType=",
        common()
    ));
    assert_eq!(
        cb.date_created,
        Some(datetime!(2024-03-05 14:07:09.512 UTC))
    );
    assert_eq!(cb.bank_account_type, None);
    assert_eq!(cb.charge_amount, None);
    assert_eq!(cb.payment_method, None);
    assert_eq!(cb.capture, None);
    assert!(cb.required.is_empty());
    assert_eq!(cb.payment_connector.as_deref(), Some("Stripe_Connector_1"));
    assert_eq!(cb.stage(), PayStage::Started);
}

#[test]
fn capturing_doc_shaped() {
    let cb = parse(&format!(
        "{}&DateCreated=Wed%2C+18+Dec+2019+20%3A02%3A01+%2B0000\
         &DateUpdated=Wed%2C+18+Dec+2019+20%3A02%3A31+%2B0000&Capture=payment-card-number\
         &PartialResult=false&Required=ExpirationDate%2CSecurityCode%2CPostalCode\
         &PaymentCardNumber=************1111&PaymentCardType=visa&ChargeAmount=19.99\
         &PaymentMethod=credit-card",
        common()
    ));
    assert_eq!(cb.date_updated, Some(datetime!(2019-12-18 20:02:31 UTC)));
    assert_eq!(cb.capture, Some(Capture::PaymentCardNumber));
    assert_eq!(cb.partial_result, Some(false));
    assert_eq!(
        cb.required,
        [
            Capture::ExpirationDate,
            Capture::SecurityCode,
            Capture::PostalCode
        ]
    );
    let card = cb.payment_card_number.as_ref().expect("card");
    assert_eq!(card.last4(), Some("1111"));
    assert_eq!(card.as_masked_str(), "************1111");
    assert_eq!(cb.payment_card_type, Some(CardType::Visa));
    assert_eq!(cb.stage(), PayStage::Capturing);
}

#[test]
fn capturing_real_traffic_shaped() {
    // kebab-case Required with spaces, partial input, an error, another mask format, a card
    // type this version does not know, clear expiry and postal code, masked security code.
    let cb = parse(&format!(
        "{}&DateUpdated=2024-03-05T14%3A07%3A41.003%2B00%3A00&Capture=security-code\
         &PartialResult=true&Required=security-code%2C+postal-code%2C+&ErrorType=invalid-security-code\
         &PaymentCardNumber=xxxxxxxxxxxx4242&PaymentCardType=unionpay&SecurityCode=xxx\
         &ExpirationDate=1228&PaymentCardPostalCode=94105&BankAccountType=",
        common()
    ));
    assert_eq!(cb.capture, Some(Capture::SecurityCode));
    assert_eq!(cb.partial_result, Some(true));
    assert_eq!(cb.required, [Capture::SecurityCode, Capture::PostalCode]);
    assert_eq!(cb.error_type, Some(ErrorType::InvalidSecurityCode));
    assert_eq!(
        cb.payment_card_number.as_ref().and_then(|n| n.last4()),
        Some("4242")
    );
    assert_eq!(
        cb.payment_card_type,
        Some(CardType::Other("unionpay".into()))
    );
    assert_eq!(cb.security_code.as_ref().map(|c| c.len()), Some(3));
    assert_eq!(cb.expiration_date.as_deref(), Some("1228"));
    assert_eq!(cb.payment_card_postal_code.as_deref(), Some("94105"));
    assert_eq!(
        cb.date_updated,
        Some(datetime!(2024-03-05 14:07:41.003 UTC))
    );
    assert_eq!(cb.stage(), PayStage::Capturing);
}

#[test]
fn capturing_ach_keeps_the_account_number_masked() {
    let cb = parse(&format!(
        "{}&PaymentMethod=ach-debit&BankAccountType=commercial-checking&Capture=bank-account-number\
         &BankRoutingNumber=121000358&BankAccountNumber=*******89&Required=BankAccountNumber",
        common()
    ));
    assert_eq!(cb.payment_method, Some(PaymentMethod::AchDebit));
    assert_eq!(cb.bank_routing_number.as_deref(), Some("121000358"));
    let account = cb.bank_account_number.as_ref().expect("account");
    assert_eq!(account.last2(), Some("89"));
    assert_eq!(cb.required, [Capture::BankAccountNumber]);
    assert_eq!(cb.stage(), PayStage::Capturing);
}

#[test]
fn unmasked_data_is_masked_on_arrival() {
    // Whatever arrives, the types never hold more than the visible digits.
    let cb = parse(&format!(
        "{}&PaymentCardNumber=4111111111111111&SecurityCode=123&BankAccountNumber=000123456789",
        common()
    ));
    let card = cb.payment_card_number.as_ref().expect("card");
    assert_eq!(card.as_masked_str(), "************1111");
    assert_eq!(card.to_string(), "************1111");
    assert_eq!(
        cb.security_code.as_ref().map(|c| c.as_masked_str()),
        Some("***")
    );
    assert_eq!(
        cb.bank_account_number.as_ref().map(|a| a.as_masked_str()),
        Some("**********89")
    );
    let debug = format!("{cb:?}");
    let form = cb.to_form().expect("form");
    for text in [&debug, &form] {
        assert!(!text.contains("411111"), "{text}");
        assert!(!text.contains("123456"), "{text}");
    }
}

#[test]
fn completed_charge_doc_shaped() {
    let cb = parse(&format!(
        "{}&DateCreated=Wed%2C+18+Dec+2019+20%3A02%3A01+%2B0000&ChargeAmount=19.99\
         &PaymentCardNumber=************1111&PaymentCardType=visa&ExpirationDate=1228\
         &Result=success&PaymentConfirmationCode=ch_1Gx2Yz&PaymentMethod=credit-card",
        common()
    ));
    assert_eq!(cb.result, Some(PayResult::Success));
    assert_eq!(cb.payment_confirmation_code.as_deref(), Some("ch_1Gx2Yz"));
    assert_eq!(cb.stage(), PayStage::Completed);
    assert!(cb.stage().is_final());
}

#[test]
fn completed_tokenization_real_traffic_shaped() {
    let cb = parse(&format!(
        "{}&DateCreated=2024-03-05T14%3A07%3A09.512Z&DateUpdated=2024-03-05T14%3A09%3A12.000Z\
         &ChargeAmount=&TokenType=reusable&Result=success&PaymentToken=tok_1AbCdEf\
         &ProfileId=cus_9XyZ&PaymentConfirmationCode=&PaymentError=&PayErrorCode=&ConnectorError=\
         &Capture=&Required=&PaymentCardNumber=xxxxxxxxxxxx4242",
        common()
    ));
    assert_eq!(cb.charge_amount, None);
    assert_eq!(
        cb.payment_token.as_ref().map(|t| t.expose()),
        Some("tok_1AbCdEf")
    );
    assert!(
        !format!("{cb:?}").contains("tok_1AbCdEf"),
        "Debug must hide the token"
    );
    assert_eq!(cb.profile_id.as_deref(), Some("cus_9XyZ"));
    assert_eq!(cb.payment_confirmation_code, None);
    assert_eq!(cb.pay_error_code, None);
    assert_eq!(cb.stage(), PayStage::Completed);
}

#[test]
fn cancelled_by_the_caller() {
    for (result, expected) in [
        ("caller-hung-up", PayResult::CallerHungUp),
        (
            "caller-interrupted-with-star",
            PayResult::CallerInterruptedWithStar,
        ),
    ] {
        let cb = parse(&format!(
            "{}&Result={result}&DateUpdated=2024-03-05T14%3A09%3A12Z&Capture=expiration-date",
            common()
        ));
        assert_eq!(cb.result, Some(expected));
        assert_eq!(cb.stage(), PayStage::Cancelled, "{result}");
    }
}

#[test]
fn failed_doc_and_real_traffic_shaped() {
    let doc = parse(&format!(
        "{}&Result=payment-connector-error&PaymentError=Card+declined&PayErrorCode=64012\
         &ConnectorError=card_declined&ChargeAmount=19.99",
        common()
    ));
    assert_eq!(doc.result, Some(PayResult::PaymentConnectorError));
    assert_eq!(doc.payment_error.as_deref(), Some("Card declined"));
    assert_eq!(doc.pay_error_code, Some(64012));
    assert_eq!(doc.connector_error.as_deref(), Some("card_declined"));
    assert_eq!(doc.stage(), PayStage::Failed);

    // A result value this version does not know is kept, and counts as not a success.
    let real = parse(&format!(
        "{}&Result=connector-timeout&PayErrorCode=+64008+&PaymentError=&ErrorType=internal-error",
        common()
    ));
    assert_eq!(
        real.result,
        Some(PayResult::Other("connector-timeout".into()))
    );
    assert_eq!(real.pay_error_code, Some(64008));
    assert_eq!(real.error_type, Some(ErrorType::InternalError));
    assert_eq!(real.stage(), PayStage::Failed);

    for result in [
        "validation-error",
        "too-many-failed-attempts",
        "internal-error",
    ] {
        let cb = parse(&format!("{}&Result={result}", common()));
        assert_eq!(cb.stage(), PayStage::Failed, "{result}");
        assert!(cb.result.as_ref().is_some_and(PayResult::is_known));
    }
}

#[test]
fn serde_deserialize_works_from_other_formats_too() {
    // Deserialize is not tied to forms: a JSON object of strings (e.g. a queued copy) works.
    let json = serde_json::json!({
        "AccountSid": ACCOUNT, "CallSid": CALL, "Sid": PAYMENT,
        "Capture": "postal-code", "Required": "PostalCode", "PartialResult": "True",
        "DateCreated": ""
    });
    let cb: PayStatusCallback = serde_json::from_value(json).expect("json");
    assert_eq!(cb.capture, Some(Capture::PostalCode));
    assert_eq!(cb.required, [Capture::PostalCode]);
    assert_eq!(cb.partial_result, Some(true));
    assert_eq!(cb.date_created, None);
    let via_serde: PayStatusCallback =
        serde_html_form::from_str(&format!("{}&Result=success", common())).expect("form");
    assert_eq!(via_serde.stage(), PayStage::Completed);
}

#[test]
fn round_trips_through_the_wire_form() {
    let mut cb = PayStatusCallback::new(
        ACCOUNT.parse().expect("sid"),
        CALL.parse().expect("sid"),
        PAYMENT.parse().expect("sid"),
    );
    cb.date_created = Some(datetime!(2024-03-05 14:07:09 UTC));
    cb.charge_amount = Some(dec!(999999.99));
    cb.capture = Some(Capture::ExpirationDate);
    cb.required = vec![
        Capture::ExpirationDate,
        Capture::Other("FavouriteColour".into()),
    ];
    cb.partial_result = Some(false);
    cb.payment_card_number = Some("4242424242424242".parse().expect("infallible"));
    let form = cb.to_form().expect("form");
    assert!(
        form.contains("Required=expiration-date%2CFavouriteColour"),
        "{form}"
    );
    assert!(
        form.contains("DateCreated=Tue%2C+05+Mar+2024+14%3A07%3A09+%2B0000"),
        "{form}"
    );
    let back = PayStatusCallback::from_form(form.as_bytes()).expect("parses");
    assert_eq!(back, cb);
}

#[test]
fn only_bodies_without_the_three_sids_are_errors() {
    let bad: [&[u8]; 5] = [
        b"",
        b"AccountSid=AC1",
        b"\xff\xfe=\x00",
        b"AccountSid=SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&CallSid=CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&Sid=PKcccccccccccccccccccccccccccccccc",
        b"AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&CallSid=CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb&Sid=",
    ];
    for body in bad {
        let err = PayStatusCallback::from_form(body).expect_err("refused");
        let text = err.to_string();
        assert!(text.starts_with("invalid Pay status callback"), "{text}");
        assert!(
            text.contains("AccountSid") || text.contains("CallSid") || text.contains("Sid"),
            "the error names the essential field: {text}"
        );
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_html_form::to_string(pairs).expect("form")
}

/// `cb` with field `name` put back to `base`'s value and nothing unreadable.
fn restored(mut cb: PayStatusCallback, base: &PayStatusCallback, name: &str) -> PayStatusCallback {
    match name {
        "PartialResult" => cb.partial_result = base.partial_result,
        "DateCreated" => cb.date_created = base.date_created,
        "DateUpdated" => cb.date_updated = base.date_updated,
        "ChargeAmount" => cb.charge_amount = base.charge_amount,
        "PayErrorCode" => cb.pay_error_code = base.pay_error_code,
        other => panic!("no such field in the test: {other}"),
    }
    cb.unreadable = Default::default();
    cb
}

#[test]
fn odd_values_are_kept_raw_and_cost_nothing_else() {
    let base = PayStatusCallback::from_form(form(COMPLETED).as_bytes()).expect("baseline");
    assert!(base.unreadable.is_empty(), "{:?}", base.unreadable);
    assert_eq!(
        base.date_updated,
        Some(datetime!(2019-12-18 20:04:11.25 UTC))
    );
    assert_eq!(base.pay_error_code, Some(64012));
    for (name, values) in ODD {
        for odd in values {
            let pairs: Vec<(&str, &str)> = COMPLETED
                .iter()
                .map(|&(k, v)| (k, if k == *name { *odd } else { v }))
                .collect();
            let cb = PayStatusCallback::from_form(form(&pairs).as_bytes())
                .unwrap_or_else(|e| panic!("{name}={odd}: {e}"));
            assert_eq!(
                cb.unreadable.get(name),
                Some(&serde_json::Value::from(*odd)),
                "{name}={odd}"
            );
            assert_eq!(cb.unreadable.len(), 1, "{name}={odd}");
            assert_eq!(cb.result, Some(PayResult::Success));
            assert_eq!(cb.payment_confirmation_code.as_deref(), Some("ch_1Gx2Yz"));
            assert_eq!(cb.stage(), PayStage::Completed);
            assert_eq!(restored(cb, &base, name), base, "{name}={odd}");
        }
    }
}
