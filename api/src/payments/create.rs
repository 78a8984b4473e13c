use runtime::{
    twilio_endpoint, AccountSid, CallSid, CommaSeparated, IdempotencyKey, JsonObject,
    SpaceSeparated, Uri,
};
use rust_decimal::Decimal;

use super::{BankAccountType, CardType, Input, MatchingInput, Payment, PaymentMethod, TokenType};

/// Starts a pay session on a live call: the caller will be asked for card or bank details.
#[twilio_endpoint(POST, "/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>/Payments.json", response = Payment, status = 201)]
pub struct Create {
    /// The account; the client's own unless set (subaccounts).
    pub account_sid: Option<AccountSid>,
    /// The live call the caller is on.
    pub call_sid: CallSid,
    /// One fresh key per session start; retries reuse it, so a session is never started twice.
    pub idempotency_key: IdempotencyKey,
    /// Where Twilio posts session progress.
    pub status_callback: Uri,
    /// For ACH: the kind of bank account.
    pub bank_account_type: Option<BankAccountType>,
    /// The amount to charge; absent or 0 tokenizes instead.
    #[twilio(range = 0..1_000_000)]
    pub charge_amount: Option<Decimal>,
    /// ISO 4217 code of the amount (Twilio's default: USD).
    pub currency: Option<String>,
    /// Passed to the payment connector with the transaction.
    pub description: Option<String>,
    /// How the caller enters digits.
    pub input: Option<Input>,
    /// The number of digits a postal code must have.
    #[twilio(range = 1..)]
    pub min_postal_code_length: Option<u32>,
    /// Connector-specific fields (required for ACH).
    pub parameter: Option<JsonObject>,
    /// The Pay Connector's unique name (Twilio's default: `Default`).
    pub payment_connector: Option<String>,
    /// Card or ACH (Twilio's default: card).
    pub payment_method: Option<PaymentMethod>,
    /// Whether to ask for a postal code (Twilio's default: yes).
    pub postal_code: Option<bool>,
    /// Whether to ask for the security code (Twilio's default: yes).
    pub security_code: Option<bool>,
    /// Seconds to wait for the next digit (Twilio's default: 5).
    #[twilio(range = 1..=600)]
    pub timeout: Option<u32>,
    /// The kind of token when tokenizing.
    pub token_type: Option<TokenType>,
    /// Card brands accepted (Twilio's default: visa, mastercard, amex).
    pub valid_card_types: Option<SpaceSeparated<CardType>>,
    /// Fields the caller must enter twice.
    pub require_matching_inputs: Option<CommaSeparated<MatchingInput>>,
    /// Whether the caller confirms the details before they are sent.
    pub confirmation: Option<bool>,
}
