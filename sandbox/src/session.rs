//! One pay session: which fields it needs, what the simulated caller keys in for each capture,
//! and the status callbacks a real session would send along the way.

use api::payments::{Capture, Create, PaymentMethod};
use axum::http::StatusCode;
use runtime::{AccountSid, CallSid, PaymentSid};
use time::OffsetDateTime;

use crate::cards::{brand, luhn_ok, mask_keep_last, routing_ok, Decline, TestCard};
use crate::delivery::Outbox;
use crate::error::Failure;

/// A callback's form fields, in the order they are built.
pub(crate) type Form = Vec<(String, String)>;

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Open,
    Completed,
    Cancelled,
    /// The call ended while the session was open.
    HungUp,
}

impl Phase {
    fn describe(self) -> &'static str {
        match self {
            Phase::Open => "open",
            Phase::Completed => "completed",
            Phase::Cancelled => "cancelled",
            Phase::HungUp => "ended with the call",
        }
    }
}

/// A session and everything captured so far.
pub(crate) struct Session {
    pub(crate) sid: PaymentSid,
    pub(crate) account_sid: AccountSid,
    pub(crate) call_sid: CallSid,
    pub(crate) created: OffsetDateTime,
    pub(crate) updated: OffsetDateTime,
    pub(crate) params: Create,
    pub(crate) card: TestCard,
    pub(crate) phase: Phase,
    /// Captured fields (wire names), in capture order.
    pub(crate) captured: Vec<String>,
    /// The session's delivery queue; dropped when the session ends so its worker finishes.
    pub(crate) outbox: Option<Outbox>,
    /// The last StatusCallback given, for callbacks the session sends on its own (hang-up).
    pub(crate) last_callback: Option<String>,
    /// The field the caller is keying in right now (paces other than instant).
    pub(crate) keying: Option<KeyingState>,
    /// Numbers the keyings of this session, so a finished one cannot touch a later one.
    pub(crate) keying_seq: u64,
}

/// What the caller keys in for one `Capture`, decided when it is asked for.
#[derive(Debug, Clone)]
pub(crate) struct Keying {
    /// The Capture value (`payment-card-number`, `postal-code-matcher`, …).
    pub(crate) name: String,
    /// The field it captures (`-matcher` removed).
    pub(crate) base: String,
    /// The digits the caller keys in.
    value: String,
    /// After how many digits a `PartialResult=true` callback goes out.
    pub(crate) steps: Vec<usize>,
}

impl Keying {
    /// Digits the caller keys in for this field.
    pub(crate) fn digits(&self) -> usize {
        self.value.len()
    }
}

/// A keying in progress in the background.
pub(crate) struct KeyingState {
    pub(crate) id: u64,
    pub(crate) field: String,
    pub(crate) typed: usize,
    pub(crate) digits: usize,
    pub(crate) task: tokio::task::AbortHandle,
}

/// How a `Capture` starts.
pub(crate) enum CaptureStart {
    /// Refused at once by a sequence rule: this callback says why.
    Refused(Form),
    /// The caller keys the field in.
    Keying(Keying),
}

const CARD_FIELDS: &[&str] = &[
    "payment-card-number",
    "expiration-date",
    "security-code",
    "postal-code",
];
const BANK_FIELDS: &[&str] = &["bank-routing-number", "bank-account-number"];

impl Session {
    fn is_ach(&self) -> bool {
        self.params.payment_method == Some(PaymentMethod::AchDebit)
    }

    /// Every field the session needs before it can complete, in Twilio's prompt order.
    pub(crate) fn all_required(&self) -> Vec<String> {
        if self.is_ach() {
            return BANK_FIELDS.iter().map(|s| (*s).to_owned()).collect();
        }
        let mut out = vec![
            "payment-card-number".to_owned(),
            "expiration-date".to_owned(),
        ];
        if self.params.security_code != Some(false) {
            out.push("security-code".to_owned());
        }
        if self.params.postal_code != Some(false) {
            out.push("postal-code".to_owned());
        }
        if let Some(matching) = &self.params.require_matching_inputs {
            for m in matching.items() {
                let base = m.as_str().to_owned();
                if out.contains(&base) {
                    out.push(format!("{base}-matcher"));
                }
            }
        }
        out
    }

    /// The fields still missing.
    pub(crate) fn missing(&self) -> Vec<String> {
        self.all_required()
            .into_iter()
            .filter(|f| !self.captured.contains(f))
            .collect()
    }

