//! SID kinds: one type per two-letter prefix any spec uses in a `^XX[0-9a-fA-F]{32}$` pattern.
//! The first ones are written by hand in `runtime/src/sid.rs`; every other prefix gets a type
//! in `runtime/src/sid/kinds.rs`, named from the parameters and properties that carry it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::names::{pascal, singular, snake};

/// SID types written by hand in `runtime::sid`, by prefix (`^(SM|MM)` reads as `SM`).
pub const FIXED: &[(&str, &str)] = &[
    ("AC", "AccountSid"),
    ("AD", "AddressSid"),
    ("AL", "IpAccessControlListSid"),
    ("AP", "ApplicationSid"),
    ("BU", "BundleSid"),
    ("BY", "ByocTrunkSid"),
    ("CA", "CallSid"),
    ("CF", "ConferenceSid"),
    ("CL", "CredentialListSid"),
    ("CN", "ConnectAppSid"),
    ("CR", "CredentialSid"),
    ("HX", "ContentSid"),
    ("IP", "IpAddressSid"),
    ("ME", "MediaSid"),
    ("MG", "MessagingServiceSid"),
    ("NO", "NotificationSid"),
    ("PK", "PaymentSid"),
    ("PN", "PhoneNumberSid"),
    ("QU", "QueueSid"),
    ("RE", "RecordingSid"),
    ("RI", "IdentitySid"),
    ("SC", "ShortCodeSid"),
    ("SD", "SipDomainSid"),
    ("SK", "ApiKeySid"),
    ("SM", "MessageSid"),
    ("TK", "TrunkSid"),
    ("TR", "TranscriptionSid"),
    ("UT", "UsageTriggerSid"),
    ("XE", "AddOnSid"),
    ("XF", "AddOnExtensionSid"),
    ("XH", "AddOnPayloadSid"),
    ("XR", "AddOnResultSid"),
    ("ZY", "UserDefinedMessageSubscriptionSid"),
];

/// The prefix of a SID pattern: `^VA[0-9a-fA-F]{32}$`, `^(SM|MM)[0-9a-fA-F]{32}$` and
/// `OR[0-9a-f]{32}` (no anchor) all qualify; any other pattern does not. Of alternatives, the
/// first names the type.
pub fn prefix(pattern: &str) -> Option<&str> {
    prefixes(pattern)?.first().copied()
}

/// Every prefix a SID pattern allows (`SM`, `MM` of `^(SM|MM)[0-9a-fA-F]{32}$`).
pub fn prefixes(pattern: &str) -> Option<Vec<&str>> {
    let p = pattern.strip_prefix('^').unwrap_or(pattern);
    let (prefixes, rest): (Vec<&str>, &str) = if let Some(alt) = p.strip_prefix('(') {
        let (inside, rest) = alt.split_once(')')?;
        (inside.split('|').collect(), rest)
    } else {
        (vec![p.get(..2)?], p.get(2..)?)
    };
    let hex = ["[0-9a-fA-F]{32}", "[0-9a-f]{32}", "[0-9A-Fa-f]{32}"];
    let rest = rest.strip_suffix('$').unwrap_or(rest);
    let ok = prefixes
        .iter()
        .all(|prefix| prefix.len() == 2 && prefix.chars().all(|c| c.is_ascii_uppercase()))
        && hex.contains(&rest);
    ok.then_some(prefixes)
}

/// Prefix → type name, for every prefix of every spec.
pub struct Kinds {
    pub by_prefix: BTreeMap<String, String>,
    /// The new kinds (not in [`FIXED`]): prefix → (name, products that use it).
    pub generated: BTreeMap<String, (String, BTreeSet<String>)>,
}

impl Kinds {
    pub fn name(&self, prefix: &str) -> Option<&str> {
        self.by_prefix.get(prefix).map(String::as_str)
    }
}

/// How often a candidate name was seen, in all and per product.
type Seen = (usize, BTreeMap<String, usize>);

