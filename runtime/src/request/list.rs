//! Lists sent as ONE value, their items joined by a separator. Most Twilio lists are repeated
//! keys (a `Vec<T>` field), but a few Pay parameters are joined strings.

use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::formats::Separator;
use serde_with::{SerializeAs, StringWithSeparator};

use crate::param::{Kind, ListStyle, ParamType};

/// A list sent as one value with its items joined by `Sep` (space or comma).
pub struct Joined<T, Sep>(pub Vec<T>, PhantomData<Sep>);

/// A list sent as one space-separated value (`ValidCardTypes=visa amex`).
pub type SpaceSeparated<T> = Joined<T, Space>;
/// A list sent as one comma-separated value (`RequireMatchingInputs=a,b`).
pub type CommaSeparated<T> = Joined<T, Comma>;

/// The separator of [`SpaceSeparated`].
#[derive(Debug, Clone, Copy)]
pub struct Space;
/// The separator of [`CommaSeparated`].
#[derive(Debug, Clone, Copy)]
pub struct Comma;

/// Separators with a compile-time value (serde_with's trait only exposes a function), so the
/// registry can tell how a joined list travels.
pub trait ConstSeparator: Separator {
    /// The separator.
    const SEPARATOR: &'static str;
}

macro_rules! separators {
    ($($name:ident = $sep:literal;)*) => {$(
        impl Separator for $name {
            fn separator() -> &'static str {
                $sep
            }
        }
        impl ConstSeparator for $name {
            const SEPARATOR: &'static str = $sep;
        }
    )*};
}
separators! {
    Space = " ";
    Comma = ",";
}

impl<T, Sep> Joined<T, Sep> {
    /// Wraps items.
    pub fn new(items: Vec<T>) -> Self {
        Self(items, PhantomData)
    }

    /// The items.
    pub fn items(&self) -> &[T] {
        &self.0
    }
}

impl<T: Clone, Sep> Clone for Joined<T, Sep> {
    fn clone(&self) -> Self {
        Self::new(self.0.clone())
    }
}

impl<T: PartialEq, Sep> PartialEq for Joined<T, Sep> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: fmt::Debug, Sep> fmt::Debug for Joined<T, Sep> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.0).finish()
    }
}

impl<T, Sep> From<Vec<T>> for Joined<T, Sep> {
    fn from(items: Vec<T>) -> Self {
        Self::new(items)
    }
}

impl<T, Sep, const N: usize> From<[T; N]> for Joined<T, Sep> {
    fn from(items: [T; N]) -> Self {
        Self::new(items.into())
    }
}

impl<T, Sep> FromIterator<T> for Joined<T, Sep> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self::new(iter.into_iter().collect())
    }
}

impl<T: fmt::Display, Sep: Separator> Serialize for Joined<T, Sep> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StringWithSeparator::<Sep, T>::serialize_as(&self.0, serializer)
    }
}

impl<'de, T, Sep> Deserialize<'de> for Joined<T, Sep>
where
    T: std::str::FromStr,
    T::Err: fmt::Display,
    Sep: Separator,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Twilio's docs show "visa amex" but users also write "visa, amex": trim each item.
        let raw = String::deserialize(d)?;
        raw.split(Sep::separator())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<T>().map_err(serde::de::Error::custom))
            .collect::<Result<Vec<T>, _>>()
            .map(Self::new)
    }
}

impl<T: ParamType, Sep: ConstSeparator> ParamType for Joined<T, Sep> {
    const KIND: Kind = Kind {
        scalar: T::KIND.scalar,
        list: Some(ListStyle::Joined(Sep::SEPARATOR)),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_lists_travel_as_one_value_and_read_back_trimmed() {
        #[derive(Serialize)]
        struct Form {
            #[serde(rename = "L")]
            list: SpaceSeparated<String>,
            #[serde(rename = "C")]
            comma: CommaSeparated<u8>,
        }
        let form = Form {
            list: ["visa", "amex"].map(String::from).into(),
            comma: [1, 2].into(),
        };
        assert_eq!(
            serde_html_form::to_string(&form).expect("form"),
            "L=visa+amex&C=1%2C2"
        );
        let back: SpaceSeparated<String> = serde_json::from_str("\"visa  amex \"").expect("list");
        assert_eq!(back.items(), ["visa", "amex"]);
    }
}