    pub(crate) fn is_charge(&self) -> bool {
        self.params
            .charge_amount
            .is_some_and(|a| a > rust_decimal::Decimal::ZERO)
    }

    /// The fields every callback carries, then everything captured so far (masked).
    fn base_form(&self, now: OffsetDateTime) -> Form {
        let mut form: Form = Vec::with_capacity(24);
        let mut put = |k: &str, v: String| form.push((k.to_owned(), v));
        put("AccountSid", self.account_sid.to_string());
        put("CallSid", self.call_sid.to_string());
        put("Sid", self.sid.to_string());
        put("DateCreated", iso_millis(self.created));
        put("DateUpdated", iso_millis(now));
        put(
            "BankAccountType",
            match (&self.params.bank_account_type, self.is_ach()) {
                (Some(t), _) => t.to_string(),
                (None, true) => "consumer-checking".to_owned(),
                (None, false) => String::new(),
            },
        );
        put(
            "ChargeAmount",
            self.params
                .charge_amount
                .map(|a| a.to_string())
                .unwrap_or_default(),
        );
        put(
            "PaymentConnector",
            self.params
                .payment_connector
                .clone()
                .unwrap_or_else(|| "Default".to_owned()),
        );
        put(
            "PaymentMethod",
            self.params
                .payment_method
                .as_ref()
                .map_or_else(|| "credit-card".to_owned(), ToString::to_string),
        );
        put(
            "TokenType",
            match (&self.params.token_type, self.is_charge()) {
                (Some(t), _) => t.to_string(),
                (None, false) => "reusable".to_owned(),
                (None, true) => String::new(),
            },
        );
        let card = &self.card;
        for field in &self.captured {
            match field.as_str() {
                "payment-card-number" => {
                    put("PaymentCardNumber", mask_keep_last(&card.number, 4));
                    put(
                        "PaymentCardType",
                        brand(&card.number).unwrap_or_default().to_owned(),
                    );
                }
                "expiration-date" => put("ExpirationDate", card.expiration_date.clone()),
                "security-code" => put("SecurityCode", mask_keep_last(&card.security_code, 0)),
                "postal-code" => put("PaymentCardPostalCode", card.postal_code.clone()),
                "bank-routing-number" => put("BankRoutingNumber", card.bank_routing_number.clone()),
                "bank-account-number" => put(
                    "BankAccountNumber",
                    mask_keep_last(&card.bank_account_number, 2),
                ),
                _ => {}
            }
        }
        form
    }

    /// 400 unless `Capture=field` may be asked for in this session; changes nothing.
    pub(crate) fn check_capture(&self, field: &Capture) -> Result<(), Failure> {
        let name = field.as_str();
        let base = name.strip_suffix("-matcher").unwrap_or(name);
        if self.is_ach() && CARD_FIELDS.contains(&base) {
            return Err(Failure::bad_request(
                64013,
                format!("Capture={name} asks for card data in an ach-debit session"),
            ));
        }
        if !self.is_ach() && BANK_FIELDS.contains(&base) {
            return Err(Failure::bad_request(
                64017,
                format!("Capture={name} asks for bank data in a credit-card session"),
            ));
        }
        if !self.all_required().iter().any(|f| f == name) {
            return Err(Failure::bad_request(
                64020,
                format!("Capture={name} is not part of this session (see SecurityCode, PostalCode and RequireMatchingInputs)"),
            ));
        }
        Ok(())
    }

    /// Asks the caller for `field` (already checked with [`Session::check_capture`]): either a
    /// sequence rule refuses it at once, or the caller starts keying. A field asked for again
    /// is required again until the caller has keyed it in anew.
    pub(crate) fn begin_capture(&mut self, field: &Capture, now: OffsetDateTime) -> CaptureStart {
        let name = field.as_str();
        let base = name.strip_suffix("-matcher").unwrap_or(name);
        self.updated = now;
        self.captured.retain(|f| f != name);
        let refused = |kind: &str, s: &Self| {
            let mut form = s.base_form(now);
            push_capture(&mut form, name, false, &s.missing());
            form.push(("ErrorType".to_owned(), kind.to_owned()));
            CaptureStart::Refused(form)
        };
        if base == "security-code" && !self.captured.iter().any(|f| f == "payment-card-number") {
            // The code's length depends on the card brand: Twilio needs the number first.
            return refused("invalid-card-number-security-code-capture-sequence", self);
        }
        if name != base && !self.captured.iter().any(|f| f == base) {
            return refused("input-matching-failed", self);
        }
        let card = &self.card;
        let value = match base {
            "payment-card-number" => card.number.clone(),
            "expiration-date" => card.expiration_date.clone(),
            "security-code" => card.security_code.clone(),
            "postal-code" => card.postal_code.clone(),
            "bank-routing-number" => card.bank_routing_number.clone(),
            _ => card.bank_account_number.clone(),
        };
        // Progress while the digits come in: every 4 digits of a card number, once halfway
        // through anything else.
        let steps: Vec<usize> = if base == "payment-card-number" {
            (4..value.len()).step_by(4).collect()
        } else if value.len() >= 2 {
            vec![value.len() / 2]
        } else {
            Vec::new()
        };
        CaptureStart::Keying(Keying {
            name: name.to_owned(),
            base: base.to_owned(),
            value,
            steps,
        })
    }

