//! Reading a request off the wire: the request target (no absolute URLs, no path tricks, no
//! overlong paths), path values decoded exactly once, strict query and form decoding (UTF-8,
//! no NUL), and a capped body read with a deadline.
//!
//! Nothing read here is forwarded as it came: values go through the declaration's check and
//! the upstream request is rebuilt from the declaration, so a trick that slipped through would
//! still land inside one percent-encoded value, never in the upstream host or path structure.

use std::borrow::Cow;
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, Uri};
use http_body_util::BodyExt as _;
use percent_encoding::percent_decode;
use runtime::param::Location;
use runtime::{Body as BodyKind, WireInput};

use crate::operation::Operation;
use crate::refusal::Refusal;

/// Checks the request target before anything else looks at it.
pub fn check_target(uri: &Uri, max_uri_bytes: usize) -> Result<(), Refusal> {
    if uri.scheme().is_some() || uri.authority().is_some() {
        // `GET http://elsewhere/… HTTP/1.1`: this is not an open proxy; the upstream host comes
        // from the declaration alone.
        return Err(Refusal::bad_request(
            "Absolute URLs are not accepted in the request line: send the path only",
        ));
    }
    let length = uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    if length > max_uri_bytes {
        return Err(Refusal::uri_too_long(max_uri_bytes));
    }
    check_path(uri.path())
}

/// Refuses dot segments, encoded slashes or backslashes, NUL and control characters, double
/// encoding and invalid UTF-8 anywhere in the path.
pub fn check_path(path: &str) -> Result<(), Refusal> {
    for raw in path.split('/') {
        if raw.contains('\\') {
            return Err(Refusal::bad_request("The path contains a backslash"));
        }
        let decoded = decode_segment(raw)?;
        if decoded == "." || decoded == ".." {
            return Err(Refusal::bad_request("The path contains a dot segment"));
        }
    }
    Ok(())
}

/// Decodes one path segment once; refuses what a decoded segment must not hold.
pub fn decode_segment(raw: &str) -> Result<Cow<'_, str>, Refusal> {
    if !raw.contains('%') {
        return Ok(Cow::Borrowed(raw));
    }
    let decoded = percent_decode(raw.as_bytes())
        .decode_utf8()
        .map_err(|_| Refusal::bad_request("The path is not valid UTF-8 once decoded"))?;
    if decoded.contains(['/', '\\']) {
        return Err(Refusal::bad_request(
            "The path contains an encoded slash or backslash",
        ));
    }
    if decoded.contains('%') {
        return Err(Refusal::bad_request(
            "The path is percent-encoded twice (`%25`)",
        ));
    }
    if decoded.chars().any(char::is_control) {
        return Err(Refusal::bad_request(
            "The path contains a control character or NUL",
        ));
    }
    Ok(decoded)
}

/// The matched path values, decoded once.
pub fn path_values(raw: &[(&'static str, &str)]) -> Result<Vec<(String, String)>, Refusal> {
    raw.iter()
        .map(|(name, value)| Ok(((*name).to_owned(), decode_segment(value)?.into_owned())))
        .collect()
}

/// Decodes `application/x-www-form-urlencoded` (a query string or a form body) strictly:
/// every name and value must be UTF-8 once decoded and hold no NUL.
pub fn decode_pairs(raw: &[u8], what: &str) -> Result<Vec<(String, String)>, Refusal> {
    let mut pairs = Vec::new();
    for piece in raw.split(|b| *b == b'&') {
        if piece.is_empty() {
            continue;
        }
        let (name, value) = match piece.iter().position(|b| *b == b'=') {
            Some(i) => (&piece[..i], &piece[i + 1..]),
            None => (piece, &b""[..]),
        };
        let name = decode_component(name, what)?;
        if name.is_empty() {
            return Err(Refusal::bad_request(format!(
                "The {what} has a value without a name"
            )));
        }
        let value = decode_component(value, what)?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

fn decode_component(raw: &[u8], what: &str) -> Result<String, Refusal> {
    let plus_as_space: Cow<'_, [u8]> = if raw.contains(&b'+') {
        Cow::Owned(
            raw.iter()
                .map(|b| if *b == b'+' { b' ' } else { *b })
                .collect(),
        )
    } else {
        Cow::Borrowed(raw)
    };
    let text = percent_decode(&plus_as_space)
        .decode_utf8()
        .map_err(|_| Refusal::bad_request(format!("The {what} is not valid UTF-8 once decoded")))?;
    if text.contains('\0') {
        return Err(Refusal::bad_request(format!(
            "The {what} contains a NUL byte"
        )));
    }
    Ok(text.into_owned())
}

/// Reads the whole body, at most `limit` bytes, within `timeout`.
pub async fn read_body(body: Body, limit: usize, timeout: Duration) -> Result<Bytes, Refusal> {
    let limited = http_body_util::Limited::new(body, limit);
    match tokio::time::timeout(timeout, limited.collect()).await {
        Err(_) => Err(Refusal::bad_request(
            "The request body did not arrive in time",
        )),
        Ok(Err(e))
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(Refusal::too_large(limit))
        }
        Ok(Err(_)) => Err(Refusal::bad_request("The request body could not be read")),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}

/// The media type of `Content-Type`, lower-cased, without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(http::header::CONTENT_TYPE)?.to_str().ok()?;
    Some(
        value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase(),
    )
}

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// Builds the wire input of a matched operation from its query, headers and body: path values
/// by placeholder, query or form pairs, the JSON object of a `body = json` operation, and the
/// declared header parameters (no other header is read: credentials never are).
pub fn wire_input(
    op: &Operation,
    path: Vec<(String, String)>,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<WireInput, Refusal> {
    let info = op.info;
    let mut pairs = decode_pairs(query.unwrap_or_default().as_bytes(), "query string")?;
    let mut json = None;
    if info.method.has_body() {
        // Parameters of a body operation travel in the body; a query parameter is accepted only
        // where the declaration puts one in the query.
        if let Some((name, _)) = pairs
            .iter()
            .find(|(name, _)| info.param_in(Location::Query, name).is_none())
        {
            return Err(Refusal::bad_request(format!(
                "{name} was sent in the query string: {} takes its parameters in the {} body",
                op.name,
                if info.body == BodyKind::Json {
                    "JSON"
                } else {
                    "form"
                }
            )));
        }
        // A JSON body in the declaration's own media type (SCIM's `application/scim+json`,
        // which twilio-python sends for those) or plain `application/json`.
        let (expected, kind) = if info.body == BodyKind::Json {
            (info.media, "JSON body")
        } else {
            (FORM, "form body")
        };
        if !body.is_empty() {
            match media_type(headers).as_deref() {
                Some(given) if given == expected => {}
                Some(JSON) if info.body == BodyKind::Json => {}
                Some(other) => {
                    return Err(Refusal::unsupported_media(format!(
                        "{} takes a {kind} ({expected}), not {other}",
                        op.name
                    )))
                }
                None => {
                    return Err(Refusal::unsupported_media(format!(
                        "The body has no Content-Type: {} takes {expected}",
                        op.name
                    )))
                }
            }
            if info.body == BodyKind::Json {
                json = Some(decode_json(body)?);
            } else {
                pairs.extend(decode_pairs(body, "form body")?);
            }
        }
    } else if !body.is_empty() {
        return Err(Refusal::bad_request(format!(
            "{} {} takes no body: send its parameters in the query string",
            info.method, op.name
        )));
    }
    Ok(WireInput {
        path,
        pairs,
        json,
        headers: declared_headers(op, headers)?,
    })
}

/// A JSON body: one object (its members are checked by the declaration).
fn decode_json(body: &[u8]) -> Result<serde_json::Value, Refusal> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        // serde_json's message names the line and column, never the text.
        Refusal::bad_request(format!("The JSON body is malformed: {e}"))
    })?;
    if !value.is_object() {
        return Err(Refusal::bad_request("The JSON body must be an object"));
    }
    Ok(value)
}

