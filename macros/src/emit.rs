//! Code generation from a checked declaration: the params struct with its serde attributes and
//! docs, the `Endpoint` impl with its registry entry, and the request builder with its start
//! function.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Fields, Ident};

use crate::docs::{self, Place};
use crate::expand::Expander;
use crate::model::{self, type_text, Field, Method};
use crate::template::Piece;

/// What every generator needs: the resolved names and choices of one declaration.
pub struct Plan {
    pub q: TokenStream,
    pub struct_ident: Ident,
    pub vis: syn::Visibility,
    pub method: Method,
    pub path: String,
    pub fn_ident: Ident,
    pub builder_ident: Ident,
    pub response_ty: syn::Type,
    pub status: u16,
    /// The index of the `IdempotencyKey` field, if any.
    pub idem: Option<usize>,
    /// Where each field goes.
    pub places: Vec<Place>,
    /// The declaration's own doc lines (before the generated ones are added).
    pub summary: Vec<String>,
}

/// The params struct: serde attributes with the wire names, derives, and the generated docs
/// after the declaration's own.
pub fn params_struct(x: &mut Expander, plan: &Plan) -> TokenStream {
    let Plan {
        q,
        method,
        path,
        fn_ident,
        builder_ident,
        status,
        idem,
        places,
        ..
    } = plan;
    let (method, status, idem) = (*method, *status, *idem);
    let doc_rows: Vec<(&Field, Place, bool)> = x
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f, places[i], x.required(i)))
        .collect();
    let response_text = match &x.args.response {
        Some(t) => format!("[`{}`]", type_text(t)),
        None if method == Method::Delete => "nothing".to_owned(),
        None => "JSON".to_owned(),
    };
    let struct_docs = docs::struct_docs(
        &docs::Overview {
            method,
            path,
            response: &response_text,
            status,
            fn_name: &fn_ident.to_string(),
            builder: &builder_ident.to_string(),
            idempotent: idem.is_some(),
        },
        &doc_rows,
    );
    let mut extra_derives = Vec::new();
    if !model::derives(&x.item.attrs, "Debug") {
        extra_derives.push(quote!(::core::fmt::Debug));
    }
    if !model::derives(&x.item.attrs, "Clone") {
        extra_derives.push(quote!(::core::clone::Clone));
    }
    if let Fields::Named(named) = &mut x.item.fields {
        for (i, f) in named.named.iter_mut().enumerate() {
            let wire = &x.fields[i].wire;
            let attr = if places[i] == Place::Path {
                if x.shadowed_account && x.account_default == Some(i) {
                    quote!(#[serde(skip)])
                } else if x.fields[i].optional {
                    quote!(#[serde(rename = #wire, skip_serializing, default)])
                } else {
                    quote!(#[serde(rename = #wire, skip_serializing)])
                }
            } else if x.fields[i].optional {
                quote!(#[serde(rename = #wire, default, skip_serializing_if = "::core::option::Option::is_none")])
            } else {
                quote!(#[serde(rename = #wire)])
            };
            f.attrs.push(syn::parse_quote!(#attr));
        }
    }
    // The generated sections follow the declaration's own docs.
    for line in &struct_docs {
        x.item.attrs.push(syn::parse_quote!(#[doc = #line]));
    }
    let item = &x.item;
    let serde_crate = "::runtime::__private::serde";
    // `Deserialize` only where runtime has its `reflect` feature (decided in runtime, see
    // `__private::params_struct`): a client never decodes its own requests.
    quote! {
        #q::params_struct! {
            #[derive(#q::serde::Serialize, #(#extra_derives),*)]
            #[serde(crate = #serde_crate)]
            #item
        }
    }
}

/// The `Endpoint` impl (metadata, path writer, checks) and its registry entry.
pub fn endpoint_impl(x: &Expander, plan: &Plan) -> TokenStream {
    let Plan {
        q,
        struct_ident,
        method,
        path,
        fn_ident,
        response_ty,
        status,
        idem,
        places,
        ..
    } = plan;
    let (method, status, idem) = (*method, *status, *idem);
    let method_tokens = match method {
        Method::Get => quote!(#q::Method::Get),
        Method::Post => quote!(#q::Method::Post),
        Method::Delete => quote!(#q::Method::Delete),
    };
    let param_infos = x.fields.iter().enumerate().map(|(i, f)| {
        let field = f.ident.to_string();
        let wire = &f.wire;
        let inner = &f.inner;
        let location = match places[i] {
            Place::Path => quote!(#q::Location::Path),
            Place::Form => quote!(#q::Location::Form),
            Place::Query => quote!(#q::Location::Query),
        };
        let required = x.required(i);
        let range = range_tokens(q, f);
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
    let write_path = match &x.pieces {
        Some(pieces) => {
            let steps = pieces.iter().map(|p| match p {
                Piece::Literal(text) => quote!(out.push_str(#text);),
                Piece::Placeholder { name, .. } => {
                    let i = x.bound[name];
                    let ident = &x.fields[i].ident;
                    // Spanned on the field's type, so a type that cannot be a segment is
                    // reported there.
                    let value = if x.account_default == Some(i) {
                        quote!(self.#ident.as_ref().unwrap_or(account))
                    } else {
                        quote_spanned!(x.fields[i].ty.span()=> &self.#ident)
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
    let range_checks = x.fields.iter().filter_map(|f| {
        let range = range_value(q, f.range.as_ref()?);
        let ident = &f.ident;
        let wire = &f.wire;
        let value = if f.optional {
            quote!(self.#ident.as_ref())
        } else {
            quote!(::core::option::Option::Some(&self.#ident))
        };
        Some(quote!(#q::range(&mut errors, #wire, #value, #range);))
    });
    let one_of_wires: Vec<Vec<String>> = x
        .args
        .one_of
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|id| {
                    x.fields
                        .iter()
                        .find(|f| &f.ident == id)
                        .map(|f| f.wire.clone())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    let one_of_checks = x.args.one_of.iter().zip(&one_of_wires).map(|(group, wires)| {
            quote!(#q::one_of(&mut errors, &[#(#wires),*], &[#(self.#group.is_some()),*]);)
        });
    let one_of_info = one_of_wires.iter().map(|wires| quote!(&[#(#wires),*]));
    let idem_body = match idem {
        Some(i) => {
            let ident = &x.fields[i].ident;
            if x.fields[i].optional {
                quote!(self.#ident.as_ref().map(|k| k.as_str()))
            } else {
                quote!(::core::option::Option::Some(self.#ident.as_str()))
            }
        }
        None => quote!(::core::option::Option::None),
    };
    let name_text = struct_ident.to_string();
    let fn_text = fn_ident.to_string();
    let response_name = type_text(response_ty);
    let idem_flag = idem.is_some();
    quote! {
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
                erased: #q::erased!(Self),
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
    }
}

/// The request builder (setters, per-call options, `send`, `stream` for paged lists) and the
/// function that starts it from the required parameters.
pub fn builder(x: &Expander, plan: &Plan) -> TokenStream {
    let Plan {
        q,
        struct_ident,
        vis,
        method,
        path,
        fn_ident,
        builder_ident,
        response_ty,
        summary,
        ..
    } = plan;
    let method = *method;
    let name_text = struct_ident.to_string();
    let fn_text = fn_ident.to_string();
    let required_idx: Vec<usize> = (0..x.fields.len()).filter(|&i| x.required(i)).collect();
    let req_fields: Vec<&Field> = required_idx.iter().map(|&i| &x.fields[i]).collect();
    let fn_docs = docs::fn_docs(summary, method, path, &name_text, &req_fields);
    let fn_args = req_fields.iter().map(|f| {
        let ident = &f.ident;
        let inner = &f.inner;
        quote!(#ident: impl #q::IntoParam<#inner>)
    });
    // A declared range is checked as each value is converted, so an out-of-range value is
    // reported beside every other refusal (`validate` checks again, for struct literals).
    let converts = req_fields.iter().map(|f| {
        let ident = &f.ident;
        let wire = &f.wire;
        match &f.range {
            Some(r) => {
                let range = range_value(q, r);
                quote!(let #ident = #q::required_ranged(&mut errors, #wire, #ident, #range);)
            }
            None => quote!(let #ident = #q::required(&mut errors, #wire, #ident);),
        }
    });
    let req_idents: Vec<&Ident> = req_fields.iter().map(|f| &f.ident).collect();
    let opt_idents: Vec<&Ident> = x
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
    let setters = x.fields.iter().filter(|f| f.optional).map(|f| {
        let ident = &f.ident;
        let inner = &f.inner;
        let wire = &f.wire;
        let d = docs::setter_docs(f);
        let assign = quote!(|p: &mut #struct_ident, v| p.#ident = ::core::option::Option::Some(v));
        if let Some(item) = model::vec_item(inner) {
            // A list takes any iterable of convertible items (`["a", "b"]`, a `Vec<&str>`,
            // an iterator), not only a `Vec` of the exact item type.
            return quote! {
                #(#[doc = #d])*
                pub fn #ident<I>(mut self, values: I) -> Self
                where
                    I: ::core::iter::IntoIterator,
                    <I as ::core::iter::IntoIterator>::Item: #q::IntoParam<#item>,
                {
                    #q::set_each(&mut self.params, #wire, values, #assign);
                    self
                }
            };
        }
        let store = match &f.range {
            Some(r) => {
                let range = range_value(q, r);
                quote!(#q::set_ranged(&mut self.params, #wire, value, #range, #assign);)
            }
            None => quote!(#q::set(&mut self.params, #wire, value, #assign);),
        };
        quote! {
            #(#[doc = #d])*
            pub fn #ident(mut self, value: impl #q::IntoParam<#inner>) -> Self {
                #store
                self
            }
        }
    });
    let builder_doc = format!("A `{} {}` request being built by [`{fn_text}`]: set optional parameters, then [`send`](Self::send) it.", method.as_str(), path.replace('<', "{").replace('>', "}"));
    let stream_method = if x.args.paged {
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
    quote! {
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
