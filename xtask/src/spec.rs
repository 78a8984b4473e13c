//! Reads the spec into a tree of resource modules: their operations (with typed fields), and
//! the models and enums each module owns. Only structure is read: never description prose.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::names::{ident, macro_wire, pascal, plural, singular, snake, words};
use crate::sids::Kinds;

/// The noun of a model-less resource whose path segment alone is none (messaging's
/// `/Indicators/Typing.json`: "Creates a typing indicator", not "Creates a typing").
const NOUN_OF_SEGMENT: &[(&str, &str)] = &[("typing", "typing indicator")];

/// Operations left to hand-written declarations (`api::payments`).
const HAND_WRITTEN: &[&str] = &["CreatePayments", "UpdatePayments"];

/// Cross-field rules Twilio enforces that the spec cannot express, by the macro option that
/// declares them: `one_of` (at least one of the group) or `exactly_one_of`.
const RULES: &[(&str, &str, &[&str])] = &[
    ("CreateCall", "one_of", &["Url", "Twiml", "ApplicationSid"]),
    ("CreateMessage", "one_of", &["From", "MessagingServiceSid"]),
    (
        "CreateMessage",
        "one_of",
        &["Body", "MediaUrl", "ContentSid"],
    ),
    (
        "CreateIncomingPhoneNumber",
        "one_of",
        &["PhoneNumber", "AreaCode"],
    ),
];

/// Names a generated type must not take: the operation structs and the types files import.
const RESERVED: &[&str] = &[
    "Create",
    "Fetch",
    "List",
    "Update",
    "Delete",
    "Patch",
    "PhoneNumber",
    "Uri",
    "DateTime",
    "Date",
    "Page",
    "JsonObject",
    "PrefixedMap",
    "HttpMethod",
    "Decimal",
    "OffsetDateTime",
    "BTreeMap",
    "Listed",
    "Value",
    "Option",
    "Vec",
    "String",
    "Result",
    "Box",
];

/// Schema name parts that name a variant of their parent resource rather than a resource:
/// such models take the parent's name (`usage::records::daily::Record`).
const VARIANTS: &[&str] = &[
    "local",
    "mobile",
    "toll_free",
    "machine_to_machine",
    "national",
    "shared_cost",
    "voip",
    "all_time",
    "daily",
    "last_month",
    "monthly",
    "this_month",
    "today",
    "yearly",
    "yesterday",
];

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum OpKind {
    List,
    Create,
    Fetch,
    Update,
    Delete,
    /// `PATCH` on an instance.
    Patch,
    /// A second operation of the same kind in one module, named from its operation ID.
    Named(String),
}

impl OpKind {
    pub fn name(&self) -> &str {
        match self {
            OpKind::List => "list",
            OpKind::Create => "create",
            OpKind::Fetch => "fetch",
            OpKind::Update => "update",
            OpKind::Delete => "delete",
            OpKind::Patch => "patch",
            OpKind::Named(n) => n,
        }
    }
}

/// Where one spec's modules go and how its paths read.
pub struct Source {
    /// Module segments every resource sits under (`["v2"]`; empty for v2010 and preview).
    pub root: Vec<String>,
    /// Api v2010: `/2010-04-01/Accounts/{AccountSid}` prefixes, RFC 2822 dates.
    pub v2010: bool,
    /// The host label when the spec names none (`verify`).
    pub host: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Place {
    Path,
    Query,
    Form,
    Json,
    Header,
}

/// A Rust type reference: `runtime` item, a crate item (module path + name), or a literal.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum TypeRef {
    /// Imported from `runtime` (`Uri`, `sid::CallSid`, …): the `use` path and the name.
    Runtime(&'static str, String),
    /// Defined in this crate: the module path and the name.
    Local(Vec<String>, String),
    /// Spelled out in place (`String`, `u32`, `bool`).
    Plain(String),
}

#[derive(Clone, Debug)]
pub struct Ty {
    /// `None` for a scalar, `Some("Vec")` for a repeated list.
    pub list: bool,
    pub base: TypeRef,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub ident: String,
    pub wire: String,
    pub place: Place,
    pub required: bool,
    pub ty: Ty,
    pub range: Option<String>,
    pub doc: String,
    /// Twilio's default, as it travels.
    pub default: Option<String>,
    pub deprecated: bool,
    /// `prefixed-collapsible-map-AddOns`: a `PrefixedMap` sent as `AddOns.<key>=<value>`.
    pub prefix: Option<String>,
}

#[derive(Clone, Debug)]
pub enum Response {
    None,
    One(TypeRef),
    Page(TypeRef),
}

#[derive(Clone, Debug)]
pub struct Op {
    pub kind: OpKind,
    pub method: &'static str,
    pub path: String,
    pub status: u16,
    pub fields: Vec<Field>,
    pub response: Response,
    /// `(macro option, its arguments)`: `one_of` or `exactly_one_of` over field idents;
    /// `required_when` or `only_when` with their condition first (`channel = "APPLE"`).
    pub rules: Vec<(&'static str, Vec<String>)>,
    /// The resource in words (`call recording`), for docs.
    pub noun: String,
    /// The host label (`verify`), `api` for v2010.
    pub host: String,
    pub json: bool,
    /// `"oauth2"` or `"none"` when not Basic.
    pub auth: Option<&'static str>,
    /// The JSON media type when not `application/json` (SCIM's `application/scim+json`).
    pub media: Option<&'static str>,
    /// A JSON body's model as the official helpers name it (twilio-python's request class).
    pub json_model: Option<String>,
    /// How the official helpers reach the resource (`services(ServiceSid).verifications`).
    pub helper_call: Option<String>,
    /// A list with the `meta` envelope (for docs; the runtime reads both).
    pub meta: bool,
}

#[derive(Clone, Debug)]
pub enum ModelTy {
    Scalar(TypeRef),
    /// A SID type; `""` reads as `None`.
    Sid(TypeRef),
    Vec(TypeRef),
    Rfc2822,
    Date,
    Decimal,
}

#[derive(Clone, Debug)]
pub struct ModelField {
    pub name: String,
    pub ident: String,
    pub ty: ModelTy,
    pub doc: String,
}

#[derive(Clone, Debug)]
pub struct Model {
    pub name: String,
    pub schema: String,
    pub fields: Vec<ModelField>,
    /// The item key when the model is listed in pages.
    pub list_key: Option<String>,
    /// The operation whose inline answer this is (no schema of its own in the spec).
    pub answer_of: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: String,
    /// The spec's schema name; empty for an enum written inline in a parameter.
    pub schema: String,
    /// For an inline enum: the wire name of the parameter or field it was found on, for docs.
    pub wire: String,
    pub values: Vec<String>,
}

#[derive(Default, Debug)]
pub struct Module {
    pub ops: Vec<Op>,
    pub models: Vec<Model>,
    pub enums: Vec<Enum>,
    pub children: BTreeSet<String>,
    /// The collection path, for docs (`/Calls`).
    pub display_path: String,
}

pub struct Tree {
    pub modules: BTreeMap<Vec<String>, Module>,
    /// Api v2010: RFC 2822 dates in models.
    pub v2010: bool,
}

pub fn read(spec: &Value, src: &Source, kinds: &Kinds) -> Result<Tree, String> {
    static EMPTY: std::sync::OnceLock<serde_json::Map<String, Value>> = std::sync::OnceLock::new();
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(serde_json::Map::new));
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("no paths")?;
    let mut b = Builder {
        schemas,
        parameters: spec
            .pointer("/components/parameters")
            .and_then(Value::as_object),
        spec,
        src,
        kinds,
        examples: examples(paths),
        inline: BTreeMap::new(),
        modules: BTreeMap::new(),
        model_owner: BTreeMap::new(),
        enum_owner: BTreeMap::new(),
    };
    // Modules first (sorted), so ownership of shared schemas is deterministic.
    let mut ops: Vec<(Vec<String>, String, &'static str, &Value, &Value)> = Vec::new();
    for (path, item) in paths {
        let segs = module_of(path, src)?;
        let mut any = false;
        for (method, upper) in METHODS {
            if let Some(op) = item.get(method) {
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or("");
                if !(src.v2010 && HAND_WRITTEN.contains(&id)) {
                    ops.push((segs.clone(), path.clone(), upper, op, item));
                    any = true;
                }
            }
        }
        if any {
            b.ensure(&segs, path);
        }
    }
    ops.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    for (segs, path, method, op, item) in ops {
        let mut built = b.op(&segs, &path, method, op, item)?;
        let module = b.modules.get_mut(&segs).ok_or("module vanished")?;
        if module.ops.iter().any(|o| o.kind == built.kind) {
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("op");
            built.kind = OpKind::Named(snake(id));
            if module.ops.iter().any(|o| o.kind == built.kind) {
                return Err(format!("two `{id}` operations in {}", segs.join("::")));
            }
        }
        module.ops.push(built);
    }
    for m in b.modules.values_mut() {
        m.ops.sort_by(|a, b| a.kind.cmp(&b.kind));
    }
    Ok(Tree {
        modules: b.modules,
        v2010: src.v2010,
    })
}

const METHODS: [(&str, &str); 5] = [
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("patch", "PATCH"),
    ("delete", "DELETE"),
];

/// The path's part after the version segment the module root stands for.
fn path_rest<'a>(path: &'a str, src: &Source) -> &'a str {
    if src.v2010 {
        let rest = path.strip_prefix("/2010-04-01").unwrap_or(path);
        let rest = rest.trim_end_matches(".json");
        return rest.strip_prefix("/Accounts/{AccountSid}").unwrap_or(rest);
    }
    // `.json` is a suffix of the wire path, not part of a resource's name (messaging's
    // `/v3/Indicators/Typing.json` is the `typing` resource, as `Calls.json` is `calls`).
    let path = path.trim_end_matches(".json");
    let first = path.split('/').find(|s| !s.is_empty()).unwrap_or("");
    match src.root.last() {
        Some(v) if snake(first) == *v => &path[1 + first.len()..],
        _ => path,
    }
}

