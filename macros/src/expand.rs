//! Expansion: model → checks → generated code. Errors are collected and emitted together with
//! the code; when the declaration itself parsed, the full expansion is still emitted (with an
//! unreachable path writer if the template is broken) so that callers see only the real error.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Fields, Ident, ItemStruct};

use crate::docs::Place;
use crate::emit::{self, Plan};
use crate::model::{self, snake_case, type_name, Args, Field, Method};
use crate::template::{self, Piece};

/// Names the builder defines itself; a parameter field cannot take them.
const RESERVED: &[&str] = &[
    "send",
    "params",
    "with_timeout",
    "with_retry",
    "into_params",
];

pub fn endpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut item: ItemStruct = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let err = syn::Error::new(
                Span::call_site(),
                "#[twilio_endpoint] goes on a struct with named fields",
            )
            .to_compile_error();
            return quote!(#err #input);
        }
    };
    let mut errors: Vec<syn::Error> = Vec::new();
    let args = match syn::parse2::<Args>(args) {
        Ok(a) => Some(a),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if !item.generics.params.is_empty() {
        errors.push(syn::Error::new(
            item.generics.span(),
            "an endpoint params struct cannot be generic",
        ));
    }
    let mut fields = Vec::new();
    match &mut item.fields {
        Fields::Named(named) => {
            for f in named.named.iter_mut() {
                if let Some(field) = model::field(f, &mut errors) {
                    fields.push(field);
                }
            }
        }
        _ => errors.push(syn::Error::new(
            item.ident.span(),
            "an endpoint params struct has named fields, one per parameter",
        )),
    }
    let Some(args) = args else {
        return fallback(&item, errors);
    };
    if !matches!(item.fields, Fields::Named(_)) {
        return fallback(&item, errors);
    }
    Expander::new(args, item, fields, errors).expand()
}

