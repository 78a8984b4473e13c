//! Proof that the suite can fail: declarations with planted mistakes (kept here, outside `api`,
//! and linked only into this binary) go through the same static check and Prism calls, and
//! this program asserts that each mistake is caught by the layer that can see it. It also
//! carries one correct declaration with a repeated-key array, to show that Prism's verdict on
//! such arrays is set aside and the rest of the call still judged.
//!
//! Exits 0 only when every planted mistake was caught (the suite itself fails on them).

use std::process::ExitCode;

use conformance::prism::Verdict;
use conformance::values::Fill;
use conformance::Results;
use runtime::{twilio_endpoint, AccountSid, CallSid, IdempotencyKey, Uri};

runtime::twilio_enum! {
    /// Payment methods, with one the spec does not know (`paypal`) listed first so that the
    /// generated value is the wrong one.
    pub enum WrongMethod {
        /// Not a Twilio value.
        PayPal = "paypal",
        /// A card.
        CreditCard = "credit-card",
    }
}

/// A response type that reads too little of a pay session.
#[runtime::twilio_model]
#[derive(Debug)]
pub struct ThinPayment {
    /// The only field it reads.
    pub sid: String,
}

/// Starts a pay session, wrongly: see each field.
#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>/Payments.json", response = ThinPayment, status = 200)]
pub struct WrongCreate {
    /// The account.
    pub account_sid: Option<AccountSid>,
    /// The call.
    pub call_sid: CallSid,
    /// Correct.
    pub idempotency_key: IdempotencyKey,
    /// WRONG: the spec requires it.
    pub status_callback: Option<Uri>,
    /// WRONG: enum values differ from the spec's.
    pub payment_method: Option<WrongMethod>,
    /// WRONG: the spec takes an integer.
    pub timeout: Option<String>,
    /// WRONG: no such parameter (Prism ignores unknown parameters; only the static check sees it).
    pub tip_amount: Option<u32>,
}

/// WRONG: a path the spec does not have (`Payment.json`).
#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>/Payment.json")]
pub struct WrongPath {
    /// The account.
    pub account_sid: Option<AccountSid>,
    /// The call.
    pub call_sid: CallSid,
}

/// Correct: starts a call, with a repeated-key array parameter.
#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Calls.json", response = runtime::__private::serde_json::Value, status = 201)]
pub struct CreateCall {
    /// The account.
    pub account_sid: Option<AccountSid>,
    /// Who to call.
    pub to: String,
    /// The caller ID.
    pub from: String,
    /// The TwiML URL.
    pub url: Option<Uri>,
    /// Events to report, sent as `StatusCallbackEvent=a&StatusCallbackEvent=b`.
    pub status_callback_event: Option<Vec<String>>,
}

const PAY: &str = "POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Payments.json";
const BAD_PATH: &str = "POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Payment.json";
const CALLS: &str = "POST /2010-04-01/Accounts/{AccountSid}/Calls.json";

/// One expectation: a description and whether it held.
fn expectations(r: &Results) -> Vec<(String, bool)> {
    let statics = |endpoint: &str, needle: &str| {
        r.statics
            .iter()
            .filter(|s| s.endpoint == endpoint)
            .flat_map(|s| &s.mismatches)
            .any(|m| m.contains(needle))
    };
    let rejected = |endpoint: &str, fill: Fill, needle: &str| matches!(r.verdict(endpoint, fill), Some(Verdict::Rejected(why)) if why.contains(needle));
    let prism = r.calls.is_some();
    let mut out = vec![
        (
            "static: StatusCallback required by the spec, optional here".to_owned(),
            statics(PAY, "StatusCallback: required by the spec, optional"),
        ),
        (
            "static: PaymentMethod enum values differ".into(),
            statics(PAY, "PaymentMethod: enum values differ"),
        ),
        (
            "static: Timeout declared a string, spec integer".into(),
            statics(PAY, "Timeout: declared string, the spec takes an integer"),
        ),
        (
            "static: TipAmount is not a parameter (Prism cannot see this)".into(),
            statics(PAY, "TipAmount: not a parameter"),
        ),
        (
            "static: status 200 is not the spec's success status".into(),
            statics(PAY, "status 200"),
        ),
        (
            "static: ThinPayment does not cover call_sid".into(),
            statics(PAY, "field `call_sid` is in the spec, not in the type"),
        ),
        (
            "static: Payment.json is not a spec path".into(),
            statics(BAD_PATH, "no such path"),
        ),
        (
            "static: the correct CreateCall has no mismatch".into(),
            r.statics
                .iter()
                .any(|s| s.endpoint == CALLS && s.mismatches.is_empty()),
        ),
    ];
    if prism {
        out.extend([
            (
                "prism: required-only call without StatusCallback refused".to_owned(),
                rejected(PAY, Fill::Required, "StatusCallback"),
            ),
            (
                "prism: PaymentMethod=paypal refused".into(),
                rejected(PAY, Fill::All, "PaymentMethod"),
            ),
            (
                "prism: Timeout=conformance-0 refused".into(),
                rejected(PAY, Fill::All, "Timeout"),
            ),
            (
                "prism: Payment.json refused".into(),
                rejected(BAD_PATH, Fill::Required, "") && rejected(BAD_PATH, Fill::All, ""),
            ),
            (
                "prism: CreateCall's StatusCallbackEvent verdict set aside, the rest accepted"
                    .into(),
                matches!(
                    r.verdict(CALLS, Fill::All),
                    Some(Verdict::SetAside { params, rest: Some(rest) })
                        if params == &["StatusCallbackEvent"] && matches!(**rest, Verdict::Accepted)
                ),
            ),
            (
                "prism: CreateCall with required parameters accepted".into(),
                matches!(r.verdict(CALLS, Fill::Required), Some(Verdict::Accepted)),
            ),
        ]);
    }
    out
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // Only this binary's declarations (whatever else might be linked in).
    let endpoints: Vec<_> = runtime::endpoints()
        .into_iter()
        .filter(|e| e.name.starts_with(module_path!()))
        .collect();
    let results = match conformance::main_with(&endpoints).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("conformance-fixture: {e}");
            return ExitCode::from(2);
        }
    };
    println!("\nplanted mistakes:");
    let checks = expectations(&results);
    let caught = checks.iter().filter(|(_, ok)| *ok).count();
    for (what, ok) in &checks {
        println!("  [{}] {what}", if *ok { "caught" } else { "MISSED" });
    }
    let suite_failed = !results.passed();
    println!(
        "conformance-fixture: {caught}/{} expectations met; the suite {} on the wrong declarations",
        checks.len(),
        if suite_failed {
            "fails"
        } else {
            "PASSES (wrong!)"
        }
    );
    if caught == checks.len() && suite_failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
