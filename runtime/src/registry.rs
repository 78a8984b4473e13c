//! The endpoint registry: what every declaration says about itself, collected at link time.
//!
//! Each `#[twilio_endpoint]` submits one [`EndpointInfo`]; [`endpoints()`] lists them all (the
//! declarations of `api` and of any other crate linked in). Docs, the conformance suite, the
//! gateway's checks, the console's forms and its snippets are all read from these tables, so
//! they say everything a tool needs to rebuild, check and send a request without knowing the
//! Rust type behind it.

use std::fmt;

use crate::erased::Erased;
use crate::param::{InvalidParam, Location, ParamError, ParamInfo};

/// The HTTP methods Twilio's APIs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Reads; parameters go in the query string.
    Get,
    /// Creates, and in most products updates; parameters go in the body.
    Post,
    /// Replaces a resource (a few newer products); parameters go in the body.
    Put,
    /// Changes part of a resource (a few newer products); parameters go in the body.
    Patch,
    /// Deletes; parameters go in the query string.
    Delete,
}

impl Method {
    /// The method's name, e.g. `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether sending the same request twice has the effect of sending it once (RFC 9110):
    /// GET, PUT and DELETE. A POST or PATCH is only safe to resend with an idempotency key.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Method::Get | Method::Put | Method::Delete)
    }

    /// Whether requests of this method carry their parameters in a body (POST, PUT, PATCH)
    /// rather than the query string (GET, DELETE).
    pub const fn has_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a request's body is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Body {
    /// No body: a GET or DELETE, whose parameters travel in the query string.
    None,
    /// `application/x-www-form-urlencoded`: Twilio's usual body for POST, PUT and PATCH.
    Form,
    /// `application/json`: the body parameters form one JSON object (`body = json`).
    Json,
}

/// How a request proves who sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Auth {
    /// HTTP Basic with the account SID and auth token, or an API key and its secret.
    Basic,
    /// A bearer token obtained with the client's OAuth2 client credentials (`auth = oauth2`).
    OAuth2,
    /// No credentials (`auth = none`), e.g. the OAuth2 token endpoint itself.
    None,
}

/// What a [`Rule`] asks of its parameters. More kinds may come (a match needs a `_` arm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuleKind {
    /// At least one must be set (`one_of(...)`).
    AtLeastOne,
    /// Exactly one must be set (`exactly_one_of(...)`).
    ExactlyOne,
    /// Every one must be set while the parameter `param` has one of `values`
    /// (`required_when(channel = "APPLE", from, to)`): a member a variant of the body needs.
    RequiredWhen {
        /// The parameter whose value decides (its wire name).
        param: &'static str,
        /// The wire values under which the rule's parameters are required.
        values: &'static [&'static str],
    },
    /// None may be set unless the parameter `param` has one of `values`
    /// (`only_when(channel = "APPLE", from, to, event)`): members of one variant of the body,
    /// which the others do not take.
    OnlyWhen {
        /// The parameter whose value decides (its wire name).
        param: &'static str,
        /// The wire values under which the rule's parameters may be set.
        values: &'static [&'static str],
    },
}

impl RuleKind {
    /// The parameter a conditional rule depends on, and the values it names; `None` for
    /// [`AtLeastOne`](Self::AtLeastOne) and [`ExactlyOne`](Self::ExactlyOne).
    pub fn condition(&self) -> Option<(&'static str, &'static [&'static str])> {
        match *self {
            RuleKind::AtLeastOne | RuleKind::ExactlyOne => None,
            RuleKind::RequiredWhen { param, values } | RuleKind::OnlyWhen { param, values } => {
                Some((param, values))
            }
        }
    }

    /// Whether a conditional rule's condition holds when its parameter has this wire value
    /// (`None`: not set); `false` for a rule without a condition.
    pub fn holds(&self, value: Option<&str>) -> bool {
        self.condition()
            .zip(value)
            .is_some_and(|((_, values), v)| values.contains(&v))
    }
}

/// A rule across optional parameters, checked before a request is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// What it asks.
    pub kind: RuleKind,
    /// The parameters it is about, by wire name, in declaration order.
    pub params: &'static [&'static str],
}

