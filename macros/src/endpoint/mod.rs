//! `#[twilio_endpoint]`: parse → check → emit over one declaration.
//!
//! [`parse`] reads the attribute and the struct into [`ast`]; [`check`] turns that into a
//! resolved [`model`] or records every mistake in a [`Ctxt`]; [`emit`] reads only the model.
//! With any mistake nothing known-wrong is emitted: the struct and [`fallback`] stand-ins go
//! out with the errors, so one mistake is one error.

mod ast;
mod check;
mod docs;
mod emit;
mod fallback;
mod model;
mod parse;
mod template;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::ItemStruct;

use crate::ctxt::Ctxt;

pub fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: ItemStruct = match syn::parse2(input.clone()) {
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
    let cx = Ctxt::default();
    let decl = parse::declaration(args, item, &cx);
    match check::check(&decl, &cx) {
        Some(endpoint) => emit::endpoint(&endpoint),
        None => {
            let stand_ins = fallback::stand_ins(&decl);
            let errors = cx.into_tokens();
            quote!(#stand_ins #errors)
        }
    }
}
