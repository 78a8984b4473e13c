//! `#[twilio_model]`: a response model whose `Deserialize` keeps going when a field's value
//! does not fit its type. Parse the attribute and struct into a model (`parse`), collecting
//! every mistake with its span, then generate code from the model alone (`emit`); on error the
//! struct is still emitted with stand-in impls, so only the real mistakes show.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::ItemStruct;

mod emit;
mod parse;

pub fn model(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: ItemStruct = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let err = syn::Error::new(
                Span::call_site(),
                "#[twilio_model] goes on a struct with named fields (one per field of the answer)",
            )
            .to_compile_error();
            return quote!(#err #input);
        }
    };
    let mut errors = Vec::new();
    let args = parse::args(args, &mut errors);
    let model = parse::model(item, args, &mut errors);
    if errors.is_empty() {
        emit::model(model)
    } else {
        emit::fallback(model.item, errors)
    }
}
