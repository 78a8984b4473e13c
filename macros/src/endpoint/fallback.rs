//! What a declaration with an error expands to: the struct as written, and stand-ins for the
//! start function and the builder, so code using them compiles against something and the
//! user sees only the real mistake (no "cannot find function" at every call).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ast::Declaration;
use super::model::Method;
use crate::ty::{option_inner, snake_case};

pub fn stand_ins(decl: &Declaration) -> TokenStream {
    let item = &decl.item;
    let ident = &item.ident;
    let vis = &item.vis;
    let attr = &decl.attr;
    let krate = match &attr.krate {
        Some((path, _)) => quote!(#path),
        None => quote!(::runtime),
    };
    let q = quote!(#krate::__private);
    let builder = format_ident!("{}Request", ident);
    let fn_ident = attr.fn_name.clone().unwrap_or_else(|| {
        format_ident!("{}", snake_case(&ident.to_string()), span = ident.span())
    });
    let response = match (&attr.response, &attr.method) {
        (Some(t), _) => quote!(#t),
        (None, Some((Method::Delete, _))) => quote!(()),
        (None, _) => quote!(#q::serde_json::Value),
    };
    let reserved = [
        "send",
        "params",
        "into_params",
        "with_timeout",
        "with_retry",
        "stream",
    ];
    let setters = decl
        .fields
        .iter()
        .filter(|f| option_inner(&f.ty).is_some())
        .filter(|f| !reserved.contains(&f.ident.to_string().as_str()))
        .map(|f| {
            let field = &f.ident;
            quote!(pub fn #field(self, _: impl ::core::marker::Sized) -> Self { self })
        });
    let args = decl
        .fields
        .iter()
        .filter(|f| option_inner(&f.ty).is_none())
        .map(|_| quote!(_: impl ::core::marker::Sized));
    let stream = match (&attr.paged, &attr.response) {
        (Some(_), Some(t)) => quote! {
            pub fn stream(&self, _: &#q::Client) -> #q::Items<<#t as #q::Paged>::Item> {
                ::core::unreachable!()
            }
        },
        _ => quote!(),
    };
    quote! {
        #item

        #[allow(dead_code, unused_variables, clippy::all)]
        #vis struct #builder;

        #[allow(dead_code, unused_variables, clippy::all)]
        impl #builder {
            #(#setters)*
            pub fn with_timeout(self, _: ::core::time::Duration) -> Self { self }
            pub fn with_retry(self, _: #q::RetryPolicy) -> Self { self }
            pub fn params(&self) -> ::core::result::Result<&#ident, &#q::InvalidParams> {
                ::core::unreachable!()
            }
            pub fn into_params(self) -> ::core::result::Result<#ident, #q::InvalidParams> {
                ::core::unreachable!()
            }
            #stream
            pub async fn send(&self, _: &#q::Client) -> ::core::result::Result<#response, #q::Error> {
                ::core::unreachable!()
            }
        }

        #[allow(dead_code, unused_variables, clippy::all)]
        #vis fn #fn_ident(#(#args),*) -> #builder {
            #builder
        }
    }
}
