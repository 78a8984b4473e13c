//! Decoding answers: the bodies, and the strict decoder the lenient models replaced.
//!
//! The strict models are the v2010 models as `cargo xtask codegen` emitted them before
//! `#[twilio_model]` (serde's derive, `#[serde(default, with = …)]` per field, helpers that fail
//! the whole body on one odd value), so the bench compares the same fields, types and bodies.

use std::collections::BTreeMap;

use api::calls::Status;
use api::HttpMethod;
use runtime::sid::{AccountSid, CallSid, PaymentSid, PhoneNumberSid, TrunkSid};
use serde::Deserialize;
use time::OffsetDateTime;

pub use crate::server::PAYMENT_JSON;

/// The spec's example of a fetched call (26 fields, four RFC 2822 dates, five SIDs, a map).
pub const CALL_JSON: &str = r#"{"account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","answered_by":"machine_start","api_version":"2010-04-01","caller_name":"callerid","date_created":"Fri, 18 Oct 2019 17:00:00 +0000","date_updated":"Fri, 18 Oct 2019 17:01:00 +0000","direction":"outbound-api","duration":"4","end_time":"Fri, 18 Oct 2019 17:03:00 +0000","forwarded_from":"calledvia","from":"+13051416799","from_formatted":"(305) 141-6799","group_sid":"GPdeadbeefdeadbeefdeadbeefdeadbeef","parent_call_sid":"CAdeadbeefdeadbeefdeadbeefdeadbeef","phone_number_sid":"PNdeadbeefdeadbeefdeadbeefdeadbeef","price":"-0.200","price_unit":"USD","sid":"CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","start_time":"Fri, 18 Oct 2019 17:02:00 +0000","status":"completed","subresource_uris":{"notifications":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Notifications.json","recordings":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Recordings.json","payments":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Payments.json","events":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Events.json","siprec":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Siprec.json","streams":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Streams.json","transcriptions":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Transcriptions.json","user_defined_message_subscriptions":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/UserDefinedMessageSubscriptions.json","user_defined_messages":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/UserDefinedMessages.json"},"to":"+13051913581","to_formatted":"(305) 191-3581","trunk_sid":"TKdeadbeefdeadbeefdeadbeefdeadbeef","uri":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json","queue_time":"1000"}"#;

/// A page of `n` calls, with v2010's envelope.
pub fn call_page_json(n: usize) -> String {
    let calls = vec![CALL_JSON; n].join(",");
    format!(
        r#"{{"calls":[{calls}],"end":{},"first_page_uri":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls.json?PageSize={n}&Page=0","next_page_uri":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls.json?PageSize={n}&Page=1&PageToken=PACAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","page":0,"page_size":{n},"previous_page_uri":null,"start":0,"uri":"/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls.json?PageSize={n}&Page=0"}}"#,
        n.saturating_sub(1)
    )
}

/// The strict `Payment` (as hand-written before: three essential SIDs).
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read only by the decoder
pub struct StrictPayment {
    sid: PaymentSid,
    account_sid: AccountSid,
    call_sid: CallSid,
    #[serde(default, with = "rfc2822_option")]
    date_created: Option<OffsetDateTime>,
    #[serde(default, with = "rfc2822_option")]
    date_updated: Option<OffsetDateTime>,
    #[serde(default)]
    uri: Option<String>,
}