/// `/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json` → `calls::recordings`;
/// `/v2/Services/{ServiceSid}/Verifications` → `v2::services::verifications`.
fn module_of(path: &str, src: &Source) -> Result<Vec<String>, String> {
    let rest = path_rest(path, src);
    let mut segs: Vec<String> = src.root.clone();
    segs.extend(
        rest.split('/')
            .filter(|s| !s.is_empty() && !s.starts_with('{'))
            .map(|s| ident_segment(&snake(s))),
    );
    if segs.is_empty() {
        return Err(format!("no resource in {path}"));
    }
    Ok(segs)
}

/// A module name that is a valid identifier: `2fa` → `m2fa`, `type` → `type_`.
fn ident_segment(s: &str) -> String {
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("m{s}")
    } else {
        s.to_owned()
    };
    if ident(&s).starts_with("r#") || s == "self" || s == "super" || s == "crate" {
        format!("{s}_")
    } else {
        s
    }
}

struct Builder<'a> {
    schemas: &'a serde_json::Map<String, Value>,
    parameters: Option<&'a serde_json::Map<String, Value>>,
    spec: &'a Value,
    src: &'a Source,
    kinds: &'a Kinds,
    /// Example response objects per model schema, from the operations' examples.
    examples: BTreeMap<String, Vec<Value>>,
    /// Response objects written inline in an operation (no schema of their own), by the name
    /// their model takes: the operation id and `Response` (see [`inline_model_key`]).
    inline: BTreeMap<String, Value>,
    modules: BTreeMap<Vec<String>, Module>,
    model_owner: BTreeMap<String, (Vec<String>, String)>,
    enum_owner: BTreeMap<String, (Vec<String>, String)>,
}

