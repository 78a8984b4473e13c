//! The status callback Twilio POSTs to a session's `StatusCallback` URL: the only way to see a
//! pay session's progress and result.
//!
//! Parse it from the raw form body with [`PayStatusCallback::from_form`] (after checking the
//! signature with `runtime::webhook::Validator`), or let the `runtime` axum extractor do both:
//! `TwilioWebhook<PayStatusCallback>`.
//!
//! Parsing keeps going, because real traffic differs from the documentation: blank fields
//! count as absent, dates may be RFC 2822 or ISO 8601 (with milliseconds), `Required` may use
//! kebab-case or PascalCase names, values this version does not know are kept in the enums'
//! `Other` variants, and a value that fits nowhere (an amount of `lots`) reads as `None` with
//! its raw text in [`PayStatusCallback::unreadable`]. Only the three SIDs are essential. Twilio
//! retries webhooks, so the same callback can arrive twice.

mod enums;
mod lenient;
mod masked;
mod token;

use runtime::{AccountSid, CallSid, PaymentSid};
use rust_decimal::Decimal;
use time::OffsetDateTime;

pub use enums::{ErrorType, PayResult};
pub use masked::{MaskedAccountNumber, MaskedCardNumber, MaskedSecurityCode};
pub use token::PaymentToken;

use super::{BankAccountType, Capture, CardType, PaymentMethod, TokenType};

/// One status callback of a pay session. See [`stage`](Self::stage) for where the session is.
///
/// A field whose value does not fit reads as `None` (its raw text is in
/// [`unreadable`](Self::unreadable), and one warning names it, never its value). The three SIDs
/// are essential: they say which account, call and session the callback is about, and a body
/// without them is not a usable callback ([`from_form`](Self::from_form) fails; the axum
/// extractor can still hand over the raw pairs).
///
/// ```
/// use api::payments::{PayStage, PayStatusCallback};
/// let body = b"AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&CallSid=CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\
///     &Sid=PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&Capture=payment-card-number&PartialResult=false\
///     &PaymentCardNumber=************1111&Required=expiration-date%2C+security-code";
/// let callback = PayStatusCallback::from_form(body)?;
/// assert_eq!(callback.stage(), PayStage::Capturing);
/// assert_eq!(callback.payment_card_number.as_ref().and_then(|n| n.last4()), Some("1111"));
/// assert_eq!(callback.required.len(), 2);
/// # Ok::<(), api::payments::CallbackError>(())
/// ```
#[runtime::twilio_model(rename_all = "PascalCase", dates = rfc2822, blank_is_absent)]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PayStatusCallback {
    // Sent with every callback.
    /// The account that owns the session.
    pub account_sid: AccountSid,
    /// The call the session runs on.
    pub call_sid: CallSid,
    /// The session (`PK…`).
    pub sid: PaymentSid,
    /// When the session was created.
    pub date_created: Option<OffsetDateTime>,
    /// The account type of an ACH session.
    pub bank_account_type: Option<BankAccountType>,
    /// The amount to charge; `None` or zero means a tokenization session.
    pub charge_amount: Option<Decimal>,
    /// The payment connector's name.
    pub payment_connector: Option<String>,
    /// Card or ACH.
    pub payment_method: Option<PaymentMethod>,
    /// The kind of token a tokenization session returns.
    pub token_type: Option<TokenType>,

    // Sent while capturing.
    /// When the session last changed.
    pub date_updated: Option<OffsetDateTime>,
    /// The field being captured.
    pub capture: Option<Capture>,
    /// `true` while the caller is still typing the field.
    pub partial_result: Option<bool>,
    /// Fields still missing before the session can complete (empty when none are, or when not
    /// sent).
    #[twilio(default, with = lenient::RequiredList)]
    pub required: Vec<Capture>,
    /// What was wrong with the last input.
    pub error_type: Option<ErrorType>,
    /// The card number, masked to its last four digits.
    pub payment_card_number: Option<MaskedCardNumber>,
    /// The card brand, as detected from the number.
    pub payment_card_type: Option<CardType>,
    /// The security code, fully masked.
    pub security_code: Option<MaskedSecurityCode>,
    /// The expiry date as entered (MMYY), in clear.
    pub expiration_date: Option<String>,
    /// The billing postal code, in clear.
    pub payment_card_postal_code: Option<String>,
    /// The bank routing number, in clear.
    pub bank_routing_number: Option<String>,
    /// The bank account number, masked to its last two digits.
    pub bank_account_number: Option<MaskedAccountNumber>,

    // Sent once the session is completed or cancelled.
    /// How the session ended.
    pub result: Option<PayResult>,
    /// The connector's confirmation of a charge.
    pub payment_confirmation_code: Option<String>,
    /// The token of a tokenization session (hidden from `Debug`).
    pub payment_token: Option<PaymentToken>,
    /// The connector's customer profile for the token.
    pub profile_id: Option<String>,
    /// A description of the payment error.
    pub payment_error: Option<String>,
    /// Twilio's error code for the payment error (e.g. 64012).
    pub pay_error_code: Option<u32>,
    /// The payment connector's own error text.
    pub connector_error: Option<String>,
}