    /// The `PartialResult=true` callback after `typed` digits of `keying`.
    pub(crate) fn partial(&self, keying: &Keying, typed: usize, now: OffsetDateTime) -> Form {
        let mut form = self.base_form(now);
        push_capture(&mut form, &keying.name, true, &self.missing());
        if keying.name == keying.base {
            let shown = match keying.base.as_str() {
                "expiration-date" | "postal-code" | "bank-routing-number" => {
                    keying.value.get(..typed).unwrap_or_default().to_owned()
                }
                _ => "x".repeat(typed),
            };
            form.push((wire_value_name(&keying.base).to_owned(), shown));
        }
        form
    }

    /// The caller has keyed in the whole field: the connector's input checks decide, and the
    /// field's last callback says how it went. A refused value leaves the field required.
    pub(crate) fn finish(&mut self, keying: &Keying, now: OffsetDateTime) -> Form {
        self.updated = now;
        let refusal = self.check_value(&keying.base, &keying.value, now);
        if refusal.is_none() && !self.captured.contains(&keying.name) {
            self.captured.push(keying.name.clone());
        }
        let mut form = self.base_form(now);
        push_capture(&mut form, &keying.name, false, &self.missing());
        if let Some(kind) = refusal {
            form.push(("ErrorType".to_owned(), kind.to_owned()));
        }
        form
    }

    /// Every callback of `keying` at once (the instant pace).
    pub(crate) fn key_in_at_once(&mut self, keying: &Keying, now: OffsetDateTime) -> Vec<Form> {
        let mut events: Vec<Form> = keying
            .steps
            .iter()
            .map(|typed| self.partial(keying, *typed, now))
            .collect();
        events.push(self.finish(keying, now));
        events
    }

    /// Stops the keying in progress, if any; returns what it was doing.
    pub(crate) fn interrupt(&mut self) -> Option<KeyingState> {
        let state = self.keying.take()?;
        state.task.abort();
        Some(state)
    }

