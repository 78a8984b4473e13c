//! Test cards: what the simulated caller keys in, and how the fake payment connector answers.

use std::fmt;

/// The details the simulated caller keys in when a session asks for them.
///
/// The card number decides the outcome, as with the test numbers of common payment gateways:
/// [`TestCard::visa`] (and other Luhn-valid numbers) succeed, [`TestCard::declined`] and
/// [`TestCard::insufficient_funds`] are captured fine but declined by the connector on
/// `Status=complete` (`Result=payment-connector-error`), and a number that fails the Luhn check
/// ([`TestCard::invalid_number`]) is refused while being captured (`ErrorType=invalid-card-number`).
///
/// Each named card has a name for `--test-card` and `SandboxTestCard` ([`TestCard::NAMES`],
/// parsed by [`str::parse`]) and a magic phone number ([`crate::MagicNumber`]).
///
/// ```
/// use sandbox::TestCard;
/// let card: TestCard = "declined".parse()?;
/// assert!(card.is_declined());
/// let card: TestCard = "5555 5555 5555 4444".parse()?;
/// assert_eq!(card.card_type(), Some("mastercard"));
/// assert!("123".parse::<TestCard>().is_err());
/// # Ok::<(), sandbox::TestCardError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TestCard {
    /// The card number, digits only.
    pub number: String,
    /// The expiry date as keyed in: `MMYY`.
    pub expiration_date: String,
    /// The security code.
    pub security_code: String,
    /// The billing postal code.
    pub postal_code: String,
    /// The bank routing number, for ACH sessions.
    pub bank_routing_number: String,
    /// The bank account number, for ACH sessions.
    pub bank_account_number: String,
}

/// Why the connector declines a card, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decline {
    /// A generic decline.
    Declined,
    /// Not enough funds on the card.
    InsufficientFunds,
}

/// Numbers the fake connector declines, and why.
const DECLINED: &[(&str, Decline)] = &[
    ("4000000000000002", Decline::Declined),
    ("4000000000009995", Decline::InsufficientFunds),
];

/// The named cards: name, number.
const NAMED: &[(&str, &str)] = &[
    ("visa", "4242424242424242"),
    ("mastercard", "5555555555554444"),
    ("amex", "378282246310005"),
    ("discover", "6011111111111117"),
    ("jcb", "3566002020360505"),
    ("diners-club", "30569309025904"),
    ("declined", "4000000000000002"),
    ("insufficient-funds", "4000000000009995"),
    ("invalid-number", "4242424242424241"),
];

