//! `Required`, the one callback field read in a way of its own: a comma list of field names,
//! in kebab-case (`payment-card-number`, real traffic) or PascalCase (`PaymentCardNumber`, the
//! docs).

use runtime::response::{read_text, DateFormat, FieldCodec, FieldContext};
use serde::{Deserializer, Serializer};

use crate::payments::Capture;

/// Reads `Required` as a list of [`Capture`]s (unknown names kept in `Other`, blank entries
/// skipped) and writes it back as a comma list of wire names.
pub(super) struct RequiredList;

impl FieldCodec<Vec<Capture>> for RequiredList {
    fn read<'de, D: Deserializer<'de>>(
        d: D,
        field: &mut FieldContext<'_>,
    ) -> Result<Option<Vec<Capture>>, D::Error> {
        read_text(d, field, "a comma list of field names", |t| {
            Some(
                t.split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .map(capture_from_any_case)
                    .collect(),
            )
        })
    }

    fn write<S: Serializer>(v: &Vec<Capture>, s: S, _: DateFormat) -> Result<S::Ok, S::Error> {
        if v.is_empty() {
            return s.serialize_none();
        }
        let names: Vec<&str> = v.iter().map(Capture::as_str).collect();
        s.serialize_str(&names.join(","))
    }
}

fn capture_from_any_case(name: &str) -> Capture {
    let known = Capture::from_wire(name);
    if known.is_known() {
        return known;
    }
    let mut kebab = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            kebab.push('-');
        }
        kebab.push(if c == '_' {
            '-'
        } else {
            c.to_ascii_lowercase()
        });
    }
    match Capture::from_wire(&kebab) {
        Capture::Other(_) => Capture::Other(name.to_owned()),
        found => found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_spellings_of_required_names() {
        assert_eq!(
            capture_from_any_case("ExpirationDate"),
            Capture::ExpirationDate
        );
        assert_eq!(
            capture_from_any_case("payment-card-number"),
            Capture::PaymentCardNumber
        );
        assert_eq!(capture_from_any_case("postal_code"), Capture::PostalCode);
        assert_eq!(
            capture_from_any_case("FavouriteColour"),
            Capture::Other("FavouriteColour".into())
        );
    }
}
