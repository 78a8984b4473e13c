//! Valid wire values for a declaration, generated from its parameter kinds alone (no knowledge
//! of any one endpoint): the pairs the params struct is rebuilt from before it is sent.

use runtime::param::{ListStyle, Location, ParamInfo, Range, Scalar};
use runtime::EndpointInfo;

use crate::spec::{Operation, Spec};

/// Which parameters a call sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// The required ones (and the first of each rule's parameters, and what a conditional
    /// rule requires under the value given); an optional `<AccountSid>` is left to the client's
    /// default.
    Required,
    /// Every declared parameter, except the second and later of an `exactly_one_of` rule and
    /// what an `only_when` rule keeps out under the value given.
    All,
}

impl Fill {
    /// `required` or `all`, for the report.
    pub fn label(self) -> &'static str {
        match self {
            Fill::Required => "required",
            Fill::All => "all",
        }
    }
}

/// The account SID the suite's client uses.
pub const ACCOUNT_SID: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// `(wire name, value)` pairs for one call; a repeated-key list gives several pairs. With the
/// spec's operation, text the spec constrains more than the declaration (a pattern, a nested
/// object's required members) gets a value the spec accepts ([`crate::sample`]).
pub fn pairs(
    info: &EndpointInfo,
    fill: Fill,
    spec: Option<(&Operation, &Spec)>,
) -> Vec<(String, String)> {
    let first_of_groups: Vec<&str> = info
        .rules
        .iter()
        .filter(|r| r.kind.condition().is_none())
        .filter_map(|r| r.params.first().copied())
        .collect();
    let mut excluded: Vec<&str> = info
        .rules
        .iter()
        .filter(|r| r.kind == runtime::RuleKind::ExactlyOne)
        .flat_map(|r| r.params.iter().skip(1).copied())
        .collect();
    // A body the spec requires though none of its members is required (OAuth2's token form):
    // Prism refuses an empty one, so the "required" call sets the first member too.
    let in_body = |p: &&ParamInfo| matches!(p.location, Location::Form | Location::Json);
    let first_of_body = spec
        .filter(|(op, _)| op.body_required)
        .filter(|_| !info.params.iter().filter(in_body).any(|p| p.required))
        .and_then(|_| info.params.iter().find(in_body))
        .map(|p| p.wire_name);
    // A `oneOf` body (messaging v3's typing indicator): the call fills one variant, the first
    // that has every member the call sets for a `one_of` or `exactly_one_of` rule (the typing
    // indicator's rules are conditional ones: its first variant, WhatsApp), and takes that
    // variant's own values where variants share a member (`channel`); members of the other
    // variants are left out.
    let variant = spec.and_then(|(op, _)| {
        let sets_in_body = |v: &serde_json::Value| {
            first_of_groups
                .iter()
                .filter(|n| info.param(n).is_some_and(|p| in_body(&p)))
                .all(|n| v["properties"].get(*n).is_some())
        };
        op.body_variants.iter().find(|v| sets_in_body(v))
    });
    // Conditional rules (`required_when`, `only_when`) follow the value the call gives the
    // parameter they depend on: its variant's own first value, else its kind's first value.
    let given = |param: &str| -> Option<String> {
        let own = variant.zip(spec).and_then(|(v, (_, spec))| {
            spec.resolve(&v["properties"][param])["enum"]
                .get(0)?
                .as_str()
        });
        match own {
            Some(v) => Some(v.to_owned()),
            None => match info.param(param)?.kind.scalar {
                Scalar::Enum(values) => values.first().map(|v| (*v).to_owned()),
                _ => None,
            },
        }
    };
    let mut required_now: Vec<&str> = Vec::new();
    for rule in info.rules {
        let Some((param, _)) = rule.kind.condition() else {
            continue;
        };
        let holds = rule.kind.holds(given(param).as_deref());
        match rule.kind {
            runtime::RuleKind::RequiredWhen { .. } if holds => {
                required_now.extend(rule.params.iter().copied());
            }
            runtime::RuleKind::OnlyWhen { .. } if !holds => {
                excluded.extend(rule.params.iter().copied());
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for p in info.params {
        if let Some(variant) = variant {
            if in_body(&p) && variant["properties"].get(p.wire_name).is_none() {
                continue;
            }
        }
        // A path field that shares its wire name with a body or query parameter (the optional
        // `<AccountSid>` when a number moves to another account) cannot be given by name: it
        // keeps the client's default and the name goes to the other parameter.
        let shadowed = p.location == Location::Path
            && info
                .params
                .iter()
                .any(|q| q.wire_name == p.wire_name && q.location != Location::Path);
        if shadowed {
            continue;
        }
        let wanted = match fill {
            Fill::All => !excluded.contains(&p.wire_name),
            Fill::Required => {
                p.required
                    || (p.location == Location::Path && p.wire_name != "AccountSid")
                    || first_of_groups.contains(&p.wire_name)
                    || required_now.contains(&p.wire_name)
                    || first_of_body == Some(p.wire_name)
            }
        };
        if !wanted {
            continue;
        }
        let sampled = spec.and_then(|(op, spec)| {
            if let Some(own) = variant
                .filter(|_| in_body(&p))
                .map(|v| &v["properties"][p.wire_name])
            {
                if let Some(first) = spec.resolve(own)["enum"].get(0).and_then(|v| v.as_str()) {
                    return Some(vec![first.to_owned()]);
                }
                return spec_value(p, own, spec);
            }
            let schema = &op.params.iter().find(|s| s.name == p.wire_name)?.schema;
            spec_value(p, schema, spec)
        });
        match sampled {
            Some(values) => out.extend(values.into_iter().map(|v| (p.wire_name.to_owned(), v))),
            None => push_param(p, &mut out),
        }
    }
    out
}

fn push_param(p: &ParamInfo, out: &mut Vec<(String, String)>) {
    let name = p.wire_name.to_owned();
    match p.kind.list {
        None => out.push((name, value(p.kind.scalar, 0, p.range))),
        // Two items, to exercise the list encoding for real.
        Some(ListStyle::RepeatedKey) => {
            for i in 0..items(p.kind.scalar) {
                out.push((name.clone(), value(p.kind.scalar, i, p.range)));
            }
        }
        Some(ListStyle::Joined(sep)) => {
            let joined: Vec<String> = (0..items(p.kind.scalar))
                .map(|i| value(p.kind.scalar, i, p.range))
                .collect();
            out.push((name, joined.join(sep)));
        }
    }
}

/// The spec's own kind of value for text with a pattern or a format (a single value, or each
/// item of a list: identifiers such as `^OQ[a-zA-Z0-9]{32}$`, SIDs of any product
/// `^[a-zA-Z]{2}[0-9a-fA-F]{32}$`, a comma-joined SID list written as one pattern, an email
/// address) or a JSON member holding an object or array; `None` keeps the suite's value for
/// the declared kind.
fn spec_value(p: &ParamInfo, schema: &serde_json::Value, spec: &Spec) -> Option<Vec<String>> {
    let schema = spec.resolve(schema);
    match p.kind.scalar {
        Scalar::String => {
            let item = match p.kind.list {
                None => schema,
                Some(_) => spec.resolve(&schema["items"]),
            };
            let text = crate::sample::text(item)?;
            Some(match p.kind.list {
                None => vec![text],
                Some(ListStyle::RepeatedKey) => vec![text; items(p.kind.scalar)],
                Some(ListStyle::Joined(sep)) => vec![vec![text; items(p.kind.scalar)].join(sep)],
            })
        }
        // A JSON member: one value, or a list given item by item (as the pairs of a list
        // are: `WireInput::from_pairs` makes them one JSON array again).
        Scalar::Json if p.location == Location::Json => match crate::sample::value(schema, spec) {
            serde_json::Value::Array(items) if p.kind.list.is_some() => {
                Some(items.iter().map(serde_json::Value::to_string).collect())
            }
            one => Some(vec![one.to_string()]),
        },
        _ => None,
    }
}

/// How many list items to send: two, unless an enum has only one value.
fn items(scalar: Scalar) -> usize {
    match scalar {
        Scalar::Enum(values) => values.len().clamp(1, 2),
        _ => 2,
    }
}

/// The `i`-th valid value of a kind (distinct for small `i`), inside a declared range.
pub fn value(scalar: Scalar, i: usize, range: Option<Range>) -> String {
    match scalar {
        Scalar::String => format!("conformance-{i}"),
        Scalar::Uri => format!("https://example.com/conformance/{i}"),
        Scalar::Boolean => if i % 2 == 0 { "true" } else { "false" }.to_owned(),
        Scalar::Integer => in_range(range, i).to_string(),
        Scalar::Number => number(range, i),
        Scalar::Enum(values) => values
            .get(i % values.len().max(1))
            .map_or_else(|| "conformance".to_owned(), |v| (*v).to_owned()),
        Scalar::Json => format!(r#"{{"conformance":"{i}"}}"#),
        Scalar::Sid("AC") => ACCOUNT_SID.to_owned(),
        Scalar::Sid(prefix) => format!("{prefix}{:032x}", 0xaaaa_aaaa_u128 + i as u128),
        Scalar::PhoneNumber => format!("+1500555000{}", 6 + i % 4),
        Scalar::DateTime => format!("2024-01-0{}T03:04:05Z", 1 + i % 9),
        Scalar::Date => format!("2024-01-0{}", 1 + i % 9),
        _ => format!("conformance-{i}"),
    }
}

/// A small number inside `range`: 1, 2, … clamped into it.
fn in_range(range: Option<Range>, i: usize) -> i128 {
    let v = 1 + i128::try_from(i).unwrap_or(0);
    let Some(r) = range else { return v };
    let hi = r.max.map(|m| if r.max_inclusive { m } else { m - 1 });
    let v = r.min.map_or(v, |lo| v.max(lo));
    hi.map_or(v, |hi| v.min(hi))
}

/// A decimal inside `range` with a fractional part when there is room for one.
fn number(range: Option<Range>, i: usize) -> String {
    let v = in_range(range, i);
    if range.and_then(|r| r.max).is_some_and(|m| v >= m) {
        v.to_string()
    } else {
        format!("{v}.5")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(min: Option<i128>, max: Option<i128>, max_inclusive: bool) -> Option<Range> {
        Some(Range {
            min,
            max,
            max_inclusive,
        })
    }

    #[test]
    fn numbers_stay_in_their_range() {
        assert_eq!(value(Scalar::Integer, 0, None), "1");
        assert_eq!(value(Scalar::Integer, 0, range(Some(5), None, false)), "5");
        assert_eq!(
            value(Scalar::Integer, 3, range(Some(0), Some(2), true)),
            "2"
        );
        assert_eq!(
            value(Scalar::Integer, 3, range(Some(0), Some(2), false)),
            "1"
        );
        assert_eq!(
            value(Scalar::Number, 0, range(Some(0), Some(1_000_000), false)),
            "1.5"
        );
        assert_eq!(value(Scalar::Number, 0, range(None, Some(1), true)), "1");
    }

    #[test]
    fn list_items_are_distinct_enum_values() {
        let colors = Scalar::Enum(&["red", "blue", "green"]);
        assert_eq!(value(colors, 0, None), "red");
        assert_eq!(value(colors, 1, None), "blue");
        assert_eq!(value(Scalar::Sid("CA"), 0, None).len(), 34);
        assert_eq!(value(Scalar::Sid("AC"), 1, None), ACCOUNT_SID);
    }
}
