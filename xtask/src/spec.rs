//! Reads the spec into a tree of resource modules: their operations (with typed fields), and
//! the models and enums each module owns. Only structure is read: never description prose.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::names::{ident, macro_wire, pascal, plural, singular, snake, words};

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

/// SID types of `runtime::sid` by prefix (`^(SM|MM)` reads as `SM`).
const SIDS: &[(&str, &str)] = &[
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

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum OpKind {
    List,
    Create,
    Fetch,
    Update,
    Delete,
}

impl OpKind {
    pub fn name(self) -> &'static str {
        match self {
            OpKind::List => "list",
            OpKind::Create => "create",
            OpKind::Fetch => "fetch",
            OpKind::Update => "update",
            OpKind::Delete => "delete",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Place {
    Path,
    Query,
    Form,
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
    /// `(macro option, field idents)`: `one_of` or `exactly_one_of`.
    pub rules: Vec<(&'static str, Vec<String>)>,
    /// The resource in words (`call recording`), for docs.
    pub noun: String,
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
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: String,
    pub schema: String,
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
}

pub fn read(spec: &Value) -> Result<Tree, String> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("no components.schemas")?;
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("no paths")?;
    let mut b = Builder {
        schemas,
        examples: examples(paths),
        modules: BTreeMap::new(),
        model_owner: BTreeMap::new(),
        enum_owner: BTreeMap::new(),
    };
    // Modules first (sorted), so ownership of shared schemas is deterministic.
    let mut ops: Vec<(Vec<String>, String, &'static str, &Value)> = Vec::new();
    for (path, item) in paths {
        let segs = module_of(path)?;
        let mut any = false;
        for (method, upper) in [("get", "GET"), ("post", "POST"), ("delete", "DELETE")] {
            if let Some(op) = item.get(method) {
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or("");
                if !HAND_WRITTEN.contains(&id) {
                    ops.push((segs.clone(), path.clone(), upper, op));
                    any = true;
                }
            }
        }
        if any {
            b.ensure(&segs, path);
        }
    }
    ops.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    for (segs, path, method, op) in ops {
        let built = b.op(&segs, &path, method, op)?;
        let module = b.modules.get_mut(&segs).ok_or("module vanished")?;
        if module.ops.iter().any(|o| o.kind == built.kind) {
            return Err(format!(
                "two `{}` operations in {}",
                built.kind.name(),
                segs.join("::")
            ));
        }
        module.ops.push(built);
    }
    for m in b.modules.values_mut() {
        m.ops.sort_by_key(|o| o.kind);
    }
    Ok(Tree { modules: b.modules })
}

/// `/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json` → `calls::recordings`.
fn module_of(path: &str) -> Result<Vec<String>, String> {
    let rest = path
        .strip_prefix("/2010-04-01")
        .ok_or_else(|| format!("unexpected path {path}"))?
        .trim_end_matches(".json");
    let rest = rest.strip_prefix("/Accounts/{AccountSid}").unwrap_or(rest);
    let segs: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .map(snake)
        .collect();
    if segs.is_empty() {
        return Err(format!("no resource in {path}"));
    }
    Ok(segs)
}

struct Builder<'a> {
    schemas: &'a serde_json::Map<String, Value>,
    /// Example response objects per model schema, from the operations' examples.
    examples: BTreeMap<String, Vec<Value>>,
    modules: BTreeMap<Vec<String>, Module>,
    model_owner: BTreeMap<String, (Vec<String>, String)>,
    enum_owner: BTreeMap<String, (Vec<String>, String)>,
}

impl Builder<'_> {
    fn ensure(&mut self, segs: &[String], path: &str) {
        let display = path
            .trim_start_matches("/2010-04-01")
            .trim_end_matches(".json");
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
    ) -> Result<Op, String> {
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
        let instance = path.trim_end_matches(".json").ends_with('}');
        let (code, resp_schema) = response_of(op)?;
        let page = resp_schema.filter(|s| s.get("$ref").is_none());
        let kind = match method {
            "GET" if page.is_some() => OpKind::List,
            "GET" => OpKind::Fetch,
            "POST" if instance => OpKind::Update,
            "POST" => OpKind::Create,
            _ => OpKind::Delete,
        };
        let response = match (resp_schema, page) {
            (None, _) => Response::None,
            (Some(_), Some(p)) => {
                let props = p
                    .get("properties")
                    .and_then(Value::as_object)
                    .ok_or("page without properties")?;
                let (key, items) = props
                    .iter()
                    .find(|(_, v)| v.get("type").and_then(Value::as_str) == Some("array"))
                    .ok_or_else(|| format!("{id}: page without an item array"))?;
                let item_ref = items
                    .pointer("/items/$ref")
                    .and_then(Value::as_str)
                    .ok_or("page items without $ref")?;
                let t = self.model(segs, ref_name(item_ref), Some(key))?;
                Response::Page(t)
            }
            (Some(s), None) => {
                let r = s
                    .get("$ref")
                    .and_then(Value::as_str)
                    .ok_or("response without $ref")?;
                Response::One(self.model(segs, ref_name(r), None)?)
            }
        };
        let noun = match &response {
            Response::One(TypeRef::Local(_, n)) | Response::Page(TypeRef::Local(_, n)) => words(n),
            _ => self
                .modules
                .get(segs)
                .and_then(|m| m.models.first())
                .map(|m| words(&m.name))
                .unwrap_or_else(|| words(&singular(segs.last().map(String::as_str).unwrap_or("")))),
        };
        let mut fields = Vec::new();
        // Path parameters, in path order.
        let params: Vec<&Value> = op
            .get("parameters")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
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
            let ty = self.param_type(segs, &schema)?;
            let required = *name != "AccountSid";
            let doc = path_doc(name, &noun);
            fields.push(self.field(name, Place::Path, required, ty, &schema, doc));
        }
        // Query parameters (required first, then the rest), or the form body.
        let mut rest = Vec::new();
        for p in &params {
            if p.get("in").and_then(Value::as_str) != Some("query") {
                if p.get("in").and_then(Value::as_str) != Some("path") {
                    return Err(format!("{id}: unsupported parameter location"));
                }
                continue;
            }
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .ok_or("nameless parameter")?;
            let schema = p.get("schema").cloned().unwrap_or(Value::Null);
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            rest.push((name.to_owned(), Place::Query, required, schema));
        }
        if let Some(body) =
            op.pointer("/requestBody/content/application~1x-www-form-urlencoded/schema")
        {
            let required: Vec<&str> = body
                .get("required")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = body.get("properties").and_then(Value::as_object) {
                for (name, schema) in props {
                    rest.push((
                        name.clone(),
                        Place::Form,
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
            let ty = self.param_type(segs, &schema)?;
            let mut doc = param_doc(&name, &schema, &noun);
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
            .filter(|(op_id, _, _)| *op_id == id)
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
        // 3xx stays: the add-on payload data answers a documented redirect.
        let status = code;
        let decl_path = path.replace('{', "<").replace('}', ">");
        Ok(Op {
            kind,
            method,
            path: decl_path,
            status,
            fields,
            response,
            rules,
            noun,
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
        }
    }

    fn param_type(&mut self, segs: &[String], schema: &Value) -> Result<Ty, String> {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            return Ok(Ty {
                list: false,
                base: self.enum_ref(segs, ref_name(r))?,
            });
        }
        let t = schema.get("type").and_then(Value::as_str);
        if t == Some("array") {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            let inner = self.param_type(segs, &items)?;
            return Ok(Ty {
                list: true,
                base: inner.base,
            });
        }
        let format = schema.get("format").and_then(Value::as_str);
        let base = if let Some(sid) = sid_type(schema) {
            TypeRef::Runtime("sid", sid.to_owned())
        } else {
            match (t, format) {
                (Some("string"), Some("http-method")) => {
                    TypeRef::Local(vec![], "HttpMethod".into())
                }
                (Some("string"), _) if schema.get("enum").is_some() => {
                    return Err("inline string enum outside Payments".into())
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
        let name = if taken(&short)
            || ["Create", "Fetch", "List", "Update", "Delete"].contains(&short.as_str())
        {
            pascal(schema)
        } else {
            short
        };
        module.enums.push(Enum {
            name: name.clone(),
            schema: schema.to_owned(),
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
        let name = model_name(schema);
        self.model_owner
            .insert(schema.to_owned(), (segs.to_vec(), name.clone()));
        let s = self
            .schemas
            .get(schema)
            .ok_or_else(|| format!("no schema {schema}"))?;
        // Sorted here, not by the JSON map, so the output cannot depend on serde_json features.
        let props: BTreeMap<String, Value> = s
            .get("properties")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        for (prop, p) in &props {
            let mut ty = self.model_type(segs, p)?;
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
        let module = self.modules.entry(segs.to_vec()).or_default();
        module.models.push(Model {
            name: name.clone(),
            schema: schema.to_owned(),
            fields,
            list_key: list_key.cloned(),
        });
        Ok(TypeRef::Local(segs.to_vec(), name))
    }

    fn model_type(&mut self, segs: &[String], p: &Value) -> Result<ModelTy, String> {
        if let Some(r) = p.get("$ref").and_then(Value::as_str) {
            return Ok(ModelTy::Scalar(self.enum_ref(segs, ref_name(r))?));
        }
        let t = p.get("type").and_then(Value::as_str);
        let format = p.get("format").and_then(Value::as_str);
        Ok(match (t, format) {
            (Some("array"), _) => {
                let items = p.get("items").cloned().unwrap_or(Value::Null);
                match self.model_type(segs, &items)? {
                    ModelTy::Scalar(inner) => ModelTy::Vec(inner),
                    _ => ModelTy::Vec(TypeRef::Plain("serde_json::Value".into())),
                }
            }
            (Some("string"), Some("date-time-rfc-2822")) => ModelTy::Rfc2822,
            (Some("string"), Some("date")) => ModelTy::Date,
            (Some("string"), Some("http-method")) => {
                ModelTy::Scalar(TypeRef::Local(vec![], "HttpMethod".into()))
            }
            (Some("string"), _) => match sid_type(p) {
                Some(sid) => ModelTy::Sid(TypeRef::Runtime("sid", sid.to_owned())),
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

/// Example objects of each model schema, from every operation's response examples.
fn examples(paths: &serde_json::Map<String, Value>) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for item in paths.values() {
        for method in ["get", "post", "delete"] {
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
                    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
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

/// The SID type for a `^XX[0-9a-fA-F]{32}$` pattern.
fn sid_type(schema: &Value) -> Option<&'static str> {
    let pattern = schema.get("pattern").and_then(Value::as_str)?;
    let prefix = pattern
        .strip_prefix("^(")
        .or_else(|| pattern.strip_prefix('^'))?;
    let prefix = prefix.get(..2)?;
    SIDS.iter().find(|(p, _)| *p == prefix).map(|(_, t)| *t)
}

/// `api.v2010.account.call.call_recording` → `Recording`; variants take the parent's name.
fn model_name(schema: &str) -> String {
    let (schema, instance) = match schema.strip_suffix("-instance") {
        Some(s) => (s, true),
        None => (schema, false),
    };
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

fn param_doc(wire: &str, schema: &Value, noun: &str) -> String {
    let base = wire.trim_end_matches(['<', '>']);
    let mut doc = match wire {
        "PageSize" => "How many items each page holds.".to_owned(),
        "Page" => "The page index; only meaningful with the page token it came with.".to_owned(),
        "PageToken" => "Where the page starts, as given in a previous page's URIs.".to_owned(),
        w if w.ends_with('<') => format!(
            "Only {} whose {} is before this.",
            plural(noun),
            words(base)
        ),
        w if w.ends_with('>') => format!(
            "Only {} whose {} is on or after this.",
            plural(noun),
            words(base)
        ),
        _ => format!("{}.", crate::names::sentence(&words(wire))),
    };
    if let Some(d) = schema.get("default") {
        let text = match d {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        doc.push_str(&format!(" Twilio's default: `{text}`."));
    }
    doc
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