impl Builder<'_> {
    fn ensure(&mut self, segs: &[String], path: &str) {
        let display = if self.src.v2010 {
            path.trim_start_matches("/2010-04-01")
                .trim_end_matches(".json")
        } else {
            path
        };
        for n in 1..=segs.len() {
            let key = segs[..n].to_vec();
            let prefix = display_prefix(display, n, n == segs.len());
            let m = self.modules.entry(key).or_default();
            // The shortest path naming the resource: its collection, not one instance.
            if m.display_path.is_empty() || prefix.len() < m.display_path.len() {
                m.display_path = prefix;
            }
            if n > 1 {
                if let Some(parent) = self.modules.get_mut(&segs[..n - 1]) {
                    parent.children.insert(segs[n - 1].clone());
                }
            }
        }
    }

    fn op(
        &mut self,
        segs: &[String],
        path: &str,
        method: &'static str,
        op: &Value,
        item: &Value,
    ) -> Result<Op, String> {
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
        let instance = path.trim_end_matches(".json").ends_with('}');
        let (code, resp_schema) = response_of(op)?;

        let page = resp_schema.filter(|s| {
            s.get("$ref").is_none()
                && s.get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| {
                        p.values().any(|v| {
                            v.get("type").and_then(Value::as_str) == Some("array")
                                && v.pointer("/items/$ref").is_some()
                        })
                    })
        });
        let meta = page.is_some_and(|p| p.pointer("/properties/meta").is_some());
        let kind = match method {
            "GET" if page.is_some() => OpKind::List,
            "GET" => OpKind::Fetch,
            "POST" if instance => OpKind::Update,
            "POST" => OpKind::Create,
            "PUT" => OpKind::Update,
            "PATCH" => OpKind::Patch,
            _ => OpKind::Delete,
        };
        let mut inline_response = false;
        let response = match (resp_schema, page) {
            (None, _) => Response::None,
            (Some(_), Some(p)) => {
                let props = p
                    .get("properties")
                    .and_then(Value::as_object)
                    .ok_or("page without properties")?;
                let (key, items) = props
                    .iter()
                    .find(|(_, v)| {
                        v.get("type").and_then(Value::as_str) == Some("array")
                            && v.pointer("/items/$ref").is_some()
                    })
                    .ok_or_else(|| format!("{id}: page without an item array"))?;
                let item_ref = items
                    .pointer("/items/$ref")
                    .and_then(Value::as_str)
                    .ok_or("page items without $ref")?;
                let t = self.model(segs, ref_name(item_ref), Some(key))?;
                Response::Page(t)
            }
            (Some(s), None) => match s.get("$ref").and_then(Value::as_str) {
                Some(r) if self.is_object(ref_name(r)) => {
                    Response::One(self.model(segs, ref_name(r), None)?)
                }
                // An object written inline (`{"success": true}` of the typing indicators):
                // a model of its own, named after the operation.
                None if is_inline_object(s) => {
                    let key = inline_model_key(id);
                    self.inline.insert(key.clone(), s.clone());
                    inline_response = true;
                    Response::One(self.model(segs, &key, None)?)
                }
                // A non-object answer: read as JSON by the caller.
                _ => Response::None,
            },
        };
        let host = op
            .pointer("/servers/0/url")
            .or_else(|| item.pointer("/servers/0/url"))
            .or_else(|| self.spec.pointer("/servers/0/url"))
            .and_then(Value::as_str)
            .and_then(|u| u.split("://").nth(1))
            .and_then(|h| h.split('.').next())
            .map(str::to_owned)
            .unwrap_or_else(|| self.src.host.clone());
        let security = op
            .get("security")
            .or_else(|| self.spec.get("security"))
            .and_then(Value::as_array);
        let auth = match security {
            Some(list) if list.is_empty() => Some("none"),
            Some(list)
                if list.iter().all(|s| {
                    s.as_object()
                        .is_some_and(|o| o.keys().all(|k| k.to_lowercase().contains("oauth")))
                }) =>
            {
                Some("oauth2")
            }
            _ => None,
        };
        let noun = match &response {
            Response::One(TypeRef::Local(_, n)) | Response::Page(TypeRef::Local(_, n))
                if !inline_response =>
            {
                words(n)
            }
            _ => self
                .modules
                .get(segs)
                // A resource's own model names it, not an operation's inline answer.
                .and_then(|m| {
                    m.models
                        .iter()
                        .find(|m| !self.inline.contains_key(&m.schema))
                })
                .map(|m| words(&m.name))
                .unwrap_or_else(|| {
                    let last = segs.last().map(String::as_str).unwrap_or("");
                    match NOUN_OF_SEGMENT.iter().find(|(seg, _)| *seg == last) {
                        Some((_, noun)) => (*noun).to_owned(),
                        None => words(&singular(last)),
                    }
                }),
        };
        let mut fields = Vec::new();
        // Path parameters, in path order.
        let params: Vec<Value> = op
            .get("parameters")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|p| self.deref_param(p)).collect())
            .unwrap_or_default();
        let placeholders: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split('}').next())
            .collect();
        for name in &placeholders {
            let p = params
                .iter()
                .find(|p| {
                    p.get("name").and_then(Value::as_str) == Some(name)
                        && p.get("in").and_then(Value::as_str) == Some("path")
                })
                .ok_or_else(|| format!("{id}: no parameter for {{{name}}}"))?;
            let schema = p.get("schema").cloned().unwrap_or(Value::Null);
            let mut ty = self.param_type(segs, name, &schema)?;
            // A path segment takes the spec's type where the runtime can write it as one
            // segment (a SID, an enum, an integer, a date: `runtime::PathSegment`); anything
            // else is text, its format in the doc.
            let segment_type = match &ty.base {
                TypeRef::Runtime("sid", _) | TypeRef::Local(..) => true,
                TypeRef::Runtime("", name) => name == "Date",
                TypeRef::Plain(name) => matches!(name.as_str(), "u32" | "i64"),
                _ => false,
            };
            if !segment_type || ty.list {
                ty = Ty {
                    list: false,
                    base: TypeRef::Plain("String".into()),
                };
            }
            let required = !(self.src.v2010 && *name == "AccountSid");
            let doc = path_doc(name, &noun);
            fields.push(self.field(name, Place::Path, required, ty, &schema, doc));
        }
        // Headers, query parameters (required first, then the rest), or the body.
        let mut rest = Vec::new();
        for p in &params {
            let place = match p.get("in").and_then(Value::as_str) {
                // A query parameter beside a body (OAuth's `POST /v2/token?account_sid=`) is
                // declared `#[twilio(query)]`.
                Some("query") => Place::Query,
                // The client writes `Authorization` itself (credentials, tokens).
                Some("header")
                    if p.get("name").and_then(Value::as_str) == Some("Authorization") =>
                {
                    continue
                }
                Some("header") => Place::Header,
                Some("path") => continue,
                _ => return Err(format!("{id}: unsupported parameter location")),
            };
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .ok_or("nameless parameter")?;
            let mut schema = p.get("schema").cloned().unwrap_or(Value::Null);
            if p.get("deprecated").and_then(Value::as_bool) == Some(true) {
                if let Some(o) = schema.as_object_mut() {
                    o.insert("deprecated".into(), Value::Bool(true));
                }
            }
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            rest.push((name.to_owned(), place, required, schema));
        }
        let mut json = false;
        let mut json_model = None;
        // The rules a `oneOf` body's variants imply (see `merge_one_of`).
        let mut variant_rules: Vec<VariantRule> = Vec::new();
        let body = op
            .pointer("/requestBody/content/application~1x-www-form-urlencoded/schema")
            .map(|b| (Place::Form, b))
            .or_else(|| {
                ["application~1json", "application~1scim+json"]
                    .iter()
                    .find_map(|ct| op.pointer(&format!("/requestBody/content/{ct}/schema")))
                    .map(|b| (Place::Json, b))
            });
        if let Some((place, body)) = body {
            json = place == Place::Json;
            if json {
                json_model = helper_model_name(body, id);
            }
            let mut body = self.deref_schema(body).clone();
            if let Some(variants) = body.get("oneOf").and_then(Value::as_array) {
                let variants: Vec<Value> = variants
                    .iter()
                    .map(|v| self.deref_schema(v).clone())
                    .collect();
                let discriminator = body
                    .pointer("/discriminator/propertyName")
                    .and_then(Value::as_str);
                let (merged, rules) = merge_one_of(&variants, discriminator);
                body = merged;
                variant_rules = rules;
            }
            let required: Vec<&str> = body
                .get("required")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = body.get("properties").and_then(Value::as_object) {
                for (name, schema) in props {
                    rest.push((
                        name.clone(),
                        place,
                        required.contains(&name.as_str()),
                        schema.clone(),
                    ));
                }
                // Required ones in the spec's own order (they become the start function's
                // arguments), the optional ones alphabetically.
                rest.sort_by_key(|(n, _, req, _)| {
                    (
                        !*req,
                        if *req {
                            required.iter().position(|r| r == n).unwrap_or(0)
                        } else {
                            0
                        },
                        n.clone(),
                    )
                });
            }
        }
        for (name, place, required, schema) in rest {
            let schema = if place == Place::Json {
                self.deref_schema(&schema).clone()
            } else {
                schema
            };
            let ty = if place == Place::Json && !is_scalar(&schema) {
                Ty {
                    list: schema.get("type").and_then(Value::as_str) == Some("array"),
                    base: TypeRef::Plain("serde_json::Value".into()),
                }
            } else {
                self.param_type(segs, &name, &schema)?
            };
            let allowed = self.allowed(&schema);
            let mut doc = param_doc(&name, &schema, &noun, place, required, &allowed);
            let mut field = self.field(&name, place, required, ty, &schema, String::new());
            if fields.iter().any(|f: &Field| f.ident == field.ident) {
                // A body parameter named like a path one (`AccountSid` of
                // UpdateIncomingPhoneNumber: the account to move the number to).
                field.ident = format!("new_{}", field.ident);
                doc = format!("The {} to move it to.", words(name.trim_end_matches("Sid")));
            }
            field.doc = doc;
            fields.push(field);
        }
        let rules = RULES
            .iter()
            .filter(|(op_id, _, _)| self.src.v2010 && *op_id == id)
            .map(|(_, kind, group)| {
                group
                    .iter()
                    .map(|w| {
                        fields
                            .iter()
                            .find(|f| f.wire == *w)
                            .map(|f| f.ident.clone())
                            .ok_or_else(|| format!("{id}: {kind} names unknown {w}"))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(|idents| (*kind, idents))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut rules = rules;
        let ident_of = |w: &str| {
            fields
                .iter()
                .find(|f| f.wire == w)
                .map(|f| f.ident.clone())
                .ok_or_else(|| format!("{id}: oneOf variant member {w} not declared"))
        };
        for (kind, condition, members) in variant_rules {
            let mut args = Vec::new();
            if let Some((d, values)) = condition {
                let values: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
                args.push(format!("{} = {}", ident_of(&d)?, values.join(" | ")));
            }
            for m in &members {
                args.push(ident_of(m)?);
            }
            rules.push((kind, args));
        }
        // 3xx stays: the add-on payload data answers a documented redirect.
        let status = code;
        let decl_path = path.replace('{', "<").replace('}', ">");
        // SCIM operations send and accept `application/scim+json` (as twilio-python does):
        // the spec says so in the request body or the success response.
        let scim = "application~1scim+json";
        let answers_scim = op
            .get("responses")
            .and_then(Value::as_object)
            .is_some_and(|r| {
                r.iter().any(|(code, r)| {
                    code.starts_with('2') && r.pointer(&format!("/content/{scim}")).is_some()
                })
            });
        let media = (op
            .pointer(&format!("/requestBody/content/{scim}"))
            .is_some()
            || answers_scim)
            .then_some("application/scim+json");
        Ok(Op {
            kind,
            method,
            path: decl_path,
            status,
            fields,
            response,
            rules,
            noun,
            host,
            json,
            auth,
            media,
            json_model,
            helper_call: self
                .spec
                .get("paths")
                .and_then(Value::as_object)
                .and_then(|paths| crate::helpers::call(paths, path, id)),
            meta,
        })
    }

    fn field(
        &self,
        wire: &str,
        place: Place,
        required: bool,
        ty: Ty,
        schema: &Value,
        doc: String,
    ) -> Field {
        let base = wire.trim_end_matches(['<', '>']);
        let mut name = snake(base);
        if wire.ends_with('<') {
            name.push_str("_before");
        } else if wire.ends_with('>') {
            name.push_str("_after");
        }
        if [
            "send",
            "params",
            "with_timeout",
            "with_retry",
            "into_params",
            "stream",
        ]
        .contains(&name.as_str())
        {
            name.push_str("_value");
        }
        let min = schema.get("minimum").and_then(Value::as_i64);
        let max = schema.get("maximum").and_then(Value::as_i64);
        let range = match (min, max) {
            (Some(lo), Some(hi)) => Some(format!("{lo}..={hi}")),
            (Some(lo), None) => Some(format!("{lo}..")),
            (None, Some(hi)) => Some(format!("..={hi}")),
            (None, None) => None,
        };
        Field {
            ident: ident(&name),
            wire: wire.to_owned(),
            place,
            required,
            ty,
            range: range.filter(|_| {
                matches!(
                    &schema.get("type").and_then(Value::as_str),
                    Some("integer" | "number")
                )
            }),
            doc,
            default: schema.get("default").and_then(|d| match d {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Bool(_) | Value::Number(_) => Some(d.to_string()),
                _ => None,
            }),
            deprecated: schema.get("deprecated").and_then(Value::as_bool) == Some(true),
            prefix: map_prefix(schema).map(str::to_owned),
        }
    }

    fn param_type(&mut self, segs: &[String], wire: &str, schema: &Value) -> Result<Ty, String> {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(target) = self.schemas.get(ref_name(r)) {
                if target.get("type").and_then(Value::as_str) == Some("array") {
                    let target = target.clone();
                    return self.param_type(segs, wire, &target);
                }
            }
            let base = if self.is_enum(ref_name(r)) {
                self.enum_ref(segs, ref_name(r))?
            } else {
                TypeRef::Plain("String".into())
            };
            return Ok(Ty { list: false, base });
        }
        let t = schema.get("type").and_then(Value::as_str);
        if t == Some("array") {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            let inner = self.param_type(segs, wire, &items)?;
            return Ok(Ty {
                list: true,
                base: inner.base,
            });
        }
        let format = schema.get("format").and_then(Value::as_str);
        let base = if let Some(sid) = self.sid_type(schema) {
            TypeRef::Runtime("sid", sid.to_owned())
        } else {
            match (t, format) {
                (Some("string"), Some("http-method")) => {
                    TypeRef::Local(vec![], "HttpMethod".into())
                }
                (Some("string"), _) if schema.get("enum").is_some() => {
                    self.inline_enum(segs, wire, schema)?
                }
                (Some("string"), Some("uri")) => TypeRef::Runtime("", "Uri".into()),
                (Some("string"), Some("phone-number" | "endpoint")) => {
                    TypeRef::Runtime("", "PhoneNumber".into())
                }
                (Some("string"), Some("date-time")) => TypeRef::Runtime("", "DateTime".into()),
                (Some("string"), Some("date")) => TypeRef::Runtime("", "Date".into()),
                (Some("string"), _) => TypeRef::Plain("String".into()),
                (Some("boolean"), _) => TypeRef::Plain("bool".into()),
                (Some("integer"), _) => {
                    let negative = schema
                        .get("minimum")
                        .and_then(Value::as_i64)
                        .is_some_and(|m| m < 0);
                    TypeRef::Plain(if negative { "i64" } else { "u32" }.into())
                }
                (Some("number"), _) => TypeRef::Plain("Decimal".into()),
                _ if map_prefix(schema).is_some() => TypeRef::Runtime("", "PrefixedMap".into()),
                _ => TypeRef::Runtime("", "JsonObject".into()),
            }
        };
        Ok(Ty { list: false, base })
    }

    fn enum_ref(&mut self, segs: &[String], schema: &str) -> Result<TypeRef, String> {
        if let Some((owner, name)) = self.enum_owner.get(schema) {
            return Ok(TypeRef::Local(owner.clone(), name.clone()));
        }
        let s = self
            .schemas
            .get(schema)
            .ok_or_else(|| format!("no schema {schema}"))?;
        let values: Vec<String> = s
            .get("enum")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{schema} is not an enum"))?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let module = self.modules.entry(segs.to_vec()).or_default();
        let short = schema
            .split_once("_enum_")
            .map(|(_, s)| pascal(s))
            .unwrap_or_else(|| pascal(schema));
        let taken = |n: &str| {
            module.enums.iter().any(|e| e.name == n) || module.models.iter().any(|m| m.name == n)
        };
        let mut name = if taken(&short) || RESERVED.contains(&short.as_str()) {
            pascal(schema.rsplit('.').next().unwrap_or(schema))
        } else {
            short
        };
        let base = name.clone();
        let mut n = 2;
        while taken(&name) || RESERVED.contains(&name.as_str()) {
            name = format!("{base}{n}");
            n += 1;
        }
        module.enums.push(Enum {
            name: name.clone(),
            schema: schema.to_owned(),
            wire: String::new(),
            values,
        });
        self.enum_owner
            .insert(schema.to_owned(), (segs.to_vec(), name.clone()));
        Ok(TypeRef::Local(segs.to_vec(), name))
    }

    fn model(
        &mut self,
        segs: &[String],
        schema: &str,
        list_key: Option<&String>,
    ) -> Result<TypeRef, String> {
        if let Some((owner, name)) = self.model_owner.get(schema).cloned() {
            if let Some(key) = list_key {
                let m = self
                    .modules
                    .get_mut(&owner)
                    .and_then(|m| m.models.iter_mut().find(|m| m.schema == schema))
                    .ok_or("model vanished")?;
                match &m.list_key {
                    Some(k) if k != key => return Err(format!("{schema} listed as {k} and {key}")),
                    _ => m.list_key = Some(key.clone()),
                }
            }
            return Ok(TypeRef::Local(owner, name));
        }
        let inline;
        let s = match self.schemas.get(schema) {
            Some(s) => s,
            None => {
                inline = self
                    .inline
                    .get(schema)
                    .cloned()
                    .ok_or_else(|| format!("no schema {schema}"))?;
                &inline
            }
        };
        // Sorted here, not by the JSON map, so the output cannot depend on serde_json features.
        let props: BTreeMap<String, Value> = s
            .get("properties")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        for (prop, p) in &props {
            let mut ty = self.model_type(segs, prop, p)?;
            if matches!(ty, ModelTy::Sid(_)) && self.contradicted(schema, prop, p) {
                // The spec's own examples put another kind of SID here: keep the text.
                ty = ModelTy::Scalar(TypeRef::Plain("String".into()));
            }
            let id = ident(&snake(prop));
            fields.push(ModelField {
                name: prop.clone(),
                ident: id,
                doc: model_doc(prop, &ty),
                ty,
            });
        }
        // Named after its fields are read: their enums take their names first.
        let module = self.modules.entry(segs.to_vec()).or_default();
        let base = model_name(schema);
        let mut name = if RESERVED.contains(&base.as_str()) {
            format!("{base}Resource")
        } else {
            base.clone()
        };
        let mut n = 2;
        while module.models.iter().any(|x| x.name == name)
            || module.enums.iter().any(|x| x.name == name)
        {
            name = format!("{base}{n}");
            n += 1;
        }
        self.model_owner
            .insert(schema.to_owned(), (segs.to_vec(), name.clone()));
        let answer_of = self
            .inline
            .contains_key(schema)
            .then(|| schema.trim_end_matches("Response").to_owned());
        module.models.push(Model {
            name: name.clone(),
            schema: schema.to_owned(),
            fields,
            list_key: list_key.cloned(),
            answer_of,
        });
        Ok(TypeRef::Local(segs.to_vec(), name))
    }

    fn model_type(&mut self, segs: &[String], prop: &str, p: &Value) -> Result<ModelTy, String> {
        if let Some(r) = p.get("$ref").and_then(Value::as_str) {
            if !self.is_enum(ref_name(r)) {
                return Ok(ModelTy::Scalar(TypeRef::Plain("serde_json::Value".into())));
            }
            return Ok(ModelTy::Scalar(self.enum_ref(segs, ref_name(r))?));
        }
        if p.get("type").and_then(Value::as_str) == Some("string")
            && p.get("enum").is_some()
            && p.get("format").and_then(Value::as_str) != Some("http-method")
        {
            return Ok(ModelTy::Scalar(self.inline_enum(segs, prop, p)?));
        }
        let t = p.get("type").and_then(Value::as_str);
        let format = p.get("format").and_then(Value::as_str);
        Ok(match (t, format) {
            (Some("array"), _) => {
                let items = p.get("items").cloned().unwrap_or(Value::Null);
                match self.model_type(segs, prop, &items)? {
                    ModelTy::Scalar(inner) => ModelTy::Vec(inner),
                    _ => ModelTy::Vec(TypeRef::Plain("serde_json::Value".into())),
                }
            }
            (Some("string"), Some("date-time-rfc-2822" | "date-time")) => ModelTy::Rfc2822,
            (Some("string"), Some("date")) => ModelTy::Date,
            (Some("string"), Some("http-method")) => {
                ModelTy::Scalar(TypeRef::Local(vec![], "HttpMethod".into()))
            }
            (Some("string"), _) => match self.sid_type(p) {
                Some(sid) => ModelTy::Sid(TypeRef::Runtime("sid", sid)),
                None => ModelTy::Scalar(TypeRef::Plain("String".into())),
            },
            (Some("boolean"), _) => ModelTy::Scalar(TypeRef::Plain("bool".into())),
            (Some("integer"), _) => ModelTy::Scalar(TypeRef::Plain("i64".into())),
            (Some("number"), _) => ModelTy::Decimal,
            (Some("object"), Some("uri-map")) => {
                ModelTy::Scalar(TypeRef::Plain("BTreeMap<String, String>".into()))
            }
            _ => ModelTy::Scalar(TypeRef::Plain("serde_json::Value".into())),
        })
    }
}

/// Whether a response schema written inline is an object with members (a model of its own),
/// not a page (whose items are a referenced schema).
fn is_inline_object(schema: &Value) -> bool {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return false;
    };
    schema.get("type").and_then(Value::as_str) == Some("object")
        && !props.is_empty()
        && !props.values().any(|p| p.pointer("/items/$ref").is_some())
}

