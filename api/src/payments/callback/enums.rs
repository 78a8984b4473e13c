//! Enums that appear only in status callbacks.

runtime::twilio_enum! {
    /// How a pay session ended (`Result`).
    pub enum PayResult {
        /// The connector charged or tokenized the card.
        Success = "success",
        /// The payment connector reported an error.
        PaymentConnectorError = "payment-connector-error",
        /// The caller pressed `*` to leave.
        CallerInterruptedWithStar = "caller-interrupted-with-star",
        /// The caller hung up.
        CallerHungUp = "caller-hung-up",
        /// The entered data did not validate.
        ValidationError = "validation-error",
        /// The caller failed too many times (`<Pay>`).
        TooManyFailedAttempts = "too-many-failed-attempts",
        /// Twilio failed internally (`<Pay>`).
        InternalError = "internal-error",
    }
}

runtime::twilio_enum! {
    /// What went wrong with the last input (`ErrorType`).
    pub enum ErrorType {
        /// The caller typed nothing in time.
        InputTimeout = "input-timeout",
        /// Not a valid card number.
        InvalidCardNumber = "invalid-card-number",
        /// A card brand the session does not accept.
        InvalidCardType = "invalid-card-type",
        /// Not a valid expiry date.
        InvalidDate = "invalid-date",
        /// Not a valid security code.
        InvalidSecurityCode = "invalid-security-code",
        /// Not a valid postal code.
        InvalidPostalCode = "invalid-postal-code",
        /// Not a valid routing number.
        InvalidBankRoutingNumber = "invalid-bank-routing-number",
        /// Not a valid account number.
        InvalidBankAccountNumber = "invalid-bank-account-number",
        /// Not a valid account type.
        InvalidBankAccountType = "invalid-bank-account-type",
        /// The security code was asked for before the card number.
        InvalidCardNumberSecurityCodeCaptureSequence =
            "invalid-card-number-security-code-capture-sequence",
        /// The repeated input differed from the first.
        InputMatchingFailed = "input-matching-failed",
        /// Another session is already open on the call.
        SessionInProgress = "session-in-progress",
        /// Twilio failed internally.
        InternalError = "internal-error",
    }
}