/// The struct alone, with `#[twilio]` attributes stripped, plus the errors.
fn fallback(item: &ItemStruct, errors: Vec<syn::Error>) -> TokenStream {
    let errs = errors.iter().map(syn::Error::to_compile_error);
    quote!(#item #(#errs)*)
}

pub(crate) struct Expander {
    pub(crate) args: Args,
    pub(crate) item: ItemStruct,
    pub(crate) fields: Vec<Field>,
    pub(crate) errors: Vec<syn::Error>,
    /// Template pieces, `None` when the template is malformed.
    pub(crate) pieces: Option<Vec<Piece>>,
    /// Placeholder name → field index.
    pub(crate) bound: HashMap<String, usize>,
    /// Whether the `<AccountSid>` path field defaults to the client's account.
    pub(crate) account_default: Option<usize>,
    /// Whether a body parameter shares the `<AccountSid>` field's wire name.
    pub(crate) shadowed_account: bool,
}

impl Expander {
    fn new(args: Args, item: ItemStruct, fields: Vec<Field>, errors: Vec<syn::Error>) -> Self {
        Self {
            args,
            item,
            fields,
            errors,
            pieces: None,
            bound: HashMap::new(),
            account_default: None,
            shadowed_account: false,
        }
    }

    fn place(&self, index: usize) -> Place {
        if self.bound.values().any(|&i| i == index) {
            Place::Path
        } else if self.args.method == Method::Post {
            Place::Form
        } else {
            Place::Query
        }
    }

    pub(crate) fn required(&self, index: usize) -> bool {
        !self.fields[index].optional
    }

    /// Parses the template and binds each placeholder to a field.
    fn check_template(&mut self) {
        let lit = self.args.path.clone();
        let pieces = match template::parse(&lit.value()) {
            Ok(p) => p,
            Err(problems) => {
                for p in problems {
                    self.errors.push(template::error_at(
                        &lit,
                        p.start,
                        p.end,
                        "malformed path template",
                        &p.message,
                        None,
                    ));
                }
                return;
            }
        };
        let mut ok = true;
        for piece in &pieces {
            let Piece::Placeholder { name, start, end } = piece else {
                continue;
            };
            if self.bound.contains_key(name) {
                self.errors.push(template::error_at(
                    &lit,
                    *start,
                    *end,
                    &format!("duplicate placeholder `<{name}>`"),
                    "appears a second time here",
                    Some("each placeholder appears once; a path cannot repeat a value"),
                ));
                ok = false;
                continue;
            }
            match self.fields.iter().position(|f| &f.wire == name) {
                Some(i) => {
                    self.bound.insert(name.clone(), i);
                }
                None => {
                    ok = false;
                    let wanted = snake_case(name);
                    let nearest = self
                        .fields
                        .iter()
                        .map(|f| (strsim::levenshtein(&wanted, &f.ident.to_string()), f))
                        .filter(|(d, _)| *d <= 2.max(wanted.len() / 3))
                        .min_by_key(|(d, _)| *d)
                        .map(|(_, f)| f);
                    let (label, help) = match nearest {
                        Some(f) => (
                            format!("did you mean `<{}>`?", f.wire),
                            format!("the field `{}` binds `<{}>`; or mark it `#[twilio(rename = \"{name}\")]`", f.ident, f.wire),
                        ),
                        None => (
                            format!("no field `{wanted}`"),
                            format!("add a field `{wanted}` to `{}`, or mark an existing one `#[twilio(rename = \"{name}\")]`", self.item.ident),
                        ),
                    };
                    self.errors.push(template::error_at(
                        &lit,
                        *start,
                        *end,
                        &format!("no field for placeholder `<{name}>`"),
                        &label,
                        Some(&help),
                    ));
                }
            }
        }
        // Path field types.
        let mut bound: Vec<(String, usize)> =
            self.bound.iter().map(|(k, v)| (k.clone(), *v)).collect();
        bound.sort_by_key(|(_, i)| *i);
        for (name, i) in bound {
            let f = &self.fields[i];
            let before = self.errors.len();
            if f.optional {
                if name == "AccountSid" && type_name(&f.inner).as_deref() == Some("AccountSid") {
                    self.account_default = Some(i);
                } else {
                    self.errors.push(syn::Error::new(
                        f.ty.span(),
                        format!("`{}` fills `<{name}>` in the path, so it cannot be optional\n       = note: only `<AccountSid>` may be `Option<AccountSid>` (it then defaults to the client's account)", f.ident),
                    ));
                }
            } else if matches!(
                type_name(&f.inner).as_deref(),
                Some("Vec" | "SpaceSeparated" | "CommaSeparated" | "HashMap" | "BTreeMap")
            ) {
                self.errors.push(syn::Error::new(
                    f.ty.span(),
                    format!(
                        "`{}` fills `<{name}>` in the path, but a list cannot be one path segment",
                        f.ident
                    ),
                ));
            }
            if self.errors.len() > before {
                ok = false;
            }
        }
        if ok {
            self.pieces = Some(pieces);
        }
    }

    fn check_fields(&mut self) {
        for f in &self.fields {
            let name = f.ident.to_string();
            if RESERVED.contains(&name.as_str()) || (self.args.paged && name == "stream") {
                self.errors.push(syn::Error::new(f.span(), format!("a parameter field cannot be named `{name}`: the request builder has a method of that name; name it otherwise and use `#[twilio(rename = \"…\")]`")));
            }
        }
        let mut wires: HashMap<&str, &Ident> = HashMap::new();
        for (i, f) in self.fields.iter().enumerate() {
            // `<AccountSid>` defaulting to the client's account may share its wire name with a
            // body parameter (UpdateIncomingPhoneNumber moves a number to `AccountSid`).
            let shares_with_account = self.account_default.is_some_and(|a| {
                a != i && self.fields[a].wire == f.wire && !self.bound.values().any(|&b| b == i)
            });
            if shares_with_account {
                self.shadowed_account = true;
                continue;
            }
            if let Some(prev) = wires.insert(f.wire.as_str(), &f.ident) {
                self.errors.push(syn::Error::new(
                    f.span(),
                    format!(
                        "`{}` and `{prev}` have the same wire name `{}`",
                        f.ident, f.wire
                    ),
                ));
            }
        }
        for group in &self.args.one_of {
            for ident in group {
                match self.fields.iter().find(|f| &f.ident == ident) {
                    None => self.errors.push(syn::Error::new(
                        ident.span(),
                        format!("`one_of`: no field `{ident}`"),
                    )),
                    Some(f) if !f.optional => self.errors.push(syn::Error::new(
                        ident.span(),
                        format!(
                            "`one_of`: `{ident}` is required anyway; list optional fields only"
                        ),
                    )),
                    Some(_) => {}
                }
            }
        }
    }

    fn expand(mut self) -> TokenStream {
        self.check_template();
        self.check_fields();
        let q = quote!(::runtime::__private);
        let struct_ident = self.item.ident.clone();
        let vis = self.item.vis.clone();
        let method = self.args.method;
        let path = self.args.path.value();
        let fn_ident = self.args.fn_name.clone().unwrap_or_else(|| {
            format_ident!(
                "{}",
                snake_case(&struct_ident.to_string()),
                span = struct_ident.span()
            )
        });
        let builder_ident = format_ident!("{}Request", struct_ident);
        let response_ty: syn::Type = match (&self.args.response, method) {
            (Some(t), _) => t.clone(),
            (None, Method::Delete) => syn::parse_quote!(()),
            (None, _) => syn::parse_quote!(#q::serde_json::Value),
        };
        let status: u16 = match &self.args.status {
            Some(lit) => lit.base10_parse().unwrap_or(200),
            None => match method {
                Method::Delete => 204,
                _ => 200,
            },
        };
        let idem = self.fields.iter().position(|f| f.wire == "IdempotencyKey");

        let places: Vec<Place> = (0..self.fields.len()).map(|i| self.place(i)).collect();
        let plan = Plan {
            q,
            struct_ident,
            vis,
            method,
            path,
            fn_ident,
            builder_ident,
            response_ty,
            status,
            idem,
            places,
            summary: model::doc_lines(&self.item.attrs),
        };
        let params_struct = emit::params_struct(&mut self, &plan);
        let endpoint_impl = emit::endpoint_impl(&self, &plan);
        let builder = emit::builder(&self, &plan);
        let errs = self.errors.iter().map(syn::Error::to_compile_error);
        quote! {
            #params_struct
            #endpoint_impl
            #builder
            #(#errs)*
        }
    }
}
