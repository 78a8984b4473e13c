//! Code generation from a checked declaration (nothing else is read): the params struct with
//! its serde attributes and docs, the `Endpoint` impl with its registry entry, the request
//! builder with its start function, and (under runtime's `reflect` feature) `FromWire`.
//!
//! Kept small on purpose, as 1,447 declarations are compiled together: setters are one
//! statement without closures, `send` returns the runtime's one generic future instead of an
//! `async` body per declaration, and the methods a client never calls are `#[inline]`, so none
//! is code-generated in the declaring crate unless used.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::Fields;

use super::docs;
use super::model::{Body, Endpoint, Location, Param};
use super::parse::derives;
use super::template::Piece;
use crate::ty::type_text;

/// Everything a declaration expands to.
pub fn endpoint(e: &Endpoint) -> TokenStream {
    let q = private(e);
    let item = params_struct(e, &q);
    let endpoint = endpoint_impl(e, &q);
    let builder = builder(e, &q);
    let from_wire = from_wire(e, &q);
    quote! {
        #item
        #endpoint
        #builder
        #from_wire
    }
}

/// `<runtime>::__private`, the only path generated code names.
pub fn private(e: &Endpoint) -> TokenStream {
    let krate = &e.krate;
    quote!(#krate::__private)
}

/// The params struct and its `Serialize` impl (the body: every parameter that is neither in
/// the path nor a header, in declaration order, `None` skipped).
///
/// `Serialize` is written here rather than derived: the macro already knows every field and
/// its wire name, and skipping serde_derive's second parse and larger body is a measurable part
/// of compiling 1,447 declarations. serde's derive still writes `Deserialize` when runtime has
/// its `reflect` feature (a server rebuilding requests); only then are the fields given
/// `#[serde]` attributes, so `__private::params_struct!` receives both versions of the struct.
fn params_struct(e: &Endpoint, q: &TokenStream) -> TokenStream {
    let mut plain = e.item.clone();
    let mut derive = Vec::new();
    if !derives(&plain.attrs, "Debug") {
        derive.push(quote!(::core::fmt::Debug));
    }
    if !derives(&plain.attrs, "Clone") {
        derive.push(quote!(::core::clone::Clone));
    }
    // One attribute per item for the generated text (not one per line): 1,447 declarations
    // carry thousands of doc lines, and each attribute costs the compiler a little.
    let generated = docs::struct_docs(e).join("\n");
    plain.attrs.push(syn::parse_quote!(#[doc = #generated]));
    if !derive.is_empty() {
        plain.attrs.push(syn::parse_quote!(#[derive(#(#derive),*)]));
    }
    let mut reflect = plain.clone();
    if let Fields::Named(named) = &mut reflect.fields {
        for (f, p) in named.named.iter_mut().zip(&e.params) {
            let wire = &p.wire;
            let attr = match p.location {
                _ if p.shadowed => quote!(#[serde(skip)]),
                Location::Path | Location::Header if !p.required => {
                    quote!(#[serde(rename = #wire, default)])
                }
                _ => quote!(#[serde(rename = #wire)]),
            };
            f.attrs.push(syn::parse_quote!(#attr));
        }
    }
    let serde_path = format!("{}::serde", q.to_string().replace(' ', ""));
    reflect
        .attrs
        .push(syn::parse_quote!(#[derive(#q::serde::Deserialize)]));
    reflect
        .attrs
        .push(syn::parse_quote!(#[serde(crate = #serde_path)]));

    let ident = &e.item.ident;
    let name = ident.to_string();
    // A request with a body sends its `#[twilio(query)]` parameters apart (`write_query`).
    let body: Vec<&Param> = e
        .params
        .iter()
        .filter(|p| !matches!(p.location, Location::Path | Location::Header))
        .filter(|p| !e.in_query_beside_body(p))
        .collect();
    let required = body.iter().filter(|p| p.required).count();
    let present = body.iter().filter(|p| !p.required).map(|p| {
        let field = &p.ident;
        quote!(+ usize::from(self.#field.is_some()))
    });
    let json = e.body == Body::Json;
    // A prefixed map writes keys of its own (`AddOns.a.b`), which a struct's fixed field names
    // cannot: such a declaration serializes as a map (the same pairs, in the same order).
    let as_map = body.iter().any(|p| p.prefix.is_some());
    let (trait_, entry) = if as_map {
        (quote!(SerializeMap), quote!(serialize_entry))
    } else {
        (quote!(SerializeStruct), quote!(serialize_field))
    };
    let fields = body.iter().map(|p| {
        let field = &p.ident;
        let wire = &p.wire;
        // A JSON body writes each member through `JsonMember`, which picks a member type's
        // JSON form (a `Decimal` as a number); a form writes values as they serialize.
        let value = |v: TokenStream| {
            if json {
                let ty = if p.required { &p.ty } else { &p.inner };
                quote!(&#q::JsonMember::<#ty>::NEW.member(#v))
            } else {
                v
            }
        };
        if let Some(prefix) = &p.prefix {
            let pairs = quote! {
                for (key, text) in #q::PrefixedMap::prefixed_pairs(value, #prefix) {
                    #q::serde::ser::SerializeMap::serialize_entry(&mut state, &key, text)?;
                }
            };
            return if p.required {
                quote!({ let value = &self.#field; #pairs })
            } else {
                quote! {
                    if let ::core::option::Option::Some(value) = &self.#field { #pairs }
                }
            };
        }
        if p.required {
            let v = value(quote!(&self.#field));
            quote!(#q::serde::ser::#trait_::#entry(&mut state, #wire, #v)?;)
        } else {
            let v = value(quote!(value));
            quote! {
                if let ::core::option::Option::Some(value) = &self.#field {
                    #q::serde::ser::#trait_::#entry(&mut state, #wire, #v)?;
                }
            }
        }
    });
    let start = if as_map {
        quote!(serializer.serialize_map(::core::option::Option::None)?)
    } else {
        quote!(serializer.serialize_struct(#name, #required #(#present)*)?)
    };
    let chooser = json.then(|| quote!(#[allow(unused_imports)] use #q::JsonMemberAsItself as _;));
    let state = if body.is_empty() {
        quote!(let state)
    } else {
        quote!(let mut state)
    };
    quote! {
        #q::params_struct! {
            { #plain }
            { #reflect }
        }
        impl #q::serde::Serialize for #ident {
            fn serialize<S: #q::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                #chooser
                // The exact count: serde_json writes `{}` at once for a struct of length 0.
                #state = #start;
                #(#fields)*
                #q::serde::ser::#trait_::end(state)
            }
        }
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

fn range_value(q: &TokenStream, p: &Param) -> Option<TokenStream> {
    let r = p.range.as_ref()?;
    let bound =
        |v: Option<i128>| option(v.map(|n| Literal::i128_unsuffixed(n).into_token_stream()));
    let (min, max, inclusive) = (bound(r.min), bound(r.max), r.inclusive);
    Some(quote!(#q::Range { min: #min, max: #max, max_inclusive: #inclusive }))
}

fn param_info(q: &TokenStream, p: &Param) -> TokenStream {
    let field = p.ident.to_string().trim_start_matches("r#").to_owned();
    let wire = &p.wire;
    let location = format_ident!("{}", p.location.variant());
    let inner = &p.inner;
    let required = p.required;
    let range = option(range_value(q, p));
    let rust_type = type_text(&p.ty);
    let doc = docs::first_paragraph(&p.docs);
    let default = option(p.default.as_ref().map(|d| quote!(#d)));
    let deprecated = p.deprecated;
    let prefix = option(p.prefix.as_ref().map(|x| quote!(#x)));
    quote! {
        #q::ParamInfo {
            field: #field,
            wire_name: #wire,
            location: #q::Location::#location,
            kind: <#inner as #q::ParamType>::KIND,
            required: #required,
            range: #range,
            rust_type: #rust_type,
            doc: #doc,
            default: #default,
            deprecated: #deprecated,
            prefix: #prefix,
        }
    }
}

/// `write_query` for a request with a body and `#[twilio(query)]` parameters: those go in the
/// query string, form-encoded as the body is. `None` leaves the trait's (empty) default.
fn write_query(e: &Endpoint, q: &TokenStream) -> Option<TokenStream> {
    let ident = &e.item.ident;
    let query: Vec<&Param> = e
        .params
        .iter()
        .filter(|p| e.in_query_beside_body(p))
        .collect();
    if query.is_empty() {
        return None;
    }
    let entries = query.iter().map(|p| {
        let field = &p.ident;
        let wire = &p.wire;
        if p.required {
            quote!(#q::serde::ser::SerializeMap::serialize_entry(&mut state, #wire, &self.0.#field)?;)
        } else {
            quote! {
                if let ::core::option::Option::Some(value) = &self.0.#field {
                    #q::serde::ser::SerializeMap::serialize_entry(&mut state, #wire, value)?;
                }
            }
        }
    });
    Some(quote! {
        fn write_query(&self, out: &mut ::std::string::String) -> ::core::result::Result<(), #q::InvalidParams> {
            struct Query<'a>(&'a #ident);
            impl #q::serde::Serialize for Query<'_> {
                fn serialize<S: #q::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    let mut state = serializer.serialize_map(::core::option::Option::None)?;
                    #(#entries)*
                    #q::serde::ser::SerializeMap::end(state)
                }
            }
            #q::write_query(out, &Query(self))
        }
    })
}

fn endpoint_impl(e: &Endpoint, q: &TokenStream) -> TokenStream {
    let query = write_query(e, q);
    let ident = &e.item.ident;
    let name = ident.to_string();
    let function = e.fn_ident.to_string();
    let method = format_ident!("{}", e.method.variant());
    let host = &e.host;
    let path = &e.path;
    let body = format_ident!("{}", e.body.variant());
    let auth = format_ident!("{}", e.auth.variant());
    let media = &e.media;
    let json_model = match &e.json_model {
        Some(name) => quote!(::core::option::Option::Some(#name)),
        None => quote!(::core::option::Option::None),
    };
    let helper_call = match &e.helper_call {
        Some(chain) => quote!(::core::option::Option::Some(#chain)),
        None => quote!(::core::option::Option::None),
    };
    let params = e.params.iter().map(|p| param_info(q, p));
    let response_ty = &e.response;
    let response_text = match &e.response_text {
        Some(t) => t.clone(),
        None => type_text(&e.response)
            .rsplit("::")
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    let status = e.status;
    let paged = e.paged;
    let idempotent = e.idempotency.is_some();
    let rules = e.rules.iter().map(|r| {
        let variant = format_ident!("{}", r.kind.variant());
        let kind = match &r.condition {
            Some((i, values)) => {
                let param = &e.params[*i].wire;
                quote!(#variant { param: #param, values: &[#(#values),*] })
            }
            None => quote!(#variant),
        };
        let wires = e.rule_wires(r);
        quote!(#q::Rule { kind: #q::RuleKind::#kind, params: &[#(#wires),*] })
    });
    let summary = docs::first_paragraph(&e.docs);

    let steps = e.pieces.iter().map(|piece| match piece {
        Piece::Literal(text) => quote!(out.push_str(#text);),
        Piece::Placeholder { name, .. } => {
            let p = e
                .params
                .iter()
                .find(|p| p.location == Location::Path && &p.wire == name);
            match p {
                Some(p) => {
                    let field = &p.ident;
                    // Spanned on the field's type, so a type that cannot be a segment is
                    // reported there.
                    let value = if p.account_default {
                        quote!(self.#field.as_ref().unwrap_or(account))
                    } else {
                        quote_spanned!(p.ty.span()=> &self.#field)
                    };
                    quote!(#q::segment(out, &mut errors, #name, #value);)
                }
                // `check` bound every placeholder.
                None => quote!(),
            }
        }
    });
    let uses_account = e.params.iter().any(|p| p.account_default);
    let account_arg = if uses_account {
        quote!(account)
    } else {
        quote!(_account)
    };

    let mut checks = Vec::new();
    for p in &e.params {
        let Some(range) = range_value(q, p) else {
            continue;
        };
        let field = &p.ident;
        let wire = &p.wire;
        let value = if p.required {
            quote!(::core::option::Option::Some(&self.#field))
        } else {
            quote!(self.#field.as_ref())
        };
        checks.push(quote!(#q::range(&mut errors, #wire, #value, #range);));
    }
    for (i, r) in e.rules.iter().enumerate() {
        let set = r.members.iter().map(|&m| {
            let field = &e.params[m].ident;
            quote!(self.#field.is_some())
        });
        // The value a conditional rule depends on, as its wire text (`Display`; spanned on
        // the field's type, so a type without it is reported there).
        let condition = match r.condition.as_ref().map(|(c, _)| &e.params[*c]) {
            Some(p) => {
                let field = &p.ident;
                if p.required {
                    quote_spanned!(p.ty.span()=> ::core::option::Option::Some(&self.#field as &dyn ::core::fmt::Display))
                } else {
                    quote_spanned!(p.ty.span()=> self.#field.as_ref().map(|v| v as &dyn ::core::fmt::Display))
                }
            }
            None => quote!(::core::option::Option::None),
        };
        checks.push(quote! {
            #q::rule(&mut errors, &<Self as #q::Endpoint>::INFO.rules[#i], &[#(#set),*], #condition);
        });
    }
    let validate = if checks.is_empty() {
        quote!(::core::result::Result::Ok(()))
    } else {
        quote! {
            let mut errors = #q::InvalidParams::default();
            #(#checks)*
            errors.into_result()
        }
    };
    let idempotency = match e.idempotency.map(|i| &e.params[i]) {
        Some(p) => {
            let field = &p.ident;
            if p.required {
                quote!(::core::option::Option::Some(self.#field.as_str()))
            } else {
                quote!(self.#field.as_ref().map(|k| k.as_str()))
            }
        }
        None => quote!(::core::option::Option::None),
    };
    let headers: Vec<TokenStream> = e
        .params
        .iter()
        .filter(|p| p.location == Location::Header)
        .map(|p| {
            let field = &p.ident;
            let wire = &p.wire;
            let value = if p.required {
                quote!(::core::option::Option::Some(&self.#field))
            } else {
                quote!(self.#field.as_ref())
            };
            quote!(#q::header(&mut out, #wire, #value);)
        })
        .collect();
    let headers = if headers.is_empty() {
        quote!()
    } else {
        quote! {
            #[inline]
            fn headers(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
                let mut out = ::std::vec::Vec::new();
                #(#headers)*
                out
            }
        }
    };

    quote! {
        impl #q::Endpoint for #ident {
            type Response = #response_ty;
            const INFO: #q::EndpointInfo = #q::EndpointInfo {
                name: ::core::concat!(::core::module_path!(), "::", #name),
                function: #function,
                method: #q::Method::#method,
                host: #host,
                path: #path,
                body: #q::Body::#body,
                auth: #q::Auth::#auth,
                media: #media,
                json_model: #json_model,
                helper_call: #helper_call,
                params: &[#(#params),*],
                response: #response_text,
                status: #status,
                paged: #paged,
                idempotency_key: #idempotent,
                rules: &[#(#rules),*],
                summary: #summary,
                erased: #q::erased!(Self),
            };
            #[inline]
            fn write_path(&self, #account_arg: &#q::AccountSid, out: &mut ::std::string::String) -> ::core::result::Result<(), #q::InvalidParams> {
                let mut errors = #q::InvalidParams::default();
                #(#steps)*
                errors.into_result()
            }
            #[inline]
            fn validate(&self) -> ::core::result::Result<(), #q::InvalidParams> {
                #validate
            }
            #[inline]
            fn idempotency_key(&self) -> ::core::option::Option<&str> {
                #idempotency
            }
            #headers
            #query
        }
        #q::inventory::submit! { #q::Registration(&<#ident as #q::Endpoint>::INFO) }
    }
}

fn builder(e: &Endpoint, q: &TokenStream) -> TokenStream {
    let ident = &e.item.ident;
    let vis = &e.item.vis;
    let builder = &e.builder_ident;
    let fn_ident = &e.fn_ident;
    let response = &e.response;
    let required: Vec<&Param> = e.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&syn::Ident> = e
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| &p.ident)
        .collect();

    let setters = e.params.iter().enumerate().filter(|(_, p)| !p.required).map(|(i, p)| {
        let field = &p.ident;
        let inner = &p.inner;
        let wire = &p.wire;
        let doc = docs::setter_docs(e, i).join("\n");
        if let Some(item) = &p.list_item {
            // A list takes any iterable of convertible items (`["a", "b"]`, a `Vec<&str>`, an
            // iterator), not only a `Vec` of the exact item type.
            return quote! {
                #[doc = #doc]
                #[inline]
                pub fn #field<I>(mut self, values: I) -> Self
                where
                    I: ::core::iter::IntoIterator,
                    <I as ::core::iter::IntoIterator>::Item: #q::IntoParam<#item>,
                {
                    if let ::core::option::Option::Some((p, v)) = #q::accept_each(&mut self.params, #wire, values) {
                        p.#field = ::core::option::Option::Some(v);
                    }
                    self
                }
            };
        }
        let accept = match range_value(q, p) {
            Some(range) => quote!(#q::accept_ranged(&mut self.params, #wire, value, #range)),
            None => quote!(#q::accept(&mut self.params, #wire, value)),
        };
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn #field(mut self, value: impl #q::IntoParam<#inner>) -> Self {
                if let ::core::option::Option::Some((p, v)) = #accept {
                    p.#field = ::core::option::Option::Some(v);
                }
                self
            }
        }
    });

    // Locals of the start function are named so no parameter can shadow them.
    let fn_args = required.iter().map(|p| {
        let field = &p.ident;
        let inner = &p.inner;
        quote!(#field: impl #q::IntoParam<#inner>)
    });
    let converts = required.iter().map(|p| {
        let field = &p.ident;
        let wire = &p.wire;
        match range_value(q, p) {
            Some(range) => {
                quote!(let #field = #q::required_ranged(&mut __twilio_refused, #wire, #field, #range);)
            }
            None => quote!(let #field = #q::required(&mut __twilio_refused, #wire, #field);),
        }
    });
    let required_idents: Vec<&syn::Ident> = required.iter().map(|p| &p.ident).collect();
    let construct = if required.is_empty() {
        quote! {
            ::core::result::Result::Ok(#ident { #(#optional: ::core::option::Option::None),* })
        }
    } else {
        quote! {{
            let mut __twilio_refused = #q::InvalidParams::default();
            #(#converts)*
            match (#(#required_idents,)*) {
                (#(::core::option::Option::Some(#required_idents),)*) => ::core::result::Result::Ok(#ident {
                    #(#required_idents,)*
                    #(#optional: ::core::option::Option::None,)*
                }),
                _ => ::core::result::Result::Err(__twilio_refused),
            }
        }}
    };
    let builder_doc = docs::builder_docs(e);
    let fn_doc = docs::fn_docs(e).join("\n");
    let stream = if e.paged {
        let limit_doc = format!(
            "Every item of every page, fetched lazily one page at a time through `client` (with its retries and timeouts). Set the page size with `page_size` and cap the total with [`limit`]({}::Items::limit).",
            docs::krate_text(e)
        );
        quote! {
            #[doc = #limit_doc]
            #[inline]
            pub fn stream(&self, client: &#q::Client) -> #q::Items<<#response as #q::Paged>::Item> {
                #q::stream(client, self.params.as_ref(), &self.options)
            }
        }
    } else {
        quote!()
    };
    quote! {
        #[doc = #builder_doc]
        #[must_use = "a request does nothing until it is sent"]
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        #vis struct #builder {
            params: ::core::result::Result<#ident, #q::InvalidParams>,
            options: #q::CallOptions,
        }

        impl #builder {
            #(#setters)*

            /// Overrides the client's per-attempt timeout for this call.
            #[inline]
            pub fn with_timeout(mut self, timeout: ::core::time::Duration) -> Self {
                self.options.timeout = ::core::option::Option::Some(timeout);
                self
            }

            /// Overrides the client's retry policy for this call.
            #[inline]
            pub fn with_retry(mut self, policy: #q::RetryPolicy) -> Self {
                self.options.retry = ::core::option::Option::Some(policy);
                self
            }

            /// The parameters as set so far, or every value refused so far.
            #[inline]
            pub fn params(&self) -> ::core::result::Result<&#ident, &#q::InvalidParams> {
                self.params.as_ref()
            }

            /// Takes the parameters out (to send them with `Client::execute`, say).
            #[inline]
            pub fn into_params(self) -> ::core::result::Result<#ident, #q::InvalidParams> {
                self.params
            }

            #stream

            /// Sends the request through `client` (with its retries and timeouts) and decodes
            /// the answer; a request with refused values is not sent and answers every refusal.
            #[inline]
            pub fn send<'a>(&'a self, client: &'a #q::Client) -> impl ::core::future::Future<Output = ::core::result::Result<#response, #q::Error>> + 'a {
                #q::send(client, &self.params, &self.options)
            }
        }

        #[doc = #fn_doc]
        #[inline]
        #vis fn #fn_ident(#(#fn_args),*) -> #builder {
            #builder { params: #construct, options: ::core::default::Default::default() }
        }
    }
}

/// `FromWire`, inside `reflect!` so it only exists when runtime has its `reflect` feature.
fn from_wire(e: &Endpoint, q: &TokenStream) -> TokenStream {
    let ident = &e.item.ident;
    let reads = e.params.iter().map(|p| {
        let field = &p.ident;
        let wire = &p.wire;
        let required = p.required;
        if p.prefix.is_some() {
            return quote!(let #field = rebuild.prefixed(#wire, #required););
        }
        // A JSON member is read whole (a list is a JSON array); a repeated key item by item.
        let item = match p.location {
            Location::Json => &p.inner,
            _ => p.list_item.as_ref().unwrap_or(&p.inner),
        };
        let convert = match range_value(q, p) {
            Some(range) => {
                quote!(|t: &str| #q::wire_ranged((&&&#q::Wire::<#item>::NEW).convert(t), #range))
            }
            None => quote!(|t: &str| (&&&#q::Wire::<#item>::NEW).convert(t)),
        };
        let read = match p.location {
            Location::Path => quote!(path),
            Location::Header => quote!(header),
            Location::Json => quote!(json),
            Location::Query | Location::Form if p.list_item.is_some() => quote!(list),
            Location::Query | Location::Form => quote!(pair),
        };
        quote!(let #field = rebuild.#read(#wire, #required, #convert);)
    });
    let required: Vec<&syn::Ident> = e
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| &p.ident)
        .collect();
    let all: Vec<&syn::Ident> = e.params.iter().map(|p| &p.ident).collect();
    quote! {
        #q::reflect! {
            impl #q::FromWire for #ident {
                // `(&&&Wire::<T>::NEW)` picks the conversion (the setters' own where there is one).
                #[allow(clippy::needless_borrow)]
                fn from_wire(input: &#q::WireInput) -> ::core::result::Result<Self, #q::InvalidParams> {
                    #[allow(unused_imports)]
                    use #q::{ViaIntoParam as _, ViaKind as _, ViaNone as _};
                    let mut rebuild = #q::Rebuild::new::<Self>(input);
                    #(#reads)*
                    if !rebuild.errors.0.is_empty() {
                        return ::core::result::Result::Err(rebuild.errors);
                    }
                    let params = match (#(#required,)*) {
                        (#(::core::option::Option::Some(#required),)*) => Self { #(#all),* },
                        _ => return ::core::result::Result::Err(rebuild.errors),
                    };
                    <Self as #q::Endpoint>::validate(&params)?;
                    ::core::result::Result::Ok(params)
                }
            }
        }
    }
}
