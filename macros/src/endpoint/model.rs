//! A checked declaration: everything the code generator needs, resolved. Only `check` builds
//! one, and only when the declaration has no error; `emit` reads nothing else.

use proc_macro2::Span;
use syn::{Ident, ItemStruct, Type};

use super::ast::Range;
use super::template::Piece;

/// GET, POST, PUT, PATCH or DELETE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether requests of this method carry a body.
    pub fn has_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }

    pub fn variant(self) -> &'static str {
        match self {
            Method::Get => "Get",
            Method::Post => "Post",
            Method::Put => "Put",
            Method::Patch => "Patch",
            Method::Delete => "Delete",
        }
    }
}

/// What the request body is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    None,
    Form,
    Json,
}

impl Body {
    pub fn variant(self) -> &'static str {
        match self {
            Body::None => "None",
            Body::Form => "Form",
            Body::Json => "Json",
        }
    }
}

/// How a request authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    Basic,
    OAuth2,
    None,
}

impl Auth {
    pub fn variant(self) -> &'static str {
        match self {
            Auth::Basic => "Basic",
            Auth::OAuth2 => "OAuth2",
            Auth::None => "None",
        }
    }
}

/// `one_of`, `exactly_one_of`, `required_when` or `only_when`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    AtLeastOne,
    ExactlyOne,
    RequiredWhen,
    OnlyWhen,
}

impl RuleKind {
    pub fn keyword(self) -> &'static str {
        match self {
            RuleKind::AtLeastOne => "one_of",
            RuleKind::ExactlyOne => "exactly_one_of",
            RuleKind::RequiredWhen => "required_when",
            RuleKind::OnlyWhen => "only_when",
        }
    }

    pub fn variant(self) -> &'static str {
        match self {
            RuleKind::AtLeastOne => "AtLeastOne",
            RuleKind::ExactlyOne => "ExactlyOne",
            RuleKind::RequiredWhen => "RequiredWhen",
            RuleKind::OnlyWhen => "OnlyWhen",
        }
    }

    /// Whether the rule depends on another field's value (`required_when`, `only_when`).
    pub fn is_conditional(self) -> bool {
        matches!(self, RuleKind::RequiredWhen | RuleKind::OnlyWhen)
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Form,
    Json,
    Header,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Form => "form",
            Location::Json => "json",
            Location::Header => "header",
        }
    }

    pub fn variant(self) -> &'static str {
        match self {
            Location::Path => "Path",
            Location::Query => "Query",
            Location::Form => "Form",
            Location::Json => "Json",
            Location::Header => "Header",
        }
    }
}

/// The checked declaration.
pub struct Endpoint {
    /// Where generated code finds the runtime (`::runtime` unless `crate = "…"`).
    pub krate: syn::Path,
    /// The struct as written, `#[twilio]` attributes removed; its fields match `params`.
    pub item: ItemStruct,
    pub method: Method,
    pub host: String,
    /// The template as written.
    pub path: String,
    pub pieces: Vec<Piece>,
    pub body: Body,
    pub auth: Auth,
    /// The JSON media type of the body and the `Accept` header (`application/json` unless
    /// `media = "…"`, e.g. SCIM's `application/scim+json`).
    pub media: String,
    /// The official helpers' name of the JSON body's model (`json_model = "…"`), if given.
    pub json_model: Option<String>,
    /// The official helpers' call (`helper_call = "…"`), if given.
    pub helper_call: Option<String>,
    pub response: Type,
    /// The response as text for the registry and docs; `None` when not declared.
    pub response_text: Option<String>,
    pub status: u16,
    pub paged: bool,
    pub fn_ident: Ident,
    pub builder_ident: Ident,
    pub params: Vec<Param>,
    pub rules: Vec<Rule>,
    /// The `IdempotencyKey` parameter, if any.
    pub idempotency: Option<usize>,
    /// The declaration's own doc lines.
    pub docs: Vec<String>,
}

/// One checked parameter.
pub struct Param {
    pub ident: Ident,
    pub ty: Type,
    /// `T` of an `Option<T>` field, else the field's type.
    pub inner: Type,
    pub required: bool,
    pub wire: String,
    pub location: Location,
    pub range: Option<Range>,
    pub default: Option<String>,
    pub deprecated: bool,
    /// `prefix = "AddOns"`: a `PrefixedMap` sent as `AddOns.<key>=<value>` pairs.
    pub prefix: Option<String>,
    pub docs: Vec<String>,
    /// `T` of a `Vec<T>` parameter (a list sent as a repeated key).
    pub list_item: Option<Type>,
    /// An `Option<AccountSid>` filling `<AccountSid>`: the client's account unless set.
    pub account_default: bool,
    /// A path field whose wire name a body parameter also has (only the defaulted
    /// `<AccountSid>` may): it is left out of the serde impls.
    pub shadowed: bool,
    pub span: Span,
}

/// A checked rule: indexes into `Endpoint::params`.
pub struct Rule {
    pub kind: RuleKind,
    /// A conditional rule's field (an index) and the wire values it names.
    pub condition: Option<(usize, Vec<String>)>,
    pub members: Vec<usize>,
}

impl Endpoint {
    /// Whether `p` travels in the query of a request with a body (`#[twilio(query)]`), apart
    /// from the body's own parameters.
    pub fn in_query_beside_body(&self, p: &Param) -> bool {
        self.body != Body::None && p.location == Location::Query
    }

    /// Wire names of a rule's members.
    pub fn rule_wires(&self, rule: &Rule) -> Vec<&str> {
        rule.members
            .iter()
            .map(|&i| self.params[i].wire.as_str())
            .collect()
    }
}
