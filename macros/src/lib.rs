//! `#[twilio_endpoint(METHOD, "path")]`: declares a Twilio REST endpoint on a params struct.
//!
//! The macro parses the attribute and struct into a small model (`model`), checks the path
//! template against the fields (`template`, `expand`), and generates code (`emit`): serde attributes
//! with Twilio's wire names, an `Endpoint` impl, a request builder with one setter per optional
//! parameter, a function that starts a request from the required ones, rustdoc, and a registry
//! entry. Every problem found is reported together, spanned on the tokens at fault; on error the
//! struct is still emitted so only the real problem shows.
//!
//! Generated code reaches the runtime only through `::runtime::__private`.

use proc_macro::TokenStream;

mod docs;
mod emit;
mod expand;
mod model;
mod template;

/// Declares a Twilio REST endpoint on a params struct. See the `runtime` crate's docs and the
/// README for the full syntax.
///
/// `#[twilio_endpoint(METHOD, "/path/<Placeholder>.json", response = Type, status = 201,
/// fn = name, one_of(a, b), paged)]`: everything after the path is optional. `paged` marks a
/// list whose response is a `runtime::Page<T>`: its builder also gets `stream(&client)`.
#[proc_macro_attribute]
pub fn twilio_endpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::endpoint(args.into(), input.into()).into()
}
