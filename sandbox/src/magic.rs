//! Magic phone numbers: a call's `To` or `From` number picks the card its caller keys in (and,
//! by its exchange, the caller's pace), the way Twilio's test credentials give numbers such as
//! `+15005550006` a meaning. They work from any client, the official helpers included, since
//! `To` and `From` are ordinary parameters of every client's "create call".

use crate::cards::TestCard;
use crate::pace::CallerPace;

/// A phone number that, as a call's `To` or `From`, picks the test card.
///
/// Every number is `+1 500 555 NNNN` where `NNNN` are the card's last four digits. The exchange
/// also sets the caller's pace for the call: `555` keeps the sandbox's default, `556` makes the
/// caller type at [`CallerPace::REALISTIC`], `557` at [`CallerPace::INSTANT`] (with any last
/// four: `+15005560000` is the default card at a human pace).
///
/// ```
/// use sandbox::{CallerPace, MagicNumber};
/// assert_eq!(MagicNumber::find("+15005560002").map(|m| m.card), Some("declined"));
/// assert_eq!(MagicNumber::pace_of("+15005560002"), Some(CallerPace::REALISTIC));
/// // Twilio's usual test `From` means nothing here: the sandbox's default card and pace.
/// assert!(MagicNumber::find("+15005550006").is_none());
/// assert!(MagicNumber::pace_of("+15005550006").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MagicNumber {
    /// The number in E.164, with the default-pace exchange `555`.
    pub number: &'static str,
    /// The card's name in [`TestCard::NAMES`].
    pub card: &'static str,
    /// What a pay session with this card ends in.
    pub outcome: &'static str,
}

impl MagicNumber {
    /// Every magic number, the README's table.
    pub const ALL: &'static [MagicNumber] = &[
        Self::of("+15005554242", "visa", "success"),
        Self::of("+15005554444", "mastercard", "success"),
        Self::of("+15005550005", "amex", "success (4-digit security code)"),
        Self::of(
            "+15005551117",
            "discover",
            "success if ValidCardTypes lists discover, else ErrorType=invalid-card-type",
        ),
        Self::of(
            "+15005550505",
            "jcb",
            "success if ValidCardTypes lists jcb, else ErrorType=invalid-card-type",
        ),
        Self::of(
            "+15005555904",
            "diners-club",
            "success if ValidCardTypes lists diners-club, else ErrorType=invalid-card-type",
        ),
        Self::of(
            "+15005550002",
            "declined",
            "Result=payment-connector-error (ConnectorError=card_declined)",
        ),
        Self::of(
            "+15005559995",
            "insufficient-funds",
            "Result=payment-connector-error (ConnectorError=insufficient_funds)",
        ),
        Self::of(
            "+15005554241",
            "invalid-number",
            "ErrorType=invalid-card-number while the number is captured; it stays Required",
        ),
    ];

    const fn of(number: &'static str, card: &'static str, outcome: &'static str) -> Self {
        Self {
            number,
            card,
            outcome,
        }
    }

    /// The card this number picks.
    pub fn test_card(&self) -> TestCard {
        // Every name in ALL is one of TestCard::NAMES (checked by a unit test).
        TestCard::named(self.card).unwrap_or_default()
    }

    /// The magic number whose card `phone` picks, in any of the three exchanges (`None` if
    /// it picks none). Spaces, dashes, dots and parentheses are ignored.
    pub fn find(phone: &str) -> Option<&'static MagicNumber> {
        let (_, last4) = split(phone)?;
        Self::ALL
            .iter()
            .find(|m| m.number.ends_with(last4.as_str()))
    }

    /// The pace `phone`'s exchange asks for: `556` realistic, `557` instant, else `None` (the
    /// sandbox's default).
    pub fn pace_of(phone: &str) -> Option<CallerPace> {
        match split(phone)?.0.as_str() {
            "556" => Some(CallerPace::REALISTIC),
            "557" => Some(CallerPace::INSTANT),
            _ => None,
        }
    }
}

/// `+1 500 EEE NNNN` → (`EEE`, `NNNN`) for the exchanges 555, 556 and 557.
fn split(phone: &str) -> Option<(String, String)> {
    let digits: String = phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let rest = digits.strip_prefix("+1500")?;
    if rest.len() != 7 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (exchange, last4) = rest.split_at(3);
    matches!(exchange, "555" | "556" | "557").then(|| (exchange.to_owned(), last4.to_owned()))
}

/// What a new call's caller does, and why: the card and the pace, each with where it came from
/// (for the log).
#[derive(Debug, Clone)]
pub(crate) struct CallerChoice {
    pub(crate) card: TestCard,
    pub(crate) card_from: String,
    pub(crate) pace: CallerPace,
    pub(crate) pace_from: String,
}