/// The key, and the model's name, of an operation's inline response object:
/// `CreateTypingIndicator` → `CreateTypingIndicatorResponse`.
fn inline_model_key(operation_id: &str) -> String {
    format!("{operation_id}Response")
}

/// Example objects of each model schema, from every operation's response examples.
fn examples(paths: &serde_json::Map<String, Value>) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for item in paths.values() {
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let Ok((_, Some(schema))) = response_of(op) else {
                continue;
            };
            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for r in responses.values() {
                let Some(examples) = r
                    .pointer("/content/application~1json/examples")
                    .and_then(Value::as_object)
                else {
                    continue;
                };
                for ex in examples.values().filter_map(|e| e.get("value")) {
                    if is_inline_object(schema) {
                        let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
                        out.entry(inline_model_key(id))
                            .or_default()
                            .push(ex.clone());
                    } else if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
                        out.entry(ref_name(r).to_owned())
                            .or_default()
                            .push(ex.clone());
                    } else if let Some(props) = schema.get("properties").and_then(Value::as_object)
                    {
                        for (key, p) in props {
                            let (Some(r), Some(items)) = (
                                p.pointer("/items/$ref").and_then(Value::as_str),
                                ex.get(key).and_then(Value::as_array),
                            ) else {
                                continue;
                            };
                            out.entry(ref_name(r).to_owned())
                                .or_default()
                                .extend(items.iter().cloned());
                        }
                    }
                }
            }
        }
    }
    out
}

