//! The console's view of the endpoint registry: every declaration as an [`Operation`] with the
//! names a person searches for (product, resource, title, operation id) and the public Rust path
//! a user writes. Everything here is read from [`runtime::endpoints()`]; nothing names a product.
//!
//! This is the one module that knows how the registry spells things, so a change of the
//! registry's types is absorbed here.

use runtime::param::{Kind, ListStyle, Location, ParamInfo, Scalar};
use runtime::{EndpointInfo, Method};

/// One declared endpoint, as the console shows it.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The declaration.
    pub info: &'static EndpointInfo,
}

impl Operation {
    /// The operation id, e.g. `payments.create`, `verify.v2.services.verifications.create`:
    /// the registry's [`EndpointInfo::operation`].
    pub fn id(&self) -> String {
        self.info.operation()
    }

    /// The public path of the start function, e.g. `api::payments::create`: the registry's
    /// [`EndpointInfo::rust_path`].
    pub fn rust_path(&self) -> String {
        self.info.rust_path()
    }

    /// The public module the start function lives in, e.g. `api::payments`.
    pub fn module_path(&self) -> String {
        let path = self.rust_path();
        path.rsplit_once("::")
            .map_or_else(String::new, |(module, _)| module.to_owned())
    }

    /// The crate that declares it (`api` for Twilio's).
    pub fn crate_name(&self) -> &'static str {
        self.info.name.split("::").next().unwrap_or("api")
    }

    /// Module segments between the crate and the start function: `["calls", "recordings"]`.
    fn module_segments(&self) -> Vec<String> {
        self.module_path()
            .split("::")
            .skip(1)
            .map(str::to_owned)
            .collect()
    }

    /// The product, for grouping: the declaration's host and API version, e.g.
    /// `Api 2010-04-01`.
    pub fn product(&self) -> String {
        let version = self
            .info
            .path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        format!("{} {}", title_case(self.host()), version)
    }

    /// The product host's first label (`api` for api.twilio.com, `verify`, `flex-api`).
    pub fn host(&self) -> &'static str {
        self.info.host
    }

    /// The resource, for grouping: the module path under the product, e.g. `calls.recordings`,
    /// `services.verifications` (for `verify::v2::services::verifications`).
    pub fn resource(&self) -> String {
        let segments = self.module_segments();
        let product = self.host().replace('-', "_");
        let skip = match segments.first() {
            Some(first) if self.host() != "api" && *first == product => {
                // `verify::v2::…`: the product and its version module.
                1 + usize::from(segments.get(1).is_some_and(|v| is_version(v)))
            }
            _ => 0,
        };
        segments[skip.min(segments.len())..].join(".")
    }

    /// A title a person reads, e.g. `Create Payments`, `List Calls Recordings`.
    pub fn title(&self) -> String {
        let verb = title_case(self.info.function);
        let noun = self
            .module_segments()
            .last()
            .map(|s| title_case(s))
            .unwrap_or_default();
        if noun.is_empty() {
            verb
        } else {
            format!("{verb} {noun}")
        }
    }

    /// What it does: the first paragraph of the declaration's doc comment, on one line.
    pub fn summary(&self) -> &'static str {
        self.info.summary
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.info.method
    }

    /// Where the gateway serves it: Twilio's path for api.twilio.com, `/{host}{path}` for every
    /// other product host (the base-URL mapping of the client and the gateway).
    pub fn gateway_prefix(&self) -> String {
        match self.host() {
            "api" => String::new(),
            host => format!("/{host}"),
        }
    }

    /// Twilio's own origin for this operation, e.g. `https://api.twilio.com`.
    pub fn twilio_origin(&self) -> String {
        format!("https://{}.twilio.com", self.host())
    }

    /// The parameters in the order a form shows them: path parameters first (in template
    /// order), then headers, then required, then optional ones, each in declaration order.
    pub fn params_for_form(&self) -> Vec<&'static ParamInfo> {
        let path_order = |p: &ParamInfo| {
            self.info
                .path
                .find(&format!("<{}>", p.wire_name))
                .unwrap_or(usize::MAX)
        };
        let mut path: Vec<_> = self
            .info
            .params
            .iter()
            .filter(|p| p.location == Location::Path)
            .collect();
        path.sort_by_key(|p| path_order(p));
        let rest = self
            .info
            .params
            .iter()
            .filter(|p| p.location != Location::Path);
        let (required, optional): (Vec<_>, Vec<_>) = rest.partition(|p| p.required);
        path.into_iter().chain(required).chain(optional).collect()
    }

    /// The search text: title, operation id, method, path and Rust path, lower-cased.
    pub fn search_text(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.title(),
            self.id(),
            self.info.method,
            self.info.path,
            self.rust_path()
        )
        .to_lowercase()
    }

    /// Whether a search query matches: every word of the query appears in the search text.
    pub fn matches(&self, query: &str) -> bool {
        let text = self.search_text();
        query
            .to_lowercase()
            .split_whitespace()
            .all(|word| text.contains(word))
    }

    /// The path template with `{Placeholder}` braces, as Twilio's docs write it.
    pub fn display_path(&self) -> String {
        self.info.path.replace('<', "{").replace('>', "}")
    }
}

