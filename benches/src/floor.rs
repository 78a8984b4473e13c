//! A reference beside both encoders (the module keeps its first name, "floor"): the same 18
//! pairs, already rendered to strings, percent-encoded by `form_urlencoded` into a pre-sized
//! buffer, and the path copied into another. It was the floor while ours encoded through
//! `form_urlencoded` too; since ours has its own table-driven encoder it runs below it, and the
//! reference shows how much of a generic encoder's time is the percent-encoding alone.

use url::form_urlencoded;

/// The request already rendered: the path, and each form pair's decoded text.
#[derive(Debug, Clone)]
pub struct Rendered {
    path: String,
    pairs: Vec<(String, String)>,
    body_len: usize,
}

/// Renders the fixture once through our encoder and decodes the body back into pairs, so the
/// floor encodes exactly the same values.
///
/// # Panics
/// If the fixture does not encode (a bug caught by the first bench run).
pub fn rendered() -> Rendered {
    let client = crate::fixture::client(None);
    let (path, body) = match client.encode(&crate::fixture::full_params()) {
        Ok((path, Some(body))) => (path, body),
        other => panic!("the bench fixture did not encode: {other:?}"),
    };
    let pairs = form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    Rendered {
        path,
        pairs,
        body_len: body.len(),
    }
}

/// Copies the path and percent-encodes the pairs: two allocations, no per-field logic.
pub fn encode(r: &Rendered) -> (String, String) {
    let mut path = String::with_capacity(r.path.len());
    path.push_str(&r.path);
    let body = form_urlencoded::Serializer::new(String::with_capacity(r.body_len))
        .extend_pairs(r.pairs.iter())
        .finish();
    (path, body)
}
