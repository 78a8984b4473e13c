//! Expansion: model → checks → generated code. Errors are collected and emitted together with
//! the code; when the declaration itself parsed, the full expansion is still emitted (with an
//! unreachable path writer if the template is broken) so that callers see only the real error.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Fields, Ident, ItemStruct};

use crate::docs::{self, Place};
use crate::model::{self, snake_case, type_name, type_text, Args, Field, Method};
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

struct Expander {
    args: Args,
    item: ItemStruct,
    fields: Vec<Field>,
    errors: Vec<syn::Error>,
    /// Template pieces, `None` when the template is malformed.
    pieces: Option<Vec<Piece>>,
    /// Placeholder name → field index.
    bound: HashMap<String, usize>,
    /// Whether the `<AccountSid>` path field defaults to the client's account.
    account_default: Option<usize>,
    /// Whether a body parameter shares the `<AccountSid>` field's wire name.
    shadowed_account: bool,
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

    fn required(&self, index: usize) -> bool {
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

        // --- the struct, with serde attributes and docs ---
        let places: Vec<Place> = (0..self.fields.len()).map(|i| self.place(i)).collect();
        let doc_rows: Vec<(&Field, Place, bool)> = self
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f, places[i], self.required(i)))
            .collect();
        let response_text = match &self.args.response {
            Some(t) => format!("[`{}`]", type_text(t)),
            None if method == Method::Delete => "nothing".to_owned(),
            None => "JSON".to_owned(),
        };
        let struct_docs = docs::struct_docs(
            &docs::Overview {
                method,
                path: &path,
                response: &response_text,
                status,
                fn_name: &fn_ident.to_string(),
                builder: &builder_ident.to_string(),
                idempotent: idem.is_some(),
            },
            &doc_rows,
        );
        let summary = model::doc_lines(&self.item.attrs);
        let mut extra_derives = Vec::new();
        if !model::derives(&self.item.attrs, "Debug") {
            extra_derives.push(quote!(::core::fmt::Debug));
        }
        if !model::derives(&self.item.attrs, "Clone") {
            extra_derives.push(quote!(::core::clone::Clone));
        }
        if let Fields::Named(named) = &mut self.item.fields {
            for (i, f) in named.named.iter_mut().enumerate() {
                let wire = &self.fields[i].wire;
                let attr = if places[i] == Place::Path {
                    if self.shadowed_account && self.account_default == Some(i) {
                        quote!(#[serde(skip)])
                    } else if self.fields[i].optional {
                        quote!(#[serde(rename = #wire, skip_serializing, default)])
                    } else {
                        quote!(#[serde(rename = #wire, skip_serializing)])
                    }
                } else if self.fields[i].optional {
                    quote!(#[serde(rename = #wire, default, skip_serializing_if = "::core::option::Option::is_none")])
                } else {
                    quote!(#[serde(rename = #wire)])
                };
                f.attrs.push(syn::parse_quote!(#attr));
            }
        }
        // The generated sections follow the declaration's own docs.
        for line in &struct_docs {
            self.item.attrs.push(syn::parse_quote!(#[doc = #line]));
        }
        let item = &self.item;
        let serde_crate = "::runtime::__private::serde";
        let struct_out = quote! {
            #[derive(#q::serde::Serialize, #q::serde::Deserialize, #(#extra_derives),*)]
            #[serde(crate = #serde_crate)]
            #item
        };

        // --- Endpoint impl ---
        let method_tokens = match method {
            Method::Get => quote!(#q::Method::Get),
            Method::Post => quote!(#q::Method::Post),
            Method::Delete => quote!(#q::Method::Delete),
        };
        let param_infos = self.fields.iter().enumerate().map(|(i, f)| {
            let field = f.ident.to_string();
            let wire = &f.wire;
            let inner = &f.inner;
            let location = match places[i] {
                Place::Path => quote!(#q::Location::Path),
                Place::Form => quote!(#q::Location::Form),
                Place::Query => quote!(#q::Location::Query),
            };
            let required = self.required(i);
            let range = range_tokens(&q, f);
            let rust_type = type_text(&f.ty);
            quote! {
                #q::ParamInfo {
                    field: #field,
                    wire_name: #wire,
                    location: #location,
                    kind: <#inner as #q::ParamType>::KIND,
                    required: #required,
                    range: #range,
                    rust_type: #rust_type,
                }
            }
        });
        let write_path = match &self.pieces {
            Some(pieces) => {
                let steps = pieces.iter().map(|p| match p {
                    Piece::Literal(text) => quote!(out.push_str(#text);),
                    Piece::Placeholder { name, .. } => {
                        let i = self.bound[name];
                        let ident = &self.fields[i].ident;
                        // Spanned on the field's type, so a type that cannot be a segment is
                        // reported there.
                        let value = if self.account_default == Some(i) {
                            quote!(self.#ident.as_ref().unwrap_or(account))
                        } else {
                            quote_spanned!(self.fields[i].ty.span()=> &self.#ident)
                        };
                        quote!(#q::segment(out, &mut errors, #name, #value);)
                    }
                });
                quote! {
                    let mut errors = #q::InvalidParams::default();
                    #(#steps)*
                    errors.into_result()
                }
            }
            None => {
                quote!(let _ = (account, out); ::core::unreachable!("the path template did not compile"))
            }
        };
        let range_checks = self.fields.iter().filter_map(|f| {
            let range = range_value(&q, f.range.as_ref()?);
            let ident = &f.ident;
            let wire = &f.wire;
            let value = if f.optional {
                quote!(self.#ident.as_ref())
            } else {
                quote!(::core::option::Option::Some(&self.#ident))
            };
            Some(quote!(#q::range(&mut errors, #wire, #value, #range);))
        });
        let one_of_wires: Vec<Vec<String>> = self
            .args
            .one_of
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|id| {
                        self.fields
                            .iter()
                            .find(|f| &f.ident == id)
                            .map(|f| f.wire.clone())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect();
        let one_of_checks = self.args.one_of.iter().zip(&one_of_wires).map(|(group, wires)| {
            quote!(#q::one_of(&mut errors, &[#(#wires),*], &[#(self.#group.is_some()),*]);)
        });
        let one_of_info = one_of_wires.iter().map(|wires| quote!(&[#(#wires),*]));
        let idem_body = match idem {
            Some(i) => {
                let ident = &self.fields[i].ident;
                if self.fields[i].optional {
                    quote!(self.#ident.as_ref().map(|k| k.as_str()))
                } else {
                    quote!(::core::option::Option::Some(self.#ident.as_str()))
                }
            }
            None => quote!(::core::option::Option::None),
        };
        let name_text = struct_ident.to_string();
        let fn_text = fn_ident.to_string();
        let response_name = type_text(&response_ty);
        let idem_flag = idem.is_some();
        let endpoint_impl = quote! {
            impl #q::Endpoint for #struct_ident {
                type Response = #response_ty;
                const INFO: #q::EndpointInfo = #q::EndpointInfo {
                    name: ::core::concat!(::core::module_path!(), "::", #name_text),
                    function: #fn_text,
                    method: #method_tokens,
                    path: #path,
                    params: &[#(#param_infos),*],
                    response: #response_name,
                    status: #status,
                    idempotency_key: #idem_flag,
                    one_of: &[#(#one_of_info),*],
                    erased: #q::Erased::of::<Self>(),
                };
                fn write_path(&self, account: &#q::AccountSid, out: &mut ::std::string::String) -> ::core::result::Result<(), #q::InvalidParams> {
                    #write_path
                }
                fn validate(&self) -> ::core::result::Result<(), #q::InvalidParams> {
                    let mut errors = #q::InvalidParams::default();
                    #(#range_checks)*
                    #(#one_of_checks)*
                    errors.into_result()
                }
                fn idempotency_key(&self) -> ::core::option::Option<&str> {
                    #idem_body
                }
            }
            #q::inventory::submit! { #q::Registration(&<#struct_ident as #q::Endpoint>::INFO) }
        };

        // --- builder and start function ---
        let required_idx: Vec<usize> = (0..self.fields.len())
            .filter(|&i| self.required(i))
            .collect();
        let req_fields: Vec<&Field> = required_idx.iter().map(|&i| &self.fields[i]).collect();
        let fn_docs = docs::fn_docs(&summary, method, &path, &name_text, &req_fields);
        let fn_args = req_fields.iter().map(|f| {
            let ident = &f.ident;
            let inner = &f.inner;
            quote!(#ident: impl #q::IntoParam<#inner>)
        });
        let converts = req_fields.iter().map(|f| {
            let ident = &f.ident;
            let wire = &f.wire;
            quote!(let #ident = #q::required(&mut errors, #wire, #ident);)
        });
        let req_idents: Vec<&Ident> = req_fields.iter().map(|f| &f.ident).collect();
        let opt_idents: Vec<&Ident> = self
            .fields
            .iter()
            .filter(|f| f.optional)
            .map(|f| &f.ident)
            .collect();
        let construct = if req_idents.is_empty() {
            quote! {
                let params = ::core::result::Result::Ok(#struct_ident { #(#opt_idents: ::core::option::Option::None),* });
            }
        } else {
            quote! {
                let mut errors = #q::InvalidParams::default();
                #(#converts)*
                let params = match (#(#req_idents),*,) {
                    (#(::core::option::Option::Some(#req_idents)),*,) => ::core::result::Result::Ok(#struct_ident {
                        #(#req_idents,)*
                        #(#opt_idents: ::core::option::Option::None,)*
                    }),
                    _ => ::core::result::Result::Err(errors),
                };
            }
        };
        let setters = self.fields.iter().filter(|f| f.optional).map(|f| {
            let ident = &f.ident;
            let inner = &f.inner;
            let wire = &f.wire;
            let d = docs::setter_docs(f);
            quote! {
                #(#[doc = #d])*
                pub fn #ident(mut self, value: impl #q::IntoParam<#inner>) -> Self {
                    #q::set(&mut self.params, #wire, value, |p: &mut #struct_ident, v| p.#ident = ::core::option::Option::Some(v));
                    self
                }
            }
        });
        let builder_doc = format!("A `{} {}` request being built by [`{fn_text}`]: set optional parameters, then [`send`](Self::send) it.", method.as_str(), path.replace('<', "{").replace('>', "}"));
        let stream_method = if self.args.paged {
            quote! {
                /// Every item of every page, fetched lazily one page at a time through `client`
                /// (with its retries and timeouts). Set the page size with `page_size` and cap the
                /// total with [`limit`](::runtime::Items::limit).
                pub fn stream(&self, client: &::runtime::Client) -> ::runtime::Items<<#response_ty as #q::Paged>::Item> {
                    #q::stream(client, self.params.as_ref(), &self.options)
                }
            }
        } else {
            quote!()
        };
        let builder = quote! {
            #[doc = #builder_doc]
            #[must_use = "a request does nothing until it is sent"]
            #[derive(::core::fmt::Debug, ::core::clone::Clone)]
            #vis struct #builder_ident {
                params: ::core::result::Result<#struct_ident, #q::InvalidParams>,
                options: #q::CallOptions,
            }

            impl #builder_ident {
                #(#setters)*

                /// Overrides the client's per-attempt timeout for this call.
                pub fn with_timeout(mut self, timeout: ::core::time::Duration) -> Self {
                    self.options.timeout = ::core::option::Option::Some(timeout);
                    self
                }

                /// Overrides the client's retry policy for this call.
                pub fn with_retry(mut self, policy: ::runtime::RetryPolicy) -> Self {
                    self.options.retry = ::core::option::Option::Some(policy);
                    self
                }

                /// The parameters as set so far, or every value refused so far.
                pub fn params(&self) -> ::core::result::Result<&#struct_ident, &#q::InvalidParams> {
                    self.params.as_ref()
                }

                /// Takes the parameters out (to send with [`runtime::Client::execute`], say).
                pub fn into_params(self) -> ::core::result::Result<#struct_ident, #q::InvalidParams> {
                    self.params
                }

                #stream_method

                /// Sends the request through `client` (with its retries and timeouts) and decodes the answer.
                pub async fn send(&self, client: &::runtime::Client) -> ::core::result::Result<#response_ty, ::runtime::Error> {
                    match &self.params {
                        ::core::result::Result::Ok(params) => client.execute(params, &self.options).await,
                        ::core::result::Result::Err(errors) => ::core::result::Result::Err(#q::invalid(errors)),
                    }
                }
            }

            #(#[doc = #fn_docs])*
            #vis fn #fn_ident(#(#fn_args),*) -> #builder_ident {
                #construct
                #builder_ident { params, options: ::core::default::Default::default() }
            }
        };

        let errs = self.errors.iter().map(syn::Error::to_compile_error);
        quote! {
            #struct_out
            #endpoint_impl
            #builder
            #(#errs)*
        }
    }
}

fn range_tokens(q: &TokenStream, f: &Field) -> TokenStream {
    match &f.range {
        None => quote!(::core::option::Option::None),
        Some(r) => {
            let value = range_value(q, r);
            quote!(::core::option::Option::Some(#value))
        }
    }
}

fn range_value(q: &TokenStream, r: &model::RangeSpec) -> TokenStream {
    let opt = |v: Option<i128>| match v {
        Some(n) => {
            let lit = proc_macro2::Literal::i128_unsuffixed(n);
            quote!(::core::option::Option::Some(#lit))
        }
        None => quote!(::core::option::Option::None),
    };
    let min = opt(r.min);
    let max = opt(r.max);
    let inclusive = r.inclusive;
    quote!(#q::Range { min: #min, max: #max, max_inclusive: #inclusive })
}