impl CallerChoice {
    /// The choice for a call with these numbers: an explicit card or pace wins, then the `To`
    /// number, then the `From` number, then the sandbox's defaults.
    pub(crate) fn for_call(
        to: &str,
        from: &str,
        card: Option<TestCard>,
        pace: Option<CallerPace>,
        default_card: &TestCard,
        default_pace: CallerPace,
        explicit: (&str, &str),
    ) -> Self {
        let mut choice = Self {
            card: default_card.clone(),
            card_from: "the sandbox's default".to_owned(),
            pace: default_pace,
            pace_from: "the sandbox's default".to_owned(),
        };
        let (mut card_set, mut pace_set) = (false, false);
        if let Some(card) = card {
            choice.card = card;
            choice.card_from = explicit.0.to_owned();
            card_set = true;
        }
        if let Some(pace) = pace {
            choice.pace = pace;
            choice.pace_from = explicit.1.to_owned();
            pace_set = true;
        }
        for (which, number) in [("To", to), ("From", from)] {
            if let (false, Some(magic)) = (card_set, MagicNumber::find(number)) {
                choice.card = magic.test_card();
                choice.card_from = format!("{which} {number}");
                card_set = true;
            }
            if let (false, Some(pace)) = (pace_set, MagicNumber::pace_of(number)) {
                choice.pace = pace;
                choice.pace_from = format!("{which} {number}");
                pace_set = true;
            }
        }
        choice
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_magic_number_names_a_card_whose_last_four_it_carries() {
        for magic in MagicNumber::ALL {
            let card = TestCard::named(magic.card).expect(magic.card);
            assert!(
                magic
                    .number
                    .ends_with(&card.number[card.number.len() - 4..]),
                "{magic:?}"
            );
            assert_eq!(MagicNumber::find(magic.number), Some(magic));
            assert_eq!(MagicNumber::pace_of(magic.number), None);
            let slow = magic.number.replacen("555", "556", 1);
            assert_eq!(MagicNumber::find(&slow), Some(magic));
            assert_eq!(MagicNumber::pace_of(&slow), Some(CallerPace::REALISTIC));
        }
        let mut lasts: Vec<&str> = MagicNumber::ALL.iter().map(|m| &m.number[8..]).collect();
        lasts.sort_unstable();
        lasts.dedup();
        assert_eq!(lasts.len(), MagicNumber::ALL.len(), "last fours are unique");
    }

    #[test]
    fn other_numbers_mean_nothing_and_pace_exchanges_work_alone() {
        for plain in [
            "+15005550006",
            "+14155550100",
            "+1500555424",
            "+150055542420",
            "4242",
        ] {
            assert_eq!(MagicNumber::find(plain), None, "{plain}");
            assert_eq!(MagicNumber::pace_of(plain), None, "{plain}");
        }
        assert_eq!(MagicNumber::find("+1 (500) 557-0000"), None);
        assert_eq!(
            MagicNumber::pace_of("+1 (500) 557-0000"),
            Some(CallerPace::INSTANT)
        );
        assert_eq!(
            MagicNumber::find("+15005580002"),
            None,
            "not an exchange of ours"
        );
        assert_eq!(
            MagicNumber::find("+1 500 555 0002").map(|m| m.card),
            Some("declined")
        );
    }

    #[test]
    fn explicit_choices_win_then_to_then_from() {
        let default = TestCard::visa();
        let pick = |to, from, card, pace| {
            CallerChoice::for_call(
                to,
                from,
                card,
                pace,
                &default,
                CallerPace::INSTANT,
                ("SandboxTestCard", "SandboxCallerPace"),
            )
        };
        let c = pick("+15005550002", "+15005564444", None, None);
        assert_eq!(c.card.name(), Some("declined"));
        assert_eq!(c.card_from, "To +15005550002");
        assert_eq!(c.pace, CallerPace::REALISTIC);
        assert_eq!(c.pace_from, "From +15005564444");
        let c = pick("+14155550100", "+15005554444", None, None);
        assert_eq!(c.card.name(), Some("mastercard"));
        assert_eq!(c.pace, CallerPace::INSTANT);
        let c = pick(
            "+15005560002",
            "",
            Some(TestCard::amex()),
            Some(CallerPace::INSTANT),
        );
        assert_eq!((c.card.name(), c.pace), (Some("amex"), CallerPace::INSTANT));
        assert_eq!(c.card_from, "SandboxTestCard");
        let c = pick("+14155550100", "+14155550101", None, None);
        assert_eq!(c.card, default);
    }
}