impl Builder<'_> {
    /// The SID type for a `^XX[0-9a-fA-F]{32}$` pattern.
    fn sid_type(&self, schema: &Value) -> Option<String> {
        let pattern = schema.get("pattern").and_then(Value::as_str)?;
        let prefix = crate::sids::prefix(pattern)?;
        self.kinds.name(prefix).map(str::to_owned)
    }

    /// The allowed values of an enum parameter (inline, by `$ref`, or its list's items).
    fn allowed(&self, schema: &Value) -> Vec<String> {
        let s = schema.get("items").unwrap_or(schema);
        let s = match s.get("$ref").and_then(Value::as_str) {
            Some(r) => self.schemas.get(ref_name(r)).unwrap_or(s),
            None => s,
        };
        s.get("enum")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn is_enum(&self, schema: &str) -> bool {
        self.schemas
            .get(schema)
            .is_some_and(|s| s.get("enum").is_some())
    }

    fn is_object(&self, schema: &str) -> bool {
        self.schemas
            .get(schema)
            .is_some_and(|s| s.get("properties").is_some())
    }

    /// A `$ref` to a component schema resolved (one level), or the schema itself.
    fn deref_schema<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with("#/components/schemas/") => {
                self.schemas.get(ref_name(r)).unwrap_or(schema)
            }
            _ => schema,
        }
    }

    fn deref_param(&self, p: &Value) -> Value {
        match p.get("$ref").and_then(Value::as_str) {
            Some(r) => self
                .parameters
                .and_then(|ps| ps.get(ref_name(r)))
                .cloned()
                .unwrap_or(Value::Null),
            None => p.clone(),
        }
    }

    /// An enum written inline on a parameter or property: named after it, in its module.
    fn inline_enum(
        &mut self,
        segs: &[String],
        wire: &str,
        schema: &Value,
    ) -> Result<TypeRef, String> {
        let values: Vec<String> = schema
            .get("enum")
            .and_then(Value::as_array)
            .ok_or("not an enum")?
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            })
            .collect();
        let base = pascal(wire.rsplit('.').next().unwrap_or(wire));
        let module = self.modules.entry(segs.to_vec()).or_default();
        if let Some(e) = module
            .enums
            .iter()
            .find(|e| e.schema.is_empty() && e.values == values && e.name.starts_with(&base))
        {
            return Ok(TypeRef::Local(segs.to_vec(), e.name.clone()));
        }
        let mut name = base.clone();
        let mut n = 2;
        while module.enums.iter().any(|e| e.name == name)
            || module.models.iter().any(|m| m.name == name)
            || RESERVED.contains(&name.as_str())
        {
            name = format!("{base}{n}");
            n += 1;
        }
        module.enums.push(Enum {
            name: name.clone(),
            schema: String::new(),
            wire: wire.to_owned(),
            values,
        });
        Ok(TypeRef::Local(segs.to_vec(), name))
    }

    /// Whether an example of `schema` has a non-empty `prop` that breaks its SID pattern.
    fn contradicted(&self, schema: &str, prop: &str, p: &Value) -> bool {
        let Some(prefix) = p
            .get("pattern")
            .and_then(Value::as_str)
            .map(|pat| pat.trim_start_matches(['^', '(']))
        else {
            return false;
        };
        let accepted: Vec<&str> = prefix
            .split(')')
            .next()
            .unwrap_or("")
            .split('|')
            .map(|a| a.get(..2).unwrap_or(a))
            .collect();
        self.examples.get(schema).into_iter().flatten().any(|ex| {
            ex.get(prop)
                .and_then(Value::as_str)
                .is_some_and(|v| !v.is_empty() && !accepted.iter().any(|a| v.starts_with(a)))
        })
    }
}

