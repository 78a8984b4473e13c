//! Type-erased entry points into a declared endpoint, for tools that know it only from the
//! registry ([`endpoints()`](crate::endpoints)): the conformance suite drives every declaration
//! through the real [`Client`] from wire pairs, a server checks a request from the wire with
//! the declaration itself, a gateway forwards a request it received and passes the answer on
//! as it came, tools read each response type's shape, and decode bodies of every
//! response type (the test that feeds every field odd values).
//!
//! This module only holds the function pointers; they are filled in per declaration by
//! `Erased::of` (runtime's `reflect` feature, in `rebuild.rs`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::client::Client;
use crate::endpoint::CallOptions;
use crate::error::Error;
use crate::param::{InvalidParams, ParamError};
use crate::reflect::Shape;
use crate::response::DecodedResponse;
use crate::transport::RawAnswer;
use crate::wire::WireInput;

/// What [`Erased::send_wire`] returns.
pub type WireFuture<'a> = Pin<Box<dyn Future<Output = WireOutcome> + 'a>>;

/// The result of sending a request built from wire pairs.
#[derive(Debug)]
pub struct WireOutcome {
    /// The request exactly as sent, `(path and query, form body)`; `None` when the pairs did
    /// not make a valid params struct.
    pub request: Option<(String, Option<String>)>,
    /// `Ok` when the server answered 2xx and the body parsed into the declared response type.
    pub result: Result<(), WireError>,
}

/// Why a request built from wire pairs failed.
#[derive(Debug)]
pub enum WireError {
    /// The pairs do not deserialize into the params struct (a missing required pair, a value of
    /// the wrong type); nothing was sent.
    Params(String),
    /// The client's answer: refused parameters, a transport error, an error status, or a body
    /// that is not the declared response type.
    Call(Error),
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Params(m) => write!(f, "the pairs do not make a params struct: {m}"),
            WireError::Call(e) => write!(f, "{e}"),
        }
    }
}

/// What [`Erased::forward_pairs`] and [`Erased::forward`] return. `Send`, so a server's
/// handler can await it.
pub type ForwardFuture<'a> =
    Pin<Box<dyn Future<Output = Result<RawAnswer, ForwardError>> + Send + 'a>>;

/// Why a forwarded request got no answer to pass on.
#[derive(Debug)]
pub enum ForwardError {
    /// The request does not make a valid params struct (every refusal, as the setters word
    /// them, and [`check`](Erased::check) would give); nothing was sent.
    Params(InvalidParams),
    /// No answer came: refused parameters, a transport failure, a timeout, a body over the
    /// cap ([`Client::send_raw`]'s `Err`), with its [`Outcome`](crate::Outcome).
    Call(Error),
}

impl fmt::Display for ForwardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ForwardError::Params(m) => write!(f, "the request does not make a params struct: {m}"),
            ForwardError::Call(e) => write!(f, "{e}"),
        }
    }
}

/// Monomorphized functions of one declaration, reachable from its [`EndpointInfo`](crate::EndpointInfo).
#[derive(Clone, Copy)]
pub struct Erased {
    /// Rebuilds the params struct from `(wire name, value)` pairs (path placeholders included,
    /// a list as repeated pairs), sends it through `client` with the client's settings, and
    /// decodes the answer into the declared response type.
    pub send_wire: for<'a> fn(&'a Client, &'a [(String, String)]) -> WireFuture<'a>,
    /// Checks a request from the wire with the declaration, as sending it would: every value
    /// converted and range-checked with the setters' own messages, unknown parameters refused,
    /// the rules across parameters and the path segments checked. Nothing is sent.
    pub check: fn(&WireInput) -> Result<(), InvalidParams>,
    /// Rebuilds the params struct from wire pairs as [`send_wire`](Self::send_wire) does and
    /// sends it with [`Client::send_raw`] (the client's credentials, retries, timeouts and body
    /// cap), handing back the answer as it came, error statuses included.
    pub forward_pairs:
        for<'a> fn(&'a Client, &'a [(String, String)], &'a CallOptions) -> ForwardFuture<'a>,
    /// [`forward_pairs`](Self::forward_pairs) for a request as received ([`WireInput`]: path
    /// values, pairs or a JSON body, headers), checked as [`check`](Self::check) checks it
    /// (a refusal is [`ForwardError::Params`] with the same list), so a proxy checks once.
    pub forward: for<'a> fn(&'a Client, &'a WireInput, &'a CallOptions) -> ForwardFuture<'a>,
    /// The declared response type's [`Shape`].
    pub response_shape: fn() -> Shape,
    /// A body of the declared response type in which every field holds a value that fits.
    pub response_example: fn() -> serde_json::Value,
    /// Decodes a body as the declared response type, as the client would, and reports what
    /// was read and what was kept as unreadable.
    pub decode_response: fn(&[u8]) -> Result<DecodedResponse, String>,
}

impl fmt::Debug for Erased {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Erased { .. }")
    }
}

impl Erased {
    /// The stand-in a declaration carries when `runtime` is built without its `reflect`
    /// feature: sending answers [`WireError::Params`] saying so, checking refuses with the same
    /// words, the shape is empty, and decoding answers an error saying so.
    pub const UNAVAILABLE: Erased = Erased {
        send_wire: unavailable,
        check: cannot_check,
        forward_pairs: cannot_forward_pairs,
        forward: cannot_forward,
        response_shape: no_shape,
        response_example: no_example,
        decode_response: no_decode,
    };
}

const WITHOUT_REFLECT: &str = "runtime was built without its `reflect` feature";

fn unavailable<'a>(_: &'a Client, _: &'a [(String, String)]) -> WireFuture<'a> {
    Box::pin(async {
        WireOutcome {
            request: None,
            result: Err(WireError::Params(WITHOUT_REFLECT.to_owned())),
        }
    })
}

fn cannot_check(_: &WireInput) -> Result<(), InvalidParams> {
    Err(not_checked())
}

fn not_checked() -> InvalidParams {
    let mut refused = InvalidParams::default();
    refused.push(
        "(request)",
        ParamError::new(format!("cannot be checked: {WITHOUT_REFLECT}")),
    );
    refused
}

fn cannot_forward_pairs<'a>(
    _: &'a Client,
    _: &'a [(String, String)],
    _: &'a CallOptions,
) -> ForwardFuture<'a> {
    Box::pin(async { Err(ForwardError::Params(not_checked())) })
}

fn cannot_forward<'a>(_: &'a Client, _: &'a WireInput, _: &'a CallOptions) -> ForwardFuture<'a> {
    Box::pin(async { Err(ForwardError::Params(not_checked())) })
}

fn no_shape() -> Shape {
    Shape::Unit
}

fn no_example() -> serde_json::Value {
    serde_json::Value::Null
}

fn no_decode(_: &[u8]) -> Result<DecodedResponse, String> {
    Err(WITHOUT_REFLECT.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_stand_in_says_which_feature_is_missing() {
        let client = Client::builder("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "token")
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("client");
        let outcome = (Erased::UNAVAILABLE.send_wire)(&client, &[]).await;
        assert!(outcome.request.is_none());
        match outcome.result {
            Err(WireError::Params(m)) => assert!(m.contains("reflect"), "{m}"),
            other => panic!("expected a params error, got {other:?}"),
        }
        let decoded = (Erased::UNAVAILABLE.decode_response)(b"{}");
        assert!(decoded.is_err_and(|m| m.contains("reflect")));
        let refused = (Erased::UNAVAILABLE.check)(&WireInput::default()).expect_err("refused");
        assert!(refused.to_string().contains("reflect"), "{refused}");
    }
}