impl Rule {
    /// The refusals of a request that breaks the rule, given which of
    /// [`params`](Self::params) are set (same order) and, for a conditional rule, the wire
    /// value of the parameter it depends on (`None` when that is not set); empty when the rule
    /// holds. Each refusal names a parameter concerned, so `InvalidParams::contains` finds it.
    pub fn check(&self, set: &[bool], condition: Option<&str>) -> Vec<InvalidParam> {
        let names = self.params;
        let mut present = names.iter().zip(set).filter(|(_, s)| **s).map(|(n, _)| *n);
        let refuse = |param: &'static str, reason: String| InvalidParam {
            param: param.into(),
            reason: ParamError::new(reason),
        };
        match self.kind {
            RuleKind::AtLeastOne | RuleKind::ExactlyOne => {
                let first = present.next();
                let second = present.next();
                match (self.kind, first, second) {
                    (_, None, _) => vec![refuse(
                        names.first().copied().unwrap_or_default(),
                        format!(
                            "or {} must be set{}",
                            names.get(1..).unwrap_or_default().join(" or "),
                            match self.kind {
                                RuleKind::ExactlyOne => " (exactly one of them)",
                                _ => "",
                            }
                        ),
                    )],
                    (RuleKind::ExactlyOne, Some(first), Some(second)) => vec![refuse(
                        second,
                        format!(
                            "cannot be set together with {first}: set exactly one of {}",
                            join(names, "and")
                        ),
                    )],
                    _ => Vec::new(),
                }
            }
            RuleKind::RequiredWhen { param, .. } => {
                let Some(value) = condition else {
                    return Vec::new();
                };
                if !self.kind.holds(condition) {
                    return Vec::new();
                }
                names
                    .iter()
                    .zip(set)
                    .filter(|(_, s)| !**s)
                    .map(|(n, _)| refuse(n, format!("must be set when {param} is {value}")))
                    .collect()
            }
            RuleKind::OnlyWhen { param, values } => {
                if self.kind.holds(condition) {
                    return Vec::new();
                }
                let but = match condition {
                    Some(value) => format!(", not {value}"),
                    None => format!(" (and {param} is not set)"),
                };
                present
                    .map(|n| {
                        refuse(
                            n,
                            format!(
                                "can be set only when {param} is {}{but}",
                                join(values, "or")
                            ),
                        )
                    })
                    .collect()
            }
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = join(self.params, "and");
        match self.kind {
            RuleKind::AtLeastOne => write!(f, "at least one of {names}"),
            RuleKind::ExactlyOne => write!(f, "exactly one of {names}"),
            RuleKind::RequiredWhen { param, values } => {
                write!(f, "{names} when {param} is {}", join(values, "or"))
            }
            RuleKind::OnlyWhen { param, values } => {
                write!(f, "{names} only when {param} is {}", join(values, "or"))
            }
        }
    }
}

/// `A`, `A and B`, `A, B and C` (or with `or`).
fn join(names: &[&str], word: &str) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} {word} {last}", rest.join(", ")),
    }
}

/// Everything known about one declared endpoint.
#[derive(Debug)]
pub struct EndpointInfo {
    /// Where the params struct is defined, e.g. `api::payments::create::Create` (its
    /// `module_path!()` and name); see [`rust_path`](Self::rust_path) for the path users write.
    pub name: &'static str,
    /// The name of the function that starts a request, e.g. `create`.
    pub function: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The first label of the product's host: `api` (api.twilio.com), `verify`, `flex-api`, …
    pub host: &'static str,
    /// The path template as declared, with `<Placeholders>`.
    pub path: &'static str,
    /// What the body is made of: nothing for GET and DELETE, a form or a JSON object otherwise.
    pub body: Body,
    /// How requests authenticate.
    pub auth: Auth,
    /// The JSON media type: the `Accept` header, and a JSON body's `Content-Type`.
    /// `application/json` but for SCIM's `application/scim+json` (the Organizations API).
    pub media: &'static str,
    /// For a JSON body: the name Twilio's official helpers give its model, e.g.
    /// `CreateReferralConversionRequest` (twilio-python takes the body as an object of that
    /// class); from the spec's schema name, or the operation id for an inline schema.
    pub json_model: Option<&'static str>,
    /// How the official helpers make this call, from the spec's resource tree (`x-twilio` parent
    /// and mount names) and the operation id's verb: accessors joined by `.`, each with the
    /// path placeholders it takes, then the method, e.g.
    /// `workspaces(WorkspaceSid).task_queues.bulk_real_time_statistics.create` (twilio-python
    /// `client.taskrouter.v1.workspaces(…).task_queues.bulk_real_time_statistics.create(…)`).
    /// `None`: the chain follows the path's segments and the method the declaration's function.
    pub helper_call: Option<&'static str>,
    /// Every parameter, in declaration order.
    pub params: &'static [ParamInfo],
    /// The response type as declared (`Payment`, `Page<Call>`; `()` when nothing is read).
    pub response: &'static str,
    /// The success status Twilio documents (any 2xx is accepted).
    pub status: u16,
    /// Whether the response is a page of a list (`paged`): the builder can also `stream()`.
    pub paged: bool,
    /// Whether requests carry an `IdempotencyKey`, which makes them safe to resend.
    pub idempotency_key: bool,
    /// Rules across optional parameters (`one_of`, `exactly_one_of`), checked before sending.
    pub rules: &'static [Rule],
    /// The first paragraph of the declaration's own docs, on one line.
    pub summary: &'static str,
    /// Type-erased entry points (rebuild from the wire, send, the response type's shape).
    pub erased: Erased,
}