/// The path up to the `n`th resource segment (`/Accounts/{AccountSid}` not counted), and for
/// the last one without its trailing `{Sid}`.
fn display_prefix(display: &str, n: usize, last: bool) -> String {
    let account = "/Accounts/{AccountSid}";
    let (head, rest) = match display.strip_prefix(account) {
        Some(rest) => (account, rest),
        None => ("", display),
    };
    let mut out = head.to_owned();
    let mut literals = 0;
    for seg in rest.split('/').filter(|s| !s.is_empty()) {
        if !seg.starts_with('{') {
            if literals == n {
                break;
            }
            literals += 1;
        } else if literals == n && last {
            break;
        }
        out.push('/');
        out.push_str(seg);
    }
    out
}

fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

fn response_of(op: &Value) -> Result<(u16, Option<&Value>), String> {
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or("no responses")?;
    let (code, r) = responses.iter().next().ok_or("empty responses")?;
    let code: u16 = code.parse().map_err(|_| format!("bad status {code}"))?;
    Ok((code, r.pointer("/content/application~1json/schema")))
}

/// `api.v2010.account.call.call_recording` → `Recording`; variants take the parent's name.
fn model_name(schema: &str) -> String {
    let (schema, instance) = match schema.strip_suffix("-instance") {
        Some(s) => (s, true),
        None => (schema, false),
    };
    if !schema.contains('.') {
        return pascal(schema);
    }
    let parts: Vec<&str> = schema.split('.').skip(2).collect();
    let mut name = parts.last().copied().unwrap_or("account").to_owned();
    if let Some(v) = VARIANTS.iter().find(|v| name.ends_with(&format!("_{v}"))) {
        name.truncate(name.len() - v.len() - 1);
    }
    for ancestor in parts.iter().rev().skip(1) {
        let prefix = format!("{ancestor}_");
        if let Some(rest) = name.strip_prefix(&prefix) {
            name = rest.to_owned();
            break;
        }
    }
    if let Some(rest) = name.strip_prefix("sip_") {
        name = rest.to_owned();
    }
    if parts.len() > 1 && name.starts_with("usage_") {
        name = name["usage_".len()..].to_owned();
    }
    let mut out = pascal(&name);
    if instance {
        out.push_str("Details");
    }
    out
}

fn path_doc(name: &str, noun: &str) -> String {
    match name {
        "AccountSid" => "The account; the client's own unless set (subaccounts).".into(),
        "Sid" => format!("The {noun} to act on."),
        "CountryCode" => "The country, as an ISO 3166-1 alpha-2 code.".into(),
        other => {
            let owner = words(other.trim_end_matches("Sid"));
            format!("The {owner} it belongs to.")
        }
    }
}

fn param_doc(
    wire: &str,
    schema: &Value,
    noun: &str,
    place: Place,
    required: bool,
    allowed: &[String],
) -> String {
    let base = wire.trim_end_matches(['<', '>']);
    let lead = match wire {
        "PageSize" => "How many items each page holds; ".to_owned(),
        "Page" => "The page index, only meaningful with the page token it came with; ".to_owned(),
        "PageToken" => "Where the page starts, as given in a previous page's URLs; ".to_owned(),
        w if w.ends_with('<') => format!(
            "Only {} whose {} is before this; ",
            plural(noun),
            words(base)
        ),
        w if w.ends_with('>') => format!(
            "Only {} whose {} is on or after this; ",
            plural(noun),
            words(base)
        ),
        _ => String::new(),
    };
    let where_ = match place {
        Place::Path => "path",
        Place::Query => "query string",
        Place::Form => "form body",
        Place::Json => "JSON body",
        Place::Header => "HTTP header",
    };
    let mut doc = format!(
        "{lead}`{wire}` ({where_}): {}; {}.",
        type_words(schema),
        if required { "required" } else { "optional" }
    );
    doc.push_str(&facts(schema, allowed));
    doc
}

