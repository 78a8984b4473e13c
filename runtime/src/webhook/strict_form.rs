//! Strict `application/x-www-form-urlencoded` decoding for signature checks.
//!
//! Strict on purpose: a lossy decoder maps different invalid byte sequences to the same
//! replacement character, which would let a changed body verify under the old signature.

use percent_encoding::percent_decode;

use super::SignatureError;

/// Decodes a form body (or a URL query) into its name/value pairs, in order. `+` is a space;
/// empty segments are skipped; a segment without `=` is a name with an empty value.
pub(crate) fn parse_pairs(input: &[u8]) -> Result<Vec<(String, String)>, SignatureError> {
    input
        .split(|b| *b == b'&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (name, value) = match segment.iter().position(|b| *b == b'=') {
                Some(i) => (&segment[..i], &segment[i + 1..]),
                None => (segment, &segment[segment.len()..]),
            };
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

fn decode(raw: &[u8]) -> Result<String, SignatureError> {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_decode(&spaced).collect();
    String::from_utf8(bytes).map_err(|_| SignatureError::InvalidBody)
}

/// The query of `url` (between `?` and `#`), if any.
pub(crate) fn query_of(url: &str) -> Option<&str> {
    let without_fragment = url.split_once('#').map_or(url, |(before, _)| before);
    without_fragment.split_once('?').map(|(_, query)| query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_percent_and_bare_names() {
        let pairs = parse_pairs(b"a=1+2&b=%27%40&&c").expect("valid");
        assert_eq!(
            pairs,
            vec![
                ("a".into(), "1 2".into()),
                ("b".into(), "'@".into()),
                ("c".into(), String::new())
            ]
        );
    }

    #[test]
    fn refuses_invalid_utf8() {
        assert_eq!(parse_pairs(b"a=%FF"), Err(SignatureError::InvalidBody));
        assert_eq!(parse_pairs(b"a=\xff"), Err(SignatureError::InvalidBody));
    }

    #[test]
    fn finds_the_query() {
        assert_eq!(query_of("https://h/p?a=1#f"), Some("a=1"));
        assert_eq!(query_of("https://h/p#f?x"), None);
        assert_eq!(query_of("https://h/p"), None);
    }
}