    /// Why the connector's input checks would refuse `value` for `field`, if they would.
    fn check_value(&self, field: &str, value: &str, now: OffsetDateTime) -> Option<&'static str> {
        match field {
            "payment-card-number" => {
                if !luhn_ok(value) {
                    return Some("invalid-card-number");
                }
                let accepted = match &self.params.valid_card_types {
                    Some(types) => types
                        .items()
                        .iter()
                        .any(|t| Some(t.as_str()) == brand(value)),
                    None => matches!(brand(value), Some("visa" | "mastercard" | "amex")),
                };
                (!accepted).then_some("invalid-card-type")
            }
            "expiration-date" => {
                let ok = value.len() == 4
                    && value.bytes().all(|b| b.is_ascii_digit())
                    && value[..2]
                        .parse::<u8>()
                        .is_ok_and(|m| (1..=12).contains(&m))
                    && {
                        let month = value[..2].parse::<i32>().unwrap_or(0);
                        let year = 2000 + value[2..].parse::<i32>().unwrap_or(0);
                        (year, month) >= (now.year(), i32::from(u8::from(now.month())))
                    };
                (!ok).then_some("invalid-date")
            }
            "security-code" => {
                let want = if brand(&self.card.number) == Some("amex") {
                    4
                } else {
                    3
                };
                let ok = value.len() == want && value.bytes().all(|b| b.is_ascii_digit());
                (!ok).then_some("invalid-security-code")
            }
            "postal-code" => {
                let min = self.params.min_postal_code_length.unwrap_or(1) as usize;
                (value.len() < min).then_some("invalid-postal-code")
            }
            "bank-routing-number" => (!routing_ok(value)).then_some("invalid-bank-routing-number"),
            _ => {
                let ok =
                    (4..=17).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit());
                (!ok).then_some("invalid-bank-account-number")
            }
        }
    }

    /// Applies `Status=complete`: 64019 unless every field is in; else the connector's answer.
    pub(crate) fn complete(&mut self, now: OffsetDateTime) -> Result<Form, Failure> {
        let missing = self.missing();
        if !missing.is_empty() {
            let keying = match &self.keying {
                Some(k) => format!(
                    " (the caller is still keying {}: {} of {} digits)",
                    k.field, k.typed, k.digits
                ),
                None => String::new(),
            };
            return Err(Failure::bad_request(
                64019,
                format!(
                    "Cannot complete the pay session: still required: {}{keying}",
                    missing.join(", ")
                ),
            ));
        }
        self.updated = now;
        self.phase = Phase::Completed;
        let mut form = self.base_form(now);
        form.push(("Required".to_owned(), String::new()));
        let decline = self.card.decline().filter(|_| !self.is_ach());
        if let Some(decline) = decline {
            let (error, connector) = match decline {
                Decline::Declined => ("Card declined", "card_declined"),
                Decline::InsufficientFunds => ("Insufficient funds", "insufficient_funds"),
            };
            form.push(("Result".to_owned(), "payment-connector-error".to_owned()));
            form.push(("PaymentError".to_owned(), error.to_owned()));
            form.push(("PayErrorCode".to_owned(), "64012".to_owned()));
            form.push(("ConnectorError".to_owned(), connector.to_owned()));
        } else {
            form.push(("Result".to_owned(), "success".to_owned()));
            if self.is_charge() {
                form.push(("PaymentConfirmationCode".to_owned(), random_code("ch_")));
            } else {
                form.push(("PaymentToken".to_owned(), random_code("tok_")));
                form.push(("ProfileId".to_owned(), random_code("cus_")));
            }
        }
        Ok(form)
    }

    /// The call ended under an open session: the final callback says so.
    pub(crate) fn hang_up(&mut self, now: OffsetDateTime) -> Form {
        self.updated = now;
        self.phase = Phase::HungUp;
        let mut form = self.base_form(now);
        form.push(("Required".to_owned(), self.missing().join(", ")));
        form.push(("Result".to_owned(), "caller-hung-up".to_owned()));
        form
    }

    /// 400 unless the session can still be driven.
    pub(crate) fn ensure_open(&self) -> Result<(), Failure> {
        if self.phase == Phase::Open {
            Ok(())
        } else {
            Err(Failure::new(
                StatusCode::BAD_REQUEST,
                64020,
                format!(
                    "The pay session {} is {} and cannot be updated",
                    self.sid,
                    self.phase.describe()
                ),
            ))
        }
    }

    /// The REST representation Twilio answers with.
    pub(crate) fn resource(&self) -> serde_json::Value {
        serde_json::json!({
            "account_sid": self.account_sid.as_str(),
            "call_sid": self.call_sid.as_str(),
            "sid": self.sid.as_str(),
            "date_created": rfc2822(self.created),
            "date_updated": rfc2822(self.updated),
            "uri": format!(
                "/2010-04-01/Accounts/{}/Calls/{}/Payments/{}.json",
                self.account_sid, self.call_sid, self.sid
            ),
        })
    }
}

fn push_capture(form: &mut Form, name: &str, partial: bool, missing: &[String]) {
    form.push(("Capture".to_owned(), name.to_owned()));
    form.push(("PartialResult".to_owned(), partial.to_string()));
    form.push(("Required".to_owned(), missing.join(", ")));
}

/// The callback field that carries a captured value.
fn wire_value_name(field: &str) -> &'static str {
    match field {
        "payment-card-number" => "PaymentCardNumber",
        "expiration-date" => "ExpirationDate",
        "security-code" => "SecurityCode",
        "postal-code" => "PaymentCardPostalCode",
        "bank-routing-number" => "BankRoutingNumber",
        _ => "BankAccountNumber",
    }
}

fn random_code(prefix: &str) -> String {
    format!("{prefix}{:024x}", fastrand::u128(..) >> 32)
}

/// Dates in REST bodies: RFC 2822, as Api v2010 sends them.
pub(crate) fn rfc2822(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc2822)
        .unwrap_or_default()
}

/// Dates in callbacks: ISO 8601 with milliseconds, as real Pay traffic carries them.
pub(crate) fn iso_millis(t: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// A fresh SID with `prefix`.
pub(crate) fn new_sid(prefix: &str) -> String {
    format!("{prefix}{:032x}", fastrand::u128(..))
}
