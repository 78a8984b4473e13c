//! Which declared operation a request is: method + path matched against every declaration's
//! path template, built from the registry alone.
//!
//! Each product is served under its own first segment (`/2010-04-01/…` for Twilio's `api`
//! host, `/{host}/…` for every other), so declaring more products adds subtrees and never
//! changes how an existing path matches. Within a product a literal segment wins over a
//! placeholder (`…/Calls/Events.json` before `…/Calls/<CallSid>.json`); placeholders with a
//! longer literal prefix or suffix are tried first.
//!
//! Matching works on the raw (still percent-encoded) segments: literals must match exactly,
//! placeholder values are decoded later, once, by [`crate::request`].

use std::collections::HashMap;

use runtime::EndpointInfo;

use crate::operation::Operation;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// `prefix<Name>suffix`, e.g. `<CallSid>.json`.
    Capture {
        prefix: String,
        name: &'static str,
        suffix: String,
    },
}

#[derive(Default)]
struct Node {
    literals: HashMap<String, Node>,
    /// Ordered most specific first (longest literal prefix + suffix).
    captures: Vec<(Segment, Node)>,
    /// Operations ending here: method name and index into `Matcher::operations`.
    ends: Vec<(&'static str, usize)>,
}

/// A matched operation and its raw path values (wire name, still percent-encoded).
#[derive(Debug)]
pub struct Matched<'m, 'a> {
    /// The operation.
    pub operation: &'m Operation,
    /// Placeholder values in template order.
    pub values: Vec<(&'static str, &'a str)>,
}

/// The result of matching.
#[derive(Debug)]
pub enum Match<'m, 'a> {
    /// An operation.
    Found(Matched<'m, 'a>),
    /// The path is declared, with these methods only.
    WrongMethod(Vec<&'static str>),
    /// No declaration has this path.
    NotFound,
}

/// Two declarations that no request could tell apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{method} {first} and {second} cannot be told apart by their paths")]
pub struct Ambiguous {
    method: &'static str,
    first: String,
    second: String,
}

/// The matcher over a set of declarations.
pub struct Matcher {
    root: Node,
    operations: Vec<Operation>,
}

/// The segments of an operation's path on the gateway (without the leading slash): the
/// product's host first unless it is Twilio's `api`, then the declared template.
fn template_segments(info: &'static EndpointInfo) -> Vec<Segment> {
    let host = crate::operation::host_prefix(info).map(|h| Segment::Literal(h.to_owned()));
    let declared = info.path.trim_start_matches('/').split('/').map(|seg| {
        match (seg.find('<'), seg.find('>')) {
            (Some(open), Some(close)) if open < close => Segment::Capture {
                prefix: seg[..open].to_owned(),
                name: &seg[open + 1..close],
                suffix: seg[close + 1..].to_owned(),
            },
            _ => Segment::Literal(seg.to_owned()),
        }
    });
    host.into_iter().chain(declared).collect()
}

/// An operation's path with every placeholder's name dropped (`A/<>.json`): two templates of
/// one method with the same shape would match the same requests.
fn shape(info: &'static EndpointInfo) -> String {
    template_segments(info)
        .into_iter()
        .map(|seg| match seg {
            Segment::Literal(text) => text,
            Segment::Capture { prefix, suffix, .. } => format!("{prefix}<>{suffix}"),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn specificity(seg: &Segment) -> usize {
    match seg {
        Segment::Literal(_) => usize::MAX,
        Segment::Capture { prefix, suffix, .. } => prefix.len() + suffix.len(),
    }
}

impl Matcher {
    /// Builds the matcher; two declarations with the same method and the same template shape
    /// are refused.
    pub fn new(endpoints: &[&'static EndpointInfo]) -> Result<Self, Ambiguous> {
        // Two templates that differ only in their placeholders' names match the same requests.
        let mut shapes: HashMap<(&'static str, String), &'static EndpointInfo> = HashMap::new();
        for &info in endpoints {
            let method = info.method.as_str();
            if let Some(first) = shapes.insert((method, shape(info)), info) {
                return Err(Ambiguous {
                    method,
                    first: first.name.to_owned(),
                    second: info.name.to_owned(),
                });
            }
        }
        let mut root = Node::default();
        let mut operations = Vec::with_capacity(endpoints.len());
        for &info in endpoints {
            let mut node = &mut root;
            for seg in template_segments(info) {
                node = match seg {
                    Segment::Literal(text) => node.literals.entry(text).or_default(),
                    capture => {
                        if !node.captures.iter().any(|(s, _)| *s == capture) {
                            node.captures.push((capture.clone(), Node::default()));
                            node.captures
                                .sort_by_key(|(seg, _)| std::cmp::Reverse(specificity(seg)));
                        }
                        match node.captures.iter_mut().find(|(s, _)| *s == capture) {
                            Some((_, next)) => next,
                            // Proof of invariant: pushed just above when missing.
                            None => unreachable!("capture node inserted above"),
                        }
                    }
                };
            }
            node.ends.push((info.method.as_str(), operations.len()));
            operations.push(Operation::new(info));
        }
        Ok(Self { root, operations })
    }

    /// Every operation it serves.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// Matches a request's method and raw path (as sent, percent-encoded, without the query).
    pub fn find<'m, 'a>(&'m self, method: &str, path: &'a str) -> Match<'m, 'a> {
        let Some(rest) = path.strip_prefix('/') else {
            return Match::NotFound;
        };
        let segments: Vec<&'a str> = rest.split('/').collect();
        let mut values = Vec::new();
        let mut methods = Vec::new();
        match walk(&self.root, &segments, method, &mut values, &mut methods) {
            Some(index) => Match::Found(Matched {
                operation: &self.operations[index],
                values,
            }),
            None if methods.is_empty() => Match::NotFound,
            None => {
                methods.sort_unstable();
                methods.dedup();
                Match::WrongMethod(methods)
            }
        }
    }
}

fn walk<'a>(
    node: &Node,
    segments: &[&'a str],
    method: &str,
    values: &mut Vec<(&'static str, &'a str)>,
    methods: &mut Vec<&'static str>,
) -> Option<usize> {
    let Some((first, rest)) = segments.split_first() else {
        if let Some((_, index)) = node.ends.iter().find(|(m, _)| *m == method) {
            return Some(*index);
        }
        methods.extend(node.ends.iter().map(|(m, _)| *m));
        return None;
    };
    if let Some(next) = node.literals.get(*first) {
        if let Some(found) = walk(next, rest, method, values, methods) {
            return Some(found);
        }
    }
    for (seg, next) in &node.captures {
        let Segment::Capture {
            prefix,
            name,
            suffix,
        } = seg
        else {
            continue;
        };
        let Some(value) = first
            .strip_prefix(prefix.as_str())
            .and_then(|v| v.strip_suffix(suffix.as_str()))
        else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        values.push((name, value));
        if let Some(found) = walk(next, rest, method, values, methods) {
            return Some(found);
        }
        values.pop();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        use api as _;
        Matcher::new(&runtime::endpoints()).expect("unambiguous")
    }

    #[test]
    fn every_declared_template_matches_itself() {
        let m = matcher();
        assert!(m.operations().len() > 100, "api is linked");
        for op in m.operations() {
            let concrete = op.surface.replace('<', "X").replace('>', "");
            match m.find(op.info.method.as_str(), &concrete) {
                Match::Found(found) => assert!(
                    std::ptr::eq(found.operation.info, op.info),
                    "{concrete} matched {} instead of {}",
                    found.operation.name,
                    op.name
                ),
                other => panic!("{} {concrete}: {other:?}", op.info.method),
            }
        }
    }

    #[test]
    fn values_are_captured_raw_and_literals_win() {
        let m = matcher();
        let path = "/2010-04-01/Accounts/AC1/Calls/CA2/Payments/PK3.json";
        let Match::Found(found) = m.find("POST", path) else {
            panic!("no match")
        };
        assert_eq!(found.operation.name, "payments.update");
        assert_eq!(
            found.values,
            [("AccountSid", "AC1"), ("CallSid", "CA2"), ("Sid", "PK3")]
        );
        assert!(matches!(m.find("DELETE", path), Match::WrongMethod(ms) if ms == ["POST"]));
        assert!(matches!(
            m.find("GET", "/2010-04-01/Nope.json"),
            Match::NotFound
        ));
        assert!(matches!(
            m.find("GET", "2010-04-01/Accounts.json"),
            Match::NotFound
        ));
        assert!(matches!(
            m.find("POST", "/2010-04-01/Accounts/AC1/Calls/.json"),
            Match::NotFound
        ));
        // Usage records: a literal segment before a placeholder.
        let Match::Found(daily) =
            m.find("GET", "/2010-04-01/Accounts/AC1/Usage/Records/Daily.json")
        else {
            panic!("daily")
        };
        assert!(
            daily.operation.name.contains("daily"),
            "{}",
            daily.operation.name
        );
    }
}
