//! A declaration as written: the attribute's arguments and the struct's fields, each piece
//! with its tokens for spans, before anything is checked against anything else.

use proc_macro2::Span;
use syn::{Ident, ItemStruct, LitInt, LitStr, Type};

use super::model::{Auth, Body, Method, RuleKind};

/// `#[twilio_endpoint(...)]` on a struct.
pub struct Declaration {
    pub attr: Attr,
    /// The struct, its `#[twilio(...)]` attributes removed.
    pub item: ItemStruct,
    /// Its named fields in order (empty when the struct has none).
    pub fields: Vec<Field>,
}

/// The attribute's arguments; a piece that did not parse is `None` (its error is recorded).
pub struct Attr {
    pub method: Option<(Method, Ident)>,
    pub path: Option<LitStr>,
    pub host: Option<LitStr>,
    pub response: Option<Type>,
    pub status: Option<LitInt>,
    pub fn_name: Option<Ident>,
    pub paged: Option<Ident>,
    pub rules: Vec<Rule>,
    pub body: Option<(Body, Ident)>,
    pub auth: Option<(Auth, Ident)>,
    /// `media = "application/scim+json"`: the JSON media type sent and accepted.
    pub media: Option<LitStr>,
    /// `json_model = "CreateReferralConversionRequest"`: the official helpers' name for the
    /// JSON body's model.
    pub json_model: Option<LitStr>,
    /// `helper_call = "services(ServiceSid).verifications.create"`: how the official helpers
    /// make the call.
    pub helper_call: Option<LitStr>,
    /// `crate = "path"`: where generated code finds the runtime.
    pub krate: Option<(syn::Path, LitStr)>,
}

/// `one_of(a, b)`, `exactly_one_of(a, b)`, or a conditional rule:
/// `required_when(channel = "APPLE", from, to)`, `only_when(channel = "APPLE" | "RCS", event)`.
pub struct Rule {
    pub kind: RuleKind,
    pub keyword: Ident,
    pub condition: Option<Condition>,
    pub fields: Vec<Ident>,
}

/// A conditional rule's field and the values it names: `channel = "APPLE" | "RCS"`.
pub type Condition = (Ident, Vec<LitStr>);

/// One field and its `#[twilio(...)]` options.
pub struct Field {
    pub ident: Ident,
    pub ty: Type,
    pub rename: Option<LitStr>,
    pub range: Option<Range>,
    pub header: Option<LitStr>,
    pub default: Option<LitStr>,
    pub deprecated: Option<Span>,
    /// `prefix = "AddOns"`: a `PrefixedMap` sent as `AddOns.<key>=<value>` pairs.
    pub prefix: Option<LitStr>,
    /// `query`: a parameter of a POST, PUT or PATCH that travels in the query string.
    pub query: Option<Span>,
    /// The field's own `///` lines.
    pub docs: Vec<String>,
}

/// `#[twilio(range = 1..=600)]`.
#[derive(Clone)]
pub struct Range {
    pub min: Option<i128>,
    pub max: Option<i128>,
    pub inclusive: bool,
}
