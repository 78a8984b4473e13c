//! Attribute macros of the Twilio SDK. `#[twilio_endpoint]` declares a REST endpoint on a
//! params struct (`endpoint/`); the runtime re-exports it.
//!
//! Each macro reads its input into a small model, checks it into a resolved one (every mistake
//! collected in a [`ctxt::Ctxt`] and reported together, spanned on the tokens at fault), and
//! generates code from the resolved model alone. Generated code names the runtime only through
//! `<runtime>::__private`.

use proc_macro::TokenStream;

mod ctxt;
mod endpoint;
mod response;
mod ty;

/// Declares a Twilio REST endpoint on a params struct; see the `runtime` crate's docs for the
/// full syntax.
///
/// ```text
/// #[twilio_endpoint(METHOD, "/path/<Placeholder>", option, …)]
/// ```
///
/// METHOD is `GET`, `POST`, `PUT`, `PATCH` or `DELETE`. Options, all optional:
/// `host = "verify"` (the product host's first label; `api` by default),
/// `response = Type`, `status = 201`, `fn = name`, `paged` (the response is a `Page<T>`; the
/// builder also gets `stream`), `one_of(a, b, …)` and `exactly_one_of(a, b, …)` (rules across
/// optional fields), `required_when(kind = "A", a, b, …)` and `only_when(kind = "A" | "B", a, …)`
/// (rules that follow another field's value: a body made of variants), `body = json` (the body parameters form a JSON object), `auth = oauth2`
/// or `auth = none`, `media = "application/scim+json"` (a JSON media type other than
/// `application/json`, sent as `Accept` and as a JSON body's `Content-Type`),
/// `json_model = "CreateReferralConversionRequest"` (with `body = json`: the name Twilio's
/// official helpers give the body's model, for registry tools such as the console's Python
/// snippets), and `crate = "path"` (where the runtime is, `::runtime` by default).
///
/// Field options: `#[twilio(rename = "Wire")]`, `#[twilio(range = 1..=600)]`,
/// `#[twilio(header = "X-Name")]`, `#[twilio(default = "5")]`, `#[twilio(deprecated)]`.
#[proc_macro_attribute]
pub fn twilio_endpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    endpoint::expand(args.into(), input.into()).into()
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
