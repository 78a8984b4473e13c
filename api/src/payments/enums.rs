//! The Pay enums, with Twilio's wire values.

runtime::twilio_enum! {
    /// How the payment is made.
    pub enum PaymentMethod {
        /// A credit or debit card (Twilio's default).
        CreditCard = "credit-card",
        /// A bank transfer (ACH); needs `Parameter` with the connector's fields.
        AchDebit = "ach-debit",
    }
}

runtime::twilio_enum! {
    /// The kind of bank account, for ACH payments.
    pub enum BankAccountType {
        /// A personal checking account (Twilio's default).
        ConsumerChecking = "consumer-checking",
        /// A personal savings account.
        ConsumerSavings = "consumer-savings",
        /// A business checking account.
        CommercialChecking = "commercial-checking",
    }
}

runtime::twilio_enum! {
    /// What kind of token a tokenization session returns.
    pub enum TokenType {
        /// Usable once.
        OneTime = "one-time",
        /// Usable again (Twilio's default).
        Reusable = "reusable",
        /// A payment-method token.
        PaymentMethod = "payment-method",
    }
}

runtime::twilio_enum! {
    /// The piece of payment data the caller is asked to key in next.
    pub enum Capture {
        /// The card number.
        PaymentCardNumber = "payment-card-number",
        /// The expiry date, MMYY.
        ExpirationDate = "expiration-date",
        /// The card's security code.
        SecurityCode = "security-code",
        /// The billing postal code.
        PostalCode = "postal-code",
        /// The bank routing number (ACH).
        BankRoutingNumber = "bank-routing-number",
        /// The bank account number (ACH).
        BankAccountNumber = "bank-account-number",
        /// The card number again, to confirm it (with `RequireMatchingInputs`).
        PaymentCardNumberMatcher = "payment-card-number-matcher",
        /// The expiry date again, to confirm it.
        ExpirationDateMatcher = "expiration-date-matcher",
        /// The security code again, to confirm it.
        SecurityCodeMatcher = "security-code-matcher",
        /// The postal code again, to confirm it.
        PostalCodeMatcher = "postal-code-matcher",
    }
}

runtime::twilio_enum! {
    /// Ends a session.
    pub enum Status {
        /// Send the collected data to the payment connector.
        Complete = "complete",
        /// Drop the session; it cannot be used again.
        Cancel = "cancel",
    }
}

runtime::twilio_enum! {
    /// Card brands a session accepts.
    pub enum CardType {
        /// Visa.
        Visa = "visa",
        /// Mastercard.
        Mastercard = "mastercard",
        /// American Express.
        Amex = "amex",
        /// Maestro.
        Maestro = "maestro",
        /// Discover.
        Discover = "discover",
        /// Optima.
        Optima = "optima",
        /// JCB.
        Jcb = "jcb",
        /// Diners Club.
        DinersClub = "diners-club",
        /// enRoute.
        Enroute = "enroute",
    }
}

runtime::twilio_enum! {
    /// Fields the caller must enter twice, identically.
    pub enum MatchingInput {
        /// The card number.
        PaymentCardNumber = "payment-card-number",
        /// The expiry date.
        ExpirationDate = "expiration-date",
        /// The security code.
        SecurityCode = "security-code",
        /// The postal code.
        PostalCode = "postal-code",
    }
}

runtime::twilio_enum! {
    /// How the caller enters data.
    pub enum Input {
        /// Touch tones (the only input Twilio supports today).
        Dtmf = "dtmf",
    }
}