/// Reads every spec (`(product, spec)`) for SID patterns and names each new prefix.
pub fn collect(specs: &[(String, &Value)]) -> Kinds {
    // prefix → candidate name → (count, product → count)
    let mut seen: BTreeMap<String, BTreeMap<String, Seen>> = BTreeMap::new();
    for (product, spec) in specs {
        let mut note = |prefix: &str, name: String| {
            let e = seen
                .entry(prefix.to_owned())
                .or_default()
                .entry(name)
                .or_default();
            e.0 += 1;
            *e.1.entry(product.clone()).or_default() += 1;
        };
        if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let resource = path
                    .split('/')
                    .rfind(|s| !s.is_empty() && !s.starts_with('{'))
                    .unwrap_or("");
                for method in ["get", "post", "put", "patch", "delete"] {
                    let Some(op) = item.get(method) else { continue };
                    let params = op.get("parameters").and_then(Value::as_array);
                    for p in params.into_iter().flatten() {
                        let (Some(name), Some(pat)) = (
                            p.get("name").and_then(Value::as_str),
                            p.pointer("/schema/pattern").and_then(Value::as_str),
                        ) else {
                            continue;
                        };
                        if let (Some(pre), Some(n)) = (prefix(pat), candidate(name, resource)) {
                            note(pre, n);
                        }
                    }
                    for ct in ["application~1x-www-form-urlencoded", "application~1json"] {
                        let Some(props) = op
                            .pointer(&format!("/requestBody/content/{ct}/schema/properties"))
                            .and_then(Value::as_object)
                        else {
                            continue;
                        };
                        for (name, s) in props {
                            let pat = s
                                .get("pattern")
                                .or_else(|| s.pointer("/items/pattern"))
                                .and_then(Value::as_str);
                            if let (Some(pre), Some(n)) =
                                (pat.and_then(prefix), candidate(name, resource))
                            {
                                note(pre, n);
                            }
                        }
                    }
                }
            }
        }
        if let Some(schemas) = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (schema, s) in schemas {
                let resource = schema
                    .trim_end_matches("-instance")
                    .rsplit('.')
                    .next()
                    .unwrap_or("");
                let Some(props) = s.get("properties").and_then(Value::as_object) else {
                    continue;
                };
                for (name, p) in props {
                    let pat = p
                        .get("pattern")
                        .or_else(|| p.pointer("/items/pattern"))
                        .and_then(Value::as_str);
                    if let (Some(pre), Some(n)) = (pat.and_then(prefix), candidate(name, resource))
                    {
                        note(pre, n);
                    }
                }
            }
        }
    }
    let fixed: BTreeMap<String, String> = FIXED
        .iter()
        .map(|(p, n)| ((*p).to_owned(), (*n).to_owned()))
        .collect();
    // Each new prefix's best name and main product.
    let mut best: BTreeMap<String, (String, String, BTreeSet<String>)> = BTreeMap::new();
    for (prefix, names) in &seen {
        if fixed.contains_key(prefix) {
            continue;
        }
        let Some((name, (_, products))) = names
            .iter()
            .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then_with(|| b.0.cmp(a.0)))
        else {
            continue;
        };
        let main = products
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        let all: BTreeSet<String> = names
            .values()
            .flat_map(|(_, ps)| ps.keys().cloned())
            .collect();
        best.insert(prefix.clone(), (name.clone(), main, all));
    }
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for n in fixed.values() {
        *uses.entry(n.as_str()).or_default() += 2;
    }
    for (n, _, _) in best.values() {
        *uses.entry(n.as_str()).or_default() += 1;
    }
    let mut taken: BTreeSet<String> = fixed.values().cloned().collect();
    let mut by_prefix = fixed.clone();
    let mut generated = BTreeMap::new();
    for (prefix, (name, main, products)) in &best {
        let mut chosen = if uses.get(name.as_str()).copied().unwrap_or(0) > 1 {
            let product = pascal(main);
            if name.starts_with(&product) {
                name.clone()
            } else {
                format!("{product}{name}")
            }
        } else {
            name.clone()
        };
        if taken.contains(&chosen) {
            chosen = format!("{}{}Sid", chosen.trim_end_matches("Sid"), pascal(prefix));
        }
        taken.insert(chosen.clone());
        by_prefix.insert(prefix.clone(), chosen.clone());
        generated.insert(prefix.clone(), (chosen, products.clone()));
    }
    Kinds {
        by_prefix,
        generated,
    }
}

/// A type name for a SID carried as `name` on a resource: `ServiceSid` → `ServiceSid`,
/// `Configuration.FlowSid` → `FlowSid`, `Sid` of `/Services/{Sid}` → `ServiceSid`.
fn candidate(name: &str, resource: &str) -> Option<String> {
    let name = name.rsplit('.').next().unwrap_or(name);
    let snake_name = snake(name);
    if snake_name == "sid" {
        let r = singular(&snake(resource));
        if r.is_empty() {
            return None;
        }
        return Some(format!("{}Sid", pascal(&r)));
    }
    let stem = snake_name.strip_suffix("_sid")?;
    Some(format!("{}Sid", pascal(stem)))
}

/// `runtime/src/sid/kinds.rs`: the generated kinds.
pub fn kinds_rs(kinds: &Kinds, marker: &str) -> String {
    let mut s = format!(
        "{marker}\n\n//! SID kinds of every Twilio product beyond the hand-written ones, one per prefix the\n//! specs use, named from the parameters that carry them.\n\nuse super::*;\n\nsid_types! {{\n    prefixes PRODUCT_PREFIXES;\n"
    );
    for (prefix, (name, products)) in &kinds.generated {
        let list: Vec<String> = products.iter().map(|p| format!("`{p}`")).collect();
        let _ = writeln!(
            s,
            "    /// A `{prefix}…` SID (products: {}).\n    {name} = \"{prefix}\";",
            list.join(", ")
        );
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sid_patterns_give_their_prefixes() {
        assert_eq!(prefixes("^VA[0-9a-fA-F]{32}$"), Some(vec!["VA"]));
        assert_eq!(prefixes("^(SM|MM)[0-9a-fA-F]{32}$"), Some(vec!["SM", "MM"]));
        assert_eq!(prefix("^(SM|MM)[0-9a-fA-F]{32}$"), Some("SM"));
        assert_eq!(prefixes("OR[0-9a-f]{32}"), Some(vec!["OR"]));
        assert_eq!(prefixes("^(SM|mm)[0-9a-fA-F]{32}$"), None);
        assert_eq!(prefixes("^VA[0-9]{32}$"), None);
        assert_eq!(prefixes("^\\+[0-9]+$"), None);
    }
}
