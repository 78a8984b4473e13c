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
use conformance::Spec;
use runtime::{twilio_endpoint, AccountSid, CallSid, EndpointInfo, IdempotencyKey, Page, Uri};

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

/// Reads one field of a Verify service: too little for the spec.
#[runtime::twilio_model]
#[derive(Debug)]
pub struct ThinService {
    /// The only field it reads.
    pub sid: String,
}

impl runtime::Listed for ThinService {
    const KEY: &'static str = "services";
}

/// WRONG (JSON body): Marketplace takes a JSON object; declared as a form.
#[twilio_endpoint(POST, "/v1/ReferralConversion", host = "marketplace", response = runtime::__private::serde_json::Value)]
pub struct WrongJsonBody {
    /// Sent as a form field instead of a JSON member.
    #[twilio(rename = "referral_account_sid")]
    pub referral_account_sid: Option<AccountSid>,
}

/// WRONG (header): the webhook switch is an HTTP header; declared as a form field.
#[twilio_endpoint(POST, "/v2/Services/<ServiceSid>/Users", host = "ip-messaging", response = runtime::__private::serde_json::Value, status = 201)]
pub struct WrongHeader {
    /// The chat service.
    pub service_sid: String,
    /// The user's identity.
    pub identity: String,
    /// Sent in the body instead of as a header.
    #[twilio(rename = "X-Twilio-Webhook-Enabled")]
    pub x_twilio_webhook_enabled: Option<String>,
}

/// WRONG (PUT): `types` is required by the spec, optional here.
#[twilio_endpoint(PUT, "/v1/Content/<Sid>", host = "content", body = json, response = runtime::__private::serde_json::Value)]
pub struct WrongPut {
    /// The content.
    pub sid: String,
    /// WRONG: required by the spec.
    #[twilio(rename = "types")]
    pub types: Option<runtime::__private::serde_json::Value>,
}

/// WRONG (`meta` page): the items read too little; the envelope itself is fine.
#[twilio_endpoint(GET, "/v2/Services", host = "verify", response = Page<ThinService>, paged)]
pub struct WrongPage {}

const JSON_BODY: &str = "POST /v1/ReferralConversion";
const HEADER: &str = "POST /v2/Services/{ServiceSid}/Users";
const PUT: &str = "PUT /v1/Content/{Sid}";
const META: &str = "GET /v2/Services";

/// The product declarations above, each checked statically against the spec that serves it.
fn product_expectations(
    endpoints: &[&'static EndpointInfo],
) -> Result<Vec<(String, bool)>, String> {
    let source = conformance::spec::locate()?;
    let dir = source.path.parent().ok_or("the spec has no directory")?;
    let mut specs = Vec::new();
    for stem in [
        "twilio_marketplace_v1",
        "twilio_ip_messaging_v2",
        "twilio_content_v1",
        "twilio_verify_v2",
    ] {
        specs.push(Spec::load(&dir.join(format!("{stem}.json")))?);
    }
    let reports: Vec<_> = endpoints
        .iter()
        .filter_map(|e| {
            specs
                .iter()
                .find(|s| s.serves(e))
                .map(|s| conformance::check::check(e, s))
        })
        .collect();
    let found = |endpoint: &str, needle: &str| {
        reports
            .iter()
            .filter(|r| r.endpoint == endpoint)
            .flat_map(|r| &r.mismatches)
            .any(|m| m.contains(needle))
    };
    Ok(vec![
        (
            "static (JSON body): referral_account_sid declared in the form, the spec's body is JSON".to_owned(),
            found(JSON_BODY, "referral_account_sid: declared in the Form, the spec has it in the Json"),
        ),
        (
            "static (header): X-Twilio-Webhook-Enabled declared in the form, the spec has a header".into(),
            found(HEADER, "X-Twilio-Webhook-Enabled: declared in the Form, the spec has it in the Header"),
        ),
        (
            "static (PUT): types required by the spec, optional here".into(),
            found(PUT, "types: required by the spec, optional in the declaration"),
        ),
        (
            "static (meta page): ThinService's items do not cover account_sid".into(),
            found(META, "field `services.account_sid` is in the spec, not in the type"),
        ),
        (
            "static (meta page): the `meta` envelope is not reported as missing".into(),
            reports.iter().any(|r| r.endpoint == META) && !found(META, "field `meta"),
        ),
        (
            "static: all four product declarations found their own spec".into(),
            reports.len() == 4,
        ),
    ])
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
    let (endpoints, products): (Vec<_>, Vec<_>) = runtime::endpoints()
        .into_iter()
        .filter(|e| e.name.starts_with(module_path!()))
        .partition(|e| e.host == "api");
    let product_checks = match product_expectations(&products) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("conformance-fixture: {e}");
            return ExitCode::from(2);
        }
    };
    let results = match conformance::main_with(&endpoints).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("conformance-fixture: {e}");
            return ExitCode::from(2);
        }
    };
    println!("\nplanted mistakes:");
    let mut checks = expectations(&results);
    checks.extend(product_checks);
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