impl TestCard {
    /// The names [`str::parse`] (and so `--test-card` and `SandboxTestCard`) accept besides a
    /// card number.
    pub const NAMES: &'static [&'static str] = &[
        "visa",
        "mastercard",
        "amex",
        "discover",
        "jcb",
        "diners-club",
        "declined",
        "insufficient-funds",
        "invalid-number",
    ];

    /// A card with this number and valid defaults for everything else (an expiry date a few
    /// years ahead, a 3-digit security code, or 4 digits for American Express, postal code
    /// `94105`). The number is taken as it is: [`str::parse`] checks it.
    pub fn new(number: impl Into<String>) -> Self {
        let number: String = number.into();
        let year = time::OffsetDateTime::now_utc().year();
        let security_code = if brand(&number) == Some("amex") {
            "1234"
        } else {
            "123"
        };
        Self {
            expiration_date: format!("12{:02}", (year + 4).rem_euclid(100)),
            security_code: security_code.to_owned(),
            postal_code: "94105".to_owned(),
            bank_routing_number: "121000358".to_owned(),
            bank_account_number: "000123456789".to_owned(),
            number,
        }
    }

    /// The card of one of [`TestCard::NAMES`].
    pub fn named(name: &str) -> Option<Self> {
        NAMED
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, number)| Self::new(*number))
    }

    /// The name of this card's number in [`TestCard::NAMES`], if it is one of them.
    pub fn name(&self) -> Option<&'static str> {
        NAMED
            .iter()
            .find(|(_, number)| *number == self.number)
            .map(|(n, _)| *n)
    }

    /// Visa 4242 4242 4242 4242: succeeds (the default).
    pub fn visa() -> Self {
        Self::new("4242424242424242")
    }

    /// Mastercard 5555 5555 5555 4444: succeeds.
    pub fn mastercard() -> Self {
        Self::new("5555555555554444")
    }

    /// American Express 3782 822463 10005: succeeds (4-digit security code).
    pub fn amex() -> Self {
        Self::new("378282246310005")
    }

    /// Discover 6011 1111 1111 1117: succeeds where `ValidCardTypes` includes `discover`
    /// (Twilio's default list does not: `invalid-card-type`).
    pub fn discover() -> Self {
        Self::new("6011111111111117")
    }

    /// JCB 3566 0020 2036 0505: succeeds where `ValidCardTypes` includes `jcb`.
    pub fn jcb() -> Self {
        Self::new("3566002020360505")
    }

    /// Diners Club 3056 930902 5904: succeeds where `ValidCardTypes` includes `diners-club`.
    pub fn diners_club() -> Self {
        Self::new("30569309025904")
    }

    /// Visa 4000 0000 0000 0002: captured, then declined by the connector.
    pub fn declined() -> Self {
        Self::new("4000000000000002")
    }

    /// Visa 4000 0000 0000 9995: captured, then declined (insufficient funds).
    pub fn insufficient_funds() -> Self {
        Self::new("4000000000009995")
    }

    /// 4242 4242 4242 4241: fails the Luhn check, refused while captured.
    pub fn invalid_number() -> Self {
        Self::new("4242424242424241")
    }

    /// Whether the fake connector declines this card.
    pub fn is_declined(&self) -> bool {
        self.decline().is_some()
    }

    pub(crate) fn decline(&self) -> Option<Decline> {
        DECLINED
            .iter()
            .find(|(n, _)| *n == self.number)
            .map(|(_, d)| *d)
    }

    /// The card's brand as Twilio names it (`visa`, `mastercard`, `amex`, …), if known.
    pub fn card_type(&self) -> Option<&'static str> {
        brand(&self.number)
    }

    /// The number as the log shows it: brand and last four digits, e.g. `visa …4242`.
    pub(crate) fn describe(&self) -> String {
        let last4: String = {
            let n = self.number.chars().count();
            self.number.chars().skip(n.saturating_sub(4)).collect()
        };
        match (self.name(), self.card_type()) {
            (Some(name), Some(brand)) if name != brand => format!("{brand} …{last4} ({name})"),
            (_, Some(brand)) => format!("{brand} …{last4}"),
            (_, None) => format!("…{last4}"),
        }
    }
}

impl Default for TestCard {
    fn default() -> Self {
        Self::visa()
    }
}

impl fmt::Debug for TestCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Test numbers only, but keep the habit: never print a full card number.
        f.debug_struct("TestCard")
            .field("number", &mask_keep_last(&self.number, 4))
            .field("expiration_date", &self.expiration_date)
            .finish_non_exhaustive()
    }
}

/// Why a test card was refused (`--test-card`, `SandboxTestCard`, [`str::parse`]). The message
/// shows at most the last four digits of what was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCardError {
    message: String,
}

impl fmt::Display for TestCardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TestCardError {}

impl std::str::FromStr for TestCard {
    type Err = TestCardError;

    /// A name of [`TestCard::NAMES`], or a card number of 12 to 19 digits (spaces and dashes
    /// between them are dropped) that passes the Luhn check. A number failing it is refused
    /// (a typo would otherwise turn into `invalid-card-number` at capture time): ask for
    /// `invalid-number` to test that.
    fn from_str(given: &str) -> Result<Self, Self::Err> {
        let given = given.trim();
        if let Some(card) = Self::named(given) {
            return Ok(card);
        }
        let refuse = |why: String| {
            TestCardError {
            message: format!(
                "{why}; give a card number of 12 to 19 digits that passes the Luhn check, or one of: {}",
                Self::NAMES.join(", ")
            ),
        }
        };
        let digits: String = given.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.is_empty() {
            return Err(refuse("no test card given".to_owned()));
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            // Not echoed: it may be a card number with a typo in it.
            return Err(refuse(
                "the value is neither a test card name nor a card number (only digits, spaces and dashes)"
                    .to_owned(),
            ));
        }
        let shown = mask_keep_last(&digits, 4);
        if !(12..=19).contains(&digits.len()) {
            return Err(refuse(format!(
                "the card number {shown} has {} digits",
                digits.len()
            )));
        }
        if !luhn_ok(&digits) {
            return Err(refuse(format!(
                "the card number {shown} fails the Luhn check (use `invalid-number` to test a card refused as invalid)"
            )));
        }
        Ok(Self::new(digits))
    }
}