/// The strict `Call`, field for field what the generator emitted before.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read only by the decoder
pub struct StrictCall {
    #[serde(default, with = "sid_option")]
    account_sid: Option<AccountSid>,
    #[serde(default)]
    answered_by: Option<String>,
    #[serde(default)]
    api_version: Option<String>,
    #[serde(default)]
    caller_name: Option<String>,
    #[serde(default, with = "rfc2822_option")]
    date_created: Option<OffsetDateTime>,
    #[serde(default, with = "rfc2822_option")]
    date_updated: Option<OffsetDateTime>,
    #[serde(default)]
    direction: Option<String>,
    #[serde(default)]
    duration: Option<String>,
    #[serde(default, with = "rfc2822_option")]
    end_time: Option<OffsetDateTime>,
    #[serde(default)]
    forwarded_from: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    from_formatted: Option<String>,
    #[serde(default)]
    group_sid: Option<String>,
    #[serde(default, with = "sid_option")]
    parent_call_sid: Option<CallSid>,
    #[serde(default, with = "sid_option")]
    phone_number_sid: Option<PhoneNumberSid>,
    #[serde(default)]
    price: Option<String>,
    #[serde(default)]
    price_unit: Option<String>,
    #[serde(default)]
    queue_time: Option<String>,
    #[serde(default, with = "sid_option")]
    sid: Option<CallSid>,
    #[serde(default, with = "rfc2822_option")]
    start_time: Option<OffsetDateTime>,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    subresource_uris: Option<BTreeMap<String, String>>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    to_formatted: Option<String>,
    #[serde(default, with = "sid_option")]
    trunk_sid: Option<TrunkSid>,
    #[serde(default)]
    uri: Option<String>,
}

/// The strict page envelope around strict calls.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read only by the decoder
pub struct StrictCallPage {
    #[serde(default)]
    calls: Vec<StrictCall>,
    next_page_uri: Option<String>,
    previous_page_uri: Option<String>,
    first_page_uri: Option<String>,
    uri: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
    start: Option<u64>,
    end: Option<u64>,
}

/// Keeps `HttpMethod` (a v2010 enum many models hold) linked in, as the real models do.
pub fn method() -> HttpMethod {
    HttpMethod::Post
}

/// The strict RFC 2822 reader models used: one odd date fails the whole body.
mod rfc2822_option {
    use serde::{Deserialize, Deserializer};
    use time::format_description::well_known::Rfc2822;
    use time::OffsetDateTime;

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        let text: Option<std::borrow::Cow<'de, str>> = Option::deserialize(d)?;
        match text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => OffsetDateTime::parse(t, &Rfc2822)
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// The strict SID reader models used: a SID of another kind fails the whole body.
mod sid_option {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr,
        T::Err: Display,
    {
        let text: Option<std::borrow::Cow<'de, str>> = Option::deserialize(d)?;
        match text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => t.parse().map(Some).map_err(serde::de::Error::custom),
        }
    }
}

/// The bodies each decoder reads, by name.
pub fn bodies() -> Vec<(&'static str, String)> {
    vec![
        ("payment", PAYMENT_JSON.to_owned()),
        ("call", CALL_JSON.to_owned()),
        ("page_of_50_calls", call_page_json(50)),
    ]
}

/// Decodes `body` named `name` strictly; `false` if it did not decode.
pub fn strict(name: &str, body: &[u8]) -> bool {
    match name {
        "payment" => serde_json::from_slice::<StrictPayment>(body).is_ok(),
        "call" => serde_json::from_slice::<StrictCall>(body).is_ok(),
        _ => serde_json::from_slice::<StrictCallPage>(body).is_ok(),
    }
}

/// Decodes `body` named `name` with the lenient models `api` declares; `false` if it did not
/// decode.
pub fn lenient(name: &str, body: &[u8]) -> bool {
    match name {
        "payment" => serde_json::from_slice::<api::payments::Payment>(body).is_ok(),
        "call" => serde_json::from_slice::<api::calls::Call>(body).is_ok(),
        _ => serde_json::from_slice::<runtime::Page<api::calls::Call>>(body).is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_decoders_read_every_body_and_agree_on_it() {
        for (name, body) in bodies() {
            assert!(strict(name, body.as_bytes()), "{name}");
            assert!(lenient(name, body.as_bytes()), "{name}");
        }
        let page: runtime::Page<api::calls::Call> =
            serde_json::from_str(&call_page_json(50)).expect("page");
        assert_eq!(page.items.len(), 50);
        assert!(page.items.iter().all(|c| c.unreadable.is_empty()));
        let call: api::calls::Call = serde_json::from_str(CALL_JSON).expect("call");
        assert_eq!(call.price.as_deref(), Some("-0.200"));
        assert!(call.date_created.is_some() && call.trunk_sid.is_some());
        let _ = method();
    }
}
