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
mod response;
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

/// Declares a response model: a struct whose generated `Deserialize` keeps going when a field's
/// value does not fit its type. `Option<T>` fields then read as `None` and the raw value is
/// kept in the added `pub unreadable: runtime::response::Unreadable` field (one `tracing`
/// warning names the field); other fields are essential and fail the decode by name. Also
/// generates `Serialize` and the traits that let the model nest and be a declared response.
///
/// `#[twilio_model(rename_all = "PascalCase", dates = rfc2822, blank_is_absent)]`: every
/// argument optional (`dates` is how `Serialize` writes date-times, RFC 3339 unless set;
/// `blank_is_absent` reads blank text as `None` in text fields too, for forms). Field options:
/// `#[twilio(rename = "Wire")]`, `#[twilio(default)]` (a field that is not an `Option` reads as
/// its `Default` when missing or unreadable), `#[twilio(with = Codec)]` (a
/// `runtime::response::FieldCodec`). See `runtime::response` for what fits each type.
#[proc_macro_attribute]
pub fn twilio_model(args: TokenStream, input: TokenStream) -> TokenStream {
    response::model(args.into(), input.into()).into()
}