/// The schema's type in a few words: `text (format uri)`, `a list of integers`.
fn type_words(schema: &Value) -> String {
    let t = schema.get("type").and_then(Value::as_str);
    let format = schema.get("format").and_then(Value::as_str);
    let mut out = match t {
        Some("string") => "text".to_owned(),
        Some("integer") => "an integer".to_owned(),
        Some("number") => "a number".to_owned(),
        Some("boolean") => "`true` or `false`".to_owned(),
        Some("array") => format!(
            "a list of {}",
            schema
                .get("items")
                .map_or_else(|| "values".to_owned(), type_words)
        ),
        Some("object") => "a JSON object".to_owned(),
        _ if schema.get("$ref").is_some() => "one of the values listed below".to_owned(),
        _ => "any JSON value".to_owned(),
    };
    if let Some(prefix) = map_prefix(schema) {
        out.push_str(&format!(
            ", sent flattened as `{prefix}.<key>=<value>` pairs"
        ));
    } else if let Some(f) = format {
        out.push_str(&format!(", format `{f}`"));
    }
    out
}

/// Allowed values, default, length, pattern and deprecation, as sentences.
fn facts(schema: &Value, allowed: &[String]) -> String {
    let mut out = String::new();
    if !allowed.is_empty() {
        let list: Vec<String> = allowed.iter().map(|v| format!("`{v}`")).collect();
        out.push_str(&format!(" Allowed values: {}.", list.join(", ")));
    }
    if let Some(d) = schema.get("default") {
        let text = match d {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if !text.is_empty() {
            out.push_str(&format!(" Twilio's default: `{text}`."));
        }
    }
    let min = schema.get("minimum").and_then(Value::as_i64);
    let max = schema.get("maximum").and_then(Value::as_i64);
    match (min, max) {
        (Some(lo), Some(hi)) => out.push_str(&format!(" From {lo} to {hi}.")),
        (Some(lo), None) => out.push_str(&format!(" At least {lo}.")),
        (None, Some(hi)) => out.push_str(&format!(" At most {hi}.")),
        _ => {}
    }
    let min_len = schema.get("minLength").and_then(Value::as_i64);
    let max_len = schema.get("maxLength").and_then(Value::as_i64);
    match (min_len, max_len) {
        (Some(lo), Some(hi)) if lo == hi => out.push_str(&format!(" {lo} characters.")),
        (Some(lo), Some(hi)) => out.push_str(&format!(" {lo} to {hi} characters.")),
        (Some(lo), None) => out.push_str(&format!(" At least {lo} characters.")),
        (None, Some(hi)) => out.push_str(&format!(" At most {hi} characters.")),
        _ => {}
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        match crate::sids::prefixes(p) {
            Some(prefixes) => {
                let named: Vec<String> = prefixes.iter().map(|p| format!("`{p}`")).collect();
                out.push_str(&format!(
                    " A SID: {} and 32 hex digits.",
                    named.join(" or ")
                ));
            }
            None => out.push_str(&format!(" Matches the pattern `{}`.", p.replace('`', "'"))),
        }
    }
    if schema.get("deprecated").and_then(Value::as_bool) == Some(true) {
        out.push_str(" Deprecated by Twilio.");
    }
    out
}

fn model_doc(prop: &str, ty: &ModelTy) -> String {
    let w = crate::names::sentence(&words(prop));
    match ty {
        ModelTy::Rfc2822 => format!("{w} (RFC 2822 on the wire)."),
        ModelTy::Date => format!("{w} (`YYYY-MM-DD`)."),
        ModelTy::Decimal => format!("{w} (a decimal, sent as text or a number)."),
        _ => format!("{w}."),
    }
}

/// Whether the macro derives this wire name from the field name by itself.
pub fn needs_rename(f: &Field) -> bool {
    macro_wire(&f.ident) != f.wire
}

/// Whether a JSON body member travels as a plain value (not an object or a list of them).
fn is_scalar(schema: &Value) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => false,
        Some("array") => schema.get("items").is_some_and(is_scalar),
        None => schema.get("enum").is_some(),
        _ => true,
    }
}

/// A rule the variants of a `oneOf` body imply, by wire names: `(macro option, condition,
/// members)`, the condition being the discriminator and its values (`required_when`,
/// `only_when`), or none (`exactly_one_of`).
type VariantRule = (&'static str, Option<(String, Vec<String>)>, Vec<String>);

/// One object schema for a `oneOf` request body of object variants (messaging v3's typing
/// indicator: WhatsApp or Apple, by `channel`): every variant's members side by side (a member
/// in several variants once, its allowed values joined), required where every variant requires
/// it; and the rules that keep a request to one variant.
///
/// With a discriminator (a member every variant has, whose values name the variant), the rules
/// follow its value: per variant, `required_when` over the members it requires, and, where
/// every variant forbids other members (`additionalProperties: false`), `only_when` over each
/// member some variant lacks, naming the values whose variants have it. Without one, the
/// members that tell the variants apart (per variant, the first member it requires that no
/// other has) get `exactly_one_of`, when every variant has such a member.
fn merge_one_of(variants: &[Value], discriminator: Option<&str>) -> (Value, Vec<VariantRule>) {
    let mut properties = serde_json::Map::new();
    for variant in variants {
        for (name, schema) in variant["properties"].as_object().into_iter().flatten() {
            match properties.get_mut(name) {
                None => {
                    properties.insert(name.clone(), schema.clone());
                }
                Some(seen) => {
                    let more: Vec<Value> = schema["enum"].as_array().cloned().unwrap_or_default();
                    if let Some(values) = seen.get_mut("enum").and_then(Value::as_array_mut) {
                        for v in more {
                            if !values.contains(&v) {
                                values.push(v);
                            }
                        }
                    }
                }
            }
        }
    }
    let required_in = |v: &Value| -> Vec<String> {
        v["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let everywhere: Vec<String> = variants
        .first()
        .map(required_in)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| variants.iter().all(|v| required_in(v).contains(name)))
        .collect();
    let merged = serde_json::json!({
        "type": "object",
        "properties": properties,
        "required": everywhere,
    });
    // A variant's values of the discriminator: its own `enum` of that member.
    let named_by = |v: &Value, d: &str| -> Vec<String> {
        v["properties"][d]["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let discriminator = discriminator.filter(|d| {
        everywhere.iter().any(|r| r == d) && variants.iter().all(|v| !named_by(v, d).is_empty())
    });
    let Some(d) = discriminator else {
        let own: Vec<Option<String>> = variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                required_in(v).into_iter().find(|name| {
                    variants
                        .iter()
                        .enumerate()
                        .all(|(j, other)| j == i || other["properties"].get(name).is_none())
                })
            })
            .collect();
        let rules = if own.iter().all(Option::is_some) && own.len() > 1 {
            vec![("exactly_one_of", None, own.into_iter().flatten().collect())]
        } else {
            Vec::new()
        };
        return (merged, rules);
    };
    let mut rules: Vec<VariantRule> = Vec::new();
    for v in variants {
        let needs: Vec<String> = required_in(v)
            .into_iter()
            .filter(|m| !everywhere.contains(m))
            .collect();
        if !needs.is_empty() {
            rules.push(("required_when", Some((d.to_owned(), named_by(v, d))), needs));
        }
    }
    let closed = variants
        .iter()
        .all(|v| v["additionalProperties"] == Value::Bool(false));
    if closed {
        // Members some variant lacks, grouped by the values whose variants have them.
        let mut only: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        for v in variants {
            for name in v["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(n, _)| n)
            {
                let has = |w: &&Value| w["properties"].get(name).is_some();
                if variants.iter().all(|w| has(&w)) {
                    continue;
                }
                let having: Vec<String> = variants
                    .iter()
                    .filter(has)
                    .flat_map(|w| named_by(w, d))
                    .collect();
                match only.iter_mut().find(|(values, _)| *values == having) {
                    Some((_, members)) if members.contains(name) => {}
                    Some((_, members)) => members.push(name.clone()),
                    None => only.push((having, vec![name.clone()])),
                }
            }
        }
        for (values, members) in only {
            rules.push(("only_when", Some((d.to_owned(), values)), members));
        }
    }
    (merged, rules)
}

/// The class twilio-python generates for a JSON body's schema: the referenced schema's name with
/// each dotted part in PascalCase (`messaging.v2.channels_sender.requests.create` →
/// `MessagingV2ChannelsSenderRequestsCreate`, `ContentCreateRequest` as it is), or the
/// operation id and `Request` for a schema written inline (`CreateReferralConversionRequest`).
fn helper_model_name(body: &Value, operation_id: &str) -> Option<String> {
    let pascal = |name: &str| -> String {
        name.split('.')
            .flat_map(|part| part.split('_'))
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect()
    };
    if let Some(name) = body
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        return Some(pascal(name));
    }
    // An inline schema: the helpers generate a class only when it has members (named by its
    // `title`, else after the operation); for an empty one they have none.
    let members = body
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    members.then(|| match body.get("title").and_then(Value::as_str) {
        Some(title) => pascal(title),
        None => format!("{operation_id}Request"),
    })
}