impl EndpointInfo {
    /// The parameter with this wire name (a path placeholder first, if a body parameter has
    /// the same name).
    pub fn param(&self, wire_name: &str) -> Option<&ParamInfo> {
        self.params.iter().find(|p| p.wire_name == wire_name)
    }

    /// The parameter with this wire name in this place.
    pub fn param_in(&self, location: Location, wire_name: &str) -> Option<&ParamInfo> {
        self.params
            .iter()
            .find(|p| p.location == location && p.wire_name == wire_name)
    }

    /// The [`PrefixedMap`](crate::PrefixedMap) parameter a query or form key belongs to, and
    /// the key below its prefix: `AddOns.a.b` → (`AddOnsData`, `"a.b"`).
    pub fn prefixed_param<'k>(
        &self,
        location: Location,
        key: &'k str,
    ) -> Option<(&ParamInfo, &'k str)> {
        self.params.iter().find_map(|p| {
            let rest = crate::PrefixedMap::key_below(p.prefix?, key)?;
            (p.location == location).then_some((p, rest))
        })
    }

    /// The path of the start function a user writes, e.g. `api::payments::create`.
    ///
    /// A declaration in a module named after its start function (the generated layout:
    /// `calls/create.rs` declares `create`, re-exported by `calls`) is reached through the
    /// parent module, so that segment is dropped.
    pub fn rust_path(&self) -> String {
        let module = self.name.rsplit_once("::").map_or("", |(m, _)| m);
        // A product crate (`api_verify::v2::…`) is re-exported by `api` as `api::verify::v2::…`.
        let mapped;
        let module = match module.strip_prefix("api_") {
            Some(rest) => {
                mapped = format!("api::{rest}");
                mapped.as_str()
            }
            None => module,
        };
        let module = match module.rsplit_once("::") {
            Some((parent, last)) if last == self.function => parent,
            _ => module,
        };
        if module.is_empty() {
            self.function.to_owned()
        } else {
            format!("{module}::{}", self.function)
        }
    }

    /// The operation's name: [`rust_path`](Self::rust_path) without the crate, dotted:
    /// `payments.create`, `calls.fetch`, `verify.v2.services.verifications.create`.
    pub fn operation(&self) -> String {
        let path = self.rust_path();
        let within = path
            .split_once("::")
            .map_or(path.as_str(), |(_, rest)| rest);
        within.replace("::", ".")
    }
}

