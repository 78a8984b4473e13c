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

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn generated_code_names_the_runtime_only_through_the_crate_path() {
        let out = super::expand(
            quote!(POST, "/v1/Things/<Sid>", host = "things", crate = "api::runtime", paged, response = Page<Thing>, one_of(a, b)),
            quote! {
                /// Things.
                pub struct Update {
                    pub sid: String,
                    pub a: Option<String>,
                    pub b: Option<u32>,
                    #[twilio(header = "X-Thing")]
                    pub c: Option<bool>,
                }
            },
        )
        .to_string();
        assert!(!out.contains("compile_error"), "{out}");
        let rest = out
            .replace("api :: runtime", "")
            .replace("api::runtime", "");
        assert!(!rest.contains("runtime"), "{rest}");
    }

    #[test]
    fn a_mistake_gives_stand_ins_and_its_error_only() {
        let out = super::expand(
            quote!(GET, "/v1/Things/<Sid>", one_of(a, bb)),
            quote! {
                pub struct Fetch {
                    pub sid: String,
                    pub a: Option<String>,
                    pub b: Option<String>,
                }
            },
        )
        .to_string();
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
        assert!(out.contains("did you mean `b`?"), "{out}");
        // No `Endpoint` impl naming the missing field, but the function and setters exist.
        assert!(!out.contains("Endpoint for"), "{out}");
        assert!(out.contains("fn fetch"), "{out}");
        assert!(out.contains("fn a"), "{out}");
    }
}