/// The request's values of the operation's header parameters, in declaration order.
fn declared_headers(op: &Operation, headers: &HeaderMap) -> Result<Vec<(String, String)>, Refusal> {
    let mut out = Vec::new();
    for p in op
        .info
        .params
        .iter()
        .filter(|p| p.location == Location::Header)
    {
        let mut values = headers.get_all(p.wire_name).iter();
        let Some(value) = values.next() else { continue };
        if values.next().is_some() {
            return Err(Refusal::bad_request(format!(
                "The {} header is sent more than once; it takes one value",
                p.wire_name
            )));
        }
        let text = value.to_str().map_err(|_| {
            Refusal::bad_request(format!("The {} header is not visible ASCII", p.wire_name))
        })?;
        out.push((p.wire_name.to_owned(), text.to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(path: &str) -> bool {
        check_path(path).is_err()
    }

    #[test]
    fn path_tricks_are_refused() {
        for bad in [
            "/2010-04-01/../admin",
            "/2010-04-01/./Accounts.json",
            "/2010-04-01/%2e%2e/x",
            "/2010-04-01/Accounts/AC1%2FCalls.json",
            "/2010-04-01/Accounts/AC1%2fCalls.json",
            "/2010-04-01/Accounts/AC1%5CCalls.json",
            "/2010-04-01/Accounts/AC1%00.json",
            "/2010-04-01/Accounts/AC1%252F.json",
            "/2010-04-01/Accounts/%ff.json",
            "/2010-04-01/Accounts/a\\b",
        ] {
            assert!(refused(bad), "{bad}");
        }
        assert!(!refused("/2010-04-01/Accounts/AC1/Calls.json"));
        assert!(!refused("/v2/PhoneNumbers/%2B15005550006"));
    }

    #[test]
    fn absolute_targets_and_long_ones_are_refused() {
        let abs: Uri = "http://evil.example/2010-04-01/Accounts.json"
            .parse()
            .expect("uri");
        assert!(check_target(&abs, 8192).is_err());
        let long: Uri = format!("/2010-04-01/{}", "a".repeat(9000))
            .parse()
            .expect("uri");
        let r = check_target(&long, 8192).expect_err("long");
        assert_eq!(r.status, http::StatusCode::URI_TOO_LONG);
    }

    #[test]
    fn pairs_decode_strictly() {
        let pairs = decode_pairs(b"To=%2B1555&Body=a+b%26c&Empty=&Flag", "form").expect("ok");
        assert_eq!(
            pairs,
            [
                ("To".into(), "+1555".into()),
                ("Body".into(), "a b&c".into()),
                ("Empty".into(), String::new()),
                ("Flag".into(), String::new())
            ]
        );
        assert!(decode_pairs(b"A=%ff", "form").is_err());
        assert!(decode_pairs(b"A=%00", "form").is_err());
        assert!(decode_pairs(b"=x", "form").is_err());
        assert!(decode_pairs(&[b'A', b'=', 0xff], "form").is_err());
    }
}
