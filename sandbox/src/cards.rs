//! Test cards: what the simulated caller keys in, and how the fake payment connector answers.

use std::fmt;

/// The details the simulated caller keys in when a session asks for them.
///
/// The card number decides the outcome, as with the test numbers of common payment gateways:
/// [`TestCard::visa`] (and other Luhn-valid numbers) succeed, [`TestCard::declined`] and
/// [`TestCard::insufficient_funds`] are captured fine but declined by the connector on
/// `Status=complete` (`Result=payment-connector-error`), and a number that fails the Luhn check
/// ([`TestCard::invalid_number`]) is refused while being captured (`ErrorType=invalid-card-number`).
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

/// Numbers the fake connector declines.
const DECLINED: &[&str] = &["4000000000000002", "4000000000009995"];

impl TestCard {
    /// A card with this number and valid defaults for everything else (an expiry date a few
    /// years ahead, a 3-digit security code, or 4 digits for American Express, postal code
    /// `94105`).
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
        DECLINED.contains(&self.number.as_str())
    }

    /// The card's brand as Twilio names it (`visa`, `mastercard`, `amex`, …), if known.
    pub fn card_type(&self) -> Option<&'static str> {
        brand(&self.number)
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
}