/// The brand of a card number by its leading digits.
pub(crate) fn brand(number: &str) -> Option<&'static str> {
    let prefix = |n: usize| number.get(..n).and_then(|p| p.parse::<u32>().ok());
    match (prefix(1), prefix(2), prefix(4)) {
        (Some(4), ..) => Some("visa"),
        (_, Some(34 | 37), _) => Some("amex"),
        (_, Some(51..=55), _) | (.., Some(2221..=2720)) => Some("mastercard"),
        (.., Some(2014 | 2149)) => Some("enroute"),
        (.., Some(6011)) | (_, Some(65), _) => Some("discover"),
        (_, Some(35), _) => Some("jcb"),
        (_, Some(36 | 38 | 30), _) => Some("diners-club"),
        (_, Some(50 | 56..=69), _) => Some("maestro"),
        _ => None,
    }
}

/// The Luhn checksum every card number carries.
pub(crate) fn luhn_ok(number: &str) -> bool {
    if number.len() < 12 || number.len() > 19 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// The ABA checksum of a US routing number.
pub(crate) fn routing_ok(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 9 || number.len() != 9 {
        return false;
    }
    let weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 10 == 0
}

/// `x` for every character but the last `keep`.
pub(crate) fn mask_keep_last(value: &str, keep: usize) -> String {
    let n = value.chars().count();
    value
        .chars()
        .enumerate()
        .map(|(i, c)| if i + keep >= n { c } else { 'x' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cards_behave_as_documented() {
        for card in [TestCard::visa(), TestCard::mastercard(), TestCard::amex()] {
            assert!(luhn_ok(&card.number), "{card:?}");
            assert!(!card.is_declined());
        }
        assert!(luhn_ok(&TestCard::declined().number));
        assert!(TestCard::declined().is_declined());
        assert!(!luhn_ok(&TestCard::invalid_number().number));
        assert_eq!(TestCard::amex().card_type(), Some("amex"));
        assert_eq!(TestCard::amex().security_code.len(), 4);
        assert_eq!(TestCard::mastercard().card_type(), Some("mastercard"));
        assert!(routing_ok(&TestCard::visa().bank_routing_number));
        assert!(!routing_ok("121000359"));
        assert_eq!(mask_keep_last("4242424242424242", 4), "xxxxxxxxxxxx4242");
        assert!(!format!("{:?}", TestCard::visa()).contains("424242424242"));
    }

    #[test]
    fn every_named_card_parses_and_is_what_its_name_says() {
        for name in TestCard::NAMES {
            let card: TestCard = name.parse().expect(name);
            assert_eq!(card.name(), Some(*name));
            assert_eq!(luhn_ok(&card.number), *name != "invalid-number", "{name}");
        }
        for (name, brand) in [
            ("discover", "discover"),
            ("jcb", "jcb"),
            ("diners-club", "diners-club"),
            ("amex", "amex"),
        ] {
            assert_eq!(
                TestCard::named(name).and_then(|c| c.card_type()),
                Some(brand)
            );
        }
        assert_eq!(
            TestCard::insufficient_funds().decline(),
            Some(Decline::InsufficientFunds)
        );
        assert_eq!(TestCard::declined().decline(), Some(Decline::Declined));
        assert_eq!(TestCard::visa().decline(), None);
        assert_eq!(TestCard::declined().describe(), "visa …0002 (declined)");
        assert_eq!(TestCard::visa().describe(), "visa …4242");
    }

    #[test]
    fn card_numbers_are_checked_and_refusals_say_why_without_the_number() {
        let card: TestCard = " 4000-0000-0000-0002 ".parse().expect("dashes");
        assert!(card.is_declined());
        assert_eq!(
            "Visa".parse::<TestCard>().map(|c| c.number),
            Ok(TestCard::visa().number)
        );
        for (given, says) in [
            ("123", "has 3 digits"),
            ("", "no test card given"),
            ("4242424242424241", "fails the Luhn check"),
            ("42424242424242424242", "has 20 digits"),
            ("4242x42424242424", "neither a test card name"),
            ("platinum", "neither a test card name"),
        ] {
            let err = given.parse::<TestCard>().expect_err(given).to_string();
            assert!(err.contains(says), "{given}: {err}");
            assert!(err.contains("invalid-number"), "{err}");
            assert!(!err.contains("424242424242"), "{err}");
        }
    }
}