/// The prefix of a `prefixed-collapsible-map-<Prefix>` object (Lookup's `AddOnsData`): sent
/// flattened, as the official helpers send it, `<Prefix>.<key>=<value>`.
fn map_prefix(schema: &Value) -> Option<&str> {
    schema
        .get("format")?
        .as_str()?
        .strip_prefix("prefixed-collapsible-map-")
        .filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{helper_model_name, merge_one_of, VariantRule};
    use serde_json::json;

    #[test]
    fn a_one_of_body_offers_every_variant_and_tells_them_apart() {
        // The shape of messaging v3's typing indicator: WhatsApp or Apple, by `channel`.
        let whatsapp = json!({
            "required": ["channel", "messageId"],
            "properties": {
                "channel": { "type": "string", "enum": ["WHATSAPP"] },
                "messageId": { "type": "string" }
            }
        });
        let apple = json!({
            "required": ["channel", "from", "to"],
            "properties": {
                "channel": { "type": "string", "enum": ["APPLE"] },
                "from": { "type": "string" },
                "to": { "type": "string" },
                "event": { "type": "string", "enum": ["START", "END"] }
            }
        });
        let (merged, rules) = merge_one_of(&[whatsapp.clone(), apple.clone()], Some("channel"));
        assert_eq!(merged["required"], json!(["channel"]));
        assert_eq!(
            merged["properties"]["channel"]["enum"],
            json!(["WHATSAPP", "APPLE"])
        );
        let mut members: Vec<&String> = merged["properties"]
            .as_object()
            .map(|p| p.keys().collect())
            .unwrap_or_default();
        members.sort();
        assert_eq!(members, ["channel", "event", "from", "messageId", "to"]);
        let when = |kind: &'static str, value: &str, members: &[&str]| -> VariantRule {
            (
                kind,
                Some(("channel".to_owned(), vec![value.to_owned()])),
                members.iter().map(|m| (*m).to_owned()).collect(),
            )
        };
        // Open variants (members beyond their own allowed): only what each requires.
        assert_eq!(
            rules,
            [
                when("required_when", "WHATSAPP", &["messageId"]),
                when("required_when", "APPLE", &["from", "to"]),
            ]
        );
        // Closed variants, as the spec has them: each one's members belong to it alone.
        let closed = |mut v: serde_json::Value| {
            v["additionalProperties"] = json!(false);
            v
        };
        let (_, rules) = merge_one_of(
            &[closed(whatsapp.clone()), closed(apple.clone())],
            Some("channel"),
        );
        assert_eq!(
            rules[2..],
            [
                when("only_when", "WHATSAPP", &["messageId"]),
                // (serde_json's map keeps members sorted)
                when("only_when", "APPLE", &["event", "from", "to"]),
            ]
        );
        // No discriminator: the members that tell the variants apart, exactly one of them.
        let (_, rules) = merge_one_of(&[whatsapp.clone(), apple], None);
        assert_eq!(
            rules,
            [(
                "exactly_one_of",
                None,
                vec!["messageId".to_owned(), "from".to_owned()]
            )]
        );
        // Variants that no member of their own tells apart get no rule.
        let (_, none) = merge_one_of(&[whatsapp.clone(), whatsapp], None);
        assert!(none.is_empty());
    }

    #[test]
    fn json_models_are_named_as_twilio_python_names_them() {
        // Names as twilio-python 9.13.0 has them (numbers/v2/application.py,
        // messaging/v2/channels_sender.py, iam/v1/o_auth_app.py, insights/v2/report.py,
        // marketplace/v1/referral_conversion.py).
        let named =
            |r: &str| helper_model_name(&json!({ "$ref": r }), "Unused").unwrap_or_default();
        assert_eq!(
            named("#/components/schemas/CreateShortCodeApplicationRequest"),
            "CreateShortCodeApplicationRequest"
        );
        assert_eq!(
            named("#/components/schemas/messaging.v2.channels_sender.requests.create"),
            "MessagingV2ChannelsSenderRequestsCreate"
        );
        assert_eq!(
            named("#/components/schemas/iam.v1.account.VendorOauthAppCreateRequest"),
            "IamV1AccountVendorOauthAppCreateRequest"
        );
        assert_eq!(
            named("#/components/schemas/insights.v2.create_account_report_request"),
            "InsightsV2CreateAccountReportRequest"
        );
        let inline =
            |schema: serde_json::Value| helper_model_name(&schema, "CreateReferralConversion");
        let member = json!({ "referral_account_sid": { "type": "string" } });
        // marketplace/v1/referral_conversion.py: no title, named after the operation.
        assert_eq!(
            inline(json!({ "type": "object", "properties": member })).as_deref(),
            Some("CreateReferralConversionRequest")
        );
        // lookups/v2/query.py: the inline schema's title.
        assert_eq!(
            inline(json!({ "type": "object", "title": "LookupRequest", "properties": member }))
                .as_deref(),
            Some("LookupRequest")
        );
        // flex_api/v1/interaction/…/interaction_transfer.py: an empty object has no class.
        assert_eq!(
            inline(
                json!({ "type": "object", "title": "CreateInteractionTransferRequest", "properties": {} })
            ),
            None
        );
    }
}
