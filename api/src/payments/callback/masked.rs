//! Masked payment data. Each type re-masks on construction, so whatever arrives (another mask
//! format, or by mistake a clear number) it never holds more than its visible digits.

use std::fmt;
use std::str::FromStr;

use runtime::response::{read_text, DateFormat, FieldContext, ResponseField};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Replaces every ASCII digit except the last `visible` ones with `*`; other characters (the
/// sender's own mask characters, spaces, dashes) are kept.
fn mask_digits(raw: &str, visible: usize) -> String {
    let digits = raw.bytes().filter(u8::is_ascii_digit).count();
    let mut to_hide = digits.saturating_sub(visible);
    raw.chars()
        .map(|c| {
            if c.is_ascii_digit() && to_hide > 0 {
                to_hide -= 1;
                '*'
            } else {
                c
            }
        })
        .collect()
}

/// The trailing `n` digits, if the masked text ends in at least `n` digits.
fn trailing_digits(masked: &str, n: usize) -> Option<&str> {
    let start = masked.len().checked_sub(n)?;
    let tail = masked.get(start..)?;
    tail.bytes().all(|b| b.is_ascii_digit()).then_some(tail)
}

macro_rules! masked_type {
    ($(#[$meta:meta])* $name:ident, visible = $visible:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Masks `raw`, keeping only the digits this type may show.
            pub fn new(raw: &str) -> Self {
                Self(mask_digits(raw.trim(), $visible))
            }

            /// The masked text, e.g. `************1234`.
            pub fn as_masked_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:?})"), self.0)
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::new(s))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(Self::new(&raw))
            }
        }

        /// Any text fits: it is masked on arrival.
        impl ResponseField for $name {
            fn read<'de, D: Deserializer<'de>>(
                d: D,
                field: &mut FieldContext<'_>,
            ) -> Result<Option<Self>, D::Error> {
                read_text(d, field, "masked text", |t| Some(Self::new(t)))
            }

            fn write<S: Serializer>(&self, s: S, _: DateFormat) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    };
}

masked_type!(
    /// A card number with at most its last four digits visible (`************1111`). There is
    /// no way to get a full number out of it: any further digits are masked on construction.
    MaskedCardNumber,
    visible = 4
);

impl MaskedCardNumber {
    /// The last four digits, when the mask ends with them.
    pub fn last4(&self) -> Option<&str> {
        trailing_digits(&self.0, 4)
    }
}

masked_type!(
    /// A bank account number with at most its last two digits visible (`********42`).
    MaskedAccountNumber,
    visible = 2
);

impl MaskedAccountNumber {
    /// The last two digits, when the mask ends with them.
    pub fn last2(&self) -> Option<&str> {
        trailing_digits(&self.0, 2)
    }
}

masked_type!(
    /// A security code, fully masked (`***`): only its length is known.
    MaskedSecurityCode,
    visible = 0
);

impl MaskedSecurityCode {
    /// How many characters were entered, as far as the mask shows.
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    /// Whether the mask is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_holds_more_than_the_visible_digits() {
        let clear = MaskedCardNumber::new("4111111111111111");
        assert_eq!(clear.as_masked_str(), "************1111");
        assert_eq!(clear.last4(), Some("1111"));
        let other_format = MaskedCardNumber::new("xxxx-xxxx-xxxx-4242");
        assert_eq!(other_format.as_masked_str(), "xxxx-xxxx-xxxx-4242");
        assert_eq!(MaskedCardNumber::new("****").last4(), None);
        assert_eq!(
            MaskedAccountNumber::new("123456789").as_masked_str(),
            "*******89"
        );
        assert_eq!(MaskedSecurityCode::new("123").as_masked_str(), "***");
        assert_eq!(
            format!("{clear:?}"),
            "MaskedCardNumber(\"************1111\")"
        );
    }
}