/// A registry entry; `#[twilio_endpoint]` submits one per declaration.
#[doc(hidden)]
pub struct Registration(pub &'static EndpointInfo);

inventory::collect!(Registration);

/// Every endpoint declared in the program (in `api` and in any other crate linked in), sorted by
/// host, path, then method.
pub fn endpoints() -> Vec<&'static EndpointInfo> {
    let mut all: Vec<_> = inventory::iter::<Registration>
        .into_iter()
        .map(|r| r.0)
        .collect();
    all.sort_by_key(|e| (e.host, e.path, e.method.as_str(), e.name));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &'static str, function: &'static str) -> EndpointInfo {
        EndpointInfo {
            name,
            function,
            method: Method::Post,
            host: "api",
            path: "/x",
            body: Body::Form,
            auth: Auth::Basic,
            media: "application/json",
            json_model: None,
            helper_call: None,
            params: &[],
            response: "()",
            status: 200,
            paged: false,
            idempotency_key: false,
            rules: &[],
            summary: "",
            erased: Erased::UNAVAILABLE,
        }
    }

    #[test]
    fn paths_and_operations_skip_the_module_named_after_the_function() {
        let pay = info("api::payments::create::Create", "create");
        assert_eq!(pay.rust_path(), "api::payments::create");
        assert_eq!(pay.operation(), "payments.create");
        let verify = info(
            "api::verify::v2::services::verifications::create::Create",
            "create",
        );
        assert_eq!(
            verify.rust_path(),
            "api::verify::v2::services::verifications::create"
        );
        assert_eq!(
            verify.operation(),
            "verify.v2.services.verifications.create"
        );
        // Declared in a module of another name, as a crate of its own might.
        let own = info("tests::FetchCall", "fetch_call");
        assert_eq!(own.rust_path(), "tests::fetch_call");
        assert_eq!(own.operation(), "fetch_call");
        let nested = info("app::calls::Fetch", "fetch");
        assert_eq!(nested.rust_path(), "app::calls::fetch");
        assert_eq!(nested.operation(), "calls.fetch");
    }

    #[test]
    fn rules_name_what_is_missing_or_too_much() {
        let one_of = Rule {
            kind: RuleKind::AtLeastOne,
            params: &["Url", "Twiml", "ApplicationSid"],
        };
        assert_eq!(one_of.check(&[false, true, true], None), []);
        let [refused] = &one_of.check(&[false, false, false], None)[..] else {
            panic!("one refusal")
        };
        assert_eq!(refused.param, "Url");
        assert_eq!(
            refused.to_string(),
            "Url or Twiml or ApplicationSid must be set"
        );
        assert_eq!(
            one_of.to_string(),
            "at least one of Url, Twiml and ApplicationSid"
        );

        let exactly = Rule {
            kind: RuleKind::ExactlyOne,
            params: &["Capture", "Status"],
        };
        assert_eq!(exactly.check(&[true, false], None), []);
        assert_eq!(exactly.check(&[false, true], None), []);
        assert_eq!(
            exactly.check(&[false, false], None)[0].to_string(),
            "Capture or Status must be set (exactly one of them)"
        );
        let [both] = &exactly.check(&[true, true], None)[..] else {
            panic!("one refusal")
        };
        assert_eq!(both.param, "Status");
        assert_eq!(
            both.to_string(),
            "Status cannot be set together with Capture: set exactly one of Capture and Status"
        );
    }

    #[test]
    fn conditional_rules_follow_the_value_they_depend_on() {
        // Messaging v3's typing indicator: Apple needs `from` and `to`; they and `event`
        // belong to Apple alone.
        let required = Rule {
            kind: RuleKind::RequiredWhen {
                param: "channel",
                values: &["APPLE"],
            },
            params: &["from", "to"],
        };
        assert_eq!(required.check(&[true, true], Some("APPLE")), []);
        assert_eq!(required.check(&[false, false], Some("WHATSAPP")), []);
        assert_eq!(required.check(&[false, false], None), []);
        let missing: Vec<String> = required
            .check(&[false, false], Some("APPLE"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            missing,
            [
                "from must be set when channel is APPLE",
                "to must be set when channel is APPLE"
            ]
        );
        assert_eq!(required.to_string(), "from and to when channel is APPLE");

        let only = Rule {
            kind: RuleKind::OnlyWhen {
                param: "channel",
                values: &["APPLE", "RCS"],
            },
            params: &["from", "to", "event"],
        };
        assert_eq!(only.check(&[true, true, true], Some("RCS")), []);
        assert_eq!(only.check(&[false, false, false], Some("WHATSAPP")), []);
        let [to] = &only.check(&[false, true, false], Some("WHATSAPP"))[..] else {
            panic!("one refusal")
        };
        assert_eq!(to.param, "to");
        assert_eq!(
            to.to_string(),
            "to can be set only when channel is APPLE or RCS, not WHATSAPP"
        );
        assert_eq!(
            only.check(&[true, false, false], None)[0].to_string(),
            "from can be set only when channel is APPLE or RCS (and channel is not set)"
        );
        assert_eq!(
            only.to_string(),
            "from, to and event only when channel is APPLE or RCS"
        );
        assert_eq!(
            only.kind.condition(),
            Some(("channel", &["APPLE", "RCS"][..]))
        );
        assert_eq!(RuleKind::ExactlyOne.condition(), None);
        assert!(only.kind.holds(Some("RCS")));
        assert!(!only.kind.holds(Some("WHATSAPP")));
        assert!(!only.kind.holds(None));
        assert!(!RuleKind::ExactlyOne.holds(Some("RCS")));
    }
}