/// Every declared endpoint, sorted by product, resource, then the usual verb order.
pub fn operations() -> Vec<Operation> {
    let mut all: Vec<Operation> = runtime::endpoints()
        .into_iter()
        .map(|info| Operation { info })
        .collect();
    all.sort_by_key(|op| {
        (
            op.product(),
            op.resource(),
            verb_rank(op.info.function),
            op.id(),
        )
    });
    all
}

/// The operation with this id.
pub fn find(id: &str) -> Option<Operation> {
    runtime::endpoints()
        .into_iter()
        .map(|info| Operation { info })
        .find(|op| op.id() == id)
}

fn verb_rank(function: &str) -> u8 {
    match function {
        "list" => 0,
        "create" => 1,
        "fetch" => 2,
        "update" => 3,
        "delete" => 4,
        _ => 5,
    }
}

/// `incoming_phone_numbers` → `Incoming Phone Numbers`, `api` → `Api`.
pub fn title_case(snake: &str) -> String {
    snake
        .split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a parameter is, in words for the docs table, e.g. `call SID (CA…)`, `list of URL`.
pub fn kind_text(kind: &Kind) -> String {
    let one = scalar_text(&kind.scalar);
    match kind.list {
        None => one,
        Some(ListStyle::RepeatedKey) => format!("list of {one} (key repeated)"),
        Some(ListStyle::Joined(" ")) => format!("list of {one} (space-separated)"),
        Some(ListStyle::Joined(sep)) => format!("list of {one} ({sep:?}-separated)"),
    }
}

fn scalar_text(scalar: &Scalar) -> String {
    match scalar {
        Scalar::String => "string".into(),
        Scalar::Uri => "URL".into(),
        Scalar::Boolean => "boolean".into(),
        Scalar::Integer => "integer".into(),
        Scalar::Number => "decimal".into(),
        Scalar::Enum(_) => "enum".into(),
        Scalar::Json => "JSON object".into(),
        Scalar::Sid(prefix) => {
            let each: Vec<String> = sid_prefixes(prefix)
                .iter()
                .map(|p| format!("{p}…"))
                .collect();
            format!("SID ({})", each.join(" or "))
        }
        Scalar::PhoneNumber => "phone number".into(),
        Scalar::DateTime => "date-time (YYYY-MM-DDTHH:MM:SSZ)".into(),
        Scalar::Date => "date (YYYY-MM-DD)".into(),
        _ => "value".into(),
    }
}

/// Where a parameter goes, in words.
pub fn location_text(location: Location) -> &'static str {
    location.as_str()
}

/// The allowed values of an enum parameter (or of a list of enums).
pub fn allowed_values(kind: &Kind) -> &'static [&'static str] {
    match kind.scalar {
        Scalar::Enum(values) => values,
        _ => &[],
    }
}

/// Whether a parameter is the request's idempotency key (the console fills a fresh one).
pub fn is_idempotency_key(param: &ParamInfo) -> bool {
    param
        .rust_type
        .trim_start_matches("Option<")
        .starts_with("IdempotencyKey")
}

/// `v1`, `v2010`: a version module of a product.
fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
}

/// The rules across parameters, as sentences (`Set at least one of Url, Twiml, ApplicationSid`).
pub fn rules_text(info: &EndpointInfo) -> Vec<String> {
    info.rules
        .iter()
        .map(|rule| format!("Set {rule}."))
        .collect()
}

/// Every prefix a SID parameter accepts (`SM`, `MM` for a message), its kind's first prefix
/// alone when runtime knows no such kind.
pub fn sid_prefixes(prefix: &'static str) -> Vec<&'static str> {
    match runtime::sid::prefixes(prefix) {
        [] => vec![prefix],
        all => all.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payments_have_their_public_names() {
        let op = find("payments.create").expect("payments.create is declared");
        assert_eq!(op.rust_path(), "api::payments::create");
        assert_eq!(op.title(), "Create Payments");
        assert!(op.matches("pay"));
        assert!(op.matches("POST payments"));
        assert!(!op.matches("verify"));
        let form = op.params_for_form();
        assert_eq!(form[0].wire_name, "AccountSid");
        assert_eq!(form[1].wire_name, "CallSid");
    }

    #[test]
    fn every_operation_has_a_unique_id() {
        let ops = operations();
        let mut ids: Vec<String> = ops.iter().map(Operation::id).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate operation ids");
        assert_eq!(
            before,
            runtime::endpoints().len(),
            "one operation per declaration"
        );
    }

    #[test]
    fn typing_pay_finds_both_payment_operations() {
        let found: Vec<String> = operations()
            .iter()
            .filter(|op| op.matches("pay"))
            .map(Operation::title)
            .collect();
        assert!(found.contains(&"Create Payments".to_owned()), "{found:?}");
        assert!(found.contains(&"Update Payments".to_owned()), "{found:?}");
    }
}
