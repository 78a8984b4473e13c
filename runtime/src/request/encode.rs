//! A declared request as it goes on the wire: validated, its path filled in, its other
//! parameters form-encoded by `serde_html_form` (the WHATWG form encoding Twilio's official
//! helpers send; a list repeats its key, `None` leaves a parameter out) into the body of a
//! POST, PUT or PATCH or the query string of a GET or DELETE, or written by `serde_json` as
//! one JSON object (`body = json`: nested objects and arrays as themselves).

use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::param::{InvalidParam, InvalidParams, Location, ParamError, ParamInfo};
use crate::registry::{Body, EndpointInfo};
use crate::sid::AccountSid;

/// Validates and encodes `params`: `(path and query, form body)`. `account` fills an
/// `<AccountSid>` the request did not set. Every refusal is reported at once.
pub(crate) fn encode<E: Endpoint>(
    params: &E,
    account: &AccountSid,
) -> Result<(String, Option<String>), Error> {
    let mut problems = params.validate().err().unwrap_or_default();
    let mut target = String::with_capacity(E::INFO.path.len() + 64);
    if let Err(p) = params.write_path(account, &mut target) {
        problems.0.extend(p.0);
    }
    problems.into_result().map_err(Error::invalid)?;
    let refused = |e: serde_html_form::ser::Error| {
        Error::invalid(InvalidParams(vec![InvalidParam {
            param: "(form)".into(),
            reason: ParamError::new(format!("cannot be form-encoded: {e}")),
        }]))
    };
    // The few parameters a request with a body sends in its query (`#[twilio(query)]`; one
    // operation in the specs): decided per endpoint at compile time, so no other pays for it.
    if const { query_beside_body(&E::INFO) } {
        let mark = target.len();
        target.push('?');
        params.write_query(&mut target).map_err(Error::invalid)?;
        if target.len() == mark + 1 {
            target.truncate(mark);
        }
    }
    if E::INFO.body == Body::Json {
        let body = serde_json::to_string(params).map_err(|e| {
            Error::invalid(InvalidParams(vec![InvalidParam {
                param: "(json)".into(),
                reason: ParamError::new(format!("cannot be written as JSON: {e}")),
            }]))
        })?;
        return Ok((target, Some(body)));
    }
    if E::INFO.method.has_body() {
        let mut body = String::with_capacity(const { form_capacity(E::INFO.params) });
        serde_html_form::ser::push_to_string(&mut body, params).map_err(refused)?;
        return Ok((target, Some(body)));
    }
    let mark = target.len();
    target.push('?');
    serde_html_form::ser::push_to_string(&mut target, params).map_err(refused)?;
    if target.len() == mark + 1 {
        target.truncate(mark);
    }
    Ok((target, None))
}

/// Whether a request with a body also has query parameters (`#[twilio(query)]`).
const fn query_beside_body(info: &EndpointInfo) -> bool {
    if !info.method.has_body() {
        return false;
    }
    let mut i = 0;
    while i < info.params.len() {
        if matches!(info.params[i].location, Location::Query) {
            return true;
        }
        i += 1;
    }
    false
}

/// A first guess at a form body's size, computed at compile time per endpoint: each non-path
/// parameter's name, `=` and `&`, and room for a short value. A good guess saves the buffer's
/// doublings; a body larger than it costs one.
const fn form_capacity(params: &[ParamInfo]) -> usize {
    const VALUE_GUESS: usize = 24;
    let mut total = 64;
    let mut i = 0;
    while i < params.len() {
        if !matches!(params[i].location, Location::Path) {
            total += params[i].wire_name.len() + 2 + VALUE_GUESS;
        }
        i += 1;
    }
    total
}

/// Form-encodes `value` onto `out` (generated `write_query` code).
#[doc(hidden)]
pub fn write_query(out: &mut String, value: &impl serde::Serialize) -> Result<(), InvalidParams> {
    serde_html_form::ser::push_to_string(out, value).map_err(|e| {
        InvalidParams(vec![InvalidParam {
            param: "(query)".into(),
            reason: ParamError::new(format!("cannot be form-encoded: {e}")),
        }])
    })
}