/// Where a pay session is, as told by one callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PayStage {
    /// The session was created; nothing captured yet.
    Started,
    /// A field is being captured (or was rejected and is asked again).
    Capturing,
    /// The session ended with [`PayResult::Success`].
    Completed,
    /// The caller left: hung up or pressed `*`.
    Cancelled,
    /// The session ended without success for any other reason (including results this
    /// version does not know).
    Failed,
}

impl PayStage {
    /// Whether no further callback will follow for this session.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled | Self::Failed)
    }
}

/// Why a callback body could not be parsed.
#[derive(Debug, thiserror::Error)]
#[error("invalid Pay status callback: {0}")]
pub struct CallbackError(#[from] serde_html_form::de::Error);

impl PayStatusCallback {
    /// A callback for a session with every optional field unset: a starting point for tests
    /// and local sandboxes that send callbacks.
    pub fn new(account_sid: AccountSid, call_sid: CallSid, sid: PaymentSid) -> Self {
        Self {
            account_sid,
            call_sid,
            sid,
            date_created: None,
            bank_account_type: None,
            charge_amount: None,
            payment_connector: None,
            payment_method: None,
            token_type: None,
            date_updated: None,
            capture: None,
            partial_result: None,
            required: Vec::new(),
            error_type: None,
            payment_card_number: None,
            payment_card_type: None,
            security_code: None,
            expiration_date: None,
            payment_card_postal_code: None,
            bank_routing_number: None,
            bank_account_number: None,
            result: None,
            payment_confirmation_code: None,
            payment_token: None,
            profile_id: None,
            payment_error: None,
            pay_error_code: None,
            connector_error: None,
            unreadable: runtime::response::Unreadable::default(),
        }
    }

    /// Parses the raw `application/x-www-form-urlencoded` body. Unknown parameters are
    /// ignored; a malformed date, amount, flag or error code reads as `None` and is kept in
    /// [`unreadable`](Self::unreadable). Only a missing or unreadable `AccountSid`, `CallSid` or
    /// `Sid` is an error.
    pub fn from_form(body: &[u8]) -> Result<Self, CallbackError> {
        Ok(serde_html_form::from_bytes(body)?)
    }

    /// The form body Twilio would send for this callback (what a local sandbox posts).
    pub fn to_form(&self) -> Result<String, serde_html_form::ser::Error> {
        serde_html_form::to_string(self)
    }

    /// Where the session is: a `Result` means it ended; otherwise any capture field means a
    /// field is being captured; otherwise it has just started.
    pub fn stage(&self) -> PayStage {
        if let Some(result) = &self.result {
            return match result {
                PayResult::Success => PayStage::Completed,
                PayResult::CallerHungUp | PayResult::CallerInterruptedWithStar => {
                    PayStage::Cancelled
                }
                _ => PayStage::Failed,
            };
        }
        if self.pay_error_code.is_some()
            || self.payment_error.is_some()
            || self.connector_error.is_some()
        {
            return PayStage::Failed;
        }
        let capturing = self.capture.is_some()
            || self.partial_result.is_some()
            || !self.required.is_empty()
            || self.error_type.is_some()
            || self.payment_card_number.is_some()
            || self.security_code.is_some()
            || self.expiration_date.is_some()
            || self.payment_card_postal_code.is_some()
            || self.bank_routing_number.is_some()
            || self.bank_account_number.is_some();
        if capturing {
            PayStage::Capturing
        } else {
            PayStage::Started
        }
    }
}
